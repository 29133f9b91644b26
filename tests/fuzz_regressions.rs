//! Every input the fuzzers (`fuzz/`) found failing, kept and replayed through the same property
//! checks (`fuzz/common/checks.rs`), plus a short deterministic stand-in for the fuzzers so that
//! `cargo test` exercises the checks on every run.
//!
//! A kept input lives in `tests/fuzz_cases/<target>/<name>`, named after what it found.

use std::path::Path;

#[path = "../fuzz/common/checks.rs"]
mod checks;

fn cases(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_cases")
        .join(target);
    // A target with no kept input yet has no directory (git keeps no empty ones).
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| {
            let path = e.expect("a directory entry").path();
            let bytes = std::fs::read(&path).expect("a readable case");
            (path.display().to_string(), bytes)
        })
        .filter(|(name, _)| !name.ends_with(".md"))
        .collect();
    out.sort();
    out
}

/// Runs each case, naming the one that fails.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let cases = cases(target);
    for (name, bytes) in &cases {
        if std::panic::catch_unwind(|| check(bytes)).is_err() {
            panic!("{name} fails again");
        }
    }
    cases.len()
}

#[test]
fn read_road_cases_stay_fixed() {
    let n = replay("read_road", checks::check_read_road);
    println!("{n} read_road cases");
}

#[test]
fn build_corridor_cases_stay_fixed() {
    let n = replay("build_corridor", checks::check_build_corridor);
    println!("{n} build_corridor cases");
}

/// A deterministic xorshift stream of bytes.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut s = seed.max(1);
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect()
}

/// The fuzzers' checks on a few hundred fixed random inputs: not a substitute for fuzzing, but
/// it keeps the checks themselves compiling and honest.
#[test]
fn fixed_random_inputs_pass_the_read_road_checks() {
    for seed in 1..=300 {
        checks::check_read_road(&random_bytes(seed, 96));
    }
}

/// As above for the corridor builder.
#[test]
fn fixed_random_inputs_pass_the_build_corridor_checks() {
    for seed in 1..=24 {
        checks::check_build_corridor(&random_bytes(seed * 7919, 96));
    }
}
