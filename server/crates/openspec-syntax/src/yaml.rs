//! YAML read with byte positions into a small owned tree, with scalars resolved by the YAML 1.2
//! core schema as the CLI's `yaml` package resolves them (`yes` is a string, `True` a boolean).
//! Never panics and never does IO: an invalid document is a value (`YamlError`), not a failure.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScanError, Span, Tag};

use crate::text::TextRange;

/// Collections nested deeper than this are refused: the tree is recursive (drop, clone), and no
/// file this project reads needs more than a handful of levels.
const MAX_DEPTH: usize = 128;

/// Nodes an alias may copy in total before the document is refused (a "billion laughs" guard;
/// the CLI's `yaml` package refuses such documents too).
const MAX_ALIAS_NODES: usize = 10_000;

/// Why a document could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    /// Where the problem was found: the offending token, or an empty range at that offset.
    pub range: TextRange,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// What a scalar resolves to under the YAML 1.2 core schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    Null,
    Bool(bool),
    Int,
    Float,
    String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The scalar's value after unquoting and folding (for plain scalars, the source text).
    pub value: String,
    pub style: ScalarStyle,
    pub kind: ScalarKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    pub key: Node,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    Mapping(Vec<MapEntry>),
}

/// One YAML value and the byte range of its source text. An alias is replaced by a copy of the
/// node it names, whose own range is the alias's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub range: TextRange,
    pub kind: NodeKind,
}

impl Scalar {
    /// The number a plain scalar stands for, as JavaScript would hold it; `None` for non-numbers.
    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            ScalarKind::Int => parse_core_int(&self.value),
            ScalarKind::Float => parse_core_float(&self.value),
            _ => None,
        }
    }
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The value of a scalar that resolves to a string (quoted, block, or a plain non-keyword).
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().filter(|scalar| scalar.kind == ScalarKind::String).map(|scalar| scalar.value.as_str())
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.as_scalar()?.kind {
            ScalarKind::Bool(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.as_scalar().is_some_and(|scalar| scalar.kind == ScalarKind::Null)
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&[MapEntry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry whose key names JavaScript property `key` (so `"1"` finds `1:` and `'1':`).
    pub fn get(&self, key: &str) -> Option<&MapEntry> {
        self.as_mapping()?.iter().find(|entry| entry.key.js_property_key().as_deref() == Some(key))
    }

    /// The property name JavaScript gives this node when it is a mapping key; `None` for
    /// collections (the `yaml` package stringifies those into names no schema uses).
    pub fn js_property_key(&self) -> Option<String> {
        let scalar = self.as_scalar()?;
        Some(match scalar.kind {
            ScalarKind::Null => "null".to_owned(),
            ScalarKind::Bool(value) => value.to_string(),
            ScalarKind::String => scalar.value.clone(),
            ScalarKind::Int | ScalarKind::Float => {
                scalar.as_f64().map_or_else(|| scalar.value.clone(), js_number_to_string)
            }
        })
    }

    /// The type name Zod reports as "received ...": `null`, `boolean`, `number`, `NaN`,
    /// `Infinity`, `-Infinity`, `string`, `array` or `object`.
    pub fn js_type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Sequence(_) => "array",
            NodeKind::Mapping(_) => "object",
            NodeKind::Scalar(scalar) => match scalar.kind {
                ScalarKind::Null => "null",
                ScalarKind::Bool(_) => "boolean",
                ScalarKind::String => "string",
                ScalarKind::Int | ScalarKind::Float => match scalar.as_f64() {
                    Some(number) if number.is_nan() => "NaN",
                    Some(number) if number.is_infinite() => {
                        if number > 0.0 {
                            "Infinity"
                        } else {
                            "-Infinity"
                        }
                    }
                    _ => "number",
                },
            },
        }
    }
}

