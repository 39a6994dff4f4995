//! `references:` declared in a pointer repository's config.

// Diagnostic: store/inert-references
//
// Once a config-only root points at a store, every command reads the store's config, so a
// `references:` list beside the pointer is never read. `openspec doctor` warns about it
// (`pointer_declarations_inert`); the list belongs in the store's own config.

use crate::diagnostic::{Diagnostic, Severity};

use crate::store;

use super::{Config, StoreContext};

const CODE: &str = "store/inert-references";

pub(super) fn check(config: &Config<'_>, context: &StoreContext<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(references) = config.field("references") else {
        return;
    };
    // Only once the pointer resolves (the CLI's doctor fails before it gets here otherwise).
    let is_pointer = config
        .field("store")
        .and_then(|entry| entry.value.as_str())
        .is_some_and(|id| store::resolve(context.registry, id).is_ok());
    // The CLI only counts a list that keeps at least one entry after its resilient parse.
    let has_entries = references.value.as_sequence().is_some_and(|items| {
        items.iter().any(|item| item.as_str().is_some() || item.get("id").is_some_and(|id| id.value.as_str().is_some()))
    });
    if !is_pointer || !has_entries || config.has_planning_shape() {
        return;
    }
    let message = format!(
        "{} declares references, but commands read the resolved store's config — these declarations are inert.",
        config.path
    );
    acc.push(config.finding(CODE, Severity::Warning, references.key.range, message));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, registry};

    #[test]
    fn fires_beside_a_pointer_only() {
        expect![[r#"
            //- /openspec/config.yaml
            store: team
            references: [lib]
            ^^^^^^^^^^ warning[store/inert-references]: openspec/config.yaml declares references, but commands read the resolved store's config — these declarations are inert.
        "#]]
        .assert_eq(&check("//- /openspec/config.yaml\nstore: team\nreferences: [lib]\n", &registry(&["team", "lib"])));
        expect![""].assert_eq(&check(
            "//- /openspec/config.yaml\nschema: spec-driven\nreferences: [lib]\n",
            &registry(&["lib"]),
        ));
        // An unresolved pointer is reported on its own; nothing is read through it.
        let unresolved = check("//- /openspec/config.yaml\nstore: team\nreferences: [lib]\n", &registry(&["lib"]));
        assert!(!unresolved.contains("inert-references"), "{unresolved}");
    }
}
