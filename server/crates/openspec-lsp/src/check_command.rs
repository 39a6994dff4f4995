//! `openspec-lsp check`: discover roots, load each, run the checks, print one report and pick
//! the exit code. The IO edge of the command; the checks themselves live in openspec-ide.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use openspec_ide::CheckConfig;

use crate::cli::{CheckArgs, EXIT_INVALID, EXIT_USAGE, EXIT_VALID, Format};
use crate::discover;
use crate::output::{self, CheckRun, CheckedRoot};
use crate::vfs_load;

pub fn run(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(all_valid) => ExitCode::from(if all_valid { EXIT_VALID } else { EXIT_INVALID }),
        Err(error) => {
            let mut stderr = std::io::stderr().lock();
            // Nothing more can be done if stderr is gone too.
            let _ = writeln!(stderr, "openspec-lsp: error: {error:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Runs the checks and prints the report; `Ok(true)` when every item is valid.
fn check(args: &CheckArgs) -> anyhow::Result<bool> {
    let path = match &args.path {
        Some(path) => path.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let config = CheckConfig { strict: args.strict, all_rules: args.all_rules };
    let run = check_path(&path, config)?;
    let text = match args.format {
        Format::Human => output::human::render(&run, use_color()),
        Format::Json => output::json::render(&run),
        Format::Sarif => output::sarif::render(&run),
        Format::Github => output::github::render(&run),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        // A closed pipe (`| head`) is the reader's choice, not a failure of the check.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(error) => return Err(error).context("cannot write the report"),
    }
    Ok(run.items().all(|(_, item)| item.valid))
}

/// Discovers, loads and checks every root for PATH.
pub fn check_path(path: &Path, config: CheckConfig) -> anyhow::Result<CheckRun> {
    let discovery = discover::discover(path)?;
    // Without a current directory, paths simply stay relative to the root.
    let cwd = std::env::current_dir().and_then(|cwd| cwd.canonicalize()).ok();
    let roots = discovery
        .roots
        .iter()
        .map(|root_dir| {
            let snapshot = vfs_load::load_root(root_dir);
            let report = openspec_ide::check_root(&snapshot, &config);
            let dir_from_cwd =
                cwd.as_deref().filter(|cwd| root_dir.starts_with(cwd)).map(|cwd| relative_dir(cwd, root_dir));
            CheckedRoot { relative_dir: relative_dir(&discovery.base, root_dir), dir_from_cwd, snapshot, report }
        })
        .collect();
    Ok(CheckRun { roots, config })
}

/// `root_dir` relative to `base`, `/`-separated; empty when they are the same folder.
fn relative_dir(base: &Path, root_dir: &Path) -> String {
    let relative: PathBuf = root_dir.strip_prefix(base).map(Path::to_path_buf).unwrap_or_default();
    let parts: Vec<String> =
        relative.components().map(|component| component.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// Colour only for a person at a terminal, and never when `NO_COLOR` is set (no-color.org).
fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}
