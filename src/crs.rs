//! Coordinates in other reference systems, through PROJ (the `proj` cargo feature).
//!
//! The library works in WGS84 longitude/latitude throughout; a [`Crs`] moves coordinates between
//! that and any coordinate reference system PROJ knows (`EPSG:32637`, UTM zone 37N, for
//! instance), at the edges: roads and points read in a projected CRS, layers written in one for
//! GIS analysis. Distances stay geodesic on the ellipsoid whatever CRS the files use.
//!
//! Coordinates are always `(x, y)` = `(lon, lat)` or `(easting, northing)`: the CRS's own axis
//! order (latitude first for EPSG:4326) is normalised away, as PROJ's
//! `proj_normalize_for_visualization` does.

use geo::Coord;
use geojson::{Feature, FeatureCollection, GeoJson, Geometry, GeometryValue, JsonObject, Position};
use proj::Proj;
use serde_json::json;

/// WGS84 geographic, the library's own system (longitude, latitude once normalised).
const WGS84: &str = "EPSG:4326";

/// What can go wrong with a coordinate reference system.
#[derive(Debug, thiserror::Error)]
pub enum CrsError {
    /// PROJ does not know the CRS, or cannot go between it and WGS84.
    #[error("unknown coordinate reference system `{definition}`: {message}")]
    Unknown {
        /// The definition given (`EPSG:32637`, a PROJ string, WKT…).
        definition: String,
        /// PROJ's message.
        message: String,
    },
    /// A coordinate PROJ could not transform (out of the projection's domain, not finite…).
    #[error("cannot transform ({x}, {y}) from {from} to {to}: {message}")]
    Transform {
        /// The x (longitude or easting) given.
        x: f64,
        /// The y (latitude or northing) given.
        y: f64,
        /// The source CRS.
        from: String,
        /// The target CRS.
        to: String,
        /// Why.
        message: String,
    },
    /// The CRS has no `AUTHORITY:CODE` name, which the legacy GeoJSON `crs` member needs.
    #[error(
        "`{0}` is not an AUTHORITY:CODE name (such as EPSG:32637), which the GeoJSON `crs` member needs"
    )]
    NoUrn(String),
}

/// A coordinate reference system and the two transformations between it and WGS84.
///
/// Not `Send`: a PROJ context belongs to one thread. Make one per thread where several work.
///
/// # Examples
/// ```
/// use corridor::crs::Crs;
/// use geo::coord;
///
/// let utm37n = Crs::new("EPSG:32637").unwrap();
/// // Saraqib: longitude, latitude.
/// let saraqib = coord! { x: 36.80, y: 35.86 };
/// let projected = utm37n.from_wgs84(saraqib).unwrap();
/// assert!((projected.x - 300_000.0).abs() < 20_000.0); // west of the central meridian, 39°E
/// let back = utm37n.to_wgs84(projected).unwrap();
/// assert!((back.x - saraqib.x).abs() < 1e-9 && (back.y - saraqib.y).abs() < 1e-9);
/// ```
pub struct Crs {
    definition: String,
    to_wgs84: Proj,
    from_wgs84: Proj,
}

impl std::fmt::Debug for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crs")
            .field("definition", &self.definition)
            .finish_non_exhaustive()
    }
}

impl Crs {
    /// A CRS from any definition PROJ takes: `AUTHORITY:CODE` (`EPSG:32637`), a URN, a PROJ
    /// string (`+proj=utm +zone=37 +datum=WGS84`), WKT or PROJJSON.
    ///
    /// # Errors
    /// [`CrsError::Unknown`] when PROJ does not know it.
    ///
    /// # Examples
    /// ```
    /// use corridor::crs::{Crs, CrsError};
    /// assert_eq!(Crs::new(" EPSG:32637 ").unwrap().definition(), "EPSG:32637");
    /// assert!(matches!(Crs::new("EPSG:999999"), Err(CrsError::Unknown { .. })));
    /// ```
    pub fn new(definition: &str) -> Result<Crs, CrsError> {
        let definition = definition.trim().to_string();
        // PROJ's own words ("crs not found: EPSG:999999") are in its log, not in the error.
        let unknown = |e: proj::ProjCreateError| CrsError::Unknown {
            definition: definition.clone(),
            message: log::take().unwrap_or_else(|| e.to_string()),
        };
        if definition.is_empty() {
            return Err(CrsError::Unknown {
                definition,
                message: "the definition is empty".into(),
            });
        }
        log::install();
        log::take();
        // `new_known_crs` normalises both ends to (lon, lat) / (easting, northing).
        let to_wgs84 = Proj::new_known_crs(&definition, WGS84, None).map_err(unknown)?;
        let from_wgs84 = Proj::new_known_crs(WGS84, &definition, None).map_err(unknown)?;
        Ok(Crs {
            definition,
            to_wgs84,
            from_wgs84,
        })
    }

