//! A QGIS project (`.qgs`) that opens the layers styled: each GeoJSON by a path relative to the
//! project, its style ([`layer_qml`](super::layer_qml)) embedded, shown in the UTM zone of the
//! data's centre (UPS near a pole) so that the corridor is not stretched (longitude/latitude squeezes it east–west
//! by the cosine of the latitude). The data stay in WGS84; QGIS reprojects them on the fly for
//! display, and measures ellipsoidally on WGS84 as the project says.

use std::fmt::Write as _;

use geojson::{FeatureCollection, GeometryValue};
use rayon::prelude::*;

use super::markup::escape;
use super::qml::{QGIS_VERSION, QgisLayer, style_elements};
use crate::geodesic::{WGS84_A_M as A_M, WGS84_F as F};

/// The projection a project shows its layers in: the UTM zone of the data's centre between 80° S
/// and 84° N (UTM's own limits), Universal Polar Stereographic beyond. Either keeps a corridor's
/// shape (conformal, scale within a fraction of a percent near the centre) where longitude and
/// latitude would squeeze it east–west by the cosine of the latitude.
///
/// # Examples
/// ```
/// use corridor::export::ProjectCrs;
/// // Saraqib: longitude, latitude.
/// let crs = ProjectCrs::for_centre(geo::coord! { x: 36.8, y: 35.86 });
/// assert_eq!(crs, ProjectCrs::Utm { zone: 37, north: true });
/// assert_eq!(crs.epsg(), 32637);
/// assert_eq!(crs.to_string(), "WGS 84 / UTM zone 37N");
/// let pole = ProjectCrs::for_centre(geo::coord! { x: 0.0, y: 89.0 });
/// assert_eq!(pole.epsg(), 32661);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectCrs {
    /// WGS 84 / UTM: EPSG:326zz (north) or EPSG:327zz (south).
    Utm {
        /// 1 to 60.
        zone: u8,
        /// North of the equator.
        north: bool,
    },
    /// WGS 84 / UPS North (EPSG:32661) or South (EPSG:32761).
    Ups {
        /// Round the North Pole.
        north: bool,
    },
}

impl ProjectCrs {
    /// The projection for data centred at `c` (longitude, latitude in degrees); longitudes
    /// outside [-180, 180] wrap.
    ///
    /// # Examples
    /// ```
    /// use corridor::export::ProjectCrs;
    /// let crs = ProjectCrs::for_centre(geo::coord! { x: -180.5, y: -10.0 });
    /// assert_eq!(crs, ProjectCrs::Utm { zone: 60, north: false });
    /// ```
    pub fn for_centre(c: geo::Coord) -> ProjectCrs {
        if c.y > 84.0 || c.y < -80.0 {
            return ProjectCrs::Ups { north: c.y > 0.0 };
        }
        let lon = (c.x + 180.0).rem_euclid(360.0);
        ProjectCrs::Utm {
            zone: ((lon / 6.0).floor() as u8).min(59) + 1,
            north: c.y >= 0.0,
        }
    }

    /// The EPSG code.
    ///
    /// # Examples
    /// ```
    /// use corridor::export::ProjectCrs;
    /// assert_eq!(ProjectCrs::Utm { zone: 1, north: false }.epsg(), 32701);
    /// assert_eq!(ProjectCrs::Ups { north: false }.epsg(), 32761);
    /// ```
    pub fn epsg(self) -> u32 {
        match self {
            ProjectCrs::Utm { zone, north } => {
                (if north { 32600 } else { 32700 }) + u32::from(zone)
            }
            ProjectCrs::Ups { north } => {
                if north {
                    32661
                } else {
                    32761
                }
            }
        }
    }

    /// Easting and northing in metres, for the project's view extent.
    fn project(self, c: geo::Coord) -> (f64, f64) {
        match self {
            ProjectCrs::Utm { zone, north } => utm_project(zone, north, c),
            ProjectCrs::Ups { north } => ups_project(north, c),
        }
    }

