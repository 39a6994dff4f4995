//! An `apply.tracks` path that equals no artifact's `generates`.

// Diagnostic: schema/apply-tracks-unmatched
//
// `apply.tracks` picks the tasks artifact by exact string equality with its `generates`. A
// mismatch (a typo, or a concrete file under a glob `generates`) still loads, but `list`,
// `status` and `validate`'s task checks then read the wrong file. `openspec schema validate`
// warns; so does this rule, on the `tracks` value.

use crate::diagnostic::{Diagnostic, Severity};

use super::ProjectSchema;

const CODE: &str = "schema/apply-tracks-unmatched";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    let Some((message, range)) = schema.file.apply_tracks_warning() else {
        return;
    };
    acc.push(Diagnostic::lsp(None, CODE, Severity::Warning, schema.path.clone(), range, message));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, lab};

    #[test]
    fn unmatched_tracks_warn() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            version: 1
            artifacts:
              - id: notes
                generates: "notes/*.md"
                description: Notes
                template: notes.md
            apply:
              requires: [notes]
              tracks: notes/main.md
                      ^^^^^^^^^^^^^ warning[schema/apply-tracks-unmatched] (openspec-lsp): apply.tracks 'notes/main.md' does not exactly match any artifact's generates value (generates: notes/*.md), so OpenSpec cannot tell which artifact's progress it tracks. Apply still reads that file as written, but list and status count tasks.md instead. Make apply.tracks exactly equal one of those generates values, or confirm that file is maintained outside the artifact graph.
        "#]].assert_eq(&check(&lab("name: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: \"notes/*.md\"\n    description: Notes\n    template: notes.md\napply:\n  requires: [notes]\n  tracks: notes/main.md\n")));
    }

    #[test]
    fn exact_tracks_pass() {
        expect![[r#""#]].assert_eq(&check(&lab("name: lab\nversion: 1\nartifacts:\n  - id: notes\n    generates: \"notes/*.md\"\n    description: Notes\n    template: notes.md\napply:\n  requires: [notes]\n  tracks: notes/*.md\n")));
    }
}
