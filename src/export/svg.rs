//! A static picture of the layers for reports: SVG, and PNG with the `png` feature (resvg).
//!
//! The projection is the simplest that keeps shapes true near the corridor: equirectangular,
//! with longitudes scaled by the cosine of the view's mean latitude, so that scale is the same
//! east–west and north–south there. The scale bar is exact along that parallel (its length on
//! the WGS84 ellipsoid); away from it, over the few tens of kilometres of a corridor, the
//! error is a fraction of a percent. Roads across the antimeridian are drawn unrolled.
//!
//! Features are drawn in their simplestyle colours with the legend of
//! [`MapLayers::legend`]; named places (`kind` = `place`) and named patrol ends and stops are
//! labelled. The view fits the features that are not places, which stay as context around
//! them.

use super::markup::escape;
use std::fmt::Write as _;
use std::path::Path;

use geojson::{Feature, GeometryValue, Position};
use serde_json::Value;

use super::map::{LegendEntry, MapLayers, Symbol};
use super::{WriteError, write_atomic};
use crate::geodesic::{WGS84_A_M, WGS84_E2};

/// Fonts for the labels: the first one installed is used.
const FONT: &str = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

/// Narrowest and widest picture, pixels.
const MIN_WIDTH_PX: u32 = 300;
const MAX_WIDTH_PX: u32 = 8_000;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The output's extension is neither `.svg` nor `.png`.
    #[error("{0}: the picture must end in .svg or .png")]
    UnknownFormat(String),
    /// PNG was asked of a build without the `png` feature.
    #[error(
        "PNG needs corridor built with the `png` feature (cargo install corridor --features png); .svg works as is"
    )]
    PngNotBuilt,
    /// The SVG could not be rasterised.
    #[error("cannot draw the PNG: {0}")]
    Png(String),
    /// The file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The picture's size and the projection from `(lon, lat)` to pixels.
struct Frame {
    lon0: f64,
    lat1: f64,
    /// Pixels per degree of latitude; longitude gets this times `cos_lat`.
    px_per_deg: f64,
    cos_lat: f64,
    /// Longitudes below this are shifted by 360° (the view crosses the antimeridian).
    unroll: bool,
    x0: f64,
    y0: f64,
    map_w: f64,
    map_h: f64,
    mean_lat: f64,
}

impl Frame {
    fn lon(&self, lon: f64) -> f64 {
        if self.unroll && lon < 0.0 {
            lon + 360.0
        } else {
            lon
        }
    }

    fn xy(&self, p: &Position) -> Option<(f64, f64)> {
        let (lon, lat) = lon_lat(p)?;
        Some((
            self.x0 + (self.lon(lon) - self.lon0) * self.px_per_deg * self.cos_lat,
            self.y0 + (self.lat1 - lat) * self.px_per_deg,
        ))
    }

    /// Metres on the ground per pixel, along the mean parallel.
    fn metres_per_px(&self) -> f64 {
        let phi = self.mean_lat.to_radians();
        let e2 = WGS84_E2;
        // Radius of the parallel: N(φ)·cos φ.
        let parallel_radius_m = WGS84_A_M * phi.cos() / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let metres_per_deg = parallel_radius_m * std::f64::consts::PI / 180.0;
        metres_per_deg / (self.px_per_deg * self.cos_lat)
    }
}

/// A position's longitude and latitude, if it has both and they are finite and in range.
fn lon_lat(p: &Position) -> Option<(f64, f64)> {
    match p.as_slice() {
        [lon, lat, ..]
            if lon.is_finite() && lat.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 540.0 =>
        {
            Some((*lon, *lat))
        }
        _ => None,
    }
}

