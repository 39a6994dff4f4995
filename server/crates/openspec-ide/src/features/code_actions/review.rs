//! Quick fixes for the opt-in review rules (`crate::rules::review`): weak modal -> SHALL, the
//! missing WHEN/THEN bullets of a scenario, an `## Impact` skeleton, a test task, a
//! `design.md` skeleton. Each is offered for a review finding the policy enables that
//! overlaps the requested range, found again from the snapshot (never trusted from the
//! client). Pure: edits and new files the client applies; nothing is written here.

use openspec_syntax::TextRange;
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::proposal::Proposal;
use openspec_syntax::requirement_text::scenario_blocks;
use openspec_syntax::spec::find_section;
use openspec_syntax::tasks::parse_tasks;

use crate::diagnostic::Diagnostic;
use crate::features::code_actions::{CodeAction, CodeActionKind};
use crate::layout;
use crate::line_breaks::line_break;
use crate::rules::review::{self, scenario_missing_step};
use crate::types::{FileRange, SourceChange, TextEdit};
use crate::vfs::RootSnapshot;

const WHEN_SKELETON: &str = "- **WHEN** TODO: the trigger";
const THEN_SKELETON: &str = "- **THEN** TODO: the outcome to check";
const TEST_TASK: &str = "Add tests that cover this change's scenarios";
const DESIGN_SKELETON: &str = "## Context\n\nTODO: background, current state, constraints.\n\n## Goals / Non-Goals\n\n**Goals:**\n- TODO\n\n**Non-Goals:**\n- TODO\n\n## Decisions\n\nTODO: the choices that span the capabilities this change touches, and why.\n\n## Risks / Trade-offs\n\n- TODO\n";

/// The review quick fixes for `range` of `range.path`; `codes` are the diagnostic codes sent
/// with the request.
pub(crate) fn review_actions(root: &RootSnapshot, range: &FileRange, codes: &[&str], acc: &mut Vec<CodeAction>) {
    if !range.path.starts_with(layout::SPECS_DIR) && !range.path.starts_with(layout::CHANGES_DIR) {
        return;
    }
    let Some(text) = root.text(&range.path) else { return };
    let findings = review::findings_on(root, &range.path);
    for finding in findings
        .iter()
        .filter(|finding| finding.range.start <= range.range.end && range.range.start <= finding.range.end)
    {
        let fix = match finding.code {
            review::WEAK_MODAL => weak_modal_fix(text, finding),
            review::SCENARIO_MISSING_STEP => scenario_fix(text, finding),
            review::IMPACT_MISSING => impact_fix(root, text, &range.path),
            review::TEST_TASK_MISSING => test_task_fix(text, &range.path),
            review::DESIGN_MISSING => design_fix(&range.path),
            _ => None,
        };
        let Some((title, edit)) = fix else { continue };
        acc.push(CodeAction {
            title,
            kind: CodeActionKind::QuickFix,
            fixes: codes.contains(&finding.code).then(|| finding.code.to_owned()),
            is_preferred: true,
            edit,
        });
    }
}

fn file_edit(path: &str, edit: TextEdit) -> SourceChange {
    let mut change = SourceChange::default();
    change.edits.insert(path.to_owned(), vec![edit]);
    change
}

fn weak_modal_fix(text: &str, finding: &Diagnostic) -> Option<(String, SourceChange)> {
    let word = text.get(finding.range.start..finding.range.end)?;
    let edit = TextEdit { range: finding.range, new_text: "SHALL".to_owned() };
    Some((format!("Replace \"{word}\" with SHALL"), file_edit(&finding.path, edit)))
}

/// Where the line after `line` starts (the end of the text on the last line).
fn after_line(text: &str, line: &Line<'_>) -> usize {
    let end = line.start + line.text.len();
    let rest = text.get(end..).unwrap_or("");
    end + if rest.starts_with("\r\n") { 2 } else { usize::from(rest.starts_with(['\n', '\r'])) }
}

/// `new_lines` (each ending in `newline`) inserted at `at`, on a line of their own.
fn insert_lines(text: &str, at: usize, new_lines: &[&str]) -> TextEdit {
    let newline = line_break(text);
    let mut new_text = String::new();
    let at_line_start = at == 0 || text.get(..at).is_some_and(|before| before.ends_with(['\n', '\r']));
    if !at_line_start {
        new_text.push_str(newline);
    }
    for line in new_lines {
        new_text.push_str(line);
        new_text.push_str(newline);
    }
    TextEdit { range: TextRange::empty(at), new_text }
}

