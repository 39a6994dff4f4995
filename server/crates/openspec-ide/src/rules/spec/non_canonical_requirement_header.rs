//! A header directly under the Requirements section that is not `### Requirement: <name>`.

// Diagnostic: spec/non-canonical-requirement-header
//
// The section reader treats every direct child of the Requirements section as a requirement,
// so `### Notes` needs a scenario to pass, while the block reader behind the SHALL/MUST check
// and archive never sees it. The two views disagree silently; the fix is either the canonical
// header or moving the text out of the section.

use openspec_syntax::requirement_blocks::is_requirement_header;

use openspec_syntax::spec::Requirement;

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &SpecFile<'_>, requirements: &[Requirement<'_, '_>], acc: &mut Vec<Diagnostic>) {
    for requirement in requirements {
        let header = requirement.section.header;
        if is_requirement_header(header.text) {
            continue;
        }
        acc.push(Diagnostic::lsp(
            Some(&file.item),
            "spec/non-canonical-requirement-header",
            Severity::Warning,
            file.path,
            requirement.section.header_range(),
            format!(
                "\"{}\" sits directly under the Requirements section, so validate reads it as a requirement (it needs a scenario), but the SHALL/MUST check and archive only know \"### Requirement: <name>\" headers. Write it as \"### Requirement: {}\", or move it out of the section.",
                openspec_syntax::js::js_trim(header.text),
                if requirement.section.title.is_empty() { "<name>" } else { requirement.section.title }
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn non_canonical_children_are_flagged() {
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### The system SHALL log in
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[spec/non-canonical-requirement-header] (openspec-lsp): "### The system SHALL log in" sits directly under the Requirements section, so validate reads it as a requirement (it needs a scenario), but the SHALL/MUST check and archive only know "### Requirement: <name>" headers. Write it as "### Requirement: The system SHALL log in", or move it out of the section.
            #### Scenario: s
            - ok
            ### requirement: lower case is canonical
            It SHALL work.
            #### Scenario: s
            - ok
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### The system SHALL log in\n#### Scenario: s\n- ok\n### requirement: lower case is canonical\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
