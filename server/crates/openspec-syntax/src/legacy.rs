//! Legacy OpenSpec content inside files that users own: the `<!-- OPENSPEC:START -->` ...
//! `<!-- OPENSPEC:END -->` marker block that older releases wrote into `AGENTS.md`, `CLAUDE.md`
//! and similar files. Only recognition lives here; what to do about it is the ide crate's.

use crate::text::TextRange;

pub const MARKER_START: &str = "<!-- OPENSPEC:START -->";
pub const MARKER_END: &str = "<!-- OPENSPEC:END -->";

/// A complete marker block as the CLI's cleanup removes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkerBlock {
    /// From the start of the start marker to the end of the end marker.
    pub range: TextRange,
    /// The text between the markers.
    pub inner: TextRange,
    /// The start marker itself.
    pub start_marker: TextRange,
    /// The end marker itself.
    pub end_marker: TextRange,
    /// Whole lines: from the start of the start marker's line to the end of the end marker's
    /// line, its line break included. What removing the block deletes.
    pub lines: TextRange,
}

/// The CLI's detection (`hasOpenSpecMarkers`): both markers occur somewhere, in any order and
/// anywhere on a line. Cleanup may still find no block to remove (see `find_marker_block`).
pub fn has_markers(text: &str) -> bool {
    text.contains(MARKER_START) && text.contains(MARKER_END)
}

/// The block the CLI's cleanup (`removeMarkerBlock`) removes: the first start marker alone on
/// its line (spaces, tabs and CR around it allowed), then the first end marker alone on its
/// line after it. Markers mentioned inside a sentence are not markers, and a lone marker is no
/// block, so such files are left alone.
pub fn find_marker_block(text: &str) -> Option<MarkerBlock> {
    let start = find_own_line(text, MARKER_START, 0)?;
    let inner_start = start + MARKER_START.len();
    let end_marker = find_own_line(text, MARKER_END, inner_start)?;
    let end = end_marker + MARKER_END.len();
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |at| end + at + 1);
    Some(MarkerBlock {
        range: TextRange::new(start, end),
        inner: TextRange::new(inner_start, end_marker),
        start_marker: TextRange::new(start, inner_start),
        end_marker: TextRange::new(end_marker, end),
        lines: TextRange::new(line_start, line_end),
    })
}

/// The first occurrence of `marker` at or after `from` with only spaces, tabs and CRs beside it
/// on its line.
fn find_own_line(text: &str, marker: &str, from: usize) -> Option<usize> {
    let is_padding = |c: char| matches!(c, ' ' | '\t' | '\r');
    let mut search_from = from;
    loop {
        let at = search_from + text.get(search_from..)?.find(marker)?;
        let before = &text[..at];
        let line_before = before.rfind('\n').map_or(before, |newline| &before[newline + 1..]);
        let after = &text[at + marker.len()..];
        let line_after = after.find('\n').map_or(after, |newline| &after[..newline]);
        if line_before.chars().all(is_padding) && line_after.chars().all(is_padding) {
            return Some(at);
        }
        search_from = at + marker.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, range: TextRange) -> &str {
        &text[range.start..range.end]
    }

    #[test]
    fn finds_complete_blocks_only() {
        let text = "mine\n<!-- OPENSPEC:START -->\nold\n<!-- OPENSPEC:END -->\nmore";
        let block = find_marker_block(text).expect("block");
        assert_eq!(slice(text, block.inner), "\nold\n");
        assert!(slice(text, block.range).ends_with("END -->"));
        assert_eq!(slice(text, block.lines), "<!-- OPENSPEC:START -->\nold\n<!-- OPENSPEC:END -->\n");
        assert_eq!(find_marker_block("<!-- OPENSPEC:END -->\n<!-- OPENSPEC:START -->"), None);
        assert_eq!(find_marker_block("<!-- OPENSPEC:START --> only"), None);
    }

    #[test]
    fn markers_must_stand_alone_on_their_lines() {
        let inline = "See <!-- OPENSPEC:START --> and <!-- OPENSPEC:END --> in the docs.\n";
        assert!(has_markers(inline));
        assert_eq!(find_marker_block(inline), None);
        let text =
            "Mention <!-- OPENSPEC:START --> here.\r\n  <!-- OPENSPEC:START -->\t\r\nx\r\n<!-- OPENSPEC:END -->\r\n";
        let block = find_marker_block(text).expect("block");
        assert_eq!(slice(text, block.lines), "  <!-- OPENSPEC:START -->\t\r\nx\r\n<!-- OPENSPEC:END -->\r\n");
        assert_eq!(slice(text, block.start_marker), MARKER_START);
    }
}
