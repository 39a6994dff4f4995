//! From a proposal's capability bullet: create the delta spec the change lacks.

use std::collections::BTreeMap;

use super::{CodeAction, CodeActionKind, Context, THEN_PLACEHOLDER, WHEN_PLACEHOLDER, fixing, overlaps};
use crate::index::ChangeInfo;
use crate::types::SourceChange;

impl Context<'_> {
    /// Creates the delta spec of each capability bullet under the range that has none.
    pub(super) fn missing_delta_actions(&self, change: &ChangeInfo, out: &mut Vec<CodeAction>) {
        let Some(proposal) = &change.proposal else {
            return;
        };
        for mention in proposal.capabilities.iter().filter(|mention| overlaps(mention.line_range, self.range)) {
            let capability = &mention.capability;
            // The name comes straight from the proposal's text: `../x` or `/etc` would make the
            // client create a file outside the workspace, so only plain relative names qualify.
            let plain = capability.split('/').all(|segment| {
                !segment.is_empty() && segment != "." && segment != ".." && !segment.contains(['\\', ':'])
            });
            if !plain {
                continue;
            }
            let path = format!("{}/specs/{capability}/spec.md", change.dir);
            if change.delta(capability).is_some() || self.root.get(&path).is_some() {
                continue;
            }
            let main_spec = self.index.spec(capability);
            let content = match main_spec {
                Some(spec) => format!(
                    "## MODIFIED Requirements\n\n<!-- Copy each requirement that changes from {}, whole (scenarios included), then edit it. -->\n",
                    spec.path
                ),
                None => format!(
                    "## ADDED Requirements\n\n### Requirement: TODO: name\nThe system SHALL TODO.\n\n#### Scenario: TODO: name\n{WHEN_PLACEHOLDER}\n{THEN_PLACEHOLDER}\n"
                ),
            };
            out.push(CodeAction {
                title: format!("Create {path}"),
                kind: CodeActionKind::QuickFix,
                fixes: fixing(self.codes, &["proposal/capability-without-delta"]),
                is_preferred: self.codes.contains(&"proposal/capability-without-delta"),
                edit: SourceChange { edits: BTreeMap::new(), new_files: vec![(path, content)] },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn creates_missing_delta_specs_from_the_proposal() {
        check(
            &format!(
                "{BASE}//- /openspec/specs/billing/spec.md\n## Purpose\nBill.\n//- /openspec/changes/c/design.md\n# D\n//- /openspec/changes/c/tasks.md\n- [ ] 1.1 x\n//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n//- /openspec/changes/c/proposal.md\n## Capabilities\n### New Capabilities\n- $0`two-factor`: codes\n### Modified Capabilities\n- `auth`: x\n- `billing`: y$0\n"
            ),
            &["proposal/capability-without-delta"],
            &expect![[r#"
                == QuickFix fixes proposal/capability-without-delta (preferred): Create openspec/changes/c/specs/two-factor/spec.md
                //- /openspec/changes/c/specs/two-factor/spec.md (new)
                ## ADDED Requirements

                ### Requirement: TODO: name
                The system SHALL TODO.

                #### Scenario: TODO: name
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome
                == QuickFix fixes proposal/capability-without-delta (preferred): Create openspec/changes/c/specs/billing/spec.md
                //- /openspec/changes/c/specs/billing/spec.md (new)
                ## MODIFIED Requirements

                <!-- Copy each requirement that changes from openspec/specs/billing/spec.md, whole (scenarios included), then edit it. -->
            "#]],
        );
    }
}
