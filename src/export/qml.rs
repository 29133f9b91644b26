//! QGIS layer styles (`.qml`): written beside each GeoJSON layer with the same basename, so that
//! QGIS applies it by itself when it loads the layer, and embedded in the QGIS project
//! ([`qgis_project`](super::qgis_project)).
//!
//! QGIS does not read the simplestyle-spec keys the features carry, so each layer gets a
//! rule-based renderer on `kind` (and `side`, `leg`, `checkpoint`) in the colours of the map
//! page, and labels on the limits, gates, routes, checkpoints and places. The XML is QGIS 3's
//! style format (renderer `RuleRenderer`, symbol layers with `Option` maps), which QGIS 3.10 and
//! later read.

use std::fmt::Write as _;

use geojson::FeatureCollection;

use super::geojson::{checkpoint_colour, route_colour, side_colour};
use super::markup::escape;
use super::zone_layer::static_colour;
use crate::patrol::CheckpointKind;

/// The QGIS version written into styles and projects: the oldest this format was checked with.
pub(crate) const QGIS_VERSION: &str = "3.22.16-Białowieża";

/// Screen pixels (the simplestyle `stroke-width` unit) in the millimetres QGIS sizes symbols in,
/// at 96 dpi.
const MM_PER_PX: f64 = 25.4 / 96.0;

/// The layers this crate writes, each with its own style.
///
/// # Examples
/// ```
/// use corridor::export::QgisLayer;
/// assert_eq!(QgisLayer::Checkpoints.file_stem(), "checkpoints");
/// assert_eq!(QgisLayer::PatrolRoutes.geometry(), "Line");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QgisLayer {
    /// `corridor` and `corridor_side` polygons.
    Zones,
    /// `centerline`, `limit` and `gate` lines.
    ControlLines,
    /// `patrol_route` lines.
    PatrolRoutes,
    /// `checkpoint` points.
    Checkpoints,
    /// Named places (`kind` = `place`), points.
    Places,
}

impl QgisLayer {
    /// Every layer, bottom of the map first.
    pub const ALL: [QgisLayer; 5] = [
        QgisLayer::Zones,
        QgisLayer::ControlLines,
        QgisLayer::PatrolRoutes,
        QgisLayer::Checkpoints,
        QgisLayer::Places,
    ];

    /// The file name without prefix and extension: `zones`, `control_lines`, `patrol`,
    /// `checkpoints`, `places`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::export::QgisLayer::PatrolRoutes.file_stem(), "patrol");
    /// ```
    pub fn file_stem(self) -> &'static str {
        match self {
            QgisLayer::Zones => "zones",
            QgisLayer::ControlLines => "control_lines",
            QgisLayer::PatrolRoutes => "patrol",
            QgisLayer::Checkpoints => "checkpoints",
            // Not `places`: that name is for places classified against zones (m4_places.csv).
            QgisLayer::Places => "named_places",
        }
    }

    /// The layer's name in a map's layer list: `Zones`, `Control lines`, `Patrol routes`,
    /// `Checkpoints`, `Places`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::export::QgisLayer::ControlLines.title(), "Control lines");
    /// ```
    pub fn title(self) -> &'static str {
        match self {
            QgisLayer::Zones => "Zones",
            QgisLayer::ControlLines => "Control lines",
            QgisLayer::PatrolRoutes => "Patrol routes",
            QgisLayer::Checkpoints => "Checkpoints",
            QgisLayer::Places => "Places",
        }
    }

    /// QGIS's name of the layer's geometry type: `Polygon`, `Line` or `Point`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(corridor::export::QgisLayer::Zones.geometry(), "Polygon");
    /// ```
    pub fn geometry(self) -> &'static str {
        match self {
            QgisLayer::Zones => "Polygon",
            QgisLayer::ControlLines | QgisLayer::PatrolRoutes => "Line",
            QgisLayer::Checkpoints | QgisLayer::Places => "Point",
        }
    }
}

/// How one rule draws: a fill, a line or a circle marker.
enum Symbol {
    Fill {
        fill: &'static str,
        fill_opacity: f64,
        outline: &'static str,
        outline_px: f64,
    },
    Line {
        colour: &'static str,
        width_px: f64,
        dashed: bool,
    },
    Marker {
        colour: &'static str,
        size_mm: f64,
    },
}

