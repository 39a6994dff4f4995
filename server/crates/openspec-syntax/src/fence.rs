//! The CLI's code-fence mask: which lines sit inside (or open or close) a fenced block.
//! Unlike CommonMark, any indentation opens a fence and an unclosed fence runs to the end.

use crate::js::is_js_space;

struct Fence {
    marker: u8,
    len: usize,
}

/// A fence marker (three or more backticks or tildes) after any JS whitespace, if the line has one.
fn fence_run(line: &str) -> Option<(Fence, &str)> {
    let rest = line.trim_start_matches(is_js_space);
    let marker = *rest.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == marker).count();
    (len >= 3).then(|| (Fence { marker, len }, &rest[len..]))
}

/// A fenced block in line indices: the opening line and the closing line (`None` when the
/// fence never closes and so runs to the end of the text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FenceSpan {
    pub open: usize,
    pub close: Option<usize>,
}

/// Every fenced block, in order, as the CLI finds them.
pub fn fence_spans<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<FenceSpan> {
    let mut spans = Vec::new();
    let mut open: Option<(Fence, usize)> = None;
    for (idx, line) in lines.into_iter().enumerate() {
        match &open {
            None => open = fence_run(line).map(|(fence, _)| (fence, idx)),
            Some((active, start)) => {
                let closes = fence_run(line).is_some_and(|(fence, rest)| {
                    fence.marker == active.marker && fence.len >= active.len && rest.chars().all(is_js_space)
                });
                if closes {
                    spans.push(FenceSpan { open: *start, close: Some(idx) });
                    open = None;
                }
            }
        }
    }
    if let Some((_, start)) = open {
        spans.push(FenceSpan { open: start, close: None });
    }
    spans
}

/// One flag a line: `true` for the opening line, every line inside, and the closing line.
pub fn code_fence_mask<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
    let lines: Vec<&str> = lines.into_iter().collect();
    let mut mask = vec![false; lines.len()];
    for span in fence_spans(lines.iter().copied()) {
        let end = span.close.unwrap_or(lines.len().saturating_sub(1));
        for flag in &mut mask[span.open..=end] {
            *flag = true;
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_follow_the_cli() {
        let lines = ["a", "    ```rust", "```` no", "``` still inside", "````", "b", "~~~", "x"];
        assert_eq!(code_fence_mask(lines), vec![false, true, true, true, true, false, true, true]);
    }
}
