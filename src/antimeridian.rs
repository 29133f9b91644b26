//! Geometry ready to be written on the globe: cut at the antimeridian and put on the output's
//! decimal grid without losing validity.
//!
//! The corridor is built with unrolled longitudes (a road across 180° runs on to 181°, see
//! [`Road::coords`](crate::Road::coords)). RFC 7946 §3.1.9 wants such geometry cut at ±180° into
//! parts that each lie within [-180, 180]; a ring that simply wraps its vertices jumps 360°
//! between two of them and is drawn round the whole world. [`split_polygons`] and
//! [`split_lines`] do the cutting.
//!
//! Outputs round coordinates to a few decimals (7 in GeoJSON: about 1 cm). Rounding moves every
//! vertex by up to half a step, and where a ring passes within a step of itself (round a road
//! that crosses itself) it can make the ring touch or cross itself. So polygons are put on the
//! decimal grid by an overlay in integer steps of that grid (i_overlay, which snaps every
//! crossing to the grid and splits self-touching rings as OGC asks), and the writer's rounding
//! then changes nothing.

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Orient, Polygon};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::{IntOverlayOptions, Overlay, ShapeType};
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::core::solver::Solver;
use i_overlay::i_float::int::point::IntPoint;

/// The largest integer coordinate i_overlay works with (its float adapter stays within it).
const MAX_INT: f64 = (1u32 << 30) as f64;

/// The turn of the globe that longitude `x` lies in: 0 for [-180, 180), 1 for [180, 540), ...
fn turn(x: f64) -> i64 {
    ((x + 180.0) / 360.0).floor() as i64
}

/// The shift that brings turn `k` back into [-180, 180], degrees.
fn shift_deg(k: i64) -> f64 {
    -360.0 * k as f64
}

/// Longitude wrapped into [-180, 180] (180 stays 180).
///
/// # Examples
/// ```
/// use corridor::antimeridian::wrap_lon;
/// assert_eq!(wrap_lon(181.5), -178.5);
/// assert_eq!(wrap_lon(180.0), 180.0);
/// assert_eq!(wrap_lon(-540.0), -180.0);
/// ```
pub fn wrap_lon(x: f64) -> f64 {
    if (-180.0..=180.0).contains(&x) {
        x
    } else {
        (x + 180.0).rem_euclid(360.0) - 180.0
    }
}

/// Cuts polygons at ±180° (and every further turn of unrolled longitudes), brings every part
/// into [-180, 180] and puts it on the grid of `decimals` decimals, each part valid by OGC's
/// rules: exteriors counter-clockwise, holes clockwise, no ring touching itself.
///
/// Parts on either side of the antimeridian meet along it exactly (both have vertices on ±180°).
/// A part that would reach more than ±107° from its centre cannot be held in the overlay's
/// integer range at 7 decimals; it is put on the grid of the most decimals that fit (6 for a
/// polygon round the whole globe). Input polygons must not hold a pole (nothing in
/// longitude/latitude can without a ring along the pole's parallel).
///
/// # Examples
/// ```
/// use corridor::antimeridian::split_polygons;
/// use geo::{polygon, Area, MultiPolygon};
///
/// // A square across the antimeridian near Fiji, in unrolled longitudes (179.5° to 181°).
/// let square = polygon![
///     (x: 179.5, y: -17.0), (x: 181.0, y: -17.0), (x: 181.0, y: -16.0), (x: 179.5, y: -16.0),
/// ];
/// let parts = split_polygons(&MultiPolygon(vec![square.clone()]), 7);
/// assert_eq!(parts.0.len(), 2);
/// for part in &parts.0 {
///     assert!(part.exterior().0.iter().all(|c| (-180.0..=180.0).contains(&c.x)));
/// }
/// // The same area in the plane of longitude/latitude, where GeoJSON draws edges straight.
/// assert!((parts.unsigned_area() - square.unsigned_area()).abs() < 1e-12);
/// ```
pub fn split_polygons(polygons: &MultiPolygon, decimals: i32) -> MultiPolygon {
    let rings: Vec<&LineString> = polygons
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .filter(|r| r.0.len() >= 3)
        .collect();
    let Some((x0, x1)) = x_range(rings.iter().flat_map(|r| r.0.iter())) else {
        return MultiPolygon(Vec::new());
    };
    let turns = turn(x0)..=turn(x1);
    let mut out = Vec::new();
    if x1 - x0 < 360.0 {
        // Each turn's parts are apart from the others' once wrapped: one grid each, centred on
        // them, so that 7 decimals fit even where the parts lie at both ends of [-180, 180].
        for k in turns {
            let parts: Vec<Vec<Coord>> = rings.iter().filter_map(|r| window(r, k)).collect();
            out.extend(on_grid(&parts, decimals));
        }
    } else {
        // The polygon runs more than once round the globe: its wrapped turns overlap and are
        // united on one grid.
        let parts: Vec<Vec<Coord>> = turns
            .flat_map(|k| rings.iter().filter_map(move |r| window(r, k)))
            .collect();
        out.extend(on_grid(&parts, decimals));
    }
    MultiPolygon(out)
}

