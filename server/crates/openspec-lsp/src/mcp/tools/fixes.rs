//! `fixes`: the editor's code actions at a place or for a finding's code, each turned into a
//! unified diff by applying its edits to the file's text in memory. Never writes: the agent
//! applies the diff (`git apply`, `patch -p1`) or its own edit.

use openspec_ide::features::code_actions::{CodeAction, CodeActionConfig, CodeActionKind};
use openspec_ide::{Analysis, Diagnostic, FileRange, SourceChange};
use openspec_syntax::TextRange;
use rmcp::ErrorData;
use serde::Serialize;

use crate::mcp::answer::{self, Bounded, Location};
use crate::mcp::params::FixesParams;
use crate::mcp::workspace::{Loaded, RootPath, bad_argument};
use crate::output::CheckedRoot;
use crate::preview_command::unified_diff;

/// An agent applies diffs itself, new files included.
const CONFIG: CodeActionConfig = CodeActionConfig { create_files: true };

#[derive(Debug, Serialize)]
pub struct FixesAnswer {
    pub path: String,
    /// The findings the fixes were asked for.
    pub findings: Vec<FindingRef>,
    pub fixes: Vec<Fix>,
    pub total: usize,
    pub truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FindingRef {
    #[serde(flatten)]
    pub location: Location,
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    /// `quickfix`, `refactor`, `refactor.rewrite` or `source`, as in LSP.
    pub kind: &'static str,
    /// The code of the finding it resolves, if it resolves one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixes: Option<String>,
    /// The one obvious fix for that finding.
    pub preferred: bool,
    /// A unified diff (`a/` and `b/` prefixes, paths relative to the served folder; created
    /// files come from `/dev/null`).
    pub diff: String,
    /// The files it edits, then the files it creates.
    pub files: Vec<String>,
}

/// The actions that resolve `diagnostic` (what `check` lists as a finding's fixes).
pub fn fixes_for_finding(analysis: &Analysis, diagnostic: &Diagnostic) -> Vec<CodeAction> {
    let range = FileRange { path: diagnostic.path.clone(), range: diagnostic.range };
    let mut actions = analysis.code_actions(&range, &[diagnostic.code], CONFIG);
    actions.retain(|action| action.fixes.as_deref() == Some(diagnostic.code));
    actions
}

/// The titles of [`fixes_for_finding`], as findings list them.
pub fn fix_titles(analysis: &Analysis, diagnostic: &Diagnostic) -> Vec<String> {
    fixes_for_finding(analysis, diagnostic).into_iter().map(|action| action.title).collect()
}

pub fn fixes(loaded: &Loaded, params: &FixesParams) -> Result<FixesAnswer, ErrorData> {
    let limit = answer::limit(params.limit)?;
    if params.line.is_none() && params.code.is_none() {
        return Err(bad_argument("give a `line` (and optionally `column`), a finding's `code`, or both"));
    }
    if params.column.is_some() && params.line.is_none() {
        return Err(bad_argument("`column` needs a `line`"));
    }
    let located = loaded.locate(&params.path)?;
    let Some(analysis) = loaded.analyses.get(located.root_idx) else {
        return Err(ErrorData::internal_error("the workspace changed while loading", None));
    };
    let in_file = located.root.report.diagnostics.iter().filter(|diagnostic| diagnostic.path == located.path);
    let with_code = |diagnostic: &&Diagnostic| params.code.as_deref().is_none_or(|code| diagnostic.code == code);

    let (findings, actions) = if let Some(line) = params.line {
        let range = place(&located, line, params.column)?;
        let findings: Vec<&Diagnostic> =
            in_file.filter(|diagnostic| overlaps(diagnostic.range, range)).filter(with_code).collect();
        let codes: Vec<&str> = findings.iter().map(|diagnostic| diagnostic.code).collect();
        let mut actions = analysis.code_actions(&FileRange { path: located.path.clone(), range }, &codes, CONFIG);
        if params.code.is_some() {
            actions.retain(|action| action.fixes.as_deref() == params.code.as_deref());
        }
        // Scaffolding (a change's missing artifacts) is offered anywhere in a change; it is
        // no fix of this place.
        actions.retain(|action| action.fixes.is_some() || action.kind != CodeActionKind::Source);
        (findings, actions)
    } else {
        let findings: Vec<&Diagnostic> = in_file.filter(with_code).collect();
        let actions = findings.iter().flat_map(|diagnostic| fixes_for_finding(analysis, diagnostic)).collect();
        (findings, actions)
    };
    if findings.is_empty() && params.code.is_some() {
        let code = params.code.as_deref().unwrap_or_default();
        let known: Vec<String> = located
            .root
            .report
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.path == located.path)
            .map(|diagnostic| diagnostic.code.to_owned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let place = params.line.map(|line| format!(" at line {line}")).unwrap_or_default();
        return Err(bad_argument(format!(
            "no `{code}` finding in `{}`{place}; codes found in this file: {}",
            located.root.display_path(&located.path),
            crate::mcp::workspace::list_or_none(&known)
        )));
    }

    let mut built: Vec<Fix> = Vec::new();
    for action in &actions {
        let Some(fix) = to_fix(located.root, action) else { continue };
        // Several findings of one code can share a fix (a file-level one): list it once.
        if !built.contains(&fix) {
            built.push(fix);
        }
    }
    let fixes = Bounded::new(built, limit);
    let note = answer::truncation_note(&[fixes.note("fixes")], "pass a larger `limit` (at most 500)");
    Ok(FixesAnswer {
        path: located.root.display_path(&located.path),
        findings: findings
            .iter()
            .map(|diagnostic| FindingRef {
                location: Location::new(located.root, &diagnostic.path, diagnostic.range),
                code: diagnostic.code,
                message: diagnostic.message.clone(),
            })
            .collect(),
        total: fixes.total,
        truncated: note.is_some(),
        fixes: fixes.shown,
        note,
    })
}

/// The byte range asked for: the cursor at `line:column`, or the whole line without a column.
fn place(located: &RootPath<'_>, line: u32, column: Option<u32>) -> Result<TextRange, ErrorData> {
    let start = located.offset(line, column.unwrap_or(1))?;
    if column.is_some() {
        return Ok(TextRange::empty(start));
    }
    let text = located.text()?;
    let index = located.root.line_index(&located.path, text);
    Ok(index.line_range(text, index.line_of(start)))
}

/// Both ranges share at least one position (an empty range at an edge counts).
fn overlaps(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The action as a diff over `root`'s texts; `None` when an edit does not fit its file (the
/// action is then not offered rather than offered wrong).
fn to_fix(root: &CheckedRoot, action: &CodeAction) -> Option<Fix> {
    let SourceChange { edits, new_files } = &action.edit;
    let mut diff = String::new();
    let mut files = Vec::new();
    for (path, file_edits) in edits {
        let text = root.text(path)?;
        let new_text = apply(text, file_edits)?;
        let shown = root.display_path(path);
        diff.push_str(&unified_diff(&format!("a/{shown}"), &format!("b/{shown}"), text, &new_text));
        files.push(shown);
    }
    for (path, text) in new_files {
        let shown = root.display_path(path);
        diff.push_str(&unified_diff("/dev/null", &format!("b/{shown}"), "", text));
        files.push(shown);
    }
    Some(Fix {
        title: action.title.clone(),
        kind: match action.kind {
            CodeActionKind::QuickFix => "quickfix",
            CodeActionKind::Refactor => "refactor",
            CodeActionKind::RefactorRewrite => "refactor.rewrite",
            CodeActionKind::Source => "source",
        },
        fixes: action.fixes.clone(),
        preferred: action.is_preferred,
        diff,
        files,
    })
}

/// `text` with `edits` applied; `None` when one is out of bounds, splits a character or
/// overlaps another.
fn apply(text: &str, edits: &[openspec_ide::TextEdit]) -> Option<String> {
    let mut sorted: Vec<&openspec_ide::TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in sorted {
        if edit.range.start < at || edit.range.end < edit.range.start {
            return None;
        }
        out.push_str(text.get(at..edit.range.start)?);
        text.get(edit.range.start..edit.range.end)?;
        out.push_str(&edit.new_text);
        at = edit.range.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use openspec_ide::TextEdit;
    use openspec_syntax::TextRange;

    use super::apply;

    fn edit(start: usize, end: usize, new_text: &str) -> TextEdit {
        TextEdit { range: TextRange::new(start, end), new_text: new_text.to_owned() }
    }

    #[test]
    fn edits_apply_in_order_and_bad_ones_are_refused() {
        assert_eq!(apply("abcdef", &[edit(4, 5, "E"), edit(0, 1, "Ä")]).as_deref(), Some("ÄbcdEf"));
        assert_eq!(apply("ab", &[edit(2, 2, "!")]).as_deref(), Some("ab!"));
        assert_eq!(apply("ab", &[edit(1, 3, "x")]), None);
        assert_eq!(apply("ü", &[edit(1, 1, "x")]), None);
        assert_eq!(apply("abc", &[edit(0, 2, "x"), edit(1, 3, "y")]), None);
    }
}
