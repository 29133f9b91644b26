//! Properties checked on every fuzz input, shared by the fuzz targets and by the regression
//! tests of the main crate (`tests/fuzz_regressions.rs`, `tests/properties.rs` include this file
//! with `#[path]`), so that a crashing input kept as a test re-runs exactly the same checks.
//!
//! The bytes are decoded by a small reader of our own rather than the `arbitrary` crate: the
//! main crate then needs no extra dependency to replay an input, and the decoding of a kept
//! input can never change under a dependency upgrade.

#![allow(dead_code)]

use corridor::classify::Classifier;
use corridor::{Cap, Corridor, CorridorOptions, Road, RoadError, Side};
use geo::{
    Area, BoundingRect, Coord, Distance, Euclidean, Intersects, MultiPolygon, Point, Validation,
};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

/// Reads numbers off the front of a byte slice; past the end every read is zero, so any input
/// decodes to something.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    /// Uniform in [0, 1].
    pub fn unit(&mut self) -> f64 {
        self.u16() as f64 / u16::MAX as f64
    }
    /// Log-uniform in [lo, hi].
    pub fn log(&mut self, lo: f64, hi: f64) -> f64 {
        lo * (hi / lo).powf(self.unit())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A corridor's wrapping of longitudes: the road's are unrolled (continuous), so a point is
/// compared with the polygons after shifting it by whole turns next to `near_lon`.
pub fn unroll_near(lon: f64, near_lon: f64) -> f64 {
    lon + 360.0 * ((near_lon - lon) / 360.0).round()
}

/// Longitude wrapped into [-180, 180], as the classifier wants it.
pub fn wrap(lon: f64) -> f64 {
    let r = (lon + 180.0).rem_euclid(360.0) - 180.0;
    if r == -180.0 && lon > 0.0 { 180.0 } else { r }
}

// ---------------------------------------------------------------------------------------------
// The GeoJSON road reader.

/// Number texts a hand-made or exported file may hold, the awkward ones included.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "36.7",
    "35.86",
    "180",
    "-180",
    "90",
    "-90",
    "180.0000001",
    "-90.0000001",
    "179.9999999",
    "-179.9999999",
    "89.9999999",
    "1e-320",
    "1e308",
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "null",
    "\"36.7\"",
    "true",
    "[]",
    "{}",
    "1.0000000000000002",
    "36.70000001",
    "12345678901234567890",
    "0.1e1",
    "-0.0000001",
];

/// Builds a GeoJSON text from bytes: a container (bare geometry, Feature, FeatureCollection),
/// geometries of any type, positions of 0 to 4 numbers taken from [`NUMBERS`] or from a grid.
pub fn geojson_from_bytes(b: &mut Bytes) -> String {
    fn number(b: &mut Bytes) -> String {
        let k = b.u8();
        if k < 128 {
            NUMBERS[k as usize % NUMBERS.len()].to_string()
        } else {
            // A value in range near the last one, so that lines often join and repeat.
            format!("{}", (b.u8() as f64 - 128.0) * 0.01 + 36.0)
        }
    }
    fn position(b: &mut Bytes) -> String {
        let n = [2, 2, 2, 2, 3, 1, 0, 4][b.u8() as usize % 8];
        let items: Vec<String> = (0..n).map(|_| number(b)).collect();
        format!("[{}]", items.join(","))
    }
    fn line(b: &mut Bytes) -> String {
        let n = b.u8() % 6;
        let items: Vec<String> = (0..n).map(|_| position(b)).collect();
        format!("[{}]", items.join(","))
    }
    fn geometry(b: &mut Bytes, depth: u32) -> String {
        match b.u8() % 9 {
            0 => "null".to_string(),
            1 => format!(r#"{{"type":"Point","coordinates":{}}}"#, position(b)),
            2 => format!(r#"{{"type":"Polygon","coordinates":[{}]}}"#, line(b)),
            3 if depth < 2 => {
                let n = b.u8() % 3;
                let g: Vec<String> = (0..n).map(|_| geometry(b, depth + 1)).collect();
                format!(
                    r#"{{"type":"GeometryCollection","geometries":[{}]}}"#,
                    g.join(",")
                )
            }
            4 | 5 => {
                let n = b.u8() % 4;
                let parts: Vec<String> = (0..n).map(|_| line(b)).collect();
                format!(
                    r#"{{"type":"MultiLineString","coordinates":[{}]}}"#,
                    parts.join(",")
                )
            }
            _ => format!(r#"{{"type":"LineString","coordinates":{}}}"#, line(b)),
        }
    }
    fn feature(b: &mut Bytes) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"name":"Ain al-Ḥawr"}},"geometry":{}}}"#,
            geometry(b, 0)
        )
    }
    match b.u8() % 3 {
        0 => geometry(b, 0),
        1 => feature(b),
        _ => {
            let n = b.u8() % 4;
            let f: Vec<String> = (0..n).map(|_| feature(b)).collect();
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                f.join(",")
            )
        }
    }
}

