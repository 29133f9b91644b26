//! The band round a noisy line: two short-chorded hulls that stand in for the road.
//!
//! A GPS track or a wiggly line keeps tens of thousands of segments after simplification, and
//! nearly every one of them lies within a metre of the corridor's boundary once offset, so no
//! filter by distance bounds can leave them out (`hidden` keeps a third of a wiggly track's
//! pieces). Here the road is replaced instead: the *left hull* is a chain of the road's own
//! vertices, each chord at most `d` long, with every road vertex it passes over on its right;
//! the *right hull* likewise on the left. The road lies in the band between them, and the
//! corridor of the two hulls, at a width `w'` a little under `w`, has the road's corridor's
//! boundary to within the tolerance, with a few thousand vertices instead of a hundred
//! thousand.
//!
//! Why it is sound:
//! - Inside: a point at `s ≤ w'` from a chord of length `≤ d` is within `√(s² + d²/4)` of one
//!   of the chord's ends, both road vertices; `w'` is chosen so that this is at most `w` (less
//!   the plane's error), so the hulls' corridor lies in the road's. A chord that is a road
//!   segment is the road itself.
//! - Nothing within `w'` of the road is missed, because the road lies in the band. Checked,
//!   not assumed (`Geometry::holds`): the road leaves both ends into the band (inside the
//!   first and last chords), meets no chord anywhere but at a vertex both share, and at every
//!   hull vertex where the hull turns inwards its segments stay inside both chords. So,
//!   connected, it can leave the band neither across a chord nor at a hull vertex. (The walk
//!   that finds the hulls keeps every vertex a chord passes over a margin inside it; that is
//!   how its hulls pass, not what makes them sound.) A point outside the band reaches its
//!   nearest road point across a hull, so it is at least as near that hull, on the hull's
//!   outer side; a point inside is in the band.
//! - So the boundary lies between `w' − sag` and `w` from the road: `w − w'` is a fifth of the
//!   tolerance (with `d = √(8 w t / 5)`), the pieces' sag `0.4 t`, the simplification `t / 5`.
//!   The oracle suite (tests/oracle.rs) measures it on noisy lines.
//!
//! Drawn as two rings rather than thousands of pieces (see [`Band::sides`]): each side's
//! pieces make one ring along the hull's offset curve (see `offset::Curve`), the band goes to
//! the right, and the union of the two in one overlay graph says whether they overlap. Where
//! they do not and the road does not cross itself, the halves are the two unions with the
//! road swapped in for the left hull ([`swap_in_road`]), so the hundred thousand road
//! vertices never enter an overlay; elsewhere the whole is cut along the road.
//!
//! Used for round caps only (a flat cap is cut along the road's own last segment, which the
//! hull's last chord need not follow), open roads, and where `hidden` would apply. The hulls
//! are found walking the road in order, so a line that never turns back (a wiggly track) has
//! one; a GPS track whose fixes curl back over a chord (issue 16's road f, 1,422 such places)
//! fails the checks and goes to `hidden`. The checks, not the walk, are what make it sound.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use foldhash::fast::FixedState;
use geo::algorithm::line_intersection::{LineIntersection, line_intersection};
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, Line, LineString, MultiLineString, MultiPolygon};
use rayon::prelude::*;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use super::hidden::{MAX_LAT_DEG, MAX_WIDTH_M, MIN_SEGMENTS, plane_error_m};
use super::offset::{self, Pieces, SAG_SHARE};
use super::overlay::{Grid, Ring, Shapes};
use super::{Cap, CorridorOptions};
use crate::geodesic::{self, MIN_RADIUS_M, ecef_cross as cross, ecef_dot as dot, ecef_sub as sub};
use crate::road::Segment;
use crate::{Road, Side};

/// The two hulls and the width their corridor is built at.
#[derive(Debug)]
pub(crate) struct Band {
    /// The left hull and the right hull, each from the road's first vertex to its last.
    pub hulls: [Road; 2],
    /// The road's chainage at each hull vertex, metres.
    chainage_m: [Vec<f64>; 2],
    /// The width both hulls' corridors are built at, metres.
    pub width_m: f64,
    /// Whether the road meets itself nowhere but between consecutive segments (see
    /// [`swap_in_road`]).
    pub road_is_simple: bool,
}

