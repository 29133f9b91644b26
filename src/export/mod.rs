//! Export formats: RFC 7946 GeoJSON layers, GPX 1.1, KML 2.2, an offline HTML map page and a
//! static picture (SVG, PNG with the `png` feature), written atomically.

mod atomic;
mod geojson;
mod gpx;
mod kml;
mod map;
mod markup;
mod svg;

pub use atomic::{FileSet, WriteError, write_atomic};
pub use geojson::{
    DECIMALS, control_lines_geojson, geojson_to_writer, line_feature, patrol_geojson,
    point_feature, polygon_feature, write_geojson, zones_geojson,
};
pub use gpx::{GpxError, patrol_gpx, write_gpx};
pub use kml::{map_kml, write_map_kml};
pub use map::{
    LayerError, LegendEntry, MapLayers, Symbol, layer_from_geojson_str, map_html, write_map_html,
};
#[cfg(feature = "png")]
pub use svg::map_png;
pub use svg::{RenderError, map_svg, write_map_picture};
