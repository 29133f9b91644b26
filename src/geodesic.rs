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
    let f = 1.0 / 298.257_223_563;
    let e2 = f * (2.0 - f);
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
    let f = 1.0 / 298.257_223_563;
    let e2 = f * (2.0 - f);
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
