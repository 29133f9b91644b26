//! Placing points against a corridor: inside or not, which side, how far from the road and at
//! what chainage, by exact geodesic distance. No polygon is built and nothing is rasterised.
//!
//! # Rules
//! - The nearest point of the road section decides ([`Road::locate`]): its side, its chainage and
//!   the distance. At the outside of a corner the nearest point is the corner vertex.
//! - A point is inside when its distance is at most the width of its side; a point on the line
//!   (within the tolerance) is on whichever side holds it, where only one does; against a [`Zone`],
//!   when the distance lies within the extent of its side at its chainage (nothing in an
//!   exception or on a side with none; the band's inner and outer distances included).
//! - With flat caps, a point beyond either end (behind the geodesic normal to the road at its
//!   first or last vertex) is outside, whatever its distance; its chainage is clamped to 0 or the
//!   section's length. With round caps the end vertex is the nearest point there, and the
//!   distance to it decides.
//!
//! These are the rules the [`Corridor`] polygons follow, so a point more than the corridor's
//! tolerance inside a half is classified to that half, and one more than the tolerance outside
//! the corridor is outside.
//!
//! Files stream through [`classify_csv`] (any size, memory stays flat: records are read in chunks,
//! each chunk placed in parallel, written in order; in `csv.rs`) and [`classify_geojson`] (in
//! `geojson.rs`); this file holds the rules.

mod csv;
mod geojson;

use geo::Coord;
use rayon::prelude::*;

use crate::geodesic;
use crate::geojson_input::GeoJsonError;
use crate::{Cap, Corridor, CorridorOptions, Road, Side, SideNames, Zone, ZoneOptions};

pub use self::csv::{
    CHUNK_RECORDS, CsvOptions, LAT_NAMES, LON_NAMES, classify_csv, classify_csv_with,
};
pub use self::geojson::classify_geojson;

