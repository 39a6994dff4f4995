//! IDE features, one a file, each a pure function of a snapshot and its index. Shared here:
//! the navigation targets several features build, and the fixture helpers of their tests.
//! Nothing in this folder knows LSP types or does IO.

pub mod code_actions;
pub mod code_lens;
pub mod completion;
pub mod document_links;
pub mod document_symbols;
pub mod folding_ranges;
pub mod goto_definition;
pub mod hover;
pub mod preview;
pub mod references;
pub mod rename;
pub mod semantic_tokens;
pub mod store_actions;
pub mod store_completion;
pub mod store_definition;
pub mod store_hover;
pub mod store_sites;
pub mod workspace_symbols;

use openspec_syntax::TextRange;

use crate::index::{ChangeInfo, RequirementInfo, SpecInfo};
use crate::types::NavigationTarget;
use crate::vfs::RootSnapshot;

/// Whether `path` names a Markdown file (`.md`, any case).
pub(crate) fn is_markdown(path: &str) -> bool {
    std::path::Path::new(path).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("md"))
}

pub(crate) fn requirement_target(spec: &SpecInfo, requirement: &RequirementInfo) -> NavigationTarget {
    NavigationTarget {
        path: spec.path.clone(),
        full_range: requirement.range,
        focus_range: requirement.name_range,
        name: requirement.name.clone(),
    }
}

/// The whole main spec, focused on its name (H1 title or first line).
pub(crate) fn spec_file_target(spec: &SpecInfo) -> NavigationTarget {
    NavigationTarget {
        path: spec.path.clone(),
        full_range: TextRange::new(0, spec.text_len),
        focus_range: spec.name_range(),
        name: spec.capability.clone(),
    }
}

/// A whole file of the snapshot focused on `focus`; `None` when it is not a readable file.
pub(crate) fn file_target(root: &RootSnapshot, path: &str, focus: TextRange, name: &str) -> Option<NavigationTarget> {
    let text = root.text(path)?;
    let full_range = TextRange::new(0, text.len());
    let focus_range = if focus.end <= text.len() { focus } else { TextRange::empty(0) };
    Some(NavigationTarget { path: path.to_owned(), full_range, focus_range, name: name.to_owned() })
}

/// Where a change is best opened: its proposal, else its tasks, else its first delta spec.
pub(crate) fn change_target(root: &RootSnapshot, change: &ChangeInfo) -> Option<NavigationTarget> {
    if let Some(proposal) = &change.proposal {
        let focus = proposal.title_range.unwrap_or(proposal.first_line_range);
        return file_target(root, &proposal.path, focus, &change.id);
    }
    if let Some((path, _)) = &change.tasks {
        return file_target(root, path, TextRange::empty(0), &change.id);
    }
    let delta = change.deltas.first()?;
    file_target(root, &delta.path, delta.first_line_range, &change.id)
}

#[cfg(test)]
pub(crate) mod fixture {
    //! Fixture helpers shared by the feature tests.

    use std::fmt::Write;
    use std::sync::Arc;

    use openspec_syntax::{ColumnUnit, LineIndex, TextRange};
    use test_utils::Fixture;

    use crate::analysis::Analysis;
    use crate::types::{FilePosition, NavigationTarget, SourceChange};

    /// The fixture's analysis and its `$0` cursor (offset 0 of the first file without one).
    pub fn analysis(fixture: &str) -> (Analysis, FilePosition, Fixture) {
        let fixture = Fixture::parse(fixture);
        let root = crate::test_support::snapshot(&fixture);
        let position = match &fixture.cursor {
            Some(cursor) => FilePosition { path: cursor.path.clone(), offset: cursor.range.start },
            None => FilePosition { path: fixture.files.first().map(|f| f.path.clone()).unwrap_or_default(), offset: 0 },
        };
        (Analysis::new(Arc::new(root)), position, fixture)
    }

    /// `line:col` (both 1-based, columns in characters) of `offset` in `path`.
    pub fn line_col(analysis: &Analysis, path: &str, offset: usize) -> String {
        let text = analysis.root.text(path).unwrap_or("");
        let at = LineIndex::new(text).line_col(text, offset, ColumnUnit::Char);
        format!("{}:{}", at.line + 1, at.col + 1)
    }

    /// The text of `range` in `path`, with line breaks shown as `⏎`.
    pub fn slice(analysis: &Analysis, path: &str, range: TextRange) -> String {
        let text = analysis.root.text(path).unwrap_or("");
        let sliced = text.get(range.start..range.end).unwrap_or("<bad range>");
        sliced.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎")
    }

    /// `path:line:col "text"` for a range.
    pub fn location(analysis: &Analysis, path: &str, range: TextRange) -> String {
        format!("{path}:{} {:?}", line_col(analysis, path, range.start), slice(analysis, path, range))
    }

    /// A navigation target as its focus location and the lines its full range spans.
    pub fn target(analysis: &Analysis, target: &NavigationTarget) -> String {
        assert!(
            target.full_range.start <= target.focus_range.start && target.focus_range.end <= target.full_range.end,
            "focus outside full range: {target:?}"
        );
        let text = analysis.root.text(&target.path).unwrap_or("");
        let lines = LineIndex::new(text);
        format!(
            "{} name={:?} full=L{}-L{}",
            location(analysis, &target.path, target.focus_range),
            target.name,
            lines.line_of(target.full_range.start) + 1,
            lines.line_of(target.full_range.end) + 1
        )
    }

