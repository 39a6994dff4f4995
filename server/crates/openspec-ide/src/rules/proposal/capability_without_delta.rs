//! A capability the proposal lists that has no delta spec in the change.

// Diagnostic: proposal/capability-without-delta
//
// The Capabilities section is the contract between the proposal and the specs phase: each
// listed capability needs `specs/<capability-path>/spec.md` in the change. A listed capability
// without one is either forgotten work or a path typo (the delta then lands elsewhere), and
// archive will not touch that capability either way.

use super::ProposalFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) {
    for entry in file.capabilities() {
        if file.delta_specs.iter().any(|delta| delta.id == entry.path) {
            continue;
        }
        acc.push(Diagnostic::lsp(
            Some(&file.item),
            "proposal/capability-without-delta",
            Severity::Warning,
            file.path.clone(),
            entry.path_range,
            format!(
                "Capability \"{}\" is listed in the proposal, but the change has no delta spec for it ({}/specs/{}/spec.md).",
                entry.path, file.change_dir, entry.path
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn listed_capability_needs_a_delta() {
        expect![[r#"
            //- /openspec/changes/a/proposal.md
            ## Why
            Logins fail silently for users whose session expired mid-request today.
            ## What Changes
            - x
            ## Capabilities
            ### New Capabilities
            - `two-factor`: codes
               ^^^^^^^^^^ warning[proposal/capability-without-delta] (openspec-lsp): Capability "two-factor" is listed in the proposal, but the change has no delta spec for it (openspec/changes/a/specs/two-factor/spec.md).
            ### Modified Capabilities
            - `auth`: login
        "#]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\n//- /openspec/changes/a/proposal.md\n## Why\nLogins fail silently for users whose session expired mid-request today.\n## What Changes\n- x\n## Capabilities\n### New Capabilities\n- `two-factor`: codes\n### Modified Capabilities\n- `auth`: login\n//- /openspec/changes/a/specs/auth/spec.md\n## MODIFIED Requirements\n",
        ));
    }
}