/// What can go wrong placing points.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    /// A point that is not a finite longitude and latitude in range.
    #[error("point ({lon}, {lat}) is not a valid longitude, latitude")]
    BadPoint {
        /// Longitude given, degrees.
        lon: f64,
        /// Latitude given, degrees.
        lat: f64,
    },
    /// A CSV record (or the file) that cannot be read.
    #[error("line {line}: {message}")]
    Csv {
        /// 1-based line of the file where the record starts.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// No column holds the longitude or the latitude.
    #[error("no {what} column: expected one named {expected}; the columns are {found}")]
    MissingColumn {
        /// `longitude` or `latitude`.
        what: &'static str,
        /// The names looked for.
        expected: String,
        /// The header, comma separated.
        found: String,
    },
    /// The input already has a column the output adds.
    #[error("the input already has a column `{0}`, which the output adds")]
    DuplicateColumn(String),
    /// A coordinate field that is not a number.
    #[error("line {line}: `{value}` in column `{column}` is not a number")]
    BadNumber {
        /// 1-based line of the file.
        line: u64,
        /// Column name.
        column: String,
        /// The text found.
        value: String,
    },
    /// A point out of range on a line of a CSV file.
    #[error(
        "line {line}: ({lon}, {lat}) is not a valid longitude, latitude (lon must lie in [-180, 180], lat in [-90, 90])"
    )]
    BadPointAt {
        /// 1-based line of the file.
        line: u64,
        /// Longitude found, degrees.
        lon: f64,
        /// Latitude found, degrees.
        lat: f64,
    },
    /// Coordinates on a line of a CSV file that could not be turned into a longitude and
    /// latitude (see [`classify_csv_with`]).
    #[error("line {line}: {message}")]
    BadCoordinates {
        /// 1-based line of the file.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The file is not the GeoJSON asked for.
    #[error(transparent)]
    GeoJson(#[from] GeoJsonError),
    /// Reading the input failed.
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    /// Writing the output failed.
    #[error("cannot write: {0}")]
    Write(#[source] std::io::Error),
}

/// Where one point lies against a corridor.
///
/// # Units
/// `distance_m` in metres, `chainage_km` in kilometres from the start of the road section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classification {
    /// Inside the corridor: within the width of its side, and not beyond a flat cap.
    pub inside: bool,
    /// Left or right of the direction of travel (a point on the road counts as left).
    pub side: Side,
    /// The side's name: `north`/`south`, or `left`/`right` where no compass side fits.
    pub side_name: &'static str,
    /// Geodesic distance to the road section, metres.
    pub distance_m: f64,
    /// Chainage of the nearest road point, kilometres from the start of the section.
    pub chainage_km: f64,
}

/// Places points against a corridor, without building it.
///
/// # Examples
/// ```
/// use corridor::classify::Classifier;
/// use corridor::{CorridorOptions, Road};
/// use geo::{coord, line_string};
///
/// // 10 km of road near Saraqib, west to east (longitude, latitude), 6 km either side.
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
/// let classifier = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let at = classifier.classify(coord! { x: 36.75, y: 35.90 }).unwrap();
/// assert!(at.inside);
/// assert_eq!(at.side_name, "north");
/// assert!((at.distance_m - 4_436.89).abs() < 0.01);
/// // 30 km east of the end: beyond the flat cap.
/// assert!(!classifier.classify(coord! { x: 37.1, y: 35.86 }).unwrap().inside);
/// ```
#[derive(Debug, Clone)]
pub struct Classifier {
    road: Road,
    /// A corridor's options are a zone's with a width on each side.
    rules: ZoneOptions,
    names: SideNames,
}

impl Classifier {
    /// A classifier for the corridor `options` would build on `road` (the whole road; cut a
    /// section first with [`Road::section_m`] to classify against part of it).
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{CorridorOptions, Road, SideNames};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.0, y: 35.0), (x: 36.0, y: 36.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(1_000.0).unwrap());
    /// assert_eq!(c.names(), SideNames::LeftRight); // a northward road has left and right
    /// ```
    pub fn new(road: &Road, options: &CorridorOptions) -> Classifier {
        Classifier {
            road: road.clone(),
            rules: ZoneOptions::of_corridor(options),
            names: SideNames::for_road(road),
        }
    }

    /// A classifier for a zone (one side, bands, stretches, exceptions) on its line.
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{Extent, Road, Zone, ZoneOptions};
    /// use geo::{coord, line_string};
    ///
    /// // A line along the equator, eastward: a band 1–3 km on its right (south) only.
    /// let line = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let zone = Zone::build(&line, &ZoneOptions::new(None, Extent::band_m(1_000.0, 3_000.0).ok()));
    /// let c = Classifier::for_zone(&zone);
    /// assert!(c.classify(coord! { x: 0.05, y: -0.018 }).unwrap().inside); // 2 km south
    /// assert!(!c.classify(coord! { x: 0.05, y: -0.005 }).unwrap().inside); // 550 m south
    /// assert!(!c.classify(coord! { x: 0.05, y: 0.018 }).unwrap().inside); // 2 km north
    /// ```
    pub fn for_zone(zone: &Zone) -> Classifier {
        Classifier::with_zone_options(zone.road(), zone.options())
    }

    /// A classifier for the zone `options` would build along `line`, without building it.
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{Extent, Road, ZoneOptions};
    /// use geo::{coord, line_string};
    ///
    /// let line = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let options = ZoneOptions::new(None, Extent::width_m(1_000.0).ok()).except_m(4_000.0, 6_000.0).unwrap();
    /// let c = Classifier::with_zone_options(&line, &options);
    /// assert!(!c.classify(coord! { x: 0.045, y: -0.001 }).unwrap().inside); // km 5: excepted
    /// assert!(c.classify(coord! { x: 0.02, y: -0.001 }).unwrap().inside);
    /// ```
    pub fn with_zone_options(line: &Road, options: &ZoneOptions) -> Classifier {
        Classifier {
            road: line.clone(),
            rules: options.clone(),
            names: SideNames::for_road(line),
        }
    }

    /// A classifier that agrees with a corridor already built.
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{Corridor, CorridorOptions, Road};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::new(500.0, 2_000.0).unwrap());
    /// let c = Classifier::for_corridor(&corridor);
    /// // 1.1 km south (right of an eastward road): inside the 2 km right half.
    /// assert!(c.classify(coord! { x: 0.05, y: -0.01 }).unwrap().inside);
    /// ```
    pub fn for_corridor(corridor: &Corridor) -> Classifier {
        Classifier {
            road: corridor.road().clone(),
            rules: ZoneOptions::of_corridor(corridor.options()),
            names: corridor.names(),
        }
    }

    /// The road section points are placed against.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{classify::Classifier, CorridorOptions, Road};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(100.0).unwrap());
    /// assert_eq!(c.road().length_m(), road.length_m());
    /// ```
    pub fn road(&self) -> &Road {
        &self.road
    }

    /// How the sides are named.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{classify::Classifier, CorridorOptions, Road, SideNames};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.1, y: 0.0), (x: 0.0, y: 0.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(100.0).unwrap());
    /// assert_eq!(c.names(), SideNames::LeftSouth); // westward: left is south
    /// ```
    pub fn names(&self) -> SideNames {
        self.names
    }

    /// Places one `(lon, lat)` point.
    ///
    /// # Units
    /// Degrees in; metres and kilometres out (see [`Classification`]).
    ///
    /// # Errors
    /// [`ClassifyError::BadPoint`] when the point is not a finite longitude in [-180, 180] and
    /// latitude in [-90, 90].
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{Cap, CorridorOptions, Road};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let round = CorridorOptions::symmetric(2_000.0).unwrap().cap(Cap::Round);
    /// let c = Classifier::new(&road, &round);
    /// // 1.1 km east of the end, on the road's line: inside the round cap.
    /// let at = c.classify(coord! { x: 0.11, y: 0.0 }).unwrap();
    /// assert!(at.inside && (at.distance_m - 1_113.2).abs() < 0.1);
    /// assert!((at.chainage_km - road.length_m() / 1_000.0).abs() < 1e-12);
    /// assert!(c.classify(coord! { x: 200.0, y: 0.0 }).is_err());
    /// ```
    pub fn classify(&self, p: Coord) -> Result<Classification, ClassifyError> {
        if !geodesic::is_position(p, 180.0) {
            return Err(ClassifyError::BadPoint { lon: p.x, lat: p.y });
        }
        // The range is checked above, so the road cannot refuse the point.
        let at = self
            .road
            .locate(p)
            .map_err(|_| ClassifyError::BadPoint { lon: p.x, lat: p.y })?;
        // The end itself belongs to the last stretch, whose chainages run up to but not
        // including their `to`.
        let length_m = self.road.length_m();
        let lookup_m = if at.chainage_m >= length_m {
            length_m * (1.0 - f64::EPSILON)
        } else {
            at.chainage_m
        };
        let holds = |side: Side| {
            self.rules
                .extent_of_point(side, lookup_m)
                .is_some_and(|e| e.inner_m() <= at.distance_m && at.distance_m <= e.outer_m())
        };
        // A point on the line (within the tolerance: a border crossing) is on the side that
        // holds it, when only one does (a zone on one side of a border).
        let on_line = at.distance_m <= self.rules.tolerance_m;
        let side = if on_line && !holds(at.side) && holds(at.side.opposite()) {
            at.side.opposite()
        } else {
            at.side
        };
        let inside = holds(side) && (self.rules.cap == Cap::Round || !at.beyond_end);
        Ok(Classification {
            inside,
            side,
            side_name: self.names.name(side),
            distance_m: at.distance_m,
            chainage_km: at.chainage_m / 1_000.0,
        })
    }

    /// Places many points at once, in parallel, results in input order.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{classify::Classifier, CorridorOptions, Road};
    /// # use geo::{coord, line_string};
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(1_000.0).unwrap());
    /// let out = c.classify_all(&[coord! { x: 0.05, y: 0.001 }, coord! { x: 0.05, y: -0.5 }]);
    /// assert!(out[0].as_ref().unwrap().inside);
    /// assert!(!out[1].as_ref().unwrap().inside);
    /// ```
    pub fn classify_all(&self, points: &[Coord]) -> Vec<Result<Classification, ClassifyError>> {
        points.par_iter().map(|p| self.classify(*p)).collect()
    }
}

