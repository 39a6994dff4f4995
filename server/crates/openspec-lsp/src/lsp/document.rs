//! An open editor buffer: a rope for cheap edits and position lookups, the text as one shared
//! string (what every snapshot of the buffer holds, made once per change), the tree-sitter-md
//! view kept in step with every edit (`InputEdit`s on the last tree; the incremental reparse
//! waits until a check asks for the tree, see `LazyTree`), and the client's version. A buffer
//! over its size limit keeps no tree (see `Settings::large_file_bytes`).

use std::sync::Arc;
use std::time::Instant;

use openspec_syntax::markdown_lazy::LazyTree;
use ropey::Rope;
use tree_sitter::{InputEdit, Point, Tree};

use tower_lsp_server::ls_types;

/// How the client counts columns, negotiated at `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    /// The CommonMark view of this version (shared with every snapshot of it), parsed when
    /// first asked for; `None` while the buffer is large.
    pub view: Option<Arc<LazyTree>>,
    /// The edits applied since `view` was made, for the next version's view; `None` after a
    /// whole-text replacement (the next view parses afresh).
    pending: Option<Vec<InputEdit>>,
    /// The text of `rope`, shared by every snapshot taken until the next change.
    pub shared: Arc<str>,
    /// Over this many bytes the buffer is "large": no tree is kept or parsed.
    limit: usize,
    /// The client was told that this buffer is large (once per crossing of the limit).
    pub large_noticed: bool,
    /// How many `didChange`s were applied, and when the last one was (the open before any):
    /// a large buffer is re-checked once its edits pause (`lsp::server::large_files`).
    pub edits: u64,
    pub edited_at: Instant,
}

/// Why a change could not be applied; the document is left as it was.
#[derive(Debug, PartialEq, Eq)]
pub enum EditError {
    /// The range's start lies after its end.
    InvertedRange,
}

/// What went wrong in one `didChange`, for the server's log; the changes that could be applied
/// were.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ChangeReport {
    /// Changes skipped because their range was malformed.
    pub rejected: usize,
    /// The version did not increase, which LSP requires of every change.
    pub version_went_back: bool,
}

impl Document {
    /// A buffer without a size limit (the tests' and `fuzz/`'s).
    #[allow(dead_code)]
    pub fn new(text: &str, version: i32) -> Self {
        Self::with_limit(text, version, usize::MAX)
    }

    /// A buffer that degrades above `limit` bytes.
    pub fn with_limit(text: &str, version: i32, limit: usize) -> Self {
        let view = if text.len() > limit { None } else { Some(Arc::new(LazyTree::unparsed())) };
        Self {
            rope: Rope::from_str(text),
            version,
            view,
            pending: Some(Vec::new()),
            shared: Arc::from(text),
            limit,
            large_noticed: false,
            edits: 0,
            edited_at: Instant::now(),
        }
    }

