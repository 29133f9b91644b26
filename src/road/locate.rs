//! Linear referencing: chainage and offset of a point, the point at a chainage, sections.
//!
//! Rules: the nearest point of the road decides (at the outside of a corner that is the corner
//! vertex itself); a point beyond an end has its chainage clamped to 0 or the road's length.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use geo::Coord;
use geographiclib_rs::GeodesicLine;
use rstar::{RTree, primitives::GeomWithData, primitives::Rectangle};

use super::{Road, RoadError, Segment, Side};
use crate::geodesic::{self, MIN_RADIUS_M, ecef_dot, ecef_sub};

/// Where a point lies relative to a road.
///
/// # Units
/// Metres for every distance; `nearest` in `(lon, lat)` degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    /// Metres along the road from its start to the nearest road point.
    pub chainage_m: f64,
    /// Signed geodesic distance in metres to the nearest road point: positive left of the
    /// direction of travel, negative right.
    pub offset_m: f64,
    /// The side of the road (a point on the road itself counts as left).
    pub side: Side,
    /// The nearest road point, `(lon, lat)`.
    pub nearest: Coord,
    /// Geodesic distance to the road in metres (the absolute offset).
    pub distance_m: f64,
    /// The nearest point is the first or last vertex and the point lies behind the geodesic
    /// normal to the road there: beyond a flat end cap.
    pub beyond_end: bool,
}

/// A mean Earth radius for the spherical Newton step toward the foot of the perpendicular; it
/// changes how fast the iteration gets there, not where it ends.
const STEP_RADIUS_M: f64 = 6_371_000.0;

/// The foot iteration stops once a step is shorter than this, metres. The distance then errs by
/// about step² / (2 × distance) before the correction in [`NearestIndex::foot`], far under a
/// millimetre.
const FOOT_EPSILON_M: f64 = 1e-4;

/// Roads with at most this many segments are searched by bounding every segment, without the
/// tree (a tree walk costs more than a few dozen bounds).
const SCAN_SPANS: usize = 128;

/// Look-ups on a longer road that bound every segment before its tree is built: a scan of
/// 100,000 segments costs about a millisecond, the tree some 30 ms, and a `corridor build`
/// locates only its ends and places (the corridor's own searches, hundreds, get the tree).
const SCAN_QUERIES: usize = 8;

/// What the geodesic lines give: position and azimuth, longitude unrolled as in
/// `geodesic::direct`, so that both give the same points to the last bit.
const LINE_CAPS: u64 = geographiclib_rs::capability::LATITUDE
    | geographiclib_rs::capability::LONGITUDE
    | geographiclib_rs::capability::AZIMUTH
    | geographiclib_rs::capability::LONG_UNROLL;

/// One geodesic segment as the nearest-point search needs it.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Earth-centred start, metres.
    start_xyz: [f64; 3],
    /// The chord from start to end, metres, and one over its squared length.
    chord: [f64; 3],
    inverse_chord2: f64,
    /// How far the geodesic can stray from its chord, metres (with room to spare).
    bulge_m: f64,
}

type SpanBox = GeomWithData<Rectangle<[f64; 3]>, usize>;

/// The one nearest-point search of a road (built once, on the first [`Road::locate`]):
/// - the first few searches of a long road bound every segment; later ones walk a tree of the
///   segments' boxes, built then;
/// - candidates are pruned by a tight lower bound, the straight-line distance to the segment's
///   chord less its bulge, so usually one segment (two at a corner) is solved exactly;
/// - the foot iteration starts from the projection onto the chord in Earth-centred space, which
///   is within millimetres of the geodesic foot for roads of ordinary segment length, so one
///   direct and one inverse solution usually end it.
#[derive(Debug)]
pub(crate) struct NearestIndex {
    spans: Vec<Span>,
    /// The segments' boxes, built once a road has been searched [`SCAN_QUERIES`] times.
    tree: OnceLock<RTree<SpanBox>>,
    /// Searches so far, up to the tree.
    queries: AtomicUsize,
    /// Each segment's geodesic, set up on its first exact solve: points along it then cost a
    /// fraction of a direct solution. Boxed and lazy so that a long road searched a few times
    /// (a place or two) does not pay about 600 bytes a segment.
    lines: Vec<OnceLock<Box<GeodesicLine>>>,
}

