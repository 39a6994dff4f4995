//! Protocol faults against the real `openspec-lsp` binary over stdio: malformed JSON, unknown
//! methods, requests before `initialize` and after `shutdown`, changes that do not fit the
//! document, cancellation, a client that goes away; and the guarantees that hold throughout:
//! the server never writes to disk, the edits it proposes stay inside the root, and a random
//! stream of incremental edits ends where `check` on the final text ends.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use support::lsp_client::{LspClient, wait_exit};
use support::openspec_lsp_binary;
use support::robustness::{Rng, check_findings, model_offset, run_with_deadline, server_findings, tree_fingerprint};

const SPEC_PATH: &str = "openspec/specs/auth/spec.md";

const SPEC: &str = "## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: 登录 😀 Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n";

/// Other files of the workspace: a change whose delta modifies the spec, so edits to the spec
/// move cross-file findings too.
const OTHER_FILES: &[(&str, &str)] = &[
    (
        "openspec/changes/add-2fa/proposal.md",
        "## Why\nPasswords alone are phished too often; a second factor stops most account takeovers.\n\n## What Changes\n- Add a one-time code step after the password.\n",
    ),
    (
        "openspec/changes/add-2fa/specs/auth/spec.md",
        "## MODIFIED Requirements\n### Requirement: 登录 😀 Login\nThe system SHALL let people sign in with a password and a one-time code.\n\n#### Scenario: Good password\n- **WHEN** the password and code match\n- **THEN** the session starts\n",
    ),
    ("openspec/changes/add-2fa/tasks.md", "## 1. Login\n\n- [ ] 1.1 Add the code prompt\n"),
];

/// A temporary workspace holding `spec_text` at `SPEC_PATH` and the other files; returns it and
/// the spec's absolute path.
fn workspace_with(spec_text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files: Vec<(&str, &[u8])> = OTHER_FILES.iter().map(|(path, text)| (*path, text.as_bytes())).collect();
    files.push((SPEC_PATH, spec_text.as_bytes()));
    support::robustness::write_files(dir.path(), &files);
    let spec = dir.path().join(SPEC_PATH);
    (dir, spec)
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    workspace_with(SPEC)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn start(folder: &Path, capabilities: &Value) -> LspClient {
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], folder);
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(folder), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    client
}

fn open(client: &mut LspClient, path: &Path, text: &str, version: i64) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": version, "text": text}}),
    );
}

fn change(client: &mut LspClient, path: &Path, version: i64, changes: &Value) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
    );
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}})
}

fn error_code(message: &Value) -> Option<i64> {
    message["error"]["code"].as_i64()
}

/// Waits for the diagnostics of `version`, then checks them against `check` run on a copy of
/// the workspace whose spec holds `expected_text`.
fn assert_published_matches_check(client: &mut LspClient, spec: &Path, version: i64, expected_text: &str) {
    let (copy, _) = workspace_with(expected_text);
    let output = run_with_deadline(
        &openspec_lsp_binary(),
        copy.path(),
        &["check", "--format", "json", "--all-rules"],
        Duration::from_secs(60),
    );
    let expected = check_findings(&output, SPEC_PATH);
    // The server publishes a file only when its findings change: what the client shows is the
    // last publication for it. When that already agrees (the edit changed no finding), nothing
    // more comes; otherwise this version's publication must.
    let _ = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri(spec)}}));
    for message in client.collect("textDocument/publishDiagnostics", Duration::from_millis(500)) {
        remember_publication(&message["params"]);
    }
    let shown = last_publication(&uri(spec));
    if server_findings(&shown, expected_text) != expected {
        let params = client.diagnostics_for(&uri(spec), |params| params["version"] == json!(version));
        remember_publication(&params);
        assert_eq!(
            server_findings(&params["diagnostics"], expected_text),
            expected,
            "server and check disagree on {expected_text:?}"
        );
    }
}

