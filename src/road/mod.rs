//! A road: a polyline of geodesic segments on WGS84, with its linear referencing.
//!
//! A [`Road`] is built from `(lon, lat)` vertices ([`Road::new`]) or read from GeoJSON
//! ([`Road::from_geojson_str`]). It knows its geodesic length and the chainage (metres from the
//! start along the road) of every vertex; [`Road::locate`] and [`Road::point_at`] convert between
//! positions and chainages, and [`Road::section_m`] cuts out the stretch between two chainages.

mod endpoint;
mod locate;
mod read;
mod side;

use std::sync::{Arc, OnceLock};

use geo::{Coord, LineString};

use crate::geodesic;
use crate::geojson_input::GeoJsonError;

pub use endpoint::{EndOnRoad, Endpoint, EndpointError};
pub use locate::Location;
pub use side::{Side, SideNames};

/// What can be wrong with a road.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoadError {
    /// The geometry has no vertices.
    #[error("the road has no vertices")]
    Empty,
    /// Fewer than two distinct vertices, so there is no length to build on.
    #[error("the road needs at least 2 distinct vertices, found {found}")]
    TooFewVertices {
        /// Distinct vertices found.
        found: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("vertex {index} has a coordinate that is not a finite number")]
    NotFinite {
        /// Zero-based vertex index.
        index: usize,
    },
    /// A longitude outside [-180, 180] or latitude outside [-90, 90].
    #[error(
        "vertex {index} is out of range: longitude {lon} and latitude {lat} must lie in [-180, 180] and [-90, 90] (coordinates are lon, lat)"
    )]
    OutOfRange {
        /// Zero-based vertex index.
        index: usize,
        /// Longitude found, degrees.
        lon: f64,
        /// Latitude found, degrees.
        lat: f64,
    },
    /// Two consecutive vertices are (nearly) antipodal, so the geodesic between them is not unique.
    #[error("vertices {index} and {} are nearly antipodal; add a vertex between them", index + 1)]
    Antipodal {
        /// Zero-based index of the first vertex.
        index: usize,
    },
    /// The file is not the GeoJSON asked for.
    #[error(transparent)]
    GeoJson(#[from] GeoJsonError),
    /// The GeoJSON holds no line geometry.
    #[error("no LineString or MultiLineString found (found {found})")]
    NoLine {
        /// What the file holds instead.
        found: String,
    },
    /// Line parts that do not join up into one road.
    #[error(
        "the road's {parts} line parts do not join into one line: part {part} is {gap_m:.0} m from the nearest free end"
    )]
    Disconnected {
        /// Number of parts.
        parts: usize,
        /// Zero-based index of the part that does not join.
        part: usize,
        /// Its gap to the nearest free end, metres.
        gap_m: f64,
    },
    /// A chainage outside the road.
    #[error("chainage {chainage_m:.3} m is outside the road (0 to {length_m:.3} m)")]
    ChainageOutOfRange {
        /// The chainage asked for, metres.
        chainage_m: f64,
        /// The road's length, metres.
        length_m: f64,
    },
    /// A section of (almost) no length.
    #[error("the section from {from_m:.3} m to {to_m:.3} m has no length")]
    EmptySection {
        /// Start chainage, metres.
        from_m: f64,
        /// End chainage, metres.
        to_m: f64,
    },
    /// A point given to locate is not a valid position.
    #[error("point ({lon}, {lat}) is not a valid longitude, latitude")]
    BadPoint {
        /// Longitude, degrees.
        lon: f64,
        /// Latitude, degrees.
        lat: f64,
    },
}

/// Consecutive vertices closer than this (metres) are treated as one.
const REPEAT_TOLERANCE_M: f64 = 1e-6;

/// One geodesic segment of a road, from vertex `i` to `i + 1`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    /// Azimuth at the start vertex, degrees clockwise from north.
    pub azimuth_start_deg: f64,
    /// Forward azimuth at the end vertex, degrees clockwise from north.
    pub azimuth_end_deg: f64,
    /// Geodesic length, metres.
    pub length_m: f64,
}