/// Where a point stands against a span's chord, in Earth-centred space.
#[derive(Debug, Clone, Copy)]
struct Bound {
    /// Squared straight-line distance to the chord, m². Its root less the span's bulge is a
    /// lower bound of the geodesic distance to the span.
    chord_gap2_m2: f64,
    /// Where the point projects along the chord, 0 to 1.
    t: f64,
}

/// The nearest point found so far on one span.
#[derive(Debug, Clone, Copy)]
struct Foot {
    span: usize,
    along_m: f64,
    distance_m: f64,
    /// Azimuth from the foot to the point minus the road's azimuth there, degrees.
    off_deg: f64,
}

/// Feet closer than this to the nearest count as ties, metres.
const TIE_M: f64 = 1e-9;

/// The feet solved so far within [`TIE_M`] of the nearest, of which the answer is the one on
/// the earliest segment. Kept whole rather than compared two at a time: "within a nanometre"
/// does not chain (a tie with a tie may not tie), and the answer must not depend on the order
/// the segments were solved in (a scan's or the tree's).
#[derive(Debug, Default)]
struct Ties {
    feet: Vec<Foot>,
}

impl Ties {
    /// The nearest distance so far, metres.
    fn distance_m(&self) -> Option<f64> {
        self.feet
            .iter()
            .map(|f| f.distance_m)
            .min_by(f64::total_cmp)
    }

    fn add(&mut self, foot: Foot) {
        let nearest_m = self
            .distance_m()
            .map_or(foot.distance_m, |d| d.min(foot.distance_m));
        if foot.distance_m <= nearest_m + TIE_M {
            self.feet.push(foot);
        }
        self.feet.retain(|f| f.distance_m <= nearest_m + TIE_M);
    }

    /// The foot on the earliest segment among the ties.
    fn pick(&self) -> Option<Foot> {
        self.feet.iter().copied().min_by_key(|f| f.span)
    }
}

impl NearestIndex {
    fn new(road: &Road) -> NearestIndex {
        let xyz = road.ecef_m();
        let spans: Vec<Span> = road
            .segments()
            .iter()
            .zip(xyz.windows(2))
            .map(|(seg, ends)| {
                let half = 0.5 * seg.length_m;
                let start_xyz = ends[0];
                let chord = ecef_sub(ends[1], start_xyz);
                let chord2 = ecef_dot(chord, chord);
                Span {
                    start_xyz,
                    chord,
                    // Distinct vertices make a chord of some length; guard all the same.
                    inverse_chord2: if chord2 > 0.0 { 1.0 / chord2 } else { 0.0 },
                    // Sagitta of an arc of curvature at most 1/MIN_RADIUS_M, times 1.5, plus a
                    // millimetre for rounding (Earth-centred coordinates carry nanometres).
                    bulge_m: 1.5 * half * half / (2.0 * MIN_RADIUS_M) + 1e-3,
                }
            })
            .collect();
        NearestIndex {
            lines: (0..spans.len()).map(|_| OnceLock::new()).collect(),
            spans,
            tree: OnceLock::new(),
            queries: AtomicUsize::new(0),
        }
    }

