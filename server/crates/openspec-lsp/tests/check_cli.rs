//! End-to-end tests of `openspec-lsp check`: spawn the built binary on small workspaces written
//! to temp folders and assert on exit codes, stdout and stderr. The workspaces are valid for
//! `openspec validate --strict` (checked with the 1.13.2 CLI), so these snapshots do not move
//! as rules land; findings come only from invalid UTF-8, which this crate owns.

use std::fs;
use std::path::Path;

use expect_test::{Expect, expect};
use test_utils::{temp_dir, temp_workspace, write_fixture};

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

/// Runs the binary in `cwd` and renders exit code, stdout and stderr, with the temp folder's
/// path replaced by `<tmp>`.
fn run(cwd: &Path, args: &[&str]) -> String {
    test_utils::run_rendered(env!("CARGO_BIN_EXE_openspec-lsp"), cwd, args, false)
}

fn check(fixture: &str, args: &[&str], expected: &Expect) {
    let (_temp, dir) = temp_workspace(fixture);
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
          |
          = source: openspec-lsp (this tool's own check), counted toward the verdict (--all-rules)

        ✗ spec/auth: 1 warning (strict)
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
        ::warning file=docs/specs-site/openspec/specs/auth/spec.md,line=13,col=1,endLine=13,endColumn=2,title=file/invalid-utf8 (openspec-lsp; not counted)::This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with �, so names and headers may not match what you see. Save the file as UTF-8.
        ok spec/auth (also found, not counted: 1 warning)
        ok change/add-2fa
        openspec-lsp check: 2 passed, 0 failed (2 items); counted: 0 errors, 0 warnings, 0 infos; also found, not counted: 1 warning
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
              [possible values: human, json, sarif, github, gitlab]

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

/// A root with the legacy layout: `project.md`, the obsolete `openspec/AGENTS.md`, a marker
/// block in the user's `CLAUDE.md` and a generated slash command.
fn legacy_workspace() -> String {
    format!(
        "{VALID}//- /openspec/project.md\n# Project Context\n\nStack: Rust\n//- /openspec/AGENTS.md\n# OpenSpec Instructions\n//- /CLAUDE.md\n# House rules\n\n<!-- OPENSPEC:START -->\nRead openspec/AGENTS.md.\n<!-- OPENSPEC:END -->\n\nBe kind.\n//- /.cursor/commands/openspec-proposal.md\n# OpenSpec: Proposal\n"
    )
}

#[test]
fn legacy_files_are_reported_but_never_change_a_verdict() {
    check(
        &legacy_workspace(),
        &["check", "--strict", "--format", "github"],
        &expect![[r#"
            exit: 0
            --- stdout
            ::warning file=.cursor/commands/openspec-proposal.md,line=1,col=1,endLine=1,endColumn=21,title=legacy/slash-command (openspec-lsp; not counted)::A slash command generated by an older OpenSpec release; it drives the old workflow, and today's OpenSpec skills and `/opsx` commands replace it. Migration: delete this file (`openspec update` does).
            ::warning file=CLAUDE.md,line=3,col=1,endLine=3,endColumn=24,title=legacy/marker-block (openspec-lsp; not counted)::An OpenSpec marker block from an older release: its instructions contradict today's OpenSpec skills. Migration: remove the block from this marker to the end marker; your own text around it stays.
            ::warning file=openspec/AGENTS.md,line=1,col=1,endLine=1,endColumn=24,title=legacy/obsolete-agents-file (openspec-lsp; not counted)::openspec/AGENTS.md was generated by an older OpenSpec release and still describes the old workflow to agents; today's skills and commands replace it. Migration: delete it (`openspec update` does), after moving anything you added by hand to the root AGENTS.md.
            ::notice file=openspec/project.md,line=1,col=1,endLine=1,endColumn=18,title=legacy/project-md (openspec-lsp; not counted)::openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: create openspec/config.yaml with `schema: spec-driven` and this file's text as `context:` (31 bytes of the 50 KB limit).
            ::notice file=openspec/project.md,line=1,col=1,endLine=1,endColumn=18,title=legacy/missing-config (openspec-lsp; not counted)::This root has the legacy layout and no openspec/config.yaml, so every change defaults to the `spec-driven` schema and the agent gets no project `context:`. Migration: create openspec/config.yaml with `schema: spec-driven`.
            ok spec/auth
            ok change/add-2fa
            openspec-lsp check: 2 passed, 0 failed (2 items); counted: 0 errors, 0 warnings, 0 infos; also found, not counted: 3 warnings, 2 infos
        "#]],
    );
}

#[test]
fn migration_dry_run_in_every_format() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, &legacy_workspace());
    expect![[r#"
        exit: 1
        --- stdout
        warning[legacy/slash-command]: A slash command generated by an older OpenSpec release; it drives the old workflow, and today's OpenSpec skills and `/opsx` commands replace it. Migration: delete this file (`openspec update` does).
         --> .cursor/commands/openspec-proposal.md:1:1
          |
        1 | # OpenSpec: Proposal
          | ^^^^^^^^^^^^^^^^^^^^

        warning[legacy/marker-block]: An OpenSpec marker block from an older release: its instructions contradict today's OpenSpec skills. Migration: remove the block from this marker to the end marker; your own text around it stays.
         --> CLAUDE.md:3:1
          |
        3 | <!-- OPENSPEC:START -->
          | ^^^^^^^^^^^^^^^^^^^^^^^
          |
         ::: CLAUDE.md:5:1
          |
        5 | <!-- OPENSPEC:END -->
          | --------------------- the block ends here

        warning[legacy/obsolete-agents-file]: openspec/AGENTS.md was generated by an older OpenSpec release and still describes the old workflow to agents; today's skills and commands replace it. Migration: delete it (`openspec update` does), after moving anything you added by hand to the root AGENTS.md.
         --> openspec/AGENTS.md:1:1
          |
        1 | # OpenSpec Instructions
          | ^^^^^^^^^^^^^^^^^^^^^^^

        info[legacy/project-md]: openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: create openspec/config.yaml with `schema: spec-driven` and this file's text as `context:` (31 bytes of the 50 KB limit).
         --> openspec/project.md:1:1
          |
        1 | # Project Context
          | ^^^^^^^^^^^^^^^^^

        info[legacy/missing-config]: This root has the legacy layout and no openspec/config.yaml, so every change defaults to the `spec-driven` schema and the agent gets no project `context:`. Migration: create openspec/config.yaml with `schema: spec-driven`.
         --> openspec/project.md:1:1
          |
        1 | # Project Context
          | ^^^^^^^^^^^^^^^^^

        Migration (dry run, nothing was written): 4 files to migrate.
    "#]].assert_eq(&run(&dir, &["check", "--migration"]));
    expect![[r#"
        exit: 1
        --- stdout
        {
          "items": [],
          "diagnostics": [
            {
              "path": ".cursor/commands/openspec-proposal.md",
              "line": 1,
              "column": 1,
              "end_line": 1,
              "end_column": 21,
              "severity": "warning",
              "code": "legacy/slash-command",
              "source": "openspec-lsp",
              "message": "A slash command generated by an older OpenSpec release; it drives the old workflow, and today's OpenSpec skills and `/opsx` commands replace it. Migration: delete this file (`openspec update` does)."
            },
            {
              "path": "CLAUDE.md",
              "line": 3,
              "column": 1,
              "end_line": 3,
              "end_column": 24,
              "severity": "warning",
              "code": "legacy/marker-block",
              "source": "openspec-lsp",
              "message": "An OpenSpec marker block from an older release: its instructions contradict today's OpenSpec skills. Migration: remove the block from this marker to the end marker; your own text around it stays.",
              "related": [
                {
                  "path": "CLAUDE.md",
                  "line": 5,
                  "column": 1,
                  "end_line": 5,
                  "end_column": 22,
                  "message": "the block ends here"
                }
              ]
            },
            {
              "path": "openspec/AGENTS.md",
              "line": 1,
              "column": 1,
              "end_line": 1,
              "end_column": 24,
              "severity": "warning",
              "code": "legacy/obsolete-agents-file",
              "source": "openspec-lsp",
              "message": "openspec/AGENTS.md was generated by an older OpenSpec release and still describes the old workflow to agents; today's skills and commands replace it. Migration: delete it (`openspec update` does), after moving anything you added by hand to the root AGENTS.md."
            },
            {
              "path": "openspec/project.md",
              "line": 1,
              "column": 1,
              "end_line": 1,
              "end_column": 18,
              "severity": "info",
              "code": "legacy/project-md",
              "source": "openspec-lsp",
              "message": "openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: create openspec/config.yaml with `schema: spec-driven` and this file's text as `context:` (31 bytes of the 50 KB limit)."
            },
            {
              "path": "openspec/project.md",
              "line": 1,
              "column": 1,
              "end_line": 1,
              "end_column": 18,
              "severity": "info",
              "code": "legacy/missing-config",
              "source": "openspec-lsp",
              "message": "This root has the legacy layout and no openspec/config.yaml, so every change defaults to the `spec-driven` schema and the agent gets no project `context:`. Migration: create openspec/config.yaml with `schema: spec-driven`."
            }
          ],
          "summary": {
            "items": 0,
            "passed": 0,
            "failed": 0,
            "errors": 0,
            "warnings": 3,
            "infos": 2
          }
        }
    "#]].assert_eq(&run(&dir, &["check", "--migration", "--format", "json"]));
    expect![[r#"
        exit: 1
        --- stdout
        ::warning file=.cursor/commands/openspec-proposal.md,line=1,col=1,endLine=1,endColumn=21,title=legacy/slash-command (openspec-lsp)::A slash command generated by an older OpenSpec release; it drives the old workflow, and today's OpenSpec skills and `/opsx` commands replace it. Migration: delete this file (`openspec update` does).
        ::warning file=CLAUDE.md,line=3,col=1,endLine=3,endColumn=24,title=legacy/marker-block (openspec-lsp)::An OpenSpec marker block from an older release: its instructions contradict today's OpenSpec skills. Migration: remove the block from this marker to the end marker; your own text around it stays.
        ::warning file=openspec/AGENTS.md,line=1,col=1,endLine=1,endColumn=24,title=legacy/obsolete-agents-file (openspec-lsp)::openspec/AGENTS.md was generated by an older OpenSpec release and still describes the old workflow to agents; today's skills and commands replace it. Migration: delete it (`openspec update` does), after moving anything you added by hand to the root AGENTS.md.
        ::notice file=openspec/project.md,line=1,col=1,endLine=1,endColumn=18,title=legacy/project-md (openspec-lsp)::openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: create openspec/config.yaml with `schema: spec-driven` and this file's text as `context:` (31 bytes of the 50 KB limit).
        ::notice file=openspec/project.md,line=1,col=1,endLine=1,endColumn=18,title=legacy/missing-config (openspec-lsp)::This root has the legacy layout and no openspec/config.yaml, so every change defaults to the `spec-driven` schema and the agent gets no project `context:`. Migration: create openspec/config.yaml with `schema: spec-driven`.
        openspec-lsp check --migration: 4 files to migrate (dry run)
    "#]].assert_eq(&run(&dir, &["check", "--migration", "--format", "github"]));
    for format in ["sarif", "gitlab"] {
        let output = run(&dir, &["check", "--migration", "--format", format]);
        assert!(output.starts_with("exit: 1\n") && output.contains("legacy/marker-block"), "{output}");
    }
    assert!(!dir.join("openspec/config.yaml").exists(), "a dry run writes nothing");
}

#[test]
fn archive_readiness_answers_with_the_exit_code() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, VALID);
    expect![[r#"
        exit: 1
        --- stdout
        ✗ change/add-2fa: not ready to archive: 1 open task
    "#]]
    .assert_eq(&run(&dir, &["check", "--archive-ready", "add-2fa"]));
    expect![[r#"
        exit: 1
        --- stdout
        {
          "items": [
            {
              "kind": "change",
              "id": "add-2fa",
              "valid": true,
              "errors": 0,
              "warnings": 0
            }
          ],
          "diagnostics": [],
          "summary": {
            "items": 1,
            "passed": 1,
            "failed": 0,
            "errors": 0,
            "warnings": 0,
            "infos": 0
          },
          "archive_ready": {
            "change": "add-2fa",
            "ready": false,
            "title": "not ready to archive: 1 open task",
            "validation_errors": 0,
            "open_tasks": 1,
            "archive_problems": 0,
            "archive_warnings": 0
          }
        }
    "#]]
    .assert_eq(&run(&dir, &["check", "--archive-ready", "add-2fa", "--format", "json"]));
    expect![[r#"
        exit: 2
        --- stderr
        openspec-lsp: error: no active change named `nope` (archived changes and specs have no archive readiness)
    "#]]
    .assert_eq(&run(&dir, &["check", "--archive-ready", "nope"]));
}

#[test]
fn repository_policy_sets_levels_in_every_format() {
    let indented = VALID.replace("- **THEN** they are logged in\n", "- **THEN** they are logged in\n  ### Notes\n");
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, &indented);
    let before = run(&dir, &["check", "--strict", "--all-rules", "--format", "github"]);
    assert!(before.contains("::warning file=openspec/specs/auth/spec.md"), "{before}");
    fs::write(dir.join("openspec-lsp.toml"), "[severity]\n\"markdown/indented-heading\" = \"info\"\n").expect("policy");
    expect![[r#"
        exit: 0
        --- stdout
        ::notice file=openspec/specs/auth/spec.md,line=13,col=3,endLine=13,endColumn=12,title=markdown/indented-heading (openspec-lsp; not counted)::This heading is indented, so OpenSpec does not read it as a heading (OpenSpec headings start in the first column), although Markdown renders it as one. Remove the leading spaces.
        ok spec/auth
        ok change/add-2fa
        openspec-lsp check: 2 passed, 0 failed (2 items); counted: 0 errors, 0 warnings, 0 infos; also found, not counted: 1 info
    "#]].assert_eq(&run(&dir, &["check", "--strict", "--all-rules", "--format", "github"]));
    fs::write(dir.join("openspec-lsp.toml"), "[severity]\n\"markdown/*\" = \"off\"\n").expect("policy");
    expect![[r#"
        exit: 0
        --- stdout
        []
    "#]]
    .assert_eq(&run(&dir, &["check", "--strict", "--all-rules", "--format", "gitlab"]));
    fs::write(dir.join("openspec-lsp.toml"), "[severity]\n\"markdown/indented-heading\" = \"loud\"\n").expect("policy");
    expect![[r#"
        exit: 2
        --- stdout
        ::error file=openspec-lsp.toml,line=2,col=31,endLine=2,endColumn=37,title=policy/invalid (openspec-lsp)::The level of `markdown/indented-heading` must be one of "error", "warning", "info", "hint" or "off".
        ::warning file=openspec/specs/auth/spec.md,line=13,col=3,endLine=13,endColumn=12,title=markdown/indented-heading (openspec-lsp; not counted)::This heading is indented, so OpenSpec does not read it as a heading (OpenSpec headings start in the first column), although Markdown renders it as one. Remove the leading spaces.
        ok spec/auth
        ok change/add-2fa
        openspec-lsp check: 2 passed, 0 failed (2 items); counted: 1 error, 0 warnings, 0 infos; also found, not counted: 1 warning
        --- stderr
        openspec-lsp: error: openspec-lsp.toml is invalid (see the policy/invalid findings above)
    "#]].assert_eq(&run(&dir, &["check", "--format", "github"]));
}
