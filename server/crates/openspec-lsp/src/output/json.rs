//! `--format json`: one JSON document with items, diagnostics and a summary. Positions are
//! 1-based with columns in Unicode characters; paths are `/`-separated and relative to the
//! run's base. Renders text only; prints nothing.

use openspec_syntax::ColumnUnit;
use serde::Serialize;

use super::{CheckRun, Summary};

#[derive(Serialize)]
struct Document<'a> {
    items: Vec<Item<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
    /// Present only with `--archive-ready`.
    #[serde(skip_serializing_if = "Option::is_none")]
    archive_ready: Option<ArchiveReady<'a>>,
}

#[derive(Serialize)]
struct ArchiveReady<'a> {
    change: &'a str,
    ready: bool,
    title: &'a str,
    validation_errors: usize,
    open_tasks: usize,
    archive_problems: usize,
    archive_warnings: usize,
}

#[derive(Serialize)]
struct Item<'a> {
    kind: &'static str,
    id: &'a str,
    /// Present only when several roots were checked: the root's folder relative to PATH.
    #[serde(skip_serializing_if = "Option::is_none")]
    root: Option<&'a str>,
    valid: bool,
    /// Errors and warnings that count toward the verdict (the CLI's own issue counts unless
    /// `--all-rules` is given).
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: &'static str,
    code: &'static str,
    source: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    items: usize,
    passed: usize,
    failed: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl From<Summary> for JsonSummary {
    fn from(summary: Summary) -> Self {
        let Summary { items, passed, failed, errors, warnings, infos, .. } = summary;
        Self { items, passed, failed, errors, warnings, infos }
    }
}

