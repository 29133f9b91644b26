//! Control lines of a corridor: the centerline (the road section itself), the limits (the
//! outer edge of each half), gates (cross-lines through the corridor) and user-supplied lines
//! (a line of contact) clipped to the corridor.

use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Intersects, Line, LineString, MultiLineString};
use geojson::GeometryValue;

use crate::geodesic;
use crate::geojson_input::{self, GeoJsonError};
use crate::patrol::{CheckpointKind, Patrol};
use crate::{Corridor, Road, RoadError, Side};

/// What can be wrong with a control line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ControlLineError {
    /// A chainage outside the corridor's road, or a bad point.
    #[error(transparent)]
    Road(#[from] RoadError),
    /// A patrol checkpoint that is not on the corridor's road, so no gate can stand there.
    #[error(
        "checkpoint `{name}` is {distance_m:.1} m from the corridor's road; build the corridor on the patrol's road section"
    )]
    OffRoad {
        /// The checkpoint.
        name: String,
        /// Its distance from the corridor's road, metres.
        distance_m: f64,
    },
    /// The file is not the GeoJSON asked for.
    #[error(transparent)]
    GeoJson(#[from] GeoJsonError),
    /// The GeoJSON holds no line.
    #[error("no LineString or MultiLineString found (found {found})")]
    NoLine {
        /// What the file holds instead.
        found: String,
    },
    /// A vertex that is not a longitude, latitude pair in range.
    #[error("line {part}, vertex {index}: {problem} (coordinates are lon, lat)")]
    BadVertex {
        /// Zero-based line index in the file.
        part: usize,
        /// Zero-based vertex index in the line.
        index: usize,
        /// What is wrong with it.
        problem: String,
    },
}

/// Farther than this from the corridor's road (metres), a patrol checkpoint is not on it.
const ON_ROAD_M: f64 = 1.0;

/// A gate: a cross-line through the whole corridor along the geodesic normal to the road.
///
/// # Units
/// `chainage_m` in metres along the corridor's road; `line` in `(lon, lat)` degrees.
///
/// # Examples
/// See [`gate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// Its name (a checkpoint's, for the gates of a patrol).
    pub name: String,
    /// Where it crosses the road, metres along the corridor's road.
    pub chainage_m: f64,
    /// The line from its left end through the road point to its right end. Between vertices it
    /// keeps within the corridor's tolerance of the geodesic normal.
    pub line: LineString,
}

impl Gate {
    /// The chainage in km.
    ///
    /// # Units
    /// Kilometres.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Corridor, CorridorOptions, Road, control_lines};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.8)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(1_000.0).unwrap());
    /// let g = control_lines::gate(&corridor, "G", 2_500.0).unwrap();
    /// assert_eq!(g.chainage_km(), 2.5);
    /// ```
    pub fn chainage_km(&self) -> f64 {
        self.chainage_m / 1_000.0
    }
}

/// A gate through `corridor` at `chainage_m` along its road: the geodesic normal to the road
/// there, from the left limit (the left width away) through the road point to the right limit.
///
/// The gate lies wholly inside the corridor: each of its points is within the width of the road
/// point it starts from. Where the road bends sharply within a width of the gate, its ends can lie
/// inside the corridor rather than on the limit. At a vertex, the normal is taken to the segment
/// that starts there.
///
/// # Errors
/// [`ControlLineError::Road`] for a chainage outside `0..=length`.
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road, control_lines};
/// use geo::line_string;
///
/// // A road drawn west to east near Ariha: longitude, latitude.
/// let road = Road::new(line_string![(x: 36.5, y: 35.8), (x: 36.7, y: 35.85)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let g = control_lines::gate(&corridor, "middle", road.length_m() / 2.0).unwrap();
/// assert!(g.line.0.len() >= 3);
/// assert!(g.line.0[0].y > g.line.0[g.line.0.len() - 1].y); // left of an eastward road is north
/// assert!(control_lines::gate(&corridor, "beyond", 1e9).is_err());
/// ```
pub fn gate(
    corridor: &Corridor,
    name: impl Into<String>,
    chainage_m: f64,
) -> Result<Gate, ControlLineError> {
    let road = corridor.road();
    let options = corridor.options();
    let p = road.point_at(chainage_m)?;
    let azimuth_deg = road.azimuth_at_deg(chainage_m)?;
    let tolerance_m = options.tolerance_m;
    let mut left = normal_samples(p, azimuth_deg - 90.0, options.width_left_m, tolerance_m);
    let right = normal_samples(p, azimuth_deg + 90.0, options.width_right_m, tolerance_m);
    left.reverse();
    left.extend_from_slice(&right[1..]);
    Ok(Gate {
        name: name.into(),
        chainage_m: chainage_m.clamp(0.0, road.length_m()),
        line: LineString(left),
    })
}

