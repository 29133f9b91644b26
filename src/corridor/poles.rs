//! Whether a corridor would hold a pole.
//!
//! The corridor is built as polygons in longitude/latitude. Round a pole every longitude is the
//! same point, so a zone that holds one would need a ring running along the cut meridian up to
//! ±90° and along the pole's "parallel"; the pieces are not built that way, and the union of
//! strips drawn straight in longitude/latitude across a pole is simply wrong (a 6 km corridor
//! over the North Pole came out 15 % short). Such corridors are refused with an error naming the
//! pole instead ([`Corridor::try_build`](super::Corridor::try_build)).

use geo::Coord;

use super::{Cap, CorridorOptions};
use crate::Road;

/// One of the Earth's poles.
///
/// # Examples
/// ```
/// use corridor::Pole;
/// assert_eq!(Pole::North.to_string(), "North Pole");
/// assert_eq!(Pole::South.latitude_deg(), -90.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pole {
    /// 90° N.
    North,
    /// 90° S.
    South,
}

impl Pole {
    /// Its latitude, degrees.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::Pole::North.latitude_deg(), 90.0);
    /// ```
    pub fn latitude_deg(self) -> f64 {
        match self {
            Pole::North => 90.0,
            Pole::South => -90.0,
        }
    }
}

impl std::fmt::Display for Pole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Pole::North => "North Pole",
            Pole::South => "South Pole",
        })
    }
}

/// A pole the corridor of `road` would hold: the pole, its distance from the road and the
/// width on its side, metres.
///
/// The test is the corridor's own definition, on the ellipsoid: the pole is within its side's
/// width of the road (plus the tolerance, so that a boundary passing within it of the pole
/// counts too), and, with flat caps, its nearest road point is not an end (beyond a flat cap
/// is outside).
pub(crate) fn pole_within(road: &Road, options: &CorridorOptions) -> Option<(Pole, f64, f64)> {
    // A cheap bound first, so that a road far from both poles is not located at all (that
    // builds the road's search index, tens of milliseconds on 100,000 vertices): every road
    // point is within a segment's length of a vertex, and a vertex at latitude φ is at least
    // (90° − |φ|) of the shortest meridian degree from the pole.
    const MIN_METRES_PER_DEGREE: f64 = 110_574.0;
    let longest_segment_m = road
        .segments()
        .iter()
        .fold(0.0f64, |m, s| m.max(s.length_m));
    let widest_m = options.width_left_m.max(options.width_right_m) + options.tolerance_m;
    let reachable = |pole: &Pole| {
        road.coords().iter().any(|c| {
            let to_pole_deg = 90.0 - c.y * pole.latitude_deg().signum();
            to_pole_deg * MIN_METRES_PER_DEGREE - longest_segment_m <= widest_m
        })
    };
    [Pole::North, Pole::South]
        .into_iter()
        .filter(reachable)
        .find_map(|pole| {
            let at = road
                .locate(Coord {
                    x: 0.0,
                    y: pole.latitude_deg(),
                })
                .ok()?;
            let width_m = options.width_m(at.side);
            let beyond_an_end = at.chainage_m <= 0.0 || at.chainage_m >= road.length_m();
            let inside = at.distance_m <= width_m + options.tolerance_m
                && (options.cap == Cap::Round || !beyond_an_end);
            inside.then_some((pole, at.distance_m, width_m))
        })
}
