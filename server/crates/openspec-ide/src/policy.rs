//! The repository's severity policy, `openspec-lsp.toml` next to `openspec/`: per rule code (or
//! `family/*`), the level this tool's own findings are reported at, or `off`. `check_root`
//! applies it, so `check` (every format) and the server see the same findings. It never touches
//! a finding of a rule `openspec validate` applies, nor the archive-refusal findings archive
//! readiness is made of: verdicts stay the CLI's. Pure: reads the file from the snapshot.

use std::collections::BTreeMap;

use openspec_syntax::TextRange;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Origin, Severity};
use crate::readiness;
use crate::review_settings::{REVIEW_CODES, ReviewSettings};
use crate::root_files::POLICY_FILE;
use crate::vfs::RootSnapshot;

/// A broken policy file or an entry that cannot be honoured as written.
const INVALID_CODE: &str = "policy/invalid";
/// An entry naming a rule whose findings the policy must not change.
const NOT_OVERRIDABLE_CODE: &str = "policy/not-overridable";
/// An entry naming no known rule family.
const UNKNOWN_RULE_CODE: &str = "policy/unknown-rule";

/// The rule families this tool reports; an entry outside them is a typo.
const FAMILIES: &[&str] = &[
    "archive", "change", "config", "delta", "file", "legacy", "markdown", "metadata", "policy", "proposal", "review",
    "schema", "spec", "store", "tasks",
];

/// What an entry does to a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Set(Severity),
    Off,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    level: Level,
    /// The key in the policy file, for findings about the entry.
    key_range: TextRange,
}

/// The parsed `[severity]` table: exact codes and `family/*` patterns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    exact: BTreeMap<String, Entry>,
    families: BTreeMap<String, Entry>,
    /// The `[review]` table: settings of the opt-in review rules (`crate::review_settings`).
    pub review: ReviewSettings,
}

impl Policy {
    /// Reads `openspec-lsp.toml` from the snapshot. A missing file is the empty policy; problems
    /// with the file become findings on it (a file that does not parse is ignored whole).
    pub fn read(root: &RootSnapshot) -> (Policy, Vec<Diagnostic>) {
        let mut findings = Vec::new();
        let Some(text) = root.text(POLICY_FILE) else { return (Policy::default(), findings) };
        let document = match DeTable::parse(text) {
            Ok(document) => document,
            Err(error) => {
                let range = error.span().map_or(TextRange::empty(0), |span| clamp(text, span));
                findings.push(invalid(
                    range,
                    format!("{POLICY_FILE} is not valid TOML, so no policy applies: {}", error.message()),
                ));
                return (Policy::default(), findings);
            }
        };
        let mut policy = Policy::default();
        for (key, value) in document.get_ref() {
            let key_range = clamp(text, key.span());
            if key.get_ref().as_ref() == "review" {
                match value.get_ref().as_table() {
                    Some(table) => {
                        policy.review = ReviewSettings::read(table, &|span| clamp(text, span), &mut findings);
                    }
                    None => findings.push(invalid(
                        key_range,
                        "`review` must be a table of review settings, e.g. `[review]` then `vague-terms = [\"fast\"]`.",
                    )),
                }
                continue;
            }
            if key.get_ref().as_ref() != "severity" {
                findings.push(invalid(
                    key_range,
                    format!(
                        "Unknown setting `{}` in {POLICY_FILE}; the policy has the tables `[severity]` and `[review]`.",
                        key.get_ref()
                    ),
                ));
                continue;
            }
            let Some(table) = value.get_ref().as_table() else {
                findings.push(invalid(
                    key_range,
                    "`severity` must be a table of rule code = level, e.g. `\"markdown/indented-heading\" = \"off\"`.",
                ));
                continue;
            };
            for (code, level) in table {
                policy.add(text, code.get_ref(), clamp(text, code.span()), level, &mut findings);
            }
        }
        (policy, findings)
    }

