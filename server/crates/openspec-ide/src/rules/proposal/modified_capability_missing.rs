//! A capability listed under Modified Capabilities that has no main spec.

// Diagnostic: proposal/modified-capability-missing
//
// Modified capabilities must use the exact path of an existing main spec. A path with no
// main spec is a typo or an invented name: its MODIFIED and REMOVED deltas have nothing to
// apply to, and archive refuses them.

use super::ProposalFile;
use crate::diagnostic::{Diagnostic, Severity};
use crate::layout;
use openspec_syntax::proposal::CapabilityKind;

pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) {
    for entry in file.capabilities() {
        if entry.kind != CapabilityKind::Modified || file.main_specs.contains(entry.path) {
            continue;
        }
        acc.push(Diagnostic::lsp(
            Some(&file.item),
            "proposal/modified-capability-missing",
            Severity::Warning,
            file.path.clone(),
            entry.path_range,
            format!(
                "Capability \"{}\" is listed under Modified Capabilities, but there is no {}. Use the exact path of an existing capability, or list it under New Capabilities.",
                entry.path,
                layout::main_spec_path(entry.path)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn modified_capability_without_main_spec_is_flagged() {
        expect![[r#"
            //- /openspec/changes/a/proposal.md
            ## Why
            Logins fail silently for users whose session expired mid-request today.
            ## What Changes
            - x
            ## Capabilities
            ### Modified Capabilities
            - `auth`: login
            - `autth`: typo
               ^^^^^ warning[proposal/modified-capability-missing] (openspec-lsp): Capability "autth" is listed under Modified Capabilities, but there is no openspec/specs/autth/spec.md. Use the exact path of an existing capability, or list it under New Capabilities.
        "#]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\n//- /openspec/changes/a/proposal.md\n## Why\nLogins fail silently for users whose session expired mid-request today.\n## What Changes\n- x\n## Capabilities\n### Modified Capabilities\n- `auth`: login\n- `autth`: typo\n//- /openspec/changes/a/specs/auth/spec.md\n## MODIFIED Requirements\n//- /openspec/changes/a/specs/autth/spec.md\n## MODIFIED Requirements\n",
        ));
    }
}
