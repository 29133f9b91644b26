//! Agreements: one TOML file names the lines of an agreement (roads, borders, lines of contact),
//! its places and sites, its zones and its patrols; [`Agreement`] reads and checks it,
//! [`Agreement::build`] builds all of it, [`BuiltAgreement`] lays it out as layers and answers
//! which places each zone puts where ([`BuiltAgreement::place_rows`]).
//!
//! # The file
//! As DESIGN.md sets it out ("Agreement files"), paths relative to the file:
//! ```toml
//! name = "Sochi memorandum, 22 October 2019"   # also date, source (free text, copied to outputs)
//! [lines.border]              # any id; file = GeoJSON line, kind = road|border|contact|other
//! file = "border.geojson"
//! kind = "border"
//! [places]
//! file = "places.geojson"     # optional: named places for from/to and for the places output
//! [sites]
//! file = "sites.geojson"      # optional: named points with a `role` (observation post, ...)
//! [zones.patrol_strip]        # any id; `name` optional, for legends
//! line = "border"
//! from = "km:0"               # optional section: place, LON,LAT or km:N along the line
//! to = "km:420"
//! south = "10km"              # north/south or left/right: width, 0, or band "10km..30km"
//! cap = "flat"                # and `tolerance = "0.5m"`
//! except = [{ from = "Qamishli", to = "km:330", note = "city excepted" }]
//! [[zones.patrol_strip.stretch]]
//! from = "km:100"
//! to = "km:150"
//! south = "5km"
//! [patrols.joint]             # as `corridor build`'s patrol options
//! line = "border"
//! from = "km:0"
//! to = "km:120"
//! start = "2019-11-01T10:00:00+03:00"
//! speed = "30km/h"            # also checkpoint_every, dwell and turnaround ("10min"),
//! return = true               # stops_within (places the patrol stops at, default 2 km)
//! ```
//!
//! # Chainages and places
//! `km:N` is always along the named line from its first vertex, whatever the zone's section;
//! stretches and exceptions are cut along the normal at those chainages. A place or `LON,LAT`
//! stands for its nearest point of the line and may lie up to [`MAX_END_DISTANCE_M`] from it (a
//! town beside a border). A zone whose `from` comes after its `to` runs the other way, which
//! swaps left and right but not north and south.
//!
//! # Errors
//! Every mistake is one [`AgreementError`]: the file, the line where TOML gives one, the key and
//! what is wrong. [`Agreement::read`] checks what the file alone can tell (unknown keys, kinds,
//! widths, caps, times, speeds, names of lines); [`Agreement::build`] what needs the data
//! (files, places, chainages, poles).

mod places;
mod spec;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use geojson::FeatureCollection;

pub use self::places::{PlaceRow, places_csv, places_geojson};
use self::spec::{FileSpec, SidesSpec, line_of, text};
use crate::export::{GpxError, LayerSet, NamedZone, layer_from_geojson_str};
use crate::patrol::{DEFAULT_MAX_PLACE_DISTANCE_M, Patrol, PatrolOptions};
use crate::road::Endpoint;
use crate::units::{UnitError, parse_distance_m, parse_minutes, parse_reach, parse_speed_kmh};
use crate::{
    Cap, Corridor, CorridorOptions, Extent, Place, Places, Road, Side, SideNames, Zone, ZoneOptions,
};

/// How far from its line a place (or `LON,LAT`) that ends a zone, a stretch, an exception or a
/// patrol may lie: a town beside a border is often a few kilometres from it.
pub const MAX_END_DISTANCE_M: f64 = 25_000.0;

/// Kinds of line an agreement names.
///
/// # Examples
/// ```
/// use corridor::agreement::LineKind;
/// assert_eq!("border".parse::<LineKind>(), Ok(LineKind::Border));
/// assert_eq!(LineKind::Contact.to_string(), "contact");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A road the zone runs along.
    Road,
    /// A state border.
    Border,
    /// A line of contact.
    Contact,
    /// Any other line.
    Other,
}

impl std::str::FromStr for LineKind {
    type Err = String;

    fn from_str(s: &str) -> Result<LineKind, String> {
        match s {
            "road" => Ok(LineKind::Road),
            "border" => Ok(LineKind::Border),
            "contact" => Ok(LineKind::Contact),
            "other" => Ok(LineKind::Other),
            _ => Err(format!(
                "`{s}` is not a kind of line (road, border, contact or other)"
            )),
        }
    }
}

