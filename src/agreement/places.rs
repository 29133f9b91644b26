//! Which places an agreement puts where: one row per place (and site) and zone, written as
//! `places.csv` and `places.geojson`, and the sites as a map layer.

use std::io::Write;

use geojson::{Feature, FeatureCollection};
use serde_json::{Value, json};

use super::BuiltAgreement;
use crate::classify::Classifier;
use crate::export::point_feature;

/// One place against one zone.
///
/// # Units
/// `distance_m` metres to the zone's section of its line; `chainage_km` kilometres along the
/// line (not the section) from its first vertex, as `km:N` in the agreement file.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRow {
    /// The place's name.
    pub name: String,
    /// `place`, or `site` for a site of the agreement.
    pub kind: &'static str,
    /// A site's role (`observation post`); empty for a place.
    pub role: String,
    /// The zone's id.
    pub zone: String,
    /// Inside the zone.
    pub inside: bool,
    /// `north`/`south` or `left`/`right` of the zone's section.
    pub side: &'static str,
    /// Geodesic distance to the zone's section, metres.
    pub distance_m: f64,
    /// Chainage of the nearest point along the zone's line, km.
    pub chainage_km: f64,
    /// The place, `(lon, lat)`.
    pub position: geo::Coord,
}

/// The rows of every place, then every site, against every zone (zone by zone).
pub(super) fn rows(built: &BuiltAgreement) -> Vec<PlaceRow> {
    let mut rows = Vec::new();
    let roles: Vec<String> = built
        .sites_layer
        .iter()
        .flat_map(|fc| fc.features.iter())
        .map(|f| text(f, "role"))
        .collect();
    for zone in &built.zones {
        let classifier = Classifier::for_zone(&zone.named.zone);
        let entries = built
            .places
            .iter()
            .map(|p| (p, "place", String::new()))
            .chain(
                built
                    .sites
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (p, "site", roles.get(k).cloned().unwrap_or_default())),
            );
        for (place, kind, role) in entries {
            // Positions were checked when the places were read.
            let Ok(at) = classifier.classify(place.position) else {
                continue;
            };
            rows.push(PlaceRow {
                name: place.name.clone(),
                kind,
                role,
                zone: zone.named.id.clone(),
                inside: at.inside,
                side: at.side_name,
                distance_m: at.distance_m,
                chainage_km: zone.line_chainage_m(at.chainage_km * 1_000.0) / 1_000.0,
                position: place.position,
            });
        }
    }
    rows
}

fn text(f: &Feature, key: &str) -> String {
    f.property(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// Writes the rows as CSV: `name,zone,inside,side,distance_m,chainage_km,kind,role,lon,lat`
/// (distances to the decimetre, chainages to the metre).
///
/// # Errors
/// What writing to `w` returns.
///
/// # Examples
/// ```
/// use corridor::agreement::{PlaceRow, places_csv};
/// let row = PlaceRow {
///     name: "Qamishli".into(), kind: "place", role: String::new(), zone: "strip".into(),
///     inside: false, side: "south", distance_m: 1234.56, chainage_km: 321.0,
///     position: geo::coord! { x: 41.22, y: 37.05 },
/// };
/// let mut out = Vec::new();
/// places_csv(&mut out, &[row]).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap().lines().nth(1).unwrap(),
///     "Qamishli,strip,false,south,1234.6,321.000,place,,41.2200000,37.0500000");
/// ```
pub fn places_csv(w: &mut dyn Write, rows: &[PlaceRow]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "name",
        "zone",
        "inside",
        "side",
        "distance_m",
        "chainage_km",
        "kind",
        "role",
        "lon",
        "lat",
    ])?;
    for r in rows {
        out.write_record([
            r.name.as_str(),
            &r.zone,
            if r.inside { "true" } else { "false" },
            r.side,
            &format!("{:.1}", r.distance_m),
            &format!("{:.3}", r.chainage_km),
            r.kind,
            &r.role,
            &format!("{:.7}", r.position.x),
            &format!("{:.7}", r.position.y),
        ])?;
    }
    out.flush()
}

/// The rows as GeoJSON Points (`kind` = `place` or `site`), with the CSV's columns as
/// properties; inside a zone dark blue, outside grey.
///
/// # Examples
/// ```
/// use corridor::agreement::{PlaceRow, places_geojson};
/// let row = PlaceRow {
///     name: "Amuda".into(), kind: "place", role: String::new(), zone: "strip".into(),
///     inside: true, side: "south", distance_m: 2500.0, chainage_km: 280.0,
///     position: geo::coord! { x: 40.93, y: 37.10 },
/// };
/// let fc = places_geojson(&[row]);
/// assert_eq!(fc.features[0].property("zone").unwrap(), "strip");
/// assert_eq!(fc.features[0].property("inside").unwrap(), true);
/// ```
pub fn places_geojson(rows: &[PlaceRow]) -> FeatureCollection {
    let features = rows
        .iter()
        .map(|r| {
            let where_ = if r.inside { "inside" } else { "outside" };
            point_feature(
                r.position,
                json!({
                    "kind": r.kind,
                    "name": r.name,
                    "zone": r.zone,
                    "inside": r.inside,
                    "side": r.side,
                    "distance_m": (r.distance_m * 10.0).round() / 10.0,
                    "chainage_km": (r.chainage_km * 1_000.0).round() / 1_000.0,
                    "role": r.role,
                    "title": format!("{}: {where_} {} ({} side)", r.name, r.zone, r.side),
                    "marker-color": if r.inside { "#08306b" } else { "#969696" },
                }),
            )
        })
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// Colour of a site's marker by its role.
fn role_colour(role: &str) -> &'static str {
    let role = role.to_ascii_lowercase();
    if role.contains("patrol") {
        "#2ca02c"
    } else if role.contains("observation") {
        "#d62728"
    } else if role.contains("coordination") || role.contains("centre") || role.contains("center") {
        "#9467bd"
    } else if role.contains("crossing") {
        "#8c564b"
    } else {
        "#e377c2"
    }
}

/// The sites as a map layer: `kind` = `site`, titled with their role, coloured by it.
pub(super) fn sites_layer(mut fc: FeatureCollection) -> FeatureCollection {
    for f in &mut fc.features {
        let role = text(f, "role");
        let name = text(f, "name");
        // The role's short form, before any colon: "joint patrol start point".
        let short = role.split(':').next().unwrap_or("").trim();
        let title = if short.is_empty() {
            name
        } else {
            format!("{name} ({short})")
        };
        let colour = role_colour(&role);
        let properties = f.properties.get_or_insert_with(Default::default);
        properties.insert("kind".into(), json!("site"));
        properties.insert("title".into(), json!(title));
        properties.insert("marker-color".into(), json!(colour));
    }
    fc
}
