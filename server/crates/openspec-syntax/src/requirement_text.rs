//! How the CLI reads one requirement block (`core/parsers/requirement-text.js`): its body text,
//! its scenarios, the SHALL/MUST test and the name fold. Works over lines that keep their byte
//! offsets so callers can point at text; it decides nothing about what is an error.

use crate::fence::code_fence_mask;
use crate::js::{is_js_space, js_trim, js_trim_end};
use crate::lines::Line;
use crate::text::TextRange;

/// Number of leading `#`s when they are followed by a JS `\s` character (`^(#+)\s`), else `None`.
/// The callers bound the count: `^#{1,6}\s` is `Some(1..=6)`, `^####\s` is `Some(4)`.
pub fn atx_hashes_then_space(text: &str) -> Option<usize> {
    let n_hashes = text.bytes().take_while(|&b| b == b'#').count();
    let next = text.get(n_hashes..)?.chars().next()?;
    (n_hashes > 0 && is_js_space(next)).then_some(n_hashes)
}

/// `^#{1,6}\s`: any Markdown header line, where a requirement body ends.
pub fn is_header_line(text: &str) -> bool {
    atx_hashes_then_space(text).is_some_and(|n| n <= 6)
}

/// `^####\s+`: a level-4 header. The CLI treats every level-4 child of a requirement as a
/// scenario, whatever its title, so this does not look for `Scenario:`.
pub fn is_scenario_header(text: &str) -> bool {
    atx_hashes_then_space(text) == Some(4)
}

/// `^#{1,4}\s`: a header at scenario level or above, where a scenario body ends.
fn is_scenario_body_end(text: &str) -> bool {
    atx_hashes_then_space(text).is_some_and(|n| n <= 4)
}

/// `^\*\*[^*]+\*\*:` on a trimmed line: `**ID**: ...`, `**Priority**: ...` metadata.
fn is_metadata_line(trimmed: &str) -> bool {
    let Some(rest) = trimmed.strip_prefix("**") else {
        return false;
    };
    let n_key = rest.bytes().take_while(|&b| b != b'*').count();
    n_key > 0 && rest.get(n_key..).is_some_and(|tail| tail.starts_with("**:"))
}

/// A trimmed piece of a source line, with its place in the file.
fn trimmed_line<'a>(line: &Line<'a>) -> Line<'a> {
    let trimmed = js_trim(line.text);
    Line { text: trimmed, start: line.range_of(trimmed).start }
}

/// The requirement body as the CLI captures it: trimmed, non-blank, unfenced lines before the
/// first header, without `**metadata**:` lines unless they are all there is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementBody<'a> {
    /// Each captured line, trimmed; `start` points into the original text.
    pub lines: Vec<Line<'a>>,
    /// The body is made only of metadata lines, which then count as the body.
    pub metadata_only: bool,
}

impl RequirementBody<'_> {
    /// The captured lines joined with `\n`: the string the CLI tests and displays.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (idx, line) in self.lines.iter().enumerate() {
            if idx > 0 {
                out.push('\n');
            }
            out.push_str(line.text);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Range of the first captured line (trimmed), where a finding about the body belongs.
    pub fn first_line_range(&self) -> Option<TextRange> {
        self.lines.first().map(Line::range)
    }

    /// Range of the first `SHALL`/`MUST` in the body, if any.
    pub fn shall_or_must_range(&self) -> Option<TextRange> {
        self.lines.iter().find_map(|line| {
            let at = find_shall_or_must(line.text)?;
            let len = if line.text[at..].starts_with("SHALL") { 5 } else { 4 };
            Some(TextRange::new(line.start + at, line.start + at + len))
        })
    }
}

/// Reads the body of a requirement from the lines after its header (`extractRequirementBody`).
pub fn read_requirement_body<'a>(body_lines: &[Line<'a>]) -> RequirementBody<'a> {
    let mask = code_fence_mask(body_lines.iter().map(|line| line.text));
    let mut captured = Vec::new();
    let mut metadata = Vec::new();
    for (line, fenced) in body_lines.iter().zip(mask) {
        if fenced {
            continue;
        }
        if is_header_line(line.text) {
            break;
        }
        let trimmed = trimmed_line(line);
        if trimmed.text.is_empty() {
            continue;
        }
        if is_metadata_line(trimmed.text) {
            metadata.push(trimmed);
        } else {
            captured.push(trimmed);
        }
    }
    if captured.is_empty() {
        let metadata_only = !metadata.is_empty();
        return RequirementBody { lines: metadata, metadata_only };
    }
    RequirementBody { lines: captured, metadata_only: false }
}

