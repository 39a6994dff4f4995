//! A requirement with no scenario the CLI counts (the schema error).

// Diagnostic: spec/requirement-no-scenario
//
// Every requirement needs a scenario: a header below it whose content is not blank. The spec
// schema reports the missing one as an error, and the spec rules add a warning with the
// format guidance for the same requirement (`spec/requirement-no-scenario-hint`); the CLI
// counts both, so both are reported.

use openspec_syntax::spec::Requirement;

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &SpecFile<'_>, requirements: &[Requirement<'_, '_>], acc: &mut Vec<Diagnostic>) {
    for requirement in requirements.iter().filter(|requirement| requirement.scenarios.is_empty()) {
        acc.push(Diagnostic::openspec(
            &file.item,
            "spec/requirement-no-scenario",
            Severity::Error,
            file.path,
            requirement.section.header_range(),
            "Requirement must have at least one scenario",
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn requirement_without_scenario_gets_an_error_and_a_warning() {
        expect![[r"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: Bullets
            ^^^^^^^^^^^^^^^^^^^^^^^^ error[spec/requirement-no-scenario]: Requirement must have at least one scenario
            ^^^^^^^^^^^^^^^^^^^^^^^^ warning[spec/requirement-no-scenario-hint]: Requirement must have at least one scenario. Scenarios must use level-4 headers. Convert bullet lists into:
            #### Scenario: Short name
            - **WHEN** ...
            - **THEN** ...
            - **AND** ...
            The system SHALL log in.
            - WHEN x
            - THEN y
            ### Requirement: Deep
            The system SHALL log out.
            ##### Scenario: deeper levels count
            - ok
        "]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: Bullets\nThe system SHALL log in.\n- WHEN x\n- THEN y\n### Requirement: Deep\nThe system SHALL log out.\n##### Scenario: deeper levels count\n- ok\n",
        ));
    }
}