fn scenario_fix(text: &str, finding: &Diagnostic) -> Option<(String, SourceChange)> {
    let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    let header_idx = lines
        .iter()
        .position(|line| line.start <= finding.range.start && finding.range.start <= line.start + line.text.len())?;
    let scenario = scenario_blocks(lines.get(header_idx..)?).into_iter().next()?;
    let missing = scenario_missing_step::missing_steps(&scenario);
    let last = scenario.body.iter().rev().find(|line| !line.text.trim().is_empty())?;
    let end = after_line(text, last);
    let edits = if missing.when && !missing.then {
        let then_line = scenario.body.iter().find(|line| scenario_missing_step::is_step(line, "THEN"))?;
        vec![insert_lines(text, then_line.start, &[WHEN_SKELETON])]
    } else if missing.when {
        vec![insert_lines(text, end, &[WHEN_SKELETON, THEN_SKELETON])]
    } else {
        vec![insert_lines(text, end, &[THEN_SKELETON])]
    };
    let title = match (missing.when, missing.then) {
        (true, true) => "Add WHEN and THEN steps",
        (true, false) => "Add a WHEN step",
        _ => "Add a THEN step",
    };
    let mut change = SourceChange::default();
    change.edits.insert(finding.path.clone(), edits);
    Some((title.to_owned(), change))
}

fn impact_fix(root: &RootSnapshot, text: &str, path: &str) -> Option<(String, SourceChange)> {
    let change_dir = path.rsplit_once('/').map(|(dir, _)| dir)?;
    let capabilities: Vec<String> =
        layout::delta_specs(root, change_dir).iter().map(|spec| format!("`{}`", spec.id)).collect();
    let specs_line = if capabilities.is_empty() {
        "- Affected specs: TODO".to_owned()
    } else {
        format!("- Affected specs: {}", capabilities.join(", "))
    };
    let body = [specs_line.as_str(), "- Affected code: TODO", "- Affected APIs and systems: TODO"];
    let proposal = Proposal::parse(text);
    let edit = if let Some(section) = find_section(&proposal.sections, "Impact") {
        let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
        let header = lines.iter().find(|line| {
            line.start <= section.header_range().start && section.header_range().start <= line.start + line.text.len()
        })?;
        insert_lines(text, after_line(text, header), &body)
    } else {
        let mut new_lines = vec!["", "## Impact"];
        new_lines.extend(body);
        insert_lines(text, text.len(), &new_lines)
    };
    Some(("Add an Impact section".to_owned(), file_edit(path, edit)))
}

fn test_task_fix(text: &str, path: &str) -> Option<(String, SourceChange)> {
    let doc = parse_tasks(text);
    let last = doc.tasks.last()?;
    // The first task's indentation and bullet: the new task joins the top level.
    let first = doc.tasks.first()?;
    let prefix = text.get(first.line.start..first.checkbox.start)?;
    // `2.3` -> `2.4`; ids of another shape get no id rather than a guess.
    let next_id = last.id.and_then(|id| {
        let (group, number) = id.rsplit_once('.')?;
        Some(format!("{group}.{} ", number.parse::<u64>().ok()?.checked_add(1)?))
    });
    let task = format!("{prefix}[ ] {}{TEST_TASK}", next_id.unwrap_or_default());
    let edit = insert_lines(text, after_line(text, &last.line), &[task.as_str()]);
    Some(("Add a test task".to_owned(), file_edit(path, edit)))
}

