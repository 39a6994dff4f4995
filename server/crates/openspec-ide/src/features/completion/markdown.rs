//! The Markdown cursor every Markdown completion context reads, and the line templates
//! (section headers, requirement and scenario snippets) they offer.

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::{is_js_space, js_trim};
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::requirement_header_name;

use super::{CompletionItem, CompletionKind};
use crate::line_breaks::line_break;

/// Where the cursor is in a Markdown file, as the completion contexts care about it.
pub(super) struct MarkdownCursor<'a> {
    pub(super) text: &'a str,
    pub(super) offset: usize,
    pub(super) line: Line<'a>,
    /// The cursor line's text before the cursor.
    pub(super) prefix: &'a str,
    /// The cursor line's text after the cursor.
    pub(super) suffix: &'a str,
    /// The trimmed title of the `## ` section holding the cursor line (headers above it only).
    pub(super) section: Option<&'a str>,
    /// The title of the nearest `### ` header between that section header and the cursor.
    pub(super) subsection: Option<&'a str>,
    /// The name of the `### Requirement:` block holding the cursor line.
    pub(super) requirement: Option<&'a str>,
    /// A line break as the file writes them.
    pub(super) newline: &'static str,
}

/// The title of a `## ` (or, with `level` 3, `### `) header line: `^#{level}\s+(.+)$`, trimmed.
pub(super) fn header_title(line: &str, level: usize) -> Option<&str> {
    let rest = line.get(level..)?;
    if !line.bytes().take(level).all(|b| b == b'#') || !rest.starts_with(is_js_space) {
        return None;
    }
    let title = js_trim(rest);
    (!title.is_empty()).then_some(title)
}

impl<'a> MarkdownCursor<'a> {
    /// `None` inside fenced code or off a character boundary.
    pub(super) fn at(text: &'a str, offset: usize) -> Option<Self> {
        let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
        let line_idx = lines.iter().rposition(|line| line.start <= offset)?;
        let line = *lines.get(line_idx)?;
        let split = offset - line.start;
        let prefix = line.text.get(..split)?;
        let suffix = line.text.get(split..)?;
        let fenced = code_fence_mask(lines.iter().map(|line| line.text));
        let is_fenced = |idx: usize| fenced.get(idx).copied().unwrap_or(false);
        if is_fenced(line_idx) {
            return None;
        }
        let mut cursor = MarkdownCursor {
            text,
            offset,
            line,
            prefix,
            suffix,
            section: None,
            subsection: None,
            requirement: None,
            newline: line_break(text),
        };
        for idx in (0..line_idx).rev() {
            let Some(above) = lines.get(idx) else {
                continue;
            };
            if is_fenced(idx) {
                continue;
            }
            if let Some(title) = header_title(above.text, 2) {
                cursor.section = Some(title);
                break;
            }
            if cursor.subsection.is_none()
                && let Some(title) = header_title(above.text, 3)
            {
                cursor.subsection = Some(title);
            }
            if cursor.requirement.is_none()
                && let Some(name) = requirement_header_name(above.text)
            {
                cursor.requirement = Some(name);
            }
        }
        Some(cursor)
    }

    /// The `## ` section titles of the file, other than the cursor line.
    pub(super) fn h2_titles(&self) -> Vec<&'a str> {
        let lines = split_lines(self.text, Bom::Strip, LineBreaks::Any);
        let fenced = code_fence_mask(lines.iter().map(|line| line.text));
        lines
            .iter()
            .zip(fenced)
            .filter(|(line, is_fenced)| !is_fenced && line.start != self.line.start)
            .filter_map(|(line, _)| header_title(line.text, 2))
            .collect()
    }

    pub(super) fn has_h2(&self, title: &str) -> bool {
        self.h2_titles().iter().any(|existing| existing.eq_ignore_ascii_case(title))
    }

    pub(super) fn in_section(&self, title: &str) -> bool {
        self.section.is_some_and(|section| section.eq_ignore_ascii_case(title))
    }

    /// The cursor line up to the end of the word the cursor is in.
    pub(super) fn word_end(&self) -> usize {
        let word = self.suffix.find(|ch: char| is_js_space(ch) || ch == '`').unwrap_or(self.suffix.len());
        self.offset + word
    }
}