    /// Every edited file's new text, in path order, under a `//- /path` header.
    pub fn apply(analysis: &Analysis, change: &SourceChange) -> String {
        let mut out = String::new();
        for (path, edits) in &change.edits {
            let mut text = analysis.root.text(path).unwrap_or("").to_owned();
            let mut sorted = edits.clone();
            sorted.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
            for edit in sorted {
                text.replace_range(edit.range.start..edit.range.end, &edit.new_text);
            }
            let _ = writeln!(out, "//- /{path}");
            out.push_str(&text.replace('\r', "␍"));
        }
        for (path, text) in &change.new_files {
            let _ = writeln!(out, "//- /{path} (new)");
            out.push_str(text);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    //! Every feature at every offset of awkward files: never a panic, every range in bounds and
    //! on character boundaries.

    use std::sync::Arc;

    use openspec_syntax::TextRange;

    use crate::analysis::Analysis;
    use crate::features::references::ReferencesConfig;
    use crate::types::FilePosition;
    use crate::vfs::RootSnapshot;

    fn assert_range(analysis: &Analysis, path: &str, range: TextRange, what: &str) {
        let text = analysis.root.text(path).unwrap_or_else(|| panic!("{what}: {path} is no readable file"));
        assert!(range.start <= range.end && range.end <= text.len(), "{what}: {range:?} out of {path}");
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "{what}: {range:?} splits a char"
        );
    }

    pub(crate) fn sweep(analysis: &Analysis, step: usize) {
        let diagnostics = crate::check_root(&analysis.root, &crate::CheckConfig::default()).diagnostics;
        let paths: Vec<String> =
            analysis.root.entries.keys().filter(|path| analysis.root.text(path).is_some()).cloned().collect();
        for symbol in analysis.workspace_symbols("") {
            assert_range(analysis, &symbol.target.path, symbol.target.full_range, "workspace symbol");
        }
        for path in &paths {
            let text = analysis.root.text(path).unwrap_or("");
            for symbol in analysis.document_symbols(path) {
                assert_range(analysis, path, symbol.full_range, "document symbol");
                assert_range(analysis, path, symbol.selection_range, "document symbol selection");
            }
            for lens in analysis.code_lenses(path, &diagnostics) {
                assert_range(analysis, path, lens.range, "code lens");
            }
            for fold in analysis.folding_ranges(path) {
                assert_range(analysis, path, fold.range, "fold");
            }
            let mut last_end = 0;
            for token in analysis.semantic_tokens(path) {
                assert_range(analysis, path, token.range, "token");
                assert!(token.range.start >= last_end, "tokens overlap in {path}");
                let inner = &text[token.range.start..token.range.end];
                assert!(!inner.contains(['\n', '\r']), "token spans lines in {path}");
                last_end = token.range.end;
            }
            for link in analysis.document_links(path) {
                assert_range(analysis, path, link.range, "link");
                assert!(analysis.root.text(&link.target).is_some(), "link to a missing file");
            }
            for offset in (0..=text.len()).step_by(step.max(1)) {
                let position = FilePosition { path: path.clone(), offset };
                for target in analysis.goto_definition(&position) {
                    assert_range(analysis, &target.path, target.full_range, "definition");
                    assert_range(analysis, &target.path, target.focus_range, "definition focus");
                }
                for reference in analysis.references(&position, ReferencesConfig { include_declaration: true }) {
                    assert_range(analysis, &reference.path, reference.range, "reference");
                }
                if let Some(hover) = analysis.hover(&position) {
                    assert_range(analysis, path, hover.range, "hover");
                }
                if let Ok(range) = analysis.prepare_rename(&position) {
                    assert_range(analysis, &range.path, range.range, "prepare rename");
                    if let Ok(change) = analysis.rename(&position, "Renamed ü") {
                        for (edited, edits) in &change.edits {
                            for edit in edits {
                                assert_range(analysis, edited, edit.range, "rename edit");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_feature_at_every_offset_of_awkward_files() {
        let root = RootSnapshot::from_texts([
            (
                "openspec/specs/ä/spec.md",
                "\u{FEFF}# Ä\r\n## Purpose\rZweck\r\n## Requirements\r\n### Requirement:\r\n### Requirement: Größe ##\r\nDas System SHALL.\r\n#### Scenario:\r\n```\r\n#### Scenario: fenced\r\n",
            ),
            ("openspec/changes/ü/proposal.md", "# Change: ü\n## Capabilities\n- `ä`: x\n- ``: empty\n- `ö/ü`: new\n"),
            ("openspec/changes/ü/tasks.md", "\u{FEFF}## 1. x\r\n- [x] 1.1 ü\r\n- [ ]\r"),
            (
                "openspec/changes/ü/specs/ä/spec.md",
                "## MODIFIED Requirements\r\n### Requirement: Größe\r\n## RENAMED Requirements\r\n- FROM: `### Requirement: Größe`\r\n- TO: `### Requirement: `\r\n## REMOVED Requirements\r\n- `### Requirement:`\n## ADDED Requirements\n### Requirement: 😀\n#### Scenario: 😀\nx",
            ),
            ("openspec/changes/ü/specs/ö/ü/spec.md", "see specs/ä/spec.md and ../../specs/ä/spec.md"),
            ("openspec/changes/archive/x/specs/ä/spec.md", "## REMOVED Requirements\n- `### Requirement: Größe`"),
        ]);
        sweep(&Analysis::new(Arc::new(root)), 1);
    }
}
