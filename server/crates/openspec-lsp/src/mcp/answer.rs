//! The pieces every tool answer is made of: locations (1-based lines and columns in characters,
//! paths relative to the served folder), findings, and the bounds that keep an answer small
//! enough for an agent's context (a `limit` on lists, a cap on texts, and a note saying what
//! was left out). Plain serde structs; no logic beyond cutting.

use openspec_ide::{Diagnostic, Severity};
use openspec_syntax::{ColumnUnit, TextRange};
use rmcp::ErrorData;
use serde::Serialize;

use super::workspace::bad_argument;
use crate::output::CheckedRoot;

/// Entries in a list when the agent passes no `limit`.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit` accepted.
pub const MAX_LIMIT: u32 = 500;
/// Characters of one text (a merged spec, a diff, a requirement body) beyond which it is cut.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// A range of a file, as agents and editors count: 1-based, columns in Unicode characters,
/// the end exclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Location {
    pub fn new(root: &CheckedRoot, path: &str, range: TextRange) -> Location {
        let span = root.span(path, range, ColumnUnit::Char);
        Location {
            path: root.display_path(path),
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.line,
            end_column: span.end.column,
        }
    }
}

/// One finding, as `check --format json` reports it, plus the titles of its quick fixes.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    #[serde(flatten)]
    pub location: Location,
    pub code: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// `openspec` (what `openspec validate` reports) or `openspec-lsp` (this tool's own check).
    pub source: &'static str,
    pub message: String,
    /// Whether it counts toward its item's verdict (the CLI's findings do; this tool's own
    /// only with `all_rules`).
    pub counted: bool,
    /// The titles of the quick fixes the `fixes` tool returns for it.
    pub fixes: Vec<String>,
}

impl Finding {
    pub fn new(root: &CheckedRoot, diagnostic: &Diagnostic, counted: bool, fixes: Vec<String>) -> Finding {
        Finding {
            location: Location::new(root, &diagnostic.path, diagnostic.range),
            code: diagnostic.code,
            severity: severity_name(diagnostic.severity),
            source: diagnostic.origin.as_str(),
            message: diagnostic.message.clone(),
            counted,
            fixes,
        }
    }
}

/// The three levels answers use (a hint is the mildest of them), as `check --format json` does.
pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Hint => "info",
        severity => severity.as_str(),
    }
}

/// The `limit` argument, checked.
pub fn limit(requested: Option<u32>) -> Result<usize, ErrorData> {
    match requested.unwrap_or(DEFAULT_LIMIT) {
        0 => Err(bad_argument("`limit` must be at least 1")),
        limit if limit > MAX_LIMIT => Err(bad_argument(format!("`limit` must be at most {MAX_LIMIT}"))),
        limit => Ok(limit as usize),
    }
}

/// A list cut to `limit`, with how many there were.
#[derive(Clone, Debug, Serialize)]
pub struct Bounded<T> {
    pub total: usize,
    pub shown: Vec<T>,
}

impl<T> Bounded<T> {
    pub fn new(mut all: Vec<T>, limit: usize) -> Bounded<T> {
        let total = all.len();
        all.truncate(limit);
        Bounded { total, shown: all }
    }

    pub fn is_cut(&self) -> bool {
        self.shown.len() < self.total
    }

    /// `showing 50 of 120 findings` when cut.
    pub fn note(&self, noun: &str) -> Option<String> {
        self.is_cut().then(|| format!("showing {} of {} {noun}", self.shown.len(), self.total))
    }
}

/// The notes of cut lists joined into one, with the way to see more; `None` when nothing was cut.
pub fn truncation_note(notes: &[Option<String>], how_to_see_more: &str) -> Option<String> {
    let parts: Vec<&str> = notes.iter().flatten().map(String::as_str).collect();
    (!parts.is_empty()).then(|| format!("{}; {how_to_see_more}", parts.join(", ")))
}

/// `text` cut to `MAX_TEXT_CHARS` characters (on a line break when one is near), and whether
/// it was cut.
pub fn bounded_text(text: &str) -> (String, bool) {
    cut_text(text, MAX_TEXT_CHARS)
}

/// `text` cut to `max_chars` characters, on a line break when one is in the second half.
pub fn cut_text(text: &str, max_chars: usize) -> (String, bool) {
    let Some((cut_at, _)) = text.char_indices().nth(max_chars) else {
        return (text.to_owned(), false);
    };
    let head = &text[..cut_at];
    // A whole last line reads better than half of one; a long line is cut where it is.
    let end = head.rfind('\n').filter(|at| *at > cut_at / 2).map_or(cut_at, |at| at + 1);
    (head[..end].to_owned(), true)
}

#[cfg(test)]
mod tests {
    use super::{Bounded, MAX_TEXT_CHARS, bounded_text, limit, truncation_note};

    #[test]
    fn limits_are_checked() {
        assert_eq!(limit(None).ok(), Some(50));
        assert_eq!(limit(Some(3)).ok(), Some(3));
        assert!(limit(Some(0)).is_err_and(|error| error.message.contains("at least 1")));
        assert!(limit(Some(501)).is_err_and(|error| error.message.contains("at most 500")));
    }

    #[test]
    fn lists_say_what_they_left_out() {
        let cut = Bounded::new(vec![1, 2, 3], 2);
        assert_eq!((cut.total, cut.shown.as_slice()), (3, [1, 2].as_slice()));
        assert_eq!(cut.note("findings").as_deref(), Some("showing 2 of 3 findings"));
        let whole = Bounded::new(vec![1], 2);
        assert_eq!(whole.note("items"), None);
        assert_eq!(
            truncation_note(&[whole.note("items"), cut.note("findings")], "pass a larger `limit`").as_deref(),
            Some("showing 2 of 3 findings; pass a larger `limit`")
        );
        assert_eq!(truncation_note(&[None], "x"), None);
    }

    #[test]
    fn long_texts_are_cut_on_a_line_break_and_on_characters() {
        let short = "ü\n".repeat(10);
        assert_eq!(bounded_text(&short), (short.clone(), false));
        let lines = "äbc\n".repeat(MAX_TEXT_CHARS);
        let (cut, was_cut) = bounded_text(&lines);
        assert!(was_cut && cut.ends_with('\n') && cut.chars().count() <= MAX_TEXT_CHARS);
        let one_line = "ü".repeat(MAX_TEXT_CHARS + 5);
        let (cut, was_cut) = bounded_text(&one_line);
        assert!(was_cut && cut.chars().count() == MAX_TEXT_CHARS);
    }
}
