//! Level-3 headers the delta reader skips inside ADDED and MODIFIED sections.

// Diagnostic: delta/non-requirement-header
// Diagnostic: delta/nameless-requirement-header
//
// Inside ADDED and MODIFIED only `### Requirement: <name>` starts a requirement. A `### Login`
// or a `### Requirement:` with no name is read as part of the block above it (or dropped before
// the first block), so validate never checks it while archive and `validate <spec>` later see
// a different shape. The CLI notes each one as INFO (never a failure); the two codes are the
// CLI's two wordings, one for a header that is not a requirement header and one for a header
// that is one but lacks the name.

use std::sync::LazyLock;

use regex::Regex;

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};

const NON_REQUIREMENT: &str = "delta/non-requirement-header";
const NAMELESS: &str = "delta/nameless-requirement-header";

/// `^requirement:?$` (case-insensitive): a requirement header that only lacks its name.
static NAMELESS_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i-u:requirement):?$").expect("nameless header pattern compiles"));

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    for skipped in &file.delta.skipped_headers {
        let (header, section) = (skipped.header, skipped.section_title);
        let (code, message) = if NAMELESS_HEADER.is_match(header) {
            (
                NAMELESS,
                format!(
                    "Header \"### {header}\" in {section} is missing a requirement name and is ignored by validation. Add a name, e.g. \"### Requirement: <name>\"."
                ),
            )
        } else {
            (
                NON_REQUIREMENT,
                format!(
                    "Header \"### {header}\" in {section} is not a \"### Requirement:\" header and is ignored by validation. Use \"### Requirement: {header}\" if it should be validated as a requirement."
                ),
            )
        };
        acc.push(change.finding(code, Severity::Info, file.path, skipped.line.trimmed_range(), message));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::NON_REQUIREMENT, super::NAMELESS])
    }

    #[test]
    fn notes_skipped_headers_in_added_and_modified() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## Added Requirements
            ### Login flow
            ^^^^^^^^^^^^^^ info[delta/non-requirement-header]: Header "### Login flow" in Added Requirements is not a "### Requirement:" header and is ignored by validation. Use "### Requirement: Login flow" if it should be validated as a requirement.
            ### Requirement: A
            The system SHALL a.
            #### Scenario: s
            - x
            ### Notes ###
            ^^^^^^^^^^^^^ info[delta/non-requirement-header]: Header "### Notes ###" in Added Requirements is not a "### Requirement:" header and is ignored by validation. Use "### Requirement: Notes ###" if it should be validated as a requirement.
            ### requirement:
            ^^^^^^^^^^^^^^^^ info[delta/nameless-requirement-header]: Header "### requirement:" in Added Requirements is missing a requirement name and is ignored by validation. Add a name, e.g. "### Requirement: <name>".
            ## MODIFIED Requirements
            ### Requirement
            ^^^^^^^^^^^^^^^ info[delta/nameless-requirement-header]: Header "### Requirement" in MODIFIED Requirements is missing a requirement name and is ignored by validation. Add a name, e.g. "### Requirement: <name>".
        "####]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## Added Requirements\n### Login flow\n### Requirement: A\nThe system SHALL a.\n#### Scenario: s\n- x\n### Notes ###\n### requirement:\n## MODIFIED Requirements\n### Requirement\n",
        ));
    }

    #[test]
    fn removed_renamed_and_fenced_headers_are_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Old notes\n- ### Requirement: A\n## ADDED Requirements\n```\n### Fenced\n```\n### Requirement: B\nThe system SHALL b.\n#### Scenario: s\n- x\n",
        ));
    }
}
