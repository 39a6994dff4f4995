//! A requirement whose text is longer than 500 UTF-16 units.

// Diagnostic: spec/requirement-too-long
//
// A very long requirement usually bundles several normative statements that should be
// separate requirements with their own scenarios. The CLI only informs; the length is JS
// `string.length` of the text the section reader built (body lines joined, or the title).

use openspec_syntax::js::js_length;

use openspec_syntax::spec::Requirement;

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

const MAX_REQUIREMENT_TEXT_LENGTH: usize = 500;

pub(super) fn check(file: &SpecFile<'_>, requirements: &[Requirement<'_, '_>], acc: &mut Vec<Diagnostic>) {
    for requirement in requirements {
        if js_length(&requirement.text) <= MAX_REQUIREMENT_TEXT_LENGTH {
            continue;
        }
        acc.push(Diagnostic::openspec(
            &file.item,
            "spec/requirement-too-long",
            Severity::Info,
            file.path,
            requirement.section.header_range(),
            "Requirement text is very long (>500 characters). Consider breaking it down.",
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn long_text_is_noted_and_500_units_is_not() {
        let long = format!("The system SHALL {}", "x".repeat(484));
        let exact = format!("The system SHALL {}", "x".repeat(483));
        let fixture = format!(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: Long\n{long}\n#### Scenario: s\n- ok\n### Requirement: Exact\n{exact}\n#### Scenario: s\n- ok\n"
        );
        let rendered = check(&fixture);
        expect![[r"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: Long
            ^^^^^^^^^^^^^^^^^^^^^ info[spec/requirement-too-long]: Requirement text is very long (>500 characters). Consider breaking it down.
            The system SHALL x…x
            #### Scenario: s
            - ok
            ### Requirement: Exact
            The system SHALL x…
            #### Scenario: s
            - ok
        "]].assert_eq(&rendered.replace(&"x".repeat(483), "x…"));
    }
}
