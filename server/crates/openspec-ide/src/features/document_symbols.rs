//! Document outline: a main spec's sections > requirements > scenarios, a delta spec's
//! ADDED/MODIFIED/REMOVED/RENAMED sections and their entries, a proposal's (or any Markdown
//! file's) sections, and tasks.md's groups > tasks. Pure; reads the CLI's line readers.

use openspec_syntax::TextRange;
use openspec_syntax::js::js_trim;
use openspec_syntax::requirement_blocks::{DeltaKind, requirement_header_name, scenario_names};
use openspec_syntax::spec::{Section, parse_sections};
use openspec_syntax::tasks::{GroupHeading, TaskLine, parse_tasks};

use crate::features::is_markdown;
use crate::index::{DeltaFileInfo, DeltaOp, FileRole, WorkspaceIndex};
use crate::vfs::RootSnapshot;

/// What a symbol is, named after the LSP kinds the server maps them to one for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A level-1 heading: the document's title.
    File,
    /// A plain section.
    Module,
    /// A delta section (`## ADDED Requirements`), a change (workspace symbols).
    Namespace,
    /// A capability (workspace symbols).
    Package,
    /// A requirement, in a main spec or a delta entry.
    Class,
    /// A scenario.
    Method,
    /// A task group of tasks.md.
    Struct,
    /// A task.
    Event,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers (a section with its content).
    pub full_range: TextRange,
    /// The name; always inside `full_range`.
    pub selection_range: TextRange,
    pub children: Vec<DocumentSymbol>,
}

pub fn document_symbols(root: &RootSnapshot, index: &WorkspaceIndex, path: &str) -> Vec<DocumentSymbol> {
    let Some(text) = root.text(path) else {
        return Vec::new();
    };
    let is_tasks = path == "tasks.md" || path.ends_with("/tasks.md");
    match index.role(path) {
        Some(FileRole::Delta { change, delta }) => {
            let delta = index.changes.get(change).and_then(|change| change.deltas.get(delta));
            section_symbols(&parse_sections(text), delta)
        }
        Some(FileRole::Tasks { .. }) => task_symbols(text),
        _ if is_tasks => task_symbols(text),
        _ if is_markdown(path) => section_symbols(&parse_sections(text), None),
        _ => Vec::new(),
    }
}

