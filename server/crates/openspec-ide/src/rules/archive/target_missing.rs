//! MODIFIED, REMOVED and RENAMED entries whose requirement is not in the main spec.

// Diagnostic: archive/target-missing
//
// `validate` does not look at the main spec for these (a sister change may still be about to
// add the requirement), so a typo in a MODIFIED header or RENAMED FROM line is found only when
// `openspec archive` refuses the whole change. Names match exactly, case and spacing included;
// when the main spec has the name in another case or spacing, the finding says which one was
// meant. A REMOVED name missing outright is fine for archive (already removed); only such a
// near miss is refused. When another active change adds the requirement, the finding says
// which (archive that one first). A file with the CLI's own INFO
// (`delta/archive-would-refuse`) gets nothing here: that note names the first refusal and
// points at every missing target after it, so each refused file is reported once.

use super::{Refusals, refusal_finding, sister_change};
use crate::archive::ArchiveProblemKind;
use crate::diagnostic::Diagnostic;
use crate::rules::Pass;
use crate::rules::delta::archive_refusal::missing_target_message;
use crate::rules::delta::{ChangeDeltas, DeltaFile};

const CODE: &str = "archive/target-missing";

pub fn check(
    pass: &Pass<'_>,
    change: &ChangeDeltas<'_>,
    file: &DeltaFile<'_>,
    refusals: &Refusals<'_>,
    acc: &mut Vec<Diagnostic>,
) {
    for problem in &refusals.problems {
        let Some(message) = missing_target_message(problem, &refusals.base_path) else {
            continue;
        };
        let missing_outright =
            matches!(problem.kind, ArchiveProblemKind::ModifiedMissing | ArchiveProblemKind::RenamedSourceMissing);
        let sister = missing_outright
            .then(|| sister_change(pass, change, file.capability, Some(&problem.name)))
            .flatten()
            .map_or_else(String::new, |other| {
                format!(" Active change \"{other}\" adds it: archive that change first.")
            });
        acc.push(refusal_finding(change, file, refusals, problem, CODE, format!("{message}{sister}")));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::archive::test_helpers::{check_codes, check_codes_with_related};

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE, crate::rules::delta::archive_refusal::CODE])
    }

    const MAIN: &str = "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication.\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n### Requirement: Logout\nThe system SHALL log out.\n#### Scenario: out\n- x\n";

    #[test]
    fn flags_every_missing_target_of_a_file_without_the_cli_note() {
        // The scenario-less MODIFIED block is a validate error, so the CLI adds no INFO to the
        // file and every refused entry is this rule's to report.
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: Signin`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): RENAMED FROM "Signin" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change.
            - TO: `### Requirement: Sign in`
            ## REMOVED Requirements
            - ### Requirement: LOGOUT
            ^^^^^^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): REMOVED "LOGOUT" is not a requirement of openspec/specs/auth/spec.md, but "Logout" is; archive matches names exactly and would refuse this change.
            - ### Requirement: Long gone
            ## MODIFIED Requirements
            ### Requirement: login
            ^^^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): MODIFIED "login" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change. Did you mean "Login"? Names must match exactly, case and spacing included.
            The system SHALL log in.
        "#]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Signin`\n- TO: `### Requirement: Sign in`\n## REMOVED Requirements\n- ### Requirement: LOGOUT\n- ### Requirement: Long gone\n## MODIFIED Requirements\n### Requirement: login\nThe system SHALL log in.\n"
        )));
    }

    #[test]
    fn a_file_with_the_cli_note_is_reported_once_by_that_note() {
        // One refused file, one finding: the INFO names the first refusal and points at the
        // other missing targets; this rule adds nothing.
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: Signin`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: auth RENAMED failed for header "### Requirement: Signin" - source not found
            - TO: `### Requirement: Sign in`
            ## REMOVED Requirements
            - ### Requirement: LOGOUT
            ^^^^^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: related: REMOVED "LOGOUT" is not a requirement of openspec/specs/auth/spec.md, but "Logout" is; archive matches names exactly and would refuse this change.
            - ### Requirement: Long gone
            ## MODIFIED Requirements
            ### Requirement: login
            ^^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: related: MODIFIED "login" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change. Did you mean "Login"? Names must match exactly, case and spacing included.
            The system SHALL log in.
            #### Scenario: ok
            - x
        "####]].assert_eq(&check_codes_with_related(
            &format!(
                "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Signin`\n- TO: `### Requirement: Sign in`\n## REMOVED Requirements\n- ### Requirement: LOGOUT\n- ### Requirement: Long gone\n## MODIFIED Requirements\n### Requirement: login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n"
            ),
            &[super::CODE, crate::rules::delta::archive_refusal::CODE],
        ));
    }

    #[test]
    fn names_the_sister_change_that_adds_the_target() {
        expect![[r#"
            //- /openspec/changes/a-first/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Mfa
            ^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): MODIFIED "Mfa" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change.
            The system SHALL.
            ### Requirement: Sso
            ^^^^^^^^^^^^^^^^^^^^ error[archive/target-missing] (openspec-lsp): MODIFIED "Sso" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change. Active change "b-second" adds it: archive that change first.
            The system SHALL.
            #### Scenario: s
            - x
        "#]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/a-first/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Mfa\nThe system SHALL.\n### Requirement: Sso\nThe system SHALL.\n#### Scenario: s\n- x\n//- /openspec/changes/b-second/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Sso\nThe system SHALL.\n#### Scenario: s\n- x\n"
        )));
    }

    #[test]
    fn present_targets_are_quiet() {
        expect![[""]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL sign in.\n#### Scenario: ok\n- x\n## REMOVED Requirements\n- ### Requirement: Logout\n"
        )));
    }
}
