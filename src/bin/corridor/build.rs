//! `corridor build`: the corridor, its halves, the control lines and the patrol along a road,
//! written as GeoJSON, GPX, KML and a map page into a directory.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use clap::Args;
use corridor::patrol::{Patrol, PatrolOptions};
use corridor::units::{parse_distance_m, parse_speed_kmh, trim_number};
use corridor::{Corridor, Place, Places, Side, SideNames, Zone, control_lines, export};

use crate::args::{CorridorArgs, RoadArgs, Shape, TimingsArgs, usage};
use crate::crs;
use crate::input::{Section, file_stem, read_geojson_text, read_section};

pub const EXAMPLES: &str = "\
Examples:
  # The M4 corridor of 5 March 2020: 6 km either side, patrols from Trumba to Ain al-Hawr
  corridor build --road data/m4.geojson --places data/places.geojson \\
      --from Trumba --to \"Ain al-Hawr\" --width 6km --start 2020-03-15T09:00:00+03:00 --out out/

  # The first 20 km of a road, 2 km north and 500 m south
  corridor build --road road.geojson --from km:0 --to km:20 --north 2km --south 500m --out zones/

  # A border: nothing north, a band 10-30 km south, none round a town
  corridor build --road border.geojson --places places.geojson --north 0 --south 10km..30km \\
      --except Qamishli..km:330 --out ne_syria/";

#[derive(Debug, Args)]
// With an agreement file the road and widths come from it: neither is required then (checked
// in `run` when there is no agreement).
#[command(mut_arg("road", |a| a.required(false)), mut_group("WidthArgs", |g| g.required(false)))]
pub struct BuildArgs {
    /// An agreement file (TOML): its lines, zones, patrols, places and sites, built together
    /// (instead of --road and the widths; see the README's "Agreement files").
    #[arg(value_name = "AGREEMENT.toml", conflicts_with_all = ["road", "width", "north", "south", "left", "right", "start", "output_crs"])]
    agreement: Option<PathBuf>,
    #[command(flatten)]
    corridor: CorridorArgs,
    /// Directory to write zones.geojson, control_lines.geojson, patrol.geojson,
    /// checkpoints.geojson (named_places.geojson with --places), a QGIS style beside each,
    /// patrol.gpx, map.html, corridor.kml and corridor.qgs into (created if missing).
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
    #[command(flatten)]
    timings: TimingsArgs,
}

pub fn run(args: BuildArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.agreement {
        return crate::agreement::run(path, &args.out, &args.timings);
    }
    let corridor_args = &args.corridor;
    let road_path = corridor_args.road.road()?;
    let mut clock = args.timings.start();
    let road_args = &corridor_args.road;
    let crs = crs::open("--crs", road_args.crs.as_deref())?;
    let output_crs = crs::open("--output-crs", args.output_crs.as_deref())?;
    let output_crs_dir = match &output_crs {
        Some(crs) => Some(crs::dir_name(crs).map_err(|e| usage(format!("--output-crs: {e}")))?),
        None => None,
    };
    let s = read_section(road_args, crs.as_ref())?;
    let shape = corridor_args.shape(&s)?;
    clock.lap("read");

    let name = format!(
        "corridor {} – {} ({})",
        s.from.name,
        s.to.name,
        file_stem(road_path)
    );
    let tolerance = |e: corridor::ZoneError| usage(e.to_string());
    // A zone that would hold a pole cannot be drawn as lon/lat polygons: one clear error.
    let road_name = || format!("{}", road_path.display());
    // The patrol and its layers need only the road: they are made while the corridor or zone
    // is built. Their mistakes are reported first, as when they were made first.
    let (built, layers, patrol) = match shape {
        Shape::Corridor(options) => {
            let options = match options.tolerance_m(args.tolerance) {
                Ok(options) => options,
                Err(e) => {
                    plan_patrol(&s, road_args, &args)?;
                    return Err(usage(e.to_string()));
                }
            };
            let (planned, corridor) = clock.parts_side_by_side(
                ["patrol", "corridor"],
                || -> anyhow::Result<(Patrol, export::LayerSet)> {
                    let patrol = plan_patrol(&s, road_args, &args)?;
                    let layers = export::LayerSet::for_patrol(&name, std::slice::from_ref(&patrol))
                        .context("patrol.gpx")?;
                    Ok((patrol, layers))
                },
                || Corridor::try_build(&s.section, &options),
            );
            let (patrol, patrol_layers) = planned?;
            let corridor = corridor.with_context(road_name)?;
            let gates = clock
                .part("gates", || control_lines::patrol_gates(&corridor, &patrol))
                .with_context(|| format!("{}: gates", road_path.display()))?;
            // Made before the directory, so that a patrol it cannot describe leaves nothing
            // behind.
            let layers = clock.part("layers", || patrol_layers.with_corridor(&corridor, &gates));
            (Built::Corridor(corridor), layers, patrol)
        }
        Shape::Zone(options) => {
            let options = match options.tolerance_m(args.tolerance) {
                Ok(options) => options,
                Err(e) => {
                    plan_patrol(&s, road_args, &args)?;
                    return Err(tolerance(e));
                }
            };
            let (patrol, zone) = clock.parts_side_by_side(
                ["patrol", "corridor"],
                || plan_patrol(&s, road_args, &args),
                || Zone::try_build(&s.section, &options),
            );
            let patrol = patrol?;
            let zone = zone.with_context(road_name)?;
            let named = [export::NamedZone::new("zone", &name, zone)];
            let lines = [("centerline", &s.section)];
            let legs = std::slice::from_ref(&patrol);
            let layers =
                export::LayerSet::for_zones(&name, &lines, &named, legs).context("patrol.gpx")?;
            let [named] = named;
            (Built::Zone(named.zone), layers, patrol)
        }
    };
    let places_layer = match &road_args.places {
        Some(path) => export::layer_from_geojson_str(&read_geojson_text(path, crs.as_ref())?)
            .with_context(|| format!("{}", path.display()))?,
        None => geojson::FeatureCollection::default(),
    };
    let layers = layers.places(places_layer);
    // The layers again in --output-crs, into a subdirectory named after it (epsg_32637/).
    let mut projected = Vec::new();
    if let (Some(crs), Some(dir)) = (&output_crs, &output_crs_dir) {
        for (layer, features) in layers.geojson_layers() {
            let name = format!("{}.geojson", layer.file_stem());
            let layer = crs::geojson_from_wgs84(crs, features).map_err(|e| {
                let definition = args.output_crs.as_deref().unwrap_or_default();
                anyhow!("--output-crs {definition}: {name}: {e}")
            })?;
            projected.push((args.out.join(dir).join(name), layer));
        }
    }
    clock.lap("build");

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
    clock.lap("write");

    clock.report();
    print_summary(&s, &built, &patrol, &written)?;
    Ok(())
}

