//! How findings reach a client: once per problem whatever mix of push and pull it offers,
//! kept fresh when another file changes, shaped to what it declared (no `relatedInformation`
//! for a client that did not ask for it), sent only when they changed; roots adopted for a
//! file opened from elsewhere survive reloads; an edit holding a lone surrogate escape is
//! applied, not dropped. The real binary over stdio, with clients declaring little or much.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use support::lsp_client::LspClient;
use support::openspec_lsp_binary;

const BASE: &str = "# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n\n#### Scenario: Bad password\n- **WHEN** the password is wrong\n- **THEN** the session does not start\n";
const PROPOSAL: &str = "## Why\nPasswords alone are not enough to keep accounts safe for our users.\n\n## What Changes\n- Login asks for a second factor.\n";
/// Keeps both scenarios: no finding while the base spec names the requirement `Login`.
const DELTA: &str = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL let people sign in with a second factor.\n\n#### Scenario: Good password\n- **WHEN** the password and the code match\n- **THEN** the session starts\n\n#### Scenario: Bad password\n- **WHEN** the password is wrong\n- **THEN** the session does not start\n";
const BASE_PATH: &str = "openspec/specs/auth/spec.md";
const DELTA_PATH: &str = "openspec/changes/add-mfa/specs/auth/spec.md";

/// A workspace with a base spec, a change and its delta; `delta` is the delta's text.
fn workspace(delta: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in [(BASE_PATH, BASE), ("openspec/changes/add-mfa/proposal.md", PROPOSAL), (DELTA_PATH, delta)] {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    dir
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn start(folder: &Path, capabilities: &Value) -> (LspClient, Value) {
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], folder);
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(folder), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    (client, response["result"].clone())
}

