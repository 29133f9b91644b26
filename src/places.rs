//! Named places (settlements, junctions) read from GeoJSON points, and their projection onto a
//! road.

use geo::Coord;

use crate::geojson_input::{self, GeoJsonError};
use crate::{Location, Road, RoadError};

/// What can be wrong with places.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaceError {
    /// The file is not the GeoJSON asked for.
    #[error(transparent)]
    GeoJson(#[from] GeoJsonError),
    /// A name that is not among the places.
    #[error("unknown place `{name}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    Unknown {
        /// The name asked for.
        name: String,
        /// The closest known name, if any is close.
        suggestion: Option<String>,
    },
    /// A place too far from the road to stand for a point on it.
    #[error("place `{name}` is {distance_m:.0} m from the road (at most {max_m:.0} m allowed)")]
    TooFar {
        /// The place.
        name: String,
        /// Its distance from the road, metres.
        distance_m: f64,
        /// The limit, metres.
        max_m: f64,
    },
    /// The road refused (for example the two places project onto the same point).
    #[error(transparent)]
    Road(#[from] RoadError),
}

/// A named place at a `(lon, lat)` position.
///
/// # Examples
/// ```
/// use corridor::Place;
/// use geo::coord;
///
/// let saraqib = Place::new("Saraqib", coord! { x: 36.8059, y: 35.8645 }); // lon, lat
/// assert_eq!(saraqib.name, "Saraqib");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Its name.
    pub name: String,
    /// Its position, `(lon, lat)` degrees.
    pub position: Coord,
    /// Other spellings it is known by (Trumba / Tronba / Tarnabeh).
    pub aliases: Vec<String>,
}

impl Place {
    /// A place with this name and position.
    ///
    /// # Examples
    /// ```
    /// let p = corridor::Place::new("Ariha", geo::coord! { x: 36.61, y: 35.81 });
    /// assert_eq!(p.position.x, 36.61);
    /// ```
    pub fn new(name: impl Into<String>, position: Coord) -> Place {
        Place {
            name: name.into(),
            position,
            aliases: Vec::new(),
        }
    }

    /// Projects the place onto a road (see [`Road::locate`]).
    ///
    /// # Errors
    /// [`PlaceError::Road`] when the position is not valid.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Place, Road};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let at = Place::new("A", coord! { x: 0.05, y: 0.001 }).locate_on(&road).unwrap();
    /// assert!((at.distance_m - 110.57).abs() < 0.01);
    /// ```
    pub fn locate_on(&self, road: &Road) -> Result<Location, PlaceError> {
        Ok(road.locate(self.position)?)
    }
}

/// A gazetteer: places looked up by name or by one of their `aliases`, ignoring case, spaces,
/// hyphens and apostrophes.
///
/// # Examples
/// ```
/// use corridor::Places;
///
/// let places = Places::from_geojson_str(r#"{"type": "FeatureCollection", "features": [
///   {"type": "Feature", "properties": {"name": "Ain al-Hawr"},
///    "geometry": {"type": "Point", "coordinates": [36.15, 35.75]}}]}"#).unwrap();
/// assert_eq!(places.get("ain al hawr").unwrap().name, "Ain al-Hawr");
/// assert!(places.get("Ain al-Haur").is_err());
///
/// let data = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/places.geojson")).unwrap();
/// let m4 = Places::from_geojson_str(&data).unwrap();
/// assert_eq!(m4.get("Tronba").unwrap().name, "Trumba"); // an alias
/// ```
#[derive(Debug, Clone, Default)]
pub struct Places {
    places: Vec<Place>,
}

fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Edit distance between two short strings, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Places {
    /// Places from a list.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Place, Places};
    /// let places = Places::new(vec![Place::new("Saraqib", geo::coord! { x: 36.8, y: 35.86 })]);
    /// assert_eq!(places.iter().count(), 1);
    /// ```
    pub fn new(places: Vec<Place>) -> Places {
        Places { places }
    }

    /// Reads places from GeoJSON: Point features with a `name` property and, optionally, an
    /// `aliases` array of other spellings (a bare Point geometry has no name and is refused).
    ///
    /// # Errors
    /// [`PlaceError::GeoJson`]: the text is not GeoJSON, or a feature has no point, no name or
    /// coordinates out of range ([`GeoJsonError::BadFeature`]).
    ///
    /// # Examples
    /// ```
    /// use corridor::Places;
    /// let err = Places::from_geojson_str(r#"{"type": "Feature", "properties": {},
    ///   "geometry": {"type": "Point", "coordinates": [36.8, 35.86]}}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "feature 0: it has no `name` property");
    /// ```
    pub fn from_geojson_str(text: &str) -> Result<Places, PlaceError> {
        let features = geojson_input::features(text, "Point features with a `name` property")?;
        let mut places = Vec::with_capacity(features.len());
        for (index, f) in features.iter().enumerate() {
            let bad = |problem: &str| GeoJsonError::bad_feature(index, problem);
            let name = f
                .property("name")
                .and_then(|v| v.as_str())
                .ok_or_else(|| bad("it has no `name` property"))?;
            let position = geojson_input::point(f, index)?;
            if !(-180.0..=180.0).contains(&position.x) || !(-90.0..=90.0).contains(&position.y) {
                return Err(bad("its coordinates are out of range (expected lon, lat)").into());
            }
            let mut place = Place::new(name, position);
            if let Some(aliases) = f.property("aliases").and_then(|v| v.as_array()) {
                place.aliases = aliases
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect();
            }
            places.push(place);
        }
        Ok(Places { places })
    }

    /// The place with this name.
    ///
    /// # Errors
    /// [`PlaceError::Unknown`], suggesting the closest name when one is close.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Place, Places};
    /// let places = Places::new(vec![Place::new("Trumba", geo::coord! { x: 36.78, y: 35.86 })]);
    /// assert_eq!(places.get("Tromba").unwrap_err().to_string(),
    ///            "unknown place `Tromba` (did you mean `Trumba`?)");
    /// ```
    pub fn get(&self, name: &str) -> Result<&Place, PlaceError> {
        let key = fold(name);
        if let Some(p) = self.places.iter().find(|p| fold(&p.name) == key) {
            return Ok(p);
        }
        if let Some(p) = self
            .places
            .iter()
            .find(|p| p.aliases.iter().any(|a| fold(a) == key))
        {
            return Ok(p);
        }
        let suggestion = self
            .places
            .iter()
            .map(|p| (edit_distance(&fold(&p.name), &key), &p.name))
            .filter(|(d, _)| *d <= 2.max(key.chars().count() / 4))
            .min_by_key(|(d, _)| *d)
            .map(|(_, n)| n.clone());
        Err(PlaceError::Unknown {
            name: name.to_string(),
            suggestion,
        })
    }

    /// All places, in file order.
    ///
    /// # Examples
    /// ```
    /// let places = corridor::Places::default();
    /// assert_eq!(places.iter().count(), 0);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Place> {
        self.places.iter()
    }

    /// The section of `road` between two named places, each projected onto the road, running
    /// from `from` to `to` (backwards along the road's drawing if `to` comes first).
    ///
    /// # Errors
    /// [`PlaceError::Unknown`] for a name not here, [`PlaceError::TooFar`] when a place is
    /// more than `max_distance_m` from the road, [`PlaceError::Road`] when both project onto
    /// the same point.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Place, Places, Road};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("West", coord! { x: 0.05, y: 0.002 }),
    ///     Place::new("East", coord! { x: 0.15, y: -0.001 }),
    /// ]);
    /// let section = places.section(&road, "West", "East", 2_000.0).unwrap();
    /// assert!((section.length_m() - 11_131.95).abs() < 0.01);
    /// ```
    pub fn section(
        &self,
        road: &Road,
        from: &str,
        to: &str,
        max_distance_m: f64,
    ) -> Result<Road, PlaceError> {
        let a = self.located(road, from, max_distance_m)?;
        let b = self.located(road, to, max_distance_m)?;
        Ok(road.section_m(a.chainage_m, b.chainage_m)?)
    }

    /// A named place projected onto the road, refused beyond `max_distance_m`.
    ///
    /// # Errors
    /// As [`Places::section`].
    ///
    /// # Examples
    /// ```
    /// use corridor::{Place, Places, Road};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0)]).unwrap();
    /// let places = Places::new(vec![Place::new("Far", coord! { x: 0.1, y: 0.1 })]);
    /// assert!(places.located(&road, "Far", 2_000.0).is_err());
    /// ```
    pub fn located(
        &self,
        road: &Road,
        name: &str,
        max_distance_m: f64,
    ) -> Result<Location, PlaceError> {
        let place = self.get(name)?;
        let at = place.locate_on(road)?;
        if at.distance_m > max_distance_m {
            return Err(PlaceError::TooFar {
                name: place.name.clone(),
                distance_m: at.distance_m,
                max_m: max_distance_m,
            });
        }
        Ok(at)
    }
}