    /// The tree of the segments' boxes, each padded by its bulge.
    fn tree(&self) -> &RTree<SpanBox> {
        self.tree.get_or_init(|| {
            let boxes = self
                .spans
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let end = [
                        s.start_xyz[0] + s.chord[0],
                        s.start_xyz[1] + s.chord[1],
                        s.start_xyz[2] + s.chord[2],
                    ];
                    let mut lo = s.start_xyz;
                    let mut hi = s.start_xyz;
                    for k in 0..3 {
                        lo[k] = lo[k].min(end[k]) - s.bulge_m;
                        hi[k] = hi[k].max(end[k]) + s.bulge_m;
                    }
                    SpanBox::new(Rectangle::from_corners(lo, hi), i)
                })
                .collect();
            RTree::bulk_load(boxes)
        })
    }

    /// Whether this search goes through the tree: short roads never do, long ones once they
    /// have been searched often enough to pay for it.
    fn use_tree(&self) -> bool {
        self.spans.len() > SCAN_SPANS
            && (self.tree.get().is_some()
                || self.queries.fetch_add(1, Ordering::Relaxed) >= SCAN_QUERIES)
    }

    /// A lower bound of the geodesic distance from `q` (Earth-centred) to span `i`, and where
    /// along the chord `q` projects (0 to 1). Chords never exceed geodesic distances, and every
    /// point of the geodesic lies within its bulge of the chord.
    fn bound(&self, i: usize, q: [f64; 3]) -> Bound {
        let s = &self.spans[i];
        let aq = ecef_sub(q, s.start_xyz);
        let t = (ecef_dot(aq, s.chord) * s.inverse_chord2).clamp(0.0, 1.0);
        let gap = ecef_sub(aq, [s.chord[0] * t, s.chord[1] * t, s.chord[2] * t]);
        Bound {
            chord_gap2_m2: ecef_dot(gap, gap),
            t,
        }
    }
}

impl Road {
    fn index(&self) -> &NearestIndex {
        self.index.get_or_init(|| NearestIndex::new(self))
    }

    /// Position and azimuth at `along_m` metres from the start of segment `i`.
    fn on_segment(&self, i: usize, along_m: f64) -> (Coord, f64) {
        let seg = self.segments()[i];
        if along_m <= 0.0 {
            (self.coords[i], seg.azimuth_start_deg)
        } else if along_m >= seg.length_m {
            (self.coords[i + 1], seg.azimuth_end_deg)
        } else {
            geodesic::direct(self.coords[i], seg.azimuth_start_deg, along_m)
        }
    }

    /// As [`Road::on_segment`], through the segment's cached geodesic line (the same points).
    fn on_segment_line(&self, i: usize, along_m: f64) -> (Coord, f64) {
        let seg = self.segments()[i];
        if along_m <= 0.0 || along_m >= seg.length_m {
            return self.on_segment(i, along_m);
        }
        let line = self.index().lines[i].get_or_init(|| {
            Box::new(GeodesicLine::new(
                &geodesic::WGS84,
                self.coords[i].y,
                self.coords[i].x,
                seg.azimuth_start_deg,
                Some(LINE_CAPS | geographiclib_rs::capability::DISTANCE_IN),
                None,
                None,
            ))
        });
        let (_, lat, lon, azimuth, ..) = line._gen_position(false, along_m, LINE_CAPS);
        (Coord { x: lon, y: lat }, azimuth)
    }

    /// The foot of the perpendicular geodesic from `p` on segment `i` (clamped to the segment),
    /// from a start `along_m`: (along, distance, azimuth offset at the foot in degrees).
    fn foot(&self, i: usize, p: Coord, mut along_m: f64) -> (f64, f64, f64) {
        let length_m = self.segments()[i].length_m;
        let mut last = (along_m, f64::INFINITY, 0.0);
        for _ in 0..60 {
            let (x, azimuth) = self.on_segment_line(i, along_m);
            let inv = geodesic::inverse(x, p);
            let off_deg = inv.azimuth1_deg - azimuth;
            if inv.distance_m == 0.0 {
                return (along_m, 0.0, 0.0);
            }
            let sigma = inv.distance_m / STEP_RADIUS_M;
            let step =
                STEP_RADIUS_M * (sigma.sin() * off_deg.to_radians().cos()).atan2(sigma.cos());
            let next = (along_m + step).clamp(0.0, length_m);
            let moved = next - along_m;
            if moved.abs() < FOOT_EPSILON_M {
                // The foot is `moved` further on, where the distance is shorter by the leg of a
                // right triangle: a second-order correction, exact to far below a millimetre.
                let distance_m = (inv.distance_m * inv.distance_m - moved * moved)
                    .max(0.0)
                    .sqrt();
                return (next, distance_m, off_deg);
            }
            last = (along_m, inv.distance_m, off_deg);
            along_m = next;
        }
        last
    }

