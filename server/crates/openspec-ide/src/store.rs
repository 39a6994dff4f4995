//! Stores, the team-scale layout: the store id grammar, the machine registry and a store's
//! `.openspec-store/store.yaml` read as the CLI (1.13.2, `core/store/foundation.js`) reads them,
//! and what a registered store looked like when the lsp crate inspected it. Plain data and pure
//! parsing only: this module never touches the file system or the environment.

use openspec_syntax::yaml::{self, Node};

/// A store's identity file, relative to its checkout (the root folder).
pub const STORE_METADATA_FILE: &str = ".openspec-store/store.yaml";

/// The CLI's `KEBAB_ID_DESCRIPTION`, shared by every id message.
pub const KEBAB_ID_DESCRIPTION: &str =
    "must be kebab-case with lowercase letters, numbers, and single hyphen separators";

/// The CLI's `KEBAB_ID_FIX`.
pub const KEBAB_ID_FIX: &str = "Use kebab-case with lowercase letters, numbers, and single hyphen separators.";

/// `isKebabId`: `^[a-z0-9]+(?:-[a-z0-9]+)*$`.
pub fn is_kebab_id(value: &str) -> bool {
    !value.is_empty()
        && value
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// `validateStoreId`'s message for an invalid id, `None` for a valid one.
pub fn store_id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("Store id must not be empty".to_owned());
    }
    if id == "." || id == ".." {
        return Some(format!("Store id must not be '{id}'"));
    }
    if id.contains(['/', '\\']) {
        return Some("Store id must not contain path separators".to_owned());
    }
    (!is_kebab_id(id)).then(|| format!("Store id {KEBAB_ID_DESCRIPTION}"))
}

/// One `stores:` entry of the registry (`backend.type` is always `git`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryEntry {
    pub id: String,
    /// `backend.local_path`: the checkout, absolute as `openspec store register` writes it.
    pub local_path: String,
    pub remote: Option<String>,
    pub branch: Option<String>,
}

/// What the CLI's `inspectRegisteredStore` says about a registered checkout. Identity
/// (metadata) problems win over root health, as in the CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreHealth {
    /// A healthy root; `root` is the canonical checkout path.
    Ok {
        root: String,
    },
    MetadataMissing {
        metadata_path: String,
    },
    MetadataIdMismatch {
        actual_id: String,
    },
    /// The metadata file exists but cannot be read or is invalid (the CLI's message).
    MetadataError {
        message: String,
    },
    /// The problems `inspectOpenSpecRoot` lists, joined with spaces.
    UnhealthyRoot {
        problems: String,
    },
}

impl StoreHealth {
    /// The inspection kind with spaces, as `reference_root_unhealthy` prints it.
    pub fn kind_words(&self) -> &'static str {
        match self {
            StoreHealth::Ok { .. } => "ok",
            StoreHealth::MetadataMissing { .. } => "metadata missing",
            StoreHealth::MetadataIdMismatch { .. } => "metadata id mismatch",
            StoreHealth::MetadataError { .. } => "metadata error",
            StoreHealth::UnhealthyRoot { .. } => "unhealthy root",
        }
    }
}

/// A registry entry and its inspected checkout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredStore {
    pub entry: RegistryEntry,
    pub health: StoreHealth,
    /// How many main specs (`openspec/specs/<capability>/spec.md`) a healthy checkout has; 0
    /// for an unhealthy one.
    pub spec_count: usize,
}

/// The machine's registry as read at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Registry {
    /// No registry file: no stores are registered.
    #[default]
    Absent,
    /// The file exists but cannot be read as a registry (the CLI's message).
    Unreadable { message: String },
    /// The registered stores, sorted by id.
    Read(Vec<RegisteredStore>),
}

impl Registry {
    /// The registered stores; none when the registry is absent or unreadable.
    pub fn stores(&self) -> &[RegisteredStore] {
        match self {
            Registry::Read(stores) => stores,
            _ => &[],
        }
    }

    pub fn find(&self, id: &str) -> Option<&RegisteredStore> {
        self.stores().iter().find(|store| store.entry.id == id)
    }
}

