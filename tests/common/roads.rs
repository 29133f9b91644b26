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
