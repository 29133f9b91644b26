//! Export formats: RFC 7946 GeoJSON layers, written atomically.

mod atomic;
mod geojson;

pub use atomic::{WriteError, write_atomic};
pub use geojson::{
    DECIMALS, control_lines_geojson, line_feature, point_feature, polygon_feature, write_geojson,
    zones_geojson,
};
