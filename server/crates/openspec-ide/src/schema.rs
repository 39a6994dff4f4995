//! Workflow schemas (`schema.yaml`) as the CLI loads them: the model, `parseSchema`'s checks
//! with positions, the built-in `spec-driven` schema as data, project-local discovery and
//! resolution for a change, and a change's tracked task files. Reads only the snapshot.
//!
//! The user-level schema folder (`~/.local/share/openspec/schemas`) is machine state, not part
//! of a root, so it is never consulted here (see docs/parity.md).

use std::collections::{HashMap, HashSet};

use openspec_syntax::TextRange;
use openspec_syntax::yaml::{self, Node};

use crate::change_meta::{self, MetadataState};
use crate::vfs::{Entry, RootSnapshot};

pub const SPEC_DRIVEN: &str = "spec-driven";
pub const PROJECT_SCHEMAS_DIR: &str = "openspec/schemas";
pub const SCHEMA_FILE: &str = "schema.yaml";

/// The CLI refuses schemas with more artifacts than this (`MAX_ARTIFACTS`).
const MAX_ARTIFACTS: usize = 1000;

/// A string read from YAML and where it was written (empty at 0 for built-in data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpannedStr {
    pub text: String,
    pub range: TextRange,
}

impl SpannedStr {
    fn builtin(text: &str) -> Self {
        Self { text: text.to_owned(), range: TextRange::empty(0) }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub id: SpannedStr,
    pub generates: SpannedStr,
    pub description: String,
    pub template: SpannedStr,
    pub requires: Vec<SpannedStr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyPhase {
    pub requires: Vec<SpannedStr>,
    /// The `generates` value whose artifact holds the tasks; `None` when absent or `null`.
    pub tracks: Option<SpannedStr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowSchema {
    pub name: String,
    pub artifacts: Vec<Artifact>,
    pub apply: Option<ApplyPhase>,
}

impl WorkflowSchema {
    pub fn artifact(&self, id: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|artifact| artifact.id.text == id)
    }

    /// `findTrackedTasksArtifact`: the artifact whose `generates` equals `apply.tracks`, or the
    /// one with id `tasks` when nothing is tracked explicitly.
    pub fn tracked_tasks_artifact(&self) -> Option<&Artifact> {
        match self.apply.as_ref().and_then(|apply| apply.tracks.as_ref()) {
            Some(tracks) => self.artifacts.iter().find(|artifact| artifact.generates.text == tracks.text),
            None => self.artifact("tasks"),
        }
    }
}

/// The package's `schemas/spec-driven/schema.yaml` (1.13.2), reduced to what checks read.
pub fn builtin_spec_driven() -> WorkflowSchema {
    let artifact = |id: &str, generates: &str, template: &str, description: &str, requires: &[&str]| Artifact {
        id: SpannedStr::builtin(id),
        generates: SpannedStr::builtin(generates),
        description: description.to_owned(),
        template: SpannedStr::builtin(template),
        requires: requires.iter().map(|id| SpannedStr::builtin(id)).collect(),
    };
    WorkflowSchema {
        name: SPEC_DRIVEN.to_owned(),
        artifacts: vec![
            artifact("proposal", "proposal.md", "proposal.md", "Initial proposal document outlining the change", &[]),
            artifact("specs", "specs/**/*.md", "spec.md", "Detailed specifications for the change", &["proposal"]),
            artifact(
                "design",
                "design.md",
                "design.md",
                "Technical design document with implementation details",
                &["proposal"],
            ),
            artifact(
                "tasks",
                "tasks.md",
                "tasks.md",
                "Implementation checklist with trackable tasks",
                &["specs", "design"],
            ),
        ],
        apply: Some(ApplyPhase {
            requires: vec![SpannedStr::builtin("tasks")],
            tracks: Some(SpannedStr::builtin("tasks.md")),
        }),
    }
}

/// One Zod issue as the CLI prints it (`path: message`), placed on the YAML it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZodIssue {
    pub path: String,
    pub message: String,
    pub range: TextRange,
}

/// Zod's wording for a value of the wrong type; `None` stands for JS `undefined`.
pub(crate) fn zod_expected(expected: &str, node: Option<&Node>) -> String {
    format!("Invalid input: expected {expected}, received {}", node.map_or("undefined", Node::js_type_name))
}

/// Where to put an issue about a key that is missing from `parent`: the parent's first line.
pub(crate) fn missing_key_range(text: &str, parent: &Node) -> TextRange {
    let start = parent.range.start.min(text.len());
    let line_end = text[start..].find(['\n', '\r']).map_or(text.len(), |at| start + at);
    TextRange::new(start, line_end.min(parent.range.end.max(start)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaProblemKind {
    Yaml,
    /// A Zod issue other than a path escape.
    Shape,
    /// `generates`, `template` or `apply.tracks` absolute, with a `..` segment, or with NUL.
    PathEscape,
    DuplicateId,
    UnknownRequires,
    UnknownApplyRequires,
    Cycle,
}

/// A problem `parseSchema` throws on (all of them, not only the first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaProblem {
    pub kind: SchemaProblemKind,
    /// The CLI's wording for this one problem (shape issues as `path: message`).
    pub message: String,
    pub range: TextRange,
}

/// What `parseSchema` makes of a `schema.yaml`: the model when it loads, and every problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaFile {
    pub schema: Option<WorkflowSchema>,
    pub problems: Vec<SchemaProblem>,
}

impl SchemaFile {
    /// The message `parseSchema` throws, or `None` when the schema loads. Stages run in the
    /// CLI's order and the first failing one wins: YAML, shape (every Zod issue joined),
    /// duplicate ids, `requires`, `apply.requires`, cycles.
    pub fn load_error(&self) -> Option<LoadError> {
        let first = self.problems.first()?;
        if first.kind == SchemaProblemKind::Yaml {
            return Some(LoadError::Yaml(first.message.clone()));
        }
        let shape: Vec<&str> = self
            .problems
            .iter()
            .filter(|problem| matches!(problem.kind, SchemaProblemKind::Shape | SchemaProblemKind::PathEscape))
            .map(|problem| problem.message.as_str())
            .collect();
        if !shape.is_empty() {
            return Some(LoadError::Invalid(format!("Invalid schema: {}", shape.join(", "))));
        }
        let stages = [
            SchemaProblemKind::DuplicateId,
            SchemaProblemKind::UnknownRequires,
            SchemaProblemKind::UnknownApplyRequires,
            SchemaProblemKind::Cycle,
        ];
        stages
            .iter()
            .find_map(|kind| self.problems.iter().find(|problem| problem.kind == *kind))
            .map(|problem| LoadError::Invalid(problem.message.clone()))
    }

    /// `findApplyTracksWarning`: an `apply.tracks` equal to no artifact's `generates`.
    pub fn apply_tracks_warning(&self) -> Option<(String, TextRange)> {
        let schema = self.schema.as_ref()?;
        let tracks = schema.apply.as_ref()?.tracks.as_ref()?;
        if schema.artifacts.iter().any(|artifact| artifact.generates.text == tracks.text) {
            return None;
        }
        let generated: Vec<&str> = schema.artifacts.iter().map(|artifact| artifact.generates.text.as_str()).collect();
        let message = format!(
            "apply.tracks '{}' does not exactly match any artifact's generates value (generates: {}), so OpenSpec cannot tell which artifact's progress it tracks. Apply still reads that file as written, but list and status count tasks.md instead. Make apply.tracks exactly equal one of those generates values, or confirm that file is maintained outside the artifact graph.",
            tracks.text,
            generated.join(", ")
        );
        Some((message, tracks.range))
    }
}

/// Why a schema does not load: a YAML error (`Failed to parse schema at ...`) or a validation
/// error (`Invalid schema at ...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    Yaml(String),
    Invalid(String),
}

/// `parseSchema` over a `schema.yaml` text.
pub fn parse_schema_file(text: &str) -> SchemaFile {
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(error) => {
            let problem = SchemaProblem { kind: SchemaProblemKind::Yaml, message: error.message, range: error.range };
            return SchemaFile { schema: None, problems: vec![problem] };
        }
    };
    let mut shape = ShapeCheck { text, problems: Vec::new() };
    let schema = shape.schema(&root);
    let mut problems = shape.problems;
    let Some(schema) = schema.filter(|_| problems.is_empty()) else {
        return SchemaFile { schema: None, problems };
    };
    graph_problems(&schema, &mut problems);
    SchemaFile { schema: Some(schema), problems }
}

