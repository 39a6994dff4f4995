//! `--format sarif`: a SARIF 2.1.0 log for code-scanning tools. One rule per diagnostic code,
//! one result per diagnostic, regions 1-based with columns in UTF-16 code units (declared with
//! `columnKind`). Renders text only; prints nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use openspec_ide::Severity;
use openspec_syntax::ColumnUnit;
use serde_json::{Value, json};

use super::{CheckRun, CheckedRoot, Span, item_label};

pub fn render(run: &CheckRun) -> String {
    let located = run.diagnostics();
    // Rules are listed once each, sorted by code, and results point at them by index.
    let mut rule_sources: BTreeMap<&str, &str> = BTreeMap::new();
    for entry in &located {
        rule_sources.entry(entry.diagnostic.code).or_insert(entry.diagnostic.origin.as_str());
    }
    let rule_index: BTreeMap<&str, usize> =
        rule_sources.keys().enumerate().map(|(index, code)| (*code, index)).collect();
    let rules: Vec<Value> =
        rule_sources.iter().map(|(code, source)| json!({ "id": code, "properties": { "source": source } })).collect();
    let results: Vec<Value> = located
        .iter()
        .map(|entry| {
            let diagnostic = entry.diagnostic;
            let mut result = json!({
                "ruleId": diagnostic.code,
                "ruleIndex": rule_index.get(diagnostic.code).copied().unwrap_or_default(),
                "level": match diagnostic.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info | Severity::Hint => "note",
                },
                "message": { "text": diagnostic.message },
                "locations": [location(entry.root, &diagnostic.path, entry.span(ColumnUnit::Utf16))],
                "properties": { "source": diagnostic.origin.as_str() },
            });
            if !diagnostic.related.is_empty() {
                let related: Vec<Value> = diagnostic
                    .related
                    .iter()
                    .enumerate()
                    .map(|(index, related)| {
                        let mut location = location(
                            entry.root,
                            &related.path,
                            entry.root.span(&related.path, related.range, ColumnUnit::Utf16),
                        );
                        location["id"] = json!(index);
                        location["message"] = json!({ "text": related.message });
                        location
                    })
                    .collect();
                result["relatedLocations"] = Value::Array(related);
            }
            if let Some(item) = &diagnostic.item {
                result["properties"]["item"] = json!(format!("{}/{}", item.kind.as_str(), item.id));
            }
            result
        })
        .collect();
    let failed: Vec<String> = run.items().filter(|(_, item)| !item.valid).map(|(_, item)| item_label(item)).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "openspec-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "columnKind": "utf16CodeUnits",
            "results": results,
            "properties": run_properties(run, &failed),
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// The run's summary and failed items, plus the answer of `--archive-ready` when asked.
fn run_properties(run: &CheckRun, failed: &[String]) -> Value {
    let mut properties = json!({ "summary": summary_value(run), "failedItems": failed });
    if let super::RunMode::ArchiveReady(answer) = &run.mode {
        properties["archiveReady"] = json!({
            "change": answer.change,
            "ready": answer.ready,
            "title": answer.title,
        });
    }
    properties
}

fn summary_value(run: &CheckRun) -> Value {
    let summary = run.summary();
    json!({
        "items": summary.items,
        "passed": summary.passed,
        "failed": summary.failed,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "infos": summary.infos,
    })
}

fn location(root: &CheckedRoot, path: &str, span: Span) -> Value {
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri_path(&root.display_path(path)) },
        "region": {
            "startLine": span.start.line,
            "startColumn": span.start.column,
            "endLine": span.end.line,
            "endColumn": span.end.column,
        },
    } })
}

