//! `corridor info`: what a GeoJSON file holds, by `kind` (and by `zone` where it names several):
//! counts, geometry types, bounding box, geodesic lengths and areas.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use geo::Coord;
use serde_json::Value;

use crate::crs::projected_crs_name;
use crate::input::read_text;

pub const EXAMPLES: &str = "\
Examples:
  corridor info out/zones.geojson
  corridor info data/places.geojson";

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// A GeoJSON file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Totals for one kind of feature in `info`.
#[derive(Debug, Default)]
struct KindTotals {
    features: usize,
    geometry_types: Vec<String>,
    length_km: f64,
    area_km2: f64,
}

pub fn run(args: InfoArgs) -> anyhow::Result<()> {
    use geo::{BoundingRect, Geodesic, GeodesicArea, Length};

    let file = args.file.display().to_string();
    let text = read_text(&args.file)?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{file}: not valid JSON"))?;
    // Projected layers (as --output-crs writes) have no geodesic lengths or areas to give.
    let projected = projected_crs_name(&value);
    let geojson: geojson::GeoJson =
        serde_json::from_value(value).with_context(|| format!("{file}: not GeoJSON"))?;
    let (what, features) = match geojson {
        geojson::GeoJson::FeatureCollection(fc) => ("FeatureCollection", fc.features),
        geojson::GeoJson::Feature(f) => ("Feature", vec![f]),
        geojson::GeoJson::Geometry(g) => ("Geometry", vec![geojson::Feature::from(g)]),
    };
    // An agreement's zones overlap (a 30 km zone holds the 10 km patrol strips): where the
    // file names more than one `zone`, each zone's features are totalled on their own, so that
    // no area is counted twice.
    let zone_of = |f: &geojson::Feature| match f.property("zone") {
        Some(Value::String(z)) => Some(z.clone()),
        _ => None,
    };
    let mut zones: Vec<String> = features.iter().filter_map(zone_of).collect();
    zones.sort();
    zones.dedup();
    let by_zone = zones.len() > 1;
    let mut kinds: Vec<(String, KindTotals)> = Vec::new();
    let mut bbox: Option<geo::Rect> = None;
    for (index, f) in features.iter().enumerate() {
        let geometry: Option<geo::Geometry> = match &f.geometry {
            Some(g) => Some(
                geo::Geometry::try_from(&g.value)
                    .with_context(|| format!("{file}: feature {index}"))?,
            ),
            None => None,
        };
        let type_name = f
            .geometry
            .as_ref()
            .map_or("no geometry", |g| g.value.type_name())
            .to_string();
        let kind = match f.property("kind") {
            Some(Value::String(k)) => k.clone(),
            _ => format!("({})", type_name),
        };
        let kind = match zone_of(f).filter(|_| by_zone) {
            Some(zone) => format!("{kind} [{zone}]"),
            None => kind,
        };
        let slot = match kinds.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                kinds.push((kind, KindTotals::default()));
                kinds.len() - 1
            }
        };
        let totals = &mut kinds[slot].1;
        totals.features += 1;
        if !totals.geometry_types.contains(&type_name) {
            totals.geometry_types.push(type_name);
        }
        if let Some(g) = &geometry
            && projected.is_none()
        {
            totals.length_km += match g {
                geo::Geometry::LineString(l) => Geodesic.length(l),
                geo::Geometry::MultiLineString(m) => Geodesic.length(m),
                _ => 0.0,
            } / 1_000.0;
            totals.area_km2 += match g {
                geo::Geometry::Polygon(p) => p.geodesic_area_unsigned(),
                geo::Geometry::MultiPolygon(m) => m.geodesic_area_unsigned(),
                _ => 0.0,
            } / 1e6;
        }
        if let Some(r) = geometry.as_ref().and_then(|g| g.bounding_rect()) {
            bbox = Some(match bbox {
                None => r,
                Some(b) => geo::Rect::new(
                    Coord {
                        x: b.min().x.min(r.min().x),
                        y: b.min().y.min(r.min().y),
                    },
                    Coord {
                        x: b.max().x.max(r.max().x),
                        y: b.max().y.max(r.max().y),
                    },
                ),
            });
        }
    }
    let mut out = std::io::stdout().lock();
    let count = features.len();
    writeln!(
        out,
        "{file}: {what}, {count} feature{}",
        if count == 1 { "" } else { "s" }
    )?;
    let (x, y) = match &projected {
        Some(name) => {
            writeln!(
                out,
                "crs       {name} (not WGS84: lengths and areas are left to a GIS)"
            )?;
            ("x", "y")
        }
        None => ("lon", "lat"),
    };
    match bbox {
        Some(b) => writeln!(
            out,
            "bbox      {x} {:.6} to {:.6}, {y} {:.6} to {:.6}",
            b.min().x,
            b.max().x,
            b.min().y,
            b.max().y
        )?,
        None => writeln!(out, "bbox      none (no coordinates)")?,
    }
    let width = kinds.iter().map(|(k, _)| k.len()).max().unwrap_or(4).max(4);
    writeln!(
        out,
        "{:<width$}  {:>8}  {:<28}  {:>12}  {:>12}",
        "kind", "features", "geometry", "length_km", "area_km2"
    )?;
    for (kind, t) in &kinds {
        let measure = |v: f64| {
            if v > 0.0 {
                format!("{v:.3}")
            } else {
                "-".to_string()
            }
        };
        writeln!(
            out,
            "{kind:<width$}  {:>8}  {:<28}  {:>12}  {:>12}",
            t.features,
            t.geometry_types.join(", "),
            measure(t.length_km),
            measure(t.area_km2)
        )?;
    }
    out.flush()?;
    Ok(())
}
