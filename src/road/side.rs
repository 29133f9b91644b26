//! Which side of the road: left/right of the direction of travel, and compass names for them.

use rayon::prelude::*;
use std::fmt;

use super::Road;

/// A side of the road relative to its direction of travel (from its first vertex to its last).
///
/// # Examples
/// ```
/// use corridor::Side;
///
/// assert_eq!(Side::Left.opposite(), Side::Right);
/// assert_eq!(Side::Right.to_string(), "right");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Left of the direction of travel (positive offsets).
    Left,
    /// Right of the direction of travel (negative offsets).
    Right,
}

impl Side {
    /// The other side.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::Side::Right.opposite(), corridor::Side::Left);
    /// ```
    pub fn opposite(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Left => "left",
            Side::Right => "right",
        })
    }
}

/// How the two sides of a road are named in outputs: `north`/`south` where the road runs mostly
/// east–west, `left`/`right` otherwise.
///
/// "Mostly east–west" means the east–west component of the road's vertex-to-vertex geodesic
/// displacement, summed over its length, is at least as large as the north–south one.
///
/// # Examples
/// ```
/// use corridor::{Road, Side, SideNames};
/// use geo::line_string;
///
/// // Drawn east to west, so north is on the right.
/// let road = Road::new(line_string![(x: 36.8, y: 35.86), (x: 36.3, y: 35.80)]).unwrap();
/// let names = SideNames::for_road(&road);
/// assert_eq!(names.name(Side::Right), "north");
/// assert_eq!(names.side_named("south"), Some(Side::Left));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideNames {
    /// Left is north (the road runs mostly eastward).
    LeftNorth,
    /// Left is south (the road runs mostly westward).
    LeftSouth,
    /// Plain `left` and `right` (the road runs mostly north–south).
    LeftRight,
}

impl SideNames {
    /// Chooses the names for a road from its overall direction.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Road, SideNames};
    /// use geo::line_string;
    ///
    /// let northward = Road::new(line_string![(x: 36.0, y: 35.0), (x: 36.0, y: 36.0)]).unwrap();
    /// assert_eq!(SideNames::for_road(&northward), SideNames::LeftRight);
    /// ```
    pub fn for_road(road: &Road) -> SideNames {
        // Mean of the azimuths at both ends, as a vector, weighted by the segment's length (in
        // chunks on every core: a 100,000-vertex road's sines and cosines take milliseconds).
        let (east_m, north_m) = road
            .segments()
            .par_chunks(8_192)
            .map(|chunk| {
                let (mut east_m, mut north_m) = (0.0, 0.0);
                for s in chunk {
                    let (a0, a1) = (
                        s.azimuth_start_deg.to_radians(),
                        s.azimuth_end_deg.to_radians(),
                    );
                    east_m += s.length_m * 0.5 * (a0.sin() + a1.sin());
                    north_m += s.length_m * 0.5 * (a0.cos() + a1.cos());
                }
                (east_m, north_m)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .fold((0.0, 0.0), |(e, n), (de, dn)| (e + de, n + dn));
        if east_m.abs() >= north_m.abs() {
            if east_m >= 0.0 {
                SideNames::LeftNorth
            } else {
                SideNames::LeftSouth
            }
        } else {
            SideNames::LeftRight
        }
    }

    /// The name of a side: `north`, `south`, `left` or `right`.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Side, SideNames};
    /// assert_eq!(SideNames::LeftNorth.name(Side::Left), "north");
    /// ```
    pub fn name(self, side: Side) -> &'static str {
        match (self, side) {
            (SideNames::LeftNorth, Side::Left) | (SideNames::LeftSouth, Side::Right) => "north",
            (SideNames::LeftNorth, Side::Right) | (SideNames::LeftSouth, Side::Left) => "south",
            (SideNames::LeftRight, Side::Left) => "left",
            (SideNames::LeftRight, Side::Right) => "right",
        }
    }

    /// The side that carries a name, if these names use it (`left`/`right` always work).
    ///
    /// # Examples
    /// ```
    /// use corridor::{Side, SideNames};
    /// assert_eq!(SideNames::LeftSouth.side_named("north"), Some(Side::Right));
    /// assert_eq!(SideNames::LeftRight.side_named("north"), None);
    /// ```
    pub fn side_named(self, name: &str) -> Option<Side> {
        match name {
            "left" => Some(Side::Left),
            "right" => Some(Side::Right),
            _ => [Side::Left, Side::Right]
                .into_iter()
                .find(|&s| self.name(s) == name),
        }
    }

    /// The two property keys for the widths in the `corridor` feature: `width_north_m` and
    /// `width_south_m`, or `width_left_m` and `width_right_m`, in (left, right) order.
    ///
    /// # Examples
    /// ```
    /// use corridor::SideNames;
    /// assert_eq!(SideNames::LeftNorth.width_keys(), ["width_north_m", "width_south_m"]);
    /// ```
    pub fn width_keys(self) -> [&'static str; 2] {
        match self {
            SideNames::LeftNorth => ["width_north_m", "width_south_m"],
            SideNames::LeftSouth => ["width_south_m", "width_north_m"],
            SideNames::LeftRight => ["width_left_m", "width_right_m"],
        }
    }
}
