//! For a MODIFIED block whose requirement the main spec has: copy the scenarios it drops, or
//! replace its body with the current one.

use openspec_syntax::TextRange;
use openspec_syntax::js::{js_trim, js_trim_end};
use openspec_syntax::requirement_blocks::{RequirementBlock, diff_scenario_names, scenario_names};
use openspec_syntax::requirement_text::scenario_blocks;

use super::{CodeAction, CodeActionKind, Context, fixing, insert};
use crate::line_breaks::convert_line_breaks;
use crate::types::TextEdit;

impl Context<'_> {
    /// For a MODIFIED block whose requirement the main spec has: copy the scenarios it drops,
    /// or replace its body with the current one.
    pub(super) fn modified_copy_actions(
        &self,
        block: &RequirementBlock<'_>,
        current: &RequirementBlock<'_>,
        base_text: &str,
        base_path: &str,
        out: &mut Vec<CodeAction>,
    ) {
        let nl = self.newline();
        let diff = diff_scenario_names(&scenario_names(&current.lines), &scenario_names(&block.lines));
        if !diff.missing.is_empty() {
            let current_scenarios = scenario_blocks(current.body_lines());
            let mut used = vec![false; current_scenarios.len()];
            let mut copied = String::new();
            for missing in &diff.missing {
                let found = current_scenarios.iter().enumerate().find(|(idx, scenario)| {
                    !used.get(*idx).copied().unwrap_or(true)
                        && scenario_names(std::slice::from_ref(&scenario.header)).first() == Some(&missing.as_str())
                });
                let Some((idx, scenario)) = found else {
                    continue;
                };
                if let Some(slot) = used.get_mut(idx) {
                    *slot = true;
                }
                let end = scenario
                    .body
                    .iter()
                    .rev()
                    .find(|line| !js_trim(line.text).is_empty())
                    .map_or(scenario.header.range().end, |line| line.start + js_trim_end(line.text).len());
                let scenario_text = base_text.get(scenario.header.start..end).unwrap_or("");
                copied.push_str(nl);
                copied.push_str(nl);
                copied.push_str(&convert_line_breaks(scenario_text, nl));
            }
            if !copied.is_empty() {
                let names: Vec<String> = diff.missing.iter().map(|name| format!("\"{name}\"")).collect();
                out.push(self.action(
                    format!("Copy the missing scenario(s) {} from {base_path}", names.join(", ")),
                    CodeActionKind::QuickFix,
                    fixing(self.codes, &["delta/scenario-loss"]),
                    vec![insert(block.range().end, copied)],
                ));
            }
        }
        // The body: everything after the header line, up to the last non-blank line.
        let header = block.header();
        let body_range = TextRange::new(header.range().end, block.range().end.max(header.range().end));
        let current_header = current.header();
        let current_body = base_text.get(current_header.range().end..current.range().end).unwrap_or("");
        let new_body = convert_line_breaks(current_body, nl);
        if self.text.get(body_range.start..body_range.end) != Some(new_body.as_str()) {
            out.push(self.action(
                format!("Replace the body with the current requirement from {base_path}"),
                CodeActionKind::RefactorRewrite,
                fixing(self.codes, &["delta/scenario-loss"]).filter(|_| diff.missing.is_empty()),
                vec![TextEdit { range: body_range, new_text: new_body }],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn copies_the_current_requirement_into_modified() {
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login$0\nThe system SHALL log users in quickly.\n\n#### Scenario: ok\n- **WHEN** valid credentials\n- **THEN** logged in fast\n"
            ),
            &["delta/scenario-loss"],
            "",
            &expect![[r#"
                == QuickFix fixes delta/scenario-loss: Copy the missing scenario(s) "bad password" from openspec/specs/auth/spec.md
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Login
                The system SHALL log users in quickly.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in fast

                #### Scenario: bad password
                - **WHEN** a wrong password
                - **THEN** refused
                == RefactorRewrite: Replace the body with the current requirement from openspec/specs/auth/spec.md
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Login
                The system SHALL log users in.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in

                #### Scenario: bad password
                - **WHEN** a wrong password
                - **THEN** refused
            "#]],
        );
        // A renamed requirement is found under its old name.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Logout`\n- TO: `### Requirement: Sign out`\n\n## MODIFIED Requirements\n### Requirement: Sign out$0\nThe system SHALL sign users out.\n"
            ),
            &[],
            "Replace",
            &expect![[r#"
                == RefactorRewrite: Replace the body with the current requirement from openspec/specs/auth/spec.md
                //- /openspec/changes/c/specs/auth/spec.md
                ## RENAMED Requirements
                - FROM: `### Requirement: Logout`
                - TO: `### Requirement: Sign out`

                ## MODIFIED Requirements
                ### Requirement: Sign out
                The system SHALL log users out.

                #### Scenario: bye
                - **WHEN** clicked
                - **THEN** logged out
            "#]],
        );
    }
}