/// Zod's `SchemaYamlSchema`, issue by issue in Zod's order (keys in declaration order).
struct ShapeCheck<'t> {
    text: &'t str,
    problems: Vec<SchemaProblem>,
}

impl ShapeCheck<'_> {
    fn issue(&mut self, kind: SchemaProblemKind, path: &str, message: &str, range: TextRange) {
        self.problems.push(SchemaProblem { kind, message: format!("{path}: {message}"), range });
    }

    fn type_issue(&mut self, path: &str, expected: &str, node: Option<&Node>, parent: &Node) {
        let range = node.map_or_else(|| missing_key_range(self.text, parent), |node| node.range);
        self.issue(SchemaProblemKind::Shape, path, &zod_expected(expected, node), range);
    }

    fn schema(&mut self, root: &Node) -> Option<WorkflowSchema> {
        if root.as_mapping().is_none() {
            self.type_issue("", "object", Some(root), root);
            return None;
        }
        let field = |key: &str| root.get(key).map(|entry| &entry.value);
        let name = self.non_empty_string("name", field("name"), root, "Schema name is required");
        self.version(field("version"), root);
        if let Some(description) = field("description").filter(|node| node.as_str().is_none()) {
            self.type_issue("description", "string", Some(description), root);
        }
        let artifacts = self.artifacts(field("artifacts"), root);
        let apply = match field("apply") {
            None => None,
            Some(node) => self.apply(node),
        };
        Some(WorkflowSchema { name: name?.text, artifacts: artifacts?, apply })
    }

    fn non_empty_string(
        &mut self,
        path: &str,
        node: Option<&Node>,
        parent: &Node,
        empty_message: &str,
    ) -> Option<SpannedStr> {
        let Some((node, text)) = node.and_then(|node| Some((node, node.as_str()?))) else {
            self.type_issue(path, "string", node, parent);
            return None;
        };
        let range = node.range;
        if text.is_empty() {
            self.issue(SchemaProblemKind::Shape, path, empty_message, range);
            return None;
        }
        Some(SpannedStr { text: text.to_owned(), range })
    }

    /// `z.number().int().positive()`.
    fn version(&mut self, node: Option<&Node>, parent: &Node) {
        const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
        let number = node.and_then(Node::as_scalar).and_then(yaml::Scalar::as_f64).filter(|number| number.is_finite());
        let (Some(number), Some(node)) = (number, node) else {
            self.type_issue("version", "number", node, parent);
            return;
        };
        let message = if number.fract() != 0.0 {
            "Invalid input: expected int, received number"
        } else if number > MAX_SAFE {
            "Too big: expected int to be <=9007199254740991"
        } else if number < -MAX_SAFE {
            "Too small: expected int to be >=-9007199254740991"
        } else if number <= 0.0 {
            "Version must be a positive integer"
        } else {
            return;
        };
        self.issue(SchemaProblemKind::Shape, "version", message, node.range);
    }

    /// `relativePathSchema(field)`: a non-empty string that is not absolute (POSIX, Windows or a
    /// drive prefix), has no `..` segment and no NUL.
    fn relative_path(
        &mut self,
        path: &str,
        field_name: &str,
        node: Option<&Node>,
        parent: &Node,
    ) -> Option<SpannedStr> {
        let value = self.non_empty_string(path, node, parent, &format!("{field_name} is required"))?;
        if escapes(&value.text) {
            let message = format!("{field_name} must be a relative path inside its allowed directory");
            self.issue(SchemaProblemKind::PathEscape, path, &message, value.range);
            return None;
        }
        Some(value)
    }

    fn string_list(&mut self, path: &str, node: &Node) -> Option<Vec<SpannedStr>> {
        let Some(items) = node.as_sequence() else {
            self.type_issue(path, "array", Some(node), node);
            return None;
        };
        let mut values = Vec::new();
        for (idx, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(text) => values.push(SpannedStr { text: text.to_owned(), range: item.range }),
                None => self.type_issue(&format!("{path}.{idx}"), "string", Some(item), node),
            }
        }
        (values.len() == items.len()).then_some(values)
    }

    fn artifacts(&mut self, node: Option<&Node>, parent: &Node) -> Option<Vec<Artifact>> {
        let Some((node, items)) = node.and_then(|node| Some((node, node.as_sequence()?))) else {
            self.type_issue("artifacts", "array", node, parent);
            return None;
        };
        let mut artifacts = Vec::new();
        for (idx, item) in items.iter().enumerate() {
            if let Some(artifact) = self.artifact(&format!("artifacts.{idx}"), item) {
                artifacts.push(artifact);
            }
        }
        if items.is_empty() {
            self.issue(SchemaProblemKind::Shape, "artifacts", "At least one artifact required", node.range);
        }
        if items.len() > MAX_ARTIFACTS {
            let message = format!("A schema may declare at most {MAX_ARTIFACTS} artifacts");
            self.issue(SchemaProblemKind::Shape, "artifacts", &message, node.range);
        }
        (artifacts.len() == items.len() && !items.is_empty()).then_some(artifacts)
    }

    fn artifact(&mut self, path: &str, node: &Node) -> Option<Artifact> {
        if node.as_mapping().is_none() {
            self.type_issue(path, "object", Some(node), node);
            return None;
        }
        let field = |key: &str| node.get(key).map(|entry| &entry.value);
        let id = self.non_empty_string(&format!("{path}.id"), field("id"), node, "Artifact ID is required");
        let generates = self.relative_path(&format!("{path}.generates"), "generates field", field("generates"), node);
        let description = field("description").and_then(Node::as_str).map(str::to_owned);
        if description.is_none() {
            self.type_issue(&format!("{path}.description"), "string", field("description"), node);
        }
        let template = self.relative_path(&format!("{path}.template"), "template field", field("template"), node);
        if let Some(instruction) = field("instruction").filter(|node| node.as_str().is_none()) {
            self.type_issue(&format!("{path}.instruction"), "string", Some(instruction), node);
        }
        let requires = match field("requires") {
            None => Some(Vec::new()),
            Some(requires) => self.string_list(&format!("{path}.requires"), requires),
        };
        Some(Artifact {
            id: id?,
            generates: generates?,
            description: description?,
            template: template?,
            requires: requires?,
        })
    }

    fn apply(&mut self, node: &Node) -> Option<ApplyPhase> {
        if node.as_mapping().is_none() {
            self.type_issue("apply", "object", Some(node), node);
            return None;
        }
        let field = |key: &str| node.get(key).map(|entry| &entry.value);
        let requires = match field("requires") {
            None => {
                self.type_issue("apply.requires", "array", None, node);
                None
            }
            Some(requires_node) => {
                let requires = self.string_list("apply.requires", requires_node);
                if requires.as_ref().is_some_and(Vec::is_empty) {
                    self.issue(
                        SchemaProblemKind::Shape,
                        "apply.requires",
                        "At least one required artifact",
                        requires_node.range,
                    );
                    None
                } else {
                    requires
                }
            }
        };
        let tracks = match field("tracks") {
            Some(tracks) if !tracks.is_null() => {
                Some(self.relative_path("apply.tracks", "apply.tracks", Some(tracks), node))
            }
            _ => None,
        };
        if let Some(instruction) = field("instruction").filter(|node| node.as_str().is_none()) {
            self.type_issue("apply.instruction", "string", Some(instruction), node);
        }
        let tracks = match tracks {
            Some(parsed) => Some(parsed?),
            None => None,
        };
        Some(ApplyPhase { requires: requires?, tracks })
    }
}