/// Every position of a geometry, in rings and lines (points are lines of one).
fn parts(value: &GeometryValue) -> Vec<Vec<&Position>> {
    match value {
        GeometryValue::Point { coordinates } => vec![vec![coordinates]],
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            vec![coordinates.iter().collect()]
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            coordinates.iter().map(|l| l.iter().collect()).collect()
        }
        GeometryValue::MultiPolygon { coordinates } => coordinates
            .iter()
            .flat_map(|p| p.iter().map(|l| l.iter().collect()))
            .collect(),
        GeometryValue::GeometryCollection { geometries } => {
            geometries.iter().flat_map(|g| parts(&g.value)).collect()
        }
    }
}

fn is_place(f: &Feature) -> bool {
    f.property("kind").and_then(Value::as_str) == Some("place")
}

fn frame(layers: &MapLayers, width_px: u32, top_px: f64) -> Frame {
    let collect = |places: bool| -> Vec<(f64, f64)> {
        layers
            .features()
            .filter(|f| places || !is_place(f))
            .filter_map(|f| f.geometry.as_ref())
            .flat_map(|g| parts(&g.value).into_iter().flatten())
            .filter_map(lon_lat)
            .collect()
    };
    let mut points = collect(false);
    if points.is_empty() {
        points = collect(true);
    }
    if points.is_empty() {
        points.push((0.0, 0.0));
    }
    let span = |lons: &mut dyn Iterator<Item = f64>| {
        lons.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        })
    };
    let (lon_min, lon_max) = span(&mut points.iter().map(|p| p.0));
    let unroll = lon_max - lon_min > 180.0;
    let shift = |lon: f64| {
        if unroll && lon < 0.0 {
            lon + 360.0
        } else {
            lon
        }
    };
    let (lon_min, lon_max) = span(&mut points.iter().map(|p| shift(p.0)));
    let (lat_min, lat_max) = span(&mut points.iter().map(|p| p.1));
    let mean_lat = (lat_min + lat_max) / 2.0;
    let cos_lat = mean_lat.to_radians().cos().max(0.05);

    // The extent in "north-south degrees", padded, and never flatter than 1:3 or taller than
    // 1:1 (a thin corridor still gets room for its labels).
    let mut w = ((lon_max - lon_min) * cos_lat).max(1e-4);
    let mut h = (lat_max - lat_min).max(1e-4);
    w *= 1.12;
    h *= 1.25;
    if h < w / 3.0 {
        h = w / 3.0;
    }
    if w < h {
        w = h;
    }
    let map_w = f64::from(width_px) - 40.0;
    let px_per_deg = map_w / w;
    let map_h = h * px_per_deg;
    let lon_mid = (lon_min + lon_max) / 2.0;
    let lat_mid = (lat_min + lat_max) / 2.0;
    Frame {
        lon0: lon_mid - w / 2.0 / cos_lat,
        lat1: lat_mid + h / 2.0,
        px_per_deg,
        cos_lat,
        unroll,
        x0: 20.0,
        y0: top_px,
        map_w,
        map_h,
        mean_lat,
    }
}

/// An SVG path's `d` for rings (`closed`) or lines, in pixels.
fn path_data(frame: &Frame, parts: &[Vec<&Position>], closed: bool) -> String {
    let mut d = String::new();
    for part in parts {
        let mut first = true;
        for p in part {
            if let Some((x, y)) = frame.xy(p) {
                let _ = write!(d, "{}{x:.1},{y:.1}", if first { "M" } else { "L" });
                first = false;
            }
        }
        if closed && !first {
            d.push('Z');
        }
    }
    d
}

fn feature_svg(out: &mut String, frame: &Frame, f: &Feature) {
    let (Some(geometry), Some(symbol)) = (&f.geometry, Symbol::of(f)) else {
        return;
    };
    let parts = parts(&geometry.value);
    match symbol {
        Symbol::Area {
            fill,
            fill_opacity,
            stroke,
            stroke_width,
        } => {
            let d = path_data(frame, &parts, true);
            let _ = writeln!(
                out,
                r#"<path d="{d}" fill="{fill}" fill-opacity="{fill_opacity}" fill-rule="evenodd" stroke="{stroke}" stroke-width="{stroke_width}" stroke-linejoin="round"/>"#
            );
        }
        Symbol::Line {
            stroke,
            stroke_width,
            dashed,
        } => {
            let d = path_data(frame, &parts, false);
            let dash = if dashed {
                r#" stroke-dasharray="10 10""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{stroke_width}" stroke-linejoin="round" stroke-linecap="round"{dash}/>"#
            );
        }
        Symbol::Point { colour, radius } => {
            for (x, y) in parts.iter().flatten().filter_map(|p| frame.xy(p)) {
                let _ = writeln!(
                    out,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="{radius}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##
                );
            }
        }
    }
}

