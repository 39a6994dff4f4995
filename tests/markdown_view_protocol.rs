//! The CommonMark view of an open buffer (the tree-sitter-md tree the `markdown/*` checks
//! read) is reparsed only when a check asks for it, not at every `didChange`: edits typed while
//! nothing asks pile up on the last parsed tree. Over stdio, a finding that needs the tree
//! goes away with the edit that removes it, stays away while the buffer is typed into, and
//! comes back, on the right line, with the edit that restores it. The real binary.

mod support;

use serde_json::{Value, json};

use support::lsp_client::{LspClient, uri};
use support::openspec_lsp_binary;

const SPEC_PATH: &str = "openspec/specs/auth/spec.md";
const SPEC: &str = "# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n\n  # Notes\n";
/// The line of `  # Notes`.
const NOTES_LINE: u64 = 13;
const CODE: &str = "markdown/indented-heading";

fn lines_with_code(params: &Value) -> Vec<u64> {
    params["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|d| d["code"] == json!(CODE))
                .filter_map(|d| d["range"]["start"]["line"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

fn edit(client: &mut LspClient, spec: &std::path::Path, version: i64, at: (u64, u64), to: (u64, u64), text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(spec), "version": version}, "contentChanges": [{
            "range": {"start": {"line": at.0, "character": at.1}, "end": {"line": to.0, "character": to.1}},
            "text": text}]}),
    );
}

#[test]
fn a_finding_that_needs_the_tree_follows_edits_typed_while_nothing_parsed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join(SPEC_PATH);
    std::fs::create_dir_all(spec.parent().expect("parent")).expect("mkdir");
    std::fs::write(&spec, SPEC).expect("write");
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], dir.path());
    let response = client.request(
        "initialize",
        json!({"capabilities": {}, "workspaceFolders": [{"uri": uri(dir.path()), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&spec), "languageId": "markdown", "version": 1, "text": SPEC}}),
    );
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(1));
    assert_eq!(lines_with_code(&params), vec![NOTES_LINE], "{params}");

    // The indent removed: nothing left that needs the tree, so the next versions are not parsed.
    edit(&mut client, &spec, 2, (NOTES_LINE, 0), (NOTES_LINE, 2), "");
    let params = client.diagnostics_for(&uri(&spec), |p| p["version"] == json!(2));
    assert_eq!(lines_with_code(&params), Vec::<u64>::new(), "{params}");
    // Typed above it: two lines more, a word in a body.
    edit(&mut client, &spec, 3, (7, 0), (7, 0), "Always.\n\n");
    edit(&mut client, &spec, 4, (9, 17), (9, 17), " quickly");
    // The indent typed back, in two keystrokes: the finding returns two lines further down.
    edit(&mut client, &spec, 5, (NOTES_LINE + 2, 0), (NOTES_LINE + 2, 0), " ");
    edit(&mut client, &spec, 6, (NOTES_LINE + 2, 0), (NOTES_LINE + 2, 0), " ");
    let params = client.diagnostics_for(&uri(&spec), |p| !lines_with_code(p).is_empty());
    assert_eq!(lines_with_code(&params), vec![NOTES_LINE + 2], "{params}");
    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri(&spec)}}));
    assert!(tokens["result"]["data"].is_array(), "{tokens}");
    client.drain_notifications();
    client.finish();
}
