//! The facts `data/README.md` states about the M4 data, checked from the files themselves: the
//! files are read with serde_json, distances and areas computed with GeographicLib
//! (geographiclib-rs) and the brute-force oracle of `common/mod.rs`, not through the crate,
//! except where the crate's answer is what is checked (the villages of the corridor).

mod common;

use common::Oracle;
use corridor::classify::Classifier;
use corridor::{Cap, Corridor, CorridorOptions, Places, Road};
use geo::{Coord, GeodesicArea, LineString, Polygon, Validation, Winding};
use geographiclib_rs::{Geodesic, InverseGeodesic};
use serde_json::Value;

fn data(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn coord(v: &Value) -> Coord {
    Coord {
        x: v[0].as_f64().unwrap(),
        y: v[1].as_f64().unwrap(),
    }
}

/// Geodesic distance in metres, (lon, lat) in.
fn dist_m(a: Coord, b: Coord) -> f64 {
    Geodesic::wgs84().inverse(a.y, a.x, b.y, b.x)
}

fn road_vertices() -> Vec<Coord> {
    let road = data("m4.geojson");
    road["features"][0]["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .map(coord)
        .collect()
}

fn place(places: &Value, name: &str) -> Coord {
    let f = places["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name"] == name)
        .unwrap_or_else(|| panic!("no place {name}"));
    coord(&f["geometry"]["coordinates"])
}

#[test]
fn every_place_is_from_a_gazetteer_with_the_spread_it_states() {
    let places = data("places.geojson");
    let features = places["features"].as_array().unwrap();
    assert_eq!(features.len(), 9);
    for f in features {
        let p = &f["properties"];
        let name = p["name"].as_str().unwrap();
        let at = coord(&f["geometry"]["coordinates"]);
        let (ocha, geonames) = (coord(&p["ocha_lon_lat"]), coord(&p["geonames_lon_lat"]));
        let spread = dist_m(ocha, geonames);
        assert!(
            (spread - p["gazetteer_spread_m"].as_f64().unwrap()).abs() <= 1.0,
            "{name}: spread {spread:.1} m"
        );
        assert!(p["geonames_id"].as_u64().is_some(), "{name}");
        assert!(
            !p["source"].as_str().unwrap().contains("estimated"),
            "{name}"
        );
        let from = p["position_from"].as_str().unwrap();
        let gazetteer = if from == "OCHA" { ocha } else { geonames };
        assert!(
            dist_m(at, gazetteer) < 0.2,
            "{name} is not its {from} point"
        );
        if from == "OCHA" {
            // The accuracy covers the other gazetteer's point.
            assert!(p["accuracy_m"].as_f64().unwrap() >= spread, "{name}");
            assert!(p["pcode"].as_str().unwrap().starts_with('C'), "{name}");
        }
    }
    // Ain al-Hawr is GeoNames 172221, the Latakia one; OCHA's C3728 is 8.1 km away.
    let ain = features
        .iter()
        .find(|f| f["properties"]["name"] == "Ain al-Hawr")
        .unwrap();
    assert_eq!(ain["properties"]["geonames_id"], 172_221);
    assert_eq!(ain["properties"]["position_from"], "GeoNames");
    assert!((ain["properties"]["gazetteer_spread_m"].as_f64().unwrap() - 8_129.0).abs() < 1.0);
}

#[test]
fn the_road_passes_within_a_kilometre_of_every_town_it_runs_through() {
    let places = data("places.geojson");
    let road = road_vertices();
    let oracle = Oracle::new(&road, 10.0);
    let on_road = [
        "Ain al-Hawr",
        "Jisr al-Shughur",
        "Muhambal",
        "Urum al-Jawz",
        "Ariha",
        "Nayrab",
        "Trumba",
        "Saraqib",
    ];
    for name in on_road {
        let d = oracle.nearest(place(&places, name)).distance_m;
        assert!(d <= 1_000.0, "{name} is {d:.0} m from the road");
    }
    // Latakia's centre is off the road's start, as the patrol tests expect.
    assert!(oracle.nearest(place(&places, "Latakia")).distance_m > 2_000.0);
    // The length the file states, between the published 98 km and about 120 km.
    let length_km = oracle.length_m() / 1_000.0;
    let stated = data("m4.geojson")["features"][0]["properties"]["length_km_line"]
        .as_f64()
        .unwrap();
    assert!((length_km - stated).abs() < 0.05, "{length_km} km");
    assert!((98.0..120.0).contains(&length_km));
    // West to east.
    assert!(road.windows(2).all(|w| w[1].x > w[0].x));
}

#[test]
fn governorates_are_valid_counter_clockwise_and_of_their_stated_area() {
    let governorates = data("governorates.geojson");
    let features = governorates["features"].as_array().unwrap();
    let names: Vec<_> = features.iter().map(|f| &f["properties"]["name"]).collect();
    assert_eq!(names, ["Idlib", "Latakia"]);
    let mut polygons = Vec::new();
    for f in features {
        assert_eq!(f["geometry"]["type"], "Polygon");
        let rings: Vec<LineString> = f["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| LineString(r.as_array().unwrap().iter().map(coord).collect()))
            .collect();
        let polygon = Polygon::new(rings[0].clone(), rings[1..].to_vec());
        assert!(polygon.is_valid(), "{}", f["properties"]["name"]);
        assert!(polygon.exterior().is_ccw());
        let area_km2 = polygon.geodesic_area_unsigned() / 1e6;
        let stated = f["properties"]["area_km2"].as_f64().unwrap();
        assert!((area_km2 - stated).abs() < 0.1, "{area_km2} km²");
        assert!(
            f["properties"]["attribution"]
                .as_str()
                .unwrap()
                .contains("OCHA")
        );
        polygons.push(polygon);
    }
    // Simplified as one coverage: the common line is shared, so the two do not overlap.
    use geo::{Area, BooleanOps};
    let overlap = polygons[0].intersection(&polygons[1]);
    assert!(
        overlap.unsigned_area() < 1e-9,
        "{}",
        overlap.unsigned_area()
    );
    // The road crosses from Latakia into Idlib between Ain al-Hawr and Badama.
    use geo::Contains;
    let places = data("places.geojson");
    assert!(polygons[1].contains(&place(&places, "Ain al-Hawr")));
    assert!(polygons[0].contains(&place(&places, "Jisr al-Shughur")));
}

/// The villages the README counts: every OCHA populated place placed by the crate's classifier
/// against the example's corridor agrees with the oracle, and the counts are 34 north, 40 south.
#[test]
fn villages_of_the_corridor_agree_with_the_oracle() {
    let places_text = serde_json::to_string(&data("places.geojson")).unwrap();
    let road_text = serde_json::to_string(&data("m4.geojson")).unwrap();
    let road = Road::from_geojson_str(&road_text).unwrap();
    let places = Places::from_geojson_str(&places_text).unwrap();
    let section = places
        .section(&road, "Ain al-Hawr", "Trumba", 2_000.0)
        .unwrap();
    let corridor = Corridor::build(
        &section,
        &CorridorOptions::new(6_000.0, 6_000.0)
            .unwrap()
            .cap(Cap::Flat),
    );
    let classifier = Classifier::for_corridor(&corridor);
    let oracle = Oracle::new(section.coords(), 5.0);
    let populated = data("populated_places.geojson");
    let (mut north, mut south) = (0, 0);
    for f in populated["features"].as_array().unwrap() {
        let p = coord(&f["geometry"]["coordinates"]);
        let at = classifier.classify(p).unwrap();
        let truth = oracle.nearest(p);
        assert!(
            (at.distance_m - truth.distance_m).abs() < 0.5,
            "{}: {} vs {}",
            f["properties"]["name"],
            at.distance_m,
            truth.distance_m
        );
        // Clear of the limits and caps by more than the oracle's error, so both must agree.
        let length_m = oracle.length_m();
        let inside =
            truth.distance_m <= 6_000.0 && truth.chainage_m > 0.0 && truth.chainage_m < length_m;
        assert_eq!(at.inside, inside, "{}", f["properties"]["name"]);
        if inside {
            // A village on the road counts north (left of the eastward road).
            let north_of_road = truth.distance_m < 1.0 || truth.side > 0.0;
            assert_eq!(at.side_name == "north", north_of_road);
            if north_of_road {
                north += 1;
            } else {
                south += 1;
            }
        }
    }
    assert_eq!((north, south), (34, 40));
}
