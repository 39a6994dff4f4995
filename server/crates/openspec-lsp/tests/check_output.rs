//! End-to-end snapshots of what `check` prints, through the built binary on workspaces written
//! to temp folders: which findings count toward a verdict and which are this tool's own, one
//! refused delta reported once, and hostile folder and requirement names (workflow-command
//! injection, terminal escapes, line breaks, invalid UTF-8) in every output format.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect;

const MAIN_SPEC: &str = "# auth Specification

## Purpose
Authenticate users with a password so that only they can reach their own data.

## Requirements
### Requirement: Login
The system SHALL let a user log in with their email and password.

#### Scenario: Correct password
- **WHEN** a user submits the right email and password
- **THEN** they are logged in

### Requirement: Logout
The system SHALL end the session when the user logs out.

#### Scenario: Log out
- **WHEN** a user logs out
- **THEN** the session ends
";

const PROPOSAL: &str = "## Why
Passwords alone are phished too often; a second factor stops most account takeovers.

## What Changes
- Change the login flow.
";

/// A delta that `openspec validate` accepts (its ADDED requirement is well formed).
const GOOD_DELTA: &str = "## ADDED Requirements
### Requirement: One-time code
The system MUST ask for a one-time code after a correct password.

#### Scenario: Code required
- **WHEN** a user enters the right password
- **THEN** they are asked for a one-time code
";

/// Two MODIFIED targets the main spec lacks: valid for `validate` (it notes the first as INFO),
/// refused by `openspec archive`.
const MISSING_TARGETS: &str = "## MODIFIED Requirements
### Requirement: Log in
The system SHALL let a user log in with a passkey.

#### Scenario: Passkey
- **WHEN** a user offers a passkey
- **THEN** they are logged in

### Requirement: Sign out
The system SHALL end every session when the user signs out.

#### Scenario: Sign out
- **WHEN** a user signs out
- **THEN** every session ends
";

/// Two ADDED names the main spec already has: the CLI notes the first; the second is this
/// tool's own `archive/target-exists` error, which does not count toward the verdict.
const EXISTING_TARGETS: &str = "## ADDED Requirements
### Requirement: Login
The system SHALL let a user log in.

#### Scenario: Login
- **WHEN** a user logs in
- **THEN** it works

### Requirement: Logout
The system SHALL let a user log out.

#### Scenario: Logout
- **WHEN** a user logs out
- **THEN** it works
";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("paths in the workspace have a parent")).expect("create folder");
    fs::write(path, text).expect("write workspace file");
}

/// A temp folder (canonical, so the binary's view of it matches) holding `openspec/specs/auth`.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().canonicalize().expect("canonical temp dir");
    write(&dir.join("openspec/specs/auth/spec.md"), MAIN_SPEC);
    (temp, dir)
}

fn add_change(dir: &Path, change: &std::ffi::OsStr, delta: Option<&str>) {
    let change_dir = dir.join("openspec/changes").join(change);
    write(&change_dir.join("proposal.md"), PROPOSAL);
    if let Some(delta) = delta {
        write(&change_dir.join("specs/auth/spec.md"), delta);
    }
}

/// Exit code and stdout (raw bytes, so nothing is hidden by a lossy decode) of the binary run
/// in `cwd`; stderr must be empty.
fn run(cwd: &Path, args: &[&str]) -> (i32, Vec<u8>) {
    let output = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("spawn openspec-lsp");
    assert!(output.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), output.stdout)
}

fn run_text(cwd: &Path, args: &[&str]) -> String {
    let (code, stdout) = run(cwd, args);
    format!("exit: {code}\n{}", String::from_utf8(stdout).expect("reports are UTF-8"))
}

fn counting_workspace() -> (tempfile::TempDir, PathBuf) {
    let (temp, dir) = workspace();
    add_change(&dir, "add-existing".as_ref(), Some(EXISTING_TARGETS));
    add_change(&dir, "rename-login".as_ref(), Some(MISSING_TARGETS));
    add_change(&dir, "two-factor".as_ref(), Some(GOOD_DELTA));
    // No delta spec at all: a `validate` error, so this item fails.
    add_change(&dir, "empty".as_ref(), None);
    (temp, dir)
}

