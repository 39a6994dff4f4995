//! `openspec-lsp check`: discover roots, load each, run the checks, print one report and pick
//! the exit code. The IO edge of the command; the checks themselves live in openspec-ide.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use openspec_ide::CheckConfig;

use crate::cli::{CheckArgs, EXIT_INVALID, EXIT_USAGE, EXIT_VALID, Format};
use crate::discover;
use crate::output::terminal::{self, LineBreaks};
use crate::output::{self, CheckRun, CheckedRoot, POLICY_INVALID_CODE, ReadinessAnswer, RunMode};
use crate::store_registry::{self, StoreLookup};
use crate::vfs_load;

pub fn run(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(all_valid) => ExitCode::from(if all_valid { EXIT_VALID } else { EXIT_INVALID }),
        Err(error) => {
            let mut stderr = std::io::stderr().lock();
            // Nothing more can be done if stderr is gone too.
            let message = format!("{error:#}");
            let _ = writeln!(stderr, "openspec-lsp: error: {}", terminal::safe(&message, LineBreaks::Keep));
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
    let mut run = match &args.store {
        Some(id) => store_registry::check_store(id, config)?,
        None => check_path(&path, config)?,
    };
    if let Some(git_ref) = &args.changed_since {
        let only_touched_files = matches!(args.format, Format::Sarif | Format::Github);
        crate::changed_since::narrow_run(&mut run, &path, git_ref, only_touched_files)?;
    }
    if args.migration {
        to_migration(&mut run);
    } else if let Some(change) = &args.archive_ready {
        to_archive_readiness(&mut run, change)?;
    }
    let text = match args.format {
        Format::Human => output::human::render(&run, use_color()),
        Format::Json => output::json::render(&run),
        Format::Sarif => output::sarif::render(&run),
        Format::Github => output::github::render(&run),
        Format::Gitlab => output::gitlab::render(&run),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        // A closed pipe (`| head`) is the reader's choice, not a failure of the check.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(error) => return Err(error).context("cannot write the report"),
    }
    // `check some/spec.md` checks the file's whole root; say so (on stderr, so machine formats
    // stay parseable), or a reader would take the report for that file's alone.
    if path.is_file()
        && matches!(run.mode, RunMode::Check)
        && let Ok(found) = discover::discover(&path)
        && let [root_dir] = found.roots.as_slice()
        && path.canonicalize().is_ok_and(|file| file.starts_with(root_dir))
    {
        let shown_dir = match run.roots.first().and_then(|root| root.dir_from_cwd.as_deref()) {
            Some("") => ".".to_owned(),
            Some(dir) => dir.to_owned(),
            None => root_dir.display().to_string(),
        };
        let mut stderr = std::io::stderr().lock();
        // The report is out; a closed stderr loses only this note.
        let _ = writeln!(
            stderr,
            "openspec-lsp: checked every spec and active change of the OpenSpec root {}, which {} belongs to",
            terminal::safe(&shown_dir, LineBreaks::Show),
            terminal::safe(&path.display().to_string(), LineBreaks::Show),
        );
    }
    // A policy that cannot be read as written would silently check less than the team agreed
    // on; CI must notice, so the run fails as a usage error (after showing where).
    if run.roots.iter().any(|root| root.report.diagnostics.iter().any(|d| d.code == POLICY_INVALID_CODE)) {
        anyhow::bail!("{} is invalid (see the policy/invalid findings above)", openspec_ide::root_files::POLICY_FILE);
    }
    Ok(match &run.mode {
        // A `store:` pointer that does not resolve stops the CLI's `validate --all` (exit 1).
        RunMode::Check => {
            run.items().all(|(_, item)| item.valid)
                && !run.roots.iter().any(|root| {
                    root.report.diagnostics.iter().any(|d| openspec_ide::rules::store::is_resolution_failure(d.code))
                })
        }
        RunMode::Migration => run.roots.iter().all(|root| root.report.diagnostics.is_empty()),
        RunMode::ArchiveReady(answer) => answer.ready,
    })
}

/// `--migration`: each root's report becomes its legacy findings (whatever the policy hides:
/// a dry run lists everything a migration touches), with no items.
fn to_migration(run: &mut CheckRun) {
    for root in &mut run.roots {
        let policy_problems = root.report.diagnostics.iter().filter(|d| d.code == POLICY_INVALID_CODE).cloned();
        let mut diagnostics: Vec<_> = openspec_ide::rules::legacy::findings(&root.snapshot);
        diagnostics.extend(policy_problems);
        root.report = openspec_ide::RootReport { items: Vec::new(), diagnostics };
    }
    run.mode = RunMode::Migration;
}

/// `--archive-ready <change>`: the root holding the change keeps that change's verdict and the
/// findings behind the answer; other roots drop out. Fails when no root has such an active change.
fn to_archive_readiness(run: &mut CheckRun, change: &str) -> anyhow::Result<()> {
    let found = run.roots.iter().enumerate().find_map(|(root_idx, root)| {
        let index = openspec_ide::index::WorkspaceIndex::build(&root.snapshot);
        openspec_ide::readiness::archive_readiness(&root.snapshot, &index, change, &root.report.diagnostics)
            .map(|answer| (root_idx, answer))
    });
    let Some((root_idx, readiness)) = found else {
        anyhow::bail!("no active change named `{change}` (archived changes and specs have no archive readiness)");
    };
    run.roots = run.roots.drain(..).enumerate().filter(|(idx, _)| *idx == root_idx).map(|(_, root)| root).collect();
    if let Some(root) = run.roots.first_mut() {
        let item = openspec_ide::ItemId::change(change);
        root.report.items.retain(|verdict| verdict.item == item);
        let shown: Vec<openspec_ide::Diagnostic> =
            readiness.validation_errors.iter().chain(&readiness.refusals).chain(&readiness.cautions).cloned().collect();
        root.report.diagnostics = shown;
    }
    run.mode = RunMode::ArchiveReady(ReadinessAnswer {
        change: change.to_owned(),
        ready: readiness.is_ready(),
        title: readiness.title(),
        validation_errors: readiness.validation_errors.len(),
        open_tasks: readiness.open_tasks,
        archive_problems: readiness.refusals.len(),
        archive_warnings: readiness.cautions.len(),
    });
    Ok(())
}

/// Discovers, loads and checks every root for PATH.
pub fn check_path(path: &Path, config: CheckConfig) -> anyhow::Result<CheckRun> {
    let discovery = discover::discover(path)?;
    // Without a current directory, paths simply stay relative to the root.
    let cwd = std::env::current_dir().and_then(|cwd| cwd.canonicalize()).ok();
    let stores = StoreLookup::default();
    let mut roots = Vec::new();
    for root_dir in &discovery.roots {
        let snapshot = vfs_load::load_root(root_dir);
        // A config-only root with a `store:` pointer stands for the store it names, as in the CLI;
        // its own findings (the pointer's, inert declarations) stay with it.
        let store_root = stores.pointed_root(&snapshot);
        let findings = stores.findings(&snapshot, root_dir);
        if store_root.is_none() || !findings.is_empty() {
            // The policy applies to the store findings as to any other (`check_root_with`).
            let report = if store_root.is_some() {
                let mut diagnostics = findings;
                openspec_ide::apply_policy(&snapshot, &mut diagnostics);
                openspec_ide::RootReport { items: Vec::new(), diagnostics }
            } else {
                openspec_ide::check_root_with(&snapshot, &config, findings)
            };
            let dir_from_cwd =
                cwd.as_deref().filter(|cwd| root_dir.starts_with(cwd)).map(|cwd| relative_dir(cwd, root_dir));
            roots.push(CheckedRoot {
                relative_dir: relative_dir(&discovery.base, root_dir),
                dir_from_cwd,
                snapshot,
                report,
                line_indexes: output::LineIndexCache::default(),
            });
        }
        if let Some(store_root) = store_root {
            roots.push(store_registry::checked_store_root(&store_root, &stores, config, cwd.as_deref()));
        }
    }
    Ok(CheckRun { roots, config, mode: RunMode::Check })
}

/// `root_dir` relative to `base`, `/`-separated; empty when they are the same folder.
pub(crate) fn relative_dir(base: &Path, root_dir: &Path) -> String {
    let relative: PathBuf = root_dir.strip_prefix(base).map(Path::to_path_buf).unwrap_or_default();
    let parts: Vec<String> =
        relative.components().map(|component| component.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// Colour only for a person at a terminal, and never when `NO_COLOR` is set (no-color.org).
fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}
