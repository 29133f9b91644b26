//! `corridor`: security corridors, patrols and control lines along any road, from the command
//! line. A thin layer over the library: it parses arguments, reads files, calls the library and
//! writes files; every error ends as one line on stderr naming the file.

use std::fmt;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use corridor::classify::{self, Classifier, CsvOptions, Summary};
use corridor::patrol::{Patrol, PatrolOptions};
use corridor::{
    Cap, Corridor, CorridorOptions, Place, Places, Road, Side, SideNames, control_lines, export,
};
use crs_glue::Crs;
use geo::Coord;
use serde_json::Value;

/// A place farther than this from the road cannot stand for a point on it, metres.
const MAX_PLACE_DISTANCE_M: f64 = 2_000.0;

/// Inputs larger than this get a progress bar (when stderr is a terminal), bytes.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

const BUILD_EXAMPLES: &str = "\
Examples:
  # The M4 corridor of 5 March 2020: 6 km either side, patrols from Trumba to Ain al-Hawr
  corridor build --road data/m4.geojson --places data/places.geojson \\
      --from Trumba --to \"Ain al-Hawr\" --width 6km --start 2020-03-15T09:00:00+03:00 --out out/

  # The first 20 km of a road, 2 km north and 500 m south
  corridor build --road road.geojson --from km:0 --to km:20 --north 2km --south 500m --out zones/";

const CLASSIFY_EXAMPLES: &str = "\
Examples:
  # Which incidents fall in the corridor, and on which side
  corridor classify --road data/m4.geojson --width 6km incidents.csv -o placed.csv

  # GeoJSON points in, GeoJSON points out; columns named explicitly for CSV
  corridor classify --road road.geojson --north 6km --south 6km posts.geojson -o posts_placed.geojson
  corridor classify --road road.geojson --width 500m --lon-col E --lat-col N log.csv > placed.csv";

const RENDER_EXAMPLES: &str = "\
Examples:
  # A picture of what `corridor build` wrote into out/, with the named places
  corridor render out/ data/places.geojson --out map.svg
  corridor render out/zones.geojson out/patrol.geojson --out map.png --width 2400

  # The README's picture, from the M4 example's outputs (needs --features png)
  corridor render out/ data/places.geojson --out docs/m4_map.png --width 1400";

const INFO_EXAMPLES: &str = "\
Examples:
  corridor info out/zones.geojson
  corridor info data/places.geojson";

/// Security corridors, patrols and control lines along any road, exact on the WGS84 ellipsoid.
///
/// Distances are geodesic (Karney's algorithms); coordinates are longitude, latitude.
#[derive(Debug, Parser)]
#[command(name = "corridor", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the corridor, its halves, the control lines and the patrol along a road, and write
    /// them as GeoJSON (and GPX) into a directory.
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Place points (CSV with lon/lat columns, or GeoJSON) against a corridor: inside or not,
    /// side, geodesic distance to the road, chainage.
    ///
    /// Adds the columns (or properties) inside, side, distance_m and chainage_km. The nearest
    /// road point decides the side and the chainage; a point is inside when its geodesic
    /// distance is at most the width of its side and, with flat caps, it is not beyond either
    /// end. No polygon is built: the distances are exact, to the centimetre.
    #[command(after_help = CLASSIFY_EXAMPLES)]
    Classify(ClassifyArgs),
    /// Say what a GeoJSON file holds: kinds, counts, bounding box, lengths and areas.
    #[command(after_help = INFO_EXAMPLES)]
    Info(InfoArgs),
    /// Draw GeoJSON layers as a picture for reports, with legend, scale bar and place labels:
    /// SVG, or PNG when built with the `png` feature.
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderArgs),
}

#[derive(Debug, Args)]
struct RenderArgs {
    /// GeoJSON layers, the first drawn at the bottom; a directory stands for the
    /// zones.geojson, control_lines.geojson and patrol.geojson that `build` wrote into it (or
    /// m4_zones.geojson and so on).
    #[arg(value_name = "LAYERS", required = true)]
    layers: Vec<PathBuf>,
    /// The picture to write: FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Width of the picture in pixels (300 to 8000).
    #[arg(long, value_name = "PIXELS", default_value_t = 1600)]
    width: u32,
    /// Title [default: the corridor's name, else the first file's name].
    #[arg(long)]
    title: Option<String>,
}

/// The road, and which part of it.
#[derive(Debug, Args)]
struct RoadArgs {
    /// The road: GeoJSON LineString or MultiLineString (an OpenStreetMap extract works as is).
    #[arg(long, value_name = "ROAD.geojson")]
    road: PathBuf,
    /// Named places (GeoJSON Point features with a `name`), for --from/--to by name.
    #[arg(long, value_name = "PLACES.geojson")]
    places: Option<PathBuf>,
    /// Where the section starts: a place name, LON,LAT, or km:12.5 along the road [default:
    /// the road's start].
    #[arg(long, value_name = "PLACE", allow_hyphen_values = true)]
    from: Option<Endpoint>,
    /// Where the section ends, as --from [default: the road's end].
    #[arg(long, value_name = "PLACE", allow_hyphen_values = true)]
    to: Option<Endpoint>,
    /// The coordinate reference system of the inputs (road, places, points and X,Y positions),
    /// any PROJ knows: EPSG:32637, a PROJ string, WKT [default: WGS84 longitude, latitude].
    /// Needs the `proj` feature.
    #[arg(long, value_name = "CRS", hide = !cfg!(feature = "proj"))]
    crs: Option<String>,
}