impl Band {
    /// Where the road's line, continued past its ends, leaves the corridor: behind its first
    /// vertex and ahead of its last, at the band's width.
    pub(crate) fn tips(&self, line: &Basis) -> [Coord; 2] {
        let coords = line.basis.coords();
        let segments = line.road.segments();
        let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
            return [Coord::zero(); 2];
        };
        [
            geodesic::direct(coords[0], first.azimuth_start_deg - 180.0, self.width_m).0,
            geodesic::direct(coords[coords.len() - 1], last.azimuth_end_deg, self.width_m).0,
        ]
    }

    /// The corridor as two rings (in `left` and `right`), each the union of pieces by its
    /// positive winding (see [`offset::Curve`]): on the left, the left hull's side (the hull,
    /// the cap's quarter at its end, its offset curve back and the quarter at its start); on
    /// the right, the band and the right hull's side (the quarter at the start, the right
    /// hull's offset curve, the quarter at the end, back along the left hull). The quarters
    /// are cut along the road's own line past its ends, as the halves are, and together cover
    /// both hulls' caps (`band` checks the chords' angles at the ends). [`swap_in_road`] makes
    /// the halves from their unions.
    ///
    /// `tips` are where the road's line leaves the corridor ([`Band::tips`]). Every vertex is
    /// marked for the limit lines: the road's and the axes' as never on the limit, the rest at
    /// the width.
    pub(crate) fn sides(
        &self,
        line: &Basis,
        options: &CorridorOptions,
        [behind, ahead]: [Coord; 2],
    ) -> Pieces {
        let w = self.width_m;
        let max_sag_m = SAG_SHARE * options.tolerance_m;
        let coords = line.basis.coords();
        let segments = line.road.segments();
        let length_m = line.road.length_m();
        let (start, end) = (coords[0], coords[coords.len() - 1]);
        let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
            return Pieces::default();
        };
        let (az_start, az_end) = (first.azimuth_start_deg, last.azimuth_end_deg);
        // One list each, shared by both halves, so that they meet on the axes exactly.
        let (axis_start, _) = offset::axis_points(start, (w, behind), (w, behind), max_sag_m);
        let (axis_end, _) = offset::axis_points(end, (w, ahead), (w, ahead), max_sag_m);
        // The quarters run from the hulls' end chords' normals: their azimuths near the axes'.
        let near = |deg: f64, axis: f64| axis + geodesic::normalize_deg(deg - axis);
        let ends = |hull: &Road| {
            let s = hull.segments();
            (
                near(s[0].azimuth_start_deg, az_start),
                near(s[s.len() - 1].azimuth_end_deg, az_end),
            )
        };
        let curve = |k: usize| {
            let side = if k == 0 { Side::Left } else { Side::Right };
            offset::curve(
                &self.hulls[k],
                side,
                w,
                options.tolerance_m,
                &self.chainage_m[k],
            )
        };
        let (left_curve, right_curve) = rayon::join(|| curve(0), || curve(1));
        let curves = [&left_curve, &right_curve];
        let turns = [ends(&self.hulls[0]), ends(&self.hulls[1])];
        let to_xy = |c: &Coord| [c.x, c.y];
        let mut out = Pieces::default();
        let arc = |centre: Coord, from_deg: f64, to_deg: f64| -> Vec<[f64; 2]> {
            offset::arc(centre, w, from_deg, to_deg, max_sag_m)
                .iter()
                .map(to_xy)
                .collect()
        };

        // A side's vertices at the width, with their chainages: its curve's, the quarter at the
        // end and its tip ahead, the quarter at the start and its tip behind.
        let marks = |curve: &offset::Curve, end_arc: &[[f64; 2]], start_arc: &[[f64; 2]]| {
            let mut marks = curve.offsets.clone();
            marks.extend(
                end_arc
                    .iter()
                    .chain([&to_xy(&ahead)])
                    .map(|&p| (p, length_m)),
            );
            marks.extend(start_arc.iter().chain([&to_xy(&behind)]).map(|&p| (p, 0.0)));
            marks
        };

        // Left: the left hull, out along the end's axis, round to the hull's curve, back along
        // it, round behind the start and in along the start's axis.
        let (curve, (az0, az1)) = (curves[0], turns[0]);
        let end_arc = arc(end, az_end, az1 - 90.0);
        let start_arc = arc(start, az0 - 90.0, az_start - 180.0);
        let left_hull = self.hulls[0].coords();
        let mut ring: Vec<[f64; 2]> = left_hull.iter().map(to_xy).collect();
        ring.extend(axis_end.iter().map(to_xy));
        ring.push(to_xy(&ahead));
        ring.extend(&end_arc);
        ring.extend(curve.points.iter().rev());
        ring.extend(&start_arc);
        ring.push(to_xy(&behind));
        ring.extend(axis_start.iter().rev().map(to_xy));
        out.left.push(ring);
        out.offset_left = marks(curve, &end_arc, &start_arc);
        out.on_road.extend(curve.corners.iter().copied());

        // Right: from the start out along its axis, round to the hull's curve, along it, round
        // ahead of the end, in along the end's axis and back along the left hull.
        let (curve, (az0, az1)) = (curves[1], turns[1]);
        let start_arc = arc(start, az_start - 180.0, az0 - 270.0);
        let end_arc = arc(end, az1 + 90.0, az_end);
        let mut ring: Vec<[f64; 2]> = vec![to_xy(&start)];
        ring.extend(axis_start.iter().map(to_xy));
        ring.push(to_xy(&behind));
        ring.extend(&start_arc);
        ring.extend(curve.points.iter().copied());
        ring.extend(&end_arc);
        ring.push(to_xy(&ahead));
        ring.extend(axis_end.iter().rev().map(to_xy));
        ring.extend(left_hull.iter().rev().take(left_hull.len() - 1).map(to_xy));
        out.right.push(ring);
        out.offset_right = marks(curve, &end_arc, &start_arc);
        out.on_road.extend(curve.corners.iter().copied());

        out.on_road.extend(coords.iter().map(to_xy));
        let axes: Vec<[f64; 2]> = axis_start.iter().chain(&axis_end).map(to_xy).collect();
        out.off_limit_left.extend(axes.iter().copied());
        out.off_limit_right.extend(axes);
        out
    }
}

/// Share of the tolerance the chords may cost: `w − w' ≈ d² / 8w`.
const CHORD_SHARE: f64 = 0.2;

/// The halves from the unions of [`Band::sides`]' two rings, or `None` unless each union is
/// one polygon without holes whose boundary runs along the left hull from the road's first
/// vertex to its last (forwards on the left, backwards on the right; a vertex the union
/// dropped as collinear may be missing): that run is replaced by the road, which moves the
/// part of the band left of the road from the right half to the left one.
///
/// Sound where the two unions do not overlap and `road` (rounded to the grid, see
/// [`road_on_grid`]) does not cross itself: the road then runs inside the band from one end of
/// the run to the other, and each new ring bounds its half.
pub(crate) fn swap_in_road(
    grid: &Grid,
    (left, right): (Shapes, Shapes),
    hull: &[Coord],
    road: &[[f64; 2]],
) -> Option<(Shapes, Shapes)> {
    let key = |p: [f64; 2]| [p[0].to_bits(), p[1].to_bits()];
    let index: HashMap<[u64; 2], usize, FixedState> = hull
        .iter()
        .enumerate()
        .map(|(j, c)| (key(grid.snap([c.x, c.y])), j))
        .collect();
    let last = hull.len() - 1;
    // The ring with its run along the hull from hull vertex `from` to `to` replaced by `run`.
    let swap = |shapes: Shapes, from: usize, to: usize, run: &mut dyn Iterator<Item = [f64; 2]>| {
        let [shape] = <[Vec<Ring>; 1]>::try_from(shapes).ok()?;
        let [ring] = <[Ring; 1]>::try_from(shape).ok()?;
        let n = ring.len();
        let start = ring
            .iter()
            .position(|&p| index.get(&key(p)) == Some(&from))?;
        let mut at = from;
        let mut k = 0;
        while at != to {
            k += 1;
            let j = *index.get(&key(*ring.get((start + k) % n)?))?;
            let ahead = if from < to { j > at } else { j < at };
            if !ahead || k >= n {
                return None;
            }
            at = j;
        }
        let mut out: Ring = run.collect();
        out.extend((k + 1..n).map(|i| ring[(start + i) % n]));
        Some(vec![out])
    };
    let left = swap(left, 0, last, &mut road.iter().copied())?;
    let right = swap(right, last, 0, &mut road.iter().rev().copied())?;
    Some((vec![left], vec![right]))
}