/// The patrol from the start of the section to its end. Ends given as positions or chainages
/// become places of their own, on the road, so that the patrol names them as the user did.
fn plan_patrol(s: &Section, road_args: &RoadArgs, args: &BuildArgs) -> anyhow::Result<Patrol> {
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
    for end in [&s.from, &s.to] {
        if s.places.get(&end.name).is_err() {
            all.push(Place::new(&end.name, s.road.point_at(end.chainage_m)?));
        }
    }
    let places = Places::new(all);
    let places_file = match &road_args.places {
        Some(file) => file.as_path(),
        None => road_args.road()?,
    };
    Patrol::plan(&s.road, &places, &s.from.name, &s.to.name, &options)
        .with_context(|| format!("{}: patrol", places_file.display()))
}

/// What `build` built: a corridor (a width either side) or a zone.
enum Built {
    Corridor(Corridor),
    Zone(Zone),
}

impl Built {
    fn names(&self) -> SideNames {
        match self {
            Built::Corridor(c) => c.names(),
            Built::Zone(z) => z.names(),
        }
    }

    /// The geodesic areas of the whole and of the left and right sides, km², each on a core of
    /// its own (worked out once: the layers may have asked already).
    fn areas_km2(&self) -> (f64, [f64; 2]) {
        let area = |side: Option<Side>| match (self, side) {
            (Built::Corridor(c), None) => c.area_km2(),
            (Built::Corridor(c), Some(side)) => c.half_area_km2(side),
            (Built::Zone(z), None) => z.area_km2(),
            (Built::Zone(z), Some(side)) => z.side_area_km2(side),
        };
        let (whole, (left, right)) = rayon::join(
            || area(None),
            || rayon::join(|| area(Some(Side::Left)), || area(Some(Side::Right))),
        );
        (whole, [left, right])
    }

    /// What the summary says of one side with its area: its reach, or nothing for a side with
    /// none.
    fn side(&self, side: Side, area_km2: f64) -> Option<String> {
        match self {
            Built::Corridor(c) => Some(format!(
                "{area_km2:.2} km² ({} m wide)",
                trim_number(c.options().width_m(side), 3)
            )),
            Built::Zone(z) => {
                let reach = z.reach_m(side)?;
                let words = match reach {
                    (0.0, outer) => format!("{} m wide", trim_number(outer, 3)),
                    (inner, outer) => format!(
                        "{} m to {} m from the line",
                        trim_number(inner, 3),
                        trim_number(outer, 3)
                    ),
                };
                Some(format!("{area_km2:.2} km² ({words})"))
            }
        }
    }
}

fn print_summary(
    s: &Section,
    built: &Built,
    patrol: &Patrol,
    written: &[PathBuf],
) -> anyhow::Result<()> {
    let names = built.names();
    let (area_km2, side_areas_km2) = built.areas_km2();
    let (length_m, cap, tolerance_m, what) = match built {
        Built::Corridor(c) => (
            c.length_m(),
            c.options().cap,
            c.options().tolerance_m,
            "corridor",
        ),
        Built::Zone(z) => (
            z.road().length_m(),
            z.options().cap,
            z.options().tolerance_m,
            "zone    ",
        ),
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "section   {} – {}: {:.2} km (road km {:.2} to {:.2})",
        s.from.name,
        s.to.name,
        length_m / 1_000.0,
        s.from.chainage_m / 1_000.0,
        s.to.chainage_m / 1_000.0
    )?;
    writeln!(
        out,
        "{what}  {area_km2:.2} km², {cap} caps, tolerance {tolerance_m} m"
    )?;
    if let Built::Zone(z) = built {
        for (from_m, to_m) in &z.options().exceptions {
            writeln!(
                out,
                "  except  km {:.2} to {:.2}",
                from_m / 1_000.0,
                to_m / 1_000.0
            )?;
        }
    }
    // North before south, left before right, whichever way the section runs.
    let mut sides = [Side::Left, Side::Right];
    sides.sort_by_key(|side| names.name(*side) != "north" && names.name(*side) != "left");
    for side in sides {
        let area_km2 = side_areas_km2[usize::from(side == Side::Right)];
        let words = built.side(side, area_km2).unwrap_or_else(|| "none".into());
        writeln!(out, "  {:<6}  {words}", names.name(side))?;
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
