//! GeoJSON layers as DESIGN.md sets them out: RFC 7946 FeatureCollections in WGS84
//! longitude/latitude, exterior rings counter-clockwise and holes clockwise, no `crs` member,
//! coordinates rounded to [`DECIMALS`] decimals, every feature with `kind` and the
//! simplestyle-spec keys so that viewers colour it without a style file.

use std::io::Write;
use std::path::Path;

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, Position};
use serde_json::{Value, json};

use super::{WriteError, write_atomic};
use crate::control_lines::Gate;
use crate::patrol::{CheckpointKind, Patrol, rfc3339};
use crate::{Corridor, Side};

/// Decimals kept in output coordinates: 1e-7° is about 1 cm.
pub const DECIMALS: i32 = 7;

fn round(v: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    (v * scale).round() / scale
}

/// Wraps an unrolled longitude back into [-180, 180].
fn wrap_lon(x: f64) -> f64 {
    if (-180.0..=180.0).contains(&x) {
        x
    } else {
        (x + 180.0).rem_euclid(360.0) - 180.0
    }
}

fn position(c: Coord) -> Position {
    Position::from([round(wrap_lon(c.x)), round(c.y)])
}

/// Rounded positions with consecutive repeats (created by rounding) dropped.
fn positions(coords: &[Coord]) -> Vec<Position> {
    let mut out: Vec<Position> = Vec::with_capacity(coords.len());
    for c in coords {
        let p = position(*c);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

fn ring_positions(ring: &LineString) -> Vec<Position> {
    let mut out = positions(&ring.0);
    if out.len() > 1 && out.first() != out.last() {
        let first = out[0].clone();
        out.push(first);
    }
    out
}

fn polygon_positions(p: &Polygon) -> Vec<Vec<Position>> {
    std::iter::once(ring_positions(p.exterior()))
        .chain(p.interiors().iter().map(ring_positions))
        .collect()
}

fn feature(value: GeometryValue, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(value)),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

fn object(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

/// A polygon feature (a Polygon when there is one part, else a MultiPolygon) with these
/// properties.
///
/// # Examples
/// ```
/// use corridor::export::polygon_feature;
/// use geo::{polygon, MultiPolygon};
///
/// let square = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
/// let f = polygon_feature(&MultiPolygon(vec![square]), serde_json::json!({"kind": "zone"}));
/// assert_eq!(f.geometry.unwrap().value.type_name(), "Polygon");
/// ```
pub fn polygon_feature(mp: &MultiPolygon, properties: Value) -> Feature {
    let mp = &crate::antimeridian::split_polygons(mp, DECIMALS);
    let value = if mp.0.len() == 1 {
        GeometryValue::Polygon {
            coordinates: polygon_positions(&mp.0[0]),
        }
    } else {
        GeometryValue::MultiPolygon {
            coordinates: mp.0.iter().map(polygon_positions).collect(),
        }
    };
    feature(value, object(properties))
}

/// A line feature (a LineString when there is one part, else a MultiLineString).
///
/// # Examples
/// ```
/// use corridor::export::line_feature;
/// use geo::{line_string, MultiLineString};
///
/// let line = line_string![(x: 36.123456789, y: 35.0), (x: 36.2, y: 35.1)];
/// let f = line_feature(&MultiLineString(vec![line]), serde_json::json!({"kind": "centerline"}));
/// let text = serde_json::to_string(&f).unwrap();
/// assert!(text.contains("36.1234568")); // 7 decimals
/// ```
pub fn line_feature(mls: &MultiLineString, properties: Value) -> Feature {
    let mls = &crate::antimeridian::split_lines(mls, DECIMALS);
    let value = if mls.0.len() == 1 {
        GeometryValue::LineString {
            coordinates: positions(&mls.0[0].0),
        }
    } else {
        GeometryValue::MultiLineString {
            coordinates: mls.0.iter().map(|l| positions(&l.0)).collect(),
        }
    };
    feature(value, object(properties))
}

/// A point feature.
///
/// # Examples
/// ```
/// use corridor::export::point_feature;
/// let f = point_feature(geo::coord! { x: 36.8, y: 35.86 }, serde_json::json!({"kind": "checkpoint"}));
/// assert_eq!(f.property("kind").unwrap(), "checkpoint");
/// ```
pub fn point_feature(c: Coord, properties: Value) -> Feature {
    feature(
        GeometryValue::Point {
            coordinates: position(c),
        },
        object(properties),
    )
}

pub(crate) fn round_to(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

/// Fill colour of each side's half: blue and orange, told apart also by colour-blind readers.
pub(crate) fn side_colour(name: &str) -> &'static str {
    match name {
        "north" | "left" => "#1f77b4",
        _ => "#ff7f0e",
    }
}

/// The zones layer of a corridor: the `corridor` feature and one `corridor_side` feature per
/// half, both with `zone` = `corridor` (the zone's id, as [`zones_layer`](super::zones_layer)
/// writes for zones), the halves with `inner_m` = 0 and `outer_m` = `width_m`.
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road};
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let zones = corridor::export::zones_geojson(&corridor, "test corridor");
/// let sides: Vec<_> = zones.features[1..].iter().map(|f| f.property("side").unwrap().clone()).collect();
/// assert_eq!(sides, ["north", "south"]);
/// assert_eq!(zones.features[0].property("width_north_m").unwrap(), 6000.0);
/// ```
pub fn zones_geojson(corridor: &Corridor, name: &str) -> FeatureCollection {
    let names = corridor.names();
    let options = corridor.options();
    let [left_key, right_key] = names.width_keys();
    // The whole and each half on a core of its own: their geodesic areas and their cutting onto
    // the output's grid are most of the layers' time.
    let whole = || {
        let mut properties = json!({
            "kind": "corridor",
            "zone": "corridor",
            "name": name,
            "length_km": round_to(corridor.length_m() / 1000.0, 3),
            "area_km2": round_to(corridor.area_km2(), 3),
            "cap": corridor.options().cap.to_string(),
            "tolerance_m": options.tolerance_m,
            "title": name,
            "stroke": "#333333",
            "stroke-width": 2,
            "fill": "#999999",
            "fill-opacity": 0.1,
        });
        properties[left_key] = json!(options.width_left_m);
        properties[right_key] = json!(options.width_right_m);
        polygon_feature(corridor.whole(), properties)
    };
    let half = |side: Side| {
        let side_name = names.name(side);
        polygon_feature(
            corridor.half(side),
            json!({
                "kind": "corridor_side",
                "zone": "corridor",
                "side": side_name,
                "inner_m": 0.0,
                "outer_m": options.width_m(side),
                "width_m": options.width_m(side),
                "area_km2": round_to(corridor.half_area_km2(side), 3),
                "title": format!("{name}: {side_name} half"),
                "stroke": side_colour(side_name),
                "stroke-width": 1,
                "fill": side_colour(side_name),
                "fill-opacity": 0.25,
            }),
        )
    };
    let (whole, (left, right)) = rayon::join(whole, || {
        rayon::join(|| half(Side::Left), || half(Side::Right))
    });
    FeatureCollection {
        bbox: None,
        features: vec![whole, left, right],
        foreign_members: None,
    }
}

/// The control-lines layer: the `centerline` (exactly the road section the corridor was built
/// on), the `limit` of each half and the `gate`s (see [`control_lines::gate`] and
/// [`control_lines::patrol_gates`]; pass `&[]` for none).
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road, control_lines};
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let gate = control_lines::gate(&corridor, "Trumba", 0.0).unwrap();
/// let lines = corridor::export::control_lines_geojson(&corridor, &[gate]);
/// let kinds: Vec<_> = lines.features.iter().map(|f| f.property("kind").unwrap().clone()).collect();
/// assert_eq!(kinds, ["centerline", "limit", "limit", "gate"]);
/// assert_eq!(lines.features[3].property("name").unwrap(), "Trumba");
/// ```
pub fn control_lines_geojson(corridor: &Corridor, gates: &[Gate]) -> FeatureCollection {
    let names = corridor.names();
    // The road as the corridor was built on it: simplified within a fifth of the tolerance.
    let mut features = vec![line_feature(
        &MultiLineString(vec![corridor.centerline()]),
        json!({
            "kind": "centerline",
            "length_km": round_to(corridor.length_m() / 1000.0, 3),
            "title": "centerline",
            "stroke": "#000000",
            "stroke-width": 3,
        }),
    )];
    for side in [Side::Left, Side::Right] {
        let side_name = names.name(side);
        let offset_m = corridor.options().width_m(side);
        features.push(line_feature(
            corridor.limit(side),
            json!({
                "kind": "limit",
                "side": side_name,
                "offset_m": offset_m,
                "title": format!("{side_name} limit ({} km)", offset_m / 1000.0),
                "stroke": side_colour(side_name),
                "stroke-width": 2,
            }),
        ));
    }
    for g in gates {
        features.push(line_feature(
            &MultiLineString(vec![g.line.clone()]),
            json!({
                "kind": "gate",
                "name": g.name,
                "chainage_km": round_to(g.chainage_km(), 3),
                "title": format!("gate {} (km {:.2})", g.name, g.chainage_km()),
                "stroke": "#d62728",
                "stroke-width": 2,
            }),
        ));
    }
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// Line colour of a patrol leg (numbered from 1): green out, purple back.
pub(crate) fn route_colour(leg: usize) -> &'static str {
    if leg <= 1 { "#2ca02c" } else { "#9467bd" }
}

/// Marker colour of a checkpoint: green start, red end, dark blue places, grey posts.
pub(crate) fn checkpoint_colour(kind: CheckpointKind) -> &'static str {
    match kind {
        CheckpointKind::Start => "#2ca02c",
        CheckpointKind::End => "#d62728",
        CheckpointKind::Place => "#17365d",
        CheckpointKind::Kilometre => "#7f7f7f",
    }
}

