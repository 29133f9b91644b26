//! The M4 security corridor of the Additional Protocol of 5 March 2020: 6 km north and 6 km
//! south of the M4, on the section of the joint patrols from Trumba (2 km west of Saraqib) to
//! Ain al-Hawr.
//!
//! Run with `cargo run --release --example m4_corridor`; it reads `data/` and writes `out/`.

use std::path::Path;
use std::time::Instant;

use corridor::{Cap, Corridor, CorridorOptions, Places, Road, Side, export};

/// A place farther than this from the road cannot stand for a point on it.
const MAX_PLACE_DISTANCE_M: f64 = 2_000.0;

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
    let places = Places::from_geojson_str(&read(&places_path)?)
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

    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let name = "M4 security corridor (Additional Protocol, 5 March 2020)";
    export::write_geojson(
        &out.join("m4_zones.geojson"),
        &export::zones_geojson(&corridor, name),
    )
    .map_err(|e| e.to_string())?;
    export::write_geojson(
        &out.join("m4_control_lines.geojson"),
        &export::control_lines_geojson(&corridor, &[]),
    )
    .map_err(|e| e.to_string())?;

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
    println!(
        "  built in {build_ms:.1} ms; wrote out/m4_zones.geojson, out/m4_control_lines.geojson"
    );
    Ok(())
}