impl fmt::Display for LineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LineKind::Road => "road",
            LineKind::Border => "border",
            LineKind::Contact => "contact",
            LineKind::Other => "other",
        })
    }
}

/// A mistake in an agreement file or the data it names, on one line: `FILE:LINE: KEY: what is
/// wrong`.
///
/// # Examples
/// ```
/// use corridor::agreement::Agreement;
/// let err = Agreement::from_toml_str("name = \"x\"\nzonez = 1\n", "a.toml").unwrap_err();
/// assert_eq!(err.line, Some(2));
/// assert!(err.to_string().starts_with("a.toml:2: "), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct AgreementError {
    /// The agreement file.
    pub file: PathBuf,
    /// The line of the file (1-based) where the mistake is, when it has one.
    pub line: Option<usize>,
    /// The key (`zones.patrol_strip.south`), or empty for the file as a whole.
    pub key: String,
    /// What is wrong, one line.
    pub message: String,
}

impl fmt::Display for AgreementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// An agreement file, read and checked.
///
/// # Examples
/// ```
/// use corridor::agreement::Agreement;
///
/// let text = r#"
/// name = "Test"
/// [lines.road]
/// file = "road.geojson"
/// kind = "road"
/// [zones.corridor]
/// line = "road"
/// north = "6km"
/// south = "6km"
/// "#;
/// let agreement = Agreement::from_toml_str(text, "test.toml").unwrap();
/// assert_eq!(agreement.name(), "Test");
/// assert_eq!(agreement.zone_ids(), ["corridor"]);
///
/// // A zone on a line the file does not name:
/// let err = Agreement::from_toml_str(&text.replace("line = \"road\"", "line = \"rail\""), "test.toml")
///     .unwrap_err();
/// assert_eq!(err.to_string(), "test.toml:7: zones.corridor.line: no line `rail` in [lines] (there is: road)");
/// ```
#[derive(Debug)]
pub struct Agreement {
    path: PathBuf,
    text: String,
    spec: FileSpec,
}

/// The data an agreement names, read.
struct Data {
    lines: Vec<(String, Road)>,
    places: Places,
    places_layer: Option<FeatureCollection>,
    sites: Places,
    sites_layer: Option<FeatureCollection>,
}

/// Where a zone or patrol lies on its line: chainages on the line, and the section between.
struct OnLine {
    line: String,
    from_m: f64,
    to_m: f64,
    section: Road,
}

impl OnLine {
    /// A chainage of the line as one of the section (0 at `from`), clamped to it.
    fn to_section_m(&self, chainage_m: f64) -> f64 {
        let along = if self.from_m <= self.to_m {
            chainage_m - self.from_m
        } else {
            self.from_m - chainage_m
        };
        along.clamp(0.0, self.section.length_m())
    }
}

