//! Code actions: quick fixes and rewrites for the requirement, scenario, delta entry, proposal
//! bullet or change folder under a range, each a `SourceChange` that keeps the file's line
//! breaks. Pure: it proposes edits and new files and never writes; it does not decide what is
//! an error (the rules do), it only says which diagnostic code an action resolves.

use std::collections::BTreeMap;

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::is_js_space;
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::{RequirementBlock, extract_requirements_section};

use crate::index::{FileRole, WorkspaceIndex};
use crate::line_breaks::line_break;
use crate::types::{FileRange, SourceChange, TextEdit};
use crate::vfs::RootSnapshot;

mod delta;
mod legacy_migration;
mod missing_delta;
mod modified_copy;
mod move_block;
mod removed_notes;
mod requirement;
mod review;
mod scaffold;
#[cfg(test)]
mod test_support;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeActionKind {
    QuickFix,
    Refactor,
    RefactorRewrite,
    /// Whole-file or whole-folder actions (scaffolding a change's artifacts).
    Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: CodeActionKind,
    /// The code of a diagnostic given with the request that this action resolves.
    pub fixes: Option<String>,
    /// The one obvious fix for that diagnostic (editors may apply it without asking).
    pub is_preferred: bool,
    pub edit: SourceChange,
}

/// What the client said it can apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeActionConfig {
    /// The client creates files from a workspace edit (`resourceOperations` lists `create`).
    /// Without it, actions that create a file are left out: the client would show a blank
    /// prompt or leave an unsaved buffer instead.
    pub create_files: bool,
}

/// Where the line holding `offset` ends, line break included (`text.len()` on the last line).
fn next_line_start(text: &str, line: &Line<'_>) -> usize {
    let end = line.start + line.text.len();
    let rest = text.get(end..).unwrap_or("");
    if rest.starts_with("\r\n") {
        end + 2
    } else if rest.starts_with(['\n', '\r']) {
        end + 1
    } else {
        end
    }
}

/// Both ranges share at least one position (an empty cursor range at a block's edge counts).
fn overlaps(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The first of `candidates` among the codes given with the request.
fn fixing(codes: &[&str], candidates: &[&str]) -> Option<String> {
    candidates.iter().find(|code| codes.contains(code)).map(|code| (*code).to_owned())
}

fn file_change(path: &str, mut edits: Vec<TextEdit>) -> SourceChange {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut by_file = BTreeMap::new();
    by_file.insert(path.to_owned(), edits);
    SourceChange { edits: by_file, new_files: Vec::new() }
}

fn insert(at: usize, new_text: String) -> TextEdit {
    TextEdit { range: TextRange::empty(at), new_text }
}

/// The code actions for `range` of `range.path`. `diagnostic_codes` are the codes of the
/// diagnostics the client sent with the request; an action resolving one of them names it.
pub fn code_actions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    range: &FileRange,
    diagnostic_codes: &[&str],
    config: CodeActionConfig,
) -> Vec<CodeAction> {
    let Some(text) = root.text(&range.path) else {
        return Vec::new();
    };
    let context = Context { root, index, path: &range.path, text, range: range.range, codes: diagnostic_codes };
    let mut actions = Vec::new();
    match index.role(&range.path) {
        Some(FileRole::MainSpec { .. }) => {
            let section = extract_requirements_section(text);
            for block in section.blocks.iter().filter(|block| overlaps(block_span(block), range.range)) {
                context.requirement_actions(block, RequirementHome::MainSpec, &mut actions);
            }
        }
        Some(FileRole::Delta { change, delta }) => {
            if let Some(change) = index.changes.get(change).filter(|change| !change.archived)
                && let Some(delta) = change.deltas.get(delta)
            {
                context.delta_actions(&delta.capability, &mut actions);
            }
        }
        Some(FileRole::Proposal { change }) => {
            if let Some(change) = index.changes.get(change).filter(|change| !change.archived) {
                context.missing_delta_actions(change, &mut actions);
            }
        }
        Some(FileRole::Tasks { .. }) | None => {}
    }
    context.scaffold_actions(&mut actions);
    legacy_migration::migration_actions(root, range, diagnostic_codes, &mut actions);
    review::review_actions(root, range, diagnostic_codes, &mut actions);
    if !config.create_files {
        actions.retain(|action| action.edit.new_files.is_empty());
    }
    actions
}

/// From the header to the end of the block's last line (trailing blank lines included).
fn block_span(block: &RequirementBlock<'_>) -> TextRange {
    let header = block.header();
    let last = block.lines.last().unwrap_or(&header);
    TextRange::new(header.start, last.start + last.text.len())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RequirementHome {
    MainSpec,
    Delta,
}

impl RequirementHome {
    /// The codes a requirement without a counted scenario gets here.
    const fn no_scenario_codes(self) -> &'static [&'static str] {
        match self {
            RequirementHome::MainSpec => &["spec/requirement-no-scenario", "spec/requirement-no-scenario-hint"],
            RequirementHome::Delta => &["delta/missing-scenario"],
        }
    }
}

const WHEN_PLACEHOLDER: &str = "- **WHEN** TODO: the trigger";
const THEN_PLACEHOLDER: &str = "- **THEN** TODO: the outcome";

struct Context<'a> {
    root: &'a RootSnapshot,
    index: &'a WorkspaceIndex,
    path: &'a str,
    text: &'a str,
    range: TextRange,
    codes: &'a [&'a str],
}

