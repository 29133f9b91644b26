//! The pieces whose union is the corridor: for each geodesic segment and side, the strip between
//! the segment and its geodesic offset; for each convex corner, the wedge of the disc around the
//! corner vertex; for round caps, the quarter discs at the ends.
//!
//! Every vertex is placed exactly (GeographicLib's direct problem) at the width from the road.
//! Between vertices the edges are straight in longitude/latitude, as GeoJSON draws them, and
//! curves are cut into edges adaptively until the middle of every edge lies within a fraction
//! of the tolerance of the true curve. Union then resolves where pieces overlap.

use geo::algorithm::line_intersection::{LineIntersection, line_intersection};
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, Line};

use rayon::prelude::*;

use super::hidden::{Cut, Filter};
use super::{Cap, CorridorOptions};
use crate::geodesic::{self, MIN_RADIUS_M};
use crate::{Road, Side};

/// Share of the tolerance allowed for the gap between an edge's middle and the true curve.
/// The rest is margin for the curve's bulge away from the middle, which is second order.
pub(crate) const SAG_SHARE: f64 = 0.4;

/// Deepest halving of one curve; 2^30 pieces is far beyond any real need.
const MAX_DEPTH: u32 = 30;

/// The pieces for both sides, each a closed ring (first point not repeated) that runs
/// counter-clockwise in longitude/latitude, and what each of their vertices is, so that the
/// limit lines can be read off the union without locating its vertices again.
#[derive(Debug, Default)]
pub(crate) struct Pieces {
    pub left: Vec<Vec<[f64; 2]>>,
    pub right: Vec<Vec<[f64; 2]>>,
    /// Vertices on the road itself (samples, corners, cap centres).
    pub on_road: Vec<[f64; 2]>,
    /// Vertices of the left and right pieces that are never on their side's limit: along a
    /// cap's normal or axis, inside the corridor.
    pub off_limit_left: Vec<[f64; 2]>,
    pub off_limit_right: Vec<[f64; 2]>,
    /// The outer corners of flat caps: at the width, but where a limit meets a cap.
    pub cap_corners: Vec<[f64; 2]>,
    /// Vertices at the width on the left and on the right, each with the chainage (metres) of
    /// the road point it was offset from.
    pub offset_left: Vec<([f64; 2], f64)>,
    pub offset_right: Vec<([f64; 2], f64)>,
}

impl Pieces {
    fn push(&mut self, left: bool, ring: Vec<[f64; 2]>) {
        if left {
            self.left.push(ring);
        } else {
            self.right.push(ring);
        }
    }

    /// Records the vertices of a wedge (centre first, then its arc) around the road point at
    /// `chainage_m`.
    fn mark_wedge(&mut self, ring: &[[f64; 2]], left: bool, chainage_m: f64) {
        let offsets = if left {
            &mut self.offset_left
        } else {
            &mut self.offset_right
        };
        offsets.extend(ring.iter().skip(1).map(|&p| (p, chainage_m)));
    }
}

fn xy(c: Coord) -> [f64; 2] {
    [c.x, c.y]
}

fn mid(a: Coord, b: Coord) -> Coord {
    Coord {
        x: 0.5 * (a.x + b.x),
        y: 0.5 * (a.y + b.y),
    }
}

/// A sample along one segment: the road point and the offset points either side.
#[derive(Debug, Clone, Copy)]
struct Sample {
    along_m: f64,
    road: Coord,
    left: Coord,
    right: Coord,
}

struct Sampler<'a> {
    start: Coord,
    azimuth_start_deg: f64,
    options: &'a CorridorOptions,
    max_sag_m: f64,
    /// Only this side's offsets (the other side's are the road point): for [`curve`].
    only: Option<Side>,
}

impl Sampler<'_> {
    fn sample(&self, along_m: f64, at: Option<(Coord, f64)>) -> Sample {
        let (road, azimuth) =
            at.unwrap_or_else(|| geodesic::direct(self.start, self.azimuth_start_deg, along_m));
        let offset = |side: Side, azimuth_deg: f64, width_m: f64| {
            if self.only.is_some_and(|only| only != side) {
                road
            } else {
                geodesic::direct(road, azimuth_deg, width_m).0
            }
        };
        Sample {
            along_m,
            road,
            left: offset(Side::Left, azimuth - 90.0, self.options.width_left_m),
            right: offset(Side::Right, azimuth + 90.0, self.options.width_right_m),
        }
    }

    /// Halves `[a, b]` until the middle of each chord (road, left and right) lies within the
    /// allowed sag of the true curve, appending the samples after `a` up to and including `b`.
    fn refine(&self, a: Sample, b: Sample, depth: u32, out: &mut Vec<Sample>) {
        if depth < MAX_DEPTH {
            let m = self.sample(0.5 * (a.along_m + b.along_m), None);
            let sag = geodesic::small_gap_m(mid(a.road, b.road), m.road)
                .max(geodesic::small_gap_m(mid(a.left, b.left), m.left))
                .max(geodesic::small_gap_m(mid(a.right, b.right), m.right));
            if sag > self.max_sag_m {
                self.refine(a, m, depth + 1, out);
                self.refine(m, b, depth + 1, out);
                return;
            }
        }
        out.push(b);
    }
}

/// A conservative bound, in metres, on how far the middle of a chord of length `chord_m` can
/// be from the curve it cuts, for the curves met here (a geodesic, its offset at up to
/// `width_m`, drawn straight in longitude/latitude near latitude `max_abs_lat_deg`). The
/// curvature of a parallel, tan(lat)/R, bounds how a straight lon/lat line bends against a
/// geodesic; the offset adds about width/R². Doubled for margin.
pub(crate) fn chord_sag_bound_m(chord_m: f64, width_m: f64, max_abs_lat_deg: f64) -> f64 {
    if max_abs_lat_deg >= 89.0 {
        return f64::INFINITY;
    }
    let curvature =
        2.0 * (max_abs_lat_deg.to_radians().tan() + width_m / MIN_RADIUS_M + 0.05) / MIN_RADIUS_M;
    chord_m * chord_m * curvature / 8.0
}

