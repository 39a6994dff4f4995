//! The spec has a Purpose but no Requirements section, which ends its validation.

// Diagnostic: spec/missing-requirements-section
//
// After the Purpose, `parseSpec` looks for the first header titled "Requirements" at any
// level and throws without one; that error is the spec's only issue. The CLI names no place,
// so the finding sits on the first line, where the document's structure starts.

use openspec_syntax::spec::{Section, SpecDoc};

use super::{GUIDE_MISSING_SPEC_SECTIONS, SpecFile};
use crate::diagnostic::{Diagnostic, Severity};

/// Returns the Requirements section when there is one; reports and returns `None` otherwise.
pub(super) fn check<'s, 'a>(
    file: &SpecFile<'_>,
    spec_doc: &'s SpecDoc<'a>,
    acc: &mut Vec<Diagnostic>,
) -> Option<&'s Section<'a>> {
    if let Some(section) = spec_doc.requirements_section() {
        return Some(section);
    }
    acc.push(Diagnostic::openspec(
        &file.item,
        "spec/missing-requirements-section",
        Severity::Error,
        file.path,
        file.first_line_range(),
        format!("Spec must have a Requirements section. {GUIDE_MISSING_SPEC_SECTIONS}"),
    ));
    None
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn missing_requirements_is_the_only_issue() {
        expect![[r###"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            ^^^^^^^^^^ error[spec/missing-requirements-section]: Spec must have a Requirements section. Missing required sections. Expected headers: "## Purpose" and "## Requirements". Example:
            ## Purpose
            [brief purpose]

            ## Requirements
            ### Requirement: Clear requirement statement
            Users SHALL ...

            #### Scenario: Descriptive name
            - **WHEN** ...
            - **THEN** ...
            Short.
            ## Requirement
            ### Requirement: A
        "###]]
        .assert_eq(&check("//- /openspec/specs/auth/spec.md\n## Purpose\nShort.\n## Requirement\n### Requirement: A\n"));
    }

    #[test]
    fn requirements_header_is_found_case_insensitively() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## REQUIREMENTS\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
