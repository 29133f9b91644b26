//! The `corridor` binary, driven as a user would: real processes in temporary directories,
//! checking files, exit codes and the one-line errors on stderr.

use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "common/run.rs"]
mod run;

use run::{
    BIN, Workdir, assert_ok, assert_one_line_error, build, classify, data_arg, stderr, stdout,
};

fn kinds(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap().to_string())
        .collect()
}

mod build {
    use super::*;

    #[test]
    fn writes_every_layer_for_a_small_road() {
        let d = Workdir::new();
        let o = d.run(&build(&[
            "--width",
            "2km",
            "--start",
            "2020-03-15T09:00:00+03:00",
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            d.listing("out"),
            [
                "checkpoints.geojson",
                "checkpoints.qml",
                "control_lines.geojson",
                "control_lines.qml",
                "corridor.kml",
                "corridor.qgs",
                "kml_point.png",
                "map.html",
                "patrol.geojson",
                "patrol.gpx",
                "patrol.qml",
                "zones.geojson",
                "zones.qml"
            ]
        );
        let zones = d.json("out/zones.geojson");
        assert_eq!(
            kinds(&zones),
            ["corridor", "corridor_side", "corridor_side"]
        );
        assert_eq!(zones["features"][0]["properties"]["width_north_m"], 2000.0);
        let lines = d.json("out/control_lines.geojson");
        assert_eq!(&kinds(&lines)[..3], ["centerline", "limit", "limit"]);
        let patrol = d.json("out/patrol.geojson");
        assert_eq!(kinds(&patrol)[0], "patrol_route");
        assert_eq!(
            patrol["features"][0]["properties"]["start"],
            "2020-03-15T09:00:00+03:00"
        );
        assert!(d.read("out/patrol.gpx").contains("<gpx"));
        let summary = stdout(&o);
        assert!(summary.contains("section"), "{summary}");
        assert!(summary.contains("north"), "{summary}");
    }

    #[test]
    fn one_side_bands_and_exceptions() {
        let d = Workdir::new();
        let o = d.run(&build(&["--north", "0", "--south", "2km"]));
        assert_ok(&o);
        let zones = d.json("out/zones.geojson");
        // The whole zone and its only side; nothing north.
        assert_eq!(kinds(&zones), ["corridor", "corridor_side"]);
        let side = &zones["features"][1]["properties"];
        assert_eq!(side["side"], "south");
        assert_eq!(
            (side["inner_m"].clone(), side["outer_m"].clone()),
            (0.0.into(), 2000.0.into())
        );
        assert_eq!(zones["features"][0]["properties"]["width_north_m"], 0.0);
        assert!(stdout(&o).contains("north   none"), "{}", stdout(&o));
        let one_side_km2 = zones["features"][0]["properties"]["area_km2"]
            .as_f64()
            .unwrap();

        // A band 1–2 km south, none between the two places' chainages (the whole road here,
        // less its ends: the places are 100 m in from each end).
        let o = d.run(&build(&[
            "--places",
            "places.geojson",
            "--north",
            "0",
            "--south",
            "1km..2km",
            "--except",
            "West End..km:5",
        ]));
        assert_ok(&o);
        let zones = d.json("out/zones.geojson");
        let side = &zones["features"][1]["properties"];
        assert_eq!(side["inner_m"], 1000.0);
        assert_eq!(side["width_m"], 1000.0);
        let band_km2 = zones["features"][0]["properties"]["area_km2"]
            .as_f64()
            .unwrap();
        // About half the road's length (5 of 10 km, plus the first 100 m) and half the width.
        let ratio = band_km2 / one_side_km2;
        assert!(
            (0.24..0.27).contains(&ratio),
            "band {band_km2} km² against {one_side_km2} km²"
        );
        assert!(
            zones["features"][0]["properties"]["description"]
                .as_str()
                .unwrap()
                .contains("none from km 0.1")
        );
        // The map page's legend names the side and its band.
        assert!(d.read("out/map.html").contains("south, 1–2 km"));
        // Classify follows the same rules: 1.5 km south at km 7 is in the band, at km 3 not.
        let points = "name,lon,lat\nin,36.7775,35.8468\nexcepted,36.733,35.849\n";
        d.write("p.csv", points);
        let o = d.run(&[
            "classify",
            "--road",
            "road.geojson",
            "--places",
            "places.geojson",
            "--north",
            "0",
            "--south",
            "1km..2km",
            "--except",
            "West End..km:5",
            "p.csv",
        ]);
        assert_ok(&o);
        let out = stdout(&o);
        let inside: Vec<&str> = out
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(3))
            .collect();
        assert_eq!(inside, ["true", "false"], "{out}");
    }

    #[test]
    fn zone_mistakes_get_one_line() {
        let d = Workdir::new();
        for (args, says) in [
            (vec!["--north", "0", "--south", "0"], "both sides are 0"),
            (
                vec!["--north", "0", "--south", "3km..1km"],
                "a band A..B needs",
            ),
            (vec!["--width", "2km", "--except", "km:3"], "give FROM..TO"),
            (
                vec!["--width", "2km", "--except", "km:3..Nowhere"],
                "Nowhere",
            ),
        ] {
            let o = d.run(&build(&args));
            let line = assert_one_line_error(&o, 2);
            assert!(line.contains(says), "{args:?}: {line}");
            assert!(!d.path("out").exists(), "{args:?} wrote output");
        }
    }

    #[test]
    fn m4_from_trumba_to_ain_al_hawr() {
        let d = Workdir::new();
        let (road, places) = (data_arg("m4.geojson"), data_arg("places.geojson"));
        let o = d.run(&[
            "build",
            "--road",
            &road,
            "--places",
            &places,
            "--from",
            "Trumba",
            "--to",
            "Ain al-Hawr",
            "--north",
            "6km",
            "--south",
            "6000",
            "--start",
            "2020-03-15T09:00:00+03:00",
            "--speed",
            "30km/h",
            "--out",
            "m4",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let zones = d.json("m4/zones.geojson");
        let corridor = &zones["features"][0]["properties"];
        assert_eq!(corridor["width_north_m"], 6000.0);
        assert_eq!(corridor["width_south_m"], 6000.0);
        let length_km = corridor["length_km"].as_f64().unwrap();
        assert!((40.0..90.0).contains(&length_km), "{length_km}");
        let patrol = d.json("m4/patrol.geojson");
        let route = &patrol["features"][0]["properties"];
        assert_eq!(route["from"], "Trumba");
        assert_eq!(route["to"], "Ain al-Hawr");
        let centerline = &d.json("m4/control_lines.geojson")["features"][0]["properties"];
        assert_eq!(centerline["length_km"], corridor["length_km"]);
    }

    #[test]
    fn ends_as_positions_and_chainages() {
        let d = Workdir::new();
        let o = d.run(&build(&[
            "--from",
            "36.72,35.87",
            "--to",
            "km:8",
            "--left",
            "1km",
            "--right",
            "500m",
            "--cap",
            "round",
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
        let zones = d.json("out/zones.geojson");
        let length_km = zones["features"][0]["properties"]["length_km"]
            .as_f64()
            .unwrap();
        // From about km 1.8 to km 8.
        assert!((length_km - 6.2).abs() < 0.3, "{length_km}");
        assert_eq!(zones["features"][0]["properties"]["width_south_m"], 500.0);
    }

    #[test]
    fn timings_are_one_line_on_stderr() {
        let d = Workdir::new();
        let o = d.run(&build(&["--width", "1km", "--timings"]));
        assert!(o.status.success());
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        let ms = |key: &str| -> f64 {
            let at = err.find(&format!("{key}_ms=")).expect(key) + key.len() + 4;
            let value = err[at..].split_whitespace().next().unwrap_or_default();
            value.parse().unwrap_or_else(|_| panic!("{key}: {err}"))
        };
        for key in ["read", "build", "write"] {
            assert!(ms(key) >= 0.0, "{err}");
        }
        // The corridor is a part of the build stage.
        assert!(ms("corridor") <= ms("build"), "{err}");
    }

    #[test]
    fn a_missing_road_file_is_named() {
        let d = Workdir::new();
        let o = d.run(&[
            "build",
            "--road",
            "nope.geojson",
            "--width",
            "1km",
            "--out",
            "out",
        ]);
        let err = assert_one_line_error(&o, 1);
        assert!(err.contains("nope.geojson"), "{err}");
        assert!(d.listing("out").is_empty());
    }

    #[test]
    fn a_bad_width_unit_is_a_usage_error() {
        let d = Workdir::new();
        let o = d.run(&build(&["--width", "6mi"]));
        let err = assert_one_line_error(&o, 2);
        assert!(err.contains("unknown unit `mi`"), "{err}");
    }

    #[test]
    fn widths_are_required_and_exclusive() {
        let d = Workdir::new();
        let o = d.run(&build(&[]));
        assert_one_line_error(&o, 2);
        let o = d.run(&build(&[
            "--width", "1km", "--north", "1km", "--south", "1km",
        ]));
        assert_one_line_error(&o, 2);
    }

    #[test]
    fn an_unknown_place_gets_a_suggestion_and_no_output() {
        let d = Workdir::new();
        let o = d.run(&build(&[
            "--places",
            "places.geojson",
            "--from",
            "West Ent",
            "--to",
            "East End",
            "--width",
            "1km",
        ]));
        let err = assert_one_line_error(&o, 1);
        assert!(err.contains("places.geojson"), "{err}");
        assert!(err.contains("did you mean `West End`"), "{err}");
        assert!(d.listing("out").is_empty());
    }

    #[test]
    fn a_place_name_needs_places() {
        let d = Workdir::new();
        let o = d.run(&build(&["--from", "West End", "--width", "1km"]));
        let err = assert_one_line_error(&o, 2);
        assert!(err.contains("--places"), "{err}");
    }

    #[test]
    fn a_road_that_is_not_a_line_is_bad_data() {
        let d = Workdir::new();
        d.write(
            "point.geojson",
            r#"{"type": "Point", "coordinates": [36.7, 35.8]}"#,
        );
        let o = d.run(&[
            "build",
            "--road",
            "point.geojson",
            "--width",
            "1km",
            "--out",
            "out",
        ]);
        let err = assert_one_line_error(&o, 1);
        assert!(err.contains("point.geojson: no LineString"), "{err}");
    }

    #[test]
    fn a_bad_start_time_leaves_no_file_behind() {
        let d = Workdir::new();
        let o = d.run(&build(&["--width", "1km", "--start", "15 March 2020"]));
        let err = assert_one_line_error(&o, 2);
        assert!(err.contains("RFC 3339"), "{err}");
        assert!(d.listing("out").is_empty());
    }
}

mod classify {
    use super::*;

    const POINTS: &str = "id,Latitude,LON,note\n\
        a,35.90,36.75,\"inside, north\"\n\
        b,35.84,36.75,inside south\n\
        c,35.50,36.75,far south\n\
        d,35.86,36.95,beyond the east cap\n";

    fn rows(text: &str) -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut out = vec![reader.headers().unwrap().iter().map(String::from).collect()];
        for r in reader.records() {
            out.push(r.unwrap().iter().map(String::from).collect());
        }
        out
    }

    #[test]
    fn csv_keeps_every_column_and_adds_four() {
        let d = Workdir::new();
        d.write("points.csv", POINTS);
        let o = d.run(&classify("points.csv", &["-o", "out.csv"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let rows = rows(&d.read("out.csv"));
        assert_eq!(
            rows[0],
            [
                "id",
                "Latitude",
                "LON",
                "note",
                "inside",
                "side",
                "distance_m",
                "chainage_km"
            ]
        );
        let summary: Vec<(&str, &str, &str)> = rows[1..]
            .iter()
            .map(|r| (r[0].as_str(), r[4].as_str(), r[5].as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("a", "true", "north"),
                ("b", "true", "south"),
                ("c", "false", "south"),
                // The last stretch heads a little south of east, so its line extended passes
                // south of the point.
                ("d", "false", "north"),
            ]
        );
        assert_eq!(rows[1][3], "inside, north");
        let distance_m: f64 = rows[1][6].parse().unwrap();
        assert!((3_000.0..5_000.0).contains(&distance_m), "{distance_m}");
        assert!(stdout(&o).contains("4 points: 2 inside"), "{}", stdout(&o));
    }

    #[test]
    fn csv_goes_to_stdout_without_o() {
        let d = Workdir::new();
        d.write("points.csv", POINTS);
        let o = d.run(&classify("points.csv", &[]));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(rows(&stdout(&o)).len(), 5);
        assert!(stderr(&o).is_empty());
    }

    #[test]
    fn named_columns_and_a_section() {
        let d = Workdir::new();
        d.write("points.csv", "E,N\n36.75,35.90\n");
        let o = d.run(&[
            "classify",
            "--road",
            "road.geojson",
            "--places",
            "places.geojson",
            "--from",
            "East End",
            "--to",
            "West End",
            "--north",
            "5km",
            "--south",
            "1km",
            "--lon-col",
            "E",
            "--lat-col",
            "N",
            "points.csv",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let rows = rows(&stdout(&o));
        // Driven east to west, north is on the right; the point is still north, and inside.
        assert_eq!(
            (rows[1][2].as_str(), rows[1][3].as_str()),
            ("true", "north")
        );
    }

    #[test]
    fn geojson_in_geojson_out() {
        let d = Workdir::new();
        d.write(
            "points.geojson",
            r#"{"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"name": "post"}, "geometry": {"type": "Point", "coordinates": [36.75, 35.84]}}]}"#,
        );
        let o = d.run(&classify("points.geojson", &["-o", "placed.geojson"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let placed = d.json("placed.geojson");
        let p = &placed["features"][0]["properties"];
        assert_eq!(p["name"], "post");
        assert_eq!(p["inside"], true);
        assert_eq!(p["side"], "south");
        assert!(p["distance_m"].as_f64().unwrap() > 2_000.0);
        assert!(p["chainage_km"].as_f64().unwrap() > 4.0);
    }

    #[test]
    fn a_bad_number_names_file_and_line_and_leaves_nothing() {
        let d = Workdir::new();
        d.write(
            "points.csv",
            "lon,lat\n36.75,35.90\n36.75,35.91\n36.75,north\n",
        );
        d.write("old.csv", "previous result\n");
        let o = d.run(&classify("points.csv", &["-o", "out.csv"]));
        let err = assert_one_line_error(&o, 1);
        assert_eq!(
            err.trim_end(),
            "corridor: points.csv: line 4: `north` in column `lat` is not a number"
        );
        // No output and no temporary file; an older file of the same name would stay as it was.
        assert_eq!(
            d.listing("."),
            ["old.csv", "places.geojson", "points.csv", "road.geojson"]
        );
        let o = d.run(&classify("points.csv", &["-o", "old.csv"]));
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(d.read("old.csv"), "previous result\n");
    }

    #[test]
    fn a_missing_column_is_named() {
        let d = Workdir::new();
        d.write("points.csv", "east,north\n36.75,35.90\n");
        let o = d.run(&classify("points.csv", &[]));
        let err = assert_one_line_error(&o, 1);
        assert!(err.contains("points.csv: no longitude column"), "{err}");
    }

    #[test]
    fn a_missing_points_file_is_named() {
        let d = Workdir::new();
        let o = d.run(&classify("gone.csv", &[]));
        let err = assert_one_line_error(&o, 1);
        assert!(err.contains("gone.csv"), "{err}");
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        let d = Workdir::new();
        let mut points = String::from("lon,lat\n");
        for k in 0..20_000 {
            points.push_str(&format!("36.75,{}\n", 35.80 + 1e-5 * k as f64));
        }
        d.write("points.csv", &points);
        let mut child = Command::new(BIN)
            .args([
                "classify",
                "--road",
                "road.geojson",
                "--width",
                "6km",
                "points.csv",
            ])
            .current_dir(d.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The reading end is dropped here, as `| head -c 100` would.
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{status:?} {err}");
        assert!(err.is_empty(), "{err}");
    }
}

mod info {
    use super::*;

    #[test]
    fn tells_kinds_counts_lengths_and_areas() {
        let d = Workdir::new();
        let o = d.run(&build(&["--width", "1km"]));
        assert!(o.status.success(), "{}", stderr(&o));
        let o = d.run(&["info", "out/zones.geojson"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("FeatureCollection, 3 features"), "{text}");
        assert!(text.contains("corridor_side"), "{text}");
        assert!(text.contains("bbox"), "{text}");
        let o = d.run(&["info", "road.geojson"]);
        let text = stdout(&o);
        // The road is about 10 km long.
        assert!(text.contains(" 9.99"), "{text}");
    }

    /// An agreement's zones overlap: each zone's features are totalled on their own, not
    /// summed into one area that counts the overlap twice.
    #[test]
    fn overlapping_zones_are_totalled_each_on_its_own() {
        let d = Workdir::new();
        // Two squares of 0.1° (about 9 × 11 km near 35.9° N), one inside the other's corner.
        let square = |x: f64, zone: &str| {
            format!(
                r#"{{"type": "Feature", "properties": {{"kind": "corridor", "zone": "{zone}"}},
                "geometry": {{"type": "Polygon", "coordinates": [[[{x}, 35.8], [{x2}, 35.8],
                  [{x2}, 35.9], [{x}, 35.9], [{x}, 35.8]]]}}}}"#,
                x2 = x + 0.1
            )
        };
        d.write(
            "zones.geojson",
            format!(
                r#"{{"type": "FeatureCollection", "features": [{}, {}]}}"#,
                square(36.0, "wide"),
                square(36.05, "strip")
            ),
        );
        let o = d.run(&["info", "zones.geojson"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("corridor [wide]"), "{text}");
        assert!(text.contains("corridor [strip]"), "{text}");
        // Each about 100 km², not 200 together.
        assert!(!text.contains(" 200."), "{text}");
        assert_eq!(text.matches(" 100.").count(), 2, "{text}");
    }

    /// A layer as `build --output-crs EPSG:32637` writes it: eastings, northings and the legacy
    /// `crs` member. `info` says so instead of computing geodesic measures of metres; `render`,
    /// which draws longitude and latitude, refuses it.
    #[test]
    fn projected_layers_are_named_not_measured_or_drawn() {
        let d = Workdir::new();
        d.write(
            "zones_utm.geojson",
            r#"{"type": "FeatureCollection",
              "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}},
              "features": [{"type": "Feature", "properties": {"kind": "corridor"},
                "geometry": {"type": "Polygon", "coordinates": [[[300000, 3970000],
                  [310000, 3970000], [310000, 3975000], [300000, 3970000]]]}}]}"#,
        );
        let o = d.run(&["info", "zones_utm.geojson"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.contains("crs       urn:ogc:def:crs:EPSG::32637 (not WGS84"),
            "{text}"
        );
        assert!(
            text.contains("bbox      x 300000.000000 to 310000.000000"),
            "{text}"
        );
        assert!(!text.contains("lon"), "{text}");
        let err = assert_one_line_error(
            &d.run(&["render", "zones_utm.geojson", "--out", "x.svg"]),
            1,
        );
        assert!(
            err.contains(
                "zones_utm.geojson: its coordinates are in urn:ogc:def:crs:EPSG::32637, not WGS84"
            ),
            "{err}"
        );
        assert!(!d.path("x.svg").exists());
    }

    #[test]
    fn names_a_file_that_is_not_json() {
        let d = Workdir::new();
        d.write("broken.geojson", "{\"type\": ");
        let o = d.run(&["info", "broken.geojson"]);
        let err = assert_one_line_error(&o, 1);
        assert!(err.contains("broken.geojson: not valid JSON"), "{err}");
    }
}

#[test]
fn every_command_has_help_with_an_example() {
    let d = Workdir::new();
    for command in ["build", "classify", "info", "render"] {
        let o = d.run(&[command, "--help"]);
        assert!(o.status.success());
        let text = stdout(&o);
        assert!(text.contains("Examples:"), "{command}: {text}");
        assert!(
            text.contains(&format!("corridor {command}")),
            "{command}: {text}"
        );
    }
}

/// Without the `proj` feature, --crs and --output-crs stay out of --help, and using them says
/// how to get them instead of clap's "unexpected argument".
#[cfg(not(feature = "proj"))]
#[test]
fn crs_flags_without_the_proj_feature_say_how_to_get_it() {
    let d = Workdir::new();
    let runs: [&[&str]; 3] = [
        &build(&["--width", "1km", "--crs", "EPSG:32637"]),
        &build(&["--width", "1km", "--output-crs", "EPSG:32637"]),
        &[
            "classify",
            "--road",
            "road.geojson",
            "--width",
            "1km",
            "points.csv",
            "--crs",
            "EPSG:32637",
        ],
    ];
    d.write("points.csv", "lon,lat\n36.75,35.9\n");
    for args in runs {
        let err = assert_one_line_error(&d.run(args), 2);
        assert!(
            err.contains("built without the proj feature; rebuild with --features proj"),
            "{err}"
        );
        assert!(!d.path("out").exists());
    }
    let help = stdout(&d.run(&["build", "--help"]));
    assert!(
        !help.contains("--crs") && !help.contains("--output-crs"),
        "{help}"
    );
}

/// Regression: a corridor over the North Pole came out 15 % short with exit 0. It cannot be drawn
/// as longitude/latitude polygons, so it is one clear error naming the pole, and nothing written.
#[test]
fn a_corridor_holding_a_pole_is_refused_naming_it() {
    let road = r#"{"type": "LineString", "coordinates": [[0, 89.95], [180, 89.95]]}"#;
    let w = Workdir::with(road, run::PLACES);
    let o = w.run(&build(&["--width", "6km", "--cap", "round"]));
    let err = assert_one_line_error(&o, 1);
    assert!(
        err.contains("road.geojson") && err.contains("North Pole"),
        "{err}"
    );
    assert!(!w.path("out").join("zones.geojson").exists());
}
