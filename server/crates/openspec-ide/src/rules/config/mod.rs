//! `openspec/config.yaml` (or `config.yml`) checks: every warning `readProjectConfig` prints to
//! stderr when a command reads the config, plus an unknown `schema`, `rules` keyed by no known
//! artifact and an oversized `context`. All are this tool's own warnings (the CLI's `validate`
//! never reports them) on the exact key or value. Reads the config once from the snapshot.

mod context_too_large;
mod empty_strings;
mod invalid_field;
mod not_an_object;
mod parse_error;
mod unknown_operation_key;
mod unknown_rules_artifact;
mod unknown_schema;

use openspec_syntax::yaml::{self, Node, YamlError};
use openspec_syntax::{ColumnUnit, LineIndex, TextRange};

use crate::diagnostic::{Diagnostic, Severity};
use crate::schema;
use crate::vfs::RootSnapshot;

/// The project config as read.
pub(crate) struct ConfigFile<'a> {
    /// `openspec/config.yaml`, or `openspec/config.yml` when only that exists.
    pub path: &'static str,
    pub text: &'a str,
    pub read: ConfigRead,
}

pub(crate) enum ConfigRead {
    /// Node's read error.
    Unreadable(String),
    Invalid(YamlError),
    Parsed(Node),
}

impl ConfigFile<'_> {
    /// The top-level mapping, when the config is one (the only shape whose fields are read).
    pub fn mapping(&self) -> Option<&Node> {
        match &self.read {
            ConfigRead::Parsed(node) if node.as_mapping().is_some() => Some(node),
            _ => None,
        }
    }

    pub fn field(&self, key: &str) -> Option<&yaml::MapEntry> {
        self.mapping()?.get(key)
    }

    pub fn warning(&self, code: &'static str, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic::lsp(None, code, Severity::Warning, self.path, range, message)
    }
}

pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    let Some(path) = schema::project_config_path(root) else {
        return;
    };
    let (text, read) = match schema::read_text(root, path) {
        Err(message) => ("", ConfigRead::Unreadable(message)),
        Ok(text) => match yaml::parse(text) {
            Ok(node) => (text, ConfigRead::Parsed(node)),
            Err(error) => (text, ConfigRead::Invalid(error)),
        },
    };
    let config = ConfigFile { path, text, read };
    parse_error::check(&config, acc);
    not_an_object::check(&config, acc);
    invalid_field::check(&config, acc);
    empty_strings::check(&config, acc);
    unknown_operation_key::check(&config, acc);
    context_too_large::check(&config, acc);
    unknown_schema::check(root, &config, acc);
    unknown_rules_artifact::check(root, &config, acc);
}

/// A YAML error in the shape of the first line the `yaml` package prints
/// (`<message> at line L, column C:`), so messages read like the CLI's.
pub(crate) fn yaml_error_line(text: &str, error: &YamlError) -> String {
    let position = LineIndex::new(text).line_col(text, error.range.start, ColumnUnit::Utf16);
    format!("{} at line {}, column {}:", error.message, position.line + 1, position.col + 1)
}

/// Entries of a JS array of strings: `Some` with each string and its node when `node` is a
/// sequence of strings only.
pub(crate) fn string_items(node: &Node) -> Option<Vec<(&str, &Node)>> {
    node.as_sequence()?.iter().map(|item| Some((item.as_str()?, item))).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::test_support::{render, snapshot};

    /// Runs only the config rules over a fixture and renders their findings.
    pub(crate) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }
}
