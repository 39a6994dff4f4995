//! The fixtures and renderers the code action tests share.

use std::fmt::Write;

use expect_test::Expect;

use super::{CodeAction, CodeActionConfig};
use crate::features::fixture;
use crate::types::FileRange;

pub(super) const CREATE_FILES: CodeActionConfig = CodeActionConfig { create_files: true };

/// The actions at the fixture's `$0` (or `$0...$0` range) for a client like `config`.
pub(super) fn actions_at(
    fixture_text: &str,
    codes: &[&str],
    config: CodeActionConfig,
) -> (crate::Analysis, Vec<CodeAction>) {
    let (analysis, position, fixture) = fixture::analysis(fixture_text);
    let range = fixture.cursor.as_ref().map_or(openspec_syntax::TextRange::empty(position.offset), |c| c.range);
    let file_range = FileRange { path: position.path.clone(), range };
    let actions = analysis.code_actions(&file_range, codes, config);
    (analysis, actions)
}

/// Every action at the fixture's `$0` (or `$0...$0` range): its kind, title and the code it
/// fixes, then the files it edits and creates.
pub(super) fn check(fixture_text: &str, codes: &[&str], expect: &Expect) {
    let (analysis, actions) = actions_at(fixture_text, codes, CREATE_FILES);
    let mut out = String::new();
    for action in actions {
        let fixes = action.fixes.map(|code| format!(" fixes {code}")).unwrap_or_default();
        let preferred = if action.is_preferred { " (preferred)" } else { "" };
        let _ = writeln!(out, "== {:?}{fixes}{preferred}: {}", action.kind, action.title);
        out.push_str(&fixture::apply(&analysis, &action.edit));
    }
    expect.assert_eq(&out);
}

/// Only the actions whose title starts with `title`.
pub(super) fn check_only(fixture_text: &str, codes: &[&str], title: &str, expect: &Expect) {
    let (analysis, actions) = actions_at(fixture_text, codes, CREATE_FILES);
    let mut out = String::new();
    for action in actions.into_iter().filter(|action| action.title.starts_with(title)) {
        let fixes = action.fixes.map(|code| format!(" fixes {code}")).unwrap_or_default();
        let _ = writeln!(out, "== {:?}{fixes}: {}", action.kind, action.title);
        out.push_str(&fixture::apply(&analysis, &action.edit));
    }
    expect.assert_eq(&out);
}

/// A change folder with every spec-driven artifact, so scaffolding stays quiet.
pub(super) const ARTIFACTS: &str = "//- /openspec/changes/c/proposal.md\n## Why\n//- /openspec/changes/c/design.md\n# D\n//- /openspec/changes/c/tasks.md\n- [ ] 1.1 x\n";

pub(super) const BASE: &str = "//- /openspec/specs/auth/spec.md
## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in

#### Scenario: bad password
- **WHEN** a wrong password
- **THEN** refused

### Requirement: Logout
The system SHALL log users out.

#### Scenario: bye
- **WHEN** clicked
- **THEN** logged out
";
