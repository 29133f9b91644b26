//! Which pieces can be left out of the union, decided before they are built.
//!
//! Along a noisy line (a GPS track logs metres of jitter; the simplification may only drop
//! vertices within a fifth of the tolerance) tens of thousands of segments stay, and their
//! strips and corner wedges, each reaching the full width, pile up over the same ground. Almost
//! none of them reach the boundary. Here each piece is tested against a *core*: the corridor,
//! with round caps and a slightly smaller width, of two lines through the road's own vertices,
//! the outer hulls of the leftmost and of the rightmost vertex of every short window.
//!
//! Why it is sound:
//! - The core lies strictly inside the corridor. A core line joins road vertices at most
//!   `4 × window` apart along the road (or runs along a road segment), so a point at `w_c` from
//!   it is within `√(w_c² + (L/2)²)` of a road vertex; `w_c` is chosen so that this, the core's
//!   own sag and the error of the plane used below stay under `w − 0.6 t`, inside every union of
//!   the road's pieces (whose offset edges sag by at most `0.4 t`). With flat caps the core
//!   lines keep more than twice the width clear of the road's ends, which the caps cut short.
//! - A piece goes only if every vertex of it lies within `r` of one core vertex `y`, where `r`
//!   is the core's width less its tolerance: the disc of radius `r` round `y` is inside the
//!   core's union (its boundary is at `w_c ± t_c` from the line), and a piece, drawn with
//!   straight edges in longitude/latitude, lies in the convex hull of its vertices, which the
//!   disc (convex there at these sizes) holds. Corner wedges are tested in parts of 2°.
//! - A piece that stays is cut at the largest fraction of the width at which its inner part
//!   (road points and the cut points on its radial edges) is still within `r` of one such
//!   vertex: only its outer part enters the union, and the core covers the rest. Outer parts
//!   are thin bands along the boundary, so they no longer cross each other by the million.
//!
//! So the union of the kept parts and the core is the union of all pieces, with the same
//! boundary (wedges tested in parts add vertices on their arcs). Distances are worked out in
//! each vertex's tangent plane, whose error is bounded by [`plane_error_m`] and taken off every
//! radius. The halves no longer follow from the pieces' sides; `Corridor::build` cuts the whole
//! along the road instead.

use geo::Coord;
use rayon::prelude::*;

use super::offset::chord_sag_bound_m;
use super::{Cap, CorridorOptions};
use crate::Road;
use crate::geodesic::{self, MIN_RADIUS_M, ecef_dot as dot, ecef_sub as sub};

/// What becomes of one piece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cut {
    /// Built and united as it is.
    Whole,
    /// Left out: the core covers it.
    Drop,
    /// Only the part beyond this fraction of the width (along its radial edges) is built.
    Outer(f64),
}

/// The fate of every piece of a road, and the core that covers what is left out.
#[derive(Debug)]
pub(crate) struct Filter {
    /// Per segment, the left and the right strip.
    pub strips: Vec<[Cut; 2]>,
    /// The parts of every corner wedge (on whichever side it is), each spanning an equal share
    /// of the turn (see [`sub_wedges`]); vertex `i`'s are `corners[corner_start[i]..corner_start[i + 1]]`.
    corners: Vec<Cut>,
    corner_start: Vec<usize>,
    /// The core lines, as roads: each run of the left and of the right line.
    pub core: Vec<Road>,
    /// The core's widths, caps (round) and tolerance.
    pub core_options: CorridorOptions,
}

/// Corner wedges are tested (and drawn) in parts of at most this many degrees: a part must
/// fit in one disc, a wide wedge points every way, and of a wedge at the tip of a noisy line
/// only a sliver of arc reaches the boundary (two such tips 30 m apart part within a degree).
const SUB_WEDGE_DEG: f64 = 2.0;

/// Parts of a wedge first tested together (a sweep of up to 16°, still well inside the
/// half-turn over which the dip bound holds).
const CORNER_BLOCK: usize = 8;

/// How many parts a wedge of this turn is tested in (none where there is no wedge).
fn sub_wedges(turn_deg: f64) -> usize {
    if turn_deg.abs() <= 1e-9 {
        0
    } else {
        (turn_deg.abs() / SUB_WEDGE_DEG).ceil().max(1.0) as usize
    }
}