/// The widths of the two halves.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
struct WidthArgs {
    /// Width of each half (6km, 6000m, 6000).
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m,
          conflicts_with_all = ["north", "south", "left", "right"])]
    width: Option<f64>,
    /// Width of the northern half.
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m,
          requires = "south", conflicts_with_all = ["left", "right"])]
    north: Option<f64>,
    /// Width of the southern half.
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m, requires = "north")]
    south: Option<f64>,
    /// Width of the half left of the direction of travel (from --from to --to).
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m, requires = "right")]
    left: Option<f64>,
    /// Width of the half right of the direction of travel.
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m, requires = "left")]
    right: Option<f64>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    road: RoadArgs,
    #[command(flatten)]
    widths: WidthArgs,
    /// End caps: cut square at the ends, or half a disc round them.
    #[arg(long, value_name = "flat|round", default_value = "flat", value_parser = parse_cap)]
    cap: Cap,
    /// Directory to write zones.geojson, control_lines.geojson, patrol.geojson, patrol.gpx,
    /// map.html and corridor.kml into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Largest error of the boundary.
    #[arg(long, value_name = "DISTANCE", default_value = "0.5m", value_parser = parse_distance_m)]
    tolerance: f64,
    /// Distance between kilometre posts of the patrol.
    #[arg(long, value_name = "DISTANCE", default_value = "5km", value_parser = parse_distance_m)]
    checkpoint_every: f64,
    /// Patrol start, RFC 3339 with offset (2020-03-15T09:00:00+03:00) [default: now, UTC].
    #[arg(long, value_name = "TIME")]
    start: Option<String>,
    /// Average patrol speed (40km/h, 40).
    #[arg(long, value_name = "SPEED", default_value = "40km/h", value_parser = parse_speed_kmh)]
    speed: f64,
    /// Also write the GeoJSON layers in this projected CRS (an AUTHORITY:CODE such as
    /// EPSG:32637) into DIR/<authority>_<code>/, with the legacy `crs` member QGIS and GDAL read.
    /// Needs the `proj` feature.
    #[arg(long, value_name = "CRS", hide = !cfg!(feature = "proj"))]
    output_crs: Option<String>,
    /// Print in-process stage times on stderr: read_ms=… build_ms=… write_ms=…
    #[arg(long)]
    timings: bool,
}

#[derive(Debug, Args)]
struct ClassifyArgs {
    #[command(flatten)]
    road: RoadArgs,
    #[command(flatten)]
    widths: WidthArgs,
    /// End caps: cut square at the ends, or half a disc round them.
    #[arg(long, value_name = "flat|round", default_value = "flat", value_parser = parse_cap)]
    cap: Cap,
    /// The points: CSV with a header (lon|lng|longitude|x and lat|latitude|y columns, any case)
    /// or GeoJSON Point features; `-` reads CSV from stdin.
    #[arg(value_name = "POINTS")]
    points: PathBuf,
    /// Where to write the result (same format as the input) [default: stdout].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Name of the longitude column of a CSV input.
    #[arg(long, value_name = "NAME")]
    lon_col: Option<String>,
    /// Name of the latitude column of a CSV input.
    #[arg(long, value_name = "NAME")]
    lat_col: Option<String>,
    /// Print in-process stage times on stderr: read_ms=… classify_ms=…
    #[arg(long)]
    timings: bool,
}

#[derive(Debug, Args)]
struct InfoArgs {
    /// A GeoJSON file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// A usage mistake found after parsing (an exit status of 2, like clap's own).
#[derive(Debug)]
struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Where a section starts or ends.
#[derive(Debug, Clone, PartialEq)]
enum Endpoint {
    /// A place by name, looked up in --places.
    Place(String),
    /// A `(lon, lat)` position (or `(x, y)` in the --crs), projected onto the road.
    Position(Coord),
    /// Metres along the road.
    Chainage(f64),
}

impl std::str::FromStr for Endpoint {
    type Err = String;
    fn from_str(s: &str) -> Result<Endpoint, String> {
        let text = s.trim();
        if let Some(km) = text.strip_prefix("km:") {
            let km: f64 = km
                .trim()
                .parse()
                .map_err(|_| format!("`{s}`: expected km:NUMBER, as km:12.5"))?;
            if !km.is_finite() || km < 0.0 {
                return Err(format!("`{s}`: a chainage is a number of km from 0 up"));
            }
            return Ok(Endpoint::Chainage(km * 1_000.0));
        }
        if let Some((a, b)) = text.split_once(',')
            && let (Ok(x), Ok(y)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>())
        {
            // The range of a longitude and latitude is checked once the CRS is known.
            if !x.is_finite() || !y.is_finite() {
                return Err(format!("`{s}` is not a position: expected LON,LAT"));
            }
            return Ok(Endpoint::Position(Coord { x, y }));
        }
        if text.is_empty() {
            return Err("expected a place name, LON,LAT or km:NUMBER".into());
        }
        Ok(Endpoint::Place(text.to_string()))
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Place(name) => f.write_str(name),
            Endpoint::Position(c) => write!(f, "{},{}", c.x, c.y),
            Endpoint::Chainage(m) => write!(f, "km {}", m / 1_000.0),
        }
    }
}

