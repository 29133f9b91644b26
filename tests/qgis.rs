//! The example's output opened in real QGIS, as an analyst would: through PyQGIS (Debian's
//! `python3-qgis` and `qgis-providers`), headless. Each GeoJSON layer loads valid, with one
//! geometry type, styled by its `.qml` (rule-based, every feature caught by a rule of its own);
//! QGIS's ellipsoidal measures agree with our `area_km2` and `length_km`; the project opens
//! every layer styled, by relative paths, in a projected CRS, and draws the halves in their
//! colours. Skipped, with a message, where PyQGIS is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The system Python, which Debian's PyQGIS belongs to (not a virtualenv's).
const PYTHON: &str = "/usr/bin/python3";

/// Reads the layers and project with PyQGIS and prints what it found as one JSON object.
const CHECK: &str = r#"
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsDistanceArea,
    QgsFeatureRequest, QgsMapRendererParallelJob, QgsMapSettings, QgsProject,
    QgsRenderContext, QgsVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

app = QgsApplication([], False)
app.initQgis()
out, project_file, picture = sys.argv[1], sys.argv[2], sys.argv[3]

measure = QgsDistanceArea()
measure.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"),
                     QgsProject.instance().transformContext())
measure.setEllipsoid("EPSG:7030")  # WGS 84

def plain(value):
    # QGIS gives a NULL QVariant for a field a feature lacks.
    return None if value is None or (hasattr(value, "isNull") and value.isNull()) else value

def else_hits(layer):
    # Features that only the ELSE rule of a rule-based renderer catches.
    renderer = layer.renderer().clone()
    context = QgsRenderContext()
    renderer.startRender(context, layer.fields())
    hits = 0
    for f in layer.getFeatures():
        rules = renderer.rootRule().rulesForFeature(f, context)
        if rules and all(r.isElse() for r in rules):
            hits += 1
    renderer.stopRender(context)
    return hits

report = {"layers": {}}
for name in sorted(os.listdir(out)):
    if not name.endswith(".geojson"):
        continue
    layer = QgsVectorLayer(os.path.join(out, name), name, "ogr")
    entry = {"valid": layer.isValid()}
    if layer.isValid():
        types = set()
        measures = []
        for f in layer.getFeatures():
            g = f.geometry()
            types.add(QgsWkbTypes.geometryDisplayString(g.type()))
            props = {k: plain(f[k]) for k in ("kind", "area_km2", "length_km") if layer.fields().indexOf(k) >= 0}
            if props.get("area_km2") is None and props.get("length_km") is None:
                continue
            measures.append({
                "kind": props.get("kind"),
                "area_km2": props.get("area_km2"),
                "length_km": props.get("length_km"),
                "qgis_area_km2": measure.measureArea(g) / 1e6 if g.type() == QgsWkbTypes.PolygonGeometry else None,
                "qgis_length_km": measure.measureLength(g) / 1e3 if g.type() == QgsWkbTypes.LineGeometry else None,
            })
        renderer = layer.renderer()
        entry.update({
            "features": layer.featureCount(),
            "geometry_types": sorted(types),
            "renderer": renderer.type(),
            "rules": len(renderer.rootRule().children()) if renderer.type() == "RuleRenderer" else 0,
            "else_hits": else_hits(layer) if renderer.type() == "RuleRenderer" else None,
            "labels": layer.labelsEnabled(),
            "measures": measures,
        })
    report["layers"][name] = entry

project = QgsProject.instance()
report["project_read"] = project.read(project_file)
report["project_crs"] = project.crs().authid()
report["project_crs_geographic"] = project.crs().isGeographic()
report["project_ellipsoid"] = project.ellipsoid()
report["project_abstract"] = project.metadata().abstract()
report["project_layers"] = [
    {"name": l.name(), "valid": l.isValid(), "source": l.source(), "renderer": l.renderer().type(),
     "labels": l.labelsEnabled()}
    for l in (n.layer() for n in project.layerTreeRoot().findLayers())]

# Draw the project as it opens, and count the pixels in the halves' colours.
settings = QgsMapSettings()
settings.setDestinationCrs(project.crs())
settings.setLayers([n.layer() for n in project.layerTreeRoot().findLayers()])
settings.setExtent(project.viewSettings().defaultViewExtent())
settings.setOutputSize(QSize(1400, 630))
settings.setBackgroundColor(QColor(255, 255, 255))
settings.setFlag(QgsMapSettings.Antialiasing, True)
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
image.save(picture)
def near(c, rgb):
    return abs(c.red() - rgb[0]) < 8 and abs(c.green() - rgb[1]) < 8 and abs(c.blue() - rgb[2]) < 8
def over(top, alpha, below):
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top, below))
# The map page's #1f77b4 and #ff7f0e at 25 % over white, under the corridor's #999999 at 10 %.
white, grey = (255, 255, 255), (153, 153, 153)
north_rgb = over(grey, 26 / 255, over((31, 119, 180), 64 / 255, white))
south_rgb = over(grey, 26 / 255, over((255, 127, 14), 64 / 255, white))
north, south = (0, 0)
for y in range(0, image.height(), 3):
    for x in range(0, image.width(), 3):
        c = QColor(image.pixel(x, y))
        north += near(c, north_rgb)
        south += near(c, south_rgb)
