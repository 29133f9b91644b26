//! Polygon unions and differences through i_overlay, on one fixed integer grid.
//!
//! Every operation of one corridor shares the same grid (the same adapter), so that a point
//! computed once (say, a road vertex on the edge between the halves) lands on the same grid
//! node in every result and the halves meet without slivers.

use geo::{Coord, InteriorPoint, LineString, MultiPolygon, Polygon};
use i_overlay::core::extract::BooleanExtractionBuffer;
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::ShapeType;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::core::solver::Solver;
use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};
use i_overlay::float::string_overlay::FloatStringOverlay;
use i_overlay::i_float::adapter::FloatPointAdapter;
use i_overlay::i_float::float::rect::FloatRect;
use i_overlay::string::rule::StringRule;
use rayon::prelude::*;

/// A ring as i_overlay holds it: not closed (the first point is not repeated).
pub(crate) type Ring = Vec<[f64; 2]>;

/// Polygons as i_overlay holds them: shapes of contours (outer first, holes after).
pub(crate) type Shapes = Vec<Vec<Ring>>;

/// What [`Grid::layers`] extracts from one overlay graph.
#[derive(Debug, Default)]
pub(crate) struct Layers {
    pub left: Shapes,
    pub right: Shapes,
    pub overlap: Shapes,
    pub whole: Shapes,
}

/// One integer grid for a family of overlay operations.
#[derive(Clone)]
pub(crate) struct Grid {
    adapter: FloatPointAdapter<[f64; 2], f64>,
    /// The thinnest a true result can be, degrees: rings thinner than a quarter of it are never
    /// taken for slivers (a corridor of a road shorter than a grid step is that thin).
    thinnest_deg: f64,
}

