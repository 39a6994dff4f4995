//! Code actions that migrate the legacy layout: create (or extend) the project config from
//! `openspec/project.md`, and cut an OpenSpec marker block out of an agent file. Each is a
//! workspace edit the user reviews; none deletes a file or touches the user's own text. The
//! edits themselves are `crate::migration`'s, shared with `check --migration`.

use openspec_syntax::legacy::find_marker_block;

use super::{CodeAction, CodeActionKind};
use crate::legacy::{LegacyArtifact, classify};
use crate::migration::{self, ConfigPlan};
use crate::types::FileRange;
use crate::vfs::RootSnapshot;

const PROJECT_MD_CODE: &str = "legacy/project-md";
const MISSING_CONFIG_CODE: &str = "legacy/missing-config";
const MARKER_BLOCK_CODE: &str = "legacy/marker-block";

/// The migration actions for `range` of `range.path`; `codes` are the diagnostic codes sent
/// with the request.
pub(super) fn migration_actions(root: &RootSnapshot, range: &FileRange, codes: &[&str], acc: &mut Vec<CodeAction>) {
    let fixes =
        |candidates: &[&str]| candidates.iter().find(|code| codes.contains(code)).map(|code| (*code).to_owned());
    match classify(&range.path) {
        Some(LegacyArtifact::ProjectContext | LegacyArtifact::ObsoleteAgentsFile) => {
            let plan = migration::config_plan(root);
            let is_project_md = range.path == migration::PROJECT_MD;
            let title = match &plan {
                ConfigPlan::Create { context_bytes: Ok(_) }
                    if is_project_md && root.text(migration::PROJECT_MD).is_some() =>
                {
                    "Create openspec/config.yaml with this file as its context".to_owned()
                }
                ConfigPlan::Create { context_bytes: Err(bytes) } => format!(
                    "Create openspec/config.yaml (schema only: project.md is {} KB, over the 50 KB context limit)",
                    migration::kilobytes(*bytes)
                ),
                ConfigPlan::Create { .. } => "Create openspec/config.yaml with `schema: spec-driven`".to_owned(),
                ConfigPlan::AddContext { config_path, .. } if is_project_md => {
                    format!("Add this file to {config_path} as its context")
                }
                ConfigPlan::AddContext { .. } | ConfigPlan::Nothing => return,
            };
            let Some(edit) = migration::config_change(root) else { return };
            acc.push(CodeAction {
                title,
                kind: CodeActionKind::QuickFix,
                fixes: fixes(&[PROJECT_MD_CODE, MISSING_CONFIG_CODE]),
                is_preferred: true,
                edit,
            });
        }
        Some(LegacyArtifact::MarkerHost) => {
            let Some(text) = root.text(&range.path) else { return };
            let Some(block) = find_marker_block(text) else { return };
            let touches_block = range.range.start <= block.lines.end && block.lines.start <= range.range.end;
            if !touches_block && !codes.contains(&MARKER_BLOCK_CODE) {
                return;
            }
            let Some(edit) = migration::remove_marker_block(root, &range.path) else { return };
            acc.push(CodeAction {
                title: "Remove the legacy OpenSpec marker block (keeps your own text)".to_owned(),
                kind: CodeActionKind::QuickFix,
                fixes: fixes(&[MARKER_BLOCK_CODE]),
                is_preferred: true,
                edit,
            });
        }
        Some(LegacyArtifact::SlashCommand { .. }) | None => {}
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, codes: &[&str], expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let range = crate::types::FileRange {
            path: position.path.clone(),
            range: openspec_syntax::TextRange::empty(position.offset),
        };
        let mut out = String::new();
        for action in analysis
            .code_actions(&range, codes, crate::features::code_actions::CodeActionConfig { create_files: true })
            .iter()
            .filter(|action| action.title.contains("config") || action.title.contains("marker"))
        {
            let _ = writeln!(out, "{} (fixes {:?}, preferred {})", action.title, action.fixes, action.is_preferred);
            out.push_str(&fixture::apply(&analysis, &action.edit));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn project_md_becomes_the_config_context() {
        check(
            "//- /openspec/project.md\n# Project$0 Context\n\n- Stack: Rust\n//- /openspec/specs/a/spec.md\n# A\n",
            &["legacy/project-md"],
            &expect![[r#"
                Create openspec/config.yaml with this file as its context (fixes Some("legacy/project-md"), preferred true)
                //- /openspec/config.yaml (new)
                schema: spec-driven

                # Project context, moved verbatim from openspec/project.md. OpenSpec shows it
                # to the AI with every request; openspec/project.md is no longer read.
                context: |
                  # Project Context

                  - Stack: Rust
            "#]],
        );
        check(
            "//- /openspec/AGENTS.md\n# Old$0\n//- /openspec/specs/a/spec.md\n# A\n",
            &[],
            &expect![[r#"
                Create openspec/config.yaml with `schema: spec-driven` (fixes None, preferred true)
                //- /openspec/config.yaml (new)
                schema: spec-driven
            "#]],
        );
    }

    #[test]
    fn marker_block_is_cut_out() {
        check(
            "//- /AGENTS.md\n# Team notes\n\n<!-- OPENSPEC:START -->$0\nold\n<!-- OPENSPEC:END -->\n\nKeep this.\n",
            &["legacy/marker-block"],
            &expect![[r#"
                Remove the legacy OpenSpec marker block (keeps your own text) (fixes Some("legacy/marker-block"), preferred true)
                //- /AGENTS.md
                # Team notes

                Keep this.
            "#]],
        );
        // Away from the block and without the diagnostic: no lightbulb.
        check(
            "//- /AGENTS.md\n# Team$0 notes\n\n<!-- OPENSPEC:START -->\nold\n<!-- OPENSPEC:END -->\n",
            &[],
            &expect![[r#""#]],
        );
    }
}
