//! Times the corridor of the synthetic 100,000-vertex roads of `benches/corridor.rs` once:
//! `cargo run --release --example time_100k` (add `crumpled` to include the crumpled road,
//! which still takes minutes).
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::{Rng, walk, wiggly};
use corridor::{Corridor, CorridorOptions, Road};
use geo::Coord;

fn main() {
    let smooth =
        Road::from_coords(wiggly(Coord { x: 36.3, y: 35.8 }, 4.0, 100_000, 0.05, 3)).unwrap();
    let mut rng = Rng::new(5);
    let mut heading = 90.0;
    let max_turn = 0.15f64.to_degrees();
    let crumpled = Road::from_coords(walk(Coord { x: 36.3, y: 35.8 }, 1.2, 100_000, |_| {
        heading += (rng.next_f64() * 2.0 - 1.0) * max_turn;
        heading
    }))
    .unwrap();
    let options = CorridorOptions::symmetric(6_000.0).unwrap();
    let with_crumpled = std::env::args().any(|a| a == "crumpled");
    let roads = [("smooth 400 km", &smooth), ("crumpled 120 km", &crumpled)];
    for (name, road) in roads.into_iter().take(if with_crumpled { 2 } else { 1 }) {
        let t = Instant::now();
        let c = Corridor::build(road, &options);
        println!(
            "{name}: {:.0} ms, {} polygon(s), {:.1} km²",
            t.elapsed().as_secs_f64() * 1e3,
            c.whole().0.len(),
            c.area_km2()
        );
    }
}
