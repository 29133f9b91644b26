//! The roads of the performance issue as GeoJSON files, and the corridor build timed on any road
//! file: the Rust half of `benches/corridor_vs_geos.py`, which runs the same files through GEOS.
//!
//! ```text
//! cargo run --release --example bench_roads -- write DIR [a,b,c,d,e,f]
//! cargo run --release --example bench_roads -- time ROAD.geojson [RUNS [CAP]]
//! ```
//!
//! `write` writes `a.geojson` (the M4 section Ain al-Hawr – Trumba), `b.geojson` (smooth
//! 400 km, 100,000 vertices), `c.geojson` (crumpled 120 km, 100,000 vertices), `d.geojson`
//! (smooth 1,000 km, 1,000,000 vertices), `e.geojson` (a wiggly track, 100,000 steps of 1.2 m)
//! and `f.geojson` (a GPS track, 500 km with 3 m noise, 100,000 fixes) into DIR. Coordinates are written in Rust's shortest
//! round-trip form, so a reader gets back exactly the generated numbers.
//!
//! `time` reads a road, builds its corridor (6 km either side, CAP caps (flat or round, default
//! flat), tolerance 0.5 m) up to
//! RUNS times (default 5, fewer once 10 s have gone) and prints one line on stdout:
//! `build_ms=… runs=… polygons=… boundary_vertices=… area_km2=… peak_rss_mb=…`, the best
//! in-process build time, and the process's peak resident memory (read and build; Linux only).
#[path = "../tests/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use common::roads;
use corridor::{Cap, Corridor, CorridorOptions, Places, Road};
use geo::Coord;

/// Width of each half of the corridor, metres.
const WIDTH_M: f64 = 6_000.0;
/// After this much building, `time` stops repeating.
const TIME_BUDGET: Duration = Duration::from_secs(10);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["write", dir] => write(Path::new(dir), "a,b,c,d,e,f"),
        ["write", dir, which] => write(Path::new(dir), which),
        ["time", road] => time(Path::new(road), 5, Cap::Flat),
        ["time", road, runs] => runs_of(runs).and_then(|n| time(Path::new(road), n, Cap::Flat)),
        ["time", road, runs, cap] => runs_of(runs).and_then(|n| {
            let cap = cap.parse::<Cap>().map_err(|e| e.to_string())?;
            time(Path::new(road), n, cap)
        }),
        _ => Err(
            "usage: bench_roads write DIR [a,b,c,d,e,f] | bench_roads time ROAD.geojson [RUNS [CAP]]".into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("bench_roads: {e}");
        std::process::exit(1);
    }
}

fn runs_of(runs: &str) -> Result<usize, String> {
    match runs.parse() {
        Ok(runs) if runs > 0 => Ok(runs),
        _ => Err(format!("`{runs}`: RUNS is a whole number from 1 up")),
    }
}

/// The M4 section of the joint patrols, as `benches/corridor.rs` builds it.
fn m4_section() -> Result<Vec<Coord>, String> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let read = |name: &str| {
        std::fs::read_to_string(data.join(name)).map_err(|e| format!("data/{name}: {e}"))
    };
    let road = Road::from_geojson_str(&read("m4.geojson")?).map_err(|e| e.to_string())?;
    let places = Places::from_geojson_str(&read("places.geojson")?).map_err(|e| e.to_string())?;
    let section = places
        .section(&road, "Ain al-Hawr", "Trumba", 2_000.0)
        .map_err(|e| e.to_string())?;
    Ok(section.coords().to_vec())
}

fn write(dir: &Path, which: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for key in which.split(',').map(str::trim) {
        let (coords, made) = match key {
            "a" => (
                m4_section()?,
                "data/m4.geojson, section Ain al-Hawr – Trumba",
            ),
            "b" => (
                roads::smooth_100k(),
                "smooth 400 km, 100,000 vertices 4 m apart",
            ),
            "c" => (
                roads::crumpled_100k(),
                "crumpled 120 km random walk, 100,000 vertices 1.2 m apart, turns up to ±0.15 rad",
            ),
            "d" => (
                roads::smooth_1m(),
                "smooth 1,000 km, 1,000,000 vertices 1 m apart",
            ),
            "e" => (
                roads::wiggly_track_100k(),
                "wiggly track, 120 km random walk, 100,000 steps 1.2 m, heading within 5° of east",
            ),
            "f" => (
                roads::gps_track_100k(),
                "GPS track, 500 km of bends, 100,000 fixes 5 m apart with 3 m noise",
            ),
            other => return Err(format!("`{other}`: roads are a to f")),
        };
        let path = dir.join(format!("{key}.geojson"));
        std::fs::write(&path, geojson(&coords, made))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// One Feature with the road as a LineString; f64's `Display` is the shortest text that reads
/// back as the same number.
fn geojson(coords: &[Coord], made: &str) -> String {
    let mut out = String::with_capacity(coords.len() * 40 + 200);
    let _ = write!(
        out,
        r#"{{"type":"Feature","properties":{{"name":"issue 5 bench road","made":"{made} (tests/common/roads.rs)"}},"geometry":{{"type":"LineString","coordinates":["#
    );
    for (i, c) in coords.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(out, "{sep}[{},{}]", c.x, c.y);
    }
    out.push_str("]}}\n");
    out
}

fn time(path: &Path, runs: usize, cap: Cap) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let road = Road::from_geojson_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    drop(text);
    let options = CorridorOptions::symmetric(WIDTH_M)
        .map_err(|e| e.to_string())?
        .cap(cap);
    let mut best = Duration::MAX;
    let mut spent = Duration::ZERO;
    let mut done = 0;
    let mut corridor = None;
    while done < runs && (done == 0 || spent < TIME_BUDGET) {
        let started = Instant::now();
        let built = Corridor::build(&road, &options);
        let took = started.elapsed();
        best = best.min(took);
        spent += took;
        done += 1;
        corridor = Some(built);
    }
    let Some(corridor) = corridor else {
        return Err("no run".into());
    };
    let whole = corridor.whole();
    let boundary: usize = whole
        .0
        .iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    let rss = peak_rss_mb().map_or("n/a".to_string(), |mb| format!("{mb:.1}"));
    println!(
        "build_ms={:.2} runs={done} polygons={} boundary_vertices={boundary} area_km2={:.3} peak_rss_mb={rss}",
        best.as_secs_f64() * 1e3,
        whole.0.len(),
        corridor.area_km2()
    );
    Ok(())
}

/// The process's peak resident set size (`VmHWM`), MB, where the system says it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