thread_local! {
    /// The diagnostics last published per URI in this test (each test runs on its own thread).
    static PUBLISHED: std::cell::RefCell<std::collections::HashMap<String, Value>> = std::cell::RefCell::default();
}

fn remember_publication(params: &Value) {
    let target = params["uri"].as_str().unwrap_or_default().to_owned();
    PUBLISHED.with(|published| published.borrow_mut().insert(target, params["diagnostics"].clone()));
}

fn last_publication(target: &str) -> Value {
    PUBLISHED.with(|published| published.borrow().get(target).cloned()).unwrap_or_else(|| json!([]))
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({}));
    // Cut-off JSON, no JSON at all, bytes that are not UTF-8: parse errors; JSON that is no
    // message: an invalid request. Each answered with a null id, as JSON-RPC asks, and each
    // followed by more reading (tower-lsp alone stops reading at the first).
    let bodies: [(&[u8], i64); 4] = [
        (b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", -32700),
        (b"not json at all", -32700),
        (b"\xFF\xFE{}", -32700),
        (b"[1, 2, 3]", -32600),
    ];
    for (body, code) in bodies {
        client.send_raw(body);
        let answer = client.wait_for(|message| message.get("error").is_some() && message["id"].is_null());
        assert_eq!(error_code(&answer), Some(code), "{answer}");
    }
    // A header that says nothing usable, and bytes with no header at all before a good message.
    client.write_bytes(b"Content-Length: lots\r\n\r\n");
    let answer = client.wait_for(|message| message.get("error").is_some() && message["id"].is_null());
    assert_eq!(error_code(&answer), Some(-32700), "{answer}");
    client.write_bytes(b"stray bytes with no header ");
    let found = client.request("workspace/symbol", json!({"query": "login"}));
    assert!(found.get("result").is_some(), "{found}");
    // A known method with parameters of the wrong shape: invalid params, for that request.
    let id = client.request_async("textDocument/hover", json!({"textDocument": 42}));
    assert_eq!(error_code(&client.response(id)), Some(-32602));
    // A notification with broken parameters gets no answer and changes nothing.
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": 7}}));
    // Still serving.
    open(&mut client, &spec, SPEC, 1);
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri(&spec)}}));
    assert!(symbols["result"].as_array().is_some_and(|list| !list.is_empty()), "{symbols}");
    client.finish();
}

#[test]
fn unknown_methods_are_refused_or_ignored() {
    let (dir, _) = workspace();
    let mut client = start(dir.path(), &json!({}));
    let id = client.request_async("openspec/noSuchMethod", json!({}));
    assert_eq!(error_code(&client.response(id)), Some(-32601));
    // Notifications get no answer, whether `$/` (optional by the spec) or not.
    client.notify("openspec/noSuchNotification", json!({}));
    client.notify("$/noSuchNotification", json!({}));
    // A `$/` request must still be answered (method not found), not left hanging.
    let id = client.request_async("$/noSuchRequest", json!({}));
    assert_eq!(error_code(&client.response(id)), Some(-32601));
    let found = client.request("workspace/symbol", json!({"query": "login"}));
    assert!(found.get("result").is_some(), "{found}");
    client.finish();
}