/// The publications received until the server has been quiet for a while, by URI.
fn publications(client: &mut LspClient) -> Vec<(String, Value)> {
    client
        .collect("textDocument/publishDiagnostics", Duration::from_millis(1500))
        .into_iter()
        .map(|message| (message["params"]["uri"].as_str().unwrap_or_default().to_owned(), message["params"].clone()))
        .collect()
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .map(|list| list.iter().map(|d| d["code"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

/// The delta without its second scenario: `delta/scenario-loss`, related to the base spec.
fn lossy_delta() -> String {
    DELTA.split("\n#### Scenario: Bad password").next().unwrap_or_default().to_owned()
}

#[test]
fn a_minimal_client_gets_each_file_once_related_places_in_the_message_and_nothing_again_on_open() {
    let dir = workspace(&lossy_delta());
    let delta = dir.path().join(DELTA_PATH);
    let (mut client, _) = start(dir.path(), &json!({}));
    let first = publications(&mut client);
    let for_delta: Vec<&Value> = first.iter().filter(|(target, _)| *target == uri(&delta)).map(|(_, p)| p).collect();
    assert_eq!(for_delta.len(), 1, "the delta is published once: {first:#?}");
    let loss = &for_delta[0]["diagnostics"][0];
    assert_eq!(loss["code"], json!("delta/scenario-loss"), "{loss}");
    assert!(loss.get("relatedInformation").is_none_or(Value::is_null), "not declared, not sent: {loss}");
    let message = loss["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("\n{BASE_PATH}:7: ")), "the related place is folded into the message: {message}");
    // Opening the delta unchanged, then an unrelated file, publishes nothing new.
    client.open_markdown(&delta, &lossy_delta());
    client.open_markdown(&dir.path().join("openspec/changes/add-mfa/proposal.md"), PROPOSAL);
    let again = publications(&mut client);
    assert!(again.is_empty(), "nothing changed, nothing is published: {again:#?}");
    client.finish();
}

#[test]
fn a_client_declaring_related_information_gets_it() {
    let dir = workspace(&lossy_delta());
    let delta = dir.path().join(DELTA_PATH);
    let (mut client, _) =
        start(dir.path(), &json!({"textDocument": {"publishDiagnostics": {"relatedInformation": true}}}));
    let params = client.diagnostics_for(&uri(&delta), |p| !codes(p).is_empty());
    let related = &params["diagnostics"][0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], json!(uri(&dir.path().join(BASE_PATH))), "{params}");
    assert!(!params["diagnostics"][0]["message"].as_str().unwrap_or_default().contains('\n'), "{params}");
    client.finish();
}

/// Pull for open documents and push for closed ones, never both for one file: a document
/// pushed before it was opened is cleared when it opens, and pushed again when it closes; a
/// change in another file asks the client to pull again (and to refresh its code lenses).
#[test]
fn a_pulling_client_sees_each_finding_once_and_is_asked_to_pull_again_after_a_change_elsewhere() {
    let dir = workspace(&lossy_delta());
    let delta = dir.path().join(DELTA_PATH);
    let base = dir.path().join(BASE_PATH);
    let (mut client, result) = start(
        dir.path(),
        &json!({"textDocument": {"diagnostic": {}},
                "workspace": {"diagnostics": {"refreshSupport": true}, "codeLens": {"refreshSupport": true}}}),
    );
    assert!(result["capabilities"]["diagnosticProvider"].is_object(), "{result}");
    let pushed = client.diagnostics_for(&uri(&delta), |p| !codes(p).is_empty());
    assert_eq!(codes(&pushed), vec!["delta/scenario-loss"]);
    client.open_markdown(&delta, &lossy_delta());
    client.diagnostics_for(&uri(&delta), |p| codes(p).is_empty());
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&delta)}}));
    assert_eq!(pulled["result"]["items"][0]["code"], json!("delta/scenario-loss"), "{pulled}");
    // An unsaved rename in the base spec changes the open delta's findings.
    client.open_markdown(&base, BASE);
    client.server_requests.clear();
    client.replace_text(&base, 2, &BASE.replace("Requirement: Login", "Requirement: Sign in"));
    let quiet = publications(&mut client);
    assert!(quiet.iter().all(|(target, _)| *target != uri(&delta)), "no push for a pulled document: {quiet:#?}");
    assert!(
        client.server_requests.iter().any(|request| request["method"] == "workspace/diagnostic/refresh"),
        "{:?}",
        client.server_requests
    );
    assert!(
        client.server_requests.iter().any(|request| request["method"] == "workspace/codeLens/refresh"),
        "{:?}",
        client.server_requests
    );
    let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&delta)}}));
    assert!(
        !codes(&json!({"diagnostics": pulled["result"]["items"]})).contains(&"delta/scenario-loss".to_owned()),
        "{pulled}"
    );
    // Closed, the delta is pushed again (the client dropped what it pulled).
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri(&delta)}}));
    let pushed = client.diagnostics_for(&uri(&delta), |p| !codes(p).is_empty());
    assert!(pushed["version"].is_null(), "{pushed}");
    client.drain_notifications();
    client.finish();
}

/// Neovim offers pull (`textDocument.diagnostic`) but cannot be asked to pull again: it gets
/// every finding pushed, so an unsaved edit in a base spec reaches an open delta, and undoing
/// it clears the finding, without touching the delta.
#[test]
fn a_client_that_pulls_without_refresh_support_gets_changes_elsewhere_pushed() {
    let dir = workspace(DELTA);
    let delta = dir.path().join(DELTA_PATH);
    let base = dir.path().join(BASE_PATH);
    let (mut client, result) =
        start(dir.path(), &json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}));
    assert!(result["capabilities"]["diagnosticProvider"].is_null(), "push only: {result}");
    client.open_markdown(&delta, DELTA);
    client.open_markdown(&base, BASE);
    client.replace_text(&base, 2, &BASE.replace("Requirement: Login", "Requirement: Sign in"));
    let broken = client.diagnostics_for(&uri(&delta), |p| !codes(p).is_empty());
    assert_eq!(broken["version"], json!(1), "{broken}");
    client.replace_text(&base, 3, BASE);
    client.diagnostics_for(&uri(&delta), |p| codes(p).is_empty());
    client.drain_notifications();
    client.finish();
}

