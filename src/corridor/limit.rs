//! The limit lines: the outer edge of each half, read off the build.
//!
//! The build knows what every vertex of its pieces is (on the road, at the width, a flat cap's
//! corner), and the union keeps input vertices bit for bit (each is rounded to the grid once),
//! so a boundary vertex is recognised by a hash look-up instead of being located on the road
//! again. Only the vertices the union made (where edges cross) are left to decide: one right
//! between two vertices at the width lies where two offset edges cross, on the limit; any other
//! is located exactly, as the accuracy rule says (at the width less the tolerance, on its side).

use std::collections::HashMap;

use foldhash::fast::FixedState;
use geo::{Coord, LineString, MultiLineString, MultiPolygon};

use super::offset::Pieces;
use super::overlay::Grid;
use crate::{Road, Side};

/// What a boundary vertex is, as the pieces made it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    /// Never on the limit: on the road (a sample, a corner, a cap's centre), or along a cap's
    /// normal or axis.
    Road,
    /// At the width from the road point at this chainage, metres.
    Offset(f64),
    /// A flat cap's outer corner: at the width, where the limit meets the cap.
    Cap(f64),
    /// Made by the union where edges cross.
    Crossing,
}

type Marks = HashMap<[u64; 2], Mark, FixedState>;

fn key(c: Coord) -> [u64; 2] {
    [c.x.to_bits(), c.y.to_bits()]
}

/// What the build needs to draw one half's limit.
pub(crate) struct LimitInput<'a> {
    pub road: &'a Road,
    pub half: &'a MultiPolygon,
    pub side: Side,
    pub width_m: f64,
    pub tolerance_m: f64,
    /// The halves were split along the road only (no overlap of the sides, no narrower side):
    /// every vertex of a half off the road and off the caps lies on the whole's boundary.
    pub split_on_road: bool,
}

/// The marks of one side's vertices, keyed by their position after rounding to the grid.
fn marks(grid: &Grid, pieces: &Pieces, side: Side) -> Marks {
    let offsets = match side {
        Side::Left => &pieces.offset_left,
        Side::Right => &pieces.offset_right,
    };
    let mut marks = Marks::with_capacity_and_hasher(
        offsets.len() + pieces.on_road.len(),
        FixedState::default(),
    );
    let snapped = |p: [f64; 2]| {
        let s = grid.snap(p);
        key(Coord { x: s[0], y: s[1] })
    };
    for &(p, chainage_m) in offsets {
        marks.insert(snapped(p), Mark::Offset(chainage_m));
    }
    for &p in &pieces.cap_corners {
        let k = snapped(p);
        // Only this side's corners are at this side's width.
        if let Some(Mark::Offset(chainage_m)) = marks.get(&k).copied() {
            marks.insert(k, Mark::Cap(chainage_m));
        }
    }
    // Last, so that the road wins wherever a point is both (a width of nearly nothing).
    let off_limit = match side {
        Side::Left => &pieces.off_limit_left,
        Side::Right => &pieces.off_limit_right,
    };
    for &p in pieces.on_road.iter().chain(off_limit) {
        marks.insert(snapped(p), Mark::Road);
    }
    marks
}

/// The outer edge of one half: the parts of its boundary at the half's width from the road
/// (within the tolerance), each run in the road's direction of travel, in order along it.
pub(crate) fn limit(grid: &Grid, pieces: &Pieces, input: &LimitInput) -> MultiLineString {
    let marks = marks(grid, pieces, input.side);
    // Each line with the chainage of its first vertex, to order them along the road.
    let mut lines: Vec<(f64, LineString)> = Vec::new();
    for polygon in &input.half.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            // The ring is closed; drop the repeated last vertex and walk it cyclically.
            let coords = &ring.0[..ring.0.len().saturating_sub(1)];
            let on_limit = on_limit(coords, &marks, input);
            runs(coords, &on_limit, &mut lines);
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    MultiLineString(lines.into_iter().map(|(_, line)| line).collect())
}

/// For each vertex of a ring, the chainage of its road point where it lies on the limit.
fn on_limit(coords: &[Coord], marks: &Marks, input: &LimitInput) -> Vec<Option<f64>> {
    let n = coords.len();
    let mark: Vec<Mark> = coords
        .iter()
        .map(|c| marks.get(&key(*c)).copied().unwrap_or(Mark::Crossing))
        .collect();
    let exact = |c: Coord| {
        input.road.locate(c).ok().and_then(|at| {
            (at.side == input.side && at.distance_m >= input.width_m - input.tolerance_m)
                .then_some(at.chainage_m)
        })
    };
    // For each vertex, the nearest mark that is not a crossing before and after it: inside a
    // bend of short segments the limit runs through several crossings in a row.
    let (before, after) = if input.split_on_road {
        (settled(&mark, false), settled(&mark, true))
    } else {
        (vec![None; n], vec![None; n])
    };
    (0..n)
        .map(|i| match mark[i] {
            Mark::Offset(chainage_m) | Mark::Cap(chainage_m) => Some(chainage_m),
            Mark::Road => None,
            Mark::Crossing => match (mark[(i + n - 1) % n], mark[(i + 1) % n]) {
                // Where two offset edges of this side cross (inside every bend).
                (Mark::Offset(b), Mark::Offset(_)) => Some(b),
                // Between two vertices at the width, on the whole's boundary, which lies
                // beyond w − t everywhere (the union holds every point nearer than that), and
                // on this side (it bounds this side's half, which no cut crosses).
                // (Not next to a flat cap's corner: the cap's edge runs in from it.)
                _ => match (before[i], after[i]) {
                    (Some(Mark::Offset(b)), Some(Mark::Offset(_))) => Some(b),
                    _ => exact(coords[i]),
                },
            },
        })
        .collect()
}

/// Per vertex of a ring, the first mark other than a crossing met walking backwards (or
/// `forwards`), round the ring; `None` on a ring of crossings only.
fn settled(mark: &[Mark], forwards: bool) -> Vec<Option<Mark>> {
    let n = mark.len();
    let mut out = vec![None; n];
    let Some(anchor) = (0..n).find(|&i| mark[i] != Mark::Crossing) else {
        return out;
    };
    let mut last = mark[anchor];
    for k in 1..=n {
        let i = if forwards {
            (anchor + n - k) % n
        } else {
            (anchor + k) % n
        };
        out[i] = Some(last);
        if mark[i] != Mark::Crossing {
            last = mark[i];
        }
    }
    out
}

/// Cuts a ring into the runs of vertices on the limit, each turned to run along the road.
fn runs(coords: &[Coord], on_limit: &[Option<f64>], lines: &mut Vec<(f64, LineString)>) {
    let n = coords.len();
    if n == 0 {
        return;
    }
    if on_limit.iter().all(Option::is_some) {
        let mut line: Vec<Coord> = coords.to_vec();
        line.push(coords[0]);
        lines.push((on_limit[0].unwrap_or(0.0), LineString(line)));
        return;
    }
    // Start just after a vertex that is off the limit, so that no run wraps round.
    let start = (0..n).find(|&i| on_limit[i].is_none()).unwrap_or(0) + 1;
    let mut run: Vec<(Coord, f64)> = Vec::new();
    for k in 0..=n {
        let i = (start + k) % n;
        match on_limit[i] {
            Some(chainage) if k < n => run.push((coords[i], chainage)),
            _ => {
                if run.len() >= 2 {
                    if run[0].1 > run[run.len() - 1].1 {
                        run.reverse();
                    }
                    lines.push((run[0].1, run.iter().map(|(c, _)| *c).collect()));
                }
                run.clear();
            }
        }
    }
}