impl Filter {
    /// The parts of the corner wedge at vertex `i`, in order of azimuth.
    pub(crate) fn corner(&self, i: usize) -> &[Cut] {
        &self.corners[self.corner_start[i]..self.corner_start[i + 1]]
    }
}

/// Share of the tolerance the core is drawn with: its edges never show, and a finer core
/// covers closer to the boundary.
const CORE_TOLERANCE_SHARE: f64 = 0.2;

/// Fewer segments than this are united as they are: the filter would not pay.
pub(crate) const MIN_SEGMENTS: usize = 1_000;

/// Widest corridor filtered, metres: beyond it the tangent plane is too coarse a model.
pub(crate) const MAX_WIDTH_M: f64 = 20_000.0;

/// Farthest from the equator filtered, degrees (the plane's error grows with tan(latitude)).
pub(crate) const MAX_LAT_DEG: f64 = 75.0;

/// The thinnest outer part kept, metres.
const MIN_OUTER_M: f64 = 0.5;

/// A bound on how far distances in a vertex's tangent plane (the far point placed at `ρ` along
/// the azimuth, the other point projected) differ from geodesic ones, for points up to
/// `reach_m` from the vertex: third order in the reach. Measured in the test below (0.1 mm at
/// 20 km, a thousandth of this, up to 75° of latitude).
pub(crate) fn plane_error_m(reach_m: f64) -> f64 {
    0.01 + reach_m.powi(3) / (MIN_RADIUS_M * MIN_RADIUS_M)
}

/// East and north unit vectors of the tangent plane at `c`, Earth-centred.
fn frame(c: Coord) -> [[f64; 3]; 2] {
    let (sl, cl) = c.x.to_radians().sin_cos();
    let (sp, cp) = c.y.to_radians().sin_cos();
    [[-sl, cl, 0.0], [-sp * cl, -sp * sl, cp]]
}

/// `q − p` in the tangent plane at `p` (east, north), metres.
fn plane(f: &[[f64; 3]; 2], p: [f64; 3], q: [f64; 3]) -> [f64; 2] {
    let d = sub(q, p);
    [dot(d, f[0]), dot(d, f[1])]
}

/// The unit vector of an azimuth in the tangent plane.
fn unit(azimuth_deg: f64) -> [f64; 2] {
    let (s, c) = azimuth_deg.to_radians().sin_cos();
    [s, c]
}

/// The largest `ρ` such that every point `ρ' u` with `0 ≤ ρ' ≤ ρ` is within `radius` of `y`
/// (all in one plane, from the origin): minus infinity when the origin itself is not.
fn reach(g: f64, d2: f64, radius: f64) -> f64 {
    // |ρu − y|² = ρ² − 2ρg + d²: within radius² from 0 up to the larger root.
    let disc = g * g - d2 + radius * radius;
    if d2 > radius * radius || disc < 0.0 {
        f64::NEG_INFINITY
    } else {
        g + disc.sqrt()
    }
}

/// The core line of one side: indices of the road's vertices, in runs.
struct Line {
    /// Road vertex indices of every core vertex, ascending.
    vertices: Vec<usize>,
    /// Chainage of each, metres.
    chainage_m: Vec<f64>,
}

impl Line {
    /// The core vertices whose chainage lies within `reach_m` of `chainage_m`.
    fn near(&self, chainage_m: f64, reach_m: f64) -> &[usize] {
        let lo = self
            .chainage_m
            .partition_point(|&c| c < chainage_m - reach_m);
        let hi = self
            .chainage_m
            .partition_point(|&c| c <= chainage_m + reach_m);
        &self.vertices[lo..hi]
    }
}

