//! Parity with the reference CLI: runs `openspec validate --all --json` (1.13.2, pinned in
//! `tests/parity/package.json`) and the built `openspec-lsp check --format json` over every
//! fixture workspace in `tests/parity/fixtures/` and over the shared `openspec-self` corpus, in
//! normal and strict mode, and fails on any item whose verdict or error/warning counts differ,
//! unless docs/parity.md lists that difference in its `parity-allowed` block.
//!
//! The test never skips on its own: a missing CLI or corpus is a failure. Set
//! `OPENSPEC_PARITY=skip` to skip it deliberately. `OPENSPEC_PARITY_CLI=<path>` points it at
//! another `openspec` executable. It only reads the workspaces; neither tool writes to them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

mod support;

use support::{openspec_lsp_binary, repo_root};

/// Where the difference table says a workspace came from when it is not a fixture folder.
const CORPUS_NAME: &str = "openspec-self";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    Normal,
    Strict,
}

impl Mode {
    const fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Strict => "strict",
        }
    }
}

/// One item's outcome as one tool reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Verdict {
    valid: bool,
    errors: usize,
    warnings: usize,
    /// The findings behind the counts, one line each, shown when the verdicts differ.
    details: Vec<String>,
}

impl Verdict {
    fn same_outcome(&self, other: &Verdict) -> bool {
        (self.valid, self.errors, self.warnings) == (other.valid, other.errors, other.warnings)
    }

    fn short(verdict: Option<&Verdict>) -> String {
        verdict.map_or_else(
            || "(no such item)".to_owned(),
            |v| format!("{} E{} W{}", if v.valid { "valid" } else { "INVALID" }, v.errors, v.warnings),
        )
    }
}

/// Items keyed `spec/<id>` or `change/<id>`.
type Verdicts = BTreeMap<String, Verdict>;

struct Difference {
    workspace: String,
    mode: Mode,
    item: String,
    cli: Option<Verdict>,
    ours: Option<Verdict>,
}

/// Every fixture folder, sorted, then the shared corpus.
fn workspaces() -> Vec<(String, PathBuf)> {
    let fixtures_dir = repo_root().join("tests/parity/fixtures");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&fixtures_dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", fixtures_dir.display()))
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("openspec").is_dir())
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
        .collect();
    found.sort();
    let corpus = repo_root().join("../shared/corpus/openspec-self");
    assert!(
        corpus.join("openspec").is_dir(),
        "the shared corpus is missing at {} (it sits beside the repository); set OPENSPEC_PARITY=skip to skip parity on purpose",
        corpus.display()
    );
    found.push((CORPUS_NAME.to_owned(), corpus));
    found
}

/// The reference CLI installed by `npm ci` in tests/parity, or `OPENSPEC_PARITY_CLI`.
fn reference_cli() -> PathBuf {
    let cli = std::env::var_os("OPENSPEC_PARITY_CLI")
        .map_or_else(|| repo_root().join("tests/parity/node_modules/.bin/openspec"), PathBuf::from);
    assert!(
        cli.exists(),
        "the reference CLI is not installed at {}.\nRun `(cd tests/parity && OPENSPEC_TELEMETRY=0 npm ci)` or ./scripts/test, \
         or set OPENSPEC_PARITY=skip to skip parity on purpose.",
        cli.display()
    );
    cli
}