/// The step between a flat cap's vertices along the normal (see [`NormalCut`]) that keeps its
/// edges within the allowed sag of the geodesic normal, for normals up to `width_m` long
/// reaching no further poleward than `max_abs_lat_deg`. At least a metre; near the poles,
/// where straight longitude/latitude edges say little, every 50 m.
pub(crate) fn normal_step_m(max_abs_lat_deg: f64, width_m: f64, tolerance_m: f64) -> f64 {
    let per_chord_m2 = chord_sag_bound_m(1.0, width_m, max_abs_lat_deg);
    if per_chord_m2.is_finite() {
        (SAG_SHARE * tolerance_m / per_chord_m2).sqrt().max(1.0)
    } else {
        50.0
    }
}

/// Points along the geodesic circle of radius `radius_m` around `centre`, from azimuth
/// `from_deg` down to `to_deg` (azimuths decreasing, so counter-clockwise on the map), both
/// ends excluded, with every chord's middle within `max_sag_m` of the circle.
pub(crate) fn arc(
    centre: Coord,
    radius_m: f64,
    from_deg: f64,
    to_deg: f64,
    max_sag_m: f64,
) -> Vec<Coord> {
    let sweep = from_deg - to_deg;
    if sweep <= 1e-12 {
        return Vec::new();
    }
    // Planar sag of a chord spanning angle θ: r(1 - cos(θ/2)); start a little finer and check.
    let ratio = (1.0 - 0.8 * max_sag_m / radius_m).clamp(-1.0, 1.0);
    let step = (2.0 * ratio.acos())
        .clamp(1e-6, 0.5 * std::f64::consts::PI)
        .to_degrees();
    let n = (sweep / step).ceil().max(1.0) as usize;
    let at = |az: f64| geodesic::direct(centre, az, radius_m).0;
    if step_keeps_the_sag(centre, radius_m, step.to_radians(), max_sag_m) {
        // Only the inner points are solved: no middle to check, and the ends are the caller's
        // (a corner's arc over a small turn, the commonest, then costs no geodesic at all).
        return (1..n)
            .map(|k| at(from_deg - sweep * k as f64 / n as f64))
            .collect();
    }
    let mut out = Vec::with_capacity(n);
    let mut prev = (from_deg, at(from_deg));
    for k in 1..=n {
        let az = from_deg - sweep * k as f64 / n as f64;
        let p = if k == n { at(to_deg) } else { at(az) };
        refine_arc(&at, prev, (az, p), max_sag_m, 0, &mut out);
        prev = (az, p);
    }
    out.pop(); // the last point is the arc's end, which the caller owns
    out
}

/// Whether chords of a geodesic circle of `radius_m` round `centre` spanning `step_rad` of
/// azimuth stay within `max_sag_m` of it without checking, when the step was chosen for
/// `0.8 max_sag_m` of the planar sag `r(1 − cos(θ/2))`.
///
/// A geodesic circle curves less than a planar one of the same radius (on a sphere,
/// `cot(r/R)/R < 1/r`; the ellipsoid's flattening moves that by parts per thousand at these
/// radii), and drawn straight in longitude/latitude a chord strays from it by at most
/// [`chord_sag_bound_m`]. Where that bound takes no more than a tenth of the sag, the planar
/// step leaves a tenth of the sag to spare. Wide circles and circles near a pole keep the check
/// (`every_arc_chord_keeps_the_sag`).
fn step_keeps_the_sag(centre: Coord, radius_m: f64, step_rad: f64, max_sag_m: f64) -> bool {
    let chord_m = 2.0 * radius_m * (0.5 * step_rad).sin();
    let max_lat = centre.y.abs() + radius_m / 100_000.0;
    radius_m <= MAX_UNCHECKED_RADIUS_M
        && chord_sag_bound_m(chord_m, radius_m, max_lat) <= 0.1 * max_sag_m
}

/// Widest circle whose arcs are drawn by [`step_keeps_the_sag`] without checking, metres.
const MAX_UNCHECKED_RADIUS_M: f64 = 100_000.0;

fn refine_arc(
    at: &impl Fn(f64) -> Coord,
    a: (f64, Coord),
    b: (f64, Coord),
    max_sag_m: f64,
    depth: u32,
    out: &mut Vec<Coord>,
) {
    if depth < MAX_DEPTH {
        let az = 0.5 * (a.0 + b.0);
        let m = at(az);
        if geodesic::small_gap_m(mid(a.1, b.1), m) > max_sag_m {
            refine_arc(at, a, (az, m), max_sag_m, depth + 1, out);
            refine_arc(at, (az, m), b, max_sag_m, depth + 1, out);
            return;
        }
    }
    out.push(b.1);
}

/// A wedge of the disc around `centre`: centre, `first`, the arc between, `last`.
fn wedge(
    centre: Coord,
    radius_m: f64,
    (from_deg, first): (f64, Coord),
    (to_deg, last): (f64, Coord),
    max_sag_m: f64,
) -> Vec<[f64; 2]> {
    let mut ring = vec![xy(centre), xy(first)];
    ring.extend(
        arc(centre, radius_m, from_deg, to_deg, max_sag_m)
            .into_iter()
            .map(xy),
    );
    ring.push(xy(last));
    ring
}

/// Points strictly between `from` and `to` along the geodesic joining them, with the middle of
/// every chord (straight in longitude/latitude) within `max_sag_m` of it.
///
/// For the edges at the road's ends that run off the road (a flat cap's line, a round cap's
/// axis between the halves): they are not at the width, so nothing else keeps them on their
/// geodesic, and a straight line in longitude/latitude strays from it by about
/// `length² tan(lat) / 8R` (a metre for 6 km at 35°, hundreds of metres near a pole).
fn geodesic_points(from: Coord, to: Coord, max_sag_m: f64) -> Vec<Coord> {
    let inv = geodesic::inverse(from, to);
    let at = |s: f64| geodesic::direct(from, inv.azimuth1_deg, s).0;
    let mut out = Vec::new();
    refine_arc(
        &at,
        (0.0, from),
        (inv.distance_m, to),
        max_sag_m,
        0,
        &mut out,
    );
    out.pop(); // `to` itself, which the caller owns
    out
}

