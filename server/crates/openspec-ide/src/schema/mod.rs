//! Workflow schemas (`schema.yaml`) as the CLI loads them: the model, `parseSchema`'s checks
//! with positions, the built-in `spec-driven` schema as data, project-local discovery and
//! resolution by name (a change's own schema and task files: `change_schema`). Reads only the snapshot.
//!
//! The user-level schema folder (`~/.local/share/openspec/schemas`) is machine state, not part
//! of a root, so it is never consulted here (see docs/parity.md).

mod checks;
mod model;
mod resolution;

pub use checks::{LoadError, SchemaFile, SchemaProblem, SchemaProblemKind, ZodIssue, parse_schema_file};
pub(crate) use checks::{missing_key_range, zod_expected};
pub use model::{
    ApplyPhase, Artifact, PROJECT_SCHEMAS_DIR, SCHEMA_FILE, SPEC_DRIVEN, SpannedStr, WorkflowSchema,
    builtin_spec_driven,
};
pub(crate) use resolution::read_text;
pub use resolution::{
    ResolvedSchema, SchemaOrigin, artifact_outputs, list_schemas, project_config_path, project_config_schema,
    project_schema_dir, project_schema_file, project_schema_names, resolve_schema, schema_origin,
};
