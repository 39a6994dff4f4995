//! A main spec (`openspec/specs/<cap>/spec.md`) as two of the CLI's readers see it: the
//! section tree of `markdown-parser.js` (reader A: Purpose, Requirements, requirements and
//! scenarios) and the structure scan of `spec-structure.js` (reader C). Reader B lives in
//! `requirement_blocks`. Each reader is copied exactly, disagreements included; none judges.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::fence::code_fence_mask;
use crate::headers::{header_captures, header_match, is_top_level_header};
use crate::js::{JS_DOT_CLASS, JS_SPACE_CLASS, js_trim, js_trim_end, js_trim_start};
use crate::lines::{Bom, Line, LineBreaks, split_lines};
use crate::requirement_text::{
    RequirementBody, extract_requirement_text, is_header_line, normalize_requirement_name, read_requirement_body,
};
use crate::text::TextRange;

/// `^(#{1,6})\s+(.+)$`: a header of the section tree. No indentation, `.` stops at U+2028.
static SECTION_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    regex(&format!(r"^(#{{1,6}}){s}+({dot}+)$"))
});

/// `^##\s+Requirements\s*$` (case-insensitive): the structure scan's Requirements header.
static REQUIREMENTS_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let s = JS_SPACE_CLASS;
    regex(&format!(r"^##{s}+(?i-u:requirements){s}*$"))
});

/// `^##\s+(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$` (case-insensitive).
static DELTA_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let s = JS_SPACE_CLASS;
    regex(&format!(r"^##{s}+(?i-u:added|modified|removed|renamed){s}+(?i-u:requirements){s}*$"))
});

/// `^###\s+Requirement:\s*(.+)\s*$` (case-insensitive): unlike reader B, a space after `###`
/// is required.
static REQUIREMENT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    regex(&format!(r"^###{s}+(?i-u:requirement):{s}*({dot}+){s}*$"))
});

fn regex(pattern: &str) -> Regex {
    // The patterns are constants of this file; a typo is a bug every test catches.
    Regex::new(pattern).expect("spec pattern compiles")
}

/// One header of the section tree and everything under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section<'a> {
    /// 1-6, the number of `#`s.
    pub level: usize,
    /// The header line as written.
    pub header: Line<'a>,
    /// 1-based line number, counted after the BOM is dropped (as the CLI counts).
    pub line_number: usize,
    /// The trimmed title; ATX closing `#`s are kept, as the CLI keeps them.
    pub title: &'a str,
    /// The content as the CLI holds it: the lines up to the next header of the same or a higher
    /// level (deeper headers included), with the blank lines at both ends dropped and the first
    /// and last line trimmed at their outer side (`lines.join('\n').trim()`).
    pub content: Vec<Line<'a>>,
    pub children: Vec<Section<'a>>,
    /// Byte offset where the section's lines end: the start of the line that closes it (the
    /// next header of the same or a higher level), or the end of the text.
    pub end: usize,
}

impl Section<'_> {
    /// The header line's trimmed text: where findings about the section belong.
    pub fn header_range(&self) -> TextRange {
        self.header.trimmed_range()
    }

    pub fn title_range(&self) -> TextRange {
        self.header.range_of(self.title)
    }

    /// The content joined with `\n`: the CLI's `section.content`.
    pub fn content_text(&self) -> String {
        join_lines(&self.content)
    }

    pub fn has_content(&self) -> bool {
        !self.content.is_empty()
    }

    /// Whether the title equals `title` after JS `toLowerCase` on both sides.
    pub fn is_titled(&self, title: &str) -> bool {
        self.title.to_lowercase() == title.to_lowercase()
    }
}

fn join_lines(lines: &[Line<'_>]) -> String {
    let mut out = String::new();
    for (idx, line) in lines.iter().enumerate() {
        if idx > 0 {
            out.push('\n');
        }
        out.push_str(line.text);
    }
    out
}

/// `lines.join('\n').trim()` kept as lines: blank lines at both ends go, and the first and
/// last remaining lines lose their leading and trailing whitespace.
fn trim_content<'a>(lines: &[Line<'a>]) -> Vec<Line<'a>> {
    let is_blank = |line: &&Line<'_>| js_trim(line.text).is_empty();
    let Some(first) = lines.iter().position(|line| !is_blank(&line)) else {
        return Vec::new();
    };
    let last = lines.iter().rposition(|line| !is_blank(&line)).unwrap_or(first);
    let mut kept = lines.get(first..=last).unwrap_or_default().to_vec();
    if let Some(head) = kept.first_mut() {
        let text = js_trim_start(head.text);
        *head = Line { text, start: head.range_of(text).start };
    }
    if let Some(tail) = kept.last_mut() {
        tail.text = js_trim_end(tail.text);
    }
    kept
}

