//! Flags links whose target is outside the repository root, which the loader refuses to read.
//! Reads only the snapshot's entries; it never sees (or could show) the target's text.

// Diagnostic: file/link-outside-root
//
// A file under `openspec/` (or CODEOWNERS, an agent file, the policy file) that is a symlink to
// a place outside the repository would put whatever is there into reports and the editor:
// `openspec/specs/env/spec.md -> /proc/self/environ` would print a CI job's secrets in a
// snippet. The loader never reads through such a link (nor through a followed `openspec/specs`
// or `openspec/changes` folder link that leaves the root); this rule says so on the link, so
// the file does not just look empty. The CLI reads the target, so where a rule of its own also
// finds the file unreadable, that finding (with the CLI's wording) decides the item's verdict.

use openspec_syntax::TextRange;

use crate::diagnostic::{Diagnostic, Severity};
use crate::vfs::RootSnapshot;

const CODE: &str = "file/link-outside-root";

/// The links this rule looks at, in path order.
pub fn subjects(root: &RootSnapshot) -> impl Iterator<Item = String> + '_ {
    root.entries.keys().filter(|path| root.is_link_outside_root(path)).cloned()
}

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    let layout = crate::rules::Layout::read(root);
    for path in subjects(root) {
        check_file(root, &layout, &path, acc);
    }
}

/// The finding for `path`, one of `subjects`, attributed to the spec or change holding it.
pub fn check_file(root: &RootSnapshot, layout: &crate::rules::Layout, path: &str, acc: &mut Vec<Diagnostic>) {
    if !root.is_link_outside_root(path) {
        return;
    }
    let item = super::owning_item(layout, path);
    acc.push(Diagnostic::lsp(
        item.as_ref(),
        CODE,
        Severity::Error,
        path,
        TextRange::empty(0),
        "This is a symbolic link to a place outside the repository root (the folder holding `openspec/`), so openspec-lsp does not read it: its target could be any file on this machine, and its text would end up in reports and the editor. Replace the link with the file itself, or link to a file inside the repository.",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::test_support::snapshot;
    use crate::vfs::{Entry, FileContent, IoProblem, LINK_OUTSIDE_ROOT};

    /// Runs the rule over a fixture whose files listed in `outside` are links leaving the root
    /// (`/` at the end: a followed folder link).
    fn check(fixture: &str, outside: &[&str]) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut root = snapshot(&fixture);
        for path in outside {
            let problem = IoProblem { code: LINK_OUTSIDE_ROOT.to_owned(), message: String::new() };
            let (key, entry) = if let Some(dir) = path.strip_suffix('/') {
                (dir, Entry::UnreadableDir(problem))
            } else {
                // Creates the parent folders.
                root.insert_file(path, "");
                (*path, Entry::File { content: FileContent::Unreadable(problem), symlink: true })
            };
            root.entries.insert(key.to_owned(), entry);
        }
        let mut acc = Vec::new();
        super::check(&root, &mut acc);
        super::super::render_with_items(&fixture, &acc)
    }

    #[test]
    fn links_leaving_the_root_are_flagged_and_nothing_else() {
        expect![[r#"
            //- /openspec/changes (no file)
            ^ error[file/link-outside-root] (openspec-lsp): This is a symbolic link to a place outside the repository root (the folder holding `openspec/`), so openspec-lsp does not read it: its target could be any file on this machine, and its text would end up in reports and the editor. Replace the link with the file itself, or link to a file inside the repository.
            //- /openspec/specs/env/spec.md (no file)
            ^ error[file/link-outside-root] (openspec-lsp): This is a symbolic link to a place outside the repository root (the folder holding `openspec/`), so openspec-lsp does not read it: its target could be any file on this machine, and its text would end up in reports and the editor. Replace the link with the file itself, or link to a file inside the repository.
            items: -, spec/env
        "#]]
        .assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\n",
            &["openspec/specs/env/spec.md", "openspec/changes/"],
        ));
        expect![[r#"
            items: 
        "#]]
        .assert_eq(&check("//- /openspec/specs/auth/spec.md\n## Purpose\n", &[]));
    }
}
