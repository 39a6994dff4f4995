//! Property test of the server's incremental document path: random streams of LSP content
//! changes go through `Document::apply_content_changes` (exactly what `didChange` runs), and
//! after every batch the text, the tree and the diagnostics must equal those of a fresh parse of
//! the same text. Test-only; nothing here touches the disk.
//!
//! The expected text comes from a deliberately separate model (a `String` and its own position
//! arithmetic), not from the rope, so the test does not compare the code with itself. The
//! diagnostics of the incremental side go through `ServerState::root_input`, which hands the
//! incrementally edited tree to the checks; the fresh side parses from scratch.

use std::fmt::Write as _;
use std::path::PathBuf;

use openspec_ide::{CheckConfig, RootSnapshot};
use proptest::strategy::{Just, Strategy};
use proptest::test_runner::{Config, TestCaseError};
use tower_lsp_server::ls_types;

use openspec_lsp::lsp::document::{Document, PositionEncoding};
use openspec_lsp::lsp::state::{RootState, ServerState};

/// Pieces inserted text is made of: plain and multi-byte text, every line break, and the
/// Markdown that changes how OpenSpec reads a file (headers, fences, comments, task boxes).
const FRAGMENTS: &[&str] = &[
    "a",
    "xyz",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "日本語",
    "😀",
    "é",
    "👩‍💻",
    "#",
    "## ",
    "### Requirement: ",
    "#### Scenario: ",
    "- **WHEN** ",
    "- **THEN** ",
    "The system SHALL ",
    "MUST",
    "## Purpose\n",
    "## Requirements\n",
    "## ADDED Requirements\n",
    "## MODIFIED Requirements\n",
    "## RENAMED Requirements\n",
    "- FROM: ",
    "```",
    "~~~",
    "- [ ] 1.1 ",
    "- [x] ",
    "<!-- ",
    " -->",
    "> ",
    "1. ",
    "\u{feff}",
    "\0",
    "*",
    "`",
    "\u{2028}",
];

/// Texts a stream starts from: a valid spec with CJK, emoji and CRLF, nothing, and odd line ends.
const SEEDS: &[&str] = &[
    "## Purpose\r\nSign-in keeps accounts safe for everyone who uses the product.\r\n\r\n## Requirements\r\n### Requirement: 登录 😀 Login\r\nThe system SHALL let people sign in.\r\n\r\n#### Scenario: Good password\r\n- **WHEN** the password matches\r\n- **THEN** the session starts\r\n",
    "",
    "\r\r\n\n\r",
    "## ADDED Requirements\n### Requirement: Codes\nThe system MUST ask.\n\n#### Scenario: Asked\n- **WHEN** x\n- **THEN** y",
    "```\n### Requirement: fenced\n```\n> quote 😀\r- [ ] 1.1 task\r",
];

/// Where a position lands, resolved against the text at the time the change is applied.
#[derive(Clone, Debug)]
enum Place {
    /// A line and column as given (the column may fall inside a character or past the end).
    Exact {
        line: u16,
        col: u16,
    },
    LineStart {
        line: u16,
    },
    LineEnd {
        line: u16,
    },
    Eof,
    /// A line past the last one.
    PastEof {
        extra_lines: u16,
        col: u16,
    },
}

#[derive(Clone, Debug)]
enum Change {
    Ranged {
        start: Place,
        end: Place,
        text: String,
    },
    /// A whole-document replacement (no range).
    Full {
        text: String,
    },
}

#[derive(Clone, Debug)]
struct Stream {
    utf8: bool,
    seed: String,
    batches: Vec<Vec<Change>>,
    /// Which artifact the document is, by path.
    path: &'static str,
}

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..5).prop_map(|parts| parts.concat())
}

fn place_strategy() -> impl Strategy<Value = Place> {
    proptest::prop_oneof![
        4 => (0u16..40, 0u16..90).prop_map(|(line, col)| Place::Exact { line, col }),
        2 => (0u16..40).prop_map(|line| Place::LineStart { line }),
        3 => (0u16..40).prop_map(|line| Place::LineEnd { line }),
        2 => Just(Place::Eof),
        1 => (1u16..4, 0u16..5).prop_map(|(extra_lines, col)| Place::PastEof { extra_lines, col }),
    ]
}

fn change_strategy() -> impl Strategy<Value = Change> {
    proptest::prop_oneof![
        12 => (place_strategy(), place_strategy(), text_strategy())
            .prop_map(|(start, end, text)| Change::Ranged { start, end, text }),
        1 => text_strategy().prop_map(|text| Change::Full { text }),
    ]
}

