//! Which half a point belongs to: the side of its nearest road point, as
//! [`Road::locate`] says.
//!
//! The halves start from the side of the strip or corner wedge that holds a point, which is
//! the nearest point's side except where the left strips overlap the right strips (a road that
//! comes back on itself: a meander, an S-bend, a crossing). There a piece of the overlap can
//! hold points of both sides: the true split runs along the *switch locus*, where the nearest
//! road point jumps from a stretch seen from its left to one seen from its right (a branch of
//! the medial axis, equidistant from the two), not along the road.
//!
//! Each overlap piece is first cut along the road. Its boundary is then walked, nudged inward
//! by the tolerance, sampling the side of the nearest road point; where the nearest road point
//! jumps along the road between two samples the walk is refined (so that a side that touches
//! the boundary only briefly is not stepped over). A piece whose boundary is all one side is
//! all that side: every point lies on the geodesic to its nearest road point, along which the
//! nearest point and so the side stay the same, so a side present inside a piece reaches its
//! boundary. That is the fast path, and the only one on roads that do not come back on
//! themselves within the widths.
//!
//! Where the side changes along the boundary, the change is found by bisection, and the
//! switch locus is traced from there across the piece: each step predicts the next point
//! along the locus's tangent (perpendicular to the difference of the unit vectors from the two
//! nearest road points, the gradient of the difference of the two distances), finds the locus
//! across the prediction by bisection on the side, and halves the step until the chord from
//! the last point stays within the tolerance of the locus (checked at its middle). The piece
//! is cut along the traced lines and each part goes to the side of a point inside it.
//!
//! # Accuracy
//! Locus vertices lie within a tenth of the tolerance of the true locus, chords within 0.4 of
//! it: every point more than the tolerance from the switch locus (and from the road and the
//! outer boundary) lies in the half of its nearest road point's side. Measured against a
//! brute-force oracle in `tests/halves.rs`.

use geo::Coord;
use i_overlay::core::overlay_rule::OverlayRule;
use rayon::prelude::*;

use super::overlay::{self, Grid, Ring, Shapes};
use crate::geodesic::{self, metres_per_degree};
use crate::road::Location;
use crate::{Road, Side};

/// What a splitter tells apart: a label of a point's nearest line point, read as two sides
/// (for a zone's trim, `Left` is "kept" and `Right` "dropped").
pub(crate) type Label<'a> = &'a (dyn Fn(&Location) -> Side + Sync);

/// Bisection stops when the two points that bracket a change of side are this close, as a
/// share of the tolerance.
const BRACKET_SHARE: f64 = 0.1;

/// Largest gap allowed between the middle of a locus chord and the locus, as a share of the
/// tolerance.
const CHORD_SHARE: f64 = 0.4;

/// Most steps of one trace (a locus thousands of kilometres long at a metre a step).
const MAX_STEPS: usize = 1_000_000;

/// Hands each piece where the left strips overlap the right strips to the sides of the road
/// points nearest to its points, cut along the switch locus where it holds both sides.
///
/// A piece the road runs through (a road that comes straight back along itself) is first cut
/// along the road (`basis`, the line the strips were built on), so that each side of it is
/// decided on its own. `widest_m` is the widest side, which sets how finely piece boundaries
/// are sampled.
pub(crate) fn split_overlap(
    road: &Road,
    basis: &Road,
    grid: &Grid,
    halves: (Shapes, &Shapes, Shapes),
    widest_m: f64,
    tolerance_m: f64,
) -> (Shapes, Shapes) {
    let (left, whole, overlap) = halves;
    let line = cut_line(road, basis, widest_m, tolerance_m);
    let by_side = |loc: &Location| loc.side;
    let splitter = Splitter {
        road,
        label: &by_side,
        from_line: false,
        nudge_share: 1.0,
        grid,
        tolerance_m,
        sample_m: (widest_m / 100.0).min(250.0).max(8.0 * tolerance_m),
        uncut: None,
    };
    let to_right: Shapes = overlap
        .into_par_iter()
        .flat_map_iter(|shape| {
            let cut = grid.slice(&shape, &line);
            // Where the road only runs along its edge the piece stays whole, untouched, so
            // that no new vertex is rounded onto the grid beside the halves' shared edge.
            let parts = if cut.len() > 1 { cut } else { vec![shape] };
            parts
                .into_iter()
                .flat_map(|part| splitter.split(part))
                .filter(|(side, _)| *side == Side::Right)
                .map(|(_, part)| part)
                .collect::<Vec<_>>()
        })
        .collect();
    // Take the right side's share away from the left; the right half is the rest of the
    // whole, so that the halves tile it even where cutting added vertices. (Tidied first: a
    // hole the difference returns counter-clockwise would count as filled.)
    let left = grid.tidy(grid.boolean(&left, &to_right, OverlayRule::Difference));
    // Oriented: the right half is cut again to a narrower width, where a hole returned
    // counter-clockwise would be read as filled (seen on random self-crossing roads: halves
    // overlapping by 5 % of the whole).
    let right = grid.oriented(grid.boolean(whole, &left, OverlayRule::Difference));
    (left, right)
}

