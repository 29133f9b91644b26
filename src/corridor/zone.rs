//! Zones along any line: per side nothing, a width or a band, with exceptions and stretches of
//! other widths.
//!
//! A zone is built like a corridor, on one integer grid: the line is cut at every chainage
//! where the extents change into sections, each offset with flat caps drawn along the
//! geodesic normal (the zone's own caps at the line's two ends). A side's region is that side's
//! half of the corridor of its outer widths, less every point within its inner widths of the
//! line (the symmetric corridor of the inner widths). All of it is one grid's booleans, so
//! sides, bands and stretches meet on shared vertices without slivers.
//!
//! # Which side a point is on
//! As for a corridor's halves: the side of the nearest line point, cut along the switch locus
//! where the line comes back on itself. Each section is offset at its wider outer width on
//! both sides (a side with nothing or a narrower width included) to tell the two apart, and
//! each side is then cut to its own sections and widths, so that a zone on the south of a
//! winding border never reaches across the border, or across a bend, into the north.
//!
//! # Stretches and cuts
//! A zone is the union of its stretches' zones, each what that stretch's strips and corner
//! wedges reach: inside a bend, the wide side of a step reaches past the normal where the width
//! changes (as a flat cap does past the end of a corridor), and a stretch next to an exception
//! keeps what it reaches over the excepted stretch's side of a hairpin. A cut that falls on a
//! vertex (within a millimetre) is at the vertex: the stretch before takes the corner's wedge
//! and ends along the next stretch's normal.
//!
//! # Accuracy
//! As a corridor's: every vertex of an offset edge at its distance (inner or outer) from its
//! stretch within the tolerance, no edge sagging past it, edges on the line on the line as
//! simplified (within a fifth of the tolerance), cuts drawn along the geodesic normal with the
//! same sag. Measured in `tests/zones.rs`.

use geo::MultiPolygon;
use i_overlay::core::overlay_rule::OverlayRule;

use super::offset::{self, Ends, NormalCut, Pieces};
use super::overlay::{Grid, Layers, Ring, Shapes};
use super::{Areas, geodesic_area_m2, sides, simplify};
use super::{
    Cap, CorridorError, CorridorOptions, DEFAULT_TOLERANCE_M, MAX_WIDTH_M, SIMPLIFY_SHARE,
};
use crate::{Road, Side, SideNames};

/// What can be wrong with zone options.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoneError {
    /// A band whose distances are not `0 ≤ inner < outer ≤ MAX_WIDTH_M` metres.
    #[error("{}", extent_message(*inner_m, *outer_m))]
    BadExtent {
        /// The inner distance given, metres.
        inner_m: f64,
        /// The outer distance given, metres.
        outer_m: f64,
    },
    /// A tolerance that is not a positive finite number of metres.
    #[error("tolerance {tolerance_m} m is not allowed: it must be a positive number of metres")]
    BadTolerance {
        /// The tolerance given, metres.
        tolerance_m: f64,
    },
    /// A stretch or exception whose chainages are not `0 ≤ from < to`.
    #[error("stretch from {from_m} m to {to_m} m is not allowed: it needs 0 ≤ from < to")]
    BadStretch {
        /// Where it starts, metres along the line.
        from_m: f64,
        /// Where it ends, metres along the line.
        to_m: f64,
    },
}

fn extent_message(inner_m: f64, outer_m: f64) -> String {
    if inner_m == 0.0 {
        format!(
            "width {outer_m} m is not allowed: it must be more than 0 and at most {MAX_WIDTH_M} m"
        )
    } else {
        format!(
            "band {inner_m} m to {outer_m} m is not allowed: it needs 0 ≤ inner < outer ≤ {MAX_WIDTH_M} m"
        )
    }
}

/// How far a side of a zone reaches: the band between two geodesic distances from the line.
/// A width `w` is the band from 0 to `w`.
///
/// # Units
/// Metres.
///
/// # Examples
/// ```
/// use corridor::Extent;
///
/// // The 22 October 2019 memorandum's joint-patrol strip, 10 km deep, and a band 10–30 km.
/// let strip = Extent::width_m(10_000.0).unwrap();
/// assert_eq!((strip.inner_m(), strip.outer_m()), (0.0, 10_000.0));
/// let band = Extent::band_m(10_000.0, 30_000.0).unwrap();
/// assert_eq!(band.inner_m(), 10_000.0);
/// assert!(Extent::band_m(30_000.0, 10_000.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    inner_m: f64,
    outer_m: f64,
}

impl Extent {
    /// From the line out to `width_m`.
    ///
    /// # Errors
    /// [`ZoneError::BadExtent`] unless `0 < width_m ≤ MAX_WIDTH_M`.
    ///
    /// # Examples
    /// ```
    /// assert!(corridor::Extent::width_m(0.0).is_err()); // a side with nothing is `None`
    /// ```
    pub fn width_m(width_m: f64) -> Result<Extent, ZoneError> {
        Extent::band_m(0.0, width_m)
    }

    /// Between `inner_m` and `outer_m` from the line.
    ///
    /// # Errors
    /// [`ZoneError::BadExtent`] unless `0 ≤ inner_m < outer_m ≤ MAX_WIDTH_M`.
    ///
    /// # Examples
    /// ```
    /// let band = corridor::Extent::band_m(10_000.0, 20_000.0).unwrap();
    /// assert_eq!(band.outer_m(), 20_000.0);
    /// ```
    pub fn band_m(inner_m: f64, outer_m: f64) -> Result<Extent, ZoneError> {
        let ok = inner_m.is_finite()
            && outer_m.is_finite()
            && inner_m >= 0.0
            && inner_m < outer_m
            && outer_m <= MAX_WIDTH_M;
        if ok {
            Ok(Extent { inner_m, outer_m })
        } else {
            Err(ZoneError::BadExtent { inner_m, outer_m })
        }
    }

