//! Archive parity: for every active change of every workspace in `tests/archive/fixtures/` and of
//! `examples/`, runs the pinned reference CLI's `openspec archive <id> --yes` (and again with
//! `--no-validate`) on a fresh temp copy, and compares what it did with what
//! `openspec-lsp preview <id> --format json` said it would do on the same copy beforehand:
//! refused or not, and, when it went through, every main spec written, created, deleted or left
//! alone, byte for byte. Every refusal of the validating archive must also make
//! `check --archive-ready` answer "not ready".
//!
//! Needs Node.js and the CLI from `tests/parity` (`npm ci`, which `./scripts/test` runs). Without
//! `node` on PATH, or with `OPENSPEC_PARITY=skip` (which also skips installing the CLI), the test
//! prints why and passes; otherwise a missing CLI is a failure.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod support;

use support::{openspec_lsp_binary, repo_root};

/// Every fixture workspace, then the examples.
fn workspaces() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for dir in [repo_root().join("tests/archive/fixtures"), repo_root().join("examples")] {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
        let mut here: Vec<(String, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().join("openspec").is_dir())
            .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
            .collect();
        here.sort();
        found.extend(here);
    }
    found
}

/// Active change folders: `openspec/changes/*` but `archive` and dot-folders.
fn active_changes(workspace: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(workspace.join("openspec/changes")) else {
        return Vec::new();
    };
    let mut changes: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "archive" && !name.starts_with('.'))
        .collect();
    changes.sort();
    changes
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("list the workspace").filter_map(Result::ok) {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a workspace file");
        }
    }
}

/// Every file under `openspec/specs`, by path relative to the workspace, with its bytes.
fn main_specs(workspace: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let relative = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.insert(relative, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&workspace.join("openspec/specs"), workspace, &mut out);
    out
}

fn reference_cli() -> PathBuf {
    let cli = repo_root().join("tests/parity/node_modules/.bin/openspec");
    assert!(
        cli.exists(),
        "the reference CLI is not installed at {}.\nRun `(cd tests/parity && OPENSPEC_TELEMETRY=0 npm ci)` or ./scripts/test.",
        cli.display()
    );
    cli
}

fn node_available() -> bool {
    Command::new("node").arg("--version").output().is_ok_and(|output| output.status.success())
}

struct Outcome {
    refused: bool,
    output: String,
}

/// `openspec archive <change> --yes [--no-validate]` in `workspace`.
fn run_cli_archive(cli: &Path, workspace: &Path, change: &str, validate: bool) -> Outcome {
    let mut command = Command::new(cli);
    command.current_dir(workspace).args(["archive", change, "--yes"]);
    if !validate {
        command.arg("--no-validate");
    }
    let output = command
        .env("OPENSPEC_TELEMETRY", "0")
        .env("NO_COLOR", "1")
        .env("CI", "1")
        .output()
        .expect("run the reference CLI");
    let still_active = workspace.join("openspec/changes").join(change).is_dir();
    Outcome {
        refused: !output.status.success() || still_active,
        output: format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)),
    }
}

fn preview_json(binary: &Path, workspace: &Path, change: &str, validate: bool) -> (Value, Option<i32>) {
    let mut command = Command::new(binary);
    command.args(["preview", change, "--format", "json"]);
    if !validate {
        command.arg("--no-validate");
    }
    let output = command.arg(workspace).output().expect("run openspec-lsp preview");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("preview {change} printed no JSON ({error}): {}", String::from_utf8_lossy(&output.stderr))
    });
    (json, output.status.code())
}

fn archive_ready(binary: &Path, workspace: &Path, change: &str) -> Option<i32> {
    let output = Command::new(binary)
        .args(["check", "--archive-ready", change])
        .arg(workspace)
        .output()
        .expect("run openspec-lsp check --archive-ready");
    output.status.code()
}

/// What the preview says each main spec will be afterwards (`None`: no file).
fn expected_specs(before: &BTreeMap<String, Vec<u8>>, preview: &Value) -> BTreeMap<String, Vec<u8>> {
    let mut after = before.clone();
    for capability in preview["capabilities"].as_array().into_iter().flatten() {
        let path = capability["path"].as_str().unwrap_or_default().to_owned();
        match capability["action"].as_str().unwrap_or_default() {
            "delete" => {
                after.remove(&path);
            }
            "create" | "modify" => {
                after.insert(path, capability["text"].as_str().unwrap_or_default().as_bytes().to_vec());
            }
            _ => {}
        }
    }
    after
}

