//! KML 2.2 for Google Earth: the same layers as the map page, one `Folder` each, every feature a
//! `Placemark` with its own style, a description and its properties as typed `ExtendedData`.
//!
//! Styles come from the simplestyle-spec keys the GeoJSON layers carry (`stroke`,
//! `stroke-width`, `fill`, `fill-opacity`, `marker-color`), so Google Earth colours the corridor's
//! halves, the patrol and the control lines as the map page does. Each folder declares a
//! `<Schema>` whose `SimpleField`s say which properties are numbers (`int`, `double`), so GDAL and
//! QGIS read `area_km2` as a number, not text. Times are KML's own: a checkpoint's `eta` and
//! `departure` and a route's `start` and `end` become its `TimeSpan` (which Google Earth's time
//! slider plays and GDAL reads as its `begin` and `end` fields), not data fields that would collide
//! with those. Points use an icon written beside the file ([`KML_ICON_FILE`]), not one on a web
//! server, so that they draw offline.

use std::fmt::Write as _;
use std::path::Path;

use geojson::{Feature, Geometry, GeometryValue, Position};
use serde_json::Value;

use super::markup::{escape, push_fixed};
use super::{MapLayers, WriteError, write_atomic};

/// The file name of the point icon, written beside the KML so that points draw offline; the
/// KML links it by this relative name.
pub const KML_ICON_FILE: &str = "kml_point.png";

/// The point icon (PNG): a white disc that Google Earth tints with each point's colour. Made for
/// this crate (`assets/kml/`).
pub const KML_ICON_PNG: &[u8] = include_bytes!("../../assets/kml/point.png");

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

/// Pairs of properties that become a placemark's `TimeSpan` (begin, end) when both are RFC 3339.
const TIME_SPANS: [(&str, &str); 2] = [("eta", "departure"), ("start", "end")];

/// The placemark's time: a `TimeSpan` from a pair of [`TIME_SPANS`], else a `TimeStamp` from an
/// RFC 3339 `eta`; and the keys it took, which are then not data.
fn time_primitive(feature: &Feature) -> Option<(String, [&'static str; 2])> {
    let time = |key: &str| {
        property_str(feature, key).filter(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
    };
    for (begin_key, end_key) in TIME_SPANS {
        if let (Some(begin), Some(end)) = (time(begin_key), time(end_key)) {
            let xml = format!(
                "<TimeSpan><begin>{}</begin><end>{}</end></TimeSpan>",
                escape(begin),
                escape(end)
            );
            return Some((xml, [begin_key, end_key]));
        }
    }
    let eta = time("eta")?;
    Some((
        format!("<TimeStamp><when>{}</when></TimeStamp>", escape(eta)),
        ["eta", "eta"],
    ))
}

/// A property's value as KML data: numbers as JSON writes them, booleans as 1 or 0, strings as
/// they are, lists of scalars joined with `; `; `None` for nulls and objects.
fn data_text(value: &Value) -> Option<String> {
    match value {
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Value::Array(items) => {
            let texts: Option<Vec<String>> = items.iter().map(text).collect();
            Some(texts?.join("; "))
        }
        other => text(other),
    }
}

/// The data properties of a placemark, in their order: not the styling keys, not the `name`
/// (its `<name>`), not the times its `TimeSpan` or `TimeStamp` holds.
fn data(feature: &Feature) -> Vec<(String, String)> {
    let Some(properties) = &feature.properties else {
        return Vec::new();
    };
    let times = time_primitive(feature).map(|(_, keys)| keys);
    properties
        .iter()
        .filter(|(key, _)| !STYLE_KEYS.contains(&key.as_str()) && key.as_str() != "name")
        .filter(|(key, _)| !times.is_some_and(|t| t.contains(&key.as_str())))
        .filter_map(|(key, value)| Some((key.clone(), data_text(value)?)))
        .collect()
}

/// KML's type of a data field, from its values in a layer: `int` when every one is an integer,
/// `double` when every one is a number, `bool` when every one is a boolean, else `string`.
fn field_type<'a>(values: impl Iterator<Item = &'a Value>) -> &'static str {
    let mut kind = None;
    for v in values {
        let this = match v {
            Value::Number(n) if n.is_i64() || n.is_u64() => "int",
            Value::Number(_) => "double",
            Value::Bool(_) => "bool",
            Value::Null => continue,
            _ => "string",
        };
        kind = Some(match (kind, this) {
            (None, t) => t,
            (Some(a), b) if a == b => a,
            (Some("int" | "double"), "int" | "double") => "double",
            _ => "string",
        });
    }
    kind.unwrap_or("string")
}

