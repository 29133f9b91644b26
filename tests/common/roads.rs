//! The synthetic roads of the performance issue (issue 5), shared by `benches/corridor.rs` and
//! the timing examples so that every measurement runs the same vertices.

use geo::Coord;

use super::{Rng, walk, wiggly};

/// Where the synthetic roads start, near Saraqib on the M4 (longitude, latitude).
pub const START: Coord = Coord { x: 36.3, y: 35.8 };

/// (b) of the performance issue: a smooth 400 km road, 100,000 vertices 4 m apart, turning
/// by at most 0.05° a step (0.0125° a metre: bends of 4.6 km radius or more).
pub fn smooth_100k() -> Vec<Coord> {
    wiggly(START, 4.0, 100_000, 0.05, 3)
}

/// (c): a crumpled 120 km random walk, 100,000 vertices 1.2 m apart, heading changing by up to
/// ±0.15 rad a step.
pub fn crumpled_100k() -> Vec<Coord> {
    let mut rng = Rng::new(5);
    let mut heading = 90.0;
    let max_turn = 0.15f64.to_degrees();
    walk(START, 1.2, 100_000, |_| {
        heading += (rng.next_f64() * 2.0 - 1.0) * max_turn;
        heading
    })
}

/// (d): a smooth 1,000 km road, 1,000,000 vertices 1 m apart, with the curvature of (b)
/// (0.0125° a metre). A road densified to 1 m, or a 10 Hz GPS trace, is how a road of a
/// realistic length reaches a million vertices; it runs east from Saraqib to about 47° E, so it
/// stays within UTM zones 37 and 38 and the GEOS comparison in UTM 37N stays meaningful.
pub fn smooth_1m() -> Vec<Coord> {
    wiggly(START, 1.0, 1_000_000, 0.0125, 11)
}

/// (e) of issue 16: a wiggly track, a 120 km random walk of 100,000 steps 1.2 m long whose
/// heading changes by up to ±0.15 rad a step, as (c), but stays within 5° of east (reflected
/// at the bounds): a straight line at the kilometre scale, jittering at the metre scale.
pub fn wiggly_track_100k() -> Vec<Coord> {
    wiggly_track(100_000, 23)
}

/// A wiggly track of `n` steps (see [`wiggly_track_100k`]).
pub fn wiggly_track(n: usize, seed: u64) -> Vec<Coord> {
    let mut rng = Rng::new(seed);
    let mut heading: f64 = 90.0;
    let max_turn = 0.15f64.to_degrees();
    walk(START, 1.2, n, |_| {
        heading += (rng.next_f64() * 2.0 - 1.0) * max_turn;
        // Reflected into 85°..95° (a step is at most 8.6°, so once is enough).
        if heading > 95.0 {
            heading = 190.0 - heading;
        } else if heading < 85.0 {
            heading = 170.0 - heading;
        }
        heading
    })
}

/// (f) of issue 16: a recorded GPS track, 500 km of bends (a road turning by up to 0.2° every
/// 5 m, bends of 1.4 km radius or more) with a fix every 5 m, each fix off the road by a
/// random error, normal with a standard deviation of 3 m east and north (a GPS receiver's
/// jitter).
pub fn gps_track_100k() -> Vec<Coord> {
    gps_track(100_000, 29)
}

/// A GPS track of `n` fixes (see [`gps_track_100k`]).
pub fn gps_track(n: usize, seed: u64) -> Vec<Coord> {
    let mut rng = Rng::new(seed ^ 0x9e37_79b9);
    let geod = geographiclib_rs::Geodesic::wgs84();
    wiggly(START, 5.0, n - 1, 0.2, seed)
        .into_iter()
        .map(|c| {
            // Box–Muller: the length of a normal error of 3 m along each axis.
            let u = 1.0 - rng.next_f64();
            let radius_m = 3.0 * (-2.0 * u.ln()).sqrt();
            let azimuth_deg = 360.0 * rng.next_f64();
            let (lat, lon): (f64, f64) =
                geographiclib_rs::DirectGeodesic::direct(&geod, c.y, c.x, azimuth_deg, radius_m);
            Coord { x: lon, y: lat }
        })
        .collect()
}