/// The patrol routes layer for one or more legs (a patrol and its return): per leg, a
/// `patrol_route` LineString (`from`, `to`, `length_km`, `start`, `end`, `speed_kmh`,
/// `dwell_min`, `checkpoint_every_km`, `leg`). Times are RFC 3339 with the start's offset. The
/// checkpoints are a layer of their own ([`checkpoints_geojson`]): one geometry type per file,
/// which QGIS needs to load a layer without asking which part to take.
///
/// # Examples
/// ```
/// use corridor::{Place, Places, Road};
/// use corridor::patrol::{Patrol, PatrolOptions};
/// use geo::{coord, line_string};
///
/// let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.8)]).unwrap();
/// let places = Places::new(vec![
///     Place::new("A", coord! { x: 36.0, y: 35.8 }), // longitude, latitude
///     Place::new("B", coord! { x: 36.1, y: 35.8 }),
/// ]);
/// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
/// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
/// let fc = corridor::export::patrol_routes_geojson(&[patrol]);
/// assert_eq!(fc.features.len(), 1);
/// assert_eq!(fc.features[0].property("kind").unwrap(), "patrol_route");
/// assert_eq!(fc.features[0].property("start").unwrap(), "2020-03-15T09:00:00+03:00");
/// ```
pub fn patrol_routes_geojson(legs: &[Patrol]) -> FeatureCollection {
    let features = legs
        .iter()
        .enumerate()
        .map(|(leg, patrol)| {
            let options = patrol.options();
            line_feature(
                &MultiLineString(vec![patrol.route_line()]),
                json!({
                    "kind": "patrol_route",
                    "from": patrol.from(),
                    "to": patrol.to(),
                    "length_km": round_to(patrol.length_m() / 1000.0, 3),
                    "start": rfc3339(patrol.start()),
                    "end": rfc3339(patrol.end()),
                    "speed_kmh": options.speed_kmh,
                    "dwell_min": options.dwell_min,
                    "checkpoint_every_km": options.checkpoint_every_km,
                    "leg": leg + 1,
                    "title": format!("patrol {} – {}", patrol.from(), patrol.to()),
                    "stroke": route_colour(leg + 1),
                    "stroke-width": 4,
                }),
            )
        })
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// The checkpoints layer for one or more legs: a `checkpoint` Point per checkpoint (`name`,
/// `chainage_km`, `eta`, `departure`, `checkpoint` = start/place/kilometre/end, `leg`). Times
/// are RFC 3339 with the start's offset.
///
/// # Examples
/// ```
/// use corridor::{Place, Places, Road};
/// use corridor::patrol::{Patrol, PatrolOptions};
/// use geo::{coord, line_string};
///
/// let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.8)]).unwrap();
/// let places = Places::new(vec![
///     Place::new("A", coord! { x: 36.0, y: 35.8 }), // longitude, latitude
///     Place::new("B", coord! { x: 36.1, y: 35.8 }),
/// ]);
/// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
/// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
/// let fc = corridor::export::checkpoints_geojson(&[patrol]);
/// assert_eq!(fc.features[0].property("kind").unwrap(), "checkpoint");
/// assert_eq!(fc.features[0].property("eta").unwrap(), "2020-03-15T09:00:00+03:00");
/// assert_eq!(fc.features[1].property("name").unwrap(), "KP 5");
/// ```
pub fn checkpoints_geojson(legs: &[Patrol]) -> FeatureCollection {
    let mut features = Vec::new();
    for (leg, patrol) in legs.iter().enumerate() {
        for c in patrol.checkpoints() {
            features.push(point_feature(
                c.position,
                json!({
                    "kind": "checkpoint",
                    "name": c.name,
                    "chainage_km": round_to(c.chainage_km(), 3),
                    "eta": rfc3339(c.eta),
                    "departure": rfc3339(c.departure),
                    "checkpoint": c.kind.to_string(),
                    "leg": leg + 1,
                    "title": format!("{} (km {:.2}, {})", c.name, c.chainage_km(), c.eta.format("%H:%M")),
                    "marker-color": checkpoint_colour(c.kind),
                    "marker-size": if c.kind == CheckpointKind::Kilometre { "small" } else { "medium" },
                }),
            ));
        }
    }
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// Writes a FeatureCollection to `path` atomically (see [`write_atomic`]).
///
/// # Errors
/// [`WriteError`] naming the file.
///
/// # Examples
/// ```
/// use geojson::FeatureCollection;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("empty.geojson");
/// let fc = FeatureCollection { bbox: None, features: vec![], foreign_members: None };
/// corridor::export::write_geojson(&path, &fc).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("FeatureCollection"));
/// ```
pub fn write_geojson(path: &Path, fc: &FeatureCollection) -> Result<(), WriteError> {
    write_atomic(path, |w| geojson_to_writer(w, fc))
}

/// Writes a FeatureCollection as one line of GeoJSON and a newline, straight into `w` (no copy
/// of the text in memory): for a [`FileSet`](super::FileSet) of outputs.
///
/// # Errors
/// Those of `w`.
///
/// # Examples
/// ```
/// use geojson::FeatureCollection;
/// let fc = FeatureCollection { bbox: None, features: vec![], foreign_members: None };
/// let mut text = Vec::new();
/// corridor::export::geojson_to_writer(&mut text, &fc).unwrap();
/// assert!(text.starts_with(b"{\"type\":\"FeatureCollection\"") && text.ends_with(b"}\n"));
/// ```
pub fn geojson_to_writer(w: &mut dyn Write, fc: &FeatureCollection) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, fc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}
