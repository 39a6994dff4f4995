//! Protocol test of the explorer and of "Rename through change...": `openspec/outline` answers
//! the roots' specs and active changes, `openspec/outlineChanged` follows an edit that changes
//! it (for a client that declared it), the code action on a main-spec requirement carries the
//! changes that may take the rename, and `openspec.applyRenameThroughChange` has the client
//! apply the edit (`workspace/applyEdit`, creating the change folder when asked). The applied
//! result is then handed to the pinned reference CLI (when Node.js and `tests/parity` are
//! installed): `openspec validate` accepts the change and `openspec archive --yes` renames the
//! requirement in the main spec.

#![cfg(unix)]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use support::lsp_client::{LspClient, uri};
use support::{openspec_lsp_binary, repo_root};

const SPEC: &str = "# auth\n\n## Purpose\nAuthentication of the users of the system, so that only they can sign in.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log users in.\n\n#### Scenario: ok\n- **WHEN** a user logs in\n- **THEN** it works\n\n### Requirement: Logout\nThe system SHALL log users out.\n\n#### Scenario: ok\n- **WHEN** a user logs out\n- **THEN** it works\n";
const PROPOSAL: &str = "## Why\nAccounts are taken over too easily with a password alone; a second factor stops that.\n\n## What Changes\n- Add a second factor to login.\n";
const DELTA: &str = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log users in with a second factor.\n\n#### Scenario: ok\n- **WHEN** a user logs in\n- **THEN** it works\n";
const TASKS: &str = "## 1. Build\n- [x] 1.1 Write it\n- [ ] 1.2 Test it\n";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn start(folder: &Path, experimental: &Value) -> LspClient {
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], folder);
    let response = client.request(
        "initialize",
        json!({
            "capabilities": {
                "experimental": experimental,
                "workspace": {"applyEdit": true, "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}},
            },
            "workspaceFolders": [{"uri": uri(folder), "name": "w"}],
        }),
    );
    let commands = &response["result"]["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands.as_array().is_some_and(|list| list.contains(&json!("openspec.applyRenameThroughChange"))),
        "{response}"
    );
    client.notify("initialized", json!({}));
    client
}

fn outline(client: &mut LspClient) -> Value {
    let response = client.request("openspec/outline", json!({}));
    response.get("result").cloned().unwrap_or_else(|| panic!("openspec/outline failed: {response}"))
}

/// Applies a `WorkspaceEdit` of ASCII text to the files on disk, as an editor would.
fn apply(edit: &Value) {
    let mut per_file: Vec<(String, Vec<Value>)> = Vec::new();
    let mut push = |file_uri: &str, edits: &[Value]| per_file.push((file_uri.to_owned(), edits.to_vec()));
    if let Some(changes) = edit["changes"].as_object() {
        for (file_uri, edits) in changes {
            push(file_uri, edits.as_array().map_or(&[][..], Vec::as_slice));
        }
    }
    for operation in edit["documentChanges"].as_array().into_iter().flatten() {
        if operation["kind"] == "create" {
            let path = operation["uri"].as_str().and_then(|u| u.strip_prefix("file://")).expect("file uri");
            write(Path::new(path), "");
        } else {
            let file_uri = operation["textDocument"]["uri"].as_str().expect("uri");
            push(file_uri, operation["edits"].as_array().map_or(&[][..], Vec::as_slice));
        }
    }
    for (file_uri, mut edits) in per_file {
        let path = file_uri.strip_prefix("file://").expect("file uri");
        let mut text = std::fs::read_to_string(path).expect("read edited file");
        let offset = |text: &str, position: &Value| {
            let line = usize::try_from(position["line"].as_u64().expect("line")).expect("line fits");
            let character = usize::try_from(position["character"].as_u64().expect("character")).expect("fits");
            text.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + character
        };
        edits.sort_by_key(|edit| std::cmp::Reverse(offset(&text, &edit["range"]["start"])));
        for edit in edits {
            let (start, end) = (offset(&text, &edit["range"]["start"]), offset(&text, &edit["range"]["end"]));
            text.replace_range(start..end, edit["newText"].as_str().expect("newText"));
        }
        std::fs::write(path, text).expect("write edited file");
    }
}

