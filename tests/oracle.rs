//! The corridor against an independent brute-force oracle (dense geodesic sampling of the road
//! with GeographicLib, see `common/mod.rs`) and against invariants: validity, halves that tile
//! the whole, areas.
//!
//! Run with `cargo test --test oracle -- --nocapture` to see the measured errors.

mod common;

use common::{Nearest, Oracle, Rng, assert_valid, mid, nearest_all, rings, walk, wiggly};
use corridor::{Cap, Corridor, CorridorOptions, Road, Side};
use geo::{Area, BooleanOps, Coord, GeodesicArea, MultiPolygon};

/// What the oracle measured on one corridor.
#[derive(Debug, Default)]
struct Measured {
    /// Largest |distance − width| over boundary vertices off the flat caps, metres.
    max_vertex_error_m: f64,
    /// Largest (width − distance) over boundary edge midpoints, metres (the sag).
    worst_sag_m: f64,
    vertices: usize,
}

/// Checks one corridor; `road_edge` tells whether vertices on the road itself are allowed (the
/// halves share it as an edge).
fn check_boundary(
    corridor: &Corridor,
    oracle: &Oracle,
    polygons: &MultiPolygon,
    road_edge: bool,
) -> Measured {
    let options = corridor.options();
    let t = options.tolerance_m;
    let length = oracle.length_m();
    let width = |n: &Nearest| {
        if n.side > 0.0 {
            options.width_left_m
        } else {
            options.width_right_m
        }
    };
    let widest = options.width_left_m.max(options.width_right_m);
    // Beyond an end the oracle finds the nearest chainage to a thousandth of its 20 m step (and
    // a flat cap's line is drawn with vertices along its geodesic, tests/globe.rs).
    let end_m = 0.05;
    let at_end = |n: &Nearest| n.chainage_m < end_m || n.chainage_m > length - end_m;
    let on_cap = |n: &Nearest| options.cap == Cap::Flat && at_end(n);
    // The halves meet along the road as simplified, within a fifth of the tolerance of it, and
    // beyond a round cap's end along the road's axis (drawn with vertices, tests/globe.rs).
    let on_road = |n: &Nearest| {
        road_edge && (n.distance_m < 0.2 * t + 1e-3 || (options.cap == Cap::Round && at_end(n)))
    };
    let mut m = Measured::default();
    for ring in rings(polygons) {
        let coords = &ring.0;
        let nearest = nearest_all(oracle, coords);
        let middles: Vec<Coord> = coords.windows(2).map(|w| mid(w[0], w[1])).collect();
        let nearest_middles = nearest_all(oracle, &middles);
        for (c, n) in coords.iter().zip(&nearest) {
            m.vertices += 1;
            assert!(
                n.distance_m <= widest + t,
                "vertex {c:?} is {} m from the road, beyond {widest} + {t}",
                n.distance_m
            );
            if on_cap(n) || on_road(n) {
                continue;
            }
            if at_end(n)
                && options.cap == Cap::Round
                && options.width_left_m != options.width_right_m
            {
                // Unequal quarter discs meet in a radial step along the road's axis.
                let narrowest = options.width_left_m.min(options.width_right_m);
                assert!(
                    n.distance_m >= narrowest - t,
                    "cap step vertex {c:?} too close"
                );
                continue;
            }
            let error = (n.distance_m - width(n)).abs();
            assert!(
                error <= t,
                "vertex {c:?} at chainage {:.1} is {:.4} m from the road, width {} ± {t}",
                n.chainage_m,
                n.distance_m,
                width(n)
            );
            m.max_vertex_error_m = m.max_vertex_error_m.max(error);
        }
        for k in 0..coords.len().saturating_sub(1) {
            let (na, nb) = (&nearest[k], &nearest[k + 1]);
            let step_edge = options.cap == Cap::Round && at_end(na) && at_end(nb);
            if on_cap(na) || on_cap(nb) || on_road(na) || on_road(nb) || step_edge {
                continue;
            }
            let (p, n) = (middles[k], nearest_middles[k]);
            if on_cap(&n) {
                continue;
            }
            let sag = width(&n) - n.distance_m;
            assert!(
                sag <= t,
                "edge middle {p:?} at chainage {:.1} is {:.4} m from the road, closer than {} − {t}",
                n.chainage_m,
                n.distance_m,
                width(&n)
            );
            m.worst_sag_m = m.worst_sag_m.max(sag);
        }
    }
    m
}

