//! The argument groups the subcommands share, each declared once: the road and its section,
//! the corridor's widths and caps, `--timings`. Each subcommand's own arguments sit in its file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use corridor::patrol::DEFAULT_MAX_PLACE_DISTANCE_M;
use corridor::road::Endpoint;
use corridor::units::{self, parse_distance_m};
use corridor::{Cap, CorridorOptions, Extent, Side, SideNames, ZoneOptions};

use crate::input::Section;

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
    // Optional only so that `build AGREEMENT.toml` can go without it; required otherwise.
    #[arg(
        long = "road",
        id = "road",
        value_name = "ROAD.geojson",
        required = true
    )]
    pub road_file: Option<PathBuf>,
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

/// How far a side reaches, as `--north` and the other sides take it: `0` (nothing), a width
/// (`10km`) or a band (`10km..30km`).
#[derive(Debug, Clone, Copy)]
pub struct Reach(pub Option<Extent>);

fn parse_reach(s: &str) -> Result<Reach, String> {
    units::parse_reach(s).map(Reach).map_err(|e| e.to_string())
}

impl RoadArgs {
    /// The road file (always given where clap requires it).
    pub fn road(&self) -> anyhow::Result<&Path> {
        self.road_file
            .as_deref()
            .ok_or_else(|| usage("give --road ROAD.geojson (or an agreement file to build)"))
    }
}

/// The widths of the two halves.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct WidthArgs {
    /// Width of each half (6km, 6000m, 6000).
    #[arg(long, value_name = "DISTANCE", value_parser = parse_distance_m,
          conflicts_with_all = ["north", "south", "left", "right"])]
    pub width: Option<f64>,
    /// Reach north of the line: a width (6km), 0 for nothing, or a band (10km..30km).
    #[arg(long, value_name = "REACH", value_parser = parse_reach,
          requires = "south", conflicts_with_all = ["left", "right"])]
    pub north: Option<Reach>,
    /// Reach south of the line, as --north.
    #[arg(long, value_name = "REACH", value_parser = parse_reach, requires = "north")]
    pub south: Option<Reach>,
    /// Reach left of the direction of travel (from --from to --to), as --north.
    #[arg(long, value_name = "REACH", value_parser = parse_reach, requires = "right")]
    pub left: Option<Reach>,
    /// Reach right of the direction of travel, as --north.
    #[arg(long, value_name = "REACH", value_parser = parse_reach, requires = "left")]
    pub right: Option<Reach>,
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
    /// A stretch with no zone, FROM..TO, each end a place, LON,LAT or km:N along the section
    /// (Qamishli..km:330); cut along the normal to the line. Repeat for more.
    #[arg(long, value_name = "FROM..TO", allow_hyphen_values = true)]
    pub except: Vec<String>,
}

fn parse_cap(s: &str) -> Result<Cap, String> {
    s.parse::<Cap>().map_err(|e| e.to_string())
}

/// What to build: a corridor (a width on both sides, no exceptions), or a zone.
#[derive(Debug, Clone)]
pub enum Shape {
    Corridor(CorridorOptions),
    Zone(ZoneOptions),
}

impl CorridorArgs {
    /// The corridor or zone on `s`'s section, mapping north/south onto left/right of its
    /// direction of travel.
    pub fn shape(&self, s: &Section) -> anyhow::Result<Shape> {
        let section = &s.section;
        let w = &self.widths;
        let (left, right) = match (w.width, w.north, w.south) {
            (Some(width), _, _) => {
                let e = Extent::width_m(width).map_err(|e| usage(e.to_string()))?;
                (Some(e), Some(e))
            }
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
                    Side::Left => (north.0, south.0),
                    Side::Right => (south.0, north.0),
                }
            }
            _ => match (w.left, w.right) {
                (Some(l), Some(r)) => (l.0, r.0),
                // clap's groups make sure one of the forms was given whole.
                _ => {
                    return Err(usage(
                        "give --width, or --north and --south, or --left and --right",
                    ));
                }
            },
        };
        if left.is_none() && right.is_none() {
            return Err(usage("both sides are 0: give at least one side a width"));
        }
        let plain = |e: Option<Extent>| e.filter(|e| e.inner_m() == 0.0).map(|e| e.outer_m());
        if let (Some(l), Some(r), true) = (plain(left), plain(right), self.except.is_empty()) {
            let options = CorridorOptions::new(l, r).map_err(|e| usage(e.to_string()))?;
            return Ok(Shape::Corridor(options.cap(self.cap)));
        }
        let mut options = ZoneOptions::new(left, right).cap(self.cap);
        for text in &self.except {
            let (from, to) = text
                .split_once("..")
                .ok_or_else(|| usage(format!("--except {text}: give FROM..TO")))?;
            let at = |end: &str| -> anyhow::Result<f64> {
                let end: Endpoint = end
                    .trim()
                    .parse()
                    .map_err(|e| usage(format!("--except {text}: {e}")))?;
                let on = end
                    .locate_on(section, &s.places, DEFAULT_MAX_PLACE_DISTANCE_M)
                    .map_err(|e| usage(format!("--except {text}: {e}")))?;
                Ok(on.chainage_m)
            };
            let (a, b) = (at(from)?, at(to)?);
            options = options
                .except_m(a.min(b), a.max(b))
                .map_err(|e| usage(format!("--except {text}: {e}")))?;
        }
        Ok(Shape::Zone(options))
    }
}

/// `--timings`.
#[derive(Debug, Args)]
pub struct TimingsArgs {
    /// Print in-process stage times on stderr, on one line: read_ms=… and the command's
    /// stages after it (build_ms=… write_ms=…, or classify_ms=…), then the parts of a stage
    /// timed on their own (corridor_ms=…, the corridor alone, within build_ms; patrol_ms=…,
    /// the patrol and its layers, made alongside the corridor).
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

/// Runs `f` and times it, milliseconds.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed().as_secs_f64() * 1e3)
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
        let (value, ms) = timed(f);
        self.parts.push((name, ms));
        value
    }

    /// Runs `a` and `b` side by side on rayon as the parts `names` of the current stage, each
    /// timed on its own (so that their times add up to more than the stage's).
    pub fn parts_side_by_side<A: Send, B: Send>(
        &mut self,
        names: [&'static str; 2],
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        let ((a, ms_a), (b, ms_b)) = rayon::join(|| timed(a), || timed(b));
        self.parts.push((names[0], ms_a));
        self.parts.push((names[1], ms_b));
        (a, b)
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
