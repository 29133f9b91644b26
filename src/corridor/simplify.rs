//! Simplification of the road before offsetting, within a share of the tolerance: from each
//! kept vertex the chord reaches as far along the road as it can while every vertex it passes
//! stays within `epsilon` of it.
//!
//! Why this keeps the promise: if every vertex dropped lies within `epsilon` of the kept chord
//! (and so the road stays inside the `epsilon`-tube round the simplified road, and the other way
//! round), the two corridors differ by at most `epsilon` everywhere (their Hausdorff distance is
//! at most the roads'). A dense road (a GPS trace, an OpenStreetMap way with a vertex every few
//! metres) shrinks by one or two orders of magnitude, and with it the work of the union.
//!
//! Distances are measured to the plane through the Earth's centre and the chord's ends, in
//! Earth-centred coordinates. For chords of at most [`MAX_CHORD_M`] that plane and the geodesic
//! differ by under 2 mm (see the test); that is taken off `epsilon`.

use rayon::prelude::*;

use crate::Road;
use crate::geodesic::{ecef_cross as cross, ecef_dot as dot, ecef_sub as sub};

/// Longest chord a simplified segment may have, metres.
pub(crate) const MAX_CHORD_M: f64 = 5_000.0;

/// Cosine of the turn (45°) beyond which a vertex is always kept.
const SHARP_TURN_COS: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// How far a geodesic of at most [`MAX_CHORD_M`] strays from its chord's plane, metres.
const PLANE_ERROR_M: f64 = 0.002;

fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// Distances in metres to the arc from `a` to `b` (Earth-centred), with what depends only on
/// the arc worked out once: the inner loop of the simplification runs over every vertex a
/// chord passes.
struct Arc {
    a: [f64; 3],
    b: [f64; 3],
    /// Unit normal of the arc's plane (zero for a degenerate arc).
    n: [f64; 3],
    /// `n × a` and `b × n`: a point's projection lies between the ends, as seen from the
    /// centre, when its dot products with both are not negative.
    after_a: [f64; 3],
    before_b: [f64; 3],
}

impl Arc {
    fn new(a: [f64; 3], b: [f64; 3]) -> Arc {
        let n = cross(a, b);
        let len = norm(n);
        let n = if len == 0.0 {
            [0.0; 3]
        } else {
            [n[0] / len, n[1] / len, n[2] / len]
        };
        Arc {
            a,
            b,
            n,
            after_a: cross(n, a),
            before_b: cross(b, n),
        }
    }

    fn distance_m(&self, p: [f64; 3]) -> f64 {
        if self.n == [0.0; 3] {
            return norm(sub(p, self.a));
        }
        // (a × q)·n = q·(n × a) for q = p − (p·n)n, the projection, and likewise at b.
        if dot(p, self.after_a) >= 0.0 && dot(p, self.before_b) >= 0.0 {
            dot(p, self.n).abs()
        } else {
            norm(sub(p, self.a)).min(norm(sub(p, self.b)))
        }
    }
}

/// The indices of the vertices (Earth-centred, `xyz`) to keep (always the first two and the
/// last two, so that the end segments, and the caps cut along them, stay as drawn) so that
/// every vertex dropped lies within `epsilon_m` of the chord that replaces it.
///
/// Douglas–Peucker kept the same promise, but measured every vertex once per level of its
/// splitting (17 times on a 100,000-vertex GPS-like track): reaching forward measures each
/// at most about five times there, and keeps fewer vertices (16,105 against 18,126).
pub(crate) fn keep(xyz: &[[f64; 3]], epsilon_m: f64) -> Vec<usize> {
    let n = xyz.len();
    if n <= 2 {
        return (0..n).collect();
    }
    let epsilon_m = epsilon_m - PLANE_ERROR_M;
    let mut keep = vec![false; n];
    // The end segments stay as drawn: flat caps are cut along their normals.
    for k in [0, 1, n - 2, n - 1] {
        keep[k] = true;
    }
    // So do sharp turns. Two right angles a tenth of a millimetre apart make a right-hand
    // hairpin; dropping the vertex between them leaves a single turn of nearly 180° whose
    // sign is the jog's rounding, and with unequal widths the wide side's corner wedge went
    // to the other side (a 17.7 km wedge lost; found by tests/properties.rs).
    for k in 1..n - 1 {
        let (u, v) = (sub(xyz[k], xyz[k - 1]), sub(xyz[k + 1], xyz[k]));
        if dot(u, v) < SHARP_TURN_COS * norm(u) * norm(v) {
            keep[k] = true;
        }
    }
    // And one vertex in every stretch, so that the stretches between kept vertices go to
    // every core (the same vertices are kept however they are shared out).
    for k in (0..n).step_by(STRETCH) {
        keep[k] = true;
    }
    let fixed: Vec<usize> = (0..n).filter(|&k| keep[k]).collect();
    let between: Vec<Vec<usize>> = fixed
        .par_windows(2)
        .map(|w| reach(xyz, epsilon_m, (w[0], w[1])))
        .collect();
    let mut out = Vec::with_capacity(fixed.len() + between.iter().map(Vec::len).sum::<usize>());
    for (&k, between) in fixed.iter().zip(&between) {
        out.push(k);
        out.extend(between);
    }
    out.push(n - 1);
    out
}

