//! The `proj` feature end to end: inputs in UTM zone 37N (EPSG:32637) give the same corridor as
//! the WGS84 inputs, and `--output-crs` writes layers that GDAL reads as UTM 37N.
//!
//! The projected inputs are made with the library's own `Crs`; what is checked against
//! something independent is the corridor (built by the WGS84 path, which the oracle tests
//! cover) and the files (read by GDAL's `ogrinfo` where it is installed).

#![cfg(feature = "proj")]

#[path = "common/run.rs"]
mod run;

use std::path::Path;

use corridor::crs::Crs;
use geo::{GeodesicArea, Geometry};
use geojson::GeoJson;
use run::{M4_SECTION, ROAD_GEOMETRY, assert_ok, build, data_arg, feature_count, ogrinfo, run_in};
use serde_json::Value;

/// Writes a WGS84 GeoJSON file projected to `crs`, as a user's GIS would hand it over.
fn project_file(crs: &Crs, from: &Path, to: &Path) {
    let fc = corridor::geojson_input::feature_collection(&std::fs::read_to_string(from).unwrap())
        .unwrap();
    let projected = crs.geojson_from_wgs84(&fc).unwrap();
    std::fs::write(to, serde_json::to_string(&projected).unwrap()).unwrap();
}

/// Geodesic areas of the features of a zones file, in its order, km².
fn zone_areas_km2(path: &Path) -> Vec<f64> {
    let geojson: GeoJson = std::fs::read_to_string(path).unwrap().parse().unwrap();
    let GeoJson::FeatureCollection(fc) = geojson else {
        panic!("{}: not a FeatureCollection", path.display())
    };
    fc.features
        .iter()
        .map(|f| {
            let g = Geometry::try_from(&f.geometry.as_ref().unwrap().value).unwrap();
            match g {
                Geometry::Polygon(p) => p.geodesic_area_unsigned() / 1e6,
                Geometry::MultiPolygon(m) => m.geodesic_area_unsigned() / 1e6,
                other => panic!("unexpected zone geometry {other:?}"),
            }
        })
        .collect()
}

#[test]
fn m4_from_utm_37n_gives_the_wgs84_corridor_and_gdal_reads_the_projected_layers() {
    let dir = tempfile::tempdir().unwrap();
    let utm = Crs::new("EPSG:32637").unwrap();
    project_file(
        &utm,
        &run::data("m4.geojson"),
        &dir.path().join("m4_utm.geojson"),
    );
    project_file(
        &utm,
        &run::data("places.geojson"),
        &dir.path().join("places_utm.geojson"),
    );

    let road = data_arg("m4.geojson");
    let places = data_arg("places.geojson");
    let mut wgs84 = vec![
        "build", "--road", &road, "--places", &places, "--out", "wgs84",
    ];
    wgs84.extend(["--width", "6km"]);
    wgs84.extend(M4_SECTION);
    assert_ok(&run_in(dir.path(), &wgs84));

    let mut projected = vec![
        "build",
        "--crs",
        "EPSG:32637",
        "--road",
        "m4_utm.geojson",
        "--places",
        "places_utm.geojson",
        "--output-crs",
        "EPSG:32637",
        "--out",
        "utm",
    ];
    projected.extend(["--width", "6km"]);
    projected.extend(M4_SECTION);
    let out = run_in(dir.path(), &projected);
    assert_ok(&out);

    // The same corridor: the UTM round trip moves the road by far less than a millimetre.
    let expected = zone_areas_km2(&dir.path().join("wgs84/zones.geojson"));
    let found = zone_areas_km2(&dir.path().join("utm/zones.geojson"));
    assert_eq!(expected.len(), 3);
    assert_eq!(found.len(), expected.len());
    for (e, f) in expected.iter().zip(&found) {
        assert!(
            (f - e).abs() <= 1e-6 * e,
            "zone area {f} km², WGS84 build {e} km²"
        );
    }

    // The WGS84 outputs stay RFC 7946: no `crs` member, even from projected inputs.
    let zones: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("utm/zones.geojson")).unwrap(),
    )
    .unwrap();
    assert!(zones.get("crs").is_none());

    // The projected layers: the legacy `crs` member and eastings, northings in metres.
    for name in [
        "zones.geojson",
        "control_lines.geojson",
        "patrol.geojson",
        "checkpoints.geojson",
    ] {
        let path = dir.path().join("utm/epsg_32637").join(name);
        let layer: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            layer["crs"],
            serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}}),
            "{name}"
        );
        let wgs84_layer: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("wgs84").join(name)).unwrap(),
        )
        .unwrap();
        assert_eq!(
            layer["features"].as_array().unwrap().len(),
            wgs84_layer["features"].as_array().unwrap().len(),
            "{name}"
        );
        let text = layer.to_string();
        assert!(!text.contains("[36."), "{name} still holds longitudes");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("epsg_32637/zones.geojson"), "{stdout}");

    for (name, count) in [
        ("zones.geojson", 3),
        (
            "control_lines.geojson",
            feature_count(&dir.path().join("wgs84/control_lines.geojson")),
        ),
        (
            "patrol.geojson",
            feature_count(&dir.path().join("wgs84/patrol.geojson")),
        ),
        (
            "checkpoints.geojson",
            feature_count(&dir.path().join("wgs84/checkpoints.geojson")),
        ),
    ] {
        let Some(stdout) = ogrinfo(&dir.path().join("utm/epsg_32637").join(name)) else {
            return;
        };
        assert!(stdout.contains("UTM zone 37N"), "{name}: {stdout}");
        assert!(
            stdout.contains(&format!("Feature Count: {count}\n")),
            "{name}: expected {count} features\n{stdout}"
        );
    }
}