/// The points along a round cap's axis from the road's end `centre` out to the ends of the
/// left and right quarter discs (both on the same geodesic), each list without its ends. The
/// shorter one is the start of the longer one, vertex for vertex, so that the quarters share
/// their edge exactly (drawn apart, they would leave a sliver reaching to the road's end).
pub(crate) fn axis_points(
    centre: Coord,
    (wl, end_l): (f64, Coord),
    (wr, end_r): (f64, Coord),
    max_sag_m: f64,
) -> (Vec<Coord>, Vec<Coord>) {
    let extend = |near: &Vec<Coord>, near_end: Coord, far_end: Coord| {
        let mut far = near.clone();
        far.push(near_end);
        far.extend(geodesic_points(near_end, far_end, max_sag_m));
        far
    };
    if wl == wr {
        let points = geodesic_points(centre, end_l, max_sag_m);
        (points.clone(), points)
    } else if wl < wr {
        let left = geodesic_points(centre, end_l, max_sag_m);
        let right = extend(&left, end_l, end_r);
        (left, right)
    } else {
        let right = geodesic_points(centre, end_r, max_sag_m);
        let left = extend(&right, end_r, end_l);
        (left, right)
    }
}

/// Draws a round cap's quarter disc (a [`wedge`]: centre, first, arc, last) with its radii
/// along their geodesics: the points `out` from the centre to the first vertex go in after the
/// centre, the points `back` from the centre to the last vertex (listed outwards) at the end.
fn add_radii(ring: &mut Vec<[f64; 2]>, out: &[Coord], back: &[Coord]) {
    ring.splice(1..1, out.iter().copied().map(xy));
    ring.extend(back.iter().rev().copied().map(xy));
}

/// The wedge on the outside of the corner at vertex `v`, between the segment arriving with
/// azimuth `az_in` (its last sample `end`) and the one leaving with `az_out` (first sample
/// `first`). The inside of a corner needs nothing: the two strips overlap there.
fn corner(
    out: &mut Pieces,
    (v, chainage_m): (Coord, f64),
    (az_in, end): (f64, Sample),
    (az_out, first): (f64, Sample),
    options: &CorridorOptions,
) {
    let max_sag_m = SAG_SHARE * options.tolerance_m;
    let turn = geodesic::normalize_deg(az_out - az_in);
    if turn > 1e-9 {
        // Right turn: the left side is the outside of the corner.
        let ring = wedge(
            v,
            options.width_left_m,
            (az_in - 90.0 + turn, first.left),
            (az_in - 90.0, end.left),
            max_sag_m,
        );
        out.mark_wedge(&ring, true, chainage_m);
        out.left.push(ring);
    } else if turn < -1e-9 {
        let ring = wedge(
            v,
            options.width_right_m,
            (az_in + 90.0, end.right),
            (az_in + 90.0 + turn, first.right),
            max_sag_m,
        );
        out.mark_wedge(&ring, false, chainage_m);
        out.right.push(ring);
    }
}

/// The corner wedge at `v` as the filter decided it, in `cuts.len()` parts of equal sweep
/// (see `hidden`): each part that stays is drawn whole or as its outer band, sharing its
/// radii exactly with its neighbours (and with the strips: the radii at the ends are the
/// strips' own offset points, worked out from the same azimuths).
fn corner_parts(
    out: &mut Pieces,
    (v, chainage_m): (Coord, f64),
    (az_in, az_out): (f64, f64),
    options: &CorridorOptions,
    cuts: &[Cut],
) {
    if cuts.is_empty() || cuts.iter().all(|c| *c == Cut::Drop) {
        return;
    }
    let max_sag_m = SAG_SHARE * options.tolerance_m;
    let turn = geodesic::normalize_deg(az_out - az_in);
    // The wedge runs from azimuth `hi` down to `lo`; the azimuths its end radii are drawn
    // along are the ones `Sampler::sample` uses for the strips' offset points.
    let (left, width_m, (lo, lo_exact), (hi, hi_exact)) = if turn > 1e-9 {
        let lo = az_in - 90.0;
        (
            true,
            options.width_left_m,
            (lo, lo),
            (lo + turn, az_out - 90.0),
        )
    } else if turn < -1e-9 {
        let hi = az_in + 90.0;
        (
            false,
            options.width_right_m,
            (hi + turn, az_out + 90.0),
            (hi, hi),
        )
    } else {
        return;
    };
    let parts = cuts.len();
    let step = (hi - lo) / parts as f64;
    let point = |k: usize| -> (f64, Coord) {
        let az = lo + step * k as f64;
        let exact = if k == 0 {
            lo_exact
        } else if k == parts {
            hi_exact
        } else {
            az
        };
        (az, geodesic::direct(v, exact, width_m).0)
    };
    let mut to: Option<(f64, Coord)> = None;
    for (k, &cut) in cuts.iter().enumerate() {
        if cut == Cut::Drop {
            to = None;
            continue;
        }
        let from = point(k + 1);
        let ring = wedge(v, width_m, from, to.unwrap_or_else(|| point(k)), max_sag_m);
        out.mark_wedge(&ring, left, chainage_m);
        out.push(left, outer_wedge(ring, cut, step.abs()));
        to = Some(from);
    }
}

/// The point a fraction `lambda` of the way from `from` to `to`, straight in
/// longitude/latitude: on the edge between them as drawn, so that the two parts of a cut piece
/// tile it exactly.
fn lerp(from: [f64; 2], to: [f64; 2], lambda: f64) -> [f64; 2] {
    [
        from[0] + lambda * (to[0] - from[0]),
        from[1] + lambda * (to[1] - from[1]),
    ]
}

