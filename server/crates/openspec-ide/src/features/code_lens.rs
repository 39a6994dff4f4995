//! Code lenses: on each main-spec requirement, its scenario count, the active changes touching
//! it and its history (`crate::history`, when the archive names it); on a proposal, task
//! progress and whether the change is ready to archive (`crate::readiness`, the same answer as
//! `check --archive-ready`). Pure: reads the snapshot, the index and the findings the caller
//! already computed with `check_root` for the same snapshot.

use openspec_syntax::TextRange;

use crate::diagnostic::Diagnostic;
use crate::history;
use crate::index::{ChangeInfo, FileRole, ProposalInfo, RequirementInfo, SpecInfo, WorkspaceIndex};
use crate::readiness;
use crate::types::FileRange;
use crate::vfs::RootSnapshot;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
    /// What clicking the lens shows (scenarios, delta entries, blocking findings); may be empty.
    pub locations: Vec<FileRange>,
}

pub fn code_lenses(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    path: &str,
    diagnostics: &[Diagnostic],
) -> Vec<CodeLens> {
    match index.role(path) {
        Some(FileRole::MainSpec { spec }) => {
            let Some(spec) = index.specs.get(spec) else { return Vec::new() };
            let archived = history::archived_changes(index, &spec.capability);
            let lenses = spec.requirements.iter().flat_map(|requirement| {
                requirement_lenses(index, spec, requirement).into_iter().chain(history_lens(
                    index,
                    spec,
                    requirement,
                    &archived,
                ))
            });
            lenses.collect()
        }
        Some(FileRole::Proposal { change }) => {
            let Some(change) = index.changes.get(change) else { return Vec::new() };
            let Some(proposal) = &change.proposal else { return Vec::new() };
            proposal_lenses(root, index, change, proposal, diagnostics)
        }
        _ => Vec::new(),
    }
}

/// "N scenarios" (showing them) and "K active changes: ids" (showing their entries).
fn requirement_lenses(index: &WorkspaceIndex, spec: &SpecInfo, requirement: &RequirementInfo) -> [CodeLens; 2] {
    let scenarios = requirement
        .scenarios
        .iter()
        .map(|scenario| FileRange { path: spec.path.clone(), range: scenario.name_range })
        .collect();
    let touching: Vec<_> =
        index.entries_naming(&spec.capability, &requirement.name).filter(|(change, _, _)| !change.archived).collect();
    let mut change_ids: Vec<&str> = touching.iter().map(|(change, _, _)| change.id.as_str()).collect();
    change_ids.dedup();
    let changes_title = match change_ids.len() {
        0 => "no active changes".to_owned(),
        1 => format!("1 active change: {}", change_ids.join(", ")),
        n => format!("{n} active changes: {}", change_ids.join(", ")),
    };
    let entries =
        touching.iter().map(|(_, delta, entry)| FileRange { path: delta.path.clone(), range: entry.name_range });
    [
        CodeLens {
            range: requirement.header_range,
            title: count(requirement.scenarios.len(), "scenario"),
            locations: scenarios,
        },
        CodeLens { range: requirement.header_range, title: changes_title, locations: entries.collect() },
    ]
}

/// The requirement's history (`crate::history`) when the archive names it: the summary, showing
/// every event's location.
fn history_lens(
    index: &WorkspaceIndex,
    spec: &SpecInfo,
    requirement: &RequirementInfo,
    archived: &[&ChangeInfo],
) -> Option<CodeLens> {
    let history = history::requirement_history_among(index, &spec.capability, &requirement.name, archived)?;
    if history.archived.is_empty() {
        return None;
    }
    let locations =
        history.events().map(|event| FileRange { path: event.path.clone(), range: event.name_range }).collect();
    Some(CodeLens { range: requirement.header_range, title: history.summary(), locations })
}