/// Parses a distance, `6km`, `6000m` or `6000` (metres), into metres; it must be positive.
fn parse_distance_m(s: &str) -> Result<f64, String> {
    let text = s.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "m" => 1.0,
        "km" => 1_000.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` (use m or km, as in 6km or 6000m)"
            ));
        }
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a distance (as in 6km, 6000m or 6000)"))?;
    let metres = value * scale;
    if !metres.is_finite() || metres <= 0.0 {
        return Err(format!("`{s}`: a distance must be more than 0"));
    }
    Ok(metres)
}

/// Parses a speed, `40km/h` or `40`, into km/h.
fn parse_speed_kmh(s: &str) -> Result<f64, String> {
    let text = s.trim();
    let number = ["km/h", "kmh", "kph"]
        .iter()
        .find_map(|u| text.strip_suffix(u))
        .unwrap_or(text);
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a speed (as in 40km/h or 40)"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{s}`: a speed must be more than 0"));
    }
    Ok(value)
}

fn parse_cap(s: &str) -> Result<Cap, String> {
    s.parse::<Cap>().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    let result = match cli.command {
        Command::Build(args) => build(args),
        Command::Classify(args) => classify_points(args),
        Command::Info(args) => info(args),
        Command::Render(args) => render(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("corridor: {}", one_line(&format!("{e:#}")));
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Help and version go to stdout as clap writes them; a usage error becomes one line on stderr
/// with exit status 2.
fn clap_exit(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // A closed pipe while printing help is not an error either.
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            // clap's message runs to the first blank line (a list of missing arguments spans
            // several); the usage and hint after it are left to --help.
            let rendered = e.render().to_string();
            let message: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let message = message.join(" ");
            let message = message.trim_start_matches("error: ");
            eprintln!("corridor: {message} (see corridor --help)");
            ExitCode::from(2)
        }
    }
}

/// Keeps an error to one line: library messages are single lines, but an I/O or parser message
/// could carry a newline.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: cannot read it", path.display()))
}

/// The text of a GeoJSON file, its coordinates transformed from `crs` to WGS84 when one is
/// given. Text that does not parse is returned as it is, for the library to say what is wrong.
fn read_geojson_text(path: &Path, crs: Option<&Crs>) -> anyhow::Result<String> {
    let text = read_text(path)?;
    let Some(crs) = crs else {
        return Ok(text);
    };
    let Ok(mut geojson) = text.parse::<geojson::GeoJson>() else {
        return Ok(text);
    };
    crs_glue::geojson_to_wgs84(crs, &mut geojson)
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(geojson.to_string())
}

/// Places GeoJSON points given in `crs`: they are placed in WGS84, and the output keeps the
/// input's own coordinates (and its `crs` member), with the added properties.
fn classify_geojson_in(
    classifier: &Classifier,
    crs: &Crs,
    text: &str,
) -> anyhow::Result<(geojson::GeoJson, Summary)> {
    use geojson::GeoJson;
    let Ok(original) = text.parse::<GeoJson>() else {
        // Let the library say what is wrong.
        return Ok(classify::classify_geojson(classifier, text)?);
    };
    let mut in_wgs84 = original.clone();
    crs_glue::geojson_to_wgs84(crs, &mut in_wgs84).map_err(|e| anyhow!(e))?;
    let (placed, summary) = classify::classify_geojson(classifier, &in_wgs84.to_string())?;
    let features = |g: GeoJson| match g {
        GeoJson::FeatureCollection(fc) => fc.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(_) => Vec::new(),
    };
    let placed = features(placed);
    let mut out = original;
    let originals: &mut [geojson::Feature] = match &mut out {
        GeoJson::FeatureCollection(fc) => &mut fc.features,
        GeoJson::Feature(f) => std::slice::from_mut(f),
        GeoJson::Geometry(_) => &mut [],
    };
    for (original, placed) in originals.iter_mut().zip(placed) {
        original.properties = placed.properties;
    }
    Ok((out, summary))
}

/// Coordinate reference systems through the `proj` feature, or, in a build without it, a
/// stand-in that cannot be made, so that the rest of the binary reads the same in both builds
/// and `--crs` says how to get it instead of being an unknown argument.
mod crs_glue {
    use geo::Coord;
    use geojson::{FeatureCollection, GeoJson};

    use super::usage;

    #[cfg(feature = "proj")]
    pub use corridor::crs::Crs;

    /// Without the `proj` feature no CRS can be made: the type has no values.
    #[cfg(not(feature = "proj"))]
    pub enum Crs {}

    /// The message for --crs and --output-crs in a build without the feature.
    #[cfg(not(feature = "proj"))]
    const NO_PROJ: &str = "built without the proj feature; rebuild with --features proj";

    /// The CRS a flag names, if it was given; an unknown one is a usage error.
    pub fn open(flag: &str, definition: Option<&str>) -> anyhow::Result<Option<Crs>> {
        let Some(definition) = definition else {
            return Ok(None);
        };
        #[cfg(feature = "proj")]
        {
            Crs::new(definition)
                .map(Some)
                .map_err(|e| usage(format!("{flag}: {e}")))
        }
        #[cfg(not(feature = "proj"))]
        {
            let _ = definition;
            Err(usage(format!("{flag}: {NO_PROJ}")))
        }
    }

    pub fn to_wgs84(crs: &Crs, c: Coord) -> Result<Coord, String> {
        #[cfg(feature = "proj")]
        {
            crs.to_wgs84(c).map_err(|e| e.to_string())
        }
        #[cfg(not(feature = "proj"))]
        {
            let _ = c;
            match *crs {}
        }
    }

    pub fn geojson_to_wgs84(crs: &Crs, geojson: &mut GeoJson) -> Result<(), String> {
        #[cfg(feature = "proj")]
        {
            crs.geojson_to_wgs84(geojson).map_err(|e| e.to_string())
        }
        #[cfg(not(feature = "proj"))]
        {
            let _ = geojson;
            match *crs {}
        }
    }

