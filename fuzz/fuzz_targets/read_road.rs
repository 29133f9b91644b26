//! Fuzzes the GeoJSON road reader: any text either fails with a one-line error or gives a road
//! that keeps its invariants (finite, in range, unrolled, increasing chainage) and whose
//! `locate(point_at(c))` round trip lands back on the road. See `common/checks.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check_read_road(data));
