//! `corridor classify`: points (CSV or GeoJSON) placed against a corridor, written back with
//! inside, side, distance_m and chainage_km added.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use corridor::classify::{self, Classifier, CsvOptions, Summary};
use corridor::{Side, export};
use geo::Coord;

use crate::args::{CorridorArgs, Shape, TimingsArgs, usage};
use crate::crs;
use crate::input::{read_section, read_text};

pub const EXAMPLES: &str = "\
Examples:
  # Which incidents fall in the corridor, and on which side
  corridor classify --road data/m4.geojson --width 6km incidents.csv -o placed.csv

  # GeoJSON points in, GeoJSON points out; columns named explicitly for CSV
  corridor classify --road road.geojson --north 6km --south 6km posts.geojson -o posts_placed.geojson
  corridor classify --road road.geojson --width 500m --lon-col E --lat-col N log.csv > placed.csv";

/// Inputs larger than this get a progress bar (when stderr is a terminal), bytes.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    corridor: CorridorArgs,
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
    #[command(flatten)]
    timings: TimingsArgs,
}

/// Input kinds `classify` reads.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PointsFormat {
    Csv,
    GeoJson,
}

pub fn run(args: ClassifyArgs) -> anyhow::Result<()> {
    let mut clock = args.timings.start();
    let crs_definition = args.corridor.road.crs.as_deref();
    let crs = crs::open("--crs", crs_definition)?;
    let s = read_section(&args.corridor.road, crs.as_ref())?;
    let classifier = match args.corridor.shape(&s)? {
        Shape::Corridor(options) => Classifier::new(&s.section, &options),
        Shape::Zone(options) => Classifier::with_zone_options(&s.section, &options),
    };
    let format = points_format(&args.points)?;
    if format == PointsFormat::GeoJson && (args.lon_col.is_some() || args.lat_col.is_some()) {
        return Err(usage(
            "--lon-col and --lat-col are for CSV input, not GeoJSON",
        ));
    }
    clock.lap("read");
    let points_name = args.points.display().to_string();
    let output = args.output.as_deref();
    let summary = match format {
        PointsFormat::GeoJson => {
            let text = read_text(&args.points)?;
            let (geojson, summary) = match &crs {
                None => classify::classify_geojson(&classifier, &text)
                    .with_context(|| points_name.clone())?,
                Some(crs) => crs::classify_geojson_in(&classifier, crs, &text)
                    .with_context(|| points_name.clone())?,
            };
            write_output(output, |w| {
                serde_json::to_writer(&mut *w, &geojson).map_err(std::io::Error::other)?;
                w.write_all(b"\n")
            })?;
            summary
        }
        PointsFormat::Csv => {
            // Each worker thread makes its own CRS from the definition.
            let crs_definition = crs_definition.filter(|_| crs.is_some());
            classify_csv(&args, &classifier, crs_definition)?
        }
    };
    clock.lap("classify");
    clock.report();
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

/// Streams CSV points through the classifier into the output, with a progress bar for a large
/// file; coordinates in `crs_definition` are turned into WGS84 on reading.
fn classify_csv(
    args: &ClassifyArgs,
    classifier: &Classifier,
    crs_definition: Option<&str>,
) -> anyhow::Result<Summary> {
    let points_name = args.points.display().to_string();
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
    // The library's error, kept apart from the I/O error that stops the writer.
    let mut failure: Option<classify::ClassifyError> = None;
    let to_lon_lat = |c: Coord| match crs_definition {
        Some(definition) => crs::to_wgs84_on_this_thread(definition, c),
        None => Ok(c),
    };
    let written = write_output(args.output.as_deref(), |w| {
        let progress = |bytes| {
            if let Some(bar) = &bar {
                bar.set_position(bytes);
            }
        };
        let placed = match crs_definition {
            None => classify::classify_csv(classifier, input, w, &csv_options, progress),
            Some(_) => classify::classify_csv_with(
                classifier,
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
    Ok(summary)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_geojson_by_extension_or_first_byte() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let format = |path: &Path| points_format(path).unwrap();
        assert_eq!(format(Path::new("-")), PointsFormat::Csv);
        assert_eq!(format(&file("a.GeoJSON", "lon,lat")), PointsFormat::GeoJson);
        assert_eq!(format(&file("b.csv", "{")), PointsFormat::Csv);
        assert_eq!(
            format(&file("c.dat", "\n  {\"type\"")),
            PointsFormat::GeoJson
        );
        assert_eq!(format(&file("d", "lon,lat\n")), PointsFormat::Csv);
        assert!(points_format(&dir.path().join("missing.dat")).is_err());
    }
}
