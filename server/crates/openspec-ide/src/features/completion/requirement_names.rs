//! The main spec's requirement names offered in a delta (MODIFIED, REMOVED, RENAMED).

use openspec_syntax::TextRange;
use openspec_syntax::js::{js_trim, js_trim_end};
use openspec_syntax::requirement_blocks::DeltaKind;

use super::delta::{BULLET_NAME_PREFIX, FROM_HEADER_PREFIX, FROM_PREFIX, HEADER_NAME_PREFIX};
use super::markdown::MarkdownCursor;
use super::{CompletionItem, CompletionKind};
use crate::index::{DeltaFileInfo, DeltaOp, WorkspaceIndex};
use crate::line_breaks::convert_line_breaks;
use crate::vfs::RootSnapshot;

/// Base requirement names after `### Requirement: ` in MODIFIED and REMOVED, after a REMOVED
/// bullet, and after `FROM:` in RENAMED. Names this delta already lists in the same section
/// are left out.
pub(super) fn requirement_name_completions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    delta: &DeltaFileInfo,
    section: Option<DeltaKind>,
) -> Vec<CompletionItem> {
    let line = cursor.line.text;
    let (op, name_start, wrap) = match section {
        Some(DeltaKind::Modified) => {
            let Some(found) = HEADER_NAME_PREFIX.find(cursor.prefix) else {
                return Vec::new();
            };
            (DeltaOp::Modified, found.end(), false)
        }
        Some(DeltaKind::Removed) => {
            let found = HEADER_NAME_PREFIX.find(cursor.prefix).or_else(|| BULLET_NAME_PREFIX.find(cursor.prefix));
            let Some(found) = found else {
                return Vec::new();
            };
            (DeltaOp::Removed, found.end(), false)
        }
        Some(DeltaKind::Renamed) => {
            let Some(from) = FROM_PREFIX.find(cursor.prefix) else {
                return Vec::new();
            };
            let after_from = cursor.prefix.get(from.end()..).unwrap_or("");
            match FROM_HEADER_PREFIX.find(after_from) {
                Some(header) => (DeltaOp::RenamedFrom, from.end() + header.end(), false),
                // Nothing of the header typed yet: the whole `` `### Requirement: X` `` goes in.
                None => (DeltaOp::RenamedFrom, from.end(), true),
            }
        }
        Some(DeltaKind::Added) | None => return Vec::new(),
    };
    let Some(spec) = index.spec(&delta.capability) else {
        return Vec::new();
    };
    // The name runs to the end of the line, short of a closing backtick.
    let rest = line.get(name_start..).unwrap_or("");
    let mut name_len = js_trim_end(rest).len();
    let opened_backtick = line.get(..name_start).is_some_and(|before| before.contains('`'));
    if opened_backtick && rest.get(..name_len).is_some_and(|name| name.ends_with('`')) {
        name_len -= 1;
    }
    // Spaces typed after the name so far (`Session ` on the way to `Session expiry`) are part
    // of what the item replaces.
    let replace_range =
        TextRange::new(cursor.line.start + name_start, (cursor.line.start + name_start + name_len).max(cursor.offset));
    let typed = cursor.prefix.get(name_start..).unwrap_or("").trim_start_matches('`').to_lowercase();
    let on_this_line = |range: TextRange| cursor.line.range().touches(range.start);
    let listed: Vec<&str> = delta
        .entries
        .iter()
        .filter(|entry| entry.op == op && !on_this_line(entry.line_range))
        .map(|entry| entry.name.as_str())
        .collect();
    let base_text = root.text(&spec.path).unwrap_or("");
    let nl = cursor.newline;
    let mut items = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for requirement in &spec.requirements {
        let name = requirement.name.as_str();
        if name.is_empty() || listed.contains(&name) || seen.contains(&name) {
            continue;
        }
        // Clients that cannot filter across a space (eglot's symbol bounds) see only the names
        // that start with the typed text; the others still filter the list as typing goes on.
        let typed_matches =
            name.to_lowercase().starts_with(&typed) || (wrap && "### requirement:".starts_with(typed.trim_end()));
        if !typed_matches {
            continue;
        }
        seen.push(name);
        let insert_text = if wrap { format!("`### Requirement: {name}`") } else { name.to_owned() };
        let filter_text = if wrap { insert_text.clone() } else { name.to_owned() };
        let scenario_count = requirement.scenarios.len();
        let documentation = format!(
            "`{name}` in `{}` ({scenario_count} {}).{}",
            spec.path,
            if scenario_count == 1 { "scenario" } else { "scenarios" },
            if requirement.body.is_empty() { String::new() } else { format!("\n\n{}", requirement.body) }
        );
        items.push(CompletionItem {
            label: name.to_owned(),
            kind: CompletionKind::RequirementName,
            detail: Some(format!("requirement of {}", spec.capability)),
            documentation: Some(documentation.clone()),
            insert_text,
            is_snippet: false,
            replace_range,
            filter_text: Some(filter_text.clone()),
            sort_text: Some(format!("0{:05}", items.len())),
        });
        // MODIFIED replaces the whole block, so starting from the current one is the safe edit.
        let body_start = base_text
            .get(requirement.header_range.end..)
            .and_then(|after| after.find('\n').map(|at| requirement.header_range.end + at + 1));
        if op == DeltaOp::Modified
            && let Some(body_start) = body_start
            && let Some(body) = base_text.get(body_start..requirement.range.end)
            && !js_trim(body).is_empty()
        {
            items.push(CompletionItem {
                label: format!("{name} (copy current requirement)"),
                kind: CompletionKind::RequirementName,
                detail: Some(format!("requirement of {}, with its text", spec.capability)),
                documentation: Some(documentation),
                insert_text: format!("{name}{nl}{}", convert_line_breaks(body, nl)),
                is_snippet: false,
                replace_range,
                filter_text: Some(filter_text),
                sort_text: Some(format!("1{:05}", items.len())),
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn base_names_in_modified() {
        let fixture_text = format!(
            "{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Logout\nx\n### Requirement: Lo$0\n"
        );
        check(
            &fixture_text,
            &expect![[r#"
                requirement-name Login (requirement of auth)
                requirement-name Login (copy current requirement) (requirement of auth, with its text)
            "#]],
        );
        check_insert(
            &fixture_text,
            "Login (copy current requirement)",
            0,
            &expect![[r#"
                Login (copy current requirement) (snippet)
                ## MODIFIED Requirements
                ### Requirement: Logout
                x
                ### Requirement: Login
                The system SHALL log users in.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in
            "#]],
        );
    }

    #[test]
    fn base_names_in_removed_and_renamed() {
        let delta = "//- /openspec/changes/c/specs/auth/spec.md\n";
        check(
            &format!("{BASE}{delta}## REMOVED Requirements\n- `### Requirement: Logout`\n- `### Requirement: $0`\n"),
            &expect![[r#"
                requirement-name Login (requirement of auth)
            "#]],
        );
        check_insert(
            &format!("{BASE}{delta}## REMOVED Requirements\n### Requirement: Lo$0gx\n"),
            "Logout",
            0,
            &expect![[r#"
                Logout (snippet)
                ## REMOVED Requirements
                ### Requirement: Logout
            "#]],
        );
        check_insert(
            &format!("{BASE}{delta}## RENAMED Requirements\n- FROM: Lo$0\n"),
            "Login",
            0,
            &expect![[r#"
                Login (snippet)
                ## RENAMED Requirements
                - FROM: `### Requirement: Login`
            "#]],
        );
        check_insert(
            &format!(
                "{BASE}{delta}## RENAMED Requirements\n- FROM: `### Requirement: $0`\n- TO: `### Requirement: Sign in`\n"
            ),
            "Logout",
            0,
            &expect![[r#"
                Logout (snippet)
                ## RENAMED Requirements
                - FROM: `### Requirement: Logout`
                - TO: `### Requirement: Sign in`
            "#]],
        );
        // A TO line names a new requirement: nothing to offer; ADDED names are new as well.
        check(&format!("{BASE}{delta}## RENAMED Requirements\n- TO: `### Requirement: $0`\n"), &expect![[""]]);
        check(&format!("{BASE}{delta}## ADDED Requirements\n### Requirement: $0\n"), &expect![[""]]);
    }
}