/// The fields of a layer's schema: every data key of its features, first seen first, typed.
fn schema_fields(fc: &geojson::FeatureCollection) -> Vec<(String, &'static str)> {
    let mut keys: Vec<String> = Vec::new();
    for f in &fc.features {
        for (key, _) in data(f) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys.into_iter()
        .map(|key| {
            let values = fc
                .features
                .iter()
                .filter_map(|f| f.properties.as_ref()?.get(&key));
            let kind = field_type(values);
            (key, kind)
        })
        .collect()
}

/// An XML ID from a layer's name (`Control lines` → `control_lines`), unique in the document.
fn schema_id(name: &str, index: usize) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("layer{index}_{id}")
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
             <Icon><href>{KML_ICON_FILE}</href></Icon></IconStyle>"
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
        push_fixed(out, lon, KML_DECIMALS);
        out.push(',');
        push_fixed(out, y, KML_DECIMALS);
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

fn write_placemark(out: &mut String, feature: &Feature, schema: &str) {
    let Some(geometry) = &feature.geometry else {
        return;
    };
    let _ = write!(
        out,
        "<Placemark>\n<name>{}</name>\n",
        escape(&placemark_name(feature))
    );
    // Google Earth shows the description as HTML: a table of every property but the styling.
    let shown: Vec<(String, String)> = feature
        .properties
        .iter()
        .flatten()
        .filter(|(key, _)| !STYLE_KEYS.contains(&key.as_str()))
        .filter_map(|(key, value)| Some((key.clone(), data_text(value)?)))
        .collect();
    if !shown.is_empty() {
        let mut table = String::from("<table>");
        for (key, value) in &shown {
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
    if let Some((time, _)) = time_primitive(feature) {
        let _ = writeln!(out, "{time}");
    }
    write_style(out, feature);
    let data = data(feature);
    if !data.is_empty() {
        let _ = write!(
            out,
            "<ExtendedData><SchemaData schemaUrl=\"#{}\">",
            escape(schema)
        );
        for (key, value) in &data {
            let _ = write!(
                out,
                "<SimpleData name=\"{}\">{}</SimpleData>",
                escape(key),
                escape(value)
            );
        }
        out.push_str("</SchemaData></ExtendedData>\n");
    }
    write_geometry(out, geometry);
    out.push_str("\n</Placemark>\n");
}

/// The layers as one KML 2.2 document: a `Folder` per layer, bottom layer first, each feature
/// a `Placemark` (Polygon, LineString, Point or MultiGeometry) named after its `name`, `title`
/// or `kind`, styled from its simplestyle-spec keys, its properties as a description table and
/// its data as `ExtendedData` typed by the folder's `<Schema>` (which GDAL and QGIS read as
/// fields: `int`, `double`, `bool` or `string`). Times (`eta`/`departure`, `start`/`end`) are
/// the placemark's `TimeSpan`, an `eta` alone its `TimeStamp`. The credits are the document's
/// description. Coordinates are longitude, latitude in WGS84, 7 decimals, as KML requires.
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
    let mut kml = Vec::new();
    // Writing into memory cannot fail; the document is UTF-8.
    let _ = map_kml_to_writer(&mut kml, layers);
    String::from_utf8_lossy(&kml).into_owned()
}

/// Bytes of KML gathered before they go to the writer.
const KML_CHUNK_BYTES: usize = 1 << 16;

/// Writes [`map_kml`] into `w` as it is made, a placemark at a time, with no copy of the
/// document in memory.
pub(crate) fn map_kml_to_writer(
    w: &mut dyn std::io::Write,
    layers: &MapLayers,
) -> std::io::Result<()> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    );
    let _ = writeln!(out, "<name>{}</name>", escape(layers.title()));
    if !layers.credits().is_empty() {
        let _ = writeln!(
            out,
            "<description>{}</description>",
            escape(&format!("Data: {}.", layers.credits().join("; ")))
        );
    }
    // A typed schema per layer: KML wants them in the Document before the features.
    let ids: Vec<String> = layers
        .layers()
        .iter()
        .enumerate()
        .map(|(i, (name, _))| schema_id(name, i))
        .collect();
    for ((name, fc), id) in layers.layers().iter().zip(&ids) {
        let _ = write!(
            out,
            "<Schema name=\"{}\" id=\"{}\">",
            escape(name),
            escape(id)
        );
        for (key, kind) in schema_fields(fc) {
            let _ = write!(
                out,
                "<SimpleField name=\"{}\" type=\"{kind}\"/>",
                escape(&key)
            );
        }
        out.push_str("</Schema>\n");
    }
    for ((name, fc), id) in layers.layers().iter().zip(&ids) {
        let _ = writeln!(out, "<Folder>\n<name>{}</name>", escape(name));
        for feature in &fc.features {
            write_placemark(&mut out, feature, id);
            if out.len() >= KML_CHUNK_BYTES {
                w.write_all(out.as_bytes())?;
                out.clear();
            }
        }
        out.push_str("</Folder>\n");
    }
    out.push_str("</Document>\n</kml>\n");
    w.write_all(out.as_bytes())
}

