//! Patrol routes, checkpoints, schedules, gates, clipped lines and GPX, checked against an
//! independent oracle: GeographicLib (geographiclib-rs) called directly, with the lines sampled
//! every metre, then every centimetre, then refined by ternary search, and the data files read with serde_json rather than
//! through the crate.

mod common;
#[path = "common/run.rs"]
mod run;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use common::ecef;
use corridor::control_lines::{self, Edge};
use corridor::patrol::{CheckpointKind, Patrol, PatrolError, PatrolOptions};
use corridor::{Cap, Corridor, CorridorOptions, Place, PlaceError, Places, Road, Side, export};
use geo::{BooleanOps, Coord, Euclidean, Length, LineString, MultiLineString, line_string};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

const START: &str = "2020-03-15T09:00:00+03:00";

// ---------------------------------------------------------------------------------------------
// The oracle

/// A geodesic polyline sampled every metre: nearest point and chainage by brute force.
struct Oracle {
    geod: Geodesic,
    /// (position, chainage_m, segment index, metres along the segment)
    samples: Vec<(Coord, f64, usize, f64)>,
    ecef: Vec<[f64; 3]>,
    vertices: Vec<Coord>,
    azimuths: Vec<f64>,
    chainages: Vec<f64>,
}

/// Geodesic distance in metres, (lon, lat) in.
fn dist(geod: &Geodesic, a: Coord, b: Coord) -> f64 {
    geod.inverse(a.y, a.x, b.y, b.x)
}

fn line_length_m(geod: &Geodesic, coords: &[Coord]) -> f64 {
    coords.windows(2).map(|w| dist(geod, w[0], w[1])).sum()
}

impl Oracle {
    fn new(vertices: &[Coord]) -> Oracle {
        let geod = Geodesic::wgs84();
        let mut samples = Vec::new();
        let mut azimuths = Vec::new();
        let mut chainages = vec![0.0];
        for (i, w) in vertices.windows(2).enumerate() {
            let (s12, azi1, _, _): (f64, f64, f64, f64) =
                geod.inverse(w[0].y, w[0].x, w[1].y, w[1].x);
            azimuths.push(azi1);
            let base = chainages[i];
            let n = s12.ceil().max(1.0) as usize;
            for k in 0..n {
                let s = s12 * k as f64 / n as f64;
                let (lat, lon): (f64, f64) = geod.direct(w[0].y, w[0].x, azi1, s);
                samples.push((Coord { x: lon, y: lat }, base + s, i, s));
            }
            chainages.push(base + s12);
        }
        let last = vertices.len() - 2;
        samples.push((
            vertices[vertices.len() - 1],
            chainages[chainages.len() - 1],
            last,
            chainages[last + 1] - chainages[last],
        ));
        let ecef = samples.iter().map(|s| ecef(s.0)).collect();
        Oracle {
            geod,
            samples,
            ecef,
            vertices: vertices.to_vec(),
            azimuths,
            chainages,
        }
    }

    fn length_m(&self) -> f64 {
        self.chainages[self.chainages.len() - 1]
    }

