//! GPX 1.1 for GPS units: the patrol as a route (`rte`) and a timed track (`trk`), its
//! checkpoints as waypoints (`wpt`).
//!
//! The XML is written here rather than through a GPX library because GPX 1.1's schema fixes
//! the order of elements (`metadata`, `wpt`, `rte`, `trk`), which strict readers check. Times
//! are in UTC (`Z`), as the GPX 1.1 schema asks; the local time with its offset is kept in each
//! waypoint's description.

use super::markup::{escape, push_fixed};
use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use geo::Coord;

use super::{WriteError, write_atomic};
use crate::patrol::{Checkpoint, CheckpointKind, Patrol, PatrolError, rfc3339};

/// Decimals kept in GPX coordinates: 1e-7° is about 1 cm.
const GPX_DECIMALS: usize = 7;

/// What can go wrong writing GPX.
#[derive(Debug, thiserror::Error)]
pub enum GpxError {
    /// The schedule could not be computed.
    #[error(transparent)]
    Patrol(#[from] PatrolError),
    /// The file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// `2020-03-15T06:00:00Z`. Not through `format`, which parses its pattern anew for each of a
/// long track's points.
fn utc(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `lat="…" lon="…"` with the longitude wrapped into [-180, 180].
fn lat_lon(c: Coord) -> String {
    let lon = if (-180.0..=180.0).contains(&c.x) {
        c.x
    } else {
        (c.x + 180.0).rem_euclid(360.0) - 180.0
    };
    let mut out = String::with_capacity(40);
    out.push_str("lat=\"");
    push_fixed(&mut out, c.y, GPX_DECIMALS);
    out.push_str("\" lon=\"");
    push_fixed(&mut out, lon, GPX_DECIMALS);
    out.push('"');
    out
}

/// The title of a leg: `Trumba – Ain al-Hawr`.
fn leg_title(patrol: &Patrol) -> String {
    format!("{} – {}", patrol.from(), patrol.to())
}

/// Waypoint names must be unique for GPS units; a later leg's names say which leg they are on.
fn waypoint_name(name: &str, leg: usize, legs: usize) -> String {
    if legs > 1 && leg > 0 {
        format!("{name} (leg {})", leg + 1)
    } else {
        name.to_string()
    }
}

/// A patrol (and any further legs, such as its return) as a GPX 1.1 document.
///
/// For each leg: a waypoint per checkpoint (name; a short comment with the chainage and local
/// ETA; a description with the leg, chainage in km, ETA and departure with their offset; time =
/// ETA in UTC; a symbol GPS units draw, Garmin's `Flag, Green` for the start, `Flag, Red` for
/// the end, `City (Small)` for places, `Mile Marker` for kilometre posts; type = the checkpoint's
/// kind), a route through the route's vertices and checkpoints, each point timed by the schedule
/// and the checkpoints named, and a track through the same points.
///
/// # Errors
/// [`GpxError::Patrol`] when the schedule leaves the calendar.
///
/// # Examples
/// ```
/// use corridor::{Place, Places, Road};
/// use corridor::patrol::{Patrol, PatrolOptions};
/// use geo::{coord, line_string};
///
/// let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.8)]).unwrap();
/// let places = Places::new(vec![
///     Place::new("A & B", coord! { x: 36.0, y: 35.8 }), // longitude, latitude
///     Place::new("C", coord! { x: 36.1, y: 35.8 }),
/// ]);
/// let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
/// let patrol = Patrol::plan(&road, &places, "A & B", "C", &options).unwrap();
/// let xml = corridor::export::patrol_gpx(&[patrol]).unwrap();
/// assert!(xml.contains(r#"<gpx version="1.1""#));
/// assert!(xml.contains("<name>A &amp; B</name>"));
/// assert!(xml.contains("<time>2020-03-15T06:00:00Z</time>"));
/// ```
pub fn patrol_gpx(legs: &[Patrol]) -> Result<String, GpxError> {
    let mut x = String::new();
    // Writing into a String cannot fail; the results of `writeln!` are ignored for that reason.
    let _ = writeln!(x, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        x,
        r#"<gpx version="1.1" creator="corridor {}" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">"#,
        env!("CARGO_PKG_VERSION")
    );
    let title = legs
        .iter()
        .map(leg_title)
        .collect::<Vec<_>>()
        .join(", then ");
    let _ = writeln!(x, "  <metadata>");
    let _ = writeln!(x, "    <name>{}</name>", escape(&format!("Patrol {title}")));
    let _ = writeln!(
        x,
        "    <desc>{}</desc>",
        escape(
            "Patrol route, checkpoints and schedule. Times in UTC; local times with offset in the waypoint descriptions."
        )
    );
    if let Some(first) = legs.first() {
        let _ = writeln!(x, "    <time>{}</time>", utc(first.start()));
    }
    let _ = writeln!(x, "  </metadata>");
    for (leg, patrol) in legs.iter().enumerate() {
        for c in patrol.checkpoints() {
            let mut desc = format!(
                "{}: km {:.3}, ETA {}",
                leg_title(patrol),
                c.chainage_km(),
                rfc3339(c.eta)
            );
            if c.departure != c.eta {
                let _ = write!(desc, ", departs {}", rfc3339(c.departure));
            }
            // GPX 1.1 fixes the order: time, name, cmt, desc, sym, type.
            let _ = writeln!(x, "  <wpt {}>", lat_lon(c.position));
            let _ = writeln!(x, "    <time>{}</time>", utc(c.eta));
            let _ = writeln!(
                x,
                "    <name>{}</name>",
                escape(&waypoint_name(&c.name, leg, legs.len()))
            );
            let _ = writeln!(x, "    <cmt>{}</cmt>", escape(&comment(c)));
            let _ = writeln!(x, "    <desc>{}</desc>", escape(&desc));
            let _ = writeln!(x, "    <sym>{}</sym>", symbol(c.kind));
            let _ = writeln!(x, "    <type>{}</type>", c.kind);
            let _ = writeln!(x, "  </wpt>");
        }
    }
    for (leg, patrol) in legs.iter().enumerate() {
        let _ = writeln!(x, "  <rte>");
        let _ = writeln!(x, "    <name>{}</name>", escape(&leg_title(patrol)));
        let _ = writeln!(
            x,
            "    <desc>{}</desc>",
            escape(&format!(
                "{:.3} km, {} to {}",
                patrol.length_m() / 1_000.0,
                rfc3339(patrol.start()),
                rfc3339(patrol.end())
            ))
        );
        let _ = writeln!(x, "    <number>{}</number>", leg + 1);
        for (c, time, checkpoint) in route_points(patrol)? {
            let _ = write!(x, "    <rtept {}><time>{}</time>", lat_lon(c), utc(time));
            if let Some(cp) = checkpoint {
                let _ = write!(
                    x,
                    "<name>{}</name><cmt>{}</cmt><sym>{}</sym><type>{}</type>",
                    escape(&waypoint_name(&cp.name, leg, legs.len())),
                    escape(&comment(cp)),
                    symbol(cp.kind),
                    cp.kind
                );
            }
            let _ = writeln!(x, "</rtept>");
        }
        let _ = writeln!(x, "  </rte>");
    }
    for (leg, patrol) in legs.iter().enumerate() {
        let _ = writeln!(x, "  <trk>");
        let _ = writeln!(x, "    <name>{}</name>", escape(&leg_title(patrol)));
        let _ = writeln!(x, "    <number>{}</number>", leg + 1);
        let _ = writeln!(x, "    <trkseg>");
        for (c, t) in patrol.timed_track()? {
            let _ = writeln!(
                x,
                "      <trkpt {}><time>{}</time></trkpt>",
                lat_lon(c),
                utc(t)
            );
        }
        let _ = writeln!(x, "    </trkseg>");
        let _ = writeln!(x, "  </trk>");
    }
    let _ = writeln!(x, "</gpx>");
    Ok(x)
}

/// A point of a GPX route: where, when, and the checkpoint there if there is one.
type RoutePoint<'a> = (Coord, DateTime<FixedOffset>, Option<&'a Checkpoint>);

/// The route's vertices and checkpoints in route order, each with its time in the schedule
/// (a checkpoint's ETA, a vertex's passing time); a vertex on a checkpoint gives way to it.
fn route_points(patrol: &Patrol) -> Result<Vec<RoutePoint<'_>>, PatrolError> {
    let route = patrol.route();
    let (coords, chainages) = (route.coords(), route.vertex_chainages_m());
    // The route as drawn (within `TRACK_SIMPLIFY_M`), and every checkpoint.
    let mut points: Vec<(f64, Coord, Option<&Checkpoint>)> = patrol
        .track_vertices()
        .iter()
        .map(|&k| (chainages[k], coords[k], None))
        .collect();
    points.extend(
        patrol
            .checkpoints()
            .iter()
            .map(|c| (c.chainage_m, c.position, Some(c))),
    );
    // Checkpoints first at equal chainage, so that the plain vertex is the one dropped.
    points.sort_by(|p, q| p.0.total_cmp(&q.0).then(q.2.is_some().cmp(&p.2.is_some())));
    points.dedup_by(|q, p| (q.0 - p.0).abs() < 1e-6 && q.2.is_none());
    points
        .into_iter()
        .map(|(s, c, checkpoint)| {
            let time = match checkpoint {
                Some(cp) => cp.eta,
                None => patrol.time_at_m(s.min(patrol.length_m()))?,
            };
            Ok((c, time, checkpoint))
        })
        .collect()
}

/// A waypoint's short comment, which GPS units show beside its name: `km 12.50, ETA 09:18`
/// (local time).
fn comment(c: &Checkpoint) -> String {
    let mut text = format!("km {:.2}, ETA {}", c.chainage_km(), c.eta.format("%H:%M"));
    if c.departure != c.eta {
        let _ = write!(text, ", departs {}", c.departure.format("%H:%M"));
    }
    text
}

/// The symbol GPS units (Garmin's names, which others read too) draw for a checkpoint.
fn symbol(kind: CheckpointKind) -> &'static str {
    match kind {
        CheckpointKind::Start => "Flag, Green",
        CheckpointKind::End => "Flag, Red",
        CheckpointKind::Place => "City (Small)",
        CheckpointKind::Kilometre => "Mile Marker",
    }
}

