//! Scenarios without a WHEN step or without a THEN step.

// Diagnostic: review/scenario-missing-step
//
// A scenario is the testable example of a requirement: a trigger (WHEN) and an observable
// outcome (THEN), optionally after preconditions (GIVEN) and with more steps joined by AND.
// The CLI counts any level-4 header with text under it as a scenario, so "#### Scenario: x"
// over a line of prose passes. A step is a line, outside code fences, that carries the keyword
// in bold anywhere (`- **WHEN** x`, `**Then:** y`, any case) or starts, after an optional list
// marker, with the keyword in capitals (`- WHEN x`). GIVEN, AND and BUT never stand in for WHEN
// or THEN. Empty scenarios are left to the CLI's own finding. The quick fix adds the missing
// bullets as `TODO` skeletons.

use openspec_syntax::lines::Line;
use openspec_syntax::requirement_blocks::RequirementBlock;
use openspec_syntax::requirement_text::{ScenarioBlock, scenario_blocks};

use super::{Site, find_term, unfenced_lines};
use crate::diagnostic::Diagnostic;

pub(crate) const CODE: &str = "review/scenario-missing-step";

/// Which of WHEN and THEN a scenario lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MissingSteps {
    pub when: bool,
    pub then: bool,
}

pub fn check(site: &Site<'_>, block: &RequirementBlock<'_>, acc: &mut Vec<Diagnostic>) {
    for scenario in scenario_blocks(block.body_lines()).iter().filter(|scenario| scenario.has_body()) {
        let missing = missing_steps(scenario);
        let lacks = match (missing.when, missing.then) {
            (true, true) => "neither a WHEN nor a THEN step",
            (true, false) => "no WHEN step",
            (false, true) => "no THEN step",
            (false, false) => continue,
        };
        let title = scenario.header.text.trim_start_matches('#').trim();
        let name =
            title.get(..9).filter(|head| head.eq_ignore_ascii_case("scenario:")).map_or(title, |_| title[9..].trim());
        let message = format!(
            "Scenario \"{name}\" of requirement \"{}\" has {lacks}: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).",
            block.name
        );
        acc.push(site.finding(CODE, scenario.header.trimmed_range(), message));
    }
}

/// What `scenario` lacks.
pub(crate) fn missing_steps(scenario: &ScenarioBlock<'_>) -> MissingSteps {
    let has = |keyword: &str| unfenced_lines(&scenario.body).any(|line| is_step(line, keyword));
    MissingSteps { when: !has("WHEN"), then: !has("THEN") }
}

/// Whether `line` is a `keyword` step (`keyword` in capitals).
pub(crate) fn is_step(line: &Line<'_>, keyword: &str) -> bool {
    let bold = [format!("**{keyword}**"), format!("**{keyword}:**")];
    if bold.iter().any(|marked| !find_term(line.text, marked).is_empty()) {
        return true;
    }
    let text = line.text.trim_start();
    let text = text.strip_prefix(['-', '*', '+']).map_or(text, str::trim_start);
    text.strip_prefix(keyword).is_some_and(|rest| !rest.starts_with(|ch: char| ch.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::review::test_helpers::{check_codes, enabling};

    fn check(fixture: &str) -> String {
        check_codes(&format!("{fixture}{}", enabling(super::CODE)), &[super::CODE])
    }

    #[test]
    fn flags_scenarios_without_when_or_then() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: Login
            The system SHALL log in.

            #### Scenario: Prose only
            ^^^^^^^^^^^^^^^^^^^^^^^^^ warning[review/scenario-missing-step] (openspec-lsp): Scenario "Prose only" of requirement "Login" has neither a WHEN nor a THEN step: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).
            The user logs in and sees the dashboard.

            #### Scenario: No outcome
            ^^^^^^^^^^^^^^^^^^^^^^^^^ warning[review/scenario-missing-step] (openspec-lsp): Scenario "No outcome" of requirement "Login" has no THEN step: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).
            - **GIVEN** a user
            - **WHEN** they log in
            - **AND** WHENEVER

            #### Scenario: Fenced outcome
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[review/scenario-missing-step] (openspec-lsp): Scenario "Fenced outcome" of requirement "Login" has no THEN step: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).
            - WHEN x
            ```
            - **THEN** y
            ```

            #### Scenario: Empty

            ## MODIFIED Requirements
            ### Requirement: Logout
            The system SHALL log out.

            #### Scenario: No trigger
            ^^^^^^^^^^^^^^^^^^^^^^^^^ warning[review/scenario-missing-step] (openspec-lsp): Scenario "No trigger" of requirement "Logout" has no WHEN step: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).
            - **Given** a session
            - **then** it ends
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: Prose only\nThe user logs in and sees the dashboard.\n\n#### Scenario: No outcome\n- **GIVEN** a user\n- **WHEN** they log in\n- **AND** WHENEVER\n\n#### Scenario: Fenced outcome\n- WHEN x\n```\n- **THEN** y\n```\n\n#### Scenario: Empty\n\n## MODIFIED Requirements\n### Requirement: Logout\nThe system SHALL log out.\n\n#### Scenario: No trigger\n- **Given** a session\n- **then** it ends\n",
        ));
    }

    #[test]
    fn quiet_on_complete_scenarios() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuth.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: Bold\n- **GIVEN** a user\n- **WHEN** they log in\n- **THEN** they see the dashboard\n- **AND** a greeting\n\n#### Scenario: Plain capitals\n* WHEN: they log out\n* THEN the session ends\n\n#### Scenario: Bold with colon\n**When:** x **Then:** y\n",
        ));
    }
}
