//! Checks of the team-scale layout (stores): the `store:` pointer and the `references:` list of
//! `openspec/config.yaml`, against the machine's store registry as the lsp crate read it. The
//! registry is outside the root, so these rules take it as plain data (`StoreContext`) and run
//! beside `check_root` rather than inside its plan: a registry change re-runs them all, and they
//! read one small file.

mod inert_references;
mod initiative_store;
mod invalid_pointer;
mod metadata_file;
mod pointer_ignored;
mod pointer_resolution;
mod reference_health;

pub use pointer_resolution::is_resolution_failure;

use openspec_syntax::TextRange;
use openspec_syntax::yaml::{self, Node};

use crate::diagnostic::{Diagnostic, Origin, Severity};
use crate::schema;
use crate::store::Registry;
use crate::vfs::RootSnapshot;

/// What the store rules know beyond the root's files.
#[derive(Clone, Copy, Debug)]
pub struct StoreContext<'a> {
    pub registry: &'a Registry,
    /// The root's canonical folder (a reference resolving to it is a self-reference).
    pub root_path: &'a str,
    /// The home folder, for the clone command of an unregistered reference with a remote.
    pub home_dir: &'a str,
}

/// The parsed project config and its path.
pub(crate) struct Config<'a> {
    pub path: &'static str,
    pub node: Node,
    pub root: &'a RootSnapshot,
}

impl Config<'_> {
    pub fn field(&self, key: &str) -> Option<&yaml::MapEntry> {
        self.node.get(key)
    }

    /// `classifyOpenSpecDir`'s planning shape: a `specs/` or `changes/` folder that is not
    /// itself a store.
    pub fn has_planning_shape(&self) -> bool {
        ["openspec/specs", "openspec/changes"]
            .iter()
            .any(|dir| self.root.is_dir(dir) && self.root.get(&format!("{dir}/.openspec-store/store.yaml")).is_none())
    }

    /// A finding the CLI's root resolution or `openspec doctor` reports: source `openspec`, but
    /// on no `validate` item (it is about the root, not a spec or change).
    pub fn finding(&self, code: &'static str, severity: Severity, range: TextRange, message: String) -> Diagnostic {
        Diagnostic { origin: Origin::Openspec, ..Diagnostic::lsp(None, code, severity, self.path, range, message) }
    }
}

/// Every store finding of `root`, in a fixed order.
pub fn check(root: &RootSnapshot, context: &StoreContext<'_>) -> Vec<Diagnostic> {
    let mut acc = Vec::new();
    metadata_file::check(root, &mut acc);
    initiative_store::check(root, context, &mut acc);
    let Some(path) = schema::project_config_path(root) else {
        return acc;
    };
    // A config that does not read or parse is reported by the config rules; the CLI treats its
    // unparseable pointer as `invalid_store_pointer`, which `invalid_pointer` reports.
    let node = match schema::read_text(root, path).map(yaml::parse) {
        Ok(Ok(node)) if node.as_mapping().is_some() => node,
        Ok(Err(_)) => {
            invalid_pointer::check_unparseable(root, path, &mut acc);
            return acc;
        }
        _ => return acc,
    };
    let config = Config { path, node, root };
    pointer_ignored::check(&config, &mut acc);
    invalid_pointer::check(&config, &mut acc);
    pointer_resolution::check(&config, context, &mut acc);
    inert_references::check(&config, context, &mut acc);
    reference_health::check(&config, context, &mut acc);
    acc
}

/// Whether the root is a store or its config has a `store:` or `references:` key: the only
/// roots with store findings (the caller may skip reading the registry otherwise).
pub fn mentions_stores(root: &RootSnapshot) -> bool {
    if root.get(crate::store::STORE_METADATA_FILE).is_some() || !initiative_store::initiative_stores(root).is_empty() {
        return true;
    }
    let Some(path) = schema::project_config_path(root) else {
        return false;
    };
    match schema::read_text(root, path).map(yaml::parse) {
        Ok(Ok(node)) => node.get("store").is_some() || node.get("references").is_some(),
        // An unparseable config-only root is a malformed pointer for the CLI.
        Ok(Err(_)) => true,
        Err(_) => false,
    }
}