/// The smallest and largest longitude, or `None` for no points.
fn x_range<'a>(points: impl Iterator<Item = &'a Coord>) -> Option<(f64, f64)> {
    points.fold(None, |range, c| match range {
        None => Some((c.x, c.x)),
        Some((lo, hi)) => Some((c.x.min(lo), c.x.max(hi))),
    })
}

/// The part of a closed ring within turn `k` (Sutherland–Hodgman against its two meridians),
/// shifted into [-180, 180]; `None` when nothing is left. Where the ring leaves the turn and
/// comes back, the part runs along the meridian in between and back: edges of no area, which
/// the overlay removes.
fn window(ring: &LineString, k: i64) -> Option<Vec<Coord>> {
    let west = 360.0 * k as f64 - 180.0;
    let east = west + 360.0;
    let mut points: Vec<Coord> = ring.0.clone();
    if points.first() == points.last() {
        points.pop();
    }
    let points = clip(&points, |c| c.x >= west, west);
    let points = clip(&points, |c| c.x <= east, east);
    if points.len() < 3 {
        return None;
    }
    let dx = shift_deg(k);
    Some(
        points
            .into_iter()
            .map(|c| Coord {
                x: c.x + dx,
                y: c.y,
            })
            .collect(),
    )
}

/// One Sutherland–Hodgman step: the ring (not closed) on the side of the meridian `x` that
/// `inside` keeps.
fn clip(points: &[Coord], inside: impl Fn(Coord) -> bool, x: f64) -> Vec<Coord> {
    let mut out = Vec::with_capacity(points.len() + 4);
    for (i, &q) in points.iter().enumerate() {
        let p = points[(i + points.len() - 1) % points.len()];
        match (inside(p), inside(q)) {
            (true, true) => out.push(q),
            (true, false) => out.push(crossing(p, q, x)),
            (false, true) => {
                out.push(crossing(p, q, x));
                out.push(q);
            }
            (false, false) => {}
        }
    }
    out
}

/// Where the edge from `p` to `q` (straight in longitude/latitude, as the outputs draw it)
/// crosses the meridian `x`.
fn crossing(p: Coord, q: Coord, x: f64) -> Coord {
    let t = (x - p.x) / (q.x - p.x);
    Coord {
        x,
        y: p.y + t * (q.y - p.y),
    }
}

/// The decimal grid of one group of rings: integer steps of `10^-decimals` degrees from a
/// whole-degree origin.
struct DecimalGrid {
    scale: f64,
    origin: [i64; 2],
}

impl DecimalGrid {
    /// The grid with the most decimals (at most `decimals`) whose integer steps hold every point.
    fn holding(points: &[&Coord], decimals: i32) -> DecimalGrid {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for c in points {
            (x0, x1, y0, y1) = (x0.min(c.x), x1.max(c.x), y0.min(c.y), y1.max(c.y));
        }
        let origin = [
            (0.5 * (x0 + x1)).round() as i64,
            (0.5 * (y0 + y1)).round() as i64,
        ];
        // Degrees from the origin, with a step of margin for the rounding.
        let reach = (x1 - origin[0] as f64)
            .max(origin[0] as f64 - x0)
            .max(y1 - origin[1] as f64)
            .max(origin[1] as f64 - y0)
            + 1.0;
        let mut decimals = decimals.min(9);
        while decimals > 0 && reach * 10f64.powi(decimals) > MAX_INT {
            decimals -= 1;
        }
        DecimalGrid {
            scale: 10f64.powi(decimals),
            origin,
        }
    }

