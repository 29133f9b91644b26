//! Linear referencing: chainage and offset of a point, the point at a chainage, sections.
//!
//! Rules: the nearest point of the road decides (at the outside of a corner that is the corner
//! vertex itself); a point beyond an end has its chainage clamped to 0 or the road's length.

use geo::Coord;
use rstar::{RTree, primitives::GeomWithData, primitives::Rectangle};

use super::{Road, RoadError};
use crate::Side;
use crate::geodesic;

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
}

/// Convergence threshold of the foot-point iteration, metres.
const FOOT_EPSILON_M: f64 = 1e-5;

/// A mean Earth radius for the spherical step of the foot-point iteration. The iteration stops
/// where the geodesic to the point is perpendicular to the road, so the radius changes only how
/// fast it gets there, not where.
const STEP_RADIUS_M: f64 = 6_371_000.0;

/// Smallest Earth radius of curvature (meridional, at the equator), for bounding how far a
/// geodesic bulges away from its chord.
const MIN_RADIUS_M: f64 = 6_335_000.0;

type IndexedBox = GeomWithData<Rectangle<[f64; 3]>, usize>;

/// An R-tree of boxes in Earth-centred coordinates, each holding one geodesic segment. Straight
/// chords never exceed geodesic distances, so box distances are lower bounds for the search.
#[derive(Debug, Clone)]
pub(crate) struct SegmentIndex {
    tree: RTree<IndexedBox>,
}

impl SegmentIndex {
    fn new(road: &Road) -> SegmentIndex {
        let boxes = road
            .segments
            .iter()
            .enumerate()
            .map(|(i, seg)| {
                let a = road.coords[i];
                let b = road.coords[i + 1];
                let (mid, _) = geodesic::direct(a, seg.azimuth_start_deg, 0.5 * seg.length_m);
                let pts = [a, mid, b].map(geodesic::ecef_m);
                let half_chord = seg.length_m * 0.5;
                // The bulge of each half beyond its chord, with room to spare, and a millimetre
                // for rounding (ECEF coordinates carry nanometres). A metre here once made a
                // point 6 km off a road with a vertex every metre try 180 segments, not 70.
                let pad = 1.5 * half_chord * half_chord / (8.0 * MIN_RADIUS_M) + 1e-3;
                let mut lo = pts[0];
                let mut hi = pts[0];
                for p in &pts[1..] {
                    for k in 0..3 {
                        lo[k] = lo[k].min(p[k]);
                        hi[k] = hi[k].max(p[k]);
                    }
                }
                for k in 0..3 {
                    lo[k] -= pad;
                    hi[k] += pad;
                }
                GeomWithData::new(Rectangle::from_corners(lo, hi), i)
            })
            .collect();
        SegmentIndex {
            tree: RTree::bulk_load(boxes),
        }
    }
}

/// The nearest point of one segment to a point.
#[derive(Debug, Clone, Copy)]
struct Foot {
    along_m: f64,
    point: Coord,
    distance_m: f64,
    /// Azimuth from the foot to the point minus the road's azimuth there, degrees.
    bearing_off_deg: f64,
}

impl Road {
    fn index(&self) -> &SegmentIndex {
        self.index.get_or_init(|| SegmentIndex::new(self))
    }

    /// Position and azimuth at `along_m` metres from the start of segment `i`.
    fn on_segment(&self, i: usize, along_m: f64) -> (Coord, f64) {
        let seg = self.segments[i];
        if along_m <= 0.0 {
            (self.coords[i], seg.azimuth_start_deg)
        } else if along_m >= seg.length_m {
            (self.coords[i + 1], seg.azimuth_end_deg)
        } else {
            geodesic::direct(self.coords[i], seg.azimuth_start_deg, along_m)
        }
    }