impl Agreement {
    /// Reads and checks the agreement file at `path`.
    ///
    /// # Errors
    /// [`AgreementError`]: the file cannot be read, is not TOML, has an unknown key, or a value
    /// the file alone shows to be wrong.
    ///
    /// # Examples
    /// ```
    /// use corridor::agreement::Agreement;
    /// let err = Agreement::read("no/such/agreement.toml").unwrap_err();
    /// assert!(err.to_string().starts_with("no/such/agreement.toml: cannot read it"));
    /// ```
    pub fn read(path: impl AsRef<Path>) -> Result<Agreement, AgreementError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| AgreementError {
            file: path.to_path_buf(),
            line: None,
            key: String::new(),
            message: format!("cannot read it: {e}"),
        })?;
        Agreement::from_toml_str(&text, path)
    }

    /// Reads and checks an agreement from its text; `path` names it in messages, and files in
    /// it are relative to its directory.
    ///
    /// # Errors
    /// As [`Agreement::read`].
    ///
    /// # Examples
    /// ```
    /// use corridor::agreement::Agreement;
    /// let err = Agreement::from_toml_str("name = \"x\"\n[lines.a]\nfile = \"a.geojson\"\nkind = \"road\"\n", "x.toml").unwrap_err();
    /// assert_eq!(err.to_string(), "x.toml: zones: an agreement needs at least one zone");
    /// ```
    pub fn from_toml_str(text: &str, path: impl AsRef<Path>) -> Result<Agreement, AgreementError> {
        let path = path.as_ref().to_path_buf();
        let spec: FileSpec = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            // toml's own message may run over several lines: keep the first, which says it.
            let message = e.message().lines().next().unwrap_or("not TOML").to_string();
            AgreementError {
                file: path.clone(),
                line,
                key: String::new(),
                message,
            }
        })?;
        let agreement = Agreement {
            path,
            text: text.to_string(),
            spec,
        };
        agreement.check()?;
        Ok(agreement)
    }

    /// The agreement's name.
    ///
    /// # Examples
    /// ```
    /// # use corridor::agreement::Agreement;
    /// let a = Agreement::from_toml_str("name = \"M4\"\n[lines.r]\nfile = \"r.geojson\"\nkind = \"road\"\n[zones.c]\nline = \"r\"\nleft = \"1km\"\nright = \"1km\"\n", "m4.toml").unwrap();
    /// assert_eq!(a.name(), "M4");
    /// ```
    pub fn name(&self) -> &str {
        self.spec.name.get_ref()
    }

    /// The ids of its zones, in the file's order.
    ///
    /// # Examples
    /// ```
    /// # use corridor::agreement::Agreement;
    /// let a = Agreement::from_toml_str("name = \"M4\"\n[lines.r]\nfile = \"r.geojson\"\nkind = \"road\"\n[zones.b]\nline = \"r\"\nleft = \"1km\"\nright = \"0\"\n[zones.a]\nline = \"r\"\nleft = \"0\"\nright = \"2km\"\n", "m4.toml").unwrap();
    /// assert_eq!(a.zone_ids(), ["b", "a"]);
    /// ```
    pub fn zone_ids(&self) -> Vec<&str> {
        self.spec.zones.keys().map(String::as_str).collect()
    }

    fn error(
        &self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl fmt::Display,
    ) -> AgreementError {
        AgreementError {
            file: self.path.clone(),
            line: span.map(|s| line_of(&self.text, s.start)),
            key: key.to_string(),
            message: message.to_string().replace('\n', "; "),
        }
    }

    /// A file the agreement names, relative to the agreement's directory.
    fn resolve(&self, file: &str) -> PathBuf {
        match self.path.parent() {
            Some(dir) => dir.join(file),
            None => PathBuf::from(file),
        }
    }

    /// What the file alone can tell.
    fn check(&self) -> Result<(), AgreementError> {
        let spec = &self.spec;
        if spec.lines.is_empty() {
            return Err(self.error(None, "lines", "an agreement needs at least one line"));
        }
        if spec.zones.is_empty() {
            return Err(self.error(None, "zones", "an agreement needs at least one zone"));
        }
        for (id, line) in &spec.lines {
            let kind = line.get_ref().kind.get_ref();
            kind.parse::<LineKind>().map_err(|e| {
                self.error(
                    Some(line.get_ref().kind.span()),
                    &format!("lines.{id}.kind"),
                    e,
                )
            })?;
        }
        for (id, zone) in &spec.zones {
            let z = zone.get_ref();
            self.line_named(&z.line, &format!("zones.{id}.line"))?;
            self.reaches(&z.sides(), &format!("zones.{id}"), zone.span())?;
            self.cap(id, z)?;
            self.tolerance_m(id, z)?;
            for (k, stretch) in z.stretch.iter().enumerate() {
                let key = format!("zones.{id}.stretch[{k}]");
                self.reaches(&stretch.get_ref().sides(), &key, stretch.span())?;
                for end in [&stretch.get_ref().from, &stretch.get_ref().to] {
                    self.endpoint(end, &key)?;
                }
            }
            for (k, except) in z.except.iter().enumerate() {
                let key = format!("zones.{id}.except[{k}]");
                for end in [&except.get_ref().from, &except.get_ref().to] {
                    self.endpoint(end, &key)?;
                }
            }
            for end in [&z.from, &z.to].into_iter().flatten() {
                self.endpoint(end, &format!("zones.{id}"))?;
            }
        }
        for (id, patrol) in &spec.patrols {
            let p = patrol.get_ref();
            self.line_named(&p.line, &format!("patrols.{id}.line"))?;
            self.patrol_options(id, p)?;
            for end in [&p.from, &p.to] {
                self.endpoint(end, &format!("patrols.{id}"))?;
            }
        }
        Ok(())
    }

    fn line_named(&self, name: &toml::Spanned<String>, key: &str) -> Result<usize, AgreementError> {
        self.spec.lines.get_index_of(name.get_ref()).ok_or_else(|| {
            let known: Vec<&str> = self.spec.lines.keys().map(String::as_str).collect();
            self.error(
                Some(name.span()),
                key,
                format!(
                    "no line `{}` in [lines] (there is: {})",
                    name.get_ref(),
                    known.join(", ")
                ),
            )
        })
    }

    fn endpoint(&self, end: &toml::Spanned<String>, key: &str) -> Result<Endpoint, AgreementError> {
        end.get_ref()
            .parse::<Endpoint>()
            .map_err(|e| self.error(Some(end.span()), key, e))
    }

    /// A value that must be a distance-like text, parsed by `parse`.
    fn quantity<T>(
        &self,
        value: &toml::Spanned<toml::Value>,
        key: &str,
        parse: impl Fn(&str) -> Result<T, UnitError>,
    ) -> Result<T, AgreementError> {
        let written = text(value.get_ref()).ok_or_else(|| {
            self.error(Some(value.span()), key, "expected a text such as \"10km\"")
        })?;
        parse(&written).map_err(|e| self.error(Some(value.span()), key, e))
    }

    /// Left and right extents of a table's `north`/`south` or `left`/`right`, before the
    /// section's direction is known: `(compass, [first, second])` where compass says that the
    /// pair is north, south.
    fn reaches(
        &self,
        sides: &SidesSpec<'_>,
        key: &str,
        span: Range<usize>,
    ) -> Result<(bool, [Option<Extent>; 2]), AgreementError> {
        let compass = sides.north.is_some() || sides.south.is_some();
        if compass && (sides.left.is_some() || sides.right.is_some()) {
            return Err(self.error(Some(span), key, "give north/south or left/right, not both"));
        }
        let pair = if compass {
            [("north", sides.north), ("south", sides.south)]
        } else {
            [("left", sides.left), ("right", sides.right)]
        };
        let mut out = [None, None];
        for (k, (name, value)) in pair.into_iter().enumerate() {
            if let Some(v) = value {
                out[k] = self.quantity(v, &format!("{key}.{name}"), parse_reach)?;
            }
        }
        Ok((compass, out))
    }

    fn cap(&self, id: &str, z: &spec::ZoneSpec) -> Result<Cap, AgreementError> {
        match &z.cap {
            None => Ok(Cap::Flat),
            Some(cap) => cap
                .get_ref()
                .parse::<Cap>()
                .map_err(|e| self.error(Some(cap.span()), &format!("zones.{id}.cap"), e)),
        }
    }

    fn tolerance_m(&self, id: &str, z: &spec::ZoneSpec) -> Result<f64, AgreementError> {
        match &z.tolerance {
            None => Ok(crate::DEFAULT_TOLERANCE_M),
            Some(t) => self.quantity(t, &format!("zones.{id}.tolerance"), parse_distance_m),
        }
    }

    fn patrol_options(
        &self,
        id: &str,
        p: &spec::PatrolSpec,
    ) -> Result<PatrolOptions, AgreementError> {
        let key = |name: &str| format!("patrols.{id}.{name}");
        let start = text(p.start.get_ref()).ok_or_else(|| {
            self.error(
                Some(p.start.span()),
                &key("start"),
                "expected an RFC 3339 time",
            )
        })?;
        let mut options = PatrolOptions::from_rfc3339(&start)
            .map_err(|e| self.error(Some(p.start.span()), &key("start"), e))?;
        if let Some(v) = &p.speed {
            let kmh = self.quantity(v, &key("speed"), parse_speed_kmh)?;
            options = options
                .speed_kmh(kmh)
                .map_err(|e| self.error(Some(v.span()), &key("speed"), e))?;
        }
        if let Some(v) = &p.checkpoint_every {
            let m = self.quantity(v, &key("checkpoint_every"), parse_distance_m)?;
            options = options
                .checkpoint_every_km(m / 1_000.0)
                .map_err(|e| self.error(Some(v.span()), &key("checkpoint_every"), e))?;
        }
        if let Some(v) = &p.dwell {
            let min = self.quantity(v, &key("dwell"), parse_minutes)?;
            options = options
                .dwell_min(min)
                .map_err(|e| self.error(Some(v.span()), &key("dwell"), e))?;
        }
        let within_m = match &p.stops_within {
            Some(v) => self.quantity(v, &key("stops_within"), parse_distance_m)?,
            None => DEFAULT_MAX_PLACE_DISTANCE_M,
        };
        options.max_place_distance_m(within_m).map_err(|e| {
            self.error(
                p.stops_within.as_ref().map(|v| v.span()),
                &key("stops_within"),
                e,
            )
        })
    }

    /// Reads the lines, places and sites the agreement names.
    fn read_data(&self) -> Result<Data, AgreementError> {
        let read = |file: &toml::Spanned<String>,
                    key: &str|
         -> Result<(PathBuf, String), AgreementError> {
            let path = self.resolve(file.get_ref());
            let text = std::fs::read_to_string(&path).map_err(|e| {
                self.error(
                    Some(file.span()),
                    key,
                    format!("{}: cannot read it: {e}", path.display()),
                )
            })?;
            Ok((path, text))
        };
        let mut lines = Vec::new();
        for (id, line) in &self.spec.lines {
            let key = format!("lines.{id}.file");
            let (path, text) = read(&line.get_ref().file, &key)?;
            let road = Road::from_geojson_str(&text).map_err(|e| {
                self.error(
                    Some(line.get_ref().file.span()),
                    &key,
                    format!("{}: {e}", path.display()),
                )
            })?;
            lines.push((id.clone(), road));
        }
        let points = |spec: &Option<toml::Spanned<spec::FileRef>>, key: &str| match spec {
            None => Ok((Places::default(), None)),
            Some(r) => {
                let file = &r.get_ref().file;
                let (path, text) = read(file, key)?;
                let bad = |e: &dyn fmt::Display| {
                    self.error(Some(file.span()), key, format!("{}: {e}", path.display()))
                };
                let places = Places::from_geojson_str(&text).map_err(|e| bad(&e))?;
                let layer = layer_from_geojson_str(&text).map_err(|e| bad(&e))?;
                Ok((places, Some(layer)))
            }
        };
        let (places, places_layer) = points(&self.spec.places, "places.file")?;
        let (sites, sites_layer) = points(&self.spec.sites, "sites.file")?;
        Ok(Data {
            lines,
            places,
            places_layer,
            sites,
            sites_layer: sites_layer.map(places::sites_layer),
        })
    }

    /// The chainage on `line` of a place, position or `km:N`.
    fn chainage_m(
        &self,
        end: &toml::Spanned<String>,
        key: &str,
        line: &Road,
        places: &Places,
    ) -> Result<f64, AgreementError> {
        let endpoint = self.endpoint(end, key)?;
        endpoint
            .locate_on(line, places, MAX_END_DISTANCE_M)
            .map(|at| at.chainage_m)
            .map_err(|e| self.error(Some(end.span()), key, e))
    }

    /// The section of a zone or patrol on its line.
    fn on_line(
        &self,
        data: &Data,
        line: &toml::Spanned<String>,
        ends: [Option<&toml::Spanned<String>>; 2],
        key: &str,
    ) -> Result<OnLine, AgreementError> {
        let index = self.line_named(line, &format!("{key}.line"))?;
        let road = &data.lines[index].1;
        let from_m = match ends[0] {
            Some(end) => self.chainage_m(end, &format!("{key}.from"), road, &data.places)?,
            None => 0.0,
        };
        let to_m = match ends[1] {
            Some(end) => self.chainage_m(end, &format!("{key}.to"), road, &data.places)?,
            None => road.length_m(),
        };
        let section = if from_m == 0.0 && to_m == road.length_m() {
            road.clone()
        } else {
            road.section_m(from_m, to_m)
                .map_err(|e| self.error(ends[0].or(ends[1]).map(|e| e.span()), key, e))?
        };
        Ok(OnLine {
            line: line.get_ref().clone(),
            from_m,
            to_m,
            section,
        })
    }

    /// Left and right extents on a section, from a table's sides.
    fn sides_on(
        &self,
        sides: &SidesSpec<'_>,
        key: &str,
        span: Range<usize>,
        names: SideNames,
    ) -> Result<[Option<Extent>; 2], AgreementError> {
        let (compass, [first, second]) = self.reaches(sides, key, span.clone())?;
        if !compass {
            return Ok([first, second]);
        }
        match names.side_named("north") {
            Some(Side::Left) => Ok([first, second]),
            Some(Side::Right) => Ok([second, first]),
            None => Err(self.error(
                Some(span),
                key,
                "this section runs north–south, so its sides are left and right: use left and right",
            )),
        }
    }

    fn build_zone(&self, data: &Data, id: &str) -> Result<BuiltZone, AgreementError> {
        let key = format!("zones.{id}");
        let spanned = &self.spec.zones[id];
        let z = spanned.get_ref();
        let on = self.on_line(data, &z.line, [z.from.as_ref(), z.to.as_ref()], &key)?;
        let line = &data.lines[self.line_named(&z.line, &key)?].1;
        let names = SideNames::for_road(&on.section);
        let [left, right] = self.sides_on(&z.sides(), &key, spanned.span(), names)?;
        if left.is_none() && right.is_none() && z.stretch.is_empty() {
            return Err(self.error(
                Some(spanned.span()),
                &key,
                "no side has a width: give north, south, left or right",
            ));
        }
        let tolerance_m = self.tolerance_m(id, z)?;
        let cap = self.cap(id, z)?;
        let mut options = ZoneOptions::new(left, right)
            .cap(cap)
            .tolerance_m(tolerance_m)
            .map_err(|e| self.error(z.tolerance.as_ref().map(|t| t.span()), &key, e))?;
        let between = |from: &toml::Spanned<String>, to: &toml::Spanned<String>, key: &str| {
            let a = on.to_section_m(self.chainage_m(from, key, line, &data.places)?);
            let b = on.to_section_m(self.chainage_m(to, key, line, &data.places)?);
            Ok::<_, AgreementError>((a.min(b), a.max(b), from.span()))
        };
        for (k, s) in z.stretch.iter().enumerate() {
            let key = format!("{key}.stretch[{k}]");
            let st = s.get_ref();
            let (a, b, span) = between(&st.from, &st.to, &key)?;
            let [l, r] = self.sides_on(&st.sides(), &key, s.span(), names)?;
            if b > a {
                options = options
                    .stretch_m(a, b, l, r)
                    .map_err(|e| self.error(Some(span), &key, e))?;
            }
        }
        for (k, e) in z.except.iter().enumerate() {
            let key = format!("{key}.except[{k}]");
            let (a, b, span) = between(&e.get_ref().from, &e.get_ref().to, &key)?;
            if b > a {
                options = options
                    .except_m(a, b)
                    .map_err(|e| self.error(Some(span), &key, e))?;
            }
        }
        let name = z.name.clone().unwrap_or_else(|| id.replace('_', " "));
        let plain = |e: Option<Extent>| e.filter(|e| e.inner_m() == 0.0).map(|e| e.outer_m());
        let corridor_widths = match (plain(left), plain(right)) {
            (Some(l), Some(r)) if options.stretches.is_empty() && options.exceptions.is_empty() => {
                Some((l, r))
            }
            _ => None,
        };
        let pole = |e: crate::CorridorError| self.error(Some(spanned.span()), &key, e);
        // A zone that is a corridor is built as one: the same geometry as `corridor build`,
        // with its limit lines and gates.
        let (zone, corridor) = match corridor_widths {
            Some((l, r)) => {
                let corridor_options = CorridorOptions::new(l, r)
                    .map_err(|e| self.error(Some(spanned.span()), &key, e))?
                    .cap(cap)
                    .tolerance_m(tolerance_m)
                    .map_err(|e| self.error(Some(spanned.span()), &key, e))?;
                let corridor = Corridor::try_build(&on.section, &corridor_options).map_err(pole)?;
                (Zone::of_corridor(&corridor), Some(corridor))
            }
            None => (Zone::try_build(&on.section, &options).map_err(pole)?, None),
        };
        Ok(BuiltZone {
            named: NamedZone::new(id, name, zone),
            line: on.line,
            from_m: on.from_m,
            to_m: on.to_m,
            corridor,
        })
    }

    fn build_patrol(&self, data: &Data, id: &str) -> Result<Vec<Patrol>, AgreementError> {
        let key = format!("patrols.{id}");
        let p = self.spec.patrols[id].get_ref();
        let options = self.patrol_options(id, p)?;
        let index = self.line_named(&p.line, &format!("{key}.line"))?;
        let road = &data.lines[index].1;
        // Ends the patrol cannot stop at (positions, chainages, places farther from the line
        // than it stops) become places of their own on the line, named as written.
        let mut ends = Vec::new();
        for (name, end) in [("from", &p.from), ("to", &p.to)] {
            let key = format!("{key}.{name}");
            let endpoint = self.endpoint(end, &key)?;
            let at = endpoint
                .locate_on(road, &data.places, MAX_END_DISTANCE_M)
                .map_err(|e| self.error(Some(end.span()), &key, e))?;
            let near = match &endpoint {
                Endpoint::Place(_) => data
                    .places
                    .get(&at.name)
                    .ok()
                    .and_then(|place| road.distance_m(place.position).ok())
                    .is_some_and(|d| d <= options.max_place_distance_m),
                _ => false,
            };
            ends.push((at, near));
        }
        let mut all: Vec<Place> = data
            .places
            .iter()
            .filter(|place| !ends.iter().any(|(at, near)| !near && at.name == place.name))
            .cloned()
            .collect();
        for (at, near) in &ends {
            if !near {
                let on_line = road
                    .point_at(at.chainage_m)
                    .map_err(|e| self.error(Some(p.from.span()), &key, e))?;
                all.push(Place::new(&at.name, on_line));
            }
        }
        let places = Places::new(all);
        let patrol = Patrol::plan(road, &places, &ends[0].0.name, &ends[1].0.name, &options)
            .map_err(|e| self.error(Some(self.spec.patrols[id].span()), &key, e))?;
        let mut legs = vec![patrol];
        if p.return_leg {
            let turnaround = match &p.turnaround {
                Some(v) => self.quantity(v, &format!("{key}.turnaround"), parse_minutes)?,
                None => 0.0,
            };
            let back = legs[0]
                .return_leg(turnaround)
                .map_err(|e| self.error(Some(self.spec.patrols[id].span()), &key, e))?;
            legs.push(back);
        }
        Ok(legs)
    }

    /// Reads the data the agreement names and builds every zone and patrol.
    ///
    /// # Errors
    /// [`AgreementError`] naming the key: a file that cannot be read or is not the GeoJSON
    /// asked for, a place not in the places file or too far from its line, a chainage beyond
    /// its line, a zone holding a pole, a patrol that cannot be planned.
    ///
    /// # Examples
    /// ```
    /// use corridor::agreement::Agreement;
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("border.geojson"), r#"{"type": "LineString",
    ///     "coordinates": [[38.0, 36.8], [40.0, 36.8]]}"#).unwrap();
    /// let text = r#"
    /// name = "A border"
    /// [lines.border]
    /// file = "border.geojson"
    /// kind = "border"
    /// [zones.strip]
    /// line = "border"
    /// north = "0"
    /// south = "10km"
    /// except = [{ from = "km:50", to = "km:60" }]
    /// [zones.band]
    /// line = "border"
    /// to = "km:100"
    /// south = "10km..30km"
    /// "#;
    /// let path = dir.path().join("a.toml");
    /// std::fs::write(&path, text).unwrap();
    /// let built = Agreement::read(&path).unwrap().build().unwrap();
    /// assert_eq!(built.zones().len(), 2);
    /// let strip = &built.zones()[0].named.zone;
    /// let length_km = strip.road().length_m() / 1_000.0;
    /// // One geodesic: 10 km wide less the 10 km excepted, and 10 to 30 km for the first 100 km.
    /// assert!((strip.area_km2() - 10.0 * (length_km - 10.0)).abs() < 1.0);
    /// assert!((built.zones()[1].named.zone.area_km2() - 20.0 * 100.0).abs() < 1.0);
    /// ```
    pub fn build(&self) -> Result<BuiltAgreement, AgreementError> {
        let data = self.read_data()?;
        let zones = self
            .spec
            .zones
            .keys()
            .map(|id| self.build_zone(&data, id))
            .collect::<Result<Vec<_>, _>>()?;
        let patrols = self
            .spec
            .patrols
            .keys()
            .map(|id| Ok((id.clone(), self.build_patrol(&data, id)?)))
            .collect::<Result<Vec<_>, AgreementError>>()?;
        Ok(BuiltAgreement {
            name: self.name().to_string(),
            date: self.spec.date.as_ref().and_then(|d| text(d.get_ref())),
            source: self.spec.source.clone(),
            lines: data.lines,
            zones,
            patrols,
            places: data.places,
            places_layer: data.places_layer,
            sites: data.sites,
            sites_layer: data.sites_layer,
        })
    }
}