#[test]
fn human_report_marks_what_counts_and_reports_a_refused_delta_once() {
    let (_temp, dir) = counting_workspace();
    expect![[r#####"
        exit: 1
        info[delta/archive-would-refuse]: Archive would refuse this delta: auth ADDED failed for header "### Requirement: Login" - already exists
         --> openspec/changes/add-existing/specs/auth/spec.md:2:1
          |
        2 | ### Requirement: Login
          | ^^^^^^^^^^^^^^^^^^^^^^
          |
         ::: openspec/specs/auth/spec.md:7:1
          |
        7 | ### Requirement: Login
          | ---------------------- in the main spec

        error[archive/target-exists]: ADDED "Logout" is already a requirement of openspec/specs/auth/spec.md, with different content, so `openspec archive` would refuse this change. Use MODIFIED to change it.
          --> openspec/changes/add-existing/specs/auth/spec.md:9:1
           |
         9 | ### Requirement: Logout
           | ^^^^^^^^^^^^^^^^^^^^^^^
           |
          ::: openspec/specs/auth/spec.md:14:1
           |
        14 | ### Requirement: Logout
           | ----------------------- the requirement in the main spec
           |
           = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

        error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
         --> openspec/changes/empty/proposal.md:1:1
          |
        1 | ## Why
          | ^^^^^^

        info[delta/archive-would-refuse]: Archive would refuse this delta: auth MODIFIED failed for header "### Requirement: Log in" - not found
         --> openspec/changes/rename-login/specs/auth/spec.md:2:1
          |
        2 | ### Requirement: Log in
          | ^^^^^^^^^^^^^^^^^^^^^^^
          |
         ::: openspec/changes/rename-login/specs/auth/spec.md:9:1
          |
        9 | ### Requirement: Sign out
          | ------------------------- MODIFIED "Sign out" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change.

        ✓ spec/auth
        ✓ change/add-existing (also found, not counted: 1 error)
        ✗ change/empty: 1 error
        ✓ change/rename-login
        ✓ change/two-factor
        Totals: 4 passed, 1 failed (5 items); counted: 1 error, 0 warnings, 2 infos; also found, not counted: 1 error
    "#####]]
    .assert_eq(&run_text(&dir, &["check"]));
}

#[test]
fn github_annotations_of_uncounted_findings_are_never_errors_unless_all_rules() {
    let (_temp, dir) = counting_workspace();
    expect![[r#####"
        exit: 1
        ::notice file=openspec/changes/add-existing/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=23,title=delta/archive-would-refuse::Archive would refuse this delta: auth ADDED failed for header "### Requirement: Login" - already exists
        ::warning file=openspec/changes/add-existing/specs/auth/spec.md,line=9,col=1,endLine=9,endColumn=24,title=archive/target-exists (openspec-lsp; not counted)::ADDED "Logout" is already a requirement of openspec/specs/auth/spec.md, with different content, so `openspec archive` would refuse this change. Use MODIFIED to change it.
        ::error file=openspec/changes/empty/proposal.md,line=1,col=1,endLine=1,endColumn=7,title=change/no-deltas::Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
        ::notice file=openspec/changes/rename-login/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=24,title=delta/archive-would-refuse::Archive would refuse this delta: auth MODIFIED failed for header "### Requirement: Log in" - not found
        ok spec/auth
        ok change/add-existing (also found, not counted: 1 error)
        FAILED change/empty: 1 error
        ok change/rename-login
        ok change/two-factor
        openspec-lsp check: 4 passed, 1 failed (5 items); counted: 1 error, 0 warnings, 2 infos; also found, not counted: 1 error
    "#####]]
    .assert_eq(&run_text(&dir, &["check", "--format", "github"]));
    expect![[r#####"
        exit: 1
        ::notice file=openspec/changes/add-existing/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=23,title=delta/archive-would-refuse::Archive would refuse this delta: auth ADDED failed for header "### Requirement: Login" - already exists
        ::error file=openspec/changes/add-existing/specs/auth/spec.md,line=9,col=1,endLine=9,endColumn=24,title=archive/target-exists (openspec-lsp)::ADDED "Logout" is already a requirement of openspec/specs/auth/spec.md, with different content, so `openspec archive` would refuse this change. Use MODIFIED to change it.
        ::error file=openspec/changes/empty/proposal.md,line=1,col=1,endLine=1,endColumn=7,title=change/no-deltas::Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
        ::notice file=openspec/changes/rename-login/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=24,title=delta/archive-would-refuse::Archive would refuse this delta: auth MODIFIED failed for header "### Requirement: Log in" - not found
        ok spec/auth
        FAILED change/add-existing: 1 error
        FAILED change/empty: 1 error
        ok change/rename-login
        ok change/two-factor
        openspec-lsp check: 3 passed, 2 failed (5 items); 2 errors, 0 warnings, 2 infos
    "#####]]
    .assert_eq(&run_text(&dir, &["check", "--format", "github", "--all-rules"]));
}

#[cfg(unix)]
/// Folder names that try to end a workflow command's line, stop command processing, drive the
/// terminal, or are not UTF-8 at all; and a requirement name with terminal escapes.
fn hostile_workspace() -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::ffi::OsStrExt as _;
    let (temp, dir) = workspace();
    for name in [
        &b"x\n::error title=INJECTED::pwned"[..],
        b"::stop-commands::tok3n",
        b"esc\x1b]0;owned\x07\x1b[2J\r\xc2\x9b31m\xe2\x80\xaeevil",
        b"not-utf8-\xff\xfe",
    ] {
        add_change(&dir, std::ffi::OsStr::from_bytes(name), None);
    }
    let delta = MISSING_TARGETS.replace("Sign out", "Sign\x1b[2J out\x07");
    add_change(&dir, "escapes-in-text".as_ref(), Some(&delta));
    (temp, dir)
}

#[cfg(unix)]
/// Control bytes a report must never carry (line feed aside): C0, DEL, C1 and bidi overrides.
fn control_characters(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&ch| {
            (ch.is_control() && ch != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&ch)
                || ('\u{2066}'..='\u{2069}').contains(&ch)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn hostile_names_cannot_inject_workflow_commands() {
    let (_temp, dir) = hostile_workspace();
    let (code, stdout) = run(&dir, &["check", "--format", "github"]);
    assert_eq!(code, 1);
    let text = String::from_utf8(stdout).expect("UTF-8 report");
    assert_eq!(control_characters(&text), Vec::<char>::new());
    for line in text.lines() {
        // GitHub reads a line as a command when it starts with `::` after leading spaces.
        let command = line.trim_start();
        let ours = ["::error file=", "::warning file=", "::notice file=", "ok ", "FAILED ", "openspec-lsp check: "];
        assert!(ours.iter().any(|prefix| command.starts_with(prefix)), "a line we did not write: {line:?}");
    }
    expect![[r#####"
        ::error file=openspec/changes/%3A%3Astop-commands%3A%3Atok3n/proposal.md,line=1,col=1,endLine=1,endColumn=7,title=change/no-deltas::Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
        ::error file=openspec/changes/esc␛]0;owned␇␛[2J%0D�31m�evil/proposal.md,line=1,col=1,endLine=1,endColumn=7,title=change/no-deltas::Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
        ::notice file=openspec/changes/escapes-in-text/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=24,title=delta/archive-would-refuse::Archive would refuse this delta: auth MODIFIED failed for header "### Requirement: Log in" - not found
        ::error file=openspec/changes/not-utf8-��/proposal.md,line=1,col=1,endLine=1,endColumn=7,title=change/no-deltas::Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
        ::error file=openspec/changes/x%0A%3A%3Aerror title=INJECTED%3A%3Apwned/proposal.md,line=1,col=1,endLine=1,endColumn=7,title=change/no-deltas::Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
        ok spec/auth
        FAILED change/::stop-commands::tok3n: 1 error
        FAILED change/esc␛]0;owned␇␛[2J␍�31m�evil: 1 error
        ok change/escapes-in-text
        FAILED change/not-utf8-��: 1 error
        FAILED change/x␊::error title=INJECTED::pwned: 1 error
        openspec-lsp check: 2 passed, 4 failed (6 items); 4 errors, 0 warnings, 1 info
    "#####]]
    .assert_eq(&text);
}

#[cfg(unix)]
#[test]
fn hostile_names_cannot_drive_the_terminal() {
    let (_temp, dir) = hostile_workspace();
    let (code, stdout) = run(&dir, &["check"]);
    assert_eq!(code, 1);
    let text = String::from_utf8(stdout).expect("UTF-8 report");
    assert_eq!(control_characters(&text), Vec::<char>::new());
    expect![[r#####"
        error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
         --> openspec/changes/::stop-commands::tok3n/proposal.md:1:1
          |
        1 | ## Why
          | ^^^^^^

        error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
         --> openspec/changes/esc␛]0;owned␇␛[2J␍�31m�evil/proposal.md:1:1
          |
        1 | ## Why
          | ^^^^^^

        info[delta/archive-would-refuse]: Archive would refuse this delta: auth MODIFIED failed for header "### Requirement: Log in" - not found
         --> openspec/changes/escapes-in-text/specs/auth/spec.md:2:1
          |
        2 | ### Requirement: Log in
          | ^^^^^^^^^^^^^^^^^^^^^^^
          |
         ::: openspec/changes/escapes-in-text/specs/auth/spec.md:9:1
          |
        9 | ### Requirement: Sign␛[2J out␇
          | ------------------------------ MODIFIED "Sign␛[2J out␇" is not a requirement of openspec/specs/auth/spec.md, so `openspec archive` would refuse this change.

        error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
         --> openspec/changes/not-utf8-��/proposal.md:1:1
          |
        1 | ## Why
          | ^^^^^^

        error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
         --> openspec/changes/x␊::error title=INJECTED::pwned/proposal.md:1:1
          |
        1 | ## Why
          | ^^^^^^

        ✓ spec/auth
        ✗ change/::stop-commands::tok3n: 1 error
        ✗ change/esc␛]0;owned␇␛[2J␍�31m�evil: 1 error
        ✓ change/escapes-in-text
        ✗ change/not-utf8-��: 1 error
        ✗ change/x␊::error title=INJECTED::pwned: 1 error
        Totals: 2 passed, 4 failed (6 items); 4 errors, 0 warnings, 1 info
    "#####]]
    .assert_eq(&text);
}

#[cfg(unix)]
#[test]
fn hostile_names_keep_json_sarif_and_gitlab_valid_and_exact() {
    let (_temp, dir) = hostile_workspace();
    for format in ["json", "sarif", "gitlab"] {
        let (code, stdout) = run(&dir, &["check", "--format", format]);
        assert_eq!(code, 1, "{format}");
        let value: serde_json::Value = serde_json::from_slice(&stdout).expect("valid JSON");
        let strings = json_strings(&value);
        // Names reach machine formats as written (an invalid UTF-8 byte as U+FFFD); SARIF URIs
        // percent-encode them instead.
        let expected: &[&str] = if format == "sarif" {
            &[
                "openspec/changes/x%0A%3A%3Aerror%20title%3DINJECTED%3A%3Apwned/proposal.md",
                "openspec/changes/%3A%3Astop-commands%3A%3Atok3n/proposal.md",
                "openspec/changes/esc%1B%5D0%3Bowned%07%1B%5B2J%0D%C2%9B31m%E2%80%AEevil/proposal.md",
                "openspec/changes/not-utf8-%EF%BF%BD%EF%BF%BD/proposal.md",
            ]
        } else {
            &[
                "openspec/changes/x\n::error title=INJECTED::pwned/proposal.md",
                "openspec/changes/::stop-commands::tok3n/proposal.md",
                "openspec/changes/esc\x1b]0;owned\x07\x1b[2J\r\u{9b}31m\u{202e}evil/proposal.md",
                "openspec/changes/not-utf8-\u{fffd}\u{fffd}/proposal.md",
            ]
        };
        for path in expected {
            assert!(strings.iter().any(|text| text == path), "{format} lacks {path:?}: {strings:?}");
        }
    }
}

#[cfg(unix)]
fn json_strings(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(text) => vec![text.clone()],
        serde_json::Value::Array(values) => values.iter().flat_map(json_strings).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(json_strings).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn a_file_path_says_which_root_was_checked() {
    let (_temp, dir) = workspace();
    let output = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(["check", "auth/spec.md"])
        .current_dir(dir.join("openspec/specs"))
        .output()
        .expect("spawn openspec-lsp");
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&dir.display().to_string(), "<tmp>");
    expect![[r#"
        openspec-lsp: checked every spec and active change of the OpenSpec root <tmp>, which auth/spec.md belongs to
    "#]]
    .assert_eq(&stderr);
    let output = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(["check", "--format", "json", "openspec/specs/auth/spec.md"])
        .current_dir(&dir)
        .output()
        .expect("spawn openspec-lsp");
    expect![[r#"
        openspec-lsp: checked every spec and active change of the OpenSpec root ., which openspec/specs/auth/spec.md belongs to
    "#]]
    .assert_eq(&String::from_utf8_lossy(&output.stderr));
    // A folder path is a root (or holds roots) as usual: nothing to explain.
    let output = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(["check", "openspec"])
        .current_dir(&dir)
        .output()
        .expect("spawn openspec-lsp");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// The README says what the bundled demo shows: one item fails on purpose, with one counted
/// error and three counted warnings.
#[test]
fn the_bundled_demo_fails_one_item_as_the_readme_says() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples/demo");
    let (code, stdout) = run(&demo, &["check"]);
    let text = String::from_utf8(stdout).expect("UTF-8 report");
    let verdicts: Vec<&str> = text.lines().filter(|line| line.starts_with(['✓', '✗', 'T'])).collect();
    expect![[r#"
        exit: 1
        ✓ spec/auth
        ✓ spec/billing/invoices
        ✓ spec/notifications
        ✓ change/add-two-factor-auth
        ✗ change/rework-notifications: 1 error, 3 warnings
        Totals: 4 passed, 1 failed (5 items); 1 error, 3 warnings, 0 infos
    "#]]
    .assert_eq(&format!("exit: {code}\n{}\n", verdicts.join("\n")));
}
