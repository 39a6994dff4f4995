//! Vague terms (the `[review] vague-terms` list) in a requirement or its scenarios.

// Diagnostic: review/vague-term
//
// A requirement is reviewed by asking "how would we test this?". Words such as "fast",
// "appropriate", "user-friendly", "as needed", "etc." or "and/or" leave the answer to whoever
// implements it: the review and the implementation then disagree later, in production. The
// rule looks at the whole requirement block (its text and its scenarios), outside code fences
// and inline code, and matches each term as whole words in any case; the list is the team's
// (`vague-terms` in `openspec-lsp.toml`, see docs/governance.md for the default). There is no
// quick fix: only the author knows the number or the case meant.

use openspec_syntax::TextRange;
use openspec_syntax::requirement_blocks::RequirementBlock;

use super::{Site, find_term, unfenced_lines};
use crate::diagnostic::Diagnostic;

pub(crate) const CODE: &str = "review/vague-term";

pub fn check(site: &Site<'_>, block: &RequirementBlock<'_>, acc: &mut Vec<Diagnostic>) {
    let mut found: Vec<(TextRange, &str)> = Vec::new();
    for line in unfenced_lines(block.body_lines()) {
        for term in &site.config.settings.vague_terms {
            for at in find_term(line.text, term) {
                found.push((TextRange::new(line.start + at, line.start + at + term.len()), term));
            }
        }
    }
    // Longest first at one place, so "as appropriate" hides the "appropriate" inside it.
    found.sort_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
    let mut covered_to = 0;
    for (range, term) in found {
        if range.start < covered_to {
            continue;
        }
        covered_to = range.end;
        let message = format!(
            "Vague term \"{term}\" in requirement \"{}\": say what it means in a way a test can check (a number, a limit, a list).",
            block.name
        );
        acc.push(site.finding(CODE, range, message));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::review::test_helpers::{check_codes, enabling};

    fn check(fixture: &str) -> String {
        check_codes(&format!("{fixture}{}", enabling(super::CODE)), &[super::CODE])
    }

    #[test]
    fn flags_vague_terms_in_requirements_and_scenarios() {
        expect![[r#"
            //- /openspec/specs/search/spec.md
            ## Purpose
            Search appropriately fast.

            ## Requirements
            ### Requirement: Results
            The system SHALL return results fast and sort them as appropriate (title, date, etc.).
                                            ^^^^ warning[review/vague-term] (openspec-lsp): Vague term "fast" in requirement "Results": say what it means in a way a test can check (a number, a limit, a list).
                                                               ^^^^^^^^^^^^^^ warning[review/vague-term] (openspec-lsp): Vague term "as appropriate" in requirement "Results": say what it means in a way a test can check (a number, a limit, a list).
                                                                                            ^^^^ warning[review/vague-term] (openspec-lsp): Vague term "etc." in requirement "Results": say what it means in a way a test can check (a number, a limit, a list).

            #### Scenario: Query
            - **WHEN** a user searches by name and/or tag
                                               ^^^^^^ warning[review/vague-term] (openspec-lsp): Vague term "and/or" in requirement "Results": say what it means in a way a test can check (a number, a limit, a list).
            - **THEN** results appear quickly
                                      ^^^^^^^ warning[review/vague-term] (openspec-lsp): Vague term "quickly" in requirement "Results": say what it means in a way a test can check (a number, a limit, a list).
            ```
            fast in a fence
            ```
        "#]].assert_eq(&check(
            "//- /openspec/specs/search/spec.md\n## Purpose\nSearch appropriately fast.\n\n## Requirements\n### Requirement: Results\nThe system SHALL return results fast and sort them as appropriate (title, date, etc.).\n\n#### Scenario: Query\n- **WHEN** a user searches by name and/or tag\n- **THEN** results appear quickly\n```\nfast in a fence\n```\n",
        ));
    }

    #[test]
    fn quiet_on_precise_text_and_configurable() {
        let fixture = "//- /openspec/specs/search/spec.md\n## Purpose\nSearch.\n\n## Requirements\n### Requirement: Results\nThe system SHALL return results within 200 ms (`fast` path), breakfast included.\n\n#### Scenario: Query\n- **WHEN** a user searches\n- **THEN** results appear within 200 ms\n";
        expect![[""]].assert_eq(&check(fixture));
        let custom = format!("{fixture}{}[review]\nvague-terms = [\"within\"]\n", enabling(super::CODE));
        expect![[r#"
            //- /openspec/specs/search/spec.md
            ## Purpose
            Search.

            ## Requirements
            ### Requirement: Results
            The system SHALL return results within 200 ms (`fast` path), breakfast included.
                                            ^^^^^^ warning[review/vague-term] (openspec-lsp): Vague term "within" in requirement "Results": say what it means in a way a test can check (a number, a limit, a list).

            #### Scenario: Query
            - **WHEN** a user searches
            - **THEN** results appear within 200 ms
                                      ^^^^^^ warning[review/vague-term] (openspec-lsp): Vague term "within" in requirement "Results": say what it means in a way a test can check (a number, a limit, a list).
        "#]].assert_eq(&check_codes(&custom, &[super::CODE]));
    }
}
