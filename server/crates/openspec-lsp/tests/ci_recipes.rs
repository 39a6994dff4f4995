//! The CI recipes of `docs/ci.md`, run as written: each test takes a command that must appear
//! verbatim in the document, runs it with the built binary on a fixture workspace, and checks
//! the shape CI relies on (GitHub workflow commands, valid SARIF, GitLab Code Quality fields,
//! exit codes). A recipe edited in the document without its test fails here.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use test_utils::temp_workspace as workspace;

/// Valid for `openspec validate --strict`, except what each test adds.
const VALID: &str = r"
//- /openspec/specs/auth/spec.md
# auth Specification

## Purpose
Authenticate users with a password so that only they can reach their own data.

## Requirements
### Requirement: Password login
The system SHALL let a user log in with their email and password.

#### Scenario: Correct password
- **WHEN** a user submits the right email and password
- **THEN** they are logged in
//- /openspec/changes/add-2fa/proposal.md
## Why
Passwords alone are phished too often; a second factor stops most account takeovers.

## What Changes
- Add a one-time code step after the password.
//- /openspec/changes/add-2fa/specs/auth/spec.md
## ADDED Requirements
### Requirement: One-time code
The system MUST ask for a one-time code after a correct password.

#### Scenario: Code required
- **WHEN** a user enters the right password
- **THEN** they are asked for a one-time code
//- /openspec/changes/add-2fa/tasks.md
## 1. Login

- [x] 1.1 Add the code prompt
- [x] 1.2 Store the shared secret
";

/// `VALID` with a CLI error (a requirement without scenario), a CLI warning (no SHALL/MUST) and
/// one of this tool's warnings (an indented heading).
fn invalid() -> String {
    VALID
        .replace("The system SHALL let a user log in", "The system lets a user log in")
        .replace(
            "#### Scenario: Code required\n- **WHEN** a user enters the right password\n- **THEN** they are asked for a one-time code\n",
            "  ### Notes\n",
        )
}

fn ci_doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/ci.md");
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Asserts `command` is in docs/ci.md as written.
fn documented(command: &str) {
    assert!(ci_doc().contains(command), "docs/ci.md no longer contains the recipe command `{command}`");
}

/// Runs a documented command line (`openspec-lsp ...`, optionally `> file || true`) in `dir`
/// and returns the exit code of `openspec-lsp` itself (not the `0` that `|| true` makes of it)
/// and its stdout. Redirection is the shell's; the test applies it itself so it needs no shell.
fn run_documented(dir: &Path, command: &str) -> (i32, String) {
    documented(command);
    let command = command.strip_suffix(" || true").unwrap_or(command);
    let (command, redirect) =
        command.split_once(" > ").map_or((command, None), |(command, file)| (command, Some(file.trim())));
    let mut words = command.split_whitespace();
    assert_eq!(words.next(), Some("openspec-lsp"), "a recipe runs openspec-lsp: {command}");
    let output = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(words)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn openspec-lsp");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let code = output.status.code().expect("exit code");
    if let Some(file) = redirect {
        fs::write(dir.join(file), &stdout).expect("write redirected output");
    }
    (code, stdout)
}

#[test]
fn github_annotations_fail_the_job_on_an_invalid_item() {
    let (_temp, dir) = workspace(&invalid());
    let (code, stdout) = run_documented(&dir, "openspec-lsp check --strict --format github");
    assert_eq!(code, 1, "{stdout}");
    let annotations: Vec<&str> = stdout.lines().filter(|line| line.starts_with("::")).collect();
    assert_eq!(annotations.len(), 3, "{stdout}");
    for line in &annotations {
        let (command, rest) = line[2..].split_once(' ').expect("command and properties");
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let (properties, message) = rest.split_once("::").expect("properties::message");
        assert!(!message.is_empty(), "{line}");
        let keys: Vec<&str> = properties.split(',').map(|property| property.split('=').next().unwrap_or("")).collect();
        assert_eq!(keys, ["file", "line", "col", "endLine", "endColumn", "title"], "{line}");
        let file = properties.trim_start_matches("file=").split(',').next().unwrap_or("");
        assert!(dir.join(file).is_file(), "annotation path {file} is not a file of the checkout");
    }
    assert!(stdout.contains("FAILED change/add-2fa") && stdout.contains("FAILED spec/auth"), "{stdout}");
    let (valid_code, _) = run_documented(&workspace(VALID).1, "openspec-lsp check --strict --format github");
    assert_eq!(valid_code, 0);
}

