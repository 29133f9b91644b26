//! Every output of a corridor as one set of files: the GeoJSON layers with their QGIS styles,
//! the QGIS project, the GPX, the map page and the KML. The one place that knows the file list,
//! so that the example and the command line write the same files.

use std::path::{Path, PathBuf};

use geo::MultiLineString;
use geojson::FeatureCollection;
use serde_json::json;

use super::kml::map_kml_to_writer;
use super::map::map_html_to_writer;
use super::qgs::{ProjectLayer, qgis_project};
use super::qml::{QgisLayer, layer_qml};
use super::{
    FileSet, GpxError, KML_ICON_FILE, KML_ICON_PNG, MapLayers, NamedZone, WriteError, Writer,
    checkpoints_geojson, control_lines_geojson, geojson_to_writer, line_feature, patrol_gpx,
    patrol_routes_geojson, zones_geojson, zones_layer,
};
use crate::control_lines::Gate;
use crate::patrol::Patrol;
use crate::{Corridor, Road};

/// The layers of one corridor and its patrol, made once and written as a set (see
/// [`LayerSet::stage`] for the files).
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road};
/// use corridor::export::{FileSet, LayerSet};
/// use geo::line_string;
///
/// // Near Saraqib: longitude, latitude.
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let layers = LayerSet::new("test", &corridor, &[], &[]).unwrap()
///     .credit("Road: drawn by hand, public domain");
///
/// let dir = tempfile::tempdir().unwrap();
/// let mut files = FileSet::new();
/// layers.stage(&mut files, dir.path(), "t_", "t").unwrap();
/// let written = files.commit().unwrap();
/// let names: Vec<_> = written.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect();
/// assert!(names.contains(&"t_zones.geojson") && names.contains(&"t_zones.qml"));
/// assert!(names.contains(&"t_checkpoints.geojson") && names.contains(&"t.qgs"));
/// assert!(!names.contains(&"t_places.geojson")); // no places given
/// ```
#[derive(Debug, Clone)]
pub struct LayerSet {
    title: String,
    zones: FeatureCollection,
    control_lines: FeatureCollection,
    patrol_routes: FeatureCollection,
    checkpoints: FeatureCollection,
    places: FeatureCollection,
    gpx: String,
    credits: Vec<String>,
    /// Layers only for the map page and the KML, drawn under (`true`) or over the others.
    map_only: Vec<(String, FeatureCollection, bool)>,
}

impl LayerSet {
    /// The layers of a corridor (named `title`), its gates and the legs of its patrol (none, one,
    /// or a patrol and its return).
    ///
    /// # Errors
    /// [`GpxError::Patrol`] when the patrol's schedule cannot be written as GPX (it leaves the
    /// calendar); nothing is written then.
    ///
    /// # Examples
    /// ```
    /// use corridor::{Corridor, CorridorOptions, Road};
    /// use corridor::export::{LayerSet, QgisLayer};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = LayerSet::new("test", &corridor, &[], &[]).unwrap();
    /// assert_eq!(layers.layer(QgisLayer::Zones).features.len(), 3);
    /// ```
    pub fn new(
        title: &str,
        corridor: &Corridor,
        gates: &[Gate],
        legs: &[Patrol],
    ) -> Result<LayerSet, GpxError> {
        // The corridor's layers and the patrol's are independent: made side by side.
        let (set, corridor_layers) = rayon::join(
            || LayerSet::for_patrol(title, legs),
            || corridor_layers(title, corridor, gates),
        );
        Ok(set?.set_corridor(corridor_layers))
    }

