//! A project config that cannot be read or parsed as YAML.

// Diagnostic: config/parse-error
//
// When `openspec/config.yaml` does not parse, every command that reads it prints one stderr
// warning and then ignores the whole file: the project's default schema, context and rules
// silently stop applying. The finding sits where the YAML error was found.

use openspec_syntax::TextRange;

use crate::diagnostic::Diagnostic;

use super::{ConfigFile, ConfigRead, yaml_error_line};

const CODE: &str = "config/parse-error";

pub(super) fn check(config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    let (range, detail) = match &config.read {
        ConfigRead::Parsed(_) => return,
        ConfigRead::Unreadable(message) => (TextRange::empty(0), message.lines().next().unwrap_or_default().to_owned()),
        ConfigRead::Invalid(error) => (error.range, yaml_error_line(config.text, error)),
    };
    acc.push(config.warning(CODE, range, format!("Warning: could not parse {} ({detail}); ignoring it.", config.path)));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn invalid_yaml_is_reported_where_it_breaks() {
        expect![[r#"
            //- /openspec/config.yaml
            schema: spec-driven
            schema: again
            ^^^^^^ warning[config/parse-error] (openspec-lsp): Warning: could not parse openspec/config.yaml (Map keys must be unique at line 2, column 1:); ignoring it.
        "#]].assert_eq(&check("//- /openspec/config.yaml\nschema: spec-driven\nschema: again\n"));
        expect![[r#"
            //- /openspec/config.yml
            context: [unclosed

            ^ warning[config/parse-error] (openspec-lsp): Warning: could not parse openspec/config.yml (while parsing a flow sequence, expected ',' or ']' at line 2, column 1:); ignoring it.
        "#]].assert_eq(&check("//- /openspec/config.yml\ncontext: [unclosed\n"));
    }

    #[test]
    fn valid_yaml_passes() {
        expect![[r#""#]]
            .assert_eq(&check("//- /openspec/config.yaml\nschema: spec-driven\ncontext: |\n  We build things.\n"));
    }
}
