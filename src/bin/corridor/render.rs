//! `corridor render`: GeoJSON layers drawn as a picture (SVG, or PNG with the `png` feature).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use corridor::export;
use serde_json::Value;

use crate::crs::projected_crs_name;
use crate::input::{file_stem, read_text};

pub const EXAMPLES: &str = "\
Examples:
  # A picture of what `corridor build` wrote into out/, with the named places
  corridor render out/ data/places.geojson --out map.svg
  corridor render out/zones.geojson out/patrol.geojson --out map.png --width-px 2400

  # The README's picture, from the M4 example's outputs (needs --features png)
  corridor render out/ data/places.geojson --out docs/m4_map.png --width-px 1400";

/// The layers `build` writes, in drawing order (the example's `m4_zones.geojson` and so on
/// end the same way).
const BUILD_LAYERS: [&str; 4] = [
    "zones.geojson",
    "control_lines.geojson",
    "patrol.geojson",
    "checkpoints.geojson",
];

#[derive(Debug, Args)]
pub struct RenderArgs {
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
    width_px: u32,
    /// Title [default: the corridor's name, else the first file's name].
    #[arg(long)]
    title: Option<String>,
}

pub fn run(args: RenderArgs) -> anyhow::Result<()> {
    let files = layer_files(&args.layers)?;
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
    export::write_map_picture(&args.out, &map, args.width_px)?;
    writeln!(std::io::stdout(), "wrote     {}", args.out.display())?;
    Ok(())
}

/// The files to draw: each file as given, each directory's `build` layers.
fn layer_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut names: Vec<String> = std::fs::read_dir(path)
            .with_context(|| format!("{}: cannot read it", path.display()))?
            .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        let before = files.len();
        for suffix in BUILD_LAYERS {
            let found = names.iter().filter(|n| n.ends_with(suffix));
            files.extend(found.map(|n| path.join(n)).filter(|p| p.is_file()));
        }
        if files.len() == before {
            bail!(
                "{}: no zones.geojson, control_lines.geojson or patrol.geojson in it",
                path.display()
            );
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_stands_for_its_build_layers_in_drawing_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "patrol.geojson",
            "m4_zones.geojson",
            "notes.txt",
            "zones.geojson",
        ] {
            std::fs::write(dir.path().join(name), "{}").unwrap();
        }
        let found = layer_files(&[dir.path().to_path_buf(), "extra.geojson".into()]).unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "m4_zones.geojson",
                "zones.geojson",
                "patrol.geojson",
                "extra.geojson"
            ]
        );
        let empty = tempfile::tempdir().unwrap();
        assert!(layer_files(&[empty.path().to_path_buf()]).is_err());
    }
}