/// The first differing line of two texts, shown with escapes.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let mut expected_lines = expected.split_inclusive('\n');
    let mut actual_lines = actual.split_inclusive('\n');
    for line in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (None, None) => return "no difference".to_owned(),
            (e, a) if e == a => {}
            (e, a) => return format!("line {line}: preview {e:?}, archive {a:?}"),
        }
    }
    unreachable!("the loop returns")
}

/// One archive run to compare: a workspace, one of its active changes, with or without validation.
struct Job {
    name: String,
    workspace: PathBuf,
    change: String,
    validate: bool,
}

/// Runs one job on a fresh copy and returns what differs (empty when nothing does).
fn compare(cli: &Path, binary: &Path, job: &Job) -> String {
    let mut failures = String::new();
    let Job { name, workspace, change, validate } = job;
    let validate = *validate;
    let mode = if validate { "archive --yes" } else { "archive --yes --no-validate" };
    let temp = tempfile::tempdir().expect("temp folder");
    let copy = temp.path().join(name);
    copy_dir(workspace, &copy);
    let (preview, code) = preview_json(binary, &copy, change, validate);
    let ready = if validate { archive_ready(binary, &copy, change) } else { None };
    let before = main_specs(&copy);
    let outcome = run_cli_archive(cli, &copy, change, validate);
    let after = main_specs(&copy);
    let place = format!("{name} {change} ({mode})");
    let would_refuse = preview["wouldRefuse"].as_bool().unwrap_or(false);
    if code != Some(i32::from(would_refuse)) {
        let _ = writeln!(failures, "{place}: preview exited {code:?} but says wouldRefuse={would_refuse}");
    }
    if outcome.refused != would_refuse {
        let _ = writeln!(
            failures,
            "{place}: archive {} but the preview says it {}\n  preview: {}\n  archive output:\n{}",
            if outcome.refused { "refused" } else { "went through" },
            if would_refuse { "refuses" } else { "goes through" },
            preview["capabilities"],
            outcome.output
        );
        return failures;
    }
    if outcome.refused {
        if validate && ready == Some(0) {
            let _ = writeln!(failures, "{place}: archive refused but `check --archive-ready` says ready");
        }
        if before != after {
            let _ = writeln!(failures, "{place}: archive refused yet changed the main specs");
        }
        return failures;
    }
    let expected = expected_specs(&before, &preview);
    let paths: std::collections::BTreeSet<&String> = expected.keys().chain(after.keys()).collect();
    for path in paths {
        let detail = match (expected.get(path), after.get(path)) {
            (want, got) if want == got => continue,
            (Some(_), None) => "archive deleted it; the preview keeps it".to_owned(),
            (None, Some(_)) => "archive wrote it; the preview has no such file".to_owned(),
            (Some(want), Some(got)) => first_difference(want, got),
            (None, None) => continue,
        };
        let _ = writeln!(failures, "{place}: {path}: {detail}");
    }
    failures
}

#[test]
fn preview_matches_what_openspec_archive_writes() {
    if std::env::var_os("OPENSPEC_PARITY").is_some_and(|value| value == "skip") {
        println!("archive parity: skipped, OPENSPEC_PARITY=skip (the reference CLI is not installed then)");
        return;
    }
    if !node_available() {
        println!("archive parity: skipped, `node` is not on PATH (install Node.js 20+ to run it)");
        return;
    }
    let cli = reference_cli();
    let binary = openspec_lsp_binary();
    // `ARCHIVE_PARITY_ONLY=<workspace>` runs one workspace (while working on it).
    let only = std::env::var("ARCHIVE_PARITY_ONLY").ok();
    let jobs: Vec<Job> = workspaces()
        .into_iter()
        .filter(|(name, _)| only.as_ref().is_none_or(|only| only == name))
        .flat_map(|(name, workspace)| {
            active_changes(&workspace).into_iter().flat_map(move |change| {
                let (name, workspace) = (name.clone(), workspace.clone());
                [true, false].map(|validate| Job {
                    name: name.clone(),
                    workspace: workspace.clone(),
                    change: change.clone(),
                    validate,
                })
            })
        })
        .collect();
    assert!(!jobs.is_empty(), "no active change found in tests/archive/fixtures or examples");
    // Each run is mostly waiting for Node to start; a few at a time keep the test short.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(String::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(job) = jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                    let found = compare(&cli, &binary, job);
                    failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push_str(&found);
                }
            });
        }
    });
    println!("archive parity: {} archive runs compared", jobs.len());
    let failures = failures.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    assert!(failures.is_empty(), "the preview differs from `openspec archive`:\n{failures}");
}
