//! Delta specs whose main spec archive cannot update because of its structure errors.

// Diagnostic: archive/main-spec-invalid
//
// Archive refuses to merge into a main spec with misplaced, delta-style or duplicate
// requirement headers: it could drop or duplicate blocks. Those errors are reported on the
// main spec itself; this finding tells the author of the delta, on its first section header,
// that their change is blocked until they are fixed. Quiet when the CLI's INFO says so first.

use super::{Refusals, refusal_finding};
use crate::archive::ArchiveProblemKind;
use crate::diagnostic::Diagnostic;
use crate::rules::delta::{ChangeDeltas, DeltaFile};

const CODE: &str = "archive/main-spec-invalid";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, refusals: &Refusals<'_>, acc: &mut Vec<Diagnostic>) {
    for problem in refusals.problems.iter().filter(|problem| problem.kind == ArchiveProblemKind::MainSpecStructure) {
        let message = format!(
            "{} has structure errors, so `openspec archive` would refuse to merge this delta into it until they are fixed.",
            refusals.base_path
        );
        let finding = refusal_finding(change, file, refusals, problem, CODE, message);
        acc.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::archive::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE, crate::rules::delta::archive_refusal::CODE])
    }

    const MAIN: &str = "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication.\n### Requirement: Stray\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n";

    #[test]
    fn flags_a_delta_whose_main_spec_is_broken_when_the_cli_is_silent() {
        // The missing scenario is a CLI error, so the CLI skips its archive note for the file.
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ^^^^^^^^^^^^^^^^^^^^^ error[archive/main-spec-invalid] (openspec-lsp): openspec/specs/auth/spec.md has structure errors, so `openspec archive` would refuse to merge this delta into it until they are fixed.
            ### Requirement: New
            The system SHALL.
        "#]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: New\nThe system SHALL.\n"
        )));
    }

    #[test]
    fn the_cli_note_alone_when_it_names_the_problem() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ^^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: auth: target spec is structurally invalid and cannot be updated until fixed:
            line 3: Requirement header "### Requirement: Stray" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.
            ### Requirement: New
            The system SHALL.
            #### Scenario: s
            - x
        "####]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: New\nThe system SHALL.\n#### Scenario: s\n- x\n"
        )));
    }
}
