//! The halves (and a zone's sides) against the nearest-point rule, measured by the independent
//! brute-force oracle of `tests/common`: a point belongs to the half of the side of its nearest
//! road point, out to that side's width. Random points are placed on roads that come back on
//! themselves closer than the width (a curl whose first and last legs face each other with
//! opposite sides, a road that crosses itself), where the switch between the sides runs
//! through the corridor instead of along the road; every point where polygon and oracle
//! disagree must lie within the tolerance of a boundary of the halves.
//!
//! Run with `cargo test --release --test halves -- --nocapture` to see the measured errors.

mod common;

use common::{Oracle, Rng, nearest_all, rings, walk};
use corridor::{Cap, Corridor, CorridorOptions, Extent, Road, Side, Zone, ZoneOptions};
use geo::{BoundingRect, Contains, Coord, MultiPolygon, Point};

const IDLIB: Coord = Coord { x: 36.3, y: 35.8 };

/// East 20 km, a U-turn to the left back west 7 km further north, a tighter U-turn to the
/// left and east again 3 km north of the first leg, for 15 km: the first leg's left faces the
/// last leg's right across 3 km, with no road between them.
fn curl() -> Vec<Coord> {
    let mut coords = walk(IDLIB, 500.0, 40, |_| 90.0);
    let turn = |coords: &mut Vec<Coord>, steps: usize, heading: f64| {
        let last = *coords.last().unwrap();
        let arc = walk(last, 500.0, steps, |k| {
            heading - 180.0 * (k as f64 + 0.5) / steps as f64
        });
        coords.extend_from_slice(&arc[1..]);
    };
    turn(&mut coords, 22, 90.0);
    let last = *coords.last().unwrap();
    coords.extend_from_slice(&walk(last, 500.0, 40, |_| 270.0)[1..]);
    turn(&mut coords, 13, 270.0);
    let last = *coords.last().unwrap();
    coords.extend_from_slice(&walk(last, 500.0, 30, |_| 90.0)[1..]);
    coords
}

/// A loop like the letter alpha: east, then round to the north-west, crossing the first leg.
fn alpha() -> Vec<Coord> {
    let mut coords = walk(IDLIB, 1_000.0, 40, |_| 90.0);
    let last = *coords.last().unwrap();
    coords.extend_from_slice(&walk(last, 1_000.0, 60, |k| 90.0 - 5.0 * k as f64)[1..]);
    coords
}

/// What a build should hold, as the test reads it: per side, the width (`None`: nothing).
struct Expected {
    widths_m: [Option<f64>; 2],
    cap: Cap,
    tolerance_m: f64,
}

