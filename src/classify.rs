//! Placing points against a corridor: inside or not, which side, how far from the road and at
//! what chainage, by exact geodesic distance. No polygon is built and nothing is rasterised.
//!
//! # Rules
//! - The nearest point of the road section decides ([`Road::locate`]): its side, its chainage and
//!   the distance. At the outside of a corner the nearest point is the corner vertex.
//! - A point is inside when its distance is at most the width of its side.
//! - With flat caps, a point beyond either end (behind the geodesic normal to the road at its
//!   first or last vertex) is outside, whatever its distance; its chainage is clamped to 0 or the
//!   section's length. With round caps the end vertex is the nearest point there, and the
//!   distance to it decides.
//!
//! These are the rules the [`Corridor`] polygons follow, so a point more than the corridor's
//! tolerance inside a half is classified to that half, and one more than the tolerance outside
//! the corridor is outside.
//!
//! Files stream through [`classify_csv`] (any size, memory stays flat: records are read in chunks,
//! each chunk placed in parallel, written in order) and [`classify_geojson`].

use std::io::{Read, Write};

use geo::Coord;
use geojson::{Feature, GeoJson, GeometryValue};
use rayon::prelude::*;
use serde_json::Value;

use crate::geojson_input::{self, GeoJsonError};
use crate::{Cap, Corridor, CorridorOptions, Road, Side, SideNames};