    /// The inner distance, metres (0 for a width).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::Extent::width_m(500.0).unwrap().inner_m(), 0.0);
    /// ```
    pub fn inner_m(&self) -> f64 {
        self.inner_m
    }

    /// The outer distance, metres.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::Extent::width_m(500.0).unwrap().outer_m(), 500.0);
    /// ```
    pub fn outer_m(&self) -> f64 {
        self.outer_m
    }
}

/// A stretch of the line, between two chainages, with its own extent on each side (`None` on
/// both sides for an exception).
///
/// # Units
/// Metres along the line from its first vertex.
///
/// # Examples
/// ```
/// use corridor::{Extent, Stretch};
/// let s = Stretch::new(100_000.0, 150_000.0, None, Extent::width_m(5_000.0).ok()).unwrap();
/// assert_eq!(s.to_m, 150_000.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    /// Where it starts, metres along the line.
    pub from_m: f64,
    /// Where it ends, metres along the line.
    pub to_m: f64,
    /// The extent left of the direction of travel.
    pub left: Option<Extent>,
    /// The extent right of the direction of travel.
    pub right: Option<Extent>,
}

impl Stretch {
    /// A stretch from `from_m` to `to_m` with these extents.
    ///
    /// # Errors
    /// [`ZoneError::BadStretch`] unless `0 ≤ from_m < to_m` (both finite).
    ///
    /// # Examples
    /// ```
    /// assert!(corridor::Stretch::new(5.0, 1.0, None, None).is_err());
    /// ```
    pub fn new(
        from_m: f64,
        to_m: f64,
        left: Option<Extent>,
        right: Option<Extent>,
    ) -> Result<Stretch, ZoneError> {
        if from_m.is_finite() && to_m.is_finite() && from_m >= 0.0 && from_m < to_m {
            Ok(Stretch {
                from_m,
                to_m,
                left,
                right,
            })
        } else {
            Err(ZoneError::BadStretch { from_m, to_m })
        }
    }

    fn extent(&self, side: Side) -> Option<Extent> {
        match side {
            Side::Left => self.left,
            Side::Right => self.right,
        }
    }
}

/// Extents, caps, tolerance, stretches and exceptions of a zone.
///
/// Stretches apply in the order given, a later one over an earlier one where they overlap;
/// exceptions apply over all of them. Chainages beyond the line's end are cut to it.
///
/// # Examples
/// ```
/// use corridor::{Extent, ZoneOptions};
///
/// // 30 km deep right of a border, 5 km only from km 100 to km 150, none from km 300 to 330.
/// let options = ZoneOptions::new(None, Some(Extent::width_m(30_000.0).unwrap()))
///     .stretch_m(100_000.0, 150_000.0, None, Some(Extent::width_m(5_000.0).unwrap()))
///     .unwrap()
///     .except_m(300_000.0, 330_000.0)
///     .unwrap();
/// assert_eq!(options.tolerance_m, 0.5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneOptions {
    /// Extent left of the direction of travel (`None`: nothing on that side).
    pub left: Option<Extent>,
    /// Extent right of the direction of travel.
    pub right: Option<Extent>,
    /// Caps at the line's two ends (cuts at stretches and exceptions are always flat).
    pub cap: Cap,
    /// Largest error of the boundary, metres.
    pub tolerance_m: f64,
    /// Stretches with other extents, in the order they apply.
    pub stretches: Vec<Stretch>,
    /// Stretches with no zone, as `(from_m, to_m)`.
    pub exceptions: Vec<(f64, f64)>,
}

impl ZoneOptions {
    /// A zone with these extents along the whole line, flat caps and the default tolerance.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, ZoneOptions};
    /// let o = ZoneOptions::new(Extent::width_m(6_000.0).ok(), None);
    /// assert!(o.right.is_none());
    /// ```
    pub fn new(left: Option<Extent>, right: Option<Extent>) -> ZoneOptions {
        ZoneOptions {
            left,
            right,
            cap: Cap::Flat,
            tolerance_m: DEFAULT_TOLERANCE_M,
            stretches: Vec::new(),
            exceptions: Vec::new(),
        }
    }

    /// Sets the caps at the line's two ends.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Cap, Extent, ZoneOptions};
    /// let o = ZoneOptions::new(Extent::width_m(100.0).ok(), None).cap(Cap::Round);
    /// assert_eq!(o.cap, Cap::Round);
    /// ```
    pub fn cap(mut self, cap: Cap) -> ZoneOptions {
        self.cap = cap;
        self
    }

    /// Sets the tolerance in metres.
    ///
    /// # Errors
    /// [`ZoneError::BadTolerance`] unless it is a positive finite number.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, ZoneOptions};
    /// let o = ZoneOptions::new(Extent::width_m(100.0).ok(), None);
    /// assert_eq!(o.clone().tolerance_m(0.1).unwrap().tolerance_m, 0.1);
    /// assert!(o.tolerance_m(-1.0).is_err());
    /// ```
    pub fn tolerance_m(mut self, tolerance_m: f64) -> Result<ZoneOptions, ZoneError> {
        if !tolerance_m.is_finite() || tolerance_m <= 0.0 {
            return Err(ZoneError::BadTolerance { tolerance_m });
        }
        self.tolerance_m = tolerance_m;
        Ok(self)
    }