/// Longest segment a road may have, metres: beyond about half the meridian the shortest
/// geodesic is ambiguous or wraps strangely.
const MAX_SEGMENT_M: f64 = 19_900_000.0;

/// Metres per degree that no step exceeds along a meridian (the polar radius of curvature,
/// a / √(1 − e²)) or along a parallel (the equatorial radius), rounded up.
const MAX_METRES_PER_DEGREE: [f64; 2] = [111_695.0, 111_320.0];

/// Metres per degree of latitude that every step at least covers (the meridional radius of
/// curvature at the equator, a(1 − e²)), rounded down.
const MIN_METRES_PER_LAT_DEGREE: f64 = 110_574.0;

impl Segment {
    /// The segment the inverse problem found.
    fn of(inv: geodesic::Inverse) -> Segment {
        Segment {
            azimuth_start_deg: inv.azimuth1_deg,
            azimuth_end_deg: inv.azimuth2_deg,
            length_m: inv.distance_m,
        }
    }

    /// The step from `a` to `b` (unrolled) when it may be too long for a road, that is when
    /// its inverse problem must be solved to tell: a path along the meridian, then along the
    /// parallel, bounds the geodesic from above, and most steps are far below the limit.
    fn may_be_too_long(a: Coord, b: Coord) -> bool {
        (b.y - a.y).abs() * MAX_METRES_PER_DEGREE[0] + (b.x - a.x).abs() * MAX_METRES_PER_DEGREE[1]
            > MAX_SEGMENT_M
    }

    /// Whether the step from `a` to `b` (unrolled) may be a repeat, within
    /// [`REPEAT_TOLERANCE_M`]: only then is its inverse problem solved to tell. The meridian
    /// arc between two parallels is the shortest way from one to the other, so a step across
    /// more than a nanodegree of latitude (over 0.1 mm) is no repeat.
    fn may_be_repeat(a: Coord, b: Coord) -> bool {
        (b.y - a.y).abs() * MIN_METRES_PER_LAT_DEGREE <= 100.0 * REPEAT_TOLERANCE_M
    }
}

/// Roads with more segments than this solve them on several threads.
const PARALLEL_SEGMENTS: usize = 4_096;

/// Steps a solving thread takes at a time (about a millisecond of work).
const SOLVE_BLOCK: usize = 2_048;

/// A road's solved segments and the chainage of each vertex.
#[derive(Debug, Clone)]
struct Solved {
    segments: Vec<Segment>,
    chainage_m: Vec<f64>,
}

impl Solved {
    /// Solves the inverse problem of every step, each exactly as on its own, on as many threads
    /// as there are cores for a long road (plain threads rather than rayon's: the first use
    /// may come from inside a rayon job, and a job waiting on its own solution must not be
    /// handed the solving thread's work). The threads take blocks of [`SOLVE_BLOCK`] steps in
    /// turn, so that one slowed down by other work on its core holds up no fixed share.
    fn of(coords: &[Coord]) -> Solved {
        let steps = coords.len().saturating_sub(1);
        let mut segments = vec![
            Segment {
                azimuth_start_deg: 0.0,
                azimuth_end_deg: 0.0,
                length_m: 0.0,
            };
            steps
        ];
        let solve = |(block, out): (usize, &mut [Segment])| {
            let start = block * SOLVE_BLOCK;
            for (seg, w) in out.iter_mut().zip(coords[start..].windows(2)) {
                *seg = Segment::of(geodesic::inverse(w[0], w[1]));
            }
        };
        let threads = if steps >= PARALLEL_SEGMENTS {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
        } else {
            1
        };
        if threads > 1 {
            let blocks = std::sync::Mutex::new(segments.chunks_mut(SOLVE_BLOCK).enumerate());
            // A block is taken under the lock and solved outside it; a thread that panicked
            // (GeographicLib's arithmetic should not) leaves the queue whole for the others,
            // and the scope passes its panic on.
            let next = || blocks.lock().unwrap_or_else(|e| e.into_inner()).next();
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(|| {
                        while let Some(block) = next() {
                            solve(block);
                        }
                    });
                }
            });
        } else {
            segments.chunks_mut(SOLVE_BLOCK).enumerate().for_each(solve);
        }
        Solved::from_segments(segments)
    }

    fn from_segments(segments: Vec<Segment>) -> Solved {
        let mut chainage_m = Vec::with_capacity(segments.len() + 1);
        chainage_m.push(0.0);
        let mut total = 0.0;
        for seg in &segments {
            total += seg.length_m;
            chainage_m.push(total);
        }
        Solved {
            segments,
            chainage_m,
        }
    }
}