pub fn render(run: &CheckRun) -> String {
    let multi_root = run.is_multi_root();
    let items = run
        .items()
        .map(|(root, item)| Item {
            kind: item.item.kind.as_str(),
            id: &item.item.id,
            root: multi_root.then_some(root.relative_dir.as_str()),
            valid: item.valid,
            errors: item.errors,
            warnings: item.warnings,
        })
        .collect();
    let diagnostics = run
        .diagnostics()
        .iter()
        .map(|located| {
            let span = located.span(ColumnUnit::Char);
            let diagnostic = located.diagnostic;
            let related = diagnostic
                .related
                .iter()
                .map(|related| {
                    let span = located.root.span(&related.path, related.range, ColumnUnit::Char);
                    JsonRelated {
                        path: located.root.display_path(&related.path),
                        line: span.start.line,
                        column: span.start.column,
                        end_line: span.end.line,
                        end_column: span.end.column,
                        message: &related.message,
                    }
                })
                .collect();
            JsonDiagnostic {
                path: located.display_path(),
                line: span.start.line,
                column: span.start.column,
                end_line: span.end.line,
                end_column: span.end.column,
                // The format promises three levels; a hint is the mildest of them.
                severity: match diagnostic.severity {
                    openspec_ide::Severity::Hint => "info",
                    severity => severity.as_str(),
                },
                code: diagnostic.code,
                source: diagnostic.origin.as_str(),
                message: &diagnostic.message,
                related,
            }
        })
        .collect();
    let archive_ready = match &run.mode {
        super::RunMode::ArchiveReady(answer) => Some(ArchiveReady {
            change: &answer.change,
            ready: answer.ready,
            title: &answer.title,
            validation_errors: answer.validation_errors,
            open_tasks: answer.open_tasks,
            archive_problems: answer.archive_problems,
            archive_warnings: answer.archive_warnings,
        }),
        super::RunMode::Check | super::RunMode::Migration => None,
    };
    let document = Document { items, diagnostics, summary: run.summary().into(), archive_ready };
    // Serialising plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::render;
    use crate::output::test_run;

    #[test]
    fn single_root() {
        expect![[r#"
            {
              "items": [
                {
                  "kind": "spec",
                  "id": "auth",
                  "valid": true,
                  "errors": 0,
                  "warnings": 1
                },
                {
                  "kind": "change",
                  "id": "add-i18n",
                  "valid": false,
                  "errors": 2,
                  "warnings": 0
                },
                {
                  "kind": "change",
                  "id": "empty",
                  "valid": false,
                  "errors": 1,
                  "warnings": 0
                }
              ],
              "diagnostics": [
                {
                  "path": "openspec/changes/add-i18n/specs/auth/spec.md",
                  "line": 2,
                  "column": 1,
                  "end_line": 2,
                  "end_column": 31,
                  "severity": "error",
                  "code": "delta/missing-scenario",
                  "source": "openspec",
                  "message": "MODIFIED \"Übersetzung 😀\" must include at least one scenario"
                },
                {
                  "path": "openspec/changes/add-i18n/tasks.md",
                  "line": 1,
                  "column": 1,
                  "end_line": 1,
                  "end_column": 1,
                  "severity": "error",
                  "code": "change/fs-error",
                  "source": "openspec",
                  "message": "EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'"
                },
                {
                  "path": "openspec/changes/empty",
                  "line": 1,
                  "column": 1,
                  "end_line": 1,
                  "end_column": 1,
                  "severity": "error",
                  "code": "change/no-deltas",
                  "source": "openspec",
                  "message": "Change must have at least one delta."
                },
                {
                  "path": "openspec/specs/auth/spec.md",
                  "line": 3,
                  "column": 1,
                  "end_line": 3,
                  "end_column": 11,
                  "severity": "warning",
                  "code": "spec/purpose-too-brief",
                  "source": "openspec",
                  "message": "Purpose section is too brief (less than 50 characters)"
                },
                {
                  "path": "openspec/specs/auth/spec.md",
                  "line": 4,
                  "column": 35,
                  "end_line": 4,
                  "end_column": 42,
                  "severity": "info",
                  "code": "markdown/example-note",
                  "source": "openspec-lsp",
                  "message": "100% sure, really: a note\nspanning two lines",
                  "related": [
                    {
                      "path": "openspec/specs/auth/spec.md",
                      "line": 1,
                      "column": 1,
                      "end_line": 1,
                      "end_column": 7,
                      "message": "the title is here"
                    }
                  ]
                }
              ],
              "summary": {
                "items": 3,
                "passed": 1,
                "failed": 2,
                "errors": 3,
                "warnings": 1,
                "infos": 1
              }
            }
        "#]]
        .assert_eq(&render(&test_run::single_root()));
    }

    #[test]
    fn several_roots_name_their_root() {
        expect![[r#"
            {
              "items": [
                {
                  "kind": "spec",
                  "id": "auth",
                  "root": "packages/api",
                  "valid": true,
                  "errors": 0,
                  "warnings": 1
                },
                {
                  "kind": "change",
                  "id": "add-i18n",
                  "root": "packages/api",
                  "valid": false,
                  "errors": 2,
                  "warnings": 0
                },
                {
                  "kind": "change",
                  "id": "empty",
                  "root": "packages/api",
                  "valid": false,
                  "errors": 1,
                  "warnings": 0
                },
                {
                  "kind": "spec",
                  "id": "auth",
                  "root": "packages/web",
                  "valid": true,
                  "errors": 0,
                  "warnings": 0
                },
                {
                  "kind": "change",
                  "id": "add-i18n",
                  "root": "packages/web",
                  "valid": true,
                  "errors": 0,
                  "warnings": 0
                },
                {
                  "kind": "change",
                  "id": "empty",
                  "root": "packages/web",
                  "valid": true,
                  "errors": 0,
                  "warnings": 0
                }
              ],
              "diagnostics": [
                {
                  "path": "packages/api/openspec/changes/add-i18n/specs/auth/spec.md",
                  "line": 2,
                  "column": 1,
                  "end_line": 2,
                  "end_column": 31,
                  "severity": "error",
                  "code": "delta/missing-scenario",
                  "source": "openspec",
                  "message": "MODIFIED \"Übersetzung 😀\" must include at least one scenario"
                },
                {
                  "path": "packages/api/openspec/changes/add-i18n/tasks.md",
                  "line": 1,
                  "column": 1,
                  "end_line": 1,
                  "end_column": 1,
                  "severity": "error",
                  "code": "change/fs-error",
                  "source": "openspec",
                  "message": "EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'"
                },
                {
                  "path": "packages/api/openspec/changes/empty",
                  "line": 1,
                  "column": 1,
                  "end_line": 1,
                  "end_column": 1,
                  "severity": "error",
                  "code": "change/no-deltas",
                  "source": "openspec",
                  "message": "Change must have at least one delta."
                },
                {
                  "path": "packages/api/openspec/specs/auth/spec.md",
                  "line": 3,
                  "column": 1,
                  "end_line": 3,
                  "end_column": 11,
                  "severity": "warning",
                  "code": "spec/purpose-too-brief",
                  "source": "openspec",
                  "message": "Purpose section is too brief (less than 50 characters)"
                },
                {
                  "path": "packages/api/openspec/specs/auth/spec.md",
                  "line": 4,
                  "column": 35,
                  "end_line": 4,
                  "end_column": 42,
                  "severity": "info",
                  "code": "markdown/example-note",
                  "source": "openspec-lsp",
                  "message": "100% sure, really: a note\nspanning two lines",
                  "related": [
                    {
                      "path": "packages/api/openspec/specs/auth/spec.md",
                      "line": 1,
                      "column": 1,
                      "end_line": 1,
                      "end_column": 7,
                      "message": "the title is here"
                    }
                  ]
                }
              ],
              "summary": {
                "items": 6,
                "passed": 4,
                "failed": 2,
                "errors": 3,
                "warnings": 1,
                "infos": 1
              }
            }
        "#]]
        .assert_eq(&render(&test_run::two_roots()));
    }
}
