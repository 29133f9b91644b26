//! KML 2.2 for Google Earth: the same layers as the map page, one `Folder` each, every feature a
//! `Placemark` with its own style, a description and its properties as `ExtendedData`.
//!
//! Styles come from the simplestyle-spec keys the GeoJSON layers carry (`stroke`,
//! `stroke-width`, `fill`, `fill-opacity`, `marker-color`), so Google Earth colours the corridor's
//! halves, the patrol and the control lines as the map page does. A checkpoint's `eta` becomes
//! its `TimeStamp`, which Google Earth's time slider plays.

use std::fmt::Write as _;
use std::path::Path;

use geojson::{Feature, Geometry, GeometryValue, Position};
use serde_json::Value;

use super::markup::escape;
use super::{MapLayers, WriteError, write_atomic};

/// Decimals kept in KML coordinates: 1e-7° is about 1 cm.
const KML_DECIMALS: usize = 7;

/// Properties that only style a feature: they go into its `Style`, not its data.
const STYLE_KEYS: [&str; 8] = [
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "fill",
    "fill-opacity",
    "marker-color",
    "marker-size",
    "marker-symbol",
];

/// A `#rgb` or `#rrggbb` colour and an opacity in [0, 1] as KML's `aabbggrr`; `None` for
/// anything else.
fn kml_colour(css: &str, opacity: f64) -> Option<String> {
    let hex = css.strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let full: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_string(),
        _ => return None,
    };
    let alpha = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    let (r, g, b) = (&full[0..2], &full[2..4], &full[4..6]);
    Some(format!("{alpha:02x}{b}{g}{r}").to_ascii_lowercase())
}

fn property<'a>(feature: &'a Feature, key: &str) -> Option<&'a Value> {
    feature.properties.as_ref()?.get(key)
}

fn property_str<'a>(feature: &'a Feature, key: &str) -> Option<&'a str> {
    property(feature, key)?.as_str()
}

fn property_f64(feature: &Feature, key: &str) -> Option<f64> {
    property(feature, key)?.as_f64().filter(|v| v.is_finite())
}

/// A property's value as text: strings as they are, numbers and booleans as JSON writes them;
/// `None` for nulls, arrays and objects.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The placemark's name: its `name`, else its `title`, else its `kind`.
fn placemark_name(feature: &Feature) -> String {
    ["name", "title", "kind"]
        .iter()
        .find_map(|key| property_str(feature, key))
        .unwrap_or("feature")
        .to_string()
}

/// The data properties (not the styling keys), in their order.
fn data(feature: &Feature) -> Vec<(String, String)> {
    let Some(properties) = &feature.properties else {
        return Vec::new();
    };
    properties
        .iter()
        .filter(|(key, _)| !STYLE_KEYS.contains(&key.as_str()))
        .filter_map(|(key, value)| Some((key.clone(), text(value)?)))
        .collect()
}

fn write_style(out: &mut String, feature: &Feature) {
    let stroke = property_str(feature, "stroke")
        .and_then(|c| kml_colour(c, property_f64(feature, "stroke-opacity").unwrap_or(1.0)));
    let fill = property_str(feature, "fill")
        .and_then(|c| kml_colour(c, property_f64(feature, "fill-opacity").unwrap_or(0.6)));
    let marker = property_str(feature, "marker-color").and_then(|c| kml_colour(c, 1.0));
    if stroke.is_none() && fill.is_none() && marker.is_none() {
        return;
    }
    out.push_str("<Style>");
    if let Some(colour) = marker {
        let scale = match property_str(feature, "marker-size") {
            Some("small") => 0.8,
            Some("large") => 1.4,
            _ => 1.1,
        };
        let _ = write!(
            out,
            "<IconStyle><color>{colour}</color><scale>{scale}</scale>\
             <Icon><href>http://maps.google.com/mapfiles/kml/paddle/wht-blank.png</href></Icon></IconStyle>"
        );
    }
    if let Some(colour) = &stroke {
        let width = property_f64(feature, "stroke-width").unwrap_or(2.0);
        let _ = write!(
            out,
            "<LineStyle><color>{colour}</color><width>{width}</width></LineStyle>"
        );
    }
    match fill {
        Some(colour) => {
            let _ = write!(out, "<PolyStyle><color>{colour}</color></PolyStyle>");
        }
        None if stroke.is_some() => out.push_str("<PolyStyle><fill>0</fill></PolyStyle>"),
        None => {}
    }
    out.push_str("</Style>");
}

