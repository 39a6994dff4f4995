//! Completion in a main spec: section headers, requirement and scenario templates.

use super::markdown::{LineTemplate, MarkdownCursor, line_templates, requirement_template, scenario_template};
use super::{CompletionItem, CompletionKind};

pub(super) fn main_spec_completions(cursor: &MarkdownCursor<'_>) -> Vec<CompletionItem> {
    let nl = cursor.newline;
    let mut templates = Vec::new();
    if cursor.in_section("Requirements") {
        if cursor.requirement.is_some() {
            templates.push(scenario_template(nl));
        }
        templates.push(requirement_template(nl));
    }
    if !cursor.has_h2("Purpose") {
        templates.push(LineTemplate::header(
            "## Purpose",
            CompletionKind::Section,
            "main spec section",
            "Why the capability exists, in a sentence or two (at least 50 characters for `validate --strict`).",
            nl,
        ));
    }
    if !cursor.has_h2("Requirements") {
        templates.push(LineTemplate::header(
            "## Requirements",
            CompletionKind::Section,
            "main spec section",
            "The capability's `### Requirement:` blocks.",
            nl,
        ));
    }
    line_templates(cursor, templates)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn main_spec_sections_and_templates() {
        check(
            "//- /openspec/specs/auth/spec.md\n# auth\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n$0\n",
            &expect![[r#"
                scenario #### Scenario: (scenario with WHEN/THEN steps)
                requirement ### Requirement: (requirement with a scenario)
                section ## Purpose (main spec section)
            "#]],
        );
        check(
            "//- /openspec/specs/auth/spec.md\n# auth\n\n## Requirements\n##$0\n",
            &expect![[r#"
                requirement ### Requirement: (requirement with a scenario)
                section ## Purpose (main spec section)
            "#]],
        );
        check(
            "//- /openspec/specs/auth/spec.md\n# auth\n$0\n",
            &expect![[r#"
                section ## Purpose (main spec section)
                section ## Requirements (main spec section)
            "#]],
        );
        // Prose and fenced code get nothing.
        check("//- /openspec/specs/auth/spec.md\n## Requirements\nThe sys$0\n", &expect![[""]]);
        check("//- /openspec/specs/auth/spec.md\n## Requirements\n```\n#$0\n```\n", &expect![[""]]);
    }
}
