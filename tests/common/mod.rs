//! Shared test helpers: an independent brute-force geodesic oracle and synthetic roads.
//!
//! The oracle uses GeographicLib and rstar directly and nothing of the crate under test: the
//! distance from a point to the road is found by dense geodesic sampling of the road, coarse
//! then finer around the best samples.

#![allow(dead_code)]

use geo::{Coord, LineString, MultiPolygon, Validation, Winding};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use rstar::{RTree, primitives::GeomWithData};

pub mod roads;

/// Brute-force distance from points to a geodesic polyline.
pub struct Oracle {
    geod: Geodesic,
    vertices: Vec<Coord>,
    azimuths: Vec<f64>,
    chainages: Vec<f64>,
    step_m: f64,
    samples: Vec<f64>,
    tree: RTree<GeomWithData<[f64; 3], usize>>,
}

/// The oracle's answer for one point.
#[derive(Debug, Clone, Copy)]
pub struct Nearest {
    pub distance_m: f64,
    pub chainage_m: f64,
    /// +1 left of the direction of travel, -1 right.
    pub side: f64,
}

/// Earth-centred coordinates of a point on WGS84, metres.
pub fn ecef(p: Coord) -> [f64; 3] {
    let (a, f) = (6_378_137.0, 1.0 / 298.257_223_563);
    let e2 = f * (2.0 - f);
    let (lat, lon) = (p.y.to_radians(), p.x.to_radians());
    let n = a / (1.0 - e2 * lat.sin().powi(2)).sqrt();
    [
        n * lat.cos() * lon.cos(),
        n * lat.cos() * lon.sin(),
        n * (1.0 - e2) * lat.sin(),
    ]
}

impl Oracle {
    /// Samples the road every `step_m` metres (and at every vertex).
    pub fn new(vertices: &[Coord], step_m: f64) -> Oracle {
        let geod = Geodesic::wgs84();
        let mut azimuths = Vec::new();
        let mut chainages = vec![0.0];
        let mut kept = vec![vertices[0]];
        for w in vertices.windows(2) {
            let (s12, azi1, _azi2, _a12): (f64, f64, f64, f64) =
                geod.inverse(w[0].y, w[0].x, w[1].y, w[1].x);
            if s12 < 1e-6 {
                continue;
            }
            azimuths.push(azi1);
            chainages.push(chainages[chainages.len() - 1] + s12);
            kept.push(w[1]);
        }
        let mut oracle = Oracle {
            geod,
            vertices: kept,
            azimuths,
            chainages,
            step_m,
            samples: Vec::new(),
            tree: RTree::new(),
        };
        let mut samples = Vec::new();
        for i in 0..oracle.azimuths.len() {
            let (c0, c1) = (oracle.chainages[i], oracle.chainages[i + 1]);
            let n = ((c1 - c0) / step_m).ceil().max(1.0) as usize;
            for k in 0..n {
                samples.push(c0 + (c1 - c0) * k as f64 / n as f64);
            }
        }
        samples.push(oracle.length_m());
        let points = samples
            .iter()
            .enumerate()
            .map(|(k, &c)| GeomWithData::new(ecef(oracle.position(c).0), k))
            .collect();
        oracle.tree = RTree::bulk_load(points);
        oracle.samples = samples;
        oracle
    }

    pub fn length_m(&self) -> f64 {
        self.chainages[self.chainages.len() - 1]
    }

    /// Road point and azimuth at a chainage.
    fn position(&self, c: f64) -> (Coord, f64) {
        let c = c.clamp(0.0, self.length_m());
        let i = self
            .chainages
            .partition_point(|&v| v <= c)
            .saturating_sub(1)
            .min(self.azimuths.len() - 1);
        let a = self.vertices[i];
        let (lat, lon, azi): (f64, f64, f64) =
            self.geod
                .direct(a.y, a.x, self.azimuths[i], c - self.chainages[i]);
        (Coord { x: lon, y: lat }, azi)
    }

    fn dist(&self, c: f64, p: Coord) -> f64 {
        let (q, _) = self.position(c);
        self.geod.inverse(q.y, q.x, p.y, p.x)
    }

    /// Best chainage in `[c - half, c + half]`, sampled `n` times.
    fn scan(&self, p: Coord, c: f64, half: f64, n: usize) -> (f64, f64) {
        let mut best = (f64::INFINITY, c);
        let mut probes: Vec<f64> = (0..=n)
            .map(|k| c - half + 2.0 * half * k as f64 / n as f64)
            .map(|x| x.clamp(0.0, self.length_m()))
            .collect();
        // Vertices in the window are sampled exactly (corners are where minima sit).
        probes.extend(
            self.chainages
                .iter()
                .copied()
                .filter(|v| (v - c).abs() <= half),
        );
        for x in probes {
            let d = self.dist(x, p);
            if d < best.0 {
                best = (d, x);
            }
        }
        best
    }