fn design_fix(path: &str) -> Option<(String, SourceChange)> {
    let rest = path.strip_prefix(layout::CHANGES_DIR)?.strip_prefix('/')?;
    let (change_id, _) = rest.split_once('/')?;
    let design_path = format!("{}/design.md", layout::change_dir(change_id));
    let change = SourceChange {
        edits: std::collections::BTreeMap::default(),
        new_files: vec![(design_path, DESIGN_SKELETON.to_owned())],
    };
    Some(("Create design.md".to_owned(), change))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{Expect, expect};

    use crate::features::code_actions::CodeActionConfig;
    use crate::features::fixture;

    const POLICY: &str = "//- /openspec-lsp.toml\n[severity]\n\"review/*\" = \"warning\"\n";

    /// The review quick fixes at the fixture's `$0` (with `code` sent), applied.
    fn check(fixture_text: &str, code: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(&format!("{POLICY}{fixture_text}"));
        let range = crate::analysis::FileRange {
            path: position.path.clone(),
            range: openspec_syntax::TextRange::empty(position.offset),
        };
        let mut out = String::new();
        let actions = analysis.code_actions(&range, &[code], CodeActionConfig { create_files: true });
        for action in
            actions.iter().filter(|action| action.fixes.as_deref().is_some_and(|fixes| fixes.starts_with("review/")))
        {
            let _ = writeln!(out, "{} (fixes {:?}, preferred {})", action.title, action.fixes, action.is_preferred);
            out.push_str(&fixture::apply(&analysis, &action.edit));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn weak_modal_becomes_shall() {
        check(
            "//- /openspec/specs/a/spec.md\n## Purpose\nA.\n\n## Requirements\n### Requirement: R\nThe system sh$0ould log in.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n",
            "review/weak-modal",
            &expect![[r#"
                Replace "should" with SHALL (fixes Some("review/weak-modal"), preferred true)
                //- /openspec/specs/a/spec.md
                ## Purpose
                A.

                ## Requirements
                ### Requirement: R
                The system SHALL log in.

                #### Scenario: s
                - **WHEN** x
                - **THEN** y
            "#]],
        );
    }

    #[test]
    fn missing_steps_get_skeletons() {
        check(
            "//- /openspec/changes/c/specs/a/spec.md\n## ADDED Requirements\n### Requirement: R\nThe system SHALL log in.\n\n#### Scen$0ario: no outcome\n- **WHEN** x\n- **AND** y\n\n#### Scenario: other\n- **WHEN** x\n- **THEN** y",
            "review/scenario-missing-step",
            &expect![[r#"
                Add a THEN step (fixes Some("review/scenario-missing-step"), preferred true)
                //- /openspec/changes/c/specs/a/spec.md
                ## ADDED Requirements
                ### Requirement: R
                The system SHALL log in.

                #### Scenario: no outcome
                - **WHEN** x
                - **AND** y
                - **THEN** TODO: the outcome to check

                #### Scenario: other
                - **WHEN** x
                - **THEN** y"#]],
        );
        check(
            "//- /openspec/changes/c/specs/a/spec.md\r\n## ADDED Requirements\r\n### Requirement: R\r\nThe system SHALL log in.\r\n\r\n#### Scen$0ario: no trigger\r\n- **GIVEN** x\r\n- **THEN** y\r\n",
            "review/scenario-missing-step",
            &expect![[r#"
                Add a WHEN step (fixes Some("review/scenario-missing-step"), preferred true)
                //- /openspec/changes/c/specs/a/spec.md
                ## ADDED Requirements␍
                ### Requirement: R␍
                The system SHALL log in.␍
                ␍
                #### Scenario: no trigger␍
                - **GIVEN** x␍
                - **WHEN** TODO: the trigger␍
                - **THEN** y␍
            "#]],
        );
        check(
            "//- /openspec/changes/c/specs/a/spec.md\n## ADDED Requirements\n### Requirement: R\nThe system SHALL log in.\n\n#### Scen$0ario: prose\nThe user logs in.",
            "review/scenario-missing-step",
            &expect![[r#"
                Add WHEN and THEN steps (fixes Some("review/scenario-missing-step"), preferred true)
                //- /openspec/changes/c/specs/a/spec.md
                ## ADDED Requirements
                ### Requirement: R
                The system SHALL log in.

                #### Scenario: prose
                The user logs in.
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome to check
            "#]],
        );
    }

    #[test]
    fn proposal_gets_impact_and_design() {
        let mut wide = String::new();
        for idx in 0..4 {
            let _ = write!(
                wide,
                "//- /openspec/changes/c/specs/cap{idx}/spec.md\n## ADDED Requirements\n### Requirement: R{idx}\nThe system SHALL.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n"
            );
        }
        check(
            &format!(
                "//- /openspec/changes/c/proposal.md\n# Change: C$0\n## Why\nx\n## What Changes\n- y\n## Impact\n{wide}"
            ),
            "review/design-missing",
            &expect![[r#"
                Create design.md (fixes Some("review/design-missing"), preferred true)
                //- /openspec/changes/c/design.md (new)
                ## Context

                TODO: background, current state, constraints.

                ## Goals / Non-Goals

                **Goals:**
                - TODO

                **Non-Goals:**
                - TODO

                ## Decisions

                TODO: the choices that span the capabilities this change touches, and why.

                ## Risks / Trade-offs

                - TODO
            "#]],
        );
        check(
            &format!("{wide}//- /openspec/changes/c/proposal.md\n# Change: C$0\n## Why\nx\n## What Changes\n- y"),
            "review/impact-missing",
            &expect![[r#"
                Add an Impact section (fixes Some("review/impact-missing"), preferred true)
                //- /openspec/changes/c/proposal.md
                # Change: C
                ## Why
                x
                ## What Changes
                - y

                ## Impact
                - Affected specs: `cap0`, `cap1`, `cap2`, `cap3`
                - Affected code: TODO
                - Affected APIs and systems: TODO
            "#]],
        );
    }

    #[test]
    fn tasks_get_a_test_task() {
        check(
            "//- /openspec/changes/c/tasks.md\n## 1.$0 Build\n- [x] 1.1 Write code\n  - [ ] 1.2 More code\n\nNotes follow.\n",
            "review/test-task-missing",
            &expect![[r#"
                Add a test task (fixes Some("review/test-task-missing"), preferred true)
                //- /openspec/changes/c/tasks.md
                ## 1. Build
                - [x] 1.1 Write code
                  - [ ] 1.2 More code
                - [ ] 1.3 Add tests that cover this change's scenarios

                Notes follow.
            "#]],
        );
    }

    #[test]
    fn nothing_when_the_policy_leaves_review_off() {
        let (analysis, position, _) =
            fixture::analysis("//- /openspec/changes/c/tasks.md\n## 1.$0 Build\n- [x] 1.1 Write code\n");
        let range =
            crate::analysis::FileRange { path: position.path.clone(), range: openspec_syntax::TextRange::empty(0) };
        let actions =
            analysis.code_actions(&range, &["review/test-task-missing"], CodeActionConfig { create_files: true });
        assert!(actions.iter().all(|action| action.fixes.is_none()), "{actions:?}");
    }
}