impl Grid {
    /// A grid covering every point of `rings`, with a margin, for results no thinner than
    /// `thinnest_m` metres.
    pub(crate) fn covering<'a>(rings: impl IntoIterator<Item = &'a Ring>, thinnest_m: f64) -> Grid {
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
            // A degree is at least this many metres, of latitude or of longitude anywhere.
            thinnest_deg: thinnest_m / 111_320.0,
        }
    }

    /// Where `p` lands on the grid: what every result holds for an input vertex `p`.
    pub(crate) fn snap(&self, p: [f64; 2]) -> [f64; 2] {
        self.adapter.int_to_float(&self.adapter.float_to_int(&p))
    }

    fn overlay(&self, capacity: usize) -> FloatOverlay<[f64; 2], f64> {
        FloatOverlay::new_custom(
            self.adapter.clone(),
            OverlayOptions::ogc(),
            Solver::default(),
            capacity,
        )
    }

    /// The union of the left pieces, of the right pieces, their overlap and the union of all.
    ///
    /// Each result comes from one overlay graph of left and right together: every edge is cut
    /// and rounded to the grid once, so the four share their vertices exactly and the halves
    /// meet without slivers. Where the pieces pile up ([`PILE_DEPTH`]), they are first united
    /// in groups along the road, on both cores, and the groups' halves merged pairwise, each
    /// merge again one graph of both sides: a crumpled road's strips nearly all cross each
    /// other, and one graph of them all would hold billions of crossings that the groups'
    /// unions have already removed.
    pub(crate) fn layers(&self, left: &[Ring], right: &[Ring]) -> Layers {
        let groups = left.len().max(right.len()).div_ceil(GROUP_PIECES);
        if groups <= 1 || pile_depth(left.iter().chain(right)) < PILE_DEPTH {
            return self.graph_layers(left.iter(), right.iter(), true);
        }
        fn chunk(rings: &[Ring], g: usize, groups: usize) -> &[Ring] {
            let n = rings.len();
            &rings[n * g / groups..n * (g + 1) / groups]
        }
        let mut halves: Vec<(Shapes, Shapes)> = (0..groups)
            .into_par_iter()
            .map(|g| {
                let layers = self.graph_layers(
                    chunk(left, g, groups).iter(),
                    chunk(right, g, groups).iter(),
                    false,
                );
                (self.tidy(layers.left), self.tidy(layers.right))
            })
            .collect();
        while halves.len() > 2 {
            halves = halves
                .par_chunks(2)
                .map(|pair| {
                    let layers = self.graph_layers(
                        pair.iter().flat_map(|h| h.0.iter().flatten()),
                        pair.iter().flat_map(|h| h.1.iter().flatten()),
                        false,
                    );
                    (self.tidy(layers.left), self.tidy(layers.right))
                })
                .collect();
        }
        self.graph_layers(
            halves.iter().flat_map(|h| h.0.iter().flatten()),
            halves.iter().flat_map(|h| h.1.iter().flatten()),
            true,
        )
    }

    /// The union of counter-clockwise rings, in groups (along the order given) where they pile
    /// up, as [`Grid::layers`] does.
    pub(crate) fn union(&self, rings: &[Ring]) -> Shapes {
        if pile_depth(rings.iter()) < PILE_DEPTH {
            return self.graph_union(rings.iter());
        }
        self.union_in_groups(rings, 2 * GROUP_PIECES)
    }

    /// The union of shapes of this grid.
    pub(crate) fn union_of(&self, shapes: &[Shapes]) -> Shapes {
        self.graph_union(shapes.iter().flatten().flatten())
    }

    /// The union of counter-clockwise rings in groups of `group` along the order given, merged
    /// pairwise.
    pub(crate) fn union_in_groups(&self, rings: &[Ring], group: usize) -> Shapes {
        let groups = rings.len().div_ceil(group.max(1));
        if groups <= 1 {
            return self.graph_union(rings.iter());
        }
        let mut parts: Vec<Shapes> = (0..groups)
            .into_par_iter()
            .map(|g| {
                let n = rings.len();
                self.graph_union(rings[n * g / groups..n * (g + 1) / groups].iter())
            })
            .collect();
        while parts.len() > 1 {
            parts = parts
                .par_chunks(2)
                .map(|pair| self.graph_union(pair.iter().flatten().flatten()))
                .collect();
        }
        parts.pop().unwrap_or_default()
    }

    fn graph_union<'a>(&self, rings: impl Iterator<Item = &'a Ring> + Clone) -> Shapes {
        let capacity = rings.clone().map(Vec::len).sum();
        let mut overlay = self.overlay(capacity);
        for ring in rings {
            overlay = overlay.unsafe_add_contour(ring, ShapeType::Subject);
        }
        overlay.overlay(OverlayRule::Subject, FillRule::Positive)
    }

    /// The layers of one overlay graph of counter-clockwise rings (holes clockwise); only the
    /// halves unless `all`.
    fn graph_layers<'a>(
        &self,
        left: impl Iterator<Item = &'a Ring> + Clone,
        right: impl Iterator<Item = &'a Ring> + Clone,
        all: bool,
    ) -> Layers {
        let capacity = left.clone().chain(right.clone()).map(Vec::len).sum();
        let mut overlay = self.overlay(capacity);
        for ring in left {
            overlay = overlay.unsafe_add_contour(ring, ShapeType::Subject);
        }
        for ring in right {
            overlay = overlay.unsafe_add_contour(ring, ShapeType::Clip);
        }
        let Some(graph) = overlay.build_graph_view(FillRule::Positive) else {
            return Layers::default();
        };
        let mut buffer = BooleanExtractionBuffer::default();
        let mut extract = |rule| graph.extract_shapes(rule, &mut buffer);
        Layers {
            left: extract(OverlayRule::Subject),
            right: extract(OverlayRule::Clip),
            overlap: if all {
                extract(OverlayRule::Intersect)
            } else {
                Vec::new()
            },
            whole: if all {
                extract(OverlayRule::Union)
            } else {
                Vec::new()
            },
        }
    }

    /// The pieces `shape` falls into when cut along `line`.
    pub(crate) fn slice(&self, shape: &[Ring], line: &[[f64; 2]]) -> Shapes {
        let capacity = shape.iter().map(Vec::len).sum::<usize>() + line.len();
        let mut overlay = FloatStringOverlay::with_adapter(self.adapter.clone(), capacity);
        for contour in shape {
            overlay = overlay.unsafe_add_shape_contour(contour);
        }
        // A cutting line may run beyond the grid (the road's line continued past its ends):
        // only what lies inside can cut a shape of this grid, and the grid cannot hold more.
        for run in self.inside_runs(line) {
            overlay = overlay.unsafe_add_string_line(&run);
        }
        overlay
            .build_graph_view(FillRule::NonZero)
            .map(|graph| graph.extract_shapes_custom(StringRule::Slice, OverlayOptions::ogc()))
            .unwrap_or_default()
    }

    /// The parts of `line` inside the grid's rectangle, each a run of points, segments that
    /// cross its edge cut there (Liang–Barsky).
    fn inside_runs(&self, line: &[[f64; 2]]) -> Vec<Vec<[f64; 2]>> {
        let r = &self.adapter.rect;
        let inside = |p: [f64; 2]| {
            (r.min_x..=r.max_x).contains(&p[0]) && (r.min_y..=r.max_y).contains(&p[1])
        };
        if line.iter().all(|&p| inside(p)) {
            return vec![line.to_vec()];
        }
        let clip = |a: [f64; 2], b: [f64; 2]| -> Option<([f64; 2], [f64; 2])> {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let (mut t0, mut t1) = (0.0f64, 1.0f64);
            for (p, q) in [
                (-dx, a[0] - r.min_x),
                (dx, r.max_x - a[0]),
                (-dy, a[1] - r.min_y),
                (dy, r.max_y - a[1]),
            ] {
                if p == 0.0 {
                    if q < 0.0 {
                        return None;
                    }
                } else {
                    let t = q / p;
                    if p < 0.0 {
                        t0 = t0.max(t);
                    } else {
                        t1 = t1.min(t);
                    }
                }
            }
            let at = |t: f64| [a[0] + t * dx, a[1] + t * dy];
            (t0 <= t1).then(|| (at(t0), at(t1)))
        };
        let mut runs: Vec<Vec<[f64; 2]>> = Vec::new();
        let mut run: Vec<[f64; 2]> = Vec::new();
        for w in line.windows(2) {
            match clip(w[0], w[1]) {
                Some((a, b)) => {
                    if run.last() != Some(&a) {
                        if run.len() > 1 {
                            runs.push(std::mem::take(&mut run));
                        }
                        run.clear();
                        run.push(a);
                    }
                    run.push(b);
                }
                None => {
                    if run.len() > 1 {
                        runs.push(std::mem::take(&mut run));
                    }
                    run.clear();
                }
            }
        }
        if run.len() > 1 {
            runs.push(run);
        }
        runs
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

fn polygon(shape: &[Ring]) -> Option<Polygon> {
    let (outer, holes) = shape.split_first()?;
    Some(Polygon::new(
        ring(outer),
        holes.iter().map(|h| ring(h)).collect(),
    ))
}

/// A point inside a shape (outer contour first, holes after).
pub(crate) fn interior_point(shape: &[Ring]) -> Option<Coord> {
    polygon(shape)?.interior_point().map(|p| p.0)
}

impl Grid {
    /// Converts results of this grid to geo-types, tidied for output: without the rings
    /// thinner than the grid can draw, exteriors counter-clockwise and holes clockwise.
    ///
    /// The slivers are a grid step wide, left where two edges that are one in truth were
    /// rounded to neighbouring grid nodes. Their vertices are nearly collinear, so their
    /// orientation (and with it the sign of their geodesic area, which then counts as the
    /// rest of the Earth) is rounding noise. The orientation is set again because i_overlay
    /// 4.5's difference was seen to return a hole counter-clockwise (a 130 m sliver hole
    /// beside a 180° turn; `fixed_random_inputs_pass_the_build_corridor_checks`, seed 5).
    pub(crate) fn to_multi_polygon(&self, shapes: Shapes) -> MultiPolygon {
        MultiPolygon(
            self.tidy(shapes)
                .iter()
                .filter_map(|shape| polygon(shape))
                .collect(),
        )
    }

    /// `shapes` without slivers, exteriors counter-clockwise and holes clockwise (see
    /// [`Grid::to_multi_polygon`]).
    pub(crate) fn tidy(&self, shapes: Shapes) -> Shapes {
        // On a tiny corridor the grid step is finer than a double can tell apart at the
        // corridor's longitude, so count a few units in the last place as well.
        let rect = &self.adapter.rect;
        let magnitude = [rect.min_x, rect.max_x, rect.min_y, rect.max_y]
            .into_iter()
            .fold(0.0, |m: f64, v| m.max(v.abs()));
        let min_width = (SLIVER_STEPS * self.adapter.inv_scale.max(magnitude * f64::EPSILON))
            .min(0.25 * self.thinnest_deg);
        // The ring oriented as asked, or None for a sliver.
        let tidy = |contour: Ring, ccw: bool| {
            let mut contour = without_spikes(contour, min_width);
            let (area2, perimeter) = ring_area2_perimeter(&contour);
            if area2.abs() < min_width * perimeter {
                return None;
            }
            if (area2 > 0.0) != ccw {
                contour.reverse();
            }
            Some(contour)
        };
        shapes
            .into_iter()
            .filter_map(|shape| {
                let mut contours = shape.into_iter();
                let outer = tidy(contours.next()?, true)?;
                Some(
                    std::iter::once(outer)
                        .chain(contours.filter_map(|h| tidy(h, false)))
                        .collect(),
                )
            })
            .collect()
    }

    /// `shapes` with exteriors counter-clockwise and holes clockwise, nothing dropped: for a
    /// result that is used again as an operand, whose hole returned counter-clockwise would
    /// count as filled under the non-zero rule (and whose slivers must stay, so that halves
    /// still tile).
    pub(crate) fn oriented(&self, shapes: Shapes) -> Shapes {
        shapes
            .into_iter()
            .map(|shape| {
                shape
                    .into_iter()
                    .enumerate()
                    .map(|(k, mut contour)| {
                        let (area2, _) = ring_area2_perimeter(&contour);
                        if (area2 > 0.0) != (k == 0) {
                            contour.reverse();
                        }
                        contour
                    })
                    .collect()
            })
            .collect()
    }
}

/// `ring` without its spikes: vertices where the boundary runs out and straight back along
/// itself, enclosing less than `min_width` (degrees) across. A cut line that ends inside a
/// piece (a traced switch locus that stops at the road) can leave one in a half, a zero-area
/// finger into the other half (seen on the curl in `tests/halves.rs`: 1.6 km long, a
/// millimetre wide); dropping it hands that nothing to the other half, which is the rest of
/// the whole.
fn without_spikes(ring: Ring, min_width: f64) -> Ring {
    let mut out: Ring = Vec::with_capacity(ring.len());
    for p in ring {
        out.push(p);
        // Pop the middle of the last three while it is a spike's tip.
        while out.len() >= 3 {
            let n = out.len();
            if is_spike(out[n - 3], out[n - 2], out[n - 1], min_width) {
                out.remove(n - 2);
            } else {
                break;
            }
        }
    }
    // And round the closing vertex.
    loop {
        let n = out.len();
        if n < 4 {
            break;
        }
        if is_spike(out[n - 2], out[n - 1], out[0], min_width) {
            out.pop();
        } else if is_spike(out[n - 1], out[0], out[1], min_width) {
            out.remove(0);
        } else {
            break;
        }
    }
    out
}

/// Whether `b` is the tip of a spike from `a` out and back to `c`: the path turns back on
/// itself, `b` within `min_width` of the line through `a` and `c` or `c` of the line through
/// `a` and `b`.
fn is_spike(a: [f64; 2], b: [f64; 2], c: [f64; 2], min_width: f64) -> bool {
    let ab = [b[0] - a[0], b[1] - a[1]];
    let bc = [c[0] - b[0], c[1] - b[1]];
    if ab[0] * bc[0] + ab[1] * bc[1] >= 0.0 {
        return false;
    }
    let cross = (ab[0] * bc[1] - ab[1] * bc[0]).abs();
    let longer = ab[0].hypot(ab[1]).max(bc[0].hypot(bc[1]));
    longer > 0.0 && cross < min_width * longer
}

/// Outer bands of filtered pieces (see `hidden`) united in one graph before groups are merged.
/// Measured on the wiggly track (34,000 bands): 210 ms with 8, 380 ms with 16, 700 ms with 32;
/// the GPS track's 23,000 take about the same with any.
pub(crate) const OUTER_GROUP: usize = 8;

/// Pieces per side united in one graph before groups are merged (see [`Grid::layers`]).
/// Measured on the crumpled 120 km road (45,000 pieces a side, 2 cores): 1.8 s with 8 or 16,
/// 2.0 s with 32, 6.9 s with 64, 16 s with 256, minutes with one graph.
const GROUP_PIECES: usize = 16;

/// How many pieces, on average, lie over each point of their extent (by bounding boxes)
/// before they are united in groups. Along the smooth 400 km road it is about 1 and one graph
/// takes 48 ms against 80 ms in groups; on the crumpled road it is in the thousands.
const PILE_DEPTH: f64 = 16.0;

/// The sum of the rings' bounding-box areas over the area of their joint bounding box.
fn pile_depth<'a>(rings: impl Iterator<Item = &'a Ring>) -> f64 {
    let (mut sum, mut all) = (0.0, Bbox::EMPTY);
    for ring in rings {
        let b = Bbox::of(ring);
        sum += b.area();
        all = all.union(b);
    }
    sum / all.area().max(f64::MIN_POSITIVE)
}

