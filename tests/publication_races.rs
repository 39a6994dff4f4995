//! Publication races: a randomized interleaving of edits, files changed on disk (with
//! `didChangeWatchedFiles`), opens, closes and settings changes, sent in bursts without waiting,
//! after which every file's last published diagnostics must equal what `check` reports for the
//! same files. Runs for a bounded time: `OPENSPEC_RACE_SECONDS` (default 10), seeded by
//! `OPENSPEC_RACE_SEED` (default: the clock; printed, so a failure can be replayed).

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::lsp_client::LspClient;
use support::openspec_lsp_binary;
use support::robustness::Rng;

const BASE: &str = "# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n\n#### Scenario: Bad password\n- **WHEN** the password is wrong\n- **THEN** the session does not start\n";
const PROPOSAL: &str = "## Why\nPasswords alone are not enough to keep accounts safe for our users.\n\n## What Changes\n- Login asks for a second factor.\n";
const DELTA: &str = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL let people sign in with a second factor.\n\n#### Scenario: Good password\n- **WHEN** the password and the code match\n- **THEN** the session starts\n\n#### Scenario: Bad password\n- **WHEN** the password is wrong\n- **THEN** the session does not start\n";

/// The files the test plays with, and the texts each can take (the first is the start).
fn files() -> Vec<(&'static str, Vec<String>)> {
    let spec_variants = |spec: &str| {
        vec![
            spec.to_owned(),
            spec.replace("## Purpose", "## Porpoise"),
            spec.replace("SHALL ", ""),
            spec.replace("Requirement: Login", "Requirement: Sign in"),
            spec.replace("   ", " ").replace("#### Scenario: Bad password", " #### Scenario: Bad password"),
        ]
    };
    let delta_variants = |delta: &str| {
        vec![
            delta.to_owned(),
            delta.split("\n#### Scenario: Bad password").next().unwrap_or_default().to_owned(),
            delta.replace("MODIFIED", "ADDED"),
            delta.replace("Requirement: Login", "Requirement: Logout"),
            String::new(),
        ]
    };
    vec![
        ("openspec/specs/auth/spec.md", spec_variants(BASE)),
        ("openspec/specs/billing/spec.md", spec_variants(&BASE.replace("auth", "billing"))),
        (
            "openspec/changes/add-mfa/proposal.md",
            vec![PROPOSAL.to_owned(), PROPOSAL.replace("## Why", "## Because"), String::new()],
        ),
        ("openspec/changes/add-mfa/specs/auth/spec.md", delta_variants(DELTA)),
        ("openspec/changes/add-mfa/specs/billing/spec.md", delta_variants(DELTA)),
    ]
}

