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

impl Segment {
    /// The segment the inverse problem found, the `index`th of its road.
    fn of(inv: geodesic::Inverse, index: usize) -> Result<Segment, RoadError> {
        // Beyond ~half the meridian the shortest geodesic is ambiguous or wraps strangely.
        if inv.distance_m > 19_900_000.0 {
            return Err(RoadError::Antipodal { index });
        }
        Ok(Segment {
            azimuth_start_deg: inv.azimuth1_deg,
            azimuth_end_deg: inv.azimuth2_deg,
            length_m: inv.distance_m,
        })
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
    chainage_m: Vec<f64>,
    segments: Vec<Segment>,
    /// The nearest-point search, built on the first look-up and shared by clones (a section
    /// that is the whole road, a corridor's copy, a patrol's): a million-segment road builds it
    /// once, not once per holder.
    index: Arc<OnceLock<locate::NearestIndex>>,
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
        // Each step's inverse problem is solved once: it both finds repeats and is the segment.
        let mut segments: Vec<Segment> = Vec::with_capacity(raw.len().saturating_sub(1));
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
            if let Some(prev) = coords.last() {
                // Unroll so that the step in longitude is the short way round.
                c.x = prev.x + geodesic::normalize_deg(c.x - prev.x);
                let inv = geodesic::inverse(*prev, c);
                if inv.distance_m <= REPEAT_TOLERANCE_M {
                    continue;
                }
                segments.push(Segment::of(inv, segments.len())?);
            }
            coords.push(c);
        }
        if coords.len() < 2 {
            return Err(RoadError::TooFewVertices {
                found: coords.len(),
            });
        }
        Ok(Road::from_parts(coords, segments))
    }

    /// Builds from vertices that are already finite, distinct and unrolled.
    pub(crate) fn from_checked(coords: Vec<Coord>) -> Result<Road, RoadError> {
        let segments = coords
            .windows(2)
            .enumerate()
            .map(|(index, w)| Segment::of(geodesic::inverse(w[0], w[1]), index))
            .collect::<Result<Vec<Segment>, RoadError>>()?;
        Ok(Road::from_parts(coords, segments))
    }

    /// Builds from vertices and the segments between them, already solved.
    pub(crate) fn from_parts(coords: Vec<Coord>, segments: Vec<Segment>) -> Road {
        let mut chainage_m = Vec::with_capacity(coords.len());
        chainage_m.push(0.0);
        let mut total = 0.0;
        for seg in &segments {
            total += seg.length_m;
            chainage_m.push(total);
        }
        Road {
            coords,
            chainage_m,
            segments,
            index: Arc::new(OnceLock::new()),
        }
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
        self.chainage_m.last().copied().unwrap_or(0.0)
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
        &self.chainage_m
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
            .segments
            .iter()
            .rev()
            .map(|s| Segment {
                azimuth_start_deg: geodesic::normalize_deg(s.azimuth_end_deg + 180.0),
                azimuth_end_deg: geodesic::normalize_deg(s.azimuth_start_deg + 180.0),
                length_m: s.length_m,
            })
            .collect::<Vec<_>>();
        let mut chainage_m = Vec::with_capacity(coords.len());
        let mut total = 0.0;
        chainage_m.push(0.0);
        for s in &segments {
            total += s.length_m;
            chainage_m.push(total);
        }
        Road {
            coords,
            chainage_m,
            segments,
            index: Arc::new(OnceLock::new()),
        }
    }

    pub(crate) fn segments(&self) -> &[Segment] {
        &self.segments
    }
}
