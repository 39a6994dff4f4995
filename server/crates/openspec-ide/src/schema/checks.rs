//! `parseSchema`'s checks with positions: the zod shape of `schema.yaml`, then the artifact
//! graph (unknown and cyclic `requires`).

use std::collections::{HashMap, HashSet};

use openspec_syntax::TextRange;
use openspec_syntax::yaml::{self, Node};

use super::{ApplyPhase, Artifact, SpannedStr, WorkflowSchema};

/// The CLI refuses schemas with more artifacts than this (`MAX_ARTIFACTS`).
const MAX_ARTIFACTS: usize = 1000;

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
pub(super) struct ShapeCheck<'t> {
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
pub(super) fn graph_problems(schema: &WorkflowSchema, problems: &mut Vec<SchemaProblem>) {
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
pub(super) fn first_cycle(schema: &WorkflowSchema) -> Option<(Vec<String>, TextRange)> {
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
}