fn proposal_lenses(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change: &ChangeInfo,
    proposal: &ProposalInfo,
    diagnostics: &[Diagnostic],
) -> Vec<CodeLens> {
    let range = proposal.title_range.unwrap_or(proposal.first_line_range);
    let tasks_lens = match &change.tasks {
        Some((path, progress)) => CodeLens {
            range,
            title: format!("tasks {}/{}", progress.done, progress.total),
            locations: vec![FileRange { path: path.clone(), range: TextRange::empty(0) }],
        },
        None => CodeLens { range, title: "no tasks.md".to_owned(), locations: Vec::new() },
    };
    if change.archived {
        return vec![tasks_lens, CodeLens { range, title: "archived".to_owned(), locations: Vec::new() }];
    }
    let Some(readiness) = readiness::archive_readiness(root, index, &change.id, diagnostics) else {
        return vec![tasks_lens];
    };
    vec![tasks_lens, CodeLens { range, title: readiness.title(), locations: readiness.locations() }]
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let report = crate::check_root(&analysis.root, &crate::CheckConfig::default());
        let mut out = String::new();
        for lens in analysis.code_lenses(&position.path, &report.diagnostics) {
            let _ = writeln!(out, "{} | {}", fixture::location(&analysis, &position.path, lens.range), lens.title);
            for location in &lens.locations {
                let _ = writeln!(out, "    -> {}", fixture::location(&analysis, &location.path, location.range));
            }
        }
        expect.assert_eq(&out);
    }

    const SPEC: &str = "//- /openspec/specs/auth/spec.md