    /// The definition this CRS was made from, trimmed.
    ///
    /// # Examples
    /// ```
    /// let crs = corridor::crs::Crs::new("EPSG:32637").unwrap();
    /// assert_eq!(crs.definition(), "EPSG:32637");
    /// ```
    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// The OGC URN of the CRS (`urn:ogc:def:crs:EPSG::32637`), as the legacy GeoJSON `crs`
    /// member names it; `None` unless the definition is an `AUTHORITY:CODE` or already a URN.
    ///
    /// # Examples
    /// ```
    /// use corridor::crs::Crs;
    /// let utm = Crs::new("epsg:32637").unwrap();
    /// assert_eq!(utm.ogc_urn().as_deref(), Some("urn:ogc:def:crs:EPSG::32637"));
    /// assert_eq!(Crs::new("+proj=utm +zone=37 +datum=WGS84").unwrap().ogc_urn(), None);
    /// ```
    pub fn ogc_urn(&self) -> Option<String> {
        let text = self.definition.as_str();
        if text.len() > 16 && text[..16].eq_ignore_ascii_case("urn:ogc:def:crs:") {
            return Some(text.to_string());
        }
        let (authority, code) = text.split_once(':')?;
        let word = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        };
        (word(authority) && word(code))
            .then(|| format!("urn:ogc:def:crs:{}::{code}", authority.to_ascii_uppercase()))
    }

    /// Transforms `(x, y)` in this CRS to WGS84 `(lon, lat)` in degrees.
    ///
    /// # Errors
    /// [`CrsError::Transform`] when PROJ fails or gives a non-finite result.
    ///
    /// # Examples
    /// ```
    /// let utm37n = corridor::crs::Crs::new("EPSG:32637").unwrap();
    /// // The central meridian of zone 37 at the equator: easting, northing.
    /// let c = utm37n.to_wgs84(geo::coord! { x: 500_000.0, y: 0.0 }).unwrap();
    /// assert!((c.x - 39.0).abs() < 1e-12 && c.y.abs() < 1e-12);
    /// ```
    pub fn to_wgs84(&self, c: Coord) -> Result<Coord, CrsError> {
        transform(&self.to_wgs84, c, &self.definition, WGS84)
    }

    /// Transforms WGS84 `(lon, lat)` in degrees to `(x, y)` in this CRS.
    ///
    /// # Errors
    /// [`CrsError::Transform`] when PROJ fails or gives a non-finite result.
    ///
    /// # Examples
    /// ```
    /// let utm37n = corridor::crs::Crs::new("EPSG:32637").unwrap();
    /// let c = utm37n.from_wgs84(geo::coord! { x: 39.0, y: 0.0 }).unwrap(); // lon, lat
    /// assert!((c.x - 500_000.0).abs() < 1e-6 && c.y.abs() < 1e-6);
    /// ```
    pub fn from_wgs84(&self, c: Coord) -> Result<Coord, CrsError> {
        transform(&self.from_wgs84, c, WGS84, &self.definition)
    }

    /// Transforms every position of GeoJSON in this CRS to WGS84, in place; elevations stay.
    /// Bounding boxes, now stale, are dropped, and so is a legacy `crs` member, so that the
    /// result is RFC 7946.
    ///
    /// # Errors
    /// [`CrsError::Transform`] for the first position that fails.
    ///
    /// # Examples
    /// ```
    /// use geojson::GeoJson;
    /// let utm37n = corridor::crs::Crs::new("EPSG:32637").unwrap();
    /// let mut road: GeoJson = r#"{"type": "LineString",
    ///     "coordinates": [[300000, 3970000], [310000, 3970000, 250]]}"#.parse().unwrap();
    /// utm37n.geojson_to_wgs84(&mut road).unwrap();
    /// let GeoJson::Geometry(g) = road else { panic!() };
    /// let geojson::GeometryValue::LineString { coordinates } = g.value else { panic!() };
    /// assert!((coordinates[0][0] - 36.8).abs() < 0.1 && (coordinates[0][1] - 35.86).abs() < 0.1);
    /// assert_eq!(coordinates[1][2], 250.0); // the elevation
    /// ```
    pub fn geojson_to_wgs84(&self, geojson: &mut GeoJson) -> Result<(), CrsError> {
        let f = |c| self.to_wgs84(c);
        match geojson {
            GeoJson::Geometry(g) => geometry(g, &f),
            GeoJson::Feature(feature) => {
                drop_crs_member(&mut feature.foreign_members);
                feature_positions(feature, &f)
            }
            GeoJson::FeatureCollection(fc) => {
                fc.bbox = None;
                drop_crs_member(&mut fc.foreign_members);
                fc.features
                    .iter_mut()
                    .try_for_each(|feature| feature_positions(feature, &f))
            }
        }
    }

    /// A copy of a WGS84 FeatureCollection in this CRS, carrying the legacy GeoJSON 2008 `crs`
    /// member (`{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}}`), which
    /// GDAL and QGIS honour. Coordinates are not rounded. Vertices are transformed one by one:
    /// an edge stays straight in the projected plane, which is close to the geodesic for the
    /// dense lines and rings the library writes.
    ///
    /// # Errors
    /// [`CrsError::NoUrn`] when the CRS has no `AUTHORITY:CODE` name, [`CrsError::Transform`]
    /// for a position that fails.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Corridor, CorridorOptions, Road};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let zones = corridor::export::zones_geojson(&corridor, "example");
    /// let utm37n = corridor::crs::Crs::new("EPSG:32637").unwrap();
    /// let projected = utm37n.geojson_from_wgs84(&zones).unwrap();
    /// let text = serde_json::to_string(&projected).unwrap();
    /// assert!(text.contains(r#""crs":{"properties":{"name":"urn:ogc:def:crs:EPSG::32637"},"type":"name"}"#));
    /// ```
    pub fn geojson_from_wgs84(
        &self,
        fc: &FeatureCollection,
    ) -> Result<FeatureCollection, CrsError> {
        let urn = self
            .ogc_urn()
            .ok_or_else(|| CrsError::NoUrn(self.definition.clone()))?;
        let mut out = fc.clone();
        out.bbox = None;
        let f = |c| self.from_wgs84(c);
        out.features
            .iter_mut()
            .try_for_each(|feature| feature_positions(feature, &f))?;
        let members = out.foreign_members.get_or_insert_with(JsonObject::new);
        members.insert(
            "crs".into(),
            json!({"type": "name", "properties": {"name": urn}}),
        );
        Ok(out)
    }
}

