//! MODIFIED, REMOVED and RENAMED entries whose requirement is not in the main spec.

// Diagnostic: archive/target-missing
//
// `validate` does not look at the main spec for these (a sister change may still be about to
// add the requirement), so a typo in a MODIFIED header or RENAMED FROM line is found only when
// `openspec archive` refuses the whole change. Names match exactly, case and spacing included;
// when the main spec has the name in another case or spacing, the finding says which one was
// meant. A REMOVED name missing outright is fine for archive (already removed); only such a
// near miss is refused. When another active change adds the requirement, the finding says
// which (archive that one first). The CLI's own INFO already covers the first refusal of
// each file.

use openspec_syntax::requirement_blocks::DeltaKind;

use super::{Refusals, refusal_finding, sister_change};
use crate::archive::ArchiveProblemKind;
use crate::diagnostic::Diagnostic;
use crate::rules::delta::{ChangeDeltas, DeltaFile};

const CODE: &str = "archive/target-missing";

pub fn check(
    change: &ChangeDeltas<'_>,
    file: &DeltaFile<'_>,
    refusals: &Refusals<'_>,
    changes: &[ChangeDeltas<'_>],
    acc: &mut Vec<Diagnostic>,
) {
    let base = &refusals.base_path;
    for problem in &refusals.problems {
        let name = &problem.name;
        let label = match problem.section {
            Some(DeltaKind::Renamed) => "RENAMED FROM",
            Some(kind) => kind.keyword(),
            None => continue,
        };
        let did_you_mean = problem.near_miss.as_ref().map_or_else(String::new, |near| {
            format!(" Did you mean \"{near}\"? Names must match exactly, case and spacing included.")
        });
        let sister = sister_change(changes, change, file.capability, Some(name)).map_or_else(String::new, |other| {
            format!(" Active change \"{other}\" adds it: archive that change first.")
        });
        let message = match problem.kind {
            ArchiveProblemKind::ModifiedMissing | ArchiveProblemKind::RenamedSourceMissing => format!(
                "{label} \"{name}\" is not a requirement of {base}, so `openspec archive` would refuse this change.{did_you_mean}{sister}"
            ),
            ArchiveProblemKind::RenamedSourceNearMiss | ArchiveProblemKind::RemovedNearMiss => format!(
                "{label} \"{name}\" is not a requirement of {base}, but \"{}\" is; archive matches names exactly and would refuse this change.",
                problem.near_miss.as_deref().unwrap_or_default()
            ),
            ArchiveProblemKind::ModifiedHeaderMismatch => problem.message.clone(),
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
    fn flags_every_missing_target_after_the_cli_note() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: Signin`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: auth RENAMED failed for header "### Requirement: Signin" - source not found
            - TO: `### Requirement: Sign in`
            ## REMOVED Requirements
            - ### Requirement: LOGOUT
            ^^^^^^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): REMOVED "LOGOUT" is not a requirement of openspec/specs/auth/spec.md, but "Logout" is; archive matches names exactly and would refuse this change.
            - ### Requirement: Long gone
            ## MODIFIED Requirements
            ### Requirement: login
            ^^^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): MODIFIED "login" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change. Did you mean "Login"? Names must match exactly, case and spacing included.
            The system SHALL log in.
            #### Scenario: ok
            - x
        "####]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Signin`\n- TO: `### Requirement: Sign in`\n## REMOVED Requirements\n- ### Requirement: LOGOUT\n- ### Requirement: Long gone\n## MODIFIED Requirements\n### Requirement: login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n"
        )));
    }

    #[test]
    fn names_the_sister_change_that_adds_the_target() {
        expect![[r####"
            //- /openspec/changes/a-first/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Mfa
            ^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: auth MODIFIED failed for header "### Requirement: Mfa" - not found
            The system SHALL.
            #### Scenario: s
            - x
            ### Requirement: Sso
            ^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): MODIFIED "Sso" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change. Active change "b-second" adds it: archive that change first.
            The system SHALL.
            #### Scenario: s
            - x
        "####]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/a-first/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Mfa\nThe system SHALL.\n#### Scenario: s\n- x\n### Requirement: Sso\nThe system SHALL.\n#### Scenario: s\n- x\n//- /openspec/changes/b-second/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Sso\nThe system SHALL.\n#### Scenario: s\n- x\n"
        )));
    }

    #[test]
    fn present_targets_are_quiet() {
        expect![[""]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL sign in.\n#### Scenario: ok\n- x\n## REMOVED Requirements\n- ### Requirement: Logout\n"
        )));
    }
}
