//! The zones layer of zones (one side, bands, stretches, exceptions), one or many: per zone a
//! `corridor` feature (the whole zone) and a `corridor_side` feature per side that has one, each
//! with `zone` (its id), `side`, `inner_m` and `outer_m`, as DESIGN.md's agreement outputs set out.

use geojson::{Feature, FeatureCollection};
use serde_json::{Value, json};

use super::geojson::{polygon_feature, round_to, side_colour};
use crate::units::trim_number;
use crate::{Side, Zone};

/// A zone with the id and name it is written under.
///
/// # Examples
/// ```
/// use corridor::export::NamedZone;
/// use corridor::{Extent, Road, Zone, ZoneOptions};
/// use geo::line_string;
///
/// let line = Road::new(line_string![(x: 38.0, y: 36.8), (x: 38.3, y: 36.7)]).unwrap();
/// let zone = Zone::build(&line, &ZoneOptions::new(None, Extent::width_m(10_000.0).ok()));
/// let strip = NamedZone::new("patrol_strip", "Joint patrol strip", zone);
/// assert_eq!(strip.id, "patrol_strip");
/// ```
#[derive(Debug, Clone)]
pub struct NamedZone {
    /// Short id, as an agreement file's table name (`patrol_strip`).
    pub id: String,
    /// Name for people (legends, titles).
    pub name: String,
    /// The zone.
    pub zone: Zone,
}

impl NamedZone {
    /// A zone named `name`, with the id `id`.
    ///
    /// # Examples
    /// ```
    /// # use corridor::export::NamedZone;
    /// # use corridor::{Extent, Road, Zone, ZoneOptions};
    /// # use geo::line_string;
    /// # let line = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// # let zone = Zone::build(&line, &ZoneOptions::new(Extent::width_m(100.0).ok(), None));
    /// let z = NamedZone::new("a", "Zone A", zone);
    /// assert_eq!(z.name, "Zone A");
    /// ```
    pub fn new(id: impl Into<String>, name: impl Into<String>, zone: Zone) -> NamedZone {
        NamedZone {
            id: id.into(),
            name: name.into(),
            zone,
        }
    }
}

/// Fill colours of zones when there are several (one colour per zone, both its sides; the
/// legend and the `side` property tell the sides apart). Colour-blind safe (Okabe–Ito).
const ZONE_COLOURS: [&str; 7] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442",
];

/// The crate's own colour of this text (zone and side colours are the only fills a zones layer
/// writes), for styles that hold `&'static str` colours; grey for anything else.
pub(crate) fn static_colour(colour: &str) -> &'static str {
    ZONE_COLOURS
        .iter()
        .chain(&[side_colour("north"), side_colour("south"), "#333333"])
        .find(|c| c.eq_ignore_ascii_case(colour))
        .copied()
        .unwrap_or("#999999")
}

/// `10 km`, `10–30 km`: how a side's reach reads in titles, legends and summaries.
///
/// # Examples
/// ```
/// use corridor::export::reach_words;
/// assert_eq!(reach_words(0.0, 10_000.0), "10 km");
/// assert_eq!(reach_words(10_000.0, 30_000.0), "10–30 km");
/// ```
pub fn reach_words(inner_m: f64, outer_m: f64) -> String {
    let km = |m: f64| trim_number(m / 1_000.0, 3);
    if inner_m > 0.0 {
        format!("{}–{} km", km(inner_m), km(outer_m))
    } else {
        format!("{} km", km(outer_m))
    }
}

/// What a zone is, in one line: `south 10–30 km; 5 km from km 100 to km 150; none from km 300
/// to km 330`.
fn description(zone: &Zone) -> String {
    let names = zone.names();
    let options = zone.options();
    let km = |m: f64| trim_number(m / 1_000.0, 3);
    let sides = |left: Option<crate::Extent>, right: Option<crate::Extent>| {
        let mut words = Vec::new();
        for (side, extent) in [(Side::Left, left), (Side::Right, right)] {
            if let Some(e) = extent {
                words.push(format!(
                    "{} {}",
                    names.name(side),
                    reach_words(e.inner_m(), e.outer_m())
                ));
            }
        }
        if words.is_empty() {
            "none".to_string()
        } else {
            words.join(", ")
        }
    };
    let mut parts = vec![sides(options.left, options.right)];
    for s in &options.stretches {
        parts.push(format!(
            "{} from km {} to km {}",
            sides(s.left, s.right),
            km(s.from_m),
            km(s.to_m)
        ));
    }
    for (from_m, to_m) in &options.exceptions {
        parts.push(format!("none from km {} to km {}", km(*from_m), km(*to_m)));
    }
    parts.join("; ")
}