#[test]
fn a_root_adopted_for_an_open_file_survives_reloads_and_folder_changes() {
    let workspace_dir = workspace(DELTA);
    let elsewhere = workspace(DELTA);
    let outside = elsewhere.path().join(BASE_PATH);
    let (mut client, _) = start(workspace_dir.path(), &json!({}));
    client.open_markdown(&outside, BASE);
    client.drain_notifications();
    // A structural change in the workspace reloads its roots; a folder is added.
    std::fs::write(workspace_dir.path().join("openspec/config.yaml"), "schema: spec-driven\n").expect("write config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&workspace_dir.path().join("openspec/config.yaml")), "type": 1}]}),
    );
    let another = tempfile::tempdir().expect("temp dir");
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": uri(another.path()), "name": "another"}], "removed": []}}),
    );
    client.replace_text(&outside, 2, &BASE.replace("## Purpose", "## Porpoise"));
    let params = client.diagnostics_for(&uri(&outside), |p| !codes(p).is_empty());
    assert_eq!(codes(&params)[0], "spec/missing-purpose");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&outside)}, "position": {"line": 6, "character": 20}}),
    );
    assert!(hover["result"].is_object(), "hover still answers: {hover}");
    client.drain_notifications();
    client.finish();
}

/// `JSON.stringify` of a half-typed emoji: a high surrogate escape with no low one after it.
#[test]
fn an_edit_holding_a_lone_surrogate_escape_is_applied_with_a_replacement_character() {
    let dir = workspace(DELTA);
    let base = dir.path().join(BASE_PATH);
    let (mut client, _) = start(dir.path(), &json!({}));
    client.open_markdown(&base, BASE);
    let text = BASE.replace("## Purpose", "## Porpoise LONE");
    let body = json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                      "params": {"textDocument": {"uri": uri(&base), "version": 2}, "contentChanges": [{"text": text}]}})
    .to_string()
    .replace("LONE", "\\ud83d and \\udc00 alone, \\ud83d\\ude00 paired");
    client.send_raw(body.as_bytes());
    let params = client.diagnostics_for(&uri(&base), |p| p["version"] == json!(2));
    assert_eq!(codes(&params), vec!["spec/missing-purpose"]);
    let log = client.wait_for(|message| {
        message["method"] == json!("window/logMessage")
            && message["params"]["message"].as_str().is_some_and(|text| text.contains("surrogate"))
    });
    assert_eq!(log["params"]["type"], json!(3), "{log}");
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri(&base)}}));
    let names = symbols.to_string();
    assert!(names.contains("Porpoise \u{FFFD} and \u{FFFD} alone, 😀 paired"), "{names}");
    client.drain_notifications();
    client.finish();
}

/// Above `largeFileBytes` an open buffer is not parsed as you type: one notice, no semantic
/// tokens, no `markdown/*` findings (the others stay); back under the limit, all return.
#[test]
fn an_open_file_over_the_size_limit_degrades_with_one_notice_and_recovers_under_it() {
    let dir = workspace(DELTA);
    let base = dir.path().join(BASE_PATH);
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], dir.path());
    client.request(
        "initialize",
        json!({"capabilities": {}, "initializationOptions": {"largeFileBytes": 200},
               "workspaceFolders": [{"uri": uri(dir.path()), "name": "ws"}]}),
    );
    client.notify("initialized", json!({}));
    // An indented heading (`markdown/indented-heading`) and a missing Purpose (`spec/*`).
    let big = BASE.replace("## Purpose", "## Porpoise").replace("#### Scenario: Bad", " #### Scenario: Bad");
    assert!(big.len() > 200);
    client.open_markdown(&base, &big);
    let notice = client.wait_for(|message| message["method"] == json!("window/showMessage"));
    assert_eq!(notice["params"]["type"], json!(2), "{notice}");
    assert!(notice["params"]["message"].as_str().unwrap_or_default().contains("largeFileBytes"), "{notice}");
    let params = client.diagnostics_for(&uri(&base), |p| codes(p).contains(&"spec/missing-purpose".to_owned()));
    assert!(!codes(&params).iter().any(|code| code.starts_with("markdown/")), "{params}");
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri(&base)}}));
    assert!(tokens["result"].is_null(), "{tokens}");
    // Under the limit again: the CommonMark view and its findings are back.
    let small = "## Purpose\nx\n\n ## Requirements\n";
    client.replace_text(&base, 2, small);
    let params = client.diagnostics_for(&uri(&base), |p| codes(p).iter().any(|code| code.starts_with("markdown/")));
    assert!(params["version"] == json!(2), "{params}");
    client.drain_notifications();
    client.finish();
}