    /// Distance from `p` to the road, by dense sampling.
    pub fn nearest(&self, p: Coord) -> Nearest {
        let q = ecef(p);
        let chord = |k: usize| {
            let e = ecef(self.position(self.samples[k]).0);
            ((e[0] - q[0]).powi(2) + (e[1] - q[1]).powi(2) + (e[2] - q[2]).powi(2)).sqrt()
        };
        // The closest sample in space bounds the distance from above (a chord is never longer
        // than the geodesic, and at these ranges shorter by well under a millimetre).
        let Some(first) = self.tree.nearest_neighbor(&q) else {
            panic!("empty oracle");
        };
        let bound = self.dist(self.samples[first.data], p);
        // Every sample that could lie within a step of the true nearest point.
        let r = bound + self.step_m;
        let mut coarse: Vec<(f64, f64)> = self
            .tree
            .locate_within_distance(q, r * r)
            .map(|s| (chord(s.data), self.samples[s.data]))
            .collect();
        coarse.sort_by(|a, b| a.0.total_cmp(&b.0));
        let floor = coarse[0].0;
        let mut refined: Vec<f64> = Vec::new();
        let mut best = (f64::INFINITY, 0.0);
        for &(d, c) in &coarse {
            if d > floor + self.step_m {
                break;
            }
            if refined.iter().any(|r| (r - c).abs() < 2.0 * self.step_m) {
                continue;
            }
            refined.push(c);
            let (_, c1) = self.scan(p, c, self.step_m, 20);
            let (_, c2) = self.scan(p, c1, self.step_m / 10.0, 20);
            let (_, c3) = self.scan(p, c2, self.step_m / 100.0, 20);
            let found = self.scan(p, c3, self.step_m / 1000.0, 20);
            if found.0 < best.0 {
                best = found;
            }
        }
        let (d, c) = best;
        let (foot, azi) = self.position(c);
        let (_s, azi_to_p, _azi2, _a): (f64, f64, f64, f64) =
            self.geod.inverse(foot.y, foot.x, p.y, p.x);
        let side = if (azi_to_p - azi).to_radians().sin() > 0.0 {
            -1.0
        } else {
            1.0
        };
        Nearest {
            distance_m: d,
            chainage_m: c,
            side,
        }
    }
}

impl Oracle {
    /// The side of the nearest road point as DESIGN.md states the rule: by the turn of the
    /// geodesic from the nearest point to `p` against the road's direction there, except at
    /// an inner vertex, which is nearest only to points on the outside of its corner (the
    /// bearing alone can name the inside side past a 90° turn). +1 left, -1 right.
    pub fn side_by_rule(&self, n: &Nearest) -> f64 {
        let inner = &self.chainages[1..self.chainages.len() - 1];
        let Some(k) = inner.iter().position(|&c| c == n.chainage_m) else {
            return n.side;
        };
        // Vertex k + 1: the turn from the end of segment k to the start of segment k + 1.
        let a = self.vertices[k];
        let (_lat, _lon, azimuth_in): (f64, f64, f64) = self.geod.direct(
            a.y,
            a.x,
            self.azimuths[k],
            self.chainages[k + 1] - self.chainages[k],
        );
        let turn = (self.azimuths[k + 1] - azimuth_in + 540.0).rem_euclid(360.0) - 180.0;
        if turn > 1e-9 {
            1.0
        } else if turn < -1e-9 {
            -1.0
        } else {
            n.side
        }
    }
}

/// A deterministic xorshift generator, so that synthetic roads are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Walks from `start` taking steps of `step_m` along headings given by `heading_deg(k)`.
pub fn walk(
    start: Coord,
    step_m: f64,
    n: usize,
    mut heading_deg: impl FnMut(usize) -> f64,
) -> Vec<Coord> {
    let geod = Geodesic::wgs84();
    let mut out = vec![start];
    let mut p = start;
    for k in 0..n {
        let (lat, lon): (f64, f64) = geod.direct(p.y, p.x, heading_deg(k), step_m);
        p = Coord { x: lon, y: lat };
        out.push(p);
    }
    out
}

/// A smooth wiggly road: heading changes by a random, slowly varying turn rate.
pub fn wiggly(start: Coord, step_m: f64, n: usize, max_turn_deg: f64, seed: u64) -> Vec<Coord> {
    let mut rng = Rng::new(seed);
    let mut heading = 80.0;
    let mut turn = 0.0;
    walk(start, step_m, n, |_| {
        turn = 0.9 * turn + 0.1 * (rng.next_f64() * 2.0 - 1.0) * max_turn_deg * 3.0;
        turn = f64::clamp(turn, -max_turn_deg, max_turn_deg);
        // Pull gently back towards east so the road goes somewhere.
        heading += turn + 0.02 * (90.0 - heading);
        heading
    })
}

/// Every ring of a multipolygon, exteriors and holes.
pub fn rings(mp: &MultiPolygon) -> Vec<&LineString> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect()
}

/// The middle of an edge in longitude/latitude, where it is drawn.
pub fn mid(a: Coord, b: Coord) -> Coord {
    Coord {
        x: 0.5 * (a.x + b.x),
        y: 0.5 * (a.y + b.y),
    }
}

/// The oracle's answer for many points, on all cores.
pub fn nearest_all(oracle: &Oracle, points: &[Coord]) -> Vec<Nearest> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = points.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = points
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|p| oracle.nearest(*p)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Valid by geo's OGC checks, exteriors counter-clockwise and holes clockwise.
pub fn assert_valid(name: &str, what: &str, mp: &MultiPolygon) {
    assert!(
        mp.is_valid(),
        "{name}: {what} is not valid: {:?}",
        mp.validation_errors()
    );
    for p in &mp.0 {
        assert!(p.exterior().is_ccw(), "{name}: {what} exterior not CCW");
        for hole in p.interiors() {
            assert!(hole.is_cw(), "{name}: {what} hole not CW");
        }
    }
}

/// East 30 km from `start`, a tight U-turn, back west 8 km north of the first leg: closer than
/// 2 × 6 km, so 6 km strips of the two legs overlap.
pub fn hairpin(start: Coord) -> Vec<Coord> {
    let mut coords = walk(start, 1_000.0, 30, |_| 90.0);
    let last = *coords.last().unwrap();
    let turn = walk(last, 1_000.0, 12, |k| 90.0 - 15.0 * (k as f64 + 0.5));
    let top = *turn.last().unwrap();
    coords.extend_from_slice(&turn[1..]);
    coords.extend_from_slice(&walk(top, 1_000.0, 30, |_| 270.0)[1..]);
    coords
}
