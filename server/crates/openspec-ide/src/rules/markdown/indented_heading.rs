//! Diagnostic: markdown/indented-heading
//!
//! CommonMark renders `   ### Requirement: X` (up to three leading spaces) as a heading, but
//! every OpenSpec reader anchors headings at column 0, so the requirement (or section) silently
//! does not exist for `validate` and `archive`. A reviewer reading the rendered file cannot
//! tell, so the mismatch is worth a warning.

use openspec_syntax::markdown::BlockKind;

use super::MarkdownFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &MarkdownFile<'_>, acc: &mut Vec<Diagnostic>) {
    for block in &file.blocks {
        let BlockKind::Heading(_) = block.kind else { continue };
        let Some(line) = file.lines.iter().find(|line| line.range().contains(block.range.start)) else { continue };
        let indent = line.text.len() - line.text.trim_start_matches(' ').len();
        if indent == 0 || !line.text.trim_start_matches(' ').starts_with('#') {
            continue;
        }
        acc.push(Diagnostic::lsp(
            None,
            "markdown/indented-heading",
            Severity::Warning,
            file.path,
            line.trimmed_range(),
            "This heading is indented, so OpenSpec does not read it as a heading (OpenSpec headings start in the first column), although Markdown renders it as one. Remove the leading spaces.",
        ));
    }
}