    fn add(
        &mut self,
        text: &str,
        code: &str,
        key_range: TextRange,
        level: &toml::Spanned<DeValue<'_>>,
        findings: &mut Vec<Diagnostic>,
    ) {
        let value_range = clamp(text, level.span());
        let parsed = match level.get_ref().as_str() {
            Some("error") => Some(Level::Set(Severity::Error)),
            Some("warning") => Some(Level::Set(Severity::Warning)),
            Some("info" | "information") => Some(Level::Set(Severity::Info)),
            Some("hint") => Some(Level::Set(Severity::Hint)),
            Some("off") => Some(Level::Off),
            _ => None,
        };
        let Some(level) = parsed else {
            findings.push(invalid(
                value_range,
                format!("The level of `{code}` must be one of \"error\", \"warning\", \"info\", \"hint\" or \"off\"."),
            ));
            return;
        };
        let (family, name) = code.split_once('/').unwrap_or((code, ""));
        if family == "review" && name != "*" && !REVIEW_CODES.contains(&code) {
            findings.push(Diagnostic::lsp(
                None,
                UNKNOWN_RULE_CODE,
                Severity::Warning,
                POLICY_FILE,
                key_range,
                format!("`{code}` names no review rule; they are {}.", REVIEW_CODES.join(", ")),
            ));
            return;
        }
        if !FAMILIES.contains(&family) || name.is_empty() {
            findings.push(Diagnostic::lsp(
                None,
                UNKNOWN_RULE_CODE,
                Severity::Warning,
                POLICY_FILE,
                key_range,
                format!(
                    "`{code}` names no rule: codes are `family/name` (or `family/*`) with a family among {}.",
                    FAMILIES.join(", ")
                ),
            ));
            return;
        }
        if name != "*" && readiness::is_archive_refusal(code) {
            findings.push(not_overridable(
                key_range,
                code,
                "it says what `openspec archive` would refuse, which archive readiness is made of",
            ));
            return;
        }
        let entry = Entry { level, key_range };
        if name == "*" {
            self.families.insert(family.to_owned(), entry);
        } else {
            self.exact.insert(code.to_owned(), entry);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.families.is_empty()
    }

    /// The entry deciding `code`: its exact entry, else its family's.
    fn entry(&self, code: &str) -> Option<&Entry> {
        self.exact.get(code).or_else(|| self.families.get(code.split_once('/').map_or(code, |(family, _)| family)))
    }

    /// The level `code` is set to, if the policy names it (exactly or by family).
    pub fn level(&self, code: &str) -> Option<Level> {
        self.entry(code).map(|entry| entry.level)
    }

    /// Applies the policy to this tool's own findings (levels changed, `off` ones removed). A
    /// CLI finding is left as it is; an exact entry naming a CLI rule gets one finding saying so.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.is_empty() {
            return;
        }
        let mut refused: BTreeMap<&str, TextRange> = BTreeMap::new();
        diagnostics.retain_mut(|diagnostic| {
            if diagnostic.origin == Origin::Openspec || readiness::is_archive_refusal(diagnostic.code) {
                if let Some((code, entry)) = self.exact.get_key_value(diagnostic.code) {
                    refused.insert(code.as_str(), entry.key_range);
                }
                return true;
            }
            match self.level(diagnostic.code) {
                Some(Level::Off) => false,
                Some(Level::Set(severity)) => {
                    diagnostic.severity = severity;
                    true
                }
                None => true,
            }
        });
        for (code, key_range) in refused {
            diagnostics.push(not_overridable(
                key_range,
                code,
                "`openspec validate` applies it, and verdicts stay the CLI's",
            ));
        }
    }
}

fn invalid(range: TextRange, message: impl Into<String>) -> Diagnostic {
    Diagnostic::lsp(None, INVALID_CODE, Severity::Error, POLICY_FILE, range, message)
}

fn not_overridable(range: TextRange, code: &str, why: &str) -> Diagnostic {
    Diagnostic::lsp(
        None,
        NOT_OVERRIDABLE_CODE,
        Severity::Warning,
        POLICY_FILE,
        range,
        format!("The policy cannot change `{code}`: {why}. The entry is ignored."),
    )
}