/// The settings a round switches between; the last round ends on the first.
fn settings(choice: usize) -> Value {
    match choice % 4 {
        0 => json!({"openspec": {}}),
        1 => json!({"openspec": {"severity": {"spec/missing-purpose": "off", "delta/scenario-loss": "hint"}}}),
        2 => json!({"openspec": {"severity": {"spec/requirement-missing-shall-must": "error"}}}),
        _ => json!({"openspec": {"severity": {"markdown/indented-heading": "off", "spec/missing-purpose": "warning"}}}),
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// `(code, line, severity)` of each finding, sorted.
type Findings = Vec<(String, u64, u64)>;

fn from_publication(params: &Value) -> Findings {
    let mut found: Findings = params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                d["severity"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    found
}

/// What `check` reports, by root-relative path, in the same shape (default settings).
fn from_check(binary: &Path, root: &Path) -> BTreeMap<String, Findings> {
    let output = Command::new(binary).args(["check", "--format", "json"]).arg(root).output().expect("run check");
    let report: Value = serde_json::from_slice(&output.stdout).expect("check --format json");
    let mut by_path: BTreeMap<String, Findings> = BTreeMap::new();
    for d in report["diagnostics"].as_array().into_iter().flatten() {
        let severity = match d["severity"].as_str() {
            Some("error") => 1,
            Some("warning") => 2,
            Some("info") => 3,
            _ => 4,
        };
        let line = d["line"].as_u64().map_or(0, |line| line.saturating_sub(1));
        by_path.entry(d["path"].as_str().unwrap_or_default().to_owned()).or_default().push((
            d["code"].as_str().unwrap_or_default().to_owned(),
            line,
            severity,
        ));
    }
    for found in by_path.values_mut() {
        found.sort();
    }
    by_path
}

#[test]
fn interleaved_edits_disk_changes_and_settings_changes_end_with_what_check_reports() {
    let budget = Duration::from_secs(
        std::env::var("OPENSPEC_RACE_SECONDS").ok().and_then(|value| value.parse().ok()).unwrap_or(10),
    );
    let seed = std::env::var("OPENSPEC_RACE_SEED").ok().and_then(|value| value.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |elapsed| u64::from(elapsed.subsec_nanos()) ^ elapsed.as_secs())
    });
    println!("publication races: OPENSPEC_RACE_SEED={seed}, {budget:?}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let files = files();
    for (path, variants) in &files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &variants[0]).expect("write");
    }
    let binary = openspec_lsp_binary();
    let mut client = LspClient::spawn(&binary, &[], dir.path());
    client.request(
        "initialize",
        json!({"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
               "workspaceFolders": [{"uri": uri(dir.path()), "name": "ws"}]}),
    );
    client.notify("initialized", json!({}));
    // Open buffers: file index -> (version, text).
    let mut open: BTreeMap<usize, (i64, String)> = BTreeMap::new();
    let mut last: BTreeMap<String, Value> = BTreeMap::new();
    let started = Instant::now();
    let (mut rounds, mut compared) = (0, 0);
    while rounds == 0 || started.elapsed() < budget {
        rounds += 1;
        for _ in 0..40 {
            let idx = rng.below(files.len());
            let (rel, variants) = &files[idx];
            let path = dir.path().join(rel);
            let text = variants[rng.below(variants.len())].clone();
            match rng.below(6) {
                0 | 1 => {
                    if let Some((version, buffer)) = open.get_mut(&idx) {
                        *version += 1;
                        buffer.clone_from(&text);
                        client.notify(
                            "textDocument/didChange",
                            json!({"textDocument": {"uri": uri(&path), "version": *version}, "contentChanges": [{"text": text}]}),
                        );
                    } else {
                        client.notify(
                            "textDocument/didOpen",
                            json!({"textDocument": {"uri": uri(&path), "languageId": "markdown", "version": 1, "text": text}}),
                        );
                        open.insert(idx, (1, text));
                    }
                }
                2 | 3 => {
                    std::fs::write(&path, &text).expect("write");
                    client.notify(
                        "workspace/didChangeWatchedFiles",
                        json!({"changes": [{"uri": uri(&path), "type": 2}]}),
                    );
                }
                4 => {
                    if open.remove(&idx).is_some() {
                        client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri(&path)}}));
                    }
                }
                _ => client.notify("workspace/didChangeConfiguration", json!({"settings": settings(rng.below(4))})),
            }
        }
        // Settle on what `check` can see: default settings, and every open buffer holding its
        // file's text on disk (sent racing the last burst, on purpose).
        client.notify("workspace/didChangeConfiguration", json!({"settings": settings(0)}));
        for (idx, (version, buffer)) in &mut open {
            let path = dir.path().join(files[*idx].0);
            let disk = std::fs::read_to_string(&path).expect("read");
            if *buffer != disk {
                *version += 1;
                buffer.clone_from(&disk);
                client.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri(&path), "version": *version}, "contentChanges": [{"text": disk}]}),
                );
            }
        }
        for message in client.collect("textDocument/publishDiagnostics", Duration::from_millis(1500)) {
            last.insert(message["params"]["uri"].as_str().unwrap_or_default().to_owned(), message["params"].clone());
        }
        let expected = from_check(&binary, dir.path());
        for (rel, _) in &files {
            let target = uri(&dir.path().join(rel));
            let shown = last.get(&target).map(from_publication).unwrap_or_default();
            let wanted = expected.get(*rel).cloned().unwrap_or_default();
            compared += wanted.len();
            assert_eq!(shown, wanted, "round {rounds} (OPENSPEC_RACE_SEED={seed}): {rel} shows what check does not");
        }
    }
    println!("publication races: {rounds} round(s), {compared} finding(s) compared");
    assert!(compared > 0, "the rounds compared no finding at all");
    client.drain_notifications();
    client.finish();
}
