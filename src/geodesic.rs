//! Thin wrapper over GeographicLib (Karney's algorithms) on the WGS84 ellipsoid.
//!
//! The crate speaks `(lon, lat)` everywhere, as geo-types does; GeographicLib speaks `(lat, lon)`.
//! The swap happens here and nowhere else.

use std::sync::LazyLock;

use geo::Coord;
use geographiclib_rs::{Geodesic, InverseGeodesic, capability as caps};

/// The WGS84 ellipsoid, built once (its series coefficients are not free to compute).
pub(crate) static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// Equatorial radius of WGS84 in metres.
pub(crate) const WGS84_A_M: f64 = 6_378_137.0;

/// Flattening of WGS84.
pub(crate) const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// First eccentricity squared of WGS84, `f (2 − f)`.
pub(crate) const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);

/// Result of the inverse problem between two points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inverse {
    /// Geodesic distance in metres.
    pub distance_m: f64,
    /// Azimuth at the first point, degrees clockwise from north.
    pub azimuth1_deg: f64,
    /// Forward azimuth at the second point, degrees clockwise from north.
    pub azimuth2_deg: f64,
}

/// Solves the inverse problem: distance and azimuths from `a` to `b`.
pub(crate) fn inverse(a: Coord, b: Coord) -> Inverse {
    let (distance_m, azimuth1_deg, azimuth2_deg, _arc): (f64, f64, f64, f64) =
        WGS84.inverse(a.y, a.x, b.y, b.x);
    Inverse {
        distance_m,
        azimuth1_deg,
        azimuth2_deg,
    }
}

/// The steps, metres, that [`short_inverse`] solves: shorter ones would lose their azimuth's
/// digits to the positions' rounding (a nanometre in a metre is a nanoradian, 6 µm at 6 km).
pub(crate) const SHORT_STEP_M: std::ops::RangeInclusive<f64> = 1.0..=100.0;

/// The inverse problem for a short step between the Earth-centred positions `a` and `b` (see
/// [`ecef_m`]) without GeographicLib's iteration, or `None` where it must go to [`inverse`]:
/// a chord outside [`SHORT_STEP_M`], or an end within about a degree of a pole.
///
/// The length is the chord's and each azimuth the chord's direction in the tangent plane at
/// that end (the normal section's). Why that is the geodesic's to far below a nanometre: a
/// geodesic bends no faster than `1 / MIN_RADIUS_M`, so it is longer than its chord `c` by at
/// most `c³ / 24ρ²` (4 × 10⁻¹¹ m at 100 m), and it parts from the normal section by an angle
/// of order `e² (c / a)²` (10⁻¹³ rad). The positions' rounding (a nanometre in 6,400 km) is
/// what is left. `short_steps_match_karney` checks it against GeographicLib. The thousands of
/// short chords of a noisy line's band are solved ten times faster so.
///
/// (Roads themselves stay with [`inverse`]: solving their steps so moved azimuths by 1e-9 rad,
/// and the fuzz corpus's metre-wide corridors round U-turns, which sit on the overlay's grid
/// within units in the last place, came out invalid by 5e-15°.)
pub(crate) fn short_inverse(a: [f64; 3], b: [f64; 3]) -> Option<Inverse> {
    let d = ecef_sub(b, a);
    let chord_m = ecef_dot(d, d).sqrt();
    if !SHORT_STEP_M.contains(&chord_m) {
        return None;
    }
    let e2 = WGS84_E2;
    // The direction of `d` in the tangent plane at `p`: east is (−y, x, 0), up is the
    // ellipsoid's normal (x, y, z / (1 − e²)), north is up × east.
    let azimuth_deg = |p: [f64; 3]| {
        let rho = p[0].hypot(p[1]);
        if rho < NEAR_POLE_RHO_M {
            return None;
        }
        let east = [-p[1] / rho, p[0] / rho, 0.0];
        let up = [p[0], p[1], p[2] / (1.0 - e2)];
        let up_len = ecef_dot(up, up).sqrt();
        let up = [up[0] / up_len, up[1] / up_len, up[2] / up_len];
        let north = ecef_cross(up, east);
        Some(ecef_dot(d, east).atan2(ecef_dot(d, north)).to_degrees())
    };
    Some(Inverse {
        distance_m: chord_m,
        azimuth1_deg: azimuth_deg(a)?,
        azimuth2_deg: azimuth_deg(b)?,
    })
}

