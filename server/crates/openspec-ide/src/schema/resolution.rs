//! Finding a schema by name: the project's `openspec/schemas/`, then the built-in one; the
//! project config's `schema`; an artifact's output files.

use openspec_syntax::yaml::{self};

use super::{
    LoadError, PROJECT_SCHEMAS_DIR, SCHEMA_FILE, SPEC_DRIVEN, WorkflowSchema, builtin_spec_driven, parse_schema_file,
};
use crate::vfs::{Entry, RootSnapshot};

/// Folder names `schema fork`/`schema init` use while swapping a schema into place.
pub(super) fn is_transient_schema_dir(name: &str) -> bool {
    name.starts_with(".fork-staging-")
        || name.contains(".fork-backup-")
        || name.starts_with(".init-staging-")
        || name.contains(".init-backup-")
}

/// `existsSync`: an entry that is there (a dangling link is not).
pub(super) fn exists(root: &RootSnapshot, path: &str) -> bool {
    root.get(path).is_some_and(|entry| !matches!(entry, Entry::DanglingSymlink))
}

pub fn project_schema_dir(name: &str) -> String {
    format!("{PROJECT_SCHEMAS_DIR}/{name}")
}

pub fn project_schema_file(name: &str) -> String {
    format!("{PROJECT_SCHEMAS_DIR}/{name}/{SCHEMA_FILE}")
}

/// Project-local schema names: folders of `openspec/schemas` holding a `schema.yaml`, sorted.
/// Symlinked folders are listed by the CLI when the link resolves, but the snapshot does not
/// look inside them, so they are not listed here.
pub fn project_schema_names(root: &RootSnapshot) -> Vec<String> {
    let mut names: Vec<String> = root
        .children(PROJECT_SCHEMAS_DIR)
        .filter(|(name, entry)| matches!(entry, Entry::Dir) && !is_transient_schema_dir(name))
        .filter(|(name, _)| exists(root, &project_schema_file(name)))
        .map(|(name, _)| name.to_owned())
        .collect();
    names.sort();
    names
}

/// `listSchemas`: the built-in schema plus the project's, sorted and deduplicated.
pub fn list_schemas(root: &RootSnapshot) -> Vec<String> {
    let mut names = project_schema_names(root);
    names.push(SPEC_DRIVEN.to_owned());
    names.sort();
    names.dedup();
    names
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaOrigin {
    BuiltIn,
    /// `openspec/schemas/<name>`; the path is root-relative.
    Project {
        dir: String,
    },
}

/// A schema name that resolved to a folder, and what loading it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedSchema {
    pub name: String,
    pub origin: SchemaOrigin,
    pub loaded: Result<WorkflowSchema, String>,
}

/// `getSchemaDir`: project first, then built-in. `None` for names that cannot be folder names.
pub fn schema_origin(root: &RootSnapshot, name: &str) -> Option<SchemaOrigin> {
    let drive_prefix =
        name.as_bytes().get(1) == Some(&b':') && name.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) || drive_prefix {
        return None;
    }
    if exists(root, &project_schema_file(name)) {
        return Some(SchemaOrigin::Project { dir: project_schema_dir(name) });
    }
    (name == SPEC_DRIVEN).then_some(SchemaOrigin::BuiltIn)
}

/// `resolveSchema`: a trailing `.yaml`/`.yml` is dropped, the folder is found, and the schema is
/// loaded. `Err` carries the CLI's "not found" message; a schema that is found but does not load
/// comes back with `loaded: Err(message)`. Messages name root-relative paths where the CLI
/// prints absolute ones.
pub fn resolve_schema(root: &RootSnapshot, name: &str) -> Result<ResolvedSchema, String> {
    let name = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).unwrap_or(name);
    let Some(origin) = schema_origin(root, name) else {
        return Err(format!("Schema '{name}' not found. Available schemas: {}", list_schemas(root).join(", ")));
    };
    let loaded = match &origin {
        SchemaOrigin::BuiltIn => Ok(builtin_spec_driven()),
        SchemaOrigin::Project { dir } => load_project_schema(root, &format!("{dir}/{SCHEMA_FILE}")),
    };
    Ok(ResolvedSchema { name: name.to_owned(), origin, loaded })
}

pub(super) fn load_project_schema(root: &RootSnapshot, path: &str) -> Result<WorkflowSchema, String> {
    let text = match read_text(root, path) {
        Ok(text) => text,
        Err(message) => return Err(format!("Failed to read schema at '{path}': {message}")),
    };
    let file = parse_schema_file(text);
    match file.load_error() {
        None => file.schema.ok_or_else(|| format!("Invalid schema at '{path}'")),
        Some(LoadError::Yaml(message)) => Err(format!("Failed to parse schema at '{path}': {message}")),
        Some(LoadError::Invalid(message)) => Err(format!("Invalid schema at '{path}': {message}")),
    }
}

