//! Scaffolding: create the artifacts of a change's workflow schema whose files are missing,
//! from the project's templates or our own for the built-in schema.

use std::collections::BTreeMap;

use super::{CodeAction, CodeActionKind, Context};
use crate::index::{ChangeInfo, WorkspaceIndex};
use crate::layout;
use crate::schema::{self, ResolvedSchema, SchemaOrigin, WorkflowSchema};
use crate::types::SourceChange;

impl Context<'_> {
    /// One action per artifact of the change's workflow schema whose file is missing, and one
    /// for all of them when several are.
    pub(super) fn scaffold_actions(&self, out: &mut Vec<CodeAction>) {
        let Some(change_id) = self.path.strip_prefix("openspec/changes/").and_then(|rest| rest.split('/').next())
        else {
            return;
        };
        if !layout::active_changes(self.root).iter().any(|id| id == change_id) {
            return;
        }
        let change_dir = layout::change_dir(change_id);
        let Some(schema_name) = crate::change_schema::schema_name_for_change(self.root, &change_dir) else {
            return;
        };
        let Ok(ResolvedSchema { loaded: Ok(workflow), origin, .. }) = schema::resolve_schema(self.root, &schema_name)
        else {
            return;
        };
        let change = self.index.active_change(change_id);
        let mut files = Vec::new();
        for artifact in &workflow.artifacts {
            let generates = artifact.generates.text.as_str();
            if generates.is_empty() || generates.contains(['*', '?', '[', '{']) || generates.contains("..") {
                continue;
            }
            let path = format!("{change_dir}/{generates}");
            if self.root.get(&path).is_some() {
                continue;
            }
            let content = match &origin {
                SchemaOrigin::BuiltIn => builtin_template(&artifact.id.text, change_id, change, self.index),
                SchemaOrigin::Project { dir } => {
                    self.root.text(&format!("{dir}/templates/{}", artifact.template.text)).map(str::to_owned)
                }
            };
            let Some(content) = content else { continue };
            files.push((artifact.id.text.clone(), path, content));
        }
        let source = |workflow: &WorkflowSchema| match &origin {
            SchemaOrigin::BuiltIn => format!("the {} schema", workflow.name),
            SchemaOrigin::Project { dir } => format!("{dir}/templates"),
        };
        if files.len() > 1 {
            let names: Vec<&str> = files.iter().map(|(id, _, _)| id.as_str()).collect();
            out.push(CodeAction {
                title: format!(
                    "Create the missing artifacts of `{change_id}` ({}) from {}",
                    names.join(", "),
                    source(&workflow)
                ),
                kind: CodeActionKind::Source,
                fixes: None,
                is_preferred: false,
                edit: SourceChange {
                    edits: BTreeMap::new(),
                    new_files: files.iter().map(|(_, path, content)| (path.clone(), content.clone())).collect(),
                },
            });
        }
        for (_, path, content) in files {
            out.push(CodeAction {
                title: format!("Create {path} from {}", source(&workflow)),
                kind: CodeActionKind::Source,
                fixes: None,
                is_preferred: false,
                edit: SourceChange { edits: BTreeMap::new(), new_files: vec![(path, content)] },
            });
        }
    }
}