/// The `store:` id of a config-only root (no planning shape): the root the CLI resolves
/// through the registry instead of this one. `None` for a real root or a malformed pointer.
pub fn pointer_store_id(root: &RootSnapshot) -> Option<String> {
    let path = schema::project_config_path(root)?;
    let node = yaml::parse(schema::read_text(root, path).ok()?).ok()?;
    let config = Config { path, node, root };
    if config.has_planning_shape() {
        return None;
    }
    config.field("store")?.value.as_str().map(str::to_owned)
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::store::{RegisteredStore, Registry, RegistryEntry, StoreHealth};
    use crate::test_support::{render, snapshot};

    /// A registry of `id=health` pairs: `ok`, `missing`, `mismatch`, `broken`, `unhealthy`.
    pub(crate) fn registry(stores: &[&str]) -> Registry {
        Registry::Read(
            stores
                .iter()
                .map(|spec| {
                    let (id, health) = spec.split_once('=').unwrap_or((spec, "ok"));
                    let local_path = format!("/stores/{id}");
                    let health = match health {
                        "missing" => StoreHealth::MetadataMissing {
                            metadata_path: format!("{local_path}/.openspec-store/store.yaml"),
                        },
                        "mismatch" => StoreHealth::MetadataIdMismatch { actual_id: "other".to_owned() },
                        "broken" => StoreHealth::MetadataError {
                            message: "Invalid store metadata state: version: Invalid input: expected 1".to_owned(),
                        },
                        "unhealthy" => {
                            StoreHealth::UnhealthyRoot { problems: "Missing openspec/ directory.".to_owned() }
                        }
                        _ => StoreHealth::Ok { root: local_path.clone() },
                    };
                    let remote = (id == "team").then(|| "git@github.com:org/team.git".to_owned());
                    let spec_count = usize::from(matches!(health, StoreHealth::Ok { .. })) * 2;
                    RegisteredStore {
                        entry: RegistryEntry { id: id.to_owned(), local_path, remote, branch: None },
                        health,
                        spec_count,
                    }
                })
                .collect(),
        )
    }

    /// The repository policy applies to the store findings as to any other: this tool's own
    /// (`store/initiative-unregistered`, `store/invalid-metadata-file`) change level or go; the
    /// CLI's (`store/reference-unresolved`) stay, and the entry naming one says it cannot.
    #[test]
    fn the_policy_applies_to_store_findings() {
        let fixture = test_utils::Fixture::parse(
            "//- /openspec-lsp.toml\n[severity]\n\"store/initiative-unregistered\" = \"off\"\n\"store/invalid-metadata-file\" = \"info\"\n\"store/reference-unresolved\" = \"off\"\n//- /.openspec-store/store.yaml\nversion: 2\nid: app\n//- /openspec/config.yaml\nreferences: [ghost]\n//- /openspec/changes/a/.openspec.yaml\ninitiative: {store: nowhere, id: q3}\n",
        );
        let root = snapshot(&fixture);
        let stores = registry(&["team"]);
        let context = super::StoreContext { registry: &stores, root_path: "/work/app", home_dir: "/home/dev" };
        let report = crate::check_root_with(&root, &crate::CheckConfig::default(), super::check(&root, &context));
        let shown: Vec<String> =
            report.diagnostics.iter().map(|d| format!("{} {} {}", d.severity.as_str(), d.code, d.path)).collect();
        expect_test::expect![[r#"
            error change/no-deltas openspec/changes/a/.openspec.yaml
            error metadata/invalid-field openspec/changes/a/.openspec.yaml
            info store/invalid-metadata-file .openspec-store/store.yaml
            warning store/reference-unresolved openspec/config.yaml
            warning policy/not-overridable openspec-lsp.toml"#]]
        .assert_eq(&shown.join("\n"));
    }

    /// Runs the store rules over a fixture (root `/work/app`) and renders their findings.
    pub(crate) fn check(fixture: &str, registry: &Registry) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let context = super::StoreContext { registry, root_path: "/work/app", home_dir: "/home/dev" };
        render(&fixture, &super::check(&snapshot(&fixture), &context))
    }
}
