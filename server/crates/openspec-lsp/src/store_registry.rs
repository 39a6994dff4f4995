//! The machine's store registry and the checkouts it names, read from disk the way the CLI
//! (1.13.2, `core/store/`, `core/openspec-root.js`) reads them: where the registry lives (from
//! the environment), its entries, and each checkout's identity and root health. Read-only: it
//! never writes the registry, a store's metadata or anything in a checkout.

use std::cell::OnceCell;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::bail;
use openspec_ide::rules::store::StoreContext;
use openspec_ide::store::{self, RegisteredStore, Registry, StoreHealth};
use openspec_ide::{CheckConfig, Diagnostic, RootSnapshot};

use crate::check_command::relative_dir;
use crate::output::{self, CheckRun, CheckedRoot, RunMode};
use crate::vfs_load;

/// The registry as one `check` run sees it: read the first time a root mentions a store (most
/// roots never do, and then the registry is not even opened).
pub struct StoreLookup {
    env: DataEnv,
    registry: OnceCell<Registry>,
}

impl Default for StoreLookup {
    fn default() -> Self {
        Self { env: DataEnv::from_process(), registry: OnceCell::new() }
    }
}

impl StoreLookup {
    fn registry(&self) -> &Registry {
        self.registry.get_or_init(|| read_registry(self.env.registry_path().as_deref()))
    }

    /// The checkout a config-only root's `store:` pointer resolves to, when it does.
    pub fn pointed_root(&self, snapshot: &RootSnapshot) -> Option<PathBuf> {
        let id = openspec_ide::rules::store::pointer_store_id(snapshot)?;
        match &store::resolve(self.registry(), &id).ok()?.health {
            StoreHealth::Ok { root } => Some(PathBuf::from(root)),
            _ => None,
        }
    }

    /// The store findings of the root at `root_dir` (`openspec_ide::rules::store`).
    pub fn findings(&self, snapshot: &RootSnapshot, root_dir: &Path) -> Vec<Diagnostic> {
        if !openspec_ide::rules::store::mentions_stores(snapshot) {
            return Vec::new();
        }
        let root_dir = root_dir.canonicalize().unwrap_or_else(|_| root_dir.to_path_buf());
        store_findings(snapshot, &root_dir, self.registry(), &self.env.home_text())
    }
}

/// The registry and the home folder as the server read them at one moment: what the store
/// findings and features of every root are computed against until the registry changes.
#[derive(Debug, Default)]
pub struct StoreEnv {
    pub registry: Registry,
    pub home_dir: String,
}

impl StoreEnv {
    /// Reads the registry the environment names (and inspects every checkout it lists).
    pub fn read() -> StoreEnv {
        let env = DataEnv::from_process();
        StoreEnv { registry: read_registry(env.registry_path().as_deref()), home_dir: env.home_text() }
    }

    /// The store findings of the root in the (canonical) folder `root_dir`.
    pub fn findings(&self, snapshot: &RootSnapshot, root_dir: &Path) -> Vec<Diagnostic> {
        if !openspec_ide::rules::store::mentions_stores(snapshot) {
            return Vec::new();
        }
        store_findings(snapshot, root_dir, &self.registry, &self.home_dir)
    }

    /// The healthy checkouts `references:` in the config of `snapshot` names, with their ids
    /// (the stores the server indexes read-only beside the root).
    pub fn referenced_roots(&self, snapshot: &RootSnapshot) -> Vec<(String, PathBuf)> {
        let Some(path) = openspec_ide::schema::project_config_path(snapshot) else { return Vec::new() };
        openspec_ide::features::store_sites::sites(snapshot, path)
            .into_iter()
            .filter(|site| site.kind == openspec_ide::features::store_sites::SiteKind::Reference)
            .filter_map(|site| match &self.registry.find(&site.id)?.health {
                StoreHealth::Ok { root } => Some((site.id, PathBuf::from(root))),
                _ => None,
            })
            .collect()
    }
}

fn store_findings(snapshot: &RootSnapshot, root_dir: &Path, registry: &Registry, home_dir: &str) -> Vec<Diagnostic> {
    let root_path = root_dir.display().to_string();
    let context = StoreContext { registry, root_path: &root_path, home_dir };
    openspec_ide::rules::store::check(snapshot, &context)
}