/// The fuzz target `read_road`: the first byte picks raw text or a generated GeoJSON text.
pub fn check_read_road(data: &[u8]) {
    let mut b = Bytes(data);
    let text = if b.u8().is_multiple_of(2) {
        String::from_utf8_lossy(b.0).into_owned()
    } else {
        geojson_from_bytes(&mut b)
    };
    check_road_text(&text);
}

/// Whatever the text, reading it either fails with a one-line message or gives a road that
/// keeps the promises of [`Road`].
pub fn check_road_text(text: &str) {
    // To see what a kept input decodes to: CORRIDOR_FUZZ_SHOW=1.
    if std::env::var_os("CORRIDOR_FUZZ_SHOW").is_some() {
        eprintln!("road text: {text}");
    }
    match Road::from_geojson_str(text) {
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty());
            // The binary prints it on one line after the file name.
            assert!(!message.contains('\n'), "multi-line error: {message:?}");
        }
        Ok(road) => check_road(&road),
    }
}

/// The invariants of a road, and the round trip `locate(point_at(c))`.
pub fn check_road(road: &Road) {
    let coords = road.coords();
    let chain = road.vertex_chainages_m();
    assert!(coords.len() >= 2, "a road with {} vertices", coords.len());
    assert_eq!(coords.len(), chain.len());
    assert!((-180.0..=180.0).contains(&coords[0].x), "{:?}", coords[0]);
    for (k, c) in coords.iter().enumerate() {
        assert!(c.x.is_finite() && c.y.is_finite(), "vertex {k}: {c:?}");
        assert!((-90.0..=90.0).contains(&c.y), "vertex {k}: {c:?}");
    }
    for k in 1..coords.len() {
        assert!(
            // Half a turn at most (plus the rounding of adding 180 to a longitude).
            (coords[k].x - coords[k - 1].x).abs() <= 180.0 + 1e-9,
            "not unrolled at {k}"
        );
        assert!(chain[k] > chain[k - 1], "chainage not increasing at {k}");
    }
    let length = road.length_m();
    assert!(length.is_finite() && length > 0.0);
    assert_eq!(length, chain[chain.len() - 1]);

    let geod = Geodesic::wgs84();
    let gap = |a: Coord, b: Coord| -> f64 { geod.inverse(a.y, a.x, b.y, b.x) };
    assert!(gap(road.point_at(0.0).expect("chainage 0"), coords[0]) < 1e-6);
    let end = road.point_at(length).expect("chainage = length");
    assert!(gap(end, coords[coords.len() - 1]) < 1e-6);
    assert!(road.point_at(-1.0).is_err() && road.point_at(length + 1.0).is_err());
    assert!(road.point_at(f64::NAN).is_err());

    // The round trip: a road point is located on the road, within a millimetre.
    for f in [0.0, 0.25, 0.5, 0.999] {
        let c = f * length;
        let p = road.point_at(c).expect("a chainage on the road");
        // The nearest road point of a road point is itself (or, where the road comes back
        // over itself, another point at distance ~0).
        let q = Coord {
            x: wrap(p.x),
            y: p.y,
        };
        let at = road
            .locate(q)
            .unwrap_or_else(|e| panic!("locate({q:?}) of point_at({c}): {e}"));
        assert!(
            at.distance_m < 1e-3,
            "point_at({c}) is {} m off",
            at.distance_m
        );
        let back = road.point_at(at.chainage_m).expect("a located chainage");
        assert!(
            gap(back, p) < 1e-3 + 0.0,
            "point_at(locate(p)) is {} m from p",
            gap(back, p)
        );
    }
    // Locating junk fails cleanly.
    for bad in [f64::NAN, f64::INFINITY, 1e300] {
        assert!(matches!(
            road.locate(Coord { x: bad, y: 0.0 }),
            Err(RoadError::BadPoint { .. })
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// The corridor builder.

/// A road and corridor options decoded from bytes, as the fuzz target sees them.
#[derive(Debug, Clone)]
pub struct Case {
    pub vertices: Vec<Coord>,
    pub width_left_m: f64,
    pub width_right_m: f64,
    pub tolerance_m: f64,
    pub cap: Cap,
}

/// Decodes a road walked from a start point with steps chosen to be awkward: tiny steps,
/// near-duplicate points, 180° turns, steps of hundreds of km, near the poles and across the
/// antimeridian.
pub fn case_from_bytes(b: &mut Bytes) -> Case {
    let geod = Geodesic::wgs84();
    let start = match b.u8() % 4 {
        // Anywhere up to ±85°.
        0 => Coord {
            x: -180.0 + 360.0 * b.unit(),
            y: -85.0 + 170.0 * b.unit(),
        },
        // Next to the antimeridian.
        1 => Coord {
            x: 179.9 + 0.2 * b.unit() - if b.u8().is_multiple_of(2) { 0.0 } else { 360.0 },
            y: -60.0 + 120.0 * b.unit(),
        },
        // Near a pole.
        2 => Coord {
            x: -180.0 + 360.0 * b.unit(),
            y: (80.0 + 5.0 * b.unit()) * if b.u8().is_multiple_of(2) { 1.0 } else { -1.0 },
        },
        // Saraqib.
        _ => Coord { x: 36.8, y: 35.86 },
    };
    let start = Coord {
        x: wrap(start.x),
        y: start.y,
    };
    let steps = 1 + b.u8() % 8;
    let mut vertices = vec![start];
    let mut heading = 360.0 * b.unit();
    let mut p = start;
    for _ in 0..steps {
        let kind = b.u8();
        let (turn, length_m) = match kind % 8 {
            0 => (b.unit() * 360.0, b.log(1e-4, 1.0)),
            1 => (180.0, b.log(1.0, 50_000.0)),
            2 => (180.0 + (b.unit() - 0.5) * 1e-3, b.log(1.0, 50_000.0)),
            3 => ((b.unit() - 0.5) * 360.0, b.log(1e-7, 1e-5)),
            4 => ((b.unit() - 0.5) * 20.0, b.log(100_000.0, 500_000.0)),
            _ => ((b.unit() - 0.5) * 180.0, b.log(10.0, 50_000.0)),
        };
        heading += turn;
        let (lat, lon): (f64, f64) = geod.direct(p.y, p.x, heading, length_m);
        p = Coord { x: lon, y: lat };
        vertices.push(p);
        if b.is_empty() {
            break;
        }
    }
    let width_left_m = b.log(1.0, 200_000.0);
    let width_right_m = if b.u8().is_multiple_of(2) {
        width_left_m
    } else {
        b.log(1.0, 200_000.0)
    };
    Case {
        vertices,
        width_left_m,
        width_right_m,
        tolerance_m: b.log(0.01, 100.0),
        cap: if b.u8().is_multiple_of(2) {
            Cap::Flat
        } else {
            Cap::Round
        },
    }
}

/// How far a case's corridor may reach towards a pole, degrees of latitude. Polygons in
/// longitude/latitude cannot hold a pole, so the geometric checks stop short of it.
pub fn reaches_lat_deg(case: &Case) -> f64 {
    let max_lat = case.vertices.iter().map(|c| c.y.abs()).fold(0.0, f64::max);
    max_lat + case.width_left_m.max(case.width_right_m) / 110_000.0
}

/// The fuzz target `build_corridor`.
pub fn check_build_corridor(data: &[u8]) {
    let mut b = Bytes(data);
    let case = case_from_bytes(&mut b);
    check_case(&case, &mut b);
}

/// Builds the corridor of a case and checks it; `b` supplies the probe points.
pub fn check_case(case: &Case, b: &mut Bytes) {
    if std::env::var_os("CORRIDOR_FUZZ_SHOW").is_some() {
        eprintln!("case: {case:?}");
    }
    let road = match Road::from_coords(case.vertices.clone()) {
        Ok(road) => road,
        Err(RoadError::TooFewVertices { .. }) => return,
        Err(e) => panic!("a walked road was refused: {e}"),
    };
    check_road(&road);
    let options = CorridorOptions::new(case.width_left_m, case.width_right_m)
        .expect("widths in range")
        .cap(case.cap)
        .tolerance_m(case.tolerance_m)
        .expect("a positive tolerance");
    let corridor = Corridor::build(&road, &options);
    // Beyond this domain only "no panic" is asked: a corridor over a pole, or a tolerance
    // coarser than the corridor itself, has no meaningful shape to check.
    let w_min = case.width_left_m.min(case.width_right_m);
    if reaches_lat_deg(case) > 88.0 || case.tolerance_m > 0.25 * w_min {
        return;
    }
    if under_the_grid(case, &road) {
        return;
    }
    check_corridor(&corridor, b);
}

/// Whether a case's corridor can be thinner than a step of the overlay's integer grid (2^-30
/// of its extent, in degrees of longitude): a flat-capped corridor as thin as its road is
/// short. Its shape cannot be drawn on the grid, and either half or both may vanish (README,
/// known limitations); only "no panic" is asked of it. Seen: roads of 2 µm to 0.1 mm with
/// sides of 5 to 200 km.
pub fn under_the_grid(case: &Case, road: &Road) -> bool {
    let w_max = case.width_left_m.max(case.width_right_m);
    let max_lat = case.vertices.iter().map(|c| c.y.abs()).fold(0.0, f64::max);
    case.cap == Cap::Flat && road.length_m() * max_lat.to_radians().cos() < 1e-7 * w_max
}

/// Whether the road turns back by more than 170° somewhere.
fn turns_back(road: &Road) -> bool {
    let geod = Geodesic::wgs84();
    let mut last_azimuth: Option<f64> = None;
    for w in road.coords().windows(2) {
        let (_, azi1, azi2, _): (f64, f64, f64, f64) = geod.inverse(w[0].y, w[0].x, w[1].y, w[1].x);
        if let Some(prev) = last_azimuth {
            let turn = (azi1 - prev + 540.0).rem_euclid(360.0) - 180.0;
            if turn.abs() > 170.0 {
                return true;
            }
        }
        last_azimuth = Some(azi2);
    }
    false
}

/// Planar distance in metres, roughly (degrees at the equator's scale, an over-estimate):
/// enough to tell "on the boundary, up to the grid's rounding" from "outside".
fn near_m(mp: &MultiPolygon, p: Coord) -> f64 {
    Euclidean.distance(&Point(p), mp) * 111_320.0
}

/// The corridor's promises: valid polygons, the halves tile the whole, the road inside,
/// boundary vertices at the width (± tolerance), and the classifier agreeing with the polygon.
pub fn check_corridor(corridor: &Corridor, b: &mut Bytes) {
    let road = corridor.road();
    let options = *corridor.options();
    let tol = options.tolerance_m;
    let whole = corridor.whole();
    let (left, right) = (corridor.half(Side::Left), corridor.half(Side::Right));
    // A half may be empty only where the road comes straight back along itself: every point
    // of one side's strips then lies in the other side's strips too, and its nearest road point
    // can name the other side everywhere (a 64 m out-and-back, ~100 km either side).
    let retraces = turns_back(road);
    for (name, mp) in [("whole", whole), ("left", left), ("right", right)] {
        assert!(
            !mp.0.is_empty() || (name != "whole" && retraces),
            "{name} is empty"
        );
        if let Err(e) = mp.check_validation() {
            panic!("{name} is not valid: {e:?}");
        }
    }
    // The halves tile the whole as drawn (planar area in lon/lat, relative 1e-6).
    let (a, l, r) = (
        whole.unsigned_area(),
        left.unsigned_area(),
        right.unsigned_area(),
    );
    assert!(a > 0.0);
    assert!(
        ((l + r) - a).abs() <= 1e-6 * a + 1e-14,
        "halves {l} + {r} deg² do not tile the whole {a} deg² (rel {})",
        ((l + r) - a).abs() / a
    );
    // And by geodesic area (relative 1e-6, over a floor of 0.1 m²: GeographicLib sums
    // spherical excesses scaled by the authalic radius squared, 4e13 m², so even a tiny
    // polygon's area carries ~1e-3 m² of rounding). Only where the straight radial edges
    // (flat caps, strip ends) stay within the tolerance of the geodesics they stand for: the
    // geodesic area follows geodesics between vertices, the polygon as drawn does not.
    if radial_sag_m(corridor) <= tol {
        let (a, l, r) = (
            corridor.area_km2() * 1e6,
            corridor.half_area_km2(Side::Left) * 1e6,
            corridor.half_area_km2(Side::Right) * 1e6,
        );
        assert!(a > 0.0, "geodesic area {a} m²");
        // Where the halves meet along the road only one of them may follow a road chord
        // (overlap pieces, roads turning back), and a chord strays up to the tolerance from
        // its geodesic: allow that strip along the road's length.
        let slack = 1e-6 * a + 0.1 + 2.0 * tol * road.length_m();
        assert!(
            ((l + r) - a).abs() <= slack,
            "halves {l} + {r} m² do not tile the whole {a} m² (rel {})",
            ((l + r) - a).abs() / a
        );
    }

    // The road lies inside (its ends on the boundary of a flat cap), up to the grid's rounding.
    let length = road.length_m();
    let mut on_road: Vec<Coord> = road.coords().to_vec();
    on_road.extend((1..8).filter_map(|k| road.point_at(length * k as f64 / 8.0).ok()));
    // The overlay rounds to an integer grid over the corridor's extent (2^31 steps or so):
    // a few millimetres when it spans tens of degrees.
    let grid_m = whole.bounding_rect().map_or(0.0, |r| {
        r.width().max(r.height()) * 111_320.0 / (1u64 << 29) as f64
    });
    for p in on_road {
        let off = near_m(whole, p);
        assert!(
            whole.intersects(&Point(p)) || off < 1e-3 + grid_m,
            "road point {p:?} is {off} m outside"
        );
    }

    // Boundary vertices off the flat caps are at the width ± tolerance (with unequal widths,
    // between the two: where the road folds back a vertex may be nearest to the other side).
    let (w_min, w_max) = (
        options.width_left_m.min(options.width_right_m),
        options.width_left_m.max(options.width_right_m),
    );
    let ring: Vec<Coord> = whole
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter().copied())
        .collect();
    let stride = (ring.len() / 48).max(1);
    for p in ring.iter().step_by(stride) {
        let q = Coord {
            x: wrap(p.x),
            y: p.y,
        };
        let at = road.locate(q).expect("a boundary vertex is a valid point");
        // On a cap line, or where a cap meets the next strip in a notch at the first corner.
        let at_cap = at.chainage_m <= 1e-3
            || at.chainage_m >= length - 1e-3
            || cap_gap_m(road, *p) <= tol + radial_sag_m(corridor) + 0.01;
        if options.cap == Cap::Flat && at_cap {
            assert!(at.distance_m <= w_max + tol, "cap vertex {p:?}: {at:?}");
            continue;
        }
        assert!(
            at.distance_m >= w_min - tol && at.distance_m <= w_max + tol,
            "boundary vertex {p:?} at {} m from the road (widths {w_min}..{w_max}, tol {tol})",
            at.distance_m
        );
        if w_min == w_max {
            assert!((at.distance_m - w_min).abs() <= tol);
        }
    }

    // Classification agrees with the polygons for points clearly inside or outside.
    let classifier = Classifier::for_corridor(corridor);
    let geod = Geodesic::wgs84();
    for _ in 0..12 {
        let c = b.unit() * length;
        let Ok(base) = road.point_at(c) else { continue };
        let Ok(azimuth) = road.azimuth_at_deg(c) else {
            continue;
        };
        let d = w_max * 2.0 * b.unit();
        let turn = 360.0 * b.unit();
        let (lat, lon): (f64, f64) = geod.direct(base.y, base.x, azimuth + turn, d);
        check_point(corridor, &classifier, Coord { x: lon, y: lat });
    }
}

/// One probe point: the classifier and the polygon agree unless the point is within the
/// tolerance (plus a metre) of the boundary.
pub fn check_point(corridor: &Corridor, classifier: &Classifier, p: Coord) {
    let road = corridor.road();
    let options = corridor.options();
    let margin = options.tolerance_m + 1.0;
    let Ok(at) = classifier.classify(Coord {
        x: wrap(p.x),
        y: p.y,
    }) else {
        panic!("classify refused {p:?}");
    };
    let w = options.width_m(at.side);
    if (at.distance_m - w).abs() <= margin {
        return;
    }
    // With unequal widths the classifier lets the nearest road point decide the side, while
    // the polygon holds every point within the width of either side of *some* road point:
    // where the road comes back near itself a point can be outside its nearest side's width
    // yet inside the other side's strip of another stretch (README, known limitations). Only an
    // outside verdict beyond the wider width is checked there.
    let w_max = options.width_left_m.max(options.width_right_m);
    if !at.inside && at.distance_m <= w_max + margin {
        return;
    }
    // Beyond a round cap with unequal widths, the axis ahead of the end splits the wide
    // quarter disc from the narrow one; the side flips across it.
    if options.cap == Cap::Round
        && options.width_left_m != options.width_right_m
        && end_axis_gap_m(road, p) <= margin + radial_sag_m(corridor)
    {
        return;
    }
    if options.cap == Cap::Flat && cap_gap_m(road, p) <= margin + radial_sag_m(corridor) {
        return;
    }
    let unrolled = Coord {
        x: unroll_near(p.x, road.coords()[0].x),
        y: p.y,
    };
    // A road spanning more than half a turn needs each shift tried.
    let in_polygon = [-360.0, 0.0, 360.0].iter().any(|dx| {
        corridor.whole().intersects(&Point(Coord {
            x: unrolled.x + dx,
            y: unrolled.y,
        }))
    });
    assert_eq!(
        at.inside, in_polygon,
        "classify says inside={} ({at:?}), the polygon says {in_polygon} for {p:?}",
        at.inside
    );
}

/// How far a point is from the nearer flat cap's line, metres (large when it is not near an end).
fn cap_gap_m(road: &Road, p: Coord) -> f64 {
    let geod = Geodesic::wgs84();
    let ends = [
        (road.coords()[0], road.azimuth_at_deg(0.0).unwrap_or(0.0)),
        (
            road.coords()[road.coords().len() - 1],
            road.azimuth_at_deg(road.length_m()).unwrap_or(0.0),
        ),
    ];
    ends.iter()
        .map(|&(e, az)| {
            let (s, azi1, _, _): (f64, f64, f64, f64) = geod.inverse(e.y, e.x, p.y, p.x);
            // Distance along the road's direction from the cap line through the end.
            (s * (azi1 - az).to_radians().cos()).abs()
        })
        .fold(f64::INFINITY, f64::min)
}

/// How far a straight longitude/latitude edge as long as the wider half strays from the
/// geodesic it stands for, metres: the cap lines and the ends of the strips are drawn as one
/// straight edge each (not densified), and a straight lon/lat line bends against a geodesic
/// with curvature up to tan(lat)/R. Within this of a cap line the polygon and the classifier
/// (which uses the exact geodesic normal) may disagree.
pub fn radial_sag_m(corridor: &Corridor) -> f64 {
    let o = corridor.options();
    let w = o.width_left_m.max(o.width_right_m);
    let lat = corridor
        .road()
        .coords()
        .iter()
        .map(|c| c.y.abs())
        .fold(0.0, f64::max)
        + w / 110_000.0;
    w * w * (lat.min(89.0).to_radians().tan() + 0.05) / (8.0 * 6_335_000.0)
}

/// How far a point beyond an end is from the road's axis carried on past that end, metres
/// (infinite when it is not beyond either end).
fn end_axis_gap_m(road: &Road, p: Coord) -> f64 {
    let geod = Geodesic::wgs84();
    let n = road.coords().len();
    let ends = [
        // At the start, "beyond" is backwards.
        (
            road.coords()[0],
            road.azimuth_at_deg(0.0).unwrap_or(0.0) + 180.0,
        ),
        (
            road.coords()[n - 1],
            road.azimuth_at_deg(road.length_m()).unwrap_or(0.0),
        ),
    ];
    ends.iter()
        .filter_map(|&(e, az)| {
            let (s, azi1, _, _): (f64, f64, f64, f64) = geod.inverse(e.y, e.x, p.y, p.x);
            let off = (azi1 - az).to_radians();
            (off.cos() > 0.0).then(|| (s * off.sin()).abs())
        })
        .fold(f64::INFINITY, f64::min)
}
