//! Export formats: RFC 7946 GeoJSON layers and GPX 1.1, written atomically.

mod atomic;
mod geojson;
mod gpx;

pub use atomic::{WriteError, write_atomic};
pub use geojson::{
    DECIMALS, control_lines_geojson, line_feature, patrol_geojson, point_feature, polygon_feature,
    write_geojson, zones_geojson,
};
pub use gpx::{GpxError, patrol_gpx, write_gpx};
