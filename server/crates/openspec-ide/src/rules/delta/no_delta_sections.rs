//! Delta specs with none of the four delta section headers.

// Diagnostic: delta/no-delta-sections
//
// A `spec.md` under a change's `specs/` is read only through `## ADDED|MODIFIED|REMOVED|RENAMED
// Requirements`. Without any (an empty file, a main-spec-shaped copy, `## ADDED  Requirements`
// with two spaces) the file is silently skipped by archive.

use super::{ChangeDeltas, DeltaFile, first_text_range};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/no-delta-sections";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    if file.delta.has_any_section() || file.delta.entry_count() > 0 {
        return;
    }
    // The CLI names no line; the first non-blank line is where the file goes wrong.
    let range = first_text_range(file.text);
    acc.push(change.finding(
        CODE,
        Severity::Error,
        file.path,
        range,
        "No delta sections found. Add headers such as \"## ADDED Requirements\" or move non-delta notes outside specs/.",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_files_without_delta_sections() {
        expect![[r###"
            //- /openspec/changes/c/specs/auth/spec.md

            ## ADDED  Requirements
            ^^^^^^^^^^^^^^^^^^^^^^ error[delta/no-delta-sections]: No delta sections found. Add headers such as "## ADDED Requirements" or move non-delta notes outside specs/.
            ### Requirement: A
            //- /openspec/changes/c/specs/empty/spec.md

            ^ error[delta/no-delta-sections]: No delta sections found. Add headers such as "## ADDED Requirements" or move non-delta notes outside specs/.
        "###]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n\n## ADDED  Requirements\n### Requirement: A\n//- /openspec/changes/c/specs/empty/spec.md\n",
        ));
    }

    #[test]
    fn any_recognised_section_is_enough() {
        expect![[""]].assert_eq(&check("//- /openspec/changes/c/specs/auth/spec.md\n## Renamed requirements\n"));
    }
}