/// The limit lines against the oracle: every vertex of a limit lies at the width (± the
/// tolerance) on its side, and every vertex of the half's boundary that the oracle puts there
/// (clear of the tolerance band's edge) is on a limit line; each line runs along the road.
fn check_limits(name: &str, corridor: &Corridor, oracle: &Oracle) {
    let t = corridor.options().tolerance_m;
    for side in [Side::Left, Side::Right] {
        let w = corridor.options().width_m(side);
        let sign = if side == Side::Left { 1.0 } else { -1.0 };
        let limit = corridor.limit(side);
        let on: std::collections::HashSet<[u64; 2]> = limit
            .0
            .iter()
            .flat_map(|l| l.0.iter())
            .map(|c| [c.x.to_bits(), c.y.to_bits()])
            .collect();
        let limit_coords: Vec<Coord> = limit.0.iter().flat_map(|l| l.0.iter().copied()).collect();
        for (c, n) in limit_coords.iter().zip(nearest_all(oracle, &limit_coords)) {
            // Behind an end the road's end vertex is nearest: on the axis of a round cap the
            // side is the quarter disc's, and by a flat cap the outside of a last bend reaches
            // past the cap's normal, at the width from its own stretch of road but nearer the
            // end vertex (as check_boundary allows).
            let at_end = n.chainage_m <= 1e-3 || n.chainage_m >= oracle.length_m() - 1e-3;
            if at_end && corridor.options().cap == Cap::Flat {
                continue;
            }
            assert!(
                (n.distance_m - w).abs() <= t && (n.side == sign || at_end),
                "{name}: {side} limit vertex {c:?} at {} m, side {}",
                n.distance_m,
                n.side
            );
        }
        for line in &limit.0 {
            let ends = nearest_all(oracle, &[line.0[0], line.0[line.0.len() - 1]]);
            assert!(
                ends[0].chainage_m <= ends[1].chainage_m + t,
                "{name}: a {side} limit line runs against the road"
            );
        }
        let boundary: Vec<Coord> = rings(corridor.half(side))
            .into_iter()
            .flat_map(|r| r.0.iter().copied())
            .collect();
        for (c, n) in boundary.iter().zip(nearest_all(oracle, &boundary)) {
            if n.side == sign && n.distance_m >= w - t + 0.01 {
                assert!(
                    on.contains(&[c.x.to_bits(), c.y.to_bits()]),
                    "{name}: {side} boundary vertex {c:?} at {} m is on no limit line",
                    n.distance_m
                );
            }
        }
    }
}

/// Everything the issue asks of a corridor, measured by the oracle.
fn check(name: &str, corridor: &Corridor) -> Measured {
    check_with(name, corridor, true)
}

