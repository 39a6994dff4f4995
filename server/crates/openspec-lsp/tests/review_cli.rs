//! End-to-end tests of the opt-in review rules in `openspec-lsp check`: off without a policy
//! (the output is that of a workspace without them), on at the policy's level with one, in
//! every format, counted toward verdicts only under `--all-rules`.

use std::fs;
use std::path::Path;
use std::process::Command;

use expect_test::expect;
use test_utils::{temp_dir, write_fixture};

/// Valid for `openspec validate --strict`, with something for every review rule to find.
const WORKSPACE: &str = r"
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
The system SHALL ask for a one-time code and should do so quickly.

#### Scenario: Code required
- **WHEN** a user enters the right password
//- /openspec/changes/add-2fa/tasks.md
## 1. Login

- [ ] 1.1 Add the code prompt
";

const POLICY: &str = "# openspec-lsp.toml\n[severity]\n\"review/*\" = \"warning\"\n\"review/weak-modal\" = \"error\"\n\n[review]\nvague-terms = [\"quickly\"]\n";

fn run(cwd: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("spawn openspec-lsp");
    let exit = output.status.code().map_or("signal".to_owned(), |code| code.to_string());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    format!("exit: {exit}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}

#[test]
fn review_rules_are_off_without_a_policy() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, WORKSPACE);
    expect![[r#"
        exit: 0
        --- stdout
        ✓ spec/auth
        ✓ change/add-2fa
        Totals: 2 passed, 0 failed (2 items) (strict); 0 errors, 0 warnings, 0 infos
        --- stderr
    "#]]
    .assert_eq(&run(&dir, &["check", "--strict", "--all-rules"]));
}

#[test]
fn a_policy_turns_them_on_at_its_levels_in_every_format() {
    let (_temp, dir) = temp_dir();
    write_fixture(&dir, WORKSPACE);
    fs::write(dir.join("openspec-lsp.toml"), POLICY).expect("policy");
    expect![[r#"
        exit: 0
        --- stdout
        warning[review/impact-missing]: The proposal has no `## Impact` section: list the specs, code, APIs and systems this change affects, so reviewers see its reach.
         --> openspec/changes/add-2fa/proposal.md:1:1
          |
        1 | ## Why
          | ^^^^^^
          |
          = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

        error[review/weak-modal]: Weak modal "should" in the normative sentence of requirement "One-time code": a reviewer cannot tell whether it is required. Use SHALL or MUST, or move the optional behaviour into a requirement of its own.
         --> openspec/changes/add-2fa/specs/auth/spec.md:3:46
          |
        3 | The system SHALL ask for a one-time code and should do so quickly.
          |                                              ^^^^^^
          |
          = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

        warning[review/vague-term]: Vague term "quickly" in requirement "One-time code": say what it means in a way a test can check (a number, a limit, a list).
         --> openspec/changes/add-2fa/specs/auth/spec.md:3:59
          |
        3 | The system SHALL ask for a one-time code and should do so quickly.
          |                                                           ^^^^^^^
          |
          = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

        warning[review/scenario-missing-step]: Scenario "Code required" of requirement "One-time code" has no THEN step: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).
         --> openspec/changes/add-2fa/specs/auth/spec.md:5:1
          |
        5 | #### Scenario: Code required
          | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          |
          = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

        warning[review/test-task-missing]: None of this change's tasks (1) is about tests: add one that writes or runs the tests for this change's scenarios.
         --> openspec/changes/add-2fa/tasks.md:1:1
          |
        1 | ## 1. Login
          | ^^^^^^^^^^^
          |
          = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

        ✓ spec/auth
        ✓ change/add-2fa (also found, not counted: 1 error, 4 warnings)
        Totals: 2 passed, 0 failed (2 items); counted: 0 errors, 0 warnings, 0 infos; also found, not counted: 1 error, 4 warnings
        --- stderr
    "#]].assert_eq(&run(&dir, &["check"]));
    expect![[r#"
        exit: 1
        --- stdout
        ::warning file=openspec/changes/add-2fa/proposal.md,line=1,col=1,endLine=1,endColumn=7,title=review/impact-missing (openspec-lsp)::The proposal has no `## Impact` section: list the specs, code, APIs and systems this change affects, so reviewers see its reach.
        ::error file=openspec/changes/add-2fa/specs/auth/spec.md,line=3,col=46,endLine=3,endColumn=52,title=review/weak-modal (openspec-lsp)::Weak modal "should" in the normative sentence of requirement "One-time code": a reviewer cannot tell whether it is required. Use SHALL or MUST, or move the optional behaviour into a requirement of its own.
        ::warning file=openspec/changes/add-2fa/specs/auth/spec.md,line=3,col=59,endLine=3,endColumn=66,title=review/vague-term (openspec-lsp)::Vague term "quickly" in requirement "One-time code": say what it means in a way a test can check (a number, a limit, a list).
        ::warning file=openspec/changes/add-2fa/specs/auth/spec.md,line=5,col=1,endLine=5,endColumn=29,title=review/scenario-missing-step (openspec-lsp)::Scenario "Code required" of requirement "One-time code" has no THEN step: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).
        ::warning file=openspec/changes/add-2fa/tasks.md,line=1,col=1,endLine=1,endColumn=12,title=review/test-task-missing (openspec-lsp)::None of this change's tasks (1) is about tests: add one that writes or runs the tests for this change's scenarios.
        ok spec/auth
        FAILED change/add-2fa: 1 error, 4 warnings
        openspec-lsp check: 1 passed, 1 failed (2 items); 1 error, 4 warnings, 0 infos
        --- stderr
    "#]].assert_eq(&run(&dir, &["check", "--all-rules", "--format", "github"]));
    let json = run(&dir, &["check", "--format", "json"]);
    assert!(json.contains("\"code\": \"review/weak-modal\""), "{json}");
    let sarif = run(&dir, &["check", "--format", "sarif"]);
    assert!(sarif.contains("review/test-task-missing"), "{sarif}");
    let gitlab = run(&dir, &["check", "--format", "gitlab"]);
    assert!(gitlab.contains("review/impact-missing"), "{gitlab}");
}