/// What can go wrong placing points.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    /// A point that is not a finite longitude and latitude in range.
    #[error("point ({lon}, {lat}) is not a valid longitude, latitude")]
    BadPoint {
        /// Longitude given, degrees.
        lon: f64,
        /// Latitude given, degrees.
        lat: f64,
    },
    /// A CSV record (or the file) that cannot be read.
    #[error("line {line}: {message}")]
    Csv {
        /// 1-based line of the file where the record starts.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// No column holds the longitude or the latitude.
    #[error("no {what} column: expected one named {expected}; the columns are {found}")]
    MissingColumn {
        /// `longitude` or `latitude`.
        what: &'static str,
        /// The names looked for.
        expected: String,
        /// The header, comma separated.
        found: String,
    },
    /// The input already has a column the output adds.
    #[error("the input already has a column `{0}`, which the output adds")]
    DuplicateColumn(String),
    /// A coordinate field that is not a number.
    #[error("line {line}: `{value}` in column `{column}` is not a number")]
    BadNumber {
        /// 1-based line of the file.
        line: u64,
        /// Column name.
        column: String,
        /// The text found.
        value: String,
    },
    /// A point out of range on a line of a CSV file.
    #[error(
        "line {line}: ({lon}, {lat}) is not a valid longitude, latitude (lon must lie in [-180, 180], lat in [-90, 90])"
    )]
    BadPointAt {
        /// 1-based line of the file.
        line: u64,
        /// Longitude found, degrees.
        lon: f64,
        /// Latitude found, degrees.
        lat: f64,
    },
    /// Coordinates on a line of a CSV file that could not be turned into a longitude and
    /// latitude (see [`classify_csv_with`]).
    #[error("line {line}: {message}")]
    BadCoordinates {
        /// 1-based line of the file.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The file is not the GeoJSON asked for.
    #[error(transparent)]
    GeoJson(#[from] GeoJsonError),
    /// A GeoJSON feature that is not a usable point.
    #[error("feature {index}: {problem}")]
    BadFeature {
        /// Zero-based feature index.
        index: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// Reading the input failed.
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    /// Writing the output failed.
    #[error("cannot write: {0}")]
    Write(#[source] std::io::Error),
}

/// Where one point lies against a corridor.
///
/// # Units
/// `distance_m` in metres, `chainage_km` in kilometres from the start of the road section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classification {
    /// Inside the corridor: within the width of its side, and not beyond a flat cap.
    pub inside: bool,
    /// Left or right of the direction of travel (a point on the road counts as left).
    pub side: Side,
    /// The side's name: `north`/`south`, or `left`/`right` where no compass side fits.
    pub side_name: &'static str,
    /// Geodesic distance to the road section, metres.
    pub distance_m: f64,
    /// Chainage of the nearest road point, kilometres from the start of the section.
    pub chainage_km: f64,
}

/// Places points against a corridor, without building it.
///
/// # Examples
/// ```
/// use corridor::classify::Classifier;
/// use corridor::{CorridorOptions, Road};
/// use geo::{coord, line_string};
///
/// // 10 km of road near Saraqib, west to east (longitude, latitude), 6 km either side.
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
/// let classifier = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let at = classifier.classify(coord! { x: 36.75, y: 35.90 }).unwrap();
/// assert!(at.inside);
/// assert_eq!(at.side_name, "north");
/// assert!((at.distance_m - 4_436.89).abs() < 0.01);
/// // 30 km east of the end: beyond the flat cap.
/// assert!(!classifier.classify(coord! { x: 37.1, y: 35.86 }).unwrap().inside);
/// ```
#[derive(Debug, Clone)]
pub struct Classifier {
    road: Road,
    options: CorridorOptions,
    names: SideNames,
}

impl Classifier {
    /// A classifier for the corridor `options` would build on `road` (the whole road; cut a
    /// section first with [`Road::section_m`] to classify against part of it).
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{CorridorOptions, Road, SideNames};
    /// use geo::line_string;
    ///
    /// let road = Road::new(line_string![(x: 36.0, y: 35.0), (x: 36.0, y: 36.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(1_000.0).unwrap());
    /// assert_eq!(c.names(), SideNames::LeftRight); // a northward road has left and right
    /// ```
    pub fn new(road: &Road, options: &CorridorOptions) -> Classifier {
        Classifier {
            road: road.clone(),
            options: *options,
            names: SideNames::for_road(road),
        }
    }

    /// A classifier that agrees with a corridor already built.
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{Corridor, CorridorOptions, Road};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let corridor = Corridor::build(&road, &CorridorOptions::new(500.0, 2_000.0).unwrap());
    /// let c = Classifier::for_corridor(&corridor);
    /// // 1.1 km south (right of an eastward road): inside the 2 km right half.
    /// assert!(c.classify(coord! { x: 0.05, y: -0.01 }).unwrap().inside);
    /// ```
    pub fn for_corridor(corridor: &Corridor) -> Classifier {
        Classifier {
            road: corridor.road().clone(),
            options: *corridor.options(),
            names: corridor.names(),
        }
    }

    /// The road section points are placed against.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{classify::Classifier, CorridorOptions, Road};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(100.0).unwrap());
    /// assert_eq!(c.road().length_m(), road.length_m());
    /// ```
    pub fn road(&self) -> &Road {
        &self.road
    }

    /// How the sides are named.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{classify::Classifier, CorridorOptions, Road, SideNames};
    /// # use geo::line_string;
    /// let road = Road::new(line_string![(x: 0.1, y: 0.0), (x: 0.0, y: 0.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(100.0).unwrap());
    /// assert_eq!(c.names(), SideNames::LeftSouth); // westward: left is south
    /// ```
    pub fn names(&self) -> SideNames {
        self.names
    }

    /// Places one `(lon, lat)` point.
    ///
    /// # Units
    /// Degrees in; metres and kilometres out (see [`Classification`]).
    ///
    /// # Errors
    /// [`ClassifyError::BadPoint`] when the point is not a finite longitude in [-180, 180] and
    /// latitude in [-90, 90].
    ///
    /// # Examples
    /// ```
    /// use corridor::classify::Classifier;
    /// use corridor::{Cap, CorridorOptions, Road};
    /// use geo::{coord, line_string};
    ///
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let round = CorridorOptions::symmetric(2_000.0).unwrap().cap(Cap::Round);
    /// let c = Classifier::new(&road, &round);
    /// // 1.1 km east of the end, on the road's line: inside the round cap.
    /// let at = c.classify(coord! { x: 0.11, y: 0.0 }).unwrap();
    /// assert!(at.inside && (at.distance_m - 1_113.2).abs() < 0.1);
    /// assert!((at.chainage_km - road.length_m() / 1_000.0).abs() < 1e-12);
    /// assert!(c.classify(coord! { x: 200.0, y: 0.0 }).is_err());
    /// ```
    pub fn classify(&self, p: Coord) -> Result<Classification, ClassifyError> {
        if !p.x.is_finite()
            || !p.y.is_finite()
            || !(-180.0..=180.0).contains(&p.x)
            || !(-90.0..=90.0).contains(&p.y)
        {
            return Err(ClassifyError::BadPoint { lon: p.x, lat: p.y });
        }
        // The range is checked above, so the road cannot refuse the point.
        let at = self
            .road
            .locate(p)
            .map_err(|_| ClassifyError::BadPoint { lon: p.x, lat: p.y })?;
        let width_m = self.options.width_m(at.side);
        let inside = at.distance_m <= width_m && (self.options.cap == Cap::Round || !at.beyond_end);
        Ok(Classification {
            inside,
            side: at.side,
            side_name: self.names.name(at.side),
            distance_m: at.distance_m,
            chainage_km: at.chainage_m / 1_000.0,
        })
    }

    /// Places many points at once, in parallel, results in input order.
    ///
    /// # Examples
    /// ```
    /// # use corridor::{classify::Classifier, CorridorOptions, Road};
    /// # use geo::{coord, line_string};
    /// let road = Road::new(line_string![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0)]).unwrap();
    /// let c = Classifier::new(&road, &CorridorOptions::symmetric(1_000.0).unwrap());
    /// let out = c.classify_all(&[coord! { x: 0.05, y: 0.001 }, coord! { x: 0.05, y: -0.5 }]);
    /// assert!(out[0].as_ref().unwrap().inside);
    /// assert!(!out[1].as_ref().unwrap().inside);
    /// ```
    pub fn classify_all(&self, points: &[Coord]) -> Vec<Result<Classification, ClassifyError>> {
        points.par_iter().map(|p| self.classify(*p)).collect()
    }
}

/// Names of the columns the output adds, in order.
pub const ADDED_COLUMNS: [&str; 4] = ["inside", "side", "distance_m", "chainage_km"];

/// Column names taken for the longitude when none is named (compared ignoring case).
pub const LON_NAMES: [&str; 4] = ["lon", "lng", "longitude", "x"];

/// Column names taken for the latitude when none is named (compared ignoring case).
pub const LAT_NAMES: [&str; 3] = ["lat", "latitude", "y"];

/// Records read, placed in parallel and written per round: large enough to keep both cores busy,
/// small enough that memory stays flat (a few tens of megabytes at most).
pub const CHUNK_RECORDS: usize = 64 * 1024;

/// Records one core places and formats at a time within a chunk.
const PIECE_RECORDS: usize = 2_048;

/// How to read a CSV file of points.
///
/// # Examples
/// ```
/// use corridor::classify::CsvOptions;
/// let options = CsvOptions::default().lon_col("easting_deg").lat_col("northing_deg");
/// assert_eq!(options.lon_col.as_deref(), Some("easting_deg"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// The longitude column's name; when `None`, the first column named one of [`LON_NAMES`].
    pub lon_col: Option<String>,
    /// The latitude column's name; when `None`, the first column named one of [`LAT_NAMES`].
    pub lat_col: Option<String>,
}

impl CsvOptions {
    /// Names the longitude column.
    ///
    /// # Examples
    /// ```
    /// let o = corridor::classify::CsvOptions::default().lon_col("LON_DEG");
    /// assert_eq!(o.lon_col.unwrap(), "LON_DEG");
    /// ```
    pub fn lon_col(mut self, name: impl Into<String>) -> CsvOptions {
        self.lon_col = Some(name.into());
        self
    }

    /// Names the latitude column.
    ///
    /// # Examples
    /// ```
    /// let o = corridor::classify::CsvOptions::default().lat_col("LAT_DEG");
    /// assert_eq!(o.lat_col.unwrap(), "LAT_DEG");
    /// ```
    pub fn lat_col(mut self, name: impl Into<String>) -> CsvOptions {
        self.lat_col = Some(name.into());
        self
    }
}

/// Counts of what a run placed.
///
/// # Examples
/// ```
/// let s = corridor::classify::Summary::default();
/// assert_eq!(s.points, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Points read.
    pub points: u64,
    /// Points inside the corridor.
    pub inside: u64,
    /// Points inside the left half.
    pub inside_left: u64,
    /// Points inside the right half.
    pub inside_right: u64,
}

