//! The command line: clap definitions and the exit codes every command shares. Parsing only;
//! no command logic lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Every item is valid (or there was nothing to check).
pub const EXIT_VALID: u8 = 0;
/// At least one spec or change is invalid.
pub const EXIT_INVALID: u8 = 1;
/// The command could not run: bad arguments, no OpenSpec root, an unreadable path. Matches clap's
/// own code for argument errors.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "openspec-lsp", version, about = "Checks and language support for OpenSpec workspaces.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a command: run the language server over stdio (accepted for clients that pass it).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every spec and active change, with the verdicts of `openspec validate --all`.
    Check(CheckArgs),
    /// Run the language server over stdio (the default when no command is given).
    Serve(ServeArgs),
    /// What `openspec archive CHANGE --yes` would do to the main specs: the merged specs, a
    /// unified diff, or JSON. Exits 0 when archive would go through, 1 when it would refuse.
    Preview(PreviewArgs),
    /// The timeline of a requirement across archived changes (ADDED, MODIFIED, RENAMED,
    /// REMOVED; oldest first, following renames), then the active changes naming it; without
    /// REQUIREMENT, of every requirement of the capability's main spec.
    History(HistoryArgs),
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The capability (the folder path under `openspec/specs/`).
    pub capability: String,
    /// The requirement's name, as after `### Requirement:`.
    pub requirement: Option<String>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Human)]
    pub format: HistoryFormat,
    /// A repository root, an `openspec/` folder or any folder inside one. Defaults to the
    /// current directory.
    #[arg(long)]
    pub path: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// One line per event: date, operation, change, name, location; then a summary.
    Human,
    /// `{"capability","requirements":[{"requirement","main_spec","summary","archived","active"}]}`.
    Json,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The active change to archive.
    pub change: String,
    /// Only this capability's main spec (a folder here is read as PATH when the change has no
    /// capability of that name).
    pub capability: Option<String>,
    /// A repository root, an `openspec/` folder or any folder inside one. Defaults to the
    /// current directory.
    pub path: Option<PathBuf>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = PreviewFormat::Text)]
    pub format: PreviewFormat,
    /// Like `openspec archive --no-validate`: no validation of the change or the rebuilt specs.
    #[arg(long)]
    pub no_validate: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PreviewFormat {
    /// The main spec(s) as archive would leave them.
    Text,
    /// A unified diff of each main spec archive writes, creates or deletes.
    Diff,
    /// `{"change","capabilities":[{"capability","path","action","text","refusals"}]}`.
    Json,
}

/// Options clients pass when they start a language server. Stdio is the only transport, so
/// `--stdio` (which vscode-languageclient and others add) is accepted and changes nothing.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Speak LSP over stdin/stdout (the default and only transport).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Warnings make an item invalid too, like `openspec validate --strict`.
    #[arg(long)]
    pub strict: bool,
    /// This tool's own findings (source `openspec-lsp`) count toward verdicts as well.
    #[arg(long)]
    pub all_rules: bool,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Dry run of a migration off the legacy layout: list the files it would create, edit or
    /// delete (nothing is written). Exits 1 when there is something to migrate.
    #[arg(long, conflicts_with = "archive_ready")]
    pub migration: bool,
    /// Whether active change CHANGE is ready to archive (valid, every task checked, and
    /// `openspec archive` would not refuse it): exits 0 when ready, 1 when not.
    #[arg(long, value_name = "CHANGE")]
    pub archive_ready: Option<String>,
    /// Check only what the branch touches since its merge base with REF (a git ref): active
    /// changes with a changed file, the main specs they modify, and main specs edited directly
    /// (reported as `spec/edited-outside-change`). SARIF and GitHub output annotate only the
    /// changed files. Needs `git`; exits 2 when git, the repository or REF is missing.
    #[arg(long, value_name = "REF", conflicts_with_all = ["migration", "archive_ready", "store"])]
    pub changed_since: Option<String>,
    /// Check the registered store ID (from the machine's store registry) instead of PATH, like
    /// the CLI's `--store`.
    #[arg(long, value_name = "ID", conflicts_with = "path")]
    pub store: Option<String>,
    /// A repository root, an `openspec/` folder or any folder inside one; or a folder above
    /// several OpenSpec roots (each is checked on its own). Defaults to the current directory.
    pub path: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report with source snippets, then one verdict line per item.
    Human,
    /// One JSON document: items, diagnostics and a summary.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// GitLab Code Quality JSON (findings on merge requests).
    Gitlab,
}
