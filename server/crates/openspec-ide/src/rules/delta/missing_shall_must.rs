//! ADDED and MODIFIED requirement text without an uppercase SHALL or MUST.

// Diagnostic: delta/missing-shall-must
//
// OpenSpec asks for RFC 2119 keywords in English requirement statements. The CLI only warns
// (a non-English spec is valid, and fails only under `--strict`), and tests the body alone, so
// a SHALL in the header does not count; then the message says where to move it.

use openspec_syntax::requirement_text::{contains_shall_or_must, read_requirement_body};

use super::missing_requirement_text::KEYWORD_IN_HEADER;
use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/missing-shall-must";

const GUIDANCE: &str = " (RFC 2119 best practice for English specs)";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    for (keyword, blocks) in [("ADDED", &file.delta.added), ("MODIFIED", &file.delta.modified)] {
        for block in blocks {
            let body = read_requirement_body(block.body_lines());
            let Some(first_line) = body.first_line_range() else {
                continue;
            };
            if contains_shall_or_must(&body.text()) {
                continue;
            }
            let name = block.name;
            let message = if contains_shall_or_must(name) {
                format!("{keyword} \"{name}\" should contain SHALL or MUST{KEYWORD_IN_HEADER}{GUIDANCE}")
            } else {
                format!("{keyword} \"{name}\" should contain SHALL or MUST{GUIDANCE}")
            };
            acc.push(change.finding(CODE, Severity::Warning, file.path, first_line, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_bodies_without_the_keyword() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: Lowercase
            The system shall log.
            ^^^^^^^^^^^^^^^^^^^^^ warning[delta/missing-shall-must]: ADDED "Lowercase" should contain SHALL or MUST (RFC 2119 best practice for English specs)
            #### Scenario: s
            - x
            ## MODIFIED Requirements
            ### Requirement: Users MUST log in
            Users log in.
            ^^^^^^^^^^^^^ warning[delta/missing-shall-must]: MODIFIED "Users MUST log in" should contain SHALL or MUST in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the "### Requirement: ..." header. (RFC 2119 best practice for English specs)
            #### Scenario: s
            - x
        "####]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Lowercase\nThe system shall log.\n#### Scenario: s\n- x\n## MODIFIED Requirements\n### Requirement: Users MUST log in\nUsers log in.\n#### Scenario: s\n- x\n",
        ));
    }

    #[test]
    fn keyword_on_a_wrapped_line_counts() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Wrapped\nThe system\nSHALL log.\n#### Scenario: s\n- x\n",
        ));
    }
}