    pub fn geojson_from_wgs84(
        crs: &Crs,
        fc: &FeatureCollection,
    ) -> Result<FeatureCollection, String> {
        #[cfg(feature = "proj")]
        {
            crs.geojson_from_wgs84(fc).map_err(|e| e.to_string())
        }
        #[cfg(not(feature = "proj"))]
        {
            let _ = fc;
            match *crs {}
        }
    }

    /// The directory the layers in `crs` go into: `epsg_32637` for EPSG:32637.
    pub fn dir_name(crs: &Crs) -> Result<String, String> {
        #[cfg(feature = "proj")]
        {
            let urn = crs
                .ogc_urn()
                .ok_or_else(|| corridor::crs::CrsError::NoUrn(crs.definition().into()))
                .map_err(|e| e.to_string())?;
            let parts: Vec<String> = urn["urn:ogc:def:crs:".len()..]
                .split(':')
                .filter(|part| !part.is_empty())
                .map(|part| {
                    part.chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                                c.to_ascii_lowercase()
                            } else {
                                '_'
                            }
                        })
                        .collect()
                })
                .collect();
            Ok(parts.join("_"))
        }
        #[cfg(not(feature = "proj"))]
        {
            match *crs {}
        }
    }

    /// `to_wgs84` for code running on several threads (a CRS belongs to one): each thread
    /// makes its own CRS from the definition the first time.
    pub fn to_wgs84_on_this_thread(definition: &str, c: Coord) -> Result<Coord, String> {
        #[cfg(feature = "proj")]
        {
            use std::cell::RefCell;
            thread_local! {
                static CRS: RefCell<Option<Crs>> = const { RefCell::new(None) };
            }
            CRS.with(|cell| {
                let mut slot = cell.borrow_mut();
                let stale = slot
                    .as_ref()
                    .is_none_or(|crs| crs.definition() != definition.trim());
                if stale {
                    *slot = Some(Crs::new(definition).map_err(|e| e.to_string())?);
                }
                match slot.as_ref() {
                    Some(crs) => crs.to_wgs84(c).map_err(|e| e.to_string()),
                    None => Err("no CRS".into()),
                }
            })
        }
        #[cfg(not(feature = "proj"))]
        {
            let _ = (definition, c);
            Err(NO_PROJ.into())
        }
    }
}

/// The road, its named places, and the chosen section of the road.
struct Section {
    road: Road,
    places: Places,
    section: Road,
    from_m: f64,
    to_m: f64,
    from_name: String,
    to_name: String,
}

fn read_section(args: &RoadArgs, crs: Option<&Crs>) -> anyhow::Result<Section> {
    let road_text = read_geojson_text(&args.road, crs)?;
    let road =
        Road::from_geojson_str(&road_text).with_context(|| format!("{}", args.road.display()))?;
    let places = match &args.places {
        Some(path) => Places::from_geojson_str(&read_geojson_text(path, crs)?)
            .with_context(|| format!("{}", path.display()))?,
        None => Places::default(),
    };
    let locate = |end: &Option<Endpoint>, default_m: f64| -> anyhow::Result<(f64, String)> {
        match end {
            None => Ok((
                default_m,
                format!("km {}", trim_number(default_m / 1_000.0, 3)),
            )),
            Some(Endpoint::Chainage(m)) => {
                if *m > road.length_m() + 1e-6 {
                    return Err(anyhow!(
                        "{}: the road is {:.3} km long, so there is no km {}",
                        args.road.display(),
                        road.length_m() / 1_000.0,
                        m / 1_000.0
                    ));
                }
                Ok((m.min(road.length_m()), format!("km {}", m / 1_000.0)))
            }
            Some(Endpoint::Position(given)) => {
                let p = match crs {
                    Some(crs) => crs_glue::to_wgs84(crs, *given)
                        .map_err(|e| usage(format!("position {},{}: {e}", given.x, given.y)))?,
                    None if !(-180.0..=180.0).contains(&given.x)
                        || !(-90.0..=90.0).contains(&given.y) =>
                    {
                        return Err(usage(format!(
                            "`{},{}` is not a position: expected LON,LAT with lon in [-180, 180] and lat in [-90, 90] (or give --crs)",
                            given.x, given.y
                        )));
                    }
                    None => *given,
                };
                let at = road
                    .locate(p)
                    .with_context(|| format!("{}", args.road.display()))?;
                if at.distance_m > MAX_PLACE_DISTANCE_M {
                    bail!(
                        "{}: the point {},{} is {:.0} m from the road (at most {MAX_PLACE_DISTANCE_M:.0} m; positions are {})",
                        args.road.display(),
                        given.x,
                        given.y,
                        at.distance_m,
                        if crs.is_some() {
                            "X,Y in --crs"
                        } else {
                            "LON,LAT"
                        }
                    );
                }
                Ok((at.chainage_m, format!("{},{}", given.x, given.y)))
            }
            Some(Endpoint::Place(name)) => {
                let Some(path) = &args.places else {
                    return Err(usage(format!(
                        "`{name}` is a place name, which needs --places PLACES.geojson (or give LON,LAT or km:NUMBER)"
                    )));
                };
                let at = places
                    .located(&road, name, MAX_PLACE_DISTANCE_M)
                    .with_context(|| format!("{}", path.display()))?;
                let canonical = places.get(name).map(|p| p.name.clone()).unwrap_or_default();
                Ok((at.chainage_m, canonical))
            }
        }
    };
    let (from_m, from_name) = locate(&args.from, 0.0)?;
    let (to_m, to_name) = locate(&args.to, road.length_m())?;
    let section = if from_m == 0.0 && to_m == road.length_m() {
        road.clone()
    } else {
        road.section_m(from_m, to_m).with_context(|| {
            format!("{}: --from {from_name} --to {to_name}", args.road.display())
        })?
    };
    Ok(Section {
        road,
        places,
        section,
        from_m,
        to_m,
        from_name,
        to_name,
    })
}

