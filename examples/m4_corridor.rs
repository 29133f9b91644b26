//! The M4 security corridor of the Additional Protocol of 5 March 2020: 6 km north and 6 km
//! south of the M4, on the section of the joint patrols from Trumba (2 km west of Saraqib) to
//! Ain al-Hawr, read from its agreement file, `data/agreements/m4_2020.toml` (the same as
//! `corridor build data/agreements/m4_2020.toml --out DIR`).
//!
//! Also the joint patrol from Trumba to Ain al-Hawr and back, with its checkpoints, gates and
//! GPX. The schedule (15 March 2020, 09:00 local time, UTC+03:00, 40 km/h, 10 min at each
//! place) is illustrative: the protocol gives the date and the two ends, not the times.
//!
//! It also answers the users' first question, which villages the corridor takes in and on which
//! side: the OCHA populated places near the road (`data/populated_places.geojson`) are placed
//! against the corridor and those inside written to `out/m4_places.csv` and `.geojson`. The map
//! shows them over the Idlib and Latakia governorate boundaries (`data/governorates.geojson`).
//!
//! Run with `cargo run --release --example m4_corridor`; it reads `data/` and writes `out/`.

use std::path::Path;
use std::time::Instant;

use corridor::agreement::Agreement;
use corridor::classify::Classifier;
use corridor::{Corridor, Side, control_lines, export};
use geojson::{Feature, FeatureCollection, GeometryValue};