    /// Over the size limit: no tree-sitter view.
    pub fn is_large(&self) -> bool {
        self.shared.len() > self.limit
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// The CommonMark tree of the current text (parsed now if nothing asked for it yet).
    pub fn tree(&self) -> Option<Tree> {
        self.view.as_ref()?.tree(&self.shared)
    }

    /// Applies one content change: a whole-document replacement (no range) or a ranged edit.
    /// The edit is kept for the tree; `apply_content_changes` makes the next version's view.
    pub fn apply_change(
        &mut self,
        range: Option<ls_types::Range>,
        new_text: &str,
        encoding: PositionEncoding,
    ) -> Result<(), EditError> {
        let Some(range) = range else {
            self.rope = Rope::from_str(new_text);
            self.pending = None;
            return Ok(());
        };
        let start_byte = self.offset(range.start, encoding);
        let old_end_byte = self.offset(range.end, encoding);
        if start_byte > old_end_byte {
            return Err(EditError::InvertedRange);
        }
        // One scan up to the edit's start; the rest only over what the edit spans.
        let start_position = advance(Point::new(0, 0), self.rope.byte_slice(..start_byte).chunks());
        let old_end_position = advance(start_position, self.rope.byte_slice(start_byte..old_end_byte).chunks());
        let start_char = self.rope.byte_to_char(start_byte);
        let old_end_char = self.rope.byte_to_char(old_end_byte);
        self.rope.remove(start_char..old_end_char);
        self.rope.insert(start_char, new_text);
        let new_end_byte = start_byte + new_text.len();
        let new_end_position = advance(start_position, std::iter::once(new_text));
        if let Some(pending) = &mut self.pending {
            pending.push(InputEdit {
                start_byte,
                old_end_byte,
                new_end_byte,
                start_position,
                old_end_position,
                new_end_position,
            });
        }
        Ok(())
    }

    /// What `didChange` does: applies the changes in order, takes the new version and makes its
    /// view (the old tree with the edits applied; reparsed when first asked for). A change whose range is malformed is skipped (the document stays as it was for that
    /// change; the next full sync repairs it), and counted in the answer so the caller can say so.
    pub fn apply_content_changes(
        &mut self,
        changes: &[ls_types::TextDocumentContentChangeEvent],
        version: i32,
        encoding: PositionEncoding,
    ) -> ChangeReport {
        let mut report = ChangeReport { rejected: 0, version_went_back: version <= self.version };
        for change in changes {
            if self.apply_change(change.range, &change.text, encoding).is_err() {
                report.rejected += 1;
            }
        }
        self.version = version;
        self.edits += 1;
        self.edited_at = Instant::now();
        self.shared = Arc::from(self.text());
        let edits = self.pending.replace(Vec::new());
        if self.is_large() {
            self.view = None;
        } else {
            self.large_noticed = false;
            let next = match (&self.view, edits) {
                (Some(view), Some(edits)) => view.edited(&edits),
                _ => LazyTree::unparsed(),
            };
            self.view = Some(Arc::new(next));
        }
        report
    }

    /// Byte offset of an LSP position. Lines past the end clamp to the end of the document and
    /// columns past a line's end clamp to that end (before its line break), as LSP asks; a
    /// column inside a character (half a surrogate pair, a byte of a multi-byte character)
    /// snaps back to the character's start.
    pub fn offset(&self, position: ls_types::Position, encoding: PositionEncoding) -> usize {
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let line_start_char = self.rope.line_to_char(line);
        let line_slice = self.rope.line(line);
        let mut content_chars = line_slice.len_chars();
        while content_chars > 0 && matches!(line_slice.char(content_chars - 1), '\n' | '\r') {
            content_chars -= 1;
        }
        let mut consumed = 0usize;
        let mut chars_taken = 0usize;
        for ch in line_slice.chars().take(content_chars) {
            let width = match encoding {
                PositionEncoding::Utf8 => ch.len_utf8(),
                PositionEncoding::Utf16 => ch.len_utf16(),
            };
            if consumed + width > position.character as usize {
                break;
            }
            consumed += width;
            chars_taken += 1;
        }
        self.rope.char_to_byte(line_start_char + chars_taken)
    }
}

/// tree-sitter's point `from` moved over `text` (given in chunks): rows count `\n` only and
/// columns are bytes.
fn advance<'a>(from: Point, text: impl Iterator<Item = &'a str>) -> Point {
    let (mut row, mut column) = (from.row, from.column);
    for chunk in text {
        match chunk.rfind('\n') {
            Some(last) => {
                row += chunk.bytes().filter(|&byte| byte == b'\n').count();
                column = chunk.len() - last - 1;
            }
            None => column += chunk.len(),
        }
    }
    Point::new(row, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> ls_types::Position {
        ls_types::Position::new(line, character)
    }

    fn range(a: (u32, u32), b: (u32, u32)) -> ls_types::Range {
        ls_types::Range::new(pos(a.0, a.1), pos(b.0, b.1))
    }

    #[test]
    fn positions_convert_in_both_encodings() {
        let doc = Document::new("## 日本😀x\r\nnext\rlast", 1);
        let x = "## 日本😀".len();
        assert_eq!(doc.offset(pos(0, 7), PositionEncoding::Utf16), x);
        assert_eq!(doc.offset(pos(0, u32::try_from(x).unwrap()), PositionEncoding::Utf8), x);
        // Half a surrogate pair snaps back to the emoji's start.
        assert_eq!(doc.offset(pos(0, 6), PositionEncoding::Utf16), "## 日本".len());
        // Past the end of a CRLF line clamps before the CR.
        assert_eq!(doc.offset(pos(0, 99), PositionEncoding::Utf16), "## 日本😀x".len());
        // A lone CR ends a line too.
        assert_eq!(doc.offset(pos(2, 1), PositionEncoding::Utf16), "## 日本😀x\r\nnext\rl".len());
        assert_eq!(doc.offset(pos(9, 0), PositionEncoding::Utf16), doc.rope.len_bytes());
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut doc = Document::new("## Purpose\n\n### Requirement: 登录\n", 1);
        assert!(doc.tree().is_some());
        let change = |range: ls_types::Range, text: &str| ls_types::TextDocumentContentChangeEvent {
            range: Some(range),
            range_length: None,
            text: text.to_owned(),
        };
        let report =
            doc.apply_content_changes(&[change(range((2, 17), (2, 19)), "注册 😀")], 2, PositionEncoding::Utf16);
        assert_eq!(report, ChangeReport::default());
        // Two versions edited without a parse in between: the tree waits for the first ask.
        doc.apply_content_changes(&[change(range((0, 0), (0, 0)), "# Title\r\n")], 3, PositionEncoding::Utf16);
        assert!(doc.view.as_ref().is_some_and(|view| !view.is_parsed()));
        let text = doc.text();
        assert_eq!(text, "# Title\r\n## Purpose\n\n### Requirement: 注册 😀\n");
        let fresh = openspec_syntax::markdown::parse(&text, None).unwrap();
        assert_eq!(doc.tree().unwrap().root_node().to_sexp(), fresh.root_node().to_sexp());
        assert!(doc.view.as_ref().is_some_and(|view| view.is_parsed()));
        assert_eq!(
            doc.apply_change(Some(range((1, 3), (1, 1))), "", PositionEncoding::Utf16),
            Err(EditError::InvertedRange)
        );
    }
}