impl Context<'_> {
    fn newline(&self) -> &'static str {
        line_break(self.text)
    }

    fn action(&self, title: String, kind: CodeActionKind, fixes: Option<String>, edits: Vec<TextEdit>) -> CodeAction {
        let is_preferred = fixes.is_some() && kind == CodeActionKind::QuickFix;
        CodeAction { title, kind, fixes, is_preferred, edit: file_change(self.path, edits) }
    }
}

/// Starts of the unfenced `## ` header lines.
fn h2_line_starts(text: &str) -> Vec<usize> {
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let fenced = code_fence_mask(lines.iter().map(|line| line.text));
    lines
        .iter()
        .zip(fenced)
        .filter(|(line, is_fenced)| {
            !is_fenced && line.text.strip_prefix("##").is_some_and(|rest| rest.starts_with(is_js_space))
        })
        .map(|(line, _)| line.start)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::CodeActionConfig;
    use crate::features::fixture;
    use crate::types::FileRange;

    use expect_test::expect;

    use super::test_support::*;

    #[test]
    fn no_file_creation_for_a_client_that_cannot_create_files() {
        let fixture_text = format!(
            "{BASE}//- /openspec/changes/c/proposal.md\n## Capabilities\n### New Capabilities\n- $0`two-factor`: codes\n"
        );
        let titles = |config| {
            let (_, actions) = actions_at(&fixture_text, &["proposal/capability-without-delta"], config);
            actions.into_iter().map(|action| action.title).collect::<Vec<_>>()
        };
        expect![[r#"
            [
                "Create openspec/changes/c/specs/two-factor/spec.md",
                "Create the missing artifacts of `c` (design, tasks) from the spec-driven schema",
                "Create openspec/changes/c/design.md from the spec-driven schema",
                "Create openspec/changes/c/tasks.md from the spec-driven schema",
            ]
        "#]]
        .assert_debug_eq(&titles(CREATE_FILES));
        expect![[r#"
            []
        "#]]
        .assert_debug_eq(&titles(CodeActionConfig { create_files: false }));
    }

    /// Every offset and every one-line range of awkward files (BOM, CRLF, lone CR, non-ASCII,
    /// fences, half-typed headers): completions and code actions never panic, and their ranges
    /// and edits stay on character boundaries, in order and without overlapping.
    #[test]
    fn never_panics_and_edits_stay_well_formed() {
        let files = [
            (
                "openspec/specs/ü/spec.md",
                "\u{FEFF}# ü\r\n## Purpose\r\nÄ\r\n## Requirements\r\n### Requirement: Größe\r\nDas System SHALL.\r\n- WHEN ä\r\n- THEN ö\r\n####Scenario: ß\r\n```\r\n### Requirement: fenced\r\n",
            ),
            (
                "openspec/specs/auth/spec.md",
                "## Requirements\r### Requirement: Lone CR\rThe system SHALL x.\r#### Scenario:\r",
            ),
            (
                "openspec/changes/c/specs/ü/spec.md",
                "## MODIFIED Requirements\n### Requirement: größe\n### Requirement: Größe\n#####Scenario ä\n## ADDED Requirements\n### Requirement: Größe\n### Ä\n## REMOVED Requirements\n- `### Requirement: Größe`\n## RENAMED Requirements\n- FROM: `### Requirement: Größe`\n- FROM: `",
            ),
            ("openspec/changes/c/specs/new/spec.md", "## ADDED Requirements\n### Requirement: Ä"),
            ("openspec/changes/c/proposal.md", "## Capabilities\n### Modified Capabilities\n- `ü`: ä\n- `nope`\n- `"),
            ("openspec/changes/c/.openspec.yaml", "schema: spëc\nsk"),
            ("openspec/config.yaml", "schema: ä\nrules:\n  ä:\n    - ö\n  p"),
        ];
        let mut fixture_text = String::new();
        for (path, text) in files {
            let _ = writeln!(fixture_text, "//- /{path}\n{text}");
        }
        let (analysis, _, _) = fixture::analysis(&fixture_text);
        for (path, _) in files {
            let text = analysis.root.text(path).unwrap_or("").to_owned();
            let boundary = |offset: usize| text.is_char_boundary(offset);
            for offset in 0..=text.len() {
                let position = crate::types::FilePosition { path: path.to_owned(), offset };
                for item in
                    analysis.completions(&position, crate::features::completion::CompletionConfig { snippets: true })
                {
                    let range = item.replace_range;
                    assert!(range.start <= range.end && range.end <= text.len(), "{path}@{offset}: {item:?}");
                    assert!(boundary(range.start) && boundary(range.end), "{path}@{offset}: {item:?}");
                }
                for end in [offset, text.len()] {
                    let range =
                        FileRange { path: path.to_owned(), range: openspec_syntax::TextRange::new(offset, end) };
                    for action in analysis.code_actions(&range, &[], CREATE_FILES) {
                        for (edited, edits) in &action.edit.edits {
                            let edited_text = analysis.root.text(edited).unwrap_or("");
                            let mut previous_end = 0;
                            for edit in edits {
                                let range = edit.range;
                                assert!(previous_end <= range.start && range.end <= edited_text.len(), "{action:?}");
                                assert!(
                                    edited_text.is_char_boundary(range.start)
                                        && edited_text.is_char_boundary(range.end),
                                    "{action:?}"
                                );
                                previous_end = range.end;
                            }
                        }
                    }
                }
            }
        }
    }
}
