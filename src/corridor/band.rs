//! The band round a noisy line: two short-chorded hulls that stand in for the road.
//!
//! A GPS track or a wiggly line keeps tens of thousands of segments after simplification, and
//! nearly every one of them lies within a metre of the corridor's boundary once offset, so no
//! filter by distance bounds can leave them out (`hidden` keeps a third of a wiggly track's
//! pieces). Here the road is replaced instead: the *left hull* is a chain of the road's own
//! vertices, each chord at most `d` long, with every road vertex it passes over on its right;
//! the *right hull* likewise on the left. The road lies in the band between them, and the
//! corridor of the two hulls, at a width `w'` a little under `w`, has the road's corridor's
//! boundary to within the tolerance, with a few thousand vertices instead of a hundred
//! thousand.
//!
//! Why it is sound:
//! - Inside: a point at `s ≤ w'` from a chord of length `≤ d` is within `√(s² + d²/4)` of one
//!   of the chord's ends, both road vertices; `w'` is chosen so that this is at most `w` (less
//!   the plane's error), so the hulls' corridor lies in the road's. A chord that is a road
//!   segment is the road itself.
//! - Nothing within `w'` of the road is missed, because the road lies in the band. Checked,
//!   not assumed (`Geometry::holds`): the road leaves both ends into the band (inside the
//!   first and last chords), meets no chord anywhere but at a vertex both share, and at every
//!   hull vertex where the hull turns inwards its segments stay inside both chords. So,
//!   connected, it can leave the band neither across a chord nor at a hull vertex. (The walk
//!   that finds the hulls keeps every vertex a chord passes over a margin inside it; that is
//!   how its hulls pass, not what makes them sound.) A point outside the band reaches its
//!   nearest road point across a hull, so it is at least as near that hull, on the hull's
//!   outer side; a point inside is in the band.
//! - So the boundary lies between `w' − sag` and `w` from the road: `w − w'` is a fifth of the
//!   tolerance (with `d = √(8 w t / 5)`), the pieces' sag `0.4 t`, the simplification `t / 5`.
//!   The oracle suite (tests/oracle.rs) measures it on noisy lines.
//!
//! Used for round caps only (a flat cap is cut along the road's own last segment, which the
//! hull's last chord need not follow), open roads, and where `hidden` would apply. The hulls
//! are found walking the road in order, so a line that never turns back (a wiggly track) has
//! one; a GPS track whose fixes curl back over a chord (issue 16's road f, 1,422 such places)
//! fails the checks and goes to `hidden`. The checks, not the walk, are what make it sound.

use geo::algorithm::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line};
use rayon::prelude::*;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use super::hidden::{MAX_LAT_DEG, MAX_WIDTH_M, MIN_SEGMENTS, plane_error_m};
use super::offset::{self, Pieces, SAG_SHARE};
use super::{Cap, CorridorOptions};
use crate::Road;
use crate::geodesic::{self, MIN_RADIUS_M, ecef_cross as cross, ecef_dot as dot, ecef_sub as sub};

/// The two hulls and the width their corridor is built at.
#[derive(Debug)]
pub(crate) struct Band {
    /// The left hull and the right hull, each from the road's first vertex to its last.
    pub hulls: [Road; 2],
    /// The width both hulls' corridors are built at, metres.
    pub width_m: f64,
}

