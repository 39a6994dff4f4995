//! A project `schema.yaml` that is not valid YAML.

// Diagnostic: schema/yaml-parse
//
// A schema that does not parse cannot be loaded: every change using it fails `status` and
// `instructions`, and its `skip_specs` markers are not honoured. The finding sits where the
// YAML breaks.

use crate::diagnostic::Diagnostic;
use crate::rules::config::yaml_error_line;
use crate::schema::SchemaProblemKind;

use super::ProjectSchema;

const CODE: &str = "schema/yaml-parse";

pub(super) fn check(schema: &ProjectSchema<'_>, acc: &mut Vec<Diagnostic>) {
    let start = acc.len();
    schema.report(SchemaProblemKind::Yaml, CODE, "Parse error: ", acc);
    for diagnostic in &mut acc[start..] {
        let Some(problem) = schema.file.problems.first() else {
            continue;
        };
        let error = openspec_syntax::yaml::YamlError { message: problem.message.clone(), range: problem.range };
        diagnostic.message = format!("Parse error: {}", yaml_error_line(schema.text, &error));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{LAB, check};

    #[test]
    fn broken_yaml_is_reported_where_it_breaks() {
        expect![[r#"
            //- /openspec/schemas/lab/schema.yaml
            name: lab
            name: again
            ^^^^ error[schema/yaml-parse] (openspec-lsp): Parse error: Map keys must be unique at line 2, column 1:
        "#]]
        .assert_eq(&check("//- /openspec/schemas/lab/schema.yaml\nname: lab\nname: again\n"));
    }

    #[test]
    fn valid_yaml_passes() {
        expect![[r#""#]].assert_eq(&check(LAB));
    }
}