fn stream_strategy() -> impl Strategy<Value = Stream> {
    let seed = proptest::prop_oneof![proptest::sample::select(SEEDS).prop_map(str::to_owned), text_strategy()];
    let path = proptest::sample::select(
        &[
            "openspec/specs/auth/spec.md",
            "openspec/changes/add-2fa/specs/auth/spec.md",
            "openspec/changes/add-2fa/tasks.md",
            "openspec/changes/add-2fa/proposal.md",
        ][..],
    );
    let batches = proptest::collection::vec(proptest::collection::vec(change_strategy(), 1..4), 1..12);
    (proptest::bool::ANY, seed, batches, path).prop_map(|(utf8, seed, batches, path)| Stream {
        utf8,
        seed,
        batches,
        path,
    })
}

/// Line spans of `text` as LSP counts them (`\n`, `\r\n` and a lone `\r` end a line): content
/// start and end byte offsets. There is always at least one line.
fn model_lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut rest = text;
    while let Some(idx) = rest.find(['\n', '\r']) {
        let end = start + idx;
        let break_len = if rest[idx..].starts_with("\r\n") { 2 } else { 1 };
        lines.push((start, end));
        start = end + break_len;
        rest = &text[start..];
    }
    lines.push((start, text.len()));
    lines
}

fn units(ch: char, utf8: bool) -> usize {
    if utf8 { ch.len_utf8() } else { ch.len_utf16() }
}

/// The position a `Place` names in `text`.
fn resolve(place: &Place, text: &str, utf8: bool) -> ls_types::Position {
    let lines = model_lines(text);
    let n_lines = lines.len();
    let line_width = |line: usize| {
        lines.get(line).map_or(0, |&(start, end)| text[start..end].chars().map(|ch| units(ch, utf8)).sum())
    };
    let to_u32 = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
    match *place {
        Place::Exact { line, col } => ls_types::Position::new(u32::from(line) % to_u32(n_lines), u32::from(col)),
        Place::LineStart { line } => ls_types::Position::new(u32::from(line) % to_u32(n_lines), 0),
        Place::LineEnd { line } => {
            let line = usize::from(line) % n_lines;
            ls_types::Position::new(to_u32(line), to_u32(line_width(line)))
        }
        Place::Eof => ls_types::Position::new(to_u32(n_lines - 1), to_u32(line_width(n_lines - 1))),
        Place::PastEof { extra_lines, col } => {
            ls_types::Position::new(to_u32(n_lines - 1 + usize::from(extra_lines)), u32::from(col))
        }
    }
}

/// The model's byte offset of an LSP position: lines past the end go to the end of the text,
/// columns past a line's end to that end, columns inside a character to its start.
fn model_offset(text: &str, position: ls_types::Position, utf8: bool) -> usize {
    let lines = model_lines(text);
    let Some(&(start, end)) = lines.get(position.line as usize) else { return text.len() };
    let mut consumed = 0;
    for (idx, ch) in text[start..end].char_indices() {
        let width = units(ch, utf8);
        if consumed + width > position.character as usize {
            return start + idx;
        }
        consumed += width;
    }
    end
}

/// Every node with its kind and byte and point ranges: stricter than the S-expression, which
/// would not notice a node that kept its shape but moved.
fn dump_tree(tree: Option<&openspec_syntax::markdown::Tree>) -> String {
    let Some(tree) = tree else { return "no tree".to_owned() };
    let mut out = tree.root_node().to_sexp();
    let mut cursor = tree.walk();
    let mut done = false;
    while !done {
        let node = cursor.node();
        let _ = write!(
            out,
            "\n{} {}..{} {:?}..{:?}",
            node.kind(),
            node.start_byte(),
            node.end_byte(),
            node.start_position(),
            node.end_position()
        );
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                done = true;
                break;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

const ROOT_DIR: &str = "/virtual/workspace";

/// The files around the edited document, so cross-file rules (deltas against their base spec,
/// a change's proposal and tasks) have something to compare with.
fn context_files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "openspec/specs/auth/spec.md",
            "## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n",
        ),
        (
            "openspec/changes/add-2fa/proposal.md",
            "## Why\nPasswords alone are phished too often; a second factor stops most takeovers.\n\n## What Changes\n- Add a one-time code step.\n",
        ),
        (
            "openspec/changes/add-2fa/specs/auth/spec.md",
            "## ADDED Requirements\n### Requirement: One-time code\nThe system MUST ask for a code.\n\n#### Scenario: Code required\n- **WHEN** a user signs in\n- **THEN** a code is asked for\n",
        ),
        ("openspec/changes/add-2fa/tasks.md", "## 1. Login\n\n- [ ] 1.1 Add the code prompt\n"),
    ]
}

/// Renders what a check reports, so two reports compare (and print) as text.
fn findings(snapshot: &RootSnapshot) -> String {
    let config = CheckConfig { strict: true, all_rules: true };
    let report = openspec_ide::check_root(snapshot, &config);
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        let _ = writeln!(
            out,
            "{} {:?} {}..{} {:?} {}",
            diagnostic.path,
            diagnostic.severity,
            diagnostic.range.start,
            diagnostic.range.end,
            diagnostic.code,
            diagnostic.message
        );
    }
    for item in &report.items {
        let _ = writeln!(out, "{item:?}");
    }
    out
}