    /// Solves segment `i` exactly unless its bound already loses to the nearest so far, and
    /// keeps its foot among the ties (see [`Ties`]).
    fn try_segment(&self, i: usize, p: Coord, bound: Bound, ties: &mut Ties) {
        let span = &self.index().spans[i];
        // The chord gap less the bulge is a lower bound; compared squared to spare a root.
        if ties.distance_m().is_some_and(|d| {
            let reach_m = d + 1e-6 + span.bulge_m;
            bound.chord_gap2_m2 > reach_m * reach_m
        }) {
            return;
        }
        let (along_m, distance_m, off_deg) = self.foot(i, p, bound.t * self.segments()[i].length_m);
        ties.add(Foot {
            span: i,
            along_m,
            distance_m,
            off_deg,
        });
    }

    /// The nearest foot on the road of a valid `(lon, lat)` point.
    fn nearest_foot(&self, p: Coord) -> Foot {
        let index = self.index();
        let q = geodesic::ecef_m(p);
        let mut ties = Ties::default();
        let n = index.spans.len();
        if index.use_tree() {
            for (candidate, box_d2) in index.tree().nearest_neighbor_iter_with_distance_2(&q) {
                // Boxes come nearest first; none further on can beat the best any more.
                if ties.distance_m().is_some_and(|d| box_d2.sqrt() > d + 1e-6) {
                    break;
                }
                let i = candidate.data;
                self.try_segment(i, p, index.bound(i, q), &mut ties);
            }
        } else {
            // Bounding every segment is cheaper than building a tree. The one with the lowest
            // bound is solved first, so that the others mostly fall to the bound.
            let mut first = (0, index.bound(0, q));
            for i in 1..n {
                let b = index.bound(i, q);
                if b.chord_gap2_m2 < first.1.chord_gap2_m2 {
                    first = (i, b);
                }
            }
            self.try_segment(first.0, p, first.1, &mut ties);
            for i in (0..n).filter(|&i| i != first.0) {
                self.try_segment(i, p, index.bound(i, q), &mut ties);
            }
        }
        // A road has at least one segment, so the search always finds a foot.
        ties.pick().unwrap_or(Foot {
            span: 0,
            along_m: 0.0,
            distance_m: geodesic::distance_m(self.coords[0], p),
            off_deg: 0.0,
        })
    }

    /// The turn in degrees (positive to the right) at the inner vertex where segment `i` is left
    /// at `along_m`, when that is one of its ends; `None` inside the segment or at a road end.
    fn corner_turn_deg(&self, i: usize, along_m: f64) -> Option<f64> {
        let seg = &self.segments()[i];
        if along_m >= seg.length_m && i + 1 < self.segments().len() {
            Some(geodesic::normalize_deg(
                self.segments()[i + 1].azimuth_start_deg - seg.azimuth_end_deg,
            ))
        } else if along_m <= 0.0 && i > 0 {
            Some(geodesic::normalize_deg(
                seg.azimuth_start_deg - self.segments()[i - 1].azimuth_end_deg,
            ))
        } else {
            None
        }
    }

