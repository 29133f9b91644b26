//! A self-contained HTML map page of the layers, and the styling and legend that the page and
//! the static picture ([`map_svg`](super::map_svg)) share.
//!
//! The page works offline: the layers are embedded as GeoJSON and the JS map library, Leaflet
//! 1.9.4 (BSD-2-Clause, vendored from its npm package with its licence in `assets/leaflet/`),
//! is inlined; nothing is loaded from a CDN. An OpenStreetMap basemap shows under the layers
//! when the browser is online.
//!
//! Every feature is drawn with its simplestyle-spec properties (`stroke`, `stroke-width`,
//! `fill`, `fill-opacity`, `marker-color`), so the page shows any GeoJSON the same way, not only
//! this crate's layers. Colours that are not `#rgb` or `#rrggbb` fall back to the spec's
//! defaults.

use super::markup::escape;
use std::io::Write;
use std::path::Path;

use geojson::{Feature, FeatureCollection, GeometryValue};
use serde_json::{Value, json};

use super::{WriteError, write_atomic};
use crate::geojson_input::{self, GeoJsonError};

const LEAFLET_JS: &str = include_str!("../../assets/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../../assets/leaflet/leaflet.css");
const LEAFLET_LICENSE: &str = include_str!("../../assets/leaflet/LICENSE");

/// The simplestyle-spec defaults.
const DEFAULT_STROKE: &str = "#555555";
const DEFAULT_FILL: &str = "#555555";
const DEFAULT_MARKER: &str = "#7e7e7e";

/// Why a file cannot be a map layer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayerError {
    /// The file is not the GeoJSON asked for.
    #[error(transparent)]
    GeoJson(#[from] GeoJsonError),
}

/// Reads any GeoJSON (a FeatureCollection, a Feature or a bare Geometry) as a layer.
///
/// # Errors
/// [`LayerError`] when the text is not JSON or not GeoJSON.
///
/// # Examples
/// ```
/// use corridor::export::layer_from_geojson_str;
/// let layer = layer_from_geojson_str(r#"{"type": "Point", "coordinates": [36.8, 35.86]}"#).unwrap();
/// assert_eq!(layer.features.len(), 1);
/// assert!(layer_from_geojson_str("{\"type\": \"Nothing\"}").is_err());
/// assert!(layer_from_geojson_str("[1, 2").is_err());
/// ```
pub fn layer_from_geojson_str(text: &str) -> Result<FeatureCollection, LayerError> {
    Ok(geojson_input::feature_collection(text)?)
}

/// Named layers to show on a map, drawn in the order they were added (the first at the bottom).
///
/// # Examples
/// ```
/// use corridor::export::MapLayers;
/// use geojson::FeatureCollection;
///
/// let empty = FeatureCollection { bbox: None, features: vec![], foreign_members: None };
/// let layers = MapLayers::new("my corridor").layer("zones", &empty).layer("patrol", &empty);
/// assert_eq!(layers.layers().len(), 2);
/// assert_eq!(layers.title(), "my corridor");
/// ```
#[derive(Debug, Clone)]
pub struct MapLayers<'a> {
    title: String,
    layers: Vec<(String, &'a FeatureCollection)>,
    credits: Vec<String>,
}