/// Decides the fate of every piece of `road`'s corridor, or `None` where the filter does not
/// apply (few segments, very wide corridors, high latitudes) or would leave nearly everything.
pub(crate) fn filter(road: &Road, options: &CorridorOptions) -> Option<Filter> {
    let coords = road.coords();
    let segments = road.segments();
    let n = coords.len();
    if segments.len() < MIN_SEGMENTS {
        return None;
    }
    let widths = [options.width_left_m, options.width_right_m];
    let w_max = widths[0].max(widths[1]);
    let t = options.tolerance_m;
    let max_lat = coords.iter().fold(0.0f64, |m, c| m.max(c.y.abs())) + w_max / 100_000.0;
    if w_max > MAX_WIDTH_M || max_lat > MAX_LAT_DEG {
        return None;
    }
    // Chords of up to 2 windows cost the core L²/8w of its width: 7.5 cm at any width.
    let window_m = (0.15 * w_max).sqrt();
    // Strips of segments longer than a window are always built, and the filter is kept only
    // where at least half of all strips go: a smooth road, its segments long once simplified,
    // is known not to pay before anything is worked out.
    let short = segments.iter().filter(|s| s.length_m <= window_m).count();
    if 2 * short < segments.len() {
        return None;
    }
    let chainage = road.vertex_chainages_m();
    let xyz: Vec<[f64; 3]> = coords.par_iter().map(|&c| geodesic::ecef_m(c)).collect();

    // Core vertices: the leftmost and rightmost of each window, every vertex beside a long
    // segment, none near the road's ends.
    let search_m = (80.0 * w_max).sqrt();
    let kappa = plane_error_m(w_max + search_m);
    let clear_m = 2.0 * w_max + 20.0 + 2.0 * window_m;
    let (first, last) = (xyz[0], xyz[n - 1]);
    let norm = |a: [f64; 3]| dot(a, a).sqrt();
    // Round caps cut nothing off: the core may run to the ends.
    let flat = options.cap == Cap::Flat;
    let eligible: Vec<bool> = xyz
        .par_iter()
        .map(|&p| !flat || (norm(sub(p, first)) > clear_m && norm(sub(p, last)) > clear_m))
        .collect();
    let mut picks: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut i = 0;
    while i < n {
        let k = (chainage[i] / window_m).floor();
        let mut j = i;
        while j < n && (chainage[j] / window_m).floor() == k {
            j += 1;
        }
        // The local direction of the road over a few windows round this one.
        let back = chainage.partition_point(|&c| c < chainage[i] - 4.0 * window_m);
        let ahead = chainage
            .partition_point(|&c| c <= chainage[j - 1] + 4.0 * window_m)
            .min(n - 1);
        let dir = sub(xyz[ahead], xyz[back.min(ahead)]);
        let up = xyz[i];
        let left = [
            up[1] * dir[2] - up[2] * dir[1],
            up[2] * dir[0] - up[0] * dir[2],
            up[0] * dir[1] - up[1] * dir[0],
        ];
        let mut best: [Option<(f64, usize)>; 2] = [None, None];
        for m in i..j {
            if !eligible[m] {
                continue;
            }
            let lateral = dot(xyz[m], left);
            for (side, sign) in [(0, 1.0), (1, -1.0)] {
                if best[side].is_none_or(|(b, _)| sign * lateral > b) {
                    best[side] = Some((sign * lateral, m));
                }
            }
        }
        for side in 0..2 {
            if let Some((_, m)) = best[side] {
                picks[side].push(m);
            }
        }
        i = j;
    }
    let mut forced = vec![false; n];
    for (s, seg) in segments.iter().enumerate() {
        if seg.length_m > window_m {
            for m in [s, s + 1] {
                if eligible[m] {
                    picks[0].push(m);
                    picks[1].push(m);
                    forced[m] = true;
                }
            }
        }
    }
    // A core line that zigzags from pick to pick crosses itself at every turn, thousands of
    // times over; its outer hull (within chords of `longest_chord_m`) turns little, and its
    // vertices are the best witnesses anyway.
    let longest_chord_m = 4.0 * window_m;
    // Runs of core vertices whose chords stay short (or are road segments).
    let mut core: Vec<Road> = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    let mut longest_m: f64 = 0.0;
    for side_picks in &mut picks {
        side_picks.sort_unstable();
        side_picks.dedup();
        let mut line = Line {
            vertices: Vec::new(),
            chainage_m: Vec::new(),
        };
        let mut run: Vec<usize> = Vec::new();
        let flush =
            |run: &mut Vec<usize>, line: &mut Line, core: &mut Vec<Road>, longest: &mut f64| {
                for w in run.windows(2) {
                    if w[1] > w[0] + 1 {
                        *longest = longest.max(chainage[w[1]] - chainage[w[0]]);
                    }
                }
                if run.len() >= 2
                    && let Ok(r) = Road::from_checked(run.iter().map(|&m| coords[m]).collect())
                {
                    line.chainage_m.extend(run.iter().map(|&m| chainage[m]));
                    line.vertices.append(run);
                    core.push(r);
                }
                run.clear();
            };
        // The left line drops vertices where it turns left (inwards), the right line where
        // it turns right.
        let inwards = if lines.is_empty() { 1.0 } else { -1.0 };
        for &m in side_picks.iter() {
            if let Some(&prev) = run.last()
                && m > prev + 1
                && chainage[m] - chainage[prev] > 2.0 * window_m
            {
                flush(&mut run, &mut line, &mut core, &mut longest_m);
            }
            while let [.., p0, p1] = run[..] {
                if forced[p1] || chainage[m] - chainage[p0] > longest_chord_m {
                    break;
                }
                let (a, b) = (sub(xyz[p1], xyz[p0]), sub(xyz[m], xyz[p1]));
                let turn = dot(
                    [
                        a[1] * b[2] - a[2] * b[1],
                        a[2] * b[0] - a[0] * b[2],
                        a[0] * b[1] - a[1] * b[0],
                    ],
                    xyz[p1],
                );
                if inwards * turn > 0.0 {
                    run.pop();
                } else {
                    break;
                }
            }
            run.push(m);
        }
        flush(&mut run, &mut line, &mut core, &mut longest_m);
        lines.push(line);
    }
    if core.is_empty() {
        return None;
    }
    // The core's width: a point at w_c (plus its sag) off a chord of length L is within
    // √(w_c² + (L/2)²) of a road vertex. The union of all pieces holds every point within
    // w − 0.4 t of the simplified road (the sag of its offset edges, `offset::SAG_SHARE`, and
    // their second-order bulge): stay 0.6 t inside, so that no core edge ever shows.
    let t_core = CORE_TOLERANCE_SHARE * t;
    let core_width = |w: f64| {
        let inside = w - 0.6 * t - kappa - 0.01;
        (inside * inside - 0.25 * longest_m * longest_m).sqrt() - 0.4 * t_core
    };
    let core_widths = [core_width(widths[0]), core_width(widths[1])];
    // The core's own boundary lies within its tolerance of its width.
    let radius_m = core_widths[0].min(core_widths[1]) - t_core - kappa;
    // (NaN, from a width the core cannot take, fails here too.)
    if radius_m.is_nan() || radius_m <= 0.5 * w_max {
        return None;
    }
    let core_options = CorridorOptions {
        width_left_m: core_widths[0],
        width_right_m: core_widths[1],
        cap: Cap::Round,
        tolerance_m: t_core,
    };
    // A cut point lies on a straight longitude/latitude line from the road, which strays from
    // the geodesic by up to this.
    let dev_m = chord_sag_bound_m(w_max, w_max, max_lat);
    let drop_radius = radius_m - kappa;
    let cut_radius = radius_m - kappa - dev_m;
    let decide = |best_far: f64, best_cut: f64, w: f64| {
        if best_far >= w {
            Cut::Drop
        } else if best_cut >= 0.5 * w {
            Cut::Outer(best_cut.min(w - MIN_OUTER_M) / w)
        } else {
            Cut::Whole
        }
    };
    let last_segment = segments.len() - 1;
    let strips: Vec<[Cut; 2]> = (0..segments.len())
        .into_par_iter()
        .map(|s| {
            let seg = &segments[s];
            if s == 0 || s == last_segment || seg.length_m > window_m {
                return [Cut::Whole; 2];
            }
            let (fa, fb) = (frame(coords[s]), frame(coords[s + 1]));
            let mid_m = 0.5 * (chainage[s] + chainage[s + 1]);
            let mut out = [Cut::Whole; 2];
            for (side, turn) in [(0, -90.0), (1, 90.0)] {
                let (ua, ub) = (
                    unit(seg.azimuth_start_deg + turn),
                    unit(seg.azimuth_end_deg + turn),
                );
                let (mut far, mut cut) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                // Any core vertex will do: on a noisy line a strip may point to either side.
                let near = [&lines[0], &lines[1]].map(|l| l.near(mid_m, search_m));
                for &y in near.into_iter().flatten() {
                    let ya = plane(&fa, xyz[s], xyz[y]);
                    let yb = plane(&fb, xyz[s + 1], xyz[y]);
                    let (ga, gb) = (ua[0] * ya[0] + ua[1] * ya[1], ub[0] * yb[0] + ub[1] * yb[1]);
                    let (da, db) = (ya[0] * ya[0] + ya[1] * ya[1], yb[0] * yb[0] + yb[1] * yb[1]);
                    far = far.max(reach(ga, da, drop_radius).min(reach(gb, db, drop_radius)));
                    if far >= widths[side] {
                        break;
                    }
                    cut = cut.max(reach(ga, da, cut_radius).min(reach(gb, db, cut_radius)));
                }
                out[side] = decide(far, cut, widths[side]);
            }
            out
        })
        .collect();
    let corners: Vec<Vec<Cut>> = (0..n)
        .into_par_iter()
        .map(|v| {
            if v == 0 || v == n - 1 {
                return Vec::new();
            }
            let az_in = segments[v - 1].azimuth_end_deg;
            let turn = geodesic::normalize_deg(segments[v].azimuth_start_deg - az_in);
            let mut out = vec![Cut::Whole; sub_wedges(turn)];
            // The wedge's side and the azimuths of its radii (as `offset::corner` draws it).
            let (side, lo, hi) = if turn > 1e-9 {
                (0, az_in - 90.0, az_in - 90.0 + turn)
            } else if turn < -1e-9 {
                (1, az_in + 90.0 + turn, az_in + 90.0)
            } else {
                return out;
            };
            let f = frame(coords[v]);
            let near = [&lines[0], &lines[1]].map(|l| l.near(chainage[v], search_m));
            // Each candidate in the plane, with its squared distance and distance.
            let ys: Vec<([f64; 2], f64, f64)> = near
                .into_iter()
                .flatten()
                .map(|&y| {
                    let p = plane(&f, xyz[v], xyz[y]);
                    let d2 = p[0] * p[0] + p[1] * p[1];
                    (p, d2, d2.sqrt())
                })
                .collect();
            let parts = out.len();
            let step = (hi - lo) / parts as f64;
            // Over a sweep of `step`, ⟨u, y⟩ dips below the smaller of its ends by at most
            // |y|(1 − cos(step/2)).
            let dip = 1.0 - (0.5 * step).to_radians().cos();
            let along = |az: f64, g: &mut Vec<f64>| {
                let u = unit(az);
                g.clear();
                g.extend(ys.iter().map(|(p, ..)| u[0] * p[0] + u[1] * p[1]));
            };
            let (mut g_lo, mut g_hi) = (Vec::with_capacity(ys.len()), Vec::new());
            along(lo, &mut g_lo);
            let w = widths[side];
            // The candidate that last covered a part: its neighbours usually take it too.
            let mut last_good: Option<usize> = None;
            let mut k = 0;
            while k < parts {
                // First a block of parts at once: a noisy line turns every way at every fix,
                // and most of its wedges lie deep inside.
                let end = (k + CORNER_BLOCK).min(parts);
                if end - k > 1 {
                    along(lo + step * end as f64, &mut g_hi);
                    let dip = 1.0 - (0.5 * step * (end - k) as f64).to_radians().cos();
                    let covered = |j: usize| {
                        let g = g_lo[j].min(g_hi[j]) - ys[j].2 * dip;
                        reach(g, ys[j].1, drop_radius) >= w
                    };
                    if let Some(j) = last_good
                        .filter(|&j| covered(j))
                        .or_else(|| (0..ys.len()).find(|&j| covered(j)))
                    {
                        last_good = Some(j);
                        out[k..end].fill(Cut::Drop);
                        std::mem::swap(&mut g_lo, &mut g_hi);
                        k = end;
                        continue;
                    }
                }
                along(lo + step * (k + 1) as f64, &mut g_hi);
                let g = |j: usize| g_lo[j].min(g_hi[j]) - ys[j].2 * dip;
                if let Some(j) = last_good
                    && reach(g(j), ys[j].1, drop_radius) >= w
                {
                    out[k] = Cut::Drop;
                } else {
                    let (mut far, mut cut) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                    for (j, &(_, d2, _)) in ys.iter().enumerate() {
                        let r = reach(g(j), d2, drop_radius);
                        if r >= w {
                            far = r;
                            last_good = Some(j);
                            break;
                        }
                        far = far.max(r);
                        cut = cut.max(reach(g(j), d2, cut_radius));
                    }
                    out[k] = decide(far, cut, w);
                }
                std::mem::swap(&mut g_lo, &mut g_hi);
                k += 1;
            }
            out
        })
        .collect();
    // Worth it only where most pieces go.
    let dropped = strips.iter().flatten().filter(|c| **c == Cut::Drop).count();
    if dropped < strips.len() {
        return None;
    }
    let mut corner_start = Vec::with_capacity(n + 1);
    corner_start.push(0);
    for parts in &corners {
        corner_start.push(corner_start[corner_start.len() - 1] + parts.len());
    }
    Some(Filter {
        strips,
        corners: corners.into_iter().flatten().collect(),
        corner_start,
        core,
        core_options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tangent-plane model against GeographicLib: a point placed at `ρ` along an azimuth
    /// and a road point projected, their plane distance against the geodesic one.
    #[test]
    fn the_tangent_plane_errs_by_less_than_a_hundredth_of_its_bound() {
        let mut worst: f64 = 0.0;
        for lat in [0.0, 20.0, 35.8, 50.0, 65.0, 75.0] {
            for (rho, spread) in [(100.0, 50.0), (6_000.0, 700.0), (20_000.0, 1_300.0)] {
                let z = Coord { x: 36.3, y: lat };
                let f = frame(z);
                let bound = plane_error_m(rho + spread);
                for k in 0..24 {
                    let az = 15.0 * k as f64 + 3.0;
                    let far = geodesic::direct(z, az, rho).0;
                    for j in 0..12 {
                        let y = geodesic::direct(
                            z,
                            30.0 * j as f64 + 7.0,
                            spread * 0.37 * j as f64 / 4.0,
                        )
                        .0;
                        let yp = plane(&f, geodesic::ecef_m(z), geodesic::ecef_m(y));
                        let u = unit(az);
                        let planar = (rho * u[0] - yp[0]).hypot(rho * u[1] - yp[1]);
                        let err = (planar - geodesic::distance_m(far, y)).abs();
                        worst = worst.max(err / bound);
                    }
                }
            }
        }
        assert!(worst < 0.01, "worst error {worst} of the bound");
    }

    /// Over a sweep of `s` (a part or a block of parts), ⟨u, y⟩ never dips below the smaller of
    /// its ends by more than |y|(1 − cos(s/2)), the bound the corner test takes off.
    #[test]
    fn a_sweep_dips_below_its_ends_by_at_most_the_bound() {
        for k in 0..360 {
            let y = [
                30.0 * (k as f64 * 0.7).sin(),
                30.0 * (k as f64 * 0.7).cos() + 5.0,
            ];
            let d = y[0].hypot(y[1]);
            // A part, and a block of parts.
            for step in [SUB_WEDGE_DEG, SUB_WEDGE_DEG * CORNER_BLOCK as f64] {
                let lo = k as f64 * 1.3;
                let g = |az: f64| {
                    let u = unit(az);
                    u[0] * y[0] + u[1] * y[1]
                };
                let bound = g(lo).min(g(lo + step)) - d * (1.0 - (0.5 * step).to_radians().cos());
                for j in 0..=100 {
                    assert!(g(lo + step * j as f64 / 100.0) >= bound - 1e-9, "{k} {j}");
                }
            }
        }
    }
}
