//! Fixes for one requirement block (in a main spec or a delta): scenario header levels,
//! WHEN/THEN step bullets turned into scenarios, a missing scenario, an empty one.

use std::sync::LazyLock;

use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::js_trim;
use openspec_syntax::lines::Line;
use openspec_syntax::requirement_blocks::{RequirementBlock, scenario_names};
use openspec_syntax::requirement_text::{atx_hashes_then_space, scenario_blocks};
use regex::Regex;

use super::{
    CodeAction, CodeActionKind, Context, RequirementHome, THEN_PLACEHOLDER, WHEN_PLACEHOLDER, fixing, insert, overlaps,
};
use crate::types::TextEdit;

/// A scenario-ish header at the wrong level or without the space: `### Scenario: x`,
/// `##### Scenario x`, `####Scenario: x`. Captures the name.
pub(super) static SCENARIO_LIKE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^#{1,6}[ \t]*(?i:scenario)(?:[ \t]*:|[ \t]+|$)[ \t]*(.*?)[ \t]*$")
        .expect("scenario header pattern compiles")
});

/// `- WHEN x`, `* **Then** y`, `- GIVEN: z`: a step written as a plain bullet.
pub(super) static STEP_BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([ \t]*)[-*+][ \t]+(?:\*\*)?(?i:(given|when|then|and))(?:\*\*)?(?:[ \t]*:)?(?:[ \t]+(.*?))?[ \t]*$")
        .expect("step bullet pattern compiles")
});

/// `^requirement:?$`: a level-3 header that is a requirement header lacking only its name.
pub(super) static NAMELESS_REQUIREMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:requirement):?$").expect("nameless header pattern compiles"));

impl Context<'_> {
    /// Fixes for one requirement block: scenario header levels, WHEN/THEN bullets, a missing
    /// scenario, an empty one.
    pub(super) fn requirement_actions(
        &self,
        block: &RequirementBlock<'_>,
        home: RequirementHome,
        out: &mut Vec<CodeAction>,
    ) {
        let nl = self.newline();
        let body = block.body_lines();
        let fenced = code_fence_mask(body.iter().map(|line| line.text));
        let unfenced = || body.iter().zip(fenced.iter()).filter(|(_, is_fenced)| !**is_fenced).map(|(line, _)| line);

        for line in unfenced().filter(|line| overlaps(line.range(), self.range)) {
            let Some(captures) = SCENARIO_LIKE_HEADER.captures(line.text) else {
                continue;
            };
            if atx_hashes_then_space(line.text) == Some(4) {
                continue;
            }
            let name = captures.get(1).map_or("", |name| name.as_str());
            let mut codes = vec!["delta/non-requirement-header"];
            codes.extend(home.no_scenario_codes());
            out.push(self.action(
                format!("Change to a scenario header: `#### Scenario: {name}`"),
                CodeActionKind::QuickFix,
                fixing(self.codes, &codes),
                vec![TextEdit { range: line.trimmed_range(), new_text: format!("#### Scenario: {name}") }],
            ));
        }

        let scenarios = scenario_blocks(body);
        if scenarios.is_empty() {
            let steps: Vec<Step<'_>> = unfenced().filter_map(Step::read).collect();
            if let Some(edits) = self.steps_to_scenarios(block, &steps) {
                out.push(self.action(
                    "Turn the WHEN/THEN bullets into a scenario".to_owned(),
                    CodeActionKind::QuickFix,
                    fixing(self.codes, home.no_scenario_codes()),
                    edits,
                ));
            }
            let template = format!("{nl}{nl}#### Scenario: {}{nl}{WHEN_PLACEHOLDER}{nl}{THEN_PLACEHOLDER}", block.name);
            out.push(self.action(
                format!("Add a scenario to \"{}\"", block.name),
                CodeActionKind::QuickFix,
                fixing(self.codes, home.no_scenario_codes()),
                vec![insert(block.range().end, template)],
            ));
        } else if scenarios.iter().all(|scenario| !scenario.has_body())
            && let Some(empty) = scenarios.first()
        {
            let name = scenario_names(std::slice::from_ref(&empty.header)).first().copied().unwrap_or("");
            let mut codes = home.no_scenario_codes().to_vec();
            codes.push("spec/empty-scenario");
            out.push(self.action(
                format!("Add WHEN/THEN steps to scenario \"{name}\""),
                CodeActionKind::QuickFix,
                fixing(self.codes, &codes),
                vec![insert(empty.header.trimmed_range().end, format!("{nl}{WHEN_PLACEHOLDER}{nl}{THEN_PLACEHOLDER}"))],
            ));
        }
    }

    /// Groups the step bullets into scenarios (a new one at each GIVEN/WHEN after a THEN), puts
    /// a `#### Scenario:` header before each group and writes each step as `- **WHEN** ...`.
    fn steps_to_scenarios(&self, block: &RequirementBlock<'_>, steps: &[Step<'_>]) -> Option<Vec<TextEdit>> {
        let nl = self.newline();
        let has = |keyword: &str| steps.iter().any(|step| step.keyword == keyword);
        if !(has("WHEN") || has("GIVEN")) || !has("THEN") {
            return None;
        }
        let mut edits = Vec::new();
        let mut group_has_then = false;
        for (step_idx, step) in steps.iter().enumerate() {
            let starts_group = step_idx == 0 || (group_has_then && matches!(step.keyword, "GIVEN" | "WHEN"));
            if starts_group {
                group_has_then = false;
            }
            group_has_then |= step.keyword == "THEN";
            let bullet = format!("{}- **{}** {}", step.indent, step.keyword, step.rest);
            let new_text = if starts_group {
                let trigger =
                    steps.get(step_idx..).unwrap_or_default().iter().find(|s| matches!(s.keyword, "WHEN" | "GIVEN"));
                let name = trigger.map_or(block.name, |step| step.rest.trim_end_matches('.'));
                let name = if name.is_empty() { block.name } else { name };
                // A header needs a blank line above it unless one is there already.
                let gap = if previous_line_is_blank(self.text, step.line.start) { "" } else { nl };
                format!("{gap}#### Scenario: {name}{nl}{bullet}")
            } else {
                bullet
            };
            edits.push(TextEdit { range: step.line.range(), new_text });
        }
        Some(edits)
    }
}