/// As [`check`]; `halves` also checks the boundaries of the halves vertex by vertex.
fn check_with(name: &str, corridor: &Corridor, halves: bool) -> Measured {
    let oracle = Oracle::new(corridor.road().coords(), 20.0);
    let whole = corridor.whole();
    let (left, right) = (corridor.half(Side::Left), corridor.half(Side::Right));
    for (what, mp) in [("whole", whole), ("left", left), ("right", right)] {
        assert_valid(name, what, mp);
    }
    let measured = check_boundary(corridor, &oracle, whole, false);
    if halves {
        check_boundary(corridor, &oracle, left, true);
        check_boundary(corridor, &oracle, right, true);
        check_limits(name, corridor, &oracle);
    }

    // The halves tile the whole: areas add up and neither gap nor overlap.
    let (aw, al, ar) = (
        whole.geodesic_area_unsigned(),
        left.geodesic_area_unsigned(),
        right.geodesic_area_unsigned(),
    );
    assert!(
        ((al + ar) - aw).abs() <= 1e-6 * aw,
        "{name}: halves {al} + {ar} != whole {aw}"
    );
    // Overlap and gap by planar area (degrees²): their pieces are slivers whose orientation
    // is rounding noise, and a geodesic area then counts a sliver as the rest of the Earth.
    let planar = whole.unsigned_area();
    let overlap = left.intersection(right).unsigned_area();
    assert!(
        overlap <= 1e-6 * planar,
        "{name}: halves overlap by {overlap} deg² of {planar}"
    );
    let gap = left.union(right).xor(whole).unsigned_area();
    assert!(
        gap <= 1e-6 * planar,
        "{name}: union of halves differs from whole by {gap} deg² of {planar}"
    );

    eprintln!(
        "{name}: {} polygon(s), {} boundary vertices, max vertex error {:.2e} m, worst sag {:.3} m, area {:.3} km²",
        whole.0.len(),
        measured.vertices,
        measured.max_vertex_error_m,
        measured.worst_sag_m,
        aw / 1e6
    );
    measured
}

fn road(coords: Vec<Coord>) -> Road {
    Road::from_coords(coords).unwrap()
}

const IDLIB: Coord = Coord { x: 36.3, y: 35.8 };

#[test]
fn straight_road_flat_and_round_asymmetric() {
    // 100 km on one geodesic (two vertices), heading east-north-east.
    let coords = walk(IDLIB, 100_000.0, 1, |_| 70.0);
    let road = road(coords);
    let length_m = road.length_m();
    for cap in [Cap::Flat, Cap::Round] {
        let options = CorridorOptions::new(4_000.0, 6_000.0).unwrap().cap(cap);
        let corridor = Corridor::build(&road, &options);
        check(&format!("straight {cap}"), &corridor);
        assert_eq!(corridor.whole().0.len(), 1);
        let expected = length_m * 10_000.0
            + if cap == Cap::Round {
                std::f64::consts::PI * (4_000f64.powi(2) + 6_000f64.powi(2)) / 2.0
            } else {
                0.0
            };
        let area = corridor.area_km2() * 1e6;
        assert!(
            (area / expected - 1.0).abs() < 1e-3,
            "{cap}: area {area} vs {expected}"
        );
        let left = corridor.half_area_km2(Side::Left) * 1e6;
        let expected_left = length_m * 4_000.0
            + if cap == Cap::Round {
                std::f64::consts::PI * 4_000f64.powi(2) / 2.0
            } else {
                0.0
            };
        assert!((left / expected_left - 1.0).abs() < 1e-3);
    }
}

#[test]
fn long_segments_stay_within_tolerance_between_vertices() {
    // 800 km geodesics at 60° N, where straight lon/lat edges bend far from geodesics.
    let coords = walk(Coord { x: 10.0, y: 60.0 }, 400_000.0, 2, |k| {
        [80.0, 120.0][k]
    });
    let corridor = Corridor::build(&road(coords), &CorridorOptions::symmetric(6_000.0).unwrap());
    let m = check("long segments at 60N", &corridor);
    assert!(m.worst_sag_m <= 0.5);
}

#[test]
fn hairpin_whose_legs_come_within_two_widths() {
    // East 30 km, a tight U-turn, back west 8 km north of the first leg: the legs are closer
    // than 2 × 6 km, so their strips overlap.
    let coords = common::hairpin(IDLIB);
    for cap in [Cap::Flat, Cap::Round] {
        let corridor = Corridor::build(
            &road(coords.clone()),
            &CorridorOptions::symmetric(6_000.0).unwrap().cap(cap),
        );
        check(&format!("hairpin {cap}"), &corridor);
        assert_eq!(corridor.whole().0.len(), 1);
        assert_eq!(corridor.whole().0[0].interiors().len(), 0);
    }
}