/// JavaScript's `String(number)` for the values YAML can spell.
#[allow(clippy::float_cmp, reason = "an exact integrality test, as JavaScript makes it")]
fn js_number_to_string(number: f64) -> String {
    if number.is_nan() {
        return "NaN".to_owned();
    }
    if number.is_infinite() {
        return if number > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if number == number.trunc() && number.abs() < 1e21 {
        // Integral values print without a fraction; `-0` prints as `0`.
        return format!("{}", number + 0.0);
    }
    format!("{number}")
}

/// Parses one YAML document. An empty or comment-only document is a null scalar. Several
/// documents, duplicate keys, unresolved aliases and syntax errors are errors, as in the CLI.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut patched: Option<String> = None;
    let mut n_patches = 0;
    loop {
        let current = patched.as_deref().unwrap_or(text);
        // The parser is third-party code fed with user text. It is not expected to panic, but a
        // panic there must not take the language server down with it.
        let result = std::panic::catch_unwind(|| Builder::new(current).run()).unwrap_or_else(|_| {
            Err(YamlError { message: "the YAML parser failed on this document".to_owned(), range: TextRange::empty(0) })
        });
        let Err(error) = &result else { return result };
        if n_patches == MAX_TAB_PATCHES {
            return result;
        }
        let Some(next) = tabs_after_colon_as_spaces(current, error) else {
            return result;
        };
        patched = Some(next);
        n_patches += 1;
    }
}

/// Retries allowed for `a:<TAB>b` separators, each a full reparse.
const MAX_TAB_PATCHES: usize = 64;

/// YAML (and the CLI's `yaml` package) accepts tabs between a mapping colon and its value, but
/// saphyr rejects them. When that is the error, returns the text with those tabs turned into
/// spaces: the same byte length, so every position stays valid, and no scalar content changes.
fn tabs_after_colon_as_spaces(text: &str, error: &YamlError) -> Option<String> {
    if error.message != "':' must be followed by a valid YAML whitespace" {
        return None;
    }
    let before = text.get(..error.range.start)?;
    let separator = before.trim_end_matches([' ', '\t']);
    if !separator.ends_with(':') || !before[separator.len()..].contains('\t') {
        return None;
    }
    let mut patched = text.to_owned();
    patched.replace_range(separator.len()..before.len(), &" ".repeat(before.len() - separator.len()));
    Some(patched)
}

/// Maps the parser's character indices to byte offsets with a checkpoint every 64 characters,
/// so conversions stay cheap whatever order they come in.
struct CharOffsets<'a> {
    text: &'a str,
    checkpoints: Vec<usize>,
}

const CHECKPOINT_EVERY: usize = 64;

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        let checkpoints = text.char_indices().step_by(CHECKPOINT_EVERY).map(|(byte, _)| byte).collect();
        Self { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> usize {
        let Some(&base) = self.checkpoints.get(char_index / CHECKPOINT_EVERY) else {
            return self.text.len();
        };
        let rest = char_index % CHECKPOINT_EVERY;
        self.text[base..].char_indices().nth(rest).map_or(self.text.len(), |(byte, _)| base + byte)
    }

    fn range(&self, span: Span) -> TextRange {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        TextRange::new(start, end)
    }
}

enum Frame {
    Sequence { start: usize, flow: bool, anchor: usize, items: Vec<Node> },
    Mapping { start: usize, flow: bool, anchor: usize, entries: Vec<MapEntry>, key: Option<Node> },
}