/// Labels for places and for named patrol stops (start, end, places) that no place of the
/// same name already labels, placed right, left, above or below the point where they do not
/// overlap a label already placed.
fn labels_svg(out: &mut String, frame: &Frame, layers: &MapLayers) {
    const SIZE: f64 = 13.0;
    let mut named: Vec<(String, (f64, f64), bool)> = Vec::new();
    for f in layers.features() {
        let Some(name) = f.property("name").and_then(Value::as_str) else {
            continue;
        };
        let place = is_place(f);
        let stop = f.property("kind").and_then(Value::as_str) == Some("checkpoint")
            && matches!(
                f.property("checkpoint").and_then(Value::as_str),
                Some("start" | "end" | "place")
            );
        if !(place || stop) {
            continue;
        }
        let Some(GeometryValue::Point { coordinates }) = f.geometry.as_ref().map(|g| &g.value)
        else {
            continue;
        };
        let Some(xy) = frame.xy(coordinates) else {
            continue;
        };
        named.push((name.to_string(), xy, place));
    }
    // Places first, so that a stop named like a place is labelled once, at the place.
    named.sort_by_key(|(_, _, place)| !place);
    let mut taken: Vec<(f64, f64, f64, f64)> = Vec::new();
    let mut done: Vec<String> = Vec::new();
    let inside = |x: f64, y: f64| {
        x >= frame.x0 && x <= frame.x0 + frame.map_w && y >= frame.y0 && y <= frame.y0 + frame.map_h
    };
    for (name, (x, y), _) in named {
        let key = name.to_lowercase();
        if done.contains(&key) || !inside(x, y) {
            continue;
        }
        let w = 0.62 * SIZE * name.chars().count() as f64;
        let candidates = [
            (x + 8.0, y + SIZE * 0.35, "start"),
            (x - 8.0, y + SIZE * 0.35, "end"),
            (x, y - 9.0, "middle"),
            (x, y + SIZE + 6.0, "middle"),
        ];
        for (tx, ty, anchor) in candidates {
            let left = match anchor {
                "start" => tx,
                "end" => tx - w,
                _ => tx - w / 2.0,
            };
            let rect = (left, ty - SIZE, left + w, ty + 3.0);
            let overlaps = taken
                .iter()
                .any(|r| rect.0 < r.2 && r.0 < rect.2 && rect.1 < r.3 && r.1 < rect.3);
            let fits = rect.0 >= frame.x0
                && rect.2 <= frame.x0 + frame.map_w
                && rect.1 >= frame.y0
                && rect.3 <= frame.y0 + frame.map_h;
            if overlaps || !fits {
                continue;
            }
            let _ = writeln!(
                out,
                r##"<text x="{tx:.1}" y="{ty:.1}" text-anchor="{anchor}" font-size="{SIZE}" font-weight="bold" fill="#222222" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</text>"##,
                escape(&name)
            );
            taken.push(rect);
            done.push(key);
            break;
        }
    }
}

/// A round length for the scale bar: 1, 2 or 5 times a power of ten, metres.
fn round_length_m(target_m: f64) -> f64 {
    let power = 10f64.powf(target_m.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * power)
        .find(|l| *l <= target_m)
        .unwrap_or(power)
}