    /// The CRS as QGIS reads it from a project.
    fn spatialrefsys(self) -> String {
        let (wkt, proj4) = match self {
            ProjectCrs::Utm { zone, north } => (
                format!(
                    r#"PROJCS["{self}",{WGS84_GEOGCS}],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{}],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",{}],UNIT["metre",1],AUTHORITY["EPSG","{}"]]"#,
                    central_meridian_deg(zone),
                    if north { 0 } else { 10_000_000 },
                    self.epsg()
                ),
                format!(
                    "+proj=utm +zone={zone}{} +datum=WGS84 +units=m +no_defs",
                    if north { "" } else { " +south" }
                ),
            ),
            ProjectCrs::Ups { north } => (
                format!(
                    r#"PROJCS["{self}",{WGS84_GEOGCS}],PROJECTION["Polar_Stereographic"],PARAMETER["latitude_of_origin",{}],PARAMETER["central_meridian",0],PARAMETER["scale_factor",0.994],PARAMETER["false_easting",2000000],PARAMETER["false_northing",2000000],UNIT["metre",1],AUTHORITY["EPSG","{}"]]"#,
                    if north { 90 } else { -90 },
                    self.epsg()
                ),
                format!(
                    "+proj=stere +lat_0={} +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 +datum=WGS84 +units=m +no_defs",
                    if north { 90 } else { -90 }
                ),
            ),
        };
        spatialrefsys(self.epsg(), &self.to_string(), &wkt, &proj4, false)
    }
}

impl std::fmt::Display for ProjectCrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            ProjectCrs::Utm { zone, north } => {
                let hemisphere = if north { 'N' } else { 'S' };
                write!(f, "WGS 84 / UTM zone {zone}{hemisphere}")
            }
            ProjectCrs::Ups { north: true } => f.write_str("WGS 84 / UPS North (E,N)"),
            ProjectCrs::Ups { north: false } => f.write_str("WGS 84 / UPS South (E,N)"),
        }
    }
}

/// The central meridian of a UTM zone, degrees.
fn central_meridian_deg(zone: u8) -> f64 {
    f64::from(zone) * 6.0 - 183.0
}

/// UTM by Krüger's series to the fourth order (good to well under a millimetre within a zone).
fn utm_project(zone: u8, north: bool, c: geo::Coord) -> (f64, f64) {
    const K0: f64 = 0.9996;
    let n = F / (2.0 - F);
    let a = A_M / (1.0 + n) * (1.0 + n * n / 4.0 + n.powi(4) / 64.0);
    let alpha = [
        n / 2.0 - 2.0 * n * n / 3.0 + 5.0 * n.powi(3) / 16.0 + 41.0 * n.powi(4) / 180.0,
        13.0 * n * n / 48.0 - 3.0 * n.powi(3) / 5.0 + 557.0 * n.powi(4) / 1440.0,
        61.0 * n.powi(3) / 240.0 - 103.0 * n.powi(4) / 140.0,
        49_561.0 * n.powi(4) / 161_280.0,
    ];
    let lat = c.y.to_radians();
    let dlon = ((c.x - central_meridian_deg(zone) + 540.0).rem_euclid(360.0) - 180.0).to_radians();
    let e2n = 2.0 * n.sqrt() / (1.0 + n);
    let t = (lat.sin().atanh() - e2n * (e2n * lat.sin()).atanh()).sinh();
    let xi0 = t.atan2(dlon.cos());
    let eta0 = (dlon.sin() / (1.0 + t * t).sqrt()).atanh();
    let (mut xi, mut eta) = (xi0, eta0);
    for (j, a_j) in alpha.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi += a_j * (k * xi0).sin() * (k * eta0).cosh();
        eta += a_j * (k * xi0).cos() * (k * eta0).sinh();
    }
    let false_northing = if north { 0.0 } else { 10_000_000.0 };
    (500_000.0 + K0 * a * eta, false_northing + K0 * a * xi)
}

