//! Reading the inputs `build` and `classify` share: the road, its places, and the section
//! between --from and --to. The library locates the ends; this file names the files in errors
//! and turns positions given in --crs into longitude, latitude first.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use corridor::patrol::DEFAULT_MAX_PLACE_DISTANCE_M;
use corridor::road::{EndOnRoad, Endpoint, EndpointError};
use corridor::{Places, Road};

use crate::args::{RoadArgs, usage};
use crate::crs::{self, Crs};

/// The road, its named places, and the chosen section of the road.
pub struct Section {
    pub road: Road,
    pub places: Places,
    pub section: Road,
    pub from: EndOnRoad,
    pub to: EndOnRoad,
}

pub fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: cannot read it", path.display()))
}

/// The text of a GeoJSON file, its coordinates transformed from `crs` to WGS84 when one is
/// given.
pub fn read_geojson_text(path: &Path, crs: Option<&Crs>) -> anyhow::Result<String> {
    let text = read_text(path)?;
    match crs {
        None => Ok(text),
        Some(crs) => {
            crs::geojson_text_to_wgs84(crs, text).map_err(|e| anyhow!("{}: {e}", path.display()))
        }
    }
}

/// The name of a file without its directory and extension, for titles.
pub fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "road".into())
}

pub fn read_section(args: &RoadArgs, crs: Option<&Crs>) -> anyhow::Result<Section> {
    let road_path = args.road()?;
    let road_file = road_path.display();
    let road_text = read_geojson_text(road_path, crs)?;
    let road = Road::from_geojson_str(&road_text).with_context(|| road_file.to_string())?;
    let places = match &args.places {
        Some(path) => Places::from_geojson_str(&read_geojson_text(path, crs)?)
            .with_context(|| format!("{}", path.display()))?,
        None => Places::default(),
    };
    let locate = |end: &Option<Endpoint>, default: EndOnRoad| -> anyhow::Result<EndOnRoad> {
        let Some(end) = end else {
            return Ok(default);
        };
        if let (Endpoint::Place(name), None) = (end, &args.places) {
            return Err(usage(format!(
                "`{name}` is a place name, which needs --places PLACES.geojson (or give LON,LAT or km:NUMBER)"
            )));
        }
        let located = match (end, crs) {
            (Endpoint::Position(given), Some(crs)) => {
                let p = crs::to_wgs84(crs, *given)
                    .map_err(|e| usage(format!("position {},{}: {e}", given.x, given.y)))?;
                let max_m = DEFAULT_MAX_PLACE_DISTANCE_M;
                match Endpoint::Position(p).locate_on(&road, &places, max_m) {
                    // Named and reported as given, in the --crs.
                    Ok(at) => Ok(EndOnRoad {
                        name: end.to_string(),
                        ..at
                    }),
                    Err(EndpointError::TooFar { distance_m, .. }) => bail!(
                        "{road_file}: the point {},{} is {distance_m:.0} m from the road (at most {max_m:.0} m; positions are X,Y in --crs)",
                        given.x,
                        given.y
                    ),
                    Err(e) => Err(e),
                }
            }
            _ => end.locate_on(&road, &places, DEFAULT_MAX_PLACE_DISTANCE_M),
        };
        located.map_err(|e| match e {
            EndpointError::OutOfRange { .. } => usage(format!("{e} (or give --crs)")),
            EndpointError::Place(_) => {
                let places_file = args.places.as_deref().unwrap_or(road_path);
                anyhow::Error::new(e).context(places_file.display().to_string())
            }
            _ => anyhow::Error::new(e).context(road_file.to_string()),
        })
    };
    let from = locate(&args.from, EndOnRoad::start_of_road())?;
    let to = locate(&args.to, EndOnRoad::end_of(&road))?;
    let section = if from.chainage_m == 0.0 && to.chainage_m == road.length_m() {
        road.clone()
    } else {
        road.section_m(from.chainage_m, to.chainage_m)
            .with_context(|| format!("{road_file}: --from {} --to {}", from.name, to.name))?
    };
    Ok(Section {
        road,
        places,
        section,
        from,
        to,
    })
}
