//! Protocol tests: the real `openspec-lsp` binary over stdio, driven through initialize ->
//! open -> edit -> diagnostics -> requests -> shutdown/exit, on a copy of a small workspace.
//! Each test fails if the server leaves a message unread.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use support::lsp_client::{LspClient, wait_exit};
use support::openspec_lsp_binary;

const SPEC: &str = "## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: 登录 😀 Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n";

/// A temporary workspace with one valid spec; returns the folder and the spec's path.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("openspec/specs/auth/spec.md");
    std::fs::create_dir_all(spec.parent().expect("parent")).expect("mkdir");
    std::fs::write(&spec, SPEC).expect("write spec");
    std::fs::create_dir_all(dir.path().join("openspec/changes")).expect("mkdir changes");
    (dir, spec)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn start(folder: &Path, capabilities: Value) -> LspClient {
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], folder);
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(folder), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    client
}

fn codes(params: &Value) -> Vec<(String, u64, u64, u64, u64)> {
    params["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|d| {
                    let r = &d["range"];
                    (
                        d["code"].as_str().unwrap_or_default().to_owned(),
                        r["start"]["line"].as_u64().unwrap_or(99),
                        r["start"]["character"].as_u64().unwrap_or(99),
                        r["end"]["line"].as_u64().unwrap_or(99),
                        r["end"]["character"].as_u64().unwrap_or(99),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn open(client: &mut LspClient, path: &Path, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": 1, "text": text}}),
    );
}

fn change(client: &mut LspClient, path: &Path, version: i64, changes: Value) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
    );
}

#[test]
fn incremental_edits_with_non_ascii_text_drive_push_diagnostics_in_utf16() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), json!({"general": {"positionEncodings": ["utf-16"]}}));
    open(&mut client, &spec, SPEC);
    // Delete "SHALL " on line 5 ("The system SHALL let people sign in."): the requirement loses
    // its keyword, which the CLI reports as a warning on the body line.
    change(&mut client, &spec, 2, json!([{"range": {"start": {"line": 5, "character": 11}, "end": {"line": 5, "character": 17}}, "text": ""}]));
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(2));
    assert_eq!(codes(&params), vec![("spec/requirement-missing-shall-must".to_owned(), 5, 0, 5, 30)]);
    // Indent the CJK/emoji requirement header by one space: CommonMark still renders it as a
    // heading but OpenSpec no longer sees it. The range ends after the emoji, counted in
    // UTF-16 units (the emoji is two).
    change(&mut client, &spec, 3, json!([{"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": " "}]));
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(3));
    // Without its header the scenario now hangs directly under `## Requirements`, where the
    // CLI reads it as a requirement of its own.
    assert_eq!(
        codes(&params),
        vec![
            ("markdown/indented-heading".to_owned(), 4, 1, 4, 29),
            ("spec/requirement-no-scenario".to_owned(), 7, 0, 7, 28),
            ("spec/requirement-no-scenario-hint".to_owned(), 7, 0, 7, 28),
            ("spec/non-canonical-requirement-header".to_owned(), 7, 0, 7, 28),
        ]
    );
    // Undo both edits in one batch (ranges apply in order): the file is valid again.
    change(
        &mut client,
        &spec,
        4,
        json!([
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 1}}, "text": ""},
            {"range": {"start": {"line": 5, "character": 11}, "end": {"line": 5, "character": 11}}, "text": "SHALL "}
        ]),
    );
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(4));
    assert_eq!(codes(&params), vec![]);
    client.finish();
}

#[test]
fn utf8_is_negotiated_when_offered_and_columns_count_bytes() {
    let (dir, spec) = workspace();
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], dir.path());
    let response = client.request(
        "initialize",
        json!({"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
               "workspaceFolders": [{"uri": uri(dir.path()), "name": "ws"}]}),
    );
    assert_eq!(response["result"]["capabilities"]["positionEncoding"], json!("utf-8"));
    client.notify("initialized", json!({}));
    let indented = SPEC.replace("### Requirement: 登录", " ### Requirement: 登录");
    open(&mut client, &spec, &indented);
    let params = client.diagnostics_for(&uri(&spec), |p| !codes(p).is_empty());
    // " ### Requirement: 登录 😀 Login": 1 + 17 + 6 (two CJK) + 1 + 4 (emoji) + 6 bytes.
    assert_eq!(codes(&params)[0], ("markdown/indented-heading".to_owned(), 4, 1, 4, 35));
    client.finish();
}

#[test]
fn a_file_changed_on_disk_is_reread() {
    let (dir, spec) = workspace();
    let mut client = start(
        dir.path(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // The watcher registration arrives as a server request; the client answers it.
    client.drain_notifications();
    std::fs::write(&spec, SPEC.replace("## Purpose", "## Porpoise")).expect("rewrite spec");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&spec), "type": 2}]}),
    );
    let params = client.diagnostics_for(&uri(&spec), |p| !codes(p).is_empty());
    assert_eq!(codes(&params)[0].0, "spec/missing-purpose");
    std::fs::write(&spec, SPEC).expect("restore spec");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&spec), "type": 2}]}));
    let params = client.diagnostics_for(&uri(&spec), |p| codes(p).is_empty());
    assert_eq!(codes(&params), vec![]);
    client.finish();
}

#[test]
fn a_pull_request_racing_an_edit_sees_the_edit() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}));
    open(&mut client, &spec, SPEC);
    for round in 0..20 {
        let version = 2 + round * 2;
        change(&mut client, &spec, version, json!([{"text": SPEC.replace("SHALL ", "")}]));
        let broken = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec)}}));
        assert_eq!(broken["result"]["items"].as_array().map(Vec::len), Some(1), "round {round}: {broken}");
        change(&mut client, &spec, version + 1, json!([{"text": SPEC}]));
        let fixed = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec)}}));
        assert_eq!(fixed["result"]["items"], json!([]), "round {round}: {fixed}");
    }
    client.finish();
}

#[test]
fn exit_without_shutdown_exits_1() {
    let (dir, _) = workspace();
    let mut client = start(dir.path(), json!({}));
    client.notify("exit", Value::Null);
    let mut child = client.into_child();
    assert_eq!(wait_exit(&mut child), Some(1));
}
