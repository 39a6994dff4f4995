//! ADDED entries and RENAMED TO names that collide with a requirement the main spec has.

// Diagnostic: archive/target-exists
//
// Adding a requirement the main spec already has (with other content), or renaming onto an
// existing name, would leave two requirements with one name, so archive refuses the change;
// so it does when the names differ only in case or spacing. An ADDED block identical to the
// existing one is an already-synced no-op and stays quiet. The CLI's own INFO already covers
// the first refusal of each file.

use openspec_syntax::requirement_blocks::DeltaKind;

use super::{Refusals, refusal_finding};
use crate::archive::ArchiveProblemKind;
use crate::diagnostic::Diagnostic;
use crate::rules::delta::{ChangeDeltas, DeltaFile};

const CODE: &str = "archive/target-exists";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, refusals: &Refusals<'_>, acc: &mut Vec<Diagnostic>) {
    let base = &refusals.base_path;
    for problem in &refusals.problems {
        let name = &problem.name;
        let label = if problem.section == Some(DeltaKind::Renamed) { "RENAMED TO" } else { "ADDED" };
        let near = problem.near_miss.as_deref().unwrap_or_default();
        let message = match problem.kind {
            ArchiveProblemKind::AddedExists => format!(
                "ADDED \"{name}\" is already a requirement of {base}, with different content, so `openspec archive` would refuse this change. Use MODIFIED to change it."
            ),
            ArchiveProblemKind::RenamedTargetExists => format!(
                "RENAMED TO \"{name}\" is already a requirement of {base}, so `openspec archive` would refuse this change."
            ),
            ArchiveProblemKind::AddedNearMiss | ArchiveProblemKind::RenamedTargetNearMiss => format!(
                "{label} \"{name}\" differs from the existing requirement \"{near}\" of {base} only in case or spacing, so `openspec archive` would refuse this change. Choose a distinct name{}.",
                if problem.kind == ArchiveProblemKind::AddedNearMiss {
                    ", or use MODIFIED with that exact name"
                } else {
                    ""
                }
            ),
            _ => continue,
        };
        acc.push(refusal_finding(change, file, refusals, problem, CODE, message));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::archive::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE, crate::rules::delta::archive_refusal::CODE])
    }

    const MAIN: &str = "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication.\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n### Requirement: Logout\nThe system SHALL log out.\n#### Scenario: out\n- x\n";

    #[test]
    fn flags_collisions_with_existing_requirements() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: Login`
            - TO: `### Requirement: LOGOUT`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: auth RENAMED failed for header "### Requirement: LOGOUT" - "### Requirement: Logout" already exists and differs only in case or spacing; choose a distinct name
            ## ADDED Requirements
            ### Requirement: Logout
            ^^^^^^^^^^^^^^^^^^^^^^^ error[archive/target-exists] (openspec-lsp): ADDED "Logout" is already a requirement of openspec/specs/auth/spec.md, with different content, so `openspec archive` would refuse this change. Use MODIFIED to change it.
            The system SHALL log out twice.
            #### Scenario: out
            - x
            ### Requirement: logout
            ^^^^^^^^^^^^^^^^^^^^^^^ error[archive/target-exists] (openspec-lsp): ADDED "logout" differs from the existing requirement "Logout" of openspec/specs/auth/spec.md only in case or spacing, so `openspec archive` would refuse this change. Choose a distinct name, or use MODIFIED with that exact name.
            The system SHALL.
            #### Scenario: s
            - x
        "####]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: LOGOUT`\n## ADDED Requirements\n### Requirement: Logout\nThe system SHALL log out twice.\n#### Scenario: out\n- x\n### Requirement: logout\nThe system SHALL.\n#### Scenario: s\n- x\n"
        )));
    }

    #[test]
    fn an_already_synced_block_is_quiet() {
        expect![[""]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Logout\nThe system SHALL log out.\n#### Scenario: out\n- x\n"
        )));
    }
}
