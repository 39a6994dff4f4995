//! Empty strings in a project config's `rules` or operation `guidance` lists.

// Diagnostic: config/empty-strings
//
// The CLI drops empty entries from each artifact's `rules` list and each operation's `guidance`
// list, warning once per list. An empty rule is usually a half-written one; the finding sits on
// the first empty entry.

use crate::diagnostic::Diagnostic;

use super::{ConfigFile, string_items};

const CODE: &str = "config/empty-strings";

pub(super) fn check(config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    if let Some(rules) = config.field("rules").and_then(|entry| entry.value.as_mapping()) {
        for entry in rules {
            let Some(items) = string_items(&entry.value) else {
                continue;
            };
            let Some((_, empty)) = items.iter().find(|(text, _)| text.is_empty()) else {
                continue;
            };
            let artifact_id = entry.key.js_property_key().unwrap_or_default();
            acc.push(config.warning(
                CODE,
                empty.range,
                format!("Some rules for '{artifact_id}' are empty strings, ignoring them"),
            ));
        }
    }
    if let Some(operations) = config.field("operations").and_then(|entry| entry.value.as_mapping()) {
        for entry in operations {
            let operation_id = entry.key.js_property_key().unwrap_or_default();
            if operation_id != "apply" && operation_id != "archive" {
                continue;
            }
            let Some(guidance) = entry.value.as_mapping().and(entry.value.get("guidance")) else {
                continue;
            };
            let Some(items) = string_items(&guidance.value) else {
                continue;
            };
            let Some((_, empty)) = items.iter().find(|(text, _)| text.is_empty()) else {
                continue;
            };
            acc.push(config.warning(
                CODE,
                empty.range,
                format!("Some guidance for operation '{operation_id}' are empty strings, ignoring them"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn empty_entries_are_reported_once_per_list() {
        expect![[r#"
            //- /openspec/config.yaml
            rules:
              proposal:
                - Keep it short
                - ""
                  ^^ warning[config/empty-strings] (openspec-lsp): Some rules for 'proposal' are empty strings, ignoring them
                - ''
            operations:
              archive:
                guidance: ["", Check links]
                           ^^ warning[config/empty-strings] (openspec-lsp): Some guidance for operation 'archive' are empty strings, ignoring them
        "#]].assert_eq(&check(
            "//- /openspec/config.yaml\nrules:\n  proposal:\n    - Keep it short\n    - \"\"\n    - ''\noperations:\n  archive:\n    guidance: [\"\", Check links]\n",
        ));
    }

    #[test]
    fn non_empty_entries_pass() {
        expect![[r#""#]].assert_eq(&check("//- /openspec/config.yaml\nrules:\n  proposal: [a, b]\n"));
    }
}
