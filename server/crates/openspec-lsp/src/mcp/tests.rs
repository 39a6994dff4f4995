//! The tools' logic on small workspaces in temporary folders, their answers rendered as JSON
//! (`UPDATE_EXPECT=1` refreshes), and the tool list with its schemas pinned: a change to a
//! schema is a change to the interface agents rely on (docs/mcp.md). The protocol itself is
//! tested from outside with the official SDK client (tests/mcp).

use expect_test::{Expect, expect};
use openspec_ide::CheckConfig;
use serde::Serialize;

use super::params::{
    ArchiveReadinessParams, CheckParams, FixesParams, PreviewArchiveParams, RequirementParams, SearchParams,
};
use super::workspace::{Loaded, Workspace};
use super::{resources, tools};

const WORKSPACE: &str = r#"
//- /openspec/specs/auth/spec.md
# Auth

## Purpose
Short.

## Requirements
### Requirement: Login
Users SHALL log in.

#### Scenario: Valid
- **WHEN** the password is right
- **THEN** the user is in

### Requirement: Logout
Users SHALL log out.
//- /openspec/changes/add-2fa/proposal.md
# Change: Add 2FA

## Why
Passwords alone are guessed and leaked too often; a second factor stops most takeovers.

## What Changes
- Add a code step.
//- /openspec/changes/add-2fa/tasks.md
- [x] 1.1 Field
- [ ] 1.2 SMS
//- /openspec/changes/add-2fa/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
Users SHALL log in with a code.
//- /openspec/changes/archive/2025-01-31-add-login/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
Users SHALL log in.
"#;

fn loaded(fixture: &str) -> (tempfile::TempDir, Loaded) {
    let (temp, dir) = test_utils::temp_workspace(fixture);
    let loaded = Workspace { dir }.load(CheckConfig::default()).map_err(|error| error.message).expect("loads");
    (temp, loaded)
}

/// The answer as pretty JSON, or the error's message.
fn render<T: Serialize>(answer: Result<T, rmcp::ErrorData>) -> String {
    match answer {
        Ok(answer) => serde_json::to_string_pretty(&answer).unwrap_or_default(),
        Err(error) => format!("error: {}", error.message),
    }
}

fn check_answer<T: Serialize>(answer: Result<T, rmcp::ErrorData>, expect: &Expect) {
    expect.assert_eq(&render(answer));
}

