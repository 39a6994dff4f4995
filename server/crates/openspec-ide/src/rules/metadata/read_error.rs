//! A change's `.openspec.yaml` that cannot be read or is not valid YAML.

// Diagnostic: metadata/read-error
//
// `readChangeMetadata` throws on a metadata file it cannot read or parse, so `status` and
// `instructions` fail for the change, and `validate` falls back to the project's default schema
// for its task checks. The finding sits where the YAML breaks (the file start when unreadable).

use openspec_syntax::TextRange;

use crate::change_meta::MetadataRead;
use crate::diagnostic::{Diagnostic, ItemId, Severity};
use crate::rules::config::yaml_error_line;

const CODE: &str = "metadata/read-error";

pub(super) fn check(item: &ItemId, path: &str, read: &MetadataRead<'_>, acc: &mut Vec<Diagnostic>) {
    let (range, message) = match read {
        MetadataRead::Absent | MetadataRead::Parsed { yaml: Ok(_), .. } => return,
        MetadataRead::Unreadable(message) => (TextRange::empty(0), format!("Failed to read metadata: {message}")),
        MetadataRead::Parsed { text, yaml: Err(error) } => {
            (error.range, format!("Invalid YAML in metadata file: {}", yaml_error_line(text, error)))
        }
    };
    acc.push(Diagnostic::lsp(Some(item), CODE, Severity::Error, path, range, message));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn broken_yaml_is_an_error() {
        expect![[r#"
            //- /openspec/changes/c/.openspec.yaml
            schema: spec-driven
                    ^ error[metadata/read-error] (openspec-lsp): Invalid YAML in metadata file: while scanning a plain scalar, found a tab at line 1, column 9:
            	created: 2025-01-01
        "#]].assert_eq(&check("//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\n\tcreated: 2025-01-01\n"));
    }

    #[test]
    fn valid_yaml_passes() {
        expect![[r#""#]]
            .assert_eq(&check("//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\ncreated: 2025-01-01\n"));
    }
}
