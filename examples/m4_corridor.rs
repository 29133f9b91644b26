//! The M4 security corridor of the Additional Protocol of 5 March 2020: 6 km north and 6 km
//! south of the M4, on the section of the joint patrols from Trumba (2 km west of Saraqib) to
//! Ain al-Hawr.
//!
//! Also the joint patrol from Trumba to Ain al-Hawr and back, with its checkpoints, gates and
//! GPX. The schedule (15 March 2020, 09:00 local time, UTC+03:00, 40 km/h, 10 min at each
//! place) is illustrative: the protocol gives the date and the two ends, not the times.
//!
//! Run with `cargo run --release --example m4_corridor`; it reads `data/` and writes `out/`.

use std::path::Path;
use std::time::Instant;

use corridor::patrol::{Patrol, PatrolOptions};
use corridor::{Cap, Corridor, CorridorOptions, Places, Road, Side, control_lines, export};

/// A place farther than this from the road cannot stand for a point on it.
const MAX_PLACE_DISTANCE_M: f64 = 2_000.0;

/// The sources of `data/` and their licences (data/README.md), credited in every map.
const CREDITS: [&str; 3] = [
    "Road, estimated villages: corridor contributors (data/README.md)",
    "Places: GeoNames, CC BY 4.0",
    "Wikipedia contributors, CC BY-SA 4.0",
];

/// An illustrative start for the first joint patrol: the protocol gives only the date.
const PATROL_START: &str = "2020-03-15T09:00:00+03:00";
/// Illustrative convoy speed, km/h.
const PATROL_SPEED_KMH: f64 = 40.0;
/// Illustrative stop at each place on the way, minutes.
const PATROL_DWELL_MIN: f64 = 10.0;
/// Illustrative turnaround at Ain al-Hawr before the return leg, minutes.
const PATROL_TURNAROUND_MIN: f64 = 30.0;

fn main() {
    if let Err(e) = run() {
        eprintln!("m4_corridor: {e}");
        std::process::exit(1);
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out = Path::new("out");
    let road_path = data.join("m4.geojson");
    let places_path = data.join("places.geojson");
    let road = Road::from_geojson_str(&read(&road_path)?)
        .map_err(|e| format!("{}: {e}", road_path.display()))?;
    let places_text = read(&places_path)?;
    let places = Places::from_geojson_str(&places_text)
        .map_err(|e| format!("{}: {e}", places_path.display()))?;

    // Build on the section in the road's own direction (west to east), so that left is north.
    let west = places
        .located(&road, "Ain al-Hawr", MAX_PLACE_DISTANCE_M)
        .map_err(|e| format!("{}: {e}", places_path.display()))?;
    let east = places
        .located(&road, "Trumba", MAX_PLACE_DISTANCE_M)
        .map_err(|e| format!("{}: {e}", places_path.display()))?;
    let section = road
        .section_m(west.chainage_m, east.chainage_m)
        .map_err(|e| e.to_string())?;
    let options = CorridorOptions::new(6_000.0, 6_000.0)
        .map_err(|e| e.to_string())?
        .cap(Cap::Flat);

    let started = Instant::now();
    let corridor = Corridor::build(&section, &options);
    let build_ms = started.elapsed().as_secs_f64() * 1e3;

    let name = "M4 security corridor (Additional Protocol, 5 March 2020)";

    // The patrol runs east to west, against the road's drawing.
    let patrol_options = PatrolOptions::from_rfc3339(PATROL_START)
        .and_then(|o| o.speed_kmh(PATROL_SPEED_KMH))
        .and_then(|o| o.dwell_min(PATROL_DWELL_MIN))
        .and_then(|o| o.max_place_distance_m(MAX_PLACE_DISTANCE_M))
        .map_err(|e| e.to_string())?;
    let patrol = Patrol::plan(&road, &places, "Trumba", "Ain al-Hawr", &patrol_options)
        .map_err(|e| format!("{}: {e}", places_path.display()))?;
    let back = patrol
        .return_leg(PATROL_TURNAROUND_MIN)
        .map_err(|e| e.to_string())?;
    let legs = [patrol, back];
    let gates = control_lines::patrol_gates(&corridor, &legs[0]).map_err(|e| e.to_string())?;

    // Every layer, and the named places for orientation, with the data's sources credited
    // (data/README.md, "Licences and attribution").
    let places_layer = export::layer_from_geojson_str(&places_text)
        .map_err(|e| format!("{}: {e}", places_path.display()))?;
    let layers = export::LayerSet::new(name, &corridor, &gates, &legs)
        .map_err(|e| e.to_string())?
        .places(places_layer);
    let layers = CREDITS.iter().fold(layers, |l, c| l.credit(*c));

    // The files are one set: all are written to temporaries first and renamed into place
    // together, so a failure leaves the outputs of the last good run as they were.
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let failed = |e: export::WriteError| format!("{e}: {}", e.source);
    let mut files = export::FileSet::new();
    layers.stage(&mut files, out, "m4_", "m4").map_err(failed)?;
    let written = files.commit().map_err(failed)?;

    let names = corridor.names();
    println!("M4 corridor, Ain al-Hawr – Trumba, 6 km north and 6 km south, flat caps");
    println!(
        "  section length   {:>9.2} km  (road chainage {:.2} to {:.2} km)",
        corridor.length_m() / 1000.0,
        west.chainage_m / 1000.0,
        east.chainage_m / 1000.0
    );
    println!("  corridor area    {:>9.2} km²", corridor.area_km2());
    for side in [Side::Left, Side::Right] {
        println!(
            "  {:<5} half       {:>9.2} km²",
            names.name(side),
            corridor.half_area_km2(side)
        );
    }
    println!(
        "  polygons         {} (vertices: {})",
        corridor.whole().0.len(),
        corridor
            .whole()
            .0
            .iter()
            .map(|p| p.exterior().0.len())
            .sum::<usize>()
    );
    println!("  built in {build_ms:.1} ms");
    for leg in &legs {
        println!();
        println!(
            "Patrol {} – {}: {:.2} km, {} to {} (illustrative schedule: {PATROL_SPEED_KMH} km/h, \
             {PATROL_DWELL_MIN} min at each place)",
            leg.from(),
            leg.to(),
            leg.length_m() / 1000.0,
            leg.start().format("%H:%M"),
            leg.end().format("%H:%M"),
        );
        for line in leg.schedule_table().lines() {
            println!("  {line}");
        }
    }
    println!();
    println!(
        "  gates: {}",
        gates
            .iter()
            .map(|g| format!("{} (km {:.2})", g.name, g.chainage_km()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let written: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    println!("  wrote {}", written.join(", "));
    Ok(())
}