/// UPS: the ellipsoidal polar stereographic projection, scale 0.994 at the pole.
fn ups_project(north: bool, c: geo::Coord) -> (f64, f64) {
    const K0: f64 = 0.994;
    let e = (F * (2.0 - F)).sqrt();
    // South: mirror onto the north, then back.
    let lat = if north { c.y } else { -c.y }.to_radians();
    let lon = c.x.to_radians();
    let t = (std::f64::consts::FRAC_PI_4 - lat / 2.0).tan()
        / ((1.0 - e * lat.sin()) / (1.0 + e * lat.sin())).powf(e / 2.0);
    let rho = 2.0 * A_M * K0 * t / ((1.0 + e).powf(1.0 + e) * (1.0 - e).powf(1.0 - e)).sqrt();
    let northing = if north {
        -rho * lon.cos()
    } else {
        rho * lon.cos()
    };
    (2_000_000.0 + rho * lon.sin(), 2_000_000.0 + northing)
}

/// The `<spatialrefsys>` of an EPSG code. QGIS looks the CRS up by its `authid` when `srsid`
/// is between 1 and its first user CRS id (its own database's ids differ between versions, and
/// any in that range takes this path); failing that, it reads the WKT.
fn spatialrefsys(epsg: u32, description: &str, wkt: &str, proj4: &str, geographic: bool) -> String {
    format!(
        "<spatialrefsys><wkt>{}</wkt><proj4>{proj4}</proj4><srsid>1</srsid>\
         <srid>{epsg}</srid><authid>EPSG:{epsg}</authid><description>{}</description>\
         <projectionacronym>{}</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym>\
         <geographicflag>{geographic}</geographicflag></spatialrefsys>",
        escape(wkt),
        escape(description),
        if geographic { "longlat" } else { "utm" },
    )
}

/// WGS 84's datum in WKT 1.
const WGS84_GEOGCS: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]"#;

fn wgs84() -> String {
    spatialrefsys(
        4326,
        "WGS 84",
        &format!(r#"{WGS84_GEOGCS},AUTHORITY["EPSG","4326"]]"#),
        "+proj=longlat +datum=WGS84 +no_defs",
        true,
    )
}

/// One layer of a project: which of the crate's layers, its file (relative to the project) and
/// its features (for the view's extent).
///
/// # Examples
/// ```
/// use corridor::export::{ProjectLayer, QgisLayer};
/// let empty = geojson::FeatureCollection::default();
/// let layer = ProjectLayer { layer: QgisLayer::Zones, file: "m4_zones.geojson".into(), features: &empty };
/// assert_eq!(layer.file, "m4_zones.geojson");
/// ```
#[derive(Debug, Clone)]
pub struct ProjectLayer<'a> {
    /// Which layer, for its style and name.
    pub layer: QgisLayer,
    /// Its file name, relative to the project file.
    pub file: String,
    /// Its features.
    pub features: &'a FeatureCollection,
}

/// At most this many vertices of a layer place the view: enough for its extent, within the 5 %
/// margin, on a million-vertex road.
const VIEW_SAMPLE: usize = 20_000;

/// Vertices of a layer's features (longitude, latitude), every one up to [`VIEW_SAMPLE`], evenly
/// spaced picks beyond.
fn sample(fc: &FeatureCollection) -> Vec<geo::Coord> {
    let mut all: Vec<geo::Coord> = Vec::new();
    for g in fc.features.iter().filter_map(|f| f.geometry.as_ref()) {
        push_coords(&g.value, &mut all);
    }
    let step = all.len().div_ceil(VIEW_SAMPLE).max(1);
    let mut picked: Vec<geo::Coord> = all.iter().step_by(step).copied().collect();
    picked.extend(all.last().copied());
    picked
}

