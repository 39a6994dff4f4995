//! A tasks file as the CLI reads it (`utils/task-progress`, `validation/task-numbering`,
//! `validation/task-checkboxes`): checkbox task lines, level-2 group headings and the first
//! plain list item, all with byte ranges. Lines split on `\n` only and a BOM is kept, as Node's
//! `readFile` + `split('\n')` do. Code fences are deliberately NOT respected for tasks and
//! headings: the CLI counts fenced checkboxes. Pure; no diagnostics policy.

use crate::js::{is_js_space, js_length, js_trim, js_trim_end};
use crate::lines::{Bom, Line, LineBreaks, split_lines};
use crate::text::TextRange;

/// A checkbox list item: `- [ ] 1.1 Do it`, `* [x]`, `+ [~]`, `1. [ ]`, `2) [ x ]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskLine<'a> {
    /// Zero-based line number.
    pub line_idx: usize,
    pub line: Line<'a>,
    /// From `[` to `]` inclusive.
    pub checkbox: TextRange,
    /// Only `x`/`X` in the box means done; any other marker (`~`, `-`, nothing) is open work.
    pub done: bool,
    /// The rest of the line after the box, JS-trimmed, up to the first line terminator.
    pub description: &'a str,
    /// A task id opening the description (`1.1`, `3.2.1`, `4.2a`), if there is one.
    pub id: Option<&'a str>,
}

impl TaskLine<'_> {
    pub fn description_range(&self) -> TextRange {
        self.line.range_of(self.description)
    }

    pub fn id_range(&self) -> Option<TextRange> {
        self.id.map(|id| self.line.range_of(id))
    }
}

/// A level-2 ATX heading as the numbering check sees it (`## 1. Setup`, `## Notes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupHeading<'a> {
    pub line_idx: usize,
    pub line: Line<'a>,
    /// The group number as written (`1`, `01`) when the heading is `## <digits>.`.
    pub number: Option<&'a str>,
}

impl GroupHeading<'_> {
    pub fn number_range(&self) -> Option<TextRange> {
        self.number.map(|number| self.line.range_of(number))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TasksDoc<'a> {
    pub lines: Vec<Line<'a>>,
    pub tasks: Vec<TaskLine<'a>>,
    /// Every level-2 heading in document order, numbered or not.
    pub headings: Vec<GroupHeading<'a>>,
}

impl TasksDoc<'_> {
    /// Whether any line is a numbered group heading; the CLI skips numbering checks otherwise.
    pub fn has_numbered_group(&self) -> bool {
        self.headings.iter().any(|heading| heading.number.is_some())
    }

    pub fn completed(&self) -> usize {
        self.tasks.iter().filter(|task| task.done).count()
    }
}

pub fn parse_tasks(text: &str) -> TasksDoc<'_> {
    let lines = split_lines(text, Bom::Keep, LineBreaks::LfOnly);
    let mut tasks = Vec::new();
    let mut headings = Vec::new();
    for (line_idx, line) in lines.iter().enumerate() {
        if is_level_two_heading(line.text) {
            headings.push(GroupHeading { line_idx, line: *line, number: numbered_group(line.text) });
        }
        if let Some(task) = parse_task_line(line_idx, *line) {
            tasks.push(task);
        }
    }
    TasksDoc { lines, tasks, headings }
}

/// Up to three leading spaces, then `##` (returns what follows), as `CommonMark` and the CLI allow.
fn after_hashes(text: &str) -> Option<&str> {
    let indent = text.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    text[indent..].strip_prefix("##")
}

/// `^ {0,3}##(?!#)(?:[ \t]+|[ \t]*\r?$)`.
fn is_level_two_heading(text: &str) -> bool {
    let Some(rest) = after_hashes(text) else {
        return false;
    };
    rest.is_empty() || rest.starts_with([' ', '\t']) || rest == "\r"
}

/// `^ {0,3}##[ \t]+(\d+)\.(?:[ \t]|\r?$)`: the digits.
fn numbered_group(text: &str) -> Option<&str> {
    let rest = after_hashes(text)?;
    let number_start = rest.trim_start_matches([' ', '\t']);
    if number_start.len() == rest.len() {
        return None;
    }
    let n_digits = number_start.bytes().take_while(u8::is_ascii_digit).count();
    let (number, after) = number_start.split_at(n_digits);
    let after = after.strip_prefix('.')?;
    let closes = after.is_empty() || after.starts_with([' ', '\t']) || after == "\r";
    (n_digits > 0 && closes).then_some(number)
}

/// The list marker the CLI accepts before a checkbox or an item: `-`, `*`, `+`, or one to nine
/// digits followed by `.` or `)`. Returns what follows the marker.
fn after_list_marker(text: &str) -> Option<&str> {
    let rest = text.trim_start_matches(is_js_space);
    if let Some(after) = rest.strip_prefix(['-', '*', '+']) {
        return Some(after);
    }
    let n_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&n_digits) {
        return None;
    }
    rest[n_digits..].strip_prefix(['.', ')'])
}

