//! Quantities as people write them: `6km`, `500m`, `40km/h`, and numbers printed without
//! trailing zeros.
//!
//! The command line reads its distances and speeds here, and so will agreement files: one
//! parser, so that `10km` means the same wherever it is written.
//!
//! ```
//! use corridor::units::{parse_distance_m, parse_speed_kmh, trim_number};
//!
//! assert_eq!(parse_distance_m("6km"), Ok(6_000.0));
//! assert_eq!(parse_speed_kmh("40km/h"), Ok(40.0));
//! assert_eq!(trim_number(2.50, 3), "2.5");
//! ```

/// What can be wrong with a written quantity. Each message quotes the text as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// A distance with a unit other than `m` or `km`.
    #[error("unknown unit `{unit}` (use m or km, as in 6km or 6000m)")]
    UnknownDistanceUnit {
        /// The unit as written, lower-cased.
        unit: String,
    },
    /// No number where a distance was expected.
    #[error("`{text}` is not a distance (as in 6km, 6000m or 6000)")]
    NotADistance {
        /// The text as given.
        text: String,
    },
    /// A distance of 0, below 0, or not finite.
    #[error("`{text}`: a distance must be more than 0")]
    DistanceNotPositive {
        /// The text as given.
        text: String,
    },
    /// No number (or an unknown unit) where a speed was expected.
    #[error("`{text}` is not a speed (as in 40km/h or 40)")]
    NotASpeed {
        /// The text as given.
        text: String,
    },
    /// A speed of 0, below 0, or not finite.
    #[error("`{text}`: a speed must be more than 0")]
    SpeedNotPositive {
        /// The text as given.
        text: String,
    },
    /// No number (or an unknown unit) where a duration was expected, or a negative one.
    #[error("`{text}` is not a duration (as in 10min, 1.5h or 10 for minutes)")]
    NotADuration {
        /// The text as given.
        text: String,
    },
    /// A width beyond the largest allowed.
    #[error("`{text}`: a width must be at most {max_km} km")]
    TooWide {
        /// The text as given.
        text: String,
        /// The largest width, km.
        max_km: f64,
    },
    /// A band `A..B` whose ends are not `0 ≤ A < B` (or B is beyond the largest width).
    #[error("`{text}`: a band A..B needs 0 ≤ A < B ≤ {max_km} km (as in 10km..30km)")]
    BadBand {
        /// The text as given.
        text: String,
        /// The largest outer distance, km.
        max_km: f64,
    },
}

/// Parses a distance, `6km`, `6000m` or `6000` (metres), into metres; it must be more than 0.
///
/// Units are `m` and `km` in any case, with or without a space before them; a bare number is
/// metres.
///
/// # Units
/// Returns metres.
///
/// # Errors
/// [`UnitError::UnknownDistanceUnit`], [`UnitError::NotADistance`], or
/// [`UnitError::DistanceNotPositive`] for 0, a negative, NaN or an infinite distance.
///
/// # Examples
/// ```
/// use corridor::units::{UnitError, parse_distance_m};
///
/// assert_eq!(parse_distance_m("1.5 KM"), Ok(1_500.0));
/// assert_eq!(parse_distance_m("500"), Ok(500.0));
/// assert_eq!(
///     parse_distance_m("6mi").unwrap_err().to_string(),
///     "unknown unit `mi` (use m or km, as in 6km or 6000m)"
/// );
/// assert!(matches!(parse_distance_m("0km"), Err(UnitError::DistanceNotPositive { .. })));
/// ```
pub fn parse_distance_m(s: &str) -> Result<f64, UnitError> {
    let text = s.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "m" => 1.0,
        "km" => 1_000.0,
        other => {
            return Err(UnitError::UnknownDistanceUnit { unit: other.into() });
        }
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| UnitError::NotADistance { text: s.into() })?;
    let metres = value * scale;
    if !metres.is_finite() || metres <= 0.0 {
        return Err(UnitError::DistanceNotPositive { text: s.into() });
    }
    Ok(metres)
}

