//! Agreement files (`corridor build AGREEMENT.toml --out DIR`): the two shipped agreements build,
//! open in GDAL, agree with the same zones built flag by flag, and a bad file gets one line.

#[path = "common/run.rs"]
mod run;

use std::collections::HashMap;

use run::{
    Workdir, assert_ok, assert_one_line_error, data_arg, ogr_feature_count, ogrinfo, run_in,
};
use serde_json::Value;

fn agreement(name: &str) -> String {
    data_arg(&format!("agreements/{name}"))
}

/// `places.csv` as maps of column to value.
fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn ne_syria_builds_and_opens_in_gdal() {
    let d = Workdir::new();
    let o = d.run(&[
        "build",
        &agreement("sochi_2019_ne_syria.toml"),
        "--out",
        "ne",
    ]);
    assert_ok(&o);
    let zones = d.json("ne/zones.geojson");
    let features = zones["features"].as_array().expect("features");
    let ids: Vec<(&str, &str)> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (p["zone"].as_str().unwrap(), p["kind"].as_str().unwrap())
        })
        .collect();
    // Every zone is one-sided (south of the border): the zone and its south side.
    let mut expected = Vec::new();
    for id in [
        "withdrawal_30km",
        "peace_spring",
        "patrol_strip_west",
        "patrol_strip_east",
    ] {
        expected.extend([(id, "corridor"), (id, "corridor_side")]);
    }
    assert_eq!(ids, expected);
    for f in features
        .iter()
        .filter(|f| f["properties"]["kind"] == "corridor_side")
    {
        assert_eq!(f["properties"]["side"], "south");
        assert_eq!(f["properties"]["inner_m"], 0.0);
    }
    let outer: Vec<f64> = features
        .iter()
        .filter(|f| f["properties"]["kind"] == "corridor_side")
        .map(|f| f["properties"]["outer_m"].as_f64().unwrap())
        .collect();
    assert_eq!(outer, [30_000.0, 32_000.0, 10_000.0, 10_000.0]);

    let rows = csv_rows(&d.read("ne/places.csv"));
    let places = 18 + 4; // towns and sites of data/ne_syria
    assert_eq!(rows.len(), places * 4);
    let row = |name: &str, zone: &str| {
        rows.iter()
            .find(|r| r["name"] == name && r["zone"] == zone)
            .unwrap_or_else(|| panic!("no row for {name} in {zone}"))
    };
    // Facts of the memorandum as the file draws it: Qamishli is excepted from the eastern
    // strip, Kobani is in the western one, Suluk (in the Peace Spring area) is not in the
    // withdrawal zone, Amuda is, Hasakah (60 km south) is in none.
    assert_eq!(row("Qamishli", "patrol_strip_east")["inside"], "false");
    assert_eq!(row("Kobani", "patrol_strip_west")["inside"], "true");
    assert_eq!(row("Suluk", "withdrawal_30km")["inside"], "false");
    assert_eq!(row("Suluk", "peace_spring")["inside"], "true");
    assert_eq!(row("Amuda", "withdrawal_30km")["inside"], "true");
    assert!(
        rows.iter()
            .filter(|r| r["name"] == "Hasakah")
            .all(|r| r["inside"] == "false")
    );
    // A border crossing on the line is on the zone's side of it.
    let crossing = row("Sherik border crossing", "patrol_strip_east");
    assert_eq!(
        (crossing["inside"].as_str(), crossing["side"].as_str()),
        ("true", "south")
    );

    // The KML, a folder per layer, opens in GDAL without a warning.
    if ogrinfo(&d.path("ne/sochi_2019_ne_syria.kml")).is_none() {
        return;
    }
    for file in ["zones", "places", "control_lines", "patrol", "checkpoints"] {
        let path = d.path(&format!("ne/{file}.geojson"));
        let Some(report) = ogrinfo(&path) else {
            return;
        };
        let count = ogr_feature_count(&report, file);
        let value: Value = d.json(&format!("ne/{file}.geojson"));
        assert_eq!(count, value["features"].as_array().unwrap().len(), "{file}");
    }
}

