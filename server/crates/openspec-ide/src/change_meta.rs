//! A change's `.openspec.yaml` as the CLI reads it: Zod's `ChangeMetadataSchema` issue by issue
//! with positions, `readChangeMetadata`'s verdict, and the `skip_specs` marker computed exactly
//! as `readBooleanMarker` does for `validate`. Reads only the snapshot; reports nothing itself.

use std::fmt::Write as _;

use openspec_syntax::TextRange;
use openspec_syntax::js::is_js_space;
use openspec_syntax::yaml::{self, Node, YamlError};

use crate::schema::{self, ResolvedSchema, ZodIssue, missing_key_range, zod_expected};
use crate::vfs::{Entry, RootSnapshot};

pub const METADATA_FILE: &str = ".openspec.yaml";

pub fn metadata_path(change_dir: &str) -> String {
    format!("{change_dir}/{METADATA_FILE}")
}

/// What reading `.openspec.yaml` gives.
#[derive(Debug)]
pub enum MetadataRead<'a> {
    /// No file (or a dangling link): Node's ENOENT.
    Absent,
    /// The file is there but cannot be read; the message is Node's.
    Unreadable(String),
    Parsed {
        text: &'a str,
        yaml: Result<Node, YamlError>,
    },
}

pub fn read_metadata<'a>(root: &'a RootSnapshot, change_dir: &str) -> MetadataRead<'a> {
    let path = metadata_path(change_dir);
    match root.get(&path) {
        None | Some(Entry::DanglingSymlink) => MetadataRead::Absent,
        Some(_) => match schema::read_text(root, &path) {
            Ok(text) => MetadataRead::Parsed { text, yaml: yaml::parse(text) },
            Err(message) => MetadataRead::Unreadable(message),
        },
    }
}

/// `^[a-z0-9]+(?:-[a-z0-9]+)*$`.
pub(crate) fn is_kebab_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// `^\d{4}-\d{2}-\d{2}$`.
fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(idx, b)| if idx == 4 || idx == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// Every Zod issue of `ChangeMetadataSchema` for `root`, in Zod's order (`schema`, `created`,
/// `goal`, `affected_areas`, `initiative`, `skip_specs`, `retire_capabilities`).
pub fn metadata_issues(text: &str, root: &Node) -> Vec<ZodIssue> {
    let mut issues = Vec::new();
    let mut push = |path: &str, message: String, range: TextRange| {
        issues.push(ZodIssue { path: path.to_owned(), message, range });
    };
    if root.as_mapping().is_none() {
        push("", zod_expected("object", Some(root)), root.range);
        return issues;
    }
    let field = |key: &str| root.get(key).map(|entry| &entry.value);
    let type_issue = |expected: &str, node: Option<&Node>, parent: &Node| {
        (zod_expected(expected, node), node.map_or_else(|| missing_key_range(text, parent), |node| node.range))
    };

    match field("schema").map(|node| (node, node.as_str())) {
        Some((node, Some(""))) => push("schema", "schema is required".to_owned(), node.range),
        Some((_, Some(_))) => {}
        other => {
            let (message, range) = type_issue("string", other.map(|(node, _)| node), root);
            push("schema", message, range);
        }
    }
    if let Some(created) = field("created") {
        match created.as_str() {
            Some(date) if is_iso_date(date) => {}
            Some(_) => push("created", "created must be YYYY-MM-DD format".to_owned(), created.range),
            None => push("created", zod_expected("string", Some(created)), created.range),
        }
    }
    if let Some(goal) = field("goal") {
        match goal.as_str() {
            Some("") => push("goal", "Too small: expected string to have >=1 characters".to_owned(), goal.range),
            Some(_) => {}
            None => push("goal", zod_expected("string", Some(goal)), goal.range),
        }
    }
    if let Some(areas) = field("affected_areas") {
        match areas.as_sequence() {
            None => push("affected_areas", zod_expected("array", Some(areas)), areas.range),
            Some(items) => {
                for (idx, item) in items.iter().enumerate() {
                    let path = format!("affected_areas.{idx}");
                    match item.as_str() {
                        Some("") => {
                            push(&path, "Too small: expected string to have >=1 characters".to_owned(), item.range);
                        }
                        Some(_) => {}
                        None => push(&path, zod_expected("string", Some(item)), item.range),
                    }
                }
            }
        }
    }
    if let Some(initiative) = field("initiative") {
        match initiative.as_mapping() {
            None => push("initiative", zod_expected("object", Some(initiative)), initiative.range),
            Some(entries) => {
                for (key, label) in [("store", "Store id"), ("id", "Initiative id")] {
                    let path = format!("initiative.{key}");
                    let value = initiative.get(key).map(|entry| &entry.value);
                    match value.and_then(Node::as_str) {
                        Some(id) if is_kebab_id(id) => {}
                        Some(_) => push(
                            &path,
                            format!(
                                "{label} must be kebab-case with lowercase letters, numbers, and single hyphen separators"
                            ),
                            value.map_or(initiative.range, |node| node.range),
                        ),
                        None => {
                            let (message, range) = type_issue("string", value, initiative);
                            push(&path, message, range);
                        }
                    }
                }
                let unknown: Vec<(String, TextRange)> = entries
                    .iter()
                    .filter_map(|entry| {
                        let name = entry.key.js_property_key().unwrap_or_default();
                        (name != "store" && name != "id").then_some((name, entry.key.range))
                    })
                    .collect();
                if let Some((_, first_range)) = unknown.first() {
                    let quoted: Vec<String> =
                        unknown.iter().map(|(name, _)| format!("\"{}\"", json_escape(name))).collect();
                    let noun = if unknown.len() == 1 { "key" } else { "keys" };
                    push("initiative", format!("Unrecognized {noun}: {}", quoted.join(", ")), *first_range);
                }
            }
        }
    }
    for key in ["skip_specs", "retire_capabilities"] {
        if let Some(value) = field(key).filter(|node| node.as_bool().is_none()) {
            push(key, zod_expected("boolean", Some(value)), value.range);
        }
    }
    issues
}

fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if (ch as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            ch => out.push(ch),
        }
    }
    out
}

/// `readChangeMetadata`'s verdict, which decides the schema of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetadataState {
    Absent,
    /// The file reads, parses, passes Zod, and names a listed schema.
    Valid {
        schema: String,
    },
    /// The CLI throws: unreadable, invalid YAML, a Zod issue, or an unlisted schema.
    Invalid,
}

pub fn metadata_state(root: &RootSnapshot, change_dir: &str) -> MetadataState {
    let (text, node) = match read_metadata(root, change_dir) {
        MetadataRead::Absent => return MetadataState::Absent,
        MetadataRead::Unreadable(_) | MetadataRead::Parsed { yaml: Err(_), .. } => {
            return MetadataState::Invalid;
        }
        MetadataRead::Parsed { text, yaml: Ok(node) } => (text, node),
    };
    if !metadata_issues(text, &node).is_empty() {
        return MetadataState::Invalid;
    }
    let Some(schema) = node.get("schema").and_then(|entry| entry.value.as_str()) else {
        return MetadataState::Invalid;
    };
    if schema::list_schemas(root).iter().any(|listed| listed == schema) {
        MetadataState::Valid { schema: schema.to_owned() }
    } else {
        MetadataState::Invalid
    }
}

/// The `skip_specs` marker as `validate` reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipSpecsMarker {
    /// No file, no key, `skip_specs: false`, or an invalid file that never mentions the key.
    Absent,
    /// The key is `true` in valid metadata whose schema is listed and loads.
    Honoured { key: TextRange },
    /// The key is set but the metadata would be rejected; `reason` is the CLI's (control
    /// characters already replaced by `?`). `key` is the key, or the file start when unreadable.
    Unhonourable { key: TextRange, reason: String },
}

pub const SKIP_SPECS: &str = "skip_specs";

fn unhonourable(key: TextRange, reason: &str) -> SkipSpecsMarker {
    let reason = reason.chars().map(|ch| if (ch as u32) < 0x20 || ch == '\u{7F}' { '?' } else { ch }).collect();
    SkipSpecsMarker::Unhonourable { key, reason }
}

/// `readSkipSpecsMarker`.
pub fn skip_specs_marker(root: &RootSnapshot, change_dir: &str) -> SkipSpecsMarker {
    boolean_marker(root, change_dir, SKIP_SPECS)
}

