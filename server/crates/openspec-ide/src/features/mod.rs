//! IDE features, one a file, each a pure function of a snapshot and its index. Shared here:
//! the navigation targets several features build, and the fixture helpers of their tests.
//! Nothing in this folder knows LSP types or does IO.

pub mod code_lens;
pub mod document_links;
pub mod document_symbols;
pub mod folding_ranges;
pub mod goto_definition;
pub mod hover;
pub mod references;
pub mod rename;
pub mod semantic_tokens;
pub mod workspace_symbols;

use openspec_syntax::TextRange;

use crate::analysis::NavigationTarget;
use crate::index::{ChangeInfo, RequirementInfo, SpecInfo};
use crate::vfs::RootSnapshot;

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

    use crate::analysis::{Analysis, FilePosition, NavigationTarget, SourceChange};

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