#[test]
fn requests_before_initialize_are_refused() {
    let (dir, spec) = workspace();
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], dir.path());
    let id = client.request_async(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&spec)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(error_code(&client.response(id)), Some(-32002));
    // A notification before initialize is dropped, and initialize still works afterwards.
    open(&mut client, &spec, "garbage", 1);
    let response = client.request(
        "initialize",
        json!({"capabilities": {}, "workspaceFolders": [{"uri": uri(dir.path()), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "{response}");
    // A second initialize is a fault too.
    let again = client.request("initialize", json!({"capabilities": {}}));
    assert!(again.get("error").is_some(), "{again}");
    client.notify("initialized", json!({}));
    client.finish();
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_then_succeeds() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({}));
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null, "{response}");
    let id = client.request_async(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&spec)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(error_code(&client.response(id)), Some(-32600));
    let again = client.request("shutdown", Value::Null);
    assert_eq!(error_code(&again), Some(-32600), "{again}");
    open(&mut client, &spec, SPEC, 1);
    client.notify("exit", Value::Null);
    let mut child = client.into_child();
    assert_eq!(wait_exit(&mut child), Some(0));
}

#[test]
fn stdin_closing_without_exit_ends_the_server() {
    // Mid-session, with a document open: an abnormal end, exit code 1 (as for `exit` without
    // `shutdown`).
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({}));
    open(&mut client, &spec, SPEC, 1);
    let _ = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri(&spec)}}));
    let mut child = client.into_child();
    assert_eq!(wait_exit(&mut child), Some(1));
    // After `shutdown`, the client may close the pipe instead of sending `exit`: a clean end.
    let mut client = start(dir.path(), &json!({}));
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    let mut child = client.into_child();
    assert_eq!(wait_exit(&mut child), Some(0));
}

#[test]
fn a_change_to_an_unopened_document_is_ignored_and_logged() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({}));
    change(&mut client, &spec, 2, &json!([{"range": range((0, 0), (0, 0)), "text": "broken"}]));
    let logged = client.wait_for(|message| {
        message["method"] == json!("window/logMessage")
            && message["params"]["message"].as_str().is_some_and(|text| text.contains("not open"))
    });
    assert_eq!(logged["params"]["type"], json!(2), "a warning: {logged}");
    // The file on disk is what counts; opening it now shows it as it is.
    open(&mut client, &spec, SPEC, 1);
    assert_published_matches_check(&mut client, &spec, 1, SPEC);
    client.finish();
}

#[test]
fn a_version_going_backwards_is_applied_and_logged() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({}));
    open(&mut client, &spec, SPEC, 10);
    let broken = SPEC.replace("## Purpose", "## Porpoise");
    change(&mut client, &spec, 5, &json!([{"text": broken}]));
    client.wait_for(|message| {
        message["method"] == json!("window/logMessage")
            && message["params"]["message"].as_str().is_some_and(|text| text.contains("does not increase"))
    });
    // The client's text is the truth: the edit counts, under the version the client gave.
    assert_published_matches_check(&mut client, &spec, 5, &broken);
    client.finish();
}

#[test]
fn edits_that_do_not_fit_the_document_are_clamped_skipped_or_applied_in_order() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({}));
    open(&mut client, &spec, SPEC, 1);
    // A range far past the end clamps to the end: the text is appended.
    let extra = "\n### Requirement: Sign out\nThe system SHALL end sessions.\n";
    change(&mut client, &spec, 2, &json!([{"range": range((999, 5), (1200, 0)), "text": extra}]));
    let mut expected = format!("{SPEC}{extra}");
    assert_published_matches_check(&mut client, &spec, 2, &expected);
    // A column past a line's end clamps to the end of that line (before its line break).
    change(&mut client, &spec, 3, &json!([{"range": range((0, 500), (0, 900)), "text": " of sign-in"}]));
    expected = expected.replacen("## Purpose", "## Purpose of sign-in", 1);
    assert_published_matches_check(&mut client, &spec, 3, &expected);
    // Changes in one notification apply in order, each to the text the one before left, even
    // where their ranges overlap in the original; an inverted range is skipped (and logged).
    change(
        &mut client,
        &spec,
        4,
        &json!([
            {"range": range((5, 0), (7, 0)), "text": "The system MUST let people sign in.\n\n"},
            {"range": range((6, 0), (4, 3)), "text": "ignored"},
            {"range": range((4, 4), (5, 10)), "text": "Requirement: Login\nThe system"},
        ]),
    );
    expected = apply_edit(&expected, (5, 0), (7, 0), "The system MUST let people sign in.\n\n");
    expected = apply_edit(&expected, (4, 4), (5, 10), "Requirement: Login\nThe system");
    assert_published_matches_check(&mut client, &spec, 4, &expected);
    client.wait_for(|message| {
        message["method"] == json!("window/logMessage")
            && message["params"]["message"].as_str().is_some_and(|text| text.contains("start lies after its end"))
    });
    client.finish();
}