/// `road` as the halves hold it, rounded to the grid, or `None` where it meets itself there
/// anywhere but where one segment ends and the next begins. [`meetings`] tells that for the
/// road as it is; rounded, two segments a grid step apart may come to touch.
pub(crate) fn road_on_grid(grid: &Grid, road: &[Coord]) -> Option<Ring> {
    let mut snapped: Ring = road.iter().map(|c| grid.snap([c.x, c.y])).collect();
    snapped.dedup();
    is_simple(&snapped).then_some(snapped)
}

/// The limit of a half that [`swap_in_road`] made: the part of its boundary from one tip of
/// the road's line to the other (see [`Band::tips`]), in the direction of travel, which is all
/// at the width (offset edges, their crossings, the caps' arcs; the road and the axes are the
/// rest). `None` unless the half is one polygon whose exterior holds both tips.
pub(crate) fn limit_between_tips(
    grid: &Grid,
    half: &MultiPolygon,
    side: Side,
    [behind, ahead]: [Coord; 2],
) -> Option<MultiLineString> {
    let [polygon] = half.0.as_slice() else {
        return None;
    };
    let ring = &polygon.exterior().0;
    let ring = &ring[..ring.len().saturating_sub(1)];
    let at = |c: Coord| {
        let p = grid.snap([c.x, c.y]);
        ring.iter().position(|q| q.x == p[0] && q.y == p[1])
    };
    let (behind, ahead) = (at(behind)?, at(ahead)?);
    let n = ring.len();
    // Counter-clockwise, the left half's outer part runs against the road, the right's with it.
    let (from, to) = match side {
        Side::Left => (ahead, behind),
        Side::Right => (behind, ahead),
    };
    let mut line: Vec<Coord> = (0..=(to + n - from) % n)
        .map(|k| ring[(from + k) % n])
        .collect();
    if side == Side::Left {
        line.reverse();
    }
    Some(MultiLineString(vec![LineString(line)]))
}

/// A road and its simplified line (see `simplify::basis`), which keeps the road's first two and
/// last two vertices.
pub(crate) struct Basis<'a> {
    pub road: &'a Road,
    /// The indices of the road's vertices the basis keeps.
    pub vertices: &'a [usize],
    pub basis: &'a Road,
}

/// The hull through `line`'s basis vertices `chain` (indices into the basis, `xyz` their
/// Earth-centred positions), its chords solved: a chord that is one of the road's own segments
/// is that segment (so that the hull's end chords and the road's ends agree to the bit, as the
/// checks at the ends ask), and the rest (a metre to 69 m long at 6 km and a tolerance of
/// 0.5 m) by [`geodesic::short_inverse`], or by GeographicLib where that declines.
fn hull_road(line: &Basis, xyz: &[[f64; 3]], chain: &[usize]) -> Option<Road> {
    let coords = line.basis.coords();
    let road_segments = line.road.segments();
    let segments = chain
        .windows(2)
        .map(|w| {
            let (a, b) = (line.vertices[w[0]], line.vertices[w[1]]);
            if b == a + 1 {
                return Some(road_segments[a]);
            }
            let (p, q) = (coords[w[0]], coords[w[1]]);
            if p == q {
                return None;
            }
            let solved = geodesic::short_inverse(xyz[w[0]], xyz[w[1]])
                .unwrap_or_else(|| geodesic::inverse(p, q));
            Some(Segment {
                azimuth_start_deg: solved.azimuth1_deg,
                azimuth_end_deg: solved.azimuth2_deg,
                length_m: solved.distance_m,
            })
        })
        .collect::<Option<Vec<Segment>>>()?;
    Some(Road::from_parts(
        chain.iter().map(|&i| coords[i]).collect(),
        segments,
    ))
}