impl Band {
    /// The pieces whose union is the corridor: the left hull's pieces on its left, the right
    /// hull's on its right (a point beyond one hull within `w'` of the other reaches it across
    /// the first), the band itself, and a disc round each end of the road (the hulls' caps
    /// lie along their first and last chords, which differ). Every road vertex is marked as
    /// on the road, for the limit lines.
    pub(crate) fn pieces(&self, road: &Road, options: &CorridorOptions) -> Pieces {
        let hull = CorridorOptions {
            width_left_m: self.width_m,
            width_right_m: self.width_m,
            ..*options
        };
        let [left, right] = &self.hulls;
        let (mut pieces, other) = rayon::join(
            || offset::pieces(left, &hull),
            || offset::pieces(right, &hull),
        );
        pieces.right = other.right;
        pieces.offset_right = other.offset_right;
        pieces.off_limit_right = other.off_limit_right;
        pieces.on_road.extend(other.on_road);
        pieces
            .on_road
            .extend(road.coords().iter().map(|c| [c.x, c.y]));
        // The band, counter-clockwise: along the right hull, back along the left one.
        let mut ring: Vec<[f64; 2]> = right.coords().iter().map(|c| [c.x, c.y]).collect();
        ring.extend(left.coords().iter().rev().skip(1).map(|c| [c.x, c.y]));
        ring.pop();
        pieces.left.push(ring);
        let max_sag_m = SAG_SHARE * options.tolerance_m;
        let coords = road.coords();
        for (end, chainage_m) in [
            (coords[0], 0.0),
            (coords[coords.len() - 1], road.length_m()),
        ] {
            let disc = disc(end, self.width_m, max_sag_m);
            // At the width from an end of the road, on whichever side.
            pieces
                .offset_left
                .extend(disc.iter().map(|&p| (p, chainage_m)));
            pieces
                .offset_right
                .extend(disc.iter().map(|&p| (p, chainage_m)));
            pieces.left.push(disc);
        }
        pieces
    }
}

/// The geodesic circle of `radius_m` round `centre`, counter-clockwise (azimuths falling),
/// its chords within `max_sag_m` of it (drawn as the corner wedges' arcs are).
fn disc(centre: Coord, radius_m: f64, max_sag_m: f64) -> Vec<[f64; 2]> {
    let north = geodesic::direct(centre, 0.0, radius_m).0;
    std::iter::once(north)
        .chain(offset::arc(centre, radius_m, 0.0, -360.0, max_sag_m))
        .map(|p| [p.x, p.y])
        .collect()
}

/// Share of the tolerance the chords may cost: `w − w' ≈ d² / 8w`.
const CHORD_SHARE: f64 = 0.2;

/// The band round `road` for a corridor of `options` (equal widths, round caps), or `None`
/// where it does not apply or cannot be drawn (a line that curls within a chord, a hull that
/// crosses the other).
pub(crate) fn band(road: &Road, options: &CorridorOptions) -> Option<Band> {
    let coords = road.coords();
    let segments = road.segments();
    let n = coords.len();
    let w = options.width_left_m;
    let t = options.tolerance_m;
    // (Called with the wide build's options: both widths the same.)
    if options.cap != Cap::Round
        || segments.len() < MIN_SEGMENTS
        || w > MAX_WIDTH_M
        || coords[0] == coords[n - 1]
    {
        return None;
    }
    let chord_m = (8.0 * w * CHORD_SHARE * t).sqrt();
    // Worth it where most segments are far shorter than a chord (a smooth road, simplified,
    // keeps long segments and is built as it is).
    let short = segments
        .iter()
        .filter(|s| s.length_m <= 0.25 * chord_m)
        .count();
    if 2 * short < segments.len() {
        return None;
    }
    let (mut x0, mut x1, mut max_lat) = (f64::MAX, f64::MIN, 0.0f64);
    for c in coords {
        x0 = x0.min(c.x);
        x1 = x1.max(c.x);
        max_lat = max_lat.max(c.y.abs());
    }
    // Straight chords in longitude/latitude are checked for crossings below: not across ±180°.
    if x1 - x0 > 180.0 || max_lat + w / 100_000.0 > MAX_LAT_DEG {
        return None;
    }
    let xyz: Vec<[f64; 3]> = coords.iter().map(|&c| geodesic::ecef_m(c)).collect();
    let kappa = plane_error_m(w);
    let width_m = ((w - kappa).powi(2) - 0.25 * chord_m * chord_m).sqrt();
    // A tolerance that is large against the width leaves no width for the hulls (NaN here).
    if width_m.is_nan() || width_m <= 0.5 * w {
        return None;
    }
    // A straight line in longitude/latitude strays from the chord's plane by about
    // L² tan φ / 8R; ten times that, and at least a millimetre.
    let stray_m = chord_m * chord_m * (1.0 + max_lat.to_radians().tan()) / (8.0 * MIN_RADIUS_M);
    let geometry = Geometry {
        coords,
        xyz: &xyz,
        chord_m,
        margin_m: MIN_MARGIN_M.max(10.0 * stray_m),
    };
    // (A GPS track whose fixes curl back over a chord gets stuck or crosses: not drawn so.)
    let chains = geometry
        .chains_along(road.vertex_chainages_m())
        .filter(|chains| geometry.holds(chains))?;
    let hulls = chains.map(|chain| Road::from_checked(chain.iter().map(|&i| coords[i]).collect()));
    let [Ok(left), Ok(right)] = hulls else {
        return None;
    };
    Some(Band {
        hulls: [left, right],
        width_m,
    })
}