/// The sources of `data/` and their licences (data/README.md), credited in every map.
const CREDITS: [&str; 3] = [
    "Governorates, villages: UN OCHA Syria CODs, CC BY-IGO 3.0 (no UN endorsement implied)",
    "Places: GeoNames, CC BY 4.0",
    "Road: corridor contributors",
];

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
    // The protocol as an agreement file: the road, its places, the corridor's section, widths,
    // caps and tolerance, and the patrol with its illustrative schedule.
    let started = Instant::now();
    let agreement = Agreement::read(data.join("agreements").join("m4_2020.toml"))
        .and_then(|a| a.build())
        .map_err(|e| e.to_string())?;
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let zone = agreement.zones().first().ok_or("m4_2020.toml: no zone")?;
    let corridor = zone
        .corridor
        .as_ref()
        .ok_or("m4_2020.toml: the zone is not a corridor (a width either side)")?;
    let (west_m, east_m) = (zone.from_m, zone.to_m);
    let legs = agreement
        .patrols()
        .first()
        .map(|(_, legs)| legs.clone())
        .ok_or("m4_2020.toml: no patrol")?;
    let name = "M4 security corridor (Additional Protocol, 5 March 2020)";
    let places_path = data.join("places.geojson");
    let places_text = read(&places_path)?;
    let gates = control_lines::patrol_gates(corridor, &legs[0]).map_err(|e| e.to_string())?;

    let area = AreaLayers::read(&data)?;
    let villages = populated_places_in(corridor, &area.populated_places)?;
    let villages_layer = villages_geojson(&villages);
    let villages_map_layer = villages_map_geojson(&villages);
    let governorate_lines = governorate_lines_near(&area.governorates, corridor)?;

    // Every layer, and the named places for orientation, with the data's sources credited
    // (data/README.md, "Licences and attribution"); the governorate lines and the villages in
    // the corridor on the map page and in the KML.
    let places_layer = export::layer_from_geojson_str(&places_text)
        .map_err(|e| format!("{}: {e}", places_path.display()))?;
    let layers = export::LayerSet::new(name, corridor, &gates, &legs)
        .map_err(|e| e.to_string())?
        .places(places_layer)
        .map_layer("Governorate lines", governorate_lines, true)
        .map_layer(
            "Populated places in the corridor",
            villages_map_layer,
            false,
        );
    let layers = CREDITS.iter().fold(layers, |l, c| l.credit(*c));

    // The files are one set: all are written to temporaries first and renamed into place
    // together, so a failure leaves the outputs of the last good run as they were.
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let failed = |e: export::WriteError| format!("{e}: {}", e.source);
    let mut files = export::FileSet::new();
    layers.stage(&mut files, out, "m4_", "m4").map_err(failed)?;
    files
        .stage(&out.join("m4_places.geojson"), |w| {
            export::geojson_to_writer(w, &villages_layer)
        })
        .map_err(failed)?;
    // Styled in QGIS as places are (the villages' own rule).
    files
        .stage(&out.join("m4_places.qml"), |w| {
            w.write_all(export::layer_qml(export::QgisLayer::Places, &villages_layer).as_bytes())
        })
        .map_err(failed)?;
    files
        .stage(&out.join("m4_places.csv"), |w| {
            write_villages_csv(w, &villages)
        })
        .map_err(failed)?;
    let written = files.commit().map_err(failed)?;

    let names = corridor.names();
    println!("M4 corridor, Ain al-Hawr – Trumba, 6 km north and 6 km south, flat caps");
    println!(
        "  section length   {:>9.2} km  (road chainage {:.2} to {:.2} km)",
        corridor.length_m() / 1000.0,
        west_m / 1000.0,
        east_m / 1000.0
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
    println!("  read and built in {build_ms:.1} ms (corridor, patrol and its return)");
    for leg in &legs {
        println!();
        println!(
            "Patrol {} – {}: {:.2} km, {} to {} (illustrative schedule: {} km/h, {} min at each \
             place)",
            leg.from(),
            leg.to(),
            leg.length_m() / 1000.0,
            leg.start().format("%H:%M"),
            leg.end().format("%H:%M"),
            leg.options().speed_kmh,
            leg.options().dwell_min,
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
    print_villages(&villages, area.populated_places.features.len());
    let written: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    println!("  wrote {}", written.join(", "));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The villages in the corridor, and the area's layers they are drawn over

/// The area layers of `data/`: OCHA governorate boundaries and populated places.
struct AreaLayers {
    governorates: FeatureCollection,
    populated_places: FeatureCollection,
}

impl AreaLayers {
    fn read(data: &Path) -> Result<AreaLayers, String> {
        let layer = |file: &str| -> Result<FeatureCollection, String> {
            let path = data.join(file);
            export::layer_from_geojson_str(&read(&path)?)
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        Ok(AreaLayers {
            governorates: layer("governorates.geojson")?,
            populated_places: layer("populated_places.geojson")?,
        })
    }
}

/// How far around the corridor the map draws the governorate lines, degrees of longitude and
/// latitude (about 13 km): the page zooms to what it draws, and whole governorates would shrink
/// the corridor to a sliver.
const MAP_MARGIN_DEG: (f64, f64) = (0.15, 0.12);

/// The governorates' boundary lines within a box around the corridor, for the map page and the
/// KML; the whole polygons stay in `data/governorates.geojson`.
fn governorate_lines_near(
    governorates: &FeatureCollection,
    corridor: &Corridor,
) -> Result<FeatureCollection, String> {
    use geo::{BooleanOps, BoundingRect, Geometry, LineString, MultiLineString, Rect};
    let mut features = Vec::new();
    let Some(bounds) = corridor.whole().bounding_rect() else {
        return Ok(FeatureCollection::from_iter(features));
    };
    let (dx, dy) = MAP_MARGIN_DEG;
    let window = Rect::new(
        geo::coord! { x: bounds.min().x - dx, y: bounds.min().y - dy },
        geo::coord! { x: bounds.max().x + dx, y: bounds.max().y + dy },
    )
    .to_polygon();
    for (index, f) in governorates.features.iter().enumerate() {
        let bad = |why: &str| format!("data/governorates.geojson: feature {index}: {why}");
        let geometry = f.geometry.clone().ok_or_else(|| bad("no geometry"))?;
        let rings: Vec<LineString> =
            match Geometry::try_from(geometry).map_err(|e| bad(&e.to_string()))? {
                Geometry::Polygon(p) => std::iter::once(p.exterior().clone())
                    .chain(p.interiors().iter().cloned())
                    .collect(),
                Geometry::MultiPolygon(mp) => mp
                    .0
                    .iter()
                    .flat_map(|p| {
                        std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned())
                    })
                    .collect(),
                _ => return Err(bad("not a polygon")),
            };
        let near = window.clip(&MultiLineString(rings), false);
        if near.0.is_empty() {
            continue;
        }
        let mut properties = f.properties.clone().unwrap_or_default();
        for key in ["fill", "fill-opacity", "area_km2"] {
            properties.remove(key);
        }
        properties.insert("kind".into(), "governorate_line".into());
        features.push(export::line_feature(
            &near,
            serde_json::Value::Object(properties),
        ));
    }
    Ok(FeatureCollection::from_iter(features))
}

/// A populated place inside the corridor.
///
/// # Units
/// `distance_m` in metres from the road section, `chainage_km` in kilometres along the section
/// from its west end (Ain al-Hawr).
struct Village {
    name: String,
    name_ar: String,
    pcode: String,
    side: &'static str,
    distance_m: f64,
    chainage_km: f64,
    position: geo::Coord,
}

/// Every point of `places` inside the corridor, west to east, placed with the library's
/// classifier (exact geodesic distances, the same answer as the polygons).
fn populated_places_in(
    corridor: &Corridor,
    places: &FeatureCollection,
) -> Result<Vec<Village>, String> {
    let classifier = Classifier::for_corridor(corridor);
    let text = |f: &Feature, key: &str| {
        f.property(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut villages = Vec::new();
    for (index, f) in places.features.iter().enumerate() {
        let Some(GeometryValue::Point { coordinates }) = f.geometry.as_ref().map(|g| &g.value)
        else {
            return Err(format!(
                "data/populated_places.geojson: feature {index} is not a point"
            ));
        };
        let position = geo::Coord {
            x: coordinates[0],
            y: coordinates[1],
        };
        let at = classifier
            .classify(position)
            .map_err(|e| format!("data/populated_places.geojson: feature {index}: {e}"))?;
        if at.inside {
            villages.push(Village {
                name: text(f, "name"),
                name_ar: text(f, "name_ar"),
                pcode: text(f, "pcode"),
                side: at.side_name,
                distance_m: at.distance_m,
                chainage_km: at.chainage_km,
                position,
            });
        }
    }
    villages.sort_by(|a, b| a.chainage_km.total_cmp(&b.chainage_km));
    Ok(villages)
}

/// The villages as `out/m4_places.geojson`: one point each, with its side, distance and
/// chainage, coloured as the half it lies in.
fn villages_geojson(villages: &[Village]) -> FeatureCollection {
    let features = villages
        .iter()
        .map(|v| {
            export::point_feature(
                v.position,
                serde_json::json!({
                    "kind": "populated_place",
                    "name": v.name,
                    "name_ar": v.name_ar,
                    "pcode": v.pcode,
                    "side": v.side,
                    "distance_m": (v.distance_m * 10.0).round() / 10.0,
                    "chainage_km": (v.chainage_km * 1_000.0).round() / 1_000.0,
                    "source": "OCHA Syria COD populated places, CC BY-IGO 3.0",
                    "title": v.name,
                    "marker-color": side_colour(v.side),
                    "marker-size": "small",
                }),
            )
        })
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// The same points for the map page, where the legend names each half's villages: the legend
/// is keyed by `kind`.
fn villages_map_geojson(villages: &[Village]) -> FeatureCollection {
    let mut layer = villages_geojson(villages);
    for f in &mut layer.features {
        let side = f
            .property("side")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        let kind = format!("village_{side}_half");
        f.set_property("kind", kind);
    }
    layer
}

/// The halves' colours of the zones layer, so a village shows which half it is in.
fn side_colour(side: &str) -> &'static str {
    match side {
        "north" | "left" => "#1f77b4",
        _ => "#ff7f0e",
    }
}

/// The villages as `out/m4_places.csv`, west to east.
fn write_villages_csv(w: &mut dyn std::io::Write, villages: &[Village]) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "name",
        "name_ar",
        "pcode",
        "side",
        "distance_m",
        "chainage_km",
        "lon",
        "lat",
    ])?;
    for v in villages {
        csv.write_record([
            v.name.as_str(),
            v.name_ar.as_str(),
            v.pcode.as_str(),
            v.side,
            &format!("{:.1}", v.distance_m),
            &format!("{:.3}", v.chainage_km),
            &format!("{:.6}", v.position.x),
            &format!("{:.6}", v.position.y),
        ])?;
    }
    csv.flush()
}

/// How many villages each half takes in.
fn print_villages(villages: &[Village], near_road: usize) {
    let count = |side: &str| villages.iter().filter(|v| v.side == side).count();
    println!();
    println!(
        "Populated places in the corridor (OCHA, of {near_road} within 20 km of the road): {} in \
         the north half, {} in the south half, {} in all",
        count("north"),
        count("south"),
        villages.len()
    );
}