    /// The layers of the legs of a patrol alone (its routes, checkpoints and GPX), named
    /// `title`: a corridor's layers are added with [`LayerSet::with_corridor`]. They need only
    /// the patrol, so that they can be made while the corridor is built.
    ///
    /// # Errors
    /// As [`LayerSet::new`].
    ///
    /// # Examples
    /// ```
    /// use corridor::{Corridor, CorridorOptions, Place, Places, Road};
    /// use corridor::export::{LayerSet, QgisLayer};
    /// use corridor::patrol::{Patrol, PatrolOptions};
    /// use geo::{coord, line_string};
    ///
    /// // Near Saraqib: longitude, latitude.
    /// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// let places = Places::new(vec![
    ///     Place::new("West", coord! { x: 36.70, y: 35.86 }),
    ///     Place::new("East", coord! { x: 36.80, y: 35.86 }),
    /// ]);
    /// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
    /// let patrol = Patrol::plan(&road, &places, "West", "East", &options).unwrap();
    /// let layers = LayerSet::for_patrol("test", std::slice::from_ref(&patrol)).unwrap();
    /// assert!(layers.layer(QgisLayer::Zones).features.is_empty());
    /// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = layers.with_corridor(&corridor, &[]);
    /// assert_eq!(layers.layer(QgisLayer::Zones).features.len(), 3);
    /// assert_eq!(layers.layer(QgisLayer::PatrolRoutes).features.len(), 1);
    /// ```
    pub fn for_patrol(title: &str, legs: &[Patrol]) -> Result<LayerSet, GpxError> {
        Ok(LayerSet {
            title: title.to_string(),
            zones: FeatureCollection::default(),
            control_lines: FeatureCollection::default(),
            patrol_routes: patrol_routes_geojson(legs),
            checkpoints: checkpoints_geojson(legs),
            places: FeatureCollection::default(),
            gpx: patrol_gpx(legs)?,
            credits: Vec::new(),
            map_only: Vec::new(),
        })
    }

    /// Sets the zones and control lines to those of a corridor and its gates (see
    /// [`LayerSet::for_patrol`]).
    ///
    /// # Examples
    /// See [`LayerSet::for_patrol`].
    pub fn with_corridor(self, corridor: &Corridor, gates: &[Gate]) -> LayerSet {
        let layers = corridor_layers(&self.title, corridor, gates);
        self.set_corridor(layers)
    }

    fn set_corridor(
        mut self,
        (zones, control_lines): (FeatureCollection, FeatureCollection),
    ) -> LayerSet {
        self.zones = zones;
        self.control_lines = control_lines;
        self
    }