/// PROJ prints its messages on stderr ("proj_create: crs not found: …"), which would break the
/// binary's one-line errors. They are caught instead, per thread, to explain the error they go
/// with.
mod log {
    use std::cell::RefCell;
    use std::ffi::{CStr, c_char, c_int, c_void};
    use std::sync::Once;

    thread_local! {
        static MESSAGES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    /// PROJ's logger. It must not unwind into C: nothing in it panics.
    unsafe extern "C" fn catch(_app_data: *mut c_void, _level: c_int, message: *const c_char) {
        if message.is_null() {
            return;
        }
        // SAFETY: PROJ passes a NUL-terminated string that lives for the call.
        let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
        // "proj_create: crs not found: X" → "crs not found: X".
        let text = match text.split_once(": ") {
            Some((function, rest)) if function.starts_with("proj_") && !function.contains(' ') => {
                rest.to_string()
            }
            _ => text.into_owned(),
        };
        let _ = MESSAGES.try_with(|messages| {
            if let Ok(mut messages) = messages.try_borrow_mut()
                && !messages.contains(&text)
            {
                messages.push(text);
            }
        });
    }

    /// Sets the logger on PROJ's default context, once; every context made afterwards (each
    /// `Proj` makes its own) copies it.
    pub(super) fn install() {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            // SAFETY: a null context stands for PROJ's default context; `catch` is a plain
            // function, valid for the life of the program, and the app data is unused.
            unsafe {
                proj_sys::proj_log_func(std::ptr::null_mut(), std::ptr::null_mut(), Some(catch));
            }
        });
    }

    /// The messages PROJ logged on this thread since the last call, joined; `None` if none.
    pub(super) fn take() -> Option<String> {
        let messages = MESSAGES
            .try_with(|m| m.try_borrow_mut().map(|mut m| std::mem::take(&mut *m)))
            .ok()?
            .ok()?;
        (!messages.is_empty()).then(|| messages.join("; "))
    }
}