/// A vertex counts as on a side of a chord only so far in (metres; see `Geometry::margin_m`),
/// and never less than this.
const MIN_MARGIN_M: f64 = 1e-3;

/// Closer than this to a chord's plane counts as on it (a chord's own end comes out a few
/// femtometres off).
const ON_M: f64 = 1e-9;

/// A chord's plane through the Earth's centre, set up once for the vertices measured against
/// it (from small offsets, so that sides come out exact to far below a millimetre).
struct Chord {
    start: [f64; 3],
    along: [f64; 3],
    /// Squared length, m².
    length2_m2: f64,
    /// Unit normal of the plane, to the left.
    left: [f64; 3],
}

impl Chord {
    /// How far `p` lies to the left of the chord's plane, metres.
    fn side(&self, p: [f64; 3]) -> f64 {
        dot(self.left, sub(p, self.start))
    }

    /// Where `p` lies along the chord, times its length (m²): 0 at the start, `length2_m2` at
    /// the end.
    fn along_m2(&self, p: [f64; 3]) -> f64 {
        dot(sub(p, self.start), self.along)
    }
}

/// The road's vertices and what the hulls are built under.
struct Geometry<'a> {
    coords: &'a [Coord],
    /// Earth-centred positions, metres.
    xyz: &'a [[f64; 3]],
    /// Longest chord that is not a road segment, metres.
    chord_m: f64,
    /// How far inside a chord a vertex must lie to count as inside, metres: so that crossings,
    /// checked on straight lines in longitude/latitude, see the same sides as the planes.
    margin_m: f64,
}