/// `^\s*(?:[-*+]|\d{1,9}[.)])\s*\[(?:\s*([^\]\s]?)\s*\](?![([])|\s+\])\s*(.*)`, done when the
/// captured marker lowercases to `x`.
fn parse_task_line(line_idx: usize, line: Line<'_>) -> Option<TaskLine<'_>> {
    let after_marker = after_list_marker(line.text)?;
    let box_start = after_marker.trim_start_matches(is_js_space);
    let inner_and_rest = box_start.strip_prefix('[')?;
    let close = inner_and_rest.find(']')?;
    let inner = &inner_and_rest[..close];
    let after_box = &inner_and_rest[close + 1..];
    let trimmed = js_trim(inner);
    let whitespace_only = !inner.is_empty() && trimmed.is_empty();
    // The box holds at most one UTF-16 unit that is not whitespace (a JS regex without the `u`
    // flag sees an astral character as two units, so `[😀]` is no box).
    let one_mark = js_length(trimmed) <= 1;
    let continues_link = after_box.starts_with(['(', '[']);
    let matches = (one_mark && !continues_link) || whitespace_only;
    if !matches {
        return None;
    }
    let done = trimmed == "x" || trimmed == "X";
    let box_offset = line.text.len() - box_start.len();
    let checkbox = TextRange::new(line.start + box_offset, line.start + box_offset + close + 2);
    let description_start = after_box.trim_start_matches(is_js_space);
    let line_end = description_start.find(['\r', '\n', '\u{2028}', '\u{2029}']).unwrap_or(description_start.len());
    let description = js_trim(&description_start[..line_end]);
    Some(TaskLine { line_idx, line, checkbox, done, description, id: task_id(description) })
}

/// `^(\d+(?:\.\d+)+(?:[A-Za-z]+)?)(?=\s|$)`: the first whitespace-delimited word when it is
/// dot-separated digit groups (at least two) with an optional letter suffix.
fn task_id(description: &str) -> Option<&str> {
    let end = description.find(is_js_space).unwrap_or(description.len());
    let word = &description[..end];
    let letters = word.bytes().rev().take_while(u8::is_ascii_alphabetic).count();
    let numeric = &word[..word.len() - letters];
    let mut groups = numeric.split('.');
    let n_groups = numeric.split('.').count();
    let well_formed =
        n_groups >= 2 && groups.all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()));
    well_formed.then_some(word)
}