pub const RETIRE_CAPABILITIES: &str = "retire_capabilities";

/// `readRetireCapabilitiesMarker`: the same contract as `skip_specs` (archive may delete a main
/// spec only when it is honoured).
pub fn retire_capabilities_marker(root: &RootSnapshot, change_dir: &str) -> SkipSpecsMarker {
    boolean_marker(root, change_dir, RETIRE_CAPABILITIES)
}

/// `readBooleanMarker`: one body for both boolean markers.
fn boolean_marker(root: &RootSnapshot, change_dir: &str, marker: &str) -> SkipSpecsMarker {
    let (text, node) = match read_metadata(root, change_dir) {
        MetadataRead::Absent => return SkipSpecsMarker::Absent,
        MetadataRead::Unreadable(message) => {
            return unhonourable(TextRange::empty(0), &format!("the metadata file cannot be read ({message})"));
        }
        MetadataRead::Parsed { text, yaml: Err(_) } => {
            return match mentioned_key(text, marker) {
                Some(key) => unhonourable(key, "the file is not valid YAML"),
                None => SkipSpecsMarker::Absent,
            };
        }
        MetadataRead::Parsed { text, yaml: Ok(node) } => (text, node),
    };
    let Some(entry) = node.get(marker) else {
        return SkipSpecsMarker::Absent;
    };
    let key = entry.key.range;
    let issues = metadata_issues(text, &node);
    if let Some(first) = issues.first() {
        // Key presence, not value: `skip_specs: "yes"` is unhonourable, `false` is not set.
        if entry.value.as_bool() == Some(false) {
            return SkipSpecsMarker::Absent;
        }
        let reason =
            if first.path.is_empty() { first.message.clone() } else { format!("{}: {}", first.path, first.message) };
        return unhonourable(key, &reason);
    }
    if entry.value.as_bool() != Some(true) {
        return SkipSpecsMarker::Absent;
    }
    let schema_name = node.get("schema").and_then(|entry| entry.value.as_str()).unwrap_or_default();
    if !schema::list_schemas(root).iter().any(|listed| listed == schema_name) {
        return unhonourable(key, &format!("schema: unknown schema '{schema_name}'"));
    }
    match schema::resolve_schema(root, schema_name) {
        Err(message) | Ok(ResolvedSchema { loaded: Err(message), .. }) => unhonourable(key, &message),
        Ok(_) => SkipSpecsMarker::Honoured { key },
    }
}

