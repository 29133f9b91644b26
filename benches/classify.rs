//! Placing points against the M4 corridor (data/m4.geojson, 6 km each side), on fixed seeds.
//!
//! - `classify/point`: one point at a time, one core: the cost of one exact placement.
//! - `classify/csv_100k`: 100,000 CSV records through `classify_csv`, parsing, both cores and
//!   writing included (into memory).
//!
//! The peer to beat is shapely (pandas `read_csv` → `contains_xy`, `distance`,
//! `line_locate_point` in UTM → `to_csv`); being Python, it is timed whole process to whole
//! process by `benches/classify_vs_shapely.py`, run by hand.

use std::hint::black_box;

use corridor::classify::{Classifier, CsvOptions, classify_csv};
use corridor::{CorridorOptions, Road};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geo::Coord;

/// Points in the road's bounding box widened by 0.2° (a deterministic xorshift64* stream).
fn points(n: usize, road: &Road) -> Vec<Coord> {
    let (mut lo, mut hi) = (road.coords()[0], road.coords()[0]);
    for c in road.coords() {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    let mut state: u64 = 20_200_305;
    let mut unit = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| Coord {
            x: lo.x - 0.2 + (hi.x - lo.x + 0.4) * unit(),
            y: lo.y - 0.2 + (hi.y - lo.y + 0.4) * unit(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/m4.geojson"))
        .expect("data/m4.geojson is part of the repository");
    let road = Road::from_geojson_str(&text).expect("data/m4.geojson is a road");
    let options = CorridorOptions::symmetric(6_000.0).expect("6 km is a valid width");
    let classifier = Classifier::new(&road, &options);
    let pts = points(100_000, &road);

    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(1));
    let mut k = 0;
    group.bench_function("point", |b| {
        b.iter(|| {
            k = (k + 1) % pts.len();
            black_box(classifier.classify(black_box(pts[k])).ok())
        })
    });

    let mut csv = String::from("id,lon,lat\n");
    for (i, p) in pts.iter().enumerate() {
        csv.push_str(&format!("{i},{:.7},{:.7}\n", p.x, p.y));
    }
    group.throughput(Throughput::Elements(pts.len() as u64));
    group.sample_size(10);
    group.bench_function("csv_100k", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(csv.len() * 2);
            classify_csv(
                &classifier,
                csv.as_bytes(),
                &mut out,
                &CsvOptions::default(),
                |_| {},
            )
            .expect("the generated CSV is valid");
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