    /// The layers of zones along lines (one side, bands, exceptions; an agreement's zones), the
    /// lines they were built along as `centerline`s (each with its `name`), and the legs of a
    /// patrol. Zones have no limit lines or gates: their edges are the zones layer's outlines.
    ///
    /// # Errors
    /// As [`LayerSet::new`].
    ///
    /// # Examples
    /// ```
    /// use corridor::export::{LayerSet, NamedZone, QgisLayer};
    /// use corridor::{Extent, Road, Zone, ZoneOptions};
    /// use geo::line_string;
    ///
    /// let border = Road::new(line_string![(x: 38.0, y: 36.8), (x: 38.5, y: 36.7)]).unwrap();
    /// let strip = Zone::build(&border, &ZoneOptions::new(None, Extent::width_m(10_000.0).ok()));
    /// let layers = LayerSet::for_zones(
    ///     "Sochi 2019",
    ///     &[("border", &border)],
    ///     &[NamedZone::new("strip", "Patrol strip", strip)],
    ///     &[],
    /// )
    /// .unwrap();
    /// assert_eq!(layers.layer(QgisLayer::Zones).features.len(), 2); // the zone and its south side
    /// assert_eq!(layers.layer(QgisLayer::ControlLines).features[0].property("name").unwrap(), "border");
    /// ```
    pub fn for_zones(
        title: &str,
        lines: &[(&str, &Road)],
        zones: &[NamedZone],
        legs: &[Patrol],
    ) -> Result<LayerSet, GpxError> {
        let features = lines
            .iter()
            .map(|(name, line)| {
                line_feature(
                    &MultiLineString(vec![line.to_line_string()]),
                    json!({
                        "kind": "centerline",
                        "name": name,
                        "length_km": (line.length_m()).round() / 1_000.0,
                        "title": name,
                        "stroke": "#000000",
                        "stroke-width": 3,
                    }),
                )
            })
            .collect();
        let (set, zones) = rayon::join(|| LayerSet::for_patrol(title, legs), || zones_layer(zones));
        let control_lines = FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        };
        Ok(set?.set_corridor((zones, control_lines)))
    }

    /// Adds the limit lines of a corridor that is one of the zones (`zone` = `zone_id` on each).
    ///
    /// # Examples
    /// ```
    /// use corridor::export::{LayerSet, NamedZone, QgisLayer};
    /// use corridor::{Corridor, CorridorOptions, Road, Zone};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let zones = [NamedZone::new("m4", "M4", Zone::of_corridor(&corridor))];
    /// let layers = LayerSet::for_zones("M4", &[("m4", &road)], &zones, &[]).unwrap()
    ///     .limit_lines(&corridor, "m4");
    /// let lines = layers.layer(QgisLayer::ControlLines);
    /// assert_eq!(lines.features.len(), 3); // the centre line and two limits
    /// assert_eq!(lines.features[2].property("zone").unwrap(), "m4");
    /// ```
    pub fn limit_lines(mut self, corridor: &Corridor, zone_id: &str) -> LayerSet {
        let lines = control_lines_geojson(corridor, &[]);
        for mut f in lines.features.into_iter().skip(1) {
            f.set_property("zone", zone_id);
            self.control_lines.features.push(f);
        }
        self
    }

    /// Adds named places (`kind` = `place` Points with a `name`), shown and labelled on the map
    /// page, in the KML and in the QGIS project, and written as their own layer.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use corridor::export::{LayerSet, QgisLayer};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let places = corridor::export::layer_from_geojson_str(
    ///     r#"{"type": "Feature", "properties": {"kind": "place", "name": "Saraqib"},
    ///         "geometry": {"type": "Point", "coordinates": [36.806, 35.864]}}"#).unwrap();
    /// let layers = LayerSet::new("test", &corridor, &[], &[]).unwrap().places(places);
    /// assert_eq!(layers.layer(QgisLayer::Places).features.len(), 1);
    /// ```
    pub fn places(mut self, places: FeatureCollection) -> LayerSet {
        self.places = places;
        self
    }

    /// Adds a layer of context (administrative lines, classified villages) to the map page and
    /// the KML only, under the corridor's layers (`under`) or over them.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let lines = geojson::FeatureCollection::default();
    /// let layers = corridor::export::LayerSet::new("test", &corridor, &[], &[]).unwrap()
    ///     .map_layer("Governorate lines", lines, true);
    /// assert_eq!(layers.map_layers().layers()[0].0, "Governorate lines");
    /// ```
    pub fn map_layer(
        mut self,
        title: impl Into<String>,
        features: FeatureCollection,
        under: bool,
    ) -> LayerSet {
        self.map_only.push((title.into(), features, under));
        self
    }

    /// Credits a source of the data and its licence (`"Places: GeoNames, CC BY 4.0"`): shown on
    /// the map page, in the KML's description and in the QGIS project's metadata.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = corridor::export::LayerSet::new("test", &corridor, &[], &[]).unwrap()
    ///     .credit("Places: GeoNames, CC BY 4.0");
    /// assert_eq!(layers.credits(), ["Places: GeoNames, CC BY 4.0"]);
    /// ```
    pub fn credit(mut self, text: impl Into<String>) -> LayerSet {
        self.credits.push(text.into());
        self
    }

    /// The credits, in the order given.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = corridor::export::LayerSet::new("test", &corridor, &[], &[]).unwrap();
    /// assert!(layers.credits().is_empty());
    /// ```
    pub fn credits(&self) -> &[String] {
        &self.credits
    }

    /// One layer's features.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use corridor::export::{LayerSet, QgisLayer};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = LayerSet::new("test", &corridor, &[], &[]).unwrap();
    /// assert!(layers.layer(QgisLayer::Checkpoints).features.is_empty()); // no patrol
    /// ```
    pub fn layer(&self, layer: QgisLayer) -> &FeatureCollection {
        match layer {
            QgisLayer::Zones => &self.zones,
            QgisLayer::ControlLines => &self.control_lines,
            QgisLayer::PatrolRoutes => &self.patrol_routes,
            QgisLayer::Checkpoints => &self.checkpoints,
            QgisLayer::Places => &self.places,
        }
    }

    /// The layers written as GeoJSON, bottom first: zones, control lines, patrol routes,
    /// checkpoints, and the places when there are any.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use corridor::export::{LayerSet, QgisLayer};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = LayerSet::new("test", &corridor, &[], &[]).unwrap();
    /// let stems: Vec<_> = layers.geojson_layers().map(|(l, _)| l.file_stem()).collect();
    /// assert_eq!(stems, ["zones", "control_lines", "patrol", "checkpoints"]);
    /// ```
    pub fn geojson_layers(&self) -> impl Iterator<Item = (QgisLayer, &FeatureCollection)> {
        QgisLayer::ALL
            .into_iter()
            .filter(|l| *l != QgisLayer::Places || !self.places.features.is_empty())
            .map(|l| (l, self.layer(l)))
    }

    /// The layers for the map page, the picture and the KML, named by [`QgisLayer::title`],
    /// with the credits.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = corridor::export::LayerSet::new("test", &corridor, &[], &[]).unwrap();
    /// let map = layers.map_layers();
    /// assert_eq!(map.layers()[3].0, "Checkpoints");
    /// ```
    pub fn map_layers(&self) -> MapLayers<'_> {
        let mut map = MapLayers::new(&self.title);
        for (title, features, _) in self.map_only.iter().filter(|l| l.2) {
            map = map.layer(title, features);
        }
        for (layer, features) in self.geojson_layers() {
            map = map.layer(layer.title(), features);
        }
        for (title, features, _) in self.map_only.iter().filter(|l| !l.2) {
            map = map.layer(title, features);
        }
        for credit in &self.credits {
            map = map.credit(credit);
        }
        map
    }

    /// Stages every output into `files`, in `dir`, each name after `prefix` (`"m4_"`, or `""`):
    /// `zones.geojson`, `control_lines.geojson`, `patrol.geojson` (the routes),
    /// `checkpoints.geojson` and, with places, `places.geojson`, each with its QGIS style
    /// (`zones.qml`, …); `patrol.gpx`; `map.html`; and `{project}.kml` and `{project}.qgs`
    /// (the QGIS project with every layer). Nothing is in place before
    /// [`FileSet::commit`]. The files are written side by side ([`FileSet::stage_all`]); the
    /// set is used up, its GPX text freed once written.
    ///
    /// # Errors
    /// [`WriteError`] naming the file that could not be staged.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{Corridor, CorridorOptions, Road};
    /// # use corridor::export::{FileSet, LayerSet};
    /// # use geo::line_string;
    /// # let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
    /// # let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
    /// let layers = LayerSet::new("test", &corridor, &[], &[]).unwrap();
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut files = FileSet::new();
    /// layers.stage(&mut files, dir.path(), "", "corridor").unwrap();
    /// assert_eq!(files.commit().unwrap().len(), 13);
    /// assert!(dir.path().join("corridor.qgs").exists());
    /// ```
    pub fn stage(
        mut self,
        files: &mut FileSet,
        dir: &Path,
        prefix: &str,
        project: &str,
    ) -> Result<(), WriteError> {
        // The GPX text goes with its file, once written: a million-vertex route's is large.
        let gpx = std::mem::take(&mut self.gpx);
        let file = |stem: &str, ext: &str| format!("{prefix}{stem}.{ext}");
        let project_layers: Vec<ProjectLayer> = self
            .geojson_layers()
            .map(|(layer, features)| ProjectLayer {
                layer,
                file: file(layer.file_stem(), "geojson"),
                features,
            })
            .collect();
        let map = self.map_layers();
        let credits: Vec<&str> = self.credits.iter().map(String::as_str).collect();
        let (title, project_layers, map, credits) = (&self.title, &project_layers, &map, &credits);
        let mut jobs: Vec<(PathBuf, Writer)> = Vec::new();
        for l in project_layers {
            let (layer, features) = (l.layer, l.features);
            jobs.push((
                dir.join(&l.file),
                Box::new(move |w| geojson_to_writer(w, features)),
            ));
            jobs.push((
                dir.join(file(layer.file_stem(), "qml")),
                Box::new(move |w| w.write_all(layer_qml(layer, features).as_bytes())),
            ));
        }
        jobs.push((
            dir.join(file("patrol", "gpx")),
            Box::new(move |w| w.write_all(gpx.as_bytes())),
        ));
        jobs.push((
            dir.join(file("map", "html")),
            Box::new(move |w| map_html_to_writer(w, map)),
        ));
        jobs.push((
            dir.join(format!("{project}.kml")),
            Box::new(move |w| map_kml_to_writer(w, map)),
        ));
        jobs.push((
            dir.join(KML_ICON_FILE),
            Box::new(|w| w.write_all(KML_ICON_PNG)),
        ));
        jobs.push((
            dir.join(format!("{project}.qgs")),
            Box::new(move |w| w.write_all(qgis_project(title, project_layers, credits).as_bytes())),
        ));
        // Each file on a core of its own: the map page, the KML and the largest layers take
        // most of the time, and none waits for another.
        files.stage_all(jobs)?;
        Ok(())
    }
}

/// A corridor's zones and control lines, side by side.
fn corridor_layers(
    title: &str,
    corridor: &Corridor,
    gates: &[Gate],
) -> (FeatureCollection, FeatureCollection) {
    rayon::join(
        || zones_geojson(corridor, title),
        || control_lines_geojson(corridor, gates),
    )
}
