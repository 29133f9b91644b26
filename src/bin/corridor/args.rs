//! The argument groups the subcommands share, each declared once: the road and its section,
//! the corridor's widths and caps, `--timings`. Each subcommand's own arguments sit in its file.

use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use corridor::road::Endpoint;
use corridor::units::parse_distance_m;
use corridor::{Cap, CorridorOptions, Road, Side, SideNames};

/// A usage mistake found after parsing (an exit status of 2, like clap's own).
#[derive(Debug)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error with this message.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// The road, and which part of it.
#[derive(Debug, Args)]
pub struct RoadArgs {
    /// The road: GeoJSON LineString or MultiLineString (an OpenStreetMap extract works as is).
    #[arg(long, value_name = "ROAD.geojson")]
    pub road: PathBuf,
    /// Named places (GeoJSON Point features with a `name`), for --from/--to by name.
    #[arg(long, value_name = "PLACES.geojson")]
    pub places: Option<PathBuf>,
    /// Where the section starts: a place name, LON,LAT, or km:12.5 along the road [default:
    /// the road's start].
    #[arg(long, value_name = "PLACE", allow_hyphen_values = true)]
    pub from: Option<Endpoint>,
    /// Where the section ends, as --from [default: the road's end].
    #[arg(long, value_name = "PLACE", allow_hyphen_values = true)]
    pub to: Option<Endpoint>,
    /// The coordinate reference system of the inputs (road, places, points and X,Y positions),
    /// any PROJ knows: EPSG:32637, a PROJ string, WKT [default: WGS84 longitude, latitude].
    /// Needs the `proj` feature.
    #[arg(long, value_name = "CRS", hide = !cfg!(feature = "proj"))]
    pub crs: Option<String>,
}

/// The widths of the two halves.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct WidthArgs {
    /// Width of each half (6km, 6000m, 6000).
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m,
          conflicts_with_all = ["north", "south", "left", "right"])]
    pub width: Option<f64>,
    /// Width of the northern half.
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m,
          requires = "south", conflicts_with_all = ["left", "right"])]
    pub north: Option<f64>,
    /// Width of the southern half.
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m, requires = "north")]
    pub south: Option<f64>,
    /// Width of the half left of the direction of travel (from --from to --to).
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m, requires = "right")]
    pub left: Option<f64>,
    /// Width of the half right of the direction of travel.
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m, requires = "left")]
    pub right: Option<f64>,
}

/// A corridor along a section of a road: what `build` and `classify` both take.
#[derive(Debug, Args)]
pub struct CorridorArgs {
    #[command(flatten)]
    pub road: RoadArgs,
    #[command(flatten)]
    pub widths: WidthArgs,
    /// End caps: cut square at the ends, or half a disc round them.
    #[arg(long, value_name = "flat|round", default_value = "flat", value_parser = parse_cap)]
    pub cap: Cap,
}

fn parse_cap(s: &str) -> Result<Cap, String> {
    s.parse::<Cap>().map_err(|e| e.to_string())
}

impl CorridorArgs {
    /// The corridor options for `section`, mapping north/south onto left/right of its
    /// direction of travel.
    pub fn options(&self, section: &Road) -> anyhow::Result<CorridorOptions> {
        let w = &self.widths;
        let (left_m, right_m) = match (w.width, w.north, w.south) {
            (Some(width), _, _) => (width, width),
            (None, Some(north), Some(south)) => {
                let names = SideNames::for_road(section);
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
            _ => match (w.left, w.right) {
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
            .cap(self.cap))
    }
}

/// `--timings`.
#[derive(Debug, Args)]
pub struct TimingsArgs {
    /// Print in-process stage times on stderr, on one line: read_ms=… and the command's
    /// stages after it (build_ms=… write_ms=…, or classify_ms=…), then the parts of a stage
    /// timed on their own (corridor_ms=…, the corridor alone, within build_ms).
    #[arg(long)]
    pub timings: bool,
}

impl TimingsArgs {
    /// A stopwatch started now, which prints its laps only if --timings was given.
    pub fn start(&self) -> Stopwatch {
        Stopwatch {
            enabled: self.timings,
            last: Instant::now(),
            laps: Vec::new(),
            parts: Vec::new(),
        }
    }
}

/// Stage times of one command, milliseconds.
pub struct Stopwatch {
    enabled: bool,
    last: Instant,
    laps: Vec<(&'static str, f64)>,
    /// Parts of stages, timed on their own.
    parts: Vec<(&'static str, f64)>,
}

impl Stopwatch {
    /// Ends the stage `name` (as in `read`), which began at the previous lap.
    pub fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps
            .push((name, (now - self.last).as_secs_f64() * 1e3));
        self.last = now;
    }

    /// Runs `f` as the part `name` of the current stage, and times it.
    pub fn part<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.parts.push((name, start.elapsed().as_secs_f64() * 1e3));
        value
    }

    /// Prints `read_ms=… build_ms=… corridor_ms=…` (stages, then parts) on stderr when
    /// --timings was given.
    pub fn report(&self) {
        if self.enabled {
            let laps: Vec<String> = self
                .laps
                .iter()
                .chain(&self.parts)
                .map(|(name, ms)| format!("{name}_ms={ms:.1}"))
                .collect();
            eprintln!("{}", laps.join(" "));
        }
    }
}
