//! The map page, opened as a user would: `corridor build` writes it, and headless Chromium
//! (where `/usr/bin/chromium` exists; the tests say so and pass where it does not) loads it
//! with the network off and must draw every layer without a script error.

#[path = "common/run.rs"]
mod run;

use std::path::Path;
use std::process::Command;

use run::{assert_ok, assert_one_line_error, build_m4, data, data_arg, feature_count, run_in};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The DOM after the page's scripts ran, or `None` (with a note) where Chromium is missing.
fn render(page: &Path) -> Option<String> {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipped: {CHROMIUM} is missing (apt-get install chromium)");
        return None;
    }
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8(o.stdout).unwrap())
}

/// The value of an attribute of the `<body>` tag in a dumped DOM.
fn body_attribute(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<body")?;
    let end = start + dom[start..].find('>')?;
    let tag = &dom[start..end];
    let key = format!("{name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(tag[at..at + len].to_string())
}

#[test]
fn the_page_is_self_contained() {
    let dir = build_m4();
    let page = std::fs::read_to_string(dir.path().join("out/map.html")).unwrap();
    // Leaflet is inlined, with its licence; nothing is fetched but the optional basemap tiles.
    assert!(page.contains("Leaflet 1.9.4"));
    assert!(page.contains("Copyright (c) 2010-2023, Volodymyr Agafonkin"));
    assert!(!page.contains("<script src"));
    assert!(!page.contains("<link"));
    assert!(!page.contains("unpkg.com") && !page.contains("cdnjs") && !page.contains("jsdelivr"));
    assert!(page.contains("https://tile.openstreetmap.org/{z}/{x}/{y}.png"));
    // Every layer is embedded: names from each file are in the page.
    for needle in [
        "corridor_side",
        "patrol_route",
        "\"gate\"",
        "Jisr al-Shughur",
        "Latakia",
    ] {
        assert!(page.contains(needle), "{needle} is missing from the page");
    }
}

#[test]
fn chromium_draws_every_layer_without_a_script_error() {
    let dir = build_m4();
    let out = dir.path().join("out");
    let Some(dom) = render(&out.join("map.html")) else {
        return;
    };
    assert_eq!(
        body_attribute(&dom, "data-script-error"),
        None,
        "{dom:.2000}"
    );
    assert_eq!(
        body_attribute(&dom, "data-layers-drawn").as_deref(),
        Some("5")
    );
    let features = features_written(&out);
    assert_eq!(
        body_attribute(&dom, "data-features-drawn"),
        Some(features.to_string())
    );
    // Leaflet drew them: one SVG path per feature, the places labelled, a legend, a scale bar.
    let paths = dom.matches("leaflet-interactive").count();
    assert!(paths >= features, "{paths} paths for {features} features");
    assert!(dom.contains("class=\"legend"));
    assert!(dom.contains("North half (6 km)") && dom.contains("Kilometre post"));
    assert!(dom.contains("leaflet-control-scale-line"));
    assert!(dom.contains("place-label") && dom.contains("Ariha"));
}

#[test]
fn hostile_properties_stay_text() {
    use corridor::export::{MapLayers, point_feature, write_map_html};

    let fc = geojson::FeatureCollection {
        bbox: None,
        features: vec![point_feature(
            geo::coord! { x: 36.8, y: 35.86 }, // longitude, latitude
            serde_json::json!({
                "kind": "place",
                "name": "</script><img src=x onerror=alert(1)>",
                "marker-color": "\"/><script>alert(2)</script>",
            }),
        )],
        foreign_members: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.html");
    write_map_html(&path, &MapLayers::new("<b>title</b>").layer("x", &fc)).unwrap();
    let Some(dom) = render(&path) else {
        return;
    };
    assert_eq!(body_attribute(&dom, "data-script-error"), None);
    assert_eq!(
        body_attribute(&dom, "data-features-drawn").as_deref(),
        Some("1")
    );
    assert!(!dom.contains("<img src=\"x\""));
    assert!(dom.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn render_draws_what_build_wrote() {
    let dir = build_m4();
    let out = dir.path().join("out");
    let svg = dir.path().join("map.svg");
    let places = data_arg("places.geojson");
    let o = run_in(dir.path(), &["render", "out", &places, "--out", "map.svg"]);
    assert_ok(&o);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.ends_with("</svg>\n"));
    // The corridor's name is the title; the legend, scale bar and place labels are there.
    assert!(
        text.contains("corridor Trumba – Ain al-Hawr (m4)"),
        "{text:.400}"
    );
    for needle in [
        "North half (6 km)",
        "Kilometre post",
        " km</text>",
        ">Ariha</text>",
    ] {
        assert!(text.contains(needle), "{needle} is missing");
    }
    // Every zone, line and point was drawn: a path or circle per feature at least.
    let features = features_written(&out);
    let shapes = text.matches("<path d=\"M").count() + text.matches("<circle").count();
    // Legend symbols are <line>, <rect> or <circle>: at most one circle per entry more.
    assert!(
        shapes >= features,
        "{shapes} shapes for {features} features"
    );
}

#[test]
fn render_names_a_bad_output_and_writes_nothing() {
    let dir = build_m4();
    for name in ["map.jpg", "map"] {
        let o = run_in(dir.path(), &["render", "out/zones.geojson", "--out", name]);
        let err = assert_one_line_error(&o, 1);
        assert!(err.contains(name), "{err}");
        assert!(!dir.path().join(name).exists());
    }
    let bad = dir.path().join("bad.geojson");
    std::fs::write(
        &bad,
        r#"{"type": "Feature", "geometry": {"type": "Point"}}"#,
    )
    .unwrap();
    let o = run_in(dir.path(), &["render", "--out", "x.svg", "bad.geojson"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad.geojson: not GeoJSON"), "{stderr}");
    assert!(!dir.path().join("x.svg").exists());
}

/// Regression (issue 12): `render --width` meant pixels where every other `--width` means
/// metres; the picture's width is `--width-px`, and `--width` is refused.
#[test]
fn the_picture_width_is_in_pixels() {
    let dir = build_m4();
    let o = run_in(
        dir.path(),
        &["render", "out", "--width-px", "800", "--out", "map.svg"],
    );
    assert_ok(&o);
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    let head = &svg[..svg.find('>').unwrap()];
    assert!(head.contains(r#" width="800""#), "{head}");
    let o = run_in(
        dir.path(),
        &["render", "out", "--width", "800", "--out", "wide.svg"],
    );
    let err = assert_one_line_error(&o, 2);
    assert!(err.contains("--width"), "{err}");
    assert!(!dir.path().join("wide.svg").exists());
}

#[cfg(not(feature = "png"))]
#[test]
fn png_without_the_feature_says_how_to_get_it() {
    let dir = build_m4();
    let png = dir.path().join("map.png");
    let o = run_in(dir.path(), &["render", "out", "--out", "map.png"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`png` feature"), "{stderr}");
    assert!(!png.exists());
}

#[cfg(feature = "png")]
#[test]
fn png_is_a_picture_of_the_svg_size() {
    let dir = build_m4();
    let png = dir.path().join("map.png");
    let o = run_in(
        dir.path(),
        &["render", "out", "--width-px", "800", "--out", "map.png"],
    );
    assert_ok(&o);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width then height, big-endian, from byte 16.
    assert_eq!(
        u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]),
        800
    );
}

/// Features `corridor build` wrote into `out`, and the named places it was given.
fn features_written(out: &Path) -> usize {
    [
        "zones.geojson",
        "control_lines.geojson",
        "patrol.geojson",
        "checkpoints.geojson",
    ]
    .iter()
    .map(|f| feature_count(&out.join(f)))
    .sum::<usize>()
        + feature_count(&data("places.geojson"))
}

/// An agreement's page: every zone and side in the legend, the sites drawn, no script error.
#[test]
fn chromium_draws_an_agreement_with_a_legend_per_zone() {
    let dir = tempfile::tempdir().unwrap();
    let agreement = data_arg("agreements/sochi_2019_ne_syria.toml");
    assert_ok(&run_in(dir.path(), &["build", &agreement, "--out", "ne"]));
    let Some(dom) = render(&dir.path().join("ne/map.html")) else {
        return;
    };
    assert_eq!(
        body_attribute(&dom, "data-script-error"),
        None,
        "{dom:.2000}"
    );
    // Zones, control lines, routes, checkpoints, named places, and the sites.
    assert_eq!(
        body_attribute(&dom, "data-layers-drawn").as_deref(),
        Some("6")
    );
    for label in [
        "YPG withdrawal to 30 km (item 5): south, 30 km",
        "Operation Peace Spring area, 32 km (item 3): south, 32 km",
        "Joint patrols west, 10 km (item 5): south, 10 km",
        "Joint patrols east, 10 km, except Qamishli (item 5): south, 10 km",
        "Border",
        "Joint patrol start point",
        "Russian military police base",
    ] {
        assert!(dom.contains(label), "the legend lacks {label}");
    }
}