/// The band round `line`'s basis for a corridor of `options` (equal widths, round caps), or
/// `None` where it does not apply or cannot be drawn (a line that curls within a chord, a hull
/// that crosses the other).
///
/// The basis's own segments are never solved here: lengths along it are the road's (never
/// shorter, so every bound below still holds), and its end segments are the road's.
pub(crate) fn band(line: &Basis, options: &CorridorOptions) -> Option<Band> {
    let coords = line.basis.coords();
    let road_chainage_m = line.road.vertex_chainages_m();
    let chainage_m: Vec<f64> = line.vertices.iter().map(|&i| road_chainage_m[i]).collect();
    let segments = line.road.segments();
    let n = coords.len();
    let w = options.width_left_m;
    let t = options.tolerance_m;
    // (Called with the wide build's options: both widths the same.)
    if options.cap != Cap::Round
        || n - 1 < MIN_SEGMENTS
        || w > MAX_WIDTH_M
        || coords[0] == coords[n - 1]
    {
        return None;
    }
    let chord_m = (8.0 * w * CHORD_SHARE * t).sqrt();
    // Worth it where most segments are far shorter than a chord (a smooth road, simplified,
    // keeps long segments and is built as it is).
    let short = chainage_m
        .windows(2)
        .filter(|s| s[1] - s[0] <= 0.25 * chord_m)
        .count();
    if 2 * short < n - 1 {
        return None;
    }
    let (mut x0, mut x1, mut max_lat) = (f64::MAX, f64::MIN, 0.0f64);
    for c in coords {
        x0 = x0.min(c.x);
        x1 = x1.max(c.x);
        max_lat = max_lat.max(c.y.abs());
    }
    // Straight chords in longitude/latitude are checked for crossings below: not across ±180°.
    if x1 - x0 > 180.0 || max_lat + w / 100_000.0 > MAX_LAT_DEG {
        return None;
    }
    let road_xyz = line.road.ecef_m();
    let xyz: Vec<[f64; 3]> = line.vertices.iter().map(|&i| road_xyz[i]).collect();
    let kappa = plane_error_m(w);
    let width_m = ((w - kappa).powi(2) - 0.25 * chord_m * chord_m).sqrt();
    // A tolerance that is large against the width leaves no width for the hulls (NaN here).
    if width_m.is_nan() || width_m <= 0.5 * w {
        return None;
    }
    // A straight line in longitude/latitude strays from the chord's plane by about
    // L² tan φ / 8R; ten times that, and at least a millimetre.
    let stray_m = chord_m * chord_m * (1.0 + max_lat.to_radians().tan()) / (8.0 * MIN_RADIUS_M);
    let geometry = Geometry {
        coords,
        xyz: &xyz,
        chord_m,
        margin_m: MIN_MARGIN_M.max(10.0 * stray_m),
    };
    // (A GPS track whose fixes curl back over a chord gets stuck or crosses: not drawn so.)
    let chains = geometry.chains_along(&chainage_m)?;
    // The checks, side by side with solving the hulls' chords, which the checks do not need.
    let hull = |k: usize| hull_road(line, &xyz, &chains[k]);
    let ((holds, meetings), hulls) = rayon::join(
        || (geometry.holds(&chains), meetings(coords, &chains)),
        || rayon::join(|| hull(0), || hull(1)),
    );
    let (Some(left), Some(right)) = hulls else {
        return None;
    };
    if !holds || meetings.chords_touch {
        return None;
    }
    // The halves' quarters at each end run from one hull's first (last) chord's normal to the
    // road's line and on to the other's: the road's line must lie between the two chords, and
    // the chords within a right angle of each other, for them to cover both hulls' caps.
    let (first, last) = (&segments[0], &segments[segments.len() - 1]);
    let spread = |hull: &Road, at_end: bool, axis: f64| {
        let s = hull.segments();
        let az = if at_end {
            s[s.len() - 1].azimuth_end_deg
        } else {
            s[0].azimuth_start_deg
        };
        geodesic::normalize_deg(az - axis)
    };
    let (l0, r0) = (
        spread(&left, false, first.azimuth_start_deg),
        spread(&right, false, first.azimuth_start_deg),
    );
    let (l1, r1) = (
        spread(&left, true, last.azimuth_end_deg),
        spread(&right, true, last.azimuth_end_deg),
    );
    if !(l0 <= 0.0 && r0 >= 0.0 && r0 - l0 <= 90.0 && r1 <= 0.0 && l1 >= 0.0 && l1 - r1 <= 90.0) {
        return None;
    }
    Some(Band {
        hulls: [left, right],
        width_m,
        road_is_simple: meetings.road_is_simple,
        chainage_m: chains.map(|chain| chain.iter().map(|&i| chainage_m[i]).collect()),
    })
}

/// A vertex counts as on a side of a chord only so far in (metres; see `Geometry::margin_m`),
/// and never less than this.
const MIN_MARGIN_M: f64 = 1e-3;

/// Closer than this to a chord's plane counts as on it (a chord's own end comes out a few
/// femtometres off).
const ON_M: f64 = 1e-9;

/// A chord's plane through the Earth's centre, set up once for the vertices measured against
/// it (from small offsets, so that sides come out exact to far below a millimetre).
struct Chord {
    start: [f64; 3],
    along: [f64; 3],
    /// Squared length, m².
    length2_m2: f64,
    /// Unit normal of the plane, to the left.
    left: [f64; 3],
}

impl Chord {
    /// How far `p` lies to the left of the chord's plane, metres.
    fn side(&self, p: [f64; 3]) -> f64 {
        dot(self.left, sub(p, self.start))
    }

    /// Where `p` lies along the chord, times its length (m²): 0 at the start, `length2_m2` at
    /// the end.
    fn along_m2(&self, p: [f64; 3]) -> f64 {
        dot(sub(p, self.start), self.along)
    }
}

/// The road's vertices and what the hulls are built under.
struct Geometry<'a> {
    coords: &'a [Coord],
    /// Earth-centred positions, metres.
    xyz: &'a [[f64; 3]],
    /// Longest chord that is not a road segment, metres.
    chord_m: f64,
    /// How far inside a chord a vertex must lie to count as inside, metres: so that crossings,
    /// checked on straight lines in longitude/latitude, see the same sides as the planes.
    margin_m: f64,
}

