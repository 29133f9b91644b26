//! Valid and right anywhere on the globe (issue 17).
//!
//! - Validity as GEOS judges it (shapely's `explain_validity`, run through Python): the whole
//!   and the halves of random self-crossing roads with unequal widths and sharp turns, both as
//!   built and as written to GeoJSON (rounded to 7 decimals).
//!
//! GEOS is independent of this crate (and of geo and i_overlay); where Python or shapely is
//! missing the GEOS checks print why and pass (`.ci/run` installs shapely).

use std::io::Write;
use std::process::{Command, Stdio};

use corridor::{Cap, Corridor, CorridorOptions, Road, Side};
use geo::{Coord, Geodesic, GeodesicArea, Length, LineString, MultiPolygon};
use geographiclib_rs::{DirectGeodesic, Geodesic};

// ---------------------------------------------------------------------------------------------
// GEOS through shapely.

/// The Python program: reads lines of one geometry (WKT, or GeoJSON when it starts with `{`)
/// or three (whole, left, right, tab-separated); prints GEOS's verdict on each geometry
/// (`Valid Geometry` or its reason), and for three the areas (planar, degrees²) of the halves'
/// overlap and of the symmetric difference between their union and the whole, over the
/// whole's.
const GEOS_CHECK: &str = r#"
import sys, shapely, shapely.validation
def read(text):
    return shapely.from_geojson(text) if text.startswith("{") else shapely.from_wkt(text)
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    gs = [read(t) for t in line.split("\t")]
    out = [shapely.validation.explain_validity(g) for g in gs]
    if len(gs) == 3 and all(g.is_valid for g in gs) and gs[0].area > 0:
        whole, left, right = gs
        out.append(repr(left.intersection(right).area / whole.area))
        out.append(repr(left.union(right).symmetric_difference(whole).area / whole.area))
    print("\t".join(out), flush=True)
"#;

