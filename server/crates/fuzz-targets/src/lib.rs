//! The bodies of the fuzz targets: each takes arbitrary bytes and must return, without
//! panicking or hanging, whatever the bytes; where a cheap oracle exists it is asserted too.
//! Shared by the cargo-fuzz crate in `fuzz/` (which depends on this crate) and the stable-Rust
//! smoke run in `tests/fuzz_smoke.rs`. A dev-only crate, never shipped. Never does IO.

use std::path::{Component, Path};
use std::sync::Arc;

use openspec_ide::features::code_actions::CodeActionConfig;
use openspec_ide::features::completion::CompletionConfig;
use openspec_ide::features::references::ReferencesConfig;
use openspec_ide::{Analysis, CheckConfig, Entry, FileContent, FilePosition, FileRange, RootSnapshot, SourceChange};
use openspec_lsp::lsp::document::{Document, PositionEncoding};
use openspec_syntax::{ColumnUnit, LineCol, LineIndex};
use tower_lsp_server::ls_types;

/// The bundled example workspace: the context every artifact target's input is checked in.
const DEMO: &[(&str, &str)] = &[
    ("openspec/config.yaml", include_str!("../../../../examples/demo/openspec/config.yaml")),
    ("openspec/specs/auth/spec.md", include_str!("../../../../examples/demo/openspec/specs/auth/spec.md")),
    (
        "openspec/specs/notifications/spec.md",
        include_str!("../../../../examples/demo/openspec/specs/notifications/spec.md"),
    ),
    (
        "openspec/specs/billing/invoices/spec.md",
        include_str!("../../../../examples/demo/openspec/specs/billing/invoices/spec.md"),
    ),
    (
        "openspec/changes/add-two-factor-auth/.openspec.yaml",
        include_str!("../../../../examples/demo/openspec/changes/add-two-factor-auth/.openspec.yaml"),
    ),
    (
        "openspec/changes/add-two-factor-auth/proposal.md",
        include_str!("../../../../examples/demo/openspec/changes/add-two-factor-auth/proposal.md"),
    ),
    (
        "openspec/changes/add-two-factor-auth/design.md",
        include_str!("../../../../examples/demo/openspec/changes/add-two-factor-auth/design.md"),
    ),
    (
        "openspec/changes/add-two-factor-auth/tasks.md",
        include_str!("../../../../examples/demo/openspec/changes/add-two-factor-auth/tasks.md"),
    ),
    (
        "openspec/changes/add-two-factor-auth/specs/auth/spec.md",
        include_str!("../../../../examples/demo/openspec/changes/add-two-factor-auth/specs/auth/spec.md"),
    ),
    (
        "openspec/changes/rework-notifications/.openspec.yaml",
        include_str!("../../../../examples/demo/openspec/changes/rework-notifications/.openspec.yaml"),
    ),
    (
        "openspec/changes/rework-notifications/proposal.md",
        include_str!("../../../../examples/demo/openspec/changes/rework-notifications/proposal.md"),
    ),
    (
        "openspec/changes/rework-notifications/tasks.md",
        include_str!("../../../../examples/demo/openspec/changes/rework-notifications/tasks.md"),
    ),
    (
        "openspec/changes/rework-notifications/specs/notifications/spec.md",
        include_str!("../../../../examples/demo/openspec/changes/rework-notifications/specs/notifications/spec.md"),
    ),
    (
        "openspec/changes/archive/2025-01-20-add-invoices/.openspec.yaml",
        include_str!("../../../../examples/demo/openspec/changes/archive/2025-01-20-add-invoices/.openspec.yaml"),
    ),
    (
        "openspec/changes/archive/2025-01-20-add-invoices/proposal.md",
        include_str!("../../../../examples/demo/openspec/changes/archive/2025-01-20-add-invoices/proposal.md"),
    ),
    (
        "openspec/changes/archive/2025-01-20-add-invoices/specs/billing/invoices/spec.md",
        include_str!(
            "../../../../examples/demo/openspec/changes/archive/2025-01-20-add-invoices/specs/billing/invoices/spec.md"
        ),
    ),
    // A project schema and a change that uses it, so schema and template rules run too.
    (
        "openspec/schemas/custom/schema.yaml",
        "name: custom\nversion: 1\ndescription: A custom workflow\nartifacts:\n  - id: proposal\n    generates: proposal.md\n    description: Why\n    template: proposal.md\n  - id: tasks\n    generates: tasks.md\n    description: Work\n    template: tasks.md\n    requires: [proposal]\napply:\n  requires: [tasks]\n  tracks: tasks.md\n",
    ),
    ("openspec/schemas/custom/templates/proposal.md", "## Why\n\n## What Changes\n"),
    ("openspec/schemas/custom/templates/tasks.md", "## 1. Work\n\n- [ ] 1.1 Do it\n"),
    ("openspec/changes/custom-flow/.openspec.yaml", "schema: custom\ncreated: 2025-02-01\n"),
];

