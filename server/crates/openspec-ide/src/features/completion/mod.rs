//! Completion: what fits at the cursor of a main spec, delta spec, proposal, project config or
//! change metadata file: section headers, requirement and scenario templates (as snippets),
//! base requirement names, capability paths, artifact ids and schema names. Pure; it reads the
//! snapshot and its index and returns byte ranges, never LSP types.
//!
//! Every item is shaped for what the client can do (`CompletionConfig`): a client that expands
//! snippets gets every item as one (plain text escaped), so clients that derive the inserted
//! word from a plain-text edit (Neovim's omnifunc takes the text up to its first space) insert
//! the whole name; a client that cannot gets plain text with the placeholders' default text.

use openspec_syntax::TextRange;

use crate::index::{FileRole, WorkspaceIndex};
use crate::types::FilePosition;
use crate::vfs::RootSnapshot;

mod config;
mod delta;
mod main_spec;
mod markdown;
mod metadata;
mod proposal;
mod requirement_names;
#[cfg(test)]
mod test_support;
mod yaml;

use config::config_completions;
use delta::delta_completions;
use main_spec::main_spec_completions;
use markdown::MarkdownCursor;
use metadata::metadata_completions;
use proposal::proposal_completions;
use yaml::YamlCursor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompletionKind {
    /// A `## ` section header (`## Purpose`, `## ADDED Requirements`, `### New Capabilities`).
    Section,
    /// A `### Requirement:` template or a REMOVED/RENAMED entry template.
    Requirement,
    /// A `#### Scenario:` template.
    Scenario,
    /// The name of a requirement the main spec has.
    RequirementName,
    /// A capability path (`auth`, `platform/session`).
    Capability,
    /// A workflow schema artifact id (`proposal`, `tasks`).
    ArtifactId,
    /// A workflow schema name (`spec-driven`).
    SchemaName,
    /// A YAML key with its value (`skip_specs: true`).
    Setting,
}

impl CompletionKind {
    pub const fn label(self) -> &'static str {
        match self {
            CompletionKind::Section => "section",
            CompletionKind::Requirement => "requirement",
            CompletionKind::Scenario => "scenario",
            CompletionKind::RequirementName => "requirement-name",
            CompletionKind::Capability => "capability",
            CompletionKind::ArtifactId => "artifact",
            CompletionKind::SchemaName => "schema",
            CompletionKind::Setting => "setting",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Replaces `replace_range`; snippet syntax (`$1`, `${1:placeholder}`) when `is_snippet`.
    /// Line breaks follow the file's own (`\r\n` in a CRLF file).
    pub insert_text: String,
    pub is_snippet: bool,
    /// The text being completed, in the cursor's line; the cursor is inside or at its end.
    pub replace_range: TextRange,
    /// What the client matches the typed text against, when not the label.
    pub filter_text: Option<String>,
    /// Orders the items: the ones that fit the cursor best first.
    pub sort_text: Option<String>,
}

/// What the client said it can do with completion items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompletionConfig {
    /// The client expands snippet syntax (`${1:Name}`, `$0`) in inserted text.
    pub snippets: bool,
}

/// The completions at `position`, shaped for `config`; empty where nothing fits (prose, fenced
/// code, unknown files).
pub fn completions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    position: &FilePosition,
    config: CompletionConfig,
) -> Vec<CompletionItem> {
    let mut items = raw_completions(root, index, position);
    for item in &mut items {
        match (config.snippets, item.is_snippet) {
            (true, false) => item.insert_text = snippet_escape(&item.insert_text),
            (false, true) => item.insert_text = snippet_to_plain(&item.insert_text),
            (true, true) | (false, false) => {}
        }
        item.is_snippet = config.snippets;
    }
    items
}

