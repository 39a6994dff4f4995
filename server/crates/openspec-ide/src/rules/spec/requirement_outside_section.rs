//! A `### Requirement:` header outside the main spec's `## Requirements` section.

// Diagnostic: spec/requirement-outside-section
//
// Main specs read requirements only between the first `## Requirements` line and the next
// `## ` line. A requirement written anywhere else (under Purpose, after a later `## Notes`,
// above everything) is invisible to validate, list and archive, with no other sign of it.

use openspec_syntax::spec::StructureIssueKind;

use super::CheckedSpec;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(spec: &CheckedSpec<'_, '_>, acc: &mut Vec<Diagnostic>) {
    let outside =
        spec.structure.iter().filter(|issue| issue.kind == StructureIssueKind::RequirementOutsideRequirements);
    for issue in outside {
        acc.push(Diagnostic::openspec(
            &spec.file.item,
            "spec/requirement-outside-section",
            Severity::Error,
            spec.file.path,
            issue.range(),
            format!(
                "Requirement header \"{}\" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.",
                issue.header
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn requirements_after_the_section_are_flagged() {
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ### Requirement: Early
            ^^^^^^^^^^^^^^^^^^^^^^ error[spec/requirement-outside-section]: Requirement header "### Requirement: Early" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
            ## Notes
            ### Requirement: Late
            ^^^^^^^^^^^^^^^^^^^^^ error[spec/requirement-outside-section]: Requirement header "### Requirement: Late" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.
            ###Requirement: no space is not a header here
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n### Requirement: Early\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n## Notes\n### Requirement: Late\n###Requirement: no space is not a header here\n",
        ));
    }
}