/// The part of a corner wedge (centre, then its arc) beyond a fraction of its radius (see
/// [`Cut::Outer`]): the arc, then back along cut points on the lines from the centre to some
/// of the arc's vertices, close enough together that the band stays about as thin as cut.
fn outer_wedge(ring: Vec<[f64; 2]>, cut: Cut, sweep_deg: f64) -> Vec<[f64; 2]> {
    let Cut::Outer(lambda) = cut else {
        return ring;
    };
    let centre = ring[0];
    let arc = &ring[1..];
    // A chord of the inner circle spanning φ bulges inwards by λr(1 − cos(φ/2)); keep that
    // under the band's thickness.
    let thickness = (1.0 - lambda) / lambda.max(1e-9);
    let span_rad = 2.0 * (2.0 * thickness).sqrt();
    let step_rad = (sweep_deg.to_radians() / (arc.len().max(2) - 1) as f64).max(1e-12);
    let stride = ((span_rad / step_rad) as usize).clamp(1, arc.len());
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(arc.len() * 2 / stride + 4);
    out.push(lerp(centre, arc[0], lambda));
    out.extend_from_slice(arc);
    let last = arc.len() - 1;
    out.push(lerp(centre, arc[last], lambda));
    let mut k = last - last % stride;
    if k == last {
        k = k.saturating_sub(stride);
    }
    while k > 0 {
        out.push(lerp(centre, arc[k], lambda));
        k = k.saturating_sub(stride);
    }
    out
}

/// One side's offset curve of `road`, as one line instead of pieces: the offset of every
/// segment, joined on the outside of each corner by the corner wedge's arc and on the inside
/// through the corner vertex itself, or where the two offset edges cross.
///
/// Closed with the road (and the caps), it bounds a ring whose winding number at any point is
/// the number of that side's pieces holding it: the pieces' rings and this ring have the same
/// edges once the radii shared by a strip and its wedge cancel, which is why the inside of a
/// corner goes back to the vertex (as GEOS's offset curves do). So the union with a positive
/// fill rule is that side's union of pieces, from about a third of the edges. Where the two
/// offset edges at an inside corner cross, and each strip holds the other's offset point at
/// the corner, the curve is cut short at the crossing instead: that drops a loop round a
/// quadrilateral which both strips cover, so every point keeps a winding of at least one, and
/// the 6 km radii that cross their neighbours go.
#[derive(Debug, Default)]
pub(crate) struct Curve {
    /// In the road's direction of travel.
    pub points: Vec<[f64; 2]>,
    /// The vertices at the width, with the chainage (metres) of the road point each was offset
    /// from (where two offset edges cross, the corner's).
    pub offsets: Vec<([f64; 2], f64)>,
    /// The corner vertices the curve goes back to.
    pub corners: Vec<[f64; 2]>,
}

/// Whether `p` lies in (or on) `ring`, a convex polygon counter-clockwise in
/// longitude/latitude as the pieces are drawn; `false` for any other ring.
fn in_convex(ring: &[[f64; 2]; 4], p: [f64; 2]) -> bool {
    let c = |q: [f64; 2]| Coord { x: q[0], y: q[1] };
    let left_of = |k: usize, q: [f64; 2]| {
        let (a, b) = (ring[k], ring[(k + 1) % 4]);
        RobustKernel::orient2d(c(a), c(b), c(q)) != Orientation::Clockwise
    };
    (0..4).all(|k| left_of(k, ring[(k + 2) % 4]) && left_of(k, p))
}

/// Where the segments `a`–`b` and `c`–`d` cross, if they do (at a point of both).
fn crossing(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> Option<[f64; 2]> {
    let to = |p: [f64; 2]| Coord { x: p[0], y: p[1] };
    match line_intersection(Line::new(to(a), to(b)), Line::new(to(c), to(d)))? {
        LineIntersection::SinglePoint { intersection, .. } => Some(xy(intersection)),
        LineIntersection::Collinear { .. } => None,
    }
}

/// The offset curve of `road` on `side` at `width_m` (see [`Curve`]), its chords within the
/// sag `tolerance_m` allows; `chainage_m` gives each vertex's chainage for the marks.
pub(crate) fn curve(
    road: &Road,
    side: Side,
    width_m: f64,
    tolerance_m: f64,
    chainage_m: &[f64],
) -> Curve {
    let max_sag_m = SAG_SHARE * tolerance_m;
    let options = CorridorOptions {
        width_left_m: width_m,
        width_right_m: width_m,
        cap: Cap::Round,
        tolerance_m,
    };
    let coords = road.coords();
    let segments = road.segments();
    let left = side == Side::Left;
    let pick = |s: &Sample| xy(if left { s.left } else { s.right });
    // A strip drawn from two samples, counter-clockwise as `build` draws it.
    let strip = |a: &Sample, b: &Sample| {
        if left {
            [xy(a.road), xy(b.road), pick(b), pick(a)]
        } else {
            [pick(a), pick(b), xy(b.road), xy(a.road)]
        }
    };
    // The geodesic work, segment by segment on every core: each segment's samples and, at its
    // first vertex, the arc round the outside of the corner (empty on the inside).
    let solved: Vec<(Vec<Sample>, Vec<Coord>)> = segments
        .par_iter()
        .enumerate()
        .map(|(i, seg)| {
            let (a, b) = (coords[i], coords[i + 1]);
            let sampler = Sampler {
                start: a,
                azimuth_start_deg: seg.azimuth_start_deg,
                options: &options,
                max_sag_m,
                only: Some(side),
            };
            let first = sampler.sample(0.0, Some((a, seg.azimuth_start_deg)));
            let last = sampler.sample(seg.length_m, Some((b, seg.azimuth_end_deg)));
            let mut samples = vec![first];
            let max_lat = a.y.abs().max(b.y.abs()) + width_m / 100_000.0;
            let chord_m = 1.1 * seg.length_m * (1.0 + width_m / MIN_RADIUS_M);
            if chord_sag_bound_m(chord_m, width_m, max_lat) <= max_sag_m {
                samples.push(last);
            } else {
                sampler.refine(first, last, 0, &mut samples);
            }
            let mut arc_points = Vec::new();
            if i > 0 {
                let az_in = segments[i - 1].azimuth_end_deg;
                let turn = geodesic::normalize_deg(seg.azimuth_start_deg - az_in);
                // The corner wedge's arc (as `corner` draws it), in the direction of travel.
                if left && turn > 1e-9 {
                    arc_points = arc(a, width_m, az_in - 90.0 + turn, az_in - 90.0, max_sag_m);
                    arc_points.reverse();
                } else if !left && turn < -1e-9 {
                    arc_points = arc(a, width_m, az_in + 90.0, az_in + 90.0 + turn, max_sag_m);
                }
            }
            (samples, arc_points)
        })
        .collect();
    let mut out = Curve::default();
    // The previous segment's strip where it has two samples only.
    let mut prev: Option<Option<[[f64; 2]; 4]>> = None;
    for (i, (seg, (samples, arc_points))) in segments.iter().zip(&solved).enumerate() {
        let a = coords[i];
        let this_strip = (samples.len() == 2).then(|| strip(&samples[0], &samples[1]));
        let mut skip_first = false;
        if let Some(prev_strip) = prev {
            let az_in = segments[i - 1].azimuth_end_deg;
            let turn = geodesic::normalize_deg(seg.azimuth_start_deg - az_in);
            let convex = if left { turn > 1e-9 } else { turn < -1e-9 };
            let end = out.points.last().copied();
            if convex {
                out.offsets
                    .extend(arc_points.iter().map(|&p| (xy(p), chainage_m[i])));
                out.points.extend(arc_points.iter().map(|&p| xy(p)));
            } else if end != Some(pick(&samples[0])) {
                let n = out.points.len();
                let cut = match (prev_strip, this_strip, end) {
                    (Some(before), Some(after), Some(p1)) if n >= 2 => {
                        let p2 = pick(&samples[0]);
                        let crossed = crossing(out.points[n - 2], p1, p2, pick(&samples[1]));
                        crossed.filter(|_| in_convex(&before, p2) && in_convex(&after, p1))
                    }
                    _ => None,
                };
                match cut {
                    Some(x) => {
                        out.points[n - 1] = x;
                        out.offsets.push((x, chainage_m[i]));
                        skip_first = true;
                    }
                    None => {
                        out.points.push(xy(a));
                        out.corners.push(xy(a));
                    }
                }
            }
        }
        let along = chainage_m[i + 1] - chainage_m[i];
        for s in samples.iter().skip(usize::from(skip_first)) {
            let p = pick(s);
            let share = if seg.length_m > 0.0 {
                s.along_m / seg.length_m
            } else {
                0.0
            };
            out.offsets.push((p, chainage_m[i] + share * along));
            out.points.push(p);
        }
        prev = Some(this_strip);
    }
    out
}

/// How a build ends its pieces at the road's two ends (zones cut a line into sections whose
/// inner ends are flat whatever the zone's caps).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ends<'a> {
    pub start: Cap,
    pub end: Cap,
    /// Flat caps drawn along the geodesic normal instead of as one chord; `None` keeps the
    /// corridor's chord.
    pub normal: Option<NormalCut<'a>>,
    /// The azimuth the line leaves the end with when another section goes on from there: a
    /// flat end then also takes the corner wedge on the outside of that turn, its edge along
    /// the next section's normal, so that two sections meeting at a corner leave no notch.
    pub next_azimuth_deg: Option<f64>,
}