fn scale_bar_svg(out: &mut String, frame: &Frame) {
    let metres_per_px = frame.metres_per_px();
    if !metres_per_px.is_finite() || metres_per_px <= 0.0 {
        return;
    }
    let length_m = round_length_m(frame.map_w / 4.0 * metres_per_px);
    let length_px = length_m / metres_per_px;
    let label = if length_m >= 1_000.0 {
        format!("{} km", length_m / 1_000.0)
    } else {
        format!("{length_m} m")
    };
    let x = frame.x0 + 12.0;
    let y = frame.y0 + frame.map_h - 16.0;
    let _ = writeln!(
        out,
        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="34" fill="#ffffff" fill-opacity="0.85" rx="3"/>"##,
        x - 8.0,
        y - 24.0,
        length_px + 60.0
    );
    for i in 0..4 {
        let fill = if i % 2 == 0 { "#222222" } else { "#ffffff" };
        let _ = writeln!(
            out,
            r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="6" fill="{fill}" stroke="#222222" stroke-width="1"/>"##,
            x + length_px * f64::from(i) / 4.0,
            length_px / 4.0
        );
    }
    let _ = writeln!(
        out,
        r##"<text x="{x:.1}" y="{:.1}" font-size="12" fill="#222222">0</text><text x="{:.1}" y="{:.1}" font-size="12" fill="#222222" text-anchor="middle">{label}</text>"##,
        y - 5.0,
        x + length_px,
        y - 5.0
    );
    // A north arrow beside it: up is north in this projection.
    let nx = x + length_px + 38.0;
    let _ = writeln!(
        out,
        r##"<path d="M{nx:.1},{:.1}L{:.1},{:.1}L{nx:.1},{:.1}L{:.1},{:.1}Z" fill="#222222"/><text x="{nx:.1}" y="{:.1}" font-size="11" font-weight="bold" text-anchor="middle" fill="#222222">N</text>"##,
        y - 10.0,
        nx + 5.0,
        y + 6.0,
        y + 2.0,
        nx - 5.0,
        y + 6.0,
        y - 12.0
    );
}

fn legend_symbol_svg(out: &mut String, x: f64, y: f64, symbol: &Symbol) {
    let _ = match symbol {
        Symbol::Area {
            fill,
            fill_opacity,
            stroke,
            stroke_width,
        } => writeln!(
            out,
            r#"<rect x="{x:.1}" y="{:.1}" width="26" height="12" fill="{fill}" fill-opacity="{fill_opacity}" stroke="{stroke}" stroke-width="{}"/>"#,
            y - 6.0,
            stroke_width.min(3.0)
        ),
        Symbol::Line {
            stroke,
            stroke_width,
            dashed,
        } => writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{stroke}" stroke-width="{}"{}/>"#,
            x + 26.0,
            stroke_width.min(5.0),
            if *dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            }
        ),
        Symbol::Point { colour, radius } => writeln!(
            out,
            r##"<circle cx="{:.1}" cy="{y:.1}" r="{radius}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##,
            x + 13.0
        ),
    };
}

/// Rows of the legend below the map, in columns `column_w` wide.
fn legend_svg(
    out: &mut String,
    entries: &[LegendEntry],
    (x0, y0): (f64, f64),
    column_w: f64,
    columns: usize,
) {
    let rows = entries.len().div_ceil(columns);
    for (i, e) in entries.iter().enumerate() {
        let (col, row) = (i / rows.max(1), i % rows.max(1));
        let x = x0 + col as f64 * column_w;
        let y = y0 + row as f64 * 22.0;
        legend_symbol_svg(out, x, y, &e.symbol);
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="13" fill="#222222">{}</text>"##,
            x + 34.0,
            y + 4.5,
            escape(&e.label)
        );
    }
}