/// Points along the geodesic from `p` at `azimuth_deg`, from `p` out to `length_m`, dense
/// enough that the straight lon/lat edges between them stay within `tolerance_m` of it.
fn normal_samples(p: Coord, azimuth_deg: f64, length_m: f64, tolerance_m: f64) -> Vec<Coord> {
    let at = |s: f64| geodesic::direct(p, azimuth_deg, s).0;
    let mut out = vec![p];
    // Depth-first bisection; each interval ends at a point already computed.
    let mut stack = vec![(length_m, at(length_m))];
    let (mut s0, mut c0) = (0.0, p);
    while let Some(&(s1, c1)) = stack.last() {
        let mid = at(0.5 * (s0 + s1));
        let chord_mid = Coord {
            x: 0.5 * (c0.x + c1.x),
            y: 0.5 * (c0.y + c1.y),
        };
        // 2^-20 of the length is far below any tolerance asked for; stop there whatever happens.
        if geodesic::small_gap_m(mid, chord_mid) > tolerance_m && s1 - s0 > length_m * 1e-6 {
            stack.push((0.5 * (s0 + s1), mid));
        } else {
            stack.pop();
            out.push(c1);
            (s0, c0) = (s1, c1);
        }
    }
    out
}

/// The gates of a patrol through a corridor built on its road: at the patrol's start, at every
/// named place it passes and at its end, in the patrol's order, each named after its checkpoint
/// and placed at the checkpoint's chainage along the corridor's road.
///
/// # Errors
/// [`ControlLineError::OffRoad`] when a checkpoint lies more than 1 m off the corridor's road
/// (the corridor was built on another road).
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Place, Places, Road, control_lines};
/// use corridor::patrol::{Patrol, PatrolOptions};
/// use geo::{coord, line_string};
///
/// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
/// let places = Places::new(vec![
///     Place::new("West", coord! { x: 0.0, y: 0.0 }),
///     Place::new("Mid", coord! { x: 0.1, y: 0.001 }),
///     Place::new("East", coord! { x: 0.2, y: 0.0 }),
/// ]);
/// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
/// let patrol = Patrol::plan(&road, &places, "East", "West", &options).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let gates = control_lines::patrol_gates(&corridor, &patrol).unwrap();
/// let names: Vec<_> = gates.iter().map(|g| g.name.as_str()).collect();
/// assert_eq!(names, ["East", "Mid", "West"]);
/// assert!((gates[1].chainage_m - road.length_m() / 2.0).abs() < 1e-3);
/// ```
pub fn patrol_gates(corridor: &Corridor, patrol: &Patrol) -> Result<Vec<Gate>, ControlLineError> {
    let road = corridor.road();
    patrol
        .checkpoints()
        .iter()
        .filter(|c| c.kind != CheckpointKind::Kilometre)
        .map(|c| {
            let at = road.locate(c.position)?;
            if at.distance_m > ON_ROAD_M {
                return Err(ControlLineError::OffRoad {
                    name: c.name.clone(),
                    distance_m: at.distance_m,
                });
            }
            gate(corridor, c.name.clone(), at.chainage_m)
        })
        .collect()
}