/// Distance from the axis (metres) under which [`short_inverse`] leaves a step to
/// GeographicLib: about a degree from a pole, where east and north turn fast.
const NEAR_POLE_RHO_M: f64 = 100_000.0;

/// Geodesic distance from `a` to `b` in metres.
pub(crate) fn distance_m(a: Coord, b: Coord) -> f64 {
    WGS84.inverse(a.y, a.x, b.y, b.x)
}

/// Solves the direct problem from `p`: the point `distance_m` away along `azimuth_deg`, and the
/// forward azimuth there. The longitude is unrolled from `p` (it may leave [-180, 180]) so that
/// geometry near the antimeridian stays continuous; export wraps it back.
pub(crate) fn direct(p: Coord, azimuth_deg: f64, distance_m: f64) -> (Coord, f64) {
    let (_a12, lat2, lon2, azi2, ..) = WGS84._gen_direct(
        p.y,
        p.x,
        azimuth_deg,
        false,
        distance_m,
        caps::LATITUDE | caps::LONGITUDE | caps::AZIMUTH | caps::LONG_UNROLL,
    );
    (Coord { x: lon2, y: lat2 }, azi2)
}

/// Metres per degree of latitude and of longitude at latitude `lat_deg` (local scale of the
/// ellipsoid). Used only to measure sub-metre gaps, where a local linear metric is exact enough.
pub(crate) fn metres_per_degree(lat_deg: f64) -> (f64, f64) {
    let e2 = WGS84_E2;
    let phi = lat_deg.to_radians();
    let w2 = 1.0 - e2 * phi.sin().powi(2);
    let n = WGS84_A_M / w2.sqrt();
    let m = WGS84_A_M * (1.0 - e2) / (w2 * w2.sqrt());
    let deg = std::f64::consts::PI / 180.0;
    (m * deg, n * phi.cos() * deg)
}

/// Distance in metres between two points that are very close together (well under a kilometre),
/// by the local metric of the ellipsoid. Cheaper than [`inverse`] and exact to a few parts per
/// million of the gap.
pub(crate) fn small_gap_m(a: Coord, b: Coord) -> f64 {
    let (m_lat, m_lon) = metres_per_degree(0.5 * (a.y + b.y));
    ((b.y - a.y) * m_lat).hypot((b.x - a.x) * m_lon)
}

/// Earth-centred coordinates of a point, in metres (WGS84). Straight-line (chord) distances
/// between these never exceed the geodesic distance, which makes them a safe lower bound for
/// pruning searches.
pub(crate) fn ecef_m(p: Coord) -> [f64; 3] {
    let e2 = WGS84_E2;
    let (lat, lon) = (p.y.to_radians(), p.x.to_radians());
    let n = WGS84_A_M / (1.0 - e2 * lat.sin().powi(2)).sqrt();
    [
        n * lat.cos() * lon.cos(),
        n * lat.cos() * lon.sin(),
        n * (1.0 - e2) * lat.sin(),
    ]
}

/// Smallest radius of curvature of the WGS84 ellipsoid (meridional, at the equator, a(1 − e²)),
/// rounded down, metres: no geodesic bends faster than this, which bounds how far it strays from
/// its chord.
pub(crate) const MIN_RADIUS_M: f64 = 6_335_439.0;

