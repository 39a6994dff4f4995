//! Checks on project-local workflow schemas (`openspec/schemas/<name>/schema.yaml`), as
//! `openspec schema validate` runs them: YAML, shape, path escapes, duplicate ids, unknown
//! `requires`, unknown `apply.requires`, dependency cycles, missing templates, and an
//! `apply.tracks` that matches no artifact. All are this tool's own findings; `validate` never
//! reports them, though a broken schema silently changes how its changes are checked.

mod apply_tracks_unmatched;
mod cycle;
mod duplicate_artifact_id;
mod path_escape;
mod read_error;
mod shape;
mod template_missing;
mod unknown_apply_requires;
mod unknown_requires;
mod yaml_parse;

use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::{self, SchemaFile, SchemaProblemKind};
use crate::vfs::RootSnapshot;

/// One project schema whose `schema.yaml` could be read.
pub(crate) struct ProjectSchema<'a> {
    /// Root-relative schema folder (`openspec/schemas/<name>`).
    pub dir: String,
    /// Root-relative `schema.yaml` path.
    pub path: String,
    pub text: &'a str,
    pub file: SchemaFile,
}

impl ProjectSchema<'_> {
    /// One finding per problem of `kind`, with the CLI's wording (`prefix` + problem message).
    fn report(&self, kind: SchemaProblemKind, code: &'static str, prefix: &str, acc: &mut Vec<Diagnostic>) {
        for problem in self.file.problems.iter().filter(|problem| problem.kind == kind) {
            acc.push(Diagnostic::lsp(
                None,
                code,
                Severity::Error,
                self.path.clone(),
                problem.range,
                format!("{prefix}{}", problem.message),
            ));
        }
    }
}

pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    for name in schema::project_schema_names(root) {
        let path = schema::project_schema_file(&name);
        let text = match schema::read_text(root, &path) {
            Ok(text) => text,
            Err(message) => {
                read_error::check(&path, &message, acc);
                continue;
            }
        };
        let project_schema =
            ProjectSchema { dir: schema::project_schema_dir(&name), path, text, file: schema::parse_schema_file(text) };
        yaml_parse::check(&project_schema, acc);
        shape::check(&project_schema, acc);
        path_escape::check(&project_schema, acc);
        duplicate_artifact_id::check(&project_schema, acc);
        unknown_requires::check(&project_schema, acc);
        unknown_apply_requires::check(&project_schema, acc);
        cycle::check(&project_schema, acc);
        template_missing::check(root, &project_schema, acc);
        apply_tracks_unmatched::check(&project_schema, acc);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::test_support::{render, snapshot};

    /// Runs only the schema rules over a fixture and renders their findings.
    pub(crate) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }

    /// A valid one-artifact schema named `lab` with its template, to vary in tests.
    pub(crate) const LAB: &str = "//- /openspec/schemas/lab/schema.yaml\nname: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: notes.md\n    description: Notes\n    template: notes.md\n//- /openspec/schemas/lab/templates/notes.md\n# Notes\n";

    /// A fixture with schema `lab` holding `schema_yaml` and its `notes.md` template.
    pub(crate) fn lab(schema_yaml: &str) -> String {
        format!(
            "//- /openspec/schemas/lab/schema.yaml\n{schema_yaml}//- /openspec/schemas/lab/templates/notes.md\n# Notes\n"
        )
    }
}