/// Reads a user-supplied line (for instance a line of contact) from GeoJSON: every LineString
/// and MultiLineString in a geometry, a Feature or a FeatureCollection; other geometries are
/// skipped. As RFC 7946 §3.1.1 says, each edge is the straight line between its vertices in
/// longitude and latitude.
///
/// # Errors
/// [`ControlLineError::GeoJson`], [`ControlLineError::NoLine`]
/// when there is no line, [`ControlLineError::BadVertex`] for a vertex out of range.
///
/// # Examples
/// ```
/// use corridor::control_lines::read_line_geojson;
///
/// let line = read_line_geojson(r#"{"type": "LineString", "coordinates": [[36.5, 35.7], [36.5, 35.9]]}"#).unwrap();
/// assert_eq!(line.0.len(), 1);
/// let err = read_line_geojson(r#"{"type": "Point", "coordinates": [36.5, 35.7]}"#).unwrap_err();
/// assert_eq!(err.to_string(), "no LineString or MultiLineString found (found Point)");
/// ```
pub fn read_line_geojson(text: &str) -> Result<MultiLineString, ControlLineError> {
    let geometries: Vec<GeometryValue> = geojson_input::feature_collection(text)?
        .features
        .into_iter()
        .filter_map(|f| f.geometry.map(|g| g.value))
        .collect();
    let mut lines: Vec<Vec<Vec<f64>>> = Vec::new();
    let mut found: Vec<&'static str> = Vec::new();
    for g in &geometries {
        match g {
            GeometryValue::LineString { coordinates } => {
                lines.push(coordinates.iter().map(|p| p.as_slice().to_vec()).collect());
            }
            GeometryValue::MultiLineString { coordinates } => {
                for line in coordinates {
                    lines.push(line.iter().map(|p| p.as_slice().to_vec()).collect());
                }
            }
            other => found.push(other.type_name()),
        }
    }
    if lines.is_empty() {
        found.dedup();
        return Err(ControlLineError::NoLine {
            found: if found.is_empty() {
                "nothing".to_string()
            } else {
                found.join(", ")
            },
        });
    }
    let mut out = Vec::with_capacity(lines.len());
    for (part, line) in lines.iter().enumerate() {
        let mut coords = Vec::with_capacity(line.len());
        for (index, p) in line.iter().enumerate() {
            let bad = |problem: &str| ControlLineError::BadVertex {
                part,
                index,
                problem: problem.to_string(),
            };
            let (Some(&x), Some(&y)) = (p.first(), p.get(1)) else {
                return Err(bad("fewer than 2 coordinates"));
            };
            if !x.is_finite() || !y.is_finite() {
                return Err(bad("not a finite number"));
            }
            if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
                return Err(bad(&format!("({x}, {y}) is out of range")));
            }
            coords.push(Coord { x, y });
        }
        if coords.len() < 2 {
            return Err(ControlLineError::BadVertex {
                part,
                index: coords.len().saturating_sub(1),
                problem: "a line needs at least 2 vertices".to_string(),
            });
        }
        out.push(LineString(coords));
    }
    Ok(MultiLineString(out))
}

/// Which edge of the corridor a line crosses.
///
/// # Examples
/// ```
/// use corridor::{Side, control_lines::Edge};
/// assert_eq!(Edge::Limit(Side::Left).to_string(), "left limit");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The outer edge of one half.
    Limit(Side),
    /// The cap at the start of the road.
    StartCap,
    /// The cap at the end of the road.
    EndCap,
}

impl std::fmt::Display for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Edge::Limit(side) => write!(f, "{side} limit"),
            Edge::StartCap => f.write_str("start cap"),
            Edge::EndCap => f.write_str("end cap"),
        }
    }
}

/// Where a line crosses the road.
///
/// # Units
/// Metres; `position` `(lon, lat)` degrees.
///
/// # Examples
/// See [`clip_line`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadCrossing {
    /// Which line of the input (zero-based).
    pub part: usize,
    /// The crossing point, on the road within a millimetre.
    pub position: Coord,
    /// Its chainage along the corridor's road, metres.
    pub chainage_m: f64,
}

/// Where a line crosses the corridor's boundary.
///
/// # Units
/// Metres; `position` `(lon, lat)` degrees.
///
/// # Examples
/// See [`clip_line`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeCrossing {
    /// Which line of the input (zero-based).
    pub part: usize,
    /// The crossing point on the corridor's boundary.
    pub position: Coord,
    /// The edge crossed.
    pub edge: Edge,
    /// True where the line enters the corridor, false where it leaves.
    pub entering: bool,
    /// Chainage of the road point nearest to the crossing, metres.
    pub chainage_m: f64,
    /// Geodesic distance from the crossing to the road, metres.
    pub distance_m: f64,
}

