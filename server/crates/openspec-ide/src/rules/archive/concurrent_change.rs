//! Two active changes that edit the same requirement of the same capability.

// Diagnostic: archive/concurrent-change
//
// Each change is validated alone, against today's main spec. When two changes MODIFY, REMOVE
// or rename the same requirement, whichever is archived second applies to a spec the first
// has already rewritten: its MODIFIED block silently drops the first change's edits, or its
// target is gone and archive refuses it. Both entries are marked, each pointing at the others.
// ADDED entries are left out: adding is how a sister change introduces what another modifies.

use std::collections::HashMap;

use openspec_syntax::TextRange;
use openspec_syntax::requirement_text::normalize_requirement_name;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::delta::ChangeDeltas;

const CODE: &str = "archive/concurrent-change";

/// One entry that edits an existing requirement.
struct Touch<'a> {
    change: &'a ChangeDeltas<'a>,
    capability: &'a str,
    key: &'a str,
    /// How the entry touches it (`MODIFIED`, `REMOVED`, `RENAMED`).
    how: &'static str,
    path: &'a str,
    range: TextRange,
}

/// Findings on the entries of change `only`; `changes` must hold every change sharing a
/// capability with it, in change order.
pub fn check(changes: &[ChangeDeltas<'_>], only: &str, acc: &mut Vec<Diagnostic>) {
    let mut touches: Vec<Touch<'_>> = Vec::new();
    for change in changes {
        for file in &change.files {
            let delta = &file.delta;
            let modified = delta.modified.iter().map(|block| (block.name, "MODIFIED", block.header_range()));
            let removed = delta.removed.iter().map(|entry| (entry.name, "REMOVED", entry.range()));
            let renamed = delta.renamed.iter().map(|pair| (pair.from.name, "RENAMED", pair.from.range()));
            for (name, how, range) in modified.chain(removed).chain(renamed) {
                let key = normalize_requirement_name(name);
                touches.push(Touch { change, capability: file.capability, key, how, path: file.path, range });
            }
        }
    }
    // Touches of one requirement, in touch order: a lookup instead of a scan of every touch
    // per touch, which grows with the square of the workspace.
    let mut by_requirement: HashMap<(&str, &str), Vec<&Touch<'_>>> = HashMap::new();
    for touch in &touches {
        by_requirement.entry((touch.capability, touch.key)).or_default().push(touch);
    }
    for touch in touches.iter().filter(|touch| touch.change.change_id == only) {
        let same_requirement = by_requirement.get(&(touch.capability, touch.key)).map_or(&[][..], Vec::as_slice);
        let others: Vec<&Touch<'_>> =
            same_requirement.iter().copied().filter(|other| other.change.change_id != touch.change.change_id).collect();
        if others.is_empty() {
            continue;
        }
        let mut names: Vec<String> =
            others.iter().map(|other| format!("\"{}\" ({})", other.change.change_id, other.how)).collect();
        names.dedup();
        let message = format!(
            "Requirement \"{}\" of capability \"{}\" is also edited by active change {}. Whichever change is archived second applies to the spec the first leaves behind; coordinate the two before archiving.",
            touch.key,
            touch.capability,
            names.join(", ")
        );
        let mut diagnostic =
            Diagnostic::lsp(Some(&touch.change.item), CODE, Severity::Warning, touch.path, touch.range, message);
        for other in others {
            diagnostic = diagnostic.with_related(
                other.path,
                other.range,
                format!("{} in change \"{}\"", other.how, other.change.change_id),
            );
        }
        acc.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::archive::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_both_changes_editing_one_requirement() {
        expect![[r#"
            //- /openspec/changes/a/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Login
            ^^^^^^^^^^^^^^^^^^^^^^ warning[archive/concurrent-change] (openspec-lsp): Requirement "Login" of capability "auth" is also edited by active change "b" (REMOVED), "c" (RENAMED). Whichever change is archived second applies to the spec the first leaves behind; coordinate the two before archiving.
            The system SHALL.
            #### Scenario: s
            - x
            //- /openspec/changes/b/specs/auth/spec.md
            ## REMOVED Requirements
            - ### Requirement: Login
            ^^^^^^^^^^^^^^^^^^^^^^^^ warning[archive/concurrent-change] (openspec-lsp): Requirement "Login" of capability "auth" is also edited by active change "a" (MODIFIED), "c" (RENAMED). Whichever change is archived second applies to the spec the first leaves behind; coordinate the two before archiving.
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: Login`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[archive/concurrent-change] (openspec-lsp): Requirement "Login" of capability "auth" is also edited by active change "a" (MODIFIED), "b" (REMOVED). Whichever change is archived second applies to the spec the first leaves behind; coordinate the two before archiving.
            - TO: `### Requirement: Sign in`
        "#]].assert_eq(&check(
            "//- /openspec/changes/a/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL.\n#### Scenario: s\n- x\n//- /openspec/changes/b/specs/auth/spec.md\n## REMOVED Requirements\n- ### Requirement: Login\n//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n",
        ));
    }

    #[test]
    fn other_capabilities_added_entries_and_one_change_are_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/a/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n- ### Requirement: Login\n//- /openspec/changes/b/specs/billing/spec.md\n## REMOVED Requirements\n- ### Requirement: Login\n//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Login\nThe system SHALL.\n#### Scenario: s\n- x\n",
        ));
    }
}
