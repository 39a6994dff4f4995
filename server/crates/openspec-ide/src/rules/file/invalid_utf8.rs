//! Flags files whose bytes are not valid UTF-8. Reads only the snapshot's `lossy` flag and
//! decoded text; it never re-reads or re-decodes bytes.

// Diagnostic: file/invalid-utf8
//
// `openspec` reads every file as UTF-8 and silently turns invalid bytes into U+FFFD, so a file
// saved in Latin-1 or UTF-16 is validated as something other than what its author sees: names
// gain replacement characters and headers can stop matching. The CLI never says so; this rule
// does, on the first replaced character, and attributes the finding to the spec or change the
// file belongs to so it shows up next to that item's verdict.

use openspec_syntax::TextRange;

use crate::diagnostic::{Diagnostic, Severity};
use crate::vfs::{Entry, FileContent, RootSnapshot};

const CODE: &str = "file/invalid-utf8";

/// The files this rule looks at, in path order: lossily decoded files OpenSpec reads.
pub fn subjects(root: &RootSnapshot) -> impl Iterator<Item = String> + '_ {
    root.entries.iter().filter_map(|(path, entry)| {
        let Entry::File { content: FileContent::Text { lossy: true, .. }, .. } = entry else { return None };
        // Files outside `openspec/` (agent files, CODEOWNERS) are loaded for other checks;
        // OpenSpec's readers never see them.
        path.starts_with("openspec/").then(|| path.clone())
    })
}

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    let layout = crate::rules::Layout::read(root);
    for path in subjects(root) {
        check_file(root, &layout, &path, acc);
    }
}

/// The finding for `path`, one of `subjects`.
pub fn check_file(root: &RootSnapshot, layout: &crate::rules::Layout, path: &str, acc: &mut Vec<Diagnostic>) {
    let Some(Entry::File { content: FileContent::Text { text, lossy: true }, .. }) = root.get(path) else { return };
    let range = text.find('\u{FFFD}').map_or(TextRange::empty(0), |at| TextRange::new(at, at + '\u{FFFD}'.len_utf8()));
    let item = super::owning_item(layout, path);
    acc.push(Diagnostic::lsp(
        item.as_ref(),
        CODE,
        Severity::Warning,
        path,
        range,
        "This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with \u{FFFD}, so names and headers may not match what you see. Save the file as UTF-8.",
    ));
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::expect;

    use crate::test_support::snapshot;
    use crate::vfs::{Entry, FileContent};

    /// Runs the rule over a fixture whose files listed in `lossy` are marked as lossily decoded.
    fn check(fixture: &str, lossy: &[&str]) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut root = snapshot(&fixture);
        for path in lossy {
            let text = root.text(path).map(Arc::from).expect("lossy path is a fixture file");
            root.entries.insert(
                (*path).to_owned(),
                Entry::File { content: FileContent::Text { text, lossy: true }, symlink: false },
            );
        }
        let mut acc = Vec::new();
        super::check(&root, &mut acc);
        super::super::render_with_items(&fixture, &acc)
    }

    #[test]
    fn lossy_files_are_flagged_on_the_first_replacement() {
        expect![[r#"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Caf� and more �
               ^ warning[file/invalid-utf8] (openspec-lsp): This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with �, so names and headers may not match what you see. Save the file as UTF-8.
            //- /openspec/changes/add-x/tasks.md
            - [ ] 1.1 �
                      ^ warning[file/invalid-utf8] (openspec-lsp): This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with �, so names and headers may not match what you see. Save the file as UTF-8.
            //- /openspec/config.yaml
            schema: �
                    ^ warning[file/invalid-utf8] (openspec-lsp): This file is not valid UTF-8. OpenSpec reads it as UTF-8 anyway and replaces each invalid byte sequence with �, so names and headers may not match what you see. Save the file as UTF-8.
            items: change/add-x, -, spec/auth
        "#]]
        .assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nCaf\u{FFFD} and more \u{FFFD}\n//- /openspec/changes/add-x/tasks.md\n- [ ] 1.1 \u{FFFD}\n//- /openspec/config.yaml\nschema: \u{FFFD}\n",
            &["openspec/specs/auth/spec.md", "openspec/changes/add-x/tasks.md", "openspec/config.yaml"],
        ));
    }

    #[test]
    fn valid_utf8_is_quiet_even_with_replacement_characters() {
        expect![[r#"
            items: 
        "#]]
        .assert_eq(&check("//- /openspec/specs/auth/spec.md\n## Purpose\nA literal \u{FFFD} typed on purpose\n", &[]));
    }
}
