//! Times the corridor of the synthetic 100,000-vertex roads of `benches/corridor.rs` once:
//! `cargo run --release --example time_100k` (add `crumpled` to include the crumpled road,
//! about 1.5 s).
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::roads;
use corridor::{Corridor, CorridorOptions, Road};

fn main() {
    let smooth = Road::from_coords(roads::smooth_100k()).unwrap();
    let crumpled = Road::from_coords(roads::crumpled_100k()).unwrap();
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