/// A road: vertices in `(lon, lat)` order joined by geodesics on WGS84.
///
/// Repeated vertices are dropped and longitudes are unrolled so that consecutive vertices never
/// differ by more than 180° (a road across the antimeridian stays continuous).
///
/// # Examples
/// ```
/// use corridor::Road;
/// use geo::line_string;
///
/// // Saraqib to a point 10 km east: longitude, latitude
/// let road = Road::new(line_string![(x: 36.80, y: 35.86), (x: 36.91, y: 35.86)]).unwrap();
/// assert!((road.length_m() - 9_930.0).abs() < 10.0);
/// ```
#[derive(Debug, Clone)]
pub struct Road {
    coords: Vec<Coord>,
    /// The segments and chainages, solved on first use and shared by clones: a line made only
    /// to be drawn (a simplified route) never pays its geodesic problems, and a long road's
    /// are solved on every core (see [`Solved::of`]).
    solved: Arc<OnceLock<Solved>>,
    /// The nearest-point search, built on the first look-up and shared by clones (a section
    /// that is the whole road, a corridor's copy, a patrol's): a million-segment road builds it
    /// once, not once per holder.
    index: Arc<OnceLock<locate::NearestIndex>>,
    /// Earth-centred positions of the vertices, made on first use and shared by clones (the
    /// simplification, the band round a noisy line and the nearest-point search each made
    /// their own).
    ecef: Arc<OnceLock<Vec<[f64; 3]>>>,
}

impl Road {
    /// Builds a road from a line of `(lon, lat)` vertices in degrees.
    ///
    /// # Errors
    /// [`RoadError`] when the line is empty, has fewer than two distinct vertices, or holds a
    /// coordinate that is not finite or out of range.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Road, RoadError};
    /// use geo::line_string;
    ///
    /// let err = Road::new(line_string![(x: 36.8, y: 35.9), (x: 36.8, y: 35.9)]).unwrap_err();
    /// assert_eq!(err, RoadError::TooFewVertices { found: 1 });
    /// ```
    pub fn new(line: LineString) -> Result<Road, RoadError> {
        Road::from_coords(line.0)
    }

