//! A `store:` pointer in the config of a real root (one with `specs/` or `changes/`).

// Diagnostic: store/pointer-ignored
//
// The CLI's root resolution keeps a root that has a planning shape, whatever its config says:
// the pointer is ignored with a stderr warning, and `openspec doctor` reports it as
// `root_pointer_ignored`. A team that moved its planning into a store but left `specs/` behind
// would otherwise keep validating the stale local copy without noticing.

use crate::diagnostic::{Diagnostic, Severity};

use super::Config;

const CODE: &str = "store/pointer-ignored";

pub(super) fn check(config: &Config<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(entry) = config.field("store") else {
        return;
    };
    let Some(id) = entry.value.as_str() else {
        return;
    };
    if !config.has_planning_shape() {
        return;
    }
    let message = format!(
        "{} declares store '{id}', but this directory is a real OpenSpec root; the declaration is ignored.",
        config.path
    );
    acc.push(config.finding(CODE, Severity::Warning, entry.value.range, message));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{check, registry};

    #[test]
    fn fires_on_a_real_root_only() {
        expect![[r#"
            //- /openspec/config.yaml
            store: team-specs
                   ^^^^^^^^^^ warning[store/pointer-ignored]: openspec/config.yaml declares store 'team-specs', but this directory is a real OpenSpec root; the declaration is ignored.
        "#]]
        .assert_eq(&check(
            "//- /openspec/config.yaml\nstore: team-specs\n//- /openspec/specs/auth/spec.md\n# x\n",
            &registry(&["team-specs"]),
        ));
        expect![""].assert_eq(&check("//- /openspec/config.yaml\nstore: team-specs\n", &registry(&["team-specs"])));
    }
}