/// The vertices of a geometry in the order geo's `coords_iter` gives them once converted
/// (rings closed as `geo::Polygon::new` closes them), read in place: converting cloned every
/// layer's geometry first.
fn push_coords(value: &GeometryValue, out: &mut Vec<geo::Coord>) {
    let coord = |p: &geojson::Position| match p.as_slice() {
        [x, y, ..] => Some(geo::coord! { x: *x, y: *y }),
        _ => None,
    };
    let line = |line: &[geojson::Position], out: &mut Vec<geo::Coord>| {
        out.extend(line.iter().filter_map(coord));
    };
    let polygon = |rings: &[Vec<geojson::Position>], out: &mut Vec<geo::Coord>| {
        for ring in rings {
            let start = out.len();
            line(ring, out);
            if let (Some(&first), Some(&last)) = (out.get(start), out.last())
                && first != last
            {
                out.push(first);
            }
        }
    };
    match value {
        GeometryValue::Point { coordinates } => out.extend(coord(coordinates)),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            line(coordinates, out)
        }
        GeometryValue::MultiLineString { coordinates } => {
            for l in coordinates {
                line(l, out);
            }
        }
        GeometryValue::Polygon { coordinates } => polygon(coordinates, out),
        GeometryValue::MultiPolygon { coordinates } => {
            for p in coordinates {
                polygon(p, out);
            }
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                push_coords(&g.value, out);
            }
        }
    }
}

/// The centre and sampled vertices of the layers that are not context (all but places, unless
/// only places have features); longitudes averaged on the circle so that data across ±180°
/// centre there.
fn centre(layers: &[ProjectLayer]) -> Option<(geo::Coord, Vec<geo::Coord>)> {
    let main: Vec<&ProjectLayer> = layers
        .iter()
        .filter(|l| l.layer != QgisLayer::Places && !l.features.features.is_empty())
        .collect();
    let chosen: Vec<&ProjectLayer> = if main.is_empty() {
        layers.iter().collect()
    } else {
        main
    };
    let points: Vec<geo::Coord> = chosen.iter().flat_map(|l| sample(l.features)).collect();
    if points.is_empty() {
        return None;
    }
    let (s, c) = points.iter().fold((0.0, 0.0), |(s, c), p| {
        (s + p.x.to_radians().sin(), c + p.x.to_radians().cos())
    });
    let lat = points.iter().map(|p| p.y).sum::<f64>() / points.len() as f64;
    Some((geo::coord! { x: s.atan2(c).to_degrees(), y: lat }, points))
}