/// The same zone built flag by flag with `corridor classify`: the places file's rows must be
/// what `classify` says of each place, zone by zone.
#[test]
fn places_per_zone_agree_with_classify() {
    let d = Workdir::new();
    assert_ok(&d.run(&[
        "build",
        &agreement("sochi_2019_ne_syria.toml"),
        "--out",
        "ne",
    ]));
    let rows = csv_rows(&d.read("ne/places.csv"));
    let mut points = String::from("name,lon,lat\n");
    for r in rows.iter().filter(|r| r["zone"] == "withdrawal_30km") {
        points.push_str(&format!("\"{}\",{},{}\n", r["name"], r["lon"], r["lat"]));
    }
    d.write("points.csv", points);
    let border = data_arg("ne_syria/border.geojson");
    let places = data_arg("ne_syria/places.geojson");
    let qamishli = "41.194532,37.081776..41.252146,37.07786";
    // Each zone of the file as flags, and its section's start along the border (km).
    let zones: [(&str, Vec<&str>, f64); 4] = [
        (
            "withdrawal_30km",
            vec!["--south", "30km", "--except", "Tal Abyad..Ras al-Ayn"],
            0.0,
        ),
        (
            "peace_spring",
            vec![
                "--from",
                "Tal Abyad",
                "--to",
                "Ras al-Ayn",
                "--south",
                "32km",
            ],
            f64::NAN,
        ),
        (
            "patrol_strip_west",
            vec!["--from", "km:0", "--to", "Tal Abyad", "--south", "10km"],
            0.0,
        ),
        (
            "patrol_strip_east",
            vec![
                "--from",
                "Ras al-Ayn",
                "--south",
                "10km",
                "--except",
                qamishli,
            ],
            f64::NAN,
        ),
    ];
    for (zone, flags, _) in &zones {
        let mut args = vec![
            "classify", "--road", &border, "--places", &places, "--north", "0",
        ];
        args.extend(flags.iter().copied());
        args.push("points.csv");
        let o = d.run(&args);
        assert_ok(&o);
        let classified = csv_rows(&run::stdout(&o));
        let ours: Vec<&HashMap<String, String>> =
            rows.iter().filter(|r| r["zone"] == *zone).collect();
        assert_eq!(classified.len(), ours.len(), "{zone}");
        for (c, r) in classified.iter().zip(&ours) {
            assert_eq!(c["name"], r["name"]);
            assert_eq!(c["inside"], r["inside"], "{zone}: {}", r["name"]);
            assert_eq!(c["side"], r["side"], "{zone}: {}", r["name"]);
            let (dc, dr): (f64, f64) = (
                c["distance_m"].parse().unwrap(),
                r["distance_m"].parse().unwrap(),
            );
            assert!(
                (dc - dr).abs() <= 0.06,
                "{zone}: {}: {dc} m against {dr} m",
                r["name"]
            );
        }
    }
}

