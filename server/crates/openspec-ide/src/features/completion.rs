//! Completion: what fits at the cursor of a main spec, delta spec, proposal, project config or
//! change metadata file: section headers, requirement and scenario templates (as snippets),
//! base requirement names, capability paths, artifact ids and schema names. Pure; it reads the
//! snapshot and its index and returns byte ranges, never LSP types.
//!
//! Every item is shaped for what the client can do (`CompletionConfig`): a client that expands
//! snippets gets every item as one (plain text escaped), so clients that derive the inserted
//! word from a plain-text edit (Neovim's omnifunc takes the text up to its first space) insert
//! the whole name; a client that cannot gets plain text with the placeholders' default text.

use std::sync::LazyLock;

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::{is_js_space, js_trim, js_trim_end};
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::{DeltaKind, requirement_header_name};
use regex::Regex;

use super::code_actions::{convert_line_breaks, line_break};
use crate::analysis::{Analysis, FilePosition};
use crate::index::{ChangeInfo, DeltaFileInfo, DeltaOp, FileRole, WorkspaceIndex};
use crate::layout;
use crate::schema::{self, ResolvedSchema, SchemaOrigin};
use crate::vfs::RootSnapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompletionKind {
    /// A `## ` section header (`## Purpose`, `## ADDED Requirements`, `### New Capabilities`).
    Section,
    /// A `### Requirement:` template or a REMOVED/RENAMED entry template.
    Requirement,
    /// A `#### Scenario:` template.
    Scenario,
    /// The name of a requirement the main spec has.
    RequirementName,
    /// A capability path (`auth`, `platform/session`).
    Capability,
    /// A workflow schema artifact id (`proposal`, `tasks`).
    ArtifactId,
    /// A workflow schema name (`spec-driven`).
    SchemaName,
    /// A YAML key with its value (`skip_specs: true`).
    Setting,
}

impl CompletionKind {
    pub const fn label(self) -> &'static str {
        match self {
            CompletionKind::Section => "section",
            CompletionKind::Requirement => "requirement",
            CompletionKind::Scenario => "scenario",
            CompletionKind::RequirementName => "requirement-name",
            CompletionKind::Capability => "capability",
            CompletionKind::ArtifactId => "artifact",
            CompletionKind::SchemaName => "schema",
            CompletionKind::Setting => "setting",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Replaces `replace_range`; snippet syntax (`$1`, `${1:placeholder}`) when `is_snippet`.
    /// Line breaks follow the file's own (`\r\n` in a CRLF file).
    pub insert_text: String,
    pub is_snippet: bool,
    /// The text being completed, in the cursor's line; the cursor is inside or at its end.
    pub replace_range: TextRange,
    /// What the client matches the typed text against, when not the label.
    pub filter_text: Option<String>,
    /// Orders the items: the ones that fit the cursor best first.
    pub sort_text: Option<String>,
}

/// What the client said it can do with completion items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompletionConfig {
    /// The client expands snippet syntax (`${1:Name}`, `$0`) in inserted text.
    pub snippets: bool,
}

/// The completions at `position`, shaped for `config`; empty where nothing fits (prose, fenced
/// code, unknown files).
pub fn completions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    position: &FilePosition,
    config: CompletionConfig,
) -> Vec<CompletionItem> {
    let mut items = raw_completions(root, index, position);
    for item in &mut items {
        match (config.snippets, item.is_snippet) {
            (true, false) => item.insert_text = snippet_escape(&item.insert_text),
            (false, true) => item.insert_text = snippet_to_plain(&item.insert_text),
            (true, true) | (false, false) => {}
        }
        item.is_snippet = config.snippets;
    }
    items
}

/// The items with their text as each was built: snippet syntax only where `is_snippet`.
fn raw_completions(root: &RootSnapshot, index: &WorkspaceIndex, position: &FilePosition) -> Vec<CompletionItem> {
    let path = position.path.as_str();
    let Some(text) = root.text(path) else {
        return Vec::new();
    };
    if path == "openspec/config.yaml" || path == "openspec/config.yml" {
        let Some(cursor) = YamlCursor::at(text, position.offset) else {
            return Vec::new();
        };
        return config_completions(root, &cursor);
    }
    if let Some(change_id) = metadata_change(path) {
        let Some(cursor) = YamlCursor::at(text, position.offset) else {
            return Vec::new();
        };
        return metadata_completions(root, &cursor, change_id);
    }
    let Some(cursor) = MarkdownCursor::at(text, position.offset) else {
        return Vec::new();
    };
    let mut items = match index.role(path) {
        Some(FileRole::MainSpec { .. }) => main_spec_completions(&cursor),
        Some(FileRole::Delta { change, delta }) => {
            let Some(change) = index.changes.get(change) else {
                return Vec::new();
            };
            let Some(delta) = change.deltas.get(delta) else {
                return Vec::new();
            };
            delta_completions(root, index, &cursor, delta)
        }
        Some(FileRole::Proposal { change }) => {
            let Some(change) = index.changes.get(change) else {
                return Vec::new();
            };
            proposal_completions(index, &cursor, change)
        }
        Some(FileRole::Tasks { .. }) | None => Vec::new(),
    };
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text).then_with(|| a.label.cmp(&b.label)));
    items
}

impl Analysis {
    pub fn completions(&self, position: &FilePosition, config: CompletionConfig) -> Vec<CompletionItem> {
        completions(&self.root, &self.index, position, config)
    }
}

/// The change id when `path` is an active change's `.openspec.yaml`.
fn metadata_change(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("openspec/changes/")?;
    let (change_id, file) = rest.split_once('/')?;
    (file == ".openspec.yaml" && change_id != "archive").then_some(change_id)
}

