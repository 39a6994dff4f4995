//! An open buffer over `largeFileBytes` (a tiny limit here, so the file stays small): one
//! notice that says what changes, no semantic tokens, and a check once the user pauses typing
//! rather than at every keystroke: pushed diagnostics of a burst of edits arrive no sooner
//! than the pause after the last edit, pulled ones wait for it too, and both are those of the
//! final text. The real binary over stdio.
//!
//! The only timing asserted is a lower bound (a result cannot come before the pause), which
//! a loaded machine makes only more certain.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::lsp_client::{LspClient, uri};
use support::openspec_lsp_binary;

/// `lsp::server::large_files::PAUSE`.
const PAUSE: Duration = Duration::from_millis(750);

const SPEC_PATH: &str = "openspec/specs/auth/spec.md";
const GOOD: &str = "# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n";

/// `GOOD` without its Purpose section's heading: `spec/missing-purpose`.
fn bad() -> String {
    GOOD.replace("## Purpose", "## Porpoise")
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .or_else(|| params["items"].as_array())
        .map(|list| list.iter().map(|d| d["code"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

/// A server over a workspace holding `GOOD`, with a 200-byte limit, and the spec's path.
fn start(capabilities: &Value) -> (tempfile::TempDir, LspClient, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join(SPEC_PATH);
    std::fs::create_dir_all(spec.parent().expect("parent")).expect("mkdir");
    std::fs::write(&spec, GOOD).expect("write");
    assert!(GOOD.len() > 200);
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], dir.path());
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "initializationOptions": {"largeFileBytes": 200},
               "workspaceFolders": [{"uri": uri(dir.path()), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    (dir, client, spec)
}

#[test]
fn a_large_buffer_is_checked_once_typing_pauses_with_a_notice_saying_so() {
    let (_dir, mut client, spec) = start(&json!({"window": {"showMessage": {}}}));
    client.open_markdown(&spec, &bad());
    let notice = client.wait_for(|message| message["method"] == json!("window/showMessage"));
    let text = notice["params"]["message"].as_str().unwrap_or_default();
    assert!(text.contains("largeFileBytes") && text.contains("pause typing"), "{notice}");
    // The open itself is checked at once.
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(1));
    assert!(codes(&params).contains(&"spec/missing-purpose".to_owned()), "{params}");
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri(&spec)}}));
    assert!(tokens["result"].is_null(), "{tokens}");

    // A burst of keystrokes: fixed, broken, fixed again.
    let last_edit = Instant::now();
    for (version, text) in [(2, GOOD.to_owned()), (3, bad()), (4, GOOD.to_owned())] {
        client.replace_text(&spec, version, &text);
    }
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(4));
    assert!(last_edit.elapsed() >= PAUSE, "checked {:?} after the last edit, before the pause", last_edit.elapsed());
    assert!(!codes(&params).contains(&"spec/missing-purpose".to_owned()), "{params}");
    client.drain_notifications();
    client.finish();
}

#[test]
fn a_pull_for_a_large_buffer_answers_after_the_pause_from_the_final_text() {
    let capabilities =
        json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}});
    let (_dir, mut client, spec) = start(&capabilities);
    client.open_markdown(&spec, GOOD);
    client.wait_for(|message| message["method"] == json!("window/showMessage"));
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec)}}));
    assert!(!codes(&pulled["result"]).contains(&"spec/missing-purpose".to_owned()), "{pulled}");

    let last_edit = Instant::now();
    client.replace_text(&spec, 2, &bad());
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec)}}));
    assert!(last_edit.elapsed() >= PAUSE, "answered {:?} after the edit, before the pause", last_edit.elapsed());
    assert!(codes(&pulled["result"]).contains(&"spec/missing-purpose".to_owned()), "{pulled}");
    client.drain_notifications();
    client.finish();
}