struct Builder<'a> {
    text: &'a str,
    offsets: CharOffsets<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    root: Option<Node>,
    documents: usize,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            offsets: CharOffsets::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            root: None,
            documents: 0,
        }
    }

    fn scan_error(&self, error: &ScanError) -> YamlError {
        let at = self.offsets.byte(error.marker().index());
        let end = self.text[at..].chars().next().map_or(at, |ch| at + ch.len_utf8());
        error_at(TextRange::new(at, end), error.info())
    }

    fn run(mut self) -> Result<Node, YamlError> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|error| self.scan_error(&error))?;
            let range = self.offsets.range(span);
            match event {
                Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(error_at(range, "Source contains multiple documents; only one is allowed here"));
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let scalar = resolve_scalar(value.into_owned(), style, tag.as_deref());
                    self.finish(Node { range, kind: NodeKind::Scalar(scalar) }, anchor)?;
                }
                Event::Alias(anchor) => {
                    let Some(target) = self.anchors.get(&anchor) else {
                        return Err(error_at(range, "Unresolved alias (the anchor must be set before the alias)"));
                    };
                    self.alias_nodes += node_count(target);
                    if self.alias_nodes > MAX_ALIAS_NODES {
                        return Err(error_at(range, "Excessive alias count indicates a resource exhaustion attack"));
                    }
                    let mut copy = target.clone();
                    copy.range = range;
                    self.finish(copy, 0)?;
                }
                Event::SequenceStart(anchor, _) => {
                    self.enter(range)?;
                    let flow = self.opens_flow(range);
                    self.stack.push(Frame::Sequence { start: range.start, flow, anchor, items: Vec::new() });
                }
                Event::MappingStart(anchor, _) => {
                    self.enter(range)?;
                    let flow = self.opens_flow(range);
                    self.stack.push(Frame::Mapping {
                        start: range.start,
                        flow,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = self.stack.pop() else {
                        continue;
                    };
                    let node = Self::close(frame, range);
                    let anchor = node.1;
                    self.finish(node.0, anchor)?;
                }
            }
        }
        Ok(self.root.unwrap_or(Node {
            range: TextRange::empty(0),
            kind: NodeKind::Scalar(Scalar { value: String::new(), style: ScalarStyle::Plain, kind: ScalarKind::Null }),
        }))
    }

    fn enter(&self, range: TextRange) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error_at(range, format!("Collections are nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(())
    }

    /// The start event of a flow collection spans its opening bracket (after any anchor or
    /// tag); a block collection's is empty.
    fn opens_flow(&self, start_range: TextRange) -> bool {
        self.text[start_range.start..start_range.end].trim_end().ends_with(['[', '{'])
    }

    /// Turns a finished frame into its node. A flow collection ends at its closing bracket; a
    /// block one at its last child (the end event sits after trailing blank lines and comments).
    fn close(frame: Frame, end_range: TextRange) -> (Node, usize) {
        let end_of = |flow: bool, start: usize, last: usize| {
            if flow { end_range.end.max(start) } else { last.max(start) }
        };
        match frame {
            Frame::Sequence { start, flow, anchor, items } => {
                let last = items.last().map_or(start, |item| item.range.end);
                let end = end_of(flow, start, last);
                (Node { range: TextRange::new(start, end), kind: NodeKind::Sequence(items) }, anchor)
            }
            Frame::Mapping { start, flow, anchor, mut entries, key } => {
                // A key without a value cannot survive the parser; keep it as a null anyway.
                if let Some(key) = key {
                    let value = Node { range: TextRange::empty(key.range.end), kind: null_kind() };
                    entries.push(MapEntry { key, value });
                }
                let last = entries.last().map_or(start, |entry| entry.value.range.end.max(entry.key.range.end));
                let end = end_of(flow, start, last);
                (Node { range: TextRange::new(start, end), kind: NodeKind::Mapping(entries) }, anchor)
            }
        }
    }

    /// Hands a completed node to its parent (or makes it the document), remembering anchors.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Sequence { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Mapping { entries, key, .. }) => {
                if let Some(key) = key.take() {
                    entries.push(MapEntry { key, value: node });
                } else {
                    if entries.iter().any(|entry| same_key(&entry.key, &node)) {
                        return Err(error_at(node.range, "Map keys must be unique"));
                    }
                    *key = Some(node);
                }
                Ok(())
            }
        }
    }
}