/// Points either side of the test road (longitude, latitude) and beyond.
const POINTS: [(f64, f64); 4] = [
    (36.75, 35.90),
    (36.76, 35.82),
    (36.75, 35.95),
    (36.60, 35.86),
];

#[test]
fn classify_points_given_in_utm_as_in_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let utm = Crs::new("EPSG:32637").unwrap();
    std::fs::write(dir.path().join("road.geojson"), ROAD_GEOMETRY).unwrap();
    project_file(
        &utm,
        &dir.path().join("road.geojson"),
        &dir.path().join("road_utm.geojson"),
    );
    let mut lon_lat = String::from("id,lon,lat\n");
    let mut x_y = String::from("id,x,y\n");
    let mut features = Vec::new();
    for (i, &(lon, lat)) in POINTS.iter().enumerate() {
        lon_lat.push_str(&format!("p{i},{lon},{lat}\n"));
        let c = utm.from_wgs84(geo::coord! { x: lon, y: lat }).unwrap();
        x_y.push_str(&format!("p{i},{},{}\n", c.x, c.y));
        features.push(
            serde_json::json!({"type": "Feature", "properties": {"id": i},
            "geometry": {"type": "Point", "coordinates": [c.x, c.y]}}),
        );
    }
    std::fs::write(dir.path().join("wgs84.csv"), lon_lat).unwrap();
    std::fs::write(dir.path().join("utm.csv"), &x_y).unwrap();
    let points_utm = serde_json::json!({"type": "FeatureCollection", "features": features,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}}});
    std::fs::write(dir.path().join("utm.geojson"), points_utm.to_string()).unwrap();

    let classify = |road: &str, points: &str, crs: Option<&str>| -> String {
        let mut args = vec!["classify", "--road", road, "--width", "6km", points];
        if let Some(crs) = crs {
            args.extend(["--crs", crs]);
        }
        let out = run_in(dir.path(), &args);
        assert_ok(&out);
        String::from_utf8(out.stdout).unwrap()
    };
    let expected = classify("road.geojson", "wgs84.csv", None);
    let found = classify("road_utm.geojson", "utm.csv", Some("EPSG:32637"));
    // The input columns are kept as given; the added ones agree to the centimetre.
    let added = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.splitn(4, ',').nth(3).unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(added(&found), added(&expected), "\n{found}\n{expected}");
    assert_eq!(
        found
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .take(3)
            .collect::<Vec<_>>(),
        x_y.lines().nth(1).unwrap().split(',').collect::<Vec<_>>()
    );
    assert!(found.contains(",true,north,") && found.contains(",true,south,"));

    // GeoJSON points keep their coordinates and their `crs` member.
    let placed: Value = serde_json::from_str(&classify(
        "road_utm.geojson",
        "utm.geojson",
        Some("EPSG:32637"),
    ))
    .unwrap();
    // Read back as the binary reads it (serde_json's default float parsing), to compare alike.
    let given: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("utm.geojson")).unwrap())
            .unwrap();
    assert_eq!(placed["crs"], given["crs"]);
    for (placed, given) in placed["features"]
        .as_array()
        .unwrap()
        .iter()
        .zip(given["features"].as_array().unwrap())
    {
        assert_eq!(placed["geometry"], given["geometry"]);
    }
    let sides: Vec<&str> = placed["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["side"].as_str().unwrap())
        .collect();
    assert_eq!(sides, ["north", "south", "north", "north"]);
}

