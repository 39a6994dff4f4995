//! A requirement whose text, header title included, is empty.

// Diagnostic: spec/requirement-empty-text
//
// The section reader falls back to the header title when a requirement has no body, so this
// fires only for a header with nothing but whitespace after its `#`s and no body under it:
// an unnamed, empty requirement the schema rejects.

use openspec_syntax::spec::Requirement;

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &SpecFile<'_>, requirements: &[Requirement<'_, '_>], acc: &mut Vec<Diagnostic>) {
    for requirement in requirements.iter().filter(|requirement| requirement.text.is_empty()) {
        acc.push(Diagnostic::openspec(
            &file.item,
            "spec/requirement-empty-text",
            Severity::Error,
            file.path,
            requirement.section.header_range(),
            "Requirement text cannot be empty",
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn blank_header_without_body_is_flagged() {
        // `###` plus two spaces is a header with an empty title; one space is no header.
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ###  
            ^^^ error[spec/requirement-empty-text]: Requirement text cannot be empty
            ^^^ warning[spec/non-canonical-requirement-header] (openspec-lsp): "###" sits directly under the Requirements section, so validate reads it as a requirement (it needs a scenario), but the SHALL/MUST check and archive only know "### Requirement: <name>" headers. Write it as "### Requirement: <name>", or move it out of the section.
            #### Scenario: s
            - ok
            ### Requirement: Named
            ^^^^^^^^^^^^^^^^^^^^^^ error[spec/requirement-missing-body]: Requirement "Named" must contain SHALL or MUST
            #### Scenario: t
            - ok
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n###  \n#### Scenario: s\n- ok\n### Requirement: Named\n#### Scenario: t\n- ok\n",
        ));
    }
}
