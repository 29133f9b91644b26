//! The bad-input catalogue: every kind of broken file or argument users hand the `corridor`
//! binary, run as a real process in a temporary directory. Each must end with exactly one line
//! on stderr naming the file (and the line, where there is one), a non-zero exit status, no
//! panic, and no file left behind. Valid but awkward inputs must work.
//!
//! The cases are data (one table row each); the count is printed so that the project notes can
//! quote it (`cargo test --test bad_input -- --nocapture`).
//!
//! The atomic writer is tested at the end through the library: a writer that fails half way
//! leaves nothing, and an older file stays as it was.

#[path = "common/run.rs"]
mod run;

use std::path::{Path, PathBuf};
use std::process::Output;

use run::{ROAD, ROAD_GEOMETRY, Workdir, build};

/// Places at both ends, one with a name in Arabic script and one with a diacritic.
const PLACES: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "West End"}, "geometry": {"type": "Point", "coordinates": [36.701, 35.861]}},
  {"type": "Feature", "properties": {"name": "سراقب"}, "geometry": {"type": "Point", "coordinates": [36.76, 35.864]}},
  {"type": "Feature", "properties": {"name": "ʿAyn al-Ḥawr"}, "geometry": {"type": "Point", "coordinates": [36.809, 35.859]}},
  {"type": "Feature", "properties": {"name": "Far Away"}, "geometry": {"type": "Point", "coordinates": [30.0, 30.0]}}]}"#;

