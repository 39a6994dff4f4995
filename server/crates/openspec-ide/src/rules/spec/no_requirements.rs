//! The Requirements section has no requirement under it.

// Diagnostic: spec/no-requirements
//
// The spec schema wants at least one requirement, and a requirement is any header directly
// under the Requirements section. An empty section usually means the requirements were
// written at the wrong level or under another header, so the finding sits on the section.

use super::CheckedSpec;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(spec: &CheckedSpec<'_, '_>, acc: &mut Vec<Diagnostic>) {
    if !spec.requirements.is_empty() {
        return;
    }
    acc.push(Diagnostic::openspec(
        &spec.file.item,
        "spec/no-requirements",
        Severity::Error,
        spec.file.path,
        spec.requirements_section.header_range(),
        "Spec must have at least one requirement",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn empty_requirements_section_is_flagged() {
        expect![[r"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ^^^^^^^^^^^^^^^ error[spec/no-requirements]: Spec must have at least one requirement
            Prose only.
        "]]
        .assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\nProse only.\n",
        ));
    }
}
