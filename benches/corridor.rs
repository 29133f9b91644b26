//! Corridor build times: the M4 section, and synthetic 100,000-vertex roads.
//!
//! `cargo bench --bench corridor`. The peer figures (GEOS via shapely, in UTM) come from
//! `benches/corridor_vs_geos.py`, run by hand.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{Rng, walk, wiggly};
use corridor::{Corridor, CorridorOptions, Places, Road};
use criterion::{Criterion, criterion_group, criterion_main};
use geo::Coord;

fn m4_section() -> Road {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |name: &str| std::fs::read_to_string(format!("{root}/data/{name}")).unwrap();
    let road = Road::from_geojson_str(&read("m4.geojson")).unwrap();
    let places = Places::from_geojson_str(&read("places.geojson")).unwrap();
    places
        .section(&road, "Ain al-Hawr", "Trumba", 2_000.0)
        .unwrap()
}

/// (b) of the performance issue: a smooth 400 km road, 100,000 vertices 4 m apart.
pub fn smooth_100k() -> Road {
    Road::from_coords(wiggly(Coord { x: 36.3, y: 35.8 }, 4.0, 100_000, 0.05, 3)).unwrap()
}

/// (c): a crumpled 120 km random walk, 100,000 vertices 1.2 m apart, heading changing by up
/// to ±0.15 rad a step.
pub fn crumpled_100k() -> Road {
    let mut rng = Rng::new(5);
    let mut heading = 90.0;
    let max_turn = 0.15f64.to_degrees();
    let coords = walk(Coord { x: 36.3, y: 35.8 }, 1.2, 100_000, |_| {
        heading += (rng.next_f64() * 2.0 - 1.0) * max_turn;
        heading
    });
    Road::from_coords(coords).unwrap()
}

fn bench(c: &mut Criterion) {
    let options = CorridorOptions::symmetric(6_000.0).unwrap();
    let m4 = m4_section();
    c.bench_function("corridor/m4_section_6km", |b| {
        b.iter(|| Corridor::build(black_box(&m4), &options))
    });
    let mut slow = c.benchmark_group("corridor/100k");
    slow.sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let smooth = smooth_100k();
    slow.bench_function("smooth_400km", |b| {
        b.iter(|| Corridor::build(black_box(&smooth), &options))
    });
    // The crumpled road still takes minutes a build; opt in with CORRIDOR_BENCH_CRUMPLED=1.
    if std::env::var_os("CORRIDOR_BENCH_CRUMPLED").is_some() {
        let crumpled = crumpled_100k();
        slow.bench_function("crumpled_120km", |b| {
            b.iter(|| Corridor::build(black_box(&crumpled), &options))
        });
    }
    slow.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
