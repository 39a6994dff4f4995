//! A project `schema.yaml` that exists but cannot be read.

// Diagnostic: schema/read-error
//
// A schema the CLI cannot read fails every command on changes that use it. Reported as
// `openspec schema validate` words it, on the file.

use openspec_syntax::TextRange;

use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "schema/read-error";

pub(super) fn check(path: &str, message: &str, acc: &mut Vec<Diagnostic>) {
    acc.push(Diagnostic::lsp(
        None,
        CODE,
        Severity::Error,
        path,
        TextRange::empty(0),
        format!("Failed to read file: {message}"),
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::test_support::render;
    use crate::vfs::{Entry, RootSnapshot};

    #[test]
    fn a_folder_named_schema_yaml_cannot_be_read() {
        let mut root = RootSnapshot::from_texts([("openspec/schemas/lab/templates/notes.md", "")]);
        root.entries.insert("openspec/schemas/lab/schema.yaml".to_owned(), Entry::Dir);
        let mut acc = Vec::new();
        super::super::check(&root, &mut acc);
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml (no file)
            ^ error[schema/read-error] (openspec-lsp): Failed to read file: EISDIR: illegal operation on a directory, read
        "#]].assert_eq(&render(&test_utils::Fixture::default(), &acc));
    }

    #[test]
    fn readable_schemas_pass() {
        expect![[r#""#]].assert_eq(&super::super::tests::check(super::super::tests::LAB));
    }
}