/// `shapes` less what lies where `keep` is false for the nearest line point: each shape's
/// boundary is sampled and, where `keep` changes along it, the shape is cut along the switch
/// locus (where the nearest line point jumps, or a distance from the line) and the parts
/// where it is false are dropped. A shape whose boundary is all kept is kept whole (a dropped
/// region inside it would reach its boundary along the geodesic to its nearest point, along
/// which the nearest point stays the same). `widest_m` sets how finely boundaries are
/// sampled.
pub(crate) fn trim(
    road: &Road,
    grid: &Grid,
    shapes: Shapes,
    keep: &(dyn Fn(&Location) -> bool + Sync),
    widest_m: f64,
    tolerance_m: f64,
) -> Shapes {
    let label = |loc: &Location| if keep(loc) { Side::Left } else { Side::Right };
    let splitter = Splitter {
        road,
        label: &label,
        from_line: true,
        nudge_share: 2.0,
        grid,
        tolerance_m,
        sample_m: (widest_m / 100.0).min(250.0).max(8.0 * tolerance_m),
        uncut: Some(Side::Left),
    };
    let results: Vec<(bool, Shapes)> = shapes
        .into_par_iter()
        .map(|shape| {
            let parts = splitter.split(shape.clone());
            if parts.iter().all(|(side, _)| *side == Side::Left) {
                (false, vec![shape])
            } else {
                let kept = parts
                    .into_iter()
                    .filter(|(side, _)| *side == Side::Left)
                    .map(|(_, part)| part)
                    .collect();
                (true, kept)
            }
        })
        .collect();
    let changed = results.iter().any(|(c, _)| *c);
    let kept: Shapes = results.into_iter().flat_map(|(_, s)| s).collect();
    if !changed {
        return kept;
    }
    // The parts kept of one shape meet along the cuts: one union joins them again.
    grid.tidy(grid.boolean(&kept, &Shapes::new(), OverlayRule::Union))
}

/// The line the overlap is first cut along: the road as simplified, and beyond each end (of a
/// road that is not a ring) its geodesic continued for `reach_m` and a little more, where the
/// side of the points nearest to the end changes. Drawn with vertices close enough that its
/// chords stay within a tenth of the tolerance of the geodesic.
fn cut_line(road: &Road, basis: &Road, reach_m: f64, tolerance_m: f64) -> Vec<[f64; 2]> {
    let coords = basis.coords();
    let xy = |c: Coord| [c.x, c.y];
    let mut line: Vec<[f64; 2]> = coords.iter().copied().map(xy).collect();
    let closed = coords.len() > 3 && coords[0] == coords[coords.len() - 1];
    let (Some(first), Some(last)) = (road.segments().first(), road.segments().last()) else {
        return line;
    };
    if closed {
        return line;
    }
    let reach_m = reach_m + 10.0 * tolerance_m;
    let max_lat = coords.iter().fold(0.0f64, |m, c| m.max(c.y.abs()));
    let bend = (max_lat + reach_m / 100_000.0)
        .min(89.0)
        .to_radians()
        .tan()
        .max(0.05);
    // A straight lon/lat chord of length c strays about c² tan(lat) / 8R from the geodesic.
    let step_m = (8.0 * 6_371_000.0 * 0.1 * tolerance_m / bend)
        .sqrt()
        .min(reach_m);
    let n = (reach_m / step_m).ceil() as usize;
    let ray = |from: Coord, azimuth_deg: f64| -> Vec<[f64; 2]> {
        (1..=n)
            .map(|k| xy(geodesic::direct(from, azimuth_deg, reach_m * k as f64 / n as f64).0))
            .collect()
    };
    let before = ray(coords[0], first.azimuth_start_deg + 180.0);
    let after = ray(coords[coords.len() - 1], last.azimuth_end_deg);
    line.splice(0..0, before.into_iter().rev());
    line.extend(after);
    line
}

