//! Links and files `check` and the server must not read: a symlink whose target is outside the
//! repository (`/proc/self/environ`, `/etc/passwd`, a secret beside the checkout) never puts a
//! byte of its target into any report format, workspace symbol or hover; and a binary file
//! OpenSpec never reads is not reported as text. Unix only: the cases are symlinks and `/proc`.
#![cfg(unix)]

mod support;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use support::lsp_client::LspClient;
use support::openspec_lsp_binary;
use support::robustness::write_files;

/// In the environment of every `check` run, so `/proc/self/environ` holds it.
const ENV_SECRET: &str = "env-secret-4f1c9a";
/// In a file outside the repository that links point at.
const FILE_SECRET: &str = "file-secret-b7e2d0";
/// A requirement name only the outside spec holds, and a word only its body holds.
const OUTSIDE_NAME: &str = "Exfiltrated b7e2d0";
const OUTSIDE_BODY: &str = "body-secret-c3a8f5";

const SPEC: &str = "## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n";
const PROPOSAL: &str = "## Why\nPasswords alone are phished too often; a second factor stops most account takeovers.\n\n## What Changes\n- Add a one-time code step after the password.\n";
/// Modifies the outside spec's `Login` requirement, so hover on it would show the base text.
const DELTA: &str = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL let people sign in with a code.\n\n#### Scenario: Code\n- **WHEN** a user signs in\n- **THEN** a code is asked for\n";

/// `<temp>/repo` with links out of it, and `<temp>/outside` holding the secrets.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let top = temp.path().canonicalize().expect("canonical temp dir");
    let repo = top.join("repo");
    let outside = top.join("outside");
    let outside_spec = format!(
        "## Purpose\n{FILE_SECRET} purpose text that is long enough to pass.\n\n## Requirements\n### Requirement: Login\nThe system SHALL {OUTSIDE_BODY}.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n\n### Requirement: {OUTSIDE_NAME}\nThe system SHALL leak.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n"
    );
    write_files(
        &outside,
        &[("secret.md", outside_spec.as_bytes()), ("CODEOWNERS", format!("* @{FILE_SECRET}\n").as_bytes())],
    );
    write_files(
        &repo,
        &[
            ("openspec/specs/auth/spec.md", SPEC.as_bytes()),
            ("openspec/changes/add-code/proposal.md", PROPOSAL.as_bytes()),
            ("openspec/changes/add-code/specs/login/spec.md", DELTA.as_bytes()),
        ],
    );
    for (target, link) in [
        (Path::new("/proc/self/environ").to_path_buf(), "openspec/specs/env/spec.md"),
        (Path::new("/etc/passwd").to_path_buf(), "openspec/specs/passwd/spec.md"),
        (outside.join("secret.md"), "openspec/specs/login/spec.md"),
        (outside.join("secret.md"), "openspec/changes/add-code/design.md"),
        (outside.join("secret.md"), "CLAUDE.md"),
        (outside.join("CODEOWNERS"), "CODEOWNERS"),
    ] {
        let link = repo.join(link);
        std::fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
        symlink(target, link).expect("symlink");
    }
    (temp, repo)
}

/// Lines of `/etc/passwd` that would betray it (the first one, `root:x:0:0:...`, at least).
fn passwd_markers() -> Vec<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd.lines().filter(|line| line.len() > 8).map(str::to_owned).take(3).collect()
}