impl Summary {
    fn merge(&mut self, other: &Summary) {
        self.points += other.points;
        self.inside += other.inside;
        self.inside_left += other.inside_left;
        self.inside_right += other.inside_right;
    }

    fn add(&mut self, c: &Classification) {
        self.points += 1;
        if c.inside {
            self.inside += 1;
            match c.side {
                Side::Left => self.inside_left += 1,
                Side::Right => self.inside_right += 1,
            }
        }
    }
}

fn header_list(headers: &csv::ByteRecord) -> String {
    headers
        .iter()
        .map(|h| format!("`{}`", String::from_utf8_lossy(h)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn find_column(
    headers: &csv::ByteRecord,
    named: Option<&str>,
    defaults: &[&str],
    what: &'static str,
) -> Result<usize, ClassifyError> {
    let trimmed = |h: &[u8]| String::from_utf8_lossy(h).trim().to_string();
    let found = match named {
        Some(name) => headers.iter().position(|h| trimmed(h) == name),
        None => defaults.iter().find_map(|want| {
            headers
                .iter()
                .position(|h| trimmed(h).eq_ignore_ascii_case(want))
        }),
    };
    found.ok_or_else(|| ClassifyError::MissingColumn {
        what,
        expected: match named {
            Some(name) => format!("`{name}`"),
            None => defaults.join(", "),
        },
        found: header_list(headers),
    })
}

fn csv_error(e: csv::Error) -> ClassifyError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ClassifyError::Read(io),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ClassifyError::Csv {
            line,
            message: format!("found {len} fields, but the header has {expected_len}"),
        },
        csv::ErrorKind::Utf8 { err, .. } => ClassifyError::Csv {
            line,
            message: format!("not UTF-8: {err}"),
        },
        other => ClassifyError::Csv {
            line,
            message: format!("{other:?}"),
        },
    }
}

fn parse_field(
    record: &csv::ByteRecord,
    column: usize,
    name: &str,
    line: u64,
) -> Result<f64, ClassifyError> {
    let bytes = record.get(column).unwrap_or_default();
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .ok_or_else(|| ClassifyError::BadNumber {
            line,
            column: name.to_string(),
            value: String::from_utf8_lossy(bytes).into_owned(),
        })
}

/// Formats the four added fields into `buf` (cleared first): `inside`, `side`, `distance_m` to
/// the centimetre and `chainage_km` to the centimetre.
fn added_fields(c: &Classification, buf: &mut [String; 4]) {
    use std::fmt::Write as _;
    for s in buf.iter_mut() {
        s.clear();
    }
    buf[0].push_str(if c.inside { "true" } else { "false" });
    buf[1].push_str(c.side_name);
    // Writing into a String cannot fail.
    let _ = write!(buf[2], "{:.2}", c.distance_m);
    let _ = write!(buf[3], "{:.5}", c.chainage_km);
}

/// Places the points of a CSV file and writes them as CSV: every input column, then `inside`,
/// `side`, `distance_m` and `chainage_km` ([`ADDED_COLUMNS`]). The longitude and latitude
/// columns are found by name ([`CsvOptions`]).
///
/// The file streams: [`CHUNK_RECORDS`] records at a time are read, placed in parallel and
/// written in input order, so memory stays flat however large the file. `progress` is called
/// after each chunk with the number of input bytes consumed so far.
///
/// # Errors
/// [`ClassifyError::MissingColumn`], [`ClassifyError::DuplicateColumn`],
/// [`ClassifyError::Csv`], [`ClassifyError::BadNumber`], [`ClassifyError::BadPointAt`] (each
/// naming the line), [`ClassifyError::Read`] or [`ClassifyError::Write`]. Output written before an error stays written:
/// write into [`write_atomic`](crate::export::write_atomic) to keep nothing on failure.
///
/// # Examples
/// ```
/// use corridor::classify::{Classifier, CsvOptions, classify_csv};
/// use corridor::{CorridorOptions, Road};
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
/// let classifier = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let input = "id,Longitude,Latitude\nA,36.75,35.90\nB,36.75,35.50\n";
/// let mut out = Vec::new();
/// let summary = classify_csv(&classifier, input.as_bytes(), &mut out, &CsvOptions::default(), |_| {}).unwrap();
/// assert_eq!((summary.points, summary.inside), (2, 1));
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("id,Longitude,Latitude,inside,side,distance_m,chainage_km\nA,36.75,35.90,true,north,4436.89,4.51637\n"));
/// ```
pub fn classify_csv<R: Read, W: Write>(
    classifier: &Classifier,
    input: R,
    output: W,
    options: &CsvOptions,
    progress: impl FnMut(u64),
) -> Result<Summary, ClassifyError> {
    classify_csv_with(classifier, input, output, options, &|c| Ok(c), progress)
}