/// The path test of `relativePathSchema`.
pub(crate) fn escapes(path: &str) -> bool {
    let absolute = path.starts_with(['/', '\\'])
        || path.as_bytes().get(1) == Some(&b':') && path.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    let parent_segment = path.split(['/', '\\']).any(|segment| segment == "..");
    absolute || parent_segment || path.contains('\0')
}

/// Duplicate ids, unknown `requires`, unknown `apply.requires` and the first cycle, each on the
/// YAML value it names.
fn graph_problems(schema: &WorkflowSchema, problems: &mut Vec<SchemaProblem>) {
    let mut seen = HashSet::new();
    for artifact in &schema.artifacts {
        if !seen.insert(artifact.id.text.as_str()) {
            problems.push(SchemaProblem {
                kind: SchemaProblemKind::DuplicateId,
                message: format!("Duplicate artifact ID: {}", artifact.id.text),
                range: artifact.id.range,
            });
        }
    }
    for artifact in &schema.artifacts {
        for required in &artifact.requires {
            if !seen.contains(required.text.as_str()) {
                problems.push(SchemaProblem {
                    kind: SchemaProblemKind::UnknownRequires,
                    message: format!(
                        "Invalid dependency reference in artifact '{}': '{}' does not exist",
                        artifact.id.text, required.text
                    ),
                    range: required.range,
                });
            }
        }
    }
    if let Some(apply) = &schema.apply {
        let ids: Vec<&str> = schema.artifacts.iter().map(|artifact| artifact.id.text.as_str()).collect();
        for required in &apply.requires {
            if !seen.contains(required.text.as_str()) {
                problems.push(SchemaProblem {
                    kind: SchemaProblemKind::UnknownApplyRequires,
                    message: format!(
                        "Invalid apply.requires reference: '{}' does not exist (artifacts: {})",
                        required.text,
                        ids.join(", ")
                    ),
                    range: required.range,
                });
            }
        }
    }
    if let Some((cycle, range)) = first_cycle(schema) {
        problems.push(SchemaProblem {
            kind: SchemaProblemKind::Cycle,
            message: format!("Cyclic dependency detected: {}", cycle.join(" \u{2192} ")),
            range,
        });
    }
}