report["pixels"] = {"north": north, "south": south, "total": (image.width() // 3 + 1) * (image.height() // 3 + 1)}
print(json.dumps(report))
sys.stdout.flush()
# QGIS 3.22's teardown can crash once a project was read; the report is out, so leave at once.
os._exit(0)
"#;

/// The example's binary, brought up to date first: `cargo test --test qgis` alone does not
/// build examples, and an older build would not write what this test reads.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/debug/deps/qgis-… → target/debug/examples/m4_corridor
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    build.args(["build", "--quiet", "--example", "m4_corridor"]);
    if profile_dir.ends_with("release") {
        build.arg("--release");
    }
    let status = build
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "cargo build --example m4_corridor");
    profile_dir.join("examples").join("m4_corridor")
}

fn pyqgis_missing() -> Option<String> {
    let probe = Command::new(PYTHON)
        .args(["-c", "import qgis.core; print(qgis.core.Qgis.QGIS_VERSION)"])
        .env("QT_QPA_PLATFORM", "offscreen")
        .output();
    match probe {
        Ok(o) if o.status.success() => {
            eprintln!("QGIS {}", String::from_utf8_lossy(&o.stdout).trim());
            None
        }
        Ok(o) => Some(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        Err(e) => Some(format!("{PYTHON}: {e}")),
    }
}

fn f64_of(v: &Value) -> Option<f64> {
    v.as_f64()
}

#[test]
fn qgis_opens_the_example_layers_and_project_styled() {
    if skip_without_pyqgis() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run_ok(Command::new(example_binary()).current_dir(dir.path()));
    let out = dir.path().join("out");
    let project = out.join("m4.qgs");
    let project_text = std::fs::read_to_string(&project).unwrap();
    // Relative paths only, so that the folder can move.
    assert!(project_text.contains("<datasource>./m4_zones.geojson</datasource>"));
    assert!(!project_text.contains(&*dir.path().to_string_lossy()));
    let picture = std::env::var_os("CORRIDOR_QGIS_PICTURE")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("m4_qgis.png"));
    assert_opens_styled(dir.path(), &out, &project, "m4_", &picture, 2, true);
}

#[test]
fn qgis_opens_what_corridor_build_writes_styled() {
    if skip_without_pyqgis() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    run_ok(
        Command::new(env!("CARGO_BIN_EXE_corridor"))
            .arg("build")
            .arg("--road")
            .arg(data.join("m4.geojson"))
            .arg("--places")
            .arg(data.join("places.geojson"))
            .args(["--from", "Trumba", "--to", "Ain al-Hawr", "--width", "6km"])
            .args(["--start", "2020-03-15T09:00:00+03:00", "--out", "out"])
            .current_dir(dir.path()),
    );
    let out = dir.path().join("out");
    let project = out.join("corridor.qgs");
    assert!(
        std::fs::read_to_string(&project)
            .unwrap()
            .contains("<datasource>./zones.geojson</datasource>")
    );
    let picture = dir.path().join("corridor_qgis.png");
    assert_opens_styled(dir.path(), &out, &project, "", &picture, 1, false);
}

/// Says why the QGIS tests skip, where PyQGIS is missing.
fn skip_without_pyqgis() -> bool {
    let Some(why) = pyqgis_missing() else {
        return false;
    };
    eprintln!(
        "skipped: PyQGIS is missing (Debian: apt-get install python3-qgis qgis-providers): {why}"
    );
    true
}

