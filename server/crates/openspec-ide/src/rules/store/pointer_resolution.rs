//! A `store:` pointer of a config-only root that does not resolve to a usable store.

// Diagnostic: store/invalid-id, store/no-registered-stores, store/unknown-store,
// store/identity-mismatch, store/unhealthy-root, store/invalid-metadata, store/invalid-registry
//
// One rule, one code per failure of the CLI's `resolveStoreRoot` (`invalid_store_id`,
// `no_registered_stores`, `unknown_store`, `store_identity_mismatch`, `unhealthy_store_root`,
// `invalid_store_metadata`, `invalid_store_registry`), with its message after the same
// `Declared in <config>: ` prefix. Each of them stops every `openspec` command in the
// repository, so they are errors on the pointer's value; the fix the CLI prints follows.

use crate::diagnostic::{Diagnostic, Severity};
use crate::store;

use super::{Config, StoreContext};

pub(super) fn check(config: &Config<'_>, context: &StoreContext<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(entry) = config.field("store") else {
        return;
    };
    let Some(id) = entry.value.as_str() else {
        return;
    };
    if config.has_planning_shape() {
        return;
    }
    let Err(failure) = store::resolve(context.registry, id) else {
        return;
    };
    let code = match failure.cli_code {
        "invalid_store_id" => "store/invalid-id",
        "no_registered_stores" => "store/no-registered-stores",
        "unknown_store" => "store/unknown-store",
        "store_identity_mismatch" => "store/identity-mismatch",
        "unhealthy_store_root" => "store/unhealthy-root",
        "invalid_store_metadata" => "store/invalid-metadata",
        _ => "store/invalid-registry",
    };
    // The CLI reshapes the unknown-store fix for a declared pointer.
    let fix = if failure.cli_code == "unknown_store" {
        format!(
            "Register the store (openspec store register <path> --id {id}) or edit {} to name a registered store.",
            config.path
        )
    } else {
        failure.fix
    };
    let message = format!("Declared in {}: {}", config.path, failure.message);
    let diagnostic = config.finding(code, Severity::Error, entry.value.range, message);
    acc.push(diagnostic.with_related(config.path, entry.value.range, format!("Fix: {fix}")));
}

/// Whether `code` is a pointer that stops the CLI from resolving the root: a `check` with one
/// fails as the CLI's `validate --all` does.
pub fn is_resolution_failure(code: &str) -> bool {
    matches!(
        code,
        "store/invalid-pointer"
            | "store/invalid-id"
            | "store/no-registered-stores"
            | "store/unknown-store"
            | "store/identity-mismatch"
            | "store/unhealthy-root"
            | "store/invalid-metadata"
            | "store/invalid-registry"
    )
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, registry};
    use crate::store::Registry;

    #[test]
    fn each_failure() {
        let pointer = |id: &str| format!("//- /openspec/config.yaml\nstore: {id}\n");
        let stores = registry(&["ok-one", "gone=missing", "twin=mismatch", "bad=broken", "sick=unhealthy"]);
        let mut out = String::new();
        for id in ["ok-one", "Bad_Id", "other", "gone", "twin", "bad", "sick"] {
            out.push_str(&check(&pointer(id), &stores));
        }
        out.push_str(&check(&pointer("any"), &Registry::Absent));
        out.push_str(&check(
            &pointer("any"),
            &Registry::Unreadable {
                message: "Invalid store registry state: version: Invalid input: expected 1".to_owned(),
            },
        ));
        expect![[r#"
            //- /openspec/config.yaml
            store: Bad_Id
                   ^^^^^^ error[store/invalid-id]: Declared in openspec/config.yaml: Store id must be kebab-case with lowercase letters, numbers, and single hyphen separators
            //- /openspec/config.yaml
            store: other
                   ^^^^^ error[store/unknown-store]: Declared in openspec/config.yaml: Unknown store 'other'. Registered stores: ok-one, gone, twin, bad, sick.
            //- /openspec/config.yaml
            store: gone
                   ^^^^ error[store/identity-mismatch]: Declared in openspec/config.yaml: Store 'gone' is missing identity metadata at /stores/gone/.openspec-store/store.yaml. Run openspec store doctor gone to inspect it.
            //- /openspec/config.yaml
            store: twin
                   ^^^^ error[store/identity-mismatch]: Declared in openspec/config.yaml: Store 'twin' metadata id 'other' does not match its registered id. Run openspec store doctor twin to inspect it.
            //- /openspec/config.yaml
            store: bad
                   ^^^ error[store/invalid-metadata]: Declared in openspec/config.yaml: Invalid store metadata state: version: Invalid input: expected 1
            //- /openspec/config.yaml
            store: sick
                   ^^^^ error[store/unhealthy-root]: Declared in openspec/config.yaml: Store 'sick' does not have a healthy OpenSpec root at /stores/sick: Missing openspec/ directory. Run openspec store doctor sick to inspect it.
            //- /openspec/config.yaml
            store: any
                   ^^^ error[store/no-registered-stores]: Declared in openspec/config.yaml: Unknown store 'any'. No stores are registered.
            //- /openspec/config.yaml
            store: any
                   ^^^ error[store/invalid-registry]: Declared in openspec/config.yaml: Invalid store registry state: version: Invalid input: expected 1
        "#]]
        .assert_eq(&out);
    }
}