/// A point whose nearest road point has been found.
#[derive(Debug, Clone, Copy)]
struct Probe {
    at: [f64; 2],
    side: Side,
    foot: [f64; 2],
    chainage_m: f64,
    distance_m: f64,
}

/// A point of the switch locus: the middle of two probes of opposite sides a bracket apart.
#[derive(Debug, Clone, Copy)]
struct LocusPoint {
    at: [f64; 2],
    left: Probe,
    right: Probe,
}

/// Vectors in metres east and north, in the local metric at a point.
type Metres = [f64; 2];

fn to_metres(from: [f64; 2], to: [f64; 2]) -> Metres {
    let (m_lat, m_lon) = metres_per_degree(0.5 * (from[1] + to[1]));
    [(to[0] - from[0]) * m_lon, (to[1] - from[1]) * m_lat]
}

fn moved(p: [f64; 2], by: Metres) -> [f64; 2] {
    let (m_lat, m_lon) = metres_per_degree(p[1]);
    [p[0] + by[0] / m_lon, p[1] + by[1] / m_lat]
}

fn norm(v: Metres) -> f64 {
    v[0].hypot(v[1])
}

fn unit(v: Metres) -> Option<Metres> {
    let n = norm(v);
    (n > 0.0 && n.is_finite()).then(|| [v[0] / n, v[1] / n])
}

fn dot(a: Metres, b: Metres) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

fn scaled(v: Metres, s: f64) -> Metres {
    [v[0] * s, v[1] * s]
}

fn gap_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    norm(to_metres(a, b))
}

fn midpoint(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])]
}

/// Even-odd point in polygon over all contours of a shape.
fn contains(shape: &[Ring], p: [f64; 2]) -> bool {
    let mut inside = false;
    for ring in shape {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

/// Twice the signed planar area of a ring (counter-clockwise positive).
fn area2(ring: &[[f64; 2]]) -> f64 {
    let Some(&o) = ring.first() else {
        return 0.0;
    };
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            (a[0] - o[0]) * (b[1] - o[1]) - (b[0] - o[0]) * (a[1] - o[1])
        })
        .sum()
}

/// One piece's boundary, walked nudged inward: a path parametrised by metres along it.
struct Walk {
    /// Per edge: start, end, inward unit normal (metres), metres along the walk at its start.
    edges: Vec<([f64; 2], [f64; 2], Metres, f64)>,
    length_m: f64,
    nudge_m: f64,
}

impl Walk {
    fn of_ring(ring: &[[f64; 2]], interior_on_left: bool, nudge_m: f64) -> Walk {
        let n = ring.len();
        let mut edges = Vec::with_capacity(n);
        let mut length_m = 0.0;
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            let d = to_metres(a, b);
            let Some(u) = unit(d) else {
                continue;
            };
            let left = [-u[1], u[0]];
            let inward = if interior_on_left {
                left
            } else {
                scaled(left, -1.0)
            };
            edges.push((a, b, inward, length_m));
            length_m += norm(d);
        }
        Walk {
            edges,
            length_m,
            nudge_m,
        }
    }

    /// The point `u` metres along the walk (taken round the ring), nudged inward, and the
    /// inward normal there.
    fn at(&self, u: f64) -> ([f64; 2], Metres) {
        let u = u.rem_euclid(self.length_m);
        let k = self.edges.partition_point(|e| e.3 <= u).saturating_sub(1);
        let (a, b, inward, start) = self.edges[k];
        let end = self.edges.get(k + 1).map_or(self.length_m, |e| e.3);
        let t = ((u - start) / (end - start)).clamp(0.0, 1.0);
        let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        (moved(p, scaled(inward, self.nudge_m)), inward)
    }
}

struct Splitter<'a> {
    road: &'a Road,
    label: Label<'a>,
    /// Whether a change of label right by the line starts a locus too: not for the halves,
    /// which meet along the line already, but for a zone's trim, where the switch at a cut
    /// starts on the line.
    from_line: bool,
    /// How far a piece's boundary is walked inside it, as a share of the tolerance: for a
    /// zone's trim twice the tolerance, so that a walk along an edge drawn up to the
    /// tolerance inside its distance is not read as a switch of distance.
    nudge_share: f64,
    /// The label of a piece whose boundary holds both labels but that no traced line cut (a
    /// trace lost on the way): `None` goes by a point inside, as before tracing; a zone's trim
    /// keeps such a piece whole rather than drop ground it holds (a hairpin's inner zone
    /// vanished whole, its one interior point in an exception).
    uncut: Option<Side>,
    grid: &'a Grid,
    tolerance_m: f64,
    /// Spacing of the first samples along a piece's boundary, metres.
    sample_m: f64,
}