/// Names of the columns the output adds, in order.
pub const ADDED_COLUMNS: [&str; 4] = ["inside", "side", "distance_m", "chainage_km"];

/// Counts of what a run placed.
///
/// # Examples
/// ```
/// let s = corridor::classify::Summary::default();
/// assert_eq!(s.points, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Points read.
    pub points: u64,
    /// Points inside the corridor.
    pub inside: u64,
    /// Points inside the left half.
    pub inside_left: u64,
    /// Points inside the right half.
    pub inside_right: u64,
}

impl Summary {
    fn merge(&mut self, other: &Summary) {
        self.points += other.points;
        self.inside += other.inside;
        self.inside_left += other.inside_left;
        self.inside_right += other.inside_right;
    }

    fn add(&mut self, c: &Classification) {
        self.points += 1;
        if c.inside {
            self.inside += 1;
            match c.side {
                Side::Left => self.inside_left += 1,
                Side::Right => self.inside_right += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, line_string};

    /// A small deterministic generator (xorshift64*), so the random cases are the same each run.
    struct Rng(u64);
    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.unit()
        }
    }

    /// A winding road near Ariha (longitude, latitude): bends tight enough, for the widths used,
    /// that the offsets on the inside of a bend overlap.
    fn curvy_road() -> Road {
        curvy_road_of(40)
    }