/// The store checkouts that the config-only roots among `dirs` point at (`store:`), for the
/// server to index beside them. Reads the registry once, and only when some root points.
pub fn pointed_store_roots(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let stores = StoreLookup::default();
    dirs.iter()
        .filter(|dir| !dir.join("openspec/specs").is_dir() && !dir.join("openspec/changes").is_dir())
        .filter_map(|dir| {
            let (name, text) = ["config.yaml", "config.yml"].into_iter().find_map(|name| {
                std::fs::read_to_string(dir.join("openspec").join(name)).ok().map(|text| (name, text))
            })?;
            let snapshot = RootSnapshot::from_texts([(format!("openspec/{name}").as_str(), text.as_str())]);
            stores.pointed_root(&snapshot)
        })
        .collect()
}

/// Loads and checks a store's checkout; its paths are shown from the current directory when
/// it is below it, else absolute.
pub fn checked_store_root(
    store_root: &Path,
    stores: &StoreLookup,
    config: CheckConfig,
    cwd: Option<&Path>,
) -> CheckedRoot {
    let snapshot = vfs_load::load_root(store_root);
    let report = openspec_ide::check_root_with(&snapshot, &config, stores.findings(&snapshot, store_root));
    let dir_from_cwd = cwd.filter(|cwd| store_root.starts_with(cwd)).map(|cwd| relative_dir(cwd, store_root));
    CheckedRoot {
        relative_dir: dir_from_cwd.clone().unwrap_or_else(|| store_root.display().to_string()),
        dir_from_cwd,
        snapshot,
        report,
        line_indexes: output::LineIndexCache::default(),
    }
}

/// `check --store <id>`: the registered store's root, or the CLI's resolution error.
pub fn check_store(id: &str, config: CheckConfig) -> anyhow::Result<CheckRun> {
    let stores = StoreLookup::default();
    let store_root = match store::resolve(stores.registry(), id) {
        Err(failure) => bail!("{} (Fix: {})", failure.message, failure.fix),
        Ok(RegisteredStore { health: StoreHealth::Ok { root }, .. }) => PathBuf::from(root),
        Ok(_) => bail!("store '{id}' is not usable"),
    };
    let cwd = std::env::current_dir().and_then(|cwd| cwd.canonicalize()).ok();
    let root = checked_store_root(&store_root, &stores, config, cwd.as_deref());
    Ok(CheckRun { roots: vec![root], config, mode: RunMode::Check })
}

/// The environment variables the data directory is derived from, taken once so tests can pass
/// their own.
#[derive(Clone, Debug, Default)]
pub struct DataEnv {
    pub xdg_data_home: Option<OsString>,
    pub local_app_data: Option<OsString>,
    pub home: Option<PathBuf>,
}

impl DataEnv {
    pub fn from_process() -> Self {
        Self {
            xdg_data_home: std::env::var_os("XDG_DATA_HOME"),
            local_app_data: std::env::var_os("LOCALAPPDATA"),
            home: std::env::home_dir(),
        }
    }

    /// `getGlobalDataDir`: `$XDG_DATA_HOME/openspec` when set and non-empty, else
    /// `%LOCALAPPDATA%\openspec` on Windows, else `~/.local/share/openspec`.
    pub fn data_dir(&self) -> Option<PathBuf> {
        if let Some(xdg) = self.xdg_data_home.as_ref().filter(|value| !value.is_empty()) {
            return Some(PathBuf::from(xdg).join("openspec"));
        }
        if cfg!(windows) {
            if let Some(local) = self.local_app_data.as_ref().filter(|value| !value.is_empty()) {
                return Some(PathBuf::from(local).join("openspec"));
            }
            return self.home.as_ref().map(|home| home.join("AppData").join("Local").join("openspec"));
        }
        self.home.as_ref().map(|home| home.join(".local").join("share").join("openspec"))
    }

    /// `<data dir>/stores/registry.yaml`.
    pub fn registry_path(&self) -> Option<PathBuf> {
        self.data_dir().map(|dir| dir.join("stores").join("registry.yaml"))
    }