impl Geometry<'_> {
    /// The chord from `i` to `k`, to measure other vertices against.
    fn chord(&self, i: usize, k: usize) -> Chord {
        let xyz = self.xyz;
        let along = sub(xyz[k], xyz[i]);
        let normal = cross(xyz[i], along);
        let scale = dot(normal, normal).sqrt().max(f64::MIN_POSITIVE);
        Chord {
            start: xyz[i],
            along,
            length2_m2: dot(along, along),
            left: normal.map(|v| v / scale),
        }
    }

    /// How far vertex `m` lies to the left of the chord from `i` to `k`, metres.
    fn side(&self, i: usize, k: usize, m: usize) -> f64 {
        self.chord(i, k).side(self.xyz[m])
    }

    fn distance_m(&self, i: usize, k: usize) -> f64 {
        let d = sub(self.xyz[k], self.xyz[i]);
        dot(d, d).sqrt()
    }

    /// Hulls whose chords pass over the vertices between their ends in road order: from each
    /// hull vertex the farthest within a chord's length along the road that leaves every
    /// vertex between strictly on its inner side (else the next vertex).
    fn chains_along(&self, chainage: &[f64]) -> Option<[Vec<usize>; 2]> {
        let n = self.coords.len();
        let xyz = self.xyz;
        // Every vertex strictly between `i` and `k` on the inner side of the chord (for the
        // left hull, `sign` 1: on its right) and not beyond `k`; and, where the hull turns
        // inwards at `i` (where the band's inside is the inner side of both chords) or the
        // vertex lies behind `i`, on the inner side of the chord before, from `h`, too; and
        // the vertex before `i` on the inner side of this chord where it turns in.
        let inside = |h: Option<usize>, i: usize, k: usize, sign: f64| {
            let chord = self.chord(i, k);
            let before = h.map(|h| self.chord(h, i));
            let turns_in = before.as_ref().is_some_and(|b| sign * b.side(xyz[k]) < 0.0);
            (i + 1..k).all(|m| {
                let along = chord.along_m2(xyz[m]);
                sign * chord.side(xyz[m]) < -self.margin_m
                    && along <= chord.length2_m2
                    && (along >= 0.0 && !turns_in
                        || before
                            .as_ref()
                            .is_some_and(|b| sign * b.side(xyz[m]) < -self.margin_m))
            }) && !(turns_in && sign * chord.side(xyz[i - 1]) > ON_M)
        };
        let reach = |i: usize| {
            let mut last = i + 1;
            while last + 1 < n && chainage[last + 1] - chainage[i] <= self.chord_m {
                last += 1;
            }
            last
        };
        // One hull on each core.
        let chain = |sign: f64| -> Option<Vec<usize>> {
            let mut chain = vec![0];
            // Whether the hull can go on from `k`, reached from `i`.
            let goes_on = |i: usize, k: usize| {
                k == n - 1 || (k + 1..=reach(k)).any(|l| inside(Some(i), k, l, sign))
            };
            let mut i = 0;
            let mut h: Option<usize> = None;
            while i < n - 1 {
                // The farthest first; looking one step ahead only where the hull would be
                // stuck (a fix that overshoots the next one).
                let mut candidates = (i + 1..=reach(i)).rev().filter(|&k| inside(h, i, k, sign));
                let j = match candidates.next() {
                    Some(k) if goes_on(i, k) => k,
                    _ => (i + 1..=reach(i))
                        .rev()
                        .find(|&k| inside(h, i, k, sign) && goes_on(i, k))?,
                };
                chain.push(j);
                h = Some(i);
                i = j;
            }
            Some(chain)
        };
        match rayon::join(|| chain(1.0), || chain(-1.0)) {
            (Some(left), Some(right)) => Some([left, right]),
            _ => None,
        }
    }

    /// Whether the road lies in the band the two hulls bound, with every chord short, as far
    /// as the hulls' vertices tell: each chord no longer than allowed (or a road segment), and,
    /// at every hull vertex, the road's segments on the hull's inner side of both chords where
    /// the hull turns inwards (of its one chord at the road's ends). With no chord touching
    /// another or a road segment except at shared vertices ([`meetings`]), the road starts
    /// inside and can then leave neither across a chord nor at a hull vertex.
    fn holds(&self, chains: &[Vec<usize>; 2]) -> bool {
        let n = self.coords.len();
        for (chain, sign) in chains.iter().zip([1.0, -1.0]) {
            if chain.first() != Some(&0) || chain.last() != Some(&(n - 1)) {
                return false;
            }
            for w in chain.windows(2) {
                if w[1] != w[0] + 1 && self.distance_m(w[0], w[1]) >= self.chord_m {
                    return false;
                }
            }
            let ahead = |a: usize, y: usize, m: usize| sign * self.side(a, y, m) <= ON_M;
            if !ahead(0, chain[1], 1) || !ahead(chain[chain.len() - 2], n - 1, n - 2) {
                return false;
            }
            for w in chain.windows(3) {
                let (a, y, c) = (w[0], w[1], w[2]);
                if sign * self.side(a, y, c) < 0.0 {
                    let inside = |m: usize| ahead(a, y, m) && ahead(y, c, m);
                    if !inside(y - 1) || !inside(y + 1) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// What the chords and the road's segments meet.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Meetings {
    /// A chord of the two hulls meets another chord or a road segment anywhere but at a
    /// vertex both share (or runs along it without being the same segment).
    chords_touch: bool,
    /// The road meets itself nowhere but where one segment ends and the next begins (the
    /// halves are bounded by the road: a road that crosses or touches itself would make their
    /// rings cross themselves).
    road_is_simple: bool,
}

/// Most pairs of boxes [`sweep`] compares per line before it gives up.
const MAX_PAIRS_PER_LINE: usize = 32;

/// What the chords of `chains` and the road's segments meet, by a sweep along the longer side
/// of their box: each line is compared with the earlier ones whose extents along it overlap,
/// which for a line that runs on (a track, a road) are a few. Where that would take too long
/// (a line that doubles back on itself many times), the chords are checked through an R-tree
/// instead, and the road is not taken as simple.
fn meetings(coords: &[Coord], chains: &[Vec<usize>; 2]) -> Meetings {
    /// A chord, or the road's segment from this vertex.
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Chord,
        Road(usize),
    }
    let lines: Vec<(Line, Kind)> = chains
        .iter()
        .flat_map(|chain| chain.windows(2))
        .map(|w| (Line::new(coords[w[0]], coords[w[1]]), Kind::Chord))
        .chain(
            coords
                .windows(2)
                .enumerate()
                .map(|(i, w)| (Line::new(w[0], w[1]), Kind::Road(i))),
        )
        .collect();
    let simple = AtomicBool::new(true);
    let touch = sweep(&lines.iter().map(|l| l.0).collect::<Vec<_>>(), |a, b| {
        let ((l, p), (m, q)) = (lines[a], lines[b]);
        if apart(l, m) {
            return false;
        }
        match (p, q) {
            (Kind::Road(i), Kind::Road(j)) => {
                if segments_meet((l, i), (m, j)) {
                    simple.store(false, Relaxed);
                }
                false
            }
            _ => meets_off_ends(l, m),
        }
    });
    match touch {
        Some(chords_touch) => Meetings {
            chords_touch,
            road_is_simple: simple.into_inner(),
        },
        None => Meetings {
            chords_touch: touching(coords, chains),
            road_is_simple: false,
        },
    }
}

/// Whether `l` and `m` surely do not meet: one lies strictly on one side of the other's line
/// (the quick test before `line_intersection`, which most pairs of a sweep pass).
fn apart(l: Line, m: Line) -> bool {
    let side = |a: Coord, b: Coord, p: Coord| RobustKernel::orient2d(a, b, p);
    let strictly_one_side = |a: Orientation, b: Orientation| a == b && a != Orientation::Collinear;
    strictly_one_side(side(l.start, l.end, m.start), side(l.start, l.end, m.end))
        || strictly_one_side(side(m.start, m.end, l.start), side(m.start, m.end, l.end))
}

/// Whether segments `l` and `m` of one line, from its vertices `i` and `j`, meet anywhere but
/// at the vertex two consecutive segments share.
fn segments_meet((l, i): (Line, usize), (m, j): (Line, usize)) -> bool {
    match line_intersection(l, m) {
        None => false,
        Some(LineIntersection::SinglePoint { intersection, .. }) if i.abs_diff(j) == 1 => {
            intersection != if i < j { l.end } else { l.start }
        }
        Some(_) => true,
    }
}

/// Whether the line through `points` meets itself nowhere but where one segment ends and the
/// next begins (`false` also where the sweep gives up).
fn is_simple(points: &[[f64; 2]]) -> bool {
    let at = |p: [f64; 2]| Coord { x: p[0], y: p[1] };
    let lines: Vec<Line> = points
        .windows(2)
        .map(|w| Line::new(at(w[0]), at(w[1])))
        .collect();
    let meet = sweep(&lines, |a, b| {
        !apart(lines[a], lines[b]) && segments_meet((lines[a], a), (lines[b], b))
    });
    meet == Some(false)
}

/// Whether `l` meets `other` anywhere but at an end of both (or runs along it without having
/// the same ends).
fn meets_off_ends(l: Line, other: Line) -> bool {
    let ends = |l: &Line, p: Coord| l.start == p || l.end == p;
    match line_intersection(l, other) {
        None => false,
        Some(LineIntersection::SinglePoint {
            intersection,
            is_proper,
        }) => is_proper || !(ends(&l, intersection) && ends(&other, intersection)),
        Some(LineIntersection::Collinear { .. }) => !(ends(&l, other.start) && ends(&l, other.end)),
    }
}

/// Whether `hit` holds for any two of `lines` whose boxes overlap (it is called for each such
/// pair until it does), by a sweep along the longer side of their box; `None` where there are
/// more than [`MAX_PAIRS_PER_LINE`] such pairs a line on average.
fn sweep(lines: &[Line], hit: impl Fn(usize, usize) -> bool + Sync) -> Option<bool> {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for l in lines {
        for p in [l.start, l.end] {
            x0 = x0.min(p.x);
            x1 = x1.max(p.x);
            y0 = y0.min(p.y);
            y1 = y1.max(p.y);
        }
    }
    // Along, then across.
    let along_x = x1 - x0 >= y1 - y0;
    let spans: Vec<[f64; 4]> = lines
        .iter()
        .map(|l| {
            let (a, b) = if along_x {
                (l.start, l.end)
            } else {
                (
                    Coord {
                        x: l.start.y,
                        y: l.start.x,
                    },
                    Coord {
                        x: l.end.y,
                        y: l.end.x,
                    },
                )
            };
            [a.x.min(b.x), a.x.max(b.x), a.y.min(b.y), a.y.max(b.y)]
        })
        .collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.par_sort_unstable_by(|&i, &j| spans[i][0].total_cmp(&spans[j][0]));
    // Each line in start order against those still open.
    let run = |order: &[usize]| {
        let mut active: Vec<usize> = Vec::new();
        let mut budget = MAX_PAIRS_PER_LINE * order.len();
        for &i in order {
            let [start, _, low, high] = spans[i];
            active.retain(|&j| spans[j][1] >= start);
            for &j in &active {
                if budget == 0 {
                    return None;
                }
                budget -= 1;
                if spans[j][3] >= low && spans[j][2] <= high && hit(i, j) {
                    return Some(true);
                }
            }
            active.push(i);
        }
        Some(false)
    };
    if order.len() < PARALLEL_SWEEP {
        return run(&order);
    }
    // Two halves on two cores: the second takes, ahead of its own lines, the first's that
    // reach past where it starts, so that every pair whose boxes overlap meets in a half.
    let (first, second) = order.split_at(order.len() / 2);
    let from = spans[second[0]][0];
    let mut reaching: Vec<usize> = first
        .iter()
        .copied()
        .filter(|&i| spans[i][1] >= from)
        .collect();
    reaching.extend_from_slice(second);
    match rayon::join(|| run(first), || run(&reaching)) {
        (Some(a), Some(b)) => Some(a || b),
        _ => None,
    }
}

/// Lines from which [`sweep`] runs in two halves.
const PARALLEL_SWEEP: usize = 8_192;

/// Whether any chord of the two hulls meets another chord or a road segment anywhere but at a
/// vertex both share (or runs along it without being the same segment), through an R-tree.
fn touching(coords: &[Coord], chains: &[Vec<usize>; 2]) -> bool {
    let line = |i: usize, j: usize| Line::new(coords[i], coords[j]);
    let boxed = |l: Line| {
        GeomWithData::new(
            Rectangle::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]),
            l,
        )
    };
    let tree = RTree::bulk_load(
        chains
            .iter()
            .flat_map(|chain| chain.windows(2))
            .map(|w| boxed(line(w[0], w[1])))
            .collect(),
    );
    let meets = |l: Line| {
        let envelope = AABB::from_corners(
            [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
            [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
        );
        tree.locate_in_envelope_intersecting(&envelope)
            .any(|other| meets_off_ends(l, other.data))
    };
    // Every chord and every road segment, on both cores.
    let lines: Vec<Line> = chains
        .iter()
        .flat_map(|chain| chain.windows(2))
        .map(|w| line(w[0], w[1]))
        .chain((0..coords.len() - 1).map(|i| line(i, i + 1)))
        .collect();
    lines.into_par_iter().any(meets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    use geo::{Contains, LineString, Point, Polygon};

    /// The sweep in two halves still meets a line that starts in the first half and crosses
    /// one far into the second (and finds nothing where nothing meets).
    #[test]
    fn a_sweep_in_halves_meets_lines_across_its_split() {
        let c = |x: f64, y: f64| Coord { x, y };
        let mut lines: Vec<Line> = (0..10_000)
            .map(|i| Line::new(c(i as f64, 0.0), c(i as f64 + 0.5, 0.0)))
            .collect();
        let meet = |lines: &[Line]| {
            sweep(lines, |a, b| {
                !apart(lines[a], lines[b]) && line_intersection(lines[a], lines[b]).is_some()
            })
        };
        assert_eq!(meet(&lines), Some(false));
        // From x = 100.2 (the first half) across y = 0 at x = 8,500.25 (the second).
        lines.push(Line::new(c(100.2, -1.0), c(16_900.3, 1.0)));
        assert!(lines.len() >= PARALLEL_SWEEP);
        assert_eq!(meet(&lines), Some(true));
    }

    /// The band of a road taken as its own basis.
    fn band_of(road: &Road, options: &CorridorOptions) -> Option<Band> {
        let vertices: Vec<usize> = (0..road.coords().len()).collect();
        band(
            &Basis {
                road,
                vertices: &vertices,
                basis: road,
            },
            options,
        )
    }

    /// The band of a road on its basis as `Corridor::build` simplifies it.
    fn band_of_basis(road: &Road, options: &CorridorOptions) -> Option<Band> {
        let (vertices, basis) =
            super::super::simplify::basis(road, super::super::SIMPLIFY_SHARE * options.tolerance_m);
        band(
            &Basis {
                road,
                vertices: &vertices,
                basis: &basis,
            },
            options,
        )
    }

    /// The corridor of `road` built as `Corridor::build` does, checked by geo: the whole and
    /// both halves valid, and the halves tiling the whole (no gap, no overlap).
    fn built_and_tiled(road: &Road, options: &CorridorOptions) -> super::super::Corridor {
        use geo::{Area, BooleanOps, Validation};
        let corridor = super::super::Corridor::build(road, options);
        let (whole, left, right) = (
            corridor.whole(),
            corridor.half(Side::Left),
            corridor.half(Side::Right),
        );
        for polygons in [whole, left, right] {
            assert!(polygons.is_valid(), "{:?}", polygons.validation_errors());
        }
        let planar = whole.unsigned_area();
        assert!(left.union(right).xor(whole).unsigned_area() < 1e-9 * planar);
        assert!(left.intersection(right).unsigned_area() < 1e-9 * planar);
        corridor
    }

    /// A track of 1.2 m steps along `nominal(k)` (degrees) for step `k`, its heading off that
    /// by a random walk of up to 8.6° a step kept within 5° (issue 16's wiggly track, bent).
    fn track_along(steps: usize, seed: u64, nominal: impl Fn(usize) -> f64) -> Road {
        let mut rng = Rng::new(seed);
        let mut off: f64 = 0.0;
        let mut p = Coord { x: 36.5, y: 35.8 };
        let mut coords = vec![p];
        for k in 0..steps {
            off += (rng.next_f64() * 2.0 - 1.0) * 8.6;
            if off > 5.0 {
                off = 10.0 - off;
            } else if off < -5.0 {
                off = -10.0 - off;
            }
            p = geodesic::direct(p, nominal(k) + off, 1.2).0;
            coords.push(p);
        }
        Road::from_checked(coords).unwrap()
    }

    /// A wiggly track: 1.2 m steps, heading jittering within 5° of east (the family of
    /// tests/common/roads.rs, generated here with its own small random sequence).
    fn wiggly(n: usize) -> Road {
        let mut rng = Rng::new(0x2545_f491_4f6c_dd1d);
        let mut heading: f64 = 90.0;
        let mut p = Coord { x: 36.5, y: 35.8 };
        let mut coords = vec![p];
        for _ in 1..n {
            heading += (rng.next_f64() * 2.0 - 1.0) * 8.6;
            heading = heading.clamp(85.0, 95.0);
            p = geodesic::direct(p, heading, 1.2).0;
            coords.push(p);
        }
        Road::from_checked(coords).unwrap()
    }

    /// An independent look at the band: every road vertex lies in (or on) the polygon the two
    /// hulls bound, by geo's point-in-polygon; every hull vertex is a road vertex; no chord is
    /// longer than allowed, measured geodesically.
    #[test]
    fn a_wiggly_track_lies_in_its_band() {
        let road = wiggly(20_000);
        let options = CorridorOptions::symmetric(6_000.0).unwrap().cap(Cap::Round);
        let band = band_of(&road, &options).expect("a wiggly track has a band");
        let [left, right] = &band.hulls;
        assert!(left.coords().len() < road.coords().len() / 4);
        let mut ring: Vec<Coord> = right.coords().to_vec();
        ring.extend(left.coords().iter().rev());
        let polygon = Polygon::new(LineString(ring), Vec::new());
        let chord_m = (8.0 * 6_000.0 * CHORD_SHARE * 0.5).sqrt();
        for hull in [left, right] {
            for w in hull.coords().windows(2) {
                let along = geodesic::distance_m(w[0], w[1]);
                let is_segment = road.coords().windows(2).any(|s| s == w);
                assert!(along <= chord_m + 1e-9 || is_segment, "chord of {along} m");
            }
            for c in hull.coords() {
                assert!(road.coords().contains(c));
            }
        }
        let outside = road
            .coords()
            .iter()
            .filter(|&&c| !polygon.contains(&Point(c)) && !polygon.exterior().contains(&Point(c)))
            .count();
        assert_eq!(outside, 0, "road vertices outside the band");
        // w − w' is a fifth of the tolerance, and a little for the plane.
        assert!(6_000.0 - band.width_m < 0.12, "{}", band.width_m);
    }

    /// A wiggly track that crosses itself once, in a zigzag a metre long: the band still
    /// holds, the road is not taken as simple, and the corridor is built by cutting the whole
    /// along the road instead: valid halves (by geo's validity check) that tile the whole.
    #[test]
    fn a_track_that_crosses_itself_is_cut_along_the_road() {
        let options = CorridorOptions::symmetric(6_000.0).unwrap().cap(Cap::Round);
        let track = track_along(20_000, 0x2545_f491_4f6c_dd1d, |_| 90.0)
            .coords()
            .to_vec();
        // East a metre, back half a metre and 20 cm north, south-east across the first leg,
        // on east; tried along the track until the hulls pass clear of it.
        let (road, band) = (5_000..15_000)
            .step_by(7)
            .find_map(|k| {
                let at = track[k];
                let step = |ahead_m: f64, left_m: f64| {
                    let p = geodesic::direct(at, 90.0, ahead_m).0;
                    geodesic::direct(p, 0.0, left_m).0
                };
                let zigzag = [
                    step(1.0, 0.0),
                    step(0.5, 0.2),
                    step(0.8, -0.2),
                    step(1.1, 0.0),
                ];
                let mut coords = track.clone();
                coords.splice(k + 1..k + 1, zigzag);
                let road = Road::from_checked(coords).ok()?;
                let band = band_of_basis(&road, &options)?;
                Some((road, band))
            })
            .expect("the band holds somewhere");
        assert!(!band.road_is_simple);
        built_and_tiled(&road, &options);
        // And the same track without the zigzag is simple.
        let track = Road::from_checked(track).unwrap();
        assert!(band_of_basis(&track, &options).unwrap().road_is_simple);
    }

    /// A wiggly track that turns back on itself in a 300 m hairpin, with a 2 km corridor: the
    /// band holds, but its two sides overlap where the legs' corridors fold over each other,
    /// so the whole is cut along the road instead: valid halves that tile the whole, the
    /// ground between the legs in the left half and beyond them in the right.
    #[test]
    fn a_folded_track_is_cut_along_the_road() {
        use geo::{Contains, GeodesicArea};
        let turn_steps = (std::f64::consts::PI * 300.0 / 1.2) as usize;
        let road = track_along(3_000 + turn_steps + 3_000, 0x51a2_b3c4_d5e6_f708, |k| {
            if k < 3_000 {
                90.0
            } else if k < 3_000 + turn_steps {
                90.0 - 180.0 * (k - 3_000) as f64 / turn_steps as f64
            } else {
                -90.0
            }
        });
        let options = CorridorOptions::symmetric(2_000.0).unwrap().cap(Cap::Round);
        assert!(band_of_basis(&road, &options).is_some(), "the band holds");
        let corridor = built_and_tiled(&road, &options);
        let (left, right) = (corridor.half(Side::Left), corridor.half(Side::Right));
        // Between the legs is left of both (the inside of a left turn); beyond them, right.
        let leg = road.coords()[1_500];
        let at = |north_m: f64| {
            let p = geodesic::direct(leg, 0.0, north_m).0;
            geo::Point::new(p.x, p.y)
        };
        assert!(left.contains(&at(300.0)) && !right.contains(&at(300.0)));
        assert!(right.contains(&at(-1_000.0)) && right.contains(&at(1_600.0)));
        // The right half's area, which the corridor takes as the whole's less the left's, is
        // its own, worked out independently.
        let own_km2 = right.geodesic_area_unsigned() / 1e6;
        let km2 = corridor.half_area_km2(Side::Right);
        assert!(
            (km2 - own_km2).abs() < 1e-6 * corridor.area_km2(),
            "{km2} != {own_km2}"
        );
    }

    /// A wiggly track that spirals out, its turns 3 km apart, with a 2 km corridor: each
    /// turn's left side overlaps the next turn's right side without reaching its band, so the
    /// sides' unions keep their hulls (the swap could go ahead) and only their overlap tells
    /// the whole to be cut along the road: valid halves that tile the whole.
    #[test]
    fn a_spiral_whose_sides_overlap_is_cut_along_the_road() {
        // Turning left all the time, the radius growing 3 km a turn from 3 km.
        let mut headings = vec![90.0f64];
        let mut turned = 0.0f64;
        while turned < 540.0 {
            let turn = (1.2 / (3_000.0 + 3_000.0 * turned / 360.0)).to_degrees();
            turned += turn;
            headings.push(90.0 - turned);
        }
        let road = track_along(headings.len(), 0x0f1e_2d3c_4b5a_6978, |k| headings[k]);
        let options = CorridorOptions::symmetric(2_000.0).unwrap().cap(Cap::Round);
        assert!(band_of_basis(&road, &options).is_some(), "the band holds");
        built_and_tiled(&road, &options);
    }

    /// Flat caps, a smooth road and a short one are built as they are.
    #[test]
    fn only_noisy_lines_with_round_caps_have_a_band() {
        let road = wiggly(5_000);
        let round = CorridorOptions::symmetric(6_000.0).unwrap().cap(Cap::Round);
        assert!(band_of(&road, &round).is_some());
        assert!(band_of(&road, &round.cap(Cap::Flat)).is_none());
        assert!(band_of(&wiggly(500), &round).is_none());
        // A tolerance five times the width leaves the hulls no width: no band (it was NaN,
        // and the corridor came out empty), and the corridor is built all the same.
        let thin = CorridorOptions::symmetric(10.0)
            .unwrap()
            .cap(Cap::Round)
            .tolerance_m(50.0)
            .unwrap();
        assert!(band_of(&road, &thin).is_none());
        assert!(super::super::Corridor::build(&road, &thin).area_km2() > 0.0);
        let smooth = Road::from_checked(
            (0..5_000)
                .map(|k| Coord {
                    x: 36.0 + k as f64 * 1e-3,
                    y: 35.0 + 0.1 * (k as f64 * 1e-3).sin(),
                })
                .collect(),
        )
        .unwrap();
        assert!(band_of(&smooth, &round).is_none());
    }
}