/// A line geometry with these coordinates, as a bare GeoJSON geometry.
fn line(coordinates: &str) -> String {
    format!(r#"{{"type": "LineString", "coordinates": {coordinates}}}"#)
}

/// The arguments of a classify of `points` against the fixture road, written to `-o`.
fn classify(points: &'static str, extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = run::classify(points, &["-o", "placed.out"]);
    args.extend_from_slice(extra);
    args
}

/// One bad input: files to write over the fixtures, the command line, and the words the one
/// line on stderr must contain (the file's name first, where there is a file to name).
struct Bad {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<&'static str>,
    says: Vec<&'static str>,
}

fn bad(name: &'static str, args: Vec<&'static str>, says: &[&'static str]) -> Bad {
    Bad {
        name,
        files: Vec::new(),
        args,
        says: says.to_vec(),
    }
}

impl Bad {
    fn with(mut self, file: &'static str, content: impl Into<Vec<u8>>) -> Bad {
        self.files.push((file, content.into()));
        self
    }

    /// The road file replaced by `content`.
    fn road(self, content: impl Into<Vec<u8>>) -> Bad {
        self.with("road.geojson", content)
    }
}

/// A road file holding `content` that `build` must refuse, naming the file and saying `says`.
fn bad_road(name: &'static str, content: impl Into<Vec<u8>>, says: &[&'static str]) -> Bad {
    let mut says = says.to_vec();
    says.insert(0, "road.geojson");
    bad(name, build(&["--width", "6km"]), &says).road(content)
}

/// The whole catalogue.
fn catalogue() -> Vec<Bad> {
    let truncated = &ROAD[..ROAD.len() / 2];
    vec![
        // --- Files that are not there, empty, cut short, or not JSON at all.
        bad("missing road file", build(&["--width", "6km"]), &["road.geojson", "cannot read"])
            .with("road.geojson", "")
            .with("delete:road.geojson", ""),
        bad_road("empty road file", "", &["not valid JSON"]),
        bad_road("whitespace-only road file", "  \n\t\n", &["not valid JSON"]),
        bad_road("truncated road file", truncated, &["not valid JSON"]),
        bad_road("road file of prose", "the M4 from Saraqib to Latakia\n", &["JSON"]),
        bad_road("road file of binary bytes", vec![0xff, 0xfe, 0x00, 0x9c, 0x80], &[]),
        bad_road("road file that is CSV", "lon,lat\n36.7,35.86\n36.8,35.86\n", &["JSON"]),
        bad_road("road file with a BOM and junk", "\u{feff}{]", &["JSON"]),
        // --- JSON, but not GeoJSON.
        bad_road("JSON object that is not GeoJSON", r#"{"road": "M4"}"#, &["GeoJSON"]),
        bad_road("JSON array", "[[36.7, 35.86], [36.8, 35.86]]", &["GeoJSON"]),
        bad_road("JSON null", "null", &["GeoJSON"]),
        bad_road("JSON number", "42", &["GeoJSON"]),
        bad_road("unknown GeoJSON type", r#"{"type": "Road", "coordinates": []}"#, &["GeoJSON"]),
        bad_road(
            "LineString without coordinates",
            r#"{"type": "LineString"}"#,
            &["GeoJSON"],
        ),
        bad_road(
            "coordinates that are not an array",
            r#"{"type": "LineString", "coordinates": "36.7 35.86, 36.8 35.86"}"#,
            &["GeoJSON"],
        ),
        // --- GeoJSON of the wrong geometry.
        bad_road("a Point", r#"{"type": "Point", "coordinates": [36.7, 35.86]}"#, &["Point"]),
        bad_road(
            "a Polygon",
            r#"{"type": "Polygon", "coordinates": [[[36.7, 35.86], [36.8, 35.86], [36.8, 35.9], [36.7, 35.86]]]}"#,
            &["Polygon"],
        ),
        bad_road(
            "a MultiPoint",
            r#"{"type": "MultiPoint", "coordinates": [[36.7, 35.86], [36.8, 35.86]]}"#,
            &["MultiPoint"],
        ),
        bad_road(
            "a Feature with a null geometry",
            r#"{"type": "Feature", "properties": {}, "geometry": null}"#,
            &["no geometry"],
        ),
        bad_road(
            "an empty FeatureCollection",
            r#"{"type": "FeatureCollection", "features": []}"#,
            &["nothing"],
        ),
        bad_road(
            "a GeometryCollection of points",
            r#"{"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}]}"#,
            &["Point"],
        ),
        // --- Lines with no length.
        bad_road("a LineString with no vertex", line("[]"), &["no vertices"]),
        bad_road("a one-vertex road", line("[[36.7, 35.86]]"), &["2 distinct vertices"]),
        bad_road(
            "a zero-length road",
            line("[[36.7, 35.86], [36.7, 35.86], [36.7, 35.86]]"),
            &["2 distinct vertices"],
        ),
        bad_road(
            "a road of two vertices a micrometre apart",
            line("[[36.7, 35.86], [36.700000000001, 35.86]]"),
            &["2 distinct vertices"],
        ),
        bad_road(
            "MultiLineString parts that do not join",
            r#"{"type": "MultiLineString", "coordinates": [[[36.7, 35.86], [36.75, 35.86]], [[36.8, 35.9], [36.85, 35.9]]]}"#,
            &["do not join"],
        ),
        bad_road(
            "nearly antipodal vertices",
            line("[[0, 0], [180, 0]]"),
            &["antipodal"],
        ),
        // --- Coordinates out of range, not numbers, not finite, or huge.
        bad_road("longitude 200", line("[[200, 35.86], [36.8, 35.86]]"), &["out of range"]),
        bad_road("latitude 95", line("[[36.7, 95], [36.8, 35.86]]"), &["out of range"]),
        bad_road("latitude -90.5", line("[[36.7, 35.86], [36.8, -90.5]]"), &["out of range"]),
        bad_road("longitude 1e308", line("[[1e308, 35.86], [36.8, 35.86]]"), &["out of range"]),
        bad_road(
            "a number too large for a double",
            line("[[1e400, 35.86], [36.8, 35.86]]"),
            &["JSON"],
        ),
        bad_road(
            "a coordinate as a string",
            line(r#"[["36.7", "35.86"], [36.8, 35.86]]"#),
            &["GeoJSON"],
        ),
        bad_road("a coordinate true", line("[[true, 35.86], [36.8, 35.86]]"), &["GeoJSON"]),
        bad_road("a coordinate null", line("[[null, 35.86], [36.8, 35.86]]"), &["GeoJSON"]),
        bad_road("NaN as text", line("[[NaN, 35.86], [36.8, 35.86]]"), &["JSON"]),
        bad_road("Infinity as text", line("[[Infinity, 35.86], [36.8, 35.86]]"), &["JSON"]),
        bad_road("-Infinity as text", line("[[36.7, -Infinity], [36.8, 35.86]]"), &["JSON"]),
        bad_road("a position of one number", line("[[36.7], [36.8, 35.86]]"), &[]),
        bad_road("an empty position", line("[[], [36.8, 35.86]]"), &[]),
        // --- Widths and tolerances.
        bad("width 0", build(&["--width", "0"]), &["--width", "0"]),
        bad("width 0km", build(&["--width", "0km"]), &["--width", "0km"]),
        bad("a negative width", build(&["--width=-6km"]), &["--width", "-6km"]),
        bad("a negative north width", build(&["--north=-1km", "--south", "6km"]), &["-1km"]),
        bad("an absurd width", build(&["--width", "30000km"]), &["width", "30000000"]),
        bad("width in miles", build(&["--width", "6mi"]), &["unknown unit `mi`"]),
        bad("width in furlongs", build(&["--width", "6 furlongs"]), &["unknown unit"]),
        bad("width with no number", build(&["--width", "km"]), &["km"]),
        bad("width NaN", build(&["--width", "NaN"]), &["NaN"]),
        bad("width inf", build(&["--width", "inf"]), &["inf"]),
        bad("width 1e400", build(&["--width", "1e400"]), &["1e400"]),
        bad("an empty width", build(&["--width", ""]), &["--width"]),
        bad("north without south", build(&["--north", "6km"]), &["--south"]),
        bad("no width at all", build(&[]), &["--width"]),
        bad(
            "north and south on a north-south road",
            build(&["--north", "6km", "--south", "6km"]),
            &["left and right"],
        )
        .road(line("[[36.7, 35.0], [36.7, 35.2]]")),
        bad("tolerance 0", build(&["--width", "6km", "--tolerance", "0"]), &["--tolerance"]),
        bad("tolerance 0m", build(&["--width", "6km", "--tolerance", "0m"]), &["0m"]),
        bad("a negative tolerance", build(&["--width", "6km", "--tolerance=-1m"]), &["-1m"]),
        bad("tolerance in inches", build(&["--width", "6km", "--tolerance", "3in"]), &["unit"]),
        bad("an unknown cap", build(&["--width", "6km", "--cap", "pointy"]), &["pointy"]),
        bad("a speed of 0", build(&["--width", "6km", "--speed", "0"]), &["speed"]),
        bad("a bad start time", build(&["--width", "6km", "--start", "tomorrow"]), &["tomorrow"]),
        bad("checkpoints every 0 km", build(&["--width", "6km", "--checkpoint-every", "0km"]), &["0km"]),
        // --- Places and section ends.
        bad(
            "an unknown place",
            build(&["--width", "6km", "--places", "places.geojson", "--from", "Atlantis"]),
            &["places.geojson", "Atlantis"],
        ),
        bad(
            "a place name without --places",
            build(&["--width", "6km", "--from", "West End"]),
            &["--places"],
        ),
        bad(
            "a place far from the road",
            build(&["--width", "6km", "--places", "places.geojson", "--from", "Far Away"]),
            &["places.geojson", "Far Away"],
        ),
        bad(
            "a missing places file",
            build(&["--width", "6km", "--places", "nowhere.geojson", "--from", "West End"]),
            &["nowhere.geojson"],
        ),
        bad(
            "a places file that is not JSON",
            build(&["--width", "6km", "--places", "places.geojson", "--from", "West End"]),
            &["places.geojson", "JSON"],
        )
        .with("places.geojson", "West End, 36.701, 35.861\n"),
        bad(
            "a places file of lines",
            build(&["--width", "6km", "--places", "places.geojson", "--from", "West End"]),
            &["places.geojson"],
        )
        .with("places.geojson", ROAD),
        bad(
            "a chainage past the end",
            build(&["--width", "6km", "--from", "km:0", "--to", "km:999"]),
            &["road.geojson", "999"],
        ),
        bad(
            "a negative chainage",
            build(&["--width", "6km", "--from", "km:-3"]),
            &["km:-3"],
        ),
        bad(
            "a position out of range",
            build(&["--width", "6km", "--from", "200,100"]),
            &["200,100"],
        ),
        bad(
            "a position far from the road",
            build(&["--width", "6km", "--from", "10,10"]),
            &["road.geojson", "10,10"],
        ),
        bad(
            "a section of no length",
            build(&["--width", "6km", "--from", "km:3", "--to", "km:3"]),
            &["road.geojson", "no length"],
        ),
        // --- Where the output goes.
        bad(
            "--out is a regular file",
            vec!["build", "--road", "road.geojson", "--width", "6km", "--out", "a-file"],
            &["a-file"],
        )
        .with("a-file", "not a directory\n"),
        bad(
            "--out under a regular file",
            vec!["build", "--road", "road.geojson", "--width", "6km", "--out", "a-file/out"],
            &["a-file/out"],
        )
        .with("a-file", "not a directory\n"),
        bad(
            "--out where no directory can be made",
            vec![
                "build",
                "--road",
                "road.geojson",
                "--width",
                "6km",
                "--out",
                "/proc/corridor-bad-input-test",
            ],
            &["/proc/corridor-bad-input-test"],
        ),
        bad(
            "-o is a directory",
            classify("points.csv", &[]).into_iter().map(|a| if a == "placed.out" { "a-dir" } else { a }).collect(),
            &["a-dir"],
        )
        .with("points.csv", "lon,lat\n36.75,35.9\n")
        .with("mkdir:a-dir", ""),
        bad(
            "-o under a regular file",
            classify("points.csv", &[]).into_iter().map(|a| if a == "placed.out" { "a-file/placed.csv" } else { a }).collect(),
            &["a-file/placed.csv"],
        )
        .with("points.csv", "lon,lat\n36.75,35.9\n")
        .with("a-file", "x"),
        // --- Points to classify.
        bad("a missing points file", classify("gone.csv", &[]), &["gone.csv"]),
        bad("an empty CSV", classify("points.csv", &[]), &["points.csv"]).with("points.csv", ""),
        bad(
            "a CSV with no coordinate columns",
            classify("points.csv", &[]),
            &["points.csv", "no longitude column"],
        )
        .with("points.csv", "name,east,north\npost,36.75,35.9\n"),
        bad(
            "a CSV with no latitude column",
            classify("points.csv", &[]),
            &["points.csv", "no latitude column"],
        )
        .with("points.csv", "name,lon\npost,36.75\n"),
        bad(
            "a named column that is not there",
            classify("points.csv", &["--lon-col", "E", "--lat-col", "N"]),
            &["points.csv", "E"],
        )
        .with("points.csv", "lon,lat\n36.75,35.9\n"),
        bad(
            "a bad number on line 4",
            classify("points.csv", &[]),
            &["points.csv", "line 4", "north"],
        )
        .with("points.csv", "lon,lat\n36.75,35.90\n36.75,35.91\n36.75,north\n"),
        bad(
            "an empty field on line 3",
            classify("points.csv", &[]),
            &["points.csv", "line 3"],
        )
        .with("points.csv", "lon,lat\n36.75,35.90\n,35.91\n"),
        bad(
            "NaN on line 2",
            classify("points.csv", &[]),
            &["points.csv", "line 2"],
        )
        .with("points.csv", "lon,lat\nNaN,35.90\n"),
        bad(
            "a latitude out of range on line 3",
            classify("points.csv", &[]),
            &["points.csv", "line 3"],
        )
        .with("points.csv", "lon,lat\n36.75,35.90\n36.75,135.91\n"),
        bad(
            "a short record on line 3",
            classify("points.csv", &[]),
            &["points.csv", "line 3"],
        )
        .with("points.csv", "id,lon,lat\n1,36.75,35.90\n2,36.75\n"),
        bad(
            "a CSV already holding an output column",
            classify("points.csv", &[]),
            &["points.csv", "inside"],
        )
        .with("points.csv", "lon,lat,inside\n36.75,35.90,yes\n"),
        bad(
            "a CSV of invalid UTF-8",
            classify("points.csv", &[]),
            &["points.csv"],
        )
        .with("points.csv", b"lon,lat\n36.75,35.9\xff\xfe\n".to_vec()),
        bad(
            "a GeoJSON point with a null geometry",
            classify("points.geojson", &[]),
            &["points.geojson", "feature 1"],
        )
        .with(
            "points.geojson",
            r#"{"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [36.75, 35.9]}},
              {"type": "Feature", "properties": {}, "geometry": null}]}"#,
        ),
        bad(
            "a GeoJSON points file holding a line",
            classify("points.geojson", &[]),
            &["points.geojson", "feature 0"],
        )
        .with(
            "points.geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[36.75, 35.9], [36.76, 35.9]]}}]}"#,
        ),
        bad(
            "a GeoJSON point out of range",
            classify("points.geojson", &[]),
            &["points.geojson"],
        )
        .with("points.geojson", r#"{"type": "Point", "coordinates": [36.75, 95.0]}"#),
        bad(
            "a truncated GeoJSON points file",
            classify("points.geojson", &[]),
            &["points.geojson", "JSON"],
        )
        .with("points.geojson", r#"{"type": "FeatureCollection", "features": [{"type": "Fea"#),
        bad(
            "a points file of JSON that is not GeoJSON",
            classify("points.geojson", &[]),
            &["points.geojson", "GeoJSON"],
        )
        .with("points.geojson", r#"{"points": [[36.75, 35.9]]}"#),
        bad(
            "column names for GeoJSON input",
            classify("points.geojson", &["--lon-col", "x"]),
            &["--lon-col"],
        )
        .with("points.geojson", r#"{"type": "Point", "coordinates": [36.75, 35.9]}"#),
        bad(
            "a bad road for classify",
            classify("points.csv", &[]),
            &["road.geojson"],
        )
        .with("points.csv", "lon,lat\n36.75,35.9\n")
        .road(line("[[36.7, 35.86]]")),
        // --- info.
        bad("info on a missing file", vec!["info", "gone.geojson"], &["gone.geojson"]),
        bad("info on an empty file", vec!["info", "empty.geojson"], &["empty.geojson", "JSON"])
            .with("empty.geojson", ""),
        bad("info on prose", vec!["info", "notes.txt"], &["notes.txt", "JSON"])
            .with("notes.txt", "hello\n"),
        bad("info on JSON that is not GeoJSON", vec!["info", "x.json"], &["x.json", "GeoJSON"])
            .with("x.json", r#"{"a": 1}"#),
        bad("info on a directory", vec!["info", "a-dir"], &["a-dir"]).with("mkdir:a-dir", ""),
        // --- Command lines.
        bad("an unknown subcommand", vec!["buld"], &["buld"]),
        bad("an unknown flag", build(&["--width", "6km", "--wdith", "5km"]), &["--wdith"]),
    ]
}

/// A temporary directory with the fixtures, plus a case's own files. `delete:NAME` removes a
/// fixture, `mkdir:NAME` makes a directory.
fn setup(case: &Bad) -> Workdir {
    let dir = Workdir::with(ROAD, PLACES);
    for (name, content) in &case.files {
        if let Some(name) = name.strip_prefix("delete:") {
            std::fs::remove_file(dir.path(name)).expect("remove a fixture");
        } else if let Some(name) = name.strip_prefix("mkdir:") {
            std::fs::create_dir(dir.path(name)).expect("make a directory");
        } else {
            dir.write(name, content);
        }
    }
    dir
}

/// Every file and directory under `dir` (hidden ones included), with sizes, sorted.
fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let size = e.metadata().map(|m| m.len()).unwrap_or(0);
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push((path.strip_prefix(dir).unwrap_or(&path).to_path_buf(), size));
        }
    }
    out.sort();
    out
}

/// What is wrong with how the binary answered one bad input (empty when nothing is).
fn judge(case: &Bad) -> Vec<String> {
    let dir = setup(case);
    let before = listing(dir.root());
    let o = dir.run(&case.args);
    let after = listing(dir.root());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let mut wrong = Vec::new();
    if o.status.success() || o.status.code().is_none() {
        wrong.push(format!("exit status {:?}", o.status.code()));
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        wrong.push("panicked".to_string());
    }
    if err.lines().count() != 1 || !err.ends_with('\n') {
        wrong.push(format!("{} lines on stderr", err.lines().count()));
    }
    if !err.starts_with("corridor: ") {
        wrong.push("no `corridor: ` prefix".to_string());
    }
    for word in &case.says {
        if !err.contains(word) {
            wrong.push(format!("does not say `{word}`"));
        }
    }
    if before != after {
        wrong.push(format!("left files behind: {before:?} -> {after:?}"));
    }
    if !o.stdout.is_empty() {
        wrong.push("wrote on stdout".to_string());
    }
    if !wrong.is_empty() {
        wrong.insert(0, format!("stderr {err:?}"));
    }
    wrong
}

#[test]
fn every_bad_input_is_refused_in_one_line_and_leaves_nothing() {
    let cases = catalogue();
    let mut failures = Vec::new();
    for case in &cases {
        let wrong = judge(case);
        if !wrong.is_empty() {
            failures.push(format!("{}: {}", case.name, wrong.join("; ")));
        }
    }
    println!("bad-input catalogue: {} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs answered wrongly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// An output that cannot be written after others were: a directory named `patrol.geojson`
/// stands in the output directory, so zones.geojson and control_lines.geojson are written
/// before the third file fails.
fn build_into_a_blocked_directory() -> (Workdir, Output, Vec<(PathBuf, u64)>) {
    let case = bad("blocked", build(&["--width", "6km"]), &[])
        .with("mkdir:out", "")
        .with("mkdir:out/patrol.geojson", "");
    let dir = setup(&case);
    let before = listing(dir.root());
    let o = dir.run(&case.args);
    (dir, o, before)
}

/// Regression: the cause of a failed write was printed twice ("…: Is a directory (os error
/// 21): Is a directory (os error 21)"), because `WriteError` put its source in its message too.
#[test]
fn a_failed_write_says_its_cause_once() {
    let (_dir, o, _) = build_into_a_blocked_directory();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("out/patrol.geojson: cannot write it"), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "{err}");
}

/// Regression: `build` wrote its files one by one, each atomically, so a failure on the third
/// left the first two new files beside older ones: every file whole, but the set mixed. It now
/// stages them all (`export::FileSet`) and renames them only once all are written; the rename
/// that fails here takes back those done before it.
#[test]
fn a_failure_writing_one_output_leaves_none_of_them() {
    let (dir, o, before) = build_into_a_blocked_directory();
    assert!(!o.status.success());
    assert_eq!(listing(dir.root()), before);
}

#[test]
fn case_names_are_unique() {
    let cases = catalogue();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases.len());
}

/// Valid but awkward inputs: each must build, and the zones must be the same corridor as the
/// plain road's (same area to a part in a million).
mod awkward {
    use super::*;

    /// Builds from `road` (2 km either side, unless `extra` gives widths), returns the
    /// corridor's `area_km2`.
    fn area_of(road: &str, extra: &[&str]) -> f64 {
        let dir = Workdir::with(road, PLACES);
        let mut args = build(&[]);
        if !extra.contains(&"--north") {
            args.extend_from_slice(&["--width", "2km"]);
        }
        args.extend_from_slice(extra);
        let o = dir.run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{road}: {err}");
        assert!(err.is_empty(), "{err}");
        let zones: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path("out/zones.geojson")).expect("zones"),
        )
        .expect("zones JSON");
        let whole = zones["features"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["properties"]["kind"] == "corridor"))
            .expect("a corridor feature");
        whole["properties"]["area_km2"].as_f64().expect("area_km2")
    }

    fn same(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-6 * b.max(1e-9), "{a} vs {b}");
    }

    const PLAIN: &str = ROAD_GEOMETRY;

    #[test]
    fn feature_collection_and_bare_geometry_agree() {
        let plain = area_of(PLAIN, &[]);
        same(area_of(ROAD, &[]), plain);
        let fc = format!(r#"{{"type": "FeatureCollection", "features": [{ROAD}]}}"#);
        same(area_of(&fc, &[]), plain);
        let gc = format!(r#"{{"type": "GeometryCollection", "geometries": [{PLAIN}]}}"#);
        same(area_of(&gc, &[]), plain);
    }

    #[test]
    fn repeated_vertices_are_dropped() {
        let road = line(
            "[[36.70, 35.86], [36.70, 35.86], [36.75, 35.865], [36.75, 35.865], [36.75, 35.865], [36.81, 35.86], [36.81, 35.86]]",
        );
        same(area_of(&road, &[]), area_of(PLAIN, &[]));
    }

    #[test]
    fn multilinestring_parts_join_in_any_order_and_direction() {
        let road = r#"{"type": "MultiLineString", "coordinates": [
            [[36.81, 35.86], [36.75, 35.865]],
            [[36.70, 35.86], [36.75, 35.865]]]}"#;
        same(area_of(road, &[]), area_of(PLAIN, &[]));
        // Separate features too, as an OpenStreetMap export splits a road into ways.
        let ways = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"highway": "motorway"}, "geometry": {"type": "LineString", "coordinates": [[36.75, 35.865], [36.81, 35.86]]}},
            {"type": "Feature", "properties": {"highway": "motorway"}, "geometry": {"type": "LineString", "coordinates": [[36.70, 35.86], [36.75, 35.865]]}}]}"#;
        same(area_of(ways, &[]), area_of(PLAIN, &[]));
    }

    #[test]
    fn a_road_drawn_east_to_west_is_the_same_corridor() {
        let west = line("[[36.81, 35.86], [36.75, 35.865], [36.70, 35.86]]");
        same(area_of(&west, &[]), area_of(PLAIN, &[]));
        // North and south still mean north and south.
        let a = area_of(&west, &["--north", "1km", "--south", "3km"]);
        let b = area_of(PLAIN, &["--north", "1km", "--south", "3km"]);
        same(a, b);
    }

    #[test]
    fn elevations_are_ignored() {
        let road3d = line("[[36.70, 35.86, 250.0], [36.75, 35.865, 310.5], [36.81, 35.86, -4.0]]");
        same(area_of(&road3d, &[]), area_of(PLAIN, &[]));
    }

    #[test]
    fn unicode_place_names_work_as_ends() {
        let full = area_of(PLAIN, &[]);
        let part = area_of(
            PLAIN,
            &[
                "--places",
                "places.geojson",
                "--from",
                "سراقب",
                "--to",
                "ʿAyn al-Ḥawr",
            ],
        );
        assert!(part > 0.0 && part < full, "{part} vs {full}");
    }

    #[test]
    fn a_csv_with_unicode_and_quoted_fields_is_classified() {
        let dir = Workdir::with(ROAD, PLACES);
        dir.write(
            "points.csv",
            "name,lon,lat\n\"Saraqib, سراقب\",36.75,35.87\nʿAyn,36.75,36.5\n",
        );
        let o = dir.run(&run::classify("points.csv", &[]));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(
            lines[1].starts_with("\"Saraqib, سراقب\",36.75,35.87,true,north"),
            "{out}"
        );
        assert!(lines[2].starts_with("ʿAyn,36.75,36.5,false"), "{out}");
    }
}