fn transform(proj: &Proj, c: Coord, from: &str, to: &str) -> Result<Coord, CrsError> {
    let fail = |message: String| CrsError::Transform {
        x: c.x,
        y: c.y,
        from: from.to_string(),
        to: to.to_string(),
        message,
    };
    if !c.x.is_finite() || !c.y.is_finite() {
        return Err(fail("the coordinates are not finite".into()));
    }
    let (x, y) = proj
        .convert((c.x, c.y))
        .map_err(|e| fail(log::take().unwrap_or_else(|| e.to_string())))?;
    if !x.is_finite() || !y.is_finite() {
        return Err(fail(
            "the result is not finite (outside the projection)".into(),
        ));
    }
    Ok(Coord { x, y })
}

fn drop_crs_member(members: &mut Option<JsonObject>) {
    if let Some(m) = members {
        m.remove("crs");
    }
}

type Transform<'a> = dyn Fn(Coord) -> Result<Coord, CrsError> + 'a;

fn feature_positions(feature: &mut Feature, f: &Transform) -> Result<(), CrsError> {
    feature.bbox = None;
    match &mut feature.geometry {
        Some(g) => geometry(g, f),
        None => Ok(()),
    }
}

fn geometry(g: &mut Geometry, f: &Transform) -> Result<(), CrsError> {
    g.bbox = None;
    drop_crs_member(&mut g.foreign_members);
    let line = |line: &mut Vec<Position>| line.iter_mut().try_for_each(|p| position(p, f));
    let polygon = |rings: &mut Vec<Vec<Position>>| rings.iter_mut().try_for_each(line);
    match &mut g.value {
        GeometryValue::Point { coordinates } => position(coordinates, f),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            line(coordinates)
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            polygon(coordinates)
        }
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter_mut().try_for_each(polygon),
        GeometryValue::GeometryCollection { geometries } => {
            geometries.iter_mut().try_for_each(|g| geometry(g, f))
        }
    }
}