/// The section tree of `MarkdownParser.parseSections` over `text`: a leading BOM is dropped,
/// every line ending counts, fenced lines are never headers.
pub fn parse_sections(text: &str) -> Vec<Section<'_>> {
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let mask = code_fence_mask(lines.iter().map(|line| line.text));
    let fenced = |idx: usize| mask.get(idx).copied().unwrap_or(false);

    // Headers first, flat, each with its content; then nest them by level with a stack.
    let mut flat: Vec<Section<'_>> = Vec::new();
    for (idx, line) in lines.iter().enumerate() {
        if fenced(idx) {
            continue;
        }
        let Some(captures) = header_captures(&SECTION_HEADER, line.text) else {
            continue;
        };
        let (Some(hashes), Some(rest)) = (captures.get(1), captures.get(2)) else {
            continue;
        };
        let level = hashes.as_str().len();
        // Content ends at the next header of this level or higher; this test (`^#{1,6}\s`)
        // is looser than the header test, so `## ` with nothing after it still ends it.
        let mut end = idx + 1;
        while let Some(next) = lines.get(end) {
            let closes = !fenced(end)
                && is_header_line(next.text)
                && next.text.bytes().take_while(|&b| b == b'#').count() <= level;
            if closes {
                break;
            }
            end += 1;
        }
        flat.push(Section {
            level,
            header: *line,
            line_number: idx + 1,
            title: js_trim(rest.as_str()),
            content: trim_content(lines.get(idx + 1..end).unwrap_or_default()),
            children: Vec::new(),
            end: lines.get(end).map_or(text.len(), |line| line.start),
        });
    }
    nest(flat)
}

/// Builds the tree: a header becomes a child of the nearest earlier header of a lower level.
fn nest(flat: Vec<Section<'_>>) -> Vec<Section<'_>> {
    let mut roots: Vec<Section<'_>> = Vec::new();
    let mut stack: Vec<Section<'_>> = Vec::new();
    for section in flat {
        while stack.last().is_some_and(|open| open.level >= section.level) {
            close_top(&mut stack, &mut roots);
        }
        stack.push(section);
    }
    while !stack.is_empty() {
        close_top(&mut stack, &mut roots);
    }
    roots
}

fn close_top<'a>(stack: &mut Vec<Section<'a>>, roots: &mut Vec<Section<'a>>) {
    let Some(done) = stack.pop() else {
        return;
    };
    match stack.last_mut() {
        Some(parent) => parent.children.push(done),
        None => roots.push(done),
    }
}

/// `findSection`: the first section in document order (depth first) titled `title`, at any
/// level, compared lowercased.
pub fn find_section<'s, 'a>(sections: &'s [Section<'a>], title: &str) -> Option<&'s Section<'a>> {
    sections.iter().find_map(|section| {
        if section.is_titled(title) {
            return Some(section);
        }
        find_section(&section.children, title)
    })
}

/// Every section in document order, depth first.
pub fn walk_sections<'s, 'a>(sections: &'s [Section<'a>], out: &mut Vec<&'s Section<'a>>) {
    for section in sections {
        out.push(section);
        walk_sections(&section.children, out);
    }
}

/// A main spec through reader A (`MarkdownParser.parseSpec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecDoc<'a> {
    pub sections: Vec<Section<'a>>,
}

/// One requirement of reader A: a direct child header of the Requirements section, whatever
/// its title (`### Requirement: X`, `### Notes`, a `####` placed right under `##`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement<'s, 'a> {
    pub section: &'s Section<'a>,
    /// The body lines the CLI reads (`extractRequirementBody` over the section content).
    pub body: RequirementBody<'a>,
    /// `extractRequirementText`: the body, or the header title when there is none.
    pub text: String,
    /// Child sections with content: the scenarios the CLI counts.
    pub scenarios: Vec<&'s Section<'a>>,
    /// Child sections without content, which the CLI silently drops.
    pub empty_scenarios: Vec<&'s Section<'a>>,
}

impl<'a> SpecDoc<'a> {
    pub fn parse(text: &'a str) -> Self {
        Self { sections: parse_sections(text) }
    }

