//! The KML of `corridor build`, read back by two independent readers: quick-xml (is it
//! well-formed XML, does every layer hold what the GeoJSON layers hold) and GDAL's `ogrinfo`
//! (where it is installed; the test says so and passes where it is not).

#[path = "common/run.rs"]
mod run;

use quick_xml::Reader;
use quick_xml::events::Event;
use run::{build_m4, data, feature_count, ogr_feature_count, ogrinfo};

/// Per `Folder`, its name and the number of `Placemark`s in it, checking on the way that the
/// document is well-formed (quick-xml checks that every end tag matches its start).
fn folders(kml: &str) -> Vec<(String, usize)> {
    let mut reader = Reader::from_str(kml);
    let mut path: Vec<String> = Vec::new();
    let mut folders: Vec<(String, usize)> = Vec::new();
    let mut root = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().as_ref().to_string();
                if root.is_none() {
                    root = Some(name.clone());
                }
                match name.as_str() {
                    "Folder" => folders.push((String::new(), 0)),
                    "Placemark" => folders.last_mut().expect("a Placemark outside a Folder").1 += 1,
                    _ => {}
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let parent = path.iter().rev().nth(1).map(String::as_str);
                if path.last().map(String::as_str) == Some("name") && parent == Some("Folder") {
                    folders.last_mut().unwrap().0 = t.xml10_content().into_owned();
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at byte {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(root.as_deref(), Some("kml"));
    assert!(path.is_empty(), "unclosed elements: {path:?}");
    folders
}

#[test]
fn build_writes_kml_that_xml_and_gdal_readers_accept() {
    let dir = build_m4();
    let out = dir.path().join("out");
    let path = out.join("corridor.kml");
    let kml = std::fs::read_to_string(&path).unwrap();
    assert!(kml.contains(r#"<kml xmlns="http://www.opengis.net/kml/2.2">"#));

    let expected = [
        ("Zones", feature_count(&out.join("zones.geojson"))),
        (
            "Control lines",
            feature_count(&out.join("control_lines.geojson")),
        ),
        ("Patrol routes", feature_count(&out.join("patrol.geojson"))),
        (
            "Checkpoints",
            feature_count(&out.join("checkpoints.geojson")),
        ),
        ("Places", feature_count(&data("places.geojson"))),
    ];
    let found = folders(&kml);
    let expected_owned: Vec<(String, usize)> =
        expected.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(found, expected_owned);
    assert_eq!(expected[0].1, 3);
    // Checkpoints carry their ETA as a TimeStamp, the halves their colours.
    assert!(kml.contains("<TimeSpan><begin>2020-03-15T09:00:00+03:00</begin>"));
    assert!(kml.contains("<PolyStyle><color>40b4771f</color></PolyStyle>"));

    let Some(stdout) = ogrinfo(&path) else {
        return;
    };
    for (layer, count) in expected {
        assert_eq!(
            ogr_feature_count(&stdout, layer),
            count,
            "{layer}\n{stdout}"
        );
    }
    // The properties come through as typed fields (the folders' <Schema>): numbers as numbers,
    // and the times only as GDAL's own begin/end fields, never as text fields beside them.
    for field in [
        "area_km2: Real",
        "chainage_km: Real",
        "leg: Integer",
        "begin: DateTime",
    ] {
        assert!(stdout.contains(field), "{field}\n{stdout}");
    }
    for text_time in ["eta: String", "start: String", "departure: String"] {
        assert!(!stdout.contains(text_time), "{text_time}\n{stdout}");
    }
    assert!(!stdout.contains("area_km2: String"), "{stdout}");
    // Points draw offline: their icon is a file beside the KML, not a web address.
    assert!(!kml.contains("http://maps.google.com"));
    assert!(kml.contains("<href>kml_point.png</href>"));
    assert!(out.join("kml_point.png").is_file());
}