/// The pinned CLI in `workspace`: `(succeeded, output)`; `None` without Node.js or the CLI.
fn cli(workspace: &Path, args: &[&str]) -> Option<(bool, String)> {
    let binary = repo_root().join("tests/parity/node_modules/.bin/openspec");
    let node = Command::new("node").arg("--version").output().is_ok_and(|output| output.status.success());
    if std::env::var_os("OPENSPEC_PARITY").is_some_and(|value| value == "skip") || !node || !binary.exists() {
        support::visible("explorer_protocol: the reference CLI is not installed; its checks are skipped");
        return None;
    }
    let output = Command::new(binary)
        .current_dir(workspace)
        .args(args)
        .env("OPENSPEC_TELEMETRY", "0")
        .env("NO_COLOR", "1")
        .env("CI", "1")
        .output()
        .expect("run the reference CLI");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Some((output.status.success(), text))
}

fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().canonicalize().expect("canonical temp dir");
    write(&root.join("openspec/specs/auth/spec.md"), SPEC);
    write(&root.join("openspec/changes/add-2fa/proposal.md"), PROPOSAL);
    write(&root.join("openspec/changes/add-2fa/tasks.md"), TASKS);
    write(&root.join("openspec/changes/add-2fa/specs/auth/spec.md"), DELTA);
    (temp, root)
}

/// Opens the main spec and asks for code actions on its `Login` header (with `context`):
/// the spec's URI and the `renameThroughChange` action, if offered.
fn rename_action(client: &mut LspClient, root: &Path, context: &Value) -> (String, Option<Value>) {
    let spec = uri(&root.join("openspec/specs/auth/spec.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": spec, "languageId": "markdown", "version": 1, "text": SPEC}}),
    );
    let at = json!({"start": {"line": 6, "character": 20}, "end": {"line": 6, "character": 20}});
    let response = client
        .request("textDocument/codeAction", json!({"textDocument": {"uri": spec}, "range": at, "context": context}));
    let actions = response["result"].as_array().cloned().unwrap_or_default();
    let action = actions.into_iter().find(|action| action["command"]["command"] == "openspec.renameThroughChange");
    (spec, action)
}

#[test]
fn the_outline_lists_specs_and_changes_and_follows_edits() {
    let (_temp, root) = workspace();
    let mut client = start(&root, &json!({"openspec": {"outlineChanged": true}}));
    let first = outline(&mut client);
    let only_root = &first["roots"][0];
    assert_eq!(only_root["uri"], json!(uri(&root)), "{first}");
    assert_eq!(
        only_root["specs"],
        json!([{
            "capability": "auth",
            "uri": uri(&root.join("openspec/specs/auth/spec.md")),
            "requirements": 2,
            "verdict": {"valid": true, "errors": 0, "warnings": 0},
        }])
    );
    assert_eq!(
        only_root["changes"],
        json!([{
            "id": "add-2fa",
            "uri": uri(&root.join("openspec/changes/add-2fa/proposal.md")),
            "verdict": {"valid": true, "errors": 0, "warnings": 0},
            "tasks": {"done": 1, "total": 2},
            "ready": false,
            "readiness": "not ready to archive: 1 open task",
            "capabilities": [{
                "capability": "auth",
                "uri": uri(&root.join("openspec/changes/add-2fa/specs/auth/spec.md")),
                "existing": true,
            }],
        }])
    );
    // Checking the last task box changes the outline: the server says so, and the next
    // answer has the change ready to archive.
    let tasks = uri(&root.join("openspec/changes/add-2fa/tasks.md"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": tasks, "languageId": "markdown", "version": 1, "text": TASKS}}),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": tasks, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 2, "character": 3}, "end": {"line": 2, "character": 4}}, "text": "x"}],
        }),
    );
    client.wait_for(|message| message["method"] == "openspec/outlineChanged");
    let second = outline(&mut client);
    assert_eq!(second["roots"][0]["changes"][0]["tasks"], json!({"done": 2, "total": 2}), "{second}");
    assert_eq!(second["roots"][0]["changes"][0]["ready"], json!(true), "{second}");
    // An edit that leaves the outline as it was (a typo fixed in a task's text) says nothing.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": tasks, "version": 3},
            "contentChanges": [{"range": {"start": {"line": 2, "character": 13}, "end": {"line": 2, "character": 13}}, "text": "!"}],
        }),
    );
    let late = client.collect("openspec/outlineChanged", Duration::from_millis(1500));
    let third = outline(&mut client);
    assert!(late.is_empty(), "{late:?}\n{second}\n{third}");
    client.drain_notifications();
    client.finish();
}