/// Parses how far one side of a zone reaches: `0` (nothing on that side), a width (`10km`: from
/// the line out to 10 km) or a band (`10km..30km`: between 10 and 30 km from the line, the inner
/// end may be `0`).
///
/// # Units
/// Distances as [`parse_distance_m`] reads them; the [`Extent`] holds metres.
///
/// # Errors
/// What [`parse_distance_m`] returns for either end, [`UnitError::TooWide`] for a width above
/// [`MAX_WIDTH_M`](crate::MAX_WIDTH_M), and [`UnitError::BadBand`] for a band whose ends are not
/// `0 ≤ inner < outer ≤ MAX_WIDTH_M`.
///
/// # Examples
/// ```
/// use corridor::units::parse_reach;
///
/// assert_eq!(parse_reach("0"), Ok(None));
/// let band = parse_reach("10km..30km").unwrap().unwrap();
/// assert_eq!((band.inner_m(), band.outer_m()), (10_000.0, 30_000.0));
/// assert_eq!(parse_reach("6km").unwrap().unwrap().inner_m(), 0.0);
/// assert!(parse_reach("30km..10km").is_err());
/// ```
pub fn parse_reach(s: &str) -> Result<Option<Extent>, UnitError> {
    let text = s.trim();
    if is_zero(text) {
        return Ok(None);
    }
    let max_km = crate::MAX_WIDTH_M / 1_000.0;
    match text.split_once("..") {
        Some((inner, outer)) => {
            let inner_m = if is_zero(inner.trim()) {
                0.0
            } else {
                parse_distance_m(inner)?
            };
            Extent::band_m(inner_m, parse_distance_m(outer)?).map_err(|_| UnitError::BadBand {
                text: s.into(),
                max_km,
            })
        }
        None => Extent::width_m(parse_distance_m(text)?).map_err(|_| UnitError::TooWide {
            text: s.into(),
            max_km,
        }),
    }
    .map(Some)
}

/// `0`, `0m`, `0 km`, `0.0`: a distance of nothing.
fn is_zero(text: &str) -> bool {
    let number = text
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .trim();
    let unit = text[number.len()..].trim().to_ascii_lowercase();
    matches!(unit.as_str(), "" | "m" | "km") && number.parse::<f64>() == Ok(0.0)
}

/// Parses a speed, `40km/h` (also `kmh`, `kph`) or `40`, into km/h; it must be more than 0.
///
/// # Units
/// Returns kilometres per hour.
///
/// # Errors
/// [`UnitError::NotASpeed`] (no number, or another unit), [`UnitError::SpeedNotPositive`].
///
/// # Examples
/// ```
/// use corridor::units::parse_speed_kmh;
///
/// assert_eq!(parse_speed_kmh("30 km/h"), Ok(30.0));
/// assert!(parse_speed_kmh("40mph").is_err());
/// ```
pub fn parse_speed_kmh(s: &str) -> Result<f64, UnitError> {
    let text = s.trim();
    let number = ["km/h", "kmh", "kph"]
        .iter()
        .find_map(|u| text.strip_suffix(u))
        .unwrap_or(text);
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| UnitError::NotASpeed { text: s.into() })?;
    if !value.is_finite() || value <= 0.0 {
        return Err(UnitError::SpeedNotPositive { text: s.into() });
    }
    Ok(value)
}

/// Parses a duration, `10min`, `1.5h` or `10` (minutes), into minutes; 0 is allowed.
///
/// # Units
/// Returns minutes.
///
/// # Errors
/// [`UnitError::NotADuration`] for another unit, no number, a negative or non-finite duration.
///
/// # Examples
/// ```
/// use corridor::units::parse_minutes;
///
/// assert_eq!(parse_minutes("10min"), Ok(10.0));
/// assert_eq!(parse_minutes("1.5 h"), Ok(90.0));
/// assert_eq!(parse_minutes("0"), Ok(0.0));
/// assert!(parse_minutes("-5min").is_err());
/// ```
pub fn parse_minutes(s: &str) -> Result<f64, UnitError> {
    let text = s.trim();
    let bad = || UnitError::NotADuration { text: s.into() };
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "min" | "m" => 1.0,
        "h" => 60.0,
        "s" => 1.0 / 60.0,
        _ => return Err(bad()),
    };
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    let minutes = value * scale;
    if !minutes.is_finite() || minutes < 0.0 {
        return Err(bad());
    }
    Ok(minutes)
}

