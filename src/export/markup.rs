//! Escaping text for XML and HTML (GPX, SVG and the map page share it).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("Ain \"al\" <Hawr> & 'co'\u{1}\n"),
            "Ain &quot;al&quot; &lt;Hawr&gt; &amp; &#39;co&#39; \n"
        );
    }
}
