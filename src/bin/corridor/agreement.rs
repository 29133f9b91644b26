//! `corridor build AGREEMENT.toml --out DIR`: every zone, patrol, place and site of an
//! agreement file, written as `build` writes one corridor, plus `places.csv` and
//! `places.geojson` (one row per place and zone).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use corridor::agreement::{Agreement, BuiltAgreement, PlaceRow, places_csv, places_geojson};
use corridor::export::{self, QgisLayer};
use corridor::{Side, Zone};

use crate::args::TimingsArgs;
use crate::input::file_stem;

pub fn run(path: &Path, out: &Path, timings: &TimingsArgs) -> anyhow::Result<()> {
    let mut clock = timings.start();
    let agreement = Agreement::read(path)?;
    clock.lap("read");
    let built = clock.part("corridor", || agreement.build())?;
    // Made before the directory, so that a patrol it cannot describe leaves nothing behind.
    let layers = built.layers().context("patrol.gpx")?;
    let rows = built.place_rows();
    let places = places_geojson(&rows);
    clock.lap("build");

    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create the directory", out.display()))?;
    let mut files = export::FileSet::new();
    layers.stage(&mut files, out, "", &file_stem(path))?;
    if !rows.is_empty() {
        files.stage(&out.join("places.geojson"), |w| {
            export::geojson_to_writer(w, &places)
        })?;
        files.stage(&out.join("places.qml"), |w| {
            w.write_all(export::layer_qml(QgisLayer::Places, &places).as_bytes())
        })?;
        files.stage(&out.join("places.csv"), |w| places_csv(w, &rows))?;
    }
    let written = files.commit()?;
    clock.lap("write");
    clock.report();
    print_summary(&built, &rows, &written)?;
    Ok(())
}

/// `south 10–30 km` for each side a zone has.
fn reach(zone: &Zone) -> String {
    let names = zone.names();
    let mut words = Vec::new();
    for side in [Side::Left, Side::Right] {
        let Some((inner, outer)) = zone.reach_m(side) else {
            continue;
        };
        words.push(format!(
            "{} {} ({:.2} km²)",
            names.name(side),
            export::reach_words(inner, outer),
            zone.side_area_km2(side)
        ));
    }
    words.join(", ")
}

fn print_summary(
    built: &BuiltAgreement,
    rows: &[PlaceRow],
    written: &[PathBuf],
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match &built.date {
        Some(date) => writeln!(out, "agreement {} ({date})", built.name)?,
        None => writeln!(out, "agreement {}", built.name)?,
    }
    for z in built.zones() {
        let zone = &z.named.zone;
        let inside = rows
            .iter()
            .filter(|r| r.zone == z.named.id && r.inside)
            .count();
        let listed = rows.iter().filter(|r| r.zone == z.named.id).count();
        writeln!(
            out,
            "zone      {}: {} km {:.2} to {:.2}, {:.2} km²: {}{}",
            z.named.id,
            z.line,
            z.from_m / 1_000.0,
            z.to_m / 1_000.0,
            zone.area_km2(),
            reach(zone),
            if listed > 0 {
                format!("; {inside} of {listed} places inside")
            } else {
                String::new()
            }
        )?;
    }
    for (id, legs) in built.patrols() {
        for leg in legs {
            writeln!(
                out,
                "patrol    {id}: {} → {}: {:.2} km, {} checkpoints, {} to {}",
                leg.from(),
                leg.to(),
                leg.length_m() / 1_000.0,
                leg.checkpoints().len(),
                leg.start().to_rfc3339(),
                leg.end().to_rfc3339()
            )?;
        }
    }
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    writeln!(out, "wrote     {}", files.join(", "))?;
    out.flush()?;
    Ok(())
}