/// Transforms the first two numbers of a position; a third (the elevation) and more stay.
fn position(p: &mut Position, f: &Transform) -> Result<(), CrsError> {
    let s = p.as_slice_mut();
    if s.len() < 2 {
        return Err(CrsError::Transform {
            x: s.first().copied().unwrap_or(f64::NAN),
            y: f64::NAN,
            from: String::new(),
            to: String::new(),
            message: "a position needs two numbers".into(),
        });
    }
    let c = f(Coord { x: s[0], y: s[1] })?;
    s[0] = c.x;
    s[1] = c.y;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published pairs for WGS 84 / UTM zone 37N, from PROJ's own test data:
    /// OSGeo/PROJ `test/gie/tmerczoned.gie` (commit d6609de9b916e448d194486d4c394e166f4e2519),
    /// "EPSG:32600 (North) Boundary Tests", `# Zone 37`, tolerance 0.1 mm. EPSG:32600 is the
    /// zoned UTM whose easting carries the zone number in front (37 166021.4431 m); without
    /// it the pair is the EPSG:32637 easting. Entries are (lon, lat) → (easting, northing).
    const ZONE_37_PUBLISHED: [((f64, f64), (f64, f64)); 2] = [
        // accept 0.0 36.0 / expect 37166021.4431 0.0: the equator on the zone's west edge.
        ((36.0, 0.0), (166021.4431, 0.0)),
        // accept 80.0 36.0 / expect 37441867.7849 8883084.9559: 80°N on the west edge.
        ((36.0, 80.0), (441867.7849, 8883084.9559)),
    ];

    #[test]
    fn utm_37n_matches_published_pairs_forward_and_back() {
        let utm = Crs::new("EPSG:32637").unwrap();
        for ((lon, lat), (easting, northing)) in ZONE_37_PUBLISHED {
            let projected = utm.from_wgs84(Coord { x: lon, y: lat }).unwrap();
            // Forward: within 1 mm of the published pair (published to 0.1 mm).
            assert!(
                (projected.x - easting).abs() < 1e-3 && (projected.y - northing).abs() < 1e-3,
                "({lon}, {lat}) → {projected:?}, published ({easting}, {northing})"
            );
            // Inverse of our own forward result: back within 1e-9 degrees.
            let back = utm.to_wgs84(projected).unwrap();
            assert!(
                (back.x - lon).abs() < 1e-9 && (back.y - lat).abs() < 1e-9,
                "round trip of ({lon}, {lat}) gave {back:?}"
            );
            // Inverse of the published pair. Its 0.1 mm rounding is up to 5e-5 m, which is
            // 4.5e-10° of latitude, and of longitude 4.5e-10° / cos(lat): 2.6e-9° at 80°N.
            let published = utm
                .to_wgs84(Coord {
                    x: easting,
                    y: northing,
                })
                .unwrap();
            let lon_tolerance_deg = 1e-9_f64.max(5e-5 / 111_000.0 / lat.to_radians().cos());
            assert!(
                (published.x - lon).abs() < lon_tolerance_deg && (published.y - lat).abs() < 1e-9,
                "({easting}, {northing}) → {published:?}, published ({lon}, {lat})"
            );
        }
    }

    #[test]
    fn epsg_4326_keeps_longitude_first() {
        // PROJ's EPSG:4326 is latitude first; the normalisation must swap it away.
        let wgs84 = Crs::new("EPSG:4326").unwrap();
        let c = wgs84.to_wgs84(Coord { x: 36.8, y: 35.86 }).unwrap();
        assert!((c.x - 36.8).abs() < 1e-12 && (c.y - 35.86).abs() < 1e-12);
    }

    #[test]
    fn unknown_crs_and_bad_points_are_errors() {
        assert!(matches!(
            Crs::new("EPSG:not-a-code"),
            Err(CrsError::Unknown { .. })
        ));
        assert!(matches!(Crs::new("  "), Err(CrsError::Unknown { .. })));
        let utm = Crs::new("EPSG:32637").unwrap();
        let nan = utm.to_wgs84(Coord {
            x: f64::NAN,
            y: 0.0,
        });
        assert!(matches!(nan, Err(CrsError::Transform { .. })));
        // The parser refuses such a position; one made in code still gets an error, not a panic.
        let mut short = GeoJson::Geometry(Geometry::new(GeometryValue::Point {
            coordinates: Position::from(vec![1.0]),
        }));
        assert!(utm.geojson_to_wgs84(&mut short).is_err());
    }

    #[test]
    fn geojson_to_wgs84_drops_the_crs_member_and_bboxes() {
        let utm = Crs::new("EPSG:32637").unwrap();
        let mut fc: GeoJson = r#"{"type": "FeatureCollection", "bbox": [0, 0, 1, 1],
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}},
            "features": [{"type": "Feature", "properties": {"name": "post"},
              "geometry": {"type": "Point", "coordinates": [500000, 0]}}]}"#
            .parse()
            .unwrap();
        utm.geojson_to_wgs84(&mut fc).unwrap();
        let text = fc.to_string();
        assert!(!text.contains("crs") && !text.contains("bbox"), "{text}");
        let GeoJson::FeatureCollection(fc) = fc else {
            panic!("{text}")
        };
        let Some(GeometryValue::Point { coordinates }) =
            fc.features[0].geometry.as_ref().map(|g| &g.value)
        else {
            panic!("{text}")
        };
        assert!(
            (coordinates[0] - 39.0).abs() < 1e-12 && coordinates[1].abs() < 1e-12,
            "{text}"
        );
    }
}