/// A number with at most `decimals` decimals and no trailing zeros.
fn trim_number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The corridor options for a section, mapping north/south onto left/right of its direction.
fn corridor_options(
    widths: &WidthArgs,
    cap: Cap,
    section: &Road,
) -> anyhow::Result<CorridorOptions> {
    let names = SideNames::for_road(section);
    let (left_m, right_m) = match (widths.width, widths.north, widths.south) {
        (Some(w), _, _) => (w, w),
        (None, Some(north), Some(south)) => {
            let (Some(north_side), Some(_)) =
                (names.side_named("north"), names.side_named("south"))
            else {
                return Err(usage(
                    "this section runs north–south, so its sides are left and right: use --left and --right",
                ));
            };
            match north_side {
                Side::Left => (north, south),
                Side::Right => (south, north),
            }
        }
        _ => match (widths.left, widths.right) {
            (Some(l), Some(r)) => (l, r),
            // clap's groups make sure one of the forms was given whole.
            _ => {
                return Err(usage(
                    "give --width, or --north and --south, or --left and --right",
                ));
            }
        },
    };
    Ok(CorridorOptions::new(left_m, right_m)
        .map_err(|e| usage(e.to_string()))?
        .cap(cap))
}

/// The patrol from the start of the section to its end. Ends given as positions or chainages
/// become places of their own, on the road, so that the patrol names them as the user did.
fn plan_patrol(s: &Section, args: &BuildArgs) -> anyhow::Result<Patrol> {
    let start = match &args.start {
        Some(text) => PatrolOptions::from_rfc3339(text).map_err(|e| usage(e.to_string()))?,
        None => {
            // chrono is built without its clock feature; the system clock gives the same.
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            let now = chrono::DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| anyhow!("the system clock is out of range"))?;
            PatrolOptions::new(now.fixed_offset())
        }
    };
    let options = start
        .speed_kmh(args.speed)
        .map_err(|e| usage(e.to_string()))?
        .checkpoint_every_km(args.checkpoint_every / 1_000.0)
        .map_err(|e| usage(e.to_string()))?;
    let mut all: Vec<Place> = s.places.iter().cloned().collect();
    let mut ends = |name: &str, chainage_m: f64| -> anyhow::Result<()> {
        if s.places.get(name).is_err() {
            all.push(Place::new(name, s.road.point_at(chainage_m)?));
        }
        Ok(())
    };
    ends(&s.from_name, s.from_m)?;
    ends(&s.to_name, s.to_m)?;
    let places = Places::new(all);
    let places_file = args
        .road
        .places
        .as_deref()
        .unwrap_or(&args.road.road)
        .display()
        .to_string();
    Patrol::plan(&s.road, &places, &s.from_name, &s.to_name, &options)
        .with_context(|| format!("{places_file}: patrol"))
}

fn build(args: BuildArgs) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let crs = crs_glue::open("--crs", args.road.crs.as_deref())?;
    let output_crs = crs_glue::open("--output-crs", args.output_crs.as_deref())?;
    let output_crs_dir = match &output_crs {
        Some(crs) => {
            Some(crs_glue::dir_name(crs).map_err(|e| usage(format!("--output-crs: {e}")))?)
        }
        None => None,
    };
    let s = read_section(&args.road, crs.as_ref())?;
    let options = corridor_options(&args.widths, args.cap, &s.section)?
        .tolerance_m(args.tolerance)
        .map_err(|e| usage(e.to_string()))?;
    let t1 = Instant::now();

    let corridor = Corridor::build(&s.section, &options);
    let patrol = plan_patrol(&s, &args)?;
    let gates = control_lines::patrol_gates(&corridor, &patrol)
        .with_context(|| format!("{}: gates", args.road.road.display()))?;
    let name = format!(
        "corridor {} – {} ({})",
        s.from_name,
        s.to_name,
        file_stem(&args.road.road)
    );
    let legs = std::slice::from_ref(&patrol);
    let places_layer = match &args.road.places {
        Some(path) => export::layer_from_geojson_str(&read_geojson_text(path, crs.as_ref())?)
            .with_context(|| format!("{}", path.display()))?,
        None => geojson::FeatureCollection::default(),
    };
    // Made before the directory, so that a patrol it cannot describe leaves nothing behind.
    let layers = export::LayerSet::new(&name, &corridor, &gates, legs)
        .context("patrol.gpx")?
        .places(places_layer);
    // The layers again in --output-crs, into a subdirectory named after it (epsg_32637/).
    let mut projected = Vec::new();
    if let (Some(crs), Some(dir)) = (&output_crs, &output_crs_dir) {
        for (layer, features) in layers.geojson_layers() {
            let name = format!("{}.geojson", layer.file_stem());
            let layer = crs_glue::geojson_from_wgs84(crs, features).map_err(|e| {
                anyhow!(
                    "--output-crs {}: {name}: {e}",
                    args.output_crs.as_deref().unwrap_or_default()
                )
            })?;
            projected.push((args.out.join(dir).join(name), layer));
        }
    }
    let t2 = Instant::now();

    let mut dirs = vec![args.out.clone()];
    dirs.extend(output_crs_dir.iter().map(|d| args.out.join(d)));
    for dir in &dirs {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
    }
    // Every output goes into a temporary file beside its place, straight from the layers (no
    // copy of a file in memory); only once all are written are they renamed into place, so a
    // failure leaves neither a partial file nor new files beside older ones.
    let mut files = export::FileSet::new();
    layers.stage(&mut files, &args.out, "", "corridor")?;
    for (file, layer) in &projected {
        files.stage(file, |w| export::geojson_to_writer(w, layer))?;
    }
    let written = files.commit()?;
    let t3 = Instant::now();

    if args.timings {
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        eprintln!(
            "read_ms={:.1} build_ms={:.1} write_ms={:.1}",
            ms(t0, t1),
            ms(t1, t2),
            ms(t2, t3)
        );
    }
    print_build_summary(&s, &corridor, &patrol, &written)?;
    Ok(())
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "road".into())
}