fn apply_edit(text: &str, start: (u32, u32), end: (u32, u32), new_text: &str) -> String {
    let start = model_offset(text, start.0, start.1);
    let end = model_offset(text, end.0, end.1);
    let mut edited = text.to_owned();
    edited.replace_range(start..end, new_text);
    edited
}

/// Pieces the random stream inserts: every line break, multi-byte text, and Markdown that moves
/// OpenSpec's findings.
const PIECES: &[&str] = &[
    "a",
    " ",
    "\n",
    "\r\n",
    "\r",
    "日本",
    "😀",
    "#",
    "### Requirement: Extra\n",
    "#### Scenario: More\n",
    "SHALL ",
    "- **WHEN** x\n",
    "```\n",
    "<!-- ",
    " -->",
    "\t",
    "é",
    "## Purpose\n",
];

#[test]
fn a_random_edit_stream_over_stdio_ends_where_check_on_the_final_text_ends() {
    let seed = std::env::var("OPENSPEC_STREAM_SEED").ok().and_then(|value| value.parse().ok()).unwrap_or(20_251_124);
    let mut rng = Rng(seed);
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({"general": {"positionEncodings": ["utf-16"]}}));
    open(&mut client, &spec, SPEC, 1);
    let mut model = SPEC.to_owned();
    let mut version = 1;
    for _ in 0..40 {
        let n_lines = support::robustness::model_lines(&model).len();
        let mut changes = Vec::new();
        for _ in 0..=rng.below(2) {
            let start = (u32::try_from(rng.below(n_lines + 1)).unwrap_or(0), u32::try_from(rng.below(40)).unwrap_or(0));
            let end = if rng.below(3) == 0 {
                start
            } else {
                (start.0 + u32::try_from(rng.below(2)).unwrap_or(0), u32::try_from(rng.below(40)).unwrap_or(0))
            };
            let text: String = (0..rng.below(3)).map(|_| *rng.pick(PIECES)).collect();
            if model_offset(&model, start.0, start.1) <= model_offset(&model, end.0, end.1) {
                model = apply_edit(&model, start, end, &text);
                changes.push(json!({"range": range(start, end), "text": text}));
            }
        }
        version += 1;
        change(&mut client, &spec, version, &Value::Array(changes));
        for message in client.collect("textDocument/publishDiagnostics", Duration::ZERO) {
            remember_publication(&message["params"]);
        }
    }
    assert_published_matches_check(&mut client, &spec, version, &model);
    client.finish();
}

/// Many specs, so building the workspace index takes a while: long enough to cancel.
fn large_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for capability in 0..600 {
        let mut text =
            String::from("## Purpose\nA generated capability with enough words in its purpose.\n\n## Requirements\n");
        for requirement in 0..15 {
            let _ = write!(
                text,
                "### Requirement: Feature {capability} {requirement}\nThe system SHALL do {requirement}.\n\n#### Scenario: Case\n- **WHEN** a\n- **THEN** b\n\n"
            );
        }
        support::robustness::write_files(
            dir.path(),
            &[(&format!("openspec/specs/cap-{capability}/spec.md"), text.as_bytes())],
        );
    }
    dir
}