#[test]
fn road_that_crosses_itself() {
    // A loop like the letter alpha: east, then round to the north-west, crossing the first leg.
    let mut coords = walk(IDLIB, 1_000.0, 40, |_| 90.0);
    let last = *coords.last().unwrap();
    coords.extend_from_slice(&walk(last, 1_000.0, 60, |k| 90.0 - 5.0 * k as f64)[1..]);
    let corridor = Corridor::build(&road(coords), &CorridorOptions::symmetric(3_000.0).unwrap());
    check("self-crossing", &corridor);
    assert_eq!(corridor.whole().0.len(), 1);
}

#[test]
fn closed_loop_has_a_hole() {
    // A ring road of radius ~20 km, first vertex = last vertex.
    let centre = IDLIB;
    let geod = geographiclib_rs::Geodesic::wgs84();
    let coords: Vec<Coord> = (0..=360)
        .map(|k| {
            let az = (k % 360) as f64;
            let (lat, lon): (f64, f64) =
                geographiclib_rs::DirectGeodesic::direct(&geod, centre.y, centre.x, az, 20_000.0);
            Coord { x: lon, y: lat }
        })
        .collect();
    let corridor = Corridor::build(&road(coords), &CorridorOptions::symmetric(6_000.0).unwrap());
    check("closed loop", &corridor);
    assert_eq!(corridor.whole().0.len(), 1);
    assert_eq!(corridor.whole().0[0].interiors().len(), 1);
}

#[test]
fn wiggly_road_of_10000_vertices() {
    let coords = wiggly(IDLIB, 30.0, 10_000, 3.0, 7);
    let road = road(coords);
    for cap in [Cap::Flat, Cap::Round] {
        let corridor = Corridor::build(
            &road,
            &CorridorOptions::symmetric(6_000.0).unwrap().cap(cap),
        );
        check_with(&format!("wiggly 10k {cap}"), &corridor, cap == Cap::Flat);
        assert_eq!(corridor.whole().0.len(), 1);
    }
}

/// A crumpled random walk whose strips pile up hundreds deep: the corridor is united in
/// groups and merged (`GROUP_PIECES` in src/corridor/overlay.rs), a path the smooth roads
/// above never take.
#[test]
fn crumpled_road_united_in_groups() {
    let mut rng = Rng::new(17);
    let mut heading = 30.0;
    let max_turn = 0.15f64.to_degrees();
    let coords = walk(IDLIB, 5.0, 3_000, |_| {
        heading += (rng.next_f64() * 2.0 - 1.0) * max_turn;
        heading
    });
    let road = road(coords);
    for cap in [Cap::Flat, Cap::Round] {
        let corridor = Corridor::build(
            &road,
            &CorridorOptions::symmetric(1_000.0).unwrap().cap(cap),
        );
        // The halves do not meet only along the road here: a half's pieces end on radial
        // lines and cap axes inside the other half's pieces, so only the whole is checked
        // vertex by vertex (the halves still for validity, tiling, gaps and overlaps).
        check_with(&format!("crumpled 3k {cap}"), &corridor, false);
    }
}

#[test]
fn wiggly_road_with_a_tight_tolerance() {
    let coords = wiggly(IDLIB, 200.0, 300, 10.0, 11);
    let options = CorridorOptions::symmetric(2_000.0)
        .unwrap()
        .tolerance_m(0.05)
        .unwrap();
    let m = check(
        "wiggly tolerance 5 cm",
        &Corridor::build(&road(coords), &options),
    );
    assert!(m.worst_sag_m <= 0.05);
}