/// A rule of the renderer: a filter (QGIS expression; `None` = ELSE), its legend label and symbol.
struct Rule {
    filter: Option<String>,
    label: String,
    symbol: Symbol,
}

fn rule(filter: &str, label: &str, symbol: Symbol) -> Rule {
    Rule {
        filter: Some(filter.to_string()),
        label: label.to_string(),
        symbol,
    }
}

fn else_rule(label: &str, symbol: Symbol) -> Rule {
    Rule {
        filter: None,
        label: label.to_string(),
        symbol,
    }
}

/// The rules of a layer, drawn in this order.
fn rules(layer: QgisLayer) -> Vec<Rule> {
    let half = |side: &'static str| Symbol::Fill {
        fill: side_colour(side),
        fill_opacity: 0.25,
        outline: side_colour(side),
        outline_px: 1.0,
    };
    let limit = |side: &'static str| Symbol::Line {
        colour: side_colour(side),
        width_px: 2.0,
        dashed: false,
    };
    let checkpoint = |kind: CheckpointKind, size_mm: f64| Symbol::Marker {
        colour: checkpoint_colour(kind),
        size_mm,
    };
    match layer {
        QgisLayer::Zones => vec![
            rule(
                r#""kind" = 'corridor_side' AND "side" IN ('north', 'left')"#,
                "North (left) half",
                half("north"),
            ),
            rule(
                r#""kind" = 'corridor_side' AND "side" IN ('south', 'right')"#,
                "South (right) half",
                half("south"),
            ),
            // The whole corridor last, as an outline over its halves.
            rule(
                r#""kind" = 'corridor'"#,
                "Corridor",
                Symbol::Fill {
                    fill: "#999999",
                    fill_opacity: 0.1,
                    outline: "#333333",
                    outline_px: 2.0,
                },
            ),
            else_rule(
                "Other zone",
                Symbol::Fill {
                    fill: "#999999",
                    fill_opacity: 0.25,
                    outline: "#555555",
                    outline_px: 1.0,
                },
            ),
        ],
        QgisLayer::ControlLines => vec![
            rule(
                r#""kind" = 'centerline'"#,
                "Road (centre line)",
                Symbol::Line {
                    colour: "#000000",
                    width_px: 3.0,
                    dashed: false,
                },
            ),
            rule(
                r#""kind" = 'limit' AND "side" IN ('north', 'left')"#,
                "North (left) limit",
                limit("north"),
            ),
            rule(
                r#""kind" = 'limit' AND "side" IN ('south', 'right')"#,
                "South (right) limit",
                limit("south"),
            ),
            rule(
                r#""kind" = 'gate'"#,
                "Gate",
                Symbol::Line {
                    colour: "#d62728",
                    width_px: 2.0,
                    dashed: false,
                },
            ),
            else_rule(
                "Other line",
                Symbol::Line {
                    colour: "#555555",
                    width_px: 1.0,
                    dashed: false,
                },
            ),
        ],
        QgisLayer::PatrolRoutes => vec![
            rule(
                r#"coalesce("leg", 1) <= 1"#,
                "Patrol, outward",
                Symbol::Line {
                    colour: route_colour(1),
                    width_px: 4.0,
                    dashed: false,
                },
            ),
            // A return leg runs over the outward one: dashes let both show.
            rule(
                r#""leg" > 1"#,
                "Patrol, return",
                Symbol::Line {
                    colour: route_colour(2),
                    width_px: 4.0,
                    dashed: true,
                },
            ),
            else_rule(
                "Other route",
                Symbol::Line {
                    colour: "#555555",
                    width_px: 2.0,
                    dashed: false,
                },
            ),
        ],
        QgisLayer::Checkpoints => [
            (
                "kilometre",
                "Kilometre post",
                CheckpointKind::Kilometre,
                2.0,
            ),
            ("place", "Checkpoint at a place", CheckpointKind::Place, 3.2),
            ("start", "Patrol start", CheckpointKind::Start, 3.6),
            ("end", "Patrol end", CheckpointKind::End, 3.6),
        ]
        .into_iter()
        .map(|(value, label, kind, size_mm)| {
            rule(
                &format!(r#""checkpoint" = '{value}'"#),
                label,
                checkpoint(kind, size_mm),
            )
        })
        .chain([else_rule(
            "Checkpoint",
            Symbol::Marker {
                colour: "#7e7e7e",
                size_mm: 3.0,
            },
        )])
        .collect(),
        QgisLayer::Places => vec![
            rule(
                r#""kind" = 'place'"#,
                "Named place",
                Symbol::Marker {
                    colour: "#333333",
                    size_mm: 2.4,
                },
            ),
            // Places classified against a corridor (the M4 example's villages).
            rule(
                r#""kind" = 'populated_place'"#,
                "Populated place",
                Symbol::Marker {
                    colour: "#6a3d9a",
                    size_mm: 1.8,
                },
            ),
            // Sites of an agreement (crossings, bases, observation posts), with their role.
            rule(
                r#""kind" = 'site'"#,
                "Site",
                Symbol::Marker {
                    colour: "#9467bd",
                    size_mm: 2.6,
                },
            ),
            else_rule(
                "Other point",
                Symbol::Marker {
                    colour: "#7e7e7e",
                    size_mm: 2.0,
                },
            ),
        ],
    }
}