/// Whether the line before the one starting at `line_start` is blank (or there is none).
fn previous_line_is_blank(text: &str, line_start: usize) -> bool {
    let before = text.get(..line_start).unwrap_or("");
    let before = before.strip_suffix("\r\n").or_else(|| before.strip_suffix(['\n', '\r'])).unwrap_or(before);
    let last_line = before.rsplit(['\n', '\r']).next().unwrap_or("");
    js_trim(last_line).is_empty()
}

/// One step bullet of a requirement without scenarios.
struct Step<'a> {
    line: Line<'a>,
    indent: &'a str,
    /// Upper case: `GIVEN`, `WHEN`, `THEN`, `AND`.
    keyword: &'static str,
    rest: &'a str,
}

impl<'a> Step<'a> {
    fn read(line: &Line<'a>) -> Option<Step<'a>> {
        let captures = STEP_BULLET.captures(line.text)?;
        let keyword = match captures.get(2)?.as_str().to_ascii_uppercase().as_str() {
            "GIVEN" => "GIVEN",
            "WHEN" => "WHEN",
            "THEN" => "THEN",
            _ => "AND",
        };
        Some(Step {
            line: *line,
            indent: captures.get(1).map_or("", |indent| indent.as_str()),
            keyword,
            rest: captures.get(3).map_or("", |rest| rest.as_str()),
        })
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn adds_a_scenario_to_a_requirement_without_one() {
        check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nx\n\n## Requirements\n### Requirement: Lo$0gin\nThe system SHALL log in.\n\n### Requirement: Other\nThe system SHALL other.\n",
            &["spec/requirement-no-scenario"],
            &expect![[r#"
                == QuickFix fixes spec/requirement-no-scenario (preferred): Add a scenario to "Login"
                //- /openspec/specs/auth/spec.md
                ## Purpose
                x

                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                #### Scenario: Login
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome

                ### Requirement: Other
                The system SHALL other.
            "#]],
        );
        check(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/ü/spec.md\r\n## ADDED Requirements\r\n### Requirement: Größe$0\r\nDas System SHALL größer sein.\r\n"
            ),
            &["delta/missing-scenario"],
            &expect![[r#"
                == QuickFix fixes delta/missing-scenario (preferred): Add a scenario to "Größe"
                //- /openspec/changes/c/specs/ü/spec.md
                ## ADDED Requirements␍
                ### Requirement: Größe␍
                Das System SHALL größer sein.␍
                ␍
                #### Scenario: Größe␍
                - **WHEN** TODO: the trigger␍
                - **THEN** TODO: the outcome␍
            "#]],
        );
    }

    #[test]
    fn adds_steps_to_an_empty_scenario() {
        check(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: o$0k\n\n### Requirement: Other\n",
            &["spec/empty-scenario"],
            &expect![[r#"
                == QuickFix fixes spec/empty-scenario (preferred): Add WHEN/THEN steps to scenario "ok"
                //- /openspec/specs/auth/spec.md
                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                #### Scenario: ok
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome

                ### Requirement: Other
            "#]],
        );
    }

    #[test]
    fn fixes_scenario_header_levels() {
        check(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n\n$0### Scenario: three\n- x\n\n#####Scenario five\n- y\n\n####Scenario: glued$0\n- z\n"
            ),
            &["delta/non-requirement-header"],
            &expect![[r#"
                == QuickFix fixes delta/non-requirement-header (preferred): Change to a scenario header: `#### Scenario: three`
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                #### Scenario: three
                - x

                #####Scenario five
                - y

                ####Scenario: glued
                - z
                == QuickFix fixes delta/non-requirement-header (preferred): Change to a scenario header: `#### Scenario: five`
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                ### Scenario: three
                - x

                #### Scenario: five
                - y

                ####Scenario: glued
                - z
                == QuickFix fixes delta/non-requirement-header (preferred): Change to a scenario header: `#### Scenario: glued`
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                ### Scenario: three
                - x

                #####Scenario five
                - y

                #### Scenario: glued
                - z
                == QuickFix: Add a scenario to "A"
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                ### Scenario: three
                - x

                #####Scenario five
                - y

                ####Scenario: glued
                - z

                #### Scenario: A
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome
            "#]],
        );
    }

    #[test]
    fn turns_step_bullets_into_scenarios() {
        check_only(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login$0\nThe system SHALL log in.\n- WHEN valid credentials.\n- **Then** logged in\n- and: a session starts\n\n* Given a locked account\n* when logging in\n* THEN refused\n",
            &["spec/requirement-no-scenario"],
            "Turn",
            &expect![[r#"
                == QuickFix fixes spec/requirement-no-scenario: Turn the WHEN/THEN bullets into a scenario
                //- /openspec/specs/auth/spec.md
                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                #### Scenario: valid credentials
                - **WHEN** valid credentials.
                - **THEN** logged in
                - **AND** a session starts

                #### Scenario: a locked account
                - **GIVEN** a locked account
                - **WHEN** logging in
                - **THEN** refused
            "#]],
        );
        check_only(
            "//- /openspec/specs/auth/spec.md\r\n## Requirements\r\n### Requirement: Größe$0\r\nDas System SHALL größer sein.\r\n\r\n- **WHEN** größer\r\n- **THEN** größer\r\n",
            &[],
            "Turn",
            &expect![[r#"
                == QuickFix: Turn the WHEN/THEN bullets into a scenario
                //- /openspec/specs/auth/spec.md
                ## Requirements␍
                ### Requirement: Größe␍
                Das System SHALL größer sein.␍
                ␍
                #### Scenario: größer␍
                - **WHEN** größer␍
                - **THEN** größer␍
            "#]],
        );
        // Bullets that are not steps, or steps with no outcome, are left alone.
        check_only(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login$0\nThe system SHALL log in.\n- WHEN valid credentials\n- when it rains\n",
            &[],
            "Turn",
            &expect![[""]],
        );
    }
}