fn error_at(range: TextRange, message: impl Into<String>) -> YamlError {
    YamlError { message: message.into(), range }
}

fn null_kind() -> NodeKind {
    NodeKind::Scalar(Scalar { value: String::new(), style: ScalarStyle::Plain, kind: ScalarKind::Null })
}

fn node_count(node: &Node) -> usize {
    let mut count = 0;
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        count += 1;
        match &node.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    pending.push(&entry.key);
                    pending.push(&entry.value);
                }
            }
        }
    }
    count
}

/// The `yaml` package's duplicate-key test: two scalar keys with equal resolved values.
#[allow(clippy::float_cmp, reason = "JavaScript's `===` on numbers is exact")]
fn same_key(a: &Node, b: &Node) -> bool {
    let (Some(a), Some(b)) = (a.as_scalar(), b.as_scalar()) else {
        return false;
    };
    match (a.kind, b.kind) {
        (ScalarKind::Null, ScalarKind::Null) => true,
        (ScalarKind::Bool(x), ScalarKind::Bool(y)) => x == y,
        (ScalarKind::String, ScalarKind::String) => a.value == b.value,
        (ScalarKind::Int | ScalarKind::Float, ScalarKind::Int | ScalarKind::Float) => {
            matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
        }
        _ => false,
    }
}

fn resolve_scalar(value: String, style: saphyr_parser::ScalarStyle, tag: Option<&Tag>) -> Scalar {
    let style = match style {
        saphyr_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        saphyr_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        saphyr_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        saphyr_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        saphyr_parser::ScalarStyle::Folded => ScalarStyle::Folded,
    };
    let kind = match tag {
        // `!!bool`, `!!int` and friends resolve the text as usual; `!!str`, local tags such as
        // `!foo` and the non-specific `!` all yield strings, as the `yaml` package does.
        Some(tag) if tag.is_yaml_core_schema() && tag.suffix != "str" => core_kind(&value),
        None if style == ScalarStyle::Plain => core_kind(&value),
        _ => ScalarKind::String,
    };
    Scalar { value, style, kind }
}

