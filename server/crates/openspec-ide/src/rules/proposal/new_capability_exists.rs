//! A capability listed under New Capabilities that already has a main spec.

// Diagnostic: proposal/new-capability-exists
//
// New capabilities create `openspec/specs/<path>/spec.md` at archive time. If that spec
// already exists, the author either meant Modified (and the delta must MODIFY, not ADD,
// existing requirements) or picked a name that collides with an existing capability.

use super::ProposalFile;
use crate::diagnostic::{Diagnostic, Severity};
use crate::layout;
use openspec_syntax::TextRange;
use openspec_syntax::proposal::CapabilityKind;

pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) {
    for entry in file.capabilities() {
        if entry.kind != CapabilityKind::New || !file.main_specs.contains(entry.path) {
            continue;
        }
        let main_spec = layout::main_spec_path(entry.path);
        let diagnostic = Diagnostic::lsp(
            Some(&file.item),
            "proposal/new-capability-exists",
            Severity::Warning,
            file.path.clone(),
            entry.path_range,
            format!(
                "Capability \"{}\" is listed under New Capabilities, but {main_spec} already exists. List it under Modified Capabilities, or choose a new name.",
                entry.path
            ),
        )
        .with_related(main_spec, TextRange::empty(0), "the existing main spec");
        acc.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn new_capability_with_a_main_spec_is_flagged() {
        expect![[r#"
            //- /openspec/changes/a/proposal.md
            ## Why
            Logins fail silently for users whose session expired mid-request today.
            ## What Changes
            - x
            ## Capabilities
            ### New Capabilities
            - `auth`: login
               ^^^^ warning[proposal/new-capability-exists] (openspec-lsp): Capability "auth" is listed under New Capabilities, but openspec/specs/auth/spec.md already exists. List it under Modified Capabilities, or choose a new name.
            - `two-factor`: codes
        "#]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\n//- /openspec/changes/a/proposal.md\n## Why\nLogins fail silently for users whose session expired mid-request today.\n## What Changes\n- x\n## Capabilities\n### New Capabilities\n- `auth`: login\n- `two-factor`: codes\n//- /openspec/changes/a/specs/auth/spec.md\n## ADDED Requirements\n//- /openspec/changes/a/specs/two-factor/spec.md\n## ADDED Requirements\n",
        ));
    }
}
