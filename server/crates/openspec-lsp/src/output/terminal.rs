//! Text from the workspace (folder names, requirement names, file lines) made safe to print on a
//! terminal: control characters that would move the cursor, retitle the window, clear the
//! screen or reorder what is shown become visible stand-ins. Pure; shared by the formats that
//! print plain text (human, and the plain lines of github).

use std::borrow::Cow;

/// Whether a line feed is text (a message's line break) or must be shown as a stand-in (a name,
/// where a line break would forge a line of the report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineBreaks {
    Keep,
    Show,
}

/// The stand-in for `ch` when it must not reach a terminal as is, else `None`. Each stand-in is
/// one character, so callers can map offsets char by char: C0 controls and DEL become their
/// Unicode control pictures (`␛` for ESC), C1 controls (which some terminals read as CSI and
/// OSC) and the bidirectional embeddings, overrides and isolates (which make shown text differ
/// from the bytes, CVE-2021-42574) become U+FFFD, as rustc's diagnostics do. Tab stays.
pub fn stand_in(ch: char, line_breaks: LineBreaks) -> Option<char> {
    match ch {
        '\t' => None,
        '\n' if line_breaks == LineBreaks::Keep => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(ch)),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `text` with every control character replaced by its stand-in (see `stand_in`).
pub fn safe(text: &str, line_breaks: LineBreaks) -> Cow<'_, str> {
    if !text.chars().any(|ch| stand_in(ch, line_breaks).is_some()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|ch| stand_in(ch, line_breaks).unwrap_or(ch)).collect())
}

#[cfg(test)]
mod tests {
    use super::{LineBreaks, safe};

    #[test]
    fn control_characters_become_visible() {
        let hostile = "x\n::error::\x1b]0;title\x07\x1b[2J\r\u{9b}31m\u{202e}abc\u{2066}\x7f\tend";
        assert_eq!(safe(hostile, LineBreaks::Show), "x␊::error::␛]0;title␇␛[2J␍\u{fffd}31m\u{fffd}abc\u{fffd}␡\tend");
        assert_eq!(safe(hostile, LineBreaks::Keep), "x\n::error::␛]0;title␇␛[2J␍\u{fffd}31m\u{fffd}abc\u{fffd}␡\tend");
        assert!(matches!(safe("plain 日本語 😀", LineBreaks::Show), std::borrow::Cow::Borrowed(_)));
    }
}
