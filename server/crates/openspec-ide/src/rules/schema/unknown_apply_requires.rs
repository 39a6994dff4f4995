//! An `apply.requires` entry naming no artifact of the schema.

// Diagnostic: schema/unknown-apply-requires
//
// `apply.requires` lists the artifacts that must exist before implementation starts. Since
// 1.13 an id no artifact declares is a load error (a typo used to drop that gate silently).
// The finding sits on the unknown id.

use crate::diagnostic::Diagnostic;
use crate::schema::SchemaProblemKind;

use super::ProjectSchema;

const CODE: &str = "schema/unknown-apply-requires";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    schema.report(SchemaProblemKind::UnknownApplyRequires, CODE, "", acc);
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, lab};

    #[test]
    fn unknown_apply_gates_are_errors() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            version: 1
            artifacts:
              - id: notes
                generates: notes.md
                description: Notes
                template: notes.md
            apply:
              requires: [tasks]
                         ^^^^^ error[schema/unknown-apply-requires] (openspec-lsp): Invalid apply.requires reference: 'tasks' does not exist (artifacts: notes)
        "#]].assert_eq(&check(&lab("name: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: notes.md\n    description: Notes\n    template: notes.md\napply:\n  requires: [tasks]\n")));
    }

    #[test]
    fn known_apply_gates_pass() {
        expect![[r#""#]].assert_eq(&check(&lab("name: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: notes.md\n    description: Notes\n    template: notes.md\napply:\n  requires: [notes]\n  tracks: notes.md\n")));
    }
}
