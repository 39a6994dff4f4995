//! Moves an ADDED or MODIFIED block to the other section (the requirement is or is not in the
//! main spec already).

use openspec_syntax::TextRange;
use openspec_syntax::lines::{Bom, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::{DeltaKind, DeltaSpec, RequirementBlock};

use super::{CodeAction, CodeActionKind, Context, h2_line_starts, insert, next_line_start};
use crate::types::TextEdit;

impl Context<'_> {
    /// Moves an ADDED or MODIFIED block to the other section: to the end of that section when
    /// the file has it, else by renaming its own section when it is the only entry there, else
    /// to a new section at the end of the file.
    pub(super) fn move_block(
        &self,
        delta: &DeltaSpec<'_>,
        block: &RequirementBlock<'_>,
        from: DeltaKind,
        why: &str,
        fixes: Option<String>,
        out: &mut Vec<CodeAction>,
    ) {
        let to = if from == DeltaKind::Added { DeltaKind::Modified } else { DeltaKind::Added };
        let nl = self.newline();
        let text = self.text;
        let h2_starts = h2_line_starts(text);
        let section_end =
            |header_start: usize| h2_starts.iter().copied().find(|&start| start > header_start).unwrap_or(text.len());
        let header = block.header();
        let Some(last_line) = block.lines.last() else {
            return;
        };
        let removal = TextRange::new(header.start, next_line_start(text, last_line));
        let block_text = text.get(header.start..block.range().end).unwrap_or("");
        let title = format!("Move \"{}\" to {} ({why})", block.name, to.title());
        let edits = if let Some(target) = delta.first_section(to) {
            let at = section_end(target.line.start);
            let before = text.get(..at).unwrap_or("");
            let after = if at == text.len() { nl.to_owned() } else { format!("{nl}{nl}") };
            vec![
                TextEdit { range: removal, new_text: String::new() },
                insert(at, format!("{}{block_text}{after}", separation(before, nl))),
            ]
        } else {
            let source =
                delta.sections.iter().rev().find(|section| section.kind == from && section.line.start < header.start);
            let Some(source) = source else { return };
            let end = section_end(source.line.start);
            let blocks = if from == DeltaKind::Added { &delta.added } else { &delta.modified };
            let alone =
                blocks.iter().filter(|other| (source.line.start..end).contains(&other.header().start)).count() == 1;
            if alone
                && !delta.sections.iter().any(|section| section.kind == from && section.line.start != source.line.start)
            {
                vec![TextEdit { range: source.range(), new_text: format!("## {}", to.title()) }]
            } else if removal.end == text.len() {
                let before = text.get(..removal.start).unwrap_or("");
                let new_text = format!("{}## {}{nl}{nl}{block_text}{nl}", separation(before, nl), to.title());
                vec![TextEdit { range: removal, new_text }]
            } else {
                let new_text = format!("{}## {}{nl}{nl}{block_text}{nl}", separation(text, nl), to.title());
                vec![TextEdit { range: removal, new_text: String::new() }, insert(text.len(), new_text)]
            }
        };
        out.push(self.action(title, CodeActionKind::QuickFix, fixes, edits));
    }
}

/// The line breaks to put before a block inserted after `before` so a blank line separates them.
fn separation(before: &str, nl: &str) -> String {
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.is_empty() {
        return String::new();
    }
    let n_breaks = {
        let tail = trimmed.len() - trimmed.trim_end_matches(['\n', '\r']).len();
        let tail_text = trimmed.get(trimmed.len() - tail..).unwrap_or("");
        split_lines(tail_text, Bom::Keep, LineBreaks::Any).len() - 1
    };
    nl.repeat(2usize.saturating_sub(n_breaks))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn moves_blocks_between_added_and_modified() {
        // MODIFIED of a requirement the main spec lacks, with an ADDED section to move to.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: New\nThe system SHALL new.\n\n#### Scenario: n\n- x\n\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n### Requirement: Typo$0\nThe system SHALL typo.\n\n#### Scenario: t\n- x\n\n## REMOVED Requirements\n- `### Requirement: Logout`\n"
            ),
            &["archive/target-missing"],
            "Move",
            &expect![[r#"
                == QuickFix fixes archive/target-missing: Move "Typo" to ADDED Requirements (the main spec has no such requirement)
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: New
                The system SHALL new.

                #### Scenario: n
                - x

                ### Requirement: Typo
                The system SHALL typo.

                #### Scenario: t
                - x

                ## MODIFIED Requirements
                ### Requirement: Login
                The system SHALL log in.

                ## REMOVED Requirements
                - `### Requirement: Logout`
            "#]],
        );
        // A MODIFIED name that differs from the main spec's only in case or spacing is a typo.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: log$0OUT\nThe system SHALL log out.\n"
            ),
            &["archive/target-missing"],
            "",
            &expect![[r#"
                == QuickFix: Add a scenario to "logOUT"
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: logOUT
                The system SHALL log out.

                #### Scenario: logOUT
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome
                == QuickFix fixes archive/target-missing: Use the main spec's spelling "Logout"
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Logout
                The system SHALL log out.
            "#]],
        );
        // The only MODIFIED entry, no ADDED section: the section header changes.
        check_only(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/billing/spec.md\n## MODIFIED Requirements\n### Requirement: Pay$0\nThe system SHALL pay.\n"
            ),
            &["archive/no-main-spec"],
            "Move",
            &expect![[r#"
                == QuickFix fixes archive/no-main-spec: Move "Pay" to ADDED Requirements (there is no main spec yet)
                //- /openspec/changes/c/specs/billing/spec.md
                ## ADDED Requirements
                ### Requirement: Pay
                The system SHALL pay.
            "#]],
        );
        // ADDED of an existing requirement, last in the file, others stay: a new section.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\r\n## ADDED Requirements\r\n### Requirement: Fresh\r\nThe system SHALL be fresh.\r\n\r\n### Requirement: Login$0\r\nThe system SHALL log in.\r\n"
            ),
            &["archive/target-exists"],
            "Move",
            &expect![[r#"
                == QuickFix fixes archive/target-exists: Move "Login" to MODIFIED Requirements (the main spec already has it)
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements␍
                ### Requirement: Fresh␍
                The system SHALL be fresh.␍
                ␍
                ## MODIFIED Requirements␍
                ␍
                ### Requirement: Login␍
                The system SHALL log in.␍
            "#]],
        );
        // ADDED of an existing requirement in the middle, others stay: a new section at the end.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Login$0\nThe system SHALL log in.\n\n### Requirement: Fresh\nThe system SHALL be fresh.\n"
            ),
            &[],
            "Move",
            &expect![[r#"
                == QuickFix: Move "Login" to MODIFIED Requirements (the main spec already has it)
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: Fresh
                The system SHALL be fresh.

                ## MODIFIED Requirements

                ### Requirement: Login
                The system SHALL log in.
            "#]],
        );
    }
}