fn print_build_summary(
    s: &Section,
    corridor: &Corridor,
    patrol: &Patrol,
    written: &[PathBuf],
) -> anyhow::Result<()> {
    let names = corridor.names();
    let options = corridor.options();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "section   {} – {}: {:.2} km (road km {:.2} to {:.2})",
        s.from_name,
        s.to_name,
        corridor.length_m() / 1_000.0,
        s.from_m / 1_000.0,
        s.to_m / 1_000.0
    )?;
    writeln!(
        out,
        "corridor  {:.2} km², {} caps, tolerance {} m",
        corridor.area_km2(),
        options.cap,
        options.tolerance_m
    )?;
    // North before south, left before right, whichever way the section runs.
    let mut sides = [Side::Left, Side::Right];
    sides.sort_by_key(|side| names.name(*side) != "north" && names.name(*side) != "left");
    for side in sides {
        writeln!(
            out,
            "  {:<6}  {:.2} km² ({} m wide)",
            names.name(side),
            corridor.half_area_km2(side),
            trim_number(options.width_m(side), 3)
        )?;
    }
    writeln!(
        out,
        "patrol    {} → {}: {:.2} km, {} checkpoints, {} to {}",
        patrol.from(),
        patrol.to(),
        patrol.length_m() / 1_000.0,
        patrol.checkpoints().len(),
        patrol.start().to_rfc3339(),
        patrol.end().to_rfc3339()
    )?;
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    writeln!(out, "wrote     {}", files.join(", "))?;
    out.flush()?;
    Ok(())
}

/// Input kinds `classify` reads.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PointsFormat {
    Csv,
    GeoJson,
}

/// GeoJSON by extension, else by a first non-blank byte of `{`; anything else is CSV.
fn points_format(path: &Path) -> anyhow::Result<PointsFormat> {
    if path == Path::new("-") {
        return Ok(PointsFormat::Csv);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("geojson" | "json") => return Ok(PointsFormat::GeoJson),
        Some("csv" | "txt") => return Ok(PointsFormat::Csv),
        _ => {}
    }
    let mut head = [0u8; 256];
    let mut file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read it", path.display()))?;
    let n = file
        .read(&mut head)
        .with_context(|| format!("{}: cannot read it", path.display()))?;
    let first = head[..n].iter().find(|b| !b.is_ascii_whitespace());
    Ok(if first == Some(&b'{') {
        PointsFormat::GeoJson
    } else {
        PointsFormat::Csv
    })
}

/// Sends output to a file (whole or not at all) or to stdout.
fn write_output(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match output {
        Some(path) if path != Path::new("-") => Ok(export::write_atomic(path, write)?),
        _ => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            write(&mut w)?;
            w.flush()?;
            Ok(())
        }
    }
}

