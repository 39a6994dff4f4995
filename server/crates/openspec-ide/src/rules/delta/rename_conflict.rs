//! RENAMED pairs that contradict the other sections of the same delta spec.

// Diagnostic: delta/modified-uses-old-name
// Diagnostic: delta/renamed-to-collides-added
// Diagnostic: delta/conflict-renamed-removed
//
// Archive renames before it modifies, so a MODIFIED block must use the new name; a TO name
// that is also ADDED would create two requirements with one name; and renaming a requirement
// that the delta also removes says two opposite things (compared case- and space-insensitively,
// since a variant spelling is the same contradiction). Archive refuses all three.

use openspec_syntax::requirement_blocks::fold_requirement_name;
use openspec_syntax::requirement_text::normalize_requirement_name;

use super::section_conflict::first_keys;
use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const MODIFIED_USES_OLD_NAME: &str = "delta/modified-uses-old-name";
const TO_COLLIDES_ADDED: &str = "delta/renamed-to-collides-added";
const RENAMED_REMOVED: &str = "delta/conflict-renamed-removed";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    let delta = &file.delta;
    let added = first_keys(delta.added.iter().map(|block| (block.name, block.header_range())));
    let modified = first_keys(delta.modified.iter().map(|block| (block.name, block.header_range())));
    let removed = first_keys(delta.removed.iter().map(|entry| (entry.name, entry.range())));
    for pair in &delta.renamed {
        let from = normalize_requirement_name(pair.from.name);
        let to = normalize_requirement_name(pair.to.name);
        if let Some((_, range)) = modified.iter().find(|(key, _)| *key == from) {
            let message = format!("MODIFIED references old name from RENAMED. Use new header for \"{}\"", pair.to.name);
            acc.push(change.finding(MODIFIED_USES_OLD_NAME, Severity::Error, file.path, *range, message).with_related(
                file.path,
                pair.from.range(),
                "renamed here",
            ));
        }
        if let Some((_, range)) = added.iter().find(|(key, _)| *key == to) {
            let message = format!("RENAMED TO collides with ADDED for \"{}\"", pair.to.name);
            acc.push(
                change.finding(TO_COLLIDES_ADDED, Severity::Error, file.path, pair.to.range(), message).with_related(
                    file.path,
                    *range,
                    "added here",
                ),
            );
        }
        let folded_from = fold_requirement_name(from);
        if let Some((removed_key, range)) = removed.iter().find(|(key, _)| fold_requirement_name(key) == folded_from) {
            let spelled =
                if *removed_key == from { String::new() } else { format!(" (REMOVED spells it \"{removed_key}\")") };
            let message = format!("Requirement present in both RENAMED and REMOVED: \"{}\"{spelled}", pair.from.name);
            acc.push(change.finding(RENAMED_REMOVED, Severity::Error, file.path, *range, message).with_related(
                file.path,
                pair.from.range(),
                "renamed here",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::MODIFIED_USES_OLD_NAME, super::TO_COLLIDES_ADDED, super::RENAMED_REMOVED])
    }

    #[test]
    fn flags_renames_that_contradict_other_sections() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: Old`
            - TO: `### Requirement: New`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/renamed-to-collides-added]: RENAMED TO collides with ADDED for "New"
            ## MODIFIED Requirements
            ### Requirement: Old
            ^^^^^^^^^^^^^^^^^^^^ error[delta/modified-uses-old-name]: MODIFIED references old name from RENAMED. Use new header for "New"
            The system SHALL.
            #### Scenario: s
            - x
            ## ADDED Requirements
            ### Requirement: New
            The system SHALL.
            #### Scenario: s
            - x
            ## REMOVED Requirements
            - ### Requirement: old
            ^^^^^^^^^^^^^^^^^^^^^^ error[delta/conflict-renamed-removed]: Requirement present in both RENAMED and REMOVED: "Old" (REMOVED spells it "old")
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Old`\n- TO: `### Requirement: New`\n## MODIFIED Requirements\n### Requirement: Old\nThe system SHALL.\n#### Scenario: s\n- x\n## ADDED Requirements\n### Requirement: New\nThe system SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n- ### Requirement: old\n",
        ));
    }

    #[test]
    fn modified_with_the_new_name_is_the_intended_shape() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Old`\n- TO: `### Requirement: New`\n## MODIFIED Requirements\n### Requirement: New\nThe system SHALL.\n#### Scenario: s\n- x\n",
        ));
    }
}
