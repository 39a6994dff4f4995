//! The archive-preview recipe of `docs/ci.md`, run as written: the shell lines between
//! `preview-recipe-begin` and `preview-recipe-end` run with the built binary on `PATH` in a
//! fixture workspace, with the `changes.txt` the recipe's previous step would write.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

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
//- /openspec/changes/add-2fa/specs/auth/spec.md
## ADDED Requirements
### Requirement: One-time code
The system MUST ask for a one-time code after a correct password.

#### Scenario: Code required
- **WHEN** a user enters the right password
- **THEN** they are asked for a one-time code
//- /openspec/changes/rename-login/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Sign in
The system SHALL let a user sign in.

#### Scenario: Signed in
- **WHEN** a user signs in
- **THEN** they are in
";

fn recipe() -> String {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/ci.md");
    let doc = fs::read_to_string(&doc_path).expect("read docs/ci.md");
    let begin = doc.find("# preview-recipe-begin").expect("docs/ci.md has # preview-recipe-begin");
    let end = doc.find("# preview-recipe-end").expect("docs/ci.md has # preview-recipe-end");
    let block = doc.get(begin..end).expect("begin before end");
    block.lines().skip(1).map(str::trim_start).collect::<Vec<_>>().join("\n")
}

#[test]
fn posts_a_diff_per_touched_change_with_refusals() {
    let (_temp, dir) = test_utils::temp_workspace(WORKSPACE);
    let dir = dir.as_path();
    // What `git diff --name-only ... | sed ... | sort -u` gives: two changes, the archive folder
    // and a change deleted by the pull request.
    fs::write(dir.join("changes.txt"), "add-2fa\narchive\ngone\nrename-login\n").expect("write changes.txt");
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_openspec-lsp"));
    let bin_dir = binary.parent().expect("binary folder");
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let status =
        Command::new("sh").arg("-c").arg(recipe()).current_dir(dir).env("PATH", path).status().expect("run sh");
    assert!(status.success(), "the recipe failed");
    let posted = fs::read_to_string(dir.join("preview.md")).expect("the recipe writes preview.md");
    let expected = "### Archiving `add-2fa`
```diff
--- a/openspec/specs/auth/spec.md
+++ b/openspec/specs/auth/spec.md
@@ -4,9 +4,17 @@
 Authenticate users with a password so that only they can reach their own data.
 
 ## Requirements
+
 ### Requirement: Password login
 The system SHALL let a user log in with their email and password.
 
 #### Scenario: Correct password
 - **WHEN** a user submits the right email and password
 - **THEN** they are logged in
+
+### Requirement: One-time code
+The system MUST ask for a one-time code after a correct password.
+
+#### Scenario: Code required
+- **WHEN** a user enters the right password
+- **THEN** they are asked for a one-time code
```
### Archiving `rename-login`
```diff
openspec/changes/rename-login/specs/auth/spec.md:2:1: archive would refuse: auth MODIFIED failed for header \"### Requirement: Sign in\" - not found
```
";
    assert_eq!(posted, expected);
}
