//! Parity of the team-scale layout with the reference CLI: builds a temporary registry
//! (`XDG_DATA_HOME` and `HOME` in a temp dir, never the user's) with healthy and broken store
//! checkouts, then runs the pinned `openspec` (`validate --all --json`, `doctor --json`) and
//! `openspec-lsp check --format json` in pointer and referencing repositories and compares
//! items, codes, levels and messages. Like `parity`, it never skips on its own; set
//! `OPENSPEC_PARITY=skip` to skip it. Both tools only read the temp dir.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod support;

use support::{openspec_lsp_binary, repo_root};

/// The temp machine: a data dir, a home, stores and application repositories.
struct Machine {
    _temp: tempfile::TempDir,
    top: PathBuf,
}

impl Machine {
    fn new() -> Self {
        let temp = tempfile::tempdir().expect("temp dir");
        let top = temp.path().canonicalize().expect("canonical temp dir");
        Self { _temp: temp, top }
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.top.join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("create parent");
        fs::write(path, text).expect("write file");
    }

    /// Registers `(id, folder)` pairs in the registry, as `openspec store register` writes it.
    fn register(&self, stores: &[(&str, &str)]) {
        let mut text = "version: 1\nstores:\n".to_owned();
        for (id, folder) in stores {
            let path = self.top.join(folder);
            // Writing to a String cannot fail.
            let _ = write!(text, "  {id}:\n    backend:\n      type: git\n      local_path: {}\n", path.display());
        }
        self.write("data/openspec/stores/registry.yaml", &text);
    }

    fn command(&self, program: &Path, cwd: &str, args: &[&str]) -> (Option<i32>, Value) {
        let output = Command::new(program)
            .args(args)
            .current_dir(self.top.join(cwd))
            .env("XDG_DATA_HOME", self.top.join("data"))
            .env("HOME", self.top.join("home"))
            .env("XDG_CONFIG_HOME", self.top.join("config"))
            .env("OPENSPEC_TELEMETRY", "0")
            .env("NO_COLOR", "1")
            .output()
            .expect("run command");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let json = serde_json::from_str(&stdout).unwrap_or_else(|_| Value::String(stdout.into_owned()));
        (output.status.code(), json)
    }
}

fn cli() -> PathBuf {
    std::env::var_os("OPENSPEC_PARITY_CLI")
        .map_or_else(|| repo_root().join("tests/parity/node_modules/.bin/openspec"), PathBuf::from)
}

const SPEC: &str = "# auth Specification\n\n## Purpose\nAuth stuff.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n";

/// Stores: `good` (healthy, one spec), `bare` (no metadata), `twin` (metadata names another id),
/// `empty` (metadata, no openspec/), `bad-meta` (metadata with an unknown key).
fn machine() -> Machine {
    let machine = Machine::new();
    machine.write("good/.openspec-store/store.yaml", "version: 1\nid: good\n");
    machine.write("good/openspec/config.yaml", "schema: spec-driven\n");
    machine.write("good/openspec/specs/auth/spec.md", SPEC);
    machine.write("bare/openspec/config.yaml", "schema: spec-driven\n");
    machine.write("twin/.openspec-store/store.yaml", "version: 1\nid: other\n");
    machine.write("twin/openspec/config.yaml", "schema: spec-driven\n");
    machine.write("empty/.openspec-store/store.yaml", "version: 1\nid: empty\n");
    machine.write("bad-meta/.openspec-store/store.yaml", "version: 1\nid: bad-meta\nowner: me\n");
    machine.write("bad-meta/openspec/config.yaml", "schema: spec-driven\n");
    fs::create_dir_all(machine.top.join("home")).expect("home");
    machine.register(&[
        ("good", "good"),
        ("bare", "bare"),
        ("twin", "twin"),
        ("empty", "empty"),
        ("bad-meta", "bad-meta"),
    ]);
    machine
}

/// The machine, our binary and the CLI; `None` when parity is skipped on purpose.
fn setup() -> Option<(Machine, PathBuf, PathBuf)> {
    if std::env::var("OPENSPEC_PARITY").is_ok_and(|value| value == "skip") {
        return None;
    }
    let cli = cli();
    assert!(cli.exists(), "the reference CLI is not installed at {}; run `(cd tests/parity && npm ci)`", cli.display());
    Some((machine(), openspec_lsp_binary(), cli))
}

/// Our findings as `(code, severity, message)`, with `openspec/config.yaml` standing for the
/// absolute config path the CLI prints.
fn our_findings(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"].as_str().is_some_and(|code| code.starts_with("store/")))
        .map(|d| {
            let field = |key: &str| d[key].as_str().unwrap_or_default().to_owned();
            (field("code"), field("severity"), field("message"))
        })
        .collect()
}

/// The CLI's code for ours (`store/unknown-store` -> `unknown_store`).
fn cli_code(code: &str) -> String {
    let name = code.trim_start_matches("store/").replace('-', "_");
    match name.as_str() {
        "pointer_ignored" => "root_pointer_ignored".to_owned(),
        "invalid_pointer" => "invalid_store_pointer".to_owned(),
        "invalid_id" => "invalid_store_id".to_owned(),
        "identity_mismatch" => "store_identity_mismatch".to_owned(),
        "unhealthy_root" => "unhealthy_store_root".to_owned(),
        "invalid_metadata" => "invalid_store_metadata".to_owned(),
        "inert_references" => "pointer_declarations_inert".to_owned(),
        _ => name,
    }
}