#[test]
fn a_slow_request_can_be_cancelled_and_the_server_goes_on() {
    let dir = large_workspace();
    let spec = dir.path().join("openspec/specs/cap-0/spec.md");
    let text = std::fs::read_to_string(&spec).expect("read spec");
    let mut client = start(dir.path(), &json!({}));
    open(&mut client, &spec, &text, 1);
    // Wait for the first index, so the cancelled request below is slow for its own work.
    let _ = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri(&spec)}}));
    // An edit makes the next workspace-wide request rebuild the index.
    change(&mut client, &spec, 2, &json!([{"range": range((0, 0), (0, 0)), "text": " "}]));
    let id = client.request_async("workspace/symbol", json!({"query": "feature"}));
    client.notify("$/cancelRequest", json!({"id": id}));
    let answer = client.response(id);
    assert_eq!(error_code(&answer), Some(-32800), "the request should have been cancelled: {answer}");
    // Still serving, with the work the cancelled request dropped redone.
    let found = client.request("workspace/symbol", json!({"query": "feature 0 1"}));
    assert!(found["result"].as_array().is_some_and(|list| !list.is_empty()), "{found}");
    // Cancelling a request that already finished, or never existed, is harmless.
    client.notify("$/cancelRequest", json!({"id": id}));
    client.notify("$/cancelRequest", json!({"id": 987_654}));
    client.drain_notifications();
    client.finish();
}

#[test]
fn proposed_edits_stay_inside_the_root_and_the_server_never_writes() {
    let (dir, spec) = workspace();
    let proposal = dir.path().join("openspec/changes/add-2fa/proposal.md");
    // A proposal naming capabilities whose delta-spec path would leave the workspace.
    let hostile = "## Why\nPasswords alone are phished too often; a second factor stops most account takeovers.\n\n## What Changes\n- Add a code.\n\n## Capabilities\n\n### New Capabilities\n- `../../../../../../tmp/outside`: escapes.\n- `/etc/cron.d`: absolute.\n- `nested/ok`: fine.\n";
    std::fs::write(&proposal, hostile).expect("write proposal");
    let before = tree_fingerprint(dir.path());
    // A client that creates files, so the actions creating delta specs are offered.
    let capabilities =
        json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}});
    let mut client = start(dir.path(), &capabilities);
    open(&mut client, &proposal, hostile, 1);
    open(&mut client, &spec, SPEC, 1);
    let root = dir.path().to_path_buf();
    let mut uris = Vec::new();
    for line in 0..14 {
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&proposal)}, "range": range((line, 0), (line, 40)), "context": {"diagnostics": []}}),
        );
        collect_edit_uris(&actions["result"], &mut uris);
    }
    let renamed = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&spec)}, "position": {"line": 4, "character": 20}, "newName": "../../Sign in"}),
    );
    collect_edit_uris(&renamed["result"], &mut uris);
    let renamed = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&spec)}, "position": {"line": 4, "character": 20}, "newName": "Sign in"}),
    );
    collect_edit_uris(&renamed["result"], &mut uris);
    assert!(
        uris.iter().any(|found| found.ends_with("nested/ok/spec.md")),
        "the plain capability gets its action: {uris:?}"
    );
    for found in &uris {
        let path = found.strip_prefix("file://").unwrap_or(found);
        assert!(
            path.starts_with(&root.display().to_string()) && !path.contains("/../"),
            "edit outside the root: {found}"
        );
    }
    // Requests of every kind, then shutdown: the folder is exactly as it was.
    let _ = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.previewArchive", "arguments": [{"change": "add-2fa"}]}),
    );
    change(&mut client, &spec, 2, &json!([{"text": "## Purpose\nchanged in the editor only\n"}]));
    client.drain_notifications();
    client.finish();
    assert_eq!(tree_fingerprint(dir.path()), before, "the server changed the workspace on disk");
}

/// Every file URI a workspace edit (or a list of code actions) touches or creates.
fn collect_edit_uris(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(changes)) = map.get("changes") {
                out.extend(changes.keys().cloned());
            }
            for key in ["uri", "oldUri", "newUri"] {
                if let Some(Value::String(found)) = map.get(key) {
                    out.push(found.clone());
                }
            }
            for nested in map.values() {
                collect_edit_uris(nested, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_edit_uris(item, out)),
        _ => {}
    }
}