#[test]
fn sarif_for_code_scanning_is_valid_sarif() {
    let (_temp, dir) = workspace(&invalid());
    let (code, _) =
        run_documented(&dir, "openspec-lsp check --strict --all-rules --format sarif > openspec.sarif || true");
    // The check fails (the recipe's `|| true` keeps the upload step running regardless).
    assert_eq!(code, 1, "an invalid workspace fails the check");
    let text = fs::read_to_string(dir.join("openspec.sarif")).expect("the SARIF file was written");
    let log: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "openspec-lsp");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| rule["id"].as_str().expect("rule id"))
        .collect();
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3, "{text}");
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = usize::try_from(result["ruleIndex"].as_u64().expect("ruleIndex")).expect("index");
        assert_eq!(rules.get(index), Some(&rule_id));
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("level")));
        assert!(result["message"]["text"].as_str().is_some_and(|text| !text.is_empty()));
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(dir.join(uri).is_file(), "{uri}");
        assert!(location["region"]["startLine"].as_u64().is_some_and(|line| line >= 1));
        assert!(location["region"]["startColumn"].as_u64().is_some_and(|column| column >= 1));
    }
}

#[test]
fn gitlab_code_quality_report_has_the_fields_gitlab_reads() {
    let (_temp, dir) = workspace(&invalid());
    let (code, _) =
        run_documented(&dir, "openspec-lsp check --strict --format gitlab > gl-code-quality-report.json || true");
    assert_eq!(code, 1, "an invalid workspace fails the check (`|| true` keeps the job going)");
    let text = fs::read_to_string(dir.join("gl-code-quality-report.json")).expect("report written");
    let issues: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    assert_eq!(issues.len(), 3, "{text}");
    let mut fingerprints = BTreeSet::new();
    for issue in &issues {
        assert!(issue["description"].as_str().is_some_and(|text| !text.is_empty()), "{issue}");
        assert!(issue["check_name"].as_str().is_some_and(|code| code.contains('/')), "{issue}");
        let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(fingerprint.len() == 32 && fingerprint.bytes().all(|byte| byte.is_ascii_hexdigit()), "{issue}");
        assert!(fingerprints.insert(fingerprint.to_owned()), "fingerprints are unique");
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&issue["severity"].as_str().expect("severity"))
        );
        let path = issue["location"]["path"].as_str().expect("location.path");
        assert!(dir.join(path).is_file(), "{path}");
        assert!(issue["location"]["lines"]["begin"].as_u64().is_some_and(|line| line >= 1), "{issue}");
    }
    // The same run twice gives the same fingerprints: GitLab compares them across pipelines.
    let (_, again) =
        run_documented(&dir, "openspec-lsp check --strict --format gitlab > gl-code-quality-report.json || true");
    assert_eq!(again, text);
}

#[test]
fn gitlab_plain_gate_and_pre_commit_hook_use_the_exit_code() {
    documented("entry: openspec-lsp check --strict");
    documented("exec openspec-lsp check --strict");
    let (_temp, dir) = workspace(&invalid());
    let (code, stdout) = run_documented(&dir, "openspec-lsp check --strict");
    assert_eq!(code, 1);
    assert!(stdout.contains("✗ change/add-2fa") && stdout.contains("Totals:"), "{stdout}");
    let (_temp, dir) = workspace(VALID);
    assert_eq!(run_documented(&dir, "openspec-lsp check --strict").0, 0);
}

#[test]
fn archive_gate_waits_for_every_task() {
    let (_temp, dir) = workspace(&VALID.replace("- [x] 1.2", "- [ ] 1.2"));
    let (code, stdout) = run_documented(&dir, "openspec-lsp check --archive-ready add-2fa");
    assert_eq!((code, stdout.as_str()), (1, "✗ change/add-2fa: not ready to archive: 1 open task\n"));
    let (_temp, dir) = workspace(VALID);
    let (code, stdout) = run_documented(&dir, "openspec-lsp check --archive-ready add-2fa");
    assert_eq!((code, stdout.as_str()), (0, "✓ change/add-2fa: ready to archive\n"));
}

#[test]
fn migration_dry_run_lists_legacy_files_until_none_is_left() {
    let legacy = format!(
        "{VALID}//- /openspec/project.md\n# Project Context\nStack: Rust\n//- /CLAUDE.md\n# Mine\n<!-- OPENSPEC:START -->\nold\n<!-- OPENSPEC:END -->\n"
    );
    let (_temp, dir) = workspace(&legacy);
    let (code, stdout) = run_documented(&dir, "openspec-lsp check --migration");
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.ends_with("Migration (dry run, nothing was written): 2 files to migrate.\n"), "{stdout}");
    assert!(!dir.join("openspec/config.yaml").exists(), "a dry run writes nothing");
    let (_temp, dir) = workspace(VALID);
    assert_eq!(run_documented(&dir, "openspec-lsp check --migration").0, 0);
}