/// A line clipped to a corridor, with its crossings.
///
/// # Examples
/// See [`clip_line`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClippedLine {
    /// The parts of the line inside the corridor (boundary included), in the line's order and
    /// direction.
    pub inside: MultiLineString,
    /// Where the line crosses the road, in the line's order.
    pub road_crossings: Vec<RoadCrossing>,
    /// Where the line crosses the corridor's boundary, in the line's order.
    pub edge_crossings: Vec<EdgeCrossing>,
}

/// Sampling step along the line when looking for road crossings, metres. Two crossings closer
/// together than this along the line (a line that crosses the road and comes straight back)
/// can be missed; a single crossing never is.
const CROSSING_STEP_M: f64 = 20.0;

/// Clips a line to a corridor and reports where it crosses the road (with the chainage) and
/// the corridor's edges.
///
/// The line's edges are straight in longitude and latitude (RFC 7946 §3.1.1), as are the
/// corridor's, so the clip is exact for what a map shows. Road crossings are found on the
/// road's geodesics to within a millimetre, by sampling the line every 20 m and bisecting.
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road, Side, control_lines};
/// use corridor::control_lines::Edge;
/// use geo::{line_string, MultiLineString};
///
/// // A road along the equator, eastward; a line from south to north across it.
/// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let line = MultiLineString(vec![line_string![(x: 0.1, y: -0.1), (x: 0.1, y: 0.1)]]);
/// let clipped = control_lines::clip_line(&corridor, &line);
/// assert_eq!(clipped.inside.0.len(), 1);
/// assert_eq!(clipped.road_crossings.len(), 1);
/// assert!((clipped.road_crossings[0].chainage_m - road.length_m() / 2.0).abs() < 1e-3);
/// let edges: Vec<_> = clipped.edge_crossings.iter().map(|e| (e.edge, e.entering)).collect();
/// assert_eq!(edges, [(Edge::Limit(Side::Right), true), (Edge::Limit(Side::Left), false)]);
/// ```
pub fn clip_line(corridor: &Corridor, line: &MultiLineString) -> ClippedLine {
    let road = corridor.road();
    let reference_lon = road.coords().first().map_or(0.0, |c| c.x);
    let edges: Vec<Line> = corridor
        .whole()
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.lines())
        .collect();
    let mut inside = Vec::new();
    let mut road_crossings = Vec::new();
    let mut edge_crossings = Vec::new();
    for (part, ls) in line.0.iter().enumerate() {
        // The corridor's longitudes are unrolled from the road's start; follow them.
        let coords: Vec<Coord> =
            ls.0.iter()
                .map(|c| Coord {
                    x: reference_lon + geodesic::normalize_deg(c.x - reference_lon),
                    y: c.y,
                })
                .collect();
        let mut piece: Vec<Coord> = Vec::new();
        let mut was_inside: Option<bool> = None;
        for w in coords.windows(2) {
            let (a, b) = (w[0], w[1]);
            let segment = Line::new(a, b);
            let mut ts = vec![0.0, 1.0];
            for e in &edges {
                match line_intersection(segment, *e) {
                    Some(LineIntersection::SinglePoint { intersection, .. }) => {
                        ts.push(parameter(a, b, intersection));
                    }
                    Some(LineIntersection::Collinear { intersection }) => {
                        ts.push(parameter(a, b, intersection.start));
                        ts.push(parameter(a, b, intersection.end));
                    }
                    None => {}
                }
            }
            ts.sort_by(f64::total_cmp);
            ts.dedup_by(|t, s| (*t - *s).abs() < 1e-12);
            for t in ts.windows(2) {
                let (p0, p1) = (lerp(a, b, t[0]), lerp(a, b, t[1]));
                let mid = lerp(a, b, 0.5 * (t[0] + t[1]));
                let now_inside = corridor.whole().intersects(&mid);
                if let Some(before) = was_inside
                    && before != now_inside
                {
                    edge_crossings.push(edge_crossing(corridor, part, p0, now_inside));
                }
                if now_inside {
                    if piece.last() != Some(&p0) {
                        piece.push(p0);
                    }
                    piece.push(p1);
                } else if piece.len() >= 2 {
                    inside.push((part, LineString(std::mem::take(&mut piece))));
                } else {
                    piece.clear();
                }
                was_inside = Some(now_inside);
            }
        }
        if piece.len() >= 2 {
            inside.push((part, LineString(piece)));
        }
    }
    for (part, ls) in &inside {
        let part = *part;
        road_crossings.extend(find_road_crossings(road, ls).into_iter().map(
            |(position, chainage_m)| RoadCrossing {
                part,
                position,
                chainage_m,
            },
        ));
    }
    ClippedLine {
        inside: MultiLineString(inside.into_iter().map(|(_, ls)| ls).collect()),
        road_crossings,
        edge_crossings,
    }
}

