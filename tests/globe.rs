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

mod common;

use common::ecef;
use corridor::{Cap, Corridor, CorridorOptions, Road, Side};
use geo::{Area, Coord, Euclidean, Length, LineString, MultiPolygon};
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

/// How far the boundary of written polygons moved from the built ones, on average, in steps of
/// the 7-decimal grid: the difference of their areas in the plane of longitude/latitude (where
/// GeoJSON draws edges straight, and where cutting at ±180° and shifting by 360° changes no
/// area) over the perimeter. Rounding alone moves a vertex by at most 0.71 of a step.
fn moved_steps(written: &geojson::Geometry, built: &MultiPolygon) -> f64 {
    let g: geo::Geometry = written.clone().try_into().expect("a geometry");
    let perimeter_deg: f64 = built
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| Euclidean.length(r))
        .sum();
    (g.unsigned_area() - built.unsigned_area()).abs() / (perimeter_deg * 1e-7)
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
        let labels = if fields.len() >= 3 {
            ["whole", "left", "right"]
        } else {
            ["geometry"; 3]
        };
        for (what, v) in labels.iter().zip(&fields) {
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
        "GEOS checked {} lines (whole, left, right, or one geometry): {} problems, halves' overlap or gap at most {worst:.1e} of the whole",
        triples.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Random self-crossing roads with unequal widths and sharp turns (anywhere up to ±70°, across
/// the antimeridian, at 75° to 88°): the whole and the halves valid for GEOS as built and as
/// written to GeoJSON (cut at ±180°), the halves tiling the whole, the written areas those of
/// the corridor. `GLOBE_ROADS=n` tries more roads.
#[test]
fn halves_of_self_crossing_roads_are_valid_for_geos() {
    let mut rng = Rng(20_200_305);
    let roads: usize = std::env::var("GLOBE_ROADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut triples = Vec::new();
    let mut names = Vec::new();
    let mut worst_moved = 0.0f64;
    for k in 0..roads {
        // A third anywhere up to ±70°, a third across the antimeridian, a third at 75° to 88°.
        let sign = if rng.f64() < 0.5 { -1.0 } else { 1.0 };
        let start = match k % 3 {
            0 => Coord {
                x: rng.range(-180.0, 180.0),
                y: rng.range(-70.0, 70.0),
            },
            1 => Coord {
                x: corridor::antimeridian::wrap_lon(rng.range(179.9, 180.1)),
                y: rng.range(-70.0, 70.0),
            },
            _ => Coord {
                x: rng.range(-180.0, 180.0),
                y: sign * rng.range(75.0, 88.0),
            },
        };
        let wl = rng.range(200.0, 8_000.0);
        let wr = wl * rng.range(0.2, 1.0);
        let coords = self_crossing_road(&mut rng, start, wl.max(wr));
        let Ok(road) = Road::from_coords(coords) else {
            continue;
        };
        let cap = if k % 2 == 0 { Cap::Flat } else { Cap::Round };
        let options = CorridorOptions::new(wl, wr).expect("widths").cap(cap);
        let corridor = Corridor::try_build(&road, &options).expect("far from the poles");
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
        for (g, mp) in geometries.iter().zip(built) {
            worst_moved = worst_moved.max(moved_steps(g, mp));
        }
    }
    eprintln!(
        "{roads} self-crossing roads: written boundaries moved {worst_moved:.2} grid steps (1e-7°) on average at most"
    );
    assert!(worst_moved <= 1.0);
    assert_valid_tilings(&names, &triples);
}

// ---------------------------------------------------------------------------------------------
// An independent oracle: the distance from a point to the road by dense geodesic sampling and
// golden-section refinement, with GeographicLib alone.

/// Brute-force geodesic distances to a road given by its vertices.
struct Oracle {
    geod: Geodesic,
    /// Per segment: start, azimuth there (degrees), length (metres).
    segments: Vec<(Coord, f64, f64)>,
    /// Samples every `step_m` or closer: segment, metres along it, Earth-centred position.
    samples: Vec<(usize, f64, [f64; 3])>,
    step_m: f64,
}

impl Oracle {
    fn new(vertices: &[Coord], step_m: f64) -> Oracle {
        let geod = Geodesic::wgs84();
        let mut segments = Vec::new();
        let mut samples = Vec::new();
        for w in vertices.windows(2) {
            let (s12, azi1, _, _): (f64, f64, f64, f64) =
                geographiclib_rs::InverseGeodesic::inverse(&geod, w[0].y, w[0].x, w[1].y, w[1].x);
            let i = segments.len();
            segments.push((w[0], azi1, s12));
            let n = (s12 / step_m).ceil().max(1.0) as usize;
            for k in 0..=n {
                let s = s12 * k as f64 / n as f64;
                let (lat, lon): (f64, f64) = geod.direct(w[0].y, w[0].x, azi1, s);
                samples.push((i, s, ecef(Coord { x: lon, y: lat })));
            }
        }
        Oracle {
            geod,
            segments,
            samples,
            step_m,
        }
    }

    fn at(&self, i: usize, s: f64, p: Coord) -> f64 {
        let (a, azi, len) = self.segments[i];
        let (lat, lon): (f64, f64) = self.geod.direct(a.y, a.x, azi, s.clamp(0.0, len));
        geographiclib_rs::InverseGeodesic::inverse(&self.geod, lat, lon, p.y, p.x)
    }

    /// The geodesic distance from `p` to the road, metres (to well under a millimetre).
    fn distance_m(&self, p: Coord) -> f64 {
        let q = ecef(p);
        let chord = |e: &[f64; 3]| {
            ((e[0] - q[0]).powi(2) + (e[1] - q[1]).powi(2) + (e[2] - q[2]).powi(2)).sqrt()
        };
        let nearest = self
            .samples
            .iter()
            .map(|s| chord(&s.2))
            .fold(f64::INFINITY, f64::min);
        let mut best = f64::INFINITY;
        for &(i, s, e) in &self.samples {
            if chord(&e) > nearest + self.step_m {
                continue;
            }
            // Golden-section search for the nearest point within a step either side.
            let (mut lo, mut hi) = (s - self.step_m, s + self.step_m);
            let g = 0.5 * (5f64.sqrt() - 1.0);
            for _ in 0..50 {
                let (m1, m2) = (hi - g * (hi - lo), lo + g * (hi - lo));
                if self.at(i, m1, p) < self.at(i, m2, p) {
                    hi = m2;
                } else {
                    lo = m1;
                }
            }
            best = best
                .min(self.at(i, 0.5 * (lo + hi), p))
                .min(self.at(i, s, p));
        }
        best
    }
}

/// What the oracle measured on a corridor of equal widths and round caps, whose whole boundary
/// should lie at the width.
#[derive(Debug, Default)]
struct Measured {
    vertices: usize,
    max_vertex_error_m: f64,
    worst_sag_m: f64,
}

/// Measures at most `at_most` boundary vertices and edge middles of the whole (evenly spread).
fn measure(corridor: &Corridor, at_most: usize) -> Measured {
    let width_m = corridor.options().width_left_m;
    let oracle = Oracle::new(corridor.road().coords(), 200.0);
    let rings: Vec<&LineString> = corridor
        .whole()
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    let total: usize = rings.iter().map(|r| r.0.len()).sum();
    let stride = total.div_ceil(at_most).max(1);
    let mut m = Measured::default();
    for ring in rings {
        for (k, w) in ring.0.windows(2).enumerate() {
            if k % stride != 0 {
                continue;
            }
            m.vertices += 1;
            let d = oracle.distance_m(w[0]);
            m.max_vertex_error_m = m.max_vertex_error_m.max((d - width_m).abs());
            let mid = Coord {
                x: 0.5 * (w[0].x + w[1].x),
                y: 0.5 * (w[0].y + w[1].y),
            };
            m.worst_sag_m = m.worst_sag_m.max(width_m - oracle.distance_m(mid));
        }
    }
    m
}

// ---------------------------------------------------------------------------------------------
// What the written layers must be.

/// Every line of coordinates (rings and lines) of a GeoJSON geometry.
fn coordinate_lines(value: &geojson::GeometryValue) -> Vec<Vec<[f64; 2]>> {
    use geojson::GeometryValue as G;
    let line = |ps: &Vec<geojson::Position>| -> Vec<[f64; 2]> {
        ps.iter()
            .map(|p| [p.as_slice()[0], p.as_slice()[1]])
            .collect()
    };
    match value {
        G::Point { coordinates } => {
            vec![vec![[coordinates.as_slice()[0], coordinates.as_slice()[1]]]]
        }
        G::LineString { coordinates } => vec![line(coordinates)],
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().map(line).collect()
        }
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().map(line).collect(),
        other => panic!("unexpected geometry {}", other.type_name()),
    }
}

/// Every coordinate within [-180, 180] × [-90, 90], and no edge longer than half the globe in
/// longitude (the jump of a geometry not cut at the antimeridian).
fn assert_cut(name: &str, fc: &geojson::FeatureCollection) {
    for f in &fc.features {
        let g = f.geometry.as_ref().expect("a geometry");
        for line in coordinate_lines(&g.value) {
            for c in &line {
                assert!(
                    (-180.0..=180.0).contains(&c[0]) && (-90.0..=90.0).contains(&c[1]),
                    "{name}: {c:?}"
                );
            }
            for w in line.windows(2) {
                assert!(
                    (w[1][0] - w[0][0]).abs() <= 180.0,
                    "{name}: an edge jumps from {:?} to {:?}",
                    w[0],
                    w[1]
                );
            }
        }
    }
}

/// GEOS's verdict on every feature of a layer.
fn assert_valid_for_geos(name: &str, fc: &geojson::FeatureCollection) {
    let geometries: Vec<String> = fc
        .features
        .iter()
        .map(|f| serde_json::to_string(f.geometry.as_ref().expect("a geometry")).expect("JSON"))
        .collect();
    let Some(verdicts) = geos_validity(&geometries) else {
        return;
    };
    for (k, v) in verdicts.iter().enumerate() {
        assert_eq!(v, "Valid Geometry", "{name}, feature {k}");
    }
}

/// The zones as written: cut, valid, the halves tiling the whole, the areas the corridor's
/// (in the plane, to a step of the 7-decimal grid times the perimeter).
fn assert_zones_written_right(name: &str, corridor: &Corridor, geos: &mut GeosBatch) {
    let zones = corridor::export::zones_geojson(corridor, name);
    assert_cut(name, &zones);
    geos.add(name, &zones.features);
    let built = [
        corridor.whole(),
        corridor.half(Side::Left),
        corridor.half(Side::Right),
    ];
    for (f, mp) in zones.features.iter().zip(built) {
        let moved = moved_steps(f.geometry.as_ref().expect("a geometry"), mp);
        assert!(
            moved <= 1.0,
            "{name}: the boundary moved {moved} grid steps on average"
        );
    }
    let lines = corridor::export::control_lines_geojson(corridor, &[]);
    assert_cut(name, &lines);
    for (k, f) in lines.features.iter().enumerate() {
        geos.add(&format!("{name}, line {k}"), std::slice::from_ref(f));
    }
}

/// Geometries for GEOS, checked in one run of Python at the end (starting it costs a third of a
/// second): lines of one geometry, or of the whole and its halves.
#[derive(Default)]
struct GeosBatch {
    names: Vec<String>,
    lines: Vec<String>,
}

impl GeosBatch {
    fn add(&mut self, name: &str, features: &[geojson::Feature]) {
        let json: Vec<String> = features
            .iter()
            .map(|f| serde_json::to_string(f.geometry.as_ref().expect("a geometry")).expect("JSON"))
            .collect();
        self.names.push(name.to_string());
        self.lines.push(json.join("\t"));
    }

    fn check(self) {
        assert_valid_tilings(&self.names, &self.lines);
    }
}

/// The area of a corridor of one geodesic, equal widths `w` and round caps: 2wL + πw², m².
fn stadium_m2(corridor: &Corridor) -> f64 {
    let w = corridor.options().width_left_m;
    2.0 * w * corridor.length_m() + std::f64::consts::PI * w * w
}

fn geodesic_road(from: Coord, azimuth_deg: f64, length_m: f64) -> Road {
    let (lat, lon): (f64, f64) = Geodesic::wgs84().direct(from.y, from.x, azimuth_deg, length_m);
    Road::from_coords(vec![from, Coord { x: lon, y: lat }]).expect("a road")
}

// ---------------------------------------------------------------------------------------------
// The antimeridian, high latitudes and the poles.

/// Fiji, 179.5° E to 179.0° W: exact on the ellipsoid, and written cut at ±180°.
#[test]
fn fiji_across_the_antimeridian() {
    let road = Road::from_coords(vec![
        Coord { x: 179.5, y: -16.8 },
        Coord {
            x: -179.0,
            y: -16.6,
        },
    ])
    .expect("a road");
    let options = CorridorOptions::symmetric(6_000.0)
        .expect("width")
        .cap(Cap::Round);
    let corridor = Corridor::try_build(&road, &options).expect("no pole");
    let m = measure(&corridor, 400);
    let area_error = corridor.area_km2() * 1e6 / stadium_m2(&corridor) - 1.0;
    eprintln!(
        "Fiji: {} vertices measured, max vertex error {:.1} mm, worst sag {:.3} m, area {:.3} km² ({:+.1e} of 2wL + πw²)",
        m.vertices,
        m.max_vertex_error_m * 1e3,
        m.worst_sag_m,
        corridor.area_km2(),
        area_error
    );
    assert!(m.max_vertex_error_m <= 0.5 && m.worst_sag_m <= 0.5);
    assert!(area_error.abs() < 1e-4);
    let mut geos = GeosBatch::default();
    assert_zones_written_right("Fiji", &corridor, &mut geos);
    geos.check();
    let zones = corridor::export::zones_geojson(&corridor, "Fiji");
    assert_eq!(
        zones.features[0]
            .geometry
            .as_ref()
            .expect("a geometry")
            .value
            .type_name(),
        "MultiPolygon"
    );
}

/// 85° to 89.9° of latitude, north and south, roads that do not hold the pole: exact.
#[test]
fn high_latitudes() {
    let mut geos = GeosBatch::default();
    for (lat, azimuth, length_m) in [
        (85.0, 90.0, 50_000.0),
        (-87.0, 60.0, 30_000.0),
        (88.0, 90.0, 20_000.0),
        (89.5, 120.0, 10_000.0),
        (-89.9, 90.0, 4_000.0),
    ] {
        let road = geodesic_road(Coord { x: 20.0, y: lat }, azimuth, length_m);
        let options = CorridorOptions::symmetric(2_000.0)
            .expect("width")
            .cap(Cap::Round);
        let corridor = Corridor::try_build(&road, &options).expect("no pole");
        let m = measure(&corridor, 300);
        let area_error = corridor.area_km2() * 1e6 / stadium_m2(&corridor) - 1.0;
        eprintln!(
            "{lat}°: {} vertices measured, max vertex error {:.1} mm, worst sag {:.3} m, area {:.3} km² ({:+.1e} of 2wL + πw²)",
            m.vertices,
            m.max_vertex_error_m * 1e3,
            m.worst_sag_m,
            corridor.area_km2(),
            area_error
        );
        assert!(
            m.max_vertex_error_m <= 0.5 && m.worst_sag_m <= 0.5,
            "{lat}°: {m:?}"
        );
        assert!(area_error.abs() < 1e-4, "{lat}°");
        assert_zones_written_right(&format!("{lat}°"), &corridor, &mut geos);
    }
    geos.check();
}

/// The issue's road over the North Pole (built, it came out 211 km² where 2wL + πw² is
/// 247 km²) and its mirror over the South Pole are refused, naming the pole.
#[test]
fn corridors_over_a_pole_are_refused_naming_it() {
    for (lat, pole, name) in [
        (89.95, corridor::Pole::North, "North Pole"),
        (-89.95, corridor::Pole::South, "South Pole"),
    ] {
        let road = Road::from_coords(vec![Coord { x: 0.0, y: lat }, Coord { x: 180.0, y: lat }])
            .expect("a road");
        let options = CorridorOptions::symmetric(6_000.0)
            .expect("width")
            .cap(Cap::Round);
        let err = Corridor::try_build(&road, &options).expect_err("a pole");
        assert!(
            matches!(err, corridor::CorridorError::HoldsPole { pole: p, .. } if p == pole),
            "{err}"
        );
        assert!(err.to_string().contains(name), "{err}");
    }
    // Passing 7 km from the pole, 6 km wide: built, and right.
    let geod = Geodesic::wgs84();
    let (lat, lon): (f64, f64) = geod.direct(90.0, 0.0, 180.0, 7_000.0);
    let road = geodesic_road(Coord { x: lon, y: lat }, 90.0, 30_000.0);
    let options = CorridorOptions::symmetric(6_000.0)
        .expect("width")
        .cap(Cap::Round);
    let corridor = Corridor::try_build(&road, &options).expect("7 km from the pole");
    let area_error = corridor.area_km2() * 1e6 / stadium_m2(&corridor) - 1.0;
    let m = measure(&corridor, 300);
    eprintln!(
        "7 km from the North Pole: max vertex error {:.1} mm, worst sag {:.3} m, area {:+.1e} of 2wL + πw²",
        m.max_vertex_error_m * 1e3,
        m.worst_sag_m,
        area_error
    );
    assert!(m.max_vertex_error_m <= 0.5 && m.worst_sag_m <= 0.5);
    assert!(area_error.abs() < 1e-4);
    // A flat-capped road that stops 1 km short of the pole does not hold it.
    let (lat, lon): (f64, f64) = geod.direct(90.0, 0.0, 180.0, 1_000.0);
    let road = geodesic_road(Coord { x: lon, y: lat }, 180.0, 20_000.0);
    let flat = CorridorOptions::symmetric(6_000.0).expect("width");
    assert!(Corridor::try_build(&road, &flat).is_ok());
    assert!(
        Corridor::try_build(&road, &options).is_err(),
        "a round cap reaches over the pole"
    );
}

/// A zone across Fiji's antimeridian: nothing north, a band 2–8 km south, none from km 20 to
/// km 30. On one geodesic with flat caps its area is (8 − 2) km × (L − 10 km); written cut at
/// ±180° and valid by GEOS.
#[test]
fn fiji_zone_band_and_exception_across_the_antimeridian() {
    let line = geodesic_road(Coord { x: 179.6, y: -16.8 }, 80.0, 80_000.0);
    let band = corridor::Extent::band_m(2_000.0, 8_000.0).ok();
    let options = corridor::ZoneOptions::new(None, band)
        .except_m(20_000.0, 30_000.0)
        .expect("an exception");
    let zone = corridor::Zone::try_build(&line, &options).expect("no pole");
    let expected_km2 = 6.0 * (line.length_m() - 10_000.0) / 1_000.0;
    let error = zone.area_km2() / expected_km2 - 1.0;
    eprintln!(
        "Fiji zone: {:.3} km² against {expected_km2:.3} km² ({error:+.1e}), {} polygon(s)",
        zone.area_km2(),
        zone.whole().0.len()
    );
    assert!(error.abs() < 1e-4, "area off by {error:e}");
    assert_eq!(
        zone.whole().0.len(),
        2,
        "the exception splits the band in two"
    );
    let zones =
        corridor::export::zones_layer(&[corridor::export::NamedZone::new("band", "Band", zone)]);
    assert_cut("Fiji zone", &zones);
    let mut geos = GeosBatch::default();
    geos.add("Fiji zone", &zones.features);
    geos.check();
}

/// `corridor build` on a road across Fiji's antimeridian: every layer of every file cut at ±180°
/// and valid for GEOS, the KML cut as well, and the map page drawing the corridor in one piece
/// (headless Chromium, where it is installed).
#[test]
fn fiji_through_the_command_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let road = dir.path().join("fiji.geojson");
    std::fs::write(
        &road,
        r#"{"type":"Feature","properties":{"name":"Fiji, 179.5 E to 179.0 W"},"geometry":{"type":"LineString",
        "coordinates":[[179.5,-16.8],[179.8,-16.75],[-179.9,-16.7],[-179.5,-16.65],[-179.0,-16.6]]}}"#,
    )
    .expect("written");
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["build", "--road"])
        .arg(&road)
        .args(["--north", "6km", "--south", "4km", "--cap", "round"])
        .args(["--start", "2020-03-15T09:00:00+12:00", "--out"])
        .arg(&out)
        .output()
        .expect("corridor runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in ["zones.geojson", "control_lines.geojson", "patrol.geojson"] {
        let text = std::fs::read_to_string(out.join(file)).expect("written");
        let fc: geojson::FeatureCollection = text.parse().expect("GeoJSON");
        assert_cut(file, &fc);
        assert_valid_for_geos(file, &fc);
    }
    let kml = std::fs::read_to_string(out.join("corridor.kml")).expect("written");
    let mut blocks = 0;
    for block in kml.split("<coordinates>").skip(1) {
        let text = block.split("</coordinates>").next().expect("closed");
        let lons: Vec<f64> = text
            .split_whitespace()
            .map(|t| {
                t.split(',')
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("lon,lat")
            })
            .collect();
        assert!(lons.iter().all(|x| (-180.0..=180.0).contains(x)));
        assert!(
            lons.windows(2).all(|w| (w[1] - w[0]).abs() <= 180.0),
            "a KML edge jumps 360°"
        );
        blocks += 1;
    }
    assert!(blocks > 10, "{blocks} coordinate blocks");

    // The page: drawn in one piece, so its bounds span a degree or two, not the globe.
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped the map page: /usr/bin/chromium is missing");
        return;
    }
    let profile = tempfile::tempdir().expect("a temporary directory");
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
        ])
        .args([
            "--disable-component-update",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.join("map.html").display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    let body = dom
        .split("<body")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("a body tag");
    assert!(!body.contains("data-script-error"), "{body}");
    let bounds: Vec<f64> = body
        .split("data-bounds=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("data-bounds on the page's body")
        .split(',')
        .map(|v| v.parse().expect("a number"))
        .collect();
    let (west, east) = (bounds[0], bounds[2]);
    eprintln!("Fiji's map page: drawn from {west}° to {east}° of longitude");
    assert!(
        east - west < 2.0 && west > 179.0 && east < 181.5,
        "{bounds:?}"
    );
}

/// Random geodesic roads anywhere on the globe: a third next to the antimeridian, a third
/// within 5° of a pole (up to 89.99°), widths 100 m to 20 km, round caps. Each is either
/// refused for holding a pole, which the oracle must confirm (the pole within the width of the
/// road), or built right: the pole (by the oracle) beyond the width, the boundary at the width,
/// the area 2wL + πw², and the written zones cut, valid and of the same area.
/// `GLOBE_ROADS=n` tries more.
#[test]
fn random_roads_anywhere() {
    let mut geos = GeosBatch::default();
    let mut rng = Rng(17_092_018);
    let roads: usize = std::env::var("GLOBE_ROADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let (mut refused, mut built) = (0, 0);
    let mut worst = Measured::default();
    let mut worst_area = 0.0f64;
    for k in 0..roads {
        let sign = if rng.f64() < 0.5 { -1.0 } else { 1.0 };
        let start = match k % 3 {
            0 => Coord {
                x: rng.range(-180.0, 180.0),
                y: rng.range(-80.0, 80.0),
            },
            1 => Coord {
                x: corridor::antimeridian::wrap_lon(rng.range(179.0, 181.0)),
                y: rng.range(-80.0, 80.0),
            },
            _ => Coord {
                x: rng.range(-180.0, 180.0),
                y: sign * (90.0 - 5.0 * rng.f64().powi(3)).min(89.99),
            },
        };
        let width_m = 100.0 * 200f64.powf(rng.f64());
        let length_m = width_m * 20f64.powf(rng.range(-1.0, 1.0));
        let road = geodesic_road(start, rng.range(0.0, 360.0), length_m);
        let options = CorridorOptions::symmetric(width_m)
            .expect("width")
            .cap(Cap::Round);
        let oracle = Oracle::new(road.coords(), (length_m / 100.0).max(1.0));
        let pole_m = [90.0, -90.0].map(|lat| oracle.distance_m(Coord { x: 0.0, y: lat }));
        match Corridor::try_build(&road, &options) {
            Err(e) => {
                refused += 1;
                let near = pole_m[0].min(pole_m[1]);
                assert!(
                    near <= width_m + options.tolerance_m,
                    "road {k}: refused ({e}) but the poles are {near} m away"
                );
            }
            Ok(corridor) => {
                built += 1;
                for d in pole_m {
                    assert!(
                        d > width_m,
                        "road {k}: built, but a pole is {d} m from the road"
                    );
                }
                let m = measure(&corridor, 60);
                assert!(
                    m.max_vertex_error_m <= 0.5 && m.worst_sag_m <= 0.5,
                    "road {k}: {m:?}"
                );
                worst.vertices += m.vertices;
                worst.max_vertex_error_m = worst.max_vertex_error_m.max(m.max_vertex_error_m);
                worst.worst_sag_m = worst.worst_sag_m.max(m.worst_sag_m);
                let area_error = (corridor.area_km2() * 1e6 / stadium_m2(&corridor) - 1.0).abs();
                // The sag (at most 0.4 t inwards) times the perimeter, over the area.
                let allowed = 0.2 * (2.0 * length_m + 2.0 * std::f64::consts::PI * width_m)
                    / stadium_m2(&corridor);
                assert!(
                    area_error < 1e-4 + allowed,
                    "road {k}: area off by {area_error:e}"
                );
                worst_area = worst_area.max(area_error);
                assert_zones_written_right(&format!("road {k}"), &corridor, &mut geos);
            }
        }
    }
    eprintln!(
        "{roads} random roads anywhere: {refused} refused for a pole, {built} built; {} vertices measured, max vertex error {:.1} mm, worst sag {:.3} m, area within {worst_area:.1e} of 2wL + πw²",
        worst.vertices,
        worst.max_vertex_error_m * 1e3,
        worst.worst_sag_m
    );
    geos.check();
}

/// How far, at worst, a boundary vertex or edge middle of the whole or a half of a one-geodesic
/// road's corridor lies from the nearest line it may lie on: the width of either side, the road,
/// a flat cap's line (the geodesic normal at an end) or a round cap's axis (the road's geodesic
/// carried on beyond an end), metres. Edges are drawn straight in longitude/latitude, as
/// GeoJSON draws them.
fn off_definition_m(corridor: &Corridor) -> f64 {
    let road = corridor.road();
    let o = corridor.options();
    let oracle = Oracle::new(road.coords(), 200.0);
    let geod = Geodesic::wgs84();
    let n = road.coords().len();
    let ends = [
        (
            road.coords()[0],
            road.azimuth_at_deg(0.0).expect("an azimuth"),
        ),
        (
            road.coords()[n - 1],
            road.azimuth_at_deg(road.length_m()).expect("an azimuth"),
        ),
    ];
    let mut worst = 0.0f64;
    let mut check = |p: Coord| {
        let d = oracle.distance_m(p);
        let mut off = (d - o.width_left_m)
            .abs()
            .min((d - o.width_right_m).abs())
            .min(d);
        for (e, az) in ends {
            let (s, azi, _, _): (f64, f64, f64, f64) =
                geographiclib_rs::InverseGeodesic::inverse(&geod, e.y, e.x, p.y, p.x);
            let (along, across) = (
                s * (azi - az).to_radians().cos(),
                s * (azi - az).to_radians().sin(),
            );
            off = off.min(if o.cap == Cap::Flat {
                along.abs()
            } else {
                across.abs()
            });
        }
        worst = worst.max(off);
    };
    for mp in [
        corridor.whole(),
        corridor.half(Side::Left),
        corridor.half(Side::Right),
    ] {
        for ring in
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        {
            for w in ring.0.windows(2) {
                check(w[0]);
                check(Coord {
                    x: 0.5 * (w[0].x + w[1].x),
                    y: 0.5 * (w[0].y + w[1].y),
                });
            }
        }
    }
    worst
}

/// Flat caps and the axis between the halves of round caps are geodesics off the road: wide
/// corridors at high latitudes, where a straight line in longitude/latitude strays from them by
/// hundreds of metres, must still have the areas of their definition (each half w·L, plus πw²/2
/// with a round cap).
#[test]
fn caps_follow_their_geodesics_at_high_latitudes() {
    let mut geos = GeosBatch::default();
    for (lat, length_m) in [(60.0, 100_000.0), (85.0, 100_000.0), (-88.0, 40_000.0)] {
        let road = geodesic_road(Coord { x: -150.0, y: lat }, 70.0, length_m);
        let l = road.length_m();
        for (cap, wl, wr) in [
            (Cap::Flat, 20_000.0, 20_000.0),
            (Cap::Round, 5_000.0, 15_000.0),
        ] {
            let options = CorridorOptions::new(wl, wr).expect("widths").cap(cap);
            let corridor = Corridor::try_build(&road, &options).expect("no pole");
            let cap_m2 = |w: f64| {
                if cap == Cap::Round {
                    std::f64::consts::PI * w * w / 2.0
                } else {
                    0.0
                }
            };
            let mut worst = 0.0f64;
            for (side, w) in [(Side::Left, wl), (Side::Right, wr)] {
                let expected = w * l + cap_m2(w);
                let error = corridor.half_area_km2(side) * 1e6 / expected - 1.0;
                worst = worst.max(error.abs());
            }
            let off_m = off_definition_m(&corridor);
            eprintln!(
                "{lat}°, {cap} caps, {wl}/{wr} m: halves' areas within {worst:.1e} of w·L (+ πw²/2); vertices and edge middles at most {off_m:.3} m off their lines"
            );
            assert!(worst < 2e-4, "{lat}° {cap}: {worst}");
            assert!(off_m <= options.tolerance_m, "{lat}° {cap}: {off_m} m");
            assert_zones_written_right(&format!("{lat}° {cap}"), &corridor, &mut geos);
        }
    }
    geos.check();
}
