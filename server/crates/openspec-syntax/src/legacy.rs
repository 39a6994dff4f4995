//! Legacy OpenSpec content inside files that users own: the `<!-- OPENSPEC:START -->` ...
//! `<!-- OPENSPEC:END -->` marker block that older releases wrote into `AGENTS.md`, `CLAUDE.md`
//! and similar files. Only recognition lives here; what to do about it is the ide crate's.

use crate::text::TextRange;

pub const MARKER_START: &str = "<!-- OPENSPEC:START -->";
pub const MARKER_END: &str = "<!-- OPENSPEC:END -->";

/// A complete marker block: from the start of the start marker to the end of the end marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkerBlock {
    pub range: TextRange,
    /// The text between the markers.
    pub inner: TextRange,
}

/// The first complete marker block, as the CLI's legacy cleanup finds it (both markers present,
/// the end after the start). A lone marker is not a block and is left alone.
pub fn find_marker_block(text: &str) -> Option<MarkerBlock> {
    let start = text.find(MARKER_START)?;
    let inner_start = start + MARKER_START.len();
    let end_marker = inner_start + text[inner_start..].find(MARKER_END)?;
    let end = end_marker + MARKER_END.len();
    Some(MarkerBlock { range: TextRange::new(start, end), inner: TextRange::new(inner_start, end_marker) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_complete_blocks_only() {
        let text = "mine\n<!-- OPENSPEC:START -->\nold\n<!-- OPENSPEC:END -->\nmore";
        let block = find_marker_block(text).expect("block");
        assert_eq!(&text[block.inner.start..block.inner.end], "\nold\n");
        assert!(text[block.range.start..block.range.end].ends_with("END -->"));
        assert_eq!(find_marker_block("<!-- OPENSPEC:END --> <!-- OPENSPEC:START -->"), None);
        assert_eq!(find_marker_block("<!-- OPENSPEC:START --> only"), None);
    }
}
