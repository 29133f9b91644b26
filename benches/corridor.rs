//! Corridor build times: the M4 section, and the synthetic roads of issue 5
//! (`tests/common/roads.rs`).
//!
//! `cargo bench --bench corridor`: the M4 section (a), the smooth (b) and crumpled (c)
//! 100,000-vertex roads, and the noisy lines of issue 16, a wiggly track (e) and a GPS track
//! (f), with round caps as that issue measured them; `CORRIDOR_BENCH_1M=1` adds the
//! 1,000,000-vertex road (d).
//! The peer figures (GEOS via shapely, in UTM) and peak memory come from
//! `benches/corridor_vs_geos.py`, run by hand.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::roads;
use corridor::{Cap, Corridor, CorridorOptions, Places, Road};
use criterion::{Criterion, criterion_group, criterion_main};

fn m4_section() -> Road {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |name: &str| std::fs::read_to_string(format!("{root}/data/{name}")).unwrap();
    let road = Road::from_geojson_str(&read("m4.geojson")).unwrap();
    let places = Places::from_geojson_str(&read("places.geojson")).unwrap();
    places
        .section(&road, "Ain al-Hawr", "Trumba", 2_000.0)
        .unwrap()
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
    let smooth = Road::from_coords(roads::smooth_100k()).unwrap();
    slow.bench_function("smooth_400km", |b| {
        b.iter(|| Corridor::build(black_box(&smooth), &options))
    });
    // About 1.5 s a build: its strips pile up and are united in groups (src/corridor/overlay.rs).
    let crumpled = Road::from_coords(roads::crumpled_100k()).unwrap();
    slow.bench_function("crumpled_120km", |b| {
        b.iter(|| Corridor::build(black_box(&crumpled), &options))
    });
    // Issue 16: lines whose pieces nearly all lie under others: the wiggly track is drawn from
    // the band round it (src/corridor/band.rs), the GPS track filtered (src/corridor/hidden.rs).
    let round = options.cap(Cap::Round);
    let wiggly = Road::from_coords(roads::wiggly_track_100k()).unwrap();
    slow.bench_function("wiggly_track_120km_round", |b| {
        b.iter(|| Corridor::build(black_box(&wiggly), &round))
    });
    let gps = Road::from_coords(roads::gps_track_100k()).unwrap();
    slow.bench_function("gps_track_500km_round", |b| {
        b.iter(|| Corridor::build(black_box(&gps), &round))
    });
    slow.finish();
    // (d): a million vertices; opt in with CORRIDOR_BENCH_1M=1 (generating the road alone takes
    // a few seconds).
    if std::env::var_os("CORRIDOR_BENCH_1M").is_some() {
        let mut huge = c.benchmark_group("corridor/1m");
        huge.sample_size(10)
            .measurement_time(Duration::from_secs(60));
        let smooth = Road::from_coords(roads::smooth_1m()).unwrap();
        huge.bench_function("smooth_1000km", |b| {
            b.iter(|| Corridor::build(black_box(&smooth), &options))
        });
        huge.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