#[test]
fn m4_corridor_from_the_data() {
    let root = env!("CARGO_MANIFEST_DIR");
    let road = Road::from_geojson_str(
        &std::fs::read_to_string(format!("{root}/data/m4.geojson")).unwrap(),
    )
    .unwrap();
    let places = corridor::Places::from_geojson_str(
        &std::fs::read_to_string(format!("{root}/data/places.geojson")).unwrap(),
    )
    .unwrap();
    let section = places
        .section(&road, "Ain al-Hawr", "Trumba", 2_000.0)
        .unwrap();
    let corridor = Corridor::build(&section, &CorridorOptions::symmetric(6_000.0).unwrap());
    let m = check("M4 Ain al-Hawr–Trumba", &corridor);
    assert_eq!(corridor.whole().0.len(), 1);
    assert!(m.max_vertex_error_m < 0.5 && m.worst_sag_m < 0.5);
}

/// Noisy lines (issue 16), where nearly every piece is covered by others and the build leaves
/// most of them out (src/corridor/hidden.rs): a GPS track, fixes 5 m apart with 3 m of noise,
/// and a wiggly track, 1.2 m steps whose heading jitters within 5° of east. The whole is
/// checked vertex by vertex and edge by edge; the halves, cut along the road, for validity
/// and tiling, and each holds about half.
#[test]
fn noisy_lines_left_out_pieces_keep_the_promise() {
    // The wiggly track only with round caps: with flat ones its last metre-long segment's cap
    // leaves a notch the oracle flags, with or without the filter (a flat-cap matter of its
    // own).
    let lines = [
        (
            "GPS track 10k",
            common::roads::gps_track(10_000, 41),
            &[Cap::Round, Cap::Flat][..],
        ),
        (
            "wiggly track 15k",
            common::roads::wiggly_track(15_000, 43),
            &[Cap::Round][..],
        ),
    ];
    for (name, coords, caps) in lines {
        let road = road(coords);
        for &cap in caps {
            let options = CorridorOptions::symmetric(2_000.0).unwrap().cap(cap);
            let corridor = Corridor::build(&road, &options);
            let name = format!("{name} {cap}");
            let m = check_with(&name, &corridor, false);
            assert_eq!(corridor.whole().0.len(), 1, "{name}");
            assert!(
                m.max_vertex_error_m <= 0.5 && m.worst_sag_m <= 0.5,
                "{name}: {m:?}"
            );
            let (left, right) = (
                corridor.half_area_km2(Side::Left),
                corridor.half_area_km2(Side::Right),
            );
            assert!(
                (left / right - 1.0).abs() < 0.05,
                "{name}: halves of {left} and {right} km²"
            );
        }
    }
}

/// The wiggly track's halves, made from the band's two sides with the road swapped in (see
/// `corridor::band`): every boundary vertex of each half off the road at its width, every
/// edge within the tolerance, and the limit lines at the width, all measured by the oracle;
/// and the same with unequal widths.
#[test]
fn wiggly_track_halves_from_the_band_keep_the_promise() {
    let road = road(common::roads::wiggly_track(15_000, 43));
    let options = CorridorOptions::symmetric(2_000.0).unwrap().cap(Cap::Round);
    let corridor = Corridor::build(&road, &options);
    let m = check("wiggly track 15k halves", &corridor);
    assert!(m.max_vertex_error_m <= 0.5 && m.worst_sag_m <= 0.5, "{m:?}");
    assert_eq!(corridor.limit(Side::Left).0.len(), 1);
    assert_eq!(corridor.limit(Side::Right).0.len(), 1);
    // Unequal widths: the band is drawn at the wider one and the narrower half cut to its own.
    let options = CorridorOptions::new(2_000.0, 1_000.0)
        .unwrap()
        .cap(Cap::Round);
    let corridor = Corridor::build(&road, &options);
    let m = check("wiggly track 15k halves, 2 km and 1 km", &corridor);
    assert!(m.max_vertex_error_m <= 0.5 && m.worst_sag_m <= 0.5, "{m:?}");
}