    /// Locates a point: its chainage, signed offset, side and the nearest road point.
    ///
    /// The nearest point of the road decides; at the outside of a corner that is the corner
    /// vertex. A point beyond an end has its chainage clamped to 0 or the length, and
    /// [`Location::beyond_end`] set.
    ///
    /// # Units
    /// Metres; the point is `(lon, lat)` in degrees.
    ///
    /// # Errors
    /// [`RoadError::BadPoint`] when the point is not a finite longitude in [-540, 540] (a road
    /// across the antimeridian is unrolled past ±180°) and latitude in [-90, 90].
    ///
    /// # Examples
    /// ```
    /// use corridor::{Road, Side};
    /// use geo::{coord, line_string};
    ///
    /// // A road along the equator, eastward; a point 0.01° north of its middle.
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let at = road.locate(coord! { x: 0.05, y: 0.01 }).unwrap();
    /// assert_eq!(at.side, Side::Left);
    /// assert!((at.offset_m - 1_105.74).abs() < 0.01);
    /// assert!((at.chainage_m - road.length_m() / 2.0).abs() < 0.001);
    /// assert!(!at.beyond_end);
    /// ```
    pub fn locate(&self, p: Coord) -> Result<Location, RoadError> {
        if !geodesic::is_position(p, 540.0) {
            return Err(RoadError::BadPoint { lon: p.x, lat: p.y });
        }
        let Foot {
            span: i,
            along_m,
            distance_m,
            off_deg,
        } = self.nearest_foot(p);
        let side = match self.corner_turn_deg(i, along_m) {
            // At an inner vertex the nearest point is the corner only for a point in the wedge
            // outside the turn, which is the outside side's (as the corridor builds it); past a
            // 90° turn that wedge reaches across the line of either segment, where the bearing
            // alone would name the inside side.
            Some(turn) if distance_m > 0.0 && turn > 1e-9 => Side::Left,
            Some(turn) if distance_m > 0.0 && turn < -1e-9 => Side::Right,
            // Left when the geodesic to the point leaves the road turning left (a point on
            // the road counts as left).
            _ if off_deg.to_radians().sin() > 0.0 => Side::Right,
            _ => Side::Left,
        };
        // At an end vertex the offset is the angle between the way out of the road and the
        // geodesic to the point: more than 90° off the road's direction means beyond the end.
        let cos_off = off_deg.to_radians().cos();
        let seg = &self.segments()[i];
        let beyond_end = distance_m > 0.0
            && ((i == 0 && along_m <= 0.0 && cos_off < 0.0)
                || (i + 1 == self.segments().len() && along_m >= seg.length_m && cos_off > 0.0));
        Ok(Location {
            chainage_m: (self.vertex_chainages_m()[i] + along_m).min(self.length_m()),
            offset_m: match side {
                Side::Left => distance_m,
                Side::Right => -distance_m,
            },
            side,
            nearest: self.on_segment_line(i, along_m).0,
            distance_m,
            beyond_end,
        })
    }

    /// Geodesic distance in metres from a point to the road (exact, not sampled).
    ///
    /// # Errors
    /// As [`Road::locate`].
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let d = road.distance_m(coord! { x: 0.2, y: 0.0 }).unwrap();
    /// assert!((d - 11_131.95).abs() < 0.01); // beyond the end: distance to the end vertex
    /// ```
    pub fn distance_m(&self, p: Coord) -> Result<f64, RoadError> {
        Ok(self.locate(p)?.distance_m)
    }

    fn segment_at(&self, chainage_m: f64) -> Result<(usize, f64), RoadError> {
        let length_m = self.length_m();
        if !chainage_m.is_finite() || chainage_m < -1e-9 || chainage_m > length_m + 1e-9 {
            return Err(RoadError::ChainageOutOfRange {
                chainage_m,
                length_m,
            });
        }
        let c = chainage_m.clamp(0.0, length_m);
        let i = self
            .vertex_chainages_m()
            .partition_point(|&v| v <= c)
            .saturating_sub(1)
            .min(self.segments().len() - 1);
        Ok((i, c - self.vertex_chainages_m()[i]))
    }

