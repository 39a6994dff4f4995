//! The CommonMark view of a Markdown artifact: a tree-sitter-md tree (reparsed incrementally
//! by the server) and the block outline its queries pick out. Verdict rules never read this
//! view (they follow the CLI's line readers); it feeds outlines and the checks for places
//! where a renderer and OpenSpec disagree.

use std::cell::RefCell;

use tree_sitter::Parser;

/// The tree-sitter tree type, re-exported so other crates need no tree-sitter dependency.
pub use tree_sitter::Tree;

use crate::text::TextRange;

/// The query source, compiled into the binary from `grammars/`.
pub const OUTLINE_QUERY: &str = include_str!("../../../../grammars/queries/markdown/outline.scm");

/// Every query this crate compiles, by file name, so one test can compile them all.
pub const QUERIES: &[(&str, &str)] = &[("markdown/outline.scm", OUTLINE_QUERY)];

pub fn language() -> tree_sitter::Language {
    tree_sitter_md::LANGUAGE.into()
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text`, reusing `old` (already `edit`ed to match `text`) for an incremental parse.
/// Returns `None` only if tree-sitter gives up (it has no timeout set, so in practice never).
pub fn parse(text: &str, old: Option<&Tree>) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&language()).ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(text, old)
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// An ATX heading with its level (1-6).
    Heading(u8),
    SetextHeading,
    FencedCode,
    IndentedCode,
    Html,
    ListItem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub range: TextRange,
}

/// The outline query's captures by node kind (`grammars/queries/markdown/outline.scm`),
/// as `outline` finds them with a walk over the tree: compiling the query costs more than
/// parsing a small file, and `check` parses only a few files per run.
fn block_kind(node: tree_sitter::Node<'_>) -> Option<BlockKind> {
    if !node.is_named() {
        return None;
    }
    Some(match node.kind() {
        "atx_heading" => {
            let level = node
                .child(0)
                .and_then(|marker| marker.kind().strip_prefix("atx_h")?.chars().next()?.to_digit(10))
                .and_then(|level| u8::try_from(level).ok())
                .unwrap_or(1);
            BlockKind::Heading(level)
        }
        "setext_heading" => BlockKind::SetextHeading,
        "fenced_code_block" => BlockKind::FencedCode,
        "indented_code_block" => BlockKind::IndentedCode,
        "html_block" => BlockKind::Html,
        "list_item" => BlockKind::ListItem,
        _ => return None,
    })
}

/// The blocks the outline query captures, in document order (outer blocks before the blocks
/// they hold): every node of the query's kinds, found by one walk of the tree.
pub fn outline(tree: &Tree, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if let Some(kind) = block_kind(node) {
            let end = node.end_byte().min(text.len());
            blocks.push(Block { kind, range: TextRange::new(node.start_byte().min(end), end) });
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    blocks.sort_by_key(|block| (block.range.start, std::cmp::Reverse(block.range.end)));
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    use tree_sitter::{Query, QueryCursor, StreamingIterator};

    /// What the outline query captures, the way `outline` did before it walked the tree.
    fn outline_by_query(tree: &Tree, text: &str) -> Vec<Block> {
        let query = Query::new(&language(), OUTLINE_QUERY).expect("outline query");
        let mut cursor = QueryCursor::new();
        let mut blocks = Vec::new();
        let names = query.capture_names();
        let mut matches = cursor.matches(&query, tree.root_node(), text.as_bytes());
        while let Some(found) = matches.next() {
            for capture in found.captures() {
                let node = capture.node;
                let kind = match names.get(capture.index as usize).copied() {
                    Some("heading") => {
                        let marker = node.child(0).map(|marker| marker.kind().to_owned()).unwrap_or_default();
                        let level = marker.strip_prefix("atx_h").and_then(|rest| rest.chars().next()?.to_digit(10));
                        BlockKind::Heading(level.and_then(|level| u8::try_from(level).ok()).unwrap_or(1))
                    }
                    Some("setext_heading") => BlockKind::SetextHeading,
                    Some("fenced_code") => BlockKind::FencedCode,
                    Some("indented_code") => BlockKind::IndentedCode,
                    Some("html") => BlockKind::Html,
                    Some("list_item") => BlockKind::ListItem,
                    _ => continue,
                };
                let end = node.end_byte().min(text.len());
                blocks.push(Block { kind, range: TextRange::new(node.start_byte().min(end), end) });
            }
        }
        blocks.sort_by_key(|block| (block.range.start, std::cmp::Reverse(block.range.end)));
        blocks
    }

    #[test]
    fn the_outline_walk_captures_what_the_query_captures() {
        let texts = [
            "# Title\n\n  ### Indented\n\n```md\n## Inside\n```\n\n<!--\n## ADDED Requirements\n-->\n\n- [ ] task\n",
            "Setext\n===\n\n    indented code\n\n- a\n  - b\n    ```\n    # hidden\n    ```\n  - c\n1. one\n2) two\n",
            "> quote\n> # heading in a quote\n\n<div>\n## in html\n</div>\n\n###### six ######\n####### seven\n",
            "- item\n\n  <!-- open\n  ### Requirement: x\n  -->\n~~~\nunclosed fence\n## not a heading\n",
            "",
            "\u{feff}# BOM\r\n## CRLF\r\n- [x] done\r\n",
        ];
        for text in texts {
            let tree = parse(text, None).expect("parse");
            assert_eq!(outline(&tree, text), outline_by_query(&tree, text), "{text:?}");
        }
        // Every fixture and spec of the repository's examples, too.
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples");
        let mut pending = vec![examples];
        let mut seen = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "md")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    let tree = parse(&text, None).expect("parse");
                    assert_eq!(outline(&tree, &text), outline_by_query(&tree, &text), "{}", path.display());
                    seen += 1;
                }
            }
        }
        assert!(seen > 0, "no Markdown under examples/");
    }

    #[test]
    fn every_query_compiles() {
        for (name, source) in QUERIES {
            if let Err(error) = Query::new(&language(), source) {
                panic!("query {name} does not compile: {error}");
            }
        }
    }

    #[test]
    fn outline_sees_commonmark_structure() {
        let text =
            "# Title\n\n  ### Indented\n\n```md\n## Inside\n```\n\n<!--\n## ADDED Requirements\n-->\n\n- [ ] task\n";
        let tree = parse(text, None).expect("parse");
        let kinds: Vec<_> = outline(&tree, text)
            .into_iter()
            .map(|block| (block.kind, text[block.range.start..block.range.end].lines().next().unwrap_or("").to_owned()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (BlockKind::Heading(1), "# Title".to_owned()),
                (BlockKind::Heading(3), "  ### Indented".to_owned()),
                (BlockKind::FencedCode, "```md".to_owned()),
                (BlockKind::Html, "<!--".to_owned()),
                (BlockKind::ListItem, "- [ ] task".to_owned()),
            ]
        );
    }

    #[test]
    fn incremental_parse_matches_fresh_parse() {
        let before = "## Purpose\nText\n";
        let after = "## Purpose\nMore text\n";
        let mut tree = parse(before, None).expect("parse");
        tree.edit(&tree_sitter::InputEdit {
            start_byte: 11,
            old_end_byte: 11,
            new_end_byte: 16,
            start_position: tree_sitter::Point::new(1, 0),
            old_end_position: tree_sitter::Point::new(1, 0),
            new_end_position: tree_sitter::Point::new(1, 5),
        });
        let reparsed = parse(after, Some(&tree)).expect("parse");
        let fresh = parse(after, None).expect("parse");
        assert_eq!(reparsed.root_node().to_sexp(), fresh.root_node().to_sexp());
    }
}
