//! The workflow schema of one change (`resolveSchemaForChange`): its metadata's `schema`, else
//! the project config's, else `spec-driven`; and the task files that schema tracks. Sits above
//! both `schema` and `change_meta`, which do not know each other's callers.

use crate::change_meta::{self, MetadataState};
use crate::schema::{
    ResolvedSchema, SPEC_DRIVEN, SchemaOrigin, artifact_outputs, project_config_schema, resolve_schema, schema_origin,
};
use crate::vfs::RootSnapshot;

/// `resolveSchemaForChange` without `--schema`: valid metadata's `schema`, else the config's,
/// else `spec-driven`. `None` when `.openspec.yaml` exists but is invalid (the CLI throws).
pub fn schema_name_for_change(root: &RootSnapshot, change_dir: &str) -> Option<String> {
    match change_meta::metadata_state(root, change_dir) {
        MetadataState::Absent => {}
        MetadataState::Valid { schema } => return Some(schema),
        MetadataState::Invalid => return None,
    }
    Some(project_config_schema(root).unwrap_or_else(|| SPEC_DRIVEN.to_owned()))
}

/// `usesBuiltInSpecDrivenSchema`: the change resolves to the package's own `spec-driven`, not a
/// project schema of the same name.
pub fn uses_builtin_spec_driven(root: &RootSnapshot, change_dir: &str) -> bool {
    let Some(name) = schema_name_for_change(root, change_dir) else {
        return false;
    };
    let name = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).unwrap_or(&name);
    name == SPEC_DRIVEN && schema_origin(root, name) == Some(SchemaOrigin::BuiltIn)
}

/// `resolveTaskFilesForChange`: the existing files matched by the tracked-tasks artifact's
/// `generates`, root-relative and sorted. Empty when the schema does not resolve or load, or
/// names no tasks artifact (the CLI then falls back to `tasks.md` where it needs one).
pub fn tracked_task_files(root: &RootSnapshot, change_dir: &str) -> Vec<String> {
    let Some(name) = schema_name_for_change(root, change_dir) else {
        return Vec::new();
    };
    let Ok(ResolvedSchema { loaded: Ok(schema), .. }) = resolve_schema(root, &name) else {
        return Vec::new();
    };
    let Some(artifact) = schema.tracked_tasks_artifact() else {
        return Vec::new();
    };
    artifact_outputs(root, change_dir, &artifact.generates.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::list_schemas;

    #[test]
    fn resolution_and_tracked_files() {
        let root = RootSnapshot::from_texts([
            (
                "openspec/schemas/custom/schema.yaml",
                "name: custom\nversion: 1\nartifacts:\n  - id: tasks\n    generates: \"work/**/*.md\"\n    description: d\n    template: t.md\n",
            ),
            ("openspec/schemas/broken/schema.yaml", "name: [\n"),
            ("openspec/changes/a/.openspec.yaml", "schema: custom\n"),
            ("openspec/changes/a/work/one.md", ""),
            ("openspec/changes/a/work/deep/two.md", ""),
            ("openspec/changes/a/work/.hidden/three.md", ""),
            ("openspec/changes/a/work/notes.txt", ""),
            ("openspec/changes/b/tasks.md", ""),
            ("openspec/changes/c/.openspec.yaml", "schema: nope\n"),
        ]);
        assert_eq!(list_schemas(&root), vec!["broken", "custom", "spec-driven"]);
        assert_eq!(
            tracked_task_files(&root, "openspec/changes/a"),
            vec!["openspec/changes/a/work/deep/two.md", "openspec/changes/a/work/one.md"]
        );
        assert_eq!(tracked_task_files(&root, "openspec/changes/b"), vec!["openspec/changes/b/tasks.md"]);
        assert!(tracked_task_files(&root, "openspec/changes/c").is_empty());
        assert!(uses_builtin_spec_driven(&root, "openspec/changes/b"));
        assert!(!uses_builtin_spec_driven(&root, "openspec/changes/a"));
        assert!(!uses_builtin_spec_driven(&root, "openspec/changes/c"));
        let broken = resolve_schema(&root, "broken.yaml").map(|resolved| resolved.loaded.err());
        assert!(
            matches!(broken, Ok(Some(message)) if message.starts_with("Failed to parse schema at 'openspec/schemas/broken/schema.yaml'"))
        );
        assert_eq!(
            resolve_schema(&root, "x").err().as_deref(),
            Some("Schema 'x' not found. Available schemas: broken, custom, spec-driven")
        );
    }
}