/// A zone of an agreement, built.
#[derive(Debug, Clone)]
pub struct BuiltZone {
    /// The zone, with its id and name.
    pub named: NamedZone,
    /// The id of the line it runs along.
    pub line: String,
    /// Where its section starts on the line, metres from the line's first vertex.
    pub from_m: f64,
    /// Where its section ends on the line (before `from_m` when it runs the other way).
    pub to_m: f64,
    /// The corridor, when the zone is one (a width on both sides, no stretches or
    /// exceptions): its limit lines and gates are drawn from it.
    pub corridor: Option<Corridor>,
}

impl BuiltZone {
    /// A chainage of the zone's section as one of its line, metres.
    fn line_chainage_m(&self, section_m: f64) -> f64 {
        if self.from_m <= self.to_m {
            self.from_m + section_m
        } else {
            self.from_m - section_m
        }
    }
}

/// Everything an agreement names, built: its lines, zones, patrols, places and sites.
#[derive(Debug, Clone)]
pub struct BuiltAgreement {
    /// The agreement's name.
    pub name: String,
    /// Its date, as written.
    pub date: Option<String>,
    /// Its source, as written.
    pub source: Option<String>,
    lines: Vec<(String, Road)>,
    zones: Vec<BuiltZone>,
    patrols: Vec<(String, Vec<Patrol>)>,
    places: Places,
    places_layer: Option<FeatureCollection>,
    sites: Places,
    sites_layer: Option<FeatureCollection>,
}