/// `^\s*(['"]?)<key>\1\s*:` with the `m` flag: the key at the start of some line (after any JS
/// whitespace, optionally quoted) followed by a colon. Returns the key's range.
fn mentioned_key(text: &str, key: &str) -> Option<TextRange> {
    let line_starts = std::iter::once(0).chain(
        text.char_indices()
            .filter(|(_, ch)| matches!(ch, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
            .map(|(at, ch)| at + ch.len_utf8()),
    );
    for start in line_starts {
        let rest = &text[start..];
        let after_space = rest.trim_start_matches(is_js_space);
        let quote = after_space.chars().next().filter(|ch| *ch == '\'' || *ch == '"');
        let after_quote = quote.map_or(after_space, |quote| &after_space[quote.len_utf8()..]);
        let Some(after_key) = after_quote.strip_prefix(key) else {
            continue;
        };
        let after_close = match quote {
            Some(quote) => match after_key.strip_prefix(quote) {
                Some(after) => after,
                None => continue,
            },
            None => after_key,
        };
        if after_close.trim_start_matches(is_js_space).starts_with(':') {
            let key_start = text.len() - after_quote.len();
            return Some(TextRange::new(key_start, key_start + key.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check_marker(metadata: &str, expect: &Expect) {
        let root = RootSnapshot::from_texts([
            ("openspec/changes/c/.openspec.yaml", metadata),
            (
                "openspec/schemas/local/schema.yaml",
                "name: local\nversion: 1\nartifacts:\n  - id: a\n    generates: a.md\n    description: d\n    template: a.md\n",
            ),
            ("openspec/schemas/bad/schema.yaml", "name: bad\nversion: 0\nartifacts: []\n"),
        ]);
        let marker = skip_specs_marker(&root, "openspec/changes/c");
        let shown = match &marker {
            SkipSpecsMarker::Absent => "absent".to_owned(),
            SkipSpecsMarker::Honoured { key } => {
                format!("honoured {:?}", &metadata[key.start..key.end])
            }
            SkipSpecsMarker::Unhonourable { key, reason } => {
                format!("unhonourable {:?}: {reason}", &metadata[key.start..key.end])
            }
        };
        expect.assert_eq(&shown);
    }

    #[test]
    fn marker_cases_of_validation_skip_specs_test() {
        check_marker("schema: spec-driven\nskip_specs: true\n", &expect![[r#"honoured "skip_specs""#]]);
        check_marker("schema: spec-driven\nskip_specs: false\ngoal: 3\n", &expect!["absent"]);
        check_marker(
            "schema: spec-driven\nskip_specs: \"yes\"\n",
            &expect![[r#"unhonourable "skip_specs": skip_specs: Invalid input: expected boolean, received string"#]],
        );
        check_marker(
            "schema: spec-driven\nskip_specs: yes\n",
            &expect![[r#"unhonourable "skip_specs": skip_specs: Invalid input: expected boolean, received string"#]],
        );
        check_marker(
            "skip_specs: true\n",
            &expect![[r#"unhonourable "skip_specs": schema: Invalid input: expected string, received undefined"#]],
        );
        check_marker(
            "schema: spec-driven.yaml\nskip_specs: true\n",
            &expect![[r#"unhonourable "skip_specs": schema: unknown schema 'spec-driven.yaml'"#]],
        );
        check_marker("schema: local\nskip_specs: true\n", &expect![[r#"honoured "skip_specs""#]]);
        check_marker(
            "schema: bad\nskip_specs: true\n",
            &expect![[
                r#"unhonourable "skip_specs": Invalid schema at 'openspec/schemas/bad/schema.yaml': Invalid schema: version: Version must be a positive integer, artifacts: At least one artifact required"#
            ]],
        );
        check_marker("schema: spec-driven\n# skip_specs: true\nbroken: [\n", &expect!["absent"]);
        check_marker(
            "schema: spec-driven\n  'skip_specs' : true\nbroken: [\n",
            &expect![[r#"unhonourable "skip_specs": the file is not valid YAML"#]],
        );
        check_marker(
            "schema: spec-driven\nskip_specs: true\ncreated: 2025-1-1\n",
            &expect![[r#"unhonourable "skip_specs": created: created must be YYYY-MM-DD format"#]],
        );
        check_marker("schema: spec-driven\ngoal: 3\n", &expect!["absent"]);
        check_marker(
            "schema: \"\\u0007x\"\nskip_specs: true\n",
            &expect![[r#"unhonourable "skip_specs": schema: unknown schema '?x'"#]],
        );
    }

    #[test]
    fn zod_issues_in_order() {
        let text = "schema: 1\ncreated: \"2025\"\ngoal: \"\"\naffected_areas: [a, \"\", 2]\ninitiative: {store: A, x: 1, y: 2}\nskip_specs: ~\nretire_capabilities: .inf\n";
        let Ok(node) = yaml::parse(text) else { panic!("valid YAML") };
        let rendered: Vec<String> = metadata_issues(text, &node)
            .iter()
            .map(|issue| format!("{} {:?}: {}", issue.path, &text[issue.range.start..issue.range.end], issue.message))
            .collect();
        expect![[r#"
            schema "1": Invalid input: expected string, received number
            created "\"2025\"": created must be YYYY-MM-DD format
            goal "\"\"": Too small: expected string to have >=1 characters
            affected_areas.1 "\"\"": Too small: expected string to have >=1 characters
            affected_areas.2 "2": Invalid input: expected string, received number
            initiative.store "A": Store id must be kebab-case with lowercase letters, numbers, and single hyphen separators
            initiative.id "{store: A, x: 1, y: 2}": Invalid input: expected string, received undefined
            initiative "x": Unrecognized keys: "x", "y"
            skip_specs "~": Invalid input: expected boolean, received null
            retire_capabilities ".inf": Invalid input: expected boolean, received Infinity"#]].assert_eq(&rendered.join("\n"));
    }
}
