//! A CommonMark tree made on first use. An editor buffer's tree is kept in step with every edit
//! (`Tree::edit`), but reparsing it is the costly half of an edit of a long file, and only the
//! Markdown checks that find a line they could disagree on read it; so the reparse waits until
//! something asks, then runs once (incrementally, from the edited old tree) and is shared by
//! every holder of that version of the buffer.

use std::sync::OnceLock;

use tree_sitter::{InputEdit, Tree};

use crate::markdown::parse;

#[derive(Debug, Default)]
pub struct LazyTree {
    /// The previous version's tree, `edit`ed to this version's positions (none: parse afresh).
    edited: Option<Tree>,
    /// The tree of this version's text, once something asked for it.
    parsed: OnceLock<Option<Tree>>,
}

impl LazyTree {
    /// A tree already parsed from this version's text.
    pub fn parsed(tree: Option<Tree>) -> Self {
        Self { edited: None, parsed: OnceLock::from(tree) }
    }

    /// Parsed from scratch on first use.
    pub fn unparsed() -> Self {
        Self::default()
    }

    /// The next version's view: this version's tree (parsed, or still the edited old one) with
    /// `edits` applied in order, reparsed on first use.
    #[must_use]
    pub fn edited(&self, edits: &[InputEdit]) -> Self {
        let mut base = match self.parsed.get() {
            Some(parsed) => parsed.clone(),
            None => self.edited.clone(),
        };
        if let Some(tree) = &mut base {
            for edit in edits {
                tree.edit(edit);
            }
        }
        Self { edited: base, parsed: OnceLock::new() }
    }

    /// The tree of `text`, which must be the text of this version (the one the edits led to).
    pub fn tree(&self, text: &str) -> Option<Tree> {
        self.parsed
            .get_or_init(|| {
                // tree-sitter-md's scanner takes a NUL for the end of input, so reusing nodes
                // around one can build a tree that a fresh parse would not (found by the
                // property test in `openspec-lsp/tests/document_props.rs`). Such text is rare
                // and parses from scratch.
                let old = if text.contains('\0') { None } else { self.edited.as_ref() };
                parse(text, old)
            })
            .clone()
    }

    /// Whether the tree has been made (for tests and measurements).
    pub fn is_parsed(&self) -> bool {
        self.parsed.get().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_once_on_first_use_from_the_edited_tree() {
        let old_text = "# A\n\nbody\n";
        let first = LazyTree::parsed(parse(old_text, None));
        // "body" -> "body!" and then "# A" -> "# AB": two edits, one reparse.
        let point = |row, column| tree_sitter::Point { row, column };
        let edits = [
            InputEdit {
                start_byte: 9,
                old_end_byte: 9,
                new_end_byte: 10,
                start_position: point(2, 4),
                old_end_position: point(2, 4),
                new_end_position: point(2, 5),
            },
            InputEdit {
                start_byte: 3,
                old_end_byte: 3,
                new_end_byte: 4,
                start_position: point(0, 3),
                old_end_position: point(0, 3),
                new_end_position: point(0, 4),
            },
        ];
        let second = first.edited(&edits);
        assert!(!second.is_parsed());
        let new_text = "# AB\n\nbody!\n";
        let tree = second.tree(new_text).map(|tree| tree.root_node().to_sexp());
        assert!(second.is_parsed());
        assert_eq!(tree, parse(new_text, None).map(|tree| tree.root_node().to_sexp()));
        assert_eq!(LazyTree::unparsed().tree(new_text).map(|tree| tree.root_node().to_sexp()), tree);
    }
}
