//! An artifact `requires` entry naming no artifact of the schema.

// Diagnostic: schema/unknown-requires
//
// `requires` orders artifacts (a proposal before its specs); an id that no artifact declares is
// a load error in the CLI. The finding sits on the unknown id.

use crate::diagnostic::Diagnostic;
use crate::schema::SchemaProblemKind;

use super::ProjectSchema;

const CODE: &str = "schema/unknown-requires";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    schema.report(SchemaProblemKind::UnknownRequires, CODE, "", acc);
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{LAB, check};

    #[test]
    fn unknown_dependencies_are_errors() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            version: 1
            artifacts:
              - id: notes
                generates: notes.md
                description: Notes
                template: notes.md
                requires: [proposal]
                           ^^^^^^^^ error[schema/unknown-requires] (openspec-lsp): Invalid dependency reference in artifact 'notes': 'proposal' does not exist
        "#]].assert_eq(&check(
            "//- /openspec/schemas/lab/schema.yaml\nname: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: notes.md\n    description: Notes\n    template: notes.md\n    requires: [proposal]\n//- /openspec/schemas/lab/templates/notes.md\n",
        ));
    }

    #[test]
    fn known_dependencies_pass() {
        expect![[r#""#]].assert_eq(&check(LAB));
    }
}