/// A store's `.openspec-store/store.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreMetadata {
    pub id: String,
    pub remote: Option<String>,
}

/// One Zod-style issue: the dotted location and the message.
type Issue = (String, String);

fn join_issues(issues: &[Issue]) -> String {
    issues.iter().map(|(location, message)| format!("{location}: {message}")).collect::<Vec<_>>().join("; ")
}

/// Zod's `invalid_type` wording.
fn expected(kind: &str, node: Option<&Node>) -> String {
    match node {
        None => format!("Invalid input: expected {kind}, received undefined"),
        Some(node) => format!("Invalid input: expected {kind}, received {}", node.js_type_name()),
    }
}

/// Zod's `unrecognized_keys` issue for the keys of `node` outside `known`, if any.
fn unknown_keys(node: &Node, known: &[&str], location: &str, issues: &mut Vec<Issue>) {
    let unknown: Vec<String> = node
        .as_mapping()
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| entry.key.js_property_key())
        .filter(|key| !known.contains(&key.as_str()))
        .map(|key| format!("\"{key}\""))
        .collect();
    if !unknown.is_empty() {
        let noun = if unknown.len() == 1 { "key" } else { "keys" };
        issues.push((location.to_owned(), format!("Unrecognized {noun}: {}", unknown.join(", "))));
    }
}

/// An optional non-empty string field; records an issue when present and wrong.
fn optional_string(node: &Node, key: &str, location: &str, issues: &mut Vec<Issue>) -> Option<String> {
    let value = &node.get(key)?.value;
    match value.as_str() {
        Some("") => {
            issues.push((location.to_owned(), "Too small: expected string to have >=1 characters".to_owned()));
            None
        }
        Some(text) => Some(text.to_owned()),
        None => {
            issues.push((location.to_owned(), expected("string", Some(value))));
            None
        }
    }
}

fn version_issue(node: &Node, issues: &mut Vec<Issue>) {
    let version = node.get("version").map(|entry| &entry.value);
    if version.and_then(|value| value.as_scalar()).and_then(openspec_syntax::yaml::Scalar::as_f64) != Some(1.0) {
        issues.push(("version".to_owned(), "Invalid input: expected 1".to_owned()));
    }
}

/// The document as a mapping, or the issue text (YAML error, or not an object).
fn parse_mapping(text: &str) -> Result<Node, String> {
    let node = yaml::parse(text).map_err(|error| error.message)?;
    match node.as_mapping() {
        Some(_) => Ok(node),
        None => Err(format!("root: {}", expected("object", Some(&node)))),
    }
}

/// `parseStoreMetadataState`: the metadata, or the CLI's `Invalid store metadata state: ...`.
pub fn parse_metadata(text: &str) -> Result<StoreMetadata, String> {
    let invalid = |message: String| format!("Invalid store metadata state: {message}");
    let node = parse_mapping(text).map_err(invalid)?;
    let mut issues = Vec::new();
    version_issue(&node, &mut issues);
    let id_node = node.get("id").map(|entry| &entry.value);
    let id = id_node.and_then(Node::as_str).map(str::to_owned);
    if id.is_none() {
        issues.push(("id".to_owned(), expected("string", id_node)));
    }
    let remote = optional_string(&node, "remote", "remote", &mut issues);
    unknown_keys(&node, &["version", "id", "remote"], "root", &mut issues);
    if !issues.is_empty() {
        return Err(invalid(join_issues(&issues)));
    }
    let id = id.unwrap_or_default();
    if let Some(problem) = store_id_problem(&id) {
        return Err(problem);
    }
    Ok(StoreMetadata { id, remote })
}