/// Where a flat cap along the normal gets its vertices: every `step_m` metres from the road and
/// at each of `extra_m` (below the width). Two builds given the same cut draw the same
/// vertices on a shared normal, so a band's inner and outer caps, or two stretches meeting at a
/// step, share their edges exactly instead of leaving slivers between two chords.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NormalCut<'a> {
    pub step_m: f64,
    pub extra_m: &'a [f64],
}

impl NormalCut<'_> {
    /// The distances of the cap's inner vertices, ascending, strictly between 0 and `width_m`.
    fn distances_m(&self, width_m: f64) -> Vec<f64> {
        let mut out: Vec<f64> = self
            .extra_m
            .iter()
            .copied()
            .filter(|&d| d > 0.0 && d < width_m)
            .collect();
        let mut k = 1.0;
        while k * self.step_m < width_m {
            out.push(k * self.step_m);
            k += 1.0;
        }
        out.sort_by(f64::total_cmp);
        out.dedup();
        out
    }

    /// The cap's inner vertices from `at` along `azimuth_deg`, ascending from the road.
    fn points(&self, at: Coord, azimuth_deg: f64, width_m: f64) -> Vec<[f64; 2]> {
        self.distances_m(width_m)
            .into_iter()
            .map(|d| xy(geodesic::direct(at, azimuth_deg, d).0))
            .collect()
    }
}

/// Builds every piece of the corridor of `road`.
pub(crate) fn pieces(road: &Road, options: &CorridorOptions) -> Pieces {
    let ends = Ends {
        start: options.cap,
        end: options.cap,
        normal: None,
        next_azimuth_deg: None,
    };
    pieces_with(road, options, &ends)
}

/// Builds the pieces of the corridor of `road` as `filter` decided: left out, whole, or only
/// their outer part (see `hidden`).
pub(crate) fn pieces_filtered(road: &Road, options: &CorridorOptions, filter: &Filter) -> Pieces {
    let ends = Ends {
        start: options.cap,
        end: options.cap,
        normal: None,
        next_azimuth_deg: None,
    };
    let mut out = build(road, options, &ends, Some(filter));
    // The halves are cut along the road, so every road vertex may be on their boundary.
    out.on_road.extend(road.coords().iter().copied().map(xy));
    out
}

/// Builds every piece of the corridor of `road`, with the ends as `ends` says (`options.cap`
/// is not read).
pub(crate) fn pieces_with(road: &Road, options: &CorridorOptions, ends: &Ends) -> Pieces {
    build(road, options, ends, None)
}