fn edge_crossing(corridor: &Corridor, part: usize, p: Coord, entering: bool) -> EdgeCrossing {
    let road = corridor.road();
    let (chainage_m, distance_m, side) = road.locate(p).map_or((0.0, f64::NAN, Side::Left), |at| {
        (at.chainage_m, at.distance_m, at.side)
    });
    // Off the road's ends only the caps are; a limit point is abeam some road point.
    let edge = if chainage_m <= 1e-6 {
        Edge::StartCap
    } else if chainage_m >= road.length_m() - 1e-6 {
        Edge::EndCap
    } else {
        Edge::Limit(side)
    };
    EdgeCrossing {
        part,
        position: p,
        edge,
        entering,
        chainage_m,
        distance_m,
    }
}

/// Where `p` (on the line through `a` and `b`) lies as a fraction of the way from `a` to `b`.
fn parameter(a: Coord, b: Coord, p: Coord) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        0.0
    } else {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    }
}

fn lerp(a: Coord, b: Coord, t: f64) -> Coord {
    Coord {
        x: a.x + (b.x - a.x) * t,
        y: a.y + (b.y - a.y) * t,
    }
}

/// Road crossings of one line: where the signed offset from the road changes sign with the
/// road point itself between the samples. Beyond the road's ends the offset flips too without a
/// crossing; the bisection then stops at a point off the road, which is dropped.
fn find_road_crossings(road: &Road, ls: &LineString) -> Vec<(Coord, f64)> {
    let offset = |p: Coord| road.locate(p).ok();
    let mut out = Vec::new();
    for l in ls.lines() {
        let length_m = geodesic::distance_m(l.start, l.end);
        let steps = (length_m / CROSSING_STEP_M).ceil().max(1.0) as usize;
        let mut prev = (0.0, offset(l.start));
        for k in 1..=steps {
            let t = k as f64 / steps as f64;
            let here = (t, offset(lerp(l.start, l.end, t)));
            if let ((t0, Some(a0)), (t1, Some(a1))) = (prev, here) {
                if a0.offset_m == 0.0 && k == 1 {
                    out.push((a0.nearest, a0.chainage_m));
                } else if (a1.offset_m == 0.0 || (a0.offset_m > 0.0) != (a1.offset_m > 0.0))
                    && let Some(found) = bisect(road, l.start, l.end, t0, t1, a0.offset_m)
                {
                    out.push(found);
                }
            }
            prev = here;
        }
    }
    out.dedup_by(|q, p| geodesic::small_gap_m(q.0, p.0) < 1e-3);
    out
}

fn bisect(
    road: &Road,
    a: Coord,
    b: Coord,
    mut t0: f64,
    mut t1: f64,
    off0: f64,
) -> Option<(Coord, f64)> {
    let positive0 = off0 > 0.0;
    for _ in 0..60 {
        let t = 0.5 * (t0 + t1);
        let at = road.locate(lerp(a, b, t)).ok()?;
        if at.distance_m < 1e-4 {
            return Some((at.nearest, at.chainage_m));
        }
        if (at.offset_m > 0.0) == positive0 {
            t0 = t;
        } else {
            t1 = t;
        }
    }
    let at = road.locate(lerp(a, b, 0.5 * (t0 + t1))).ok()?;
    (at.distance_m < 1e-3).then_some((at.nearest, at.chainage_m))
}