impl Geometry<'_> {
    /// The chord from `i` to `k`, to measure other vertices against.
    fn chord(&self, i: usize, k: usize) -> Chord {
        let xyz = self.xyz;
        let along = sub(xyz[k], xyz[i]);
        let normal = cross(xyz[i], along);
        let scale = dot(normal, normal).sqrt().max(f64::MIN_POSITIVE);
        Chord {
            start: xyz[i],
            along,
            length2_m2: dot(along, along),
            left: normal.map(|v| v / scale),
        }
    }

    /// How far vertex `m` lies to the left of the chord from `i` to `k`, metres.
    fn side(&self, i: usize, k: usize, m: usize) -> f64 {
        self.chord(i, k).side(self.xyz[m])
    }

    fn distance_m(&self, i: usize, k: usize) -> f64 {
        let d = sub(self.xyz[k], self.xyz[i]);
        dot(d, d).sqrt()
    }

    /// Hulls whose chords pass over the vertices between their ends in road order: from each
    /// hull vertex the farthest within a chord's length along the road that leaves every
    /// vertex between strictly on its inner side (else the next vertex).
    fn chains_along(&self, chainage: &[f64]) -> Option<[Vec<usize>; 2]> {
        let n = self.coords.len();
        let xyz = self.xyz;
        // Every vertex strictly between `i` and `k` on the inner side of the chord (for the
        // left hull, `sign` 1: on its right) and not beyond `k`; and, where the hull turns
        // inwards at `i` (where the band's inside is the inner side of both chords) or the
        // vertex lies behind `i`, on the inner side of the chord before, from `h`, too; and
        // the vertex before `i` on the inner side of this chord where it turns in.
        let inside = |h: Option<usize>, i: usize, k: usize, sign: f64| {
            let chord = self.chord(i, k);
            let before = h.map(|h| self.chord(h, i));
            let turns_in = before.as_ref().is_some_and(|b| sign * b.side(xyz[k]) < 0.0);
            (i + 1..k).all(|m| {
                let along = chord.along_m2(xyz[m]);
                sign * chord.side(xyz[m]) < -self.margin_m
                    && along <= chord.length2_m2
                    && (along >= 0.0 && !turns_in
                        || before
                            .as_ref()
                            .is_some_and(|b| sign * b.side(xyz[m]) < -self.margin_m))
            }) && !(turns_in && sign * chord.side(xyz[i - 1]) > ON_M)
        };
        let reach = |i: usize| {
            let mut last = i + 1;
            while last + 1 < n && chainage[last + 1] - chainage[i] <= self.chord_m {
                last += 1;
            }
            last
        };
        let mut chains: [Vec<usize>; 2] = [vec![0], vec![0]];
        for (chain, sign) in chains.iter_mut().zip([1.0, -1.0]) {
            // Whether the hull can go on from `k`, reached from `i`.
            let goes_on = |i: usize, k: usize| {
                k == n - 1 || (k + 1..=reach(k)).any(|l| inside(Some(i), k, l, sign))
            };
            let mut i = 0;
            let mut h: Option<usize> = None;
            while i < n - 1 {
                // The farthest first; looking one step ahead only where the hull would be
                // stuck (a fix that overshoots the next one).
                let mut candidates = (i + 1..=reach(i)).rev().filter(|&k| inside(h, i, k, sign));
                let j = match candidates.next() {
                    Some(k) if goes_on(i, k) => k,
                    _ => (i + 1..=reach(i))
                        .rev()
                        .find(|&k| inside(h, i, k, sign) && goes_on(i, k))?,
                };
                chain.push(j);
                h = Some(i);
                i = j;
            }
        }
        Some(chains)
    }

    /// Whether the road lies in the band the two hulls bound, with every chord short: each
    /// chord no longer than allowed (or a road segment), none touching another or a road
    /// segment except at shared vertices, and, at every hull vertex, the road's segments on
    /// the hull's inner side of both chords where the hull turns inwards (of its one chord at
    /// the road's ends). The road starts inside and can then leave neither across a chord nor
    /// at a hull vertex.
    fn holds(&self, chains: &[Vec<usize>; 2]) -> bool {
        let n = self.coords.len();
        for (chain, sign) in chains.iter().zip([1.0, -1.0]) {
            if chain.first() != Some(&0) || chain.last() != Some(&(n - 1)) {
                return false;
            }
            for w in chain.windows(2) {
                if w[1] != w[0] + 1 && self.distance_m(w[0], w[1]) >= self.chord_m {
                    return false;
                }
            }
            let ahead = |a: usize, y: usize, m: usize| sign * self.side(a, y, m) <= ON_M;
            if !ahead(0, chain[1], 1) || !ahead(chain[chain.len() - 2], n - 1, n - 2) {
                return false;
            }
            for w in chain.windows(3) {
                let (a, y, c) = (w[0], w[1], w[2]);
                if sign * self.side(a, y, c) < 0.0 {
                    let inside = |m: usize| ahead(a, y, m) && ahead(y, c, m);
                    if !inside(y - 1) || !inside(y + 1) {
                        return false;
                    }
                }
            }
        }
        !touching(self.coords, chains)
    }
}

