//! Protocol test of the team-scale layout: a workspace folder that is a pointer repository
//! (`openspec/config.yaml` with `store: <id>`) gets the store's checkout indexed, and a store
//! registered while the server runs is picked up from the watched registry file, without a
//! restart. The registry lives in a temp `XDG_DATA_HOME`, never the user's.

#![cfg(unix)]

mod support;

use std::path::Path;

use serde_json::{Value, json};

use support::lsp_client::LspClient;
use support::openspec_lsp_binary;

const SPEC: &str = "## Purpose\nShort.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n";

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_pointer_folder_indexes_the_store_registered_while_running() {
    let temp = tempfile::tempdir().expect("temp dir");
    let top = temp.path().canonicalize().expect("canonical temp dir");
    let (app, store, data) = (top.join("app"), top.join("team-specs"), top.join("data"));
    write(&app.join("openspec/config.yaml"), "store: team-specs\n");
    write(&store.join(".openspec-store/store.yaml"), "version: 1\nid: team-specs\n");
    write(&store.join("openspec/config.yaml"), "schema: spec-driven\n");
    let spec = store.join("openspec/specs/auth/spec.md");
    write(&spec, SPEC);
    // The server reads its registry location from the environment; `env` sets it for it alone.
    let binary = openspec_lsp_binary();
    let xdg = format!("XDG_DATA_HOME={}", data.display());
    let args = [xdg.as_str(), binary.to_str().expect("utf-8 binary path")];
    let mut client = LspClient::spawn(Path::new("/usr/bin/env"), &args, &app);
    let response = client.request(
        "initialize",
        json!({
            "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
            "workspaceFolders": [{"uri": uri(&app), "name": "app"}],
        }),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    let registry = data.join("openspec/stores/registry.yaml");
    client.drain_notifications();

    // Registering the store (as `openspec store register` would) re-resolves the pointer.
    write(
        &registry,
        &format!(
            "version: 1\nstores:\n  team-specs:\n    backend:\n      type: git\n      local_path: {}\n",
            store.display()
        ),
    );
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&registry), "type": 1}]}));
    let params = client.diagnostics_for(&uri(&spec), |params| !codes(params).is_empty());
    assert_eq!(codes(&params), vec!["spec/purpose-too-brief".to_owned()]);
    client.finish();
}
