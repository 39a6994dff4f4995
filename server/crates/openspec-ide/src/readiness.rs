//! Archive readiness, one answer for the proposal's code lens and `check --archive-ready`: an
//! active change is ready when `openspec validate` finds no error in it, every task is checked,
//! and `openspec archive` would not refuse any of its deltas. Another active change editing the
//! same requirement is a caution, not a blocker (archive does not refuse it). The refusals
//! include what the validating archive finds in the main specs it rebuilds (`archive_plan`).
//! Pure: reads the snapshot, the index and the findings `check_root` gave for that snapshot.

use openspec_syntax::TextRange;

use crate::archive_plan::{self, RefusalStep};
use crate::diagnostic::{Diagnostic, ItemId, Origin, Severity};
use crate::index::WorkspaceIndex;
use crate::types::FileRange;
use crate::vfs::RootSnapshot;

/// The CLI's own note that archive would refuse a delta (an info, so never a CLI error).
const CLI_ARCHIVE_REFUSAL_CODE: &str = "delta/archive-would-refuse";
/// This tool's archive dry run (`rules/archive`); all its codes are refusals but this one.
const ARCHIVE_CODE_PREFIX: &str = "archive/";
const CONCURRENT_CHANGE_CODE: &str = "archive/concurrent-change";
/// A rebuilt main spec the validating archive would refuse to write.
const REBUILT_SPEC_INVALID_CODE: &str = "archive/rebuilt-spec-invalid";
/// A merge refusal no finding of the report names (a safety net; the rules name them all).
const MERGE_REFUSED_CODE: &str = "archive/merge-refused";

/// Whether findings of `code` say what `openspec archive` would refuse. The policy must not
/// change them: readiness is made of them.
pub fn is_archive_refusal(code: &str) -> bool {
    code == CLI_ARCHIVE_REFUSAL_CODE || (code.starts_with(ARCHIVE_CODE_PREFIX) && code != CONCURRENT_CHANGE_CODE)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readiness {
    pub change: String,
    /// Errors `openspec validate` reports for the change.
    pub validation_errors: Vec<Diagnostic>,
    /// Unchecked tasks, and the tasks file they are in.
    pub open_tasks: usize,
    pub tasks_path: Option<String>,
    /// What `openspec archive` would refuse.
    pub refusals: Vec<Diagnostic>,
    /// Worth a look before archiving, but no blocker.
    pub cautions: Vec<Diagnostic>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.validation_errors.is_empty() && self.open_tasks == 0 && self.refusals.is_empty()
    }

    /// `ready to archive`, `ready to archive (1 archive warning)` or `not ready to archive: 1
    /// validation error, 2 open tasks`.
    pub fn title(&self) -> String {
        let mut blockers = Vec::new();
        if !self.validation_errors.is_empty() {
            blockers.push(count(self.validation_errors.len(), "validation error"));
        }
        if self.open_tasks > 0 {
            blockers.push(count(self.open_tasks, "open task"));
        }
        if !self.refusals.is_empty() {
            blockers.push(count(self.refusals.len(), "archive problem"));
        }
        let cautions = (!self.cautions.is_empty()).then(|| count(self.cautions.len(), "archive warning"));
        match (blockers.is_empty(), cautions) {
            (true, None) => "ready to archive".to_owned(),
            (true, Some(cautions)) => format!("ready to archive ({cautions})"),
            (false, None) => format!("not ready to archive: {}", blockers.join(", ")),
            (false, Some(cautions)) => format!("not ready to archive: {}; {cautions}", blockers.join(", ")),
        }
    }

    /// Every place behind the answer: errors, refusals, cautions, then the tasks file.
    pub fn locations(&self) -> Vec<FileRange> {
        let mut locations: Vec<FileRange> = self
            .validation_errors
            .iter()
            .chain(&self.refusals)
            .chain(&self.cautions)
            .map(|diagnostic| FileRange { path: diagnostic.path.clone(), range: diagnostic.range })
            .collect();
        if self.open_tasks > 0
            && let Some(path) = &self.tasks_path
        {
            locations.push(FileRange { path: path.clone(), range: TextRange::empty(0) });
        }
        locations.dedup();
        locations
    }
}

