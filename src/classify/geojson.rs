//! Placing the points of a GeoJSON file.

use geojson::{Feature, GeoJson};
use rayon::prelude::*;
use serde_json::Value;

use super::{Classification, Classifier, ClassifyError, Summary};
use crate::geojson_input::{self, GeoJsonError};

/// Places the points of a GeoJSON FeatureCollection (or a single Feature) of Point features,
/// adding `inside`, `side`, `distance_m` and `chainage_km` to each feature's properties; every
/// other member is kept as it was.
///
/// # Errors
/// [`ClassifyError::GeoJson`]: the text is not GeoJSON, or a feature is not a Point in range
/// ([`GeoJsonError::BadFeature`]).
///
/// # Examples
/// ```
/// use corridor::classify::{Classifier, classify_geojson};
/// use corridor::{CorridorOptions, Road};
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
/// let classifier = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let input = r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
///   "properties": {"name": "post 1"}, "geometry": {"type": "Point", "coordinates": [36.75, 35.82]}}]}"#;
/// let (out, summary) = classify_geojson(&classifier, input).unwrap();
/// assert_eq!(summary.inside, 1);
/// let GeoJson::FeatureCollection(fc) = out else { panic!() };
/// assert_eq!(fc.features[0].property("side").unwrap(), "south");
/// assert_eq!(fc.features[0].property("name").unwrap(), "post 1");
/// # use geojson::GeoJson;
/// ```
pub fn classify_geojson(
    classifier: &Classifier,
    text: &str,
) -> Result<(GeoJson, Summary), ClassifyError> {
    let mut geojson = geojson_input::parse(text)?;
    let features: &mut [Feature] = match &mut geojson {
        GeoJson::FeatureCollection(fc) => &mut fc.features,
        GeoJson::Feature(f) => std::slice::from_mut(f),
        GeoJson::Geometry(_) => {
            return Err(GeoJsonError::BareGeometry {
                expected: "Point features",
            }
            .into());
        }
    };
    let placed: Vec<Result<Classification, ClassifyError>> = features
        .par_iter()
        .enumerate()
        .map(|(index, f)| {
            let p = geojson_input::point(f, index)?;
            classifier.classify(p).map_err(|e| {
                GeoJsonError::bad_feature(index, format!("{e} (coordinates are lon, lat)")).into()
            })
        })
        .collect();
    let mut summary = Summary::default();
    for (f, result) in features.iter_mut().zip(placed) {
        let c = result?;
        summary.add(&c);
        let properties = f.properties.get_or_insert_with(Default::default);
        properties.insert("inside".into(), Value::Bool(c.inside));
        properties.insert("side".into(), Value::from(c.side_name));
        properties.insert("distance_m".into(), Value::from(round_to(c.distance_m, 2)));
        properties.insert(
            "chainage_km".into(),
            Value::from(round_to(c.chainage_km, 5)),
        );
    }
    Ok((geojson, summary))
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CorridorOptions, Road};
    use geo::line_string;

    #[test]
    fn refuses_a_feature_that_is_not_a_point() {
        let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
        let c = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[36.7,35.8]}},
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[36.7,35.8],[36.8,35.8]]}}]}"#;
        let err = classify_geojson(&c, text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "feature 1: expected a Point, found a LineString"
        );
    }
}