    /// The home folder as text (for the CLI's clone hints), empty when unknown.
    pub fn home_text(&self) -> String {
        self.home.as_ref().map(|home| home.display().to_string()).unwrap_or_default()
    }
}

/// Reads the registry at `registry_path` and inspects every checkout it names.
pub fn read_registry(registry_path: Option<&Path>) -> Registry {
    let Some(registry_path) = registry_path else {
        return Registry::Absent;
    };
    // `pathIsFile`: anything but a regular file (or a link to one) is no registry at all.
    if !registry_path.is_file() {
        return Registry::Absent;
    }
    let text = match std::fs::read_to_string(registry_path) {
        Ok(text) => text,
        Err(error) => {
            return Registry::Unreadable { message: format!("Invalid store registry state: {error}") };
        }
    };
    match store::parse_registry(&text) {
        Err(message) => Registry::Unreadable { message },
        Ok(entries) => Registry::Read(
            entries
                .into_iter()
                .map(|entry| {
                    let health = inspect(&entry.id, Path::new(&entry.local_path));
                    let spec_count = match &health {
                        StoreHealth::Ok { root } => count_specs(Path::new(root)),
                        _ => 0,
                    };
                    RegisteredStore { entry, health, spec_count }
                })
                .collect(),
        ),
    }
}

/// The main specs of a checkout: `openspec/specs/<capability>/spec.md` files (one level, as
/// `openspec list --specs` counts them; nested capabilities are not followed).
fn count_specs(store_root: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(store_root.join("openspec").join("specs")) else { return 0 };
    entries.filter_map(Result::ok).filter(|entry| entry.path().join("spec.md").is_file()).count()
}

/// `inspectRegisteredStore`: identity first (metadata missing, unreadable, another id), then
/// root health.
pub fn inspect(id: &str, store_root: &Path) -> StoreHealth {
    let metadata_path = store_root.join(".openspec-store").join("store.yaml");
    let metadata = match std::fs::read_to_string(&metadata_path) {
        Ok(text) => store::parse_metadata(&text),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return StoreHealth::MetadataMissing { metadata_path: metadata_path.display().to_string() };
        }
        Err(error) => {
            return StoreHealth::MetadataError { message: error.to_string() };
        }
    };
    match metadata {
        Err(message) => return StoreHealth::MetadataError { message },
        Ok(metadata) if metadata.id != id => {
            return StoreHealth::MetadataIdMismatch { actual_id: metadata.id };
        }
        Ok(_) => {}
    }
    let problems = root_problems(store_root);
    if !problems.is_empty() {
        return StoreHealth::UnhealthyRoot { problems: problems.join(" ") };
    }
    let root = store_root.canonicalize().unwrap_or_else(|_| store_root.to_path_buf());
    StoreHealth::Ok { root: root.display().to_string() }
}

