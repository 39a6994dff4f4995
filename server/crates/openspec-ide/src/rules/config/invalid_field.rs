//! A known project-config field with a value of the wrong type, which the CLI drops.

// Diagnostic: config/invalid-field
//
// `readProjectConfig` is resilient: each field is checked on its own, and a field of the wrong
// shape is dropped with a stderr warning while the rest of the config is kept. So a `schema: 3`
// or a `rules:` list quietly stops applying. This rule reports each such warning with the CLI's
// wording, on the offending value: `schema`, `context`, `rules` (and each artifact's list),
// `operations` (and each operation, and its `guidance`), `references` (invalid entries and
// remotes), `store` and `githubCopilot` (and its `cloudAgent`).

use openspec_syntax::yaml::Node;

use crate::diagnostic::Diagnostic;

use super::{ConfigFile, string_items};

const CODE: &str = "config/invalid-field";

pub(super) fn check(config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    let mut warn = |node: &Node, message: String| acc.push(config.warning(CODE, node.range, message));
    let field = |key: &str| config.field(key).map(|entry| &entry.value);

    if let Some(schema) = field("schema").filter(|node| node.as_str().is_none_or(str::is_empty)) {
        warn(schema, "Invalid 'schema' field in config (must be non-empty string)".to_owned());
    }
    if let Some(context) = field("context").filter(|node| node.as_str().is_none()) {
        warn(context, "Invalid 'context' field in config (must be string)".to_owned());
    }
    if let Some(rules) = field("rules") {
        match rules.as_mapping() {
            None => warn(rules, "Invalid 'rules' field in config (must be object)".to_owned()),
            Some(entries) => {
                for entry in entries.iter().filter(|entry| string_items(&entry.value).is_none()) {
                    let artifact_id = entry.key.js_property_key().unwrap_or_default();
                    warn(
                        &entry.value,
                        format!(
                            "Rules for '{artifact_id}' must be an array of strings, ignoring this artifact's rules"
                        ),
                    );
                }
            }
        }
    }
    if let Some(operations) = field("operations") {
        match operations.as_mapping() {
            None => warn(operations, "Invalid 'operations' field in config (must be object)".to_owned()),
            Some(entries) => {
                for entry in entries {
                    let operation_id = entry.key.js_property_key().unwrap_or_default();
                    if operation_id != "apply" && operation_id != "archive" {
                        continue;
                    }
                    let Some(_) = entry.value.as_mapping() else {
                        warn(
                            &entry.value,
                            format!(
                                "Invalid 'operations.{operation_id}' field in config (must be object), ignoring this operation"
                            ),
                        );
                        continue;
                    };
                    let Some(guidance) = entry.value.get("guidance") else {
                        continue;
                    };
                    if string_items(&guidance.value).is_none() {
                        warn(
                            &guidance.value,
                            format!(
                                "Guidance for operation '{operation_id}' must be an array of strings, ignoring this operation's guidance"
                            ),
                        );
                    }
                }
            }
        }
    }
    if let Some(references) = field("references") {
        match references.as_sequence() {
            None => warn(references, "Invalid 'references' field in config (must be an array of store ids)".to_owned()),
            Some(items) => {
                let invalid_entry = items
                    .iter()
                    .find(|item| item.as_str().is_none() && item.get("id").and_then(|id| id.value.as_str()).is_none());
                if let Some(item) = invalid_entry {
                    warn(item, "Some 'references' entries are invalid, ignoring them".to_owned());
                }
                let bad_remote = items
                    .iter()
                    .filter(|item| item.get("id").and_then(|id| id.value.as_str()).is_some())
                    .find_map(|item| {
                        let remote = &item.get("remote")?.value;
                        remote.as_str().is_none_or(str::is_empty).then_some(remote)
                    });
                if let Some(remote) = bad_remote {
                    warn(
                        remote,
                        "Some 'references' remotes are not non-empty strings; the ids are kept without a clone source"
                            .to_owned(),
                    );
                }
            }
        }
    }
    if let Some(store) = field("store").filter(|node| node.as_str().is_none()) {
        warn(
            store,
            format!("Warning: ignoring invalid store: field in {} (must be a single store id string).", config.path),
        );
    }
    if let Some(copilot) = field("githubCopilot") {
        if copilot.as_mapping().is_none() {
            warn(copilot, "Invalid 'githubCopilot' field in config (must be an object)".to_owned());
        } else if let Some(cloud_agent) = copilot.get("cloudAgent").filter(|entry| entry.value.as_bool().is_none()) {
            warn(
                &cloud_agent.value,
                "Invalid 'githubCopilot.cloudAgent' field in config (must be a boolean)".to_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn wrong_types_are_dropped_with_a_warning() {
        expect![[r#"
            //- /openspec/config.yaml
            schema: ""
                    ^^ warning[config/invalid-field] (openspec-lsp): Invalid 'schema' field in config (must be non-empty string)
            context: 42
                     ^^ warning[config/invalid-field] (openspec-lsp): Invalid 'context' field in config (must be string)
            rules:
              proposal: one rule
                        ^^^^^^^^ warning[config/invalid-field] (openspec-lsp): Rules for 'proposal' must be an array of strings, ignoring this artifact's rules
              specs: [ok]
            operations:
              apply: yes
                     ^^^ warning[config/invalid-field] (openspec-lsp): Invalid 'operations.apply' field in config (must be object), ignoring this operation
              archive:
                guidance: [1]
                          ^^^ warning[config/invalid-field] (openspec-lsp): Guidance for operation 'archive' must be an array of strings, ignoring this operation's guidance
            references:
              - store-a
              - 7
                ^ warning[config/invalid-field] (openspec-lsp): Some 'references' entries are invalid, ignoring them
              - {id: b, remote: ""}
                                ^^ warning[config/invalid-field] (openspec-lsp): Some 'references' remotes are not non-empty strings; the ids are kept without a clone source
            store: [x]
                   ^^^ warning[config/invalid-field] (openspec-lsp): Warning: ignoring invalid store: field in openspec/config.yaml (must be a single store id string).
            githubCopilot:
              cloudAgent: "true"
                          ^^^^^^ warning[config/invalid-field] (openspec-lsp): Invalid 'githubCopilot.cloudAgent' field in config (must be a boolean)
        "#]].assert_eq(&check(
            "//- /openspec/config.yaml\nschema: \"\"\ncontext: 42\nrules:\n  proposal: one rule\n  specs: [ok]\noperations:\n  apply: yes\n  archive:\n    guidance: [1]\nreferences:\n  - store-a\n  - 7\n  - {id: b, remote: \"\"}\nstore: [x]\ngithubCopilot:\n  cloudAgent: \"true\"\n",
        ));
        expect![[r#"
            //- /openspec/config.yaml
            rules: [a]
                   ^^^ warning[config/invalid-field] (openspec-lsp): Invalid 'rules' field in config (must be object)
            operations: []
                        ^^ warning[config/invalid-field] (openspec-lsp): Invalid 'operations' field in config (must be object)
            references: store-a
                        ^^^^^^^ warning[config/invalid-field] (openspec-lsp): Invalid 'references' field in config (must be an array of store ids)
            githubCopilot: on
                           ^^ warning[config/invalid-field] (openspec-lsp): Invalid 'githubCopilot' field in config (must be an object)
        "#]].assert_eq(&check(
            "//- /openspec/config.yaml\nrules: [a]\noperations: []\nreferences: store-a\ngithubCopilot: on\n",
        ));
    }

    #[test]
    fn well_typed_fields_pass() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/config.yaml\nschema: spec-driven\ncontext: Team notes.\nrules:\n  proposal: [Keep it short]\noperations:\n  apply:\n    guidance: [Run tests]\nreferences:\n  - store-a\n  - {id: store-b, remote: git@example.invalid:b.git}\nstore: main\ngithubCopilot:\n  cloudAgent: true\n",
        ));
    }
}
