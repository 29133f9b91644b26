//! Helpers for the tests that run the `corridor` binary and read what it wrote.

// Each test file takes the helpers it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_corridor");

/// A file of the repository's `data/`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
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
    let o = Command::new(BIN)
        .args(["build", "--road"])
        .arg(data("m4.geojson"))
        .arg("--places")
        .arg(data("places.geojson"))
        .args(["--from", "Trumba", "--to", "Ain al-Hawr", "--width", "6km"])
        .args(["--start", "2020-03-15T09:00:00+03:00", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}