    /// Distance to the line and the chainage of its nearest point, to well under a millimetre.
    fn nearest(&self, p: Coord) -> (f64, f64, Coord) {
        let q = ecef(p);
        let d2 =
            |e: &[f64; 3]| (e[0] - q[0]).powi(2) + (e[1] - q[1]).powi(2) + (e[2] - q[2]).powi(2);
        let best = (0..self.ecef.len())
            .min_by(|&i, &j| d2(&self.ecef[i]).total_cmp(&d2(&self.ecef[j])))
            .unwrap_or(0);
        // Refine at 1 cm over the metre either side, on the segment(s) the sample lies on.
        let (_, _, seg, along) = self.samples[best];
        let mut result = (f64::INFINITY, 0.0, p);
        for i in seg.saturating_sub(1)..=(seg + 1).min(self.azimuths.len() - 1) {
            let seg_len = self.chainages[i + 1] - self.chainages[i];
            let centre = if i == seg {
                along
            } else if i < seg {
                seg_len
            } else {
                0.0
            };
            let v = self.vertices[i];
            let at = |s: f64| {
                let (lat, lon): (f64, f64) = self.geod.direct(v.y, v.x, self.azimuths[i], s);
                let c = Coord { x: lon, y: lat };
                (dist(&self.geod, c, p), c)
            };
            let mut best_s = centre.clamp(0.0, seg_len);
            let mut best_d = at(best_s).0;
            for k in -100..=100 {
                let s = (centre + k as f64 * 0.01).clamp(0.0, seg_len);
                let d = at(s).0;
                if d < best_d {
                    (best_s, best_d) = (s, d);
                }
            }
            // Then a ternary search within the centimetre either side, to well under a millimetre.
            let (mut lo, mut hi) = ((best_s - 0.01).max(0.0), (best_s + 0.01).min(seg_len));
            for _ in 0..40 {
                let (m1, m2) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
                if at(m1).0 <= at(m2).0 {
                    hi = m2;
                } else {
                    lo = m1;
                }
            }
            let s = 0.5 * (lo + hi);
            let (d, c) = at(s);
            if d < result.0 {
                result = (d, self.chainages[i] + s, c);
            }
        }
        result
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

fn data(name: &str) -> String {
    let path = run::data(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The M4's vertices read straight from the file, not through the crate.
fn m4_vertices() -> Vec<Coord> {
    let v: serde_json::Value = serde_json::from_str(&data("m4.geojson")).unwrap();
    let coords = v["features"][0]["geometry"]["coordinates"]
        .as_array()
        .unwrap();
    coords
        .iter()
        .map(|p| Coord {
            x: p[0].as_f64().unwrap(),
            y: p[1].as_f64().unwrap(),
        })
        .collect()
}

/// The places straight from the file: (name, position).
fn m4_places() -> Vec<(String, Coord)> {
    let v: serde_json::Value = serde_json::from_str(&data("places.geojson")).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (
                f["properties"]["name"].as_str().unwrap().to_string(),
                Coord {
                    x: c[0].as_f64().unwrap(),
                    y: c[1].as_f64().unwrap(),
                },
            )
        })
        .collect()
}

fn m4() -> (Road, Places) {
    (
        Road::from_geojson_str(&data("m4.geojson")).unwrap(),
        Places::from_geojson_str(&data("places.geojson")).unwrap(),
    )
}

fn options() -> PatrolOptions {
    PatrolOptions::from_rfc3339(START)
        .unwrap()
        .dwell_min(10.0)
        .unwrap()
}

fn m4_patrol() -> Patrol {
    let (road, places) = m4();
    Patrol::plan(&road, &places, "Trumba", "Ain al-Hawr", &options()).unwrap()
}

/// The corridor of the example: on the road between the patrol's ends, in the road's direction.
fn m4_corridor() -> Corridor {
    let (road, places) = m4();
    let a = places.located(&road, "Ain al-Hawr", 2_000.0).unwrap();
    let b = places.located(&road, "Trumba", 2_000.0).unwrap();
    let section = road.section_m(a.chainage_m, b.chainage_m).unwrap();
    Corridor::build(
        &section,
        &CorridorOptions::new(6_000.0, 6_000.0)
            .unwrap()
            .cap(Cap::Flat),
    )
}

// ---------------------------------------------------------------------------------------------
// Route and checkpoints

#[test]
fn route_is_exactly_the_road_between_the_projections_both_ways() {
    let (road, places) = m4();
    let road_oracle = Oracle::new(&m4_vertices());
    let geod = Geodesic::wgs84();
    let all = m4_places();
    let find = |n: &str| all.iter().find(|(name, _)| name == n).unwrap().1;
    let (d_t, c_t, p_t) = road_oracle.nearest(find("Trumba"));
    let (d_a, c_a, p_a) = road_oracle.nearest(find("Ain al-Hawr"));
    assert!(d_t < 2_000.0 && d_a < 2_000.0);
    for (from, to, p_from, p_to) in [
        ("Trumba", "Ain al-Hawr", p_t, p_a),
        ("Ain al-Hawr", "Trumba", p_a, p_t),
    ] {
        let patrol = Patrol::plan(&road, &places, from, to, &options()).unwrap();
        let route = patrol.route().coords();
        let start_err = dist(&geod, route[0], p_from);
        let end_err = dist(&geod, route[route.len() - 1], p_to);
        let length_err = (patrol.length_m() - (c_t - c_a).abs()).abs();
        let oracle_length_err = (line_length_m(&geod, route) - patrol.length_m()).abs();
        eprintln!(
            "{from} → {to}: start {start_err:.4} m, end {end_err:.4} m, length {length_err:.4} m off the oracle"
        );
        assert!(start_err <= 1.0 && end_err <= 1.0);
        assert!(length_err <= 1.0 && oracle_length_err <= 1e-3);
        // Every vertex on the road, and every road vertex between the ends in the route.
        for c in route {
            assert!(road_oracle.nearest(*c).0 < 1e-3, "{c:?} off the road");
        }
        let inner = m4_vertices()
            .into_iter()
            .filter(|v| {
                let c = road_oracle.nearest(*v).1;
                c > c_a.min(c_t) + 1.0 && c < c_a.max(c_t) - 1.0
            })
            .count();
        assert_eq!(route.len(), inner + 2);
        assert_eq!(patrol.checkpoints()[0].name, from);
        assert_eq!(patrol.checkpoints().last().unwrap().name, to);
    }
}

#[test]
fn checkpoints_lie_on_the_route_at_their_chainage() {
    let (road, places) = m4();
    for patrol in [m4_patrol(), m4_patrol().return_leg(30.0).unwrap()] {
        let oracle = Oracle::new(patrol.route().coords());
        let (mut worst_off, mut worst_chainage) = (0.0f64, 0.0f64);
        for c in patrol.checkpoints() {
            let (off_m, chainage_m, _) = oracle.nearest(c.position);
            worst_off = worst_off.max(off_m);
            worst_chainage = worst_chainage.max((chainage_m - c.chainage_m).abs());
            assert!(off_m <= 1.0, "{} is {off_m} m off the route", c.name);
            assert!(
                (chainage_m - c.chainage_m).abs() <= 1.0,
                "{}: chainage {} m, oracle {chainage_m} m",
                c.name,
                c.chainage_m
            );
            // A place's checkpoint is the place's own foot on the road.
            if c.kind == CheckpointKind::Place {
                let place = places.get(&c.name).unwrap();
                let (_, _, foot) = Oracle::new(road.coords()).nearest(place.position);
                assert!(dist(&oracle.geod, foot, c.position) <= 1.0);
            }
        }
        // Kilometre posts every 5 km from the start, named after their distance.
        let posts: Vec<_> = patrol
            .checkpoints()
            .iter()
            .filter(|c| c.kind == CheckpointKind::Kilometre)
            .collect();
        assert_eq!(posts.len(), (oracle.length_m() / 5_000.0).floor() as usize);
        for (k, c) in posts.iter().enumerate() {
            assert_eq!(c.name, format!("KP {}", 5 * (k + 1)));
        }
        assert!(
            patrol
                .checkpoints()
                .windows(2)
                .all(|w| w[0].chainage_m <= w[1].chainage_m)
        );
        eprintln!(
            "{} → {}: {} checkpoints, worst {worst_off:.2e} m off the route, chainage worst {worst_chainage:.2e} m off",
            patrol.from(),
            patrol.to(),
            patrol.checkpoints().len()
        );
    }
}

#[test]
fn places_count_only_within_the_distance_limit() {
    let (road, places) = m4();
    let road_oracle = Oracle::new(&m4_vertices());
    for limit_m in [500.0, 1_000.0, 2_000.0] {
        let options = options().max_place_distance_m(limit_m).unwrap();
        let patrol = match Patrol::plan(&road, &places, "Jisr al-Shughur", "Nayrab", &options) {
            Ok(p) => p,
            Err(e) => {
                // The ends themselves may be too far for a tight limit; the error names them.
                assert!(matches!(e, PatrolError::Place(PlaceError::TooFar { .. })));
                continue;
            }
        };
        let (_, c_from, _) = road_oracle.nearest(places.get("Jisr al-Shughur").unwrap().position);
        let (_, c_to, _) = road_oracle.nearest(places.get("Nayrab").unwrap().position);
        let names: Vec<&str> = patrol
            .checkpoints()
            .iter()
            .filter(|c| c.kind == CheckpointKind::Place)
            .map(|c| c.name.as_str())
            .collect();
        for (name, position) in m4_places() {
            if name == "Jisr al-Shughur" || name == "Nayrab" {
                continue;
            }
            let (d, c, _) = road_oracle.nearest(position);
            let on_route = c > c_from.min(c_to) && c < c_from.max(c_to);
            assert_eq!(
                names.contains(&name.as_str()),
                on_route && d <= limit_m,
                "{name} at {d:.0} m with limit {limit_m} m"
            );
        }
    }
}

#[test]
fn unknown_or_distant_places_are_clear_errors_naming_them() {
    let (road, places) = m4();
    let err = Patrol::plan(&road, &places, "Trumba", "Ain al-Hwar", &options()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown place `Ain al-Hwar` (did you mean `Ain al-Hawr`?)"
    );
    let err = Patrol::plan(&road, &places, "Atlantis", "Trumba", &options()).unwrap_err();
    assert!(err.to_string().contains("`Atlantis`"), "{err}");
    // Latakia's centre is about 4 km from where the M4 starts.
    let err = Patrol::plan(&road, &places, "Latakia", "Trumba", &options()).unwrap_err();
    assert!(
        err.to_string().starts_with("place `Latakia` is ")
            && err.to_string().contains("at most 2000 m allowed"),
        "{err}"
    );
    let tight = options().max_place_distance_m(100.0).unwrap();
    let err = Patrol::plan(&road, &places, "Ain al-Hawr", "Trumba", &tight).unwrap_err();
    assert!(err.to_string().starts_with("place `Trumba` is "), "{err}");
    let err = Patrol::plan(&road, &places, "Trumba", "Trumba", &options()).unwrap_err();
    assert!(matches!(err, PatrolError::SamePoint { .. }), "{err}");
    assert!(PatrolOptions::from_rfc3339("2020-03-15 09:00").is_err());
}

// ---------------------------------------------------------------------------------------------
// Schedule

/// ETA in whole seconds after the start, computed here from the rules in the docs.
fn expected_offset_s(chainage_m: f64, places_before: usize, speed_kmh: f64, dwell_min: f64) -> i64 {
    (chainage_m * 3.6 / speed_kmh + places_before as f64 * dwell_min * 60.0).round() as i64
}

#[test]
fn etas_follow_from_speed_and_dwell_to_the_second() {
    let (road, places) = m4();
    for (speed_kmh, dwell_min) in [(40.0, 10.0), (27.5, 0.0), (60.0, 2.5)] {
        let options = options()
            .speed_kmh(speed_kmh)
            .unwrap()
            .dwell_min(dwell_min)
            .unwrap();
        let patrol = Patrol::plan(&road, &places, "Trumba", "Ain al-Hawr", &options).unwrap();
        let start = DateTime::parse_from_rfc3339(START).unwrap();
        let mut places_before = 0;
        for c in patrol.checkpoints() {
            let expected = start
                + TimeDelta::seconds(expected_offset_s(
                    c.chainage_m,
                    places_before,
                    speed_kmh,
                    dwell_min,
                ));
            assert_eq!(c.eta, expected, "{}", c.name);
            assert_eq!(c.eta.offset().local_minus_utc(), 3 * 3600);
            assert!(c.eta_rfc3339().ends_with("+03:00"));
            if c.kind == CheckpointKind::Place {
                assert_eq!(
                    c.departure - c.eta,
                    TimeDelta::seconds((dwell_min * 60.0) as i64)
                );
                places_before += 1;
            } else {
                assert_eq!(c.departure, c.eta);
            }
        }
        assert_eq!(patrol.start(), start);
        assert_eq!(patrol.end(), patrol.checkpoints().last().unwrap().eta);
        let back = patrol.return_leg(30.0).unwrap();
        assert_eq!(back.start(), patrol.end() + TimeDelta::minutes(30));
        assert_eq!(back.checkpoints()[0].eta, back.start());
    }
}

// ---------------------------------------------------------------------------------------------
// Control lines

#[test]
fn limit_vertices_lie_at_the_width() {
    let corridor = m4_corridor();
    let oracle = Oracle::new(corridor.road().coords());
    let mut worst = 0.0f64;
    let mut count = 0;
    for side in [Side::Left, Side::Right] {
        let limit = corridor.limit(side);
        assert!(!limit.0.is_empty());
        for c in limit.0.iter().flat_map(|l| l.0.iter()) {
            let (d, _, _) = oracle.nearest(*c);
            worst = worst.max((d - 6_000.0).abs());
            count += 1;
            assert!((d - 6_000.0).abs() <= 0.5, "limit vertex {c:?} at {d} m");
        }
    }
    eprintln!("{count} limit vertices, worst {worst:.2e} m off 6 km");
}

#[test]
fn gates_span_the_corridor_and_cross_the_centerline_at_their_chainage() {
    let corridor = m4_corridor();
    let patrol = m4_patrol();
    let gates = control_lines::patrol_gates(&corridor, &patrol).unwrap();
    let names: Vec<&str> = gates.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Trumba",
            "Nayrab",
            "Ariha",
            "Urum al-Jawz",
            "Muhambal",
            "Jisr al-Shughur",
            "Ain al-Hawr"
        ]
    );
    let oracle = Oracle::new(corridor.road().coords());
    let geod = &oracle.geod;
    let (mut worst_len, mut worst_cross) = (0.0f64, 0.0f64);
    for g in gates.iter().chain([
        &control_lines::gate(&corridor, "KP 10", 10_000.0).unwrap(),
        &control_lines::gate(&corridor, "vertex", corridor.road().vertex_chainages_m()[5]).unwrap(),
    ]) {
        assert!(g.line.0.len() >= 3);
        let length = line_length_m(geod, &g.line.0);
        let rel = (length - 12_000.0).abs() / 12_000.0;
        worst_len = worst_len.max(rel);
        assert!(rel <= 1e-3, "{}: {length} m", g.name);
        // The vertex nearest the road is on it, at the gate's chainage.
        let (d, chainage_m, _) = g
            .line
            .0
            .iter()
            .map(|c| oracle.nearest(*c))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap();
        assert!(d <= 1.0);
        worst_cross = worst_cross.max((chainage_m - g.chainage_m).abs());
        assert!((chainage_m - g.chainage_m).abs() <= 1.0, "{}", g.name);
        // Each end is the width away from the crossing, along a geodesic at right angles.
        let mid = g
            .line
            .0
            .iter()
            .min_by(|a, b| oracle.nearest(**a).0.total_cmp(&oracle.nearest(**b).0))
            .copied()
            .unwrap();
        let ends = [g.line.0[0], g.line.0[g.line.0.len() - 1]];
        for end in ends {
            assert!((dist(geod, mid, end) - 6_000.0).abs() <= 0.01);
        }
        // Every vertex lies on the geodesic normal: distances from the ends add up.
        for c in &g.line.0 {
            let through = dist(geod, ends[0], *c) + dist(geod, *c, ends[1]);
            assert!(through - 12_000.0 <= 1e-3, "{}: {through}", g.name);
        }
    }
    eprintln!(
        "{} gates: length worst {:.2e} relative, crossing worst {worst_cross:.2e} m from the chainage",
        gates.len() + 2,
        worst_len
    );
}