/// `\`, `$` and `}` are snippet syntax; anything inserted verbatim into a snippet escapes them.
fn snippet_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '\\' | '$' | '}') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A snippet as the plain text a client without snippet support should insert: tabstops
/// (`$1`, `${2}`) vanish, placeholders (`${1:Name}`) leave their default text, escapes
/// (`\$`) their character. Choices and variables are not used by this server's snippets and are
/// kept verbatim.
fn snippet_to_plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => match chars.next_if(|next| matches!(next, '\\' | '$' | '}')) {
                Some(escaped) => out.push(escaped),
                None => out.push('\\'),
            },
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.next_if(char::is_ascii_digit).is_some() {}
            }
            '$' if chars.peek() == Some(&'{') => {
                let mut lookahead = chars.clone();
                lookahead.next();
                let mut n_digits = 0;
                while lookahead.next_if(char::is_ascii_digit).is_some() {
                    n_digits += 1;
                }
                match lookahead.peek() {
                    Some(':' | '}') if n_digits > 0 => {
                        if lookahead.next() == Some(':') {
                            // The default text runs to the first unescaped `}`.
                            while let Some(inner) = lookahead.next() {
                                match inner {
                                    '}' => break,
                                    '\\' => match lookahead.next() {
                                        Some(escaped) => out.push(escaped),
                                        None => out.push('\\'),
                                    },
                                    other => out.push(other),
                                }
                            }
                        }
                        chars = lookahead;
                    }
                    _ => out.push('$'),
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Where the cursor is in a Markdown file, as the completion contexts care about it.
struct MarkdownCursor<'a> {
    text: &'a str,
    offset: usize,
    line: Line<'a>,
    /// The cursor line's text before the cursor.
    prefix: &'a str,
    /// The cursor line's text after the cursor.
    suffix: &'a str,
    /// The trimmed title of the `## ` section holding the cursor line (headers above it only).
    section: Option<&'a str>,
    /// The title of the nearest `### ` header between that section header and the cursor.
    subsection: Option<&'a str>,
    /// The name of the `### Requirement:` block holding the cursor line.
    requirement: Option<&'a str>,
    /// A line break as the file writes them.
    newline: &'static str,
}

/// The title of a `## ` (or, with `level` 3, `### `) header line: `^#{level}\s+(.+)$`, trimmed.
fn header_title(line: &str, level: usize) -> Option<&str> {
    let rest = line.get(level..)?;
    if !line.bytes().take(level).all(|b| b == b'#') || !rest.starts_with(is_js_space) {
        return None;
    }
    let title = js_trim(rest);
    (!title.is_empty()).then_some(title)
}

impl<'a> MarkdownCursor<'a> {
    /// `None` inside fenced code or off a character boundary.
    fn at(text: &'a str, offset: usize) -> Option<Self> {
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
    fn h2_titles(&self) -> Vec<&'a str> {
        let lines = split_lines(self.text, Bom::Strip, LineBreaks::Any);
        let fenced = code_fence_mask(lines.iter().map(|line| line.text));
        lines
            .iter()
            .zip(fenced)
            .filter(|(line, is_fenced)| !is_fenced && line.start != self.line.start)
            .filter_map(|(line, _)| header_title(line.text, 2))
            .collect()
    }

    fn has_h2(&self, title: &str) -> bool {
        self.h2_titles().iter().any(|existing| existing.eq_ignore_ascii_case(title))
    }

    fn in_section(&self, title: &str) -> bool {
        self.section.is_some_and(|section| section.eq_ignore_ascii_case(title))
    }

    /// The cursor line up to the end of the word the cursor is in.
    fn word_end(&self) -> usize {
        let word = self.suffix.find(|ch: char| is_js_space(ch) || ch == '`').unwrap_or(self.suffix.len());
        self.offset + word
    }
}

/// A template or header offered at the start of a line.
struct LineTemplate {
    /// What the typed line prefix must start (case-insensitively): `### Requirement:`.
    label: String,
    kind: CompletionKind,
    detail: &'static str,
    documentation: &'static str,
    snippet: String,
    sort: String,
}

impl LineTemplate {
    fn header(title: &str, kind: CompletionKind, detail: &'static str, documentation: &'static str, nl: &str) -> Self {
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
fn line_templates(cursor: &MarkdownCursor<'_>, templates: Vec<LineTemplate>) -> Vec<CompletionItem> {
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

const REQUIREMENT_DOC: &str = "A requirement: a name, a normative sentence with **SHALL** or **MUST**, and at least one `#### Scenario:` with steps under it.";
const SCENARIO_DOC: &str =
    "A scenario: a `####` header and its steps. A scenario header with nothing under it does not count.";

fn requirement_template(nl: &str) -> LineTemplate {
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

fn scenario_template(nl: &str) -> LineTemplate {
    LineTemplate {
        label: "#### Scenario:".to_owned(),
        kind: CompletionKind::Scenario,
        detail: "scenario with WHEN/THEN steps",
        documentation: SCENARIO_DOC,
        snippet: format!("#### Scenario: ${{1:Name}}{nl}- **WHEN** ${{2:condition}}{nl}- **THEN** ${{3:outcome}}$0"),
        sort: "0".to_owned(),
    }
}

fn main_spec_completions(cursor: &MarkdownCursor<'_>) -> Vec<CompletionItem> {
    let nl = cursor.newline;
    let mut templates = Vec::new();
    if cursor.in_section("Requirements") {
        if cursor.requirement.is_some() {
            templates.push(scenario_template(nl));
        }
        templates.push(requirement_template(nl));
    }
    if !cursor.has_h2("Purpose") {
        templates.push(LineTemplate::header(
            "## Purpose",
            CompletionKind::Section,
            "main spec section",
            "Why the capability exists, in a sentence or two (at least 50 characters for `validate --strict`).",
            nl,
        ));
    }
    if !cursor.has_h2("Requirements") {
        templates.push(LineTemplate::header(
            "## Requirements",
            CompletionKind::Section,
            "main spec section",
            "The capability's `### Requirement:` blocks.",
            nl,
        ));
    }
    line_templates(cursor, templates)
}

/// `### Requirement: ` as a MODIFIED or REMOVED header (the name is being typed after it).
static HEADER_NAME_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^###[ \t]*(?i:requirement):[ \t]*").expect("header prefix pattern compiles"));

/// `- ### Requirement: ` or ``- `### Requirement: ``: a REMOVED bullet.
static BULLET_NAME_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*[-*+][ \t]*`?###[ \t]*Requirement:[ \t]*").expect("bullet prefix pattern compiles")
});

/// `- FROM: ` and the optional ``  `### Requirement: `` after it.
static FROM_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*(?:[-*+][ \t]*)?FROM:[ \t]*").expect("FROM prefix pattern compiles"));
static FROM_HEADER_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^`?###[ \t]*Requirement:[ \t]*").expect("FROM header pattern compiles"));

fn delta_completions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    delta: &DeltaFileInfo,
) -> Vec<CompletionItem> {
    let nl = cursor.newline;
    let section = cursor.section.and_then(DeltaKind::from_title);
    let names = requirement_name_completions(root, index, cursor, delta, section);
    if !names.is_empty() {
        return names;
    }
    let mut templates = Vec::new();
    match section {
        Some(DeltaKind::Added | DeltaKind::Modified) => {
            if cursor.requirement.is_some() {
                templates.push(scenario_template(nl));
            }
            templates.push(requirement_template(nl));
        }
        Some(DeltaKind::Removed) => templates.push(LineTemplate {
            label: "### Requirement:".to_owned(),
            kind: CompletionKind::Requirement,
            detail: "removed requirement with reason and migration",
            documentation: "Names a requirement of the main spec to delete at archive. **Reason** and **Migration** are a convention archive does not check.",
            snippet: format!("### Requirement: ${{1:Name}}{nl}{nl}**Reason**: ${{2:why it goes}}{nl}**Migration**: ${{3:what to use instead}}$0"),
            sort: "1".to_owned(),
        }),
        Some(DeltaKind::Renamed) => templates.push(LineTemplate {
            label: "- FROM:".to_owned(),
            kind: CompletionKind::Requirement,
            detail: "rename pair",
            documentation: "Renames a requirement of the main spec at archive. Content changes go under MODIFIED, using the new name.",
            snippet: format!(
                "- FROM: `### Requirement: ${{1:Old name}}`{nl}- TO: `### Requirement: ${{2:New name}}`$0"
            ),
            sort: "1".to_owned(),
        }),
        None => {}
    }
    for kind in DeltaKind::ALL {
        if cursor.has_h2(kind.title()) {
            continue;
        }
        let documentation = match kind {
            DeltaKind::Added => "New requirements, appended to the main spec at archive.",
            DeltaKind::Modified => {
                "Requirements of the main spec, each replaced whole (scenarios included) at archive."
            }
            DeltaKind::Removed => "Requirements of the main spec to delete at archive.",
            DeltaKind::Renamed => "`FROM:`/`TO:` pairs renaming requirements of the main spec.",
        };
        templates.push(LineTemplate::header(
            &format!("## {}", kind.title()),
            CompletionKind::Section,
            "delta section",
            documentation,
            nl,
        ));
    }
    line_templates(cursor, templates)
}

