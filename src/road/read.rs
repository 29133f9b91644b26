//! Reading a road from GeoJSON.

use geo::Coord;
use geojson::{GeoJson, Geometry, GeometryValue};

use super::{Road, RoadError};
use crate::geodesic;
use crate::geojson_input;

/// Line parts whose ends are closer than this (metres) are joined.
const JOIN_TOLERANCE_M: f64 = 1.0;

impl Road {
    /// Reads a road from GeoJSON text: a bare geometry, a Feature or a FeatureCollection holding
    /// a LineString, a MultiLineString, or several LineStrings whose parts join end to start.
    /// Parts are joined in order where they meet (within 1 m), turning a part round where its
    /// far end is the one that meets, as OpenStreetMap ways often are. Elevations are ignored.
    ///
    /// # Errors
    /// [`RoadError::GeoJson`], [`RoadError::NoLine`],
    /// [`RoadError::Disconnected`], or any error of [`Road::new`].
    ///
    /// # Examples
    /// ```
    /// use corridor::Road;
    ///
    /// let text = r#"{"type": "Feature", "properties": {"ref": "M4"},
    ///   "geometry": {"type": "MultiLineString", "coordinates": [
    ///     [[36.60, 35.84], [36.70, 35.85]],
    ///     [[36.70, 35.85], [36.80, 35.86, 310.0]]]}}"#;
    /// let road = Road::from_geojson_str(text).unwrap();
    /// assert_eq!(road.coords().len(), 3);
    /// ```
    pub fn from_geojson_str(text: &str) -> Result<Road, RoadError> {
        let geojson = geojson_input::parse(text)?;
        let mut parts = Vec::new();
        let mut found = Vec::new();
        match &geojson {
            GeoJson::Geometry(g) => collect_lines(g, &mut parts, &mut found),
            GeoJson::Feature(f) => match &f.geometry {
                Some(g) => collect_lines(g, &mut parts, &mut found),
                None => found.push("a Feature with no geometry".to_string()),
            },
            GeoJson::FeatureCollection(fc) => {
                for f in &fc.features {
                    match &f.geometry {
                        Some(g) => collect_lines(g, &mut parts, &mut found),
                        None => found.push("a Feature with no geometry".to_string()),
                    }
                }
            }
        }
        if parts.is_empty() {
            found.dedup();
            let found = if found.is_empty() {
                "nothing".to_string()
            } else {
                found.join(", ")
            };
            return Err(RoadError::NoLine { found });
        }
        for part in &parts {
            for (index, c) in part.iter().enumerate() {
                if !c.x.is_finite() || !c.y.is_finite() {
                    return Err(RoadError::NotFinite { index });
                }
            }
        }
        Road::from_coords(join_parts(parts)?)
    }
}

fn collect_lines(g: &Geometry, parts: &mut Vec<Vec<Coord>>, found: &mut Vec<String>) {
    let to_coords = |line: &Vec<geojson::Position>| -> Vec<Coord> {
        line.iter()
            .map(|p| {
                let s = p.as_slice();
                Coord {
                    x: s.first().copied().unwrap_or(f64::NAN),
                    y: s.get(1).copied().unwrap_or(f64::NAN),
                }
            })
            .collect()
    };
    match &g.value {
        GeometryValue::LineString { coordinates } => parts.push(to_coords(coordinates)),
        GeometryValue::MultiLineString { coordinates } => {
            parts.extend(coordinates.iter().map(to_coords))
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                collect_lines(g, parts, found);
            }
        }
        other => found.push(other.type_name().to_string()),
    }
}

/// Joins line parts into one line: each next part must start (or, turned round, end) where the
/// line so far ends, or end where it starts.
fn join_parts(mut parts: Vec<Vec<Coord>>) -> Result<Vec<Coord>, RoadError> {
    parts.retain(|p| !p.is_empty());
    let count = parts.len();
    if count <= 1 {
        return Ok(parts.pop().unwrap_or_default());
    }
    let mut remaining: Vec<(usize, Vec<Coord>)> = parts.into_iter().enumerate().collect();
    let (_, mut line) = remaining.remove(0);
    let near = |a: Coord, b: Coord| geodesic::distance_m(a, b) <= JOIN_TOLERANCE_M;
    while !remaining.is_empty() {
        let (head, tail) = (line[0], line[line.len() - 1]);
        let mut joined = false;
        for k in 0..remaining.len() {
            let part = &remaining[k].1;
            let (start, end) = (part[0], part[part.len() - 1]);
            if near(tail, start) || near(tail, end) {
                let (_, mut part) = remaining.remove(k);
                if !near(tail, part[0]) {
                    part.reverse();
                }
                line.extend(part.into_iter().skip(1));
                joined = true;
                break;
            }
            if near(head, end) || near(head, start) {
                let (_, mut part) = remaining.remove(k);
                if !near(head, part[part.len() - 1]) {
                    part.reverse();
                }
                part.pop();
                part.extend(line);
                line = part;
                joined = true;
                break;
            }
        }
        if !joined {
            let (part, coords) = &remaining[0];
            let ends = [line[0], line[line.len() - 1]];
            let gap_m = ends
                .iter()
                .flat_map(|e| {
                    [coords[0], coords[coords.len() - 1]].map(|c| finite_distance_m(*e, c))
                })
                .fold(f64::INFINITY, f64::min);
            return Err(RoadError::Disconnected {
                parts: count,
                part: *part,
                gap_m,
            });
        }
    }
    Ok(line)
}

fn finite_distance_m(a: Coord, b: Coord) -> f64 {
    if a.x.is_finite() && a.y.is_finite() && b.x.is_finite() && b.y.is_finite() {
        geodesic::distance_m(a, b)
    } else {
        f64::INFINITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geojson_input::GeoJsonError;

    #[test]
    fn joins_parts_given_out_of_order_and_reversed() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,0],[2,0]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[3,0],[2,0]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]}}]}"#;
        let road = Road::from_geojson_str(text).unwrap();
        let xs: Vec<f64> = road.coords().iter().map(|c| c.x).collect();
        assert_eq!(xs, vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn reports_parts_that_do_not_join() {
        let text = r#"{"type":"MultiLineString","coordinates":[[[0,0],[1,0]],[[1,1],[2,1]]]}"#;
        match Road::from_geojson_str(text) {
            Err(RoadError::Disconnected {
                parts: 2,
                part: 1,
                gap_m,
            }) => {
                assert!((gap_m - 110_574.0).abs() < 100.0)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_what_it_found_instead_of_a_line() {
        let text = r#"{"type":"Point","coordinates":[1,2]}"#;
        assert_eq!(
            Road::from_geojson_str(text).unwrap_err(),
            RoadError::NoLine {
                found: "Point".into()
            }
        );
        assert!(matches!(
            Road::from_geojson_str("{\"type\": \"Nope\"}"),
            Err(RoadError::GeoJson(GeoJsonError::NotGeoJson(_)))
        ));
        assert!(matches!(
            Road::from_geojson_str("[1, 2"),
            Err(RoadError::GeoJson(GeoJsonError::Json(_)))
        ));
    }
}