/// The Python that has shapely, or `None` (said once on stderr).
fn python_with_shapely() -> Option<&'static str> {
    static FOUND: std::sync::OnceLock<Option<&'static str>> = std::sync::OnceLock::new();
    *FOUND.get_or_init(|| {
        let found = ["python3", "/usr/bin/python3"].into_iter().find(|python| {
            Command::new(python)
                .args(["-c", "import shapely, shapely.validation"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
        if found.is_none() {
            eprintln!(
                "skipping the GEOS validity checks: no python3 with shapely (pip install shapely)"
            );
        }
        found
    })
}

/// GEOS's verdict on each geometry (WKT or GeoJSON, one a line), or `None` without shapely.
fn geos_validity(geometries: &[String]) -> Option<Vec<String>> {
    let python = python_with_shapely()?;
    let mut child = Command::new(python)
        .args(["-c", GEOS_CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("a pipe");
    let input = geometries.join("\n");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("python3 ends");
    writer.join().expect("writer").expect("written");
    assert!(out.status.success(), "the GEOS check failed");
    let verdicts: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(verdicts.len(), geometries.len());
    Some(verdicts)
}

fn wkt_ring(ring: &LineString) -> String {
    let points: Vec<String> = ring
        .0
        .iter()
        .map(|c| format!("{:?} {:?}", c.x, c.y))
        .collect();
    format!("({})", points.join(", "))
}

/// WKT with every digit of every coordinate.
fn wkt(mp: &MultiPolygon) -> String {
    let polygons: Vec<String> =
        mp.0.iter()
            .map(|p| {
                let rings: Vec<String> = std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(wkt_ring)
                    .collect();
                format!("({})", rings.join(", "))
            })
            .collect();
    if polygons.is_empty() {
        "MULTIPOLYGON EMPTY".to_string()
    } else {
        format!("MULTIPOLYGON ({})", polygons.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// Random roads.

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn f64(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }
}

/// A road that folds back and crosses itself: steps of about the widths, turns of up to 170°.
fn self_crossing_road(rng: &mut Rng, start: Coord, width_m: f64) -> Vec<Coord> {
    let geod = Geodesic::wgs84();
    let mut p = start;
    let mut heading = rng.range(0.0, 360.0);
    let mut out = vec![p];
    for _ in 0..rng.range(3.0, 9.0) as usize {
        let sign = if rng.f64() < 0.5 { -1.0 } else { 1.0 };
        heading += sign * rng.range(60.0, 170.0);
        let length_m = width_m * rng.range(0.3, 4.0);
        let (lat, lon): (f64, f64) = geod.direct(p.y, p.x, heading, length_m);
        p = Coord { x: lon, y: lat };
        out.push(p);
    }
    out
}

/// The geodesic area of GeoJSON polygons, m² (each ring's own orientation: exteriors
/// counter-clockwise, holes clockwise, as RFC 7946 wants them).
fn geojson_area_m2(geometry: &geojson::Geometry) -> f64 {
    let g: geo::Geometry = geometry.clone().try_into().expect("a geometry");
    let polygons = match g {
        geo::Geometry::Polygon(p) => vec![p],
        geo::Geometry::MultiPolygon(mp) => mp.0,
        other => panic!("not polygons: {other:?}"),
    };
    polygons.iter().map(|p| p.geodesic_area_signed()).sum()
}

/// The geodesic length of every ring, metres.
fn perimeter_m(mp: &MultiPolygon) -> f64 {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| Geodesic.length(r))
        .sum()
}

/// GEOS's verdicts on (whole, left, right) triples: each must be valid, the halves must neither
/// overlap nor leave a gap (to 1e-6 of the whole's area, as `tests/oracle.rs` asks: each
/// layer is put on the output grid on its own, and where a vertex of one half lies within a
/// step of the road the two copies of the road's edge may be snapped a step apart).
fn assert_valid_tilings(names: &[String], triples: &[String]) {
    let Some(verdicts) = geos_validity(triples) else {
        return;
    };
    let mut bad = Vec::new();
    let mut worst = 0.0f64;
    for (name, verdict) in names.iter().zip(&verdicts) {
        let fields: Vec<&str> = verdict.split('\t').collect();
        for (what, v) in ["whole", "left", "right"].iter().zip(&fields) {
            if *v != "Valid Geometry" {
                bad.push(format!("{name}, {what}: {v}"));
            }
        }
        if let [_, _, _, overlap, gap] = fields[..] {
            let (overlap, gap): (f64, f64) = (
                overlap.parse().expect("a number"),
                gap.parse().expect("a number"),
            );
            worst = worst.max(overlap).max(gap);
            if overlap > 1e-6 || gap > 1e-6 {
                bad.push(format!(
                    "{name}: halves overlap {overlap:e}, gap {gap:e} of the whole"
                ));
            }
        }
    }
    eprintln!(
        "GEOS checked {} triples (whole, left, right): {} problems, halves' overlap or gap at most {worst:.1e} of the whole",
        triples.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Random self-crossing roads with unequal widths and sharp turns, anywhere up to ±70°: the
/// whole and the halves valid for GEOS as built and as written to GeoJSON, the halves tiling
/// the whole, the written areas those of the corridor. `GLOBE_ROADS=n` tries more roads.
#[test]
fn halves_of_self_crossing_roads_are_valid_for_geos() {
    let mut rng = Rng(20_200_305);
    let roads: usize = std::env::var("GLOBE_ROADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut triples = Vec::new();
    let mut names = Vec::new();
    let mut worst_moved_m = 0.0f64;
    for k in 0..roads {
        let start = Coord {
            x: rng.range(-179.0, 179.0),
            y: rng.range(-70.0, 70.0),
        };
        let wl = rng.range(200.0, 8_000.0);
        let wr = wl * rng.range(0.2, 1.0);
        let coords = self_crossing_road(&mut rng, start, wl.max(wr));
        let Ok(road) = Road::from_coords(coords) else {
            continue;
        };
        let cap = if k % 2 == 0 { Cap::Flat } else { Cap::Round };
        let options = CorridorOptions::new(wl, wr).expect("widths").cap(cap);
        let corridor = Corridor::build(&road, &options);
        let built = [
            corridor.whole(),
            corridor.half(Side::Left),
            corridor.half(Side::Right),
        ];
        triples.push(built.map(wkt).join("\t"));
        names.push(format!("road {k} as built"));
        let zones = corridor::export::zones_geojson(&corridor, "random");
        let geometries: Vec<&geojson::Geometry> = zones
            .features
            .iter()
            .map(|f| f.geometry.as_ref().expect("a geometry"))
            .collect();
        let json: Vec<String> = geometries
            .iter()
            .map(|g| serde_json::to_string(g).expect("JSON"))
            .collect();
        triples.push(json.join("\t"));
        names.push(format!("road {k} in GeoJSON"));
        // Rounding to 7 decimals moves the boundary by up to 0.8 cm: the area changes by at
        // most that times the perimeter.
        for (g, mp) in geometries.iter().zip(built) {
            let expected = mp.0.iter().map(|p| p.geodesic_area_signed()).sum::<f64>();
            let moved_m = (geojson_area_m2(g) - expected).abs() / perimeter_m(mp);
            worst_moved_m = worst_moved_m.max(moved_m);
        }
    }
    eprintln!(
        "{roads} self-crossing roads: written areas differ from the corridor's by at most {:.2} mm times the perimeter",
        worst_moved_m * 1e3
    );
    assert!(worst_moved_m < 0.008);
    assert_valid_tilings(&names, &triples);
}
