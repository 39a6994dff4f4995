//! One requirement name in two of ADDED, MODIFIED and REMOVED in one delta spec.

// Diagnostic: delta/conflict-modified-removed
// Diagnostic: delta/conflict-modified-added
// Diagnostic: delta/conflict-added-removed
//
// Each pair of sections contradicts itself for one requirement: it cannot be both changed and
// removed, both changed and new, both new and removed. Archive refuses the delta; validate
// reports each pair once per name, on the first block of the earlier-checked section.

use std::collections::{HashMap, HashSet};

use openspec_syntax::TextRange;
use openspec_syntax::requirement_text::normalize_requirement_name;

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const MODIFIED_REMOVED: &str = "delta/conflict-modified-removed";
const MODIFIED_ADDED: &str = "delta/conflict-modified-added";
const ADDED_REMOVED: &str = "delta/conflict-added-removed";

/// Each distinct key of one section in first-seen order, with where it first appears.
pub(super) fn first_keys<'a>(entries: impl Iterator<Item = (&'a str, TextRange)>) -> Vec<(&'a str, TextRange)> {
    let mut keys: Vec<(&'a str, TextRange)> = Vec::new();
    // A set beside the list: with thousands of entries a scan per entry is quadratic.
    let mut seen: HashSet<&'a str> = HashSet::new();
    for (name, range) in entries {
        let key = normalize_requirement_name(name);
        if seen.insert(key) {
            keys.push((key, range));
        }
    }
    keys
}

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    let delta = &file.delta;
    let added = first_keys(delta.added.iter().map(|block| (block.name, block.header_range())));
    let modified = first_keys(delta.modified.iter().map(|block| (block.name, block.header_range())));
    let removed = first_keys(delta.removed.iter().map(|entry| (entry.name, entry.range())));
    // Keys are distinct within a section, so a map answers what a scan would.
    let added_at: HashMap<&str, TextRange> = added.iter().copied().collect();
    let removed_at: HashMap<&str, TextRange> = removed.iter().copied().collect();
    let find = |keys: &HashMap<&str, TextRange>, key: &str| keys.get(key).copied();
    for &(key, range) in &modified {
        if let Some(other) = find(&removed_at, key) {
            let message = format!("Requirement present in both MODIFIED and REMOVED: \"{key}\"");
            acc.push(change.finding(MODIFIED_REMOVED, Severity::Error, file.path, range, message).with_related(
                file.path,
                other,
                "also listed under REMOVED here",
            ));
        }
        if let Some(other) = find(&added_at, key) {
            let message = format!("Requirement present in both MODIFIED and ADDED: \"{key}\"");
            acc.push(change.finding(MODIFIED_ADDED, Severity::Error, file.path, range, message).with_related(
                file.path,
                other,
                "also added here",
            ));
        }
    }
    for &(key, range) in &added {
        if let Some(other) = find(&removed_at, key) {
            let message = format!("Requirement present in both ADDED and REMOVED: \"{key}\"");
            acc.push(change.finding(ADDED_REMOVED, Severity::Error, file.path, range, message).with_related(
                file.path,
                other,
                "also listed under REMOVED here",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::MODIFIED_REMOVED, super::MODIFIED_ADDED, super::ADDED_REMOVED])
    }

    #[test]
    fn flags_each_contradicting_pair() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: A
            ^^^^^^^^^^^^^^^^^^ error[delta/conflict-added-removed]: Requirement present in both ADDED and REMOVED: "A"
            The system SHALL.
            #### Scenario: s
            - x
            ### Requirement: B
            ^^^^^^^^^^^^^^^^^^ error[delta/conflict-added-removed]: Requirement present in both ADDED and REMOVED: "B"
            The system SHALL.
            #### Scenario: s
            - x
            ## MODIFIED Requirements
            ### Requirement: A
            ^^^^^^^^^^^^^^^^^^ error[delta/conflict-modified-removed]: Requirement present in both MODIFIED and REMOVED: "A"
            ^^^^^^^^^^^^^^^^^^ error[delta/conflict-modified-added]: Requirement present in both MODIFIED and ADDED: "A"
            The system SHALL.
            #### Scenario: s
            - x
            ## REMOVED Requirements
            - ### Requirement: A
            - ### Requirement: B
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL.\n#### Scenario: s\n- x\n### Requirement: B\nThe system SHALL.\n#### Scenario: s\n- x\n## MODIFIED Requirements\n### Requirement: A\nThe system SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n- ### Requirement: A\n- ### Requirement: B\n",
        ));
    }

    #[test]
    fn case_variants_do_not_conflict() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n- ### Requirement: a\n",
        ));
    }
}