    /// Adds a stretch from `from_m` to `to_m` (metres along the line) with other extents.
    ///
    /// # Errors
    /// [`ZoneError::BadStretch`] unless `0 ≤ from_m < to_m`.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, ZoneOptions};
    /// let wide = Extent::width_m(20_000.0).ok();
    /// let o = ZoneOptions::new(Extent::width_m(15_000.0).ok(), None)
    ///     .stretch_m(0.0, 40_000.0, wide, None)
    ///     .unwrap();
    /// assert_eq!(o.stretches.len(), 1);
    /// ```
    pub fn stretch_m(
        mut self,
        from_m: f64,
        to_m: f64,
        left: Option<Extent>,
        right: Option<Extent>,
    ) -> Result<ZoneOptions, ZoneError> {
        self.stretches
            .push(Stretch::new(from_m, to_m, left, right)?);
        Ok(self)
    }

    /// Adds an exception: no zone from `from_m` to `to_m` (metres along the line), cut along
    /// the geodesic normal at both ends.
    ///
    /// # Errors
    /// [`ZoneError::BadStretch`] unless `0 ≤ from_m < to_m`.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, ZoneOptions};
    /// let o = ZoneOptions::new(None, Extent::width_m(10_000.0).ok()).except_m(3e5, 3.3e5).unwrap();
    /// assert_eq!(o.exceptions, vec![(3e5, 3.3e5)]);
    /// ```
    pub fn except_m(mut self, from_m: f64, to_m: f64) -> Result<ZoneOptions, ZoneError> {
        Stretch::new(from_m, to_m, None, None)?;
        self.exceptions.push((from_m, to_m));
        Ok(self)
    }
}

impl ZoneOptions {
    /// How far the zone reaches on `side` at `chainage_m` (metres along the line): `None` in
    /// an exception or where that side has nothing; otherwise the last stretch holding the
    /// chainage (from inclusive, to exclusive), else the zone's own extent.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, Side, ZoneOptions};
    ///
    /// let five = Extent::width_m(5_000.0).ok();
    /// let o = ZoneOptions::new(None, Extent::width_m(30_000.0).ok())
    ///     .stretch_m(100_000.0, 150_000.0, None, five)
    ///     .unwrap()
    ///     .except_m(300_000.0, 330_000.0)
    ///     .unwrap();
    /// assert_eq!(o.extent_at(Side::Right, 120_000.0), five);
    /// assert_eq!(o.extent_at(Side::Right, 200_000.0).unwrap().outer_m(), 30_000.0);
    /// assert_eq!(o.extent_at(Side::Right, 310_000.0), None);
    /// assert_eq!(o.extent_at(Side::Left, 0.0), None);
    /// ```
    pub fn extent_at(&self, side: Side, chainage_m: f64) -> Option<Extent> {
        let within = |from_m: f64, to_m: f64| from_m <= chainage_m && chainage_m < to_m;
        if self
            .exceptions
            .iter()
            .any(|&(from_m, to_m)| within(from_m, to_m))
        {
            return None;
        }
        match self
            .stretches
            .iter()
            .rev()
            .find(|s| within(s.from_m, s.to_m))
        {
            Some(stretch) => stretch.extent(side),
            None => match side {
                Side::Left => self.left,
                Side::Right => self.right,
            },
        }
    }

    /// The extent of a point whose nearest line point is at `chainage_m`: as
    /// [`ZoneOptions::extent_at`], except that a point nearest to a cut itself takes the
    /// stretch before it. That is where the corner wedge at a vertex where a stretch or an
    /// exception starts lies (its nearest point is the vertex itself): where a stretch
    /// follows, the polygons give it to the stretch before, and so does the classification.
    pub(crate) fn extent_of_point(&self, side: Side, chainage_m: f64) -> Option<Extent> {
        // The wedge's points are nearest to the vertex itself, at the cut to within the
        // millimetre a cut is moved onto a vertex; a wider window would move the switch off
        // the normal along a straight line.
        let window_m = SAME_CUT_M;
        let cut = self
            .stretches
            .iter()
            .flat_map(|s| [s.from_m, s.to_m])
            .chain(self.exceptions.iter().flat_map(|&(a, b)| [a, b]))
            .find(|&cut| chainage_m >= cut && chainage_m - cut < window_m && cut > 0.0);
        // Only where a section follows, which the section before goes on into: before an
        // exception the wedge belongs to neither.
        let follows = [Side::Left, Side::Right]
            .into_iter()
            .any(|s| self.extent_at(s, chainage_m).is_some());
        match cut {
            Some(cut) if follows => self.extent_at(side, (cut - window_m).max(0.0)),
            _ => self.extent_at(side, chainage_m),
        }
    }

    /// Whether a point, as located on the line, belongs to the zone by the nearest-point rule
    /// as far as stretches and exceptions go: its side's extent at its nearest point holds
    /// its distance, the tolerance allowed either way as boundaries are drawn within it.
    ///
    /// Flat ends are not asked about yet: where a winding line's strips reach over ground
    /// whose nearest point is beyond a flat end, the trim's trace of that switch was seen to
    /// get lost (a 30 km zone along a wiggly 400 km border kept some such ground, a 10 km one
    /// did not, so that a band was no longer the one less the other). Such ground stays in
    /// the polygons as the strips give it, as before, although the classifier puts it
    /// outside.
    pub(crate) fn holds_within(
        &self,
        side: Side,
        at: &crate::road::Location,
        slack_m: f64,
    ) -> bool {
        if at.beyond_end && self.cap == Cap::Flat {
            return true;
        }
        self.extent_of_point(side, at.chainage_m).is_some_and(|e| {
            e.inner_m - slack_m <= at.distance_m && at.distance_m <= e.outer_m + slack_m
        })
    }

