//! Fuzzes the corridor builder on awkward roads (tiny steps, near-duplicate points, 180° turns,
//! 500 km steps, near the poles, across the antimeridian): the polygons are valid, the halves
//! tile the whole, the road is inside, boundary vertices sit at the width ± tolerance and the
//! classifier agrees with the polygon. See `common/checks.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check_build_corridor(data));