/// The difference `a − b` of two Earth-centred vectors, metres.
pub(crate) fn ecef_sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// The cross product `a × b` of two Earth-centred vectors.
pub(crate) fn ecef_cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// The dot product of two Earth-centred vectors.
pub(crate) fn ecef_dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Whether `p` is a position: longitude within ±`max_lon_deg` (180, or 540 where a line across
/// the antimeridian is unrolled), latitude within ±90, neither NaN nor infinite.
pub(crate) fn is_position(p: Coord, max_lon_deg: f64) -> bool {
    (-max_lon_deg..=max_lon_deg).contains(&p.x) && (-90.0..=90.0).contains(&p.y)
}

/// Normalises an angle in degrees to (-180, 180].
pub(crate) fn normalize_deg(a: f64) -> f64 {
    let mut r = a % 360.0;
    if r <= -180.0 {
        r += 360.0;
    } else if r > 180.0 {
        r -= 360.0;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps of 3 cm to 300 m in every direction, at every latitude short of the poles
    /// and across the antimeridian: the chord's length and azimuths against GeographicLib's.
    /// The azimuths are compared as the sideways miss they make 6 km out, where the corridor's
    /// offsets are placed from them.
    #[test]
    fn short_steps_match_karney() {
        let mut rng = crate::test_rng::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_f64();
        let (mut worst_len_m, mut worst_miss_m, mut solved) = (0.0f64, 0.0f64, 0);
        for _ in 0..20_000 {
            let a = Coord {
                x: 360.0 * next() - 180.0,
                y: 179.8 * next() - 89.9,
            };
            let length_m = 10f64.powf(4.0 * next() - 1.5);
            let (b, _) = direct(a, 360.0 * next() - 180.0, length_m);
            let Some(short) = short_inverse(ecef_m(a), ecef_m(b)) else {
                let polar = a.y.abs() > 88.0 || b.y.abs() > 88.0;
                assert!(
                    !(1.01..99.0).contains(&length_m) || polar,
                    "{a:?} {length_m}"
                );
                continue;
            };
            solved += 1;
            let exact = inverse(a, b);
            worst_len_m = worst_len_m.max((short.distance_m - exact.distance_m).abs());
            for (s, e) in [
                (short.azimuth1_deg, exact.azimuth1_deg),
                (short.azimuth2_deg, exact.azimuth2_deg),
            ] {
                let miss_m = normalize_deg(s - e).to_radians().abs() * 6_000.0;
                worst_miss_m = worst_miss_m.max(miss_m);
            }
        }
        assert!(solved > 9_000, "{solved}");
        assert!(worst_len_m < 1e-8, "length off by {worst_len_m} m");
        assert!(
            worst_miss_m < 1e-4,
            "azimuth misses by {worst_miss_m} m at 6 km"
        );
        eprintln!("worst length {worst_len_m:e} m, worst miss at 6 km {worst_miss_m:e} m");
    }

    #[test]
    // The reference values are quoted with the digits GeographicLib publishes.
    #[allow(clippy::excessive_precision)]
    fn inverse_matches_geographiclib_reference_line() {
        // First entry of GeographicLib's GeodTest.dat (Karney's published test set):
        // lat1 lon1 azi1 lat2 lon2 azi2 s12
        // 36.530042355041 0 176.125875162171 -48.164270779097768864 5.762344694676510456
        // 175.334308316285410561 9398502.0434687
        let a = Coord {
            x: 0.0,
            y: 36.530042355041,
        };
        let b = Coord {
            x: 5.762_344_694_676_510_456,
            y: -48.164_270_779_097_768_864,
        };
        let inv = inverse(a, b);
        assert!((inv.distance_m - 9_398_502.043_468_7).abs() < 1e-6);
        assert!((inv.azimuth1_deg - 176.125_875_162_171).abs() < 1e-9);
        assert!((inv.azimuth2_deg - 175.334_308_316_285_410_561).abs() < 1e-9);
        let (c, azi2) = direct(a, inv.azimuth1_deg, inv.distance_m);
        assert!((c.x - b.x).abs() < 1e-9 && (c.y - b.y).abs() < 1e-9);
        assert!((azi2 - inv.azimuth2_deg).abs() < 1e-9);
    }

    #[test]
    fn direct_unrolls_longitude_across_the_antimeridian() {
        let (c, _) = direct(Coord { x: 179.99, y: 0.0 }, 90.0, 10_000.0);
        assert!(c.x > 180.0, "{c:?}");
    }

    #[test]
    fn small_gap_agrees_with_inverse() {
        let a = Coord { x: 36.6, y: 35.8 };
        let b = Coord {
            x: 36.600_003,
            y: 35.800_004,
        };
        let exact = distance_m(a, b);
        assert!((small_gap_m(a, b) - exact).abs() < 1e-5 * exact);
    }
}