/// Zero-based line of the first plain list item in rendered content (front matter, fenced
/// blocks, HTML comments and top-level indented code skipped), as `task-checkboxes` finds the
/// line to point its "no checkbox" warning at.
pub fn first_list_item_line(doc: &TasksDoc<'_>) -> Option<usize> {
    struct OpenFence {
        marker: u8,
        len: usize,
    }
    let lines = &doc.lines;
    let mut open_fence: Option<OpenFence> = None;
    let mut in_comment = false;
    for (line_idx, line) in lines.iter().enumerate().skip(front_matter_end(lines)) {
        let text = line.text;
        if in_comment {
            if text.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if let Some((marker, len, info)) = fence_delimiter(text) {
            match &open_fence {
                None => open_fence = Some(OpenFence { marker, len }),
                Some(open) if marker == open.marker && len >= open.len && js_trim(info).is_empty() => open_fence = None,
                Some(_) => {}
            }
            continue;
        }
        if open_fence.is_some() {
            continue;
        }
        // Only a comment that opens the line hides it.
        if text.trim_start_matches(is_js_space).starts_with("<!--") {
            let after_open = text.find("<!--").map_or("", |at| &text[at + 4..]);
            if !after_open.contains("-->") {
                in_comment = true;
            }
            continue;
        }
        if is_list_item(text) && indent_columns(text) < 4 {
            return Some(line_idx);
        }
    }
    None
}

/// Index of the first line after a `---` front-matter block, or 0 without a closed one.
fn front_matter_end(lines: &[Line<'_>]) -> usize {
    let is_delimiter = |text: &str| js_trim_end(text) == "---";
    let Some(first) = lines.first() else { return 0 };
    if !is_delimiter(first.text.strip_prefix('\u{FEFF}').unwrap_or(first.text)) {
        return 0;
    }
    lines.iter().skip(1).position(|line| is_delimiter(line.text)).map_or(0, |at| at + 2)
}

/// Up to three spaces, then a run of three or more backticks or tildes: the marker byte, the run
/// length and the rest of the line (to the first line terminator).
fn fence_delimiter(text: &str) -> Option<(u8, usize, &str)> {
    let indent = text.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &text[indent..];
    let marker = *rest.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == marker).count();
    if len < 3 {
        return None;
    }
    let info = &rest[len..];
    let info_end = info.find(['\r', '\u{2028}', '\u{2029}']).unwrap_or(info.len());
    Some((marker, len, &info[..info_end]))
}

/// `^\s*(?:[-*+]|\d{1,9}[.)])\s+\S`.
fn is_list_item(text: &str) -> bool {
    let Some(after) = after_list_marker(text) else {
        return false;
    };
    let rest = after.trim_start_matches(is_js_space);
    rest.len() < after.len() && !rest.is_empty()
}

/// Leading spaces and tabs in visual columns, a tab advancing to the next multiple of four.
fn indent_columns(text: &str) -> usize {
    let mut column = 0;
    for ch in text.chars() {
        match ch {
            ' ' => column += 1,
            '\t' => column += 4 - column % 4,
            _ => break,
        }
    }
    column
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{Expect, expect};

    use super::*;

    fn check(text: &str, expect: &Expect) {
        let doc = parse_tasks(text);
        let mut out = String::new();
        for heading in &doc.headings {
            let _ = writeln!(out, "heading L{} number={:?}", heading.line_idx + 1, heading.number);
        }
        for task in &doc.tasks {
            let checkbox = &text[task.checkbox.start..task.checkbox.end];
            let _ = writeln!(
                out,
                "task L{} {} done={} id={:?} desc={:?}",
                task.line_idx + 1,
                checkbox,
                task.done,
                task.id,
                task.description
            );
            if let Some(range) = task.id_range() {
                assert_eq!(Some(&text[range.start..range.end]), task.id);
            }
        }
        let _ = writeln!(out, "first list item: {:?}", first_list_item_line(&doc).map(|idx| idx + 1));
        expect.assert_eq(&out);
    }

    #[test]
    fn checkbox_spellings_of_1_13_2() {
        check(
            "## 1. Setup\n- [ ] 1.1 open\n- [x] 1.2 done\n* [X] 1.3 star\n+ [~] 1.4 tilde\n1. [] 1.5 empty\n2) [ x ] 1.6 padded\n  - [ ] 1.6.1 nested\n- [A](https://x) link\n- [ ](x) spaced link still counts\n- [WIP] dropped\n- [😀] astral\n-[x]tight\n- [ ] 4.2a suffix\n- [ ] 1.1. trailing dot\n- [ ] 1 single\n\u{FEFF}- [ ] bom\n- [ ] \rfoo\n- [é] e\n1234567890. [ ] ten\n- [\u{a0}] nbsp\n- []( link\n",
            &expect![[r#"
                heading L1 number=Some("1")
                task L2 [ ] done=false id=Some("1.1") desc="1.1 open"
                task L3 [x] done=true id=Some("1.2") desc="1.2 done"
                task L4 [X] done=true id=Some("1.3") desc="1.3 star"
                task L5 [~] done=false id=Some("1.4") desc="1.4 tilde"
                task L6 [] done=false id=Some("1.5") desc="1.5 empty"
                task L7 [ x ] done=true id=Some("1.6") desc="1.6 padded"
                task L8 [ ] done=false id=Some("1.6.1") desc="1.6.1 nested"
                task L10 [ ] done=false id=None desc="(x) spaced link still counts"
                task L13 [x] done=true id=None desc="tight"
                task L14 [ ] done=false id=Some("4.2a") desc="4.2a suffix"
                task L15 [ ] done=false id=None desc="1.1. trailing dot"
                task L16 [ ] done=false id=None desc="1 single"
                task L17 [ ] done=false id=None desc="bom"
                task L18 [ ] done=false id=None desc="foo"
                task L19 [é] done=false id=None desc="e"
                task L21 [ ] done=false id=None desc="nbsp"
                first list item: Some(2)
            "#]],
        );
    }

    #[test]
    fn headings_and_crlf() {
        check(
            "\u{FEFF}## 1. Hidden by BOM\r\n- [ ] 1.1 a\r\n##\r\n## 02.\r\n    ## 3. too deep\r\n   ## 4.\tok\r\n### 5. level three\r\n##5. no space\r\n- [ ] \r",
            &expect![[r#"
                heading L3 number=None
                heading L4 number=Some("02")
                heading L6 number=Some("4")
                task L2 [ ] done=false id=Some("1.1") desc="1.1 a"
                task L9 [ ] done=false id=None desc=""
                first list item: Some(2)
            "#]],
        );
    }

    #[test]
    fn first_list_item_skips_rendered_noise() {
        check(
            "---\ntags:\n  - a\n---\n```\n- fenced\n```\n<!-- - hidden\n-->\n    - code\n- real item\n",
            &expect![[r#"
            first list item: Some(11)
        "#]],
        );
        check(
            "----\n- after break\n",
            &expect![[r#"
            first list item: Some(2)
        "#]],
        );
        check(
            "## 1. <!-- Task Group -->\n1. first\n",
            &expect![[r#"
            heading L1 number=Some("1")
            first list item: Some(2)
        "#]],
        );
        check(
            "```\n- never closed\n",
            &expect![[r#"
            first list item: None
        "#]],
        );
    }
}
