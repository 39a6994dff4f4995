//! The code action on an unregistered reference (`store/reference-unresolved`): copy the
//! command the CLI suggests (`git clone ... && openspec store register ...`, or the bare
//! `openspec store register <path> --id <id>` when it only says to get a checkout from a
//! teammate). It edits nothing: the lsp crate offers it as a command the editor runs to put the
//! text on the clipboard. Pure: re-runs the store rules over the snapshot.

use openspec_syntax::TextRange;

use crate::rules::store::{self, StoreContext};
use crate::types::FileRange;
use crate::vfs::RootSnapshot;

const UNRESOLVED: &str = "store/reference-unresolved";

/// Text to copy for a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyCommand {
    pub title: String,
    pub text: String,
    /// The finding's code and range, to tie the action to it.
    pub code: &'static str,
    pub range: TextRange,
}

/// The copy actions of the unregistered references that `range` touches.
pub fn copy_commands(root: &RootSnapshot, range: &FileRange, context: &StoreContext<'_>) -> Vec<CopyCommand> {
    store::check(root, context)
        .into_iter()
        .filter(|finding| finding.code == UNRESOLVED && finding.path == range.path)
        .filter(|finding| finding.range.start <= range.range.end && range.range.start <= finding.range.end)
        .filter_map(|finding| {
            let fix = finding.related.iter().find_map(|related| related.message.strip_prefix("Fix: "))?;
            let text = fix.split_once("run: ").map_or(fix, |(_, command)| command).to_owned();
            let id = root.text(&finding.path)?.get(finding.range.start..finding.range.end)?;
            Some(CopyCommand {
                title: format!("Copy the command that registers store '{id}'"),
                text,
                code: UNRESOLVED,
                range: finding.range,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::analysis::FileRange;
    use crate::rules::store::StoreContext;
    use crate::rules::store::tests::registry;
    use crate::test_support::snapshot;
    use openspec_syntax::TextRange;

    #[test]
    fn copies_the_register_command() {
        let fixture = test_utils::Fixture::parse(
            "//- /openspec/config.yaml\nreferences:\n  - {id: lib, remote: 'git@github.com:o/lib.git'}\n  - other\n  - team\n",
        );
        let root = snapshot(&fixture);
        let stores = registry(&["team"]);
        let context = StoreContext { registry: &stores, root_path: "/work/app", home_dir: "/home/dev" };
        let whole = FileRange { path: "openspec/config.yaml".to_owned(), range: TextRange::new(0, 200) };
        let shown: Vec<String> = super::copy_commands(&root, &whole, &context)
            .iter()
            .map(|action| format!("{} {:?}: {}", action.title, action.range, action.text))
            .collect();
        expect![[r#"
            Copy the command that registers store 'lib' TextRange { start: 21, end: 24 }: git clone -- git@github.com:o/lib.git '/home/dev/openspec/lib' && openspec store register '/home/dev/openspec/lib' --id lib
            Copy the command that registers store 'other' TextRange { start: 66, end: 71 }: openspec store register <path> --id other"#]]
        .assert_eq(&shown.join("\n"));
        let on_team = FileRange { path: "openspec/config.yaml".to_owned(), range: TextRange::empty(75) };
        assert!(super::copy_commands(&root, &on_team, &context).is_empty());
    }
}
