//! A project `schema.yaml` whose structure fails the CLI's schema definition.

// Diagnostic: schema/shape
//
// `schema.yaml` must have a non-empty `name`, a positive integer `version`, one to 1000
// artifacts each with a non-empty `id`, `generates`, `description` and `template`, string
// lists for `requires`, and an `apply` block with at least one `requires` entry. The CLI
// refuses the whole schema on any miss and lists every issue; each becomes one finding here, on
// the value at fault (or the enclosing line when a key is missing).

use crate::diagnostic::Diagnostic;
use crate::schema::SchemaProblemKind;

use super::ProjectSchema;

const CODE: &str = "schema/shape";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    schema.report(SchemaProblemKind::Shape, CODE, "Invalid schema: ", acc);
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{LAB, check};

    #[test]
    fn every_shape_issue_is_reported() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            version: 0
            ^^^^^^^^^^ error[schema/shape] (openspec-lsp): Invalid schema: name: Invalid input: expected string, received undefined
                     ^ error[schema/shape] (openspec-lsp): Invalid schema: version: Version must be a positive integer
            artifacts:
              - id: notes
                ^^^^^^^^^ error[schema/shape] (openspec-lsp): Invalid schema: artifacts.0.description: Invalid input: expected string, received undefined
                generates: notes.md
                template: notes.md
                requires: design
                          ^^^^^^ error[schema/shape] (openspec-lsp): Invalid schema: artifacts.0.requires: Invalid input: expected array, received string
            apply:
              requires: []
                        ^^ error[schema/shape] (openspec-lsp): Invalid schema: apply.requires: At least one required artifact
        "#]].assert_eq(&check(
            "//- /openspec/schemas/lab/schema.yaml\nversion: 0\nartifacts:\n  - id: notes\n    generates: notes.md\n    template: notes.md\n    requires: design\napply:\n  requires: []\n",
        ));
    }

    #[test]
    fn a_complete_schema_passes() {
        expect![[r#""#]].assert_eq(&check(LAB));
    }
}