/// An SVG picture of the layers, `width_px` wide (clamped to 300–8,000): a title, the map
/// with labelled places, a scale bar and a north arrow, the legend below it, and a line saying
/// how it was projected.
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road};
/// use corridor::export::{MapLayers, map_svg, zones_geojson};
/// use geo::line_string;
///
/// // Near Saraqib: longitude, latitude.
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let zones = zones_geojson(&corridor, "test corridor");
/// let svg = map_svg(&MapLayers::new("Test").layer("zones", &zones), 1200);
/// assert!(svg.starts_with("<svg") && svg.contains(r#"width="1200""#));
/// assert!(svg.contains("North half (6 km)")); // the legend
/// assert!(svg.contains(" km</text>")); // the scale bar
/// ```
pub fn map_svg(layers: &MapLayers, width_px: u32) -> String {
    let width_px = width_px.clamp(MIN_WIDTH_PX, MAX_WIDTH_PX);
    let top = 48.0;
    let frame = frame(layers, width_px, top);
    let legend = layers.legend();
    let columns = ((f64::from(width_px) / 260.0).floor() as usize).clamp(1, 3);
    let rows = legend.len().div_ceil(columns);
    let legend_top = frame.y0 + frame.map_h + 28.0;
    let height = legend_top + rows as f64 * 22.0 + 36.0;
    let width = f64::from(width_px);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height:.0}" viewBox="0 0 {width_px} {height:.0}" font-family="{FONT}">"##
    );
    let _ = writeln!(out, "<title>{}</title>", escape(layers.title()));
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>
<text x="20" y="31" font-size="19" font-weight="bold" fill="#222222">{}</text>
<defs><clipPath id="map-area"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/></clipPath></defs>
<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#f4f3ef" stroke="#999999"/>
<g clip-path="url(#map-area)">"##,
        escape(layers.title()),
        frame.x0,
        frame.y0,
        frame.map_w,
        frame.map_h,
        frame.x0,
        frame.y0,
        frame.map_w,
        frame.map_h
    );
    // Areas, then lines, then points, each in layer order, so that nothing hides a line.
    for pass in 0..3 {
        for f in layers.features() {
            let rank = match Symbol::of(f) {
                Some(Symbol::Area { .. }) => 0,
                Some(Symbol::Line { .. }) => 1,
                Some(Symbol::Point { .. }) => 2,
                None => continue,
            };
            if rank == pass {
                feature_svg(&mut out, &frame, f);
            }
        }
    }
    labels_svg(&mut out, &frame, layers);
    scale_bar_svg(&mut out, &frame);
    out.push_str("</g>\n");
    legend_svg(
        &mut out,
        &legend,
        (frame.x0 + 4.0, legend_top),
        (width - 40.0) / columns as f64,
        columns,
    );
    let _ = writeln!(
        out,
        r##"<text x="20" y="{:.1}" font-size="11" fill="#666666">WGS84 longitude/latitude, equirectangular, longitudes scaled by cos {:.2}°; the scale bar is exact along that parallel.</text>"##,
        height - 12.0,
        frame.mean_lat
    );
    out.push_str("</svg>\n");
    out
}

/// The SVG of [`map_svg`] drawn as a PNG of the same size, with the system's fonts.
///
/// # Errors
/// [`RenderError::Png`] if the SVG cannot be drawn.
///
/// # Examples
/// ```
/// use corridor::export::{MapLayers, map_png};
/// let png = map_png(&MapLayers::new("nothing yet"), 400).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
#[cfg(feature = "png")]
pub fn map_png(layers: &MapLayers, width_px: u32) -> Result<Vec<u8>, RenderError> {
    use resvg::{tiny_skia, usvg};

    let svg = map_svg(layers, width_px);
    let mut options = usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| RenderError::Png(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| RenderError::Png("the picture has no area".into()))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}

