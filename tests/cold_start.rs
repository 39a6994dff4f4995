//! Answer first, finish later: the server indexes the specs and active changes, answers
//! requests from then on, and reads the archive after that without holding any request up; once
//! the archive is in, the findings it publishes are exactly `check`'s (some depend on it). The
//! real binary over stdio.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use support::lsp_client::{LspClient, uri};
use support::openspec_lsp_binary;

const SPEC: &str = "# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n";
const PROPOSAL: &str = "## Why\nPasswords alone are not enough to keep accounts safe for our users.\n\n## What Changes\n- Login asks for a second factor.\n";

/// Enough archived changes that reading them takes a while even on a fast machine.
const ARCHIVED: usize = 600;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// `(code, line)` of each finding by root-relative path, sorted: the published ones.
fn from_publications(root: &Path, publications: &[Value]) -> BTreeMap<String, Vec<(String, u64)>> {
    let mut by_path = BTreeMap::new();
    for message in publications {
        let params = &message["params"];
        let file = params["uri"].as_str().unwrap_or_default().trim_start_matches(&format!("{}/", uri(root))).to_owned();
        let mut found: Vec<(String, u64)> = params["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                (d["code"].as_str().unwrap_or_default().to_owned(), d["range"]["start"]["line"].as_u64().unwrap_or(0))
            })
            .collect();
        found.sort();
        // The last publication of a file is what the client shows.
        by_path.insert(file, found);
    }
    by_path.retain(|_, found: &mut Vec<(String, u64)>| !found.is_empty());
    by_path
}

/// What `check --format json` reports, in the same shape.
fn from_check(binary: &Path, root: &Path) -> BTreeMap<String, Vec<(String, u64)>> {
    let output = Command::new(binary).args(["check", "--format", "json"]).arg(root).output().expect("run check");
    let report: Value = serde_json::from_slice(&output.stdout).expect("check --format json");
    let mut by_path: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().into_iter().flatten() {
        let line = d["line"].as_u64().map_or(0, |line| line.saturating_sub(1));
        let path = d["path"].as_str().unwrap_or_default().to_owned();
        by_path.entry(path).or_default().push((d["code"].as_str().unwrap_or_default().to_owned(), line));
    }
    for found in by_path.values_mut() {
        found.sort();
    }
    by_path
}

fn is_progress(message: &Value, kind: &str) -> bool {
    message.get("method").and_then(Value::as_str) == Some("$/progress") && message["params"]["value"]["kind"] == kind
}

/// The server on `root` (one workspace folder), initialized, with a client that shows progress.
fn start(binary: &Path, root: &Path) -> LspClient {
    let mut client = LspClient::spawn(binary, &[], root);
    let capabilities = json!({"window": {"workDoneProgress": true}, "general": {"positionEncodings": ["utf-16"]}});
    let response = client.request(
        "initialize",
        json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(root), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));
    client
}

