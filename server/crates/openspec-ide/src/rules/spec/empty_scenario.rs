//! A scenario header with nothing under it in a main spec.

// Diagnostic: spec/empty-scenario
//
// The CLI drops a scenario whose body is blank without a word, so a requirement whose only
// scenario is a bare `#### Scenario:` header fails with "must have at least one scenario"
// although a scenario is plainly there. Pointing at the empty header explains that error, and
// catches the half-written scenario even when another one keeps the requirement valid.

use openspec_syntax::spec::Requirement;

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &SpecFile<'_>, requirements: &[Requirement<'_, '_>], acc: &mut Vec<Diagnostic>) {
    for requirement in requirements {
        for scenario in &requirement.empty_scenarios {
            acc.push(Diagnostic::lsp(
                Some(&file.item),
                "spec/empty-scenario",
                Severity::Warning,
                file.path,
                scenario.header_range(),
                "This scenario has no body under it, so OpenSpec does not count it as a scenario. Add its steps, e.g. \"- **WHEN** ...\" and \"- **THEN** ...\".",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn empty_scenarios_are_flagged() {
        expect![[r#"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: empty
            ^^^^^^^^^^^^^^^^^^^^ warning[spec/empty-scenario] (openspec-lsp): This scenario has no body under it, so OpenSpec does not count it as a scenario. Add its steps, e.g. "- **WHEN** ..." and "- **THEN** ...".

            #### Scenario: full
            - ok
            ### Requirement: B
            ^^^^^^^^^^^^^^^^^^ error[spec/requirement-no-scenario]: Requirement must have at least one scenario
            ^^^^^^^^^^^^^^^^^^ warning[spec/requirement-no-scenario-hint]: Requirement must have at least one scenario. Scenarios must use level-4 headers. Convert bullet lists into:
            #### Scenario: Short name
            - **WHEN** ...
            - **THEN** ...
            - **AND** ...
            It SHALL work.
            #### Scenario: only empty
            ^^^^^^^^^^^^^^^^^^^^^^^^^ warning[spec/empty-scenario] (openspec-lsp): This scenario has no body under it, so OpenSpec does not count it as a scenario. Add its steps, e.g. "- **WHEN** ..." and "- **THEN** ...".
        "#]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: empty\n\n#### Scenario: full\n- ok\n### Requirement: B\nIt SHALL work.\n#### Scenario: only empty\n",
        ));
    }
}