/// The readiness of active change `change_id`; `None` when there is no such active change.
pub fn archive_readiness(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change_id: &str,
    diagnostics: &[Diagnostic],
) -> Option<Readiness> {
    let change = index.active_change(change_id)?;
    let item = ItemId::change(change.id.clone());
    let for_change = diagnostics.iter().filter(|diagnostic| diagnostic.item.as_ref() == Some(&item));
    let validation_errors: Vec<Diagnostic> = for_change
        .clone()
        .filter(|diagnostic| diagnostic.origin == Origin::Openspec && diagnostic.severity == Severity::Error)
        .cloned()
        .collect();
    let mut refusals: Vec<Diagnostic> =
        for_change.clone().filter(|diagnostic| is_archive_refusal(diagnostic.code)).cloned().collect();
    if let Some(plan) = archive_plan::plan_change(root, index, change_id, diagnostics, true) {
        for spec in &plan.specs {
            for refusal in &spec.refusals {
                let named =
                    || refusals.iter().chain(&validation_errors).any(|diagnostic| diagnostic.path == refusal.path);
                let (code, message) = match refusal.step {
                    RefusalStep::Validation => continue,
                    RefusalStep::Merge if named() => continue,
                    RefusalStep::Merge => (MERGE_REFUSED_CODE, refusal.message.clone()),
                    RefusalStep::RebuiltSpec => (
                        REBUILT_SPEC_INVALID_CODE,
                        format!("Rebuilt spec for '{}' failed validation: {}", spec.capability, refusal.message),
                    ),
                };
                refusals.push(Diagnostic::lsp(
                    Some(&item),
                    code,
                    Severity::Error,
                    &refusal.path,
                    refusal.range,
                    message,
                ));
            }
        }
    }
    let cautions = for_change.filter(|diagnostic| diagnostic.code == CONCURRENT_CHANGE_CODE).cloned().collect();
    let (open_tasks, tasks_path) = match &change.tasks {
        Some((path, progress)) => (progress.total.saturating_sub(progress.done), Some(path.clone())),
        None => (0, None),
    };
    Some(Readiness { change: change.id.clone(), validation_errors, open_tasks, tasks_path, refusals, cautions })
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::{archive_readiness, is_archive_refusal};
    use crate::features::fixture;

    /// The readiness title of change `c`, then each refusal as `code path line:col: message`.
    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, _, _) = fixture::analysis(fixture_text);
        let report = crate::check_root(&analysis.root, &crate::CheckConfig::default());
        let Some(readiness) = archive_readiness(&analysis.root, &analysis.index, "c", &report.diagnostics) else {
            return expect.assert_eq("no such change");
        };
        let mut out = format!("{}\n", readiness.title());
        for refusal in &readiness.refusals {
            let at = fixture::line_col(&analysis, &refusal.path, refusal.range.start);
            let _ = writeln!(out, "{} {} {at}: {}", refusal.code, refusal.path, refusal.message);
        }
        expect.assert_eq(&out);
    }

    const VALID_CHANGE: &str = "//- /openspec/changes/c/proposal.md
## Why
Lock accounts after repeated failures so that guessing passwords stops working.

## What Changes
- Add a lockout.
//- /openspec/changes/c/specs/auth/spec.md
## ADDED Requirements
### Requirement: Lockout
The system SHALL lock an account after ten failed sign-ins.

#### Scenario: Ten failures
- **WHEN** ten sign-ins fail
- **THEN** the account is locked
";

    #[test]
    fn an_invalid_main_spec_blocks_a_valid_change() {
        check(
            &format!(
                "//- /openspec/specs/auth/spec.md
## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.
{VALID_CHANGE}"
            ),
            &expect![[r#"
                not ready to archive: 1 archive problem
                archive/rebuilt-spec-invalid openspec/specs/auth/spec.md 5:1: Rebuilt spec for 'auth' failed validation: Requirement must have at least one scenario
            "#]],
        );
    }

    #[test]
    fn removing_the_last_requirement_without_retirement_blocks() {
        check(
            "//- /openspec/specs/auth/spec.md
## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in
//- /openspec/changes/c/proposal.md
## Why
Sign-in moves to the identity provider, so this capability has nothing left to say.

## What Changes
- Remove password sign-in.
//- /openspec/changes/c/specs/auth/spec.md
## REMOVED Requirements
### Requirement: Login
**Reason**: Moved to the identity provider.
**Migration**: None.
",
            &expect![[r#"
                not ready to archive: 1 archive problem
                archive/rebuilt-spec-invalid openspec/specs/auth/spec.md 4:1: Rebuilt spec for 'auth' failed validation: Spec must have at least one requirement
                → This change removes the last requirement 'auth' has. To retire the capability and delete its spec, add `retire_capabilities: true` to the change's .openspec.yaml (alongside its `schema:`, which that file requires), then rerun.
            "#]],
        );
    }

    #[test]
    fn refusal_codes() {
        assert!(is_archive_refusal("archive/target-missing"));
        assert!(is_archive_refusal("delta/archive-would-refuse"));
        assert!(!is_archive_refusal("archive/concurrent-change"));
        assert!(!is_archive_refusal("delta/missing-scenario"));
    }
}