#[test]
fn gates_stay_within_tolerance_of_the_normal_far_north() {
    // At 75° N a 200 km gate across an eastward road bends visibly in lon/lat: the gate must be
    // densified. Check the midpoints of its edges against the geodesic through its ends.
    let road = Road::new(line_string![(x: 10.0, y: 75.0), (x: 30.0, y: 75.0)]).unwrap();
    let corridor = Corridor::build(&road, &CorridorOptions::symmetric(100_000.0).unwrap());
    let g = control_lines::gate(&corridor, "north", road.length_m() / 3.0).unwrap();
    let geod = Geodesic::wgs84();
    let oracle = Oracle::new(&[g.line.0[0], g.line.0[g.line.0.len() - 1]]);
    assert!(g.line.0.len() > 3);
    for w in g.line.0.windows(2) {
        let m = Coord {
            x: 0.5 * (w[0].x + w[1].x),
            y: 0.5 * (w[0].y + w[1].y),
        };
        assert!(oracle.nearest(m).0 <= 0.5, "{m:?}");
    }
    assert!((line_length_m(&geod, &g.line.0) - 200_000.0).abs() <= 200.0);
}

#[test]
fn a_line_of_contact_is_clipped_with_its_crossings() {
    let corridor = m4_corridor();
    let oracle = Oracle::new(corridor.road().coords());
    // A made-up front line: from 15 km south of the road near Muhambal to 15 km north, with a
    // kink, and a second piece wholly outside.
    let text = r#"{"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "line of contact"},
       "geometry": {"type": "LineString", "coordinates": [[36.50, 35.65], [36.47, 35.80], [36.52, 35.92]]}},
      {"type": "Feature", "properties": {},
       "geometry": {"type": "LineString", "coordinates": [[36.0, 36.5], [36.1, 36.5]]}},
      {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [36.0, 36.0]}}]}"#;
    let line = control_lines::read_line_geojson(text).unwrap();
    assert_eq!(line.0.len(), 2);
    let clipped = control_lines::clip_line(&corridor, &line);
    assert_eq!(clipped.inside.0.len(), 1);
    // The clip agrees with geo's own (i_overlay) clip of the same polygons.
    let geo_clip = corridor.whole().clip(&line, false);
    let (mine, theirs) = (
        Euclidean.length(&clipped.inside),
        Euclidean.length(&geo_clip),
    );
    // Loosened to 1e-7° (about 1 cm): i_overlay snaps coordinates to its integer grid.
    assert!((mine - theirs).abs() < 1e-7, "{mine} vs {theirs}");
    // One road crossing, on the road at the oracle's chainage.
    assert_eq!(clipped.road_crossings.len(), 1);
    let x = clipped.road_crossings[0];
    let (d, chainage_m, _) = oracle.nearest(x.position);
    assert!(d <= 0.01 && (chainage_m - x.chainage_m).abs() <= 1.0);
    assert_eq!(x.part, 0);
    // It enters across the south limit and leaves across the north one, 6 km from the road.
    let edges: Vec<_> = clipped
        .edge_crossings
        .iter()
        .map(|e| (e.edge, e.entering))
        .collect();
    assert_eq!(
        edges,
        [
            (Edge::Limit(Side::Right), true),
            (Edge::Limit(Side::Left), false)
        ]
    );
    for e in &clipped.edge_crossings {
        let (d, c, _) = oracle.nearest(e.position);
        assert!((d - 6_000.0).abs() <= 0.5, "edge crossing at {d} m");
        assert!((e.distance_m - d).abs() <= 0.01 && (e.chainage_m - c).abs() <= 1.0);
    }
    // The inside part runs in the line's direction: south to north.
    let inside = &clipped.inside.0[0].0;
    assert!(inside[0].y < inside[inside.len() - 1].y);
    // A line across the start cap: parallel to the road's first edge, from 0.1° behind its
    // start, 0.02° (about 2 km) to its left so that it crosses the cap off the road.
    let (start, next) = (corridor.road().coords()[0], corridor.road().coords()[1]);
    let k = 0.1 / (next.x - start.x).hypot(next.y - start.y);
    let (dx, dy) = ((next.x - start.x) * k, (next.y - start.y) * k);
    let (lx, ly) = (-0.2 * dy, 0.2 * dx);
    let across_cap = MultiLineString(vec![LineString(vec![
        Coord {
            x: start.x - dx + lx,
            y: start.y - dy + ly,
        },
        Coord {
            x: start.x + dx + lx,
            y: start.y + dy + ly,
        },
    ])]);
    let clipped = control_lines::clip_line(&corridor, &across_cap);
    assert_eq!(clipped.edge_crossings[0].edge, Edge::StartCap);
    assert!(
        control_lines::read_line_geojson(
            r#"{"type": "LineString", "coordinates": [[200, 0], [0, 0]]}"#
        )
        .is_err()
    );
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

