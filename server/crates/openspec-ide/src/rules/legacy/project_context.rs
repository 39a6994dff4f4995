//! `openspec/project.md`: the legacy project context, which no OpenSpec command reads any more.

// Diagnostic: legacy/project-md
//
// Older releases kept the project's context (stack, conventions) in `openspec/project.md` and
// told the agent to read it. Today the context lives in `config.yaml`'s `context:`, which the
// CLI injects into every instruction; `openspec update` keeps `project.md` and only prints a
// hint, so teams upgrading often never notice their context stopped reaching the agent. An
// information on the file, naming what migrating does; once the config has a context of its
// own the file is only a leftover, and the finding drops to a hint.

use super::file_headline;
use crate::diagnostic::{Diagnostic, Severity};
use crate::migration::{self, ConfigPlan};
use crate::vfs::RootSnapshot;

pub(super) const CODE: &str = "legacy/project-md";

pub(super) fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    let Some(text) = root.text(migration::PROJECT_MD) else { return };
    let range = file_headline(text);
    let (severity, message) = match migration::config_plan(root) {
        ConfigPlan::Create { context_bytes: Ok(bytes) } => (
            Severity::Info,
            format!(
                "openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: create openspec/config.yaml with `schema: spec-driven` and this file's text as `context:` ({} of the 50 KB limit).",
                migration::size(bytes)
            ),
        ),
        ConfigPlan::Create { context_bytes: Err(bytes) } => (
            Severity::Info,
            format!(
                "openspec/project.md is the legacy project context: OpenSpec no longer reads it. It is {} KB, over the 50 KB limit of `context:`, so it cannot move as a whole. Migration: create openspec/config.yaml with `schema: spec-driven`, then copy the essentials into `context:`.",
                migration::kilobytes(bytes)
            ),
        ),
        ConfigPlan::AddContext { config_path, context_bytes } => (
            Severity::Info,
            format!(
                "openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: add this file's text to {config_path} as `context:` ({} of the 50 KB limit).",
                migration::size(context_bytes)
            ),
        ),
        ConfigPlan::Nothing => (
            Severity::Hint,
            "openspec/project.md is the legacy project context: OpenSpec no longer reads it, and the project config already has a `context:` (or cannot take one). Check that nothing here is missing from it, then delete this file.".to_owned(),
        ),
    };
    acc.push(Diagnostic::lsp(None, CODE, severity, migration::PROJECT_MD, range, message));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn project_md_is_reported_with_its_migration() {
        expect![[r#""#]].assert_eq(&check("//- /openspec/specs/a/spec.md\n# A\n"));
        expect![[r#"
            //- /openspec/project.md
            # Project
            ^^^^^^^^^ info[legacy/project-md] (openspec-lsp): openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: create openspec/config.yaml with `schema: spec-driven` and this file's text as `context:` (10 bytes of the 50 KB limit).
            ^^^^^^^^^ info[legacy/missing-config] (openspec-lsp): This root has the legacy layout and no openspec/config.yaml, so every change defaults to the `spec-driven` schema and the agent gets no project `context:`. Migration: create openspec/config.yaml with `schema: spec-driven`.
        "#]].assert_eq(&check("//- /openspec/project.md\n# Project\n"));
        expect![[r#"
            //- /openspec/project.md
            # Project
            ^^^^^^^^^ info[legacy/project-md] (openspec-lsp): openspec/project.md is the legacy project context: OpenSpec no longer reads it. Migration: add this file's text to openspec/config.yaml as `context:` (10 bytes of the 50 KB limit).
        "#]].assert_eq(&check("//- /openspec/project.md\n# Project\n//- /openspec/config.yaml\nschema: spec-driven\n"));
        expect![[r#"
            //- /openspec/project.md

            # Project Context
            ^^^^^^^^^^^^^^^^^ hint[legacy/project-md] (openspec-lsp): openspec/project.md is the legacy project context: OpenSpec no longer reads it, and the project config already has a `context:` (or cannot take one). Check that nothing here is missing from it, then delete this file.
            Stack: Rust
        "#]].assert_eq(&check(
            "//- /openspec/project.md\n\n# Project Context\nStack: Rust\n//- /openspec/config.yaml\nschema: spec-driven\ncontext: |\n  Stack: Rust\n",
        ));
    }
}
