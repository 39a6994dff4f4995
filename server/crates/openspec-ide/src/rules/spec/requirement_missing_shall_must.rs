//! A `### Requirement:` body without an uppercase SHALL or MUST.

// Diagnostic: spec/requirement-missing-shall-must
//
// OpenSpec asks for RFC 2119 keywords in the requirement body. Missing ones are guidance (a
// warning, so only `--strict` fails), because non-English specs legitimately omit them. The
// test is whole-word, uppercase and ASCII-bounded; the finding sits on the body's first line,
// where the keyword belongs.

use openspec_syntax::requirement_text::{contains_shall_or_must, read_requirement_body, trim_end_lines};

use openspec_syntax::requirement_blocks::RequirementBlock;

use super::SpecFile;
use super::requirement_missing_body::missing_keyword_message;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &SpecFile<'_>, blocks: &[RequirementBlock<'_>], acc: &mut Vec<Diagnostic>) {
    for block in blocks {
        let body = read_requirement_body(&trim_end_lines(block.body_lines()));
        let Some(first_line) = body.first_line_range() else { continue };
        if contains_shall_or_must(&body.text()) {
            continue;
        }
        acc.push(Diagnostic::openspec(
            &file.item,
            "spec/requirement-missing-shall-must",
            Severity::Warning,
            file.path,
            first_line,
            missing_keyword_message(block.name, true),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn bodies_without_keywords_are_warned() {
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: Lower
            The system shall log in.
            ^^^^^^^^^^^^^^^^^^^^^^^^ warning[spec/requirement-missing-shall-must]: Requirement "Lower" should contain SHALL or MUST (RFC 2119 best practice for English specs)
            #### Scenario: s
            - ok
            ### Requirement: Header MUST only
            The system logs out.
            ^^^^^^^^^^^^^^^^^^^^ warning[spec/requirement-missing-shall-must]: Requirement "Header MUST only" should contain SHALL or MUST in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the "### Requirement: ..." header. (RFC 2119 best practice for English specs)
            #### Scenario: s
            - ok
            ### Requirement: Wrapped
            The system logs
            and SHALL wrap.
            #### Scenario: s
            - ok
            ### Requirement: Accent
            ÉSHALL counts, SHALLOW does not.
            #### Scenario: s
            - ok
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: Lower\nThe system shall log in.\n#### Scenario: s\n- ok\n### Requirement: Header MUST only\nThe system logs out.\n#### Scenario: s\n- ok\n### Requirement: Wrapped\nThe system logs\nand SHALL wrap.\n#### Scenario: s\n- ok\n### Requirement: Accent\nÉSHALL counts, SHALLOW does not.\n#### Scenario: s\n- ok\n",
        ));
    }

    #[test]
    fn a_trailing_bare_header_is_body_text() {
        // The CLI trims the end of the block before reading it, so the last line `###  `
        // becomes `###` (no header without a space after it) and counts as body text.
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
            ### Requirement: Tail
            ^^^^^^^^^^^^^^^^^^^^^ error[spec/requirement-no-scenario]: Requirement must have at least one scenario
            ^^^^^^^^^^^^^^^^^^^^^ warning[spec/requirement-no-scenario-hint]: Requirement must have at least one scenario. Scenarios must use level-4 headers. Convert bullet lists into:
            #### Scenario: Short name
            - **WHEN** ...
            - **THEN** ...
            - **AND** ...
            ###  
            ^^^ error[spec/requirement-empty-text]: Requirement text cannot be empty
            ^^^ error[spec/requirement-no-scenario]: Requirement must have at least one scenario
            ^^^ warning[spec/requirement-no-scenario-hint]: Requirement must have at least one scenario. Scenarios must use level-4 headers. Convert bullet lists into:
            #### Scenario: Short name
            - **WHEN** ...
            - **THEN** ...
            - **AND** ...
            ^^^ warning[spec/requirement-missing-shall-must]: Requirement "Tail" should contain SHALL or MUST (RFC 2119 best practice for English specs)
            ^^^ warning[spec/non-canonical-requirement-header] (openspec-lsp): "###" sits directly under the Requirements section, so validate reads it as a requirement (it needs a scenario), but the SHALL/MUST check and archive only know "### Requirement: <name>" headers. Write it as "### Requirement: <name>", or move it out of the section.
            ### Requirement: B
            It SHALL work.
            #### Scenario: s
            - ok
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n### Requirement: Tail\n###  \n### Requirement: B\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