    /// The first section titled Purpose (any level); the CLI needs its content non-empty.
    pub fn purpose(&self) -> Option<&Section<'a>> {
        find_section(&self.sections, "Purpose")
    }

    /// The first section titled Requirements (any level), even a `### Requirements` under Purpose.
    pub fn requirements_section(&self) -> Option<&Section<'a>> {
        find_section(&self.sections, "Requirements")
    }

    /// The Purpose content trimmed: the CLI's `overview` (empty when there is no Purpose).
    pub fn overview(&self) -> String {
        self.purpose().map(Section::content_text).unwrap_or_default()
    }

    /// The requirements of the Requirements section, in order (the CLI's `requirements[i]`).
    pub fn requirements(&self) -> Vec<Requirement<'_, 'a>> {
        let Some(section) = self.requirements_section() else {
            return Vec::new();
        };
        section.children.iter().map(read_requirement).collect()
    }
}

/// One requirement of reader A read from its section (a direct child of the Requirements
/// section): what `SpecDoc::requirements` gives for it.
pub fn read_requirement<'s, 'a>(section: &'s Section<'a>) -> Requirement<'s, 'a> {
    let (scenarios, empty_scenarios) = section.children.iter().partition(|child| child.has_content());
    Requirement {
        section,
        body: read_requirement_body(&section.content),
        text: extract_requirement_text(section.title, &section.content),
        scenarios,
        empty_scenarios,
    }
}

/// What the structure scan (reader C) found wrong on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StructureIssueKind<'a> {
    /// A `## ADDED Requirements`-style header anywhere in a main spec.
    DeltaHeader,
    /// A `### Requirement:` header outside the first `## Requirements` range.
    RequirementOutsideRequirements,
    /// A second `### Requirement:` with the same normalised name; `first` is the earlier one.
    DuplicateRequirement { first: Line<'a>, first_line_number: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructureIssue<'a> {
    pub kind: StructureIssueKind<'a>,
    pub line: Line<'a>,
    /// 1-based, counted as the scan counts (a BOM is kept in line 1).
    pub line_number: usize,
    /// The trimmed line, which the CLI quotes.
    pub header: &'a str,
}

impl StructureIssue<'_> {
    pub fn range(&self) -> TextRange {
        self.line.range_of(self.header)
    }
}