/// Writes [`map_kml`] to `path` atomically (see [`write_atomic`]), and its point icon
/// ([`KML_ICON_FILE`]) beside it.
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
/// assert!(dir.path().join(corridor::export::KML_ICON_FILE).exists());
/// ```
pub fn write_map_kml(path: &Path, layers: &MapLayers) -> Result<(), WriteError> {
    let icon = path.with_file_name(KML_ICON_FILE);
    write_atomic(&icon, |w| w.write_all(KML_ICON_PNG))?;
    write_atomic(path, |w| map_kml_to_writer(w, layers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_types_are_the_narrowest_that_holds_every_value() {
        let values = [json!(1), json!(2)];
        assert_eq!(field_type(values.iter()), "int");
        let values = [json!(1), json!(2.5), Value::Null];
        assert_eq!(field_type(values.iter()), "double");
        let values = [json!(1), json!("x")];
        assert_eq!(field_type(values.iter()), "string");
        let values = [json!(true)];
        assert_eq!(field_type(values.iter()), "bool");
    }

    #[test]
    fn a_start_and_end_become_a_time_span() {
        let feature: Feature = serde_json::from_value(json!({
            "type": "Feature",
            "properties": {"kind": "patrol_route", "start": "2020-03-15T09:00:00+03:00",
                "end": "2020-03-15T11:00:00+03:00", "length_km": 61.3},
            "geometry": {"type": "LineString", "coordinates": [[36.1, 35.8], [36.2, 35.8]]}
        }))
        .unwrap();
        let (time, _) = time_primitive(&feature).unwrap();
        assert_eq!(
            time,
            "<TimeSpan><begin>2020-03-15T09:00:00+03:00</begin><end>2020-03-15T11:00:00+03:00</end></TimeSpan>"
        );
        let keys: Vec<String> = data(&feature).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["kind", "length_km"]);
    }

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
        write_placemark(&mut out, &feature, "checkpoints");
        assert!(
            out.contains("<name>Ain &lt;al&gt; &amp; &quot;Hawr&quot;</name>"),
            "{out}"
        );
        assert!(
            out.contains("<SimpleData name=\"chainage_km\">12.5</SimpleData>"),
            "{out}"
        );
        assert!(
            out.contains("<SchemaData schemaUrl=\"#checkpoints\">"),
            "{out}"
        );
        assert!(
            !out.contains("name=\"marker-color\"") && !out.contains("nested"),
            "{out}"
        );
        assert!(out.contains("<TimeStamp><when>2020-03-15T09:00:00+03:00</when></TimeStamp>"));
        assert!(
            !out.contains("name=\"eta\""),
            "the time is not data too: {out}"
        );
        assert!(out.contains("<IconStyle><color>ff2ca02c</color>"), "{out}");
        assert!(
            out.contains("<coordinates>36.1234568,35.8000000</coordinates>"),
            "{out}"
        );
    }
}