fn run_stream(stream: &Stream) -> Result<(), TestCaseError> {
    let encoding = if stream.utf8 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
    let root_dir = PathBuf::from(ROOT_DIR);
    let document_path = root_dir.join(stream.path);
    let disk = RootSnapshot::from_texts(context_files());
    let mut state = ServerState::new();
    state.encoding = encoding;
    state.roots.push(RootState::new(root_dir.clone(), disk.clone(), 0));
    state.documents.insert(document_path.clone(), Document::new(&stream.seed, 1));
    let mut model = stream.seed.clone();
    let mut version = 1;
    for (batch_idx, batch) in stream.batches.iter().enumerate() {
        // Resolve against the model as it is before each change, the way a client computes a
        // batch: every range refers to the text left by the change before it.
        let mut events = Vec::new();
        let mut expected_rejections = 0;
        for change in batch {
            match change {
                Change::Full { text } => {
                    events.push(ls_types::TextDocumentContentChangeEvent {
                        range: None,
                        range_length: None,
                        text: text.clone(),
                    });
                    model.clone_from(text);
                }
                Change::Ranged { start, end, text } => {
                    let start = resolve(start, &model, stream.utf8);
                    let end = resolve(end, &model, stream.utf8);
                    let start_offset = model_offset(&model, start, stream.utf8);
                    let end_offset = model_offset(&model, end, stream.utf8);
                    if start_offset <= end_offset {
                        model.replace_range(start_offset..end_offset, text);
                    } else {
                        expected_rejections += 1;
                    }
                    events.push(ls_types::TextDocumentContentChangeEvent {
                        range: Some(ls_types::Range::new(start, end)),
                        range_length: None,
                        text: text.clone(),
                    });
                }
            }
        }
        version += 1;
        let document = state.documents.get_mut(&document_path).ok_or_else(|| TestCaseError::fail("document gone"))?;
        let report = document.apply_content_changes(&events, version, encoding);
        proptest::prop_assert_eq!(report.rejected, expected_rejections, "batch {}", batch_idx);
        let text = document.text();
        proptest::prop_assert_eq!(&text, &model, "text after batch {}", batch_idx);
        // The tree is parsed when first asked for: every third batch and the last ask, so the
        // others leave versions whose edits pile up on the last parsed tree (as typing does when
        // no check needs the tree), and the checks in between may parse some of them themselves.
        if batch_idx % 3 == 2 || batch_idx + 1 == stream.batches.len() {
            let fresh_tree = openspec_syntax::markdown::parse(&text, None);
            proptest::prop_assert_eq!(
                dump_tree(document.tree().as_ref()),
                dump_tree(fresh_tree.as_ref()),
                "tree after batch {} of text {:?}",
                batch_idx,
                text
            );
        }
        let input = state.root_input(0).ok_or_else(|| TestCaseError::fail("no root input"))?;
        let mut fresh = disk.clone();
        fresh.insert_file(stream.path, &model);
        proptest::prop_assert_eq!(findings(&input.snapshot), findings(&fresh), "diagnostics after batch {}", batch_idx);
    }
    Ok(())
}

/// Number of random streams: `PROPTEST_CASES` or 256 (a few seconds in a debug build).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|value| value.parse().ok()).unwrap_or(256)
}

proptest::proptest! {
    // Failing streams are saved next to this file (`*.proptest-regressions`) and replayed first.
    #![proptest_config(Config { cases: cases(), ..Config::default() })]
    #[test]
    fn random_edit_streams_match_a_fresh_parse(stream in stream_strategy()) {
        run_stream(&stream)?;
    }
}

/// Found by the property test: tree-sitter-md reads a NUL as the end of input, so an edit next
/// to one used to leave a tree that a fresh parse would not build.
#[test]
fn a_nul_typed_at_the_end_reparses_like_a_fresh_parse() {
    let stream = Stream {
        utf8: false,
        seed: SEEDS[3].to_owned(),
        batches: vec![vec![Change::Ranged { start: Place::Eof, end: Place::Eof, text: "\0".to_owned() }]],
        path: "openspec/specs/auth/spec.md",
    };
    if let Err(error) = run_stream(&stream) {
        panic!("{error}");
    }
}

#[test]
fn the_model_counts_lines_like_lsp() {
    assert_eq!(model_lines("a\r\nb\rc\n"), vec![(0, 1), (3, 4), (5, 6), (7, 7)]);
    assert_eq!(model_offset("😀x\r\ny", ls_types::Position::new(0, 1), false), 0);
    assert_eq!(model_offset("😀x\r\ny", ls_types::Position::new(0, 9), false), 5);
    assert_eq!(model_offset("😀x\r\ny", ls_types::Position::new(5, 0), true), 8);
}
