//! Lines as the reference CLI sees them (`text.replace(/\r\n?/g, "\n").split("\n")`), each
//! keeping its byte offset in the original text so every finding maps back to a precise range.

use crate::js::{js_trim, offset_in};
use crate::text::TextRange;

/// One line without its terminator, and where it starts in the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl Line<'_> {
    pub fn range(&self) -> TextRange {
        TextRange::new(self.start, self.start + self.text.len())
    }

    /// Range of `sub`, which must be a sub-slice of this line's text (a trim, a capture).
    pub fn range_of(&self, sub: &str) -> TextRange {
        let start = self.start + offset_in(self.text, sub);
        TextRange::new(start, start + sub.len())
    }

    /// Range of the line's trimmed text; the empty range at the line start for a blank line.
    pub fn trimmed_range(&self) -> TextRange {
        self.range_of(js_trim(self.text))
    }
}

/// Which byte sequences end a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineBreaks {
    /// `\r\n`, lone `\r` and `\n`: what almost every CLI reader does after normalising.
    Any,
    /// Only `\n`; a trailing `\r` stays in the line (the CLI's tasks reader).
    LfOnly,
}

/// Whether one leading U+FEFF is dropped before splitting (most readers) or kept in line 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bom {
    Strip,
    Keep,
}

/// Splits like the CLI. The result always has at least one line, and one more than the number
/// of line breaks (a trailing newline yields a final empty line, as JS `split` does).
pub fn split_lines(text: &str, bom: Bom, breaks: LineBreaks) -> Vec<Line<'_>> {
    let first = match bom {
        Bom::Strip if text.starts_with('\u{FEFF}') => '\u{FEFF}'.len_utf8(),
        _ => 0,
    };
    let bytes = text.as_bytes();
    // Lines average a few dozen bytes; one allocation up front covers most files.
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut start = first;
    let rest = bytes.get(first..).unwrap_or_default();
    match breaks {
        LineBreaks::Any => {
            // The `\n` of a `\r\n` pair, already consumed with its `\r`.
            let mut paired_lf = None;
            for at in memchr::memchr2_iter(b'\n', b'\r', rest).map(|pos| first + pos) {
                if paired_lf == Some(at) {
                    continue;
                }
                lines.push(Line { text: &text[start..at], start });
                start = at + 1;
                if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    paired_lf = Some(at + 1);
                    start = at + 2;
                }
            }
        }
        LineBreaks::LfOnly => {
            for at in memchr::memchr_iter(b'\n', rest).map(|pos| first + pos) {
                lines.push(Line { text: &text[start..at], start });
                start = at + 1;
            }
        }
    }
    lines.push(Line { text: &text[start..], start });
    lines
}

/// Text with `\r\n` and lone `\r` turned into `\n` (and optionally one leading BOM removed):
/// the string the CLI's readers hold, for comparisons that must be byte-exact with it.
pub fn normalize(text: &str, bom: Bom) -> String {
    let lines = split_lines(text, bom, LineBreaks::Any);
    let mut out = String::with_capacity(text.len());
    for (idx, line) in lines.iter().enumerate() {
        if idx > 0 {
            out.push('\n');
        }
        out.push_str(line.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_ending_and_keeps_offsets() {
        let text = "\u{FEFF}a\r\nb\rc\n";
        let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
        let texts: Vec<_> = lines.iter().map(|l| (l.text, l.start)).collect();
        assert_eq!(texts, vec![("a", 3), ("b", 6), ("c", 8), ("", 10)]);
        let kept = split_lines(text, Bom::Keep, LineBreaks::LfOnly);
        let texts: Vec<_> = kept.iter().map(|l| l.text).collect();
        assert_eq!(texts, vec!["\u{FEFF}a\r", "b\rc", ""]);
        assert_eq!(normalize(text, Bom::Strip), "a\nb\nc\n");
        let mixed: Vec<_> =
            split_lines("\r\r\n\n\rx\r", Bom::Keep, LineBreaks::Any).iter().map(|l| (l.text, l.start)).collect();
        assert_eq!(mixed, vec![("", 0), ("", 1), ("", 3), ("", 4), ("x", 5), ("", 7)]);
    }
}