/// The M4 protocol's file builds the corridor `corridor build` builds from flags.
#[test]
fn m4_agreement_is_the_m4_corridor() {
    let d = Workdir::new();
    let o = d.run(&["build", &agreement("m4_2020.toml"), "--out", "a"]);
    assert_ok(&o);
    let (road, places) = (data_arg("m4.geojson"), data_arg("places.geojson"));
    let o = d.run(&[
        "build",
        "--road",
        &road,
        "--places",
        &places,
        "--from",
        "Ain al-Hawr",
        "--to",
        "Trumba",
        "--width",
        "6km",
        "--out",
        "b",
    ]);
    assert_ok(&o);
    let (a, b) = (d.json("a/zones.geojson"), d.json("b/zones.geojson"));
    for k in 0..3 {
        let area = |v: &Value| v["features"][k]["properties"]["area_km2"].as_f64().unwrap();
        assert_eq!(area(&a), area(&b), "feature {k}");
        assert_eq!(
            a["features"][k]["geometry"], b["features"][k]["geometry"],
            "feature {k}"
        );
    }
    assert_eq!(a["features"][0]["properties"]["zone"], "security_corridor");
    // The corridor's limit lines come with it.
    let lines = d.json("a/control_lines.geojson");
    let kinds: Vec<&str> = lines["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["centerline", "limit", "limit"]);
    // The patrol and its return, as the example plans them: Trumba at 09:00, 10 min at each
    // place, back to Trumba by 14:08.
    let routes = d.json("a/patrol.geojson");
    assert_eq!(
        routes["features"][0]["properties"]["end"],
        "2020-03-15T11:19:18+03:00"
    );
    assert_eq!(routes["features"][1]["properties"]["from"], "Ain al-Hawr");
}

#[test]
fn bad_agreements_get_one_line_naming_file_line_and_key() {
    let d = Workdir::new();
    let good = String::from(
        "name = \"Test\"\n[lines.road]\nfile = \"road.geojson\"\nkind = \"road\"\n[places]\nfile = \"places.geojson\"\n\
         [zones.strip]\nline = \"road\"\nnorth = \"0\"\nsouth = \"2km\"\n[patrols.p]\nline = \"road\"\nfrom = \"West End\"\n\
         to = \"East End\"\nstart = \"2020-03-15T09:00:00+03:00\"\n",
    );
    d.write("good.toml", &good);
    assert_ok(&d.run(&["build", "good.toml", "--out", "ok"]));
    let cases: [(&str, String, &str); 9] = [
        (
            "unknown key",
            good.replace("south = \"2km\"", "sout = \"2km\""),
            "bad.toml:10: unknown field `sout`",
        ),
        (
            "missing line",
            good.replace("line = \"road\"\nnorth", "line = \"rail\"\nnorth"),
            "bad.toml:8: zones.strip.line: no line `rail`",
        ),
        (
            "bad width",
            good.replace("\"2km\"", "\"2mi\""),
            "bad.toml:10: zones.strip.south: unknown unit `mi`",
        ),
        (
            "bad band",
            good.replace("\"2km\"", "\"3km..1km\""),
            "bad.toml:10: zones.strip.south: `3km..1km`: a band",
        ),
        (
            "unknown place",
            good.replace("from = \"West End\"", "from = \"Nowhere\""),
            "bad.toml:13: patrols.p.from: unknown place `Nowhere`",
        ),
        (
            "missing file",
            good.replace("file = \"road.geojson\"", "file = \"none.geojson\""),
            "bad.toml:3: lines.road.file: ",
        ),
        (
            "bad kind",
            good.replace("kind = \"road\"", "kind = \"motorway\""),
            "bad.toml:4: lines.road.kind: `motorway` is not a kind",
        ),
        (
            "not TOML",
            good.replace("[zones.strip]", "[zones.strip"),
            "bad.toml:7: ",
        ),
        (
            "bad time",
            good.replace("2020-03-15T09:00:00+03:00", "15 March"),
            "bad.toml:15: patrols.p.start: ",
        ),
    ];
    for (what, text, says) in cases {
        d.write("bad.toml", &text);
        let o = run_in(d.root(), &["build", "bad.toml", "--out", "out"]);
        let line = assert_one_line_error(&o, 1);
        assert!(
            line.starts_with(&format!("corridor: {says}")),
            "{what}: {line}"
        );
        assert!(!d.path("out").exists(), "{what}: wrote output");
    }
}

/// Stretches, exceptions and bands from a file: 100 km along the equator, eastward (south is
/// right), 10 km south with 5 km from km 20 to km 40 and none from km 60 to km 70, and a band
/// 2–4 km north from km 10 to the end: areas as the widths say.
#[test]
fn stretches_exceptions_and_bands_from_a_file() {
    let d = Workdir::new();
    d.write(
        "equator.geojson",
        r#"{"type": "LineString", "coordinates": [[0.0, 0.0], [0.8983152841195214, 0.0]]}"#,
    );
    d.write(
        "a.toml",
        r#"name = "Equator"
[lines.eq]
file = "equator.geojson"
kind = "other"
[zones.south]
line = "eq"
north = "0"
south = "10km"
except = [{ from = "km:60", to = "km:70" }]
[[zones.south.stretch]]
from = "km:20"
to = "km:40"
south = "5km"
[zones.band]
line = "eq"
from = "km:10"
north = "2km..4km"
south = 0
"#,
    );
    assert_ok(&d.run(&["build", "a.toml", "--out", "o"]));
    let zones = d.json("o/zones.geojson");
    let area = |k: usize| {
        zones["features"][k]["properties"]["area_km2"]
            .as_f64()
            .unwrap()
    };
    assert!((area(0) - 800.0).abs() < 0.5, "south zone {} km²", area(0));
    assert!((area(2) - 180.0).abs() < 0.5, "band {} km²", area(2));
    assert_eq!(zones["features"][3]["properties"]["side"], "north");
    assert_eq!(zones["features"][3]["properties"]["inner_m"], 2000.0);
    assert!(
        zones["features"][0]["properties"]["description"]
            .as_str()
            .unwrap()
            .contains("south 5 km from km 20 to km 40; none from km 60 to km 70")
    );
}
