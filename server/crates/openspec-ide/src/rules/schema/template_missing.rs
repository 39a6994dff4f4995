//! An artifact whose template file is missing from the schema's `templates/` folder.

// Diagnostic: schema/template-missing
//
// Instructions for an artifact start from `<schema>/templates/<template>`; when the file is
// missing, `instructions` fails for that artifact. `openspec schema validate` reports it per
// artifact once the schema loads; the finding sits on the `template` value.

use crate::diagnostic::{Diagnostic, Severity};
use crate::vfs::{Entry, RootSnapshot};

use super::ProjectSchema;

const CODE: &str = "schema/template-missing";

pub(super) fn check(root: &RootSnapshot, schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(loaded) = &schema.file.schema else {
        return;
    };
    for artifact in &loaded.artifacts {
        let relative: Vec<&str> =
            artifact.template.text.split('/').filter(|segment| !segment.is_empty() && *segment != ".").collect();
        let path = format!("{}/templates/{}", schema.dir, relative.join("/"));
        if root.get(&path).is_some_and(|entry| !matches!(entry, Entry::DanglingSymlink)) {
            continue;
        }
        acc.push(Diagnostic::lsp(
            None,
            CODE,
            Severity::Error,
            schema.path.clone(),
            artifact.template.range,
            format!("Template file '{}' not found for artifact '{}'", artifact.template.text, artifact.id.text),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{LAB, check};

    #[test]
    fn missing_templates_are_errors() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            version: 1
            artifacts:
              - id: notes
                generates: notes.md
                description: Notes
                template: notes.md
                          ^^^^^^^^ error[schema/template-missing] (openspec-lsp): Template file 'notes.md' not found for artifact 'notes'
              - id: plan
                generates: plan.md
                description: Plan
                template: ./nested/plan.md
        "#]].assert_eq(&check(
            "//- /openspec/schemas/lab/schema.yaml\nname: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: notes.md\n    description: Notes\n    template: notes.md\n  - id: plan\n    generates: plan.md\n    description: Plan\n    template: ./nested/plan.md\n//- /openspec/schemas/lab/templates/nested/plan.md\n",
        ));
    }

    #[test]
    fn present_templates_pass() {
        expect![[r#""#]].assert_eq(&check(LAB));
    }
}
