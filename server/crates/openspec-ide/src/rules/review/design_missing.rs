//! Changes that touch more capabilities than the policy allows without a `design.md`.

// Diagnostic: review/design-missing
//
// OpenSpec's design document is optional ("create only if" the change is cross-cutting), and
// nothing validates it. A change with delta specs for many capabilities is cross-cutting by
// any measure, and reviewers then want the decisions and trade-offs written down once rather
// than inferred from each delta. The threshold is `max-capabilities-without-design` in the
// `[review]` table (default 3): more delta specs than that, and no `design.md` in the change
// folder, is a finding on the proposal (or, without one, the first delta spec). The quick fix
// creates `design.md` with the template's sections.

use super::{ReviewConfig, Site};
use crate::diagnostic::Diagnostic;
use crate::rules::delta::{ChangeDeltas, first_text_range};

pub(crate) const CODE: &str = "review/design-missing";

pub fn check(change: &ChangeDeltas<'_>, config: &ReviewConfig, acc: &mut Vec<Diagnostic>) {
    let limit = config.settings.max_capabilities_without_design;
    let n_capabilities = change.files.len();
    if n_capabilities <= limit || change.root.get(&format!("{}/design.md", change.dir)).is_some() {
        return;
    }
    let proposal_path = format!("{}/proposal.md", change.dir);
    let (path, text) = match change.root.text(&proposal_path) {
        Some(text) => (proposal_path.as_str(), text),
        None => match change.files.first() {
            Some(file) => (file.path, file.text),
            None => return,
        },
    };
    let site = Site { item: &change.item, path, config };
    let message = format!(
        "Change \"{}\" touches {n_capabilities} capabilities (more than {limit}) but has no design.md: write down the decisions and trade-offs that span them.",
        change.change_id
    );
    acc.push(site.finding(CODE, first_text_range(text), message));
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::expect;

    use crate::rules::review::test_helpers::{check_codes, enabling};

    fn change(n_capabilities: usize) -> String {
        let mut fixture = "//- /openspec/changes/wide/proposal.md\n# Change: Wide\n## Why\nx\n".to_owned();
        for idx in 0..n_capabilities {
            let _ = write!(
                fixture,
                "//- /openspec/changes/wide/specs/cap{idx}/spec.md\n## ADDED Requirements\n### Requirement: R{idx}\nThe system SHALL.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n"
            );
        }
        fixture
    }

    #[test]
    fn flags_a_wide_change_without_a_design() {
        expect![[r#"
            //- /openspec/changes/wide/proposal.md
            # Change: Wide
            ^^^^^^^^^^^^^^ warning[review/design-missing] (openspec-lsp): Change "wide" touches 4 capabilities (more than 3) but has no design.md: write down the decisions and trade-offs that span them.
            ## Why
            x
        "#]].assert_eq(&check_codes(&format!("{}{}", change(4), enabling(super::CODE)), &[super::CODE]));
        let two_allowed =
            format!("{}{}[review]\nmax-capabilities-without-design = 1\n", change(2), enabling(super::CODE));
        expect![[r#"
            //- /openspec/changes/wide/proposal.md
            # Change: Wide
            ^^^^^^^^^^^^^^ warning[review/design-missing] (openspec-lsp): Change "wide" touches 2 capabilities (more than 1) but has no design.md: write down the decisions and trade-offs that span them.
            ## Why
            x
        "#]].assert_eq(&check_codes(&two_allowed, &[super::CODE]));
    }

    #[test]
    fn quiet_within_the_limit_or_with_a_design() {
        expect![[""]].assert_eq(&check_codes(&format!("{}{}", change(3), enabling(super::CODE)), &[super::CODE]));
        let designed =
            format!("{}//- /openspec/changes/wide/design.md\n## Context\n{}", change(5), enabling(super::CODE));
        expect![[""]].assert_eq(&check_codes(&designed, &[super::CODE]));
    }
}