# Auth Specification
## Purpose
Authentication of every user of the system, from first login to the last logout.
## Requirements
### Requirement: Login
The system SHALL log users in.
#### Scenario: ok
- **WHEN** valid
- **THEN** in
### Requirement: Größe
The system SHALL be big.
#### Scenario: one
- **WHEN** x
#### Scenario: two
- **WHEN** y
";

    #[test]
    fn requirement_lenses_count_scenarios_and_active_changes() {
        check(
            &format!(
                "{}//- /openspec/changes/a/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL ask twice.\n#### Scenario: ok\n- x\n//- /openspec/changes/b/specs/auth/spec.md\n## REMOVED Requirements\n- `### Requirement: Login`\n//- /openspec/changes/archive/2024-01-01-z/specs/auth/spec.md\n## REMOVED Requirements\n- `### Requirement: Größe`\n",
                SPEC.replace("# Auth Specification", "# Auth Specification$0")
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:5:1 "### Requirement: Login" | 1 scenario
                    -> openspec/specs/auth/spec.md:7:16 "ok"
                openspec/specs/auth/spec.md:5:1 "### Requirement: Login" | 2 active changes: a, b
                    -> openspec/changes/a/specs/auth/spec.md:2:18 "Login"
                    -> openspec/changes/b/specs/auth/spec.md:2:21 "Login"
                openspec/specs/auth/spec.md:10:1 "### Requirement: Größe" | 2 scenarios
                    -> openspec/specs/auth/spec.md:12:16 "one"
                    -> openspec/specs/auth/spec.md:14:16 "two"
                openspec/specs/auth/spec.md:10:1 "### Requirement: Größe" | no active changes
                openspec/specs/auth/spec.md:10:1 "### Requirement: Größe" | no ADDED in the archive · removed 1x
                    -> openspec/changes/archive/2024-01-01-z/specs/auth/spec.md:2:21 "Größe"
            "####]],
        );
    }

    #[test]
    fn requirement_history_lens_when_the_archive_names_it() {
        check(
            &format!(
                "{}//- /openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Login\nx\n//- /openspec/changes/archive/2024-02-01-tune/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\ny\n//- /openspec/changes/archive/2024-03-01-tune-again/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nz\n",
                SPEC.replace("# Auth Specification", "# Auth Specification$0")
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:5:1 "### Requirement: Login" | 1 scenario
                    -> openspec/specs/auth/spec.md:7:16 "ok"
                openspec/specs/auth/spec.md:5:1 "### Requirement: Login" | no active changes
                openspec/specs/auth/spec.md:5:1 "### Requirement: Login" | added by add-login · modified 2x · last by tune-again
                    -> openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md:2:18 "Login"
                    -> openspec/changes/archive/2024-02-01-tune/specs/auth/spec.md:2:18 "Login"
                    -> openspec/changes/archive/2024-03-01-tune-again/specs/auth/spec.md:2:18 "Login"
                openspec/specs/auth/spec.md:10:1 "### Requirement: Größe" | 2 scenarios
                    -> openspec/specs/auth/spec.md:12:16 "one"
                    -> openspec/specs/auth/spec.md:14:16 "two"
                openspec/specs/auth/spec.md:10:1 "### Requirement: Größe" | no active changes
            "####]],
        );
    }

    const READY_CHANGE: &str = "//- /openspec/changes/add-audit/proposal.md
# Change: Add audit$0

## Why
Auditors need a trail of every login so that incidents can be reconstructed later.

## What Changes
- Add an audit requirement.
//- /openspec/changes/add-audit/tasks.md
## 1. Build
- [x] 1.1 Write it
- [x] 1.2 Test it
//- /openspec/changes/add-audit/specs/auth/spec.md
## ADDED Requirements
### Requirement: Audit
The system SHALL record every login.
#### Scenario: recorded
- **WHEN** a user logs in
- **THEN** an entry is written
";

    #[test]
    fn proposal_ready_to_archive() {
        check(
            &format!("{SPEC}{READY_CHANGE}"),
            &expect![[r#"
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | tasks 2/2
                    -> openspec/changes/add-audit/tasks.md:1:1 ""
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | ready to archive
            "#]],
        );
    }

    #[test]
    fn proposal_blocked_by_tasks_errors_and_archive_problems() {
        // A MODIFIED target the main spec lacks: the CLI notes archive would refuse it.
        let refused = READY_CHANGE
            .replace("- [x] 1.2", "- [ ] 1.2")
            .replace("## ADDED Requirements", "## MODIFIED Requirements\n### Requirement: Missing\nThe system SHALL x.\n#### Scenario: s\n- y\n## ADDED Requirements");
        check(
            &format!("{SPEC}{refused}"),
            &expect![[r####"
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | tasks 1/2
                    -> openspec/changes/add-audit/tasks.md:1:1 ""
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | not ready to archive: 1 open task, 1 archive problem
                    -> openspec/changes/add-audit/specs/auth/spec.md:2:1 "### Requirement: Missing"
                    -> openspec/changes/add-audit/tasks.md:1:1 ""
            "####]],
        );
        // With a CLI error the CLI stops before its archive note; `archive/*` reports it instead.
        let with_error =
            refused.replace("#### Scenario: recorded\n- **WHEN** a user logs in\n- **THEN** an entry is written\n", "");
        check(
            &format!("{SPEC}{with_error}"),
            &expect![[r####"
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | tasks 1/2
                    -> openspec/changes/add-audit/tasks.md:1:1 ""
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | not ready to archive: 1 validation error, 1 open task, 1 archive problem
                    -> openspec/changes/add-audit/specs/auth/spec.md:7:1 "### Requirement: Audit"
                    -> openspec/changes/add-audit/specs/auth/spec.md:2:1 "### Requirement: Missing"
                    -> openspec/changes/add-audit/tasks.md:1:1 ""
            "####]],
        );
    }

    #[test]
    fn another_change_editing_the_same_requirement_is_named_apart() {
        // The MODIFIED block keeps the base's scenario, or the CLI's scenario-loss guard fires.
        let audit = READY_CHANGE
            .replace(
                "## ADDED Requirements\n### Requirement: Audit",
                "## MODIFIED Requirements\n### Requirement: Login",
            )
            .replace("Scenario: recorded", "Scenario: ok");
        let other =
            "//- /openspec/changes/other/specs/auth/spec.md\n## REMOVED Requirements\n- `### Requirement: Login`\n";
        check(
            &format!("{SPEC}{audit}{other}"),
            &expect![[r####"
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | tasks 2/2
                    -> openspec/changes/add-audit/tasks.md:1:1 ""
                openspec/changes/add-audit/proposal.md:1:11 "Add audit" | ready to archive (1 archive warning)
                    -> openspec/changes/add-audit/specs/auth/spec.md:2:1 "### Requirement: Login"
            "####]],
        );
    }

    #[test]
    fn crlf_proposal_without_tasks() {
        check(
            "//- /openspec/changes/ä/proposal.md\r\n# Änderung$0\r\n",
            &expect![[r##"
                openspec/changes/ä/proposal.md:1:3 "Änderung" | no tasks.md
                openspec/changes/ä/proposal.md:1:3 "Änderung" | not ready to archive: 1 validation error
                    -> openspec/changes/ä/proposal.md:1:1 "# Änderung"
            "##]],
        );
    }
}
