//! Export formats: RFC 7946 GeoJSON layers, GPX 1.1 and an offline HTML map page, written
//! atomically.

mod atomic;
mod geojson;
mod gpx;
mod map;

pub use atomic::{WriteError, write_atomic};
pub use geojson::{
    DECIMALS, control_lines_geojson, line_feature, patrol_geojson, point_feature, polygon_feature,
    write_geojson, zones_geojson,
};
pub use gpx::{GpxError, patrol_gpx, write_gpx};
pub use map::{
    LayerError, LegendEntry, MapLayers, Symbol, layer_from_geojson_str, map_html, write_map_html,
};
