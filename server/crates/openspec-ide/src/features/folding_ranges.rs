//! Folding ranges of a Markdown file: every section (so requirements and scenarios too) as the
//! CLI's section reader nests them, and every fenced code block as the CLI's fence rule finds
//! it. Only ranges spanning two lines or more. Pure; reads one file of the snapshot.

use openspec_syntax::TextRange;
use openspec_syntax::fence::fence_spans;
use openspec_syntax::lines::{Bom, LineBreaks, split_lines};
use openspec_syntax::spec::{Section, parse_sections, walk_sections};

use crate::features::is_markdown;
use crate::vfs::RootSnapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldingKind {
    /// A heading and its content.
    Section,
    /// A fenced code block, fences included.
    CodeFence,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoldingRange {
    /// From the first line's start to the end of the last line's text.
    pub range: TextRange,
    pub kind: FoldingKind,
}

pub fn folding_ranges(root: &RootSnapshot, path: &str) -> Vec<FoldingRange> {
    let Some(text) = root.text(path) else {
        return Vec::new();
    };
    if !is_markdown(path) {
        return Vec::new();
    }
    let mut folds = Vec::new();
    let sections = parse_sections(text);
    let mut all: Vec<&Section<'_>> = Vec::new();
    walk_sections(&sections, &mut all);
    for section in all {
        let Some(last) = section.content.last() else { continue };
        let range = TextRange::new(section.header.start, last.start + last.text.len());
        folds.push(FoldingRange { range, kind: FoldingKind::Section });
    }
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    for span in fence_spans(lines.iter().map(|line| line.text)) {
        // An unclosed fence runs to the end; its fold stops at the last line with text.
        let last_idx = span.close.unwrap_or_else(|| {
            let rest = lines.get(span.open..).unwrap_or_default();
            span.open + rest.iter().rposition(|line| !line.trimmed_range().is_empty()).unwrap_or(0)
        });
        let (Some(open), Some(last)) = (lines.get(span.open), lines.get(last_idx)) else {
            continue;
        };
        folds.push(FoldingRange { range: TextRange::new(open.start, last.range().end), kind: FoldingKind::CodeFence });
    }
    // A fold must span a line break, or there is nothing to fold.
    folds.retain(|fold| text.get(fold.range.start..fold.range.end).is_some_and(|folded| folded.contains(['\n', '\r'])));
    folds.sort_by_key(|fold| (fold.range.start, std::cmp::Reverse(fold.range.end)));
    folds
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let text = analysis.root.text(&position.path).unwrap_or("");
        let lines = openspec_syntax::LineIndex::new(text);
        let mut out = String::new();
        for fold in analysis.folding_ranges(&position.path) {
            let first = lines.line_of(fold.range.start);
            let first_text = lines.line_range(text, first);
            let _ = writeln!(
                out,
                "{:?} L{}-L{} {:?}",
                fold.kind,
                first + 1,
                lines.line_of(fold.range.end) + 1,
                &text[first_text.start..first_text.end]
            );
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn sections_requirements_scenarios_and_fences() {
        check(
            "//- /openspec/specs/auth/spec.md\n# Auth\n## Purpose\nOne line.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n```md\n## not a section\n```\n#### Scenario: ok\n- **WHEN** x\n\n#### Scenario: empty\n### Requirement: Open fence\n~~~\nnever closed\n",
            &expect![[r#####"
                Section L1-L17 "# Auth"
                Section L2-L3 "## Purpose"
                Section L5-L17 "## Requirements"
                Section L6-L14 "### Requirement: Login"
                CodeFence L8-L10 "```md"
                Section L11-L12 "#### Scenario: ok"
                Section L15-L17 "### Requirement: Open fence"
                CodeFence L16-L17 "~~~"
            "#####]],
        );
    }

    #[test]
    fn crlf_and_non_ascii() {
        check(
            "//- /openspec/changes/ä/tasks.md\r\n## 1. Größe\r\n- [ ] 1.1 ändern\r\n## 2. Leer\r\n",
            &expect![[r#####"
                Section L1-L2 "## 1. Größe"
            "#####]],
        );
    }
}
