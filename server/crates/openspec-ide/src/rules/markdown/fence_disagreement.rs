//! Diagnostic: markdown/fence-disagreement
//!
//! The CLI opens a code fence at three backticks or tildes after ANY indentation, and an
//! unclosed fence hides everything to the end of the file. CommonMark does not treat a line
//! indented four or more spaces (outside a list) as a fence. Where only OpenSpec sees a fence,
//! requirements and scenarios below it vanish from validation while still rendering as normal
//! headings.

use openspec_syntax::fence::fence_spans;
use openspec_syntax::markdown::BlockKind;

use super::MarkdownFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &MarkdownFile<'_>, acc: &mut Vec<Diagnostic>) {
    for span in fence_spans(file.lines.iter().map(|line| line.text)) {
        let Some(line) = file.lines.get(span.open) else { continue };
        let indent = line.text.len() - line.text.trim_start().len();
        let commonmark_fence = file
            .blocks
            .iter()
            .any(|block| block.kind == BlockKind::FencedCode && block.range.contains(line.start + indent));
        if commonmark_fence {
            continue;
        }
        let hidden_end = span.close.unwrap_or(file.lines.len());
        let hides_headings = file
            .lines
            .get(span.open + 1..hidden_end)
            .is_some_and(|hidden| hidden.iter().any(|hidden_line| hidden_line.text.starts_with('#')));
        if !hides_headings {
            continue;
        }
        let extent = if span.close.is_none() { " (here: to the end of the file)" } else { "" };
        acc.push(Diagnostic::lsp(
            None,
            "markdown/fence-disagreement",
            Severity::Warning,
            file.path,
            line.trimmed_range(),
            format!(
                "OpenSpec treats this line as the start of a code block and ignores every heading up to its closing fence{extent}, but Markdown renders it as ordinary text or indented code, so the hidden headings look real to a reviewer."
            ),
        ));
    }
}
