//! Reading GeoJSON input: one parser, one error type, one line per message.
//!
//! Every reader of the crate (roads, places, control lines, points to classify, map layers) goes
//! through here, so a broken file is reported the same way wherever it is read, and each
//! module's error enum wraps [`GeoJsonError`] instead of repeating its variants.

use geo::Coord;
use geojson::{Feature, FeatureCollection, GeoJson, GeometryValue};

/// Why a text is not the GeoJSON asked for.
///
/// # Examples
/// ```
/// use corridor::geojson_input::{GeoJsonError, parse};
///
/// assert!(matches!(parse("[1, 2"), Err(GeoJsonError::Json(_))));
/// assert!(matches!(parse(r#"{"road": "M4"}"#), Err(GeoJsonError::NotGeoJson(_))));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoJsonError {
    /// The text is not JSON.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// The JSON is not GeoJSON.
    #[error("not GeoJSON: {0}")]
    NotGeoJson(String),
    /// A bare geometry where features (with properties) are needed.
    #[error("not GeoJSON: expected {expected}, found a bare geometry")]
    BareGeometry {
        /// What the reader needs, as `Point features with a "name" property`.
        expected: &'static str,
    },
    /// A feature the reader cannot use.
    #[error("feature {index}: {problem}")]
    BadFeature {
        /// Zero-based feature index.
        index: usize,
        /// What is wrong with it.
        problem: String,
    },
}

impl GeoJsonError {
    /// A [`GeoJsonError::BadFeature`] for feature `index`.
    ///
    /// # Examples
    /// ```
    /// use corridor::geojson_input::GeoJsonError;
    /// let e = GeoJsonError::bad_feature(3, "it has no `name` property");
    /// assert_eq!(e.to_string(), "feature 3: it has no `name` property");
    /// ```
    pub fn bad_feature(index: usize, problem: impl Into<String>) -> GeoJsonError {
        GeoJsonError::BadFeature {
            index,
            problem: problem.into(),
        }
    }
}

/// Parses GeoJSON text straight into GeoJSON types.
///
/// No `serde_json::Value` of the whole file is made first: for a 1,000,000-vertex road that
/// tree was about 140 MB, the peak of the reading. Only a failure parses again, to tell bad JSON
/// from JSON that is not GeoJSON. Messages are kept to one printable line.
///
/// # Errors
/// [`GeoJsonError::Json`] or [`GeoJsonError::NotGeoJson`].
///
/// # Examples
/// ```
/// use corridor::geojson_input::parse;
/// use geojson::GeoJson;
///
/// let g = parse(r#"{"type": "Point", "coordinates": [36.8, 35.86]}"#).unwrap();
/// assert!(matches!(g, GeoJson::Geometry(_)));
/// // A newline inside a quoted type name stays out of the message.
/// let err = parse("{\"type\": \"Li\nne\"}").unwrap_err().to_string();
/// assert!(!err.contains('\n'));
/// ```
pub fn parse(text: &str) -> Result<GeoJson, GeoJsonError> {
    serde_json::from_str(text).map_err(|e| {
        match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(syntax) => GeoJsonError::Json(one_line(syntax.to_string())),
            Ok(_) => GeoJsonError::NotGeoJson(one_line(e.to_string())),
        }
    })
}

/// Reads any GeoJSON (a FeatureCollection, a Feature or a bare Geometry) as a collection of
/// features; a bare geometry becomes one feature without properties.
///
/// # Errors
/// As [`parse`].
///
/// # Examples
/// ```
/// use corridor::geojson_input::feature_collection;
///
/// let fc = feature_collection(r#"{"type": "Point", "coordinates": [36.8, 35.86]}"#).unwrap();
/// assert_eq!(fc.features.len(), 1);
/// ```
pub fn feature_collection(text: &str) -> Result<FeatureCollection, GeoJsonError> {
    Ok(match parse(text)? {
        GeoJson::FeatureCollection(fc) => fc,
        GeoJson::Feature(f) => FeatureCollection {
            bbox: None,
            features: vec![f],
            foreign_members: None,
        },
        GeoJson::Geometry(g) => FeatureCollection {
            bbox: None,
            features: vec![Feature::from(g)],
            foreign_members: None,
        },
    })
}

/// Reads the features of a FeatureCollection or a single Feature, refusing a bare geometry
/// (which has no properties to read); `expected` says what the reader needs, for the message.
///
/// # Errors
/// As [`parse`], or [`GeoJsonError::BareGeometry`].
///
/// # Examples
/// ```
/// use corridor::geojson_input::features;
///
/// let err = features(r#"{"type": "Point", "coordinates": [36.8, 35.86]}"#, "Point features")
///     .unwrap_err();
/// assert_eq!(err.to_string(), "not GeoJSON: expected Point features, found a bare geometry");
/// ```
pub fn features(text: &str, expected: &'static str) -> Result<Vec<Feature>, GeoJsonError> {
    match parse(text)? {
        GeoJson::FeatureCollection(fc) => Ok(fc.features),
        GeoJson::Feature(f) => Ok(vec![f]),
        GeoJson::Geometry(_) => Err(GeoJsonError::BareGeometry { expected }),
    }
}

/// The `(lon, lat)` of a Point feature, the feature `index` of its file (the range of the
/// coordinates is for the reader to check).
///
/// # Errors
/// [`GeoJsonError::BadFeature`] when the feature has no geometry, another geometry than a
/// Point, or a Point with fewer than two coordinates.
///
/// # Examples
/// ```
/// use corridor::geojson_input::{features, point};
///
/// let fs = features(r#"{"type": "FeatureCollection", "features": [
///   {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [36.8, 35.86]}},
///   {"type": "Feature", "properties": {}, "geometry": null}]}"#, "Point features").unwrap();
/// assert_eq!(point(&fs[0], 0).unwrap().x, 36.8);
/// assert_eq!(point(&fs[1], 1).unwrap_err().to_string(), "feature 1: it has no geometry");
/// ```
pub fn point(feature: &Feature, index: usize) -> Result<Coord, GeoJsonError> {
    match feature.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::Point { coordinates }) => match coordinates.as_slice() {
            [x, y, ..] => Ok(Coord { x: *x, y: *y }),
            _ => Err(GeoJsonError::bad_feature(
                index,
                "its Point has fewer than 2 coordinates",
            )),
        },
        Some(other) => Err(GeoJsonError::bad_feature(
            index,
            format!("expected a Point, found a {}", other.type_name()),
        )),
        None => Err(GeoJsonError::bad_feature(index, "it has no geometry")),
    }
}

/// A parser's message kept to one printable line: serde quotes what it found, and a type name
/// in a broken file can hold a newline (found by the `read_road` fuzzer).
fn one_line(message: String) -> String {
    if !message.chars().any(char::is_control) {
        return message;
    }
    message
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_bad_json_from_json_that_is_not_geojson() {
        for text in ["", "  \n\t", "{\"type\": \"Point\", \"coord"] {
            assert!(
                matches!(parse(text), Err(GeoJsonError::Json(_))),
                "{text:?}"
            );
        }
        for text in ["{}", "[1, 2]", r#"{"type": "Nothing"}"#] {
            assert!(
                matches!(parse(text), Err(GeoJsonError::NotGeoJson(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn messages_are_one_line() {
        let text = "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Poi\r\nnt\"}}";
        let err = parse(text).unwrap_err().to_string();
        assert!(!err.chars().any(char::is_control), "{err:?}");
    }
}
