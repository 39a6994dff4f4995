//! Requirement blocks written outside every delta section of a delta spec.

// Diagnostic: delta/orphaned-requirement
//
// Only the four delta sections are read. A `### Requirement:` under `## Notes`, under a
// misspelt `## ADDED  Requirements`, or above the first `## ` header is dropped without a
// trace, though it reads exactly like one that applies. 1.13.2 warns (not errors, because some
// old archived changes have this shape) so the author moves the block.

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/orphaned-requirement";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    for orphan in &file.delta.orphaned {
        let place = orphan
            .section
            .map_or_else(|| "above the first \"## \" section".to_owned(), |section| format!("under \"## {section}\""));
        let message = format!(
            "Requirement \"{}\" is {place}, which is not a delta section, so it is ignored. Move it under \"## ADDED Requirements\", \"## MODIFIED Requirements\", \"## REMOVED Requirements\", or \"## RENAMED Requirements\".",
            orphan.name
        );
        acc.push(change.finding(CODE, Severity::Warning, file.path, orphan.line.trimmed_range(), message));
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
    fn flags_blocks_outside_delta_sections() {
        expect![[r###"
            //- /openspec/changes/c/specs/auth/spec.md
            ### Requirement: Early
            ^^^^^^^^^^^^^^^^^^^^^^ warning[delta/orphaned-requirement]: Requirement "Early" is above the first "## " section, which is not a delta section, so it is ignored. Move it under "## ADDED Requirements", "## MODIFIED Requirements", "## REMOVED Requirements", or "## RENAMED Requirements".
            ## ADDED  Requirements
            ### Requirement: Misspelt
            ^^^^^^^^^^^^^^^^^^^^^^^^^ warning[delta/orphaned-requirement]: Requirement "Misspelt" is under "## ADDED  Requirements", which is not a delta section, so it is ignored. Move it under "## ADDED Requirements", "## MODIFIED Requirements", "## REMOVED Requirements", or "## RENAMED Requirements".
            ## ADDED Requirements
            ### Requirement: Fine
            The system SHALL.
            #### Scenario: s
            - x
        "###]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n### Requirement: Early\n## ADDED  Requirements\n### Requirement: Misspelt\n## ADDED Requirements\n### Requirement: Fine\nThe system SHALL.\n#### Scenario: s\n- x\n",
        ));
    }

    #[test]
    fn blocks_inside_sections_and_fences_are_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## Purpose\n```md\n### Requirement: Example\n```\n## MODIFIED Requirements\n### Requirement: Fine\nThe system SHALL.\n#### Scenario: s\n- x\n",
        ));
    }
}