#[test]
fn patrol_and_control_line_layers_carry_the_design_properties() {
    let patrol = m4_patrol();
    let fc = export::patrol_routes_geojson(std::slice::from_ref(&patrol));
    assert_eq!(fc.features.len(), 1, "one route per leg, no points");
    let route = &fc.features[0];
    assert_eq!(route.property("kind").unwrap(), "patrol_route");
    assert_eq!(route.property("from").unwrap(), "Trumba");
    assert_eq!(route.property("to").unwrap(), "Ain al-Hawr");
    assert_eq!(route.property("start").unwrap(), START);
    let length_km = route.property("length_km").unwrap().as_f64().unwrap();
    assert!((length_km - patrol.length_m() / 1000.0).abs() < 1e-3);
    let end = route.property("end").unwrap().as_str().unwrap();
    assert!(DateTime::parse_from_rfc3339(end).is_ok());
    let checkpoints = export::checkpoints_geojson(std::slice::from_ref(&patrol));
    let checkpoints: Vec<_> = checkpoints.features.iter().collect();
    assert_eq!(checkpoints.len(), patrol.checkpoints().len());
    for f in checkpoints {
        assert_eq!(f.property("kind").unwrap(), "checkpoint");
        for key in ["name", "chainage_km", "eta", "title", "marker-color"] {
            assert!(f.property(key).is_some(), "{key}");
        }
        let eta = f.property("eta").unwrap().as_str().unwrap();
        assert!(
            DateTime::parse_from_rfc3339(eta)
                .unwrap()
                .offset()
                .local_minus_utc()
                == 3 * 3600
        );
    }
    let corridor = m4_corridor();
    let gates = control_lines::patrol_gates(&corridor, &patrol).unwrap();
    let lines = export::control_lines_geojson(&corridor, &gates);
    let kinds: Vec<_> = lines
        .features
        .iter()
        .map(|f| f.property("kind").unwrap().as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "centerline").count(), 1);
    assert_eq!(kinds.iter().filter(|k| *k == "limit").count(), 2);
    assert_eq!(kinds.iter().filter(|k| *k == "gate").count(), gates.len());
    for f in lines
        .features
        .iter()
        .filter(|f| f.property("kind").unwrap() == "gate")
    {
        assert!(f.property("name").is_some() && f.property("chainage_km").is_some());
        assert!(f.property("stroke").is_some());
    }
}

