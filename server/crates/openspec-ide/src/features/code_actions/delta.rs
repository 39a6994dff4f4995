//! Actions for a delta spec: the requirement fixes for each ADDED/MODIFIED block under the
//! range, then per section kind the MODIFIED copy, the spelling fix, the ADDED<->MODIFIED move,
//! naming a non-requirement header, and the REMOVED notes.

use openspec_syntax::requirement_blocks::{
    DeltaKind, extract_requirements_section, fold_requirement_name, parse_delta_spec,
};

use super::requirement::{NAMELESS_REQUIREMENT, SCENARIO_LIKE_HEADER};
use super::{CodeAction, CodeActionKind, Context, RequirementHome, block_span, fixing, overlaps};
use crate::layout;
use crate::types::TextEdit;

impl Context<'_> {
    pub(super) fn delta_actions(&self, capability: &str, out: &mut Vec<CodeAction>) {
        let delta = parse_delta_spec(self.text);
        let base_text = self.index.spec(capability).and_then(|spec| self.root.text(&spec.path));
        let base_path = layout::main_spec_path(capability);
        let base_blocks = base_text.map(|text| extract_requirements_section(text).blocks).unwrap_or_default();
        let base_block = |name: &str| base_blocks.iter().rev().find(|block| block.name == name);

        for (kind, blocks) in [(DeltaKind::Added, &delta.added), (DeltaKind::Modified, &delta.modified)] {
            for block in blocks.iter().filter(|block| overlaps(block_span(block), self.range)) {
                self.requirement_actions(block, RequirementHome::Delta, out);
                match kind {
                    DeltaKind::Modified => {
                        // Content changes of a renamed requirement go under its new name.
                        let renamed_from = delta.renamed.iter().rev().find(|pair| pair.to.name == block.name);
                        let current =
                            base_block(block.name).or_else(|| renamed_from.and_then(|pair| base_block(pair.from.name)));
                        // A name the main spec spells in another case or spacing is a typo.
                        let near = base_blocks
                            .iter()
                            .find(|base| fold_requirement_name(base.name) == fold_requirement_name(block.name));
                        match (current, base_text, near) {
                            (Some(current), Some(base_text), _) => {
                                self.modified_copy_actions(block, current, base_text, &base_path, out);
                            }
                            (None, _, Some(near)) => out.push(self.action(
                                format!("Use the main spec's spelling \"{}\"", near.name),
                                CodeActionKind::QuickFix,
                                fixing(self.codes, &["archive/target-missing"]),
                                vec![TextEdit { range: block.name_range, new_text: near.name.to_owned() }],
                            )),
                            _ if renamed_from.is_none() => {
                                let fixes = fixing(self.codes, &["archive/target-missing", "archive/no-main-spec"]);
                                let why = if base_text.is_some() {
                                    "the main spec has no such requirement"
                                } else {
                                    "there is no main spec yet"
                                };
                                self.move_block(&delta, block, DeltaKind::Modified, why, fixes, out);
                            }
                            _ => {}
                        }
                    }
                    _ => {
                        if base_block(block.name).is_some() {
                            let fixes = fixing(self.codes, &["archive/target-exists"]);
                            let why = "the main spec already has it";
                            self.move_block(&delta, block, DeltaKind::Added, why, fixes, out);
                        }
                    }
                }
            }
        }

        for skipped in delta.skipped_headers.iter().filter(|skipped| overlaps(skipped.line.range(), self.range)) {
            if NAMELESS_REQUIREMENT.is_match(skipped.header) || SCENARIO_LIKE_HEADER.is_match(skipped.line.text) {
                continue;
            }
            out.push(self.action(
                format!("Make \"{}\" a requirement header", skipped.header),
                CodeActionKind::QuickFix,
                fixing(self.codes, &["delta/non-requirement-header"]),
                vec![TextEdit {
                    range: skipped.line.trimmed_range(),
                    new_text: format!("### Requirement: {}", skipped.header),
                }],
            ));
        }

        self.removed_note_actions(&delta, out);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn names_non_requirement_headers() {
        check_only(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n\n#### Scenario: s\n- x\n\n### Größe$0 anpassen\nThe system SHALL b.\n### Requirement:\n"
            ),
            &["delta/non-requirement-header"],
            "Make",
            &expect![[r#"
                == QuickFix fixes delta/non-requirement-header: Make "Größe anpassen" a requirement header
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                #### Scenario: s
                - x

                ### Requirement: Größe anpassen
                The system SHALL b.
                ### Requirement:
            "#]],
        );
    }
}