    /// The grid node nearest to `c`, rounded as the writers round (`(v * scale).round()`).
    fn node(&self, c: Coord) -> IntPoint {
        let steps = |v: f64, o: i64| ((v * self.scale).round() - o as f64 * self.scale) as i32;
        IntPoint::new(steps(c.x, self.origin[0]), steps(c.y, self.origin[1]))
    }

    fn coord(&self, p: IntPoint) -> Coord {
        let value = |steps: i32, o: i64| (o as f64 * self.scale + steps as f64) / self.scale;
        Coord {
            x: value(p.x, self.origin[0]),
            y: value(p.y, self.origin[1]),
        }
    }
}

/// The union of the rings' insides (non-zero winding), on the decimal grid, as OGC-valid
/// polygons.
fn on_grid(rings: &[Vec<Coord>], decimals: i32) -> Vec<Polygon> {
    let points: Vec<&Coord> = rings.iter().flatten().collect();
    if points.is_empty() {
        return Vec::new();
    }
    let grid = DecimalGrid::holding(&points, decimals);
    let mut overlay =
        Overlay::new_custom(points.len(), IntOverlayOptions::ogc(), Solver::default());
    for ring in rings {
        let nodes: Vec<IntPoint> = ring.iter().map(|&c| grid.node(c)).collect();
        overlay.add_contour(&nodes, ShapeType::Subject);
    }
    overlay
        .overlay(OverlayRule::Subject, FillRule::NonZero)
        .into_iter()
        .filter_map(|shape| {
            let mut contours = shape.into_iter().map(|contour| {
                let mut coords: Vec<Coord> = contour.into_iter().map(|p| grid.coord(p)).collect();
                coords.push(coords[0]);
                LineString(coords)
            });
            let exterior = contours.next()?;
            // RFC 7946's orientation, whatever i_overlay's axis convention.
            Some(Polygon::new(exterior, contours.collect()).orient(geo::orient::Direction::Default))
        })
        .collect()
}

/// Cuts lines at ±180° (and every further turn of unrolled longitudes) and brings every part
/// into [-180, 180]. A line that crosses the antimeridian ends on one side at ±180° and goes on
/// from ∓180° at the same latitude (edges are straight in longitude/latitude, as the outputs
/// draw them). Parts shorter than a step of `decimals` decimals are left out.
///
/// # Examples
/// ```
/// use corridor::antimeridian::split_lines;
/// use geo::{line_string, MultiLineString};
///
/// // A road near Fiji from 179.5° E to 179.0° W, its longitudes unrolled (181° is 179° W).
/// let road = line_string![(x: 179.5, y: -17.0), (x: 181.0, y: -16.0)];
/// let parts = split_lines(&MultiLineString(vec![road]), 7);
/// assert_eq!(parts.0.len(), 2);
/// assert_eq!(parts.0[0].0.last().unwrap().x, 180.0);
/// assert_eq!(parts.0[1].0[0].x, -180.0);
/// assert!((parts.0[1].0[0].y - (-16.0 - 2.0 / 3.0)).abs() < 1e-12);
/// ```
pub fn split_lines(lines: &MultiLineString, decimals: i32) -> MultiLineString {
    let step = 10f64.powi(-decimals);
    let mut out = Vec::new();
    for line in &lines.0 {
        for part in split_line(&line.0) {
            let (first, mut far) = (part[0], 0.0f64);
            for c in &part {
                far = far.max((c.x - first.x).abs()).max((c.y - first.y).abs());
            }
            if part.len() >= 2 && far >= step {
                out.push(LineString(part));
            }
        }
    }
    MultiLineString(out)
}