    /// The options of a corridor as a zone: its widths from the line out, its caps and
    /// tolerance.
    ///
    /// # Examples
    /// ```
    /// use corridor::{CorridorOptions, Side, ZoneOptions};
    ///
    /// let zone = ZoneOptions::of_corridor(&CorridorOptions::new(2_000.0, 6_000.0).unwrap());
    /// assert_eq!(zone.extent_at(Side::Right, 0.0).unwrap().outer_m(), 6_000.0);
    /// ```
    pub fn of_corridor(options: &CorridorOptions) -> ZoneOptions {
        ZoneOptions {
            left: Extent::width_m(options.width_left_m).ok(),
            right: Extent::width_m(options.width_right_m).ok(),
            cap: options.cap,
            tolerance_m: options.tolerance_m,
            stretches: Vec::new(),
            exceptions: Vec::new(),
        }
    }
}

/// One side's part of a zone with one extent (a side whose extent changes along the line has
/// one part per extent).
///
/// # Examples
/// ```
/// use corridor::{Extent, Road, Side, Zone, ZoneOptions};
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
/// let zone = Zone::build(&road, &ZoneOptions::new(None, Extent::band_m(1_000.0, 3_000.0).ok()));
/// let part = &zone.parts()[0];
/// assert_eq!((part.side, part.inner_m, part.outer_m), (Side::Right, 1_000.0, 3_000.0));
/// ```
#[derive(Debug, Clone)]
pub struct ZonePart {
    /// The side of the line.
    pub side: Side,
    /// Inner distance from the line, metres.
    pub inner_m: f64,
    /// Outer distance from the line, metres.
    pub outer_m: f64,
    /// Its polygons, `(lon, lat)`, exteriors counter-clockwise, holes clockwise.
    pub polygons: MultiPolygon,
}

impl ZonePart {
    /// Geodesic area in km².
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, Road, Zone, ZoneOptions};
    /// use geo::line_string;
    ///
    /// // 10 km along the equator, a band 1–3 km on the right: 20 km².
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.0898315, y: 0.0)]).unwrap();
    /// let zone = Zone::build(&road, &ZoneOptions::new(None, Extent::band_m(1_000.0, 3_000.0).ok()));
    /// assert!((zone.parts()[0].area_km2() - 20.0).abs() < 0.01);
    /// ```
    pub fn area_km2(&self) -> f64 {
        geodesic_area_m2(&self.polygons) / 1e6
    }
}

/// A zone along a line: per side the points within its extent, less the exceptions.
///
/// # Examples
/// ```
/// use corridor::{Extent, Road, Side, Zone, ZoneOptions};
/// use geo::line_string;
///
/// // 10 km along the equator: nothing on the left, 1 km on the right but none from km 4 to 6.
/// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.0898315, y: 0.0)]).unwrap();
/// let options = ZoneOptions::new(None, Extent::width_m(1_000.0).ok())
///     .except_m(4_000.0, 6_000.0)
///     .unwrap();
/// let zone = Zone::build(&road, &options);
/// assert_eq!(zone.whole().0.len(), 2);
/// assert!((zone.area_km2() - 8.0).abs() < 0.01);
/// assert!(zone.side(Side::Left).0.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Zone {
    road: Road,
    options: ZoneOptions,
    names: SideNames,
    whole: MultiPolygon,
    sides: [MultiPolygon; 2],
    parts: Vec<ZonePart>,
    areas: Areas,
}

/// A section of the line with one extent per side.
#[derive(Debug, Clone)]
struct Section {
    road: Road,
    /// Left and right extents.
    extents: [Option<Extent>; 2],
    ends: [Cap; 2],
    /// The azimuth the next section starts with, where it goes on from this one's end.
    next_azimuth_deg: Option<f64>,
}

fn index(side: Side) -> usize {
    match side {
        Side::Left => 0,
        Side::Right => 1,
    }
}

