//! Line-break helpers for edits: the break a file uses, and text rewritten to it, so an
//! inserted block keeps the file's CRLF, CR or LF. A leaf shared by the code actions,
//! completion and the migration edits.

use openspec_syntax::lines::{Bom, LineBreaks, split_lines};

/// The line break a file uses: that of its first line, `\n` for a one-line file.
pub fn line_break(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(at) if text.get(at..).is_some_and(|rest| rest.starts_with("\r\n")) => "\r\n",
        Some(at) if text.get(at..).is_some_and(|rest| rest.starts_with('\r')) => "\r",
        _ => "\n",
    }
}

/// `text` with every line break (`\r\n`, `\r`, `\n`) written as `newline`.
pub fn convert_line_breaks(text: &str, newline: &str) -> String {
    let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    let texts: Vec<&str> = lines.iter().map(|line| line.text).collect();
    texts.join(newline)
}