    /// Nearest point of segment `i` to `p`: iterate to the foot of the perpendicular geodesic,
    /// clamped to the segment.
    fn foot_on_segment(&self, i: usize, p: Coord) -> Foot {
        let seg = self.segments[i];
        let a = self.coords[i];
        let b = self.coords[i + 1];
        // Start from the planar projection in the local metric at `a`.
        let (m_lat, m_lon) = geodesic::metres_per_degree(a.y);
        let (vx, vy) = ((b.x - a.x) * m_lon, (b.y - a.y) * m_lat);
        let (wx, wy) = (
            geodesic::normalize_deg(p.x - a.x) * m_lon,
            (p.y - a.y) * m_lat,
        );
        let vv = vx * vx + vy * vy;
        let t = if vv > 0.0 {
            ((wx * vx + wy * vy) / vv).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let mut s = t * seg.length_m;
        let mut last = None;
        for _ in 0..60 {
            let (x, azimuth) = self.on_segment(i, s);
            let inv = geodesic::inverse(x, p);
            let off = inv.azimuth1_deg - azimuth;
            let foot = Foot {
                along_m: s,
                point: x,
                distance_m: inv.distance_m,
                bearing_off_deg: off,
            };
            if inv.distance_m == 0.0 {
                return foot;
            }
            let sigma = inv.distance_m / STEP_RADIUS_M;
            let step = STEP_RADIUS_M * (sigma.sin() * off.to_radians().cos()).atan2(sigma.cos());
            let next = (s + step).clamp(0.0, seg.length_m);
            last = Some(foot);
            if (next - s).abs() < FOOT_EPSILON_M {
                break;
            }
            s = next;
        }
        // `last` is always set: the loop runs at least once.
        last.unwrap_or(Foot {
            along_m: 0.0,
            point: a,
            distance_m: geodesic::distance_m(a, p),
            bearing_off_deg: 0.0,
        })
    }

    /// Locates a point: its chainage, signed offset, side and the nearest road point.
    ///
    /// The nearest point of the road decides; at the outside of a corner that is the corner
    /// vertex. A point beyond an end has its chainage clamped to 0 or the length.
    ///
    /// # Units
    /// Metres; the point is `(lon, lat)` in degrees.
    ///
    /// # Errors
    /// [`RoadError::BadPoint`] when the point is not a finite longitude and latitude in range.
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
    /// ```
    pub fn locate(&self, p: Coord) -> Result<Location, RoadError> {
        if !p.x.is_finite()
            || !p.y.is_finite()
            || !(-540.0..=540.0).contains(&p.x)
            || !(-90.0..=90.0).contains(&p.y)
        {
            return Err(RoadError::BadPoint { lon: p.x, lat: p.y });
        }
        let q = geodesic::ecef_m(p);
        let mut best: Option<(usize, Foot)> = None;
        for (candidate, d2) in self.index().tree.nearest_neighbor_iter_with_distance_2(&q) {
            let i = candidate.data;
            if let Some((_, b)) = &best {
                // Box distance is a lower bound of the geodesic distance to the segment.
                if d2.sqrt() > b.distance_m + 1e-6 {
                    break;
                }
            }
            let foot = self.foot_on_segment(i, p);
            let better = match &best {
                None => true,
                Some((bi, b)) => {
                    foot.distance_m < b.distance_m - 1e-9
                        || (foot.distance_m <= b.distance_m + 1e-9 && i < *bi)
                }
            };
            if better {
                best = Some((i, foot));
            }
        }
        let Some((i, foot)) = best else {
            return Err(RoadError::BadPoint { lon: p.x, lat: p.y });
        };
        let sin_off = foot.bearing_off_deg.to_radians().sin();
        // At an inner vertex the nearest point is the corner only for a point in the wedge
        // outside the turn, which is the outside side's (as the corridor builds it); past a 90°
        // turn that wedge reaches across the line of either segment, where the bearing alone
        // would name the inside side.
        let turn_deg =
            if foot.along_m >= self.segments[i].length_m && i + 1 < self.segments.len() {
                Some(self.segments[i + 1].azimuth_start_deg - self.segments[i].azimuth_end_deg)
            } else if foot.along_m <= 0.0 && i > 0 {
                Some(self.segments[i].azimuth_start_deg - self.segments[i - 1].azimuth_end_deg)
            } else {
                None
            }
            .map(geodesic::normalize_deg);
        let side = match turn_deg {
            Some(turn) if foot.distance_m > 0.0 && turn > 1e-9 => Side::Left,
            Some(turn) if foot.distance_m > 0.0 && turn < -1e-9 => Side::Right,
            _ if sin_off > 0.0 => Side::Right,
            _ => Side::Left,
        };
        let offset_m = match side {
            Side::Left => foot.distance_m,
            Side::Right => -foot.distance_m,
        };
        Ok(Location {
            chainage_m: (self.chainage_m[i] + foot.along_m).min(self.length_m()),
            offset_m,
            side,
            nearest: foot.point,
            distance_m: foot.distance_m,
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
            .chainage_m
            .partition_point(|&v| v <= c)
            .saturating_sub(1)
            .min(self.segments.len() - 1);
        Ok((i, c - self.chainage_m[i]))
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
        let mut coords = vec![self.on_segment(i0, along0).0];
        let push = |coords: &mut Vec<Coord>, c: Coord| {
            let last = coords[coords.len() - 1];
            if geodesic::distance_m(last, c) > super::REPEAT_TOLERANCE_M {
                coords.push(c);
            }
        };
        for v in (i0 + 1)..=i1 {
            push(&mut coords, self.coords[v]);
        }
        push(&mut coords, self.on_segment(i1, along1).0);
        Road::from_checked(coords)
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