impl Zone {
    /// Builds the zone of `options` along `line` (a road, a border, a line of contact).
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, Road, Side, Zone, ZoneOptions};
    /// use geo::line_string;
    ///
    /// let line = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.85)]).unwrap();
    /// let options = ZoneOptions::new(Extent::width_m(2_000.0).ok(), Extent::band_m(1_000.0, 3_000.0).ok());
    /// let zone = Zone::build(&line, &options);
    /// let sum = zone.side_area_km2(Side::Left) + zone.side_area_km2(Side::Right);
    /// assert!((sum - zone.area_km2()).abs() < 1e-6 * zone.area_km2());
    /// ```
    pub fn build(line: &Road, options: &ZoneOptions) -> Zone {
        let (kept, basis) = simplify::basis(line, SIMPLIFY_SHARE * options.tolerance_m);
        let basis = basis.as_ref();
        let sections = sections(line, basis, &kept, options);
        let (whole, sides, parts) = Builder::new(line, basis, options, &sections).build();
        Zone {
            road: line.clone(),
            options: options.clone(),
            names: SideNames::for_road(line),
            whole,
            sides,
            parts,
            areas: Areas::default(),
        }
    }

    /// Builds the zone, or refuses one that would hold a pole (see
    /// [`Corridor::try_build`](crate::Corridor::try_build)): the test is a corridor of each
    /// side's farthest reach, so a pole in the hole of a band is refused too.
    ///
    /// # Errors
    /// [`CorridorError::HoldsPole`] naming the pole.
    ///
    /// # Examples
    /// ```
    /// use corridor::{CorridorError, Extent, Road, Zone, ZoneOptions};
    /// use geo::line_string;
    ///
    /// // Eastward at 89.99° N: the pole is 1.1 km north, left of the line.
    /// let line = Road::new(line_string![(x: 0.0, y: 89.99), (x: 90.0, y: 89.99)]).unwrap();
    /// let north = ZoneOptions::new(Extent::width_m(5_000.0).ok(), None);
    /// assert!(matches!(Zone::try_build(&line, &north), Err(CorridorError::HoldsPole { .. })));
    /// ```
    pub fn try_build(line: &Road, options: &ZoneOptions) -> Result<Zone, CorridorError> {
        let farthest = |side: Side| {
            let base = match side {
                Side::Left => options.left,
                Side::Right => options.right,
            };
            base.into_iter()
                .chain(options.stretches.iter().filter_map(|s| s.extent(side)))
                .map(|e| e.outer_m())
                .fold(options.tolerance_m, f64::max)
        };
        let reach = CorridorOptions {
            width_left_m: farthest(Side::Left),
            width_right_m: farthest(Side::Right),
            cap: options.cap,
            tolerance_m: options.tolerance_m,
        };
        if let Some((pole, distance_m, width_m)) = super::poles::pole_within(line, &reach) {
            return Err(CorridorError::HoldsPole {
                pole,
                distance_m,
                width_m,
            });
        }
        Ok(Zone::build(line, options))
    }

    /// A corridor seen as a zone: a width on each side, its halves as the sides (each one part),
    /// its options as the zone's. Nothing is rebuilt.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Corridor, CorridorOptions, Road, Side, Zone};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::new(6_000.0, 2_000.0).unwrap());
    /// let zone = Zone::of_corridor(&corridor);
    /// assert_eq!(zone.area_km2(), corridor.area_km2());
    /// assert_eq!(zone.parts()[1].outer_m, 2_000.0);
    /// assert_eq!(zone.side(Side::Left), corridor.half(Side::Left));
    /// ```
    pub fn of_corridor(corridor: &super::Corridor) -> Zone {
        let options = corridor.options();
        let part = |side: Side| ZonePart {
            side,
            inner_m: 0.0,
            outer_m: options.width_m(side),
            polygons: corridor.half(side).clone(),
        };
        Zone {
            road: corridor.road().clone(),
            options: ZoneOptions::of_corridor(options),
            names: corridor.names(),
            whole: corridor.whole().clone(),
            sides: [
                corridor.half(Side::Left).clone(),
                corridor.half(Side::Right).clone(),
            ],
            parts: vec![part(Side::Left), part(Side::Right)],
            areas: corridor.areas.clone(),
        }
    }

    /// How far the zone reaches on `side`: the nearest inner and the farthest outer distance
    /// of its parts there (a band's 10 km and 30 km; a stepped side's narrowest inner and widest
    /// outer), or `None` for a side with nothing.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Extent, Road, Side, Zone, ZoneOptions};
    /// use geo::line_string;
    ///
    /// let line = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let zone = Zone::build(&line, &ZoneOptions::new(None, Extent::band_m(1_000.0, 3_000.0).ok()));
    /// assert_eq!(zone.reach_m(Side::Right), Some((1_000.0, 3_000.0)));
    /// assert_eq!(zone.reach_m(Side::Left), None);
    /// ```
    pub fn reach_m(&self, side: Side) -> Option<(f64, f64)> {
        self.parts
            .iter()
            .filter(|p| p.side == side)
            .fold(None, |acc, p| {
                let (inner_m, outer_m) = acc.unwrap_or((p.inner_m, p.outer_m));
                Some((inner_m.min(p.inner_m), outer_m.max(p.outer_m)))
            })
    }

    /// The line the zone was built along.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0)]).unwrap();
    /// let z = Zone::build(&road, &ZoneOptions::new(Extent::width_m(100.0).ok(), None));
    /// assert_eq!(z.road().length_m(), road.length_m());
    /// ```
    pub fn road(&self) -> &Road {
        &self.road
    }

    /// The options it was built with.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0)]).unwrap();
    /// let z = Zone::build(&road, &ZoneOptions::new(Extent::width_m(100.0).ok(), None));
    /// assert!(z.options().right.is_none());
    /// ```
    pub fn options(&self) -> &ZoneOptions {
        &self.options
    }

    /// How the sides are named (`north`/`south` or `left`/`right`).
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Side, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0)]).unwrap();
    /// let z = Zone::build(&road, &ZoneOptions::new(Extent::width_m(100.0).ok(), None));
    /// assert_eq!(z.names().name(Side::Left), "north");
    /// ```
    pub fn names(&self) -> SideNames {
        self.names
    }

    /// The whole zone: the union of its sides.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0)]).unwrap();
    /// let z = Zone::build(&road, &ZoneOptions::new(Extent::width_m(100.0).ok(), Extent::width_m(50.0).ok()));
    /// assert_eq!(z.whole().0.len(), 1);
    /// ```
    pub fn whole(&self) -> &MultiPolygon {
        &self.whole
    }

    /// One side, all its extents together (empty where the side has none).
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Side, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0)]).unwrap();
    /// let z = Zone::build(&road, &ZoneOptions::new(None, Extent::width_m(50.0).ok()));
    /// assert!(z.side(Side::Left).0.is_empty());
    /// assert_eq!(z.side(Side::Right).0.len(), 1);
    /// ```
    pub fn side(&self, side: Side) -> &MultiPolygon {
        &self.sides[index(side)]
    }

    /// The parts: per side, one per extent it has along the line (left first, each side's in
    /// order along the line). They tile the whole.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let options = ZoneOptions::new(None, Extent::width_m(1_000.0).ok())
    ///     .stretch_m(2_000.0, 5_000.0, None, Extent::width_m(2_000.0).ok())
    ///     .unwrap();
    /// let z = Zone::build(&road, &options);
    /// assert_eq!(z.parts().len(), 2);
    /// assert_eq!(z.parts()[1].outer_m, 2_000.0);
    /// ```
    pub fn parts(&self) -> &[ZonePart] {
        &self.parts
    }

    /// Geodesic area of the whole zone in km².
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// // 10 km along the equator, 1 km on the left only.
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.0898315, y: 0.0)]).unwrap();
    /// let z = Zone::build(&road, &ZoneOptions::new(Extent::width_m(1_000.0).ok(), None));
    /// assert!((z.area_km2() - 10.0).abs() < 0.01);
    /// ```
    pub fn area_km2(&self) -> f64 {
        self.areas.km2(None, &self.whole)
    }

    /// Geodesic area of one side in km².
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Extent, Road, Side, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.0898315, y: 0.0)]).unwrap();
    /// let z = Zone::build(&road, &ZoneOptions::new(Extent::width_m(1_000.0).ok(), None));
    /// assert_eq!(z.side_area_km2(Side::Right), 0.0);
    /// ```
    pub fn side_area_km2(&self, side: Side) -> f64 {
        self.areas.km2(Some(side), self.side(side))
    }
}

