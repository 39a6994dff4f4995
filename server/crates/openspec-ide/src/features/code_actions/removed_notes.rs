//! `**Reason**:` and `**Migration**:` lines for REMOVED entries that lack them.

use std::fmt::Write as _;

use openspec_syntax::js::{is_js_space, js_trim};
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::DeltaSpec;

use super::{CodeAction, CodeActionKind, Context, h2_line_starts, insert, overlaps};

impl Context<'_> {
    /// `**Reason**:` and `**Migration**:` lines for REMOVED entries that lack them.
    pub(super) fn removed_note_actions(&self, delta: &DeltaSpec<'_>, out: &mut Vec<CodeAction>) {
        let nl = self.newline();
        let lines = split_lines(self.text, Bom::Strip, LineBreaks::Any);
        let entry_starts: Vec<usize> = delta.removed.iter().map(|entry| entry.line.start).collect();
        let h2_starts = h2_line_starts(self.text);
        for entry in delta.removed.iter().filter(|entry| overlaps(entry.line.range(), self.range)) {
            // The entry's notes run to the next entry or section.
            let notes: Vec<&Line<'_>> = lines
                .iter()
                .filter(|line| line.start > entry.line.start)
                .take_while(|line| !entry_starts.contains(&line.start) && !h2_starts.contains(&line.start))
                .collect();
            let note_label = |line: &Line<'_>| {
                let trimmed = js_trim(line.text);
                // A note may sit in a bullet of its own: `- **Reason**: ...`.
                let unbulleted = trimmed
                    .strip_prefix(['-', '*', '+'])
                    .filter(|rest| rest.starts_with(is_js_space))
                    .map_or(trimmed, js_trim);
                let lower = unbulleted.to_lowercase();
                ["reason", "migration"].into_iter().find(|label| lower.starts_with(&format!("**{label}**")))
            };
            let has_note = |label: &str| notes.iter().any(|line| note_label(line) == Some(label));
            let (has_reason, has_migration) = (has_note("reason"), has_note("migration"));
            if has_reason && has_migration {
                continue;
            }
            let is_bullet = !js_trim(entry.line.text).starts_with('#');
            let indent = if is_bullet { "  " } else { "" };
            let last_note = notes.iter().rev().find(|line| note_label(line).is_some());
            let at = last_note.map_or(entry.line.range().end, |line| line.range().end);
            let mut new_text = String::new();
            // Notes under a header entry are a paragraph of their own.
            let new_paragraph = last_note.is_none() && !is_bullet;
            if new_paragraph {
                new_text.push_str(nl);
            }
            if !has_reason {
                let _ = write!(new_text, "{nl}{indent}**Reason**: TODO: why it is removed");
            }
            if !has_migration {
                let _ = write!(new_text, "{nl}{indent}**Migration**: TODO: what to use instead");
            }
            let next_line = lines.iter().find(|line| line.start > at);
            if new_paragraph && next_line.is_some_and(|line| !js_trim(line.text).is_empty()) {
                new_text.push_str(nl);
            }
            out.push(self.action(
                format!("Add **Reason** and **Migration** to the removal of \"{}\"", entry.name),
                CodeActionKind::RefactorRewrite,
                None,
                vec![insert(at, new_text)],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn adds_reason_and_migration_to_removed_entries() {
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Login$0\n### Requirement: Logout\n\n**Reason**: obsolete\n"
            ),
            &[],
            "Add **Reason**",
            &expect![[r#"
                == RefactorRewrite: Add **Reason** and **Migration** to the removal of "Login"
                //- /openspec/changes/c/specs/auth/spec.md
                ## REMOVED Requirements
                ### Requirement: Login

                **Reason**: TODO: why it is removed
                **Migration**: TODO: what to use instead

                ### Requirement: Logout

                **Reason**: obsolete
            "#]],
        );
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Login\n$0### Requirement: Logout\n\n**Reason**: obsolete\n"
            ),
            &[],
            "Add **Reason**",
            &expect![[r#"
                == RefactorRewrite: Add **Reason** and **Migration** to the removal of "Logout"
                //- /openspec/changes/c/specs/auth/spec.md
                ## REMOVED Requirements
                ### Requirement: Login
                ### Requirement: Logout

                **Reason**: obsolete
                **Migration**: TODO: what to use instead
            "#]],
        );
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\r\n## REMOVED Requirements\r\n- `### Requirement: Login`$0\r\n"
            ),
            &[],
            "Add **Reason**",
            &expect![[r#"
                == RefactorRewrite: Add **Reason** and **Migration** to the removal of "Login"
                //- /openspec/changes/c/specs/auth/spec.md
                ## REMOVED Requirements␍
                - `### Requirement: Login`␍
                  **Reason**: TODO: why it is removed␍
                  **Migration**: TODO: what to use instead␍
            "#]],
        );
    }
}