#[test]
fn requests_answer_before_the_archive_is_read_and_the_final_findings_are_checks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical");
    write(&root, "openspec/specs/auth/spec.md", SPEC);
    write(&root, "openspec/changes/add-mfa/proposal.md", PROPOSAL);
    write(
        &root,
        "openspec/changes/add-mfa/specs/auth/spec.md",
        "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL ask for a code.\n",
    );
    for idx in 0..ARCHIVED {
        let change = format!("openspec/changes/archive/2024-01-01-old-{idx:04}");
        write(&root, &format!("{change}/proposal.md"), PROPOSAL);
        if idx % 500 == 7 {
            // Not UTF-8: a finding only the archive holds.
            std::fs::write(root.join(format!("{change}/tasks.md")), b"- [x] 1.1 Caf\xe9\n").expect("write");
        }
        let mut delta = format!(
            "## ADDED Requirements\n### Requirement: Old {idx}\nThe system SHALL do {idx}.\n\n#### Scenario: Done\n- **WHEN** asked\n- **THEN** done\n"
        );
        if idx % 100 == 0 {
            // Archived history of `Login`: what references find once the archive is in.
            delta.push_str("\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n");
        }
        write(&root, &format!("{change}/specs/auth/spec.md"), &delta);
    }
    let binary = openspec_lsp_binary();
    let mut client = start(&binary, &root);

    // The specs and active changes are indexed: a request answers now, before the archive is.
    let report = client.wait_for(|message| is_progress(message, "report") || is_progress(message, "end"));
    assert!(is_progress(&report, "report"), "no progress report before the archive: {report}");
    let spec_uri = uri(&root.join("openspec/specs/auth/spec.md"));
    let id = client.request_async("textDocument/documentSymbol", json!({"textDocument": {"uri": spec_uri}}));
    let first = client.wait_for(|message| message.get("id") == Some(&json!(id)) || is_progress(message, "end"));
    assert_eq!(first.get("id"), Some(&json!(id)), "the request waited for the archive: {first}");
    assert!(first["result"].as_array().is_some_and(|symbols| !symbols.is_empty()), "{first}");

    // Then the archive: indexed (references see it) and checked (findings that only it holds).
    client.wait_for(|message| is_progress(message, "end"));
    let references = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": spec_uri}, "position": {"line": 6, "character": 20},
               "context": {"includeDeclaration": false}}),
    );
    let archived = references["result"].as_array().map_or(0, |locations| {
        locations.iter().filter(|location| location["uri"].as_str().is_some_and(|u| u.contains("/archive/"))).count()
    });
    assert_eq!(archived, ARCHIVED / 100, "{references}");
    let publications = client.collect("textDocument/publishDiagnostics", Duration::from_millis(1500));
    let published = from_publications(&root, &publications);
    let expected = from_check(&binary, &root);
    assert!(
        expected.keys().any(|path| path.contains("/archive/")),
        "the workspace should hold a finding only the archive has: {expected:#?}"
    );
    assert_eq!(published, expected);
    client.finish();
}

/// Main specs enough that reading and indexing them takes a while even on a fast machine.
const MAIN_SPECS: usize = 2000;

#[test]
fn file_requests_on_an_open_document_answer_before_its_root_is_indexed_and_as_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical");
    for idx in 0..MAIN_SPECS {
        write(&root, &format!("openspec/specs/cap-{idx:04}/spec.md"), &SPEC.replace("auth", &format!("cap {idx}")));
    }
    write(&root, "openspec/specs/auth/spec.md", SPEC);
    write(&root, "openspec/changes/add-mfa/proposal.md", PROPOSAL);
    let delta = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL ask for a code.\n\n#### Scenario: Code\n- **WHEN** asked\n- **THEN** done\n\n## REMOVED Requirements\n### Requirement: Logout\n";
    write(&root, "openspec/changes/add-mfa/specs/auth/spec.md", delta);
    write(&root, "openspec/changes/archive/2024-01-01-old/proposal.md", PROPOSAL);
    let opened = [("openspec/specs/auth/spec.md", SPEC), ("openspec/changes/add-mfa/specs/auth/spec.md", delta)];

    let mut client = start(&openspec_lsp_binary(), &root);
    let methods = ["textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full"];
    let ask = |client: &mut LspClient| {
        let mut ids = Vec::new();
        for (path, _) in opened {
            let params = json!({"textDocument": {"uri": uri(&root.join(path))}});
            ids.extend(methods.iter().map(|method| client.request_async(method, params.clone())));
        }
        ids
    };
    for (path, text) in opened {
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&root.join(path)), "languageId": "markdown", "version": 1, "text": text}}),
        );
    }
    // Right away: every answer comes while the specs are still being read (before the progress
    // report that says they are indexed).
    let early_ids = ask(&mut client);
    let mut early = Vec::new();
    for id in &early_ids {
        let message = client.wait_for(|message| {
            message.get("id") == Some(&json!(id)) || is_progress(message, "report") || is_progress(message, "end")
        });
        assert_eq!(message.get("id"), Some(&json!(id)), "the request waited for the index: {message}");
        early.push(message["result"].clone());
    }
    assert!(early[0].as_array().is_some_and(|symbols| !symbols.is_empty()), "{early:?}");
    // The same answers once the whole root is indexed.
    client.wait_for(|message| is_progress(message, "end"));
    let late_ids = ask(&mut client);
    let late: Vec<Value> = late_ids.iter().map(|id| client.response(*id)["result"].clone()).collect();
    assert_eq!(early, late);
    client.finish();
}