/// Base requirement names after `### Requirement: ` in MODIFIED and REMOVED, after a REMOVED
/// bullet, and after `FROM:` in RENAMED. Names this delta already lists in the same section
/// are left out.
fn requirement_name_completions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    delta: &DeltaFileInfo,
    section: Option<DeltaKind>,
) -> Vec<CompletionItem> {
    let line = cursor.line.text;
    let (op, name_start, wrap) = match section {
        Some(DeltaKind::Modified) => {
            let Some(found) = HEADER_NAME_PREFIX.find(cursor.prefix) else {
                return Vec::new();
            };
            (DeltaOp::Modified, found.end(), false)
        }
        Some(DeltaKind::Removed) => {
            let found = HEADER_NAME_PREFIX.find(cursor.prefix).or_else(|| BULLET_NAME_PREFIX.find(cursor.prefix));
            let Some(found) = found else {
                return Vec::new();
            };
            (DeltaOp::Removed, found.end(), false)
        }
        Some(DeltaKind::Renamed) => {
            let Some(from) = FROM_PREFIX.find(cursor.prefix) else {
                return Vec::new();
            };
            let after_from = cursor.prefix.get(from.end()..).unwrap_or("");
            match FROM_HEADER_PREFIX.find(after_from) {
                Some(header) => (DeltaOp::RenamedFrom, from.end() + header.end(), false),
                // Nothing of the header typed yet: the whole `` `### Requirement: X` `` goes in.
                None => (DeltaOp::RenamedFrom, from.end(), true),
            }
        }
        Some(DeltaKind::Added) | None => return Vec::new(),
    };
    let Some(spec) = index.spec(&delta.capability) else {
        return Vec::new();
    };
    // The name runs to the end of the line, short of a closing backtick.
    let rest = line.get(name_start..).unwrap_or("");
    let mut name_len = js_trim_end(rest).len();
    let opened_backtick = line.get(..name_start).is_some_and(|before| before.contains('`'));
    if opened_backtick && rest.get(..name_len).is_some_and(|name| name.ends_with('`')) {
        name_len -= 1;
    }
    // Spaces typed after the name so far (`Session ` on the way to `Session expiry`) are part
    // of what the item replaces.
    let replace_range =
        TextRange::new(cursor.line.start + name_start, (cursor.line.start + name_start + name_len).max(cursor.offset));
    let typed = cursor.prefix.get(name_start..).unwrap_or("").trim_start_matches('`').to_lowercase();
    let on_this_line = |range: TextRange| cursor.line.range().touches(range.start);
    let listed: Vec<&str> = delta
        .entries
        .iter()
        .filter(|entry| entry.op == op && !on_this_line(entry.line_range))
        .map(|entry| entry.name.as_str())
        .collect();
    let base_text = root.text(&spec.path).unwrap_or("");
    let nl = cursor.newline;
    let mut items = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for requirement in &spec.requirements {
        let name = requirement.name.as_str();
        if name.is_empty() || listed.contains(&name) || seen.contains(&name) {
            continue;
        }
        // Clients that cannot filter across a space (eglot's symbol bounds) see only the names
        // that start with the typed text; the others still filter the list as typing goes on.
        let typed_matches =
            name.to_lowercase().starts_with(&typed) || (wrap && "### requirement:".starts_with(typed.trim_end()));
        if !typed_matches {
            continue;
        }
        seen.push(name);
        let insert_text = if wrap { format!("`### Requirement: {name}`") } else { name.to_owned() };
        let filter_text = if wrap { insert_text.clone() } else { name.to_owned() };
        let scenario_count = requirement.scenarios.len();
        let documentation = format!(
            "`{name}` in `{}` ({scenario_count} {}).{}",
            spec.path,
            if scenario_count == 1 { "scenario" } else { "scenarios" },
            if requirement.body.is_empty() { String::new() } else { format!("\n\n{}", requirement.body) }
        );
        items.push(CompletionItem {
            label: name.to_owned(),
            kind: CompletionKind::RequirementName,
            detail: Some(format!("requirement of {}", spec.capability)),
            documentation: Some(documentation.clone()),
            insert_text,
            is_snippet: false,
            replace_range,
            filter_text: Some(filter_text.clone()),
            sort_text: Some(format!("0{:05}", items.len())),
        });
        // MODIFIED replaces the whole block, so starting from the current one is the safe edit.
        let body_start = base_text
            .get(requirement.header_range.end..)
            .and_then(|after| after.find('\n').map(|at| requirement.header_range.end + at + 1));
        if op == DeltaOp::Modified
            && let Some(body_start) = body_start
            && let Some(body) = base_text.get(body_start..requirement.range.end)
            && !js_trim(body).is_empty()
        {
            items.push(CompletionItem {
                label: format!("{name} (copy current requirement)"),
                kind: CompletionKind::RequirementName,
                detail: Some(format!("requirement of {}, with its text", spec.capability)),
                documentation: Some(documentation),
                insert_text: format!("{name}{nl}{}", convert_line_breaks(body, nl)),
                is_snippet: false,
                replace_range,
                filter_text: Some(filter_text),
                sort_text: Some(format!("1{:05}", items.len())),
            });
        }
    }
    items
}

