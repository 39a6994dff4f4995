//! A change's `proposal.md`: the Why and What Changes sections as the CLI's section reader
//! finds them (`ChangeParser`, reader A), the title, and the `## Capabilities` bullets of the
//! spec-driven template. Reads only; `openspec validate` never reads this file at all.

use std::sync::LazyLock;

use regex::Regex;

use crate::fence::code_fence_mask;
use crate::js::{JS_DOT_CLASS, JS_SPACE_CLASS, js_trim};
use crate::lines::{Bom, Line, LineBreaks, split_lines};
use crate::spec::{Section, find_section, parse_sections};
use crate::text::TextRange;

/// `^#\s+(?:Change:\s+)?(.+)$` (case-insensitive, per line): the title `show` displays.
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    Regex::new(&format!(r"^#{s}+(?:(?i-u:change):{s}+)?({dot}+)$")).expect("title pattern compiles")
});

/// ``- `path`: ...``: a capability bullet, any `CommonMark` bullet marker, the path in backticks.
static CAPABILITY_BULLET: LazyLock<Regex> = LazyLock::new(|| {
    let s = JS_SPACE_CLASS;
    Regex::new(&format!(r"^{s}*[-*+]{s}+`([^`]+)`")).expect("capability pattern compiles")
});

/// Which list of the Capabilities section a bullet sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapabilityKind {
    /// Under `### New Capabilities`: no main spec should exist yet.
    New,
    /// Under `### Modified Capabilities`: the exact path of an existing main spec.
    Modified,
    /// Directly under `## Capabilities` or under another subsection.
    Unclassified,
}

/// One ``- `<capability-path>`: description`` bullet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityEntry<'a> {
    pub kind: CapabilityKind,
    /// The path between the backticks, trimmed (`user-auth`, `identity/user-auth`).
    pub path: &'a str,
    pub path_range: TextRange,
    pub line: Line<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal<'a> {
    pub sections: Vec<Section<'a>>,
    /// The first `# ` (or `# Change: `) line's title, trimmed, with its range.
    pub title: Option<(&'a str, TextRange)>,
}

impl<'a> Proposal<'a> {
    #[must_use]
    pub fn parse(text: &'a str) -> Self {
        let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
        let title = lines.iter().find_map(|line| {
            let capture = TITLE.captures(line.text)?.get(1)?;
            let title = js_trim(capture.as_str());
            Some((title, line.range_of(title)))
        });
        Self { sections: parse_sections(text), title }
    }

    /// The first section titled Why (any level); the CLI needs its content non-empty.
    pub fn why(&self) -> Option<&Section<'a>> {
        find_section(&self.sections, "Why")
    }

    /// The first section titled What Changes (any level).
    pub fn what_changes(&self) -> Option<&Section<'a>> {
        find_section(&self.sections, "What Changes")
    }

    /// The first section titled Capabilities (any level).
    pub fn capabilities_section(&self) -> Option<&Section<'a>> {
        find_section(&self.sections, "Capabilities")
    }

    /// Every capability bullet of the Capabilities section, in order. Bullets in fenced code or
    /// HTML comments, and template placeholders (``- `<capability-path>`: ...``), are skipped.
    pub fn capabilities(&self) -> Vec<CapabilityEntry<'a>> {
        let Some(section) = self.capabilities_section() else {
            return Vec::new();
        };
        let mut entries = Vec::new();
        let fenced = code_fence_mask(section.content.iter().map(|line| line.text));
        let mut in_comment = false;
        for (line, is_fenced) in section.content.iter().zip(fenced) {
            let starts_in_comment = in_comment;
            in_comment = comment_state_after(line.text, in_comment);
            if is_fenced || starts_in_comment || js_trim(line.text).starts_with("<!--") {
                continue;
            }
            let Some(capture) = CAPABILITY_BULLET.captures(line.text).and_then(|captures| captures.get(1)) else {
                continue;
            };
            let path = js_trim(capture.as_str());
            if path.is_empty() || path.starts_with('<') {
                continue;
            }
            let kind = kind_at(section, line.start);
            entries.push(CapabilityEntry { kind, path, path_range: line.range_of(path), line: *line });
        }
        entries
    }
}

/// Which subsection of `capabilities` holds the byte `offset`.
fn kind_at(capabilities: &Section<'_>, offset: usize) -> CapabilityKind {
    let holder = capabilities.children.iter().rev().find(|child| child.header.start <= offset);
    match holder {
        Some(child) if child.is_titled("New Capabilities") => CapabilityKind::New,
        Some(child) if child.is_titled("Modified Capabilities") => CapabilityKind::Modified,
        _ => CapabilityKind::Unclassified,
    }
}

/// Whether an HTML comment is open after `line`, given whether one was open before it.
fn comment_state_after(line: &str, mut open: bool) -> bool {
    let mut rest = line;
    loop {
        let marker = if open { "-->" } else { "<!--" };
        let Some(at) = rest.find(marker) else { return open };
        rest = &rest[at + marker.len()..];
        open = !open;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;
    use std::fmt::Write;

    #[test]
    fn reads_sections_title_and_capabilities() {
        let text = "# Change: Add 2FA\n\n## Why\nBecause.\n\n## What Changes\n- stuff\n\n## Capabilities\n- `loose`: no subsection\n### New Capabilities\n<!-- Use kebab-case\n- `hidden`: in a comment -->\n- `<capability-path>`: placeholder\n- `auth/two-factor`: new\n* ` spaced ` : star bullet\n```\n- `fenced`: no\n```\n### Modified Capabilities\n_None._\n- `auth`: changes\n## Impact\n- `not-a-capability`: elsewhere\n";
        let proposal = Proposal::parse(text);
        let mut out = String::new();
        let _ = writeln!(out, "title: {:?}", proposal.title.map(|(title, _)| title));
        let _ = writeln!(out, "why: {:?}", proposal.why().map(Section::content_text));
        let _ = writeln!(out, "what: {:?}", proposal.what_changes().map(Section::content_text));
        for entry in proposal.capabilities() {
            let range = entry.path_range;
            let _ = writeln!(out, "{:?} {} [{}]", entry.kind, entry.path, &text[range.start..range.end]);
        }
        expect![[r#"
            title: Some("Add 2FA")
            why: Some("Because.")
            what: Some("- stuff")
            Unclassified loose [loose]
            New auth/two-factor [auth/two-factor]
            New spaced [spaced]
            Modified auth [auth]
        "#]]
        .assert_eq(&out);
    }
}