/// Our own concise templates for the built-in spec-driven artifacts (LF line breaks). The
/// proposal lists the change's delta specs as new or modified capabilities already.
fn builtin_template(
    artifact_id: &str,
    change_id: &str,
    change: Option<&ChangeInfo>,
    index: &WorkspaceIndex,
) -> Option<String> {
    match artifact_id {
        "proposal" => {
            let deltas = change.map(|change| change.deltas.as_slice()).unwrap_or_default();
            let list = |modified: bool| {
                let bullets: Vec<String> = deltas
                    .iter()
                    .filter(|delta| index.spec(&delta.capability).is_some() == modified)
                    .map(|delta| format!("- `{}`: TODO\n", delta.capability))
                    .collect();
                bullets.concat()
            };
            Some(format!(
                "# Change: {change_id}\n\n## Why\n\nTODO: the problem or opportunity, and why now.\n\n## What Changes\n\n- TODO\n\n## Capabilities\n\n### New Capabilities\n{}\n### Modified Capabilities\n{}\n## Impact\n\nTODO: affected code, APIs, dependencies and systems.\n",
                list(false),
                list(true)
            ))
        }
        "design" => Some(format!(
            "# Design: {change_id}\n\n## Context\n\nTODO: the current state and the constraints that shape the approach.\n\n## Goals / Non-Goals\n\n**Goals:**\n- TODO\n\n**Non-Goals:**\n- TODO\n\n## Decisions\n\nTODO: each decision, why, and the alternatives considered.\n\n## Risks / Trade-offs\n\n- TODO\n"
        )),
        "tasks" => Some(format!(
            "# Tasks: {change_id}\n\n## 1. TODO: first group\n\n- [ ] 1.1 TODO: a task, and how to check it is done\n- [ ] 1.2 TODO\n"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn scaffolds_missing_artifacts() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/add-2fa/specs/two-factor/spec.md\n## ADDED Requirements\n//- /openspec/changes/add-2fa/specs/auth/spec.md\n$0## MODIFIED Requirements\n"
            ),
            &[],
            &expect![[r#"
                == Source: Create the missing artifacts of `add-2fa` (proposal, design, tasks) from the spec-driven schema
                //- /openspec/changes/add-2fa/proposal.md (new)
                # Change: add-2fa

                ## Why

                TODO: the problem or opportunity, and why now.

                ## What Changes

                - TODO

                ## Capabilities

                ### New Capabilities
                - `two-factor`: TODO

                ### Modified Capabilities
                - `auth`: TODO

                ## Impact

                TODO: affected code, APIs, dependencies and systems.
                //- /openspec/changes/add-2fa/design.md (new)
                # Design: add-2fa

                ## Context

                TODO: the current state and the constraints that shape the approach.

                ## Goals / Non-Goals

                **Goals:**
                - TODO

                **Non-Goals:**
                - TODO

                ## Decisions

                TODO: each decision, why, and the alternatives considered.

                ## Risks / Trade-offs

                - TODO
                //- /openspec/changes/add-2fa/tasks.md (new)
                # Tasks: add-2fa

                ## 1. TODO: first group

                - [ ] 1.1 TODO: a task, and how to check it is done
                - [ ] 1.2 TODO
                == Source: Create openspec/changes/add-2fa/proposal.md from the spec-driven schema
                //- /openspec/changes/add-2fa/proposal.md (new)
                # Change: add-2fa

                ## Why

                TODO: the problem or opportunity, and why now.

                ## What Changes

                - TODO

                ## Capabilities

                ### New Capabilities
                - `two-factor`: TODO

                ### Modified Capabilities
                - `auth`: TODO

                ## Impact

                TODO: affected code, APIs, dependencies and systems.
                == Source: Create openspec/changes/add-2fa/design.md from the spec-driven schema
                //- /openspec/changes/add-2fa/design.md (new)
                # Design: add-2fa

                ## Context

                TODO: the current state and the constraints that shape the approach.

                ## Goals / Non-Goals

                **Goals:**
                - TODO

                **Non-Goals:**
                - TODO

                ## Decisions

                TODO: each decision, why, and the alternatives considered.

                ## Risks / Trade-offs

                - TODO
                == Source: Create openspec/changes/add-2fa/tasks.md from the spec-driven schema
                //- /openspec/changes/add-2fa/tasks.md (new)
                # Tasks: add-2fa

                ## 1. TODO: first group

                - [ ] 1.1 TODO: a task, and how to check it is done
                - [ ] 1.2 TODO
            "#]],
        );
        // A project schema's own templates; an artifact without one is skipped.
        check(
            "//- /openspec/schemas/lean/schema.yaml\nname: lean\nversion: 1\nartifacts:\n  - id: brief\n    generates: brief.md\n    description: A brief\n    template: brief.md\n  - id: notes\n    generates: notes.md\n    description: Notes\n    template: notes.md\n//- /openspec/schemas/lean/templates/brief.md\n# Brief\n\n## Goal\n//- /openspec/changes/c/.openspec.yaml\nschema: lean$0\n",
            &[],
            &expect![[r#"
                == Source: Create openspec/changes/c/brief.md from openspec/schemas/lean/templates
                //- /openspec/changes/c/brief.md (new)
                # Brief

                ## Goal
            "#]],
        );
        // Archived changes are never scaffolded.
        check(
            "//- /openspec/changes/archive/2025-01-01-c/specs/auth/spec.md\n## ADDED Requirements$0\n",
            &[],
            &expect![[""]],
        );
    }
}