/// Whether any chord of the two hulls meets another chord or a road segment anywhere but at a
/// vertex both share (or runs along it without being the same segment).
fn touching(coords: &[Coord], chains: &[Vec<usize>; 2]) -> bool {
    let line = |i: usize, j: usize| Line::new(coords[i], coords[j]);
    let boxed = |l: Line| {
        GeomWithData::new(
            Rectangle::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]),
            l,
        )
    };
    let tree = RTree::bulk_load(
        chains
            .iter()
            .flat_map(|chain| chain.windows(2))
            .map(|w| boxed(line(w[0], w[1])))
            .collect(),
    );
    let meets = |l: Line| {
        let envelope = AABB::from_corners(
            [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
            [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
        );
        let ends = |l: &Line, p: Coord| l.start == p || l.end == p;
        tree.locate_in_envelope_intersecting(&envelope)
            .any(|other| match line_intersection(l, other.data) {
                None => false,
                Some(LineIntersection::SinglePoint {
                    intersection,
                    is_proper,
                }) => is_proper || !(ends(&l, intersection) && ends(&other.data, intersection)),
                Some(LineIntersection::Collinear { .. }) => {
                    !(ends(&l, other.data.start) && ends(&l, other.data.end))
                }
            })
    };
    let chords = chains.iter().flat_map(|chain| chain.windows(2));
    chords.map(|w| line(w[0], w[1])).any(meets)
        || (0..coords.len() - 1)
            .into_par_iter()
            .any(|i| meets(line(i, i + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, LineString, Point, Polygon};

    /// A wiggly track: 1.2 m steps, heading jittering within 5° of east (the family of
    /// tests/common/roads.rs, generated here with its own small random sequence).
    fn wiggly(n: usize) -> Road {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut heading: f64 = 90.0;
        let mut p = Coord { x: 36.5, y: 35.8 };
        let mut coords = vec![p];
        for _ in 1..n {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            heading += ((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * 8.6;
            heading = heading.clamp(85.0, 95.0);
            p = geodesic::direct(p, heading, 1.2).0;
            coords.push(p);
        }
        Road::from_checked(coords).unwrap()
    }

    /// An independent look at the band: every road vertex lies in (or on) the polygon the two
    /// hulls bound, by geo's point-in-polygon; every hull vertex is a road vertex; no chord is
    /// longer than allowed, measured geodesically.
    #[test]
    fn a_wiggly_track_lies_in_its_band() {
        let road = wiggly(20_000);
        let options = CorridorOptions::symmetric(6_000.0).unwrap().cap(Cap::Round);
        let band = band(&road, &options).expect("a wiggly track has a band");
        let [left, right] = &band.hulls;
        assert!(left.coords().len() < road.coords().len() / 4);
        let mut ring: Vec<Coord> = right.coords().to_vec();
        ring.extend(left.coords().iter().rev());
        let polygon = Polygon::new(LineString(ring), Vec::new());
        let chord_m = (8.0 * 6_000.0 * CHORD_SHARE * 0.5).sqrt();
        for hull in [left, right] {
            for w in hull.coords().windows(2) {
                let along = geodesic::distance_m(w[0], w[1]);
                let is_segment = road.coords().windows(2).any(|s| s == w);
                assert!(along <= chord_m + 1e-9 || is_segment, "chord of {along} m");
            }
            for c in hull.coords() {
                assert!(road.coords().contains(c));
            }
        }
        let outside = road
            .coords()
            .iter()
            .filter(|&&c| !polygon.contains(&Point(c)) && !polygon.exterior().contains(&Point(c)))
            .count();
        assert_eq!(outside, 0, "road vertices outside the band");
        // w − w' is a fifth of the tolerance, and a little for the plane.
        assert!(6_000.0 - band.width_m < 0.12, "{}", band.width_m);
    }

    /// Flat caps, a smooth road and a short one are built as they are.
    #[test]
    fn only_noisy_lines_with_round_caps_have_a_band() {
        let road = wiggly(5_000);
        let round = CorridorOptions::symmetric(6_000.0).unwrap().cap(Cap::Round);
        assert!(band(&road, &round).is_some());
        assert!(band(&road, &round.cap(Cap::Flat)).is_none());
        assert!(band(&wiggly(500), &round).is_none());
        // A tolerance five times the width leaves the hulls no width: no band (it was NaN,
        // and the corridor came out empty), and the corridor is built all the same.
        let thin = CorridorOptions::symmetric(10.0)
            .unwrap()
            .cap(Cap::Round)
            .tolerance_m(50.0)
            .unwrap();
        assert!(band(&road, &thin).is_none());
        assert!(super::super::Corridor::build(&road, &thin).area_km2() > 0.0);
        let smooth = Road::from_checked(
            (0..5_000)
                .map(|k| Coord {
                    x: 36.0 + k as f64 * 1e-3,
                    y: 35.0 + 0.1 * (k as f64 * 1e-3).sin(),
                })
                .collect(),
        )
        .unwrap();
        assert!(band(&smooth, &round).is_none());
    }
}