/// ``- `<path>` `` bullets: a capability path is being typed in the backticks (or in their place).
static CAPABILITY_BULLET_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*[-*+][ \t]+(`?)([^`]*)$").expect("capability bullet pattern compiles"));

fn proposal_completions(
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    change: &ChangeInfo,
) -> Vec<CompletionItem> {
    let nl = cursor.newline;
    if cursor.in_section("Capabilities")
        && let Some(captures) = CAPABILITY_BULLET_PREFIX.captures(cursor.prefix)
    {
        return capability_completions(index, cursor, change, &captures);
    }
    let mut templates = Vec::new();
    if cursor.in_section("Capabilities") {
        let subsections = [
            (
                "### New Capabilities",
                "Capabilities this change introduces: each gets a new `specs/<capability>/spec.md`.",
            ),
            (
                "### Modified Capabilities",
                "Existing capabilities whose requirements change: use the exact path under `openspec/specs/`.",
            ),
        ];
        let existing = split_lines(cursor.text, Bom::Strip, LineBreaks::Any);
        for (title, documentation) in subsections {
            let present = existing
                .iter()
                .any(|line| line.start != cursor.line.start && js_trim(line.text).eq_ignore_ascii_case(title));
            if !present {
                let mut template =
                    LineTemplate::header(title, CompletionKind::Section, "capability list", documentation, nl);
                template.snippet = format!("{title}{nl}- `$1`: ${{2:description}}$0");
                "1".clone_into(&mut template.sort);
                templates.push(template);
            }
        }
    }
    let sections = [
        ("Why", "The problem or opportunity, in a sentence or two: why this change, and why now."),
        ("What Changes", "A bullet list of the changes; mark breaking ones with **BREAKING**."),
        ("Capabilities", "The capabilities this change creates or modifies; each needs a delta spec in `specs/`."),
        ("Impact", "Affected code, APIs, dependencies and systems."),
    ];
    for (title, documentation) in sections {
        if !cursor.has_h2(title) {
            let mut template = LineTemplate::header(
                &format!("## {title}"),
                CompletionKind::Section,
                "proposal section",
                documentation,
                nl,
            );
            if title == "Capabilities" {
                template.snippet = format!(
                    "## Capabilities{nl}{nl}### New Capabilities{nl}- `$1`: ${{2:description}}{nl}{nl}### Modified Capabilities{nl}$0"
                );
            }
            templates.push(template);
        }
    }
    line_templates(cursor, templates)
}