fn classify_points(args: ClassifyArgs) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let crs = crs_glue::open("--crs", args.road.crs.as_deref())?;
    let s = read_section(&args.road, crs.as_ref())?;
    let options = corridor_options(&args.widths, args.cap, &s.section)?;
    let classifier = Classifier::new(&s.section, &options);
    let format = points_format(&args.points)?;
    if format == PointsFormat::GeoJson && (args.lon_col.is_some() || args.lat_col.is_some()) {
        return Err(usage(
            "--lon-col and --lat-col are for CSV input, not GeoJSON",
        ));
    }
    let t1 = Instant::now();
    let points_name = args.points.display().to_string();
    let output = args.output.as_deref();
    // The library's error, kept apart from the I/O error that stops the writer.
    let mut failure: Option<classify::ClassifyError> = None;
    let summary = match format {
        PointsFormat::GeoJson => {
            let text = read_text(&args.points)?;
            let (geojson, summary) = match &crs {
                None => classify::classify_geojson(&classifier, &text)
                    .with_context(|| points_name.clone())?,
                Some(crs) => classify_geojson_in(&classifier, crs, &text)
                    .with_context(|| points_name.clone())?,
            };
            write_output(output, |w| {
                serde_json::to_writer(&mut *w, &geojson).map_err(std::io::Error::other)?;
                w.write_all(b"\n")
            })?;
            summary
        }
        PointsFormat::Csv => {
            let csv_options = CsvOptions {
                lon_col: args.lon_col.clone(),
                lat_col: args.lat_col.clone(),
            };
            let (input, size): (Box<dyn Read>, u64) = if args.points == Path::new("-") {
                (Box::new(std::io::stdin().lock()), 0)
            } else {
                let file = std::fs::File::open(&args.points)
                    .with_context(|| format!("{points_name}: cannot read it"))?;
                let size = file.metadata().map(|m| m.len()).unwrap_or(0);
                (Box::new(file), size)
            };
            let bar = progress_bar(size);
            let mut summary = Summary::default();
            let crs_definition = args.road.crs.as_deref().filter(|_| crs.is_some());
            let to_lon_lat = |c: Coord| match crs_definition {
                Some(definition) => crs_glue::to_wgs84_on_this_thread(definition, c),
                None => Ok(c),
            };
            let written = write_output(output, |w| {
                let progress = |bytes| {
                    if let Some(bar) = &bar {
                        bar.set_position(bytes);
                    }
                };
                let placed = match crs_definition {
                    None => classify::classify_csv(&classifier, input, w, &csv_options, progress),
                    Some(_) => classify::classify_csv_with(
                        &classifier,
                        input,
                        w,
                        &csv_options,
                        &to_lon_lat,
                        progress,
                    ),
                };
                match placed {
                    Ok(s) => {
                        summary = s;
                        Ok(())
                    }
                    Err(classify::ClassifyError::Write(io)) => Err(io),
                    Err(e) => {
                        failure = Some(e);
                        Err(std::io::Error::other("the input has an error"))
                    }
                }
            });
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if let Some(e) = failure.take() {
                return Err(anyhow::Error::new(e).context(points_name));
            }
            written?;
            summary
        }
    };
    let t2 = Instant::now();
    if args.timings {
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        eprintln!("read_ms={:.1} classify_ms={:.1}", ms(t0, t1), ms(t1, t2));
    }
    if output.is_some_and(|p| p != Path::new("-")) {
        let names = classifier.names();
        // Not println!, which panics on a closed pipe.
        writeln!(
            std::io::stdout(),
            "{} points: {} inside ({} {}, {} {}), {} outside",
            summary.points,
            summary.inside,
            summary.inside_left,
            names.name(Side::Left),
            summary.inside_right,
            names.name(Side::Right),
            summary.points - summary.inside
        )?;
    }
    Ok(())
}

/// A progress bar on stderr for a large input, when someone is watching.
fn progress_bar(size_bytes: u64) -> Option<indicatif::ProgressBar> {
    if size_bytes < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size_bytes);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

fn render(args: RenderArgs) -> anyhow::Result<()> {
    let mut files = Vec::new();
    for path in &args.layers {
        if path.is_dir() {
            let mut names: Vec<String> = std::fs::read_dir(path)
                .with_context(|| format!("{}: cannot read it", path.display()))?
                .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                .collect();
            names.sort();
            let before = files.len();
            // Also the example's m4_zones.geojson and the like.
            for suffix in [
                "zones.geojson",
                "control_lines.geojson",
                "patrol.geojson",
                "checkpoints.geojson",
            ] {
                let found = names.iter().filter(|n| n.ends_with(suffix));
                files.extend(found.map(|n| path.join(n)).filter(|p| p.is_file()));
            }
            if files.len() == before {
                bail!(
                    "{}: no zones.geojson, control_lines.geojson or patrol.geojson in it",
                    path.display()
                );
            }
        } else {
            files.push(path.clone());
        }
    }
    let mut layers = Vec::with_capacity(files.len());
    for path in &files {
        let text = read_text(path)?;
        if let Ok(value) = serde_json::from_str::<Value>(&text)
            && let Some(name) = projected_crs_name(&value)
        {
            bail!(
                "{}: its coordinates are in {name}, not WGS84 longitude, latitude; render the WGS84 layers",
                path.display()
            );
        }
        let layer =
            export::layer_from_geojson_str(&text).with_context(|| format!("{}", path.display()))?;
        layers.push((file_stem(path), layer));
    }
    let title = args.title.clone().unwrap_or_else(|| {
        let corridor = layers.iter().flat_map(|(_, l)| &l.features).find_map(|f| {
            (f.property("kind")? == "corridor")
                .then(|| f.property("name")?.as_str().map(String::from))?
        });
        corridor
            .or_else(|| files.first().map(|p| file_stem(p)))
            .unwrap_or_default()
    });
    let map = layers
        .iter()
        .fold(export::MapLayers::new(title), |map, (name, layer)| {
            map.layer(name.as_str(), layer)
        });
    export::write_map_picture(&args.out, &map, args.width)?;
    writeln!(std::io::stdout(), "wrote     {}", args.out.display())?;
    Ok(())
}

/// The name in a legacy GeoJSON `crs` member (`--output-crs` writes one) when it names anything
/// but WGS84 longitude, latitude.
fn projected_crs_name(value: &Value) -> Option<String> {
    let name = value.get("crs")?.get("properties")?.get("name")?.as_str()?;
    let wgs84 = [
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "OGC:CRS84",
        "EPSG:4326",
    ];
    (!wgs84.iter().any(|w| w.eq_ignore_ascii_case(name))).then(|| name.to_string())
}

/// Totals for one kind of feature in `info`.
#[derive(Debug, Default)]
struct KindTotals {
    features: usize,
    geometry_types: Vec<String>,
    length_km: f64,
    area_km2: f64,
}

