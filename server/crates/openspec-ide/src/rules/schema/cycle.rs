//! Artifacts whose `requires` form a cycle.

// Diagnostic: schema/cycle
//
// Artifacts are built in dependency order; a cycle has no order, so the CLI refuses the schema
// and names the first cycle its depth-first search finds (`a → b → a`). The finding sits on the
// `requires` entry that closes the cycle.

use crate::diagnostic::Diagnostic;
use crate::schema::SchemaProblemKind;

use super::ProjectSchema;

const CODE: &str = "schema/cycle";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    schema.report(SchemaProblemKind::Cycle, CODE, "", acc);
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{LAB, check};

    #[test]
    fn cycles_are_named_with_arrows() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            version: 1
            artifacts:
              - id: a
                generates: a.md
                description: A
                template: notes.md
                requires: [b]
              - id: b
                generates: b.md
                description: B
                template: notes.md
                requires: [a]
                           ^ error[schema/cycle] (openspec-lsp): Cyclic dependency detected: a → b → a
        "#]].assert_eq(&check(
            "//- /openspec/schemas/lab/schema.yaml\nname: lab\nversion: 1\nartifacts:\n  - id: a\n    generates: a.md\n    description: A\n    template: notes.md\n    requires: [b]\n  - id: b\n    generates: b.md\n    description: B\n    template: notes.md\n    requires: [a]\n//- /openspec/schemas/lab/templates/notes.md\n",
        ));
    }

    #[test]
    fn acyclic_schemas_pass() {
        expect![[r#""#]].assert_eq(&check(LAB));
    }
}