/// A QGIS project (`.qgs`, QGIS 3) that opens these layers, each styled as its `.qml` and
/// named by its [`QgisLayer::title`], the first in the list at the bottom; paths relative to the
/// project; shown in the UTM zone of the data's centre, or UPS near a pole ([`ProjectCrs`]), and
/// zoomed to them;
/// distances and areas measured on the WGS84 ellipsoid. `credits` (the data's sources and
/// licences) close the project's abstract (*Project → Properties → Metadata*) and are each
/// layer's rights (*Layer Properties → Metadata → Access*).
///
/// # Examples
/// ```
/// use corridor::{Corridor, CorridorOptions, Road};
/// use corridor::export::{ProjectLayer, QgisLayer, qgis_project, zones_geojson};
/// use geo::line_string;
///
/// // Near Saraqib: longitude, latitude.
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
/// let corridor = Corridor::build(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let zones = zones_geojson(&corridor, "test");
/// let layers = [ProjectLayer { layer: QgisLayer::Zones, file: "zones.geojson".into(), features: &zones }];
/// let qgs = qgis_project("test & co", &layers, &["Road: made up"]);
/// assert!(qgs.contains("<datasource>./zones.geojson</datasource>"));
/// assert!(qgs.contains("<authid>EPSG:32637</authid>"));
/// assert!(qgs.contains("<title>test &amp; co</title>"));
/// ```
pub fn qgis_project(title: &str, layers: &[ProjectLayer], credits: &[&str]) -> String {
    let centre = centre(layers);
    let zone = ProjectCrs::for_centre(
        centre
            .as_ref()
            .map_or(geo::coord! { x: 0.0, y: 0.0 }, |c| c.0),
    );
    let project_crs = zone.spatialrefsys();
    let view = centre.map(|(_, points)| {
        // Tens of thousands of projections, each a few dozen transcendental functions: on
        // every core (the extent is the same in any order).
        let (mut x0, mut y0, mut x1, mut y1) = points
            .par_iter()
            .map(|c| {
                let (x, y) = zone.project(*c);
                (x, y, x, y)
            })
            .reduce(
                || (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                |(a, b, c, d), (e, f, g, h)| (a.min(e), b.min(f), c.max(g), d.max(h)),
            );
        // A margin of 5 % round the data.
        let margin = 0.05 * (x1 - x0).max(y1 - y0).max(1_000.0);
        x0 -= margin;
        y0 -= margin;
        x1 += margin;
        y1 += margin;
        (x0, y0, x1, y1)
    });
    let extent_xml = |tag: &str| match view {
        Some((x0, y0, x1, y1)) => format!(
            "<{tag}><xmin>{x0:.1}</xmin><ymin>{y0:.1}</ymin><xmax>{x1:.1}</xmax><ymax>{y1:.1}</ymax></{tag}>"
        ),
        None => String::new(),
    };
    let id = |l: &ProjectLayer| format!("corridor_{}", l.layer.file_stem());

    let mut x = String::new();
    let _ = writeln!(
        x,
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
         <qgis projectname=\"{}\" version=\"{QGIS_VERSION}\">",
        escape(title)
    );
    let _ = writeln!(x, "<homePath path=\"\"/>\n<title>{}</title>", escape(title));
    let _ = writeln!(x, "<projectCrs>{project_crs}</projectCrs>");
    // The layer tree lists the top layer first.
    x.push_str("<layer-tree-group><customproperties/>\n");
    for l in layers.iter().rev() {
        let _ = writeln!(
            x,
            "<layer-tree-layer id=\"{}\" name=\"{}\" source=\"./{}\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/></layer-tree-layer>",
            id(l),
            escape(l.layer.title()),
            escape(&l.file)
        );
    }
    x.push_str("</layer-tree-group>\n");
    let _ = writeln!(
        x,
        "<mapcanvas annotationsVisible=\"1\" name=\"theMapCanvas\"><units>meters</units>{}<rotation>0</rotation><destinationsrs>{project_crs}</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>",
        extent_xml("extent")
    );
    // Each layer's metadata credits the data too (Layer Properties → Metadata → Access).
    let rights: String = credits
        .iter()
        .map(|c| format!("<rights>{}</rights>", escape(c)))
        .collect();
    let rights = format!("<resourceMetadata>{rights}</resourceMetadata>");
    x.push_str("<projectlayers>\n");
    for l in layers {
        let (style, labels) = style_elements(l.layer, l.features);
        let _ = writeln!(
            x,
            "<maplayer type=\"vector\" geometry=\"{}\" labelsEnabled=\"{}\" autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\" readOnly=\"0\" simplifyDrawingHints=\"0\" styleCategories=\"AllStyleCategories\">\
             <id>{}</id><datasource>./{}</datasource><layername>{}</layername><srs>{}</srs>\
             <provider encoding=\"UTF-8\">ogr</provider>{rights}{style}</maplayer>",
            l.layer.geometry(),
            u8::from(labels),
            id(l),
            escape(&l.file),
            escape(l.layer.title()),
            wgs84(),
        );
    }
    x.push_str("</projectlayers>\n<layerorder>");
    for l in layers.iter().rev() {
        let _ = write!(x, "<layer id=\"{}\"/>", id(l));
    }
    x.push_str("</layerorder>\n");
    x.push_str(
        "<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths>\
         <Measure><Ellipsoid type=\"QString\">EPSG:7030</Ellipsoid></Measure>\
         <Measurement><DistanceUnits type=\"QString\">km</DistanceUnits><AreaUnits type=\"QString\">km2</AreaUnits></Measurement>\
         <SpatialRefSys><ProjectionsEnabled type=\"int\">1</ProjectionsEnabled></SpatialRefSys>\
         </properties>\n",
    );
    // Project metadata has no rights field: the credits close its abstract.
    let mut abstract_text = format!(
        "Layers written by corridor {}, shown in {zone}; the data are WGS84 longitude/latitude.",
        env!("CARGO_PKG_VERSION")
    );
    if !credits.is_empty() {
        let _ = write!(abstract_text, " Data: {}.", credits.join("; "));
    }
    let _ = writeln!(
        x,
        "<projectMetadata><identifier></identifier><parentidentifier></parentidentifier><language></language><type></type>\
         <title>{}</title><abstract>{}</abstract><author>corridor {}</author></projectMetadata>",
        escape(title),
        escape(&abstract_text),
        env!("CARGO_PKG_VERSION"),
    );
    if let Some((x0, y0, x1, y1)) = view {
        let _ = writeln!(
            x,
            "<ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\"><DefaultViewExtent xmin=\"{x0:.1}\" ymin=\"{y0:.1}\" xmax=\"{x1:.1}\" ymax=\"{y1:.1}\">{project_crs}</DefaultViewExtent></ProjectViewSettings>"
        );
    }
    x.push_str("</qgis>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertices_are_read_in_the_order_of_geo_s_coords_iter() {
        use geo::CoordsIter;
        // An open ring (closed by geo's Polygon::new), a hole, a point with a height, and a
        // collection of both.
        let text = r#"{"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4]],
                                                [[1, 1], [1, 2], [2, 2], [1, 1]]]},
            {"type": "Point", "coordinates": [5, 6, 100]},
            {"type": "MultiLineString", "coordinates": [[[7, 8], [9, 10]], [[11, 12], [13, 14]]]}]}"#;
        let geometry: geojson::Geometry = text.parse().unwrap();
        let mut read = Vec::new();
        push_coords(&geometry.value, &mut read);
        let converted = geo::Geometry::<f64>::try_from(geometry).unwrap();
        assert_eq!(read, converted.coords_iter().collect::<Vec<_>>());
        assert_eq!(read.len(), 5 + 4 + 1 + 4);
    }

    #[test]
    fn projections_match_proj() {
        // PROJ 9.1 through GDAL 3.6, `echo LON LAT | gdaltransform -s_srs "+proj=longlat
        // +datum=WGS84" -t_srs EPSG:CODE`.
        let cases = [
            (
                36.8,
                35.86,
                32637,
                301_353.922_239_454,
                3_970_655.338_435_38,
            ),
            (0.0, 88.0, 32661, 2_000_000.0, 1_777_930.731_071_18),
            (
                45.0,
                86.0,
                32661,
                2_314_145.219_065_63,
                1_685_854.780_934_37,
            ),
            (
                -120.0,
                -87.0,
                32761,
                1_711_488.412_472_88,
                1_833_427.757_276_89,
            ),
        ];
        for (lon, lat, epsg, e_m, n_m) in cases {
            let c = geo::coord! { x: lon, y: lat };
            let crs = ProjectCrs::for_centre(c);
            assert_eq!(crs.epsg(), epsg);
            let (e, n) = crs.project(c);
            assert!((e - e_m).abs() < 0.001, "{lon} {lat}: {e} against {e_m}");
            assert!((n - n_m).abs() < 0.001, "{lon} {lat}: {n} against {n_m}");
        }
        // The central meridian at the equator.
        let (e, n) = utm_project(37, true, geo::coord! { x: 39.0, y: 0.0 });
        assert!((e - 500_000.0).abs() < 1e-6 && n.abs() < 1e-6);
    }
}