fn section_symbols(sections: &[Section<'_>], delta: Option<&DeltaFileInfo>) -> Vec<DocumentSymbol> {
    sections.iter().map(|section| section_symbol(section, delta)).collect()
}

/// From the header to the end of the section's last non-blank line.
fn section_range(section: &Section<'_>) -> TextRange {
    let header = section.header_range();
    let end = section.content.last().map_or(header.end, |line| line.start + line.text.len());
    TextRange::new(section.header.start, end.max(header.end))
}

fn section_symbol(section: &Section<'_>, delta: Option<&DeltaFileInfo>) -> DocumentSymbol {
    let full_range = section_range(section);
    if let Some(name) = requirement_header_name(section.header.text) {
        let children = section.children.iter().map(|child| scenario_symbol(child, delta)).collect();
        return DocumentSymbol {
            name: display(name, "(unnamed requirement)"),
            detail: None,
            kind: SymbolKind::Class,
            full_range,
            selection_range: section.header.range_of(name),
            children,
        };
    }
    let delta_kind = if section.level == 2 { DeltaKind::from_title(section.title) } else { None };
    if let (Some(delta), Some(kind)) = (delta, delta_kind) {
        let children = match kind {
            DeltaKind::Added | DeltaKind::Modified => section_symbols(&section.children, Some(delta)),
            DeltaKind::Removed | DeltaKind::Renamed => entry_symbols(delta, full_range),
        };
        return DocumentSymbol {
            name: section.title.to_owned(),
            detail: None,
            kind: SymbolKind::Namespace,
            full_range,
            selection_range: section.title_range(),
            children,
        };
    }
    DocumentSymbol {
        name: display(section.title, "(untitled)"),
        detail: None,
        kind: if section.level == 1 { SymbolKind::File } else { SymbolKind::Module },
        full_range,
        selection_range: section.title_range(),
        children: section_symbols(&section.children, delta),
    }
}

/// A `#### ` child of a requirement is a scenario; any other child is a plain section.
fn scenario_symbol(section: &Section<'_>, delta: Option<&DeltaFileInfo>) -> DocumentSymbol {
    let Some(name) = scenario_names(std::slice::from_ref(&section.header)).first().copied() else {
        return section_symbol(section, delta);
    };
    DocumentSymbol {
        name: display(name, "(unnamed scenario)"),
        detail: None,
        kind: SymbolKind::Method,
        full_range: section_range(section),
        selection_range: section.header.range_of(name),
        children: section_symbols(&section.children, delta),
    }
}

/// REMOVED entries and RENAMED pairs whose lines fall inside `within`.
fn entry_symbols(delta: &DeltaFileInfo, within: TextRange) -> Vec<DocumentSymbol> {
    let inside: Vec<_> = delta
        .entries
        .iter()
        .filter(|entry| within.start <= entry.line_range.start && entry.line_range.end <= within.end)
        .collect();
    let mut symbols = Vec::new();
    for (idx, entry) in inside.iter().enumerate() {
        let (name, detail, full_range) = match (entry.op, &entry.partner) {
            (DeltaOp::Removed, _) => (display(&entry.name, "(unnamed)"), "REMOVED", entry.line_range),
            (DeltaOp::RenamedFrom, Some(to)) => {
                let to_line = inside
                    .get(idx + 1..)
                    .unwrap_or_default()
                    .iter()
                    .find(|next| next.op == DeltaOp::RenamedTo && next.partner.as_ref() == Some(&entry.name));
                let full_range =
                    to_line.map_or(entry.line_range, |to_entry| entry.line_range.cover(to_entry.line_range));
                (format!("{} → {to}", entry.name), "RENAMED", full_range)
            }
            (DeltaOp::RenamedFrom, None) => {
                (display(&entry.name, "(unnamed)"), "RENAMED FROM (no TO)", entry.line_range)
            }
            (DeltaOp::RenamedTo, None) => (display(&entry.name, "(unnamed)"), "RENAMED TO (no FROM)", entry.line_range),
            // The TO side of a pair is part of its FROM symbol; blocks have their own sections.
            (DeltaOp::RenamedTo, Some(_)) | (DeltaOp::Added | DeltaOp::Modified, _) => continue,
        };
        symbols.push(DocumentSymbol {
            name,
            detail: Some(detail.to_owned()),
            kind: SymbolKind::Class,
            full_range,
            selection_range: entry.name_range,
            children: Vec::new(),
        });
    }
    symbols
}

/// Level-2 headings as groups, each holding the tasks up to the next one.
fn task_symbols(text: &str) -> Vec<DocumentSymbol> {
    let tasks_doc = parse_tasks(text);
    let mut roots = Vec::new();
    let mut group: Option<DocumentSymbol> = None;
    let mut tasks = tasks_doc.tasks.iter().peekable();
    for heading in &tasks_doc.headings {
        while let Some(task) = tasks.next_if(|task| task.line_idx < heading.line_idx) {
            push_task(&mut group, &mut roots, task);
        }
        roots.extend(group.take());
        group = Some(group_symbol(heading));
    }
    for task in tasks {
        push_task(&mut group, &mut roots, task);
    }
    roots.extend(group);
    roots
}

fn group_symbol(heading: &GroupHeading<'_>) -> DocumentSymbol {
    let header = js_trim(heading.line.text);
    let title = js_trim(header.trim_start_matches('#'));
    let line_range = heading.line.range_of(header);
    DocumentSymbol {
        name: display(title, "(untitled)"),
        detail: None,
        kind: SymbolKind::Struct,
        full_range: line_range,
        selection_range: if title.is_empty() { line_range } else { heading.line.range_of(title) },
        children: Vec::new(),
    }
}

fn push_task(group: &mut Option<DocumentSymbol>, roots: &mut Vec<DocumentSymbol>, task: &TaskLine<'_>) {
    let full_range = task.line.trimmed_range();
    let selection_range = if task.description.is_empty() { task.checkbox } else { task.description_range() };
    let symbol = DocumentSymbol {
        name: display(task.description, "(empty task)"),
        detail: Some(if task.done { "done" } else { "open" }.to_owned()),
        kind: SymbolKind::Event,
        full_range,
        selection_range,
        children: Vec::new(),
    };
    match group {
        Some(group) => {
            group.full_range = group.full_range.cover(full_range);
            group.children.push(symbol);
        }
        None => roots.push(symbol),
    }
}

fn display(name: &str, fallback: &str) -> String {
    if name.is_empty() { fallback.to_owned() } else { name.to_owned() }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::DocumentSymbol;
    use crate::analysis::Analysis;
    use crate::features::fixture;

    fn dump(analysis: &Analysis, path: &str, symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
        for symbol in symbols {
            assert!(
                symbol.full_range.start <= symbol.selection_range.start
                    && symbol.selection_range.end <= symbol.full_range.end,
                "selection outside full range: {symbol:?}"
            );
            let text = analysis.root.text(path).unwrap_or("");
            let lines = openspec_syntax::LineIndex::new(text);
            let _ = writeln!(
                out,
                "{}{:?} {:?}{} L{}-L{} sel={:?}",
                "  ".repeat(depth),
                symbol.kind,
                symbol.name,
                symbol.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default(),
                lines.line_of(symbol.full_range.start) + 1,
                lines.line_of(symbol.full_range.end) + 1,
                fixture::slice(analysis, path, symbol.selection_range),
            );
            dump(analysis, path, &symbol.children, depth + 1, out);
        }
    }

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let mut out = String::new();
        dump(&analysis, &position.path, &analysis.document_symbols(&position.path), 0, &mut out);
        expect.assert_eq(&out);
    }

    #[test]
    fn main_spec() {
        check(
            "//- /openspec/specs/auth/spec.md\n# Auth Specification\n\n## Purpose\nWhy.\n\n## Requirements\n### Requirement: Login ##\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x\n##### Detail\nmore\n#### Scenario:\n### Notes\ntext\n\n",
            &expect![[r#"
                File "Auth Specification" L1-L16 sel="Auth Specification"
                  Module "Purpose" L3-L4 sel="Purpose"
                  Module "Requirements" L6-L16 sel="Requirements"
                    Class "Login" L7-L14 sel="Login"
                      Method "ok" L10-L13 sel="ok"
                        Module "Detail" L12-L13 sel="Detail"
                      Method "(unnamed scenario)" L14-L14 sel=""
                    Module "Notes" L15-L16 sel="Notes"
            "#]],
        );
    }

    #[test]
    fn delta_spec() {
        check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Audit\nThe system SHALL audit.\n#### Scenario: logged\n- x\n\n## REMOVED Requirements\n### Requirement: Old header form\n- `### Requirement: Old bullet`\n\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n- TO: `### Requirement: Lonely`\n## Notes\nfree text\n",
            &expect![[r####"
                Namespace "ADDED Requirements" L1-L5 sel="ADDED Requirements"
                  Class "Audit" L2-L5 sel="Audit"
                    Method "logged" L4-L5 sel="logged"
                Namespace "REMOVED Requirements" L7-L9 sel="REMOVED Requirements"
                  Class "Old header form" (REMOVED) L8-L8 sel="Old header form"
                  Class "Old bullet" (REMOVED) L9-L9 sel="Old bullet"
                Namespace "RENAMED Requirements" L11-L14 sel="RENAMED Requirements"
                  Class "A → B" (RENAMED) L12-L13 sel="A"
                  Class "Lonely" (RENAMED TO (no FROM)) L14-L14 sel="Lonely"
                Module "Notes" L15-L16 sel="Notes"
            "####]],
        );
    }

    #[test]
    fn proposal_sections() {
        check(
            "//- /openspec/changes/c/proposal.md\n# Change: Add 2FA\n## Why\nBecause.\n## What Changes\n- x\n## Capabilities\n### New Capabilities\n- `a`: b\n",
            &expect![[r####"
                File "Change: Add 2FA" L1-L8 sel="Change: Add 2FA"
                  Module "Why" L2-L3 sel="Why"
                  Module "What Changes" L4-L5 sel="What Changes"
                  Module "Capabilities" L6-L8 sel="Capabilities"
                    Module "New Capabilities" L7-L8 sel="New Capabilities"
            "####]],
        );
    }

    #[test]
    fn tasks_groups_crlf_and_non_ascii() {
        check(
            "//- /openspec/changes/c/tasks.md\r\n- [ ] 0.1 before any group\r\n## 1. Vorbereitung für Größe\r\n- [x] 1.1 Schlüssel ändern\r\n- [ ] 1.2 Prüfen\r\n\r\n## 2. Rollout\r\n- [ ]\r\n",
            &expect![[r####"
                Event "0.1 before any group" (open) L1-L1 sel="0.1 before any group"
                Struct "1. Vorbereitung für Größe" L2-L4 sel="1. Vorbereitung für Größe"
                  Event "1.1 Schlüssel ändern" (done) L3-L3 sel="1.1 Schlüssel ändern"
                  Event "1.2 Prüfen" (open) L4-L4 sel="1.2 Prüfen"
                Struct "2. Rollout" L6-L7 sel="2. Rollout"
                  Event "(empty task)" (open) L7-L7 sel="[ ]"
            "####]],
        );
    }

    #[test]
    fn crlf_main_spec_with_non_ascii_names() {
        check(
            "//- /openspec/specs/ü/spec.md\r\n## Requirements\r\n### Requirement: Größe\r\nDas System SHALL.\r\n#### Scenario: Übergröße\r\n- x\r\n",
            &expect![[r####"
                Module "Requirements" L1-L5 sel="Requirements"
                  Class "Größe" L2-L5 sel="Größe"
                    Method "Übergröße" L4-L5 sel="Übergröße"
            "####]],
        );
    }
}
