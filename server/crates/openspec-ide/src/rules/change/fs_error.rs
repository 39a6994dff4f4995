// Diagnostic: change/fs-error
//
// When a folder under a change's `specs/` cannot be listed (or a Markdown file there cannot be
// read), `openspec validate` stops reading the change and reports the raw I/O error as the
// change's only issue: silently skipping an unreadable capability would let archive drop its
// requirements. The same error here keeps the verdict identical and says which path failed.

use crate::diagnostic::{Diagnostic, ItemId, Severity};
use crate::layout;
use crate::rules::delta::nested_change::nested_changes_in;
use crate::vfs::RootSnapshot;

pub(super) fn check(root: &RootSnapshot, change_id: &str, acc: &mut Vec<Diagnostic>) {
    if nested_changes_in(root, change_id).is_some() {
        return;
    }
    let Some((path, problem)) = super::aborting_problem(root, &layout::change_dir(change_id)) else { return };
    acc.push(Diagnostic::openspec(
        &ItemId::change(change_id),
        "change/fs-error",
        Severity::Error,
        path,
        openspec_syntax::TextRange::default(),
        problem.message.clone(),
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::vfs::{Entry, IoProblem, RootSnapshot};

    #[test]
    fn unreadable_capability_folder_is_the_only_issue() {
        let mut root = RootSnapshot::from_texts([
            ("openspec/changes/c/proposal.md", "## Why\n"),
            (
                "openspec/changes/c/specs/ok/spec.md",
                "## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n#### Scenario: s\n- x\n",
            ),
        ]);
        root.entries.insert(
            "openspec/changes/c/specs/locked".to_owned(),
            Entry::UnreadableDir(IoProblem {
                code: "EACCES".to_owned(),
                message: "EACCES: permission denied, scandir '/w/openspec/changes/c/specs/locked'".to_owned(),
            }),
        );
        let report = crate::check_root(&root, &crate::CheckConfig::default());
        let cli: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.origin == crate::Origin::Openspec)
            .map(|d| format!("{} {} {}", d.code, d.path, d.message))
            .collect();
        expect![[r#"
            [
                "change/fs-error openspec/changes/c/specs/locked EACCES: permission denied, scandir '/w/openspec/changes/c/specs/locked'",
            ]
        "#]]
        .assert_debug_eq(&cli);
        assert!(!report.items.iter().find(|i| i.item.id == "c").is_some_and(|i| i.valid));
    }

    #[test]
    fn modifying_a_main_spec_linked_out_of_its_capability_is_the_only_issue() {
        let delta = |op: &str| {
            format!("## {op} Requirements\n### Requirement: A\nThe system SHALL a.\n#### Scenario: s\n- x\n")
        };
        let mut root = RootSnapshot::from_texts([
            ("openspec/specs/login/spec.md", "## Purpose\n"),
            ("openspec/changes/c/proposal.md", "## Why\n"),
            ("openspec/changes/c/specs/login/spec.md", &delta("MODIFIED")),
            ("openspec/changes/d/proposal.md", "## Why\n"),
            ("openspec/changes/d/specs/login/spec.md", &delta("ADDED")),
        ]);
        let problem = IoProblem {
            code: crate::vfs::OUTSIDE_ALLOWED_DIR.to_owned(),
            message: "Path is outside the allowed directory: /w/openspec/specs/login/spec.md".to_owned(),
        };
        root.spec_links_outside_capability.insert("openspec/specs/login/spec.md".to_owned(), problem);
        let report = crate::check_root(&root, &crate::CheckConfig::default());
        let fs_errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "change/fs-error")
            .map(|d| format!("{} {}", d.path, d.message))
            .collect();
        // Only the change that MODIFIES it: adding to the spec is no merge into the link.
        expect![[r#"
            [
                "openspec/changes/c/specs/login/spec.md Path is outside the allowed directory: /w/openspec/specs/login/spec.md",
            ]
        "#]]
        .assert_debug_eq(&fs_errors);
    }

    #[test]
    fn missing_specs_folder_is_not_an_io_error() {
        let root = RootSnapshot::from_texts([("openspec/changes/c/proposal.md", "## Why\n")]);
        let report = crate::check_root(&root, &crate::CheckConfig::default());
        assert!(report.diagnostics.iter().all(|d| d.code != "change/fs-error"));
    }
}
