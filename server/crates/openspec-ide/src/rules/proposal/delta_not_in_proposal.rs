//! A delta spec in the change for a capability the proposal's Capabilities section omits.

// Diagnostic: proposal/delta-not-in-proposal
//
// The reverse of `proposal/capability-without-delta`: a change that edits a capability its
// proposal never mentions hides that edit from whoever reviews the proposal. Only proposals
// that have a Capabilities section are held to it (older proposals have none). The finding
// sits on the Capabilities header, where the missing bullet belongs, and links the delta.

use openspec_syntax::TextRange;

use super::ProposalFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(section) = file.proposal.capabilities_section() else { return };
    let listed = file.capabilities();
    for delta in &file.delta_specs {
        if listed.iter().any(|entry| entry.path == delta.id) {
            continue;
        }
        let diagnostic = Diagnostic::lsp(
            Some(&file.item),
            "proposal/delta-not-in-proposal",
            Severity::Warning,
            file.path.clone(),
            section.header_range(),
            format!(
                "The change has a delta spec for capability \"{}\" ({}), but the Capabilities section does not list it. Add it under New Capabilities or Modified Capabilities.",
                delta.id, delta.path
            ),
        )
        .with_related(delta.path.clone(), TextRange::empty(0), "the delta spec");
        acc.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn unlisted_delta_is_flagged_only_with_a_capabilities_section() {
        expect![[r#"
            //- /openspec/changes/a/proposal.md
            ## Why
            Logins fail silently for users whose session expired mid-request today.
            ## What Changes
            - x
            ## Capabilities
            ^^^^^^^^^^^^^^^ warning[proposal/delta-not-in-proposal] (openspec-lsp): The change has a delta spec for capability "billing/invoices" (openspec/changes/a/specs/billing/invoices/spec.md), but the Capabilities section does not list it. Add it under New Capabilities or Modified Capabilities.
            ### Modified Capabilities
            - `auth`: login
               ^^^^ warning[proposal/modified-capability-missing] (openspec-lsp): Capability "auth" is listed under Modified Capabilities, but there is no openspec/specs/auth/spec.md. Use the exact path of an existing capability, or list it under New Capabilities.
        "#]].assert_eq(&check(
            "//- /openspec/changes/a/proposal.md\n## Why\nLogins fail silently for users whose session expired mid-request today.\n## What Changes\n- x\n## Capabilities\n### Modified Capabilities\n- `auth`: login\n//- /openspec/changes/a/specs/auth/spec.md\n## ADDED Requirements\n//- /openspec/changes/a/specs/billing/invoices/spec.md\n## ADDED Requirements\n//- /openspec/changes/old/proposal.md\n## Why\nLogins fail silently for users whose session expired mid-request today.\n## What Changes\n- x\n//- /openspec/changes/old/specs/auth/spec.md\n## ADDED Requirements\n",
        ));
    }
}
