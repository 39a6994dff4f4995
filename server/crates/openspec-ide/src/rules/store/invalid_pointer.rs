//! A `store:` pointer in a config-only root that is not a single string, or a config that does
//! not parse at all.

// Diagnostic: store/invalid-pointer
//
// Mirrors the CLI's `invalid_store_pointer` resolution error: in a config-only `openspec/`
// folder a malformed pointer stops every command (the CLI refuses to guess where work lands),
// so it is an error here too. On a real root the CLI ignores it; `config/invalid-field` still
// warns there.

use crate::diagnostic::{Diagnostic, Origin, Severity};
use crate::vfs::RootSnapshot;

use super::Config;

const CODE: &str = "store/invalid-pointer";

pub(super) fn check(config: &Config<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(entry) = config.field("store") else {
        return;
    };
    if entry.value.as_str().is_some() || config.has_planning_shape() {
        return;
    }
    let message =
        format!("Invalid store declaration in {}: the store key must be a single store id string.", config.path);
    acc.push(config.finding(CODE, Severity::Error, entry.value.range, message));
}

/// A config that is not YAML, in a folder without a planning shape: the CLI cannot tell whether
/// it points at a store, so it refuses to resolve the root.
pub(super) fn check_unparseable(root: &RootSnapshot, path: &'static str, acc: &mut Vec<Diagnostic>) {
    let has_planning_shape = root.is_dir("openspec/specs") || root.is_dir("openspec/changes");
    if has_planning_shape {
        return;
    }
    let message = format!("Invalid store declaration in {path}: the config file could not be read as YAML.");
    let diagnostic = Diagnostic::lsp(None, CODE, Severity::Error, path, openspec_syntax::TextRange::default(), message);
    acc.push(Diagnostic { origin: Origin::Openspec, ..diagnostic });
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, registry};

    #[test]
    fn fires_on_a_list_or_bad_yaml_in_a_config_only_root() {
        expect![[r#"
            //- /openspec/config.yaml
            store: [a, b]
                   ^^^^^^ error[store/invalid-pointer]: Invalid store declaration in openspec/config.yaml: the store key must be a single store id string.
        "#]]
        .assert_eq(&check("//- /openspec/config.yaml\nstore: [a, b]\n", &registry(&["a"])));
        expect![[r#"
            //- /openspec/config.yaml
            store: [a
            ^ error[store/invalid-pointer]: Invalid store declaration in openspec/config.yaml: the config file could not be read as YAML.
        "#]]
        .assert_eq(&check("//- /openspec/config.yaml\nstore: [a\n", &registry(&["a"])));
        expect![""].assert_eq(&check(
            "//- /openspec/config.yaml\nstore: [a, b]\n//- /openspec/changes/x/proposal.md\n# x\n",
            &registry(&["a"]),
        ));
    }
}