// ---------------------------------------------------------------------------------------------
// GPX

fn utc_string(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A GPX time as `…Z` to the second, through the gpx crate's own formatting.
fn gpx_time(t: &gpx::Time) -> String {
    let text = t.format().unwrap();
    DateTime::parse_from_rfc3339(&text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[test]
fn gpx_round_trips_through_the_gpx_crate() {
    let patrol = m4_patrol();
    let back = patrol.return_leg(30.0).unwrap();
    let legs = [patrol, back];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patrol.gpx");
    export::write_gpx(&path, &legs).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let gpx = gpx::read(std::io::BufReader::new(file)).unwrap();
    assert_eq!(gpx.version, gpx::GpxVersion::Gpx11);
    // Waypoints: every checkpoint of both legs, names unique, times = ETAs.
    let checkpoints: Vec<_> = legs.iter().flat_map(|l| l.checkpoints()).collect();
    assert_eq!(gpx.waypoints.len(), checkpoints.len());
    let mut names = std::collections::HashSet::new();
    for (w, c) in gpx.waypoints.iter().zip(&checkpoints) {
        let p = w.point();
        assert!((p.x() - c.position.x).abs() < 1e-7 && (p.y() - c.position.y).abs() < 1e-7);
        assert_eq!(gpx_time(w.time.as_ref().unwrap()), utc_string(c.eta));
        let name = w.name.clone().unwrap();
        assert!(name.starts_with(&c.name));
        assert!(names.insert(name));
        let desc = w.description.clone().unwrap();
        assert!(
            desc.contains(&c.eta_rfc3339()) && desc.contains(&format!("km {:.3}", c.chainage_km()))
        );
        // What GPS units show beside the name, and the symbol they draw.
        let comment = w.comment.clone().unwrap();
        assert!(
            comment.starts_with(&format!("km {:.2}, ETA ", c.chainage_km())),
            "{comment}"
        );
        assert!(!w.symbol.clone().unwrap().is_empty());
        assert_eq!(w.type_.clone().unwrap(), c.kind.to_string());
    }
    // Routes: the route's geometry with the checkpoints named on it.
    assert_eq!(gpx.routes.len(), 2);
    for (r, leg) in gpx.routes.iter().zip(&legs) {
        let named: Vec<_> = r.points.iter().filter_map(|p| p.name.clone()).collect();
        assert_eq!(named.len(), leg.checkpoints().len());
        // Every route point timed by the schedule, in order, from the start to the end.
        let times: Vec<String> = r
            .points
            .iter()
            .map(|p| gpx_time(p.time.as_ref().expect("a route point without a time")))
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert_eq!(times[0], utc_string(leg.start()));
        assert!(times[times.len() - 1] <= utc_string(leg.end()));
        let coords: Vec<Coord> = r.points.iter().map(|p| p.point().0).collect();
        let geod = Geodesic::wgs84();
        assert!((line_length_m(&geod, &coords) - leg.length_m()).abs() < 0.5);
    }
    // Tracks: timed, never going back in time, from start to end.
    assert_eq!(gpx.tracks.len(), 2);
    for (t, leg) in gpx.tracks.iter().zip(&legs) {
        assert_eq!(t.segments.len(), 1);
        let points = &t.segments[0].points;
        let expected = leg.timed_track().unwrap();
        assert_eq!(points.len(), expected.len());
        for (p, (c, time)) in points.iter().zip(&expected) {
            assert_eq!(gpx_time(p.time.as_ref().unwrap()), utc_string(*time));
            assert!((p.point().x() - c.x).abs() < 1e-7 && (p.point().y() - c.y).abs() < 1e-7);
        }
        assert_eq!(
            gpx_time(points[0].time.as_ref().unwrap()),
            utc_string(leg.start())
        );
        assert_eq!(
            gpx_time(points[points.len() - 1].time.as_ref().unwrap()),
            utc_string(leg.end())
        );
    }
}

#[test]
fn gpx_escapes_names() {
    let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.8)]).unwrap();
    let nasty = r#"Tal "A" & <B>'s </name>"#;
    let places = Places::new(vec![
        Place::new(nasty, Coord { x: 36.0, y: 35.8 }),
        Place::new("Ω-end", Coord { x: 36.1, y: 35.8 }),
    ]);
    let patrol = Patrol::plan(&road, &places, nasty, "Ω-end", &options()).unwrap();
    let xml = export::patrol_gpx(&[patrol]).unwrap();
    let gpx = gpx::read(xml.as_bytes()).unwrap();
    assert_eq!(gpx.waypoints[0].name.as_deref(), Some(nasty));
    assert_eq!(gpx.waypoints.last().unwrap().name.as_deref(), Some("Ω-end"));
    assert_eq!(
        gpx.routes[0].name.as_deref(),
        Some(&*format!("{nasty} – Ω-end"))
    );
}

