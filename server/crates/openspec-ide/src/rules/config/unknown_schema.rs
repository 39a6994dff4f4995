//! A project config `schema` that names no available schema.

// Diagnostic: config/unknown-schema
//
// `schema` is the default workflow for changes without their own metadata. A name that is
// neither built in nor a folder of `openspec/schemas/` (a trailing `.yaml` is tolerated, as the
// CLI tolerates it) makes `status`, `instructions` and `new change` fail, and turns off the task
// checks of `validate` for every change relying on it. The finding sits on the value.

use crate::diagnostic::Diagnostic;
use crate::schema;
use crate::vfs::RootSnapshot;

use super::ConfigFile;

const CODE: &str = "config/unknown-schema";

pub(super) fn check(root: &RootSnapshot, config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(value) = config.field("schema").map(|entry| &entry.value) else {
        return;
    };
    let Some(name) = value.as_str().filter(|name| !name.is_empty()) else {
        return;
    };
    if let Err(message) = schema::resolve_schema(root, name) {
        acc.push(config.warning(CODE, value.range, message));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn unknown_names_warn() {
        expect![[r#"
            //- /openspec/config.yaml
            schema: spec-drivn
                    ^^^^^^^^^^ warning[config/unknown-schema] (openspec-lsp): Schema 'spec-drivn' not found. Available schemas: spec-driven
        "#]].assert_eq(&check("//- /openspec/config.yaml\nschema: spec-drivn\n"));
    }

    #[test]
    fn builtin_project_and_suffixed_names_resolve() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/config.yaml\nschema: spec-driven.yaml\n//- /openspec/schemas/mine/schema.yaml\nname: mine\n",
        ));
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/config.yml\nschema: mine\n//- /openspec/schemas/mine/schema.yaml\nname: mine\n",
        ));
    }
}