/// Writing whole or not at all, through the library's writer.
mod atomic {
    use corridor::export::write_atomic;

    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("a readable directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_writer_failing_half_way_leaves_no_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("zones.geojson");
        // More than the writer's buffer, so that bytes did reach the temporary file.
        let err = write_atomic(&path, |w| {
            for _ in 0..1_000 {
                w.write_all(&[b'x'; 1_000])?;
            }
            Err(std::io::Error::other("the disk filled up"))
        })
        .expect_err("the write fails");
        assert_eq!(err.path, path);
        assert!(err.to_string().contains("zones.geojson"), "{err}");
        let cause = std::error::Error::source(&err).map(|c| c.to_string());
        assert_eq!(cause.as_deref(), Some("the disk filled up"));
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    #[test]
    fn a_failed_write_leaves_an_older_file_as_it_was() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("zones.geojson");
        std::fs::write(&path, "the old zones\n").expect("an older file");
        let result = write_atomic(&path, |w| {
            w.write_all(b"{\"type\": \"FeatureCollection\", \"features\": [")?;
            Err(std::io::Error::other("interrupted"))
        });
        assert!(result.is_err());
        assert_eq!(
            std::fs::read_to_string(&path).expect("the older file"),
            "the old zones\n"
        );
        assert_eq!(names(dir.path()), ["zones.geojson"]);
    }

    #[test]
    fn a_panicking_writer_leaves_no_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("patrol.gpx");
        let unwound = std::panic::catch_unwind(|| {
            let _ = write_atomic(&path, |w| {
                w.write_all(b"<gpx>")?;
                panic!("a bug in a writer");
            });
        });
        assert!(unwound.is_err());
        // The temporary file is removed as the stack unwinds.
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    #[test]
    fn a_good_write_replaces_the_older_file_whole() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("zones.geojson");
        std::fs::write(&path, "old").expect("an older file");
        write_atomic(&path, |w| w.write_all(b"new")).expect("the write succeeds");
        assert_eq!(std::fs::read_to_string(&path).expect("the file"), "new");
        assert_eq!(names(dir.path()), ["zones.geojson"]);
    }

    #[test]
    fn a_directory_in_the_way_fails_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("zones.geojson");
        std::fs::create_dir(&path).expect("a directory named like the output");
        let err = write_atomic(&path, |w| w.write_all(b"new")).expect_err("rename onto a dir");
        assert!(err.to_string().contains("zones.geojson"), "{err}");
        assert_eq!(names(dir.path()), ["zones.geojson"]);
    }
}
