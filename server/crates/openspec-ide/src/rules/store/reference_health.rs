//! Each `references:` entry of a root's config, against the registry.

// Diagnostic: store/reference-invalid-id, store/reference-unresolved,
// store/reference-root-unhealthy, store/reference-registry-unreadable
//
// `references:` lists the stores whose specs agent instructions index. The CLI never fails on
// a bad entry: it degrades to a warning (`reference_invalid_id`, `reference_unresolved`,
// `reference_root_unhealthy`, `reference_registry_unreadable`) that only `openspec doctor` and
// the instructions output show, so an agent quietly loses its context. One rule, one code per
// CLI code, each on the entry's id with the CLI's fix as related information. Entries the CLI's
// parse drops (not a string nor a map with a string `id`) are `config/invalid-field`'s.

use openspec_syntax::yaml::Node;

use crate::diagnostic::{Diagnostic, Severity};
use crate::store::{self, Registry, StoreHealth};

use super::{Config, StoreContext};

pub(super) fn check(config: &Config<'_>, context: &StoreContext<'_>, acc: &mut Vec<Diagnostic>) {
    // In a pointer repository the list is inert (`store/inert-references`), not read.
    let is_pointer = config.field("store").is_some_and(|entry| entry.value.as_str().is_some());
    if is_pointer && !config.has_planning_shape() {
        return;
    }
    let Some(items) = config.field("references").and_then(|entry| entry.value.as_sequence()) else {
        return;
    };
    // The CLI keeps the first entry of each id (a later duplicate only fills a missing remote).
    let mut seen: Vec<(&str, &Node, Option<&str>)> = Vec::new();
    for item in items {
        let (id_node, remote) = match item.as_str() {
            Some(_) => (item, None),
            None => match item.get("id") {
                Some(id) if id.value.as_str().is_some() => {
                    let remote =
                        item.get("remote").and_then(|remote| remote.value.as_str()).filter(|remote| !remote.is_empty());
                    (&id.value, remote)
                }
                _ => continue,
            },
        };
        let id = id_node.as_str().unwrap_or_default();
        match seen.iter_mut().find(|(seen_id, ..)| *seen_id == id) {
            Some(first) => first.2 = first.2.or(remote),
            None => seen.push((id, id_node, remote)),
        }
    }
    for (id, node, remote) in seen {
        let warn = |code, message: String, fix: String| {
            config.finding(code, Severity::Warning, node.range, message).with_related(
                config.path,
                node.range,
                format!("Fix: {fix}"),
            )
        };
        if !store::is_kebab_id(id) {
            acc.push(warn(
                "store/reference-invalid-id",
                format!("Reference '{id}' is not a valid store id."),
                "Use kebab-case store ids in the references list.".to_owned(),
            ));
            continue;
        }
        let stores = match context.registry {
            Registry::Unreadable { .. } => {
                acc.push(warn(
                    "store/reference-registry-unreadable",
                    format!("Referenced store '{id}' cannot be checked: the store registry is unreadable."),
                    "Run: openspec store doctor".to_owned(),
                ));
                continue;
            }
            registry => registry.stores(),
        };
        let Some(registered) = stores.iter().find(|store| store.entry.id == id) else {
            acc.push(warn(
                "store/reference-unresolved",
                format!("Referenced store '{id}' is not registered on this machine."),
                register_fix(id, remote, context.home_dir),
            ));
            continue;
        };
        match &registered.health {
            StoreHealth::Ok { .. } => {}
            health => acc.push(warn(
                "store/reference-root-unhealthy",
                format!("Referenced store '{id}' is registered but not usable ({}).", health.kind_words()),
                format!("Run: openspec store doctor {id}"),
            )),
        }
    }
}

/// The CLI's `registerFix`: a pasteable clone-and-register command when the remote is
/// shell-inert, else the teammate wording.
fn register_fix(id: &str, remote: Option<&str>, home_dir: &str) -> String {
    let shell_safe = |remote: &str| {
        !remote.starts_with('-') && remote.chars().all(|c| c.is_ascii_alphanumeric() || "@:/._~+-".contains(c))
    };
    match remote.filter(|remote| shell_safe(remote)) {
        Some(remote) => {
            let checkout = format!("'{home_dir}/openspec/{id}'");
            format!("git clone -- {remote} {checkout} && openspec store register {checkout} --id {id}")
        }
        None => format!("Get a checkout from a teammate and run: openspec store register <path> --id {id}"),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, registry};
    use crate::store::Registry;

    const CONFIG: &str = "//- /openspec/config.yaml
schema: spec-driven
references:
  - good
  - Bad
  - missing-one
  - {id: cloned, remote: 'git@github.com:o/r.git'}
  - good
  - sick
  - 42
";

    #[test]
    fn each_entry() {
        expect![[r#"
            //- /openspec/config.yaml
            schema: spec-driven
            references:
              - good
              - Bad
                ^^^ warning[store/reference-invalid-id]: Reference 'Bad' is not a valid store id.
              - missing-one
                ^^^^^^^^^^^ warning[store/reference-unresolved]: Referenced store 'missing-one' is not registered on this machine.
              - {id: cloned, remote: 'git@github.com:o/r.git'}
                     ^^^^^^ warning[store/reference-unresolved]: Referenced store 'cloned' is not registered on this machine.
              - good
              - sick
                ^^^^ warning[store/reference-root-unhealthy]: Referenced store 'sick' is registered but not usable (unhealthy root).
              - 42
        "#]]
        .assert_eq(&check(CONFIG, &registry(&["good", "sick=unhealthy"])));
    }

    #[test]
    fn unreadable_registry() {
        let unreadable = Registry::Unreadable { message: "x".to_owned() };
        expect![[r#"
            //- /openspec/config.yaml
            references: [Bad, lib]
                         ^^^ warning[store/reference-invalid-id]: Reference 'Bad' is not a valid store id.
                              ^^^ warning[store/reference-registry-unreadable]: Referenced store 'lib' cannot be checked: the store registry is unreadable.
        "#]]
        .assert_eq(&check("//- /openspec/config.yaml\nreferences: [Bad, lib]\n", &unreadable));
    }

    #[test]
    fn clone_fix() {
        expect![[r#"
            "git clone -- git@github.com:o/r.git '/home/dev/openspec/cloned' && openspec store register '/home/dev/openspec/cloned' --id cloned"
        "#]]
        .assert_debug_eq(&super::register_fix("cloned", Some("git@github.com:o/r.git"), "/home/dev"));
        expect![[r#"
            "Get a checkout from a teammate and run: openspec store register <path> --id x"
        "#]]
        .assert_debug_eq(&super::register_fix("x", Some("--upload-pack=evil"), "/home/dev"));
    }
}