fn run_check(repo: &Path, args: &[&str]) -> String {
    let output = Command::new(openspec_lsp_binary())
        .args(["check", "--all-rules"])
        .args(args)
        .current_dir(repo)
        .env("OPENSPEC_LINK_TEST", ENV_SECRET)
        .output()
        .expect("run check");
    assert_eq!(output.status.code(), Some(1), "the linked specs fail: {output:?}");
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn no_report_format_shows_what_a_link_outside_the_repository_points_to() {
    let (_temp, repo) = workspace();
    let mut secrets =
        vec![ENV_SECRET.to_owned(), FILE_SECRET.to_owned(), OUTSIDE_NAME.to_owned(), OUTSIDE_BODY.to_owned()];
    secrets.extend(passwd_markers());
    for format in ["human", "json", "sarif", "github", "gitlab"] {
        let report = run_check(&repo, &["--format", format]);
        for secret in &secrets {
            assert!(!report.contains(secret.as_str()), "--format {format} shows {secret:?}:\n{report}");
        }
    }
    let json: Value = serde_json::from_str(&run_check(&repo, &["--format", "json"])).expect("JSON report");
    let mut flagged: Vec<&str> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "file/link-outside-root")
        .filter_map(|d| d["path"].as_str())
        .collect();
    flagged.sort_unstable();
    assert_eq!(
        flagged,
        [
            "CLAUDE.md",
            "CODEOWNERS",
            "openspec/changes/add-code/design.md",
            "openspec/specs/env/spec.md",
            "openspec/specs/login/spec.md",
            "openspec/specs/passwd/spec.md"
        ],
        "{json}"
    );
    // Each linked spec is an item that fails with the CLI's wording, not a silently empty one.
    for id in ["env", "passwd", "login"] {
        let item =
            json["items"].as_array().into_iter().flatten().find(|item| item["id"] == id && item["kind"] == "spec");
        assert_eq!(item.map(|item| &item["valid"]), Some(&json!(false)), "spec/{id}: {json}");
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn line_of(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path).expect("read").lines().position(|line| line.contains(needle)).expect("line")
}

#[test]
fn the_server_never_indexes_or_shows_a_link_outside_the_repository() {
    let (_temp, repo) = workspace();
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], &repo);
    let response = client.request(
        "initialize",
        json!({"capabilities": {}, "workspaceFolders": [{"uri": file_uri(&repo), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "initialize failed: {response}");
    client.notify("initialized", json!({}));

    // The editor opens the link itself and sends the target's text: still not indexed.
    let linked = repo.join("openspec/specs/login/spec.md");
    let outside_text = std::fs::read_to_string(&linked).expect("the editor can read the link");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": file_uri(&linked), "languageId": "markdown", "version": 1, "text": outside_text}}),
    );
    let delta = repo.join("openspec/changes/add-code/specs/login/spec.md");
    let delta_line = line_of(&delta, "### Requirement: Login");
    for (method, params) in [
        ("workspace/symbol", json!({"query": "Exfiltrated"})),
        ("workspace/symbol", json!({"query": ""})),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": file_uri(&delta)}, "position": {"line": delta_line, "character": 20}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": file_uri(&linked)}, "position": {"line": 5, "character": 20}}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": {"uri": file_uri(&linked)}})),
    ] {
        let answer = client.request(method, params.clone());
        assert!(answer.get("error").is_none(), "{method} {params}: {answer}");
        let text = answer.to_string();
        for secret in [FILE_SECRET, OUTSIDE_NAME, OUTSIDE_BODY] {
            assert!(!text.contains(secret), "{method} {params} shows {secret:?}: {answer}");
        }
    }
    // The link itself is reported in the editor too.
    let published = client.diagnostics_for(&file_uri(&linked), |params| {
        params["diagnostics"].as_array().is_some_and(|list| list.iter().any(|d| d["code"] == "file/link-outside-root"))
    });
    assert!(!published.to_string().contains(FILE_SECRET), "{published}");
    client.drain_notifications();
    client.finish();
}

#[test]
fn binary_files_are_not_read_as_text() {
    let temp = tempfile::tempdir().expect("temp dir");
    let repo = temp.path();
    write_files(
        repo,
        &[
            ("openspec/specs/auth/spec.md", SPEC.as_bytes()),
            ("openspec/specs/auth/diagram.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd"),
            ("openspec/changes/add-code/proposal.md", PROPOSAL.as_bytes()),
            ("openspec/changes/add-code/specs/auth/spec.md", b"## ADDED Requirements\n### Requirement: Code\nThe system SHALL ask for a code.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n"),
            ("openspec/changes/add-code/mockup.pdf", b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n"),
        ],
    );
    let output = Command::new(openspec_lsp_binary())
        .args(["check", "--strict", "--all-rules", "--format", "json"])
        .current_dir(repo)
        .output()
        .expect("run check");
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert!(!report.contains("file/invalid-utf8"), "{report}");
}