/// The text of a file, or the error Node's `readFileSync` would give for it.
pub(crate) fn read_text<'a>(root: &'a RootSnapshot, path: &str) -> Result<&'a str, String> {
    match root.get(path) {
        Some(Entry::File { content: crate::vfs::FileContent::Text { text, .. }, .. }) => Ok(text),
        Some(
            Entry::File { content: crate::vfs::FileContent::Unreadable(problem), .. } | Entry::UnreadableDir(problem),
        ) => Err(problem.message.clone()),
        Some(Entry::Dir | Entry::SymlinkToDir) => Err("EISDIR: illegal operation on a directory, read".to_owned()),
        // Never for the YAML this reads: it is always read (`layout::is_read_by_openspec`).
        Some(Entry::File { content: crate::vfs::FileContent::NotRead, .. }) => {
            Err(format!("EIO: i/o error, read '{path}'"))
        }
        Some(Entry::DanglingSymlink) | None => Err(format!("ENOENT: no such file or directory, open '{path}'")),
    }
}

/// `resolveConfigFilePath`: `openspec/config.yaml` when it exists, else `openspec/config.yml`.
pub fn project_config_path(root: &RootSnapshot) -> Option<&'static str> {
    ["openspec/config.yaml", "openspec/config.yml"].into_iter().find(|path| exists(root, path))
}

/// The `schema` of the project config as `readProjectConfig` keeps it: a non-empty string in a
/// config that reads and parses.
pub fn project_config_schema(root: &RootSnapshot) -> Option<String> {
    let text = read_text(root, project_config_path(root)?).ok()?;
    let config = yaml::parse(text).ok()?;
    config.get("schema")?.value.as_str().filter(|schema| !schema.is_empty()).map(str::to_owned)
}

/// `isGlobPattern`: wildcards, classes, extglobs and brace expansions.
pub(super) fn is_glob_pattern(pattern: &str) -> bool {
    if pattern.contains(['*', '?', '[']) {
        return true;
    }
    let bytes = pattern.as_bytes();
    let extglob = bytes.windows(2).any(|pair| matches!(pair[0], b'!' | b'*' | b'+' | b'?' | b'@') && pair[1] == b'(');
    let mut openings = Vec::new();
    let mut brace = false;
    for (idx, byte) in bytes.iter().enumerate() {
        match byte {
            b'{' => openings.push(idx),
            b'}' => {
                if let Some(open) = openings.pop() {
                    let inner = &pattern[open..idx];
                    brace |= inner.contains(',') || inner.contains("..");
                }
            }
            _ => {}
        }
    }
    extglob && pattern.contains(')') || brace
}

/// Drops `.` and empty segments, as `path.join` normalises them.
pub(super) fn normalize_relative(path: &str) -> String {
    path.split('/').filter(|segment| !segment.is_empty() && *segment != ".").collect::<Vec<_>>().join("/")
}

/// `resolveArtifactOutputs`: a literal `generates` names one file; a glob matches the files
/// below the change folder the way fast-glob does (`*` stays inside a segment, dot-files only
/// match a pattern segment that starts with a dot). Root-relative paths, sorted.
pub fn artifact_outputs(root: &RootSnapshot, change_dir: &str, generates: &str) -> Vec<String> {
    let pattern = generates.replace('\\', "/");
    if !is_glob_pattern(generates) {
        let path = format!("{change_dir}/{}", normalize_relative(&pattern));
        return match root.get(&path) {
            Some(Entry::File { .. }) => vec![path],
            _ => Vec::new(),
        };
    }
    let pattern = normalize_relative(&pattern);
    let Ok(glob) = globset::GlobBuilder::new(&pattern).literal_separator(true).build() else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
    let dots_allowed = pattern.split('/').any(|segment| segment.starts_with('.'));
    let prefix = format!("{change_dir}/");
    let mut matches: Vec<String> = root
        .descendants(change_dir)
        .filter(|(_, entry)| matches!(entry, Entry::File { .. }))
        .filter_map(|(path, _)| {
            let relative = path.strip_prefix(&prefix)?;
            let hidden = relative.split('/').any(|segment| segment.starts_with('.'));
            (matcher.is_match(relative) && (dots_allowed || !hidden)).then(|| path.to_owned())
        })
        .collect();
    matches.sort();
    matches.dedup();
    matches
}