#[test]
fn ogrinfo_reads_routes_tracks_and_waypoints_without_warnings() {
    let patrol = m4_patrol();
    let back = patrol.return_leg(30.0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patrol.gpx");
    export::write_gpx(&path, &[patrol.clone(), back.clone()]).unwrap();
    let Some(stdout) = run::ogrinfo(&path) else {
        return;
    };
    let count = |layer: &str| run::ogr_feature_count(&stdout, layer);
    let checkpoints = patrol.checkpoints().len() + back.checkpoints().len();
    assert_eq!(count("waypoints"), checkpoints);
    assert_eq!(count("routes"), 2);
    assert_eq!(count("tracks"), 2);
    assert_eq!(
        count("track_points"),
        patrol.timed_track().unwrap().len() + back.timed_track().unwrap().len()
    );
    assert!(count("route_points") >= checkpoints);

    // The fields GPS units show are filled on every waypoint, and every route point has a time.
    let filled = |layer: &str, field: &str| -> usize {
        let out = std::process::Command::new("ogrinfo")
            .args(["-ro", "-q", "-sql"])
            .arg(format!(
                // Quoted: `desc` is an SQL word.
                "SELECT COUNT(\"{field}\") AS n FROM {layer} WHERE \"{field}\" IS NOT NULL"
            ))
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("n (Integer) = "))
            .unwrap_or_else(|| panic!("{layer}.{field}: {text}"));
        line.trim_start()["n (Integer) = ".len()..].parse().unwrap()
    };
    for field in ["time", "name", "cmt", "desc", "sym", "type"] {
        assert_eq!(filled("waypoints", field), checkpoints, "waypoints.{field}");
    }
    assert_eq!(filled("route_points", "time"), count("route_points"));
}
