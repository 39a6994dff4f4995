//! The tools' arguments: their JSON schemas (generated from these structs, field docs become
//! descriptions) are part of the server's interface, documented in docs/mcp.md and pinned by a
//! test. Unknown arguments are refused, so a misspelt one is an error rather than ignored.

use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckParams {
    /// Only findings in this file or folder (relative to the served folder), and only the items
    /// it belongs to. The whole workspace is still checked: some rules read other files.
    pub path: Option<String>,
    /// Warnings make an item invalid too, like `openspec validate --strict`.
    #[serde(default)]
    pub strict: bool,
    /// This tool's own findings (source `openspec-lsp`) count toward verdicts as well.
    #[serde(default)]
    pub all_rules: bool,
    /// The most items and the most findings to return (1 to 500, default 50). Errors come
    /// first, then warnings, then infos; failed items before valid ones.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// A git ref (`main`, `origin/main`, a commit): only the specs and changes the branch
    /// touches since its merge base with it, like `check --changed-since`.
    pub changed_since: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixesParams {
    /// The file, relative to the served folder (as `check` reports it).
    pub path: String,
    /// A 1-based line: the fixes for the findings there (and other code actions at that place).
    #[schemars(range(min = 1))]
    pub line: Option<u32>,
    /// A 1-based column in characters (default 1), with `line`.
    #[schemars(range(min = 1))]
    pub column: Option<u32>,
    /// A finding's code (e.g. `delta/missing-scenario`): the fixes for every finding with that
    /// code in the file, or only at `line` when given too.
    pub code: Option<String>,
    /// The most fixes to return (1 to 500, default 50).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewArchiveParams {
    /// The active change to archive (its folder name under `openspec/changes/`).
    pub change: String,
    /// Only this capability's main spec.
    pub capability: Option<String>,
    /// Like `openspec archive` (default true): validation errors refuse the archive. False is
    /// `--no-validate`.
    pub validate: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementParams {
    /// The capability (the main spec's folder under `openspec/specs/`, e.g. `auth`).
    pub capability: String,
    /// The requirement's name, as in its `### Requirement:` header.
    pub name: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Words of a requirement, capability or change name; matched case-insensitively (exact,
    /// then prefix, substring and in-order letters). Empty lists everything.
    pub query: String,
    /// The most results to return (1 to 500, default 50).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveReadinessParams {
    /// The active change (its folder name under `openspec/changes/`).
    pub change: String,
}