    /// The road point at a chainage (metres from the start).
    ///
    /// # Errors
    /// [`RoadError::ChainageOutOfRange`] outside `0..=length_m`.
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.1, y: 0.1)]).unwrap();
    /// let p = road.point_at(road.vertex_chainages_m()[1]).unwrap();
    /// assert!((p.x - 0.1).abs() < 1e-12 && p.y.abs() < 1e-12);
    /// assert!(road.point_at(-5.0).is_err());
    /// ```
    pub fn point_at(&self, chainage_m: f64) -> Result<Coord, RoadError> {
        let (i, along) = self.segment_at(chainage_m)?;
        Ok(self.on_segment(i, along).0)
    }

    /// The road's azimuth (direction of travel, degrees clockwise from north) at a chainage.
    ///
    /// # Errors
    /// [`RoadError::ChainageOutOfRange`] outside `0..=length_m`.
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// assert!((road.azimuth_at_deg(100.0).unwrap() - 90.0).abs() < 1e-9);
    /// ```
    pub fn azimuth_at_deg(&self, chainage_m: f64) -> Result<f64, RoadError> {
        let (i, along) = self.segment_at(chainage_m)?;
        Ok(self.on_segment(i, along).1)
    }

    /// The stretch of road between two chainages, as a road of its own. Given `from_m > to_m`,
    /// the section runs backwards (from `from_m` down to `to_m`).
    ///
    /// # Errors
    /// [`RoadError::ChainageOutOfRange`], or [`RoadError::EmptySection`] when the two chainages
    /// are less than a millimetre apart.
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
    /// let mid = road.section_m(5_000.0, 15_000.0).unwrap();
    /// assert!((mid.length_m() - 10_000.0).abs() < 1e-6);
    /// assert_eq!(mid.coords().len(), 3); // the vertex at 0.1° stays
    /// ```
    pub fn section_m(&self, from_m: f64, to_m: f64) -> Result<Road, RoadError> {
        if from_m > to_m {
            return Ok(self.section_m(to_m, from_m)?.reversed());
        }
        let (i0, along0) = self.segment_at(from_m)?;
        let (i1, along1) = self.segment_at(to_m)?;
        if to_m - from_m < 1e-3 {
            return Err(RoadError::EmptySection { from_m, to_m });
        }
        // The vertices between are the road's own, as are the segments between them: only the
        // first and the last step are solved again (a million-vertex road is sectioned twice
        // by `corridor build`).
        let mut coords = vec![self.on_segment(i0, along0).0];
        let mut segments: Vec<Segment> = Vec::with_capacity(i1 - i0 + 1);
        let step = |coords: &mut Vec<Coord>,
                    segments: &mut Vec<Segment>,
                    c: Coord,
                    v: Option<usize>| {
            let last = coords[coords.len() - 1];
            let known = match v {
                Some(v) if v > i0 + 1 && last == self.coords[v - 1] => Some(self.segments()[v - 1]),
                _ => None,
            };
            let seg = match known {
                Some(seg) => seg,
                None => {
                    let inv = geodesic::inverse(last, c);
                    if inv.distance_m <= super::REPEAT_TOLERANCE_M {
                        return Ok(());
                    }
                    if inv.distance_m > super::MAX_SEGMENT_M {
                        return Err(RoadError::Antipodal {
                            index: segments.len(),
                        });
                    }
                    Segment::of(inv)
                }
            };
            coords.push(c);
            segments.push(seg);
            Ok::<(), RoadError>(())
        };
        for v in (i0 + 1)..=i1 {
            step(&mut coords, &mut segments, self.coords[v], Some(v))?;
        }
        step(
            &mut coords,
            &mut segments,
            self.on_segment(i1, along1).0,
            None,
        )?;
        Ok(Road::from_parts(coords, segments))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn round_trip_point_at_locate_within_a_millimetre() {
        let road = Road::new(line_string![
            (x: 36.0, y: 35.8), (x: 36.3, y: 35.75), (x: 36.5, y: 35.85), (x: 36.8, y: 35.86)
        ])
        .unwrap();
        for k in 0..=50 {
            let c = road.length_m() * k as f64 / 50.0;
            let p = road.point_at(c).unwrap();
            let at = road.locate(p).unwrap();
            assert!((at.chainage_m - c).abs() < 1e-3, "{c} -> {}", at.chainage_m);
            assert!(at.distance_m < 1e-3);
        }
    }

    /// Three feet within a nanometre of each other in a chain (the first and the last
    /// 1.2 nm apart): whichever order they are solved in, the earliest segment's is the
    /// answer, and a nearer foot found later drops them all.
    #[test]
    fn near_ties_give_one_answer_in_any_order() {
        let foot = |span: usize, distance_m: f64| Foot {
            span,
            along_m: 0.0,
            distance_m,
            off_deg: 0.0,
        };
        let feet = [
            foot(7, 10.0),
            foot(3, 10.0 + 0.6e-9),
            foot(5, 10.0 + 1.2e-9),
        ];
        for order in [
            [0, 1, 2],
            [2, 1, 0],
            [1, 2, 0],
            [2, 0, 1],
            [0, 2, 1],
            [1, 0, 2],
        ] {
            let mut ties = Ties::default();
            for k in order {
                ties.add(feet[k]);
            }
            assert_eq!(ties.pick().map(|f| f.span), Some(3), "{order:?}");
            ties.add(foot(9, 9.0));
            assert_eq!(ties.pick().map(|f| f.span), Some(9), "{order:?}");
        }
    }

    #[test]
    fn a_scan_and_the_tree_find_the_same_nearest_point() {
        // A wavy road of 1,000 segments: a fresh copy is scanned, a well-searched one walks its
        // tree.
        let coords: Vec<Coord> = (0..=1_000)
            .map(|k| Coord {
                x: 36.0 + k as f64 * 1e-3,
                y: 35.0 + 0.01 * (k as f64 * 0.05).sin(),
            })
            .collect();
        let searched = Road::from_coords(coords.clone()).unwrap();
        for _ in 0..=SCAN_QUERIES {
            searched.locate(coords[0]).unwrap();
        }
        assert!(searched.index().tree.get().is_some());
        for k in 0..50 {
            let p = Coord {
                x: 35.99 + k as f64 * 0.0211,
                y: 35.0 + 0.013 * (k as f64).cos(),
            };
            let fresh = Road::from_coords(coords.clone()).unwrap();
            assert_eq!(fresh.locate(p), searched.locate(p));
            assert!(fresh.index().tree.get().is_none());
        }
    }

    #[test]
    fn outside_of_a_corner_takes_the_corner_vertex() {
        // East then north: the outside of the corner is to the south-east.
        let road =
            Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.1, y: 0.1)]).unwrap();
        let at = road.locate(Coord { x: 0.11, y: -0.01 }).unwrap();
        assert_eq!(at.side, Side::Right);
        assert!((at.nearest.x - 0.1).abs() < 1e-12 && at.nearest.y.abs() < 1e-12);
        assert!((at.chainage_m - road.vertex_chainages_m()[1]).abs() < 1e-6);
    }

    #[test]
    fn beyond_the_ends_clamps_chainage() {
        let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
        assert_eq!(
            road.locate(Coord { x: -0.1, y: 0.0 }).unwrap().chainage_m,
            0.0
        );
        let end = road.locate(Coord { x: 0.3, y: 0.001 }).unwrap();
        assert!((end.chainage_m - road.length_m()).abs() < 1e-9);
    }

    #[test]
    fn backwards_section_runs_the_other_way() {
        let road =
            Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
        let back = road.section_m(15_000.0, 5_000.0).unwrap();
        assert!(back.coords()[0].x > back.coords()[2].x);
        assert!((back.length_m() - 10_000.0).abs() < 1e-6);
    }
}