/// `parseStoreRegistryState`: the entries sorted by id, or the CLI's
/// `Invalid store registry state: ...` / `Invalid store id: ...`.
pub fn parse_registry(text: &str) -> Result<Vec<RegistryEntry>, String> {
    let invalid = |message: String| format!("Invalid store registry state: {message}");
    let node = parse_mapping(text).map_err(invalid)?;
    let mut issues = Vec::new();
    version_issue(&node, &mut issues);
    let mut entries = Vec::new();
    match node.get("stores").map(|entry| &entry.value) {
        Some(stores) if stores.as_mapping().is_some() => {
            for store in stores.as_mapping().unwrap_or_default() {
                let id = store.key.js_property_key().unwrap_or_default();
                let base = format!("stores.{id}");
                if store.value.as_mapping().is_none() {
                    issues.push((base, expected("object", Some(&store.value))));
                    continue;
                }
                unknown_keys(&store.value, &["backend"], &base, &mut issues);
                let backend_location = format!("{base}.backend");
                let Some(backend) = store.value.get("backend").map(|entry| &entry.value) else {
                    issues.push((backend_location, expected("object", None)));
                    continue;
                };
                if backend.as_mapping().is_none() {
                    issues.push((backend_location, expected("object", Some(backend))));
                    continue;
                }
                if backend.get("type").and_then(|entry| entry.value.as_str()) != Some("git") {
                    issues.push((format!("{backend_location}.type"), "Invalid input: expected \"git\"".to_owned()));
                }
                let local_path =
                    optional_string(backend, "local_path", &format!("{backend_location}.local_path"), &mut issues);
                if backend.get("local_path").is_none() {
                    issues.push((format!("{backend_location}.local_path"), expected("string", None)));
                }
                let remote = optional_string(backend, "remote", &format!("{backend_location}.remote"), &mut issues);
                let branch = optional_string(backend, "branch", &format!("{backend_location}.branch"), &mut issues);
                unknown_keys(backend, &["type", "local_path", "remote", "branch"], &backend_location, &mut issues);
                if let Some(local_path) = local_path {
                    entries.push(RegistryEntry { id, local_path, remote, branch });
                }
            }
        }
        other => issues.push(("stores".to_owned(), expected("record", other))),
    }
    unknown_keys(&node, &["version", "stores", "repos"], "root", &mut issues);
    if !issues.is_empty() {
        return Err(invalid(join_issues(&issues)));
    }
    if let Some(bad) = entries.iter().find(|entry| !is_kebab_id(&entry.id)) {
        return Err(format!("Invalid store id: '{}': {KEBAB_ID_DESCRIPTION}", bad.id));
    }
    // `localeCompare` on kebab ids orders like byte order except that `-` sorts before letters
    // and digits in both, so a byte sort agrees.
    entries.sort_by(|left, right| left.id.cmp(&right.id));
    Ok(entries)
}

/// Why a store id does not resolve to a usable root (`resolveStoreRoot`'s failures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolutionFailure {
    /// The CLI's diagnostic code (`unknown_store`, ...).
    pub cli_code: &'static str,
    /// The CLI's message, without the `Declared in <file>: ` prefix a pointer adds.
    pub message: String,
    pub fix: String,
}

