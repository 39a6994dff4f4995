//! A project config whose YAML is empty or a lone scalar rather than a mapping.

// Diagnostic: config/not-an-object
//
// `readProjectConfig` ignores a config that parses to nothing, `false`, `0`, an empty string or
// any other scalar, warning that it "is not a valid YAML object". (A top-level list passes that
// test in the CLI and is then read as having no fields, so it is not reported here.) The
// message names `openspec/config.yaml` even for `config.yml`, as the CLI's does.

use crate::diagnostic::Diagnostic;

use super::{ConfigFile, ConfigRead};

const CODE: &str = "config/not-an-object";

pub(super) fn check(config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    let ConfigRead::Parsed(node) = &config.read else {
        return;
    };
    if node.as_mapping().is_some() || node.as_sequence().is_some() {
        return;
    }
    acc.push(config.warning(CODE, node.range, "openspec/config.yaml is not a valid YAML object"));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn scalars_and_empty_files_are_not_objects() {
        expect![[r#"
            //- /openspec/config.yaml
            # nothing but a comment
            ^ warning[config/not-an-object] (openspec-lsp): openspec/config.yaml is not a valid YAML object
        "#]]
        .assert_eq(&check("//- /openspec/config.yaml\n# nothing but a comment\n"));
        expect![[r#"
            //- /openspec/config.yaml
            spec-driven
            ^^^^^^^^^^^ warning[config/not-an-object] (openspec-lsp): openspec/config.yaml is not a valid YAML object
        "#]]
        .assert_eq(&check("//- /openspec/config.yaml\nspec-driven\n"));
    }

    #[test]
    fn mappings_and_lists_are_read() {
        expect![[r#""#]].assert_eq(&check("//- /openspec/config.yaml\n- a\n- b\n"));
    }
}
