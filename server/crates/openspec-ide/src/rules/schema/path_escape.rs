//! A schema path field that is absolute or climbs out of its folder.

// Diagnostic: schema/path-escape
//
// `generates`, `template` and `apply.tracks` are paths inside the change folder or the
// schema's `templates/` folder. The CLI rejects absolute paths (POSIX, Windows or a drive
// prefix), any `..` segment and NUL, refusing the schema. The finding sits on the path.

use crate::diagnostic::Diagnostic;
use crate::schema::SchemaProblemKind;

use super::ProjectSchema;

const CODE: &str = "schema/path-escape";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    schema.report(SchemaProblemKind::PathEscape, CODE, "Invalid schema: ", acc);
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{LAB, check};

    #[test]
    fn escaping_paths_are_errors() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            version: 1
            artifacts:
              - id: notes
                generates: ../shared/notes.md
                           ^^^^^^^^^^^^^^^^^^ error[schema/path-escape] (openspec-lsp): Invalid schema: artifacts.0.generates: generates field must be a relative path inside its allowed directory
                description: Notes
                template: 'C:\templates\notes.md'
                          ^^^^^^^^^^^^^^^^^^^^^^^ error[schema/path-escape] (openspec-lsp): Invalid schema: artifacts.0.template: template field must be a relative path inside its allowed directory
            apply:
              requires: [notes]
              tracks: /tmp/tasks.md
                      ^^^^^^^^^^^^^ error[schema/path-escape] (openspec-lsp): Invalid schema: apply.tracks: apply.tracks must be a relative path inside its allowed directory
        "#]].assert_eq(&check(
            "//- /openspec/schemas/lab/schema.yaml\nname: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: ../shared/notes.md\n    description: Notes\n    template: 'C:\\templates\\notes.md'\napply:\n  requires: [notes]\n  tracks: /tmp/tasks.md\n",
        ));
    }

    #[test]
    fn relative_paths_pass() {
        expect![[r#""#]].assert_eq(&check(LAB));
    }
}
