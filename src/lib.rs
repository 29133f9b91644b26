//! Security corridors along roads, exact on the WGS84 ellipsoid.
//!
//! The pipeline, one module a stage, the data flowing one way: a [`Road`] (read from GeoJSON,
//! with its linear referencing: [`Road::locate`] is the one nearest-point search) and its named
//! [`Places`] → its [`Corridor`] (the geodesic buffer, its two halves and their limit lines) →
//! [`patrol`] routes and [`control_lines`] → [`classify`] points → [`export`] as GeoJSON, GPX,
//! KML and a map page. Every GeoJSON input is read through [`geojson_input`], whose one error
//! type the other modules' errors wrap.
//!
//! ```
//! use corridor::{Cap, Corridor, CorridorOptions, Road, Side};
//! use geo::line_string;
//!
//! // A stretch of road near Saraqib, drawn west to east: longitude, latitude.
//! let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.86)]).unwrap();
//! let options = CorridorOptions::new(6_000.0, 6_000.0).unwrap().cap(Cap::Flat);
//! let corridor = Corridor::build(&road, &options);
//! assert_eq!(corridor.names().name(Side::Left), "north");
//! let zones = corridor::export::zones_geojson(&corridor, "example");
//! assert_eq!(zones.features.len(), 3); // the corridor and its two halves
//! ```
//!
//! Beyond the symmetric corridor, a [`Zone`] along any line (road, border, line of contact)
//! takes per side nothing, a width or a band ([`Extent`]), with exceptions and stretches of
//! other widths ([`ZoneOptions`]).
//!
//! Distances are geodesic (Karney's algorithms, via geographiclib-rs), never degrees and never
//! a sphere. Coordinates are `(lon, lat)` in degrees, as in geo-types.

#![warn(missing_docs)]

mod corridor;
mod geodesic;
#[cfg(test)]
mod test_rng;

pub mod agreement;
pub mod antimeridian;
pub mod classify;
pub mod control_lines;
#[cfg(feature = "proj")]
pub mod crs;
pub mod export;
pub mod geojson_input;
pub mod patrol;
pub mod places;
pub mod road;
pub mod units;

pub use corridor::{
    Cap, Corridor, CorridorError, CorridorOptions, DEFAULT_TOLERANCE_M, Extent, MAX_WIDTH_M, Pole,
    Stretch, Zone, ZoneError, ZoneOptions, ZonePart,
};
pub use places::{Place, PlaceError, Places};
pub use road::{Location, Road, RoadError, Side, SideNames};
