//! Protocol test of requirement history: the real binary over stdio on a workspace with a
//! messy archive (a rename chain, an undated folder). The `openspec.history` command (by name
//! and by cursor, with LSP locations), the history code lens and the hover line.

mod support;

use std::path::Path;

use serde_json::{Value, json};

use support::lsp_client::LspClient;
use support::openspec_lsp_binary;

const WORKSPACE: &str = "
//- /openspec/specs/auth/spec.md
# auth Specification

## Purpose
Sign-in keeps accounts safe for everyone who uses the product.

## Requirements
### Requirement: Sign in
The system SHALL let people sign in.

#### Scenario: Good password
- **WHEN** the password matches
- **THEN** the session starts
//- /openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
The system SHALL let people log in.
//- /openspec/changes/archive/2024-02-01-rename-login/specs/auth/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Login`
- TO: `### Requirement: Sign in`
//- /openspec/changes/archive/by-hand/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Sign in
The system SHALL let people sign in.
//- /openspec/changes/next/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Sign in
The system SHALL let people sign in twice.
";

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn event_summary(event: &Value) -> String {
    format!(
        "{} {} {} {} L{}",
        event["date"].as_str().unwrap_or("-"),
        event["kind"].as_str().unwrap_or(""),
        event["change_name"].as_str().unwrap_or(""),
        event["requirement"].as_str().unwrap_or(""),
        event["location"]["range"]["start"]["line"]
    )
}

#[test]
fn history_command_lens_and_hover() {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().canonicalize().expect("canonical temp dir");
    for file in WORKSPACE.split("//- /").skip(1) {
        let (path, text) = file.split_once('\n').expect("a path line");
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let spec = root.join("openspec/specs/auth/spec.md");
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], &root);
    let initialized = client
        .request("initialize", json!({"capabilities": {}, "workspaceFolders": [{"uri": uri(&root), "name": "ws"}]}));
    let commands = &initialized["result"]["capabilities"]["executeCommandProvider"]["commands"];
    assert!(commands.as_array().is_some_and(|list| list.contains(&json!("openspec.history"))), "{initialized}");
    client.notify("initialized", json!({}));

    // By name: the whole timeline, oldest first, the undated folder after the dated ones.
    let by_name = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.history", "arguments": [{"capability": "auth", "requirement": "Sign in"}]}),
    );
    let requirement = &by_name["result"]["requirements"][0];
    let archived: Vec<String> =
        requirement["archived"].as_array().expect("archived events").iter().map(event_summary).collect();
    assert_eq!(
        archived,
        [
            "2024-01-05 ADDED add-login Login L1",
            "2024-02-01 RENAMED FROM rename-login Login L1",
            "2024-02-01 RENAMED TO rename-login Sign in L2",
            "- MODIFIED by-hand Sign in L1",
        ],
        "{by_name}"
    );
    let active: Vec<String> = requirement["active"].as_array().expect("active").iter().map(event_summary).collect();
    assert_eq!(active, ["- MODIFIED next Sign in L1"]);
    let first = &requirement["archived"][0]["location"];
    assert_eq!(
        first["uri"],
        json!(uri(&root.join("openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md")))
    );
    assert_eq!(requirement["main_spec"]["uri"], json!(uri(&spec)));
    assert_eq!(requirement["summary"], json!("added by add-login · modified 1x · renamed 1x · last by by-hand"));

    // By cursor: inside the requirement's block (its body line), the same answer.
    let by_cursor = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.history", "arguments": [{"uri": uri(&spec), "position": {"line": 7, "character": 4}}]}),
    );
    assert_eq!(by_cursor["result"], by_name["result"]);
    // Nothing there, an unknown requirement, and bad arguments are errors, not crashes.
    for arguments in [
        json!([{"uri": uri(&spec), "position": {"line": 0, "character": 0}}]),
        json!([{"capability": "auth", "requirement": "Nope"}]),
        json!([{"capability": "billing"}]),
        json!([{"uri": uri(&spec), "position": "top"}]),
        json!([]),
    ] {
        let refused =
            client.request("workspace/executeCommand", json!({"command": "openspec.history", "arguments": arguments}));
        assert!(refused["error"]["message"].is_string(), "{refused}");
    }

    // The code lens on the requirement shows the summary and every event's location.
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri(&spec)}}));
    let history_lens = lenses["result"]
        .as_array()
        .expect("lenses")
        .iter()
        .find(|lens| lens["command"]["title"].as_str().is_some_and(|title| title.starts_with("added by")))
        .unwrap_or_else(|| panic!("no history lens: {lenses}"));
    assert_eq!(history_lens["range"]["start"]["line"], json!(6));
    assert_eq!(history_lens["command"]["arguments"][2].as_array().map(Vec::len), Some(5), "{history_lens}");

    // The hover on the requirement has the history line.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&spec)}, "position": {"line": 6, "character": 20}}),
    );
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains(
            "**History:** added by add-login · modified 1x · renamed 1x · last by by-hand (since 2024-01-05)"
        ),
        "{hover}"
    );
    client.finish();
}
