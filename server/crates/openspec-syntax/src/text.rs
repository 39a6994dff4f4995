//! Byte ranges and line/column arithmetic over source text. Pure; knows nothing of LSP.

/// A half-open byte range `[start, end)` into a file's original text (BOM and CR included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(offset: usize) -> Self {
        Self { start: offset, end: offset }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub const fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Like `contains`, but a cursor sitting just past the end still counts (what editors mean).
    pub const fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    #[must_use]
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A zero-based line and a zero-based column whose unit depends on the caller's encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// How columns are counted: LSP's negotiated encodings plus Unicode scalar values for humans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
    Char,
}

/// Line starts of a text. Lines end at `\n`, `\r\n` or a lone `\r`, as LSP and OpenSpec agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line_starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        Self { line_starts, len: text.len() }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where zero-based `line` starts; past the last line, the end of the text.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// Zero-based line holding `offset` (offsets past the end clamp to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of zero-based `line` without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_start(line);
        let mut end = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// Converts a byte offset to a line and column. Offsets inside a multi-byte character or a
    /// CRLF pair snap back to its start, so the answer is always a valid position.
    pub fn line_col(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let line_text = &text[self.line_start(line)..offset];
        let col = match unit {
            ColumnUnit::Utf8 => line_text.len(),
            ColumnUnit::Utf16 => line_text.chars().map(char::len_utf16).sum(),
            ColumnUnit::Char => line_text.chars().count(),
        };
        LineCol { line: u32::try_from(line).unwrap_or(u32::MAX), col: u32::try_from(col).unwrap_or(u32::MAX) }
    }

    /// Converts a line and column back to a byte offset. Columns past the line's end clamp to it
    /// (LSP asks for that), lines past the end clamp to the end of the text, and a column
    /// inside a character snaps back to that character's start.
    pub fn offset(&self, text: &str, position: LineCol, unit: ColumnUnit) -> usize {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let range = self.line_range(text, line);
        let line_text = &text[range.start..range.end];
        let wanted = position.col as usize;
        let mut consumed = 0;
        for (byte_idx, ch) in line_text.char_indices() {
            let width = match unit {
                ColumnUnit::Utf8 => ch.len_utf8(),
                ColumnUnit::Utf16 => ch.len_utf16(),
                ColumnUnit::Char => 1,
            };
            if consumed + width > wanted {
                return range.start + byte_idx;
            }
            consumed += width;
        }
        range.end
    }
}

/// The largest character boundary of `text` at or before `offset` (0 at the most).
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a😀b\r\n日本\rx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let b = text.find('b').unwrap();
        assert_eq!(index.line_col(text, b, ColumnUnit::Utf16), LineCol { line: 0, col: 3 });
        assert_eq!(index.line_col(text, b, ColumnUnit::Char), LineCol { line: 0, col: 2 });
        assert_eq!(index.offset(text, LineCol { line: 0, col: 3 }, ColumnUnit::Utf16), b);
        // Inside the surrogate pair snaps back to the emoji.
        assert_eq!(index.offset(text, LineCol { line: 0, col: 2 }, ColumnUnit::Utf16), 1);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x, ColumnUnit::Utf8), LineCol { line: 2, col: 0 });
        assert_eq!(
            index.offset(text, LineCol { line: 1, col: 99 }, ColumnUnit::Utf16),
            text.find('\r').map(|_| "a😀b\r\n日本".len()).unwrap()
        );
        assert_eq!(index.offset(text, LineCol { line: 9, col: 0 }, ColumnUnit::Utf16), text.len());
    }
}