fn capability_completions(
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    change: &ChangeInfo,
    captures: &regex::Captures<'_>,
) -> Vec<CompletionItem> {
    let Some(backtick) = captures.get(1) else {
        return Vec::new();
    };
    let opened = !backtick.as_str().is_empty();
    let start = cursor.line.start + backtick.start();
    // The path token ends at its closing backtick, or where the typed word ends.
    let end = if opened {
        cursor.suffix.find('`').map_or_else(|| cursor.word_end(), |at| cursor.offset + at + 1)
    } else {
        cursor.word_end()
    };
    let after_token = cursor.line.text.get(end - cursor.line.start..).unwrap_or("");
    let describe = js_trim(after_token).is_empty();
    let kind = cursor.subsection.map(str::to_lowercase);
    let (offer_specs, offer_deltas) = match kind.as_deref() {
        Some("new capabilities") => (false, true),
        Some("modified capabilities") => (true, false),
        _ => (true, true),
    };
    let listed: Vec<&str> = change
        .proposal
        .iter()
        .flat_map(|proposal| &proposal.capabilities)
        .filter(|mention| !cursor.line.range().touches(mention.line_range.start))
        .map(|mention| mention.capability.as_str())
        .collect();
    let mut candidates: Vec<(String, String, Option<String>)> = Vec::new();
    if offer_deltas {
        for delta in &change.deltas {
            if index.spec(&delta.capability).is_none() {
                candidates.push((delta.capability.clone(), "new: delta spec in this change".to_owned(), None));
            }
        }
    }
    if offer_specs {
        for spec in &index.specs {
            let purpose = (!spec.purpose.is_empty()).then(|| spec.purpose.clone());
            let detail = if change.delta(&spec.capability).is_some() {
                "main spec, delta spec in this change"
            } else {
                "main spec"
            };
            candidates.push((spec.capability.clone(), detail.to_owned(), purpose));
        }
    }
    let mut items = Vec::new();
    for (capability, detail, purpose) in candidates {
        if listed.contains(&capability.as_str()) || items.iter().any(|item: &CompletionItem| item.label == capability) {
            continue;
        }
        let (insert_text, is_snippet) = if describe {
            (format!("`{}`: ${{1:description}}", snippet_escape(&capability)), true)
        } else {
            (format!("`{capability}`"), false)
        };
        let filter_text = if opened { format!("`{capability}") } else { capability.clone() };
        let documentation = purpose.map_or_else(
            || format!("`{}`", layout::main_spec_path(&capability)),
            |purpose| format!("`{}`\n\n{purpose}", layout::main_spec_path(&capability)),
        );
        items.push(CompletionItem {
            label: capability,
            kind: CompletionKind::Capability,
            detail: Some(detail),
            documentation: Some(documentation),
            insert_text,
            is_snippet,
            replace_range: TextRange::new(start, end.max(cursor.offset)),
            filter_text: Some(filter_text),
            sort_text: Some(format!("{:05}", items.len())),
        });
    }
    items
}

/// Where the cursor is in a YAML file, line-wise (the file may not parse while it is typed).
struct YamlCursor<'a> {
    lines: Vec<Line<'a>>,
    line_idx: usize,
    line: Line<'a>,
    offset: usize,
    prefix: &'a str,
    suffix: &'a str,
    newline: &'static str,
}

