//! Control lines of a corridor: the centerline (the road section itself) and the limits (the
//! outer edge of each half).

use geo::{Coord, LineString, MultiLineString};

use crate::{Corridor, Side};

/// The outer edge of one half: the parts of the half's boundary that lie at the half's width
/// from the road (within the tolerance), each run in the road's direction of travel. The road
/// itself and the flat caps are left out.
///
/// Usually one line; a road that comes back on itself can leave several.
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road, Side, control_lines};
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.85), (x: 36.2, y: 35.8)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let limit = control_lines::limit(&corridor, Side::Left);
/// assert_eq!(limit.0.len(), 1);
/// for p in limit.0[0].coords() {
///     assert!((road.distance_m(*p).unwrap() - 6_000.0).abs() < 0.5);
/// }
/// ```
pub fn limit(corridor: &Corridor, side: Side) -> MultiLineString {
    let road = corridor.road();
    let width_m = corridor.options().width_m(side);
    let tolerance_m = corridor.options().tolerance_m;
    let mut lines = Vec::new();
    for polygon in &corridor.half(side).0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            // The ring is closed; drop the repeated last vertex and walk it cyclically.
            let coords = &ring.0[..ring.0.len().saturating_sub(1)];
            let on_limit: Vec<Option<f64>> = coords
                .iter()
                .map(|c| {
                    road.locate(*c).ok().and_then(|at| {
                        (at.side == side && at.distance_m >= width_m - tolerance_m)
                            .then_some(at.chainage_m)
                    })
                })
                .collect();
            let n = coords.len();
            if n == 0 {
                continue;
            }
            if on_limit.iter().all(Option::is_some) {
                let mut line: Vec<Coord> = coords.to_vec();
                line.push(coords[0]);
                lines.push(LineString(line));
                continue;
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
                            lines.push(run.iter().map(|(c, _)| *c).collect());
                        }
                        run.clear();
                    }
                }
            }
        }
    }
    lines.sort_by(|a, b| {
        let first = |l: &LineString| {
            l.0.first()
                .and_then(|c| road.locate(*c).ok())
                .map_or(0.0, |at| at.chainage_m)
        };
        first(a).total_cmp(&first(b))
    });
    MultiLineString(lines)
}
