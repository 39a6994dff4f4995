//! Protocol test of the opt-in review rules: a server on a workspace whose `openspec-lsp.toml`
//! enables them publishes their findings (at the policy's level) and offers their quick fixes;
//! without the policy it publishes none. Fails if the server leaves a message unread.

mod support;

use std::path::Path;

use serde_json::{Value, json};

use support::lsp_client::{LspClient, uri};
use support::openspec_lsp_binary;

const DELTA: &str = "## ADDED Requirements\n### Requirement: One-time code\nThe system should ask for a one-time code.\n\n#### Scenario: Code required\n- **WHEN** a user enters the right password\n- **THEN** they are asked for a code\n";

fn workspace(policy: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let delta = dir.path().join("openspec/changes/add-2fa/specs/auth/spec.md");
    std::fs::create_dir_all(delta.parent().expect("parent")).expect("mkdir");
    std::fs::write(&delta, DELTA).expect("write delta");
    std::fs::create_dir_all(dir.path().join("openspec/specs")).expect("mkdir specs");
    if let Some(policy) = policy {
        std::fs::write(dir.path().join("openspec-lsp.toml"), policy).expect("write policy");
    }
    (dir, delta)
}

fn start(folder: &Path) -> LspClient {
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], folder);
    let response = client
        .request("initialize", json!({"capabilities": {}, "workspaceFolders": [{"uri": uri(folder), "name": "ws"}]}));
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    client
}

fn review_findings(params: &Value) -> Vec<Value> {
    params["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|d| d["code"].as_str().is_some_and(|code| code.starts_with("review/")))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_policy_enabling_review_rules_publishes_them_with_their_quick_fix() {
    let (dir, delta) = workspace(Some("[severity]\n\"review/weak-modal\" = \"error\"\n"));
    let mut client = start(dir.path());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&delta), "languageId": "markdown", "version": 1, "text": DELTA}}),
    );
    let params = client.diagnostics_for(&uri(&delta), |p| !review_findings(p).is_empty());
    let findings = review_findings(&params);
    assert_eq!(findings.len(), 1, "{params}");
    let finding = &findings[0];
    assert_eq!(finding["code"], json!("review/weak-modal"));
    assert_eq!(finding["severity"], json!(1), "the policy's level: {finding}");
    assert_eq!(finding["source"], json!("openspec-lsp"));
    assert_eq!(finding["range"], json!({"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 17}}));
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&delta)}, "range": finding["range"], "context": {"diagnostics": [finding]}}),
    );
    let fix = actions["result"]
        .as_array()
        .and_then(|list| list.iter().find(|action| action["title"] == json!("Replace \"should\" with SHALL")))
        .unwrap_or_else(|| panic!("no weak-modal fix: {actions}"));
    assert_eq!(fix["kind"], json!("quickfix"));
    assert_eq!(fix["diagnostics"][0]["code"], json!("review/weak-modal"), "{fix}");
    assert_eq!(
        fix["edit"]["changes"][uri(&delta)],
        json!([{"range": {"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 17}}, "newText": "SHALL"}])
    );
    client.finish();
}

#[test]
fn without_a_policy_no_review_finding_is_published() {
    let (dir, delta) = workspace(None);
    let mut client = start(dir.path());
    let text = DELTA.replace("should", "SHALL").replace("- **THEN** they are asked for a code\n", "");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&delta), "languageId": "markdown", "version": 1, "text": text}}),
    );
    // The missing THEN would be a review finding; with no policy the file has no finding at all.
    let actions = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&delta)}}));
    assert_eq!(actions["result"]["items"], json!([]), "{actions}");
    client.finish();
}