/// `resolveStoreRoot`: the registered, healthy store `id` names, or why not.
pub fn resolve<'a>(registry: &'a Registry, id: &str) -> Result<&'a RegisteredStore, ResolutionFailure> {
    let doctor_fix = format!("Run openspec store doctor {id} to inspect it.");
    let failure = |cli_code, message: String, fix: String| ResolutionFailure { cli_code, message, fix };
    if let Some(problem) = store_id_problem(id) {
        return Err(failure("invalid_store_id", problem, KEBAB_ID_FIX.to_owned()));
    }
    let stores = match registry {
        Registry::Unreadable { message } => {
            return Err(failure(
                "invalid_store_registry",
                message.clone(),
                "Repair or remove the store registry.".to_owned(),
            ));
        }
        Registry::Absent => &[][..],
        Registry::Read(stores) => stores.as_slice(),
    };
    let Some(store) = stores.iter().find(|store| store.entry.id == id) else {
        if stores.is_empty() {
            return Err(failure(
                "no_registered_stores",
                format!("Unknown store '{id}'. No stores are registered."),
                format!("Run openspec store setup {id} or openspec store register <path> first."),
            ));
        }
        let ids: Vec<&str> = stores.iter().map(|store| store.entry.id.as_str()).collect();
        return Err(failure(
            "unknown_store",
            format!("Unknown store '{id}'. Registered stores: {}.", ids.join(", ")),
            "Pass a registered store id, or run openspec store list.".to_owned(),
        ));
    };
    match &store.health {
        StoreHealth::Ok { .. } => Ok(store),
        StoreHealth::MetadataError { message } => {
            Err(failure("invalid_store_metadata", message.clone(), "Repair .openspec-store/store.yaml.".to_owned()))
        }
        StoreHealth::MetadataMissing { metadata_path } => Err(failure(
            "store_identity_mismatch",
            format!("Store '{id}' is missing identity metadata at {metadata_path}. {doctor_fix}"),
            doctor_fix,
        )),
        StoreHealth::MetadataIdMismatch { actual_id } => Err(failure(
            "store_identity_mismatch",
            format!("Store '{id}' metadata id '{actual_id}' does not match its registered id. {doctor_fix}"),
            doctor_fix,
        )),
        StoreHealth::UnhealthyRoot { problems } => Err(failure(
            "unhealthy_store_root",
            format!(
                "Store '{id}' does not have a healthy OpenSpec root at {}: {problems} {doctor_fix}",
                store.entry.local_path
            ),
            doctor_fix,
        )),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    fn check_registry(text: &str, expected: &Expect) {
        expected.assert_debug_eq(&super::parse_registry(text));
    }

    fn check_metadata(text: &str, expected: &Expect) {
        expected.assert_debug_eq(&super::parse_metadata(text));
    }

    #[test]
    fn store_ids() {
        let shown: Vec<String> = ["team-specs", "a1", "", "..", "a/b", "Bad_Id", "a--b", "-a"]
            .iter()
            .map(|id| format!("{id:?}: {:?}", super::store_id_problem(id)))
            .collect();
        expect![[r#"
            "team-specs": None
            "a1": None
            "": Some("Store id must not be empty")
            "..": Some("Store id must not be '..'")
            "a/b": Some("Store id must not contain path separators")
            "Bad_Id": Some("Store id must be kebab-case with lowercase letters, numbers, and single hyphen separators")
            "a--b": Some("Store id must be kebab-case with lowercase letters, numbers, and single hyphen separators")
            "-a": Some("Store id must be kebab-case with lowercase letters, numbers, and single hyphen separators")"#]]
        .assert_eq(&shown.join("\n"));
    }

    #[test]
    fn registry() {
        check_registry(
            "version: 1\nstores:\n  zeta:\n    backend: {type: git, local_path: /z}\n  alpha:\n    backend:\n      type: git\n      local_path: /a\n      remote: git@x:y.git\n",
            &expect![[r#"
                Ok(
                    [
                        RegistryEntry {
                            id: "alpha",
                            local_path: "/a",
                            remote: Some(
                                "git@x:y.git",
                            ),
                            branch: None,
                        },
                        RegistryEntry {
                            id: "zeta",
                            local_path: "/z",
                            remote: None,
                            branch: None,
                        },
                    ],
                )
            "#]],
        );
        check_registry(
            "version: 2\nstores: []\n",
            &expect![[r#"
                Err(
                    "Invalid store registry state: version: Invalid input: expected 1; stores: Invalid input: expected record, received array",
                )
            "#]],
        );
        check_registry(
            "version: 1\nstores:\n  Bad:\n    backend: {type: git, local_path: /b}\n",
            &expect![[r#"
                Err(
                    "Invalid store id: 'Bad': must be kebab-case with lowercase letters, numbers, and single hyphen separators",
                )
            "#]],
        );
    }

    #[test]
    fn metadata() {
        check_metadata(
            "version: 1\nid: team-specs\n",
            &expect![[r#"
                Ok(
                    StoreMetadata {
                        id: "team-specs",
                        remote: None,
                    },
                )
            "#]],
        );
        check_metadata(
            "version: 1\nid: team\nowner: me\n",
            &expect![[r#"
                Err(
                    "Invalid store metadata state: root: Unrecognized key: \"owner\"",
                )
            "#]],
        );
        check_metadata(
            "id: 3\n",
            &expect![[r#"
                Err(
                    "Invalid store metadata state: version: Invalid input: expected 1; id: Invalid input: expected string, received number",
                )
            "#]],
        );
    }
}
