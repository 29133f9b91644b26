//! Helpers for the tests that run the `corridor` binary: the binary, temporary working
//! directories with the fixture road, the argument lists the tests share, the checks on how
//! it answered, and GDAL's `ogrinfo` as an independent reader of what it wrote.
//!
//! Included by path (`#[path = "common/run.rs"] mod run;`), so that a test of the binary does
//! not compile the oracle of `common/mod.rs`.

// Each test file takes the helpers it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_corridor");

/// A 10 km road near Saraqib drawn west to east (longitude, latitude), with a bend.
pub const ROAD: &str = r#"{"type": "Feature", "properties": {"name": "test road"},
  "geometry": {"type": "LineString", "coordinates": [[36.70, 35.86], [36.75, 35.865], [36.81, 35.86]]}}"#;

/// The same road as a bare geometry.
pub const ROAD_GEOMETRY: &str =
    r#"{"type": "LineString", "coordinates": [[36.70, 35.86], [36.75, 35.865], [36.81, 35.86]]}"#;

/// A place near each end of [`ROAD`].
pub const PLACES: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "West End"}, "geometry": {"type": "Point", "coordinates": [36.701, 35.861]}},
  {"type": "Feature", "properties": {"name": "East End"}, "geometry": {"type": "Point", "coordinates": [36.809, 35.859]}}]}"#;

/// The patrol section of the M4 example, and the start of its patrol.
pub const M4_SECTION: [&str; 6] = [
    "--from",
    "Trumba",
    "--to",
    "Ain al-Hawr",
    "--start",
    "2020-03-15T09:00:00+03:00",
];

/// A file of the repository's `data/`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// [`data`] as a string, for an argument list.
pub fn data_arg(name: &str) -> String {
    data(name).display().to_string()
}

/// `build` of `road.geojson` into `out`, then `extra` (widths at least).
pub fn build<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["build", "--road", "road.geojson", "--out", "out"];
    args.extend_from_slice(extra);
    args
}

/// `classify` of `points` against `road.geojson`, 6 km either side, then `extra`.
pub fn classify<'a>(points: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "classify",
        "--road",
        "road.geojson",
        "--width",
        "6km",
        points,
    ];
    args.extend_from_slice(extra);
    args
}

/// Runs the binary in `dir`. No backtrace: a panic must show in one line's worth even so.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the corridor binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The process succeeded; its stderr is shown when it did not.
pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstderr: {}",
        o.status.code(),
        stderr(o)
    );
}

/// The process failed with this status and said so in exactly one line starting `corridor: `.
pub fn assert_one_line_error(o: &Output, status: i32) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(status), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(err.starts_with("corridor: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// A temporary working directory holding `road.geojson` ([`ROAD`]) and `places.geojson`
/// ([`PLACES`]), where the binary runs.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir::with(ROAD, PLACES)
    }

    /// A working directory with this road and these places.
    pub fn with(road: &str, places: &str) -> Workdir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("road.geojson"), road).expect("write road");
        std::fs::write(dir.path().join("places.geojson"), places).expect("write places");
        Workdir { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).expect("write a test file");
        path
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read an output")
    }

    pub fn json(&self, name: &str) -> Value {
        serde_json::from_str(&self.read(name)).expect("an output of JSON")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.root(), args)
    }

    /// Names of the files in a directory, sorted; hidden temporary files included.
    pub fn listing(&self, sub: &str) -> Vec<String> {
        let mut names: Vec<String> = match std::fs::read_dir(self.path(sub)) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }
}

/// The number of features of a GeoJSON FeatureCollection file.
pub fn feature_count(path: &Path) -> usize {
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    value["features"].as_array().unwrap().len()
}

/// Runs `corridor build` on the M4 (Trumba to Ain al-Hawr, 6 km, with its places) into
/// `out/` of a new temporary directory, and returns that directory.
pub fn build_m4() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (road, places) = (data_arg("m4.geojson"), data_arg("places.geojson"));
    let mut args = vec![
        "build", "--road", &road, "--places", &places, "--width", "6km",
    ];
    args.extend(M4_SECTION);
    args.extend(["--out", "out"]);
    assert_ok(&run_in(dir.path(), &args));
    dir
}

/// `ogrinfo -ro -so -al PATH`'s report, or `None` (saying so) where GDAL is not installed.
/// GDAL must read the file without an error or a warning.
pub fn ogrinfo(path: &Path) -> Option<String> {
    let Ok(version) = Command::new("ogrinfo").arg("--version").output() else {
        eprintln!("skipped: ogrinfo is not on PATH (Debian: apt-get install gdal-bin)");
        return None;
    };
    eprintln!("{}", String::from_utf8_lossy(&version.stdout).trim());
    let info = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(path)
        .output()
        .unwrap();
    let err = stderr(&info);
    assert!(info.status.success(), "{}: {err}", path.display());
    assert!(
        err.trim().is_empty(),
        "ogrinfo warned on {}: {err}",
        path.display()
    );
    Some(stdout(&info))
}

/// The `Feature Count` of a layer in an [`ogrinfo`] report.
pub fn ogr_feature_count(report: &str, layer: &str) -> usize {
    let at = report
        .find(&format!("Layer name: {layer}\n"))
        .unwrap_or_else(|| panic!("no layer {layer} in {report}"));
    let line = report[at..]
        .lines()
        .find(|l| l.starts_with("Feature Count:"))
        .unwrap();
    line["Feature Count:".len()..].trim().parse().unwrap()
}