/// A parser span as a range on character boundaries inside `text`.
fn clamp(text: &str, span: std::ops::Range<usize>) -> TextRange {
    let fit = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = fit(span.start);
    TextRange::new(start, fit(span.end).max(start))
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::test_support::{render, snapshot};

    /// Runs every rule plus the policy over a fixture and renders what is left.
    fn check(fixture: &str, expect: &Expect) {
        let fixture = test_utils::Fixture::parse(fixture);
        let report = crate::check_root(&snapshot(&fixture), &crate::CheckConfig::default());
        expect.assert_eq(&render(&fixture, &report.diagnostics));
    }

    const INDENTED: &str = "//- /openspec/specs/a/spec.md\n## Purpose\nThe widget keeps every value within the limits the operators set.\n\n## Requirements\n### Requirement: Limits\nThe system SHALL clamp.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n  ### indented\n";

    #[test]
    fn levels_and_off_apply_to_own_rules() {
        check(
            INDENTED,
            &expect![[r#"
            //- /openspec/specs/a/spec.md
            ## Purpose
            The widget keeps every value within the limits the operators set.

            ## Requirements
            ### Requirement: Limits
            The system SHALL clamp.

            #### Scenario: x
            - **WHEN** y
            - **THEN** z
              ### indented
              ^^^^^^^^^^^^ warning[markdown/indented-heading] (openspec-lsp): This heading is indented, so OpenSpec does not read it as a heading (OpenSpec headings start in the first column), although Markdown renders it as one. Remove the leading spaces.
        "#]],
        );
        check(
            &format!("{INDENTED}//- /openspec-lsp.toml\n[severity]\n\"markdown/indented-heading\" = \"error\"\n"),
            &expect![[r#"
            //- /openspec/specs/a/spec.md
            ## Purpose
            The widget keeps every value within the limits the operators set.

            ## Requirements
            ### Requirement: Limits
            The system SHALL clamp.

            #### Scenario: x
            - **WHEN** y
            - **THEN** z
              ### indented
              ^^^^^^^^^^^^ error[markdown/indented-heading] (openspec-lsp): This heading is indented, so OpenSpec does not read it as a heading (OpenSpec headings start in the first column), although Markdown renders it as one. Remove the leading spaces.
        "#]],
        );
        check(
            &format!(
                "{INDENTED}//- /openspec-lsp.toml\n[severity]\n\"markdown/*\" = \"off\"\n\"markdown/indented-heading\" = \"hint\"\n"
            ),
            &expect![[r#"
            //- /openspec/specs/a/spec.md
            ## Purpose
            The widget keeps every value within the limits the operators set.

            ## Requirements
            ### Requirement: Limits
            The system SHALL clamp.

            #### Scenario: x
            - **WHEN** y
            - **THEN** z
              ### indented
              ^^^^^^^^^^^^ hint[markdown/indented-heading] (openspec-lsp): This heading is indented, so OpenSpec does not read it as a heading (OpenSpec headings start in the first column), although Markdown renders it as one. Remove the leading spaces.
        "#]],
        );
        check(&format!("{INDENTED}//- /openspec-lsp.toml\n[severity]\n\"markdown/*\" = \"off\"\n"), &expect![[r#""#]]);
    }

    #[test]
    fn cli_rules_and_archive_refusals_are_not_overridable() {
        let spec = INDENTED.replace("The system SHALL clamp.", "The system clamps.").replace("  ### indented\n", "");
        check(
            &format!(
                "{spec}//- /openspec-lsp.toml\n[severity]\n\"spec/requirement-missing-shall-must\" = \"off\"\n\"archive/target-missing\" = \"off\"\n\"spec/*\" = \"off\"\n"
            ),
            &expect![[r#"
                //- /openspec/specs/a/spec.md
                ## Purpose
                The widget keeps every value within the limits the operators set.

                ## Requirements
                ### Requirement: Limits
                The system clamps.
                ^^^^^^^^^^^^^^^^^^ warning[spec/requirement-missing-shall-must]: Requirement "Limits" should contain SHALL or MUST (RFC 2119 best practice for English specs)

                #### Scenario: x
                - **WHEN** y
                - **THEN** z
                //- /openspec-lsp.toml
                [severity]
                "spec/requirement-missing-shall-must" = "off"
                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[policy/not-overridable] (openspec-lsp): The policy cannot change `spec/requirement-missing-shall-must`: `openspec validate` applies it, and verdicts stay the CLI's. The entry is ignored.
                "archive/target-missing" = "off"
                ^^^^^^^^^^^^^^^^^^^^^^^^ warning[policy/not-overridable] (openspec-lsp): The policy cannot change `archive/target-missing`: it says what `openspec archive` would refuse, which archive readiness is made of. The entry is ignored.
                "spec/*" = "off"
            "#]],
        );
    }

    #[test]
    fn broken_policies_are_reported() {
        check(
            "//- /openspec-lsp.toml\n[severity\n",
            &expect![[r#"
            //- /openspec-lsp.toml
            [severity
                     ^ error[policy/invalid] (openspec-lsp): openspec-lsp.toml is not valid TOML, so no policy applies: unclosed table, expected `]`
        "#]],
        );
        check(
            "//- /openspec-lsp.toml\nstrict = true\n[severity]\n\"markdown/indented-heading\" = \"loud\"\n\"mardown/indented-heading\" = \"off\"\nnofamily = \"off\"\n",
            &expect![[r#"
                //- /openspec-lsp.toml
                strict = true
                ^^^^^^ error[policy/invalid] (openspec-lsp): Unknown setting `strict` in openspec-lsp.toml; the policy has the tables `[severity]` and `[review]`.
                [severity]
                "markdown/indented-heading" = "loud"
                                              ^^^^^^ error[policy/invalid] (openspec-lsp): The level of `markdown/indented-heading` must be one of "error", "warning", "info", "hint" or "off".
                "mardown/indented-heading" = "off"
                ^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[policy/unknown-rule] (openspec-lsp): `mardown/indented-heading` names no rule: codes are `family/name` (or `family/*`) with a family among archive, change, config, delta, file, legacy, markdown, metadata, policy, proposal, review, schema, spec, store, tasks.
                nofamily = "off"
                ^^^^^^^^ warning[policy/unknown-rule] (openspec-lsp): `nofamily` names no rule: codes are `family/name` (or `family/*`) with a family among archive, change, config, delta, file, legacy, markdown, metadata, policy, proposal, review, schema, spec, store, tasks.
            "#]],
        );
    }
}