/// `findMainSpecStructureIssues`: fenced lines blanked, CR normalised, the BOM kept (so a BOM
/// before `## Requirements` hides that header from this scan).
pub fn structure_issues(text: &str) -> Vec<StructureIssue<'_>> {
    let all_lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    let mask = code_fence_mask(all_lines.iter().map(|line| line.text));
    let lines: Vec<Line<'_>> = all_lines
        .iter()
        .zip(mask)
        .map(|(line, fenced)| if fenced { Line { text: "", start: line.start } } else { *line })
        .collect();

    let requirements_start = lines.iter().position(|line| header_match(&REQUIREMENTS_HEADER, line.text));
    let requirements_end = requirements_start.map_or(lines.len(), |start| {
        (start + 1..lines.len())
            .find(|&idx| lines.get(idx).is_some_and(|line| is_top_level_header(line.text)))
            .unwrap_or(lines.len())
    });

    let mut issues = Vec::new();
    // A map, not a list: a spec with many requirements would otherwise cost quadratic time.
    let mut first_by_name: HashMap<&str, (Line<'_>, usize)> = HashMap::new();
    for (idx, line) in lines.iter().enumerate() {
        let header = js_trim(line.text);
        if header.is_empty() {
            continue;
        }
        let line_number = idx + 1;
        if header_match(&DELTA_HEADER, line.text) {
            issues.push(StructureIssue { kind: StructureIssueKind::DeltaHeader, line: *line, line_number, header });
            continue;
        }
        let Some(capture) = header_captures(&REQUIREMENT_HEADER, line.text).and_then(|captures| captures.get(1)) else {
            continue;
        };
        let inside = requirements_start.is_some_and(|start| idx > start && idx < requirements_end);
        if !inside {
            let kind = StructureIssueKind::RequirementOutsideRequirements;
            issues.push(StructureIssue { kind, line: *line, line_number, header });
            continue;
        }
        let name = normalize_requirement_name(capture.as_str());
        match first_by_name.get(name) {
            Some(&(first, first_line_number)) => {
                let kind = StructureIssueKind::DuplicateRequirement { first, first_line_number };
                issues.push(StructureIssue { kind, line: *line, line_number, header });
            }
            None => {
                first_by_name.insert(name, (*line, line_number));
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};
    use std::fmt::Write;

    fn dump_sections(out: &mut String, sections: &[Section<'_>], depth: usize) {
        for section in sections {
            let indent = "  ".repeat(depth);
            let _ = writeln!(
                out,
                "{indent}h{} line {} [{}] content=<{}>",
                section.level,
                section.line_number,
                section.title,
                section.content_text().escape_debug()
            );
            dump_sections(out, &section.children, depth + 1);
        }
    }

    fn check(text: &str, expect: &Expect) {
        let spec_doc = SpecDoc::parse(text);
        let mut out = String::new();
        dump_sections(&mut out, &spec_doc.sections, 0);
        let _ = writeln!(out, "purpose: {:?}", spec_doc.purpose().map(|s| s.line_number));
        let _ = writeln!(out, "requirements: {:?}", spec_doc.requirements_section().map(|s| s.line_number));
        for requirement in spec_doc.requirements() {
            let title_range = requirement.section.title_range();
            let _ = writeln!(
                out,
                "req [{}] text=<{}> scenarios={} empty={}",
                &text[title_range.start..title_range.end],
                requirement.text.escape_debug(),
                requirement.scenarios.len(),
                requirement.empty_scenarios.len()
            );
        }
        for issue in structure_issues(text) {
            let range = issue.range();
            let _ = writeln!(out, "C line {} {:?} [{}]", issue.line_number, issue.kind, &text[range.start..range.end]);
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn reads_a_canonical_spec() {
        check(
            "# Auth Specification\n## Purpose\nWhy auth.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x\n",
            &expect![[r"
                h1 line 1 [Auth Specification] content=<## Purpose\nWhy auth.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x>
                  h2 line 2 [Purpose] content=<Why auth.>
                  h2 line 5 [Requirements] content=<### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x>
                    h3 line 6 [Requirement: Login] content=<The system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x>
                      h4 line 9 [Scenario: ok] content=<- **WHEN** x>
                purpose: Some(2)
                requirements: Some(5)
                req [Requirement: Login] text=<The system SHALL log in.> scenarios=1 empty=0
            "]],
        );
    }

    #[test]
    fn fences_crlf_bom_and_non_ascii() {
        check(
            "\u{FEFF}## Purpose\r\nZweck.\r\n## Requirements\r\n### Requirement: Übersetzung ##\r\n  ```md\r\n## Fake\r\n  ```\r\nDas System SHALL.\r\n##### Scenario: deep\r\nbody\r\n#### Scenario: empty\r\n",
            &expect![[r"
                h2 line 1 [Purpose] content=<Zweck.>
                h2 line 3 [Requirements] content=<### Requirement: Übersetzung ##\n  ```md\n## Fake\n  ```\nDas System SHALL.\n##### Scenario: deep\nbody\n#### Scenario: empty>
                  h3 line 4 [Requirement: Übersetzung ##] content=<```md\n## Fake\n  ```\nDas System SHALL.\n##### Scenario: deep\nbody\n#### Scenario: empty>
                    h5 line 9 [Scenario: deep] content=<body>
                    h4 line 11 [Scenario: empty] content=<>
                purpose: Some(1)
                requirements: Some(3)
                req [Requirement: Übersetzung ##] text=<Das System SHALL.> scenarios=1 empty=1
            "]],
        );
    }

    #[test]
    fn header_only_title_metadata_and_odd_headers() {
        check(
            "## Purpose\n### Requirements\n## Requirements\n### The system SHALL be fast\n#### Scenario: s\nx\n### Requirement: Meta\n**ID**: R-1\n#### Scenario: t\ny\n###   \n####### seven\n## \n### Requirement: Meta ###\n## ADDED Requirements\n### Requirement: Late\n",
            &expect![[r"
                h2 line 1 [Purpose] content=<### Requirements>
                  h3 line 2 [Requirements] content=<>
                h2 line 3 [Requirements] content=<### The system SHALL be fast\n#### Scenario: s\nx\n### Requirement: Meta\n**ID**: R-1\n#### Scenario: t\ny\n###   \n####### seven>
                  h3 line 4 [The system SHALL be fast] content=<#### Scenario: s\nx>
                    h4 line 5 [Scenario: s] content=<x>
                  h3 line 7 [Requirement: Meta] content=<**ID**: R-1\n#### Scenario: t\ny>
                    h4 line 9 [Scenario: t] content=<y>
                  h3 line 11 [] content=<####### seven>
                  h3 line 14 [Requirement: Meta ###] content=<>
                h2 line 15 [ADDED Requirements] content=<### Requirement: Late>
                  h3 line 16 [Requirement: Late] content=<>
                purpose: Some(1)
                requirements: Some(2)
                C line 14 RequirementOutsideRequirements [### Requirement: Meta ###]
                C line 15 DeltaHeader [## ADDED Requirements]
                C line 16 RequirementOutsideRequirements [### Requirement: Late]
            "]],
        );
    }
}
