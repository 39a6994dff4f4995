//! The CLI's archive dry run: the first reason `openspec archive` would refuse a delta spec.

// Diagnostic: delta/archive-would-refuse
//
// 1.13.2 runs archive's merge builder during validate and notes, as INFO (never a failure),
// the first precondition the merge would stop at: a MODIFIED target that is not in the main
// spec, an ADDED name that already exists, a MODIFIED against a capability with no main spec,
// and so on. The target may legitimately arrive with another change still in flight, hence
// INFO. Files an earlier rule of this change already rejected with an error are skipped, as
// are files with no entries, and main specs that exist but cannot be read.
//
// One refused delta file is one problem, reported once: the note also points (as related
// locations) at every further entry whose target is not in the main spec, with the words
// `archive/target-missing` would use, and that rule stays quiet for a file with a note. The
// CLI's level and message are kept as they are.

use std::collections::BTreeSet;

use openspec_syntax::requirement_blocks::DeltaKind;

use super::{BaseSpec, BaseViews, ChangeDeltas, base_spec};
use crate::archive::{ArchiveProblem, ArchiveProblemKind, ArchiveRequest, simulate_problems};
use crate::diagnostic::{Diagnostic, Severity};
use crate::layout;

pub(crate) const CODE: &str = "delta/archive-would-refuse";

/// `found` holds this change's findings so far, in the CLI's order.
pub fn check(change: &ChangeDeltas<'_>, bases: &BaseViews<'_>, found: &mut Vec<Diagnostic>) {
    let rejected: BTreeSet<&str> =
        found.iter().filter(|d| d.severity == Severity::Error).map(|d| d.path.as_str()).collect();
    let mut notes = Vec::new();
    for file in &change.files {
        if rejected.contains(file.path) || file.delta.entry_count() == 0 {
            continue;
        }
        let base_text = match base_spec(change.root, file.capability) {
            BaseSpec::Missing => None,
            BaseSpec::Text(text) => Some(text),
            // A read error says nothing about whether the delta applies.
            BaseSpec::Unreadable { .. } => continue,
        };
        let base_path = layout::main_spec_path(file.capability);
        let request = ArchiveRequest {
            capability: file.capability,
            change: change.change_id,
            delta_text: file.text,
            base_text,
            base_path: &base_path,
        };
        let base = base_text.and_then(|_| bases.get(file.capability));
        let simulation = simulate_problems(&request, base.as_deref(), &file.delta);
        let Some(refusal) = simulation.refusal() else {
            continue;
        };
        let mut note = change.finding(
            CODE,
            Severity::Info,
            file.path,
            refusal.range,
            format!("Archive would refuse this delta: {}", refusal.message),
        );
        if let Some(base_range) = refusal.base_range {
            note = note.with_related(&base_path, base_range, "in the main spec");
        }
        for problem in simulation.problems.iter().skip(1) {
            if let Some(message) = missing_target_message(problem, &base_path) {
                note = note.with_related(file.path, problem.range, message);
            }
        }
        notes.push(note);
    }
    found.append(&mut notes);
}

/// What `archive/target-missing` says of an entry whose target is not in the main spec at
/// `base_path` (a MODIFIED or RENAMED FROM name it lacks, or a near miss in case or spacing);
/// `None` for every other problem.
pub(crate) fn missing_target_message(problem: &ArchiveProblem, base_path: &str) -> Option<String> {
    let name = &problem.name;
    let label = match problem.section? {
        DeltaKind::Renamed => "RENAMED FROM",
        kind => kind.keyword(),
    };
    let did_you_mean = problem.near_miss.as_ref().map_or_else(String::new, |near| {
        format!(" Did you mean \"{near}\"? Names must match exactly, case and spacing included.")
    });
    match problem.kind {
        ArchiveProblemKind::ModifiedMissing | ArchiveProblemKind::RenamedSourceMissing => Some(format!(
            "{label} \"{name}\" is not a requirement of {base_path}, so `openspec archive` would refuse this change.{did_you_mean}"
        )),
        ArchiveProblemKind::RenamedSourceNearMiss | ArchiveProblemKind::RemovedNearMiss => Some(format!(
            "{label} \"{name}\" is not a requirement of {base_path}, but \"{}\" is; archive matches names exactly and would refuse this change.",
            problem.near_miss.as_deref().unwrap_or_default()
        )),
        ArchiveProblemKind::ModifiedHeaderMismatch => Some(problem.message.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    const MAIN: &str = "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication.\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n";

    #[test]
    fn notes_the_first_refusal_per_file() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Logon
            ^^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: auth MODIFIED failed for header "### Requirement: Logon" - not found
            The system SHALL.
            #### Scenario: s
            - x
            ### Requirement: Other
            The system SHALL.
            #### Scenario: s
            - x
            //- /openspec/changes/c/specs/billing/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: A`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: billing: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.
            - TO: `### Requirement: B`
        "####]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Logon\nThe system SHALL.\n#### Scenario: s\n- x\n### Requirement: Other\nThe system SHALL.\n#### Scenario: s\n- x\n//- /openspec/changes/c/specs/billing/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n"
        )));
    }

    #[test]
    fn files_with_errors_and_clean_merges_are_quiet() {
        expect![[""]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Logon\n#### Scenario: s\n- x\n//- /openspec/changes/c/specs/billing/spec.md\n## ADDED Requirements\n### Requirement: Pay\nThe system SHALL.\n#### Scenario: s\n- x\n"
        )));
    }
}