/// Like [`classify_csv`], for points whose columns hold coordinates in another system:
/// `to_lon_lat` turns each `(x, y)` read into a `(lon, lat)` in degrees, or says why it cannot
/// (an error becomes [`ClassifyError::BadCoordinates`] naming the line). The output keeps every
/// column as it was read. It runs on several threads at once; with the `proj` feature, give it
/// one `corridor::crs::Crs` per thread.
///
/// # Errors
/// Those of [`classify_csv`], and [`ClassifyError::BadCoordinates`].
///
/// # Examples
/// ```
/// use corridor::classify::{Classifier, CsvOptions, classify_csv_with};
/// use corridor::{CorridorOptions, Road};
/// use geo::{coord, line_string};
///
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
/// let classifier = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// // Kilometres east and north of (36.70°E, 35.86°N), a rough local grid for the example.
/// let to_lon_lat = |c: geo::Coord| -> Result<geo::Coord, String> {
///     if c.x < 0.0 { return Err(format!("{} is west of the grid", c.x)); }
///     Ok(coord! { x: 36.70 + c.x / 90.2, y: 35.86 + c.y / 111.0 })
/// };
/// let input = "id,x,y\nA,4.5,4.4\n";
/// let mut out = Vec::new();
/// let summary = classify_csv_with(&classifier, input.as_bytes(), &mut out,
///     &CsvOptions::default(), &to_lon_lat, |_| {}).unwrap();
/// assert_eq!(summary.inside_left, 1);
/// assert!(String::from_utf8(out).unwrap().contains("A,4.5,4.4,true,north,"));
/// let bad = classify_csv_with(&classifier, "x,y\n-1,0\n".as_bytes(), Vec::new(),
///     &CsvOptions::default(), &to_lon_lat, |_| {});
/// assert_eq!(bad.unwrap_err().to_string(), "line 2: -1 is west of the grid");
/// ```
pub fn classify_csv_with<R: Read, W: Write>(
    classifier: &Classifier,
    input: R,
    output: W,
    options: &CsvOptions,
    to_lon_lat: &(dyn Fn(Coord) -> Result<Coord, String> + Sync),
    progress: impl FnMut(u64),
) -> Result<Summary, ClassifyError> {
    classify_csv_in_chunks(
        classifier,
        input,
        output,
        options,
        progress,
        CHUNK_RECORDS,
        to_lon_lat,
    )
}

