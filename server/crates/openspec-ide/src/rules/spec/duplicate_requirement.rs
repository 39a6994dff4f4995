//! Two `### Requirement:` headers with the same name in a main spec.

// Diagnostic: spec/duplicate-requirement
//
// Names identify requirements for deltas and archive: with two blocks of one name, a
// MODIFIED or REMOVED delta may update one and discard the other. Names are compared after
// trimming and dropping closing `#`s, case-sensitively; every repeat after the first is
// flagged, with the first declaration as related information.

use openspec_syntax::spec::StructureIssueKind;

use super::CheckedSpec;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(spec: &CheckedSpec<'_, '_>, acc: &mut Vec<Diagnostic>) {
    for issue in spec.structure {
        let StructureIssueKind::DuplicateRequirement { first, first_line_number } = issue.kind else { continue };
        let diagnostic = Diagnostic::openspec(
            &spec.file.item,
            "spec/duplicate-requirement",
            Severity::Error,
            spec.file.path,
            issue.range(),
            format!(
                "Requirement header \"{}\" duplicates the requirement declared on line {first_line_number}. Requirement names must be unique so spec updates cannot discard one block while updating another.",
                issue.header
            ),
        )
        .with_related(spec.file.path, first.trimmed_range(), "first declared here");
        acc.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn repeats_are_flagged_and_case_differs() {
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
            ### Requirement: A ##
            ^^^^^^^^^^^^^^^^^^^^^ error[spec/duplicate-requirement]: Requirement header "### Requirement: A ##" duplicates the requirement declared on line 4. Requirement names must be unique so spec updates cannot discard one block while updating another.
                               ^^ warning[spec/closing-hashes] (openspec-lsp): The closing #s are not part of the requirement name "A": OpenSpec 1.13 strips them, but earlier versions kept them, so a delta written against one spelling misses the other. Remove them.
            It SHALL work.
            #### Scenario: s
            - ok
            ### Requirement: a
            It SHALL work.
            #### Scenario: s
            - ok
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n### Requirement: A ##\nIt SHALL work.\n#### Scenario: s\n- ok\n### Requirement: a\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