/// The features of one zone: the whole, then each side that has a part. `colour` is the fill
/// of both sides (`None`: each side in its half's colour, as a corridor's).
fn zone_features(named: &NamedZone, colour: Option<&str>) -> Vec<Feature> {
    let zone = &named.zone;
    let names = zone.names();
    let [left_key, right_key] = names.width_keys();
    let reach_of = |side: Side| zone.reach_m(side);
    let mut whole = json!({
        "kind": "corridor",
        "zone": named.id,
        "name": named.name,
        "description": description(zone),
        "length_km": round_to(zone.road().length_m() / 1000.0, 3),
        "area_km2": round_to(zone.area_km2(), 3),
        "cap": zone.options().cap.to_string(),
        "tolerance_m": zone.options().tolerance_m,
        "title": named.name,
        "stroke": colour.unwrap_or("#333333"),
        "stroke-width": 2,
        "fill": "#999999",
        "fill-opacity": 0.1,
    });
    whole[left_key] = json!(reach_of(Side::Left).map_or(0.0, |r| r.1));
    whole[right_key] = json!(reach_of(Side::Right).map_or(0.0, |r| r.1));
    let mut features = vec![polygon_feature(zone.whole(), whole)];
    for side in [Side::Left, Side::Right] {
        let Some((inner_m, outer_m)) = reach_of(side) else {
            continue;
        };
        if zone.side(side).0.is_empty() {
            continue;
        }
        let side_name = names.name(side);
        let fill = colour.unwrap_or(side_colour(side_name));
        let properties: Value = json!({
            "kind": "corridor_side",
            "zone": named.id,
            "name": named.name,
            "side": side_name,
            "inner_m": inner_m,
            "outer_m": outer_m,
            "width_m": outer_m - inner_m,
            "area_km2": round_to(zone.side_area_km2(side), 3),
            "title": format!("{}: {side_name}, {}", named.name, reach_words(inner_m, outer_m)),
            "stroke": fill,
            "stroke-width": 1,
            "fill": fill,
            "fill-opacity": 0.25,
        });
        features.push(polygon_feature(zone.side(side), properties));
    }
    features
}

/// The zones layer of several zones, in order: per zone its `corridor` feature (`zone`,
/// `name`, `description`, the outer widths as `width_north_m`/`width_south_m` or
/// `width_left_m`/`width_right_m`, 0 for a side with none, `length_km`, `area_km2`), then a
/// `corridor_side` feature per side it covers (`zone`, `side`, `inner_m`, `outer_m` — the
/// nearest and farthest its stretches reach — `width_m` = outer − inner, `area_km2`). One
/// zone keeps a corridor's colours (north blue, south orange); several get a colour each.
///
/// # Examples
/// ```
/// use corridor::export::{NamedZone, zones_layer};
/// use corridor::{Extent, Road, Zone, ZoneOptions};
/// use geo::line_string;
///
/// // A border running east: a 30 km zone and a 10 km strip on its south, a band 10–30 km.
/// let border = Road::new(line_string![(x: 38.0, y: 36.8), (x: 39.0, y: 36.7)]).unwrap();
/// let zone = |e| Zone::build(&border, &ZoneOptions::new(None, e));
/// let zones = zones_layer(&[
///     NamedZone::new("strip", "Patrol strip", zone(Extent::width_m(10_000.0).ok())),
///     NamedZone::new("band", "Band", zone(Extent::band_m(10_000.0, 30_000.0).ok())),
/// ]);
/// let kinds: Vec<_> = zones.features.iter()
///     .map(|f| (f.property("zone").unwrap().as_str().unwrap(), f.property("kind").unwrap().as_str().unwrap()))
///     .collect();
/// assert_eq!(kinds, [("strip", "corridor"), ("strip", "corridor_side"), ("band", "corridor"), ("band", "corridor_side")]);
/// assert_eq!(zones.features[3].property("inner_m").unwrap(), 10_000.0);
/// assert_eq!(zones.features[3].property("side").unwrap(), "south");
/// assert_eq!(zones.features[2].property("width_north_m").unwrap(), 0.0);
/// ```
pub fn zones_layer(zones: &[NamedZone]) -> FeatureCollection {
    let features = zones
        .iter()
        .enumerate()
        .flat_map(|(i, z)| {
            let colour = (zones.len() > 1).then(|| ZONE_COLOURS[i % ZONE_COLOURS.len()]);
            zone_features(z, colour)
        })
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Extent, Road, ZoneOptions};
    use geo::line_string;

    #[test]
    fn descriptions_say_sides_stretches_and_exceptions() {
        let line = Road::new(line_string![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0)]).unwrap();
        let options = ZoneOptions::new(None, Extent::band_m(10_000.0, 30_000.0).ok())
            .stretch_m(100_000.0, 150_000.0, None, Extent::width_m(5_000.0).ok())
            .unwrap()
            .except_m(300_000.0, 330_000.0)
            .unwrap();
        let zone = Zone::build(&line, &options);
        assert_eq!(
            description(&zone),
            "south 10–30 km; south 5 km from km 100 to km 150; none from km 300 to km 330"
        );
        let layer = zones_layer(&[NamedZone::new("z", "Z", zone)]);
        let side = &layer.features[1];
        // The side reaches from 5 km (the stretch) out to 30 km.
        assert_eq!(side.property("inner_m").unwrap(), 0.0);
        assert_eq!(side.property("outer_m").unwrap(), 30_000.0);
        assert_eq!(side.property("fill").unwrap(), "#ff7f0e");
    }
}
