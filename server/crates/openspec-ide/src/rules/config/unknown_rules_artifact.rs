//! A project config `rules` key that names no artifact of any available schema.

// Diagnostic: config/unknown-rules-artifact
//
// `rules:` adds guidance per artifact id. The map is global while each change may use another
// schema, so the CLI calls a key unknown only when no artifact of any schema that loads has that
// id, and only for keys that kept at least one non-empty rule. It prints the warning when it
// generates instructions; this rule shows it on the key as soon as the config is written.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::schema::{self, ResolvedSchema, SPEC_DRIVEN};
use crate::vfs::RootSnapshot;

use super::{ConfigFile, string_items};

const CODE: &str = "config/unknown-rules-artifact";

/// `listSchemasWithInfo(..).flatMap(artifacts)`: project schemas that load, then the built-in
/// one unless a loading project schema took its name.
fn known_artifact_ids(root: &RootSnapshot) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut builtin_shadowed = false;
    for name in schema::project_schema_names(root) {
        let Ok(ResolvedSchema { loaded: Ok(loaded), .. }) = schema::resolve_schema(root, &name) else {
            continue;
        };
        builtin_shadowed |= name == SPEC_DRIVEN;
        ids.extend(loaded.artifacts.into_iter().map(|artifact| artifact.id.text));
    }
    if !builtin_shadowed {
        ids.extend(schema::builtin_spec_driven().artifacts.into_iter().map(|artifact| artifact.id.text));
    }
    ids
}

pub(super) fn check(root: &RootSnapshot, config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(rules) = config.field("rules").and_then(|entry| entry.value.as_mapping()) else {
        return;
    };
    let kept: Vec<_> = rules
        .iter()
        .filter(|entry| string_items(&entry.value).is_some_and(|items| items.iter().any(|(text, _)| !text.is_empty())))
        .collect();
    if kept.is_empty() {
        return;
    }
    let known = known_artifact_ids(root);
    let known_list = known.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
    for entry in kept {
        let artifact_id = entry.key.js_property_key().unwrap_or_default();
        if known.contains(&artifact_id) {
            continue;
        }
        acc.push(config.warning(
            CODE,
            entry.key.range,
            format!(
                "Unknown artifact ID in rules: \"{artifact_id}\". It matches no artifact in any available schema. Known artifact IDs: {known_list}"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn keys_unknown_to_every_schema_warn() {
        expect![[r#"
            //- /openspec/config.yaml
            rules:
              proposals: [Be brief]
              ^^^^^^^^^ warning[config/unknown-rules-artifact] (openspec-lsp): Unknown artifact ID in rules: "proposals". It matches no artifact in any available schema. Known artifact IDs: design, proposal, specs, tasks
              tasks: [Number them]
              empty: [""]
                      ^^ warning[config/empty-strings] (openspec-lsp): Some rules for 'empty' are empty strings, ignoring them
        "#]].assert_eq(&check(
            "//- /openspec/config.yaml\nrules:\n  proposals: [Be brief]\n  tasks: [Number them]\n  empty: [\"\"]\n",
        ));
    }

    #[test]
    fn project_schema_artifacts_are_known() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/config.yaml\nrules:\n  research: [Cite sources]\n  design: [Diagrams]\n//- /openspec/schemas/lab/schema.yaml\nname: lab\nversion: 1\nartifacts:\n  - id: research\n    generates: research.md\n    description: d\n    template: research.md\n",
        ));
    }
}
