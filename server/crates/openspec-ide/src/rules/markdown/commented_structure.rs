//! Diagnostic: markdown/structure-in-html-comment
//!
//! The CLI does not mask HTML comments: a `## MODIFIED Requirements` or `### Requirement:` line
//! inside `<!-- ... -->` is parsed and archived like any other, while every Markdown renderer
//! hides it. Authors comment things out expecting them to be inert; this says they are not.

use std::sync::LazyLock;

use regex::Regex;

use openspec_syntax::markdown::BlockKind;

use super::MarkdownFile;
use crate::diagnostic::{Diagnostic, Severity};

/// The structural lines OpenSpec readers act on: delta section headers and requirement headers.
static STRUCTURAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:##\s+(?:ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$|###\s*Requirement:)")
        .expect("static pattern")
});

pub(super) fn check(file: &MarkdownFile<'_>, acc: &mut Vec<Diagnostic>) {
    for block in &file.blocks {
        if block.kind != BlockKind::Html || !file.text[block.range.start..].trim_start().starts_with("<!--") {
            continue;
        }
        for line in file.lines.iter().filter(|line| block.range.contains(line.start)) {
            if !STRUCTURAL_LINE.is_match(line.text) {
                continue;
            }
            let shown = openspec_syntax::js::js_trim(line.text);
            acc.push(Diagnostic::lsp(
                None,
                "markdown/structure-in-html-comment",
                Severity::Warning,
                file.path,
                line.trimmed_range(),
                format!(
                    "OpenSpec reads \"{shown}\" even though it sits inside an HTML comment, which hides it from rendered Markdown. Delete it, or move it out of the comment if it is meant."
                ),
            ));
        }
    }
}
