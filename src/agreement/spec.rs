//! The agreement file as written: TOML tables read with serde, every value with its place in the
//! text (`toml::Spanned`), so that a mistake found later (a zone naming a missing line, a bad
//! width, a place not in the places file) still names its line. Unknown keys are refused.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::{Spanned, Value};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSpec {
    pub name: Spanned<String>,
    #[serde(default)]
    pub date: Option<Spanned<Value>>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub lines: IndexMap<String, Spanned<LineSpec>>,
    #[serde(default)]
    pub places: Option<Spanned<FileRef>>,
    #[serde(default)]
    pub sites: Option<Spanned<FileRef>>,
    #[serde(default)]
    pub zones: IndexMap<String, Spanned<ZoneSpec>>,
    #[serde(default)]
    pub patrols: IndexMap<String, Spanned<PatrolSpec>>,
}

/// `[lines.ID]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LineSpec {
    pub file: Spanned<String>,
    pub kind: Spanned<String>,
}

/// `[places]` and `[sites]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileRef {
    pub file: Spanned<String>,
}

/// Per side: a width, `0` or a band; `north`/`south` or `left`/`right`. (Written out in each
/// table rather than flattened: serde's flatten loses the spans and the unknown-key check.)
pub(super) struct SidesSpec<'a> {
    pub north: Option<&'a Spanned<Value>>,
    pub south: Option<&'a Spanned<Value>>,
    pub left: Option<&'a Spanned<Value>>,
    pub right: Option<&'a Spanned<Value>>,
}

/// `[zones.ID]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ZoneSpec {
    pub line: Spanned<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub to: Option<Spanned<String>>,
    #[serde(default)]
    pub north: Option<Spanned<Value>>,
    #[serde(default)]
    pub south: Option<Spanned<Value>>,
    #[serde(default)]
    pub left: Option<Spanned<Value>>,
    #[serde(default)]
    pub right: Option<Spanned<Value>>,
    #[serde(default)]
    pub cap: Option<Spanned<String>>,
    #[serde(default)]
    pub tolerance: Option<Spanned<Value>>,
    #[serde(default)]
    pub except: Vec<Spanned<ExceptSpec>>,
    #[serde(default)]
    pub stretch: Vec<Spanned<StretchSpec>>,
}

/// One of `except = [{ from, to, note }]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExceptSpec {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    #[serde(default)]
    #[allow(dead_code)] // Read so that it is allowed; it documents the file.
    pub note: Option<String>,
}

/// One of `[[zones.ID.stretch]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StretchSpec {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    #[serde(default)]
    pub north: Option<Spanned<Value>>,
    #[serde(default)]
    pub south: Option<Spanned<Value>>,
    #[serde(default)]
    pub left: Option<Spanned<Value>>,
    #[serde(default)]
    pub right: Option<Spanned<Value>>,
}

/// `[patrols.ID]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PatrolSpec {
    pub line: Spanned<String>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub start: Spanned<Value>,
    #[serde(default)]
    pub speed: Option<Spanned<Value>>,
    #[serde(default, rename = "return")]
    pub return_leg: bool,
    #[serde(default)]
    pub checkpoint_every: Option<Spanned<Value>>,
    #[serde(default)]
    pub dwell: Option<Spanned<Value>>,
    #[serde(default)]
    pub turnaround: Option<Spanned<Value>>,
    #[serde(default)]
    pub stops_within: Option<Spanned<Value>>,
}

impl<'a> SidesSpec<'a> {
    fn of([north, south, left, right]: [&'a Option<Spanned<Value>>; 4]) -> SidesSpec<'a> {
        SidesSpec {
            north: north.as_ref(),
            south: south.as_ref(),
            left: left.as_ref(),
            right: right.as_ref(),
        }
    }
}

impl ZoneSpec {
    pub fn sides(&self) -> SidesSpec<'_> {
        SidesSpec::of([&self.north, &self.south, &self.left, &self.right])
    }
}

impl StretchSpec {
    pub fn sides(&self) -> SidesSpec<'_> {
        SidesSpec::of([&self.north, &self.south, &self.left, &self.right])
    }
}

/// A value as text: strings as they are, numbers and dates as TOML writes them.
pub(super) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

/// The 1-based line of a byte offset.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