/// One fuzz target per artifact kind: the input becomes the file at this path of the example
/// workspace (replacing the example's own, if any).
pub const ARTIFACT_TARGETS: &[(&str, &str)] = &[
    ("main_spec", "openspec/specs/auth/spec.md"),
    ("delta_spec", "openspec/changes/add-two-factor-auth/specs/auth/spec.md"),
    ("proposal", "openspec/changes/add-two-factor-auth/proposal.md"),
    ("tasks", "openspec/changes/add-two-factor-auth/tasks.md"),
    ("design", "openspec/changes/add-two-factor-auth/design.md"),
    ("archived_delta_spec", "openspec/changes/archive/2025-01-20-add-invoices/specs/billing/invoices/spec.md"),
    ("config_yaml", "openspec/config.yaml"),
    ("change_metadata_yaml", "openspec/changes/add-two-factor-auth/.openspec.yaml"),
    ("schema_yaml", "openspec/schemas/custom/schema.yaml"),
];

/// The artifact target called `target` (a name from `ARTIFACT_TARGETS`); an unknown name checks
/// nothing.
pub fn check_named_artifact(target: &str, data: &[u8]) {
    if let Some((_, path)) = ARTIFACT_TARGETS.iter().find(|(name, _)| *name == target) {
        check_artifact(path, data);
    }
}

/// The example file an artifact target starts from, for seeding.
pub fn demo_text(path: &str) -> Option<&'static str> {
    DEMO.iter().find(|(demo_path, _)| *demo_path == path).map(|(_, text)| *text)
}

/// Every example file, for seeding.
pub fn demo_texts() -> impl Iterator<Item = &'static str> {
    DEMO.iter().map(|(_, text)| *text)
}

/// Decodes bytes the way the server and `check` read a file: UTF-8, invalid sequences replaced
/// and flagged.
fn decode(data: &[u8]) -> FileContent {
    match std::str::from_utf8(data) {
        Ok(text) => FileContent::Text { text: Arc::from(text), lossy: false },
        Err(_) => FileContent::Text { text: Arc::from(String::from_utf8_lossy(data).as_ref()), lossy: true },
    }
}

fn demo_snapshot() -> RootSnapshot {
    RootSnapshot::from_texts(DEMO.iter().copied())
}

/// Parse + check + every IDE feature over the example workspace with `data` as the file at
/// `path`.
pub fn check_artifact(path: &str, data: &[u8]) {
    let mut snapshot = demo_snapshot();
    snapshot.insert_file(path, "");
    snapshot.entries.insert(path.to_owned(), Entry::File { content: decode(data), symlink: false });
    check_snapshot(snapshot, &[path], data);
}

/// Several files at once: the input is split at `\x01` into file texts, each given the path of
/// the artifact target its first byte picks (later files win), over an empty workspace, so
/// combinations the example never has (a delta without a base, two broken files) are reached.
pub fn check_workspace(data: &[u8]) {
    let mut snapshot = RootSnapshot::default();
    let mut paths = Vec::new();
    for chunk in data.split(|byte| *byte == 0x01) {
        let Some((&selector, content)) = chunk.split_first() else { continue };
        let Some(&(_, path)) = ARTIFACT_TARGETS.get(usize::from(selector) % ARTIFACT_TARGETS.len()) else { continue };
        snapshot.insert_file(path, "");
        snapshot.entries.insert(path.to_owned(), Entry::File { content: decode(content), symlink: false });
        paths.push(path);
    }
    check_snapshot(snapshot, &paths, data);
}

