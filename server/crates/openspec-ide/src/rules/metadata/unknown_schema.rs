//! A change's `.openspec.yaml` naming a schema that is not available.

// Diagnostic: metadata/unknown-schema
//
// The change's `schema` must be one `listSchemas` returns: the built-in `spec-driven` or a
// folder of `openspec/schemas/` holding a `schema.yaml` (`spec-driven.yaml` is not accepted
// here, unlike in `config.yaml`). Otherwise every command that loads the change fails. The
// finding sits on the value.

use crate::change_meta::MetadataRead;
use crate::diagnostic::{Diagnostic, ItemId, Severity};
use crate::schema;
use crate::vfs::RootSnapshot;

const CODE: &str = "metadata/unknown-schema";

pub(super) fn check(
    root: &RootSnapshot,
    item: &ItemId,
    path: &str,
    read: &MetadataRead<'_>,
    acc: &mut Vec<Diagnostic>,
) {
    let MetadataRead::Parsed { yaml: Ok(node), .. } = read else {
        return;
    };
    let Some(value) = node.get("schema").map(|entry| &entry.value) else {
        return;
    };
    let Some(name) = value.as_str().filter(|name| !name.is_empty()) else {
        return;
    };
    let available = schema::list_schemas(root);
    if available.iter().any(|listed| listed == name) {
        return;
    }
    acc.push(Diagnostic::lsp(
        Some(item),
        CODE,
        Severity::Error,
        path,
        value.range,
        format!("Unknown schema '{name}'. Available: {}", available.join(", ")),
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn unlisted_schemas_are_errors() {
        expect![[r#"
            //- /openspec/changes/a/.openspec.yaml
            schema: spec-driven.yaml
                    ^^^^^^^^^^^^^^^^ error[metadata/unknown-schema] (openspec-lsp): Unknown schema 'spec-driven.yaml'. Available: spec-driven
            //- /openspec/changes/b/.openspec.yaml
            schema: lab
                    ^^^ error[metadata/unknown-schema] (openspec-lsp): Unknown schema 'lab'. Available: spec-driven
        "#]].assert_eq(&check(
            "//- /openspec/changes/a/.openspec.yaml\nschema: spec-driven.yaml\n//- /openspec/changes/b/.openspec.yaml\nschema: lab\n",
        ));
    }

    #[test]
    fn builtin_and_project_schemas_are_listed() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/changes/a/.openspec.yaml\nschema: spec-driven\n//- /openspec/changes/b/.openspec.yaml\nschema: lab\n//- /openspec/schemas/lab/schema.yaml\nname: lab\n",
        ));
    }
}