/// `schema: <partial>` at the top level.
static SCHEMA_VALUE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^schema:[ \t]*(["']?)([^ \t"']*)$"#).expect("schema prefix pattern compiles"));

impl<'a> YamlCursor<'a> {
    fn at(text: &'a str, offset: usize) -> Option<Self> {
        let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
        let line_idx = lines.iter().rposition(|line| line.start <= offset)?;
        let line = *lines.get(line_idx)?;
        let split = offset - line.start;
        Some(YamlCursor {
            prefix: line.text.get(..split)?,
            suffix: line.text.get(split..)?,
            lines,
            line_idx,
            line,
            offset,
            newline: line_break(text),
        })
    }

    /// The end of the scalar the cursor is in (up to a space, quote or comment).
    fn word_end(&self) -> usize {
        let word =
            self.suffix.find(|ch: char| is_js_space(ch) || matches!(ch, '"' | '\'' | '#')).unwrap_or(self.suffix.len());
        self.offset + word
    }

    /// A top-level key of the file (other than on the cursor line).
    fn has_top_level_key(&self, key: &str) -> bool {
        self.lines.iter().enumerate().any(|(idx, line)| {
            idx != self.line_idx && line.text.strip_prefix(key).is_some_and(|rest| js_trim(rest).starts_with(':'))
        })
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn is_yaml_filler(line: &str) -> bool {
    let trimmed = js_trim(line);
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// Schema names after `schema:`, with where each comes from.
fn schema_name_completions(root: &RootSnapshot, cursor: &YamlCursor<'_>) -> Vec<CompletionItem> {
    let Some(captures) = SCHEMA_VALUE_PREFIX.captures(cursor.prefix) else {
        return Vec::new();
    };
    let Some(typed) = captures.get(2) else {
        return Vec::new();
    };
    let start = cursor.line.start + typed.start();
    let replace_range = TextRange::new(start, cursor.word_end());
    schema::list_schemas(root)
        .into_iter()
        .map(|name| {
            let (detail, documentation) = match schema::schema_origin(root, &name) {
                Some(SchemaOrigin::Project { dir }) => {
                    ("project schema".to_owned(), format!("Defined in `{dir}/schema.yaml`."))
                }
                _ => ("built-in schema".to_owned(), "The default workflow: proposal, specs, design, tasks.".to_owned()),
            };
            CompletionItem {
                label: name.clone(),
                kind: CompletionKind::SchemaName,
                detail: Some(detail),
                documentation: Some(documentation),
                insert_text: name,
                is_snippet: false,
                replace_range,
                filter_text: None,
                sort_text: None,
            }
        })
        .collect()
}

/// `openspec/config.yaml`: schema names after `schema:`, artifact ids as keys under `rules:`.
fn config_completions(root: &RootSnapshot, cursor: &YamlCursor<'_>) -> Vec<CompletionItem> {
    let schemas = schema_name_completions(root, cursor);
    if !schemas.is_empty() {
        return schemas;
    }
    rules_key_completions(root, cursor)
}

/// `  <partial>` on a key line of the `rules:` map.
static RULES_KEY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([ \t]+)([A-Za-z0-9_.-]*)$").expect("rules key pattern compiles"));
static KEY_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^[ \t]*["']?([^\s"':#][^"':]*)["']?[ \t]*:"#).expect("key line pattern compiles"));

fn rules_key_completions(root: &RootSnapshot, cursor: &YamlCursor<'_>) -> Vec<CompletionItem> {
    let Some(captures) = RULES_KEY_PREFIX.captures(cursor.prefix) else {
        return Vec::new();
    };
    let (Some(indent), Some(typed)) = (captures.get(1), captures.get(2)) else {
        return Vec::new();
    };
    // The parent: the nearest top-level key above must be `rules:`.
    let above = cursor.lines.get(..cursor.line_idx).unwrap_or_default();
    let Some(parent_idx) = above.iter().rposition(|line| !is_yaml_filler(line.text) && indent_of(line.text) == 0)
    else {
        return Vec::new();
    };
    let is_rules = above.get(parent_idx).is_some_and(|line| {
        line.text.strip_prefix("rules").is_some_and(|rest| {
            let rest = js_trim(rest);
            rest == ":" || rest.strip_prefix(':').is_some_and(|comment| js_trim(comment).starts_with('#'))
        })
    });
    if !is_rules {
        return Vec::new();
    }
    // The map's keys sit at the indent of its first entry; deeper lines are rule lists.
    let entries: Vec<&Line<'_>> = cursor
        .lines
        .iter()
        .skip(parent_idx + 1)
        .take_while(|line| is_yaml_filler(line.text) || indent_of(line.text) > 0)
        .filter(|line| !is_yaml_filler(line.text) && line.start != cursor.line.start)
        .collect();
    let first_entry_before = entries.first().filter(|line| line.start < cursor.line.start);
    if first_entry_before.is_some_and(|line| indent_of(line.text) != indent.as_str().len()) {
        return Vec::new();
    }
    let existing: Vec<&str> = entries
        .iter()
        .filter(|line| indent_of(line.text) == indent.as_str().len())
        .filter_map(|line| KEY_LINE.captures(line.text).and_then(|captures| captures.get(1)))
        .map(|key| js_trim(key.as_str()))
        .collect();
    let schema_name = schema::project_config_schema(root).unwrap_or_else(|| schema::SPEC_DRIVEN.to_owned());
    let workflow = match schema::resolve_schema(root, &schema_name) {
        Ok(ResolvedSchema { loaded: Ok(workflow), .. }) => workflow,
        _ => schema::builtin_spec_driven(),
    };
    let end = cursor.offset
        + cursor
            .suffix
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.')))
            .unwrap_or(cursor.suffix.len());
    let has_colon = cursor.line.text.get(end - cursor.line.start..).is_some_and(|rest| js_trim(rest).starts_with(':'));
    let nl = cursor.newline;
    let list_indent = format!("{}  ", indent.as_str());
    workflow
        .artifacts
        .iter()
        .filter(|artifact| !existing.contains(&artifact.id.text.as_str()))
        .enumerate()
        .map(|(idx, artifact)| {
            let id = &artifact.id.text;
            let (insert_text, is_snippet) = if has_colon {
                (id.clone(), false)
            } else {
                (format!("{}:{nl}{list_indent}- ${{1:rule}}", snippet_escape(id)), true)
            };
            CompletionItem {
                label: id.clone(),
                kind: CompletionKind::ArtifactId,
                detail: Some(format!("{} artifact", workflow.name)),
                documentation: Some(format!(
                    "{}\n\nRules for the artifact that generates `{}`.",
                    artifact.description, artifact.generates.text
                )),
                insert_text,
                is_snippet,
                replace_range: TextRange::new(cursor.line.start + typed.start(), end),
                filter_text: None,
                sort_text: Some(format!("{idx:05}")),
            }
        })
        .collect()
}

/// A change's `.openspec.yaml`: schema names after `schema:`, and `skip_specs: true`.
fn metadata_completions(root: &RootSnapshot, cursor: &YamlCursor<'_>, change_id: &str) -> Vec<CompletionItem> {
    let schemas = schema_name_completions(root, cursor);
    if !schemas.is_empty() {
        return schemas;
    }
    let typed = cursor.prefix;
    let blank_after = js_trim(cursor.suffix).is_empty();
    let is_key_start = typed.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_');
    if !blank_after || !is_key_start || !"skip_specs".starts_with(typed) || cursor.has_top_level_key("skip_specs") {
        return Vec::new();
    }
    let has_deltas = !layout::delta_specs(root, &layout::change_dir(change_id)).is_empty();
    let documentation = format!(
        "This change modifies no spec on purpose (a refactor, tooling, docs): `openspec validate` then accepts zero delta specs, and any file under `specs/` is an error.{}",
        if has_deltas { "\n\n**This change has delta specs**: remove them, or do not set this." } else { "" }
    );
    vec![CompletionItem {
        label: "skip_specs: true".to_owned(),
        kind: CompletionKind::Setting,
        detail: Some("change without spec deltas".to_owned()),
        documentation: Some(documentation),
        insert_text: "skip_specs: true".to_owned(),
        is_snippet: false,
        replace_range: TextRange::new(cursor.line.start, cursor.offset),
        filter_text: None,
        sort_text: None,
    }]
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::{CompletionConfig, snippet_to_plain};
    use crate::features::fixture;

    const SNIPPETS: CompletionConfig = CompletionConfig { snippets: true };
    const PLAIN: CompletionConfig = CompletionConfig { snippets: false };

    /// One `kind label detail` line per item.
    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let mut out = String::new();
        for item in analysis.completions(&position, SNIPPETS) {
            let _ = writeln!(out, "{} {} ({})", item.kind.label(), item.label, item.detail.unwrap_or_default());
        }
        expect.assert_eq(&out);
    }

    /// The file after inserting the item labelled `label` (the `nth` such item) for a client
    /// that expands snippets, snippet text as is; `␍` shows carriage returns.
    fn check_insert(fixture_text: &str, label: &str, nth: usize, expect: &Expect) {
        check_insert_with(fixture_text, label, nth, SNIPPETS, expect);
    }

    fn check_insert_with(fixture_text: &str, label: &str, nth: usize, config: CompletionConfig, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let items = analysis.completions(&position, config);
        let Some(item) = items.iter().filter(|item| item.label == label).nth(nth) else {
            panic!("no item {label:?} in {items:#?}");
        };
        let mut text = analysis.root.text(&position.path).unwrap_or("").to_owned();
        assert!(item.replace_range.touches(position.offset), "cursor outside {item:?}");
        text.replace_range(item.replace_range.start..item.replace_range.end, &item.insert_text);
        let snippet = if item.is_snippet { " (snippet)" } else { "" };
        expect.assert_eq(&format!("{}{snippet}\n{}", item.label, text.replace('\r', "␍")));
    }

    const BASE: &str = "//- /openspec/specs/auth/spec.md
# auth Specification

## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in

### Requirement: Logout
The system SHALL log users out.

#### Scenario: bye
- **WHEN** clicked
- **THEN** logged out
";

    #[test]
    fn main_spec_sections_and_templates() {
        check(
            "//- /openspec/specs/auth/spec.md\n# auth\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n$0\n",
            &expect![[r#"
                scenario #### Scenario: (scenario with WHEN/THEN steps)
                requirement ### Requirement: (requirement with a scenario)
                section ## Purpose (main spec section)
            "#]],
        );
        check(
            "//- /openspec/specs/auth/spec.md\n# auth\n\n## Requirements\n##$0\n",
            &expect![[r#"
                requirement ### Requirement: (requirement with a scenario)
                section ## Purpose (main spec section)
            "#]],
        );
        check(
            "//- /openspec/specs/auth/spec.md\n# auth\n$0\n",
            &expect![[r#"
                section ## Purpose (main spec section)
                section ## Requirements (main spec section)
            "#]],
        );
        // Prose and fenced code get nothing.
        check("//- /openspec/specs/auth/spec.md\n## Requirements\nThe sys$0\n", &expect![[""]]);
        check("//- /openspec/specs/auth/spec.md\n## Requirements\n```\n#$0\n```\n", &expect![[""]]);
    }

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

    #[test]
    fn delta_sections_not_yet_present() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: X\nThe system SHALL x.\n\n## $0\n"
            ),
            &expect![[r#"
                section ## MODIFIED Requirements (delta section)
                section ## REMOVED Requirements (delta section)
                section ## RENAMED Requirements (delta section)
            "#]],
        );
        check(
            &format!(
                "{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: X\nThe system SHALL x.\n\n$0\n"
            ),
            &expect![[r#"
                scenario #### Scenario: (scenario with WHEN/THEN steps)
                requirement ### Requirement: (requirement with a scenario)
                section ## MODIFIED Requirements (delta section)
                section ## REMOVED Requirements (delta section)
                section ## RENAMED Requirements (delta section)
            "#]],
        );
        check(
            &format!("{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n$0\n"),
            &expect![[r#"
                requirement ### Requirement: (removed requirement with reason and migration)
                section ## ADDED Requirements (delta section)
                section ## MODIFIED Requirements (delta section)
                section ## RENAMED Requirements (delta section)
            "#]],
        );
    }

    #[test]
    fn base_names_in_modified() {
        let fixture_text = format!(
            "{BASE}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Logout\nx\n### Requirement: Lo$0\n"
        );
        check(
            &fixture_text,
            &expect![[r#"
                requirement-name Login (requirement of auth)
                requirement-name Login (copy current requirement) (requirement of auth, with its text)
            "#]],
        );
        check_insert(
            &fixture_text,
            "Login (copy current requirement)",
            0,
            &expect![[r#"
                Login (copy current requirement) (snippet)
                ## MODIFIED Requirements
                ### Requirement: Logout
                x
                ### Requirement: Login
                The system SHALL log users in.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in
            "#]],
        );
    }

    #[test]
    fn names_after_a_typed_space_start_with_the_typed_text() {
        let base = "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Session expiry\nThe system SHALL expire.\n\n#### Scenario: s\n- x\n\n### Requirement: Session $ budget\nThe system SHALL cost.\n\n#### Scenario: s\n- x\n\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: s\n- x\n";
        let fixture_text = format!(
            "{base}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Session $0\n"
        );
        check(
            &fixture_text,
            &expect![[r#"
                requirement-name Session expiry (requirement of auth)
                requirement-name Session $ budget (requirement of auth)
            "#]],
        );
        // The typed space is replaced too; `$` is escaped for a snippet client, plain otherwise.
        check_insert(
            &fixture_text,
            "Session $ budget",
            0,
            &expect![[r#"
                Session $ budget (snippet)
                ## REMOVED Requirements
                ### Requirement: Session \$ budget
            "#]],
        );
        check_insert_with(
            &fixture_text,
            "Session $ budget",
            0,
            PLAIN,
            &expect![[r#"
                Session $ budget
                ## REMOVED Requirements
                ### Requirement: Session $ budget
            "#]],
        );
    }

    #[test]
    fn plain_text_for_a_client_without_snippets() {
        check_insert_with(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n###$0\n",
            "### Requirement:",
            0,
            PLAIN,
            &expect![[r#"
                ### Requirement:
                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                ### Requirement: Name
                The system SHALL behave.

                #### Scenario: Scenario name
                - **WHEN** condition
                - **THEN** outcome
            "#]],
        );
    }

    #[test]
    fn snippet_syntax_to_plain_text() {
        let cases = [
            "### Requirement: ${1:Name}$0",
            "- `$1`: ${2:description}$0",
            "a \\$ b \\} c \\\\ d ${3:x \\} y} $ e ${f} ${12}",
            "trailing $",
        ];
        let plain: Vec<String> = cases.iter().map(|case| snippet_to_plain(case)).collect();
        expect![[r##"
            ### Requirement: Name
            - ``: description
            a $ b } c \ d x } y $ e ${f} 
            trailing $"##]]
        .assert_eq(&plain.join("\n"));
    }

    #[test]
    fn base_names_in_removed_and_renamed() {
        let delta = "//- /openspec/changes/c/specs/auth/spec.md\n";
        check(
            &format!("{BASE}{delta}## REMOVED Requirements\n- `### Requirement: Logout`\n- `### Requirement: $0`\n"),
            &expect![[r#"
                requirement-name Login (requirement of auth)
            "#]],
        );
        check_insert(
            &format!("{BASE}{delta}## REMOVED Requirements\n### Requirement: Lo$0gx\n"),
            "Logout",
            0,
            &expect![[r#"
                Logout (snippet)
                ## REMOVED Requirements
                ### Requirement: Logout
            "#]],
        );
        check_insert(
            &format!("{BASE}{delta}## RENAMED Requirements\n- FROM: Lo$0\n"),
            "Login",
            0,
            &expect![[r#"
                Login (snippet)
                ## RENAMED Requirements
                - FROM: `### Requirement: Login`
            "#]],
        );
        check_insert(
            &format!(
                "{BASE}{delta}## RENAMED Requirements\n- FROM: `### Requirement: $0`\n- TO: `### Requirement: Sign in`\n"
            ),
            "Logout",
            0,
            &expect![[r#"
                Logout (snippet)
                ## RENAMED Requirements
                - FROM: `### Requirement: Logout`
                - TO: `### Requirement: Sign in`
            "#]],
        );
        // A TO line names a new requirement: nothing to offer; ADDED names are new as well.
        check(&format!("{BASE}{delta}## RENAMED Requirements\n- TO: `### Requirement: $0`\n"), &expect![[""]]);
        check(&format!("{BASE}{delta}## ADDED Requirements\n### Requirement: $0\n"), &expect![[""]]);
    }

    #[test]
    fn copies_the_current_requirement_into_a_crlf_delta() {
        check_insert(
            "//- /openspec/specs/ü/spec.md\n## Requirements\n### Requirement: Größe\nDas System SHALL größer sein.\n\n#### Scenario: ä\n- x\n//- /openspec/changes/c/specs/ü/spec.md\r\n## MODIFIED Requirements\r\n### Requirement: Gr$0\r\n",
            "Größe (copy current requirement)",
            0,
            &expect![[r#"
                Größe (copy current requirement) (snippet)
                ## MODIFIED Requirements␍
                ### Requirement: Größe␍
                Das System SHALL größer sein.␍
                ␍
                #### Scenario: ä␍
                - x␍
            "#]],
        );
    }

    #[test]
    fn proposal_sections_and_capabilities() {
        let workspace = format!(
            "{BASE}//- /openspec/specs/billing/spec.md\n## Purpose\nBill.\n//- /openspec/changes/c/specs/two-factor/spec.md\n## ADDED Requirements\n//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n"
        );
        check(
            &format!("{workspace}//- /openspec/changes/c/proposal.md\n## Why\nBecause.\n\n## $0\n"),
            &expect![[r#"
                section ## What Changes (proposal section)
                section ## Capabilities (proposal section)
                section ## Impact (proposal section)
            "#]],
        );
        check(
            &format!("{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n### New Capabilities\n- $0\n"),
            &expect![[r#"
                capability two-factor (new: delta spec in this change)
            "#]],
        );
        check(
            &format!(
                "{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n### Modified Capabilities\n- `billing`: x\n- `$0\n"
            ),
            &expect![[r#"
                capability auth (main spec, delta spec in this change)
            "#]],
        );
        check_insert(
            &format!(
                "{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n### Modified Capabilities\n- `au$0`\n"
            ),
            "auth",
            0,
            &expect![[r#"
                auth (snippet)
                ## Capabilities
                ### Modified Capabilities
                - `auth`: ${1:description}
            "#]],
        );
        check_insert(
            &format!("{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n- `au$0`: already described\n"),
            "auth",
            0,
            &expect![[r#"
                auth (snippet)
                ## Capabilities
                - `auth`: already described
            "#]],
        );
    }

    #[test]
    fn proposal_capability_lists() {
        check(
            "//- /openspec/changes/c/proposal.md\n## Why\nx\n## Capabilities\n### New Capabilities\n- `a`: b\n\n###$0\n",
            &expect![[r#"
                section ### Modified Capabilities (capability list)
            "#]],
        );
        check_insert(
            "//- /openspec/changes/c/proposal.md\r\n## Why\r\nx\r\n## Capabilities\r\n$0\r\n",
            "### New Capabilities",
            0,
            &expect![[r#"
                ### New Capabilities (snippet)
                ## Why␍
                x␍
                ## Capabilities␍
                ### New Capabilities␍
                - `$1`: ${2:description}$0␍
            "#]],
        );
    }

    #[test]
    fn config_schema_names_and_rules_keys() {
        let schemas = "//- /openspec/schemas/lean/schema.yaml\nname: lean\nversion: 1\nartifacts:\n  - id: brief\n    generates: brief.md\n    description: A short brief\n    template: brief.md\n    requires: []\n";
        check(
            &format!("{schemas}//- /openspec/config.yaml\nschema: $0\n"),
            &expect![[r#"
            schema lean (project schema)
            schema spec-driven (built-in schema)
        "#]],
        );
        check(
            "//- /openspec/config.yaml\nschema: spec-driven\nrules:\n  proposal:\n    - Keep it short\n  $0\n",
            &expect![[r#"
                artifact specs (spec-driven artifact)
                artifact design (spec-driven artifact)
                artifact tasks (spec-driven artifact)
            "#]],
        );
        check_insert(
            &format!("{schemas}//- /openspec/config.yaml\r\nschema: lean\r\nrules:\r\n  b$0\r\n"),
            "brief",
            0,
            &expect![[r#"
                brief (snippet)
                schema: lean␍
                rules:␍
                  brief:␍
                    - ${1:rule}␍
            "#]],
        );
        // Rule list items and other maps get nothing.
        check("//- /openspec/config.yaml\nrules:\n  proposal:\n    $0\n", &expect![[""]]);
        check("//- /openspec/config.yaml\ncontext:\n  $0\n", &expect![[""]]);
    }

    #[test]
    fn change_metadata_schema_and_skip_specs() {
        check(
            "//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\nsk$0\n",
            &expect![[r#"
            setting skip_specs: true (change without spec deltas)
        "#]],
        );
        check(
            "//- /openspec/changes/c/.openspec.yaml\nschema: $0\n",
            &expect![[r#"
            schema spec-driven (built-in schema)
        "#]],
        );
        check("//- /openspec/changes/c/.openspec.yaml\nskip_specs: true\n$0\n", &expect![[""]]);
    }
}
