//! The header-line prefilter the line readers share (`spec.rs`, `requirement_blocks.rs`):
//! their header patterns are anchored at a leading `#`, and most lines do not start with one,
//! so those lines skip the regex engine.

use regex::Regex;

use crate::js::is_js_space;

/// `pattern` (anchored at a leading `#`) on `text`: lines that do not start with `#` cannot
/// match, and most lines do not, so they skip the regex engine.
pub(crate) fn header_captures<'t>(pattern: &Regex, text: &'t str) -> Option<regex::Captures<'t>> {
    if text.starts_with('#') { pattern.captures(text) } else { None }
}

pub(crate) fn header_match(pattern: &Regex, text: &str) -> bool {
    text.starts_with('#') && pattern.is_match(text)
}

/// `^##\s+`: the line that ends a requirement block and a main spec's Requirements section
/// (and the structure scan's Requirements range).
pub(crate) fn is_top_level_header(text: &str) -> bool {
    text.strip_prefix("##").and_then(|rest| rest.chars().next()).is_some_and(is_js_space)
}
