//! End-to-end tests of `openspec-lsp check`: spawn the built binary on small workspaces written
//! to temp folders and assert on exit codes, stdout and stderr. The workspaces are valid for
//! `openspec validate --strict` (checked with the 1.13.2 CLI), so these snapshots do not move
//! as rules land; findings come only from invalid UTF-8, which this crate owns.

use std::fs;
use std::path::Path;
use std::process::Command;

use expect_test::{Expect, expect};

/// A workspace that `openspec validate --all --strict` passes.
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

- [ ] 1.1 Add the code prompt
- [x] 1.2 Store the shared secret
";

fn write_fixture(dir: &Path, fixture: &str) {
    for file in test_utils::Fixture::parse(fixture.trim_start()).files {
        let path = dir.join(&file.path);
        fs::create_dir_all(path.parent().expect("fixture paths have a parent")).expect("create folder");
        fs::write(path, file.text).expect("write fixture file");
    }
}

/// Runs the binary in `cwd` and renders exit code, stdout and stderr, with the temp folder's
/// path replaced by `<tmp>`.
fn run(cwd: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("spawn openspec-lsp");
    let tmp = cwd.display().to_string();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&tmp, "<tmp>");
    let exit = output.status.code().map_or("signal".to_owned(), |code| code.to_string());
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    let stdout = if stdout.is_empty() { String::new() } else { format!("--- stdout\n{stdout}") };
    let stderr = if stderr.is_empty() { String::new() } else { format!("--- stderr\n{stderr}") };
    format!("exit: {exit}\n{stdout}{stderr}")
}

fn temp_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let canonical = temp.path().canonicalize().expect("canonical temp dir");
    (temp, canonical)
}

fn check(fixture: &str, args: &[&str], expected: &Expect) {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, fixture);
    expected.assert_eq(&run(&dir, args));
}

#[test]
fn valid_workspace_human() {
    check(
        VALID,
        &["check", "--strict"],
        &expect![[r#"
            exit: 0
            --- stdout
            ✓ spec/auth
            ✓ change/add-2fa
            Totals: 2 passed, 0 failed (2 items) (strict); 0 errors, 0 warnings, 0 infos
        "#]],
    );
}

#[test]
fn valid_workspace_from_a_subfolder_and_from_the_openspec_folder() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, VALID);
    let from_root = run(&dir, &["check", "--format", "json"]);
    let from_openspec = run(&dir.join("openspec"), &["check", "--format", "json"]);
    let from_change = run(&dir, &["check", "--format", "json", "openspec/changes/add-2fa/specs"]);
    assert_eq!(from_root, from_openspec);
    assert_eq!(from_root, from_change);
}

