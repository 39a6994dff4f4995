//! The same requirement name twice in ADDED, or twice in MODIFIED, of one delta spec.

// Diagnostic: delta/duplicate-added
// Diagnostic: delta/duplicate-modified
//
// Archive applies blocks by name, so a second block with the same name either overwrites the
// first or collides with it, and one of the two texts is lost. Names compare after
// normalisation (trimmed, closing `#` run dropped) and case-sensitively, as the CLI compares.

use std::collections::HashMap;

use openspec_syntax::requirement_blocks::RequirementBlock;
use openspec_syntax::requirement_text::normalize_requirement_name;

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const ADDED: &str = "delta/duplicate-added";
const MODIFIED: &str = "delta/duplicate-modified";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    for (code, keyword, blocks) in [(ADDED, "ADDED", &file.delta.added), (MODIFIED, "MODIFIED", &file.delta.modified)] {
        report_repeats(change, file, code, keyword, blocks, acc);
    }
}

fn report_repeats(
    change: &ChangeDeltas<'_>,
    file: &DeltaFile<'_>,
    code: &'static str,
    keyword: &str,
    blocks: &[RequirementBlock<'_>],
    acc: &mut Vec<Diagnostic>,
) {
    // A map, not a list: a scan per block is quadratic in a delta with thousands of them.
    let mut seen: HashMap<&str, &RequirementBlock<'_>> = HashMap::new();
    for block in blocks {
        let key = normalize_requirement_name(block.name);
        if let Some(first) = seen.get(key) {
            let message = format!("Duplicate requirement in {keyword}: \"{}\"", block.name);
            acc.push(change.finding(code, Severity::Error, file.path, block.header_range(), message).with_related(
                file.path,
                first.header_range(),
                "first declared here",
            ));
        } else {
            seen.insert(key, block);
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::ADDED, super::MODIFIED])
    }

    #[test]
    fn flags_second_and_later_blocks_with_one_name() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: A
            The system SHALL a.
            #### Scenario: s
            - x
            ### Requirement: A ##
            ^^^^^^^^^^^^^^^^^^^^^ error[delta/duplicate-added]: Duplicate requirement in ADDED: "A"
            The system SHALL a.
            #### Scenario: s
            - x
            ## MODIFIED Requirements
            ### Requirement: B
            The system SHALL b.
            #### Scenario: s
            - x
            ## modified requirements
            ### Requirement: B
            ^^^^^^^^^^^^^^^^^^ error[delta/duplicate-modified]: Duplicate requirement in MODIFIED: "B"
            The system SHALL b.
            #### Scenario: s
            - x
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n#### Scenario: s\n- x\n### Requirement: A ##\nThe system SHALL a.\n#### Scenario: s\n- x\n## MODIFIED Requirements\n### Requirement: B\nThe system SHALL b.\n#### Scenario: s\n- x\n## modified requirements\n### Requirement: B\nThe system SHALL b.\n#### Scenario: s\n- x\n",
        ));
    }

    #[test]
    fn different_case_or_sections_are_not_duplicates() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n#### Scenario: s\n- x\n### Requirement: a\nThe system SHALL a.\n#### Scenario: s\n- x\n",
        ));
    }
}
