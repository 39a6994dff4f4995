//! A `spec.md` directly in a change's `specs/` folder. Reads only the snapshot's entry kind.

// Diagnostic: change/root-level-delta-spec
//
// Delta specs live under a capability folder (`specs/<capability>/spec.md`); the folder names
// the main spec they merge into. A `specs/spec.md` has no capability, so archive skips it and
// its requirements never reach `openspec/specs/`, while the change would otherwise look fine.
// Any regular file counts (a symlink to one too); a folder named `spec.md` is a capability.

use openspec_syntax::TextRange;

use super::{ChangeDeltas, first_text_range};
use crate::diagnostic::{Diagnostic, Severity};
use crate::vfs::{Entry, FileContent};

const CODE: &str = "change/root-level-delta-spec";

pub fn check(change: &ChangeDeltas<'_>, acc: &mut Vec<Diagnostic>) {
    let path = format!("{}/specs/spec.md", change.dir);
    let Some(Entry::File { content, .. }) = change.root.get(&path) else {
        return;
    };
    let range = match content {
        FileContent::Text { text, .. } => first_text_range(text),
        FileContent::Unreadable(_) | FileContent::NotRead => TextRange::empty(0),
    };
    acc.push(change.finding(
        CODE,
        Severity::Error,
        &path,
        range,
        "Delta spec found at specs/spec.md. Delta specs must live under a capability path (e.g. specs/<capability-path>/spec.md) \u{2014} a file at the specs/ root is ignored when the change is applied or archived.",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_a_spec_md_at_the_specs_root() {
        expect![[r#"
            //- /openspec/changes/c/specs/spec.md
            ## ADDED Requirements
            ^^^^^^^^^^^^^^^^^^^^^ error[change/root-level-delta-spec]: Delta spec found at specs/spec.md. Delta specs must live under a capability path (e.g. specs/<capability-path>/spec.md) — a file at the specs/ root is ignored when the change is applied or archived.
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/spec.md\n## ADDED Requirements\n//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n",
        ));
    }

    #[test]
    fn a_capability_folder_named_spec_md_is_fine() {
        expect![[""]].assert_eq(&check("//- /openspec/changes/c/specs/spec.md/spec.md\n## ADDED Requirements\n"));
    }
}
