//! Coordinate reference systems through the `proj` feature, or, in a build without it, a
//! stand-in that cannot be made, so that the rest of the binary reads the same in both builds
//! and `--crs` says how to get it instead of being an unknown argument.

use anyhow::anyhow;
use corridor::classify::{self, Classifier, Summary};
use geo::Coord;
use geojson::{FeatureCollection, GeoJson};
use serde_json::Value;

use crate::args::usage;

#[cfg(feature = "proj")]
pub use corridor::crs::Crs;

/// Without the `proj` feature no CRS can be made: the type has no values.
#[cfg(not(feature = "proj"))]
pub enum Crs {}

/// The message for --crs and --output-crs in a build without the feature.
#[cfg(not(feature = "proj"))]
const NO_PROJ: &str = "built without the proj feature; rebuild with --features proj";

/// The CRS a flag names, if it was given; an unknown one is a usage error.
pub fn open(flag: &str, definition: Option<&str>) -> anyhow::Result<Option<Crs>> {
    let Some(definition) = definition else {
        return Ok(None);
    };
    #[cfg(feature = "proj")]
    {
        Crs::new(definition)
            .map(Some)
            .map_err(|e| usage(format!("{flag}: {e}")))
    }
    #[cfg(not(feature = "proj"))]
    {
        let _ = definition;
        Err(usage(format!("{flag}: {NO_PROJ}")))
    }
}

pub fn to_wgs84(crs: &Crs, c: Coord) -> Result<Coord, String> {
    #[cfg(feature = "proj")]
    {
        crs.to_wgs84(c).map_err(|e| e.to_string())
    }
    #[cfg(not(feature = "proj"))]
    {
        let _ = c;
        match *crs {}
    }
}

pub fn geojson_to_wgs84(crs: &Crs, geojson: &mut GeoJson) -> Result<(), String> {
    #[cfg(feature = "proj")]
    {
        crs.geojson_to_wgs84(geojson).map_err(|e| e.to_string())
    }
    #[cfg(not(feature = "proj"))]
    {
        let _ = geojson;
        match *crs {}
    }
}

pub fn geojson_from_wgs84(crs: &Crs, fc: &FeatureCollection) -> Result<FeatureCollection, String> {
    #[cfg(feature = "proj")]
    {
        crs.geojson_from_wgs84(fc).map_err(|e| e.to_string())
    }
    #[cfg(not(feature = "proj"))]
    {
        let _ = fc;
        match *crs {}
    }
}

/// The directory the layers in `crs` go into: `epsg_32637` for EPSG:32637.
pub fn dir_name(crs: &Crs) -> Result<String, String> {
    #[cfg(feature = "proj")]
    {
        let urn = crs
            .ogc_urn()
            .ok_or_else(|| corridor::crs::CrsError::NoUrn(crs.definition().into()))
            .map_err(|e| e.to_string())?;
        let parts: Vec<String> = urn["urn:ogc:def:crs:".len()..]
            .split(':')
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .collect()
            })
            .collect();
        Ok(parts.join("_"))
    }
    #[cfg(not(feature = "proj"))]
    {
        match *crs {}
    }
}

/// `to_wgs84` for code running on several threads (a CRS belongs to one): each thread makes
/// its own CRS from the definition the first time.
pub fn to_wgs84_on_this_thread(definition: &str, c: Coord) -> Result<Coord, String> {
    #[cfg(feature = "proj")]
    {
        use std::cell::RefCell;
        thread_local! {
            static CRS: RefCell<Option<Crs>> = const { RefCell::new(None) };
        }
        CRS.with(|cell| {
            let mut slot = cell.borrow_mut();
            let stale = slot
                .as_ref()
                .is_none_or(|crs| crs.definition() != definition.trim());
            if stale {
                *slot = Some(Crs::new(definition).map_err(|e| e.to_string())?);
            }
            match slot.as_ref() {
                Some(crs) => crs.to_wgs84(c).map_err(|e| e.to_string()),
                None => Err("no CRS".into()),
            }
        })
    }
    #[cfg(not(feature = "proj"))]
    {
        let _ = (definition, c);
        Err(NO_PROJ.into())
    }
}

/// GeoJSON text with its coordinates turned from `crs` into WGS84. Text that does not parse is
/// returned as it is, for the library to say what is wrong.
pub fn geojson_text_to_wgs84(crs: &Crs, text: String) -> Result<String, String> {
    let Ok(mut geojson) = text.parse::<GeoJson>() else {
        return Ok(text);
    };
    geojson_to_wgs84(crs, &mut geojson)?;
    Ok(geojson.to_string())
}

/// Places GeoJSON points given in `crs`: they are placed in WGS84, and the output keeps the
/// input's own coordinates (and its `crs` member), with the added properties.
pub fn classify_geojson_in(
    classifier: &Classifier,
    crs: &Crs,
    text: &str,
) -> anyhow::Result<(GeoJson, Summary)> {
    let Ok(original) = text.parse::<GeoJson>() else {
        // Let the library say what is wrong.
        return Ok(classify::classify_geojson(classifier, text)?);
    };
    let mut in_wgs84 = original.clone();
    geojson_to_wgs84(crs, &mut in_wgs84).map_err(|e| anyhow!(e))?;
    let (placed, summary) = classify::classify_geojson(classifier, &in_wgs84.to_string())?;
    let features = |g: GeoJson| match g {
        GeoJson::FeatureCollection(fc) => fc.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(_) => Vec::new(),
    };
    let placed = features(placed);
    let mut out = original;
    let originals: &mut [geojson::Feature] = match &mut out {
        GeoJson::FeatureCollection(fc) => &mut fc.features,
        GeoJson::Feature(f) => std::slice::from_mut(f),
        GeoJson::Geometry(_) => &mut [],
    };
    for (original, placed) in originals.iter_mut().zip(placed) {
        original.properties = placed.properties;
    }
    Ok((out, summary))
}

/// The name in a legacy GeoJSON `crs` member (`--output-crs` writes one) when it names anything
/// but WGS84 longitude, latitude.
pub fn projected_crs_name(value: &Value) -> Option<String> {
    let name = value.get("crs")?.get("properties")?.get("name")?.as_str()?;
    let wgs84 = [
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "OGC:CRS84",
        "EPSG:4326",
    ];
    (!wgs84.iter().any(|w| w.eq_ignore_ascii_case(name))).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wgs84_crs_members_are_not_projected() {
        let member = |name: &str| serde_json::json!({"crs": {"properties": {"name": name}}});
        assert_eq!(
            projected_crs_name(&member("urn:ogc:def:crs:OGC:1.3:CRS84")),
            None
        );
        assert_eq!(projected_crs_name(&member("epsg:4326")), None);
        assert_eq!(
            projected_crs_name(&member("urn:ogc:def:crs:EPSG::32637")).as_deref(),
            Some("urn:ogc:def:crs:EPSG::32637")
        );
        assert_eq!(
            projected_crs_name(&serde_json::json!({"type": "Point"})),
            None
        );
    }
}