#[test]
fn crs_mistakes_are_one_line_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("road.geojson"), ROAD_GEOMETRY).unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["--crs", "EPSG:999999"],
            "corridor: --crs: unknown coordinate reference system `EPSG:999999`: crs not found",
        ),
        (
            &["--output-crs", "+proj=utm +zone=37 +datum=WGS84"],
            "is not an AUTHORITY:CODE name (such as EPSG:32637)",
        ),
        (
            // Eastings and northings without --crs.
            &["--from", "300000,3970000"],
            "corridor: `300000,3970000` is not a position: expected LON,LAT",
        ),
    ];
    for (extra, message) in cases {
        let mut args = build(&["--width", "1km"]);
        args.extend(extra);
        let out = run_in(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(!dir.path().join("out").exists(), "{extra:?} wrote files");
    }
}

/// --from and --to as X,Y in --crs: located where the same point given as LON,LAT is, named as
/// given, and a point too far from the road is reported in the units it was given in.
#[test]
fn ends_given_in_the_crs_are_located_as_in_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let utm = Crs::new("EPSG:32637").unwrap();
    std::fs::write(dir.path().join("road.geojson"), ROAD_GEOMETRY).unwrap();
    project_file(
        &utm,
        &dir.path().join("road.geojson"),
        &dir.path().join("road_utm.geojson"),
    );
    // 300 m north of the road near its start, longitude, latitude.
    let (lon, lat) = (36.72, 35.865);
    let c = utm.from_wgs84(geo::coord! { x: lon, y: lat }).unwrap();
    let (lon_lat, x_y) = (format!("{lon},{lat}"), format!("{},{}", c.x, c.y));
    let section = |road: &str, from: &str, crs: &[&str]| -> String {
        let mut args = vec!["build", "--road", road, "--from", from, "--to", "km:8"];
        args.extend(["--width", "1km", "--out", "out"]);
        args.extend(crs);
        let out = run_in(dir.path(), &args);
        assert_ok(&out);
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    let wgs84 = section("road.geojson", &lon_lat, &[]);
    let projected = section("road_utm.geojson", &x_y, &["--crs", "EPSG:32637"]);
    assert!(
        wgs84.starts_with(&format!("section   {lon_lat} – km 8: ")),
        "{wgs84}"
    );
    assert!(
        projected.starts_with(&format!("section   {x_y} – km 8: ")),
        "{projected}"
    );
    // The same chainages: "…: L km (road km A to B)" alike after the names.
    assert_eq!(wgs84.split(": ").nth(1), projected.split(": ").nth(1));

    let far = format!("{},{}", c.x, c.y + 5_000.0);
    let mut args = vec!["build", "--road", "road_utm.geojson", "--from", &far];
    args.extend(["--width", "1km", "--out", "far", "--crs", "EPSG:32637"]);
    let out = run_in(dir.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!("corridor: road_utm.geojson: the point {far} is ")),
        "{stderr}"
    );
    assert!(stderr.contains("positions are X,Y in --crs"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(!dir.path().join("far").exists());
}
