//! Keys under a project config's `operations` that the CLI does not know.

// Diagnostic: config/unknown-operation-key
//
// `operations` accepts only `apply` and `archive`, each with only `guidance`. Anything else is
// ignored with a warning, so a typo such as `aply:` or `guidence:` silently loses the guidance.
// The finding sits on the unknown key.

use crate::diagnostic::Diagnostic;

use super::ConfigFile;

const CODE: &str = "config/unknown-operation-key";

pub(super) fn check(config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(operations) = config.field("operations").and_then(|entry| entry.value.as_mapping()) else {
        return;
    };
    for entry in operations {
        let operation_id = entry.key.js_property_key().unwrap_or_default();
        if operation_id != "apply" && operation_id != "archive" {
            acc.push(config.warning(
                CODE,
                entry.key.range,
                format!("Unknown operation ID '{operation_id}' in config. Supported operation IDs: apply, archive"),
            ));
            continue;
        }
        let Some(fields) = entry.value.as_mapping() else {
            continue;
        };
        let unknown: Vec<_> = fields
            .iter()
            .filter_map(|field| {
                let name = field.key.js_property_key().unwrap_or_default();
                (name != "guidance").then_some((name, field.key.range))
            })
            .collect();
        let Some((_, first_range)) = unknown.first() else {
            continue;
        };
        let names: Vec<&str> = unknown.iter().map(|(name, _)| name.as_str()).collect();
        acc.push(config.warning(
            CODE,
            *first_range,
            format!(
                "Unknown field(s) in 'operations.{operation_id}': {}. Supported fields: guidance",
                names.join(", ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn unknown_operations_and_fields_warn() {
        expect![[r#"
            //- /openspec/config.yaml
            operations:
              aply:
              ^^^^ warning[config/unknown-operation-key] (openspec-lsp): Unknown operation ID 'aply' in config. Supported operation IDs: apply, archive
                guidance: [x]
              apply:
                guidence: [x]
                ^^^^^^^^ warning[config/unknown-operation-key] (openspec-lsp): Unknown field(s) in 'operations.apply': guidence, notes. Supported fields: guidance
                notes: y
        "#]].assert_eq(&check(
            "//- /openspec/config.yaml\noperations:\n  aply:\n    guidance: [x]\n  apply:\n    guidence: [x]\n    notes: y\n",
        ));
    }

    #[test]
    fn known_keys_pass() {
        expect![[r#""#]].assert_eq(&check("//- /openspec/config.yaml\noperations:\n  archive:\n    guidance: [x]\n"));
    }
}
