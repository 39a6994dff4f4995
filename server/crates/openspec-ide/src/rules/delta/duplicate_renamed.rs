//! The same FROM, or the same TO, in two RENAMED pairs of one delta spec.

// Diagnostic: delta/duplicate-renamed-from
// Diagnostic: delta/duplicate-renamed-to
//
// One requirement cannot be renamed twice, and two requirements cannot take one name; archive
// refuses either. Both sides are checked on every pair, so one pair can give both findings.

use openspec_syntax::requirement_blocks::RenameSide;
use openspec_syntax::requirement_text::normalize_requirement_name;

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const FROM: &str = "delta/duplicate-renamed-from";
const TO: &str = "delta/duplicate-renamed-to";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    let mut froms: Vec<(&str, &RenameSide<'_>)> = Vec::new();
    let mut tos: Vec<(&str, &RenameSide<'_>)> = Vec::new();
    for pair in &file.delta.renamed {
        for (code, keyword, side, seen) in [(FROM, "FROM", &pair.from, &mut froms), (TO, "TO", &pair.to, &mut tos)] {
            let key = normalize_requirement_name(side.name);
            if let Some((_, first)) = seen.iter().find(|(seen_key, _)| *seen_key == key) {
                let message = format!("Duplicate {keyword} in RENAMED: \"{}\"", side.name);
                acc.push(change.finding(code, Severity::Error, file.path, side.range(), message).with_related(
                    file.path,
                    first.range(),
                    "first used here",
                ));
            } else {
                seen.push((key, side));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::FROM, super::TO])
    }

    #[test]
    fn flags_repeated_sides() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: A`
            - TO: `### Requirement: B`
            - FROM: `### Requirement: A`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/duplicate-renamed-from]: Duplicate FROM in RENAMED: "A"
            - TO: `### Requirement: B`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/duplicate-renamed-to]: Duplicate TO in RENAMED: "B"
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n",
        ));
    }

    #[test]
    fn a_chain_is_not_a_duplicate() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n- FROM: `### Requirement: B`\n- TO: `### Requirement: C`\n",
        ));
    }
}
