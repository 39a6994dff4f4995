//! The `skip_specs` marker is set but the metadata around it would be rejected.

// Diagnostic: change/metadata-marker-invalid
//
// `validate` honours `skip_specs` only in metadata that `status` and `instructions` would also
// load: a file that reads, parses as YAML, passes the metadata schema, and names a schema that
// is listed and loads. Anything less and the marker silently stops counting, so the change would
// be judged as if it had no marker; the CLI reports that as an error, quoting why. The finding
// sits on the `skip_specs` key (the file start when the file cannot be read).

use crate::change_meta::{self, SkipSpecsMarker};
use crate::diagnostic::{Diagnostic, Severity};

use super::ChangeFacts;

const CODE: &str = "change/metadata-marker-invalid";

pub(super) fn check(change: &ChangeFacts, acc: &mut Vec<Diagnostic>) {
    let SkipSpecsMarker::Unhonourable { key, reason } = &change.marker else {
        return;
    };
    acc.push(Diagnostic::openspec(
        &change.item,
        CODE,
        Severity::Error,
        change_meta::metadata_path(&change.dir),
        *key,
        format!(
            "skip_specs is set but .openspec.yaml is not valid change metadata, so the marker is not honored. Fix the metadata ({reason})"
        ),
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn unhonourable_marker_is_an_error_on_its_key() {
        expect![[r#####"
            //- /openspec/changes/yes/.openspec.yaml
            schema: spec-driven
            ^^^^^^^^^^^^^^^^^^^ error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
            skip_specs: "yes"
            ^^^^^^^^^^ error[change/metadata-marker-invalid]: skip_specs is set but .openspec.yaml is not valid change metadata, so the marker is not honored. Fix the metadata (skip_specs: Invalid input: expected boolean, received string)
            //- /openspec/changes/broken/.openspec.yaml
            schema: spec-driven
            ^^^^^^^^^^^^^^^^^^^ error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
            skip_specs: true
            ^^^^^^^^^^ error[change/metadata-marker-invalid]: skip_specs is set but .openspec.yaml is not valid change metadata, so the marker is not honored. Fix the metadata (the file is not valid YAML)
            list: [
            //- /openspec/changes/suffix/.openspec.yaml
            schema: spec-driven.yaml
            ^^^^^^^^^^^^^^^^^^^^^^^^ error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
            skip_specs: true
            ^^^^^^^^^^ error[change/metadata-marker-invalid]: skip_specs is set but .openspec.yaml is not valid change metadata, so the marker is not honored. Fix the metadata (schema: unknown schema 'spec-driven.yaml')
        "#####]].assert_eq(&check(
            "//- /openspec/changes/yes/.openspec.yaml\nschema: spec-driven\nskip_specs: \"yes\"\n//- /openspec/changes/broken/.openspec.yaml\nschema: spec-driven\nskip_specs: true\nlist: [\n//- /openspec/changes/suffix/.openspec.yaml\nschema: spec-driven.yaml\nskip_specs: true\n",
        ));
    }

    #[test]
    fn unreadable_metadata_is_an_error_on_the_file() {
        let mut root = crate::vfs::RootSnapshot::from_texts([(
            "openspec/changes/c/specs/a/spec.md",
            "## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- ok\n",
        )]);
        root.entries.insert("openspec/changes/c/.openspec.yaml".to_owned(), crate::vfs::Entry::Dir);
        let mut acc = Vec::new();
        super::super::check(&root, &mut acc);
        expect![[r#"
            //- /openspec/changes/c/.openspec.yaml (no file)
            ^ error[change/metadata-marker-invalid]: skip_specs is set but .openspec.yaml is not valid change metadata, so the marker is not honored. Fix the metadata (the metadata file cannot be read (EISDIR: illegal operation on a directory, read))
        "#]].assert_eq(&crate::test_support::render(&test_utils::Fixture::default(), &acc));
    }

    #[test]
    fn false_or_commented_markers_are_not_reported() {
        expect![""].assert_eq(&check(
            "//- /openspec/changes/off/.openspec.yaml\nschema: nope\nskip_specs: false\n//- /openspec/changes/off/specs/a/spec.md\n## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- ok\n//- /openspec/changes/comment/.openspec.yaml\nschema: spec-driven\n# skip_specs: true\nlist: [\n//- /openspec/changes/comment/specs/a/spec.md\n## REMOVED Requirements\n### Requirement: Old\n",
        ));
    }
}
