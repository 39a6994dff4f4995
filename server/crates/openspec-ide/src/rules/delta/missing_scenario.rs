//! ADDED and MODIFIED blocks without a scenario.

// Diagnostic: delta/missing-scenario
//
// Every requirement needs at least one `#### ` scenario with content under it: the rebuilt
// main spec must pass `validate <spec>`, and a MODIFIED block replaces the old one whole. Any
// level-4 header counts, whatever its title; `#####` and `####Scenario:` (no space) do not,
// nor does one in a fence, nor (since 1.13.2) one with nothing under it.

use openspec_syntax::requirement_text::{count_empty_scenarios, count_scenarios};

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/missing-scenario";

const EMPTY_SCENARIO_HINT: &str = " (a scenario header with no body under it does not count; add its steps, e.g. \"- **WHEN** ...\" and \"- **THEN** ...\")";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    for (keyword, blocks) in [("ADDED", &file.delta.added), ("MODIFIED", &file.delta.modified)] {
        for block in blocks {
            if count_scenarios(block.body_lines()) > 0 {
                continue;
            }
            let hint = if count_empty_scenarios(block.body_lines()) > 0 { EMPTY_SCENARIO_HINT } else { "" };
            let message = format!("{keyword} \"{}\" must include at least one scenario{hint}", block.name);
            acc.push(change.finding(CODE, Severity::Error, file.path, block.header_range(), message));
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
    fn flags_blocks_without_a_real_scenario() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: Deep
            ^^^^^^^^^^^^^^^^^^^^^ error[delta/missing-scenario]: ADDED "Deep" must include at least one scenario
            The system SHALL.
            ##### Scenario: too deep
            - x
            ### Requirement: Empty
            ^^^^^^^^^^^^^^^^^^^^^^ error[delta/missing-scenario]: ADDED "Empty" must include at least one scenario (a scenario header with no body under it does not count; add its steps, e.g. "- **WHEN** ..." and "- **THEN** ...")
            The system SHALL.
            #### Scenario: nothing

            ## MODIFIED Requirements
            ### Requirement: Fenced
            ^^^^^^^^^^^^^^^^^^^^^^^ error[delta/missing-scenario]: MODIFIED "Fenced" must include at least one scenario
            The system SHALL.
            ```
            #### Scenario: fenced
            - x
            ```
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Deep\nThe system SHALL.\n##### Scenario: too deep\n- x\n### Requirement: Empty\nThe system SHALL.\n#### Scenario: nothing\n\n## MODIFIED Requirements\n### Requirement: Fenced\nThe system SHALL.\n```\n#### Scenario: fenced\n- x\n```\n",
        ));
    }

    #[test]
    fn any_level_four_header_with_content_counts() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Edge\nThe system SHALL.\n#### Edge case\n- x\n",
        ));
    }
}