impl Splitter<'_> {
    fn probe(&self, at: [f64; 2]) -> Option<Probe> {
        let loc = self.road.locate(Coord { x: at[0], y: at[1] }).ok()?;
        Some(Probe {
            at,
            side: (self.label)(&loc),
            foot: [loc.nearest.x, loc.nearest.y],
            chainage_m: loc.chainage_m,
            distance_m: loc.distance_m,
        })
    }

    fn bracket_m(&self) -> f64 {
        BRACKET_SHARE * self.tolerance_m
    }

    /// Narrows two probes of opposite sides, `a` and `b`, by bisection between their points.
    fn bisect(&self, mut a: Probe, mut b: Probe) -> Option<LocusPoint> {
        for _ in 0..64 {
            if gap_m(a.at, b.at) <= self.bracket_m() {
                break;
            }
            let m = self.probe(midpoint(a.at, b.at))?;
            if m.side == a.side {
                a = m;
            } else {
                b = m;
            }
        }
        let (left, right) = if a.side == Side::Left { (a, b) } else { (b, a) };
        Some(LocusPoint {
            at: midpoint(a.at, b.at),
            left,
            right,
        })
    }

    /// The locus's unit normal at `lp`, pointing to the right side's points, in metres.
    fn normal(&self, lp: &LocusPoint) -> Option<Metres> {
        let from_left = unit(to_metres(lp.left.foot, lp.at));
        let from_right = unit(to_metres(lp.right.foot, lp.at));
        let across = unit(to_metres(lp.left.at, lp.right.at));
        // Both nearest to one line point, at distances that differ by the gap between the
        // two: a switch at a distance from the line (a zone's stretch that ends at its width
        // while another's reaches on), whose normal points straight away from the line.
        let radial = gap_m(lp.left.foot, lp.right.foot) < self.bracket_m()
            && (lp.left.distance_m - lp.right.distance_m).abs()
                > 0.5 * gap_m(lp.left.at, lp.right.at);
        match (from_left, from_right) {
            (Some(l), _) if radial => Some(if lp.right.distance_m > lp.left.distance_m {
                l
            } else {
                scaled(l, -1.0)
            }),
            (Some(l), Some(r)) if norm([l[0] - r[0], l[1] - r[1]]) > 1e-3 => {
                unit([l[0] - r[0], l[1] - r[1]])
            }
            // Both sides nearest to one road point (a road's end, where the side changes
            // along the road's line beyond it): the locus is the ray from that point.
            (Some(l), _) => {
                let n = [-l[1], l[0]];
                Some(match across {
                    Some(a) if dot(a, n) < 0.0 => scaled(n, -1.0),
                    _ => n,
                })
            }
            _ => across,
        }
    }

    /// The locus across `at`, searched along `normal` (either way) up to `reach_m`.
    fn across(&self, at: [f64; 2], normal: Metres, reach_m: f64) -> Option<LocusPoint> {
        let centre = self.probe(at)?;
        // Towards the other side first: along the normal from the left, against it from the
        // right.
        let first = if centre.side == Side::Left { 1.0 } else { -1.0 };
        for way in [first, -first] {
            let mut previous = centre;
            let mut s = 0.5 * self.tolerance_m;
            while s <= 2.0 * reach_m {
                let p = self.probe(moved(at, scaled(normal, way * s)))?;
                if p.side != centre.side {
                    return self.bisect(previous, p);
                }
                previous = p;
                s *= 2.0;
            }
        }
        None
    }

    /// Traces the locus from `start` in direction `heading` (metres, unit) until it leaves
    /// `shape`, returning the points after `start`.
    fn trace(
        &self,
        shape: &[Ring],
        start: LocusPoint,
        heading: Metres,
        first_m: f64,
    ) -> Vec<[f64; 2]> {
        let t = self.tolerance_m;
        let mut out = Vec::new();
        let mut here = start;
        let mut heading = heading;
        let mut step_m = first_m;
        let max_step_m = 50.0 * self.sample_m;
        for _ in 0..MAX_STEPS {
            if step_m < 0.25 * t {
                // Lost where the locus meets the boundary at a corner (where the locus beyond
                // a road's end joins the cut along the road's line): end across the boundary.
                if let Some(exit) = exit_near(shape, here.at, 8.0 * t, 2.0 * t) {
                    out.push(exit);
                }
                break;
            }
            let Some(normal) = self.normal(&here) else {
                break;
            };
            let mut tangent = [-normal[1], normal[0]];
            if dot(tangent, heading) < 0.0 {
                tangent = scaled(tangent, -1.0);
            }
            let predicted = moved(here.at, scaled(tangent, step_m));
            let leaving = !contains(shape, predicted);
            if leaving && step_m > 4.0 * t {
                step_m *= 0.5;
                continue;
            }
            let Some(next) = self.across(predicted, normal, (0.5 * step_m).min(16.0 * t)) else {
                step_m *= 0.5;
                continue;
            };
            let off_m = gap_m(predicted, next.at);
            let chord_ok = off_m <= CHORD_SHARE * t || {
                let middle = midpoint(here.at, next.at);
                self.across(middle, normal, 2.0 * t)
                    .is_some_and(|m| gap_m(middle, m.at) <= CHORD_SHARE * t)
            };
            let chord_m = gap_m(here.at, next.at);
            if !chord_ok || chord_m > 2.0 * step_m {
                step_m *= 0.5;
                continue;
            }
            let outside = !contains(shape, next.at);
            if outside && chord_m > 4.0 * t {
                step_m *= 0.5;
                continue;
            }
            out.push(next.at);
            // A locus that reaches the road ends there (where the road crosses itself): end
            // the line just across the road, which bounds the piece.
            let foot = if gap_m(next.at, next.left.foot) < gap_m(next.at, next.right.foot) {
                next.left.foot
            } else {
                next.right.foot
            };
            if gap_m(next.at, foot) < 4.0 * t {
                let beyond = unit(to_metres(next.at, foot)).unwrap_or(tangent);
                out.push(foot);
                out.push(moved(foot, scaled(beyond, 2.0 * t)));
                break;
            }
            if outside {
                break;
            }
            heading = unit(to_metres(here.at, next.at)).unwrap_or(tangent);
            here = next;
            if off_m < 0.1 * t {
                step_m = (2.0 * step_m).min(max_step_m);
            }
        }
        out
    }

    /// Where the side changes along the boundary of `shape`: locus points just inside it, each
    /// with the inward normal there.
    fn changes(&self, shape: &[Ring]) -> Option<(Side, Vec<(LocusPoint, Metres)>)> {
        let t = self.tolerance_m;
        let mut found = Vec::new();
        let mut any_side = None;
        for (k, ring) in shape.iter().enumerate() {
            let ccw = area2(ring) > 0.0;
            let walk = Walk::of_ring(ring, (k == 0) == ccw, self.nudge_share * t);
            if walk.edges.is_empty() || walk.length_m <= 0.0 {
                continue;
            }
            let n = (walk.length_m / self.sample_m).ceil().max(3.0) as usize;
            let step = walk.length_m / n as f64;
            let us: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) * step).collect();
            let probes: Vec<Option<Probe>> = us.iter().map(|&u| self.probe(walk.at(u).0)).collect();
            for i in 0..n {
                let (ua, ub) = (us[i], us[i] + step);
                if let (Some(a), Some(b)) = (probes[i], probes[(i + 1) % n]) {
                    any_side.get_or_insert(a.side);
                    self.refine(&walk, (ua, a), (ub, b), &mut found);
                }
            }
        }
        any_side.map(|side| (side, found))
    }

    /// Looks between two samples of a walk for changes of side, refining where the nearest
    /// road point jumps along the road.
    fn refine(
        &self,
        walk: &Walk,
        (ua, a): (f64, Probe),
        (ub, b): (f64, Probe),
        found: &mut Vec<(LocusPoint, Metres)>,
    ) {
        let t = self.tolerance_m;
        let du = ub - ua;
        if a.side != b.side {
            // Bisect along the walk.
            let (mut ua, mut a, mut ub, mut b) = (ua, a, ub, b);
            while ub - ua > self.bracket_m() {
                let um = 0.5 * (ua + ub);
                let Some(m) = self.probe(walk.at(um).0) else {
                    return;
                };
                if m.side == a.side {
                    (ua, a) = (um, m);
                } else {
                    (ub, b) = (um, m);
                }
            }
            let inward = walk.at(0.5 * (ua + ub)).1;
            let (left, right) = if a.side == Side::Left { (a, b) } else { (b, a) };
            // A change right by the road is the road itself (the piece's edge along it, or
            // the rounding of the simplified road there): the halves meet there already.
            let off_road_m = gap_m(left.at, left.foot).min(gap_m(right.at, right.foot));
            if off_road_m < 4.0 * t && !self.from_line {
                return;
            }
            found.push((
                LocusPoint {
                    at: midpoint(a.at, b.at),
                    left,
                    right,
                },
                inward,
            ));
            return;
        }
        let jump_m = (b.chainage_m - a.chainage_m).abs();
        if du > t && jump_m > 3.0 * du + 10.0 * t {
            let um = 0.5 * (ua + ub);
            if let Some(m) = self.probe(walk.at(um).0) {
                self.refine(walk, (ua, a), (um, m), found);
                self.refine(walk, (um, m), (ub, b), found);
            }
        }
    }

    /// `shape` cut along the switch locus, each part with its side.
    fn split(&self, shape: Vec<Ring>) -> Vec<(Side, Vec<Ring>)> {
        let Some((_, changes)) = self.changes(&shape) else {
            let side = self.side_inside(&shape).unwrap_or(Side::Left);
            return vec![(side, shape)];
        };
        let side = self.side_inside(&shape).unwrap_or(Side::Left);
        if changes.is_empty() {
            return vec![(side, shape)];
        }
        let t = self.tolerance_m;
        let mut done = vec![false; changes.len()];
        let mut lines: Vec<Vec<[f64; 2]>> = Vec::new();
        for k in 0..changes.len() {
            if done[k] {
                continue;
            }
            done[k] = true;
            let (start, inward) = changes[k];
            let Some(normal) = self.normal(&start) else {
                continue;
            };
            let mut tangent = [-normal[1], normal[0]];
            if dot(tangent, inward) < 0.0 {
                tangent = scaled(tangent, -1.0);
            }
            let ahead = self.trace(&shape, start, tangent, self.sample_m);
            let behind = self.trace(&shape, start, scaled(tangent, -1.0), 2.0 * t);
            let mut line: Vec<[f64; 2]> = behind.into_iter().rev().collect();
            line.push(start.at);
            line.extend(ahead);
            if line.len() < 2 {
                continue;
            }
            // The changes this line passes through are traced already.
            for (j, (other, _)) in changes.iter().enumerate() {
                if !done[j] && near_line(&line, other.at, 3.0 * t) {
                    done[j] = true;
                }
            }
            lines.push(line);
        }
        let mut parts = vec![shape];
        for line in &lines {
            parts = parts
                .into_iter()
                .flat_map(|part| {
                    let cut = self.grid.slice(&part, line);
                    if cut.len() > 1 { cut } else { vec![part] }
                })
                .collect();
        }
        if parts.len() == 1
            && let Some(label) = self.uncut
        {
            return parts.into_iter().map(|part| (label, part)).collect();
        }
        parts
            .into_iter()
            .map(|part| (self.side_inside(&part).unwrap_or(side), part))
            .collect()
    }

    fn side_inside(&self, shape: &[Ring]) -> Option<Side> {
        let p = overlay::interior_point(shape)?;
        Some(self.probe([p.x, p.y])?.side)
    }
}

