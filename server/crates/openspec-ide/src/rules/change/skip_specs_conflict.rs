//! The `skip_specs` marker is honoured while files exist under `specs/`.

// Diagnostic: change/skip-specs-conflict
//
// `skip_specs: true` declares that the change has no spec deltas, so archive skips the spec
// merge. Any file under `specs/` (dot-files aside, symlinks included, parsed or not) contradicts
// that: it would be silently dropped at archive time. An unreadable `specs/` counts as content,
// as the CLI fails closed. The finding sits on the `skip_specs` key.

use crate::change_meta::{self, SkipSpecsMarker};
use crate::diagnostic::{Diagnostic, Severity};

use super::ChangeFacts;

const CODE: &str = "change/skip-specs-conflict";

pub(super) fn check(change: &ChangeFacts, acc: &mut Vec<Diagnostic>) {
    let SkipSpecsMarker::Honoured { key } = change.marker else {
        return;
    };
    if !change.specs_has_files {
        return;
    }
    acc.push(Diagnostic::openspec(
        &change.item,
        CODE,
        Severity::Error,
        change_meta::metadata_path(&change.dir),
        key,
        "skip_specs is set in .openspec.yaml but spec files exist under specs/. Remove skip_specs or delete the delta spec files",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn any_file_under_specs_conflicts() {
        expect![[r#"
            //- /openspec/changes/notes/.openspec.yaml
            schema: spec-driven
            skip_specs: true
            ^^^^^^^^^^ error[change/skip-specs-conflict]: skip_specs is set in .openspec.yaml but spec files exist under specs/. Remove skip_specs or delete the delta spec files
            //- /openspec/changes/delta/.openspec.yaml
            schema: spec-driven
            skip_specs: true
            ^^^^^^^^^^ error[change/skip-specs-conflict]: skip_specs is set in .openspec.yaml but spec files exist under specs/. Remove skip_specs or delete the delta spec files
        "#]].assert_eq(&check(
            "//- /openspec/changes/notes/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- /openspec/changes/notes/specs/auth/notes.txt\nplain notes\n//- /openspec/changes/delta/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- /openspec/changes/delta/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- ok\n",
        ));
    }

    #[test]
    fn dot_files_do_not_conflict() {
        expect![[r#"
            //- /openspec/changes/dots/.openspec.yaml
            schema: spec-driven
            skip_specs: true
            ^^^^^^^^^^ info[change/skip-specs-accepted]: skip_specs is set in .openspec.yaml: change declares no spec-level behavior changes, zero deltas accepted
        "#]].assert_eq(&check(
            "//- /openspec/changes/dots/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- /openspec/changes/dots/specs/.gitkeep\n//- /openspec/changes/dots/specs/.hidden/spec.md\n## ADDED Requirements\n",
        ));
    }
}