/// One line cut into parts, each within one turn and shifted into [-180, 180].
fn split_line(points: &[Coord]) -> Vec<Vec<Coord>> {
    let mut parts = Vec::new();
    let Some(&start) = points.first() else {
        return parts;
    };
    let within = |x: f64, k: i64| {
        let west = 360.0 * k as f64 - 180.0;
        (west..=west + 360.0).contains(&x)
    };
    let shifted = |c: Coord, k: i64| Coord {
        x: c.x + shift_deg(k),
        y: c.y,
    };
    // A line that starts on ±180° starts in the turn it goes on into.
    let mut k = points
        .iter()
        .find(|c| (c.x + 180.0).rem_euclid(360.0) != 0.0)
        .map(|c| turn(c.x))
        .filter(|&k| within(start.x, k))
        .unwrap_or_else(|| turn(start.x));
    let mut part = vec![shifted(start, k)];
    for w in points.windows(2) {
        let (p, q) = (w[0], w[1]);
        // The meridians of turns strictly between p and q, in the order the edge meets them.
        let (lo, hi) = (p.x.min(q.x), p.x.max(q.x));
        let mut cuts: Vec<f64> = (turn(lo)..=turn(hi))
            .map(|m| 360.0 * m as f64 - 180.0)
            .filter(|&x| lo < x && x < hi)
            .collect();
        if q.x < p.x {
            cuts.reverse();
        }
        // The turn the edge starts in: the current one if its first stretch stays within it
        // (a vertex on ±180° belongs to both neighbours), else the one it goes into.
        let first_stop = cuts.first().map_or(q.x, |&x| x);
        if !(within(p.x, k) && within(first_stop, k)) {
            if part.len() > 1 {
                parts.push(std::mem::take(&mut part));
            } else {
                part.clear();
            }
            k = turn(0.5 * (p.x + first_stop));
            part.push(shifted(p, k));
        }
        for x in cuts {
            let c = crossing(p, q, x);
            part.push(shifted(c, k));
            parts.push(std::mem::take(&mut part));
            k += if q.x > p.x { 1 } else { -1 };
            part.push(shifted(c, k));
        }
        part.push(shifted(q, k));
    }
    if part.len() > 1 {
        parts.push(part);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, line_string, polygon};

    #[test]
    fn a_polygon_within_one_turn_keeps_its_shape_on_the_grid() {
        let p = polygon![(x: 36.12345678, y: 35.0), (x: 36.2, y: 35.0), (x: 36.2, y: 35.1)];
        let out = split_polygons(&MultiPolygon(vec![p]), 7);
        assert_eq!(out.0.len(), 1);
        let xs: Vec<f64> = out.0[0].exterior().0.iter().map(|c| c.x).collect();
        assert!(xs.contains(&36.1234568), "{xs:?}");
    }

    #[test]
    fn rounding_that_would_make_a_ring_cross_itself_is_resolved() {
        // A ring whose vertex (0.00000004, 0.5) sits 0.4 grid steps right of the opposite edge
        // x = 0 (the slit between them is thinner than a step): rounded alone it would touch
        // that edge. On the grid the two lobes meet at a point or join, validly.
        let p = polygon![
            (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0),
            (x: 0.0, y: 0.6), (x: 0.5, y: 0.5), (x: 0.00000004, y: 0.5), (x: 0.0, y: 0.4),
        ];
        let out = split_polygons(&MultiPolygon(vec![p.clone()]), 7);
        assert!((out.unsigned_area() - p.unsigned_area()).abs() < 1e-6);
        use geo::Validation;
        assert!(out.is_valid(), "{:?}", out.validation_errors());
    }

    #[test]
    fn a_line_along_the_antimeridian_stays_one_part() {
        let line = line_string![(x: 180.0, y: 0.0), (x: 180.0, y: 1.0), (x: 179.0, y: 1.0)];
        let out = split_lines(&MultiLineString(vec![line]), 7);
        assert_eq!(out.0.len(), 1, "{out:?}");
    }

    #[test]
    fn a_line_round_the_globe_is_cut_at_every_turn() {
        let line = line_string![(x: 0.0, y: 0.0), (x: 170.0, y: 0.0), (x: 340.0, y: 0.0), (x: 550.0, y: 10.0)];
        let out = split_lines(&MultiLineString(vec![line]), 7);
        assert_eq!(out.0.len(), 3, "{out:?}");
        for part in &out.0 {
            assert!(
                part.0.iter().all(|c| (-180.0..=180.0).contains(&c.x)),
                "{part:?}"
            );
        }
        assert_eq!(out.0[2].0.last().unwrap().x, 190.0 - 360.0);
    }

    #[test]
    fn westward_lines_are_cut_too() {
        let line = line_string![(x: -179.5, y: 0.0), (x: -180.5, y: 1.0)];
        let out = split_lines(&MultiLineString(vec![line]), 7);
        assert_eq!(out.0.len(), 2, "{out:?}");
        assert_eq!(out.0[0].0[1].x, -180.0);
        assert_eq!(out.0[1].0[0].x, 180.0);
        assert_eq!(out.0[1].0[1].x, 179.5);
    }
}
