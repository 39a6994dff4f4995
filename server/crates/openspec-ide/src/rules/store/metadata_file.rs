//! A store's own `.openspec-store/store.yaml`: version, id and keys.

// Diagnostic: store/invalid-metadata-file
//
// The CLI reads a store's metadata only when something resolves the store (a `store:` pointer,
// `--store`, a reference), and then fails with `invalid_store_metadata` in that other
// repository. Nothing checks it in the store's own repository, where it can be fixed. This rule
// does, with the CLI's wording for each problem (`Invalid store metadata state: <key>: ...`), on
// the offending value or key. It is this tool's own check (the CLI's `validate` never reads the
// file), but an error: every repository pointing at the store is broken by it.

use openspec_syntax::yaml;

use crate::diagnostic::{Diagnostic, Severity};
use crate::store::{self, STORE_METADATA_FILE};
use crate::vfs::RootSnapshot;

const CODE: &str = "store/invalid-metadata-file";

pub(super) fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    let Some(text) = root.text(STORE_METADATA_FILE) else {
        return;
    };
    let invalid = |range, message: String| {
        let message = format!("Invalid store metadata state: {message}");
        Diagnostic::lsp(None, CODE, Severity::Error, STORE_METADATA_FILE, range, message)
    };
    let node = match yaml::parse(text) {
        Ok(node) => node,
        Err(problem) => return acc.push(invalid(problem.range, problem.message)),
    };
    if node.as_mapping().is_none() {
        return acc.push(invalid(
            node.range,
            format!("root: Invalid input: expected object, received {}", node.js_type_name()),
        ));
    }
    match node.get("version") {
        Some(entry) if entry.value.as_scalar().and_then(yaml::Scalar::as_f64) == Some(1.0) => {}
        Some(entry) => acc.push(invalid(entry.value.range, "version: Invalid input: expected 1".to_owned())),
        None => {
            acc.push(invalid(openspec_syntax::TextRange::default(), "version: Invalid input: expected 1".to_owned()));
        }
    }
    match node.get("id") {
        Some(entry) => match entry.value.as_str() {
            Some(id) => {
                if let Some(problem) = store::store_id_problem(id) {
                    acc.push(Diagnostic::lsp(
                        None,
                        CODE,
                        Severity::Error,
                        STORE_METADATA_FILE,
                        entry.value.range,
                        problem,
                    ));
                }
            }
            None => acc.push(invalid(
                entry.value.range,
                format!("id: Invalid input: expected string, received {}", entry.value.js_type_name()),
            )),
        },
        None => acc.push(invalid(
            openspec_syntax::TextRange::default(),
            "id: Invalid input: expected string, received undefined".to_owned(),
        )),
    }
    if let Some(entry) = node.get("remote")
        && entry.value.as_str().is_none_or(str::is_empty)
    {
        let message = match entry.value.as_str() {
            Some(_) => "remote: Too small: expected string to have >=1 characters".to_owned(),
            None => format!("remote: Invalid input: expected string, received {}", entry.value.js_type_name()),
        };
        acc.push(invalid(entry.value.range, message));
    }
    for entry in node.as_mapping().unwrap_or_default() {
        let Some(key) = entry.key.js_property_key() else {
            continue;
        };
        if !["version", "id", "remote"].contains(&key.as_str()) {
            acc.push(invalid(entry.key.range, format!("root: Unrecognized key: \"{key}\"")));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, registry};

    #[test]
    fn each_problem() {
        expect![[r#"
            //- /.openspec-store/store.yaml
            version: 2
                     ^ error[store/invalid-metadata-file] (openspec-lsp): Invalid store metadata state: version: Invalid input: expected 1
            id: Team_Specs
                ^^^^^^^^^^ error[store/invalid-metadata-file] (openspec-lsp): Store id must be kebab-case with lowercase letters, numbers, and single hyphen separators
            remote: ''
                    ^^ error[store/invalid-metadata-file] (openspec-lsp): Invalid store metadata state: remote: Too small: expected string to have >=1 characters
            owner: me
            ^^^^^ error[store/invalid-metadata-file] (openspec-lsp): Invalid store metadata state: root: Unrecognized key: "owner"
        "#]]
        .assert_eq(&check(
            "//- /.openspec-store/store.yaml\nversion: 2\nid: Team_Specs\nremote: ''\nowner: me\n//- /openspec/config.yaml\nschema: spec-driven\n",
            &registry(&[]),
        ));
        expect![""].assert_eq(&check("//- /.openspec-store/store.yaml\nversion: 1\nid: team\n", &registry(&[])));
    }
}