/// Distance in metres from `p` to the nearest edge of `polygons`, in the local metric at `p`.
fn distance_to_boundary_m(p: Coord, polygons: &[&MultiPolygon]) -> f64 {
    let (m_lat, m_lon) = {
        let phi = p.y.to_radians();
        (
            111_132.954 - 559.822 * (2.0 * phi).cos(),
            111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos(),
        )
    };
    let local = |c: Coord| [(c.x - p.x) * m_lon, (c.y - p.y) * m_lat];
    let mut best = f64::INFINITY;
    for mp in polygons {
        for ring in rings(mp) {
            for w in ring.0.windows(2) {
                let (a, b) = (local(w[0]), local(w[1]));
                let ab = [b[0] - a[0], b[1] - a[1]];
                let len2 = ab[0] * ab[0] + ab[1] * ab[1];
                let s = if len2 > 0.0 {
                    (-(a[0] * ab[0] + a[1] * ab[1]) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                best = best.min((a[0] + s * ab[0]).hypot(a[1] + s * ab[1]));
            }
        }
    }
    best
}

/// Places `n` random points over the halves and compares each with the oracle; returns the
/// largest distance from a disagreeing point to the boundary of the halves, metres.
fn check_halves(
    name: &str,
    road: &Road,
    halves: [&MultiPolygon; 2],
    expected: &Expected,
    n: usize,
    seed: u64,
) -> f64 {
    let oracle = Oracle::new(road.coords(), 20.0);
    let length_m = oracle.length_m();
    // Both halves' polygons as one collection: its box is the build's.
    let both = MultiPolygon(halves.iter().flat_map(|h| h.0.iter().cloned()).collect());
    let bounds = both.bounding_rect().expect("an empty build");
    let mut rng = Rng::new(seed);
    let points: Vec<Coord> = (0..n)
        .map(|_| Coord {
            x: bounds.min().x + rng.next_f64() * bounds.width(),
            y: bounds.min().y + rng.next_f64() * bounds.height(),
        })
        .collect();
    let nearest = nearest_all(&oracle, &points);
    let t = expected.tolerance_m;
    let mut worst_m: f64 = 0.0;
    let mut disagreeing = 0;
    let mut mixed = [0usize; 2];
    for (p, n) in points.iter().zip(&nearest) {
        let side = if oracle.side_by_rule(n) > 0.0 {
            Side::Left
        } else {
            Side::Right
        };
        let k = match side {
            Side::Left => 0,
            Side::Right => 1,
        };
        // Beyond a flat end the classifier puts every point outside, while the strips of a
        // bend may still reach there (a separate matter, not checked here).
        let end_m = 0.05;
        let beyond_end = expected.cap == Cap::Flat
            && (n.chainage_m <= end_m || n.chainage_m >= length_m - end_m);
        if beyond_end {
            continue;
        }
        let in_half = halves.map(|h| h.contains(&Point(*p)));
        let inside = expected.widths_m[k].is_some_and(|w| n.distance_m <= w);
        let agrees = in_half[k] == inside && !in_half[1 - k];
        if in_half[0] || in_half[1] {
            mixed[k] += 1;
        }
        if !agrees {
            disagreeing += 1;
            let d = distance_to_boundary_m(*p, &halves);
            assert!(
                d <= t + 0.05,
                "{name}: {p:?} ({side:?} at {:.2} m, chainage {:.1}) is in the halves {in_half:?}, {d:.3} m from their boundary",
                n.distance_m,
                n.chainage_m
            );
            worst_m = worst_m.max(d);
        }
    }
    eprintln!(
        "{name}: {n} points, {} left and {} right inside, {disagreeing} disagree, worst {worst_m:.3} m from the boundary",
        mixed[0], mixed[1]
    );
    worst_m
}

/// Measures the switch between the halves where it runs through the corridor (off the road,
/// off the outer edges and caps): at every vertex and edge middle of the left half's boundary
/// there, the distance along the edge's normal to where the oracle's side changes. Returns
/// the largest, metres; fails if it exceeds the tolerance.
fn measure_switch(name: &str, road: &Road, left: &MultiPolygon, expected: &Expected) -> f64 {
    let oracle = Oracle::new(road.coords(), 20.0);
    let length_m = oracle.length_m();
    let t = expected.tolerance_m;
    let side_at = |p: Coord| oracle.side_by_rule(&oracle.nearest(p));
    let mut worst_m: f64 = 0.0;
    let mut measured = 0;
    for ring in rings(left) {
        let coords = &ring.0;
        for w in coords.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (m_lat, m_lon) = {
                let phi = a.y.to_radians();
                (
                    111_132.954 - 559.822 * (2.0 * phi).cos(),
                    111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos(),
                )
            };
            let d = [(b.x - a.x) * m_lon, (b.y - a.y) * m_lat];
            let len = d[0].hypot(d[1]);
            if len == 0.0 {
                continue;
            }
            let normal = [-d[1] / len, d[0] / len];
            for p in [a, common::mid(a, b)] {
                let n = oracle.nearest(p);
                let width = expected.widths_m[if oracle.side_by_rule(&n) > 0.0 { 0 } else { 1 }];
                let on_outer = width.is_none_or(|w| (n.distance_m - w).abs() < 2.0 * t)
                    || expected
                        .widths_m
                        .iter()
                        .flatten()
                        .any(|w| (n.distance_m - w).abs() < 2.0 * t);
                let at_end = n.chainage_m <= 0.05 || n.chainage_m >= length_m - 0.05;
                if n.distance_m < 2.0 * t || on_outer || at_end {
                    continue;
                }
                // The oracle's switch along the normal, within a few tolerances; at a corner of
                // the switch (where a locus meets the road's line continued beyond an end, a
                // vertex with an edge centimetres long) the edge's normal says nothing, so any
                // direction is tried: the distance to the switch is then at most the distance
                // along the first direction that crosses it.
                let reach = 4.0 * t;
                let directions = std::iter::once(normal).chain((0..16).map(|k| {
                    let a = (k as f64 * 22.5f64).to_radians();
                    [a.cos(), a.sin()]
                }));
                let along_dir = |p: Coord, dir: [f64; 2], s: f64| Coord {
                    x: p.x + s * dir[0] / m_lon,
                    y: p.y + s * dir[1] / m_lat,
                };
                let Some(dir) = directions.into_iter().find(|&dir| {
                    side_at(along_dir(p, dir, -reach)) != side_at(along_dir(p, dir, reach))
                }) else {
                    panic!(
                        "{name}: {p:?} ({:.1} m from the road, chainage {:.1}) is on the halves' boundary but no switch of side lies within {reach} m",
                        n.distance_m, n.chainage_m
                    );
                };
                let along = |p: Coord, s: f64| along_dir(p, dir, s);
                let (mut lo, mut hi) = (-reach, reach);
                let s_lo = side_at(along(p, lo));
                while hi - lo > 1e-3 {
                    let m = 0.5 * (lo + hi);
                    if side_at(along(p, m)) == s_lo {
                        lo = m;
                    } else {
                        hi = m;
                    }
                }
                let error_m = (0.5 * (lo + hi)).abs();
                worst_m = worst_m.max(error_m);
                measured += 1;
            }
        }
    }
    assert!(worst_m <= t, "{name}: the switch is {worst_m} m off");
    eprintln!("{name}: switch measured at {measured} points, worst {worst_m:.3} m off");
    worst_m
}

fn corridor_case(name: &str, coords: Vec<Coord>, options: CorridorOptions) -> f64 {
    let road = Road::from_coords(coords).unwrap();
    let corridor = Corridor::build(&road, &options);
    for (what, mp) in [
        ("whole", corridor.whole()),
        ("left", corridor.half(Side::Left)),
        ("right", corridor.half(Side::Right)),
    ] {
        common::assert_valid(name, what, mp);
    }
    let expected = Expected {
        widths_m: [Some(options.width_left_m), Some(options.width_right_m)],
        cap: options.cap,
        tolerance_m: options.tolerance_m,
    };
    let worst = check_halves(
        name,
        &road,
        [corridor.half(Side::Left), corridor.half(Side::Right)],
        &expected,
        3_000,
        7,
    );
    worst.max(measure_switch(
        name,
        &road,
        corridor.half(Side::Left),
        &expected,
    ))
}

#[test]
fn curl_whose_legs_face_each_other_with_opposite_sides() {
    for cap in [Cap::Flat, Cap::Round] {
        let options = CorridorOptions::symmetric(6_000.0).unwrap().cap(cap);
        let corridor = Corridor::build(&Road::from_coords(curl()).unwrap(), &options);
        assert_eq!(corridor.whole().0.len(), 1);
        corridor_case(&format!("curl 6 km {cap}"), curl(), options);
    }
}

#[test]
fn curl_with_unequal_widths() {
    for (l, r) in [(1_000.0, 6_000.0), (6_000.0, 1_000.0), (2_000.0, 5_000.0)] {
        let options = CorridorOptions::new(l, r).unwrap();
        corridor_case(&format!("curl {l}/{r} m"), curl(), options);
    }
}

#[test]
fn road_that_crosses_itself() {
    let options = CorridorOptions::symmetric(3_000.0).unwrap();
    corridor_case("alpha 3 km", alpha(), options);
    let options = CorridorOptions::new(1_000.0, 4_000.0).unwrap();
    corridor_case("alpha 1/4 km", alpha(), options);
}

#[test]
fn one_sided_zones_on_a_curl() {
    let road = Road::from_coords(curl()).unwrap();
    for side in [Side::Left, Side::Right] {
        let width = Extent::width_m(6_000.0).ok();
        let options = match side {
            Side::Left => ZoneOptions::new(width, None),
            Side::Right => ZoneOptions::new(None, width),
        };
        let zone = Zone::build(&road, &options);
        common::assert_valid("zone", "whole", zone.whole());
        let mut widths_m = [None, None];
        widths_m[match side {
            Side::Left => 0,
            Side::Right => 1,
        }] = Some(6_000.0);
        let expected = Expected {
            widths_m,
            cap: Cap::Flat,
            tolerance_m: options.tolerance_m,
        };
        check_halves(
            &format!("curl zone {side:?} only"),
            &road,
            [zone.side(Side::Left), zone.side(Side::Right)],
            &expected,
            3_000,
            11,
        );
        measure_switch(
            &format!("curl zone {side:?} only"),
            &road,
            zone.side(side),
            &expected,
        );
    }
}

/// The Turkish–Syrian border, west to east (Syria on the right, south): at 30 km it winds
/// back on itself at both ends (the Euphrates at Jarabulus, the Tigris at the tripoint).
fn ne_syria_border() -> Road {
    let root = env!("CARGO_MANIFEST_DIR");
    Road::from_geojson_str(
        &std::fs::read_to_string(format!("{root}/data/ne_syria/border.geojson")).unwrap(),
    )
    .unwrap()
}

/// Villages on the Syrian side, nearest to the border on its right (south), which the halves
/// once put in the north half: the piece of the overlap holding them went whole to the side of
/// one point beyond the border's end.
#[test]
fn ne_syria_villages_by_the_border_are_in_the_south_half() {
    let border = ne_syria_border();
    let corridor = Corridor::build(&border, &CorridorOptions::symmetric(30_000.0).unwrap());
    let oracle = Oracle::new(border.coords(), 20.0);
    for (name, lon, lat) in [
        ("Eastern Sweidiyeh", 42.3359580, 37.1408590),
        ("Hama", 42.2484220, 37.1276680),
        ("Kherbet Elhsan", 38.0728570, 36.6196010),
        ("Twal", 38.1054060, 36.6033270),
    ] {
        let p = Coord { x: lon, y: lat };
        let n = oracle.nearest(p);
        assert!(
            oracle.side_by_rule(&n) < 0.0,
            "{name}: the oracle puts it north"
        );
        assert!(
            corridor.half(Side::Right).contains(&Point(p)),
            "{name} ({:.0} m south of the border) is not in the south half",
            n.distance_m
        );
        assert!(
            !corridor.half(Side::Left).contains(&Point(p)),
            "{name} is in the north half"
        );
    }
}

/// 1 m north, 30 km south: the south half stops where points are nearer the border's north
/// side, instead of reaching across its bends into them.
#[test]
fn ne_syria_30_km_south_only_reaches_the_south_side() {
    let border = ne_syria_border();
    let options = CorridorOptions::new(1.0, 30_000.0).unwrap();
    let corridor = Corridor::build(&border, &options);
    for (what, mp) in [
        ("whole", corridor.whole()),
        ("north", corridor.half(Side::Left)),
        ("south", corridor.half(Side::Right)),
    ] {
        common::assert_valid("ne syria 1 m/30 km", what, mp);
    }
    let symmetric = Corridor::build(&border, &CorridorOptions::symmetric(30_000.0).unwrap());
    let (south, south_30) = (
        corridor.half_area_km2(Side::Right),
        symmetric.half_area_km2(Side::Right),
    );
    assert!(
        (south / south_30 - 1.0).abs() < 1e-6,
        "south half {south} km² with 1 m north, {south_30} km² with 30 km north"
    );
    let expected = Expected {
        widths_m: [Some(1.0), Some(30_000.0)],
        cap: Cap::Flat,
        tolerance_m: options.tolerance_m,
    };
    check_halves(
        "ne syria 1 m/30 km",
        &border,
        [corridor.half(Side::Left), corridor.half(Side::Right)],
        &expected,
        4_000,
        5,
    );
}