/// A bounding box in longitude/latitude.
#[derive(Clone, Copy)]
struct Bbox([f64; 4]);

impl Bbox {
    const EMPTY: Bbox = Bbox([f64::MAX, f64::MIN, f64::MAX, f64::MIN]);

    fn of(ring: &[[f64; 2]]) -> Bbox {
        ring.iter()
            .fold(Bbox::EMPTY, |b, p| b.union(Bbox([p[0], p[0], p[1], p[1]])))
    }

    fn union(self, o: Bbox) -> Bbox {
        let (a, b) = (self.0, o.0);
        Bbox([
            a[0].min(b[0]),
            a[1].max(b[1]),
            a[2].min(b[2]),
            a[3].max(b[3]),
        ])
    }

    fn area(self) -> f64 {
        let b = self.0;
        (b[1] - b[0]).max(0.0) * (b[3] - b[2]).max(0.0)
    }
}

/// Rings whose mean width (twice the area over the perimeter) is under this many grid steps
/// (or units in the last place of the coordinates) are slivers of rounding.
const SLIVER_STEPS: f64 = 4.0;

/// Twice the signed area and the perimeter of a ring (first point not repeated).
fn ring_area2_perimeter(ring: &[[f64; 2]]) -> (f64, f64) {
    let Some(&o) = ring.first() else {
        return (0.0, 0.0);
    };
    // Relative to the first vertex: products of whole longitudes would bury a sliver's area
    // in their rounding.
    let rel = |p: [f64; 2]| [p[0] - o[0], p[1] - o[1]];
    let mut area2 = 0.0;
    let mut perimeter = 0.0;
    for (i, &a) in ring.iter().enumerate() {
        let (a, b) = (rel(a), rel(ring[(i + 1) % ring.len()]));
        area2 += a[0] * b[1] - b[0] * a[1];
        perimeter += (b[0] - a[0]).hypot(b[1] - a[1]);
    }
    (area2, perimeter)
}
