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

fn start(folder: &Path, capabilities: &Value) -> LspClient {
    start_with_answer(folder, capabilities).0
}

/// [`start`], also returning the server's answer to `initialize`.
fn start_with_answer(folder: &Path, capabilities: &Value) -> (LspClient, Value) {
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], folder);
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(folder), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    (client, response)
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

fn change(client: &mut LspClient, path: &Path, version: i64, changes: &Value) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
    );
}

#[test]
fn incremental_edits_with_non_ascii_text_drive_push_diagnostics_in_utf16() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({"general": {"positionEncodings": ["utf-16"]}}));
    client.open_markdown(&spec, SPEC);
    // Delete "SHALL " on line 5 ("The system SHALL let people sign in."): the requirement loses
    // its keyword, which the CLI reports as a warning on the body line.
    change(
        &mut client,
        &spec,
        2,
        &json!([{"range": {"start": {"line": 5, "character": 11}, "end": {"line": 5, "character": 17}}, "text": ""}]),
    );
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(2));
    assert_eq!(codes(&params), vec![("spec/requirement-missing-shall-must".to_owned(), 5, 0, 5, 30)]);
    // Indent the CJK/emoji requirement header by one space: CommonMark still renders it as a
    // heading but OpenSpec no longer sees it. The range ends after the emoji, counted in
    // UTF-16 units (the emoji is two).
    change(
        &mut client,
        &spec,
        3,
        &json!([{"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": " "}]),
    );
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
        &json!([
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
    client.open_markdown(&spec, &indented);
    let params = client.diagnostics_for(&uri(&spec), |p| !codes(p).is_empty());
    // " ### Requirement: 登录 😀 Login": 1 + 17 + 6 (two CJK) + 1 + 4 (emoji) + 6 bytes.
    assert_eq!(codes(&params)[0], ("markdown/indented-heading".to_owned(), 4, 1, 4, 35));
    client.finish();
}

#[test]
fn a_file_changed_on_disk_is_reread() {
    let (dir, spec) = workspace();
    let mut client = start(dir.path(), &json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}));
    // The watcher registration arrives as a server request; the client answers it.
    client.drain_notifications();
    std::fs::write(&spec, SPEC.replace("## Purpose", "## Porpoise")).expect("rewrite spec");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&spec), "type": 2}]}));
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
    let mut client = start(dir.path(), &json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}));
    client.open_markdown(&spec, SPEC);
    for round in 0..20 {
        let version = 2 + round * 2;
        change(&mut client, &spec, version, &json!([{"text": SPEC.replace("SHALL ", "")}]));
        let broken = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec)}}));
        assert_eq!(broken["result"]["items"].as_array().map(Vec::len), Some(1), "round {round}: {broken}");
        change(&mut client, &spec, version + 1, &json!([{"text": SPEC}]));
        let fixed = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec)}}));
        assert_eq!(fixed["result"]["items"], json!([]), "round {round}: {fixed}");
    }
    client.finish();
}

#[test]
fn exit_without_shutdown_exits_1() {
    let (dir, _) = workspace();
    let mut client = start(dir.path(), &json!({}));
    client.notify("exit", Value::Null);
    let mut child = client.into_child();
    assert_eq!(wait_exit(&mut child), Some(1));
}

/// Copies the bundled example workspace into a temporary folder.
fn example_workspace() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read example dir").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy example file");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&support::repo_root().join("examples/demo"), dir.path());
    dir
}

/// The completion items' labels and the text accepting each would insert (`textEdit.newText`,
/// else `insertText`, else the label); every label must name one of `names`, and every name
/// must be offered, inserting the whole name.
fn assert_offers_exactly(completion: &Value, names: &[&str]) {
    let items = completion["result"]
        .as_array()
        .or_else(|| completion["result"]["items"].as_array())
        .unwrap_or_else(|| panic!("completion items: {completion}"));
    for item in items {
        let label = item["label"].as_str().unwrap_or_default();
        assert!(names.iter().any(|name| label.contains(name)), "offered {label:?}, not one of {names:?}: {completion}");
    }
    for name in names {
        let inserts = items.iter().any(|item| {
            let inserted = item["textEdit"]["newText"]
                .as_str()
                .or_else(|| item["insertText"].as_str())
                .or_else(|| item["label"].as_str())
                .unwrap_or_default();
            inserted == *name || inserted.strip_prefix(name).is_some_and(|rest| rest.starts_with(['$', '\n']))
        });
        assert!(inserts, "no item inserts {name:?}: {completion}");
    }
}

/// Semantic tokens as (line, start, length, type name), from the relative encoding.
fn decode_tokens(response: &Value, legend: &[String]) -> Vec<(u64, u64, u64, String)> {
    let data: Vec<u64> = response["result"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("semantic tokens: {response}"))
        .iter()
        .map(|number| number.as_u64().unwrap_or(u64::MAX))
        .collect();
    assert!(!data.is_empty() && data.len().is_multiple_of(5), "{response}");
    let (mut line, mut start) = (0, 0);
    let mut tokens = Vec::new();
    for chunk in data.chunks(5) {
        let [delta_line, delta_start, length, kind, _modifiers] = chunk else {
            break;
        };
        if *delta_line > 0 {
            line += delta_line;
            start = 0;
        }
        start += delta_start;
        let name = usize::try_from(*kind).ok().and_then(|idx| legend.get(idx));
        let name = name.unwrap_or_else(|| panic!("token type {kind} is not in the legend {legend:?}"));
        tokens.push((line, start, *length, name.clone()));
    }
    tokens
}