impl BuiltAgreement {
    /// The lines, by id, in the file's order.
    pub fn lines(&self) -> &[(String, Road)] {
        &self.lines
    }

    /// The zones, in the file's order.
    pub fn zones(&self) -> &[BuiltZone] {
        &self.zones
    }

    /// The patrols by id, each its legs (out, and back when `return = true`).
    pub fn patrols(&self) -> &[(String, Vec<Patrol>)] {
        &self.patrols
    }

    /// The named places of `[places]`.
    pub fn places(&self) -> &Places {
        &self.places
    }

    /// One row per place (then site) and zone: inside or not, side, distance and chainage,
    /// by the rules of [`Classifier`](crate::classify::Classifier) against that zone.
    ///
    /// # Examples
    /// See [`Agreement::build`]; `tests/agreement.rs` checks the rows against `corridor classify`.
    pub fn place_rows(&self) -> Vec<PlaceRow> {
        places::rows(self)
    }

    /// The layers of the agreement: every zone in the zones layer, the lines as centre lines
    /// (with each corridor zone's limit lines), every patrol's legs, the named places, and the
    /// sites on the map page and in the KML; the source credited.
    ///
    /// # Errors
    /// [`GpxError`] when a patrol's schedule cannot be written as GPX.
    pub fn layers(&self) -> Result<LayerSet, GpxError> {
        let lines: Vec<(&str, &Road)> = self.lines.iter().map(|(id, r)| (id.as_str(), r)).collect();
        let zones: Vec<NamedZone> = self.zones.iter().map(|z| z.named.clone()).collect();
        let legs: Vec<Patrol> = self
            .patrols
            .iter()
            .flat_map(|(_, legs)| legs.clone())
            .collect();
        let title = match &self.date {
            Some(date) => format!("{} ({date})", self.name),
            None => self.name.clone(),
        };
        let mut layers = LayerSet::for_zones(&title, &lines, &zones, &legs)?;
        for z in &self.zones {
            if let Some(corridor) = &z.corridor {
                layers = layers.limit_lines(corridor, &z.named.id);
            }
        }
        if let Some(places) = &self.places_layer {
            layers = layers.places(places.clone());
        }
        if let Some(sites) = &self.sites_layer {
            layers = layers.map_layer("Sites", sites.clone(), false);
        }
        if let Some(source) = &self.source {
            layers = layers.credit(format!(
                "Agreement: {}",
                source.lines().next().unwrap_or("")
            ));
        }
        Ok(layers)
    }
}