fn info(args: InfoArgs) -> anyhow::Result<()> {
    use geo::{BoundingRect, Geodesic, GeodesicArea, Length};

    let file = args.file.display().to_string();
    let text = read_text(&args.file)?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{file}: not valid JSON"))?;
    // Projected layers (as --output-crs writes) have no geodesic lengths or areas to give.
    let projected = projected_crs_name(&value);
    let geojson: geojson::GeoJson =
        serde_json::from_value(value).with_context(|| format!("{file}: not GeoJSON"))?;
    let (what, features) = match geojson {
        geojson::GeoJson::FeatureCollection(fc) => ("FeatureCollection", fc.features),
        geojson::GeoJson::Feature(f) => ("Feature", vec![f]),
        geojson::GeoJson::Geometry(g) => ("Geometry", vec![geojson::Feature::from(g)]),
    };
    let mut kinds: Vec<(String, KindTotals)> = Vec::new();
    let mut bbox: Option<geo::Rect> = None;
    for (index, f) in features.iter().enumerate() {
        let geometry: Option<geo::Geometry> = match &f.geometry {
            Some(g) => Some(
                geo::Geometry::try_from(&g.value)
                    .with_context(|| format!("{file}: feature {index}"))?,
            ),
            None => None,
        };
        let type_name = f
            .geometry
            .as_ref()
            .map_or("no geometry", |g| g.value.type_name())
            .to_string();
        let kind = match f.property("kind") {
            Some(Value::String(k)) => k.clone(),
            _ => format!("({})", type_name),
        };
        let slot = match kinds.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                kinds.push((kind, KindTotals::default()));
                kinds.len() - 1
            }
        };
        let totals = &mut kinds[slot].1;
        totals.features += 1;
        if !totals.geometry_types.contains(&type_name) {
            totals.geometry_types.push(type_name);
        }
        if let Some(g) = &geometry
            && projected.is_none()
        {
            totals.length_km += match g {
                geo::Geometry::LineString(l) => Geodesic.length(l),
                geo::Geometry::MultiLineString(m) => Geodesic.length(m),
                _ => 0.0,
            } / 1_000.0;
            totals.area_km2 += match g {
                geo::Geometry::Polygon(p) => p.geodesic_area_unsigned(),
                geo::Geometry::MultiPolygon(m) => m.geodesic_area_unsigned(),
                _ => 0.0,
            } / 1e6;
        }
        if let Some(r) = geometry.as_ref().and_then(|g| g.bounding_rect()) {
            bbox = Some(match bbox {
                None => r,
                Some(b) => geo::Rect::new(
                    Coord {
                        x: b.min().x.min(r.min().x),
                        y: b.min().y.min(r.min().y),
                    },
                    Coord {
                        x: b.max().x.max(r.max().x),
                        y: b.max().y.max(r.max().y),
                    },
                ),
            });
        }
    }
    let mut out = std::io::stdout().lock();
    let count = features.len();
    writeln!(
        out,
        "{file}: {what}, {count} feature{}",
        if count == 1 { "" } else { "s" }
    )?;
    let (x, y) = match &projected {
        Some(name) => {
            writeln!(
                out,
                "crs       {name} (not WGS84: lengths and areas are left to a GIS)"
            )?;
            ("x", "y")
        }
        None => ("lon", "lat"),
    };
    match bbox {
        Some(b) => writeln!(
            out,
            "bbox      {x} {:.6} to {:.6}, {y} {:.6} to {:.6}",
            b.min().x,
            b.max().x,
            b.min().y,
            b.max().y
        )?,
        None => writeln!(out, "bbox      none (no coordinates)")?,
    }
    let width = kinds.iter().map(|(k, _)| k.len()).max().unwrap_or(4).max(4);
    writeln!(
        out,
        "{:<width$}  {:>8}  {:<28}  {:>12}  {:>12}",
        "kind", "features", "geometry", "length_km", "area_km2"
    )?;
    for (kind, t) in &kinds {
        let measure = |v: f64| {
            if v > 0.0 {
                format!("{v:.3}")
            } else {
                "-".to_string()
            }
        };
        writeln!(
            out,
            "{kind:<width$}  {:>8}  {:<28}  {:>12}  {:>12}",
            t.features,
            t.geometry_types.join(", "),
            measure(t.length_km),
            measure(t.area_km2)
        )?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_take_units() {
        assert_eq!(parse_distance_m("6km"), Ok(6_000.0));
        assert_eq!(parse_distance_m("6000m"), Ok(6_000.0));
        assert_eq!(parse_distance_m("6000"), Ok(6_000.0));
        assert_eq!(parse_distance_m(" 0.5 m "), Ok(0.5));
        assert_eq!(parse_distance_m("1.5KM"), Ok(1_500.0));
        assert!(
            parse_distance_m("6mi")
                .unwrap_err()
                .contains("unknown unit `mi`")
        );
        assert!(parse_distance_m("-6km").is_err());
        assert!(parse_distance_m("0").is_err());
        assert!(parse_distance_m("km").is_err());
        assert!(parse_distance_m("NaN").is_err());
    }

    #[test]
    fn speeds_take_units() {
        assert_eq!(parse_speed_kmh("40km/h"), Ok(40.0));
        assert_eq!(parse_speed_kmh("40"), Ok(40.0));
        assert!(parse_speed_kmh("40mph").is_err());
    }

    #[test]
    fn endpoints_are_names_positions_or_chainages() {
        assert_eq!("km:12.5".parse(), Ok(Endpoint::Chainage(12_500.0)));
        assert_eq!(
            "36.8, 35.86".parse(),
            Ok(Endpoint::Position(Coord { x: 36.8, y: 35.86 }))
        );
        assert_eq!(
            "Ain al-Hawr".parse(),
            Ok(Endpoint::Place("Ain al-Hawr".into()))
        );
        assert!("35.86,NaN".parse::<Endpoint>().is_err());
        assert!("km:abc".parse::<Endpoint>().is_err());
        assert!("km:-1".parse::<Endpoint>().is_err());
    }
}