/// The CLI's `(code, severity, message)` list in `status`, paths made root-relative.
fn cli_status(status: &Value, config_path: &str) -> Vec<(String, String, String)> {
    status
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let field = |key: &str| d[key].as_str().unwrap_or_default().replace(config_path, "openspec/config.yaml");
            (field("code"), field("severity"), field("message"))
        })
        .collect()
}

/// A report's items as `(id, valid)`, in report order.
fn items(report: &Value) -> Vec<(String, bool)> {
    report["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| (item["id"].as_str().unwrap_or_default().to_owned(), item["valid"].as_bool().unwrap_or_default()))
        .collect()
}

fn ours_as_cli(ours: &[(String, String, String)]) -> Vec<(String, String, String)> {
    ours.iter().map(|(code, severity, message)| (cli_code(code), severity.clone(), message.clone())).collect()
}

#[test]
fn pointer_repositories() {
    let Some((machine, lsp, cli)) = setup() else { return };
    let cases = [
        "store: good\n",
        "store: nope\n",
        "store: Bad_Id\n",
        "store: [a, b]\n",
        "store: bare\n",
        "store: twin\n",
        "store: empty\n",
        "store: bad-meta\n",
    ];
    let mut mismatches = Vec::new();
    let mut n_cli_failures = 0;
    for (case_idx, config) in cases.iter().enumerate() {
        let app = format!("app{case_idx}");
        machine.write(&format!("{app}/openspec/config.yaml"), config);
        let config_path = machine.top.join(&app).join("openspec/config.yaml").display().to_string();
        let (cli_exit, cli_json) = machine.command(&cli, &app, &["validate", "--all", "--json"]);
        let (our_exit, our_json) = machine.command(&lsp, &app, &["check", "--format", "json"]);
        let theirs = cli_status(&cli_json["status"], &config_path);
        let ours = ours_as_cli(&our_findings(&our_json));
        n_cli_failures += usize::from(!theirs.is_empty());
        let (their_items, our_items) = (items(&cli_json), items(&our_json));
        // The CLI prints the store metadata path and zod text; ours must match them exactly.
        if theirs != ours || their_items != our_items || cli_exit != our_exit {
            mismatches.push(format!(
                "{config:?}:\n  cli  exit {cli_exit:?} items {their_items:?} status {theirs:?}\n  ours exit {our_exit:?} items {our_items:?} findings {ours:?}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "pointer repositories differ from the CLI:\n{}", mismatches.join("\n"));
    // `--store` from a folder outside every root checks the store, as the CLI's `--store` does.
    machine.write("elsewhere/notes.txt", "");
    let (cli_exit, cli_json) = machine.command(&cli, "elsewhere", &["validate", "--all", "--json", "--store", "good"]);
    let (our_exit, our_json) = machine.command(&lsp, "elsewhere", &["check", "--format", "json", "--store", "good"]);
    assert_eq!((our_exit, items(&our_json)), (cli_exit, items(&cli_json)), "check --store differs from the CLI");
    assert!(!items(&our_json).is_empty(), "the store has a spec to check");
    // Every case but the healthy pointer is a resolution failure the CLI reports.
    assert_eq!(n_cli_failures, cases.len() - 1, "the setup no longer exercises every failure");
}

#[test]
fn doctor_findings() {
    let Some((machine, lsp, cli)) = setup() else { return };
    // A real root with a pointer, a referencing repository, and a pointer with inert references.
    machine.write("real/openspec/config.yaml", "schema: spec-driven\nstore: good\n");
    machine.write("real/openspec/specs/auth/spec.md", SPEC);
    machine.write(
        "refs/openspec/config.yaml",
        "schema: spec-driven\nreferences:\n  - good\n  - Bad\n  - missing-one\n  - {id: cloned, remote: 'git@github.com:o/r.git'}\n  - twin\n  - empty\n",
    );
    machine.write("inert/openspec/config.yaml", "store: good\nreferences: [twin]\n");
    let mut mismatches = Vec::new();
    for app in ["real", "refs", "inert"] {
        let config_path = machine.top.join(app).join("openspec/config.yaml").display().to_string();
        let (_, doctor) = machine.command(&cli, app, &["doctor", "--json"]);
        let mut theirs = cli_status(&doctor["status"], &config_path);
        for reference in doctor["references"].as_array().into_iter().flatten() {
            theirs.extend(cli_status(&reference["status"], &config_path));
        }
        let (_, our_json) = machine.command(&lsp, app, &["check", "--format", "json"]);
        let ours: Vec<(String, String, String)> = ours_as_cli(&our_findings(&our_json))
            .into_iter()
            .map(|(code, severity, message)| {
                let code = code.strip_prefix("reference_").map_or(code.clone(), |rest| format!("reference_{rest}"));
                (code, severity, message)
            })
            .collect();
        assert!(!theirs.is_empty(), "{app}: the CLI reported nothing; the setup no longer exercises it");
        if theirs != ours {
            mismatches.push(format!("{app}:\n  cli  {theirs:?}\n  ours {ours:?}"));
        }
    }
    assert!(mismatches.is_empty(), "doctor findings differ from the CLI:\n{}", mismatches.join("\n"));
}
