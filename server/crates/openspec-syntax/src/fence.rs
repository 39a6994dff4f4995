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

/// One flag a line: `true` for the opening line, every line inside, and the closing line.
pub fn code_fence_mask<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
    let mut mask = Vec::new();
    let mut open: Option<Fence> = None;
    for line in lines {
        match &open {
            None => {
                let opened = fence_run(line).map(|(fence, _)| fence);
                mask.push(opened.is_some());
                open = opened;
            }
            Some(active) => {
                mask.push(true);
                let closes = fence_run(line).is_some_and(|(fence, rest)| {
                    fence.marker == active.marker
                        && fence.len >= active.len
                        && rest.chars().all(is_js_space)
                });
                if closes {
                    open = None;
                }
            }
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
        assert_eq!(
            code_fence_mask(lines),
            vec![false, true, true, true, true, false, true, true]
        );
    }
}
