//! MODIFIED and RENAMED entries for a capability that has no main spec yet.

// Diagnostic: archive/no-main-spec
//
// A delta for a new capability may only ADD requirements: there is nothing to modify or
// rename. Archive refuses the whole change; `validate` stays silent, since a sister change
// may create the capability first. Each offending entry is marked, past the first one the
// CLI's own INFO already names.

use openspec_syntax::requirement_blocks::DeltaKind;

use super::{Refusals, refusal_finding, sister_change};
use crate::archive::ArchiveProblemKind;
use crate::diagnostic::Diagnostic;
use crate::rules::Pass;
use crate::rules::delta::{ChangeDeltas, DeltaFile};

const CODE: &str = "archive/no-main-spec";

pub fn check(
    pass: &Pass<'_>,
    change: &ChangeDeltas<'_>,
    file: &DeltaFile<'_>,
    refusals: &Refusals<'_>,
    acc: &mut Vec<Diagnostic>,
) {
    let mut problems =
        refusals.problems.iter().filter(|problem| problem.kind == ArchiveProblemKind::NoMainSpec).peekable();
    if problems.peek().is_none() {
        return;
    }
    // A sister change that adds requirements to the capability creates its main spec.
    let creator = sister_change(pass, change, file.capability, None)
        .map_or_else(String::new, |other| format!(" Active change \"{other}\" creates it: archive that change first."));
    for problem in problems {
        let label = if problem.section == Some(DeltaKind::Renamed) { "RENAMED FROM" } else { "MODIFIED" };
        let message = format!(
            "{label} \"{}\" targets capability \"{}\", which has no main spec ({}); a new capability takes only ADDED requirements, so `openspec archive` would refuse this change.{creator}",
            problem.name, file.capability, refusals.base_path
        );
        acc.push(refusal_finding(change, file, refusals, problem, CODE, message));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::archive::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE, crate::rules::delta::archive_refusal::CODE])
    }

    #[test]
    fn flags_each_modified_and_renamed_entry_of_a_new_capability() {
        expect![[r#"
            //- /openspec/changes/c/specs/billing/spec.md
            ## MODIFIED Requirements
            ### Requirement: Pay
            ^^^^^^^^^^^^^^^^^^^^ info[delta/archive-would-refuse]: Archive would refuse this delta: billing: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.
            The system SHALL pay.
            #### Scenario: s
            - x
            ### Requirement: Refund
            ^^^^^^^^^^^^^^^^^^^^^^^ error[archive/no-main-spec] (openspec-lsp): MODIFIED "Refund" targets capability "billing", which has no main spec (openspec/specs/billing/spec.md); a new capability takes only ADDED requirements, so `openspec archive` would refuse this change.
            The system SHALL refund.
            #### Scenario: s
            - x
            ## RENAMED Requirements
            - FROM: `### Requirement: A`
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[archive/no-main-spec] (openspec-lsp): RENAMED FROM "A" targets capability "billing", which has no main spec (openspec/specs/billing/spec.md); a new capability takes only ADDED requirements, so `openspec archive` would refuse this change.
            - TO: `### Requirement: B`
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/billing/spec.md\n## MODIFIED Requirements\n### Requirement: Pay\nThe system SHALL pay.\n#### Scenario: s\n- x\n### Requirement: Refund\nThe system SHALL refund.\n#### Scenario: s\n- x\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n",
        ));
    }

    #[test]
    fn added_only_is_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/billing/spec.md\n## ADDED Requirements\n### Requirement: Pay\nThe system SHALL pay.\n#### Scenario: s\n- x\n",
        ));
    }
}