/// Writes the picture to `path` atomically: SVG for `.svg`, PNG for `.png` (with the `png`
/// feature).
///
/// # Errors
/// [`RenderError::UnknownFormat`] for another extension, [`RenderError::PngNotBuilt`] for PNG
/// without the `png` feature, [`RenderError::Write`] naming the file.
///
/// # Examples
/// ```
/// use corridor::export::{MapLayers, write_map_picture};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("map.svg");
/// write_map_picture(&path, &MapLayers::new("nothing yet"), 800).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("<svg"));
/// assert!(write_map_picture(&dir.path().join("map.jpg"), &MapLayers::new("x"), 800).is_err());
/// ```
pub fn write_map_picture(
    path: &Path,
    layers: &MapLayers,
    width_px: u32,
) -> Result<(), RenderError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let bytes = match extension.as_deref() {
        Some("svg") => map_svg(layers, width_px).into_bytes(),
        #[cfg(feature = "png")]
        Some("png") => map_png(layers, width_px)?,
        #[cfg(not(feature = "png"))]
        Some("png") => return Err(RenderError::PngNotBuilt),
        _ => return Err(RenderError::UnknownFormat(path.display().to_string())),
    };
    write_atomic(path, |w| w.write_all(&bytes))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;
    use geojson::FeatureCollection;
    use serde_json::json;

    fn collection(features: Vec<Feature>) -> FeatureCollection {
        FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        }
    }

    #[test]
    fn scale_lengths_are_round() {
        assert_eq!(round_length_m(23_000.0), 20_000.0);
        assert_eq!(round_length_m(7_300.0), 5_000.0);
        assert_eq!(round_length_m(1_000.0), 1_000.0);
        assert_eq!(round_length_m(190.0), 100.0);
    }

    #[test]
    fn the_scale_is_true_along_the_mean_parallel() {
        // Two points one degree of longitude apart on the equator: 111,319.49 m on WGS84.
        let line = crate::export::line_feature(
            &geo::MultiLineString(vec![line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0)]]),
            json!({}),
        );
        let fc = collection(vec![line]);
        let layers = MapLayers::new("t").layer("l", &fc);
        let frame = frame(&layers, 1_000, 0.0);
        let (x0, _) = frame.xy(&Position::from([0.0, 0.0])).unwrap();
        let (x1, _) = frame.xy(&Position::from([1.0, 0.0])).unwrap();
        let metres = (x1 - x0) * frame.metres_per_px();
        assert!((metres - 111_319.491).abs() < 0.01, "{metres}");
    }

    #[test]
    fn bad_positions_and_colours_are_skipped() {
        let fc: FeatureCollection = serde_json::from_value(json!({
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"kind": "place", "name": "<A&B>",
                  "marker-color": "\"/><script>"},
                 "geometry": {"type": "Point", "coordinates": [36.8, 35.81]}},
                {"type": "Feature", "properties": {"stroke": "red"},
                 "geometry": {"type": "LineString", "coordinates": [[36.7, 35.8], [1e308, 95.0], [36.9, 35.8]]}},
                {"type": "Feature", "properties": {}, "geometry": null}
            ]
        }))
        .unwrap();
        let svg = map_svg(&MapLayers::new("t").layer("x", &fc), 800);
        assert!(svg.contains("&lt;A&amp;B&gt;"));
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn an_empty_map_is_still_a_picture() {
        let svg = map_svg(&MapLayers::new("nothing"), 10);
        assert!(svg.contains(r#"width="300""#) && svg.ends_with("</svg>\n"));
    }

    #[test]
    fn the_antimeridian_is_unrolled() {
        let fc = collection(vec![crate::export::line_feature(
            &geo::MultiLineString(vec![
                line_string![(x: 179.5, y: -17.0), (x: 180.0, y: -17.1)],
                line_string![(x: -180.0, y: -17.1), (x: -179.5, y: -17.2)],
            ]),
            json!({}),
        )]);
        let layers = MapLayers::new("Fiji").layer("l", &fc);
        let frame = frame(&layers, 1_000, 0.0);
        let (xa, _) = frame.xy(&Position::from([179.5, -17.0])).unwrap();
        let (xb, _) = frame.xy(&Position::from([-179.5, -17.2])).unwrap();
        assert!(xb > xa && xb - xa < 1_000.0, "{xa} {xb}");
    }
}