/// A number with at most `decimals` decimals and no trailing zeros: `15`, `2.5`, `0.25`.
///
/// For labels and summaries (a kilometre post `KP 2.5`), where `2.500` would read as more
/// precise than it is.
///
/// # Examples
/// ```
/// use corridor::units::trim_number;
///
/// assert_eq!(trim_number(15.0, 3), "15");
/// assert_eq!(trim_number(9.99349, 3), "9.993");
/// assert_eq!(trim_number(150.0, 0), "150");
/// ```
pub fn trim_number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

use crate::Extent;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_are_none_widths_or_bands() {
        assert_eq!(parse_reach("0km"), Ok(None));
        assert_eq!(parse_reach(" 0 m"), Ok(None));
        assert_eq!(parse_reach("10km"), Ok(Extent::width_m(10_000.0).ok()));
        assert_eq!(parse_reach("0..5km"), Ok(Extent::width_m(5_000.0).ok()));
        assert_eq!(
            parse_reach("10km..30km"),
            Ok(Extent::band_m(10_000.0, 30_000.0).ok())
        );
        assert_eq!(
            parse_reach("500 m .. 2 km"),
            Ok(Extent::band_m(500.0, 2_000.0).ok())
        );
        let message = |s: &str| parse_reach(s).unwrap_err().to_string();
        assert!(message("30km..10km").starts_with("`30km..10km`: a band A..B needs 0 ≤ A < B"));
        assert!(message("10km..10km").contains("a band"));
        assert!(message("5mi").contains("unknown unit `mi`"));
        assert!(message("-1km").contains("more than 0"));
        assert!(message("..10km").contains("not a distance"));
    }

    #[test]
    fn distances_take_units() {
        assert_eq!(parse_distance_m("6km"), Ok(6_000.0));
        assert_eq!(parse_distance_m("6000m"), Ok(6_000.0));
        assert_eq!(parse_distance_m("6000"), Ok(6_000.0));
        assert_eq!(parse_distance_m(" 0.5 m "), Ok(0.5));
        assert_eq!(parse_distance_m("1.5KM"), Ok(1_500.0));
        assert!(
            parse_distance_m("6mi")
                .unwrap_err()
                .to_string()
                .contains("unknown unit `mi`")
        );
        assert!(parse_distance_m("-6km").is_err());
        assert!(parse_distance_m("0").is_err());
        assert!(parse_distance_m("km").is_err());
        assert!(parse_distance_m("NaN").is_err());
    }

    #[test]
    fn distance_messages_quote_the_text() {
        let message = |s: &str| parse_distance_m(s).unwrap_err().to_string();
        assert_eq!(message("-6km"), "`-6km`: a distance must be more than 0");
        assert_eq!(message("0m"), "`0m`: a distance must be more than 0");
        // The first letter starts the unit, so an exponent reads as one.
        assert!(message("1e400").starts_with("unknown unit `e400`"));
        assert_eq!(
            message("km"),
            "`km` is not a distance (as in 6km, 6000m or 6000)"
        );
    }

    #[test]
    fn speeds_take_units() {
        assert_eq!(parse_speed_kmh("40km/h"), Ok(40.0));
        assert_eq!(parse_speed_kmh("40"), Ok(40.0));
        assert_eq!(parse_speed_kmh("12.5 kph"), Ok(12.5));
        assert!(parse_speed_kmh("40mph").is_err());
        assert_eq!(
            parse_speed_kmh("0").unwrap_err().to_string(),
            "`0`: a speed must be more than 0"
        );
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(trim_number(15.0, 3), "15");
        assert_eq!(trim_number(2.5, 3), "2.5");
        assert_eq!(trim_number(0.25, 3), "0.25");
        assert_eq!(trim_number(0.0004, 3), "0");
        // Without decimals nothing is trimmed: 150 stays 150.
        assert_eq!(trim_number(150.0, 0), "150");
    }
}