fn write_coordinates(out: &mut String, positions: &[Position]) {
    out.push_str("<coordinates>");
    for (i, p) in positions.iter().enumerate() {
        let s = p.as_slice();
        let (Some(&x), Some(&y)) = (s.first(), s.get(1)) else {
            continue;
        };
        let lon = if (-180.0..=180.0).contains(&x) {
            x
        } else {
            (x + 180.0).rem_euclid(360.0) - 180.0
        };
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{lon:.KML_DECIMALS$},{y:.KML_DECIMALS$}");
    }
    out.push_str("</coordinates>");
}

fn write_polygon(out: &mut String, rings: &[Vec<Position>]) {
    out.push_str("<Polygon><tessellate>1</tessellate>");
    for (i, ring) in rings.iter().enumerate() {
        let boundary = if i == 0 {
            "outerBoundaryIs"
        } else {
            "innerBoundaryIs"
        };
        let _ = write!(out, "<{boundary}><LinearRing>");
        write_coordinates(out, ring);
        let _ = write!(out, "</LinearRing></{boundary}>");
    }
    out.push_str("</Polygon>");
}

fn write_line(out: &mut String, line: &[Position]) {
    out.push_str("<LineString><tessellate>1</tessellate>");
    write_coordinates(out, line);
    out.push_str("</LineString>");
}

fn write_point(out: &mut String, p: &Position) {
    out.push_str("<Point>");
    write_coordinates(out, std::slice::from_ref(p));
    out.push_str("</Point>");
}

fn write_geometry(out: &mut String, geometry: &Geometry) {
    match &geometry.value {
        GeometryValue::Point { coordinates } => write_point(out, coordinates),
        GeometryValue::LineString { coordinates } => write_line(out, coordinates),
        GeometryValue::Polygon { coordinates } => write_polygon(out, coordinates),
        GeometryValue::MultiPoint { coordinates } => {
            out.push_str("<MultiGeometry>");
            coordinates.iter().for_each(|p| write_point(out, p));
            out.push_str("</MultiGeometry>");
        }
        GeometryValue::MultiLineString { coordinates } => {
            out.push_str("<MultiGeometry>");
            coordinates.iter().for_each(|l| write_line(out, l));
            out.push_str("</MultiGeometry>");
        }
        GeometryValue::MultiPolygon { coordinates } => {
            out.push_str("<MultiGeometry>");
            coordinates.iter().for_each(|p| write_polygon(out, p));
            out.push_str("</MultiGeometry>");
        }
        GeometryValue::GeometryCollection { geometries } => {
            out.push_str("<MultiGeometry>");
            geometries.iter().for_each(|g| write_geometry(out, g));
            out.push_str("</MultiGeometry>");
        }
    }
}

fn write_placemark(out: &mut String, feature: &Feature) {
    let Some(geometry) = &feature.geometry else {
        return;
    };
    let data = data(feature);
    let _ = write!(
        out,
        "<Placemark>\n<name>{}</name>\n",
        escape(&placemark_name(feature))
    );
    if !data.is_empty() {
        // Google Earth shows the description as HTML: a table of the properties.
        let mut table = String::from("<table>");
        for (key, value) in &data {
            let _ = write!(
                table,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(key),
                escape(value)
            );
        }
        table.push_str("</table>");
        let _ = writeln!(out, "<description>{}</description>", escape(&table));
    }
    if let Some(eta) = property_str(feature, "eta") {
        let _ = writeln!(out, "<TimeStamp><when>{}</when></TimeStamp>", escape(eta));
    }
    write_style(out, feature);
    if !data.is_empty() {
        out.push_str("<ExtendedData>");
        for (key, value) in &data {
            let _ = write!(
                out,
                "<Data name=\"{}\"><value>{}</value></Data>",
                escape(key),
                escape(value)
            );
        }
        out.push_str("</ExtendedData>\n");
    }
    write_geometry(out, geometry);
    out.push_str("\n</Placemark>\n");
}