fn check_snapshot(snapshot: RootSnapshot, paths: &[&str], data: &[u8]) {
    // The configuration changes verdicts, not findings, so one run serves every invariant.
    let findings = openspec_ide::check_root(&snapshot, &CheckConfig { strict: true, all_rules: true }).diagnostics;
    for diagnostic in &findings {
        assert_range_in_file(&snapshot, &diagnostic.path, diagnostic.range, diagnostic.code);
        for related in &diagnostic.related {
            assert_range_in_file(&snapshot, &related.path, related.range, diagnostic.code);
        }
    }
    let analysis = Analysis::new(Arc::new(snapshot));
    for path in paths {
        let text_len = analysis.root.text(path).map_or(0, str::len);
        let _ = analysis.document_symbols(path);
        let _ = analysis.folding_ranges(path);
        let _ = analysis.semantic_tokens(path);
        let _ = analysis.document_links(path);
        let _ = analysis.code_lenses(path, &findings);
        let codes: Vec<&str> = findings.iter().filter(|d| d.path == *path).map(|d| d.code).collect();
        let whole = FileRange { path: (*path).to_owned(), range: openspec_syntax::TextRange::new(0, text_len) };
        for action in analysis.code_actions(&whole, &codes, CodeActionConfig { create_files: true }) {
            assert_stays_inside(&action.edit, &action.title);
        }
        // A few cursor places: the ends, and places the input itself picks.
        let picked = data.iter().rev().take(4).map(|byte| usize::from(*byte) * text_len / 255);
        for offset in [0, text_len / 2, text_len].into_iter().chain(picked) {
            let position = FilePosition { path: (*path).to_owned(), offset };
            let _ = analysis.hover(&position);
            let _ = analysis.goto_definition(&position);
            let _ = analysis.references(&position, ReferencesConfig { include_declaration: true });
            let _ = analysis.completions(&position, CompletionConfig { snippets: false });
            let point = FileRange { path: (*path).to_owned(), range: openspec_syntax::TextRange::new(offset, offset) };
            for action in analysis.code_actions(&point, &codes, CodeActionConfig { create_files: true }) {
                assert_stays_inside(&action.edit, &action.title);
            }
            if analysis.prepare_rename(&position).is_ok()
                && let Ok(change) = analysis.rename(&position, "Renamed by the fuzzer")
            {
                assert_stays_inside(&change, "rename");
            }
        }
    }
    let _ = analysis.workspace_symbols("a");
    for change in ["add-two-factor-auth", "rework-notifications", "custom-flow"] {
        let _ = analysis.preview_change_archive(change);
    }
}

/// A finding's range lies inside its file's text and on character boundaries.
fn assert_range_in_file(snapshot: &RootSnapshot, path: &str, range: openspec_syntax::TextRange, code: &str) {
    assert!(range.start <= range.end, "{code}: inverted range {range:?} in {path}");
    let Some(text) = snapshot.text(path) else { return };
    assert!(range.end <= text.len(), "{code}: range {range:?} past the end ({}) of {path}", text.len());
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{code}: range {range:?} splits a character in {path}"
    );
}

/// Every file an edit touches or creates is a plain relative path below the root: no `..`, no
/// absolute path, so the client can never be asked to write outside the workspace.
fn assert_stays_inside(change: &SourceChange, what: &str) {
    let paths = change.edits.keys().chain(change.new_files.iter().map(|(path, _)| path));
    for path in paths {
        assert!(
            Path::new(path).components().all(|component| matches!(component, Component::Normal(_))),
            "{what}: edit outside the root: {path:?}"
        );
    }
}

/// Splits fuzz input into a text and the bytes that drive the rest, at the last `\xFF` (which
/// valid UTF-8 never holds).
fn split_input(data: &[u8]) -> (String, &[u8]) {
    match data.iter().rposition(|byte| *byte == 0xFF) {
        Some(at) => (String::from_utf8_lossy(&data[..at]).into_owned(), &data[at + 1..]),
        None => (String::from_utf8_lossy(data).into_owned(), &[]),
    }
}