impl<'a> MapLayers<'a> {
    /// No layers yet, and the map's title.
    ///
    /// # Examples
    /// ```
    /// let layers = corridor::export::MapLayers::new("M4");
    /// assert!(layers.layers().is_empty());
    /// ```
    pub fn new(title: impl Into<String>) -> MapLayers<'a> {
        MapLayers {
            title: title.into(),
            layers: Vec::new(),
            credits: Vec::new(),
        }
    }

    /// Adds a layer on top of the others.
    ///
    /// # Examples
    /// ```
    /// use geojson::FeatureCollection;
    /// let places = FeatureCollection { bbox: None, features: vec![], foreign_members: None };
    /// let layers = corridor::export::MapLayers::new("M4").layer("places", &places);
    /// assert_eq!(layers.layers()[0].0, "places");
    /// ```
    pub fn layer(mut self, name: impl Into<String>, features: &'a FeatureCollection) -> Self {
        self.layers.push((name.into(), features));
        self
    }

    /// Credits a source of the data and its licence: the map page shows it in its attribution
    /// line, the KML in its description.
    ///
    /// # Examples
    /// ```
    /// let layers = corridor::export::MapLayers::new("M4").credit("Places: GeoNames, CC BY 4.0");
    /// assert_eq!(layers.credits(), ["Places: GeoNames, CC BY 4.0"]);
    /// ```
    pub fn credit(mut self, text: impl Into<String>) -> Self {
        self.credits.push(text.into());
        self
    }

    /// The credits, in the order given.
    ///
    /// # Examples
    /// ```
    /// assert!(corridor::export::MapLayers::new("M4").credits().is_empty());
    /// ```
    pub fn credits(&self) -> &[String] {
        &self.credits
    }

    /// The title.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::export::MapLayers::new("M4").title(), "M4");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The layers, bottom first, with their names.
    ///
    /// # Examples
    /// ```
    /// assert!(corridor::export::MapLayers::new("M4").layers().is_empty());
    /// ```
    pub fn layers(&self) -> &[(String, &'a FeatureCollection)] {
        &self.layers
    }

    /// All features, bottom layer first.
    pub(crate) fn features(&self) -> impl Iterator<Item = &'a Feature> + '_ {
        self.layers.iter().flat_map(|(_, fc)| fc.features.iter())
    }

    /// One legend entry per distinct kind of feature and colour, in drawing order.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Corridor, CorridorOptions, Road};
    /// use corridor::export::{MapLayers, Symbol, zones_geojson};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let zones = zones_geojson(&corridor, "test");
    /// let legend = MapLayers::new("test").layer("zones", &zones).legend();
    /// let labels: Vec<_> = legend.iter().map(|e| e.label.as_str()).collect();
    /// assert_eq!(labels, ["Corridor", "North half (6 km)", "South half (6 km)"]);
    /// assert!(matches!(legend[1].symbol, Symbol::Area { .. }));
    /// ```
    pub fn legend(&self) -> Vec<LegendEntry> {
        let mut entries: Vec<LegendEntry> = Vec::new();
        for f in self.features() {
            let Some(symbol) = Symbol::of(f) else {
                continue;
            };
            let entry = LegendEntry {
                label: legend_label(f),
                symbol,
            };
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        entries
    }
}

/// How a legend entry is drawn: colours are `#rrggbb` or `#rgb`, widths in CSS pixels.
#[derive(Debug, Clone, PartialEq)]
pub enum Symbol {
    /// A filled area with an outline.
    Area {
        /// Fill colour.
        fill: String,
        /// Fill opacity, 0 to 1.
        fill_opacity: f64,
        /// Outline colour.
        stroke: String,
        /// Outline width, pixels.
        stroke_width: f64,
    },
    /// A line.
    Line {
        /// Line colour.
        stroke: String,
        /// Line width, pixels.
        stroke_width: f64,
        /// Drawn dashed (a patrol's return leg, over the outward one).
        dashed: bool,
    },
    /// A point marker.
    Point {
        /// Marker colour.
        colour: String,
        /// Marker radius, pixels.
        radius: f64,
    },
}

impl Symbol {
    /// The symbol a feature is drawn with, from its geometry and simplestyle properties; `None`
    /// for a feature without geometry.
    ///
    /// # Examples
    /// ```
    /// use corridor::export::{Symbol, point_feature};
    /// let f = point_feature(geo::coord! { x: 36.8, y: 35.86 },
    ///     serde_json::json!({"marker-color": "#2ca02c", "marker-size": "small"}));
    /// assert_eq!(Symbol::of(&f), Some(Symbol::Point { colour: "#2ca02c".into(), radius: 4.0 }));
    /// ```
    pub fn of(feature: &Feature) -> Option<Symbol> {
        let geometry = feature.geometry.as_ref()?;
        let text = |key: &str| feature.property(key).and_then(Value::as_str);
        let number = |key: &str| feature.property(key).and_then(Value::as_f64);
        let stroke = colour(text("stroke"), DEFAULT_STROKE);
        let stroke_width = number("stroke-width")
            .filter(|w| w.is_finite() && *w >= 0.0)
            .map_or(2.0, |w| w.min(20.0));
        Some(match &geometry.value {
            GeometryValue::Point { .. } | GeometryValue::MultiPoint { .. } => Symbol::Point {
                colour: colour(text("marker-color"), DEFAULT_MARKER),
                radius: match text("marker-size") {
                    Some("small") => 4.0,
                    Some("large") => 8.0,
                    _ => 6.0,
                },
            },
            GeometryValue::LineString { .. } | GeometryValue::MultiLineString { .. } => {
                Symbol::Line {
                    stroke,
                    stroke_width,
                    // A return leg runs over the outward one: dashes let both show.
                    dashed: text("kind") == Some("patrol_route")
                        && number("leg").is_some_and(|leg| leg > 1.0),
                }
            }
            _ => Symbol::Area {
                fill: colour(text("fill"), DEFAULT_FILL),
                fill_opacity: number("fill-opacity")
                    .filter(|o| o.is_finite())
                    .map_or(0.6, |o| o.clamp(0.0, 1.0)),
                stroke,
                stroke_width,
            },
        })
    }
}

/// A line of a map's legend.
///
/// # Examples
/// ```
/// use corridor::export::{LegendEntry, Symbol};
/// let entry = LegendEntry {
///     label: "Road (centre line)".into(),
///     symbol: Symbol::Line { stroke: "#000000".into(), stroke_width: 3.0, dashed: false },
/// };
/// assert_eq!(entry.label, "Road (centre line)");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// What the symbol stands for.
    pub label: String,
    /// How it is drawn.
    pub symbol: Symbol,
}

