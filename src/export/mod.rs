//! Export formats: RFC 7946 GeoJSON layers with their QGIS styles and project, GPX 1.1, KML 2.2,
//! an offline HTML map page and a static picture (SVG, PNG with the `png` feature), written
//! atomically; [`LayerSet`] stages them all as one set of files.

mod atomic;
mod geojson;
mod gpx;
mod kml;
mod layer_set;
mod map;
mod markup;
mod qgs;
mod qml;
mod svg;
mod zone_layer;

pub use atomic::{FileSet, WriteError, Writer, write_atomic};
pub use geojson::{
    DECIMALS, checkpoints_geojson, control_lines_geojson, geojson_to_writer, line_feature,
    patrol_routes_geojson, point_feature, polygon_feature, write_geojson, zones_geojson,
};
pub use gpx::{GpxError, patrol_gpx, write_gpx};
pub use kml::{KML_ICON_FILE, KML_ICON_PNG, map_kml, write_map_kml};
pub use layer_set::LayerSet;
pub use map::{
    LayerError, LegendEntry, MapLayers, Symbol, layer_from_geojson_str, map_html, write_map_html,
};
pub use qgs::{ProjectCrs, ProjectLayer, qgis_project};
pub use qml::{QgisLayer, layer_qml};
#[cfg(feature = "png")]
pub use svg::map_png;
pub use svg::{RenderError, map_svg, write_map_picture};
pub use zone_layer::{NamedZone, reach_words, zones_layer};