fn build(road: &Road, options: &CorridorOptions, ends: &Ends, filter: Option<&Filter>) -> Pieces {
    let max_sag_m = SAG_SHARE * options.tolerance_m;
    let (wl, wr) = (options.width_left_m, options.width_right_m);
    let coords = road.coords();
    let segments = road.segments();
    let chainages = road.vertex_chainages_m();
    let mut out = Pieces::default();
    // Offset points at the ends of the previous segment, for the corner wedges.
    let mut prev_end: Option<Sample> = None;
    let mut prev_azimuth_end = 0.0;
    let mut samples = Vec::new();
    let lat_pad_deg = wl.max(wr) / 100_000.0;
    // A road that ends where it starts is a ring: its ends join like any corner, with no caps.
    let closed = coords.len() > 3 && coords[0] == coords[coords.len() - 1];
    let mut first_of_road: Option<Sample> = None;
    // The last segment's normals at the road's end, for the end cap.
    let mut end_normals: [Vec<Coord>; 2] = Default::default();

    for (i, seg) in segments.iter().enumerate() {
        let a = coords[i];
        let b = coords[i + 1];
        // Filtered, each part of a corner wedge is drawn (its radii from scratch) only if it
        // stays, and a segment whose strips both go is not sampled at all.
        let [cut_l, cut_r] = filter.map_or([Cut::Whole; 2], |f| f.strips[i]);
        if let (Some(f), true) = (filter, i > 0) {
            corner_parts(
                &mut out,
                (a, chainages[i]),
                (prev_azimuth_end, seg.azimuth_start_deg),
                options,
                f.corner(i),
            );
        }
        if filter.is_some() && cut_l == Cut::Drop && cut_r == Cut::Drop {
            prev_azimuth_end = seg.azimuth_end_deg;
            continue;
        }
        let sampler = Sampler {
            start: a,
            azimuth_start_deg: seg.azimuth_start_deg,
            options,
            max_sag_m,
            only: None,
        };
        let first = sampler.sample(0.0, Some((a, seg.azimuth_start_deg)));
        let last = sampler.sample(seg.length_m, Some((b, seg.azimuth_end_deg)));
        samples.clear();
        samples.push(first);
        let max_lat = a.y.abs().max(b.y.abs()) + lat_pad_deg;
        // The offset chords can be longer than the segment on the outside of a bend of the
        // geodesic's own; the 10 % and the width term cover it.
        let chord_m = 1.1 * seg.length_m * (1.0 + wl.max(wr) / MIN_RADIUS_M);
        if chord_sag_bound_m(chord_m, wl.max(wr), max_lat) <= max_sag_m {
            samples.push(last);
        } else {
            sampler.refine(first, last, 0, &mut samples);
        }

        // Refined strips are not cut: the filter reckoned with a strip's two ends only (it
        // passes only segments far too short to be refined).
        let (cut_l, cut_r) = if samples.len() == 2 {
            (cut_l, cut_r)
        } else {
            (Cut::Whole, Cut::Whole)
        };
        out.on_road.extend(samples.iter().map(|s| xy(s.road)));
        if cut_l != Cut::Drop {
            out.offset_left.extend(
                samples
                    .iter()
                    .map(|s| (xy(s.left), chainages[i] + s.along_m)),
            );
        }
        if cut_r != Cut::Drop {
            out.offset_right.extend(
                samples
                    .iter()
                    .map(|s| (xy(s.right), chainages[i] + s.along_m)),
            );
        }
        // Flat caps along the normal: at the start the rings close from the offset back to
        // the road, at the end they run from the road out to the offset.
        let normal = |at_end: bool| {
            let (cap, at, az) = if at_end {
                (ends.end, b, seg.azimuth_end_deg)
            } else {
                (ends.start, a, seg.azimuth_start_deg)
            };
            let last = if at_end { segments.len() - 1 } else { 0 };
            match ends.normal {
                Some(cut) if cap == Cap::Flat && !closed && i == last => {
                    Some((cut.points(at, az - 90.0, wl), cut.points(at, az + 90.0, wr)))
                }
                _ => None,
            }
        };
        let (start_cut, end_cut) = (normal(false), normal(true));
        // At the road's ends the normals are cap edges (flat) or meet a cap's radii (round):
        // drawn along their geodesics there, the same points as the caps'.
        let cap_normals = |sample: &Sample, at_end: bool| -> [Vec<Coord>; 2] {
            if at_end && !closed {
                [
                    geodesic_points(sample.road, sample.left, max_sag_m),
                    geodesic_points(sample.road, sample.right, max_sag_m),
                ]
            } else {
                [Vec::new(), Vec::new()]
            }
        };
        // A zone's flat cut along the normal (with a point at each of its widths) where it has
        // one; otherwise the normal's own geodesic points.
        let coords_of = |v: &[[f64; 2]]| -> Vec<Coord> {
            v.iter().map(|p| Coord { x: p[0], y: p[1] }).collect()
        };
        let [start_l, start_r] = match &start_cut {
            Some((l, r)) => [coords_of(l), coords_of(r)],
            None => cap_normals(&first, i == 0),
        };
        let [end_l, end_r] = match &end_cut {
            Some((l, r)) => [coords_of(l), coords_of(r)],
            None => cap_normals(&last, i + 1 == segments.len()),
        };
        out.off_limit_left
            .extend(start_l.iter().chain(&end_l).copied().map(xy));
        out.off_limit_right
            .extend(start_r.iter().chain(&end_r).copied().map(xy));
        // A cut strip runs from its cut points (on its radial edges) out, instead of from the
        // road; the first and last strips, which carry the caps, are never cut.
        let inner = |s: &Sample, offset: Coord, cut: Cut| match cut {
            Cut::Outer(lambda) => lerp(xy(s.road), xy(offset), lambda),
            _ => xy(s.road),
        };
        if cut_l != Cut::Drop {
            let mut left: Vec<[f64; 2]> = samples.iter().map(|s| inner(s, s.left, cut_l)).collect();
            left.extend(end_l.iter().copied().map(xy));
            left.extend(samples.iter().rev().map(|s| xy(s.left)));
            left.extend(start_l.iter().rev().copied().map(xy));
            out.left.push(left);
        }
        if cut_r != Cut::Drop {
            let mut right: Vec<[f64; 2]> = samples.iter().map(|s| xy(s.right)).collect();
            right.extend(end_r.iter().rev().copied().map(xy));
            right.extend(samples.iter().rev().map(|s| inner(s, s.right, cut_r)));
            right.extend(start_r.iter().copied().map(xy));
            out.right.push(right);
        }
        if i + 1 == segments.len() {
            end_normals = [end_l, end_r];
        }

        match prev_end {
            None => {
                first_of_road = Some(first);
                if ends.start == Cap::Round && !closed {
                    let az = seg.azimuth_start_deg;
                    let behind_l = geodesic::direct(a, az - 180.0, wl).0;
                    let behind_r = geodesic::direct(a, az - 180.0, wr).0;
                    let mut left = wedge(
                        a,
                        wl,
                        (az - 90.0, first.left),
                        (az - 180.0, behind_l),
                        max_sag_m,
                    );
                    let mut right = wedge(
                        a,
                        wr,
                        (az - 180.0, behind_r),
                        (az - 270.0, first.right),
                        max_sag_m,
                    );
                    // Marked before the radii go in: the points along the axis and the
                    // normals are not at the quarter's width.
                    out.mark_wedge(&left, true, 0.0);
                    out.mark_wedge(&right, false, 0.0);
                    let (axis_l, axis_r) =
                        axis_points(a, (wl, behind_l), (wr, behind_r), max_sag_m);
                    add_radii(&mut left, &start_l, &axis_l);
                    add_radii(&mut right, &axis_r, &start_r);
                    out.off_limit_left.extend(axis_l.iter().copied().map(xy));
                    out.off_limit_right.extend(axis_r.iter().copied().map(xy));
                    out.left.push(left);
                    out.right.push(right);
                } else if !closed {
                    out.cap_corners.extend([xy(first.left), xy(first.right)]);
                }
            }
            Some(_) if filter.is_some() => {}
            Some(end) => corner(
                &mut out,
                (a, chainages[i]),
                (prev_azimuth_end, end),
                (seg.azimuth_start_deg, first),
                options,
            ),
        }
        prev_end = Some(last);
        prev_azimuth_end = seg.azimuth_end_deg;
    }

    if let (true, Some(end), Some(first)) = (closed, prev_end, first_of_road) {
        corner(
            &mut out,
            (coords[0], 0.0),
            (prev_azimuth_end, end),
            (segments[0].azimuth_start_deg, first),
            options,
        );
    } else if let (Cap::Round, Some(end)) = (ends.end, prev_end) {
        let v = end.road;
        let az = prev_azimuth_end;
        let ahead_l = geodesic::direct(v, az, wl).0;
        let ahead_r = geodesic::direct(v, az, wr).0;
        let mut left = wedge(v, wl, (az, ahead_l), (az - 90.0, end.left), max_sag_m);
        let mut right = wedge(v, wr, (az + 90.0, end.right), (az, ahead_r), max_sag_m);
        let length_m = road.length_m();
        out.mark_wedge(&left, true, length_m);
        out.mark_wedge(&right, false, length_m);
        let (axis_l, axis_r) = axis_points(v, (wl, ahead_l), (wr, ahead_r), max_sag_m);
        add_radii(&mut left, &axis_l, &end_normals[0]);
        add_radii(&mut right, &end_normals[1], &axis_r);
        out.off_limit_left.extend(axis_l.iter().copied().map(xy));
        out.off_limit_right.extend(axis_r.iter().copied().map(xy));
        out.left.push(left);
        out.right.push(right);
    } else if let Some(end) = prev_end {
        out.cap_corners.extend([xy(end.left), xy(end.right)]);
        if let (Cap::Flat, Some(az_next)) = (ends.end, ends.next_azimuth_deg) {
            end_corner(
                &mut out,
                end,
                (prev_azimuth_end, az_next),
                road.length_m(),
                options,
                ends,
            );
        }
    }
    out
}