fn classify_csv_in_chunks<R: Read, W: Write>(
    classifier: &Classifier,
    input: R,
    output: W,
    options: &CsvOptions,
    mut progress: impl FnMut(u64),
    chunk_records: usize,
    to_lon_lat: &(dyn Fn(Coord) -> Result<Coord, String> + Sync),
) -> Result<Summary, ClassifyError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let mut output = std::io::BufWriter::with_capacity(1 << 20, output);
    let headers = reader.byte_headers().map_err(csv_error)?.clone();
    for added in ADDED_COLUMNS {
        if headers.iter().any(|h| h == added.as_bytes()) {
            return Err(ClassifyError::DuplicateColumn(added.to_string()));
        }
    }
    let lon_col = find_column(
        &headers,
        options.lon_col.as_deref(),
        &LON_NAMES,
        "longitude",
    )?;
    let lat_col = find_column(&headers, options.lat_col.as_deref(), &LAT_NAMES, "latitude")?;
    let lon_name = String::from_utf8_lossy(&headers[lon_col]).into_owned();
    let lat_name = String::from_utf8_lossy(&headers[lat_col]).into_owned();
    let mut out_headers = headers.clone();
    for added in ADDED_COLUMNS {
        out_headers.push_field(added.as_bytes());
    }
    let mut header = csv::Writer::from_writer(Vec::new());
    header
        .write_byte_record(&out_headers)
        .map_err(write_error)?;
    let header = header
        .into_inner()
        .map_err(|e| ClassifyError::Write(std::io::Error::other(e.to_string())))?;
    output.write_all(&header).map_err(ClassifyError::Write)?;

    let mut summary = Summary::default();
    // Records are reused from chunk to chunk, so their buffers are allocated once.
    let mut chunk: Vec<csv::ByteRecord> = Vec::with_capacity(chunk_records);
    loop {
        let mut filled = 0;
        while filled < chunk_records {
            if filled == chunk.len() {
                chunk.push(csv::ByteRecord::new());
            }
            if !reader
                .read_byte_record(&mut chunk[filled])
                .map_err(csv_error)?
            {
                break;
            }
            filled += 1;
        }
        if filled == 0 {
            break;
        }
        // Each piece is placed and formatted on its own core; the pieces are written in order.
        let pieces: Vec<Result<(Vec<u8>, Summary), ClassifyError>> = chunk[..filled]
            .par_chunks(PIECE_RECORDS)
            .map(|records| {
                let mut piece = csv::Writer::from_writer(Vec::with_capacity(records.len() * 80));
                let mut summary = Summary::default();
                let mut fields: [String; 4] = Default::default();
                for record in records {
                    let columns = [(lon_col, lon_name.as_str()), (lat_col, lat_name.as_str())];
                    let c = place_record(classifier, record, columns, to_lon_lat)?;
                    summary.add(&c);
                    added_fields(&c, &mut fields);
                    for field in record.iter() {
                        piece.write_field(field).map_err(write_error)?;
                    }
                    for field in &fields {
                        piece.write_field(field).map_err(write_error)?;
                    }
                    piece.write_record(None::<&[u8]>).map_err(write_error)?;
                }
                let bytes = piece
                    .into_inner()
                    .map_err(|e| ClassifyError::Write(std::io::Error::other(e.to_string())))?;
                Ok((bytes, summary))
            })
            .collect();
        for piece in pieces {
            let (bytes, counts) = piece?;
            output.write_all(&bytes).map_err(ClassifyError::Write)?;
            summary.merge(&counts);
        }
        progress(reader.position().byte());
        if filled < chunk_records {
            break;
        }
    }
    output.flush().map_err(ClassifyError::Write)?;
    Ok(summary)
}

/// Places one CSV record, naming its line in any error.
fn place_record(
    classifier: &Classifier,
    record: &csv::ByteRecord,
    [(lon_col, lon_name), (lat_col, lat_name)]: [(usize, &str); 2],
    to_lon_lat: &(dyn Fn(Coord) -> Result<Coord, String> + Sync),
) -> Result<Classification, ClassifyError> {
    let line = record.position().map_or(0, |p| p.line());
    let x = parse_field(record, lon_col, lon_name, line)?;
    let y = parse_field(record, lat_col, lat_name, line)?;
    let p = to_lon_lat(Coord { x, y })
        .map_err(|message| ClassifyError::BadCoordinates { line, message })?;
    classifier.classify(p).map_err(|e| match e {
        ClassifyError::BadPoint { lon, lat } => ClassifyError::BadPointAt { line, lon, lat },
        other => other,
    })
}

/// An error of the CSV writer: anything but I/O cannot happen when writing byte records.
fn write_error(e: csv::Error) -> ClassifyError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ClassifyError::Write(io),
        other => ClassifyError::Write(std::io::Error::other(format!("{other:?}"))),
    }
}

