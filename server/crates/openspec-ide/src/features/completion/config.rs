//! Completion in `openspec/config.yaml`: schema names and `rules:` artifact keys.

use std::sync::LazyLock;

use openspec_syntax::TextRange;
use openspec_syntax::js::js_trim;
use openspec_syntax::lines::Line;
use regex::Regex;

use super::yaml::{SCHEMA_VALUE_PREFIX, YamlCursor, indent_of, is_yaml_filler};
use super::{CompletionItem, CompletionKind, snippet_escape};
use crate::schema::{self, ResolvedSchema, SchemaOrigin};
use crate::vfs::RootSnapshot;

/// Schema names after `schema:`, with where each comes from.
pub(super) fn schema_name_completions(root: &RootSnapshot, cursor: &YamlCursor<'_>) -> Vec<CompletionItem> {
    let Some(captures) = SCHEMA_VALUE_PREFIX.captures(cursor.prefix) else {
        return Vec::new();
    };
    let Some(typed) = captures.get(2) else {
        return Vec::new();
    };
    let start = cursor.line.start + typed.start();
    let replace_range = TextRange::new(start, cursor.word_end());
    schema::list_schemas(root)
        .into_iter()
        .map(|name| {
            let (detail, documentation) = match schema::schema_origin(root, &name) {
                Some(SchemaOrigin::Project { dir }) => {
                    ("project schema".to_owned(), format!("Defined in `{dir}/schema.yaml`."))
                }
                _ => ("built-in schema".to_owned(), "The default workflow: proposal, specs, design, tasks.".to_owned()),
            };
            CompletionItem {
                label: name.clone(),
                kind: CompletionKind::SchemaName,
                detail: Some(detail),
                documentation: Some(documentation),
                insert_text: name,
                is_snippet: false,
                replace_range,
                filter_text: None,
                sort_text: None,
            }
        })
        .collect()
}

/// `openspec/config.yaml`: schema names after `schema:`, artifact ids as keys under `rules:`.
pub(super) fn config_completions(root: &RootSnapshot, cursor: &YamlCursor<'_>) -> Vec<CompletionItem> {
    let schemas = schema_name_completions(root, cursor);
    if !schemas.is_empty() {
        return schemas;
    }
    rules_key_completions(root, cursor)
}

/// `  <partial>` on a key line of the `rules:` map.
pub(super) static RULES_KEY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([ \t]+)([A-Za-z0-9_.-]*)$").expect("rules key pattern compiles"));
pub(super) static KEY_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^[ \t]*["']?([^\s"':#][^"':]*)["']?[ \t]*:"#).expect("key line pattern compiles"));

pub(super) fn rules_key_completions(root: &RootSnapshot, cursor: &YamlCursor<'_>) -> Vec<CompletionItem> {
    let Some(captures) = RULES_KEY_PREFIX.captures(cursor.prefix) else {
        return Vec::new();
    };
    let (Some(indent), Some(typed)) = (captures.get(1), captures.get(2)) else {
        return Vec::new();
    };
    // The parent: the nearest top-level key above must be `rules:`.
    let above = cursor.lines.get(..cursor.line_idx).unwrap_or_default();
    let Some(parent_idx) = above.iter().rposition(|line| !is_yaml_filler(line.text) && indent_of(line.text) == 0)
    else {
        return Vec::new();
    };
    let is_rules = above.get(parent_idx).is_some_and(|line| {
        line.text.strip_prefix("rules").is_some_and(|rest| {
            let rest = js_trim(rest);
            rest == ":" || rest.strip_prefix(':').is_some_and(|comment| js_trim(comment).starts_with('#'))
        })
    });
    if !is_rules {
        return Vec::new();
    }
    // The map's keys sit at the indent of its first entry; deeper lines are rule lists.
    let entries: Vec<&Line<'_>> = cursor
        .lines
        .iter()
        .skip(parent_idx + 1)
        .take_while(|line| is_yaml_filler(line.text) || indent_of(line.text) > 0)
        .filter(|line| !is_yaml_filler(line.text) && line.start != cursor.line.start)
        .collect();
    let first_entry_before = entries.first().filter(|line| line.start < cursor.line.start);
    if first_entry_before.is_some_and(|line| indent_of(line.text) != indent.as_str().len()) {
        return Vec::new();
    }
    let existing: Vec<&str> = entries
        .iter()
        .filter(|line| indent_of(line.text) == indent.as_str().len())
        .filter_map(|line| KEY_LINE.captures(line.text).and_then(|captures| captures.get(1)))
        .map(|key| js_trim(key.as_str()))
        .collect();
    let schema_name = schema::project_config_schema(root).unwrap_or_else(|| schema::SPEC_DRIVEN.to_owned());
    let workflow = match schema::resolve_schema(root, &schema_name) {
        Ok(ResolvedSchema { loaded: Ok(workflow), .. }) => workflow,
        _ => schema::builtin_spec_driven(),
    };
    let end = cursor.offset
        + cursor
            .suffix
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.')))
            .unwrap_or(cursor.suffix.len());
    let has_colon = cursor.line.text.get(end - cursor.line.start..).is_some_and(|rest| js_trim(rest).starts_with(':'));
    let nl = cursor.newline;
    let list_indent = format!("{}  ", indent.as_str());
    workflow
        .artifacts
        .iter()
        .filter(|artifact| !existing.contains(&artifact.id.text.as_str()))
        .enumerate()
        .map(|(idx, artifact)| {
            let id = &artifact.id.text;
            let (insert_text, is_snippet) = if has_colon {
                (id.clone(), false)
            } else {
                (format!("{}:{nl}{list_indent}- ${{1:rule}}", snippet_escape(id)), true)
            };
            CompletionItem {
                label: id.clone(),
                kind: CompletionKind::ArtifactId,
                detail: Some(format!("{} artifact", workflow.name)),
                documentation: Some(format!(
                    "{}\n\nRules for the artifact that generates `{}`.",
                    artifact.description, artifact.generates.text
                )),
                insert_text,
                is_snippet,
                replace_range: TextRange::new(cursor.line.start + typed.start(), end),
                filter_text: None,
                sort_text: Some(format!("{idx:05}")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn config_schema_names_and_rules_keys() {
        let schemas = "//- /openspec/schemas/lean/schema.yaml\nname: lean\nversion: 1\nartifacts:\n  - id: brief\n    generates: brief.md\n    description: A short brief\n    template: brief.md\n    requires: []\n";
        check(
            &format!("{schemas}//- /openspec/config.yaml\nschema: $0\n"),
            &expect![[r#"
            schema lean (project schema)
            schema spec-driven (built-in schema)
        "#]],
        );
        check(
            "//- /openspec/config.yaml\nschema: spec-driven\nrules:\n  proposal:\n    - Keep it short\n  $0\n",
            &expect![[r#"
                artifact specs (spec-driven artifact)
                artifact design (spec-driven artifact)
                artifact tasks (spec-driven artifact)
            "#]],
        );
        check_insert(
            &format!("{schemas}//- /openspec/config.yaml\r\nschema: lean\r\nrules:\r\n  b$0\r\n"),
            "brief",
            0,
            &expect![[r#"
                brief (snippet)
                schema: lean␍
                rules:␍
                  brief:␍
                    - ${1:rule}␍
            "#]],
        );
        // Rule list items and other maps get nothing.
        check("//- /openspec/config.yaml\nrules:\n  proposal:\n    $0\n", &expect![[""]]);
        check("//- /openspec/config.yaml\ncontext:\n  $0\n", &expect![[""]]);
    }
}