/// The wedge on the outside of the turn where this section ends and the next one goes on (see
/// [`Ends::next_azimuth_deg`]), its edge along the next section's normal cut as the next
/// section's cap is.
fn end_corner(
    out: &mut Pieces,
    end: Sample,
    (az_in, az_next): (f64, f64),
    length_m: f64,
    options: &CorridorOptions,
    ends: &Ends,
) {
    let v = end.road;
    let (wl, wr) = (options.width_left_m, options.width_right_m);
    let next = Sample {
        along_m: 0.0,
        road: v,
        left: geodesic::direct(v, az_next - 90.0, wl).0,
        right: geodesic::direct(v, az_next + 90.0, wr).0,
    };
    let turn = geodesic::normalize_deg(az_next - az_in);
    let (left_before, right_before) = (out.left.len(), out.right.len());
    corner(out, (v, length_m), (az_in, end), (az_next, next), options);
    let Some(cut) = ends.normal else {
        return;
    };
    // Both radii are cut as the caps they meet: this section's along `az_in`, the next one's
    // along `az_next` (a chord beside a cut normal would leave a sliver between them). The
    // wedge's rings are [v, first, arc, last]: on the left `first` is on the next normal and
    // `last` on this one, on the right the other way round.
    if turn > 0.0 && out.left.len() > left_before {
        if let Some(ring) = out.left.last_mut() {
            ring.extend(cut.points(v, az_in - 90.0, wl).into_iter().rev());
            ring.splice(1..1, cut.points(v, az_next - 90.0, wl));
        }
    } else if let (true, Some(ring)) = (
        turn < 0.0 && out.right.len() > right_before,
        out.right.last_mut(),
    ) {
        ring.extend(cut.points(v, az_next + 90.0, wr).into_iter().rev());
        ring.splice(1..1, cut.points(v, az_in + 90.0, wr));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    fn signed_area(ring: &[[f64; 2]]) -> f64 {
        let n = ring.len();
        (0..n)
            .map(|i| {
                let (p, q) = (ring[i], ring[(i + 1) % n]);
                p[0] * q[1] - q[0] * p[1]
            })
            .sum::<f64>()
            * 0.5
    }

    /// The winding number of the closed ring `ring` round `p` (crossings of the horizontal ray
    /// to the right of `p`, up +1 and down −1).
    fn winding(ring: &[[f64; 2]], p: [f64; 2]) -> i32 {
        let n = ring.len();
        let mut w = 0;
        for k in 0..n {
            let (a, b) = (ring[k], ring[(k + 1) % n]);
            let cross = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
            if a[1] <= p[1] && b[1] > p[1] && cross > 0.0 {
                w += 1;
            } else if a[1] > p[1] && b[1] <= p[1] && cross < 0.0 {
                w -= 1;
            }
        }
        w
    }

    /// The offset curve closed with the road bounds, by positive winding, exactly what the
    /// strips and corner wedges of one side cover: checked point by point, with winding
    /// numbers counted directly and the pieces' insides by geo's point-in-polygon, on a line
    /// of 50 m steps whose heading wanders (outside corners with arcs, inside corners cut where
    /// the offset edges cross and closed through the vertex where they do not).
    #[test]
    fn the_offset_curve_winds_round_what_the_pieces_cover() {
        use geo::{Contains, LineString, Point, Polygon};
        let mut rng = crate::test_rng::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.next_f64();
        let mut heading: f64 = 80.0;
        let mut p = Coord { x: 36.5, y: 35.8 };
        let mut coords = vec![p];
        for _ in 0..300 {
            heading += (next() * 2.0 - 1.0) * 4.0;
            p = geodesic::direct(p, heading, 50.0).0;
            coords.push(p);
        }
        let road = Road::from_checked(coords).unwrap();
        let width_m = 2_000.0;
        let options = CorridorOptions::symmetric(width_m).unwrap();
        let ends = Ends {
            start: Cap::Flat,
            end: Cap::Flat,
            normal: None,
            next_azimuth_deg: None,
        };
        let pieces = pieces_with(&road, &options, &ends);
        let (mut trimmed, mut closed) = (0, 0);
        for side in [Side::Left, Side::Right] {
            let curve = curve(&road, side, width_m, 0.5, road.vertex_chainages_m());
            closed += curve.corners.len();
            // Each cut corner drops a sample and adds its crossing to the marks.
            trimmed += curve.offsets.len() + curve.corners.len() - curve.points.len();
            let mut ring: Vec<[f64; 2]> = road.coords().iter().map(|&c| xy(c)).collect();
            match side {
                Side::Left => ring.extend(curve.points.iter().rev()),
                Side::Right => {
                    ring.reverse();
                    ring.extend(curve.points.iter());
                }
            }
            let polygons: Vec<Polygon> = match side {
                Side::Left => &pieces.left,
                Side::Right => &pieces.right,
            }
            .iter()
            .map(|r| {
                let line: Vec<Coord> = r.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
                Polygon::new(LineString::from(line), Vec::new())
            })
            .collect();
            let (x0, x1, y0, y1) = ring.iter().fold(
                (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
                |(a, b, c, d), p| (a.min(p[0]), b.max(p[0]), c.min(p[1]), d.max(p[1])),
            );
            let mut inside = 0;
            for _ in 0..20_000 {
                let q = [x0 + next() * (x1 - x0), y0 + next() * (y1 - y0)];
                let by_winding = winding(&ring, q) > 0;
                let by_pieces = polygons
                    .iter()
                    .any(|poly| poly.contains(&Point::new(q[0], q[1])));
                assert_eq!(by_winding, by_pieces, "{side:?} at {q:?}");
                inside += usize::from(by_pieces);
            }
            assert!(inside > 3_000, "{side:?}: {inside} points inside");
        }
        // Both ways of joining an inside corner were taken.
        // Both ways of joining an inside corner were taken.
        assert!(
            trimmed > 20 && closed > 20,
            "{trimmed} cut, {closed} closed"
        );
    }

    #[test]
    fn every_piece_runs_counter_clockwise() {
        let road = Road::new(line_string![
            (x: 36.0, y: 35.8), (x: 36.1, y: 35.9), (x: 36.2, y: 35.8), (x: 36.1, y: 35.75)
        ])
        .unwrap();
        for cap in [Cap::Flat, Cap::Round] {
            let options = CorridorOptions::new(6_000.0, 4_000.0).unwrap().cap(cap);
            let p = pieces(&road, &options);
            for ring in p.left.iter().chain(&p.right) {
                assert!(signed_area(ring) > 0.0, "{ring:?}");
            }
        }
    }

    #[test]
    fn arcs_respect_the_sag() {
        let c = Coord { x: 36.0, y: 35.8 };
        let pts = arc(c, 6_000.0, 90.0, -90.0, 0.2);
        assert!(pts.len() > 50);
        for p in &pts {
            assert!((geodesic::distance_m(c, *p) - 6_000.0).abs() < 1e-6);
        }
    }

    /// Every chord of an arc, checked against the circle itself sampled densely between the
    /// chord's ends: the unchecked steps (mid latitudes, radii up to 100 km) and the checked ones
    /// (near a pole, wider) alike keep the sag.
    #[test]
    fn every_arc_chord_keeps_the_sag() {
        let mut unchecked = 0;
        for lat in [0.0, -35.8, 60.0, 79.0, 86.0] {
            for radius_m in [1.0_f64, 150.0, 6_000.0, 30_000.0, 99_000.0, 300_000.0] {
                for max_sag_m in [0.02_f64, 0.2, 2.0] {
                    let c = Coord { x: 179.9, y: lat };
                    let (from_deg, to_deg) = (100.0, -170.0);
                    let ratio = (1.0 - 0.8 * max_sag_m / radius_m).clamp(-1.0, 1.0);
                    let step = (2.0 * ratio.acos()).clamp(1e-6, 0.5 * std::f64::consts::PI);
                    unchecked += usize::from(step_keeps_the_sag(c, radius_m, step, max_sag_m));
                    let mut pts = vec![geodesic::direct(c, from_deg, radius_m).0];
                    pts.extend(arc(c, radius_m, from_deg, to_deg, max_sag_m));
                    pts.push(geodesic::direct(c, to_deg, radius_m).0);
                    let mut worst: f64 = 0.0;
                    for w in pts.windows(2) {
                        let az = |p: Coord| geodesic::inverse(c, p).azimuth1_deg;
                        let (a0, mut a1) = (az(w[0]), az(w[1]));
                        if a1 > a0 {
                            a1 -= 360.0;
                        }
                        // The circle between the chord's ends, against the chord in local
                        // metres round the circle's point.
                        for k in 1..16 {
                            let q =
                                geodesic::direct(c, a0 + (a1 - a0) * k as f64 / 16.0, radius_m).0;
                            let (my, mx) = geodesic::metres_per_degree(q.y);
                            let to_m = |p: Coord| ((p.x - q.x) * mx, (p.y - q.y) * my);
                            let ((x0, y0), (x1, y1)) = (to_m(w[0]), to_m(w[1]));
                            let (dx, dy) = (x1 - x0, y1 - y0);
                            let t = (-(x0 * dx + y0 * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
                            worst = worst.max((x0 + t * dx).hypot(y0 + t * dy));
                        }
                    }
                    assert!(
                        worst <= max_sag_m,
                        "lat {lat}, radius {radius_m} m, sag {max_sag_m} m: {worst} m"
                    );
                }
            }
        }
        assert!(unchecked >= 30, "{unchecked} circles drawn unchecked");
    }
}
