//! A change's `.openspec.yaml` field that fails the metadata schema.

// Diagnostic: metadata/invalid-field
//
// `.openspec.yaml` is checked against `ChangeMetadataSchema` whenever a command loads the change:
// `schema` is required, `created` is `YYYY-MM-DD`, `goal` and `affected_areas` entries are
// non-empty strings, `initiative` is exactly `{store, id}` in kebab-case, and the markers are
// booleans. Any failure makes `status` and `instructions` refuse the change and turns off
// `validate`'s task checks for it, silently. One finding per Zod issue, on the value at fault.

use crate::change_meta::{self, MetadataRead};
use crate::diagnostic::{Diagnostic, ItemId, Severity};

const CODE: &str = "metadata/invalid-field";

pub(super) fn check(item: &ItemId, path: &str, read: &MetadataRead<'_>, acc: &mut Vec<Diagnostic>) {
    let MetadataRead::Parsed { text, yaml: Ok(node) } = read else {
        return;
    };
    for issue in change_meta::metadata_issues(text, node) {
        let message = if issue.path.is_empty() {
            format!("Invalid metadata: {}", issue.message)
        } else {
            format!("Invalid metadata: {}: {}", issue.path, issue.message)
        };
        acc.push(Diagnostic::lsp(Some(item), CODE, Severity::Error, path, issue.range, message));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn every_zod_issue_is_reported_on_its_value() {
        expect![[r#"
            //- /openspec/changes/c/.openspec.yaml
            created: 2025-1-1
            ^^^^^^^^^^^^^^^^^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: schema: Invalid input: expected string, received undefined
                     ^^^^^^^^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: created: created must be YYYY-MM-DD format
            goal: ""
                  ^^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: goal: Too small: expected string to have >=1 characters
            affected_areas: [auth, 3]
                                   ^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: affected_areas.1: Invalid input: expected string, received number
            initiative:
              store: Main
                     ^^^^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: initiative.store: Store id must be kebab-case with lowercase letters, numbers, and single hyphen separators
              id: q3-goals
              owner: me
              ^^^^^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: initiative: Unrecognized key: "owner"
            skip_specs: "yes"
                        ^^^^^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: skip_specs: Invalid input: expected boolean, received string
            retire_capabilities: 1
                                 ^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: retire_capabilities: Invalid input: expected boolean, received number
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/.openspec.yaml\ncreated: 2025-1-1\ngoal: \"\"\naffected_areas: [auth, 3]\ninitiative:\n  store: Main\n  id: q3-goals\n  owner: me\nskip_specs: \"yes\"\nretire_capabilities: 1\n",
        ));
        expect![[r#"
            //- /openspec/changes/empty/.openspec.yaml

            ^ error[metadata/invalid-field] (openspec-lsp): Invalid metadata: Invalid input: expected object, received null
        "#]].assert_eq(&check("//- /openspec/changes/empty/.openspec.yaml\n"));
    }

    #[test]
    fn complete_metadata_passes() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\ncreated: 2025-01-31\ngoal: Faster login\naffected_areas: [auth]\ninitiative: {store: main, id: q3-goals}\nskip_specs: false\nretire_capabilities: true\nextra: ignored\n",
        ));
    }
}