/// The two position converters agree: the open buffer's (rope) and the one diagnostics and
/// features use (`LineIndex`), in both encodings, for any position; every offset they give is
/// a character boundary inside the text; and every offset that a position can name survives the
/// round trip offset -> position -> offset.
pub fn position_conversion(data: &[u8]) {
    let (text, rest) = split_input(data);
    let document = Document::new(&text, 1);
    let index = LineIndex::new(&text);
    let encodings = [(PositionEncoding::Utf8, ColumnUnit::Utf8), (PositionEncoding::Utf16, ColumnUnit::Utf16)];
    for pair in rest.chunks(2) {
        let line = u32::from(pair.first().copied().unwrap_or(0) % 64);
        let character = u32::from(pair.get(1).copied().unwrap_or(0));
        for (encoding, unit) in encodings {
            let position = ls_types::Position::new(line, character);
            let from_rope = document.offset(position, encoding);
            let from_index = index.offset(&text, LineCol { line, col: character }, unit);
            assert_eq!(from_rope, from_index, "{position:?} {encoding:?} in {text:?}");
            assert!(from_rope <= text.len() && text.is_char_boundary(from_rope), "{from_rope} in {text:?}");
        }
    }
    // Round trips at a few hundred offsets spread over the text (inputs can be large).
    let step = (text.len() / 256).max(1);
    let offsets = text.char_indices().map(|(offset, _)| offset).chain(std::iter::once(text.len()));
    for offset in offsets.filter(|offset| offset % step == 0 || *offset == text.len()) {
        // The place between a CR and its LF has no position of its own.
        if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
            continue;
        }
        for (encoding, unit) in encodings {
            let line_col = index.line_col(&text, offset, unit);
            assert_eq!(index.offset(&text, line_col, unit), offset, "{offset} {unit:?} in {text:?}");
            let position = ls_types::Position::new(line_col.line, line_col.col);
            assert_eq!(document.offset(position, encoding), offset, "{offset} {encoding:?} in {text:?}");
        }
    }
}

/// Pieces an edit inserts: text that changes lines, characters and Markdown structure.
const INSERTS: &[&str] = &[
    "",
    "a",
    " ",
    "\n",
    "\r\n",
    "\r",
    "日本",
    "😀",
    "#",
    "### Requirement: x\n",
    "#### Scenario: y\n",
    "- **WHEN** ",
    "```\n",
    "- [ ] 1.1 ",
    "<!-- ",
    "-->",
    "> ",
    "\0",
    "\u{feff}",
    "\t",
    "SHALL",
];

/// A stream of edits, driven by the input, applied the way `didChange` applies them: the text
/// must match a model that edits a `String` through `LineIndex` positions, and the tree a fresh
/// parse, after every batch.
pub fn incremental_edits(data: &[u8]) {
    let (seed, ops) = split_input(data);
    let mut document = Document::new(&seed, 1);
    let mut model = seed;
    let mut version = 1;
    for (batch_idx, op) in ops.chunks(6).enumerate() {
        let byte = |idx: usize| op.get(idx).copied().unwrap_or(0);
        let utf8 = byte(0) & 1 == 1;
        let (encoding, unit) = if utf8 {
            (PositionEncoding::Utf8, ColumnUnit::Utf8)
        } else {
            (PositionEncoding::Utf16, ColumnUnit::Utf16)
        };
        let index = LineIndex::new(&model);
        let n_lines = u32::try_from(index.line_count()).unwrap_or(u32::MAX);
        // Lines a little past the end and columns a little past a line's end are fair game.
        let start = LineCol { line: u32::from(byte(1)) % (n_lines + 2), col: u32::from(byte(2) % 96) };
        let end = LineCol { line: start.line + u32::from(byte(3) % 3), col: u32::from(byte(4) % 96) };
        let inserted = INSERTS.get(usize::from(byte(5)) % INSERTS.len()).copied().unwrap_or("");
        let whole = byte(0) & 0x80 != 0 && byte(0) & 0x40 != 0;
        let change = if whole {
            inserted.clone_into(&mut model);
            ls_types::TextDocumentContentChangeEvent { range: None, range_length: None, text: inserted.to_owned() }
        } else {
            let start_offset = index.offset(&model, start, unit);
            let end_offset = index.offset(&model, end, unit);
            if start_offset <= end_offset {
                model.replace_range(start_offset..end_offset, inserted);
            }
            ls_types::TextDocumentContentChangeEvent {
                range: Some(ls_types::Range::new(
                    ls_types::Position::new(start.line, start.col),
                    ls_types::Position::new(end.line, end.col),
                )),
                range_length: None,
                text: inserted.to_owned(),
            }
        };
        version += 1;
        let _ = document.apply_content_changes(&[change], version, encoding);
        let text = document.text();
        assert_eq!(text, model, "text after batch {batch_idx}");
        let fresh = openspec_syntax::markdown::parse(&text, None);
        let incremental = document.tree().map(|tree| tree.root_node().to_sexp());
        assert_eq!(
            incremental,
            fresh.map(|tree| tree.root_node().to_sexp()),
            "tree after batch {batch_idx} of {text:?}"
        );
    }
}