/// A colour from user data if it is `#rgb` or `#rrggbb`, else the default: nothing else reaches
/// an attribute of the page or the picture.
pub(crate) fn colour(value: Option<&str>, default: &str) -> String {
    match value {
        Some(c)
            if c.starts_with('#')
                && matches!(c.len(), 4 | 7)
                && c[1..].bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            c.to_string()
        }
        _ => default.to_string(),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A number of kilometres with at most three decimals and no trailing zeros.
fn km(metres: f64) -> String {
    let s = format!("{:.3}", metres / 1_000.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The legend's words for a feature, from its `kind` and a few properties.
fn legend_label(f: &Feature) -> String {
    let text = |key: &str| f.property(key).and_then(Value::as_str).unwrap_or("");
    let number = |key: &str| f.property(key).and_then(Value::as_f64);
    match text("kind") {
        // A zone of an agreement (not the corridor of `build`) goes by its own name.
        "corridor" if !matches!(text("zone"), "" | "corridor") => text("name").into(),
        "corridor_side" if !matches!(text("zone"), "" | "corridor") => text("title").into(),
        "corridor" => "Corridor".into(),
        "corridor_side" => match number("width_m") {
            Some(w) => format!("{} half ({} km)", capitalised(text("side")), km(w)),
            None => format!("{} half", capitalised(text("side"))),
        },
        // An agreement's lines go by their ids (`border`), a corridor's by what it is.
        "centerline" if !matches!(text("name"), "" | "centerline") => capitalised(text("name")),
        "centerline" => "Road (centre line)".into(),
        "limit" => format!("{} limit", capitalised(text("side"))),
        "gate" => "Gate".into(),
        "patrol_route" => format!("Patrol {} → {}", text("from"), text("to")),
        "checkpoint" => match text("checkpoint") {
            "start" => "Patrol start".into(),
            "end" => "Patrol end".into(),
            "place" => "Checkpoint at a place".into(),
            "kilometre" => "Kilometre post".into(),
            _ => "Checkpoint".into(),
        },
        "place" => "Named place".into(),
        // A site by its role, up to the first colon (the rest is the role's detail).
        "site" => match text("role").split(':').next().map(str::trim) {
            Some(role) if !role.is_empty() => capitalised(role),
            _ => "Site".into(),
        },
        "" => match &f.geometry {
            Some(g) => g.value.type_name().to_string(),
            None => "Feature".into(),
        },
        other => capitalised(&other.replace('_', " ")),
    }
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` only ever occur inside JSON
/// strings, where their `\u` escapes mean the same, so no `</script>` can end the element early.
fn script_json(value: &Value) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and JSON is UTF-8 with or without the escapes.
    let _ = write_script_safe(&mut out, value.to_string().as_bytes());
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes JSON text into `w` with the escapes of [`script_json`] (`<`, `>`, `&`, and the line
/// and paragraph separators, which end a line in older JavaScript).
fn write_script_safe(w: &mut dyn Write, json: &[u8]) -> std::io::Result<()> {
    let mut start = 0;
    let mut i = 0;
    while i < json.len() {
        let escaped: Option<(&[u8], usize)> = match json[i] {
            b'<' => Some((b"\\u003c", 1)),
            b'>' => Some((b"\\u003e", 1)),
            b'&' => Some((b"\\u0026", 1)),
            0xE2 if json[i..].starts_with("\u{2028}".as_bytes()) => Some((b"\\u2028", 3)),
            0xE2 if json[i..].starts_with("\u{2029}".as_bytes()) => Some((b"\\u2029", 3)),
            _ => None,
        };
        match escaped {
            Some((escape, len)) => {
                w.write_all(&json[start..i])?;
                w.write_all(escape)?;
                i += len;
                start = i;
            }
            None => i += 1,
        }
    }
    w.write_all(&json[start..])
}

/// The layers as the page reads them, `[{"features": {...}, "name": "..."}, ...]`, every object
/// with its keys in order (as a `serde_json::Value` writes them), into `out`.
fn layers_json(out: &mut Vec<u8>, layers: &MapLayers) {
    out.push(b'[');
    for (k, (name, fc)) in layers.layers().iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"features\":");
        collection_json(out, fc);
        out.extend_from_slice(b",\"name\":");
        // A string always serialises.
        let _ = serde_json::to_writer(&mut *out, name);
        out.push(b'}');
    }
    out.push(b']');
}

/// A FeatureCollection with its keys in order, its coordinates written straight from the
/// features: going through a `serde_json::Value` built a tree of every coordinate of the map
/// first (about two thirds of the page's time).
fn collection_json(out: &mut Vec<u8>, fc: &FeatureCollection) {
    if fc.bbox.is_some() || fc.foreign_members.is_some() {
        return value_json(out, fc);
    }
    out.extend_from_slice(b"{\"features\":[");
    for (k, f) in fc.features.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        feature_json(out, f);
    }
    out.extend_from_slice(b"],\"type\":\"FeatureCollection\"}");
}

/// A Feature with its keys in order: `geometry`, `properties` (already a sorted map), `type`.
/// Features with more members go through a `Value`.
fn feature_json(out: &mut Vec<u8>, f: &Feature) {
    let plain = |g: &geojson::Geometry| {
        g.bbox.is_none()
            && g.foreign_members.is_none()
            && !matches!(g.value, GeometryValue::GeometryCollection { .. })
    };
    if f.bbox.is_some()
        || f.id.is_some()
        || f.foreign_members.is_some()
        || !f.geometry.as_ref().is_none_or(plain)
    {
        return value_json(out, f);
    }
    out.extend_from_slice(b"{\"geometry\":");
    // Numbers, arrays and maps of strings always serialise.
    let _ = match f.geometry.as_ref().map(|g| &g.value) {
        None => serde_json::to_writer(&mut *out, &()),
        Some(value) => {
            out.extend_from_slice(b"{\"coordinates\":");
            let written = match value {
                GeometryValue::Point { coordinates } => {
                    serde_json::to_writer(&mut *out, coordinates)
                }
                GeometryValue::MultiPoint { coordinates } => {
                    serde_json::to_writer(&mut *out, coordinates)
                }
                GeometryValue::LineString { coordinates } => {
                    serde_json::to_writer(&mut *out, coordinates)
                }
                GeometryValue::MultiLineString { coordinates } => {
                    serde_json::to_writer(&mut *out, coordinates)
                }
                GeometryValue::Polygon { coordinates } => {
                    serde_json::to_writer(&mut *out, coordinates)
                }
                GeometryValue::MultiPolygon { coordinates } => {
                    serde_json::to_writer(&mut *out, coordinates)
                }
                GeometryValue::GeometryCollection { .. } => Ok(()),
            };
            out.extend_from_slice(b",\"type\":");
            let _ = serde_json::to_writer(&mut *out, value.type_name());
            out.push(b'}');
            written
        }
    };
    out.extend_from_slice(b",\"properties\":");
    let _ = serde_json::to_writer(&mut *out, &f.properties);
    out.extend_from_slice(b",\"type\":\"Feature\"}");
}

/// Anything through a `serde_json::Value`, whose maps keep their keys in order; an empty
/// collection should it ever not serialise (its keys are all strings).
fn value_json(out: &mut Vec<u8>, item: &impl serde::Serialize) {
    let value = serde_json::to_value(item)
        .unwrap_or_else(|_| json!({"type": "FeatureCollection", "features": []}));
    let _ = serde_json::to_writer(&mut *out, &value);
}

fn legend_json(entries: &[LegendEntry]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| match &e.symbol {
                Symbol::Area {
                    fill,
                    fill_opacity,
                    stroke,
                    stroke_width,
                } => json!({"label": e.label, "type": "area", "fill": fill,
                    "fillOpacity": fill_opacity, "stroke": stroke, "strokeWidth": stroke_width}),
                Symbol::Line {
                    stroke,
                    stroke_width,
                    dashed,
                } => json!({"label": e.label, "type": "line", "stroke": stroke,
                    "strokeWidth": stroke_width, "dashed": dashed}),
                Symbol::Point { colour, radius } => {
                    json!({"label": e.label, "type": "point", "colour": colour, "radius": radius})
                }
            })
            .collect(),
    )
}

/// The page's own script: draws the layers, the legend and the scale bar, then sets
/// `data-layers-drawn` (layers), `data-features-drawn` (features) and `data-bounds` (west,
/// south, east, north of all features, degrees) on `<body>`. A script error
/// is recorded in `data-script-error`.
const PAGE_SCRIPT: &str = r##"
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("corridor-layers").textContent);
  var legend = JSON.parse(document.getElementById("corridor-legend").textContent);
  var credits = JSON.parse(document.getElementById("corridor-credits").textContent);
  var DEFAULTS = {stroke: "#555555", fill: "#555555", marker: "#7e7e7e"};
  var HEX = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
  var STYLE_KEYS = {"stroke": 1, "stroke-width": 1, "stroke-opacity": 1, "fill": 1,
    "fill-opacity": 1, "marker-color": 1, "marker-size": 1, "marker-symbol": 1, "title": 1};
  var FIRST_KEYS = ["name", "kind", "side", "chainage_km", "eta", "departure", "from", "to",
    "start", "end", "length_km", "width_m", "offset_m", "area_km2"];

  function colour(value, fallback) { return HEX.test(value) ? value : fallback; }
  function num(value, fallback, lo, hi) {
    return (typeof value === "number" && isFinite(value)) ? Math.min(hi, Math.max(lo, value)) : fallback;
  }
  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }
  function popupHtml(p) {
    var keys = FIRST_KEYS.filter(function (k) { return k in p; });
    Object.keys(p).forEach(function (k) {
      if (keys.indexOf(k) < 0 && !(k in STYLE_KEYS)) { keys.push(k); }
    });
    var rows = keys.map(function (k) {
      var v = p[k];
      if (v !== null && typeof v === "object") { v = JSON.stringify(v); }
      return "<tr><th>" + escapeHtml(k) + "</th><td>" + escapeHtml(v) + "</td></tr>";
    });
    var title = p.title || p.name || p.kind || "";
    return "<b>" + escapeHtml(title) + "</b><table>" + rows.join("") + "</table>";
  }
  function markerStyle(p) {
    return {
      radius: {small: 4, large: 8}[p["marker-size"]] || 6,
      color: "#ffffff", weight: 1.5, opacity: 1,
      fillColor: colour(p["marker-color"], DEFAULTS.marker), fillOpacity: 1
    };
  }
  function pathStyle(feature) {
    var p = feature.properties || {};
    var type = (feature.geometry && feature.geometry.type) || "";
    if (/Point/.test(type)) { return markerStyle(p); }
    var area = /Polygon/.test(type);
    return {
      // A return leg runs over the outward one: dashes let both show.
      dashArray: (p.kind === "patrol_route" && p.leg > 1) ? "10 10" : null,
      color: colour(p.stroke, DEFAULTS.stroke),
      weight: num(p["stroke-width"], 2, 0, 20),
      opacity: num(p["stroke-opacity"], 1, 0, 1),
      fillColor: colour(p.fill, DEFAULTS.fill),
      fillOpacity: area ? num(p["fill-opacity"], 0.6, 0, 1) : 0
    };
  }
  function isPlace(p) { return p.kind === "place"; }

  var map = L.map("map", {preferCanvas: false});
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors"
  }).addTo(map);
  // The data's sources and licences, beside the basemap's.
  credits.forEach(function (c) { map.attributionControl.addAttribution(escapeHtml(c)); });

  // Layers cut at the antimeridian (RFC 7946) are drawn in one piece: where the longitudes
  // span more than half the globe, the western ones go on past 180 (Leaflet draws them there).
  var lonMin = Infinity, lonMax = -Infinity;
  function scan(c) {
    if (!Array.isArray(c)) { return; }
    if (typeof c[0] === "number") { lonMin = Math.min(lonMin, c[0]); lonMax = Math.max(lonMax, c[0]); }
    else { c.forEach(scan); }
  }
  data.forEach(function (layer) {
    (layer.features.features || []).forEach(function (f) { if (f.geometry) { scan(f.geometry.coordinates); } });
  });
  var unroll = lonMax - lonMin > 180;
  function coordsToLatLng(c) { return L.latLng(c[1], unroll && c[0] < 0 ? c[0] + 360 : c[0], c[2]); }

  var overlays = {};
  var bounds = L.latLngBounds([]), all = L.latLngBounds([]);
  var layersDrawn = 0, featuresDrawn = 0;
  data.forEach(function (layer) {
    var group = L.geoJSON(layer.features, {
      coordsToLatLng: coordsToLatLng,
      style: pathStyle,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, markerStyle(feature.properties || {}));
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        layer.bindPopup(popupHtml(p), {maxWidth: 420});
        if (isPlace(p) && p.name) {
          layer.bindTooltip(escapeHtml(p.name), {permanent: true, direction: "right",
            offset: [6, 0], className: "place-label"});
        } else if (p.title) {
          layer.bindTooltip(escapeHtml(p.title), {sticky: true});
        }
        featuresDrawn += 1;
        // The view fits the corridor and patrol; named places around them are context.
        if (!isPlace(p)) { bounds.extend(layer.getBounds ? layer.getBounds() : layer.getLatLng()); }
        all.extend(layer.getBounds ? layer.getBounds() : layer.getLatLng());
      }
    }).addTo(map);
    overlays[escapeHtml(layer.name)] = group;
    layersDrawn += 1;
  });
  if (bounds.isValid()) { map.fitBounds(bounds, {padding: [20, 20]}); }
  else if (all.isValid()) { map.fitBounds(all, {padding: [20, 20]}); }
  else { map.setView([0, 0], 2); }

  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  L.control.scale({metric: true, imperial: false, maxWidth: 200}).addTo(map);

  var legendControl = L.control({position: "bottomright"});
  legendControl.onAdd = function () {
    var div = L.DomUtil.create("div", "legend");
    var rows = legend.map(function (e) {
      var svg;
      if (e.type === "area") {
        svg = "<rect x='2' y='3' width='24' height='12' fill='" + e.fill + "' fill-opacity='" +
          e.fillOpacity + "' stroke='" + e.stroke + "' stroke-width='" + Math.min(e.strokeWidth, 3) + "'/>";
      } else if (e.type === "line") {
        svg = "<line x1='2' y1='9' x2='26' y2='9' stroke='" + e.stroke + "' stroke-width='" +
          Math.min(e.strokeWidth, 5) + "'" + (e.dashed ? " stroke-dasharray='6 4'" : "") + "/>";
      } else {
        svg = "<circle cx='14' cy='9' r='" + e.radius + "' fill='" + e.colour +
          "' stroke='#ffffff' stroke-width='1.5'/>";
      }
      return "<div><svg width='28' height='18'>" + svg + "</svg>" + escapeHtml(e.label) + "</div>";
    });
    div.innerHTML = "<b>" + escapeHtml(document.title) + "</b>" + rows.join("");
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legendControl.addTo(map);

  document.body.setAttribute("data-features-drawn", String(featuresDrawn));
  document.body.setAttribute("data-layers-drawn", String(layersDrawn));
  if (all.isValid()) { document.body.setAttribute("data-bounds", all.toBBoxString()); }
})();
"##;

const PAGE_STYLE: &str = r##"
html, body { height: 100%; margin: 0; }
#map { position: absolute; top: 0; bottom: 0; left: 0; right: 0; }
.legend { background: rgba(255, 255, 255, 0.92); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, 0.4); font: 12px/18px sans-serif; max-width: 320px; }
.legend svg { vertical-align: middle; margin-right: 6px; }
.leaflet-popup-content table { border-collapse: collapse; font-size: 11px; }
.leaflet-popup-content th { text-align: left; padding-right: 8px; vertical-align: top; }
.leaflet-popup-content td { word-break: break-word; }
.place-label { background: rgba(255, 255, 255, 0.8); border: none; box-shadow: none;
  font-weight: bold; padding: 0 3px; }
.place-label::before { display: none; }
"##;

/// One self-contained HTML page that shows the layers on a map: each feature in its
/// simplestyle colours, popups with its properties (a checkpoint's name, `chainage_km` and
/// `eta` first), named places (`kind` = `place`) labelled, a legend, a scale bar and a layer
/// switcher. It needs no network: the layers and Leaflet are inlined; the OpenStreetMap
/// basemap shows when the browser is online.
///
/// After drawing, the page's script sets `data-layers-drawn` and `data-features-drawn` on
/// `<body>`; a script error is recorded in its `data-script-error` attribute.
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road};
/// use corridor::export::{MapLayers, map_html, zones_geojson};
/// use geo::line_string;
///
/// // Near Saraqib: longitude, latitude.
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let zones = zones_geojson(&corridor, "test corridor");
/// let page = map_html(&MapLayers::new("Test <corridor>").layer("zones", &zones));
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("<title>Test &lt;corridor&gt;</title>"));
/// assert!(!page.contains("unpkg.com") && !page.contains("<script src"));
/// ```
pub fn map_html(layers: &MapLayers) -> String {
    let mut page = Vec::new();
    // Writing into memory cannot fail; every part of the page is UTF-8.
    let _ = map_html_to_writer(&mut page, layers);
    String::from_utf8_lossy(&page).into_owned()
}

/// Writes [`map_html`] straight into `w`, with no copy of the page in memory.
pub(crate) fn map_html_to_writer(w: &mut dyn Write, layers: &MapLayers) -> std::io::Result<()> {
    let title = escape(layers.title());
    let licence = LEAFLET_LICENSE.replace("*/", "* /");
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <script>\nwindow.onerror = function (message, source, line) {{\n  \
         document.documentElement.setAttribute(\"data-script-error\", String(message) + \" (line \" + line + \")\");\n  \
         if (document.body) {{ document.body.setAttribute(\"data-script-error\", String(message) + \" (line \" + line + \")\"); }}\n\
         }};\n</script>\n\
         <style>\n/* Leaflet 1.9.4, https://leafletjs.com */\n{LEAFLET_CSS}\n</style>\n\
         <style>{PAGE_STYLE}</style>\n</head>\n\
         <body>\n<div id=\"map\"></div>\n\
         <script type=\"application/json\" id=\"corridor-layers\">"
    )?;
    let mut json = Vec::new();
    layers_json(&mut json, layers);
    write_script_safe(w, &json)?;
    drop(json);
    write!(
        w,
        "</script>\n\
         <script type=\"application/json\" id=\"corridor-legend\">{legend_json}</script>\n\
         <script type=\"application/json\" id=\"corridor-credits\">{credits_json}</script>\n\
         <script>\n/* Leaflet 1.9.4, vendored from its npm package. Its licence:\n{licence}*/\n{LEAFLET_JS}\n</script>\n\
         <script>{PAGE_SCRIPT}</script>\n\
         <script>\n(function () {{\n  var e = document.documentElement.getAttribute(\"data-script-error\");\n  \
         if (e) {{ document.body.setAttribute(\"data-script-error\", e); }}\n}})();\n</script>\n\
         </body>\n</html>\n",
        legend_json = script_json(&legend_json(&layers.legend())),
        credits_json = script_json(&json!(layers.credits())),
    )
}

/// Writes [`map_html`] to `path` atomically (see [`write_atomic`]).
///
/// # Errors
/// [`WriteError`] naming the file.
///
/// # Examples
/// ```
/// use corridor::export::{MapLayers, write_map_html};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("map.html");
/// write_map_html(&path, &MapLayers::new("nothing yet")).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("nothing yet"));
/// ```
pub fn write_map_html(path: &Path, layers: &MapLayers) -> Result<(), WriteError> {
    write_atomic(path, |w| map_html_to_writer(w, layers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_from_user_data_are_checked() {
        assert_eq!(colour(Some("#1f77b4"), "#000"), "#1f77b4");
        assert_eq!(colour(Some("#abc"), "#000"), "#abc");
        assert_eq!(colour(Some("red"), "#000"), "#000");
        assert_eq!(colour(Some("#12345g"), "#000"), "#000");
        assert_eq!(colour(Some("#123\"/><script>"), "#000"), "#000");
        assert_eq!(colour(None, "#000"), "#000");
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let value = json!({"name": "</script><script>alert(1)</script>"});
        let text = script_json(&value);
        assert!(!text.contains("</"));
        let separators = script_json(&json!("\u{2028}\u{2029}&"));
        assert_eq!(separators, r#""\u2028\u2029\u0026""#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn layers_are_written_as_their_json_values_write_them() {
        let mut with_id = crate::export::point_feature(geo::coord! { x: 1.0, y: 2.0 }, json!({}));
        with_id.id = Some(geojson::feature::Id::Number(7.into()));
        use geo::polygon;
        let square = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)];
        let fc = FeatureCollection {
            bbox: None,
            features: vec![
                crate::export::polygon_feature(
                    &geo::MultiPolygon(vec![square]),
                    json!({"z": 1, "a": "<&>\u{2028}"}),
                ),
                with_id,
                Feature::default(),
            ],
            foreign_members: None,
        };
        let layers = MapLayers::new("t").layer("b", &fc).layer("a", &fc);
        let mut fast = Vec::new();
        layers_json(&mut fast, &layers);
        let value: Vec<Value> = layers
            .layers()
            .iter()
            .map(|(name, fc)| json!({"name": name, "features": serde_json::to_value(fc).unwrap()}))
            .collect();
        assert_eq!(
            String::from_utf8(fast).unwrap(),
            Value::Array(value).to_string()
        );
    }

    #[test]
    fn credits_reach_the_page_as_data_not_markup() {
        let page = map_html(&MapLayers::new("t").credit("Places: GeoNames <CC BY 4.0>"));
        assert!(page.contains(
            r#"<script type="application/json" id="corridor-credits">["Places: GeoNames \u003cCC BY 4.0\u003e"]</script>"#
        ));
        assert!(page.contains("map.attributionControl.addAttribution(escapeHtml(c))"));
    }

    #[test]
    fn a_hostile_title_is_escaped() {
        let page = map_html(&MapLayers::new("</title><script>x()</script>"));
        assert!(page.contains("<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>"));
    }

    #[test]
    fn the_legend_has_one_entry_per_kind_and_colour() {
        let point = |colour: &str, kind: &str| {
            crate::export::point_feature(
                geo::coord! { x: 1.0, y: 2.0 },
                json!({"kind": "checkpoint", "checkpoint": kind, "marker-color": colour}),
            )
        };
        let fc = FeatureCollection {
            bbox: None,
            features: vec![
                point("#2ca02c", "start"),
                point("#7f7f7f", "kilometre"),
                point("#7f7f7f", "kilometre"),
            ],
            foreign_members: None,
        };
        let legend = MapLayers::new("t").layer("patrol", &fc).legend();
        let labels: Vec<_> = legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["Patrol start", "Kilometre post"]);
    }
}
