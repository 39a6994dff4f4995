//! `openspec-lsp history`: the built binary on a fixture workspace whose archive is messy
//! (`tests/history/workspace.md`: an undated folder, a rename; here also a requirement name with
//! control characters): the human timeline, the JSON document, escaping per format, and exit 2
//! for what nothing names.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use test_utils::temp_workspace;

/// Shared with the protocol test (`tests/history_protocol.rs`).
const WORKSPACE: &str = include_str!("../../../../tests/history/workspace.md");

/// `WORKSPACE` with a requirement named with a bell and a terminal colour escape.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    temp_workspace(&WORKSPACE.replace("Bell red", "Bell \u{7}\u{1b}[31m red"))
}

fn history(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openspec-lsp"))
        .arg("history")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn openspec-lsp")
}

#[test]
fn human_timeline_oldest_first_following_the_rename() {
    let (_temp, dir) = workspace();
    let output = history(&dir, &["auth", "Sign in"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let expected = "\
auth / Requirement: Sign in (openspec/specs/auth/spec.md:7:1)
  2024-01-05  ADDED         add-login  \"Login\"  openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md:2:1
  2024-02-01  RENAMED FROM  rename-login  \"Login -> Sign in\"  openspec/changes/archive/2024-02-01-rename-login/specs/auth/spec.md:2:1
  2024-02-01  RENAMED TO    rename-login  \"Sign in <- Login\"  openspec/changes/archive/2024-02-01-rename-login/specs/auth/spec.md:3:1
  no date     MODIFIED      by-hand  \"Sign in\"  openspec/changes/archive/by-hand/specs/auth/spec.md:2:1
  active      MODIFIED      next  \"Sign in\"  openspec/changes/next/specs/auth/spec.md:2:1
  added by add-login · modified 1x · renamed 1x · last by by-hand

";
    assert_eq!(stdout, expected);
}

#[test]
fn json_document_and_escaping_per_format() {
    let (_temp, dir) = workspace();
    let output = history(&dir, &["auth", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(document["capability"], "auth");
    let requirements = document["requirements"].as_array().expect("requirements");
    assert_eq!(requirements.len(), 2);
    let bell = &requirements[1];
    // JSON carries the name as written (serde escapes the control characters).
    assert_eq!(bell["requirement"], "Bell \u{7}\u{1b}[31m red");
    let event = &bell["archived"][0];
    assert_eq!(event["date"], "2024-01-05");
    assert_eq!(event["kind"], "ADDED");
    assert_eq!(event["change"], "2024-01-05-add-login");
    assert_eq!(event["change_name"], "add-login");
    assert_eq!(event["location"]["path"], "openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md");
    assert_eq!((event["location"]["line"].as_u64(), event["location"]["column"].as_u64()), (Some(4), Some(1)));
    let undated = &requirements[0]["archived"][3];
    assert_eq!((undated["change"].as_str(), &undated["date"]), (Some("by-hand"), &Value::Null));

    // The terminal never receives the raw control characters.
    let human = history(&dir, &["auth"]);
    let text = String::from_utf8(human.stdout).expect("UTF-8");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
    assert!(text.contains("Requirement: Bell "), "{text}");
}

#[test]
fn unknown_names_exit_2() {
    let (_temp, dir) = workspace();
    for (args, message) in [
        (&["auth", "Nope"][..], "no requirement `Nope` in capability `auth`"),
        (&["billing"][..], "no main spec `billing` with requirements"),
    ] {
        let output = history(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{stderr}");
    }
    // A requirement only the archive knows (removed or renamed away) still has a history.
    let login = history(&dir, &["auth", "Login"]);
    assert_eq!(login.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&login.stdout).contains("(not in the main spec)"));
}