/// A template or header offered at the start of a line.
pub(super) struct LineTemplate {
    /// What the typed line prefix must start (case-insensitively): `### Requirement:`.
    pub(super) label: String,
    pub(super) kind: CompletionKind,
    pub(super) detail: &'static str,
    pub(super) documentation: &'static str,
    pub(super) snippet: String,
    pub(super) sort: String,
}

impl LineTemplate {
    pub(super) fn header(
        title: &str,
        kind: CompletionKind,
        detail: &'static str,
        documentation: &'static str,
        nl: &str,
    ) -> Self {
        LineTemplate {
            label: title.to_owned(),
            kind,
            detail,
            documentation,
            snippet: format!("{title}{nl}{nl}$0"),
            sort: "3".to_owned(),
        }
    }
}

/// The templates whose label the cursor line's text so far begins; the line must be blank
/// after the cursor, and the typed text is replaced.
pub(super) fn line_templates(cursor: &MarkdownCursor<'_>, templates: Vec<LineTemplate>) -> Vec<CompletionItem> {
    if !js_trim(cursor.suffix).is_empty() {
        return Vec::new();
    }
    let typed = cursor.prefix.to_lowercase();
    templates
        .into_iter()
        .filter(|template| template.label.to_lowercase().starts_with(&typed))
        .enumerate()
        .map(|(idx, template)| CompletionItem {
            label: template.label,
            kind: template.kind,
            detail: Some(template.detail.to_owned()),
            documentation: Some(template.documentation.to_owned()),
            insert_text: template.snippet,
            is_snippet: true,
            replace_range: TextRange::new(cursor.line.start, cursor.offset),
            filter_text: None,
            sort_text: Some(format!("{}{idx:02}", template.sort)),
        })
        .collect()
}

pub(super) const REQUIREMENT_DOC: &str = "A requirement: a name, a normative sentence with **SHALL** or **MUST**, and at least one `#### Scenario:` with steps under it.";
pub(super) const SCENARIO_DOC: &str =
    "A scenario: a `####` header and its steps. A scenario header with nothing under it does not count.";

pub(super) fn requirement_template(nl: &str) -> LineTemplate {
    LineTemplate {
        label: "### Requirement:".to_owned(),
        kind: CompletionKind::Requirement,
        detail: "requirement with a scenario",
        documentation: REQUIREMENT_DOC,
        snippet: format!(
            "### Requirement: ${{1:Name}}{nl}The system SHALL ${{2:behave}}.{nl}{nl}#### Scenario: ${{3:Scenario name}}{nl}- **WHEN** ${{4:condition}}{nl}- **THEN** ${{5:outcome}}$0"
        ),
        sort: "1".to_owned(),
    }
}

pub(super) fn scenario_template(nl: &str) -> LineTemplate {
    LineTemplate {
        label: "#### Scenario:".to_owned(),
        kind: CompletionKind::Scenario,
        detail: "scenario with WHEN/THEN steps",
        documentation: SCENARIO_DOC,
        snippet: format!("#### Scenario: ${{1:Name}}{nl}- **WHEN** ${{2:condition}}{nl}- **THEN** ${{3:outcome}}$0"),
        sort: "0".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn inserts_templates_with_the_file_line_breaks() {
        check_insert(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n###$0\n",
            "### Requirement:",
            0,
            &expect![[r#"
                ### Requirement: (snippet)
                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                ### Requirement: ${1:Name}
                The system SHALL ${2:behave}.

                #### Scenario: ${3:Scenario name}
                - **WHEN** ${4:condition}
                - **THEN** ${5:outcome}$0
            "#]],
        );
        check_insert(
            "//- /openspec/specs/ü/spec.md\r\n## Requirements\r\n### Requirement: Größe\r\nDas System SHALL größer sein.\r\n\r\n#$0\r\n",
            "#### Scenario:",
            0,
            &expect![[r#"
                #### Scenario: (snippet)
                ## Requirements␍
                ### Requirement: Größe␍
                Das System SHALL größer sein.␍
                ␍
                #### Scenario: ${1:Name}␍
                - **WHEN** ${2:condition}␍
                - **THEN** ${3:outcome}$0␍
            "#]],
        );
    }
}
