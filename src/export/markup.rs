//! Escaping text for XML and HTML (GPX, SVG and the map page share it), and numbers with a
//! fixed count of decimals (KML and GPX coordinates).

use std::fmt::Write as _;

/// Escapes text for XML or HTML content and attribute values. The apostrophe becomes `&#39;`,
/// which both read; control characters that XML 1.0 forbids even escaped become spaces.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Appends `value` with `decimals` (at most 9) digits after the point, exactly as
/// `format!("{value:.decimals$}")` writes it, but without its exact decimal expansion of the
/// double, the most of a long track's time: the scaled value rounds to the same integer
/// unless it lies within its rounding error of a half, where `format!` decides.
pub(crate) fn push_fixed(out: &mut String, value: f64, decimals: usize) {
    const POW10: [u64; 10] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
    ];
    if let Some(&unit) = POW10.get(decimals) {
        // Powers of ten up to 10^22 are exact doubles; the product errs by at most half an ulp.
        let scaled = value.abs() * unit as f64;
        let whole = scaled.floor();
        let frac = scaled - whole;
        // Below 2^52 the fraction is exact, and NaN and infinities fail the test.
        if scaled < 4.0e15 && (frac - 0.5).abs() > scaled * f64::EPSILON {
            let n = whole as u64 + u64::from(frac > 0.5);
            // `format!` keeps the sign of a negative value that rounds to zero, and of -0.0.
            if value.is_sign_negative() {
                out.push('-');
            }
            let _ = write!(out, "{}", n / unit);
            if decimals > 0 {
                let _ = write!(out, ".{:0decimals$}", n % unit);
            }
            return;
        }
    }
    let _ = write!(out, "{value:.decimals$}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_are_written_as_format_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            1e-9,
            -1e-9,
            0.25,
            0.35,
            0.00390625,
            -0.00390625,
            36.2342980,
            179.99999995,
            -180.0,
            1e300,
            -1e-300,
            f64::NAN,
            f64::INFINITY,
            4.5e15,
            123_456_789.123_456_79,
        ];
        // A fixed pseudo-random spread of longitudes and latitudes, and values on and near
        // the 7-decimal grid.
        let mut rng = crate::test_rng::Rng::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..100_000 {
            let v = rng.next_f64() * 360.0 - 180.0;
            values.extend([v, (v * 1e7).round() / 1e7, (v * 1e7).floor() / 1e7 + 0.5e-7]);
        }
        for decimals in [0, 1, 3, 7, 9] {
            for &v in &values {
                let mut out = String::new();
                push_fixed(&mut out, v, decimals);
                assert_eq!(
                    out,
                    format!("{v:.decimals$}"),
                    "{v:e} to {decimals} decimals"
                );
            }
        }
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("Ain \"al\" <Hawr> & 'co'\u{1}\n"),
            "Ain &quot;al&quot; &lt;Hawr&gt; &amp; &#39;co&#39; \n"
        );
    }
}
