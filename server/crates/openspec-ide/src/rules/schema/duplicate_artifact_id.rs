//! Two artifacts of one schema with the same id.

// Diagnostic: schema/duplicate-artifact-id
//
// Artifact ids key the dependency graph, `rules:` in the config and `apply.requires`; a repeated
// id makes the schema fail to load. The finding sits on the repeated id.

use crate::diagnostic::Diagnostic;
use crate::schema::SchemaProblemKind;

use super::ProjectSchema;

const CODE: &str = "schema/duplicate-artifact-id";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    schema.report(SchemaProblemKind::DuplicateId, CODE, "", acc);
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{LAB, check};

    #[test]
    fn repeated_ids_are_errors() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            version: 1
            artifacts:
              - id: notes
                generates: a.md
                description: A
                template: notes.md
              - id: notes
                    ^^^^^ error[schema/duplicate-artifact-id] (openspec-lsp): Duplicate artifact ID: notes
                generates: b.md
                description: B
                template: notes.md
        "#]].assert_eq(&check(
            "//- /openspec/schemas/lab/schema.yaml\nname: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: a.md\n    description: A\n    template: notes.md\n  - id: notes\n    generates: b.md\n    description: B\n    template: notes.md\n//- /openspec/schemas/lab/templates/notes.md\n",
        ));
    }

    #[test]
    fn unique_ids_pass() {
        expect![[r#""#]].assert_eq(&check(LAB));
    }
}