/// A relative path as a URI reference: every byte but unreserved characters and `/` is
/// percent-encoded, so spaces and non-ASCII names stay valid URIs.
fn uri_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{render, uri_path};
    use crate::output::test_run;

    #[test]
    fn single_root() {
        expect![[r#"
            {
              "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
              "runs": [
                {
                  "columnKind": "utf16CodeUnits",
                  "properties": {
                    "failedItems": [
                      "change/add-i18n",
                      "change/empty"
                    ],
                    "summary": {
                      "errors": 3,
                      "failed": 2,
                      "infos": 1,
                      "items": 3,
                      "passed": 1,
                      "warnings": 1
                    }
                  },
                  "results": [
                    {
                      "level": "error",
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "openspec/changes/add-i18n/specs/auth/spec.md"
                            },
                            "region": {
                              "endColumn": 32,
                              "endLine": 2,
                              "startColumn": 1,
                              "startLine": 2
                            }
                          }
                        }
                      ],
                      "message": {
                        "text": "MODIFIED \"Übersetzung 😀\" must include at least one scenario"
                      },
                      "properties": {
                        "item": "change/add-i18n",
                        "source": "openspec"
                      },
                      "ruleId": "delta/missing-scenario",
                      "ruleIndex": 2
                    },
                    {
                      "level": "error",
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "openspec/changes/add-i18n/tasks.md"
                            },
                            "region": {
                              "endColumn": 1,
                              "endLine": 1,
                              "startColumn": 1,
                              "startLine": 1
                            }
                          }
                        }
                      ],
                      "message": {
                        "text": "EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'"
                      },
                      "properties": {
                        "item": "change/add-i18n",
                        "source": "openspec"
                      },
                      "ruleId": "change/fs-error",
                      "ruleIndex": 0
                    },
                    {
                      "level": "error",
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "openspec/changes/empty"
                            },
                            "region": {
                              "endColumn": 1,
                              "endLine": 1,
                              "startColumn": 1,
                              "startLine": 1
                            }
                          }
                        }
                      ],
                      "message": {
                        "text": "Change must have at least one delta."
                      },
                      "properties": {
                        "item": "change/empty",
                        "source": "openspec"
                      },
                      "ruleId": "change/no-deltas",
                      "ruleIndex": 1
                    },
                    {
                      "level": "warning",
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "openspec/specs/auth/spec.md"
                            },
                            "region": {
                              "endColumn": 11,
                              "endLine": 3,
                              "startColumn": 1,
                              "startLine": 3
                            }
                          }
                        }
                      ],
                      "message": {
                        "text": "Purpose section is too brief (less than 50 characters)"
                      },
                      "properties": {
                        "item": "spec/auth",
                        "source": "openspec"
                      },
                      "ruleId": "spec/purpose-too-brief",
                      "ruleIndex": 4
                    },
                    {
                      "level": "note",
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "openspec/specs/auth/spec.md"
                            },
                            "region": {
                              "endColumn": 42,
                              "endLine": 4,
                              "startColumn": 35,
                              "startLine": 4
                            }
                          }
                        }
                      ],
                      "message": {
                        "text": "100% sure, really: a note\nspanning two lines"
                      },
                      "properties": {
                        "item": "spec/auth",
                        "source": "openspec-lsp"
                      },
                      "relatedLocations": [
                        {
                          "id": 0,
                          "message": {
                            "text": "the title is here"
                          },
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "openspec/specs/auth/spec.md"
                            },
                            "region": {
                              "endColumn": 7,
                              "endLine": 1,
                              "startColumn": 1,
                              "startLine": 1
                            }
                          }
                        }
                      ],
                      "ruleId": "markdown/example-note",
                      "ruleIndex": 3
                    }
                  ],
                  "tool": {
                    "driver": {
                      "name": "openspec-lsp",
                      "rules": [
                        {
                          "id": "change/fs-error",
                          "properties": {
                            "source": "openspec"
                          }
                        },
                        {
                          "id": "change/no-deltas",
                          "properties": {
                            "source": "openspec"
                          }
                        },
                        {
                          "id": "delta/missing-scenario",
                          "properties": {
                            "source": "openspec"
                          }
                        },
                        {
                          "id": "markdown/example-note",
                          "properties": {
                            "source": "openspec-lsp"
                          }
                        },
                        {
                          "id": "spec/purpose-too-brief",
                          "properties": {
                            "source": "openspec"
                          }
                        }
                      ],
                      "version": "0.1.0"
                    }
                  }
                }
              ],
              "version": "2.1.0"
            }
        "#]]
        .assert_eq(&render(&test_run::single_root()));
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("openspec/specs/日志 x/spec.md"), "openspec/specs/%E6%97%A5%E5%BF%97%20x/spec.md");
    }
}