/// `inspectOpenSpecRoot`'s diagnostics, in its order; empty for a healthy root.
fn root_problems(store_root: &Path) -> Vec<&'static str> {
    enum Kind {
        Missing,
        Dir,
        File,
        Other,
    }
    let kind = |path: &Path| match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Kind::Dir,
        Ok(meta) if meta.is_file() => Kind::File,
        Ok(_) => Kind::Other,
        Err(_) => Kind::Missing,
    };
    match kind(store_root) {
        Kind::Missing => return vec!["Store root does not exist."],
        Kind::Dir => {}
        _ => return vec!["Store root is not a directory."],
    }
    let openspec = store_root.join("openspec");
    match kind(&openspec) {
        Kind::Missing => return vec!["Missing openspec/ directory."],
        Kind::Dir => {}
        _ => return vec!["openspec/ exists but is not a directory."],
    }
    let mut problems = Vec::new();
    match (kind(&openspec.join("config.yaml")), kind(&openspec.join("config.yml"))) {
        (Kind::File, _) | (_, Kind::File) => {}
        (Kind::Missing, Kind::Missing) => problems.push("Missing openspec/config.yaml or openspec/config.yml."),
        _ => problems.push("OpenSpec config path exists but is not a file."),
    }
    let not_a_dir = |path: &Path| matches!(kind(path), Kind::File | Kind::Other);
    if not_a_dir(&openspec.join("specs")) {
        problems.push("openspec/specs/ exists but is not a directory.");
    }
    let changes = openspec.join("changes");
    if not_a_dir(&changes) {
        problems.push("openspec/changes/ exists but is not a directory.");
    } else if changes.is_dir() && not_a_dir(&changes.join("archive")) {
        problems.push("openspec/changes/archive/ exists but is not a directory.");
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::fs;

    use expect_test::expect;

    use super::{DataEnv, read_registry};

    #[test]
    fn data_dir_prefers_a_non_empty_xdg_data_home() {
        let env = |xdg: Option<&str>| DataEnv {
            xdg_data_home: xdg.map(Into::into),
            local_app_data: None,
            home: Some("/home/dev".into()),
        };
        assert_eq!(env(Some("/xdg")).registry_path(), Some("/xdg/openspec/stores/registry.yaml".into()));
        if !cfg!(windows) {
            assert_eq!(env(Some("")).data_dir(), Some("/home/dev/.local/share/openspec".into()));
            assert_eq!(env(None).data_dir(), Some("/home/dev/.local/share/openspec".into()));
        }
    }

    /// `check` applies the checked root's policy to its store findings too.
    #[test]
    fn the_policy_applies_to_store_findings() {
        let temp = tempfile::tempdir().expect("temp dir");
        let top = temp.path().canonicalize().expect("canonical temp dir");
        for (path, text) in [
            (".openspec-store/store.yaml", "version: 2\nid: team\n"),
            ("openspec/config.yaml", "schema: spec-driven\n"),
            ("openspec-lsp.toml", "[severity]\n\"store/invalid-metadata-file\" = \"off\"\n"),
        ] {
            let path = top.join(path);
            fs::create_dir_all(path.parent().expect("parent")).expect("create parent");
            fs::write(path, text).expect("write file");
        }
        let env = DataEnv { xdg_data_home: Some(top.join("data").into()), local_app_data: None, home: None };
        let stores = super::StoreLookup { env, registry: std::cell::OnceCell::new() };
        let root = super::checked_store_root(&top, &stores, openspec_ide::CheckConfig::default(), None);
        let codes: Vec<&str> = root.report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, Vec::<&str>::new());
    }

    /// A registry of four stores in a temp dir: healthy, metadata missing, another id, no root.
    #[test]
    fn inspects_every_registered_checkout() {
        let temp = tempfile::tempdir().expect("temp dir");
        let top = temp.path().canonicalize().expect("canonical temp dir");
        let write = |path: &str, text: &str| {
            let path = top.join(path);
            fs::create_dir_all(path.parent().expect("parent")).expect("create parent");
            fs::write(path, text).expect("write file");
        };
        write("good/.openspec-store/store.yaml", "version: 1\nid: good\n");
        write("good/openspec/config.yaml", "schema: spec-driven\n");
        write("bare/openspec/config.yaml", "schema: spec-driven\n");
        write("twin/.openspec-store/store.yaml", "version: 1\nid: other\n");
        write("empty/.openspec-store/store.yaml", "version: 1\nid: empty\n");
        let mut stores = String::new();
        for id in ["good", "bare", "twin", "empty"] {
            let local_path = top.join(id);
            let _ =
                write!(stores, "  {id}:\n    backend:\n      type: git\n      local_path: {}\n", local_path.display());
        }
        write("data/openspec/stores/registry.yaml", &format!("version: 1\nstores:\n{stores}"));
        let registry = read_registry(Some(&top.join("data/openspec/stores/registry.yaml")));
        let shown: Vec<String> = registry
            .stores()
            .iter()
            .map(|store| format!("{}: {:?}", store.entry.id, store.health).replace(&top.display().to_string(), "<tmp>"))
            .collect();
        expect![[r#"
            bare: MetadataMissing { metadata_path: "<tmp>/bare/.openspec-store/store.yaml" }
            empty: UnhealthyRoot { problems: "Missing openspec/ directory." }
            good: Ok { root: "<tmp>/good" }
            twin: MetadataIdMismatch { actual_id: "other" }"#]]
        .assert_eq(&shown.join("\n"));
        assert_eq!(read_registry(Some(&top.join("nowhere.yaml"))), openspec_ide::store::Registry::Absent);
    }
}