/// The point `beyond_m` past the nearest point of `shape`'s boundary to `p`, if that is within
/// `within_m` metres.
fn exit_near(shape: &[Ring], p: [f64; 2], within_m: f64, beyond_m: f64) -> Option<[f64; 2]> {
    let mut best: Option<(f64, [f64; 2])> = None;
    for ring in shape {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            let ab = to_metres(a, b);
            let ap = to_metres(a, p);
            let len2 = dot(ab, ab);
            let s = if len2 > 0.0 {
                (dot(ap, ab) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let q = [a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])];
            let d = gap_m(p, q);
            if d <= within_m && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, q));
            }
        }
    }
    let (_, q) = best?;
    if !contains(shape, p) {
        return None;
    }
    let out = unit(to_metres(p, q))?;
    Some(moved(q, scaled(out, beyond_m)))
}

/// Whether `p` lies within `within_m` metres of the polyline `line`.
fn near_line(line: &[[f64; 2]], p: [f64; 2], within_m: f64) -> bool {
    line.windows(2).any(|w| {
        let ab = to_metres(w[0], w[1]);
        let ap = to_metres(w[0], p);
        let len2 = dot(ab, ab);
        let s = if len2 > 0.0 {
            (dot(ap, ab) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        norm([ap[0] - s * ab[0], ap[1] - s * ab[1]]) <= within_m
    })
}
