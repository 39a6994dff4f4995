//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues with `description`,
//! `check_name`, `fingerprint`, `severity` and `location.path`/`location.lines.begin`), which
//! merge requests show as code-quality findings. Paths are relative to the current directory
//! (the checkout, in a pipeline). Renders text only; prints nothing.

use std::collections::BTreeMap;

use openspec_ide::Severity;
use openspec_syntax::ColumnUnit;
use serde::Serialize;

use super::CheckRun;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

pub fn render(run: &CheckRun) -> String {
    // Identical findings (same file, rule and message) are told apart by their rank, so each
    // keeps its fingerprint when unrelated lines move.
    let mut seen: BTreeMap<(String, &str, &str), usize> = BTreeMap::new();
    let issues: Vec<Issue<'_>> = run
        .diagnostics()
        .iter()
        .map(|located| {
            let diagnostic = located.diagnostic;
            let path = located.root.path_from_cwd(&diagnostic.path);
            let rank = seen.entry((path.clone(), diagnostic.code, &diagnostic.message)).or_default();
            *rank += 1;
            let fingerprint = fingerprint(&[&path, diagnostic.code, &diagnostic.message, &rank.to_string()]);
            Issue {
                description: &diagnostic.message,
                check_name: diagnostic.code,
                fingerprint,
                // GitLab's scale: info, minor, major, critical, blocker.
                severity: match diagnostic.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info | Severity::Hint => "info",
                },
                location: Location { path, lines: Lines { begin: located.span(ColumnUnit::Char).start.line } },
            }
        })
        .collect();
    // Serialising plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

/// A stable 128-bit FNV-1a hash of the parts, as 32 hex digits: the same finding gets the same
/// fingerprint on every run and every platform (std's hasher promises neither).
fn fingerprint(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:032x}")
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{fingerprint, render};
    use crate::output::test_run;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
    }

    #[test]
    fn single_root() {
        expect![[r#"
            [
              {
                "description": "MODIFIED \"Übersetzung 😀\" must include at least one scenario",
                "check_name": "delta/missing-scenario",
                "fingerprint": "983f79300e2372a9cc28efda3fc7dab6",
                "severity": "major",
                "location": {
                  "path": "openspec/changes/add-i18n/specs/auth/spec.md",
                  "lines": {
                    "begin": 2
                  }
                }
              },
              {
                "description": "EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'",
                "check_name": "change/fs-error",
                "fingerprint": "484f28cc5d762d03410eee7895101fa5",
                "severity": "major",
                "location": {
                  "path": "openspec/changes/add-i18n/tasks.md",
                  "lines": {
                    "begin": 1
                  }
                }
              },
              {
                "description": "Change must have at least one delta.",
                "check_name": "change/no-deltas",
                "fingerprint": "a9f7d5242f63ee1bd5d5ba7786efc47a",
                "severity": "major",
                "location": {
                  "path": "openspec/changes/empty",
                  "lines": {
                    "begin": 1
                  }
                }
              },
              {
                "description": "Purpose section is too brief (less than 50 characters)",
                "check_name": "spec/purpose-too-brief",
                "fingerprint": "1805c905754a38ef7c4c732d537470eb",
                "severity": "minor",
                "location": {
                  "path": "openspec/specs/auth/spec.md",
                  "lines": {
                    "begin": 3
                  }
                }
              },
              {
                "description": "100% sure, really: a note\nspanning two lines",
                "check_name": "markdown/example-note",
                "fingerprint": "ac2b08a5768ffa115084f6b362c8c7a7",
                "severity": "info",
                "location": {
                  "path": "openspec/specs/auth/spec.md",
                  "lines": {
                    "begin": 4
                  }
                }
              }
            ]
        "#]]
        .assert_eq(&render(&test_run::single_root()));
    }
}