/// The lines of `lines.join('\n').trimEnd().split('\n')`: trailing blank lines dropped and the
/// last line's trailing whitespace cut. The CLI splits a block's `raw` (which it trims so) to
/// read the body, and the cut matters: a trailing `###  ` becomes `###`, which is no header.
pub fn trim_end_lines<'a>(lines: &[Line<'a>]) -> Vec<Line<'a>> {
    let n_kept = lines.iter().rposition(|line| !js_trim_end(line.text).is_empty()).map_or(0, |last| last + 1);
    let mut kept = lines.get(..n_kept).unwrap_or_default().to_vec();
    if let Some(last) = kept.last_mut() {
        last.text = js_trim_end(last.text);
    }
    kept
}

/// `extractRequirementBody`: the body text, empty when there is none.
pub fn extract_requirement_body(body_lines: &[Line<'_>]) -> String {
    read_requirement_body(body_lines).text()
}

/// `extractRequirementText`: the body, or the trimmed header title when the body is empty.
pub fn extract_requirement_text(header_title: &str, body_lines: &[Line<'_>]) -> String {
    let body = extract_requirement_body(body_lines);
    if body.is_empty() { js_trim(header_title).to_owned() } else { body }
}

/// One level-4 header inside a requirement block and the lines under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioBlock<'a> {
    pub header: Line<'a>,
    /// Lines up to the next unfenced header of level 1-4 (a `#####` header stays inside).
    pub body: Vec<Line<'a>>,
}

impl ScenarioBlock<'_> {
    /// `hasScenarioBody`: a scenario whose body is blank is not a scenario.
    pub fn has_body(&self) -> bool {
        has_scenario_body(&self.body)
    }
}

/// Every unfenced `#### ` header in a requirement block with its body (`readScenarioBodies`).
pub fn scenario_blocks<'a>(body_lines: &[Line<'a>]) -> Vec<ScenarioBlock<'a>> {
    let mask = code_fence_mask(body_lines.iter().map(|line| line.text));
    let is_fenced = |idx: usize| mask.get(idx).copied().unwrap_or(false);
    let mut blocks = Vec::new();
    for (idx, header) in body_lines.iter().enumerate() {
        if is_fenced(idx) || !is_scenario_header(header.text) {
            continue;
        }
        let mut end = idx + 1;
        while let Some(line) = body_lines.get(end) {
            if !is_fenced(end) && is_scenario_body_end(line.text) {
                break;
            }
            end += 1;
        }
        let body = body_lines.get(idx + 1..end).unwrap_or_default().to_vec();
        blocks.push(ScenarioBlock { header: *header, body });
    }
    blocks
}

