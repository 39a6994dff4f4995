//! `check --changed-since`: temporary git repositories with a `main` branch and a feature
//! branch, checked with the built binary. Only the touched items are reported, a main spec
//! edited outside a change is found (severity by policy), SARIF and GitHub output annotate
//! only changed files, and git problems exit 2 with a clear message. Needs `git` on PATH.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use test_utils::{temp_dir, write_fixture};

const BASE: &str = r"
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
//- /openspec/specs/billing/spec.md
# billing Specification

## Purpose
Bill every customer once a month for what they used in that month, no more.

## Requirements
### Requirement: Monthly invoice
The system SHALL send one invoice a month.

#### Scenario: Month ends
- **WHEN** a month ends
- **THEN** an invoice is sent
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

- [ ] 1.1 Add the code prompt
//- /openspec/changes/broken/proposal.md
## Why
Short.
";

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A repository whose `main` holds `BASE`, checked out on a `feature` branch.
fn repository() -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, dir) = temp_dir();
    write_fixture(&dir, BASE);
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    git(&dir, &["checkout", "-q", "-b", "feature"]);
    (temp, dir)
}

fn commit_all(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "feature"]);
}

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn openspec-lsp")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

fn items(report: &Value) -> Vec<String> {
    let items = report["items"].as_array().cloned().unwrap_or_default();
    items
        .iter()
        .map(|item| {
            format!(
                "{}/{} valid={}",
                item["kind"].as_str().unwrap_or(""),
                item["id"].as_str().unwrap_or(""),
                item["valid"]
            )
        })
        .collect()
}