/// Writes [`patrol_gpx`] to `path` atomically (see [`write_atomic`]).
///
/// # Errors
/// [`GpxError`], naming the file when it cannot be written.
///
/// # Examples
/// ```
/// # use corridor::{Place, Places, Road};
/// # use corridor::patrol::{Patrol, PatrolOptions};
/// # use geo::{coord, line_string};
/// # let road = Road::new(line_string![(x: 36.0, y: 35.8), (x: 36.1, y: 35.8)]).unwrap();
/// # let places = Places::new(vec![
/// #     Place::new("A", coord! { x: 36.0, y: 35.8 }),
/// #     Place::new("B", coord! { x: 36.1, y: 35.8 }),
/// # ]);
/// # let options = PatrolOptions::from_rfc3339("2020-03-15T09:00:00+03:00").unwrap();
/// let patrol = Patrol::plan(&road, &places, "A", "B", &options).unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("patrol.gpx");
/// corridor::export::write_gpx(&path, &[patrol]).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().ends_with("</gpx>\n"));
/// ```
pub fn write_gpx(path: &Path, legs: &[Patrol]) -> Result<(), GpxError> {
    let xml = patrol_gpx(legs)?;
    write_atomic(path, |w| w.write_all(xml.as_bytes()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_unrolled_longitudes() {
        assert_eq!(
            lat_lon(Coord { x: 181.0, y: 1.0 }),
            r#"lat="1.0000000" lon="-179.0000000""#
        );
    }
}
