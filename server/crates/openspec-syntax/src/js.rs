//! JavaScript string semantics the reference CLI relies on (`trim`, `\s`, `length`), so that
//! thresholds and name comparisons agree with `openspec validate` to the character.

/// JS `\s` and `String.prototype.trim`: ECMAScript `WhiteSpace` plus `LineTerminator`. Unlike
/// Rust's `char::is_whitespace`, this includes U+FEFF and excludes U+0085 and U+180E.
pub const fn is_js_space(ch: char) -> bool {
    matches!(
        ch,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// The JS `\s` class spelled for the `regex` crate, for building patterns that match like the CLI's.
pub const JS_SPACE_CLASS: &str =
    r"[\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";

/// JS `.`: any character but a line terminator.
pub const JS_DOT_CLASS: &str = r"[^\n\r\x{2028}\x{2029}]";

/// JS `String.prototype.trim`.
pub fn js_trim(text: &str) -> &str {
    text.trim_matches(is_js_space)
}

/// JS `String.prototype.trimEnd`.
pub fn js_trim_end(text: &str) -> &str {
    text.trim_end_matches(is_js_space)
}

/// JS `String.prototype.trimStart`.
pub fn js_trim_start(text: &str) -> &str {
    text.trim_start_matches(is_js_space)
}

/// JS `string.length`: UTF-16 code units.
pub fn js_length(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Byte offset of `sub` inside `outer`, when `sub` is a sub-slice of it (as `js_trim` returns).
pub fn offset_in(outer: &str, sub: &str) -> usize {
    (sub.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_follows_js() {
        assert_eq!(js_trim("\u{FEFF}\u{A0} a b \u{3000}"), "a b");
        assert_eq!(js_trim("\u{85}x"), "\u{85}x");
        assert_eq!(js_length("😀a"), 3);
        let outer = "  name ";
        assert_eq!(offset_in(outer, js_trim(outer)), 2);
    }
}
