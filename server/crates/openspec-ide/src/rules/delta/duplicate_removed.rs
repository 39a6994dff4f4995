//! The same name listed twice under REMOVED.

// Diagnostic: delta/duplicate-removed
//
// Removing a requirement twice is at best noise and usually a copy-paste slip where another
// name was meant; archive refuses the delta. Names compare normalised and case-sensitively.

use openspec_syntax::requirement_blocks::RemovedEntry;
use openspec_syntax::requirement_text::normalize_requirement_name;

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/duplicate-removed";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, &RemovedEntry<'_>)> = Vec::new();
    for entry in &file.delta.removed {
        let key = normalize_requirement_name(entry.name);
        if let Some((_, first)) = seen.iter().find(|(seen_key, _)| *seen_key == key) {
            let message = format!("Duplicate requirement in REMOVED: \"{}\"", entry.name);
            acc.push(change.finding(CODE, Severity::Error, file.path, entry.range(), message).with_related(
                file.path,
                first.range(),
                "first listed here",
            ));
        } else {
            seen.push((key, entry));
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
    fn flags_repeated_removals_in_any_form() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## REMOVED Requirements
            ### Requirement: A
            - ### Requirement: A
            ^^^^^^^^^^^^^^^^^^^^ error[delta/duplicate-removed]: Duplicate requirement in REMOVED: "A"
            ## REMOVED Requirements
            * `### Requirement: A`
            ^^^^^^^^^^^^^^^^^^^^^^ error[delta/duplicate-removed]: Duplicate requirement in REMOVED: "A"
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: A\n- ### Requirement: A\n## REMOVED Requirements\n* `### Requirement: A`\n",
        ));
    }

    #[test]
    fn distinct_names_are_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n- ### Requirement: A\n- ### Requirement: a\n",
        ));
    }
}