/// The items with their text as each was built: snippet syntax only where `is_snippet`.
fn raw_completions(root: &RootSnapshot, index: &WorkspaceIndex, position: &FilePosition) -> Vec<CompletionItem> {
    let path = position.path.as_str();
    let Some(text) = root.text(path) else {
        return Vec::new();
    };
    if path == "openspec/config.yaml" || path == "openspec/config.yml" {
        let Some(cursor) = YamlCursor::at(text, position.offset) else {
            return Vec::new();
        };
        return config_completions(root, &cursor);
    }
    if let Some(change_id) = metadata_change(path) {
        let Some(cursor) = YamlCursor::at(text, position.offset) else {
            return Vec::new();
        };
        return metadata_completions(root, &cursor, change_id);
    }
    let Some(cursor) = MarkdownCursor::at(text, position.offset) else {
        return Vec::new();
    };
    let mut items = match index.role(path) {
        Some(FileRole::MainSpec { .. }) => main_spec_completions(&cursor),
        Some(FileRole::Delta { change, delta }) => {
            let Some(change) = index.changes.get(change) else {
                return Vec::new();
            };
            let Some(delta) = change.deltas.get(delta) else {
                return Vec::new();
            };
            delta_completions(root, index, &cursor, delta)
        }
        Some(FileRole::Proposal { change }) => {
            let Some(change) = index.changes.get(change) else {
                return Vec::new();
            };
            proposal_completions(index, &cursor, change)
        }
        Some(FileRole::Tasks { .. }) | None => Vec::new(),
    };
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text).then_with(|| a.label.cmp(&b.label)));
    items
}

/// The change id when `path` is an active change's `.openspec.yaml`.
fn metadata_change(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("openspec/changes/")?;
    let (change_id, file) = rest.split_once('/')?;
    (file == ".openspec.yaml" && change_id != "archive").then_some(change_id)
}

/// `\`, `$` and `}` are snippet syntax; anything inserted verbatim into a snippet escapes them.
fn snippet_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '\\' | '$' | '}') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A snippet as the plain text a client without snippet support should insert: tabstops
/// (`$1`, `${2}`) vanish, placeholders (`${1:Name}`) leave their default text, escapes
/// (`\$`) their character. Choices and variables are not used by this server's snippets and are
/// kept verbatim.
fn snippet_to_plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next_if(|next| matches!(next, '\\' | '$' | '}')) {
                Some(escaped) => out.push(escaped),
                None => out.push('\\'),
            },
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.next_if(char::is_ascii_digit).is_some() {}
            }
            '$' if chars.peek() == Some(&'{') => {
                let mut lookahead = chars.clone();
                lookahead.next();
                let mut n_digits = 0;
                while lookahead.next_if(char::is_ascii_digit).is_some() {
                    n_digits += 1;
                }
                match lookahead.peek() {
                    Some(':' | '}') if n_digits > 0 => {
                        if lookahead.next() == Some(':') {
                            // The default text runs to the first unescaped `}`.
                            while let Some(inner) = lookahead.next() {
                                match inner {
                                    '}' => break,
                                    '\\' => match lookahead.next() {
                                        Some(escaped) => out.push(escaped),
                                        None => out.push('\\'),
                                    },
                                    other => out.push(other),
                                }
                            }
                        }
                        chars = lookahead;
                    }
                    _ => out.push('$'),
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::snippet_to_plain;
    use super::test_support::*;

    #[test]
    fn plain_text_for_a_client_without_snippets() {
        check_insert_with(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n###$0\n",
            "### Requirement:",
            0,
            PLAIN,
            &expect![[r#"
                ### Requirement:
                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                ### Requirement: Name
                The system SHALL behave.

                #### Scenario: Scenario name
                - **WHEN** condition
                - **THEN** outcome
            "#]],
        );
    }

    #[test]
    fn snippet_syntax_to_plain_text() {
        let cases = [
            "### Requirement: ${1:Name}$0",
            "- `$1`: ${2:description}$0",
            "a \\$ b \\} c \\\\ d ${3:x \\} y} $ e ${f} ${12}",
            "trailing $",
        ];
        let plain: Vec<String> = cases.iter().map(|case| snippet_to_plain(case)).collect();
        expect![[r##"
            ### Requirement: Name
            - ``: description
            a $ b } c \ d x } y $ e ${f} 
            trailing $"##]]
        .assert_eq(&plain.join("\n"));
    }
}
