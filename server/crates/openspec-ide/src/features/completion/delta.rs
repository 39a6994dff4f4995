//! Completion in a delta spec: the section headers it lacks, templates, and base requirement
//! names after a MODIFIED/REMOVED header or a RENAMED `FROM:`.

use std::sync::LazyLock;

use openspec_syntax::requirement_blocks::DeltaKind;
use regex::Regex;

use super::markdown::{LineTemplate, MarkdownCursor, line_templates, requirement_template, scenario_template};
use super::requirement_names::requirement_name_completions;
use super::{CompletionItem, CompletionKind};
use crate::index::{DeltaFileInfo, WorkspaceIndex};
use crate::vfs::RootSnapshot;

/// `### Requirement: ` as a MODIFIED or REMOVED header (the name is being typed after it).
pub(super) static HEADER_NAME_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^###[ \t]*(?i:requirement):[ \t]*").expect("header prefix pattern compiles"));

/// `- ### Requirement: ` or ``- `### Requirement: ``: a REMOVED bullet.
pub(super) static BULLET_NAME_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*[-*+][ \t]*`?###[ \t]*Requirement:[ \t]*").expect("bullet prefix pattern compiles")
});

/// `- FROM: ` and the optional ``  `### Requirement: `` after it.
pub(super) static FROM_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*(?:[-*+][ \t]*)?FROM:[ \t]*").expect("FROM prefix pattern compiles"));
pub(super) static FROM_HEADER_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^`?###[ \t]*Requirement:[ \t]*").expect("FROM header pattern compiles"));

pub(super) fn delta_completions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    delta: &DeltaFileInfo,
) -> Vec<CompletionItem> {
    let nl = cursor.newline;
    let section = cursor.section.and_then(DeltaKind::from_title);
    let names = requirement_name_completions(root, index, cursor, delta, section);
    if !names.is_empty() {
        return names;
    }
    let mut templates = Vec::new();
    match section {
        Some(DeltaKind::Added | DeltaKind::Modified) => {
            if cursor.requirement.is_some() {
                templates.push(scenario_template(nl));
            }
            templates.push(requirement_template(nl));
        }
        Some(DeltaKind::Removed) => templates.push(LineTemplate {
            label: "### Requirement:".to_owned(),
            kind: CompletionKind::Requirement,
            detail: "removed requirement with reason and migration",
            documentation: "Names a requirement of the main spec to delete at archive. **Reason** and **Migration** are a convention archive does not check.",
            snippet: format!("### Requirement: ${{1:Name}}{nl}{nl}**Reason**: ${{2:why it goes}}{nl}**Migration**: ${{3:what to use instead}}$0"),
            sort: "1".to_owned(),
        }),
        Some(DeltaKind::Renamed) => templates.push(LineTemplate {
            label: "- FROM:".to_owned(),
            kind: CompletionKind::Requirement,
            detail: "rename pair",
            documentation: "Renames a requirement of the main spec at archive. Content changes go under MODIFIED, using the new name.",
            snippet: format!(
                "- FROM: `### Requirement: ${{1:Old name}}`{nl}- TO: `### Requirement: ${{2:New name}}`$0"
            ),
            sort: "1".to_owned(),
        }),
        None => {}
    }
    for kind in DeltaKind::ALL {
        if cursor.has_h2(kind.title()) {
            continue;
        }
        let documentation = match kind {
            DeltaKind::Added => "New requirements, appended to the main spec at archive.",
            DeltaKind::Modified => {
                "Requirements of the main spec, each replaced whole (scenarios included) at archive."
            }
            DeltaKind::Removed => "Requirements of the main spec to delete at archive.",
            DeltaKind::Renamed => "`FROM:`/`TO:` pairs renaming requirements of the main spec.",
        };
        templates.push(LineTemplate::header(
            &format!("## {}", kind.title()),
            CompletionKind::Section,
            "delta section",
            documentation,
            nl,
        ));
    }
    line_templates(cursor, templates)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn delta_sections_not_yet_present() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: X\nThe system SHALL x.\n\n## $0\n"
            ),
            &expect![[r#"
                section ## MODIFIED Requirements (delta section)
                section ## REMOVED Requirements (delta section)
                section ## RENAMED Requirements (delta section)
            "#]],
        );
        check(
            &format!(
                "{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: X\nThe system SHALL x.\n\n$0\n"
            ),
            &expect![[r#"
                scenario #### Scenario: (scenario with WHEN/THEN steps)
                requirement ### Requirement: (requirement with a scenario)
                section ## MODIFIED Requirements (delta section)
                section ## REMOVED Requirements (delta section)
                section ## RENAMED Requirements (delta section)
            "#]],
        );
        check(
            &format!("{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n$0\n"),
            &expect![[r#"
                requirement ### Requirement: (removed requirement with reason and migration)
                section ## ADDED Requirements (delta section)
                section ## MODIFIED Requirements (delta section)
                section ## RENAMED Requirements (delta section)
            "#]],
        );
    }

    #[test]
    fn names_after_a_typed_space_start_with_the_typed_text() {
        let base = "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Session expiry\nThe system SHALL expire.\n\n#### Scenario: s\n- x\n\n### Requirement: Session $ budget\nThe system SHALL cost.\n\n#### Scenario: s\n- x\n\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: s\n- x\n";
        let fixture_text = format!(
            "{base}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Session $0\n"
        );
        check(
            &fixture_text,
            &expect![[r#"
                requirement-name Session expiry (requirement of auth)
                requirement-name Session $ budget (requirement of auth)
            "#]],
        );
        // The typed space is replaced too; `$` is escaped for a snippet client, plain otherwise.
        check_insert(
            &fixture_text,
            "Session $ budget",
            0,
            &expect![[r#"
                Session $ budget (snippet)
                ## REMOVED Requirements
                ### Requirement: Session \$ budget
            "#]],
        );
        check_insert_with(
            &fixture_text,
            "Session $ budget",
            0,
            PLAIN,
            &expect![[r#"
                Session $ budget
                ## REMOVED Requirements
                ### Requirement: Session $ budget
            "#]],
        );
    }

    #[test]
    fn copies_the_current_requirement_into_a_crlf_delta() {
        check_insert(
            "//- /openspec/specs/ü/spec.md\n## Requirements\n### Requirement: Größe\nDas System SHALL größer sein.\n\n#### Scenario: ä\n- x\n//- /openspec/changes/c/specs/ü/spec.md\r\n## MODIFIED Requirements\r\n### Requirement: Gr$0\r\n",
            "Größe (copy current requirement)",
            0,
            &expect![[r#"
                Größe (copy current requirement) (snippet)
                ## MODIFIED Requirements␍
                ### Requirement: Größe␍
                Das System SHALL größer sein.␍
                ␍
                #### Scenario: ä␍
                - x␍
            "#]],
        );
    }
}