fn codes(report: &Value) -> Vec<String> {
    let diagnostics = report["diagnostics"].as_array().cloned().unwrap_or_default();
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"].as_str().unwrap_or(""),
                d["path"].as_str().unwrap_or(""),
                d["line"],
                d["severity"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn append(dir: &Path, path: &str, text: &str) {
    let file = dir.join(path);
    let mut old = fs::read_to_string(&file).unwrap_or_default();
    old.push_str(text);
    fs::write(file, old).expect("write");
}

#[test]
fn only_touched_items_and_a_spec_edited_outside_a_change() {
    let (_temp, dir) = repository();
    // Untouched: the broken change and its errors stay out of the report.
    let whole = check(&dir, &["--format", "json"]);
    assert_eq!(whole.status.code(), Some(1), "the whole root has an invalid change");
    append(&dir, "openspec/changes/add-2fa/tasks.md", "- [x] 1.2 Store the secret\n");
    append(
        &dir,
        "openspec/specs/billing/spec.md",
        "\n#### Scenario: Refund\n- **WHEN** a refund\n- **THEN** a credit note\n",
    );
    commit_all(&dir);
    let output = check(&dir, &["--changed-since", "main", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report = json(&output);
    assert_eq!(items(&report), ["spec/auth valid=true", "spec/billing valid=true", "change/add-2fa valid=true"]);
    assert_eq!(codes(&report), ["spec/edited-outside-change openspec/specs/billing/spec.md:13 warning"]);
    // Uncommitted and untracked files count too.
    fs::write(dir.join("openspec/changes/broken/notes.md"), "new\n").expect("write");
    let report = json(&check(&dir, &["--changed-since", "main", "--format", "json"]));
    assert!(items(&report).contains(&"change/broken valid=false".to_owned()), "{:?}", items(&report));
}

#[test]
fn the_policy_sets_the_finding_and_all_rules_counts_it() {
    let (_temp, dir) = repository();
    append(&dir, "openspec/specs/billing/spec.md", "Edited by hand.\n");
    fs::write(dir.join("openspec-lsp.toml"), "[severity]\n\"spec/edited-outside-change\" = \"error\"\n")
        .expect("write");
    commit_all(&dir);
    let output = check(&dir, &["--changed-since", "main", "--all-rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(items(&report), ["spec/billing valid=false"]);
    assert_eq!(codes(&report), ["spec/edited-outside-change openspec/specs/billing/spec.md:13 error"]);
    fs::write(dir.join("openspec-lsp.toml"), "[severity]\n\"spec/edited-outside-change\" = \"off\"\n").expect("write");
    let report = json(&check(&dir, &["--changed-since", "main", "--all-rules", "--format", "json"]));
    assert_eq!(codes(&report), Vec::<String>::new());
}

#[test]
fn archiving_on_the_branch_is_not_an_edit_outside_a_change() {
    let (_temp, dir) = repository();
    let archived = dir.join("openspec/changes/archive/2025-01-01-add-2fa");
    fs::create_dir_all(archived.parent().expect("parent")).expect("mkdir");
    fs::rename(dir.join("openspec/changes/add-2fa"), &archived).expect("move");
    append(
        &dir,
        "openspec/specs/auth/spec.md",
        "\n### Requirement: One-time code\nThe system MUST ask for a code.\n\n#### Scenario: Code\n- **WHEN** x\n- **THEN** y\n",
    );
    commit_all(&dir);
    let report = json(&check(&dir, &["--changed-since", "main", "--format", "json"]));
    assert_eq!(items(&report), ["spec/auth valid=true"]);
    assert_eq!(codes(&report), Vec::<String>::new());
}

#[test]
fn github_and_sarif_annotate_only_changed_files() {
    let (_temp, dir) = repository();
    // The change is touched through tasks.md; its proposal (unchanged) loses its Why text.
    fs::write(dir.join("openspec/changes/add-2fa/proposal.md"), "## Why\nShort.\n").expect("write");
    commit_all(&dir);
    git(&dir, &["checkout", "-q", "-b", "second"]);
    append(&dir, "openspec/changes/add-2fa/tasks.md", "  ### Indented\n");
    commit_all(&dir);
    let github = check(&dir, &["--changed-since", "feature", "--all-rules", "--format", "github"]);
    let stdout = String::from_utf8_lossy(&github.stdout);
    assert_eq!(github.status.code(), Some(1), "{stdout}");
    let annotated: Vec<&str> = stdout.lines().filter(|line| line.starts_with("::")).collect();
    assert!(!annotated.is_empty(), "{stdout}");
    assert!(annotated.iter().all(|line| line.contains("file=openspec/changes/add-2fa/tasks.md,")), "{stdout}");
    assert!(stdout.contains("FAILED change/add-2fa"), "{stdout}");
    let sarif = check(&dir, &["--changed-since", "feature", "--all-rules", "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&sarif.stdout).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    assert!(!results.is_empty());
    for result in &results {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap_or("");
        assert_eq!(uri, "openspec/changes/add-2fa/tasks.md", "{result}");
    }
    // The human report still shows the proposal's findings behind the verdict.
    let human = check(&dir, &["--changed-since", "feature"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("proposal.md"));
}

#[test]
fn git_problems_exit_2_with_a_clear_message() {
    let (_temp, dir) = repository();
    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).into_owned();
    let unknown = check(&dir, &["--changed-since", "origin/nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown git ref `origin/nope`"), "{}", stderr(&unknown));
    let option = check(&dir, &["--changed-since=--output=x"]);
    assert_eq!(option.status.code(), Some(2));
    assert!(stderr(&option).contains("is not a git ref"), "{}", stderr(&option));
    assert!(!dir.join("x").exists());

    let (_plain_temp, plain) = temp_dir();
    write_fixture(&plain, BASE);
    let not_repo = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(["check", "--changed-since", "main"])
        .current_dir(&plain)
        .env("GIT_CEILING_DIRECTORIES", plain.parent().expect("parent"))
        .output()
        .expect("spawn");
    assert_eq!(not_repo.status.code(), Some(2));
    assert!(stderr(&not_repo).contains("is not inside a git work tree"), "{}", stderr(&not_repo));

    let no_git = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(["check", "--changed-since", "main"])
        .current_dir(&dir)
        .env("PATH", plain.join("no-such-bin"))
        .output()
        .expect("spawn");
    assert_eq!(no_git.status.code(), Some(2));
    assert!(stderr(&no_git).contains("needs the `git` program"), "{}", stderr(&no_git));

    // Unrelated histories share no merge base.
    git(&dir, &["checkout", "-q", "--orphan", "lonely"]);
    git(&dir, &["commit", "-q", "-m", "lonely"]);
    let unrelated = check(&dir, &["--changed-since", "main"]);
    assert_eq!(unrelated.status.code(), Some(2));
    assert!(stderr(&unrelated).contains("have no common commit"), "{}", stderr(&unrelated));
}

#[test]
fn the_ci_recipe_is_documented() {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/ci.md")).expect("docs/ci.md");
    let (_temp, dir) = repository();
    append(&dir, "openspec/specs/billing/spec.md", "Edited by hand.\n");
    commit_all(&dir);
    git(&dir, &["update-ref", "refs/remotes/origin/main", "main"]);
    for command in [
        "openspec-lsp check --strict --changed-since origin/main --format github",
        "openspec-lsp check --strict --changed-since origin/main",
    ] {
        assert!(doc.contains(command), "docs/ci.md no longer contains `{command}`");
        let words: Vec<&str> = command.split_whitespace().skip(2).collect();
        let output = check(&dir, &words);
        assert_eq!(output.status.code(), Some(0), "{command}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stdout).contains("spec/billing"), "{command}");
    }
}
