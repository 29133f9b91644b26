//! Placing the points of a CSV file, streamed in chunks.

use std::io::{Read, Write};

use rayon::prelude::*;

use super::{ADDED_COLUMNS, Classification, Classifier, ClassifyError, Summary};
use geo::Coord;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CorridorOptions, Road};
    use geo::line_string;

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
