//! Protocol tests of what the server sends depending on what the client declared: a minimal
//! client (what Emacs 28's eglot sends without yasnippet: no snippets, no file creation, no
//! `LocationLink`s, no `window/showDocument`) against a full one (VS Code, Neovim). The real
//! binary over stdio, on a small workspace written by the test.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use support::lsp_client::LspClient;
use support::openspec_lsp_binary;

const BASE: &str = "# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: ok\n- **WHEN** the password matches\n- **THEN** the session starts\n\n### Requirement: Session expiry\nThe system SHALL end idle sessions.\n\n#### Scenario: idle\n- **WHEN** an hour passes\n- **THEN** the session ends\n\n### Requirement: Session limits\nThe system SHALL cap sessions at $5 per {user}.\n\n#### Scenario: cap\n- **WHEN** a sixth session starts\n- **THEN** the oldest ends\n\n### Requirement: 登录 流程\nThe system SHALL support 登录.\n\n#### Scenario: cjk\n- **WHEN** x\n- **THEN** y\n";

const PROPOSAL: &str = "## Why\nPeople need a second factor to keep their accounts safe from stolen passwords.\n\n## What Changes\n- Add codes\n\n## Capabilities\n### New Capabilities\n- `two-factor`: one-time codes\n\n### Modified Capabilities\n- `auth`: sessions\n";

/// The delta being edited: line 1 is where completion happens.
const DELTA: &str = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL let people sign in twice.\n\n#### Scenario: ok\n- **WHEN** the password matches\n- **THEN** the session starts\n\n## REMOVED Requirements\n### Requirement: Session \n";

/// What Emacs 28 with the Debian `elpa-eglot` 1.9 declares (no yasnippet installed).
fn minimal_capabilities() -> Value {
    json!({
        "workspace": {"applyEdit": true, "executeCommand": {"dynamicRegistration": false},
                      "workspaceEdit": {"documentChanges": true}, "configuration": true},
        "textDocument": {
            "completion": {"dynamicRegistration": false, "completionItem": {"snippetSupport": false}, "contextSupport": true},
            "definition": {"dynamicRegistration": false},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}},
            "publishDiagnostics": {"relatedInformation": false}
        }
    })
}

/// What VS Code and Neovim declare, as far as these answers are concerned.
fn full_capabilities() -> Value {
    json!({
        "workspace": {"applyEdit": true, "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename", "delete"]}},
        "textDocument": {
            "completion": {"completionItem": {"snippetSupport": true}},
            "definition": {"linkSupport": true},
            "declaration": {"linkSupport": true},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}}
        },
        "window": {"showDocument": {"support": true}}
    })
}

struct Workspace {
    _dir: tempfile::TempDir,
    root: PathBuf,
    base: PathBuf,
    proposal: PathBuf,
    delta: PathBuf,
}

fn workspace() -> Workspace {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let write = |relative: &str, text: &str| {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    };
    let base = write("openspec/specs/auth/spec.md", BASE);
    let proposal = write("openspec/changes/c/proposal.md", PROPOSAL);
    let delta = write("openspec/changes/c/specs/auth/spec.md", DELTA);
    write("openspec/changes/c/tasks.md", "## 1. Codes\n- [ ] 1.1 Add codes\n");
    write("openspec/changes/c/design.md", "# Design\n");
    Workspace { _dir: dir, root, base, proposal, delta }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn start(workspace: &Workspace, capabilities: &Value) -> LspClient {
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], &workspace.root);
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(&workspace.root), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    for path in [&workspace.delta, &workspace.proposal] {
        let text = std::fs::read_to_string(path).expect("read");
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": 1, "text": text}}),
        );
    }
    client
}

fn items(completion: &Value) -> Vec<Value> {
    let result = &completion["result"];
    result.as_array().or_else(|| result["items"].as_array()).cloned().unwrap_or_default()
}

fn complete(client: &mut LspClient, path: &Path, line: u64, character: u64) -> Vec<Value> {
    let completion = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character},
               "context": {"triggerKind": 2, "triggerCharacter": " "}}),
    );
    items(&completion)
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|item| item["label"].as_str()).collect()
}

fn proposal_actions(client: &mut LspClient, workspace: &Workspace) -> Vec<Value> {
    let line = PROPOSAL.lines().position(|line| line.contains("two-factor")).expect("bullet") as u64;
    let diagnostic = json!({"range": {"start": {"line": line, "character": 2}, "end": {"line": line, "character": 14}},
                            "message": "no delta", "code": "proposal/capability-without-delta", "source": "openspec-lsp"});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&workspace.proposal)},
               "range": {"start": {"line": line, "character": 4}, "end": {"line": line, "character": 4}},
               "context": {"diagnostics": [diagnostic]}}),
    );
    actions["result"].as_array().cloned().unwrap_or_default()
}

fn definition(client: &mut LspClient, workspace: &Workspace) -> Value {
    navigate(client, workspace, "textDocument/definition")
}

/// The answer to `method` (definition or declaration) on the delta's MODIFIED header.
fn navigate(client: &mut LspClient, workspace: &Workspace, method: &str) -> Value {
    let response = client.request(
        method,
        json!({"textDocument": {"uri": uri(&workspace.delta)}, "position": {"line": 1, "character": 19}}),
    );
    response["result"].clone()
}