/// The layers as one KML 2.2 document: a `Folder` per layer, bottom layer first, each feature
/// a `Placemark` (Polygon, LineString, Point or MultiGeometry) named after its `name`, `title`
/// or `kind`, styled from its simplestyle-spec keys, its other properties both as a description
/// table and as `ExtendedData` (which GDAL and QGIS read as fields). Coordinates are
/// longitude, latitude in WGS84, 7 decimals, as KML requires.
///
/// # Examples
/// ```
/// use corridor::export::{MapLayers, map_kml, zones_geojson};
/// use corridor::{Corridor, CorridorOptions, Road};
/// use geo::line_string;
///
/// // Near Saraqib: longitude, latitude.
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let zones = zones_geojson(&corridor, "test <corridor>");
/// let kml = map_kml(&MapLayers::new("M4 & co").layer("Zones", &zones));
/// assert!(kml.contains(r#"<kml xmlns="http://www.opengis.net/kml/2.2">"#));
/// assert!(kml.contains("<name>M4 &amp; co</name>"));
/// assert_eq!(kml.matches("<Placemark>").count(), 3); // the corridor and its halves
/// assert!(kml.contains("<PolyStyle><color>40b4771f</color></PolyStyle>")); // #1f77b4 at 0.25
/// ```
pub fn map_kml(layers: &MapLayers) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    );
    let _ = writeln!(out, "<name>{}</name>", escape(layers.title()));
    for (name, fc) in layers.layers() {
        let _ = writeln!(out, "<Folder>\n<name>{}</name>", escape(name));
        for feature in &fc.features {
            write_placemark(&mut out, feature);
        }
        out.push_str("</Folder>\n");
    }
    out.push_str("</Document>\n</kml>\n");
    out
}

/// Writes [`map_kml`] to `path` atomically (see [`write_atomic`]).
///
/// # Errors
/// [`WriteError`] naming the file.
///
/// # Examples
/// ```
/// use corridor::export::{MapLayers, write_map_kml};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("corridor.kml");
/// write_map_kml(&path, &MapLayers::new("nothing yet")).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("<name>nothing yet</name>"));
/// ```
pub fn write_map_kml(path: &Path, layers: &MapLayers) -> Result<(), WriteError> {
    let kml = map_kml(layers);
    write_atomic(path, |w| w.write_all(kml.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn colours_become_aabbggrr_and_bad_ones_are_dropped() {
        assert_eq!(kml_colour("#1f77b4", 1.0).unwrap(), "ffb4771f");
        assert_eq!(kml_colour("#ABC", 0.0).unwrap(), "00ccbbaa");
        assert_eq!(kml_colour("#1f77b4", 0.25).unwrap(), "40b4771f");
        assert_eq!(kml_colour("red", 1.0), None);
        assert_eq!(kml_colour("#12345g", 1.0), None);
        assert_eq!(kml_colour("#1234", 1.0), None);
    }

    #[test]
    fn placemarks_escape_text_and_keep_data_apart_from_style() {
        let feature: Feature = serde_json::from_value(json!({
            "type": "Feature",
            "properties": {"kind": "checkpoint", "name": "Ain <al> & \"Hawr\"", "chainage_km": 12.5,
                "eta": "2020-03-15T09:00:00+03:00", "marker-color": "#2ca02c", "nested": {"a": 1}},
            "geometry": {"type": "Point", "coordinates": [36.123456789, 35.8]}
        }))
        .unwrap();
        let mut out = String::new();
        write_placemark(&mut out, &feature);
        assert!(
            out.contains("<name>Ain &lt;al&gt; &amp; &quot;Hawr&quot;</name>"),
            "{out}"
        );
        assert!(
            out.contains("<Data name=\"chainage_km\"><value>12.5</value></Data>"),
            "{out}"
        );
        assert!(
            !out.contains("name=\"marker-color\"") && !out.contains("nested"),
            "{out}"
        );
        assert!(out.contains("<TimeStamp><when>2020-03-15T09:00:00+03:00</when></TimeStamp>"));
        assert!(out.contains("<IconStyle><color>ff2ca02c</color>"), "{out}");
        assert!(
            out.contains("<coordinates>36.1234568,35.8000000</coordinates>"),
            "{out}"
        );
    }
}
