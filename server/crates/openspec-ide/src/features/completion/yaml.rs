//! The line-wise YAML cursor of the config and change metadata contexts.

use std::sync::LazyLock;

use openspec_syntax::js::{is_js_space, js_trim};
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use regex::Regex;

use crate::line_breaks::line_break;

/// Where the cursor is in a YAML file, line-wise (the file may not parse while it is typed).
pub(super) struct YamlCursor<'a> {
    pub(super) lines: Vec<Line<'a>>,
    pub(super) line_idx: usize,
    pub(super) line: Line<'a>,
    pub(super) offset: usize,
    pub(super) prefix: &'a str,
    pub(super) suffix: &'a str,
    pub(super) newline: &'static str,
}

/// `schema: <partial>` at the top level.
pub(super) static SCHEMA_VALUE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^schema:[ \t]*(["']?)([^ \t"']*)$"#).expect("schema prefix pattern compiles"));

impl<'a> YamlCursor<'a> {
    pub(super) fn at(text: &'a str, offset: usize) -> Option<Self> {
        let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
        let line_idx = lines.iter().rposition(|line| line.start <= offset)?;
        let line = *lines.get(line_idx)?;
        let split = offset - line.start;
        Some(YamlCursor {
            prefix: line.text.get(..split)?,
            suffix: line.text.get(split..)?,
            lines,
            line_idx,
            line,
            offset,
            newline: line_break(text),
        })
    }

    /// The end of the scalar the cursor is in (up to a space, quote or comment).
    pub(super) fn word_end(&self) -> usize {
        let word =
            self.suffix.find(|ch: char| is_js_space(ch) || matches!(ch, '"' | '\'' | '#')).unwrap_or(self.suffix.len());
        self.offset + word
    }

    /// A top-level key of the file (other than on the cursor line).
    pub(super) fn has_top_level_key(&self, key: &str) -> bool {
        self.lines.iter().enumerate().any(|(idx, line)| {
            idx != self.line_idx && line.text.strip_prefix(key).is_some_and(|rest| js_trim(rest).starts_with(':'))
        })
    }
}

pub(super) fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

pub(super) fn is_yaml_filler(line: &str) -> bool {
    let trimmed = js_trim(line);
    trimmed.is_empty() || trimmed.starts_with('#')
}
