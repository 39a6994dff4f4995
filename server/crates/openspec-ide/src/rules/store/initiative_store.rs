//! The store an active change's `initiative:` names, against the registry.

// Diagnostic: store/initiative-unregistered
//
// `.openspec.yaml` may link a change to the initiative it serves (`initiative: {store, id}`).
// The CLI checks only the link's shape (the `metadata/*` rules mirror that); a store id nobody
// on this machine has registered is a link that no tool can follow, usually a typo. This tool's
// own warning, on the `store` value; nothing is reported when the registry is unreadable (that
// is reported where it matters, on pointers and references).

use openspec_syntax::yaml;

use crate::diagnostic::{Diagnostic, Severity};
use crate::store::{self, Registry};
use crate::vfs::RootSnapshot;

use super::StoreContext;

const CODE: &str = "store/initiative-unregistered";

/// The `.openspec.yaml` files of active changes, with the `initiative.store` node of each.
pub(super) fn initiative_stores(root: &RootSnapshot) -> Vec<(&str, yaml::Node)> {
    root.descendants("openspec/changes")
        .filter(|(path, _)| {
            let rest = path.strip_prefix("openspec/changes/").unwrap_or_default();
            rest.split('/').count() == 2 && rest.ends_with("/.openspec.yaml") && !rest.starts_with("archive/")
        })
        .filter_map(|(path, _)| {
            let node = yaml::parse(root.text(path)?).ok()?;
            let store = node.get("initiative")?.value.get("store")?.value.clone();
            Some((path, store))
        })
        .collect()
}

pub(super) fn check(root: &RootSnapshot, context: &StoreContext<'_>, acc: &mut Vec<Diagnostic>) {
    if matches!(context.registry, Registry::Unreadable { .. }) {
        return;
    }
    for (path, node) in initiative_stores(root) {
        let Some(id) = node.as_str() else { continue };
        if !store::is_kebab_id(id) || context.registry.find(id).is_some() {
            continue;
        }
        let message = format!("Initiative store '{id}' is not registered on this machine.");
        acc.push(Diagnostic::lsp(None, CODE, Severity::Warning, path, node.range, message));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, registry};

    #[test]
    fn fires_on_an_unregistered_store() {
        expect![[r#"
            //- /openspec/changes/add-login/.openspec.yaml
            schema: spec-driven
            initiative: {store: nowhere, id: q3-auth}
                                ^^^^^^^ warning[store/initiative-unregistered] (openspec-lsp): Initiative store 'nowhere' is not registered on this machine.
        "#]]
        .assert_eq(&check(
            "//- /openspec/changes/add-login/.openspec.yaml\nschema: spec-driven\ninitiative: {store: nowhere, id: q3-auth}\n//- /openspec/changes/add-2fa/.openspec.yaml\nschema: spec-driven\ninitiative: {store: team, id: q3-auth}\n",
            &registry(&["team"]),
        ));
    }
}