/// Chainages closer than this (metres) are one cut.
const SAME_CUT_M: f64 = 1e-3;

/// Cuts the simplified line `basis` (vertices `kept` of `line`) into sections of one extent per
/// side, merging neighbours that have the same; sections with nothing on either side are left
/// out.
fn sections(line: &Road, basis: &Road, kept: &[usize], options: &ZoneOptions) -> Vec<Section> {
    let length_m = line.length_m();
    let clamp = |c: f64| c.clamp(0.0, length_m);
    let stretches: Vec<Stretch> = options
        .stretches
        .iter()
        .copied()
        .chain(options.exceptions.iter().map(|&(from_m, to_m)| Stretch {
            from_m,
            to_m,
            left: None,
            right: None,
        }))
        .collect();
    let mut cuts: Vec<f64> = vec![0.0, length_m];
    for s in &stretches {
        cuts.extend([clamp(s.from_m), clamp(s.to_m)]);
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup_by(|b, a| *b - *a < SAME_CUT_M);
    if let Some(last) = cuts.last_mut() {
        *last = length_m;
    }
    // Each interval's extents, neighbours with the same merged.
    let mut intervals: Vec<(f64, f64, [Option<Extent>; 2])> = Vec::new();
    for w in cuts.windows(2) {
        let mid = 0.5 * (w[0] + w[1]);
        let mut extents = [options.left, options.right];
        for s in stretches
            .iter()
            .filter(|s| s.from_m <= mid && mid <= s.to_m)
        {
            extents = [s.extent(Side::Left), s.extent(Side::Right)];
        }
        match intervals.last_mut() {
            Some(last) if last.2 == extents => last.1 = w[1],
            _ => intervals.push((w[0], w[1], extents)),
        }
    }
    let to_basis = chainage_on_basis(line, basis, kept);
    // A cut within a millimetre of a vertex is at the vertex, so that the sections either side
    // meet at the corner itself rather than a stub away from it.
    let on_basis = basis.vertex_chainages_m();
    let at_vertex = |c: f64| {
        let c = to_basis(c);
        let k = on_basis.partition_point(|&v| v < c);
        [k.saturating_sub(1), k.min(on_basis.len() - 1)]
            .into_iter()
            .map(|k| on_basis[k])
            .find(|v| (v - c).abs() < SAME_CUT_M)
            .unwrap_or(c)
    };
    let mut sections: Vec<(f64, Section)> = Vec::new();
    for (from_m, to_m, extents) in intervals {
        if extents.iter().all(Option::is_none) {
            continue;
        }
        let cap = |at_end: bool| if at_end { options.cap } else { Cap::Flat };
        let Ok(road) = basis.section_m(at_vertex(from_m), at_vertex(to_m)) else {
            continue;
        };
        // The section before goes on into this one: it takes the corner between them.
        if let Some((end_m, before)) = sections.last_mut()
            && *end_m == from_m
        {
            before.next_azimuth_deg = road.segments().first().map(|s| s.azimuth_start_deg);
        }
        sections.push((
            to_m,
            Section {
                road,
                extents,
                ends: [cap(from_m <= 0.0), cap(to_m >= length_m)],
                next_azimuth_deg: None,
            },
        ));
    }
    sections.into_iter().map(|(_, s)| s).collect()
}

/// Maps a chainage on `line` to the simplified line `basis` (vertices `kept` of `line`),
/// in proportion along each chord of the simplification.
fn chainage_on_basis<'a>(
    line: &'a Road,
    basis: &'a Road,
    kept: &'a [usize],
) -> impl Fn(f64) -> f64 + 'a {
    let same = kept.len() == line.coords().len();
    move |c: f64| {
        if same || kept.len() < 2 {
            return c.clamp(0.0, basis.length_m());
        }
        let on_line = line.vertex_chainages_m();
        let on_basis = basis.vertex_chainages_m();
        // The chord of the basis whose kept vertices bracket `c`.
        let j = kept
            .partition_point(|&k| on_line[k] <= c)
            .clamp(1, kept.len() - 1);
        let (a, b) = (kept[j - 1], kept[j]);
        let span = on_line[b] - on_line[a];
        let t = if span > 0.0 {
            (c - on_line[a]) / span
        } else {
            0.0
        };
        let (ba, bb) = (on_basis[j - 1], on_basis[j]);
        (ba + t.clamp(0.0, 1.0) * (bb - ba)).clamp(0.0, basis.length_m())
    }
}

/// The builds of one zone, all on one grid.
struct Builder<'a> {
    line: &'a Road,
    basis: &'a Road,
    sections: &'a [Section],
    /// Per section, the pieces at its wider outer width on both sides, which tell the sides
    /// apart; per side, the symmetric pieces at its outer width where that is narrower (the
    /// side is cut to them) and at its inner width.
    outer: Vec<Pieces>,
    narrow: [Vec<Option<Pieces>>; 2],
    inner: [Vec<Pieces>; 2],
    grid: Grid,
    widest_m: f64,
    tolerance_m: f64,
    options: &'a ZoneOptions,
}