#[test]
fn a_minimal_client_gets_plain_text_no_file_creation_and_locations() {
    let workspace = workspace();
    let mut client = start(&workspace, &minimal_capabilities());

    // After `### Requirement: Session ` (the space is a trigger character): the names that
    // start with what is typed, as plain text replacing the typed space too.
    let removed_line = 9;
    let found = complete(&mut client, &workspace.delta, removed_line, 25);
    assert_eq!(labels(&found), ["Session expiry", "Session limits"], "{found:#?}");
    for item in &found {
        assert_ne!(item["insertTextFormat"], json!(2), "{item}");
        assert_eq!(item["textEdit"]["range"]["start"], json!({"line": removed_line, "character": 17}), "{item}");
        assert_eq!(item["textEdit"]["range"]["end"], json!({"line": removed_line, "character": 25}), "{item}");
    }
    assert_eq!(found[1]["textEdit"]["newText"], json!("Session limits"));

    // Templates come without snippet syntax.
    let mut client_templates = complete(&mut client, &workspace.delta, 3, 0);
    client_templates.retain(|item| item["label"] == json!("#### Scenario:"));
    let template = client_templates.first().expect("a scenario template on the blank line");
    let new_text = template["textEdit"]["newText"].as_str().unwrap_or_default();
    assert!(!new_text.contains("${") && !new_text.contains("$0"), "{template}");
    assert!(new_text.starts_with("#### Scenario: Name\n- **WHEN** condition"), "{template}");

    // No action that creates a file: this client cannot.
    let actions = proposal_actions(&mut client, &workspace);
    let titles: Vec<&str> = actions.iter().filter_map(|action| action["title"].as_str()).collect();
    assert!(titles.iter().all(|title| !title.starts_with("Create")), "{titles:?}");

    // Definitions are plain locations.
    let result = definition(&mut client, &workspace);
    assert_eq!(result[0]["uri"], json!(uri(&workspace.base)), "{result}");
    assert!(result[0].get("targetUri").is_none(), "{result}");
    client.finish();
}

#[test]
fn a_full_client_gets_snippets_links_and_the_created_file_shown() {
    let workspace = workspace();
    let mut client = start(&workspace, &full_capabilities());

    // Names come as snippets: escaped, so `$` and `}` survive expansion, and whole, so clients
    // that take the label or the snippet text insert the full name; the copy has its own label.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&workspace.delta), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 1, "character": 17}, "end": {"line": 1, "character": 22}}, "text": ""}]}),
    );
    let found = complete(&mut client, &workspace.delta, 1, 17);
    let names = labels(&found);
    assert!(names.contains(&"Session limits") && names.contains(&"登录 流程"), "{names:?}");
    assert!(names.contains(&"登录 流程 (copy current requirement)"), "{names:?}");
    for item in &found {
        assert_eq!(item["insertTextFormat"], json!(2), "{item}");
    }
    let limits = found.iter().find(|item| item["label"] == json!("Session limits")).expect("Session limits");
    assert_eq!(limits["textEdit"]["newText"], json!("Session limits"));
    let copy = found
        .iter()
        .find(|item| item["label"] == json!("Session limits (copy current requirement)"))
        .expect("the copy of Session limits");
    let copied = copy["textEdit"]["newText"].as_str().unwrap_or_default();
    assert!(copied.starts_with("Session limits\nThe system SHALL cap sessions at \\$5 per {user\\}."), "{copy}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&workspace.delta), "version": 3}, "contentChanges": [{"text": DELTA}]}),
    );

    // Definition: a link whose origin is the whole header name, landing on the requirement.
    let result = definition(&mut client, &workspace);
    let link = &result[0];
    assert_eq!(link["targetUri"], json!(uri(&workspace.base)), "{result}");
    assert_eq!(
        link["originSelectionRange"],
        json!({"start": {"line": 1, "character": 17}, "end": {"line": 1, "character": 22}}),
        "{result}"
    );
    assert_eq!(link["targetSelectionRange"]["start"], json!({"line": 6, "character": 17}), "{result}");
    assert_eq!(link["targetRange"]["start"], json!({"line": 6, "character": 0}), "{result}");
    // Go to Declaration answers the same (VS Code's Markdown extension does not answer it).
    assert_eq!(navigate(&mut client, &workspace, "textDocument/declaration"), result);

    // Creating the missing delta spec: the edit creates it, and the command has it shown.
    let actions = proposal_actions(&mut client, &workspace);
    let created = workspace.root.join("openspec/changes/c/specs/two-factor/spec.md");
    let create = actions
        .iter()
        .find(|action| action["title"].as_str().is_some_and(|title| title.ends_with("two-factor/spec.md")))
        .expect("the Create action");
    let operations = create["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    assert!(operations.iter().any(|op| op["kind"] == json!("create") && op["uri"] == json!(uri(&created))), "{create}");
    let command = &create["command"];
    assert_eq!(command["command"], json!("openspec.showDocument"), "{create}");
    std::fs::create_dir_all(created.parent().expect("parent")).expect("mkdir");
    std::fs::write(&created, "## ADDED Requirements\n").expect("the client creates the file");
    let executed = client
        .request("workspace/executeCommand", json!({"command": command["command"], "arguments": command["arguments"]}));
    assert!(executed.get("error").is_none(), "{executed}");
    let shown: Vec<&Value> =
        client.server_requests.iter().filter(|request| request["method"] == json!("window/showDocument")).collect();
    assert_eq!(shown.len(), 1, "{:#?}", client.server_requests);
    assert_eq!(shown[0]["params"]["uri"], json!(uri(&created)));
    assert_eq!(shown[0]["params"]["takeFocus"], json!(true));

    // A path outside every root is refused.
    let refused = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.showDocument", "arguments": ["file:///etc/passwd"]}),
    );
    assert!(refused.get("error").is_some(), "{refused}");
    client.finish();
}
