//! The edits that move a root off the legacy layout (reference §1.5): a `config.yaml` whose
//! `context:` holds `project.md`'s text verbatim, and marker blocks cut out of agent files with
//! the user's own text kept. Pure: returns `SourceChange`s for the user to review and apply;
//! never deletes a file and never touches text outside what it names.

use std::fmt::Write as _;

use openspec_syntax::TextRange;
use openspec_syntax::legacy::find_marker_block;
use openspec_syntax::yaml;

use crate::schema;
use crate::types::{SourceChange, TextEdit};
use crate::vfs::RootSnapshot;

pub const PROJECT_MD: &str = "openspec/project.md";
pub const CONFIG_YAML: &str = "openspec/config.yaml";
/// The CLI's cap on `context`: 50 KiB of UTF-8 (exactly 51200 bytes is accepted).
pub const CONTEXT_LIMIT_BYTES: usize = 50 * 1024;
/// The schema `openspec init` writes and every change defaults to.
const DEFAULT_SCHEMA: &str = "spec-driven";

/// `project.md`'s text as `context:` would hold it: without a BOM, line breaks as `\n` (YAML
/// reads every line break as `\n`, so that is what the CLI would see either way).
pub fn project_context(root: &RootSnapshot) -> Option<String> {
    let text = root.text(PROJECT_MD)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    Some(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Whether a context of this text fits the CLI's limit; `Err(bytes)` when it does not.
pub fn context_fits(context: &str) -> Result<usize, usize> {
    if context.len() <= CONTEXT_LIMIT_BYTES { Ok(context.len()) } else { Err(context.len()) }
}

/// What creating or extending the config from `project.md` does, for titles and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigPlan {
    /// No config yet: create `openspec/config.yaml` (schema and, if it fits, the context).
    Create { context_bytes: Result<usize, usize> },
    /// A config without `context:`: append one holding `project.md`'s text.
    AddContext { config_path: &'static str, context_bytes: usize },
    /// The config already has a `context` (or cannot take one safely): nothing to write.
    Nothing,
}

/// What migrating `project.md` into the config would do. Without `project.md`, only a missing
/// config is created (with the schema alone).
pub fn config_plan(root: &RootSnapshot) -> ConfigPlan {
    let context = project_context(root);
    let Some(config_path) = schema::project_config_path(root) else {
        let context_bytes = context.as_deref().map_or(Ok(0), context_fits);
        return ConfigPlan::Create { context_bytes };
    };
    let Some(context) = context else { return ConfigPlan::Nothing };
    let Some(config_text) = root.text(config_path) else { return ConfigPlan::Nothing };
    // Only a config that parses as a mapping without `context` can take one by appending.
    let Ok(config) = yaml::parse(config_text) else { return ConfigPlan::Nothing };
    if config.as_mapping().is_none() || config.get("context").is_some() {
        return ConfigPlan::Nothing;
    }
    match context_fits(&context) {
        Ok(context_bytes) => ConfigPlan::AddContext { config_path, context_bytes },
        Err(_) => ConfigPlan::Nothing,
    }
}

/// The edit for `config_plan`: a new `openspec/config.yaml`, or `context:` appended to the
/// existing config. `None` when there is nothing to write.
pub fn config_change(root: &RootSnapshot) -> Option<SourceChange> {
    match config_plan(root) {
        ConfigPlan::Create { context_bytes } => {
            let context = project_context(root).filter(|_| context_bytes.is_ok());
            let mut text = format!("schema: {DEFAULT_SCHEMA}\n");
            match (&context, context_bytes) {
                (Some(context), _) => {
                    text.push_str("\n# Project context, moved verbatim from openspec/project.md. OpenSpec shows it\n");
                    text.push_str("# to the AI with every request; openspec/project.md is no longer read.\n");
                    text.push_str(&context_entry(context));
                }
                (None, Err(bytes)) => {
                    let _ = writeln!(
                        text,
                        "\n# openspec/project.md is {} KB, over the 50 KB limit of `context:`, so it was not\n\
                         # moved here. Add the parts the AI needs as `context: |` below.",
                        kilobytes(bytes)
                    );
                }
                (None, Ok(_)) => {}
            }
            Some(SourceChange {
                edits: std::collections::BTreeMap::default(),
                new_files: vec![(CONFIG_YAML.to_owned(), text)],
            })
        }
        ConfigPlan::AddContext { config_path, .. } => {
            let context = project_context(root)?;
            let config_text = root.text(config_path)?;
            let newline = crate::line_breaks::line_break(config_text);
            let mut addition = String::new();
            if !config_text.is_empty() && !config_text.ends_with(['\n', '\r']) {
                addition.push_str(newline);
            }
            addition.push_str(newline);
            addition.push_str("# Project context, moved verbatim from openspec/project.md.\n");
            addition.push_str(&context_entry(&context));
            let addition = crate::line_breaks::convert_line_breaks(&addition, newline);
            let mut change = SourceChange::default();
            change.edits.insert(
                config_path.to_owned(),
                vec![TextEdit { range: TextRange::empty(config_text.len()), new_text: addition }],
            );
            Some(change)
        }
        ConfigPlan::Nothing => None,
    }
}

/// `context: ...` holding `context` exactly: a literal block when that reads back unchanged
/// (checked by parsing it), else a double-quoted string with escapes.
pub fn context_entry(context: &str) -> String {
    let literal = literal_block_entry(context);
    let reads_back = yaml::parse(&literal)
        .ok()
        .and_then(|node| node.get("context").and_then(|entry| entry.value.as_str().map(str::to_owned)));
    if reads_back.as_deref() == Some(context) { literal } else { format!("context: {}\n", double_quoted(context)) }
}

/// `context: |` with the chomping indicator that keeps the trailing line breaks exactly, and an
/// explicit indentation when the first line itself starts with spaces.
fn literal_block_entry(context: &str) -> String {
    let body = context.trim_end_matches('\n');
    let n_trailing = context.len() - body.len();
    let chomping = match n_trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let first_content = body.split('\n').find(|line| !line.trim().is_empty()).unwrap_or("");
    let indentation = if first_content.starts_with(' ') { "2" } else { "" };
    let mut out = format!("context: |{indentation}{chomping}\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..n_trailing {
        out.push('\n');
    }
    out
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's too).
fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{FEFF}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A size for messages: bytes below 1 KB, else KB with one decimal.
pub fn size(bytes: usize) -> String {
    if bytes < 1024 { format!("{bytes} bytes") } else { format!("{} KB", kilobytes(bytes)) }
}

/// JS `(bytes / 1024).toFixed(1)`, as the CLI prints sizes.
pub fn kilobytes(bytes: usize) -> String {
    let tenths = (bytes * 10 * 2 + 1024) / 2048;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The edit removing the marker block from `path`: its whole lines, and at the seam the blank
/// lines beyond one that the removal would leave (the CLI collapses them too). Nothing else in
/// the file changes. `None` when the file has no removable block.
pub fn remove_marker_block(root: &RootSnapshot, path: &str) -> Option<SourceChange> {
    let text = root.text(path)?;
    let block = find_marker_block(text)?;
    let before = text.get(..block.lines.start)?;
    let after = text.get(block.lines.end..)?;
    let trailing_breaks = count_breaks(before, true);
    let leading_breaks = count_breaks(after, false);
    // The text before ends at a line start, so its last break ends a line of text, not a blank
    // line; a run of three breaks or more is two blank lines or more.
    let excess = (trailing_breaks + leading_breaks).saturating_sub(2).min(leading_breaks);
    let mut end = block.lines.end;
    for _ in 0..excess {
        end += if text.get(end..).is_some_and(|rest| rest.starts_with("\r\n")) { 2 } else { 1 };
    }
    let mut change = SourceChange::default();
    change.edits.insert(
        path.to_owned(),
        vec![TextEdit { range: TextRange::new(block.lines.start, end), new_text: String::new() }],
    );
    Some(change)
}

/// Consecutive `\r?\n` at the end (`from_end`) or start of `text`.
fn count_breaks(text: &str, from_end: bool) -> usize {
    let mut rest = text;
    let mut n = 0;
    loop {
        let stripped = if from_end {
            rest.strip_suffix('\n').map(|r| r.strip_suffix('\r').unwrap_or(r))
        } else {
            rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))
        };
        match stripped {
            Some(shorter) => {
                rest = shorter;
                n += 1;
            }
            None => return n,
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn apply(root: &RootSnapshot, change: &SourceChange) -> String {
        let mut out = String::new();
        for (path, edits) in &change.edits {
            let mut text = root.text(path).unwrap_or("").to_owned();
            for edit in edits.iter().rev() {
                text.replace_range(edit.range.start..edit.range.end, &edit.new_text);
            }
            let _ = write!(out, "//- /{path}\n{}", text.replace('\r', "␍"));
        }
        for (path, text) in &change.new_files {
            let _ = write!(out, "//- /{path} (new)\n{text}");
        }
        out
    }

    fn check_config(files: &[(&str, &str)], expect: &Expect) {
        let root = RootSnapshot::from_texts(files.iter().copied());
        let out = config_change(&root).map_or_else(|| "(nothing)\n".to_owned(), |change| apply(&root, &change));
        expect.assert_eq(&out);
    }

    #[test]
    fn context_reads_back_verbatim() {
        for context in [
            "# Project\n\nWe use Rust.\n",
            "no newline",
            "two trailing\n\n",
            "   indented first line\nthen flush\n",
            "\n\nleading blank lines\n",
            "tabs\tinside\n\tand leading\n",
            "trailing spaces   \n   \n",
            "quotes \" and \\ and ü 😀\n",
            "control \u{7} bell\n",
            "",
        ] {
            let entry = context_entry(context);
            let node = yaml::parse(&entry).expect("parses");
            assert_eq!(node.get("context").and_then(|e| e.value.as_str()), Some(context), "{entry}");
        }
    }

    #[test]
    fn creates_config_from_project_md() {
        check_config(
            &[
                ("openspec/project.md", "\u{FEFF}# Project Context\r\n\r\n  - Rust 1.90\r\n"),
                ("openspec/specs/a/spec.md", "x"),
            ],
            &expect![[r#"
                //- /openspec/config.yaml (new)
                schema: spec-driven

                # Project context, moved verbatim from openspec/project.md. OpenSpec shows it
                # to the AI with every request; openspec/project.md is no longer read.
                context: |
                  # Project Context

                    - Rust 1.90
            "#]],
        );
        check_config(
            &[("openspec/specs/a/spec.md", "x")],
            &expect![[r#"
                //- /openspec/config.yaml (new)
                schema: spec-driven
            "#]],
        );
    }

    #[test]
    fn too_large_context_is_not_moved() {
        let big = "x".repeat(CONTEXT_LIMIT_BYTES + 1);
        check_config(
            &[("openspec/project.md", &big)],
            &expect![[r#"
                //- /openspec/config.yaml (new)
                schema: spec-driven

                # openspec/project.md is 50.0 KB, over the 50 KB limit of `context:`, so it was not
                # moved here. Add the parts the AI needs as `context: |` below.
            "#]],
        );
        let exact = "x".repeat(CONTEXT_LIMIT_BYTES);
        let root = RootSnapshot::from_texts([("openspec/project.md", exact.as_str())]);
        assert_eq!(config_plan(&root), ConfigPlan::Create { context_bytes: Ok(CONTEXT_LIMIT_BYTES) });
    }

    #[test]
    fn appends_context_to_a_config_without_one() {
        check_config(
            &[("openspec/project.md", "Stack: Go\n"), ("openspec/config.yaml", "schema: spec-driven\r\nrules: {}")],
            &expect![[r#"
                //- /openspec/config.yaml
                schema: spec-driven␍
                rules: {}␍
                ␍
                # Project context, moved verbatim from openspec/project.md.␍
                context: |␍
                  Stack: Go␍
            "#]],
        );
        check_config(
            &[("openspec/project.md", "Stack: Go\n"), ("openspec/config.yaml", "schema: x\ncontext: kept\n")],
            &expect![[r#"
                (nothing)
            "#]],
        );
    }

    fn check_block(text: &str, expect: &Expect) {
        let root = RootSnapshot::from_texts([("CLAUDE.md", text)]);
        let out = remove_marker_block(&root, "CLAUDE.md")
            .map_or_else(|| "(nothing)\n".to_owned(), |change| apply(&root, &change));
        expect.assert_eq(&out);
    }

    #[test]
    fn marker_block_removal_keeps_the_users_text() {
        check_block(
            "# Mine\n\n<!-- OPENSPEC:START -->\nold instructions\n<!-- OPENSPEC:END -->\n\nMy own rules.\n",
            &expect![[r#"
                //- /CLAUDE.md
                # Mine

                My own rules.
            "#]],
        );
        check_block(
            "<!-- OPENSPEC:START -->\r\nx\r\n<!-- OPENSPEC:END -->\r\nKeep me\r\n",
            &expect![[r#"
                //- /CLAUDE.md
                Keep me␍
            "#]],
        );
        check_block(
            "Text about <!-- OPENSPEC:START --> and <!-- OPENSPEC:END --> inline.\n",
            &expect![[r#"
                (nothing)
            "#]],
        );
    }
}