/// Places the points of a GeoJSON FeatureCollection (or a single Feature) of Point features,
/// adding `inside`, `side`, `distance_m` and `chainage_km` to each feature's properties; every
/// other member is kept as it was.
///
/// # Errors
/// [`ClassifyError::GeoJson`] or [`ClassifyError::BadFeature`]
/// for a feature that is not a Point in range.
///
/// # Examples
/// ```
/// use corridor::classify::{Classifier, classify_geojson};
/// use corridor::{CorridorOptions, Road};
/// use geo::line_string;
///
/// let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
/// let classifier = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
/// let input = r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
///   "properties": {"name": "post 1"}, "geometry": {"type": "Point", "coordinates": [36.75, 35.82]}}]}"#;
/// let (out, summary) = classify_geojson(&classifier, input).unwrap();
/// assert_eq!(summary.inside, 1);
/// let GeoJson::FeatureCollection(fc) = out else { panic!() };
/// assert_eq!(fc.features[0].property("side").unwrap(), "south");
/// assert_eq!(fc.features[0].property("name").unwrap(), "post 1");
/// # use geojson::GeoJson;
/// ```
pub fn classify_geojson(
    classifier: &Classifier,
    text: &str,
) -> Result<(GeoJson, Summary), ClassifyError> {
    let mut geojson = geojson_input::parse(text)?;
    let features: &mut [Feature] = match &mut geojson {
        GeoJson::FeatureCollection(fc) => &mut fc.features,
        GeoJson::Feature(f) => std::slice::from_mut(f),
        GeoJson::Geometry(_) => {
            return Err(GeoJsonError::BareGeometry {
                expected: "Point features",
            }
            .into());
        }
    };
    let placed: Vec<Result<Classification, ClassifyError>> = features
        .par_iter()
        .enumerate()
        .map(|(index, f)| {
            let bad = |problem: String| ClassifyError::BadFeature { index, problem };
            let p = match f.geometry.as_ref().map(|g| &g.value) {
                Some(GeometryValue::Point { coordinates }) => {
                    match (
                        coordinates.as_slice().first(),
                        coordinates.as_slice().get(1),
                    ) {
                        (Some(&x), Some(&y)) => Coord { x, y },
                        _ => return Err(bad("its Point has fewer than 2 coordinates".into())),
                    }
                }
                Some(other) => {
                    return Err(bad(format!(
                        "expected a Point, found a {}",
                        other.type_name()
                    )));
                }
                None => return Err(bad("it has no geometry".into())),
            };
            classifier
                .classify(p)
                .map_err(|e| bad(format!("{e} (coordinates are lon, lat)")))
        })
        .collect();
    let mut summary = Summary::default();
    for (f, result) in features.iter_mut().zip(placed) {
        let c = result?;
        summary.add(&c);
        let properties = f.properties.get_or_insert_with(Default::default);
        properties.insert("inside".into(), Value::Bool(c.inside));
        properties.insert("side".into(), Value::from(c.side_name));
        properties.insert("distance_m".into(), Value::from(round_to(c.distance_m, 2)));
        properties.insert(
            "chainage_km".into(),
            Value::from(round_to(c.chainage_km, 5)),
        );
    }
    Ok((geojson, summary))
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesic;
    use geo::{Contains, line_string};

    /// A small deterministic generator (xorshift64*), so the random cases are the same each run.
    struct Rng(u64);
    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.unit()
        }
    }

    /// A winding road near Ariha (longitude, latitude): bends tight enough, for the widths used,
    /// that the offsets on the inside of a bend overlap.
    fn curvy_road() -> Road {
        let coords: Vec<Coord> = (0..=40)
            .map(|k| {
                let t = k as f64 / 40.0;
                Coord {
                    x: 36.40 + 0.30 * t,
                    y: 35.80 + 0.025 * (t * 14.0).sin() + 0.01 * (t * 37.0).cos(),
                }
            })
            .collect();
        Road::from_coords(coords).unwrap()
    }

    /// Independent distance oracle: the road re-derived from its vertices with GeographicLib,
    /// sampled every 25 m, the best sample refined by ternary search along the road.
    fn oracle_distance_m(road: &Road, p: Coord) -> f64 {
        let v = road.coords();
        let segs: Vec<(Coord, f64, f64)> = v
            .windows(2)
            .map(|w| {
                let inv = geodesic::inverse(w[0], w[1]);
                (w[0], inv.azimuth1_deg, inv.distance_m)
            })
            .collect();
        let total: f64 = segs.iter().map(|s| s.2).sum();
        let at = |mut c: f64| {
            c = c.clamp(0.0, total);
            for &(a, az, len) in &segs {
                if c <= len {
                    return geodesic::direct(a, az, c).0;
                }
                c -= len;
            }
            v[v.len() - 1]
        };
        let f = |c: f64| geodesic::distance_m(at(c), p);
        let step = 25.0;
        let n = (total / step).ceil() as usize;
        let best = (0..=n)
            .map(|k| (k as f64 * step).min(total))
            .min_by(|a, b| f(*a).total_cmp(&f(*b)))
            .unwrap();
        let (mut lo, mut hi) = ((best - step).max(0.0), (best + step).min(total));
        for _ in 0..100 {
            let m1 = lo + (hi - lo) / 3.0;
            let m2 = hi - (hi - lo) / 3.0;
            if f(m1) < f(m2) {
                hi = m2;
            } else {
                lo = m1;
            }
        }
        f(0.5 * (lo + hi)).min(f(0.0)).min(f(total))
    }

    mod against_polygons {
        use super::*;

        #[test]
        fn agrees_with_the_corridor_halves_on_a_curvy_road() {
            let road = curvy_road();
            let options = CorridorOptions::new(1_500.0, 2_500.0).unwrap();
            let corridor = Corridor::build(&road, &options);
            let classifier = Classifier::for_corridor(&corridor);
            let ends = [road.coords()[0], road.coords()[road.coords().len() - 1]];
            let mut rng = Rng(0x5eed_c0de);
            let (mut checked, mut inside) = (0, 0);
            while checked < 1_500 {
                let p = Coord {
                    x: rng.range(36.35, 36.75),
                    y: rng.range(35.72, 35.88),
                };
                // Keep away from the caps, where the tolerance test needs its own care (below).
                if ends.iter().any(|e| geodesic::distance_m(*e, p) < 3_000.0) {
                    continue;
                }
                let c = classifier.classify(p).unwrap();
                let width_m = options.width_m(c.side);
                if (c.distance_m - width_m).abs() < 1.0 {
                    continue;
                }
                checked += 1;
                let in_left = corridor.half(Side::Left).contains(&p);
                let in_right = corridor.half(Side::Right).contains(&p);
                if c.inside {
                    inside += 1;
                    assert_eq!(
                        (in_left, in_right),
                        (c.side == Side::Left, c.side == Side::Right),
                        "{p:?} {c:?}"
                    );
                } else {
                    assert!(!corridor.whole().contains(&p), "{p:?} {c:?}");
                }
            }
            // Both outcomes were exercised, in good numbers.
            assert!(inside > 300 && inside < 1_200, "{inside}");
        }

        #[test]
        fn flat_caps_cut_along_the_normal() {
            let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.87)]).unwrap();
            let options = CorridorOptions::symmetric(2_000.0).unwrap();
            let corridor = Corridor::build(&road, &options);
            let classifier = Classifier::for_corridor(&corridor);
            let length_m = road.length_m();
            let end_azimuth = road.azimuth_at_deg(length_m).unwrap();
            let start_azimuth = road.azimuth_at_deg(0.0).unwrap();
            let end = road.coords()[1];
            let start = road.coords()[0];
            for offset_m in [-1_500.0, -300.0, 300.0, 1_500.0] {
                let across =
                    |from: Coord, azimuth: f64| geodesic::direct(from, azimuth - 90.0, offset_m).0;
                let foot_end = across(end, end_azimuth);
                let foot_start = across(start, start_azimuth);
                // 2 m ahead of the end's normal (beyond the cap) and 2 m back from it.
                for (p, expect) in [
                    (geodesic::direct(foot_end, end_azimuth, 2.0).0, false),
                    (geodesic::direct(foot_end, end_azimuth, -2.0).0, true),
                    (geodesic::direct(foot_start, start_azimuth, -2.0).0, false),
                    (geodesic::direct(foot_start, start_azimuth, 2.0).0, true),
                ] {
                    let c = classifier.classify(p).unwrap();
                    assert_eq!(c.inside, expect, "{offset_m} {p:?} {c:?}");
                    assert_eq!(corridor.whole().contains(&p), expect, "{offset_m} {p:?}");
                }
            }
        }

        #[test]
        fn round_caps_follow_the_distance_to_the_end_vertex() {
            let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.80, y: 35.87)]).unwrap();
            let options = CorridorOptions::symmetric(2_000.0).unwrap().cap(Cap::Round);
            let corridor = Corridor::build(&road, &options);
            let classifier = Classifier::for_corridor(&corridor);
            let end = road.coords()[1];
            for azimuth in [10.0, 60.0, 75.0, 120.0, 170.0] {
                for (distance_m, expect) in [(1_998.0, true), (2_002.0, false)] {
                    let p = geodesic::direct(end, azimuth, distance_m).0;
                    let c = classifier.classify(p).unwrap();
                    assert_eq!(c.inside, expect, "{azimuth} {distance_m} {c:?}");
                    assert_eq!(corridor.whole().contains(&p), expect);
                    assert!((c.distance_m - distance_m).abs() < 1e-6);
                    if expect {
                        assert!(corridor.half(c.side).contains(&p));
                    }
                }
            }
        }
    }

    #[test]
    fn distances_are_exact_to_a_centimetre() {
        let road = curvy_road();
        let classifier = Classifier::new(&road, &CorridorOptions::symmetric(2_000.0).unwrap());
        let mut rng = Rng(42);
        for _ in 0..60 {
            let p = Coord {
                x: rng.range(36.3, 36.8),
                y: rng.range(35.65, 35.95),
            };
            let c = classifier.classify(p).unwrap();
            let oracle = oracle_distance_m(&road, p);
            assert!(
                (c.distance_m - oracle).abs() < 0.01,
                "{p:?}: {} vs oracle {oracle}",
                c.distance_m
            );
        }
    }

    /// `Road::locate` (the one nearest-point search) against the brute-force oracle where its
    /// search changes course: a road long enough for the tree rather than the scan, across the
    /// antimeridian, and one 2,000 km segment at high latitude, where chords bulge and a local
    /// plane would fail. Points near the road, far off it and beyond its ends.
    #[test]
    fn locate_agrees_with_the_oracle_on_long_roads_and_far_from_idlib() {
        let long: Vec<Coord> = (0..=400)
            .map(|k| {
                let t = k as f64 / 400.0;
                Coord {
                    x: 36.40 + 0.30 * t,
                    y: 35.80 + 0.025 * (t * 14.0).sin() + 0.01 * (t * 37.0).cos(),
                }
            })
            .collect();
        let roads = [
            (Road::from_coords(long).unwrap(), 30_000.0, 150),
            (
                Road::new(
                    line_string![(x: 179.2, y: -17.0), (x: 179.8, y: -16.9), (x: -179.6, y: -16.7)],
                )
                .unwrap(),
                100_000.0,
                40,
            ),
            (
                Road::new(line_string![(x: 10.0, y: 60.0), (x: 45.0, y: 62.0)]).unwrap(),
                100_000.0,
                6,
            ),
        ];
        let mut rng = Rng(7);
        for (road, reach_m, count) in roads {
            for k in 0..count {
                // A third within 50 m of the road, the rest up to `reach_m` off it.
                let on = road.point_at(rng.range(0.0, road.length_m())).unwrap();
                let off_m = if k % 3 == 0 { 50.0 } else { reach_m };
                let (p, _) = geodesic::direct(on, rng.range(0.0, 360.0), rng.range(0.0, off_m));
                let p = Coord {
                    x: geodesic::normalize_deg(p.x),
                    y: p.y,
                };
                let at = road.locate(p).unwrap();
                let oracle = oracle_distance_m(&road, p);
                assert!(
                    (at.distance_m - oracle).abs() < 5e-3,
                    "{p:?}: {} vs oracle {oracle}",
                    at.distance_m
                );
                // The nearest point is where it says, and as far as it says.
                assert!((geodesic::distance_m(at.nearest, p) - at.distance_m).abs() < 1e-3);
                let back = road.point_at(at.chainage_m).unwrap();
                assert!(geodesic::distance_m(back, at.nearest) < 1e-3, "{p:?}");
            }
        }
    }

    mod csv_files {
        use super::*;

        fn classifier() -> Classifier {
            let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
            Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap())
        }

        fn run(input: &str, options: &CsvOptions, chunk: usize) -> Result<String, ClassifyError> {
            let mut out = Vec::new();
            classify_csv_in_chunks(
                &classifier(),
                input.as_bytes(),
                &mut out,
                options,
                |_| {},
                chunk,
                &|c| Ok(c),
            )?;
            Ok(String::from_utf8(out).unwrap())
        }

        #[test]
        fn keeps_every_column_and_order_across_chunks() {
            let mut input = String::from("name,LAT,note,Lng\n");
            for k in 0..10 {
                input.push_str(&format!(
                    "p{k},{},\"a, b\",36.75\n",
                    35.80 + 0.01 * k as f64
                ));
            }
            let whole = run(&input, &CsvOptions::default(), CHUNK_RECORDS).unwrap();
            let chunked = run(&input, &CsvOptions::default(), 3).unwrap();
            assert_eq!(whole, chunked);
            let lines: Vec<&str> = whole.lines().collect();
            assert_eq!(
                lines[0],
                "name,LAT,note,Lng,inside,side,distance_m,chainage_km"
            );
            assert_eq!(lines.len(), 11);
            assert!(
                lines[1].starts_with("p0,35.8,\"a, b\",36.75,false,south,"),
                "{}",
                lines[1]
            );
            assert!(lines[10].starts_with("p9,35.89,\"a, b\",36.75,true,north,"));
        }

        #[test]
        fn named_columns_win() {
            let input = "x,y,east,north\n0,0,36.75,35.90\n";
            let options = CsvOptions::default().lon_col("east").lat_col("north");
            let out = run(input, &options, 2).unwrap();
            assert!(out.contains("0,0,36.75,35.90,true,north,"), "{out}");
        }

        #[test]
        fn names_the_line_of_a_bad_number() {
            let input = "lon,lat\n36.75,35.90\n36.75,35.91\n36.75,abc\n";
            match run(input, &CsvOptions::default(), 2) {
                Err(e @ ClassifyError::BadNumber { line: 4, .. }) => {
                    assert_eq!(
                        e.to_string(),
                        "line 4: `abc` in column `lat` is not a number"
                    )
                }
                other => panic!("{other:?}"),
            }
        }

        #[test]
        fn names_the_line_of_a_point_out_of_range() {
            let input = "lon,lat\n35.90,136.75\n";
            assert!(matches!(
                run(input, &CsvOptions::default(), 2),
                Err(ClassifyError::BadPointAt { line: 2, .. })
            ));
        }

        #[test]
        fn names_the_line_of_a_short_record() {
            let input = "lon,lat,id\n36.75,35.90,1\n36.75,35.90\n";
            let err = run(input, &CsvOptions::default(), 8).unwrap_err();
            assert_eq!(
                err.to_string(),
                "line 3: found 2 fields, but the header has 3"
            );
        }

        #[test]
        fn says_which_columns_it_looked_for() {
            let err = run("a,lat\n1,2\n", &CsvOptions::default(), 8).unwrap_err();
            assert_eq!(
                err.to_string(),
                "no longitude column: expected one named lon, lng, longitude, x; the columns are `a`, `lat`"
            );
            let err = run("lon,lat,inside\n1,2,3\n", &CsvOptions::default(), 8).unwrap_err();
            assert!(matches!(err, ClassifyError::DuplicateColumn(c) if c == "inside"));
        }

        #[test]
        fn an_empty_file_with_a_header_gives_a_header() {
            let out = run("lon,lat\n", &CsvOptions::default(), 8).unwrap();
            assert_eq!(out, "lon,lat,inside,side,distance_m,chainage_km\n");
        }
    }

    mod geojson_files {
        use super::*;

        #[test]
        fn refuses_a_feature_that_is_not_a_point() {
            let road = Road::new(line_string![(x: 36.70, y: 35.86), (x: 36.81, y: 35.86)]).unwrap();
            let c = Classifier::new(&road, &CorridorOptions::symmetric(6_000.0).unwrap());
            let text = r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[36.7,35.8]}},
              {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[36.7,35.8],[36.8,35.8]]}}]}"#;
            let err = classify_geojson(&c, text).unwrap_err();
            assert_eq!(
                err.to_string(),
                "feature 1: expected a Point, found a LineString"
            );
        }
    }
}
