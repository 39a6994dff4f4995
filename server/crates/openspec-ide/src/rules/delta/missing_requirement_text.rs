//! ADDED and MODIFIED blocks with no requirement text under the header.

// Diagnostic: delta/missing-requirement-text
//
// The requirement statement is the body text between the `### Requirement:` header and the
// first header below it (fenced lines and blank lines skipped). A block that has only a header
// and scenarios states nothing; when the SHALL/MUST sits in the header itself, the CLI says to
// move it into the body, where every reader looks for it.

use openspec_syntax::requirement_blocks::RequirementBlock;
use openspec_syntax::requirement_text::{contains_shall_or_must, read_requirement_body};

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/missing-requirement-text";

/// The suffix the CLI adds when the header holds the SHALL/MUST the body lacks.
pub(super) const KEYWORD_IN_HEADER: &str = " in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the \"### Requirement: ...\" header.";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    for (keyword, blocks) in [("ADDED", &file.delta.added), ("MODIFIED", &file.delta.modified)] {
        for block in blocks.iter().filter(|block| read_requirement_body(block.body_lines()).is_empty()) {
            acc.push(change.finding(CODE, Severity::Error, file.path, block.header_range(), message(keyword, block)));
        }
    }
}

fn message(keyword: &str, block: &RequirementBlock<'_>) -> String {
    let name = block.name;
    if contains_shall_or_must(name) {
        format!("{keyword} \"{name}\" must contain SHALL or MUST{KEYWORD_IN_HEADER}")
    } else {
        format!("{keyword} \"{name}\" is missing requirement text")
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
    fn flags_blocks_without_body_text() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: Empty
            ^^^^^^^^^^^^^^^^^^^^^^ error[delta/missing-requirement-text]: ADDED "Empty" is missing requirement text

            ```
            fenced SHALL
            ```
            #### Scenario: s
            - x
            ## MODIFIED Requirements
            ### Requirement: The system SHALL log
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/missing-requirement-text]: MODIFIED "The system SHALL log" must contain SHALL or MUST in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the "### Requirement: ..." header.
            #### Scenario: s
            - x
        "####]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Empty\n\n```\nfenced SHALL\n```\n#### Scenario: s\n- x\n## MODIFIED Requirements\n### Requirement: The system SHALL log\n#### Scenario: s\n- x\n",
        ));
    }

    #[test]
    fn metadata_only_and_wrapped_bodies_count() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Meta\n**ID**: R-1\n#### Scenario: s\n- x\n### Requirement: Plain\nNo keyword here.\n#### Scenario: s\n- x\n",
        ));
    }
}
