//! Polygon unions and differences through i_overlay, on one fixed integer grid.
//!
//! Every operation of one corridor shares the same grid (the same adapter), so that a point
//! computed once (say, a road vertex on the edge between the halves) lands on the same grid
//! node in every result and the halves meet without slivers.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::ShapeType;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::core::solver::Solver;
use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};
use i_overlay::i_float::adapter::FloatPointAdapter;
use i_overlay::i_float::float::rect::FloatRect;

/// Polygons as i_overlay holds them: shapes of contours (outer first, holes after), rings not
/// closed.
pub(crate) type Shapes = Vec<Vec<Vec<[f64; 2]>>>;

/// One integer grid for a family of overlay operations.
#[derive(Clone)]
pub(crate) struct Grid {
    adapter: FloatPointAdapter<[f64; 2], f64>,
}

impl Grid {
    /// A grid covering every point of `rings`, with a margin.
    pub(crate) fn covering<'a>(rings: impl IntoIterator<Item = &'a Vec<[f64; 2]>>) -> Grid {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in rings.into_iter().flatten() {
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
            y0 = y0.min(p[1]);
            y1 = y1.max(p[1]);
        }
        if x0 > x1 {
            (x0, x1, y0, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let pad = 0.01 * (x1 - x0).max(y1 - y0) + 1e-6;
        Grid {
            adapter: FloatPointAdapter::new(FloatRect::new(x0 - pad, x1 + pad, y0 - pad, y1 + pad)),
        }
    }

    fn overlay(&self, capacity: usize) -> FloatOverlay<[f64; 2], f64> {
        FloatOverlay::new_custom(
            self.adapter.clone(),
            OverlayOptions::ogc(),
            Solver::default(),
            capacity,
        )
    }

    /// The union of counter-clockwise rings (the area covered by at least one).
    pub(crate) fn union_rings(&self, rings: &[Vec<[f64; 2]>]) -> Shapes {
        let capacity = rings.iter().map(Vec::len).sum();
        let mut overlay = self.overlay(capacity);
        for ring in rings {
            overlay = overlay.unsafe_add_contour(ring, ShapeType::Subject);
        }
        overlay.overlay(OverlayRule::Subject, FillRule::Positive)
    }

    /// A boolean operation between two results of this grid.
    pub(crate) fn boolean(&self, subject: &Shapes, clip: &Shapes, rule: OverlayRule) -> Shapes {
        let count = |s: &Shapes| s.iter().flatten().map(Vec::len).sum::<usize>();
        let mut overlay = self.overlay(count(subject) + count(clip));
        for contour in subject.iter().flatten() {
            overlay = overlay.unsafe_add_contour(contour, ShapeType::Subject);
        }
        for contour in clip.iter().flatten() {
            overlay = overlay.unsafe_add_contour(contour, ShapeType::Clip);
        }
        overlay.overlay(rule, FillRule::NonZero)
    }
}

fn ring(contour: &[[f64; 2]]) -> LineString {
    let mut coords: Vec<Coord> = contour.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    if let Some(&first) = coords.first() {
        coords.push(first);
    }
    LineString(coords)
}

/// Converts i_overlay shapes (outer counter-clockwise, holes clockwise) to geo-types.
pub(crate) fn to_multi_polygon(shapes: &Shapes) -> MultiPolygon {
    MultiPolygon(
        shapes
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| Polygon::new(ring(&s[0]), s[1..].iter().map(|h| ring(h)).collect()))
            .collect(),
    )
}