/// YAML 1.2 core-schema resolution of a plain scalar.
fn core_kind(text: &str) -> ScalarKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => ScalarKind::Null,
        "true" | "True" | "TRUE" => ScalarKind::Bool(true),
        "false" | "False" | "FALSE" => ScalarKind::Bool(false),
        _ if parse_core_int(text).is_some() => ScalarKind::Int,
        _ if parse_core_float(text).is_some() => ScalarKind::Float,
        _ => ScalarKind::String,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`, as a JavaScript number.
fn parse_core_int(text: &str) -> Option<f64> {
    let digits_value = |digits: &str, radix: u32| -> Option<f64> {
        if digits.is_empty() || !digits.chars().all(|ch| ch.is_digit(radix)) {
            return None;
        }
        Some(
            digits
                .chars()
                .filter_map(|ch| ch.to_digit(radix))
                .fold(0.0, |acc, digit| acc * f64::from(radix) + f64::from(digit)),
        )
    };
    if let Some(octal) = text.strip_prefix("0o") {
        return digits_value(octal, 8);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return digits_value(hex, 16);
    }
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Parsing through f64 rounds huge integers the way JavaScript numbers do.
    let magnitude: f64 = digits.parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// `.inf`/`.nan` spellings and `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn parse_core_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        // `.5`, `1.`, `1.5`; a bare `.` is not a number.
        Some(fraction) => all_digits(whole) && all_digits(fraction) && !(whole.is_empty() && fraction.is_empty()),
        // Without a dot, only the exponent form is a float (`1e3`); `12` alone is an int.
        None => !whole.is_empty() && all_digits(whole) && exponent.is_some(),
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !digits.is_empty() && all_digits(digits)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    text.parse::<f64>().ok().or_else(|| format!("{text}0").parse().ok())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{Expect, expect};

    use super::*;

    /// Dumps a parse as one line per node: depth, kind, and the source text of its range.
    fn check(text: &str, expect: &Expect) {
        let mut out = String::new();
        match parse(text) {
            Err(error) => {
                let _ = writeln!(
                    out,
                    "error {:?} at {:?}: {}",
                    &text[error.range.start..error.range.end],
                    error.range,
                    error.message
                );
            }
            Ok(node) => dump(text, &node, 0, &mut out),
        }
        expect.assert_eq(&out);
    }

    fn dump(text: &str, node: &Node, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        let source = &text[node.range.start..node.range.end];
        match &node.kind {
            NodeKind::Scalar(scalar) => {
                let _ = writeln!(out, "{pad}{:?} {:?} {:?} @{:?}", scalar.kind, scalar.style, scalar.value, source);
            }
            NodeKind::Sequence(items) => {
                let _ = writeln!(out, "{pad}seq @{source:?}");
                for item in items {
                    dump(text, item, depth + 1, out);
                }
            }
            NodeKind::Mapping(entries) => {
                let _ = writeln!(out, "{pad}map @{source:?}");
                for entry in entries {
                    dump(text, &entry.key, depth + 1, out);
                    dump(text, &entry.value, depth + 2, out);
                }
            }
        }
    }

    #[test]
    fn scalars_resolve_like_the_core_schema() {
        check(
            "a: false\nb: \"yes\"\nc: yes\nd: 0x1F\ne: 1.5e3\nf: ~\ng:\nh: 'it''s'\ni: .NaN\nj: True\nk: !!str 12\nl: !foo true\n",
            &expect![[r#"
                map @"a: false\nb: \"yes\"\nc: yes\nd: 0x1F\ne: 1.5e3\nf: ~\ng:\nh: 'it''s'\ni: .NaN\nj: True\nk: !!str 12\nl: !foo true"
                  String Plain "a" @"a"
                    Bool(false) Plain "false" @"false"
                  String Plain "b" @"b"
                    String DoubleQuoted "yes" @"\"yes\""
                  String Plain "c" @"c"
                    String Plain "yes" @"yes"
                  String Plain "d" @"d"
                    Int Plain "0x1F" @"0x1F"
                  String Plain "e" @"e"
                    Float Plain "1.5e3" @"1.5e3"
                  String Plain "f" @"f"
                    Null Plain "~" @"~"
                  String Plain "g" @"g"
                    Null Plain "" @""
                  String Plain "h" @"h"
                    String SingleQuoted "it's" @"'it''s'"
                  String Plain "i" @"i"
                    Float Plain ".NaN" @".NaN"
                  String Plain "j" @"j"
                    Bool(true) Plain "True" @"True"
                  String Plain "k" @"k"
                    String Plain "12" @"!!str 12"
                  String Plain "l" @"l"
                    String Plain "true" @"!foo true"
            "#]],
        );
    }

    #[test]
    fn ranges_are_bytes_in_non_ascii_text() {
        check(
            "\u{FEFF}名前: 日本語\nlist:\n  - é\n  - {k: [1, ü]}\nblock: |\n  ☃ line\n",
            &expect![[r#"
                map @"名前: 日本語\nlist:\n  - é\n  - {k: [1, ü]}\nblock: |\n  ☃ line\n"
                  String Plain "名前" @"名前"
                    String Plain "日本語" @"日本語"
                  String Plain "list" @"list"
                    seq @"- é\n  - {k: [1, ü]}"
                      String Plain "é" @"é"
                      map @"{k: [1, ü]}"
                        String Plain "k" @"k"
                          seq @"[1, ü]"
                            Int Plain "1" @"1"
                            String Plain "ü" @"ü"
                  String Plain "block" @"block"
                    String Literal "☃ line\n" @"☃ line\n"
            "#]],
        );
    }

    #[test]
    fn invalid_documents_are_errors_with_a_position() {
        check(
            "a: 1\na: 2\n",
            &expect![[r#"
            error "a" at TextRange { start: 5, end: 6 }: Map keys must be unique
        "#]],
        );
        check(
            "a: 1\n---\nb: 2\n",
            &expect![[r#"
            error "---" at TextRange { start: 5, end: 8 }: Source contains multiple documents; only one is allowed here
        "#]],
        );
        check(
            "x:\n\t- a\n",
            &expect![[r#"
            error "-" at TextRange { start: 4, end: 5 }: tabs disallowed within this context (block indentation)
        "#]],
        );
        check(
            "a: *nope\n",
            &expect![[r#"
            error "*" at TextRange { start: 3, end: 4 }: while parsing node, found unknown anchor
        "#]],
        );
        check(
            "é: [1, 2\n",
            &expect![[r#"
            error "" at TextRange { start: 10, end: 10 }: while parsing a flow sequence, expected ',' or ']'
        "#]],
        );
        check(
            "a:\tb\nc:\t\t[d:\te]\n",
            &expect![[r#"
            map @"a:\tb\nc:\t\t[d:\te]"
              String Plain "a" @"a"
                String Plain "b" @"b"
              String Plain "c" @"c"
                seq @"[d:\te]"
                  map @"d:\te"
                    String Plain "d" @"d"
                      String Plain "e" @"e"
        "#]],
        );
        check(
            "a: b: c\n",
            &expect![[r#"
            error ":" at TextRange { start: 4, end: 5 }: mapping values are not allowed in this context
        "#]],
        );
    }

    #[test]
    fn empty_and_comment_only_documents_are_null() {
        check(
            "",
            &expect![[r#"
            Null Plain "" @""
        "#]],
        );
        check(
            "# only a comment\n",
            &expect![[r#"
            Null Plain "" @""
        "#]],
        );
        check(
            "---\n",
            &expect![[r#"
            Null Plain "" @""
        "#]],
        );
    }

    #[test]
    fn aliases_copy_their_anchor() {
        check(
            "a: &x {k: v}\nb: *x\n",
            &expect![[r#"
            map @"a: &x {k: v}\nb: *x"
              String Plain "a" @"a"
                map @"&x {k: v}"
                  String Plain "k" @"k"
                    String Plain "v" @"v"
              String Plain "b" @"b"
                map @"*x"
                  String Plain "k" @"k"
                    String Plain "v" @"v"
        "#]],
        );
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
        assert!(parse(bomb).is_err());
    }

    #[test]
    fn hostile_input_never_panics() {
        let deep_flow = "[".repeat(100_000);
        assert!(parse(&deep_flow).is_err());
        let deep_block: String = (0..2_000).map(|depth| " ".repeat(depth) + "k:\n").collect();
        assert!(parse(&deep_block).is_err());
        let deep_seq = "- ".repeat(5_000) + "x\n";
        assert!(parse(&deep_seq).is_err());
        for text in [
            "\0",
            "!",
            "&",
            "*",
            "? ",
            ": ",
            "-\t-",
            "\"\\",
            "'",
            "|\n\t",
            "{a: 1,,}",
            "%YAML 1.1\n%YAML 1.1\n---\n",
            "a: |0\n",
            "\u{FEFF}\u{FEFF}a: 1",
        ] {
            let _ = parse(text);
        }
        let huge = "key: value\n".repeat(50_000);
        assert!(parse(&huge).is_err(), "duplicate keys");
    }

    #[test]
    fn js_views_of_values() {
        let Ok(node) = parse("1.0: a\n0x10: b\nn: .nan\nl: [1]\n") else { panic!("parses") };
        assert!(node.get("1").is_some());
        assert!(node.get("16").is_some());
        assert_eq!(node.get("n").map(|entry| entry.value.js_type_name()), Some("NaN"));
        assert_eq!(node.get("l").map(|entry| entry.value.js_type_name()), Some("array"));
    }
}