    /// The same road drawn with `n` segments.
    fn curvy_road_of(n: usize) -> Road {
        let coords: Vec<Coord> = (0..=n)
            .map(|k| {
                let t = k as f64 / n as f64;
                Coord {
                    x: 36.40 + 0.30 * t,
                    y: 35.80 + 0.025 * (t * 14.0).sin() + 0.01 * (t * 37.0).cos(),
                }
            })
            .collect();
        Road::from_coords(coords).unwrap()
    }

    /// Independent distance oracle: the road re-derived from its vertices with GeographicLib,
    /// sampled every 25 m, the best sample refined by ternary search along the road.
    fn oracle_distance_m(road: &Road, p: Coord) -> f64 {
        let v = road.coords();
        let segs: Vec<(Coord, f64, f64)> = v
            .windows(2)
            .map(|w| {
                let inv = geodesic::inverse(w[0], w[1]);
                (w[0], inv.azimuth1_deg, inv.distance_m)
            })
            .collect();
        let total: f64 = segs.iter().map(|s| s.2).sum();
        let at = |mut c: f64| {
            c = c.clamp(0.0, total);
            for &(a, az, len) in &segs {
                if c <= len {
                    return geodesic::direct(a, az, c).0;
                }
                c -= len;
            }
            v[v.len() - 1]
        };
        let f = |c: f64| geodesic::distance_m(at(c), p);
        let step = 25.0;
        let n = (total / step).ceil() as usize;
        let best = (0..=n)
            .map(|k| (k as f64 * step).min(total))
            .min_by(|a, b| f(*a).total_cmp(&f(*b)))
            .unwrap();
        let (mut lo, mut hi) = ((best - step).max(0.0), (best + step).min(total));
        for _ in 0..100 {
            let m1 = lo + (hi - lo) / 3.0;
            let m2 = hi - (hi - lo) / 3.0;
            if f(m1) < f(m2) {
                hi = m2;
            } else {
                lo = m1;
            }
        }
        f(0.5 * (lo + hi)).min(f(0.0)).min(f(total))
    }

    mod against_polygons {
        use super::*;

        #[test]
        fn agrees_with_the_corridor_halves_on_a_curvy_road() {
            let road = curvy_road();
            let options = CorridorOptions::new(1_500.0, 2_500.0).unwrap();
            let corridor = Corridor::build(&road, &options);
            let classifier = Classifier::for_corridor(&corridor);
            let ends = [road.coords()[0], road.coords()[road.coords().len() - 1]];
            let mut rng = Rng(0x5eed_c0de);
            let (mut checked, mut inside) = (0, 0);
            while checked < 1_500 {
                let p = Coord {
                    x: rng.range(36.35, 36.75),
                    y: rng.range(35.72, 35.88),
                };
                // Keep away from the caps, where the tolerance test needs its own care (below).
                if ends.iter().any(|e| geodesic::distance_m(*e, p) < 3_000.0) {
                    continue;
                }
                let c = classifier.classify(p).unwrap();
                let width_m = options.width_m(c.side);
                if (c.distance_m - width_m).abs() < 1.0 {
                    continue;
                }
                checked += 1;
                let in_left = corridor.half(Side::Left).contains(&p);
                let in_right = corridor.half(Side::Right).contains(&p);
                if c.inside {
                    inside += 1;
                    assert_eq!(
                        (in_left, in_right),
                        (c.side == Side::Left, c.side == Side::Right),
                        "{p:?} {c:?}"
                    );
                } else {
                    assert!(!corridor.whole().contains(&p), "{p:?} {c:?}");
                }
            }
            // Both outcomes were exercised, in good numbers.
            assert!(inside > 300 && inside < 1_200, "{inside}");
        }