#[test]
fn invalid_utf8_is_a_warning_that_counts_only_with_all_rules() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, VALID);
    let spec = dir.join("openspec/specs/auth/spec.md");
    let mut bytes = fs::read(&spec).expect("read spec");
    let at = bytes.windows(4).position(|window| window == b"only").expect("word in purpose");
    bytes.splice(at..at, *b"\xE9\xE9 ");
    fs::write(&spec, bytes).expect("write spec");
    expect![[r#"
        exit: 0
        --- stdout
        {
          "items": [
            {
              "kind": "spec",
              "id": "auth",
              "valid": true,
              "errors": 0,
              "warnings": 0
            },
            {
              "kind": "change",
              "id": "add-2fa",
              "valid": true,
              "errors": 0,
              "warnings": 0
            }
          ],
          "diagnostics": [
            {
              "path": "openspec/specs/auth/spec.md",
              "line": 4,
              "column": 44,
              "end_line": 4,
              "end_column": 45,
              "severity": "warning",
              "code": "file/invalid-utf8",
              "source": "openspec-lsp",
              "message": "This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with �, so names and headers may not match what you see. Save the file as UTF-8."
            }
          ],
          "summary": {
            "items": 2,
            "passed": 2,
            "failed": 0,
            "errors": 0,
            "warnings": 1,
            "infos": 0
          }
        }
    "#]]
    .assert_eq(&run(&dir, &["check", "--strict", "--format", "json"]));
    expect![[r#"
        exit: 1
        --- stdout
        warning[file/invalid-utf8]: This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with �, so names and headers may not match what you see. Save the file as UTF-8.
         --> openspec/specs/auth/spec.md:4:44
          |
        4 | Authenticate users with a password so that �� only they can reach their own data.
          |                                            ^

        ✗ spec/auth: 1 warning
        ✓ change/add-2fa
        Totals: 1 passed, 1 failed (2 items) (strict); 0 errors, 1 warning, 0 infos
    "#]]
    .assert_eq(&run(&dir, &["check", "--strict", "--all-rules"]));
}

#[test]
fn several_roots_below_path_are_checked_each_on_its_own() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir.join("packages/api"), VALID);
    write_fixture(&dir.join("packages/web"), "//- /openspec/config.yaml\nschema: spec-driven\n");
    write_fixture(&dir.join("node_modules/dep"), VALID);
    write_fixture(&dir, "//- /.gitignore\nnode_modules/\n");
    expect![[r#"
        exit: 0
        --- stdout
        ok spec/auth (packages/api)
        ok change/add-2fa (packages/api)
        openspec-lsp check: 2 passed, 0 failed (2 items); 0 errors, 0 warnings, 0 infos
    "#]]
    .assert_eq(&run(&dir, &["check", "--format", "github"]));
}

#[test]
fn github_paths_are_relative_to_the_current_directory() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir.join("docs/specs-site"), VALID);
    let spec = dir.join("docs/specs-site/openspec/specs/auth/spec.md");
    let mut bytes = fs::read(&spec).expect("read spec");
    bytes.extend_from_slice(b"\xFF\n");
    fs::write(&spec, bytes).expect("write spec");
    expect![[r#"
        exit: 0
        --- stdout
        ::warning file=docs/specs-site/openspec/specs/auth/spec.md,line=13,col=1,endLine=13,endColumn=2,title=file/invalid-utf8::This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with �, so names and headers may not match what you see. Save the file as UTF-8.
        ok spec/auth
        ok change/add-2fa
        openspec-lsp check: 2 passed, 0 failed (2 items); 0 errors, 1 warning, 0 infos
    "#]].assert_eq(&run(&dir, &["check", "--format", "github", "docs/specs-site"]));
}

#[test]
fn no_root_is_a_usage_error() {
    check(
        "//- /docs/readme.md\nNothing here.\n//- /bare/openspec/notes.md\nNot a root.\n",
        &["check"],
        &expect![[r#"
            exit: 2
            --- stderr
            openspec-lsp: error: no OpenSpec root found at or above <tmp> nor in any folder below it. A root is a folder holding `openspec/` with a `specs/` or `changes/` folder or a `config.yaml`; run `openspec init` to create one
        "#]],
    );
    check(
        "//- /docs/readme.md\nNothing here.\n",
        &["check", "missing"],
        &expect![[r#"
            exit: 2
            --- stderr
            openspec-lsp: error: cannot open missing: No such file or directory (os error 2)
        "#]],
    );
}

#[test]
fn usage_errors_exit_2_and_a_server_whose_stdin_closes_exits_1() {
    // Without a command the binary is the language server; stdin closing before `shutdown`
    // is an abnormal end, so it exits 1 as LSP asks of `exit` without `shutdown`.
    check(
        VALID,
        &[],
        &expect![[r#"
            exit: 1
        "#]],
    );
    check(
        VALID,
        &["serve"],
        &expect![[r#"
            exit: 1
        "#]],
    );
    check(
        VALID,
        &["check", "--format", "xml"],
        &expect![[r#"
            exit: 2
            --- stderr
            error: invalid value 'xml' for '--format <FORMAT>'
              [possible values: human, json, sarif, github]

            For more information, try '--help'.
        "#]],
    );
}

/// chmod 000 on a spec: where permissions are enforced the spec cannot be read and fails (as
/// with the CLI); as root (CI) it reads fine. Both outcomes are asserted, never skipped.
#[cfg(unix)]
#[test]
fn unreadable_spec() {
    use std::os::unix::fs::PermissionsExt;
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, VALID);
    let spec = dir.join("openspec/specs/auth/spec.md");
    fs::set_permissions(&spec, fs::Permissions::from_mode(0o000)).expect("chmod");
    let permissions_enforced = fs::read(&spec).is_err();
    let output = run(&dir, &["check", "--format", "github"]);
    if permissions_enforced {
        assert!(output.starts_with("exit: 1\n"), "{output}");
        assert!(output.contains("FAILED spec/auth"), "{output}");
        assert!(output.contains("::error file=openspec/specs/auth/spec.md,line=1,col=1"), "{output}");
    } else {
        expect![[r#"
            exit: 0
            --- stdout
            ok spec/auth
            ok change/add-2fa
            openspec-lsp check: 2 passed, 0 failed (2 items); 0 errors, 0 warnings, 0 infos
        "#]]
        .assert_eq(&output);
    }
}