/// `hasScenarioBody` over lines: true when any line has non-whitespace text.
pub fn has_scenario_body(body: &[Line<'_>]) -> bool {
    body.iter().any(|line| !js_trim(line.text).is_empty())
}

/// `countScenarios`: level-4 headers with a non-blank body.
pub fn count_scenarios(body_lines: &[Line<'_>]) -> usize {
    scenario_blocks(body_lines).iter().filter(|block| block.has_body()).count()
}

/// `countEmptyScenarios`: level-4 headers with nothing under them.
pub fn count_empty_scenarios(body_lines: &[Line<'_>]) -> usize {
    scenario_blocks(body_lines).iter().filter(|block| !block.has_body()).count()
}

fn is_ascii_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Byte offset of the first `SHALL` or `MUST` standing as a whole word, where "word" is JS's
/// non-Unicode `\b`: only ASCII letters, digits and `_` join a word, so `ÉSHALL` still matches.
pub fn find_shall_or_must(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let word_at = |idx: Option<usize>| idx.and_then(|i| bytes.get(i)).is_some_and(|&b| is_ascii_word_byte(b));
    (0..bytes.len()).find(|&at| {
        let rest = &bytes[at..];
        let len = if rest.starts_with(b"SHALL") {
            5
        } else if rest.starts_with(b"MUST") {
            4
        } else {
            return false;
        };
        !word_at(at.checked_sub(1)) && !word_at(Some(at + len))
    })
}

/// `containsShallOrMust`: the one normative-keyword test (uppercase, whole word).
pub fn contains_shall_or_must(text: &str) -> bool {
    find_shall_or_must(text).is_some()
}

/// `normalizeRequirementName`: drops a closing ATX `#` run (only when a space or tab precedes
/// it, so `C#` keeps its `#`), then JS-trims. Returns a sub-slice of `name`, so callers can map
/// it back to a range.
pub fn normalize_requirement_name(name: &str) -> &str {
    let is_blank = |ch: char| ch == ' ' || ch == '\t';
    let without_trailing_blanks = name.trim_end_matches(is_blank);
    let without_hashes = without_trailing_blanks.trim_end_matches('#');
    let closed = without_hashes.len() < without_trailing_blanks.len() && without_hashes.ends_with(is_blank);
    let kept = if closed { without_hashes.trim_end_matches(is_blank) } else { name };
    js_trim(kept)
}

/// Whether `name` ends in a closing ATX `#` run that `normalize_requirement_name` drops.
pub fn has_closing_hashes(name: &str) -> bool {
    let trimmed = js_trim(name);
    normalize_requirement_name(name).len() < trimmed.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::{Bom, LineBreaks, split_lines};
    use expect_test::{Expect, expect};
    use std::fmt::Write;

    fn check(body: &str, expect: &Expect) {
        let lines = split_lines(body, Bom::Strip, LineBreaks::Any);
        let blocks = scenario_blocks(&lines);
        let read = read_requirement_body(&lines);
        let mut out = format!(
            "body: {:?} metadata_only={} first={:?}\ntext: {:?}\nshall_or_must: {:?}\n",
            read.text(),
            read.metadata_only,
            read.first_line_range(),
            extract_requirement_text(" Title ", &lines),
            read.shall_or_must_range().map(|r| &body[r.start..r.end]),
        );
        for block in &blocks {
            let _ = writeln!(out, "scenario [{}] has_body={}", block.header.text, block.has_body());
        }
        let _ = writeln!(out, "count={} empty={}", count_scenarios(&lines), count_empty_scenarios(&lines));
        expect.assert_eq(&out);
    }

    #[test]
    fn body_stops_at_first_unfenced_header_and_skips_fences() {
        check(
            "  The system\r\n\r\n  SHALL wrap.\n  ```\n  #### Scenario: fenced\n  ```\n#### Scenario: a\n- x\n##### Deeper\n#### Scenario: empty\n\n#### Scenario: b\n```\n### fenced\n```\n",
            &expect![[r#"
                body: "The system\nSHALL wrap." metadata_only=false first=Some(TextRange { start: 2, end: 12 })
                text: "The system\nSHALL wrap."
                shall_or_must: Some("SHALL")
                scenario [#### Scenario: a] has_body=true
                scenario [#### Scenario: empty] has_body=false
                scenario [#### Scenario: b] has_body=true
                count=2 empty=1
            "#]],
        );
    }

    #[test]
    fn metadata_only_body_is_the_body_and_empty_body_falls_back_to_title() {
        check(
            "**ID**: R1\n**Constraint**: It MUST hold.\n",
            &expect![[r#"
                body: "**ID**: R1\n**Constraint**: It MUST hold." metadata_only=true first=Some(TextRange { start: 0, end: 10 })
                text: "**ID**: R1\n**Constraint**: It MUST hold."
                shall_or_must: Some("MUST")
                count=0 empty=0
            "#]],
        );
        check(
            "**ID**: R1\nThe thing.\n#####not a header\n",
            &expect![[r#"
                body: "The thing.\n#####not a header" metadata_only=false first=Some(TextRange { start: 11, end: 21 })
                text: "The thing.\n#####not a header"
                shall_or_must: None
                count=0 empty=0
            "#]],
        );
        check(
            "\n#### Scenario: x\n",
            &expect![[r#"
                body: "" metadata_only=false first=None
                text: "Title"
                shall_or_must: None
                scenario [#### Scenario: x] has_body=false
                count=0 empty=1
            "#]],
        );
    }

    #[test]
    fn trailing_whitespace_is_cut_like_trim_end() {
        let lines = split_lines("a\n###  \n \n", Bom::Strip, LineBreaks::Any);
        let kept: Vec<_> = trim_end_lines(&lines).iter().map(|line| line.text).collect();
        assert_eq!(kept, vec!["a", "###"]);
        // A body that ends in a bare `###  ` line is that text, not an empty body.
        assert_eq!(extract_requirement_body(&trim_end_lines(&lines[1..])), "###");
        assert!(trim_end_lines(&lines[2..]).is_empty());
    }

    #[test]
    fn keywords_use_ascii_word_boundaries() {
        assert!(contains_shall_or_must("It SHALL go"));
        assert!(contains_shall_or_must("MUST"));
        assert!(contains_shall_or_must("ÉSHALL"));
        assert!(contains_shall_or_must("(MUST)"));
        assert!(!contains_shall_or_must("SHALLOW"));
        assert!(!contains_shall_or_must("shall"));
        assert!(!contains_shall_or_must("_MUST"));
        assert!(!contains_shall_or_must("MUST2"));
        assert_eq!(find_shall_or_must("MUSTY MUST"), Some(6));
    }

    #[test]
    fn names_drop_only_a_real_closing_run() {
        assert_eq!(normalize_requirement_name(" Foo ### "), "Foo");
        assert_eq!(normalize_requirement_name("C#"), "C#");
        assert_eq!(normalize_requirement_name("###"), "###");
        assert_eq!(normalize_requirement_name("a # #"), "a #");
        assert_eq!(normalize_requirement_name("a\u{A0}##"), "a\u{A0}##");
        assert_eq!(normalize_requirement_name("Ünïcode\t#\t"), "Ünïcode");
        assert!(has_closing_hashes("Foo ##"));
        assert!(!has_closing_hashes("C#"));
        assert!(is_header_line("###### x"));
        assert!(!is_header_line("####### x"));
        assert!(!is_header_line("#x"));
        assert!(is_scenario_header("####\u{A0}x"));
        assert!(!is_scenario_header("##### x"));
    }
}