impl<'a> Builder<'a> {
    fn new(
        line: &'a Road,
        basis: &'a Road,
        options: &'a ZoneOptions,
        sections: &'a [Section],
    ) -> Builder<'a> {
        let tolerance_m = options.tolerance_m;
        let extents = sections.iter().flat_map(|s| s.extents).flatten();
        let mut widths_m: Vec<f64> = extents
            .clone()
            .flat_map(|e| [e.inner_m, e.outer_m])
            .filter(|&w| w > 0.0)
            .collect();
        widths_m.sort_by(f64::total_cmp);
        widths_m.dedup();
        let widest_m = widths_m.last().copied().unwrap_or(0.0);
        let max_lat = basis.coords().iter().fold(0.0f64, |m, c| m.max(c.y.abs()));
        let cut = NormalCut {
            step_m: offset::normal_step_m(max_lat + widest_m / 100_000.0, widest_m, tolerance_m),
            extra_m: &widths_m,
        };
        let build = |s: &Section, (wl, wr): (f64, f64)| {
            let options = CorridorOptions {
                width_left_m: wl,
                width_right_m: wr,
                cap: Cap::Flat,
                tolerance_m,
            };
            let ends = Ends {
                start: s.ends[0],
                end: s.ends[1],
                normal: Some(cut),
                next_azimuth_deg: s.next_azimuth_deg,
            };
            offset::pieces_with(&s.road, &options, &ends)
        };
        let outer_m = |s: &Section, side: Side| s.extents[index(side)].map_or(0.0, |e| e.outer_m);
        let wider_m = |s: &Section| outer_m(s, Side::Left).max(outer_m(s, Side::Right));
        let outer: Vec<Pieces> = sections
            .iter()
            .map(|s| build(s, (wider_m(s), wider_m(s))))
            .collect();
        let narrow = [Side::Left, Side::Right].map(|side| {
            sections
                .iter()
                .map(|s| {
                    let w = outer_m(s, side);
                    (w > 0.0 && w < wider_m(s)).then(|| build(s, (w, w)))
                })
                .collect::<Vec<_>>()
        });
        let inner = [Side::Left, Side::Right].map(|side| {
            sections
                .iter()
                .map(|s| {
                    let w = s.extents[index(side)].map_or(0.0, |e| e.inner_m);
                    if w > 0.0 {
                        build(s, (w, w))
                    } else {
                        Pieces::default()
                    }
                })
                .collect::<Vec<_>>()
        });
        let all: Vec<&Pieces> = outer
            .iter()
            .chain(inner.iter().flatten())
            .chain(narrow.iter().flatten().flatten())
            .collect::<Vec<_>>();
        // The thinnest a true result can be: a band, or the line's length.
        let thinnest_m = extents
            .map(|e| e.outer_m - e.inner_m)
            .fold(basis.length_m(), f64::min);
        let grid = Grid::covering(
            all.iter().flat_map(|p| p.left.iter().chain(&p.right)),
            thinnest_m,
        );
        Builder {
            line,
            basis,
            sections,
            outer,
            narrow,
            inner,
            grid,
            widest_m,
            tolerance_m,
            options,
        }
    }

    /// The rings of the outer pieces on `side` of the sections `keep` accepts.
    fn outer_rings(&self, side: Side, keep: impl Fn(&Section) -> bool) -> Vec<Ring> {
        self.sections
            .iter()
            .zip(&self.outer)
            .filter(|(s, _)| keep(s))
            .flat_map(|(_, p)| match side {
                Side::Left => p.left.iter(),
                Side::Right => p.right.iter(),
            })
            .cloned()
            .collect()
    }

    /// The two halves of a corridor of these pieces, the overlap handed out as a corridor's.
    fn halves(&self, left: &[Ring], right: &[Ring]) -> (Shapes, Shapes) {
        let Layers {
            left,
            right,
            overlap,
            whole,
        } = self.grid.layers(left, right);
        if overlap.is_empty() {
            (left, right)
        } else {
            sides::split_overlap(
                self.line,
                self.basis,
                &self.grid,
                (left, &whole, overlap),
                self.widest_m,
                self.tolerance_m,
            )
        }
    }

    /// One side's half of the outer corridor cut to what the side reaches: the sections that
    /// have that side, each within its outer width on that side (by the symmetric corridor of
    /// that width, which holds the line inside, so that the sides still meet on the line).
    fn within_reach(&self, half: Shapes, side: Side) -> Shapes {
        let narrow = &self.narrow[index(side)];
        let everywhere = self
            .sections
            .iter()
            .zip(narrow)
            .all(|(s, n)| s.extents[index(side)].is_some() && n.is_none());
        if half.is_empty() || everywhere {
            return half;
        }
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for ((s, outer), narrow) in self.sections.iter().zip(&self.outer).zip(narrow) {
            if s.extents[index(side)].is_none() {
                continue;
            }
            let pieces = narrow.as_ref().unwrap_or(outer);
            left.extend(pieces.left.iter().cloned());
            right.extend(pieces.right.iter().cloned());
        }
        if left.is_empty() && right.is_empty() {
            return Shapes::new();
        }
        let reach = self.grid.layers(&left, &right).whole;
        self.grid
            .tidy(self.grid.boolean(&half, &reach, OverlayRule::Intersect))
    }

    fn build(&self) -> (MultiPolygon, [MultiPolygon; 2], Vec<ZonePart>) {
        let any = |_: &Section| true;
        // The halves of the outer corridor (each section at its wider width on both sides, so
        // that a side with nothing, or a narrower one, still tells the sides apart), each cut
        // to what its side reaches.
        let (left, right) = self.halves(
            &self.outer_rings(Side::Left, any),
            &self.outer_rings(Side::Right, any),
        );
        let (left, right) = rayon::join(
            || self.within_reach(left, Side::Left),
            || self.within_reach(right, Side::Right),
        );
        // Less every point within the side's inner widths, on either side of the line (the
        // inner corridor covers the line, so the two do not have to meet on it exactly).
        let band = |half: Shapes, side: Side| {
            let inner = &self.inner[index(side)];
            if half.is_empty() || inner.iter().all(|p| p.left.is_empty()) {
                return self.grid.tidy(half);
            }
            let inner = self.grid.layers(
                &inner
                    .iter()
                    .flat_map(|p| p.left.iter().cloned())
                    .collect::<Vec<_>>(),
                &inner
                    .iter()
                    .flat_map(|p| p.right.iter().cloned())
                    .collect::<Vec<_>>(),
            );
            let near = self.grid.tidy(inner.whole);
            self.grid
                .tidy(self.grid.boolean(&half, &near, OverlayRule::Difference))
        };
        // Each side trimmed to the nearest-point rule: a stretch's strips reach over ground
        // whose nearest line point is in an exception, another stretch or beyond a flat end
        // (inside a bend, past the normal where the stretch ends).
        let trim = |half: Shapes, side: Side| {
            let t = self.tolerance_m;
            sides::trim(
                self.line,
                &self.grid,
                half,
                &|at| self.options.holds_within(side, at, t),
                self.widest_m,
                t,
            )
        };
        let (left, right) = rayon::join(
            || trim(band(left, Side::Left), Side::Left),
            || trim(band(right, Side::Right), Side::Right),
        );
        let whole = self
            .grid
            .tidy(self.grid.boolean(&left, &right, OverlayRule::Union));
        let parts = [(Side::Left, &left), (Side::Right, &right)]
            .into_iter()
            .flat_map(|(side, shapes)| self.parts(side, shapes))
            .collect();
        let sides = [
            self.grid.to_multi_polygon(left),
            self.grid.to_multi_polygon(right),
        ];
        (self.grid.to_multi_polygon(whole), sides, parts)
    }

    /// One side cut into one part per extent: each part is what the side holds of its
    /// sections' pieces (either side's, as the overlap may have gone either way), less the
    /// parts before it; the last takes the rest, so that the parts tile the side.
    fn parts(&self, side: Side, shapes: &Shapes) -> Vec<ZonePart> {
        let mut extents: Vec<Extent> = Vec::new();
        for e in self.sections.iter().filter_map(|s| s.extents[index(side)]) {
            if !extents.contains(&e) {
                extents.push(e);
            }
        }
        let mut taken = Shapes::new();
        let mut parts = Vec::new();
        for (k, &extent) in extents.iter().enumerate() {
            let part = if k + 1 == extents.len() {
                self.grid.boolean(shapes, &taken, OverlayRule::Difference)
            } else {
                let of = |s: &Section| s.extents[index(side)] == Some(extent);
                let pieces = self.grid.layers(
                    &self.outer_rings(Side::Left, of),
                    &self.outer_rings(Side::Right, of),
                );
                let mine = self
                    .grid
                    .boolean(shapes, &pieces.whole, OverlayRule::Intersect);
                self.grid.boolean(&mine, &taken, OverlayRule::Difference)
            };
            let part = self.grid.tidy(part);
            taken = self.grid.boolean(&taken, &part, OverlayRule::Union);
            parts.push(ZonePart {
                side,
                inner_m: extent.inner_m,
                outer_m: extent.outer_m,
                polygons: self.grid.to_multi_polygon(part),
            });
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    /// 10 km along the equator, drawn east.
    fn equator() -> Road {
        Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.0898315, y: 0.0)]).unwrap()
    }

    fn width(m: f64) -> Option<Extent> {
        Extent::width_m(m).ok()
    }

    #[test]
    fn a_line_excepted_end_to_end_has_no_zone() {
        let options = ZoneOptions::new(width(1_000.0), width(1_000.0))
            .except_m(0.0, 1e9)
            .unwrap();
        let zone = Zone::build(&equator(), &options);
        assert!(zone.whole().0.is_empty());
        assert!(zone.parts().is_empty());
        assert_eq!(zone.area_km2(), 0.0);
    }

    #[test]
    fn stretches_past_the_end_are_cut_to_it() {
        // 2 km wide from km 5 to the end (and beyond): 5 × 1 + 5 × 2 km².
        let options = ZoneOptions::new(width(1_000.0), None)
            .stretch_m(5_000.0, 50_000.0, width(2_000.0), None)
            .unwrap();
        let zone = Zone::build(&equator(), &options);
        assert!((zone.area_km2() - 15.0).abs() < 0.01, "{}", zone.area_km2());
        assert_eq!(zone.whole().0.len(), 1);
        assert_eq!(zone.parts().len(), 2);
    }

    #[test]
    fn a_later_stretch_overrides_an_earlier_one_and_exceptions_override_both() {
        let options = ZoneOptions::new(None, width(1_000.0))
            .except_m(0.0, 2_000.0)
            .unwrap()
            .stretch_m(0.0, 4_000.0, None, width(3_000.0))
            .unwrap()
            .stretch_m(3_000.0, 4_000.0, None, width(2_000.0))
            .unwrap();
        let zone = Zone::build(&equator(), &options);
        // km 2–3 at 3 km, km 3–4 at 2 km, km 4–10 at 1 km.
        let expected_km2 = 3.0 + 2.0 + 6.0;
        assert!(
            (zone.area_km2() - expected_km2).abs() < 0.01,
            "{}",
            zone.area_km2()
        );
        assert_eq!(zone.parts().len(), 3);
    }
}