/// Vertices in a stretch simplified on its own (see [`keep`]).
const STRETCH: usize = 4_096;

/// The vertices strictly between the kept vertices `a` and `b` to keep: from each kept vertex,
/// spans of 2, 4, 8, … vertices while the chord stands, then the gap to the first span that
/// fails halved. (A chord that fails may be followed by a longer one that stands, so this finds
/// a long reach, not always the longest.) A chord under a metre has no plane worth the name
/// (a closed road's ends coincide): the gallop goes past it, and the halving takes it as
/// failing.
fn reach(xyz: &[[f64; 3]], epsilon_m: f64, (a, b): (usize, usize)) -> Vec<usize> {
    // `None` for a chord too short to judge; long chords always fail.
    let stands = |i: usize, j: usize| {
        if j == i + 1 {
            return Some(true);
        }
        let chord_m = norm(sub(xyz[i], xyz[j]));
        if chord_m < 1.0 {
            return None;
        }
        if chord_m > MAX_CHORD_M {
            return Some(false);
        }
        let arc = Arc::new(xyz[i], xyz[j]);
        Some(
            xyz[i + 1..j]
                .iter()
                .all(|&p| arc.distance_m(p) <= epsilon_m),
        )
    };
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        let mut good = i + 1;
        let mut span = 2;
        let mut bad = None;
        while i + span / 2 < b {
            let j = (i + span).min(b);
            match stands(i, j) {
                Some(true) => good = j,
                Some(false) => {
                    bad = Some(j);
                    break;
                }
                None => {}
            }
            span *= 2;
        }
        if let Some(mut bad) = bad {
            while bad - good > 1 {
                let mid = good + (bad - good) / 2;
                if stands(i, mid) == Some(true) {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
        }
        if good < b {
            out.push(good);
        }
        i = good;
    }
    out
}

/// The road the pieces are built on: `road` simplified within `max_error_m` (the same road
/// when nothing can go), with the indices of the vertices kept.
pub(crate) fn basis(road: &Road, max_error_m: f64) -> (Vec<usize>, std::borrow::Cow<'_, Road>) {
    let kept = keep(road.ecef_m(), max_error_m);
    if kept.len() == road.coords().len() {
        return (kept, std::borrow::Cow::Borrowed(road));
    }
    let coords = kept.iter().map(|&k| road.coords()[k]).collect();
    match Road::from_checked(coords) {
        Ok(simplified) => (kept, std::borrow::Cow::Owned(simplified)),
        // (Never seen; the indices then say the road as it is.)
        Err(_) => (
            (0..road.coords().len()).collect(),
            std::borrow::Cow::Borrowed(road),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesic;
    use geo::Coord;

    fn ecef(coords: &[Coord]) -> Vec<[f64; 3]> {
        coords.iter().map(|&c| geodesic::ecef_m(c)).collect()
    }

    #[test]
    fn plane_and_geodesic_agree_within_2_mm_over_a_max_chord() {
        // Geodesics of MAX_CHORD_M in many directions and latitudes: their middles lie in the
        // plane of the chord to within 2 mm.
        for lat in [0.0, 35.8, 60.0, 80.0] {
            for az in [0.0, 30.0, 45.0, 77.0, 90.0, 135.0] {
                let a = Coord { x: 36.0, y: lat };
                let (b, _) = geodesic::direct(a, az, MAX_CHORD_M);
                let (m, _) = geodesic::direct(a, az, MAX_CHORD_M / 2.0);
                let d = Arc::new(geodesic::ecef_m(a), geodesic::ecef_m(b))
                    .distance_m(geodesic::ecef_m(m));
                assert!(d < PLANE_ERROR_M, "lat {lat} az {az}: {d} m");
            }
        }
    }

    /// The triple-product test of `Arc::distance_m` against the projection written out.
    #[test]
    fn arc_distance_matches_the_projection_written_out() {
        let a = geodesic::ecef_m(Coord { x: 36.0, y: 35.8 });
        let b = geodesic::ecef_m(Coord { x: 36.03, y: 35.81 });
        let arc = Arc::new(a, b);
        for k in 0..200 {
            let t = k as f64 / 100.0 - 0.5;
            let c = Coord {
                x: 36.0 + 0.03 * t + 0.001 * (k as f64).sin(),
                y: 35.8 + 0.01 * t + 0.001 * (k as f64).cos(),
            };
            let p = geodesic::ecef_m(c);
            let n = arc.n;
            let off = dot(p, n);
            let q = [p[0] - off * n[0], p[1] - off * n[1], p[2] - off * n[2]];
            let between = dot(cross(a, q), n) >= 0.0 && dot(cross(q, b), n) >= 0.0;
            let expected = if between {
                off.abs()
            } else {
                norm(sub(p, a)).min(norm(sub(p, b)))
            };
            assert!((arc.distance_m(p) - expected).abs() < 1e-6, "{c:?}");
        }
    }

    /// A GPS-like track (1.2 m steps, heading wandering within bounds, a straight run and a
    /// sharp turn): every dropped vertex lies within epsilon of the geodesic that replaces it,
    /// measured by GeographicLib alone. From the chord's start, the azimuthal equidistant view
    /// draws the geodesic straight and keeps distances from the start, so the vertex's offset
    /// is `s sin(Δaz)` to a part in a million at these lengths.
    #[test]
    fn every_dropped_vertex_lies_within_epsilon_of_its_geodesic() {
        let mut p = Coord { x: 36.6, y: 35.8 };
        let (mut heading, mut drift) = (80.0f64, 0.0f64);
        let mut coords = vec![p];
        for k in 0..30_000 {
            drift = (drift + 7.0 * ((k as f64 * 0.618).fract() - 0.5)).clamp(-25.0, 25.0);
            let step_m = if (10_000..12_000).contains(&k) {
                5.0
            } else {
                1.2
            };
            if (10_000..12_000).contains(&k) {
                drift = 0.0;
            }
            if k == 20_000 {
                heading += 120.0;
            }
            p = geodesic::direct(p, heading + drift, step_m).0;
            coords.push(p);
        }
        let epsilon_m = 0.1;
        let kept = keep(&ecef(&coords), epsilon_m);
        assert!(kept.len() < coords.len() / 3, "{} kept", kept.len());
        assert!(kept.contains(&20_000), "the sharp turn");
        let mut worst: f64 = 0.0;
        for w in kept.windows(2) {
            let (a, b) = (coords[w[0]], coords[w[1]]);
            let chord = geodesic::inverse(a, b);
            for &c in &coords[w[0] + 1..w[1]] {
                let to = geodesic::inverse(a, c);
                let turn = (to.azimuth1_deg - chord.azimuth1_deg).to_radians();
                let along_m = to.distance_m * turn.cos();
                let d = if (0.0..=chord.distance_m).contains(&along_m) {
                    (to.distance_m * turn.sin()).abs()
                } else {
                    to.distance_m.min(geodesic::distance_m(b, c))
                };
                worst = worst.max(d);
            }
        }
        assert!(
            worst <= epsilon_m,
            "a dropped vertex {worst} m off its chord"
        );
        assert!(worst > 0.5 * epsilon_m, "{worst}: hardly simplified");
    }

    /// Steps of a decimetre: the chords of a few steps are under a metre, and the reach goes
    /// past them.
    #[test]
    fn a_road_of_decimetre_steps_collapses_too() {
        assert_eq!(keep(&straight(2000, 0.1), 0.1), vec![0, 1, 1999, 2000]);
    }

    #[test]
    fn straight_dense_road_collapses_to_its_end_segments() {
        assert_eq!(keep(&straight(1000, 5.0), 0.1), vec![0, 1, 999, 1000]);
    }

    /// A geodesic of `steps` steps of `step_m` near Idlib, Earth-centred.
    fn straight(steps: usize, step_m: f64) -> Vec<[f64; 3]> {
        let a = Coord { x: 36.0, y: 35.8 };
        let coords: Vec<Coord> = (0..=steps)
            .map(|k| geodesic::direct(a, 80.0, step_m * k as f64).0)
            .collect();
        ecef(&coords)
    }

    /// Two right angles 0.1 mm apart, within any epsilon of one 180° turn: both stay.
    #[test]
    fn keeps_both_corners_of_a_hairpin_jog() {
        let coords = [
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 0.0, y: 0.0001 },
            Coord { x: 0.0, y: 0.0026 },
            Coord { x: 1e-9, y: 0.0026 },
            Coord {
                x: -1.5e-7,
                y: 0.0025,
            },
            Coord {
                x: -1.5e-7,
                y: 0.0024,
            },
        ];
        assert_eq!(keep(&ecef(&coords), 0.02), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn keeps_a_corner() {
        let coords = [
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 0.01, y: 0.0 },
            Coord { x: 0.01, y: 0.01 },
        ];
        assert_eq!(keep(&ecef(&coords), 0.1), vec![0, 1, 2]);
    }
}