/// The CLI's depth-first cycle search (artifacts in declaration order, `requires` in order, a
/// later duplicate id shadowing an earlier one), without recursion. Returns the cycle as the
/// CLI spells it (`a → b → a`) and the `requires` entry that closes it.
fn first_cycle(schema: &WorkflowSchema) -> Option<(Vec<String>, TextRange)> {
    let by_id: HashMap<&str, &Artifact> =
        schema.artifacts.iter().map(|artifact| (artifact.id.text.as_str(), artifact)).collect();
    let mut visited: HashSet<&str> = HashSet::new();
    for start in &schema.artifacts {
        if visited.contains(start.id.text.as_str()) {
            continue;
        }
        // Each frame: an artifact id on the current path and the index of its next dependency.
        let mut path: Vec<(&str, usize)> = vec![(start.id.text.as_str(), 0)];
        visited.insert(start.id.text.as_str());
        while let Some(&(id, next)) = path.last() {
            let Some(artifact) = by_id.get(id) else {
                path.pop();
                continue;
            };
            let Some(dependency) = artifact.requires.get(next) else {
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            let dep = dependency.text.as_str();
            if !visited.contains(dep) {
                visited.insert(dep);
                path.push((dep, 0));
            } else if let Some(at) = path.iter().position(|(on_path, _)| *on_path == dep) {
                let mut cycle: Vec<String> = path[at..].iter().map(|(id, _)| (*id).to_owned()).collect();
                cycle.push(dep.to_owned());
                return Some((cycle, dependency.range));
            }
        }
    }
    None
}

/// Folder names `schema fork`/`schema init` use while swapping a schema into place.
fn is_transient_schema_dir(name: &str) -> bool {
    name.starts_with(".fork-staging-")
        || name.contains(".fork-backup-")
        || name.starts_with(".init-staging-")
        || name.contains(".init-backup-")
}

/// `existsSync`: an entry that is there (a dangling link is not).
fn exists(root: &RootSnapshot, path: &str) -> bool {
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

fn load_project_schema(root: &RootSnapshot, path: &str) -> Result<WorkflowSchema, String> {
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

/// `resolveSchemaForChange` without `--schema`: valid metadata's `schema`, else the config's,
/// else `spec-driven`. `None` when `.openspec.yaml` exists but is invalid (the CLI throws).
pub fn schema_name_for_change(root: &RootSnapshot, change_dir: &str) -> Option<String> {
    match change_meta::metadata_state(root, change_dir) {
        MetadataState::Absent => {}
        MetadataState::Valid { schema } => return Some(schema),
        MetadataState::Invalid => return None,
    }
    Some(project_config_schema(root).unwrap_or_else(|| SPEC_DRIVEN.to_owned()))
}

/// `usesBuiltInSpecDrivenSchema`: the change resolves to the package's own `spec-driven`, not a
/// project schema of the same name.
pub fn uses_builtin_spec_driven(root: &RootSnapshot, change_dir: &str) -> bool {
    let Some(name) = schema_name_for_change(root, change_dir) else {
        return false;
    };
    let name = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).unwrap_or(&name);
    name == SPEC_DRIVEN && schema_origin(root, name) == Some(SchemaOrigin::BuiltIn)
}

/// `resolveTaskFilesForChange`: the existing files matched by the tracked-tasks artifact's
/// `generates`, root-relative and sorted. Empty when the schema does not resolve or load, or
/// names no tasks artifact (the CLI then falls back to `tasks.md` where it needs one).
pub fn tracked_task_files(root: &RootSnapshot, change_dir: &str) -> Vec<String> {
    let Some(name) = schema_name_for_change(root, change_dir) else {
        return Vec::new();
    };
    let Ok(ResolvedSchema { loaded: Ok(schema), .. }) = resolve_schema(root, &name) else {
        return Vec::new();
    };
    let Some(artifact) = schema.tracked_tasks_artifact() else {
        return Vec::new();
    };
    artifact_outputs(root, change_dir, &artifact.generates.text)
}

/// `isGlobPattern`: wildcards, classes, extglobs and brace expansions.
fn is_glob_pattern(pattern: &str) -> bool {
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
fn normalize_relative(path: &str) -> String {
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

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{Expect, expect};

    use super::*;

    fn check_load(text: &str, expect: &Expect) {
        let file = parse_schema_file(text);
        let mut out = String::new();
        for problem in &file.problems {
            let _ = writeln!(
                out,
                "{:?} {:?}: {}",
                problem.kind,
                &text[problem.range.start..problem.range.end],
                problem.message
            );
        }
        let _ = writeln!(out, "load: {:?}", file.load_error());
        expect.assert_eq(&out);
    }

    const ARTIFACT: &str = "  - id: a\n    generates: a.md\n    description: d\n    template: a.md\n";

    #[test]
    fn shape_issues_follow_zod() {
        check_load(
            "",
            &expect![[r#"
            Shape "": : Invalid input: expected object, received null
            load: Some(Invalid("Invalid schema: : Invalid input: expected object, received null"))
        "#]],
        );
        check_load(
            &format!("version: 1.5\nartifacts:\n{ARTIFACT}"),
            &expect![[r#"
            Shape "version: 1.5": name: Invalid input: expected string, received undefined
            Shape "1.5": version: Invalid input: expected int, received number
            load: Some(Invalid("Invalid schema: name: Invalid input: expected string, received undefined, version: Invalid input: expected int, received number"))
        "#]],
        );
        check_load(
            "name: n\nversion: 1\nartifacts:\n  - 3\n  - id: \"\"\n    generates: ../x\n    description: 3\n    template: /abs\n    requires: [1]\napply:\n  requires: []\n  tracks: C:x\n",
            &expect![[r#"
                Shape "3": artifacts.0: Invalid input: expected object, received number
                Shape "\"\"": artifacts.1.id: Artifact ID is required
                PathEscape "../x": artifacts.1.generates: generates field must be a relative path inside its allowed directory
                Shape "3": artifacts.1.description: Invalid input: expected string, received number
                PathEscape "/abs": artifacts.1.template: template field must be a relative path inside its allowed directory
                Shape "1": artifacts.1.requires.0: Invalid input: expected string, received number
                Shape "[]": apply.requires: At least one required artifact
                PathEscape "C:x": apply.tracks: apply.tracks must be a relative path inside its allowed directory
                load: Some(Invalid("Invalid schema: artifacts.0: Invalid input: expected object, received number, artifacts.1.id: Artifact ID is required, artifacts.1.generates: generates field must be a relative path inside its allowed directory, artifacts.1.description: Invalid input: expected string, received number, artifacts.1.template: template field must be a relative path inside its allowed directory, artifacts.1.requires.0: Invalid input: expected string, received number, apply.requires: At least one required artifact, apply.tracks: apply.tracks must be a relative path inside its allowed directory"))
            "#]],
        );
    }

    #[test]
    fn graph_checks_run_in_cli_order() {
        let cyclic = "name: n\nversion: 1\nartifacts:\n  - id: a\n    generates: a.md\n    description: d\n    template: a.md\n    requires: [b]\n  - id: b\n    generates: b.md\n    description: d\n    template: b.md\n    requires: [c, zz]\n  - id: c\n    generates: c.md\n    description: d\n    template: c.md\n    requires: [a]\napply:\n  requires: [q]\n";
        check_load(
            cyclic,
            &expect![[r#"
            UnknownRequires "zz": Invalid dependency reference in artifact 'b': 'zz' does not exist
            UnknownApplyRequires "q": Invalid apply.requires reference: 'q' does not exist (artifacts: a, b, c)
            Cycle "a": Cyclic dependency detected: a → b → c → a
            load: Some(Invalid("Invalid dependency reference in artifact 'b': 'zz' does not exist"))
        "#]],
        );
        check_load(
            &format!("name: n\nversion: 1\nartifacts:\n{ARTIFACT}{ARTIFACT}apply:\n  requires: [a]\n  tracks: t.md\n"),
            &expect![[r#"
            DuplicateId "a": Duplicate artifact ID: a
            load: Some(Invalid("Duplicate artifact ID: a"))
        "#]],
        );
    }

    #[test]
    fn builtin_schema_tracks_tasks_md() {
        let schema = builtin_spec_driven();
        assert_eq!(schema.tracked_tasks_artifact().map(|artifact| artifact.id.text.as_str()), Some("tasks"));
    }

    #[test]
    fn resolution_and_tracked_files() {
        let root = RootSnapshot::from_texts([
            (
                "openspec/schemas/custom/schema.yaml",
                "name: custom\nversion: 1\nartifacts:\n  - id: tasks\n    generates: \"work/**/*.md\"\n    description: d\n    template: t.md\n",
            ),
            ("openspec/schemas/broken/schema.yaml", "name: [\n"),
            ("openspec/changes/a/.openspec.yaml", "schema: custom\n"),
            ("openspec/changes/a/work/one.md", ""),
            ("openspec/changes/a/work/deep/two.md", ""),
            ("openspec/changes/a/work/.hidden/three.md", ""),
            ("openspec/changes/a/work/notes.txt", ""),
            ("openspec/changes/b/tasks.md", ""),
            ("openspec/changes/c/.openspec.yaml", "schema: nope\n"),
        ]);
        assert_eq!(list_schemas(&root), vec!["broken", "custom", "spec-driven"]);
        assert_eq!(
            tracked_task_files(&root, "openspec/changes/a"),
            vec!["openspec/changes/a/work/deep/two.md", "openspec/changes/a/work/one.md"]
        );
        assert_eq!(tracked_task_files(&root, "openspec/changes/b"), vec!["openspec/changes/b/tasks.md"]);
        assert!(tracked_task_files(&root, "openspec/changes/c").is_empty());
        assert!(uses_builtin_spec_driven(&root, "openspec/changes/b"));
        assert!(!uses_builtin_spec_driven(&root, "openspec/changes/a"));
        assert!(!uses_builtin_spec_driven(&root, "openspec/changes/c"));
        let broken = resolve_schema(&root, "broken.yaml").map(|resolved| resolved.loaded.err());
        assert!(
            matches!(broken, Ok(Some(message)) if message.starts_with("Failed to parse schema at 'openspec/schemas/broken/schema.yaml'"))
        );
        assert_eq!(
            resolve_schema(&root, "x").err().as_deref(),
            Some("Schema 'x' not found. Available schemas: broken, custom, spec-driven")
        );
    }
}
