//! A `### Requirement:` block with no body text at all.

// Diagnostic: spec/requirement-missing-body
//
// The normative statement of a requirement lives in its body, on the lines after the header.
// The SHALL/MUST check reads `### Requirement:` blocks of the `## Requirements` section and
// does not fall back to the header: a block with nothing before its first scenario is an
// error, and when the header itself carries the keyword the message says to move it down.

use openspec_syntax::requirement_text::{contains_shall_or_must, read_requirement_body, trim_end_lines};

use openspec_syntax::requirement_blocks::RequirementBlock;

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

/// The CLI's `buildMissingShallOrMustMessage`, shared with the warning variant.
pub(super) fn missing_keyword_message(name: &str, guidance_only: bool) -> String {
    let verb = if guidance_only { "should" } else { "must" };
    let suffix = if guidance_only { " (RFC 2119 best practice for English specs)" } else { "" };
    let header_hint = if contains_shall_or_must(name) {
        " in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the \"### Requirement: ...\" header."
    } else {
        ""
    };
    format!("Requirement \"{name}\" {verb} contain SHALL or MUST{header_hint}{suffix}")
}

pub(super) fn check(file: &SpecFile<'_>, blocks: &[RequirementBlock<'_>], acc: &mut Vec<Diagnostic>) {
    for block in blocks {
        if !read_requirement_body(&trim_end_lines(block.body_lines())).is_empty() {
            continue;
        }
        acc.push(Diagnostic::openspec(
            &file.item,
            "spec/requirement-missing-body",
            Severity::Error,
            file.path,
            block.header_range(),
            missing_keyword_message(block.name, false),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn empty_bodies_are_errors_and_metadata_counts_as_body() {
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: The system SHALL log in
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[spec/requirement-missing-body]: Requirement "The system SHALL log in" must contain SHALL or MUST in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the "### Requirement: ..." header.
            #### Scenario: s
            - ok
            ### Requirement: Bare
            ^^^^^^^^^^^^^^^^^^^^^ error[spec/requirement-missing-body]: Requirement "Bare" must contain SHALL or MUST
            ```
            fenced text is not a body
            ```
            #### Scenario: s
            - ok
            ### Requirement: Meta
            **Constraint**: It MUST hold.
            #### Scenario: s
            - ok
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: The system SHALL log in\n#### Scenario: s\n- ok\n### Requirement: Bare\n```\nfenced text is not a body\n```\n#### Scenario: s\n- ok\n### Requirement: Meta\n**Constraint**: It MUST hold.\n#### Scenario: s\n- ok\n",
        ));
    }
}