#[test]
fn check_narrowed_and_cut() {
    let (_temp, mut loaded) = loaded(WORKSPACE);
    let params = CheckParams { path: Some("openspec/changes".to_owned()), limit: Some(1), ..CheckParams::default() };
    check_answer(
        tools::check::check(&mut loaded, &params),
        &expect![[r#"
            {
              "items": [
                {
                  "kind": "change",
                  "id": "add-2fa",
                  "valid": false,
                  "errors": 2,
                  "warnings": 0
                }
              ],
              "findings": [
                {
                  "path": "openspec/changes/add-2fa/specs/auth/spec.md",
                  "line": 2,
                  "column": 1,
                  "end_line": 2,
                  "end_column": 23,
                  "code": "delta/missing-scenario",
                  "severity": "error",
                  "source": "openspec",
                  "message": "MODIFIED \"Login\" must include at least one scenario",
                  "counted": true,
                  "fixes": [
                    "Add a scenario to \"Login\""
                  ]
                }
              ],
              "totals": {
                "items": 1,
                "passed": 0,
                "failed": 1,
                "findings": 2,
                "errors": 2,
                "warnings": 0,
                "infos": 0
              },
              "truncated": true,
              "note": "showing 1 of 2 findings; pass a larger `limit` (at most 500) or a `path` to narrow the check"
            }"#]],
    );
}

#[test]
fn fixes_for_a_code_as_a_diff() {
    let (_temp, loaded) = loaded(WORKSPACE);
    let params = FixesParams {
        path: "openspec/changes/add-2fa/specs/auth/spec.md".to_owned(),
        code: Some("delta/scenario-loss".to_owned()),
        ..FixesParams::default()
    };
    check_answer(
        tools::fixes::fixes(&loaded, &params),
        &expect![[r#"
        {
          "path": "openspec/changes/add-2fa/specs/auth/spec.md",
          "findings": [
            {
              "path": "openspec/changes/add-2fa/specs/auth/spec.md",
              "line": 2,
              "column": 1,
              "end_line": 2,
              "end_column": 23,
              "code": "delta/scenario-loss",
              "message": "MODIFIED \"Login\" omits scenario(s) the current spec still has: \"Valid\". The modified block has 0 scenarios; the current spec has 1 scenario. It adds none. Copy the omitted scenarios into the MODIFIED block (a MODIFIED requirement replaces the whole block, so archive refuses to drop them)."
            }
          ],
          "fixes": [
            {
              "title": "Copy the missing scenario(s) \"Valid\" from openspec/specs/auth/spec.md",
              "kind": "quickfix",
              "fixes": "delta/scenario-loss",
              "preferred": true,
              "diff": "--- a/openspec/changes/add-2fa/specs/auth/spec.md\n+++ b/openspec/changes/add-2fa/specs/auth/spec.md\n@@ -1,3 +1,7 @@\n ## MODIFIED Requirements\n ### Requirement: Login\n Users SHALL log in with a code.\n+\n+#### Scenario: Valid\n+- **WHEN** the password is right\n+- **THEN** the user is in\n",
              "files": [
                "openspec/changes/add-2fa/specs/auth/spec.md"
              ]
            }
          ],
          "total": 1,
          "truncated": false
        }"#]],
    );
}

#[test]
fn preview_requirement_search_and_readiness() {
    let (_temp, loaded) = loaded(WORKSPACE);
    let preview = PreviewArchiveParams { change: "add-2fa".to_owned(), validate: Some(false), ..Default::default() };
    check_answer(
        tools::preview::preview_archive(&loaded, &preview),
        &expect![[r####"
        {
          "capabilities": [
            {
              "action": "unchanged",
              "capability": "auth",
              "diff": "",
              "path": "openspec/specs/auth/spec.md",
              "refusals": [
                {
                  "column": 1,
                  "line": 2,
                  "message": "auth MODIFIED failed for header \"### Requirement: Login\" - current spec contains scenario(s) not present in the modified block: \"Valid\". The modified block has 0 scenarios; the current spec has 1 scenario. It adds none. Refresh the change spec before archiving to avoid dropping scenarios.",
                  "path": "openspec/changes/add-2fa/specs/auth/spec.md",
                  "step": "merge"
                }
              ],
              "text": "# Auth\n\n## Purpose\nShort.\n\n## Requirements\n### Requirement: Login\nUsers SHALL log in.\n\n#### Scenario: Valid\n- **WHEN** the password is right\n- **THEN** the user is in\n\n### Requirement: Logout\nUsers SHALL log out.\n",
              "warnings": []
            }
          ],
          "change": "add-2fa",
          "refusals": [],
          "truncated": false,
          "validate": false,
          "wouldRefuse": true
        }"####]],
    );
    let requirement = RequirementParams { capability: "auth".to_owned(), name: " Login ".to_owned() };
    check_answer(
        tools::requirement::requirement(&loaded, &requirement),
        &expect![[r####"
            {
              "capability": "auth",
              "name": "Login",
              "in_main_spec": true,
              "location": {
                "path": "openspec/specs/auth/spec.md",
                "line": 7,
                "column": 1,
                "end_line": 12,
                "end_column": 26
              },
              "text": "### Requirement: Login\nUsers SHALL log in.\n\n#### Scenario: Valid\n- **WHEN** the password is right\n- **THEN** the user is in",
              "scenarios": [
                {
                  "name": "Valid",
                  "path": "openspec/specs/auth/spec.md",
                  "line": 10,
                  "column": 1,
                  "end_line": 10,
                  "end_column": 21
                }
              ],
              "changes": [
                {
                  "change": "add-2fa",
                  "operation": "MODIFIED",
                  "path": "openspec/changes/add-2fa/specs/auth/spec.md",
                  "line": 2,
                  "column": 1,
                  "end_line": 2,
                  "end_column": 23
                }
              ],
              "history": {
                "archived": [
                  {
                    "archived": true,
                    "change": "2025-01-31-add-login",
                    "change_name": "add-login",
                    "date": "2025-01-31",
                    "kind": "ADDED",
                    "location": {
                      "column": 1,
                      "end_column": 23,
                      "end_line": 2,
                      "line": 2,
                      "path": "openspec/changes/archive/2025-01-31-add-login/specs/auth/spec.md"
                    },
                    "partner": null,
                    "requirement": "Login"
                  }
                ],
                "summary": "added by add-login"
              },
              "truncated": false
            }"####]],
    );
    let search = SearchParams { query: "log".to_owned(), limit: Some(2) };
    check_answer(
        tools::search::search(&loaded, &search),
        &expect![[r#"
        {
          "results": [
            {
              "name": "Login",
              "kind": "requirement",
              "container": "auth",
              "path": "openspec/specs/auth/spec.md",
              "line": 7,
              "column": 18,
              "end_line": 7,
              "end_column": 23
            },
            {
              "name": "Logout",
              "kind": "requirement",
              "container": "auth",
              "path": "openspec/specs/auth/spec.md",
              "line": 14,
              "column": 18,
              "end_line": 14,
              "end_column": 24
            }
          ],
          "total": 2,
          "truncated": false
        }"#]],
    );
    let readiness = ArchiveReadinessParams { change: "add-2fa".to_owned() };
    check_answer(
        tools::readiness::archive_readiness(&loaded, &readiness),
        &expect![[r#"
        {
          "change": "add-2fa",
          "ready": false,
          "title": "not ready to archive: 2 validation errors, 1 open task",
          "validation_errors": [
            {
              "path": "openspec/changes/add-2fa/specs/auth/spec.md",
              "line": 2,
              "column": 1,
              "end_line": 2,
              "end_column": 23,
              "code": "delta/missing-scenario",
              "severity": "error",
              "source": "openspec",
              "message": "MODIFIED \"Login\" must include at least one scenario",
              "counted": true,
              "fixes": [
                "Add a scenario to \"Login\""
              ]
            },
            {
              "path": "openspec/changes/add-2fa/specs/auth/spec.md",
              "line": 2,
              "column": 1,
              "end_line": 2,
              "end_column": 23,
              "code": "delta/scenario-loss",
              "severity": "error",
              "source": "openspec",
              "message": "MODIFIED \"Login\" omits scenario(s) the current spec still has: \"Valid\". The modified block has 0 scenarios; the current spec has 1 scenario. It adds none. Copy the omitted scenarios into the MODIFIED block (a MODIFIED requirement replaces the whole block, so archive refuses to drop them).",
              "counted": true,
              "fixes": [
                "Copy the missing scenario(s) \"Valid\" from openspec/specs/auth/spec.md"
              ]
            }
          ],
          "open_tasks": 1,
          "tasks": {
            "path": "openspec/changes/add-2fa/tasks.md",
            "line": 1,
            "column": 1,
            "end_line": 1,
            "end_column": 1
          },
          "archive_problems": [],
          "archive_warnings": []
        }"#]],
    );
}

#[test]
fn resources_list_and_read() {
    let (_temp, loaded) = loaded(WORKSPACE);
    let listed: Vec<String> = resources::list(&loaded)
        .into_iter()
        .map(|listed| format!("{} {:?} {:?}", listed.uri, listed.title, listed.description))
        .collect();
    expect![[r#"
        openspec://specs/auth "Spec auth" "Main spec `openspec/specs/auth/spec.md`: 2 requirements. Purpose: Short."
        openspec://changes/add-2fa "Add 2FA" "Active change `openspec/changes/add-2fa`: deltas for auth; tasks 1/2 done""#]].assert_eq(&listed.join("\n"));
    let read = resources::read(&loaded, "openspec://changes/add-2fa").map_err(|error| error.message);
    let uris: Vec<String> = read.iter().flatten().map(|file| file.uri.clone()).collect();
    expect![[r#"
        openspec://changes/add-2fa/proposal.md
        openspec://changes/add-2fa/specs/auth/spec.md
        openspec://changes/add-2fa/tasks.md"#]]
    .assert_eq(&uris.join("\n"));
    let missing = resources::read(&loaded, "openspec://changes/archive").map(|_| ()).map_err(|error| error.message);
    expect![[r#"Err("no resource `openspec://changes/archive`: expected openspec://specs/<capability> or openspec://changes/<id>[/<file>]")"#]].assert_eq(&format!("{missing:?}"));
}

#[test]
fn bad_arguments_say_what_to_change() {
    let (_temp, loaded) = loaded(WORKSPACE);
    let (_other_temp, mut other) = self::loaded(WORKSPACE);
    let fixes = |path: &str, line: Option<u32>, column: Option<u32>| {
        let params = FixesParams { path: path.to_owned(), line, column, ..FixesParams::default() };
        render(tools::fixes::fixes(&loaded, &params))
    };
    let outside = fixes("/etc/passwd", Some(1), None);
    let messages = [
        fixes("openspec/../../x.md", Some(1), None),
        fixes("openspec/specs/auth/spec.md", None, Some(2)),
        fixes("openspec/specs/auth/spec.md", Some(0), None),
        fixes("openspec/specs/auth/spec.md", Some(1), Some(0)),
        fixes("openspec/specs", Some(1), None),
        render(tools::check::check(&mut other, &CheckParams { limit: Some(0), ..CheckParams::default() })),
        render(tools::preview::preview_archive(
            &loaded,
            &PreviewArchiveParams { change: "add-2fa".to_owned(), capability: Some("x".to_owned()), validate: None },
        )),
        render(tools::requirement::requirement(
            &loaded,
            &RequirementParams { capability: "auth".to_owned(), name: "Sign".to_owned() },
        )),
    ];
    assert!(outside.starts_with("error: `/etc/passwd` is outside the served folder"), "{outside}");
    expect![[r#"
        error: `openspec/../../x.md` must be a path inside the served folder, relative to it (no `..`)
        error: give a `line` (and optionally `column`), a finding's `code`, or both
        error: line 0 is outside `openspec/specs/auth/spec.md`, which has 16 lines (lines start at 1)
        error: columns start at 1
        error: `openspec/specs` is not a readable file of the workspace
        error: `limit` must be at least 1
        error: Change `add-2fa` has no delta spec for `x`; its capabilities: `auth`
        error: no requirement named `Sign` in `auth` (nor added by an active change); its requirements: `Login`, `Logout`"#]].assert_eq(&messages.join("\n"));
}

#[test]
fn tool_schemas_are_pinned() {
    let tools: Vec<serde_json::Value> = super::server::McpServer::tool_list()
        .into_iter()
        .map(|tool| serde_json::json!({ "name": tool.name, "inputSchema": tool.input_schema }))
        .collect();
    expect![[r#"
        [
          {
            "inputSchema": {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "additionalProperties": false,
              "properties": {
                "change": {
                  "description": "The active change (its folder name under `openspec/changes/`).",
                  "type": "string"
                }
              },
              "required": [
                "change"
              ],
              "type": "object"
            },
            "name": "archive_readiness"
          },
          {
            "inputSchema": {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "additionalProperties": false,
              "properties": {
                "all_rules": {
                  "default": false,
                  "description": "This tool's own findings (source `openspec-lsp`) count toward verdicts as well.",
                  "type": "boolean"
                },
                "changed_since": {
                  "description": "A git ref (`main`, `origin/main`, a commit): only the specs and changes the branch\ntouches since its merge base with it, like `check --changed-since`.",
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "limit": {
                  "description": "The most items and the most findings to return (1 to 500, default 50). Errors come\nfirst, then warnings, then infos; failed items before valid ones.",
                  "format": "uint32",
                  "maximum": 500,
                  "minimum": 1,
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "path": {
                  "description": "Only findings in this file or folder (relative to the served folder), and only the items\nit belongs to. The whole workspace is still checked: some rules read other files.",
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "strict": {
                  "default": false,
                  "description": "Warnings make an item invalid too, like `openspec validate --strict`.",
                  "type": "boolean"
                }
              },
              "type": "object"
            },
            "name": "check"
          },
          {
            "inputSchema": {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "additionalProperties": false,
              "properties": {
                "code": {
                  "description": "A finding's code (e.g. `delta/missing-scenario`): the fixes for every finding with that\ncode in the file, or only at `line` when given too.",
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "column": {
                  "description": "A 1-based column in characters (default 1), with `line`.",
                  "format": "uint32",
                  "minimum": 1,
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "limit": {
                  "description": "The most fixes to return (1 to 500, default 50).",
                  "format": "uint32",
                  "maximum": 500,
                  "minimum": 1,
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "line": {
                  "description": "A 1-based line: the fixes for the findings there (and other code actions at that place).",
                  "format": "uint32",
                  "minimum": 1,
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "path": {
                  "description": "The file, relative to the served folder (as `check` reports it).",
                  "type": "string"
                }
              },
              "required": [
                "path"
              ],
              "type": "object"
            },
            "name": "fixes"
          },
          {
            "inputSchema": {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "additionalProperties": false,
              "properties": {
                "capability": {
                  "description": "Only this capability's main spec.",
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "change": {
                  "description": "The active change to archive (its folder name under `openspec/changes/`).",
                  "type": "string"
                },
                "validate": {
                  "description": "Like `openspec archive` (default true): validation errors refuse the archive. False is\n`--no-validate`.",
                  "type": [
                    "boolean",
                    "null"
                  ]
                }
              },
              "required": [
                "change"
              ],
              "type": "object"
            },
            "name": "preview_archive"
          },
          {
            "inputSchema": {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "additionalProperties": false,
              "properties": {
                "capability": {
                  "description": "The capability (the main spec's folder under `openspec/specs/`, e.g. `auth`).",
                  "type": "string"
                },
                "name": {
                  "description": "The requirement's name, as in its `### Requirement:` header.",
                  "type": "string"
                }
              },
              "required": [
                "capability",
                "name"
              ],
              "type": "object"
            },
            "name": "requirement"
          },
          {
            "inputSchema": {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "additionalProperties": false,
              "properties": {
                "limit": {
                  "description": "The most results to return (1 to 500, default 50).",
                  "format": "uint32",
                  "maximum": 500,
                  "minimum": 1,
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "query": {
                  "description": "Words of a requirement, capability or change name; matched case-insensitively (exact,\nthen prefix, substring and in-order letters). Empty lists everything.",
                  "type": "string"
                }
              },
              "required": [
                "query"
              ],
              "type": "object"
            },
            "name": "search"
          }
        ]"#]].assert_eq(&serde_json::to_string_pretty(&tools).unwrap_or_default());
}
