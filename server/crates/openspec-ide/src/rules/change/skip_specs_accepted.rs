//! A change with zero deltas that declares `skip_specs` on purpose.

// Diagnostic: change/skip-specs-accepted
//
// The CLI notes (INFO, never failing) that a change with no deltas passes only because its
// metadata declares `skip_specs: true` and `specs/` is empty. Shown so the author sees why an
// otherwise empty change is valid; it sits on the `skip_specs` key.

use crate::change_meta::{self, SkipSpecsMarker};
use crate::diagnostic::{Diagnostic, Severity};

use super::ChangeFacts;

const CODE: &str = "change/skip-specs-accepted";

pub(super) fn check(change: &ChangeFacts, acc: &mut Vec<Diagnostic>) {
    let SkipSpecsMarker::Honoured { key } = change.marker else {
        return;
    };
    if change.specs_has_files || !change.zero_deltas() {
        return;
    }
    acc.push(Diagnostic::openspec(
        &change.item,
        CODE,
        Severity::Info,
        change_meta::metadata_path(&change.dir),
        key,
        "skip_specs is set in .openspec.yaml: change declares no spec-level behavior changes, zero deltas accepted",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn empty_change_with_marker_is_accepted() {
        expect![[r#"
            //- /openspec/changes/refactor/.openspec.yaml
            schema: spec-driven
            skip_specs: true
            ^^^^^^^^^^ info[change/skip-specs-accepted]: skip_specs is set in .openspec.yaml: change declares no spec-level behavior changes, zero deltas accepted
        "#]].assert_eq(&check(
            "//- /openspec/changes/refactor/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- /openspec/changes/refactor/proposal.md\n## Why\n",
        ));
    }

    #[test]
    fn project_schema_marker_is_honoured_but_content_is_not_accepted() {
        expect![[r#"
            //- /openspec/changes/lean/.openspec.yaml
            schema: lean
            skip_specs: true
            ^^^^^^^^^^ info[change/skip-specs-accepted]: skip_specs is set in .openspec.yaml: change declares no spec-level behavior changes, zero deltas accepted
            //- /openspec/changes/full/.openspec.yaml
            schema: spec-driven
            skip_specs: true
            ^^^^^^^^^^ error[change/skip-specs-conflict]: skip_specs is set in .openspec.yaml but spec files exist under specs/. Remove skip_specs or delete the delta spec files
        "#]].assert_eq(&check(
            "//- /openspec/schemas/lean/schema.yaml\nname: lean\nversion: 1\nartifacts:\n  - id: notes\n    generates: notes.md\n    description: d\n    template: notes.md\n//- /openspec/changes/lean/.openspec.yaml\nschema: lean\nskip_specs: true\n//- /openspec/changes/full/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- /openspec/changes/full/specs/a/spec.md\n## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- ok\n",
        ));
    }
}
