//! Protocol test of the team-scale layout: a workspace folder that is a pointer repository
//! (`openspec/config.yaml` with `store: <id>`) gets the store's checkout indexed, and a store
//! registered while the server runs is picked up from the watched registry file, without a
//! restart. The registry lives in a temp `XDG_DATA_HOME`, never the user's.

#![cfg(unix)]

mod support;

use std::fmt::Write as _;
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

/// Runs the server in `app` with `data` as `XDG_DATA_HOME`, initialised with the given client
/// capabilities.
fn start(app: &Path, data: &Path, capabilities: &Value) -> LspClient {
    let binary = openspec_lsp_binary();
    let xdg = format!("XDG_DATA_HOME={}", data.display());
    let args = [xdg.as_str(), binary.to_str().expect("utf-8 binary path")];
    let mut client = LspClient::spawn(Path::new("/usr/bin/env"), &args, app);
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(app), "name": "app"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    client
}

fn register(registry: &Path, stores: &[(&str, &Path)]) {
    let mut text = "version: 1\nstores:\n".to_owned();
    for (id, path) in stores {
        let _ = writeln!(text, "  {id}:\n    backend:\n      type: git\n      local_path: {}", path.display());
    }
    write(registry, &text);
}

fn store_checkout(dir: &Path, id: &str) {
    write(&dir.join(".openspec-store/store.yaml"), &format!("version: 1\nid: {id}\n"));
    write(&dir.join("openspec/config.yaml"), "schema: spec-driven\n");
    write(&dir.join("openspec/specs/auth/spec.md"), SPEC);
}

fn at(path: &Path, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}})
}

/// An application repository that references a registered store and an unregistered one: the
/// store findings are published on the config (kept fresh when the registry changes), the
/// unregistered one has a code action copying the CLI's register command, store ids complete,
/// hover and lead to the store's identity file, and the referenced store's requirements are in
/// the workspace symbols (labelled, read-only: its own findings are not published).
#[test]
fn store_ids_in_the_editor() {
    let temp = tempfile::tempdir().expect("temp dir");
    let top = temp.path().canonicalize().expect("canonical temp dir");
    let (app, team, data) = (top.join("app"), top.join("team-specs"), top.join("data"));
    let config = app.join("openspec/config.yaml");
    write(&config, "schema: spec-driven\nreferences:\n  - team-specs\n  - ghost\n");
    write(
        &app.join("openspec/specs/app/spec.md"),
        &SPEC.replace("Short.", "The application keeps every session safe."),
    );
    store_checkout(&team, "team-specs");
    let registry = data.join("openspec/stores/registry.yaml");
    register(&registry, &[("team-specs", &team)]);
    let capabilities = json!({
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
        "textDocument": {"publishDiagnostics": {"relatedInformation": true}},
    });
    let mut client = start(&app, &data, &capabilities);

    // 1. The unregistered reference, on its id, with the fix as related information.
    let published = client.diagnostics_for(&uri(&config), |params| !codes(params).is_empty());
    assert_eq!(codes(&published), vec!["store/reference-unresolved".to_owned()]);
    let finding = &published["diagnostics"][0];
    assert_eq!(finding["range"]["start"], json!({"line": 3, "character": 4}));
    assert_eq!(finding["source"], json!("openspec"));
    assert_eq!(finding["severity"], json!(2));
    assert_eq!(finding["message"], json!("Referenced store 'ghost' is not registered on this machine."));
    let fix = finding["relatedInformation"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(fix, "Fix: Get a checkout from a teammate and run: openspec store register <path> --id ghost");

    // 2. The code action copies the command (an edit-free client-side command).
    let text = std::fs::read_to_string(&config).expect("read config");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&config), "languageId": "yaml", "version": 1, "text": text}}),
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&config)},
            "range": finding["range"],
            "context": {"diagnostics": [finding]},
        }),
    );
    let action = &actions["result"][0];
    assert_eq!(action["title"], json!("Copy the command that registers store 'ghost'"));
    assert_eq!(action["command"]["command"], json!("openspec.copyToClipboard"));
    assert_eq!(action["command"]["arguments"], json!(["openspec store register <path> --id ghost"]));
    assert!(action.get("edit").is_none_or(Value::is_null), "{action}");

    // 3. Completion of store ids, with the checkout and health as detail (an id listed above
    //    the cursor is not offered again).
    let completion = client.request("textDocument/completion", at(&config, 2, 6));
    let items = completion["result"].as_array().cloned().unwrap_or_default();
    let labels: Vec<&str> = items.iter().filter_map(|item| item["label"].as_str()).collect();
    assert_eq!(labels, vec!["team-specs"], "{completion}");
    assert_eq!(items[0]["detail"], json!(format!("{} (1 specs)", team.display())));
    assert_eq!(items[0]["textEdit"]["range"]["start"], json!({"line": 2, "character": 4}));
    let below = client.request("textDocument/completion", at(&config, 3, 6));
    assert_eq!(below["result"], Value::Null, "{below}");

    // 4. Hover and definition on a store id.
    let hover = client.request("textDocument/hover", at(&config, 2, 6));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default().to_owned();
    assert!(markdown.contains(&format!("- Checkout: `{}`", team.display())), "{markdown}");
    assert!(markdown.contains("- Specs: 1") && markdown.contains("- Health: healthy"), "{markdown}");
    let definition = client.request("textDocument/definition", at(&config, 2, 6));
    assert_eq!(definition["result"][0]["uri"], json!(uri(&team.join(".openspec-store/store.yaml"))), "{definition}");

    // 5. The referenced store's requirements are workspace symbols, labelled and read-only;
    //    hover works on them.
    let symbols = client.request("workspace/symbol", json!({"query": "Login"}));
    let team_spec = team.join("openspec/specs/auth/spec.md");
    let in_store: Vec<&Value> = symbols["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|symbol| symbol["location"]["uri"] == json!(uri(&team_spec)))
        .collect();
    assert_eq!(in_store.len(), 1, "{symbols}");
    let container = in_store[0]["containerName"].as_str().unwrap_or_default();
    assert!(container.starts_with("[store team-specs, read-only]"), "{container}");
    let start = &in_store[0]["location"]["range"]["start"];
    let line = u32::try_from(start["line"].as_u64().unwrap_or_default()).unwrap_or_default();
    let hover = client.request("textDocument/hover", at(&team_spec, line, 20));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("The system SHALL let people sign in."), "{hover}");
    // Read-only: no rename there.
    let rename = client.request("textDocument/prepareRename", at(&team_spec, line, 20));
    assert!(rename.get("error").is_some(), "{rename}");

    // 6. Registering the missing store clears its finding without a restart; the store's own
    //    findings (its purpose is too brief) are never published.
    let ghost = top.join("ghost");
    store_checkout(&ghost, "ghost");
    register(&registry, &[("team-specs", &team), ("ghost", &ghost)]);
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&registry), "type": 2}]}));
    client.diagnostics_for(&uri(&config), |params| codes(params).is_empty());
    let pushed = client.collect("textDocument/publishDiagnostics", std::time::Duration::from_millis(500));
    let store_uris = [uri(&team_spec), uri(&ghost.join("openspec/specs/auth/spec.md"))];
    assert!(
        pushed
            .iter()
            .all(|message| !store_uris.contains(&message["params"]["uri"].as_str().unwrap_or_default().to_owned())),
        "{pushed:#?}"
    );
    client.finish();
}
