//! The explorer's outline of one root: every main spec (requirement count, verdict) and every
//! active change (verdict, task progress, archive readiness, the capabilities its deltas touch),
//! in the order `openspec validate` reports them. Pure: reads the snapshot, the index and the
//! findings `check_root` gave for that snapshot; the server serves it as `openspec/outline`.

use crate::check::{CheckConfig, ItemVerdict, verdicts};
use crate::diagnostic::{Diagnostic, ItemKind};
use crate::features::change_target;
use crate::index::{TaskProgress, WorkspaceIndex};
use crate::layout;
use crate::readiness;
use crate::vfs::RootSnapshot;

/// The outline of one root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// Sorted by capability.
    pub specs: Vec<SpecOutline>,
    /// Active changes, sorted by id.
    pub changes: Vec<ChangeOutline>,
}

/// `openspec validate`'s verdict on one item, with the findings counted toward it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
}

impl From<&ItemVerdict> for Verdict {
    fn from(verdict: &ItemVerdict) -> Self {
        Verdict { valid: verdict.valid, errors: verdict.errors, warnings: verdict.warnings }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecOutline {
    pub capability: String,
    /// `openspec/specs/<capability>/spec.md`.
    pub path: String,
    /// Requirements as `openspec archive` reads them (0 for an unreadable spec).
    pub requirements: usize,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeOutline {
    pub id: String,
    /// The file that opens the change: its proposal, else its tasks, else its first delta
    /// spec, else its folder.
    pub path: String,
    pub verdict: Verdict,
    pub tasks: Option<TaskProgress>,
    /// `readiness::Readiness::is_ready` and its one-line title.
    pub ready: bool,
    pub readiness: String,
    /// One per delta spec, sorted by capability.
    pub capabilities: Vec<TouchedCapability>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TouchedCapability {
    pub capability: String,
    /// The delta spec: `openspec/changes/<id>/specs/<capability>/spec.md`.
    pub path: String,
    /// Whether the main spec exists (archive creates it otherwise).
    pub existing: bool,
}

/// The outline of `root`; `diagnostics` are `check_root`'s for this snapshot, and `config`
/// decides what counts toward a verdict (`--strict`, `--all-rules`).
pub fn outline(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    diagnostics: &[Diagnostic],
    config: &CheckConfig,
) -> Outline {
    let mut outline = Outline::default();
    for verdict in verdicts(root, diagnostics, config) {
        let id = verdict.item.id.clone();
        match verdict.item.kind {
            ItemKind::Spec => {
                let spec = index.spec(&id);
                outline.specs.push(SpecOutline {
                    path: spec.map_or_else(|| layout::main_spec_path(&id), |spec| spec.path.clone()),
                    requirements: spec.map_or(0, |spec| spec.requirements.len()),
                    capability: id,
                    verdict: Verdict::from(&verdict),
                });
            }
            ItemKind::Change => {
                let change = index.active_change(&id);
                let path = change
                    .and_then(|change| change_target(root, change))
                    .map_or_else(|| format!("{}/{id}", layout::CHANGES_DIR), |target| target.path);
                let readiness = readiness::archive_readiness(root, index, &id, diagnostics);
                let capabilities = change
                    .map(|change| {
                        change
                            .deltas
                            .iter()
                            .map(|delta| TouchedCapability {
                                capability: delta.capability.clone(),
                                path: delta.path.clone(),
                                existing: index.spec(&delta.capability).is_some(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                outline.changes.push(ChangeOutline {
                    path,
                    verdict: Verdict::from(&verdict),
                    tasks: change.and_then(|change| change.tasks.as_ref().map(|(_, progress)| *progress)),
                    ready: readiness.as_ref().is_some_and(readiness::Readiness::is_ready),
                    readiness: readiness.map_or_else(String::new, |readiness| readiness.title()),
                    capabilities,
                    id,
                });
            }
        }
    }
    outline
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::{Outline, Verdict};
    use crate::check::CheckConfig;
    use crate::features::fixture;

    fn verdict(verdict: Verdict) -> String {
        let word = if verdict.valid { "valid" } else { "invalid" };
        format!("{word} ({}E {}W)", verdict.errors, verdict.warnings)
    }

    fn render(outline: &Outline) -> String {
        let mut out = String::new();
        for spec in &outline.specs {
            let _ = writeln!(
                out,
                "spec {} {} reqs={} {}",
                spec.capability,
                spec.path,
                spec.requirements,
                verdict(spec.verdict)
            );
        }
        for change in &outline.changes {
            let tasks = change.tasks.map_or_else(|| "-".to_owned(), |tasks| format!("{}/{}", tasks.done, tasks.total));
            let _ = writeln!(
                out,
                "change {} {} {} tasks={tasks} ready={} {:?}",
                change.id,
                change.path,
                verdict(change.verdict),
                change.ready,
                change.readiness
            );
            for touched in &change.capabilities {
                let _ =
                    writeln!(out, "  touches {} {} existing={}", touched.capability, touched.path, touched.existing);
            }
        }
        out
    }

    fn check(fixture_text: &str, config: CheckConfig, expect: &Expect) {
        let (analysis, _, _) = fixture::analysis(fixture_text);
        let diagnostics = crate::check_root(&analysis.root, &config).diagnostics;
        expect.assert_eq(&render(&analysis.outline(&diagnostics, &config)));
    }

    const WORKSPACE: &str = "//- /openspec/specs/auth/spec.md
# auth
## Purpose
Authentication of the users of the system, so that only they can sign in.
## Requirements
### Requirement: Login
The system SHALL log in.
#### Scenario: ok
- **WHEN** a user logs in
- **THEN** it works
### Requirement: Logout
The system SHALL log out.
#### Scenario: ok
- **WHEN** a user logs out
- **THEN** it works
//- /openspec/specs/billing/spec.md
# billing
## Requirements
### Requirement: Pay
Paying.
//- /openspec/changes/add-2fa/proposal.md
# Change: add 2fa
## Why
Accounts are taken over too easily with a password alone; a second factor stops that.
## What Changes
- Add a second factor to login.
//- /openspec/changes/add-2fa/tasks.md
## 1. Build
- [x] 1.1 Write it
- [ ] 1.2 Test it
//- /openspec/changes/add-2fa/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
The system SHALL ask for a second factor.
#### Scenario: ok
- **WHEN** a user logs in
- **THEN** it works
#### Scenario: two factors
- **WHEN** a user logs in
- **THEN** a code is asked for
//- /openspec/changes/add-2fa/specs/sso/spec.md
## ADDED Requirements
### Requirement: SSO
The system SHALL accept SSO.
#### Scenario: sso
- **WHEN** a user signs in with SSO
- **THEN** it works
//- /openspec/changes/empty/specs/auth/spec.md
Nothing here.
//- /openspec/changes/archive/2024-01-01-old/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
The system SHALL log in.
";

    #[test]
    fn specs_and_active_changes_with_counts_and_verdicts() {
        check(
            WORKSPACE,
            CheckConfig::default(),
            &expect![[r#"
                spec auth openspec/specs/auth/spec.md reqs=2 valid (0E 0W)
                spec billing openspec/specs/billing/spec.md reqs=1 invalid (1E 0W)
                change add-2fa openspec/changes/add-2fa/proposal.md valid (0E 0W) tasks=1/2 ready=false "not ready to archive: 1 open task"
                  touches auth openspec/changes/add-2fa/specs/auth/spec.md existing=true
                  touches sso openspec/changes/add-2fa/specs/sso/spec.md existing=false
                change empty openspec/changes/empty/specs/auth/spec.md invalid (2E 0W) tasks=- ready=false "not ready to archive: 2 validation errors"
                  touches auth openspec/changes/empty/specs/auth/spec.md existing=true
            "#]],
        );
    }

    #[test]
    fn strict_counts_warnings_and_a_change_without_files_opens_its_folder() {
        check(
            "//- /openspec/specs/a/spec.md
# a
## Purpose
Short.
## Requirements
### Requirement: One
The system SHALL do one thing.
#### Scenario: one
- **WHEN** x
- **THEN** y
//- /openspec/changes/bare/notes.txt
nothing OpenSpec reads
",
            CheckConfig { strict: true, all_rules: false },
            &expect![[r#"
                spec a openspec/specs/a/spec.md reqs=1 invalid (0E 1W)
                change bare openspec/changes/bare invalid (1E 0W) tasks=- ready=false "not ready to archive: 1 validation error"
            "#]],
        );
    }

    #[test]
    fn an_empty_root_has_an_empty_outline() {
        check("//- /openspec/config.yaml\nschema: spec-driven\n", CheckConfig::default(), &expect![[""]]);
    }
}