/// The label text of a layer's features, as a QGIS expression; `None` for no labels. An
/// expression that gives NULL draws no label.
fn label_expression(layer: QgisLayer) -> Option<&'static str> {
    match layer {
        QgisLayer::Zones => None,
        QgisLayer::ControlLines => Some(
            r#"CASE WHEN "kind" = 'gate' THEN 'gate ' || "name" WHEN "kind" = 'limit' THEN "title" END"#,
        ),
        QgisLayer::PatrolRoutes => Some(r#""title""#),
        QgisLayer::Checkpoints => {
            // Kilometre posts of the return leg sit on the outward leg's: one set of labels.
            Some(
                r#"CASE WHEN "checkpoint" <> 'kilometre' THEN "title" WHEN coalesce("leg", 1) = 1 THEN "name" END"#,
            )
        }
        QgisLayer::Places => Some(r#""name""#),
    }
}

/// `#rrggbb` (or `#rgb`) and an opacity as QGIS's `r,g,b,a`.
fn qgis_colour(css: &str, opacity: f64) -> String {
    let hex = css.trim_start_matches('#');
    let full: String = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect()
    } else {
        hex.to_string()
    };
    let channel = |i: usize| {
        full.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    let alpha = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("{},{},{},{alpha}", channel(0), channel(2), channel(4))
}

/// A `<layer>` of a symbol, its properties as QGIS's `Option` map.
fn symbol_layer(out: &mut String, class: &str, options: &[(&str, String)]) {
    let _ = write!(
        out,
        r#"<layer class="{class}" enabled="1" locked="0" pass="0"><Option type="Map">"#
    );
    for (name, value) in options {
        let _ = write!(
            out,
            r#"<Option name="{name}" type="QString" value="{}"/>"#,
            escape(value)
        );
    }
    out.push_str("</Option></layer>");
}

fn write_symbol(out: &mut String, name: usize, symbol: &Symbol) {
    let kind = match symbol {
        Symbol::Fill { .. } => "fill",
        Symbol::Line { .. } => "line",
        Symbol::Marker { .. } => "marker",
    };
    let _ = write!(
        out,
        r#"<symbol alpha="1" clip_to_extent="1" force_rhr="0" name="{name}" type="{kind}">"#
    );
    let mm = |px: f64| format!("{:.2}", px * MM_PER_PX);
    match *symbol {
        Symbol::Fill {
            fill,
            fill_opacity,
            outline,
            outline_px,
        } => symbol_layer(
            out,
            "SimpleFill",
            &[
                ("color", qgis_colour(fill, fill_opacity)),
                ("style", "solid".into()),
                ("outline_color", qgis_colour(outline, 1.0)),
                ("outline_style", "solid".into()),
                ("outline_width", mm(outline_px)),
                ("outline_width_unit", "MM".into()),
                ("joinstyle", "round".into()),
            ],
        ),
        Symbol::Line {
            colour,
            width_px,
            dashed,
        } => symbol_layer(
            out,
            "SimpleLine",
            &[
                ("line_color", qgis_colour(colour, 1.0)),
                ("line_style", "solid".into()),
                ("line_width", mm(width_px)),
                ("line_width_unit", "MM".into()),
                ("capstyle", "round".into()),
                ("joinstyle", "round".into()),
                ("use_custom_dash", if dashed { "1" } else { "0" }.into()),
                ("customdash", "3;2".into()),
                ("customdash_unit", "MM".into()),
            ],
        ),
        Symbol::Marker { colour, size_mm } => symbol_layer(
            out,
            "SimpleMarker",
            &[
                ("name", "circle".into()),
                ("color", qgis_colour(colour, 1.0)),
                ("outline_color", "255,255,255,255".into()),
                ("outline_style", "solid".into()),
                ("outline_width", "0.4".into()),
                ("outline_width_unit", "MM".into()),
                ("size", format!("{size_mm:.1}")),
                ("size_unit", "MM".into()),
            ],
        ),
    }
    out.push_str("</symbol>");
}

/// The `<renderer-v2>` element: a rule-based renderer of the layer's rules.
/// A QGIS expression's string literal: single quotes, doubled inside.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The rules of a zones layer that holds named zones (an agreement's): one per zone and side,
/// labelled and coloured as the features are, then each zone's outline. `None` for a corridor's
/// zones layer, which the fixed rules fit.
fn zone_rules(features: &FeatureCollection) -> Option<Vec<Rule>> {
    let text = |f: &geojson::Feature, key: &str| {
        f.property(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let named = |f: &&geojson::Feature| !matches!(text(f, "zone").as_str(), "" | "corridor");
    if !features.features.iter().any(|f| named(&f)) {
        return None;
    }
    let mut sides = Vec::new();
    let mut wholes = Vec::new();
    for f in features.features.iter().filter(named) {
        let zone = literal(&text(f, "zone"));
        let fill = static_colour(&text(f, "fill"));
        match text(f, "kind").as_str() {
            "corridor_side" => sides.push(Rule {
                filter: Some(format!(
                    r#""kind" = 'corridor_side' AND "zone" = {zone} AND "side" = {}"#,
                    literal(&text(f, "side"))
                )),
                label: text(f, "title"),
                symbol: Symbol::Fill {
                    fill,
                    fill_opacity: 0.25,
                    outline: fill,
                    outline_px: 1.0,
                },
            }),
            "corridor" => wholes.push(Rule {
                filter: Some(format!(r#""kind" = 'corridor' AND "zone" = {zone}"#)),
                label: text(f, "name"),
                symbol: Symbol::Fill {
                    fill: "#999999",
                    fill_opacity: 0.0,
                    outline: static_colour(&text(f, "stroke")),
                    outline_px: 2.0,
                },
            }),
            _ => {}
        }
    }
    // The sides first, each zone's outline over them, as the fixed rules draw a corridor.
    sides.extend(wholes);
    sides.extend(rules(QgisLayer::Zones).pop());
    Some(sides)
}

fn renderer(layer: QgisLayer, features: &FeatureCollection) -> String {
    let rules = match layer {
        QgisLayer::Zones => zone_rules(features).unwrap_or_else(|| rules(layer)),
        _ => rules(layer),
    };
    let mut out = String::from(
        r#"<renderer-v2 enableorderby="0" forceraster="0" symbollevels="0" type="RuleRenderer"><rules key="root">"#,
    );
    for (i, r) in rules.iter().enumerate() {
        let _ = write!(out, r#"<rule key="rule{i}" label="{}" "#, escape(&r.label));
        match &r.filter {
            Some(filter) => {
                let _ = write!(out, r#"filter="{}" "#, escape(filter));
            }
            None => out.push_str(r#"filter="ELSE" "#),
        }
        let _ = write!(out, r#"symbol="{i}"/>"#);
    }
    out.push_str("</rules><symbols>");
    for (i, r) in rules.iter().enumerate() {
        write_symbol(&mut out, i, &r.symbol);
    }
    out.push_str("</symbols></renderer-v2>");
    out
}

/// The `<labeling>` element, or `None` for a layer without labels.
fn labeling(layer: QgisLayer) -> Option<String> {
    let expression = label_expression(layer)?;
    // QGIS's placement modes: 2 = along a line (parallel), 6 = cartographic around a point.
    let placement = match layer.geometry() {
        "Line" => {
            r#"placement="2" placementFlags="10" dist="0.5" distUnits="MM" repeatDistance="0""#
        }
        _ => r#"placement="6" dist="1" distUnits="MM" placementFlags="10""#,
    };
    let (size_pt, bold) = match layer {
        QgisLayer::Places => (10, "1"),
        _ => (8, "0"),
    };
    // Where labels collide, QGIS keeps the higher priority (0 to 10): places first.
    let priority = match layer {
        QgisLayer::Places => 9,
        QgisLayer::Checkpoints => 4,
        _ => 5,
    };
    Some(format!(
        r#"<labeling type="simple"><settings calloutType="simple"><text-style fieldName="{field}" isExpression="1" fontFamily="DejaVu Sans" fontSize="{size_pt}" fontSizeUnit="Point" fontWeight="{weight}" fontItalic="0" textColor="20,20,20,255" textOpacity="1" namedStyle="{style}" multilineHeight="1" allowHtml="0"><text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.85" bufferNoFill="1" bufferJoinStyle="128"/></text-style><text-format multilineAlign="0" wrapChar="" autoWrapLength="0" plussign="0"/><placement {placement} priority="{priority}"/><rendering obstacle="1" obstacleType="1" displayAll="0" upsidedownLabels="0" limitNumLabels="0" fontLimitPixelSize="0" drawLabels="1" scaleVisibility="0" labelPerPart="0" mergeLines="0"/></settings></labeling>"#,
        field = escape(expression),
        weight = if bold == "1" { 75 } else { 50 },
        style = if bold == "1" { "Bold" } else { "Book" },
    ))
}

/// The style elements of a layer (renderer and labeling), for a `.qml` or a project's
/// `<maplayer>`, and whether its labels are on.
pub(crate) fn style_elements(layer: QgisLayer, features: &FeatureCollection) -> (String, bool) {
    let mut out = renderer(layer, features);
    let labels = labeling(layer);
    let enabled = labels.is_some();
    if let Some(l) = labels {
        out.push_str(&l);
    }
    (out, enabled)
}

/// The QGIS style (`.qml`) of one of the crate's layers: a rule-based renderer on `kind` (and
/// `side`, `leg`, `checkpoint`) in the map page's colours, and labels where the layer has them.
/// Saved as `zones.qml` beside `zones.geojson`, QGIS applies it when it loads the layer. A
/// zones layer of named zones (`zone` other than `corridor`, as an agreement's) gets a rule per
/// zone and side from its `features`, in their colours; other layers' rules do not depend on
/// them.
///
/// # Examples
/// ```
/// use corridor::export::{QgisLayer, layer_qml};
/// let none = geojson::FeatureCollection::default();
/// let qml = layer_qml(QgisLayer::Zones, &none);
/// assert!(qml.starts_with("<!DOCTYPE qgis"));
/// assert!(qml.contains(r#"type="RuleRenderer""#));
/// assert!(qml.contains("31,119,180,64")); // the north half: #1f77b4 at 25 %
/// ```
pub fn layer_qml(layer: QgisLayer, features: &FeatureCollection) -> String {
    let (elements, labels) = style_elements(layer, features);
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
         <qgis version=\"{QGIS_VERSION}\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"{}\">\n\
         {elements}\n</qgis>\n",
        u8::from(labels)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_become_qgis_rgba() {
        assert_eq!(qgis_colour("#1f77b4", 0.25), "31,119,180,64");
        assert_eq!(qgis_colour("#fff", 1.0), "255,255,255,255");
    }

    #[test]
    fn every_layer_ends_with_an_else_rule_and_escapes_its_filters() {
        for layer in QgisLayer::ALL {
            let rules = rules(layer);
            assert!(rules.last().unwrap().filter.is_none(), "{layer:?}");
            let qml = layer_qml(layer, &FeatureCollection::default());
            assert!(!qml.contains(r#"filter=""kind"#), "{qml}");
        }
    }
}