#[test]
fn a_client_that_did_not_declare_it_gets_no_notice_and_no_rename_action() {
    let (_temp, root) = workspace();
    let mut client = start(&root, &json!({}));
    assert_eq!(outline(&mut client)["roots"][0]["specs"][0]["requirements"], json!(2));
    let (_, action) = rename_action(&mut client, &root, &json!({"diagnostics": []}));
    assert!(action.is_none(), "{action:?}");
    client.drain_notifications();
    assert!(client.collect("openspec/outlineChanged", Duration::from_millis(500)).is_empty());
    client.finish();
}

#[test]
fn rename_through_a_change_is_applied_by_the_client_and_archives_with_the_cli() {
    let (_temp, root) = workspace();
    let mut client = start(&root, &json!({"openspec": {"renameThroughChange": true}}));
    let (spec, action) = rename_action(&mut client, &root, &json!({"diagnostics": [], "only": ["refactor"]}));
    let action = action.expect("a rename-through-change action");
    let argument = &action["command"]["arguments"][0];
    assert_eq!(argument["requirement"], "Login");
    assert_eq!(argument["capability"], "auth");
    assert_eq!(argument["changes"], json!(["add-2fa"]));
    assert_eq!(argument["canCreate"], json!(true));

    // A new change folder: the proposal and the delta are created by the client.
    let request =
        json!({"uri": spec, "position": argument["position"], "newName": "Sign in", "newChange": "rename-login"});
    let response = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.applyRenameThroughChange", "arguments": [request]}),
    );
    let delta = root.join("openspec/changes/rename-login/specs/auth/spec.md");
    assert_eq!(
        response["result"],
        json!({"applied": true, "change": "rename-login", "uri": uri(&delta)}),
        "{response}"
    );
    let edit = client
        .server_requests
        .iter()
        .rev()
        .find(|request| request["method"] == "workspace/applyEdit")
        .map(|request| request["params"]["edit"].clone())
        .expect("the server sent workspace/applyEdit");
    let created: Vec<&Value> =
        edit["documentChanges"].as_array().into_iter().flatten().filter(|op| op["kind"] == "create").collect();
    assert_eq!(created.len(), 2, "{edit}");
    apply(&edit);
    assert!(std::fs::read_to_string(&delta).is_ok_and(|text| text.contains("- TO: `### Requirement: Sign in`")));
    // add-2fa's MODIFIED entry follows the rename it archives after.
    let other = std::fs::read_to_string(root.join("openspec/changes/add-2fa/specs/auth/spec.md")).expect("read");
    assert!(other.contains("### Requirement: Sign in\n"), "{other}");

    // An unknown change is refused with a reason.
    let request = json!({"uri": spec, "position": argument["position"], "newName": "Log in", "change": "nope"});
    let response = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.applyRenameThroughChange", "arguments": [request]}),
    );
    assert!(response["error"]["message"].as_str().is_some_and(|m| m.contains("nope")), "{response}");
    client.drain_notifications();
    client.finish();

    if let Some((valid, output)) = cli(&root, &["validate", "rename-login", "--strict"]) {
        assert!(valid, "openspec validate refused the new change:\n{output}");
        let (archived, output) = cli(&root, &["archive", "rename-login", "--yes"]).expect("CLI present");
        assert!(archived, "openspec archive refused:\n{output}");
        let main = std::fs::read_to_string(root.join("openspec/specs/auth/spec.md")).expect("read main spec");
        assert!(main.contains("### Requirement: Sign in\n") && !main.contains("Requirement: Login"), "{main}");
        // The other change still applies after the rename.
        let (valid, output) = cli(&root, &["validate", "add-2fa", "--strict"]).expect("CLI present");
        assert!(valid, "add-2fa no longer validates:\n{output}");
    }
}