/// Runs a command to success, or fails with what it printed on stderr.
fn run_ok(command: &mut Command) {
    let run = command.output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// What `CHECK` reports of the layers in `out` and the project, run in headless QGIS.
fn qgis_report(dir: &Path, out: &Path, project: &Path, picture: &Path) -> Value {
    let script = dir.join("check.py");
    std::fs::write(&script, CHECK).unwrap();
    let o = Command::new(PYTHON)
        .arg(&script)
        .arg(out)
        .arg(project)
        .arg(picture)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Opens the layers in `out` and the project in QGIS, and checks what the module doc says.
/// `legs` is the number of patrol legs; the example credits the data's sources, `corridor build`
/// does not.
fn assert_opens_styled(
    dir: &Path,
    out: &Path,
    project: &Path,
    prefix: &str,
    picture: &Path,
    legs: usize,
    credited: bool,
) {
    let report = qgis_report(dir, out, project, picture);

    // Every layer: valid, one geometry type, styled with a rule for each of its features.
    let layers = report["layers"].as_object().unwrap();
    let mut expected = vec![
        ("checkpoints", "Point"),
        ("control_lines", "Line"),
        ("named_places", "Point"),
        ("patrol", "Line"),
        ("zones", "Polygon"),
    ];
    if credited {
        // The example also writes the villages in the corridor, styled as places.
        expected.insert(4, ("places", "Point"));
    }
    let expected: Vec<(String, &str)> = expected
        .into_iter()
        .map(|(stem, geometry)| (format!("{prefix}{stem}.geojson"), geometry))
        .collect();
    assert_eq!(
        layers.keys().collect::<Vec<_>>(),
        expected.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for (name, geometry) in &expected {
        let l = &layers[name.as_str()];
        assert_eq!(l["valid"], true, "{name}");
        assert!(l["features"].as_u64().unwrap() > 0, "{name}");
        assert_eq!(l["geometry_types"], serde_json::json!([geometry]), "{name}");
        assert_eq!(l["renderer"], "RuleRenderer", "{name}: not styled");
        assert!(l["rules"].as_u64().unwrap() >= 2, "{name}");
        assert_eq!(
            l["else_hits"], 0,
            "{name}: features without a rule of their own"
        );
        assert_eq!(l["labels"], !name.ends_with("zones.geojson"), "{name}");
    }

    // QGIS's ellipsoidal measures against ours (3 decimals written, so 0.0005 absolute).
    let mut areas = 0;
    let mut lengths = 0;
    let mut worst_relative = 0.0f64;
    for (name, l) in layers {
        for m in l["measures"].as_array().unwrap() {
            if let (Some(ours), Some(qgis)) = (f64_of(&m["area_km2"]), f64_of(&m["qgis_area_km2"]))
            {
                assert!(
                    (ours - qgis).abs() <= 5e-4 + 1e-6 * qgis,
                    "{name} {}: area {ours} km², QGIS {qgis} km²",
                    m["kind"]
                );
                areas += 1;
                worst_relative = worst_relative.max((ours - qgis).abs() / qgis);
            }
            if let (Some(ours), Some(qgis)) =
                (f64_of(&m["length_km"]), f64_of(&m["qgis_length_km"]))
            {
                assert!(
                    (ours - qgis).abs() <= 5e-4 + 1e-6 * qgis,
                    "{name} {}: length {ours} km, QGIS {qgis} km",
                    m["kind"]
                );
                lengths += 1;
                worst_relative = worst_relative.max((ours - qgis).abs() / qgis);
            }
        }
    }
    eprintln!("QGIS's ellipsoidal areas and lengths: at most {worst_relative:.2e} apart from ours");
    assert_eq!(areas, 3, "the corridor and its halves");
    assert_eq!(lengths, 1 + legs, "the centre line and each patrol leg");

    // The project: read, every layer valid and styled, in a projected CRS on WGS 84.
    assert_eq!(report["project_read"], true);
    assert_eq!(report["project_crs"], "EPSG:32637");
    assert_eq!(report["project_crs_geographic"], false);
    assert_eq!(report["project_ellipsoid"], "EPSG:7030");
    let credits = report["project_abstract"].as_str().unwrap();
    assert_eq!(credits.contains("GeoNames"), credited, "{credits}");
    let names: Vec<&str> = report["project_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert_eq!(l["valid"], true, "{l}");
            assert_eq!(l["renderer"], "RuleRenderer", "{l}");
            l["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        names,
        [
            "Places",
            "Checkpoints",
            "Patrol routes",
            "Control lines",
            "Zones"
        ]
    );

    // Drawn: both halves show in their colours over a good part of the picture.
    let pixels = &report["pixels"];
    let total = pixels["total"].as_f64().unwrap();
    for half in ["north", "south"] {
        let share = pixels[half].as_f64().unwrap() / total;
        assert!(share > 0.05, "{half} half covers {share:.3} of the picture");
    }
}

/// An agreement's files in QGIS: every zone and side has its own rule (none on the catch-all),
/// in the colours the map page uses, and the project opens.
#[test]
fn qgis_opens_an_agreement_with_a_rule_per_zone_and_side() {
    if skip_without_pyqgis() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    run_ok(
        Command::new(env!("CARGO_BIN_EXE_corridor"))
            .arg("build")
            .arg(data.join("agreements/sochi_2019_ne_syria.toml"))
            .args(["--out", "out"])
            .current_dir(dir.path()),
    );
    let out = dir.path().join("out");
    let project = out.join("sochi_2019_ne_syria.qgs");
    let report = qgis_report(dir.path(), &out, &project, &dir.path().join("ne.png"));
    let layers = report["layers"].as_object().unwrap();
    for (name, l) in layers {
        assert_eq!(l["valid"], true, "{name}");
        assert_eq!(l["renderer"], "RuleRenderer", "{name}: not styled");
        assert_eq!(
            l["else_hits"], 0,
            "{name}: features without a rule of their own"
        );
    }
    // Four zones, each its outline and its south side, and the catch-all.
    assert_eq!(layers["zones.geojson"]["rules"], 9);
    assert!(layers.contains_key("places.geojson"));
    assert_eq!(report["project_read"], true);
}