    /// Builds a road from `(lon, lat)` coordinates in degrees; see [`Road::new`].
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::coord;
    ///
    /// let road = Road::from_coords(vec![coord! { x: 0.0, y: 0.0 }, coord! { x: 0.0, y: 1.0 }]).unwrap();
    /// assert!((road.length_m() - 110_574.4).abs() < 0.1); // one degree of latitude at the equator
    /// ```
    pub fn from_coords(raw: Vec<Coord>) -> Result<Road, RoadError> {
        if raw.is_empty() {
            return Err(RoadError::Empty);
        }
        let mut coords: Vec<Coord> = Vec::with_capacity(raw.len());
        for (index, c) in raw.into_iter().enumerate() {
            if !c.x.is_finite() || !c.y.is_finite() {
                return Err(RoadError::NotFinite { index });
            }
            if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
                return Err(RoadError::OutOfRange {
                    index,
                    lon: c.x,
                    lat: c.y,
                });
            }
            let mut c = c;
            if let Some(&prev) = coords.last() {
                // Unroll so that the step in longitude is the short way round.
                c.x = prev.x + geodesic::normalize_deg(c.x - prev.x);
                // Only a step that may be a repeat or too long is solved here; the others wait
                // for the first use of the segments.
                if Segment::may_be_repeat(prev, c) || Segment::may_be_too_long(prev, c) {
                    let distance_m = geodesic::inverse(prev, c).distance_m;
                    if distance_m <= REPEAT_TOLERANCE_M {
                        continue;
                    }
                    if distance_m > MAX_SEGMENT_M {
                        return Err(RoadError::Antipodal {
                            index: coords.len() - 1,
                        });
                    }
                }
            }
            coords.push(c);
        }
        if coords.len() < 2 {
            return Err(RoadError::TooFewVertices {
                found: coords.len(),
            });
        }
        Ok(Road::unsolved(coords))
    }

    /// Builds from vertices that are already finite, distinct and unrolled.
    pub(crate) fn from_checked(coords: Vec<Coord>) -> Result<Road, RoadError> {
        for (index, w) in coords.windows(2).enumerate() {
            if Segment::may_be_too_long(w[0], w[1])
                && geodesic::inverse(w[0], w[1]).distance_m > MAX_SEGMENT_M
            {
                return Err(RoadError::Antipodal { index });
            }
        }
        Ok(Road::unsolved(coords))
    }

    /// A road on checked vertices whose segments are solved on first use.
    fn unsolved(coords: Vec<Coord>) -> Road {
        Road {
            coords,
            solved: Arc::new(OnceLock::new()),
            index: Arc::new(OnceLock::new()),
            ecef: Arc::new(OnceLock::new()),
        }
    }

    /// Builds from vertices and the segments between them, already solved.
    pub(crate) fn from_parts(coords: Vec<Coord>, segments: Vec<Segment>) -> Road {
        Road {
            coords,
            solved: Arc::new(OnceLock::from(Solved::from_segments(segments))),
            index: Arc::new(OnceLock::new()),
            ecef: Arc::new(OnceLock::new()),
        }
    }

    /// The segments and chainages, solved now if they were not yet.
    fn solved(&self) -> &Solved {
        self.solved.get_or_init(|| Solved::of(&self.coords))
    }

    /// Geodesic length of the road in metres.
    ///
    /// # Units
    /// Metres.
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0)]).unwrap();
    /// assert!((road.length_m() - 111_319.49).abs() < 0.01); // one degree along the equator
    /// ```
    pub fn length_m(&self) -> f64 {
        self.solved().chainage_m.last().copied().unwrap_or(0.0)
    }

    /// The vertices, `(lon, lat)` in degrees, repeated vertices removed. Longitudes are unrolled
    /// (continuous), so they may leave [-180, 180] on a road across the antimeridian.
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 1.0, y: 0.0), (x: 1.0, y: 0.0), (x: 2.0, y: 0.0)]).unwrap();
    /// assert_eq!(road.coords().len(), 2);
    /// ```
    pub fn coords(&self) -> &[Coord] {
        &self.coords
    }

    /// Chainage of each vertex in metres from the start (same length as [`Road::coords`]).
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.0, y: 0.5), (x: 0.0, y: 1.0)]).unwrap();
    /// assert_eq!(road.vertex_chainages_m()[0], 0.0);
    /// assert_eq!(road.vertex_chainages_m()[2], road.length_m());
    /// ```
    pub fn vertex_chainages_m(&self) -> &[f64] {
        &self.solved().chainage_m
    }

    /// The road as a geo-types `LineString` (`x = lon`, `y = lat`).
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let line = line_string![(x: 36.0, y: 35.8), (x: 36.5, y: 35.9)];
    /// assert_eq!(Road::new(line.clone()).unwrap().to_line_string(), line);
    /// ```
    pub fn to_line_string(&self) -> LineString {
        LineString(self.coords.clone())
    }

    /// The same road driven the other way.
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.5, y: 35.9)]).unwrap();
    /// let back = road.reversed();
    /// assert_eq!(back.coords()[0], road.coords()[1]);
    /// assert!((back.length_m() - road.length_m()).abs() < 1e-6);
    /// ```
    pub fn reversed(&self) -> Road {
        let mut coords = self.coords.clone();
        coords.reverse();
        // The inverse problem is symmetric, so each segment is the same one driven backwards.
        let segments = self
            .segments()
            .iter()
            .rev()
            .map(|s| Segment {
                azimuth_start_deg: geodesic::normalize_deg(s.azimuth_end_deg + 180.0),
                azimuth_end_deg: geodesic::normalize_deg(s.azimuth_start_deg + 180.0),
                length_m: s.length_m,
            })
            .collect::<Vec<_>>();
        Road::from_parts(coords, segments)
    }

    pub(crate) fn segments(&self) -> &[Segment] {
        &self.solved().segments
    }

    /// Earth-centred positions of the vertices, metres (see [`geodesic::ecef_m`]), made on
    /// first use: on every core for a long road, on plain threads as the segments are (see
    /// [`Solved::of`]).
    pub(crate) fn ecef_m(&self) -> &[[f64; 3]] {
        self.ecef.get_or_init(|| {
            let mut xyz = vec![[0.0; 3]; self.coords.len()];
            let convert = |(out, coords): (&mut [[f64; 3]], &[Coord])| {
                for (p, &c) in out.iter_mut().zip(coords) {
                    *p = geodesic::ecef_m(c);
                }
            };
            let threads = if self.coords.len() >= PARALLEL_SEGMENTS {
                std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
            } else {
                1
            };
            let size = self.coords.len().div_ceil(threads).max(1);
            std::thread::scope(|scope| {
                for block in xyz.chunks_mut(size).zip(self.coords.chunks(size)) {
                    scope.spawn(move || convert(block));
                }
            });
            xyz
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_solved_on_several_threads_are_those_solved_one_by_one() {
        // A spiral of 10,000 steps of about 100 m, long enough to be split between threads.
        let coords: Vec<Coord> = (0..10_001)
            .map(|k| {
                let t = k as f64 * 1e-3;
                Coord {
                    x: 36.0 + t.cos() * t * 0.01,
                    y: 35.0 + t.sin() * t * 0.01,
                }
            })
            .collect();
        let road = Road::from_coords(coords).unwrap();
        assert!(road.segments().len() >= PARALLEL_SEGMENTS);
        for (seg, w) in road.segments().iter().zip(road.coords().windows(2)) {
            let inv = geodesic::inverse(w[0], w[1]);
            assert_eq!(seg.length_m.to_bits(), inv.distance_m.to_bits());
            assert_eq!(seg.azimuth_start_deg.to_bits(), inv.azimuth1_deg.to_bits());
            assert_eq!(seg.azimuth_end_deg.to_bits(), inv.azimuth2_deg.to_bits());
        }
    }

    #[test]
    fn repeats_and_antipodes_are_found_without_solving_every_step() {
        // Repeats within a micrometre, along a parallel and along a meridian, are dropped; a
        // step of a tenth of a millimetre is kept.
        let at = |x: f64, y: f64| Coord { x, y };
        let road = Road::from_coords(vec![
            at(36.0, 35.0),
            at(36.0 + 1e-12, 35.0),
            at(36.0, 35.0 + 1e-12),
            at(36.0, 35.0 + 1e-9),
            at(36.1, 35.0),
        ])
        .unwrap();
        assert_eq!(road.coords().len(), 3);
        // Nearly antipodal vertices, on the equator and across the pole.
        for (a, b) in [
            (at(0.0, 0.0), at(179.9, 0.0)),
            (at(0.0, 89.0), at(180.0, -89.0)),
        ] {
            let err = Road::from_coords(vec![at(0.0, 1.0), a, b]).unwrap_err();
            assert_eq!(err, RoadError::Antipodal { index: 1 });
            assert!(Road::from_checked(vec![a, b]).is_err());
        }
    }
}