/// `docs/parity.md`'s fenced `parity-allowed` block: `<workspace> <kind>/<id> <normal|strict|both>`
/// per line, `#` starts a comment.
fn allowed_differences() -> BTreeSet<(String, String, Mode)> {
    let doc_path = repo_root().join("docs/parity.md");
    let doc = std::fs::read_to_string(&doc_path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", doc_path.display()));
    let mut allowed = BTreeSet::new();
    let mut in_block = false;
    let mut blocks = 0;
    for (index, line) in doc.lines().enumerate() {
        let trimmed = line.trim();
        if !in_block {
            if trimmed == "```parity-allowed" {
                in_block = true;
                blocks += 1;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            in_block = false;
            continue;
        }
        let entry = trimmed.split('#').next().unwrap_or_default().trim();
        if entry.is_empty() {
            continue;
        }
        let fields: Vec<&str> = entry.split_whitespace().collect();
        let [workspace, item, mode] = fields.as_slice() else {
            panic!(
                "docs/parity.md line {}: expected `<workspace> <kind>/<id> <normal|strict|both>`, got {entry:?}",
                index + 1
            );
        };
        let modes: &[Mode] = match *mode {
            "normal" => &[Mode::Normal],
            "strict" => &[Mode::Strict],
            "both" => &[Mode::Normal, Mode::Strict],
            other => panic!("docs/parity.md line {}: unknown mode {other:?}", index + 1),
        };
        for mode in modes {
            allowed.insert(((*workspace).to_owned(), (*item).to_owned(), *mode));
        }
    }
    assert_eq!(blocks, 1, "docs/parity.md must hold exactly one ```parity-allowed block");
    allowed
}

fn run_reference(cli: &Path, dir: &Path, mode: Mode) -> Result<Verdicts, String> {
    let mut command = Command::new(cli);
    command
        .current_dir(dir)
        .args(["validate", "--all", "--json", "--no-interactive"])
        .env("OPENSPEC_TELEMETRY", "0")
        .env("CI", "1");
    if mode == Mode::Strict {
        command.arg("--strict");
    }
    let output = command.output().map_err(|error| format!("cannot run {}: {error}", cli.display()))?;
    let document: Value = serde_json::from_slice(&output.stdout).map_err(|error| {
        format!(
            "openspec printed no JSON ({error}); exit {:?}; stderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    // The CLI stops a whole run on some inputs (a main spec linked outside its capability
    // folder) and prints only a `status` error: that becomes one `run/aborted` item, which
    // docs/parity.md must list like any other difference.
    if document.get("items").is_none()
        && let Some(status) = document["status"].as_array()
    {
        let details: Vec<String> = status
            .iter()
            .map(|entry| format!("{}: {}", entry["code"].as_str().unwrap_or("?"), entry["message"].as_str().unwrap_or("?")))
            .collect();
        let aborted = Verdict { valid: false, errors: details.len(), warnings: 0, details };
        return Ok(Verdicts::from([("run/aborted".to_owned(), aborted)]));
    }
    let items = document["items"].as_array().ok_or_else(|| format!("openspec JSON has no items: {document}"))?;
    let mut verdicts = Verdicts::new();
    for item in items {
        let issues = item["issues"].as_array().map(Vec::as_slice).unwrap_or_default();
        let count = |level: &str| issues.iter().filter(|issue| issue["level"] == level).count();
        let details = issues
            .iter()
            .map(|issue| {
                format!(
                    "{} {}{}: {}",
                    issue["level"].as_str().unwrap_or("?"),
                    issue["path"].as_str().unwrap_or("?"),
                    issue["line"].as_u64().map(|line| format!(":{line}")).unwrap_or_default(),
                    issue["message"].as_str().unwrap_or("?"),
                )
            })
            .collect();
        let key = format!("{}/{}", item["type"].as_str().unwrap_or("?"), item["id"].as_str().unwrap_or("?"));
        verdicts.insert(
            key,
            Verdict { valid: item["valid"] == true, errors: count("ERROR"), warnings: count("WARNING"), details },
        );
    }
    Ok(verdicts)
}

fn run_ours(binary: &Path, dir: &Path, mode: Mode) -> Result<Verdicts, String> {
    let mut command = Command::new(binary);
    command.current_dir(dir).args(["check", "--format", "json"]);
    if mode == Mode::Strict {
        command.arg("--strict");
    }
    let output = command.output().map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!(
            "openspec-lsp exited with {:?}: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let document: Value =
        serde_json::from_slice(&output.stdout).map_err(|error| format!("openspec-lsp printed no JSON: {error}"))?;
    let items = document["items"].as_array().ok_or("openspec-lsp JSON has no items")?;
    let diagnostics = document["diagnostics"].as_array().map(Vec::as_slice).unwrap_or_default();
    let mut verdicts = Verdicts::new();
    for item in items {
        let id = item["id"].as_str().unwrap_or("?");
        let kind = item["kind"].as_str().unwrap_or("?");
        // Our JSON does not tie diagnostics to items, so details list the `openspec` findings
        // under the item's folder: enough context to read a difference.
        let folder =
            if kind == "spec" { format!("openspec/specs/{id}/spec.md") } else { format!("openspec/changes/{id}/") };
        let details = diagnostics
            .iter()
            .filter(|diagnostic| diagnostic["source"] == "openspec")
            .filter(|diagnostic| {
                let path = diagnostic["path"].as_str().unwrap_or_default();
                path == folder || path.starts_with(&folder) || format!("{path}/") == folder
            })
            .map(|diagnostic| {
                format!(
                    "{} {}:{}: [{}] {}",
                    diagnostic["severity"].as_str().unwrap_or("?").to_uppercase(),
                    diagnostic["path"].as_str().unwrap_or("?"),
                    diagnostic["line"],
                    diagnostic["code"].as_str().unwrap_or("?"),
                    diagnostic["message"].as_str().unwrap_or("?"),
                )
            })
            .collect();
        let count = |field: &str| item[field].as_u64().and_then(|n| usize::try_from(n).ok()).unwrap_or_default();
        verdicts.insert(
            format!("{kind}/{id}"),
            Verdict { valid: item["valid"] == true, errors: count("errors"), warnings: count("warnings"), details },
        );
    }
    Ok(verdicts)
}

/// Cuts a message to one readable line for the table.
fn one_line(text: &str) -> String {
    let line = text.replace('\n', " ⏎ ");
    if line.chars().count() > 160 { format!("{}…", line.chars().take(160).collect::<String>()) } else { line }
}

fn table(differences: &[&Difference]) -> String {
    let mut out = String::new();
    let width = |pick: &dyn Fn(&Difference) -> usize, header: usize| {
        differences.iter().map(|d| pick(d)).max().unwrap_or(0).max(header)
    };
    let workspace_width = width(&|d| d.workspace.chars().count(), "workspace".len());
    let item_width = width(&|d| d.item.chars().count(), "item".len());
    let _ = writeln!(
        out,
        "{:workspace_width$}  {:item_width$}  {:6}  {:22}  openspec-lsp check",
        "workspace", "item", "mode", "openspec validate"
    );
    for difference in differences {
        let _ = writeln!(
            out,
            "{:workspace_width$}  {:item_width$}  {:6}  {:22}  {}",
            difference.workspace,
            difference.item,
            difference.mode.name(),
            Verdict::short(difference.cli.as_ref()),
            Verdict::short(difference.ours.as_ref()),
        );
        for detail in difference.cli.iter().flat_map(|verdict| &verdict.details) {
            let _ = writeln!(out, "      cli:  {}", one_line(detail));
        }
        for detail in difference.ours.iter().flat_map(|verdict| &verdict.details) {
            let _ = writeln!(out, "      ours: {}", one_line(detail));
        }
    }
    out
}

#[test]
fn verdicts_match_openspec_validate() {
    if std::env::var("OPENSPEC_PARITY").is_ok_and(|value| value == "skip") {
        eprintln!("parity test skipped: OPENSPEC_PARITY=skip");
        return;
    }
    let cli = reference_cli();
    let workspaces = workspaces();
    let allowed = allowed_differences();
    let binary = openspec_lsp_binary();

    let jobs: Vec<(&str, &Path, Mode)> = workspaces
        .iter()
        .flat_map(|(name, dir)| [Mode::Normal, Mode::Strict].map(|mode| (name.as_str(), dir.as_path(), mode)))
        .collect();
    let next_job = Mutex::new(jobs.iter());
    let results = Mutex::new(Vec::new());
    // The reference CLI spends most of its time starting Node; a few at once keep both cores busy.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let job = next_job.lock().ok().and_then(|mut jobs| jobs.next().copied());
                    let Some((name, dir, mode)) = job else { break };
                    let outcome = (run_reference(&cli, dir, mode), run_ours(&binary, dir, mode));
                    if let Ok(mut results) = results.lock() {
                        results.push((name.to_owned(), mode, outcome));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().expect("no worker panicked");
    results.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));

    let mut failures = Vec::new();
    let mut differences = Vec::new();
    let mut n_items = 0;
    for (workspace, mode, outcome) in results {
        let (cli_verdicts, our_verdicts) = match outcome {
            (Ok(cli_verdicts), Ok(our_verdicts)) => (cli_verdicts, our_verdicts),
            (cli_result, our_result) => {
                for error in [cli_result.err(), our_result.err()].into_iter().flatten() {
                    failures.push(format!("{workspace} ({}): {error}", mode.name()));
                }
                continue;
            }
        };
        let items: BTreeSet<&String> = cli_verdicts.keys().chain(our_verdicts.keys()).collect();
        n_items += items.len();
        for item in items {
            let cli = cli_verdicts.get(item);
            let ours = our_verdicts.get(item);
            let same = matches!((cli, ours), (Some(cli), Some(ours)) if cli.same_outcome(ours));
            if !same {
                differences.push(Difference {
                    workspace: workspace.clone(),
                    mode,
                    item: item.clone(),
                    cli: cli.cloned(),
                    ours: ours.cloned(),
                });
            }
        }
    }

    let is_allowed = |d: &Difference| allowed.contains(&(d.workspace.clone(), d.item.clone(), d.mode));
    let (tolerated, unexpected): (Vec<&Difference>, Vec<&Difference>) = differences.iter().partition(|d| is_allowed(d));
    let stale: Vec<String> = allowed
        .iter()
        .filter(|(workspace, item, mode)| {
            !differences.iter().any(|d| &d.workspace == workspace && &d.item == item && d.mode == *mode)
        })
        .map(|(workspace, item, mode)| format!("{workspace} {item} {}", mode.name()))
        .collect();

    eprintln!(
        "parity: {} workspaces x 2 modes, {n_items} item verdicts compared; {} unexpected, {} allowed differences",
        workspaces.len(),
        unexpected.len(),
        tolerated.len()
    );
    if !tolerated.is_empty() {
        eprintln!("allowed differences (docs/parity.md):\n{}", table(&tolerated));
    }
    let mut report = String::new();
    if !failures.is_empty() {
        let _ = writeln!(report, "runs that failed:\n  {}\n", failures.join("\n  "));
    }
    if !unexpected.is_empty() {
        let _ = writeln!(
            report,
            "{} item verdicts differ from `openspec validate` 1.13.2 (fix the rule, or list the difference with its reason in docs/parity.md):\n\n{}",
            unexpected.len(),
            table(&unexpected)
        );
    }
    if !stale.is_empty() {
        let _ = writeln!(
            report,
            "docs/parity.md allows differences that no longer occur; remove them:\n  {}",
            stale.join("\n  ")
        );
    }
    assert!(report.is_empty(), "{report}");
}
