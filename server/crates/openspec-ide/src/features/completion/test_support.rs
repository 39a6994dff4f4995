//! The fixtures and renderers the completion tests share.

use std::fmt::Write;

use expect_test::Expect;

use super::CompletionConfig;
use crate::features::fixture;

pub(super) const SNIPPETS: CompletionConfig = CompletionConfig { snippets: true };
pub(super) const PLAIN: CompletionConfig = CompletionConfig { snippets: false };

/// One `kind label detail` line per item.
pub(super) fn check(fixture_text: &str, expect: &Expect) {
    let (analysis, position, _) = fixture::analysis(fixture_text);
    let mut out = String::new();
    for item in analysis.completions(&position, SNIPPETS) {
        let _ = writeln!(out, "{} {} ({})", item.kind.label(), item.label, item.detail.unwrap_or_default());
    }
    expect.assert_eq(&out);
}

/// The file after inserting the item labelled `label` (the `nth` such item) for a client
/// that expands snippets, snippet text as is; `␍` shows carriage returns.
pub(super) fn check_insert(fixture_text: &str, label: &str, nth: usize, expect: &Expect) {
    check_insert_with(fixture_text, label, nth, SNIPPETS, expect);
}

pub(super) fn check_insert_with(
    fixture_text: &str,
    label: &str,
    nth: usize,
    config: CompletionConfig,
    expect: &Expect,
) {
    let (analysis, position, _) = fixture::analysis(fixture_text);
    let items = analysis.completions(&position, config);
    let Some(item) = items.iter().filter(|item| item.label == label).nth(nth) else {
        panic!("no item {label:?} in {items:#?}");
    };
    let mut text = analysis.root.text(&position.path).unwrap_or("").to_owned();
    assert!(item.replace_range.touches(position.offset), "cursor outside {item:?}");
    text.replace_range(item.replace_range.start..item.replace_range.end, &item.insert_text);
    let snippet = if item.is_snippet { " (snippet)" } else { "" };
    expect.assert_eq(&format!("{}{snippet}\n{}", item.label, text.replace('\r', "␍")));
}

pub(super) const BASE: &str = "//- /openspec/specs/auth/spec.md
# auth Specification

## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in

### Requirement: Logout
The system SHALL log users out.

#### Scenario: bye
- **WHEN** clicked
- **THEN** logged out
";
