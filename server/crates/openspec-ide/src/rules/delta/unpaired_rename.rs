//! RENAMED `FROM:`/`TO:` lines that never formed a pair.

// Diagnostic: delta/unpaired-rename
//
// A rename is a `FROM:` line followed by its `TO:` line. A FROM displaced by another FROM, a
// FROM left pending at the end of its section, or a TO with no FROM before it means the
// RENAMED section does not say what its author meant; pairing the lines anyway would rename a
// requirement nobody named. New in 1.13.2: validate reports each such line and archive refuses.

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/unpaired-rename";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    for unpaired in &file.delta.unpaired_renames {
        let message = format!(
            "RENAMED {}: \"{}\" has no matching {}: line. Write each rename as a FROM: line followed immediately by its TO: line.",
            unpaired.side.keyword(),
            unpaired.entry.name,
            unpaired.side.other().keyword()
        );
        acc.push(change.finding(CODE, Severity::Error, file.path, unpaired.entry.range(), message));
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
    fn flags_each_line_without_a_partner() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: A`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/unpaired-rename]: RENAMED FROM: "A" has no matching TO: line. Write each rename as a FROM: line followed immediately by its TO: line.
            - FROM: `### Requirement: B`
            - TO: `### Requirement: C`
            - TO: `### Requirement: D`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/unpaired-rename]: RENAMED TO: "D" has no matching FROM: line. Write each rename as a FROM: line followed immediately by its TO: line.
            - FROM: `### Requirement: E`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/unpaired-rename]: RENAMED FROM: "E" has no matching TO: line. Write each rename as a FROM: line followed immediately by its TO: line.
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- FROM: `### Requirement: B`\n- TO: `### Requirement: C`\n- TO: `### Requirement: D`\n- FROM: `### Requirement: E`\n",
        ));
    }

    #[test]
    fn well_formed_pairs_are_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n\n* FROM: `### Requirement: C`\n* TO: `### Requirement: D`\n",
        ));
    }
}