fn line_of(path: &Path, needle: &str) -> u64 {
    let text = std::fs::read_to_string(path).expect("read");
    text.lines().position(|line| line.contains(needle)).expect("needle in file") as u64
}

#[test]
fn every_feature_answers_on_the_example_workspace() {
    let dir = example_workspace();
    let root = dir.path();
    let delta = root.join("openspec/changes/rework-notifications/specs/notifications/spec.md");
    let base = root.join("openspec/specs/notifications/spec.md");
    let proposal = root.join("openspec/changes/rework-notifications/proposal.md");
    // A client that creates files, so the change's scaffolding actions are offered.
    let (mut client, initialized) = start_with_answer(
        root,
        &json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}}),
    );
    let legend: Vec<String> = initialized["result"]["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
        .as_array()
        .map(|types| types.iter().filter_map(|name| name.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let delta_text = std::fs::read_to_string(&delta).expect("read delta");
    client.open_markdown(&delta, &delta_text);
    let text_document = json!({"uri": uri(&delta)});
    let modified_line = line_of(&delta, "### Requirement: Shipping email");

    // Go to definition: the MODIFIED header lands on the base requirement.
    let definition = client.request(
        "textDocument/definition",
        json!({"textDocument": text_document, "position": {"line": modified_line, "character": 20}}),
    );
    let location = &definition["result"][0];
    assert_eq!(location["uri"], json!(uri(&base)), "{definition}");
    assert_eq!(location["range"]["start"]["line"], json!(line_of(&base, "### Requirement: Shipping email")));

    // References from the base requirement include the delta entry.
    let references = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&base)}, "position": {"line": line_of(&base, "### Requirement: Shipping email"), "character": 20},
               "context": {"includeDeclaration": true}}),
    );
    let uris: Vec<&Value> = references["result"].as_array().expect("references").iter().map(|l| &l["uri"]).collect();
    assert!(uris.contains(&&json!(uri(&delta))) && uris.contains(&&json!(uri(&base))), "{references}");

    // Hover on the MODIFIED header shows the base version.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": text_document, "position": {"line": modified_line, "character": 20}}),
    );
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("Shipping email"), "{hover}");

    // Completion after `### Requirement: ` in the MODIFIED section offers the base names.
    change(
        &mut client,
        &delta,
        2,
        &json!([{"range": {"start": {"line": 0, "character": 24}, "end": {"line": 0, "character": 24}}, "text": "\n### Requirement: "}]),
    );
    let completion = client.request(
        "textDocument/completion",
        json!({"textDocument": text_document, "position": {"line": 1, "character": 17}}),
    );
    // "Shipping email" is MODIFIED here already; the other base requirement is what is left.
    assert_offers_exactly(&completion, &["Unsubscribe"]);
    change(&mut client, &delta, 3, &json!([{"text": delta_text}]));

    // Document symbols, folding, semantic tokens, links, code lenses.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": text_document}));
    assert!(symbols["result"].as_array().is_some_and(|s| s.len() >= 3), "{symbols}");
    let folding = client.request("textDocument/foldingRange", json!({"textDocument": text_document}));
    assert!(folding["result"].as_array().is_some_and(|f| !f.is_empty()), "{folding}");
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": text_document}));
    let tokens = decode_tokens(&tokens, &legend);
    let header_line = line_of(&delta, "## MODIFIED Requirements");
    let shall_line = line_of(&delta, "The system SHALL notify");
    let scenario_line = line_of(&delta, "#### Scenario: Order shipped");
    let when_line = line_of(&delta, "- **WHEN** an order is marked as shipped");
    for expected in [
        (header_line, 3, 8, "deltaKeyword"),
        (modified_line, 17, 14, "requirement"),
        (shall_line, 11, 5, "normative"),
        (scenario_line, 15, 13, "scenario"),
        (when_line, 4, 4, "scenarioKeyword"),
    ] {
        assert!(
            tokens.iter().any(|(line, start, length, kind)| (*line, *start, *length, kind.as_str()) == expected),
            "no token {expected:?} in {tokens:?}"
        );
    }
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri(&proposal)}}));
    let titles: Vec<&str> = lenses["result"]
        .as_array()
        .map(|l| l.iter().filter_map(|lens| lens["command"]["title"].as_str()).collect())
        .unwrap_or_default();
    assert!(titles.iter().any(|title| title.contains("tasks")), "{lenses}");
    // The `auth` capability bullet of the other change's proposal links to the main spec.
    let linking = root.join("openspec/changes/add-two-factor-auth/proposal.md");
    let links = client.request("textDocument/documentLink", json!({"textDocument": {"uri": uri(&linking)}}));
    let bullet = line_of(&linking, "- `auth`: sign-in asks");
    let found: Vec<(u64, u64, u64, String)> = links["result"]
        .as_array()
        .unwrap_or_else(|| panic!("document links are a list: {links}"))
        .iter()
        .map(|link| {
            let range = &link["range"];
            (
                range["start"]["line"].as_u64().unwrap_or(u64::MAX),
                range["start"]["character"].as_u64().unwrap_or(u64::MAX),
                range["end"]["character"].as_u64().unwrap_or(u64::MAX),
                link["target"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(found, [(bullet, 3, 7, uri(&root.join("openspec/specs/auth/spec.md")))], "{links}");

    // Workspace symbols find requirements by fuzzy name.
    let found = client.request("workspace/symbol", json!({"query": "shipemail"}));
    assert!(
        found["result"].as_array().is_some_and(|s| s.iter().any(|sym| sym["name"] == json!("Shipping email"))),
        "{found}"
    );

    // A quick fix for the requirement without SHALL/MUST in the ADDED section.
    let added_line = line_of(&delta, "### Requirement: Notification settings");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": text_document, "range": {"start": {"line": added_line, "character": 0}, "end": {"line": added_line, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert!(actions["result"].as_array().is_some_and(|a| !a.is_empty()), "{actions}");

    // Rename the base requirement: the header and the delta entry both change.
    let renamed = client.request(
        "textDocument/rename",
        json!({"textDocument": text_document, "position": {"line": modified_line, "character": 20}, "newName": "Shipping notice"}),
    );
    let changes = renamed["result"]["changes"].as_object().expect("workspace edit");
    assert!(changes.contains_key(&uri(&base)) && changes.contains_key(&uri(&delta)), "{renamed}");
    let refused = client.request(
        "textDocument/rename",
        json!({"textDocument": text_document, "position": {"line": modified_line, "character": 20}, "newName": "Unsubscribe"}),
    );
    assert!(refused.get("error").is_some(), "renaming onto an existing name must be refused: {refused}");

    // The merged-spec preview: the valid change merges; the one dropping a scenario is refused
    // with archive's own reason.
    let preview = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.previewArchive", "arguments": [{"change": "add-two-factor-auth", "capability": "auth"}]}),
    );
    let merged = preview["result"].as_str().unwrap_or_default();
    assert!(merged.starts_with("# ") && merged.contains("## Requirements"), "{preview}");
    let refused = client.request(
        "workspace/executeCommand",
        json!({"command": "openspec.previewArchive", "arguments": [{"change": "rework-notifications", "capability": "notifications"}]}),
    );
    let reason = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(reason.contains("No email address"), "{refused}");

    client.finish();
}

#[test]
fn a_file_opened_outside_the_workspace_folders_brings_its_root() {
    let (dir, spec) = workspace();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let mut client = start(elsewhere.path(), &json!({}));
    let broken = SPEC.replace("## Purpose", "## Porpoise");
    client.open_markdown(&spec, &broken);
    let params = client.diagnostics_for(&uri(&spec), |p| !codes(p).is_empty());
    assert_eq!(codes(&params)[0].0, "spec/missing-purpose");
    drop(dir);
    client.finish();
}

#[test]
fn legacy_files_beside_openspec_get_findings_quick_fixes_and_owners_show_on_hover() {
    let (dir, spec) = workspace();
    let claude = dir.path().join("CLAUDE.md");
    std::fs::write(&claude, "# Mine\n\n<!-- OPENSPEC:START -->\nold\n<!-- OPENSPEC:END -->\n\nKeep.\n")
        .expect("write CLAUDE.md");
    std::fs::create_dir_all(dir.path().join(".github")).expect("mkdir .github");
    std::fs::write(dir.path().join(".github/CODEOWNERS"), "/openspec/specs/auth/ @org/security\n")
        .expect("write CODEOWNERS");
    let mut client = start(dir.path(), &json!({}));
    // The marker block is reported on the user's own file, outside `openspec/`.
    let params = client.diagnostics_for(&uri(&claude), |p| !codes(p).is_empty());
    assert_eq!(codes(&params), vec![("legacy/marker-block".to_owned(), 2, 0, 2, 23)]);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&claude)}, "range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}},
               "context": {"diagnostics": params["diagnostics"]}}),
    );
    let fix = actions["result"]
        .as_array()
        .and_then(|list| {
            list.iter().find(|action| action["title"].as_str().is_some_and(|t| t.contains("marker block")))
        })
        .unwrap_or_else(|| panic!("no marker-block fix: {actions}"));
    assert_eq!(fix["isPreferred"], json!(true));
    // Lines 2 to 5 (the block and one of the two blank lines around it) go; the rest stays.
    assert_eq!(
        fix["edit"]["changes"][uri(&claude)],
        json!([{"range": {"start": {"line": 2, "character": 0}, "end": {"line": 6, "character": 0}}, "newText": ""}])
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&spec)}, "position": {"line": 4, "character": 5}}),
    );
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("**Owners:** @org/security (from `.github/CODEOWNERS`)"), "{hover}");
    client.finish();
}