        #[test]
        fn flat_caps_cut_along_the_normal() {
            let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.87)]).unwrap();
            let options = CorridorOptions::symmetric(2_000.0).unwrap();
            let corridor = Corridor::build(&road, &options);
            let classifier = Classifier::for_corridor(&corridor);
            let length_m = road.length_m();
            let end_azimuth = road.azimuth_at_deg(length_m).unwrap();
            let start_azimuth = road.azimuth_at_deg(0.0).unwrap();
            let end = road.coords()[1];
            let start = road.coords()[0];
            for offset_m in [-1_500.0, -300.0, 300.0, 1_500.0] {
                let across =
                    |from: Coord, azimuth: f64| geodesic::direct(from, azimuth - 90.0, offset_m).0;
                let foot_end = across(end, end_azimuth);
                let foot_start = across(start, start_azimuth);
                // 2 m ahead of the end's normal (beyond the cap) and 2 m back from it.
                for (p, expect) in [
                    (geodesic::direct(foot_end, end_azimuth, 2.0).0, false),
                    (geodesic::direct(foot_end, end_azimuth, -2.0).0, true),
                    (geodesic::direct(foot_start, start_azimuth, -2.0).0, false),
                    (geodesic::direct(foot_start, start_azimuth, 2.0).0, true),
                ] {
                    let c = classifier.classify(p).unwrap();
                    assert_eq!(c.inside, expect, "{offset_m} {p:?} {c:?}");
                    assert_eq!(corridor.whole().contains(&p), expect, "{offset_m} {p:?}");
                }
            }
        }

        #[test]
        fn round_caps_follow_the_distance_to_the_end_vertex() {
            let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.87)]).unwrap();
            let options = CorridorOptions::symmetric(2_000.0).unwrap().cap(Cap::Round);
            let corridor = Corridor::build(&road, &options);
            let classifier = Classifier::for_corridor(&corridor);
            let end = road.coords()[1];
            for azimuth in [10.0, 60.0, 75.0, 120.0, 170.0] {
                for (distance_m, expect) in [(1_998.0, true), (2_002.0, false)] {
                    let p = geodesic::direct(end, azimuth, distance_m).0;
                    let c = classifier.classify(p).unwrap();
                    assert_eq!(c.inside, expect, "{azimuth} {distance_m} {c:?}");
                    assert_eq!(corridor.whole().contains(&p), expect);
                    assert!((c.distance_m - distance_m).abs() < 1e-6);
                    if expect {
                        assert!(corridor.half(c.side).contains(&p));
                    }
                }
            }
        }
    }

    #[test]
    fn distances_are_exact_to_a_centimetre() {
        let road = curvy_road();
        let classifier = Classifier::new(&road, &CorridorOptions::symmetric(2_000.0).unwrap());
        let mut rng = Rng(42);
        for _ in 0..60 {
            let p = Coord {
                x: rng.range(36.3, 36.8),
                y: rng.range(35.65, 35.95),
            };
            let c = classifier.classify(p).unwrap();
            let oracle = oracle_distance_m(&road, p);
            assert!(
                (c.distance_m - oracle).abs() < 0.01,
                "{p:?}: {} vs oracle {oracle}",
                c.distance_m
            );
        }
    }

    /// `Road::locate` (the one nearest-point search) against the brute-force oracle where its
    /// search changes course: a road long enough for the tree rather than the scan, across the
    /// antimeridian, and one 2,000 km segment at high latitude, where chords bulge and a local
    /// plane would fail. Points near the road, far off it and beyond its ends.
    #[test]
    fn locate_agrees_with_the_oracle_on_long_roads_and_far_from_idlib() {
        let roads = [
            (curvy_road_of(400), 30_000.0, 150),
            (
                Road::new(
                    line_string![(x: 179.2, y: -17.0), (x: 179.8, y: -16.9), (x: -179.6, y: -16.7)],
                )
                .unwrap(),
                100_000.0,
                40,
            ),
            (
                Road::new(line_string![(x: 10.0, y: 60.0), (x: 45.0, y: 62.0)]).unwrap(),
                100_000.0,
                6,
            ),
        ];
        let mut rng = Rng(7);
        for (road, reach_m, count) in roads {
            for k in 0..count {
                // A third within 50 m of the road, the rest up to `reach_m` off it.
                let on = road.point_at(rng.range(0.0, road.length_m())).unwrap();
                let off_m = if k % 3 == 0 { 50.0 } else { reach_m };
                let (p, _) = geodesic::direct(on, rng.range(0.0, 360.0), rng.range(0.0, off_m));
                let p = Coord {
                    x: geodesic::normalize_deg(p.x),
                    y: p.y,
                };
                let at = road.locate(p).unwrap();
                let oracle = oracle_distance_m(&road, p);
                assert!(
                    (at.distance_m - oracle).abs() < 5e-3,
                    "{p:?}: {} vs oracle {oracle}",
                    at.distance_m
                );
                // The nearest point is where it says, and as far as it says.
                assert!((geodesic::distance_m(at.nearest, p) - at.distance_m).abs() < 1e-3);
                let back = road.point_at(at.chainage_m).unwrap();
                assert!(geodesic::distance_m(back, at.nearest) < 1e-3, "{p:?}");
            }
        }
    }
}
