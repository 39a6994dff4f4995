//! The CLI's block readers (`core/parsers/requirement-blocks.js`): the `## Requirements`
//! section of a main spec as `### Requirement:` blocks (reader B), and a delta spec as its
//! ADDED/MODIFIED/REMOVED/RENAMED entries, each with byte ranges into the original text.
//! Reads exactly what 1.13.2 reads; it judges nothing and never fails.

use std::sync::LazyLock;

use regex::Regex;

use crate::fence::code_fence_mask;
use crate::headers::{header_captures, header_match, is_top_level_header};
use crate::js::{JS_DOT_CLASS, JS_SPACE_CLASS, is_js_space, js_trim, js_trim_end, js_trim_start};
use crate::lines::{Bom, Line, LineBreaks, split_lines};
use crate::requirement_text::{is_scenario_header, normalize_requirement_name};
use crate::text::TextRange;

/// `^###\s*Requirement:\s*(.+)\s*$` (case-insensitive): the one requirement header the block
/// readers know. `###Requirement:` without a space counts; a nothing-after-the-colon header does not.
static REQUIREMENT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    regex(&format!(r"^###{s}*(?i-u:requirement):{s}*({dot}+){s}*$"))
});

/// `^(##)\s+(.+)$`: a top-level section header as the delta reader splits sections.
static SECTION_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    regex(&format!(r"^##{s}+({dot}+)$"))
});

/// `^##\s+Requirements\s*$` (case-insensitive): where a main spec's requirements start.
static REQUIREMENTS_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let s = JS_SPACE_CLASS;
    regex(&format!(r"^##{s}+(?i-u:requirements){s}*$"))
});

/// `^###\s+(.+?)\s*$`: any level-3 header, recorded when a delta section skips it.
static LEVEL3_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    regex(&format!(r"^###{s}+({dot}+?){s}*$"))
});

/// `^\s*[-*+]\s*`?###\s*Requirement:\s*(.+?)`?\s*$`: a REMOVED bullet (`Requirement:` is
/// case-sensitive here, unlike the header form).
static REMOVED_BULLET: LazyLock<Regex> = LazyLock::new(|| {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    regex(&format!(r"^{s}*[-*+]{s}*`?###{s}*Requirement:{s}*({dot}+?)`?{s}*$"))
});

/// `^\s*[-*+]?\s*FROM:\s*`?###\s*Requirement:\s*(.+?)`?\s*$` and the same with `TO:`.
static RENAMED_FROM: LazyLock<Regex> = LazyLock::new(|| renamed_line("FROM"));
static RENAMED_TO: LazyLock<Regex> = LazyLock::new(|| renamed_line("TO"));

fn renamed_line(keyword: &str) -> Regex {
    let (s, dot) = (JS_SPACE_CLASS, JS_DOT_CLASS);
    regex(&format!(r"^{s}*[-*+]?{s}*{keyword}:{s}*`?###{s}*Requirement:{s}*({dot}+?)`?{s}*$"))
}

fn regex(pattern: &str) -> Regex {
    // The patterns are constants of this file; a typo is a bug caught by every test.
    Regex::new(pattern).expect("requirement-blocks pattern compiles")
}

/// Whether `text` is a `### Requirement:` header the block readers recognise.
pub fn is_requirement_header(text: &str) -> bool {
    header_match(&REQUIREMENT_HEADER, text)
}

/// The normalised name a `### Requirement:` header line carries, if it is one.
pub fn requirement_header_name(text: &str) -> Option<&str> {
    let capture = header_captures(&REQUIREMENT_HEADER, text)?.get(1)?;
    Some(normalize_requirement_name(capture.as_str()))
}

/// `foldRequirementName`: the case- and whitespace-insensitive spelling used only to detect
/// typos (near-miss archive targets, the RENAMED+REMOVED conflict), never to match.
pub fn fold_requirement_name(name: &str) -> String {
    let lower = normalize_requirement_name(name).to_lowercase();
    let mut folded = String::with_capacity(lower.len());
    let mut in_space = false;
    for ch in lower.chars() {
        if is_js_space(ch) {
            if !in_space {
                folded.push(' ');
            }
            in_space = true;
        } else {
            folded.push(ch);
            in_space = false;
        }
    }
    folded
}

/// A requirement name read from a header or entry line: normalised, and where it sits.
fn name_in<'a>(line: &Line<'a>, capture: &'a str) -> (&'a str, TextRange) {
    let name = normalize_requirement_name(capture);
    (name, line.range_of(name))
}

/// One `### Requirement:` block: the header and every line up to the next requirement header
/// or `## ` line (other `###` headers and trailing blank lines included, as the CLI reads it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementBlock<'a> {
    /// Normalised name (`normalizeRequirementName`); may be empty.
    pub name: &'a str,
    pub name_range: TextRange,
    /// The header line and the lines after it.
    pub lines: Vec<Line<'a>>,
}

impl<'a> RequirementBlock<'a> {
    pub fn header(&self) -> Line<'a> {
        self.lines.first().copied().unwrap_or(Line { text: "", start: self.name_range.start })
    }

    /// The header's trimmed text: where findings about the whole requirement belong.
    pub fn header_range(&self) -> TextRange {
        self.header().trimmed_range()
    }

    /// The lines after the header, what `requirement_text` reads bodies and scenarios from.
    pub fn body_lines(&self) -> &[Line<'a>] {
        self.lines.get(1..).unwrap_or_default()
    }

    /// From the header to the end of the last non-blank text (the span of `raw`).
    pub fn range(&self) -> TextRange {
        let header = self.header();
        let last = self.lines.iter().rev().find(|line| !js_trim_end(line.text).is_empty()).unwrap_or(&header);
        TextRange::new(header.start, last.start + js_trim_end(last.text).len())
    }

    /// The CLI's `raw`: the lines joined with `\n`, trailing whitespace trimmed.
    pub fn raw(&self) -> String {
        js_trim_end(&join_lines(&self.lines)).to_owned()
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

/// A main spec's `## Requirements` section as reader B (`extractRequirementsSection`) sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementsSection<'a> {
    /// The first unfenced `## Requirements` line; `None` when the spec has none.
    pub header: Option<Line<'a>>,
    /// From the header to the next unfenced `## ` line (or the end of the text); empty at the
    /// end of the text when there is no header.
    pub range: TextRange,
    /// Lines between the header and the first requirement block.
    pub preamble: Vec<Line<'a>>,
    pub blocks: Vec<RequirementBlock<'a>>,
    /// Lines before the header (every line when there is no header).
    pub before: Vec<Line<'a>>,
    /// Lines from the section's end on.
    pub after: Vec<Line<'a>>,
}

/// `extractRequirementsSection`: finds the first unfenced `## Requirements` header (H2 only,
/// case-insensitive) and splits the section into requirement blocks. A leading BOM is dropped.
pub fn extract_requirements_section(text: &str) -> RequirementsSection<'_> {
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let mask = code_fence_mask(lines.iter().map(|line| line.text));
    let fenced = |idx: usize| mask.get(idx).copied().unwrap_or(false);
    let Some(header_idx) =
        (0..lines.len()).find(|&idx| !fenced(idx) && header_match(&REQUIREMENTS_HEADER, lines[idx].text))
    else {
        return RequirementsSection {
            header: None,
            range: TextRange::empty(text.len()),
            preamble: Vec::new(),
            blocks: Vec::new(),
            before: lines,
            after: Vec::new(),
        };
    };
    let end_idx = (header_idx + 1..lines.len())
        .find(|&idx| !fenced(idx) && is_top_level_header(lines[idx].text))
        .unwrap_or(lines.len());
    let is_block_start = |idx: usize| !fenced(idx) && is_requirement_header(lines[idx].text);
    let mut preamble = Vec::new();
    let mut blocks = Vec::new();
    let mut idx = header_idx + 1;
    while idx < end_idx && !is_block_start(idx) {
        preamble.push(lines[idx]);
        idx += 1;
    }
    while idx < end_idx {
        let Some(block) = read_block(&lines, idx, end_idx, &fenced) else {
            idx += 1;
            continue;
        };
        idx += block.lines.len();
        blocks.push(block);
    }
    let section_end = lines.get(end_idx).map_or(text.len(), |line| line.start);
    RequirementsSection {
        header: Some(lines[header_idx]),
        range: TextRange::new(lines[header_idx].start, section_end),
        preamble,
        blocks,
        before: lines.get(..header_idx).unwrap_or_default().to_vec(),
        after: lines.get(end_idx..).unwrap_or_default().to_vec(),
    }
}

/// The requirement block whose header is the first line of `text`, read to the next unfenced
/// requirement header or `## ` line, or to the end of `text`: what `extract_requirements_section`
/// gives for that block when `text` is cut from a spec at the block's header (where no fence is
/// open). `None` when the first line is no requirement header.
pub fn read_requirement_block(text: &str) -> Option<RequirementBlock<'_>> {
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let mask = code_fence_mask(lines.iter().map(|line| line.text));
    let fenced = |idx: usize| mask.get(idx).copied().unwrap_or(false);
    read_block(&lines, 0, lines.len(), &fenced)
}

/// Reads the block whose header is `lines[start]`, stopping before the next unfenced
/// requirement header or `## ` line, or at `end`. `None` when `lines[start]` is no header.
fn read_block<'a>(
    lines: &[Line<'a>],
    start: usize,
    end: usize,
    fenced: &dyn Fn(usize) -> bool,
) -> Option<RequirementBlock<'a>> {
    let header = *lines.get(start)?;
    if fenced(start) {
        return None;
    }
    let captures = header_captures(&REQUIREMENT_HEADER, header.text)?;
    let (name, name_range) = name_in(&header, captures.get(1)?.as_str());
    let mut block_lines = vec![header];
    let mut idx = start + 1;
    while idx < end {
        let line = lines[idx];
        if !fenced(idx) && (is_requirement_header(line.text) || is_top_level_header(line.text)) {
            break;
        }
        block_lines.push(line);
        idx += 1;
    }
    Some(RequirementBlock { name, name_range, lines: block_lines })
}

/// The four delta sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeltaKind {
    Added,
    Modified,
    Removed,
    Renamed,
}

impl DeltaKind {
    pub const ALL: [DeltaKind; 4] = [DeltaKind::Added, DeltaKind::Modified, DeltaKind::Removed, DeltaKind::Renamed];

    /// `ADDED`, `MODIFIED`, ...: how messages name the section.
    pub const fn keyword(self) -> &'static str {
        match self {
            DeltaKind::Added => "ADDED",
            DeltaKind::Modified => "MODIFIED",
            DeltaKind::Removed => "REMOVED",
            DeltaKind::Renamed => "RENAMED",
        }
    }

    /// The canonical title, `ADDED Requirements` and so on.
    pub const fn title(self) -> &'static str {
        match self {
            DeltaKind::Added => "ADDED Requirements",
            DeltaKind::Modified => "MODIFIED Requirements",
            DeltaKind::Removed => "REMOVED Requirements",
            DeltaKind::Renamed => "RENAMED Requirements",
        }
    }

    /// The section a trimmed `## ` title names: the canonical title, compared lowercased, so a
    /// single space is required between the words.
    pub fn from_title(title: &str) -> Option<DeltaKind> {
        let lower = title.to_lowercase();
        DeltaKind::ALL.into_iter().find(|kind| kind.title().to_lowercase() == lower)
    }
}

/// One `## <delta title>` header occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeltaSectionHeader<'a> {
    pub kind: DeltaKind,
    /// The trimmed title as written (`Added Requirements`).
    pub title: &'a str,
    pub line: Line<'a>,
    /// 1-based line number, counted as the CLI does (after the BOM is dropped).
    pub line_number: usize,
}

impl DeltaSectionHeader<'_> {
    pub fn range(&self) -> TextRange {
        self.line.trimmed_range()
    }
}

/// A REMOVED entry: a `### Requirement:` header or a bullet carrying one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovedEntry<'a> {
    pub name: &'a str,
    pub name_range: TextRange,
    pub line: Line<'a>,
}

impl RemovedEntry<'_> {
    pub fn range(&self) -> TextRange {
        self.line.trimmed_range()
    }
}

/// One side of a rename: the `FROM:` or `TO:` line and the name it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameSide<'a> {
    pub name: &'a str,
    pub name_range: TextRange,
    pub line: Line<'a>,
    pub line_number: usize,
}

impl RenameSide<'_> {
    pub fn range(&self) -> TextRange {
        self.line.trimmed_range()
    }
}

/// A `FROM:` line followed by a `TO:` line with no other `FROM:` between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenamedPair<'a> {
    pub from: RenameSide<'a>,
    pub to: RenameSide<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameSideKind {
    From,
    To,
}

impl RenameSideKind {
    pub const fn keyword(self) -> &'static str {
        match self {
            RenameSideKind::From => "FROM",
            RenameSideKind::To => "TO",
        }
    }

    #[must_use]
    pub const fn other(self) -> RenameSideKind {
        match self {
            RenameSideKind::From => RenameSideKind::To,
            RenameSideKind::To => RenameSideKind::From,
        }
    }
}

/// A `FROM:` or `TO:` line that never formed a pair: a FROM displaced by another FROM or left
/// pending at the end of its section copy, or a TO with no pending FROM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnpairedRename<'a> {
    pub side: RenameSideKind,
    pub entry: RenameSide<'a>,
}

/// A `###` header inside an ADDED or MODIFIED section that is not a requirement header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedHeader<'a> {
    /// The header text after `### `, trimmed.
    pub header: &'a str,
    /// The section's title as first written in the file (what the CLI quotes).
    pub section_title: &'a str,
    pub line: Line<'a>,
    pub line_number: usize,
}

/// A requirement block outside every delta section (so no reader applies it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrphanedRequirement<'a> {
    pub name: &'a str,
    pub name_range: TextRange,
    /// Title of the `## ` section it sits under; `None` above the first one.
    pub section: Option<&'a str>,
    pub line: Line<'a>,
    pub line_number: usize,
}

/// A delta spec as `parseDeltaSpec` reads it in 1.13.2.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeltaSpec<'a> {
    /// Every delta section header, in file order (repeats and case variants included).
    pub sections: Vec<DeltaSectionHeader<'a>>,
    pub added: Vec<RequirementBlock<'a>>,
    pub modified: Vec<RequirementBlock<'a>>,
    pub removed: Vec<RemovedEntry<'a>>,
    pub renamed: Vec<RenamedPair<'a>>,
    /// Sorted by line.
    pub unpaired_renames: Vec<UnpairedRename<'a>>,
    pub orphaned: Vec<OrphanedRequirement<'a>>,
    /// Sorted by line.
    pub skipped_headers: Vec<SkippedHeader<'a>>,
}

impl<'a> DeltaSpec<'a> {
    /// All parsed entries: ADDED + MODIFIED blocks, REMOVED names and RENAMED pairs.
    pub fn entry_count(&self) -> usize {
        self.added.len() + self.modified.len() + self.removed.len() + self.renamed.len()
    }

    /// Whether any section of `kind` is present (`sectionPresence`).
    pub fn has_section(&self, kind: DeltaKind) -> bool {
        self.sections.iter().any(|section| section.kind == kind)
    }

    /// The first header of `kind` in the file.
    pub fn first_section(&self, kind: DeltaKind) -> Option<&DeltaSectionHeader<'a>> {
        self.sections.iter().find(|section| section.kind == kind)
    }

    pub fn has_any_section(&self) -> bool {
        !self.sections.is_empty()
    }
}

/// One `## ` section's body: its lines after the header, with their fence flags.
struct SectionBody<'a, 'l> {
    lines: &'l [Line<'a>],
    mask: &'l [bool],
    /// Index of the body's first line in the file.
    first_idx: usize,
}

impl SectionBody<'_, '_> {
    fn fenced(&self, idx: usize) -> bool {
        self.mask.get(idx).copied().unwrap_or(false)
    }
}

/// `parseDeltaSpec` (1.13.2): a repeated section title, in any case, is read in full each time.
/// A leading BOM is dropped and line numbers count from the first line after it.
pub fn parse_delta_spec(text: &str) -> DeltaSpec<'_> {
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let mask = code_fence_mask(lines.iter().map(|line| line.text));
    let fenced = |idx: usize| mask.get(idx).copied().unwrap_or(false);

    // Every `## ` header, as (line index, trimmed title).
    let headers: Vec<(usize, &str)> = (0..lines.len())
        .filter(|&idx| !fenced(idx))
        .filter_map(|idx| {
            let line = &lines[idx];
            let title = header_captures(&SECTION_HEADER, line.text)?.get(1)?.as_str();
            Some((idx, js_trim(title)))
        })
        .collect();

    let mut delta = DeltaSpec::default();
    for (n_header, &(idx, title)) in headers.iter().enumerate() {
        let Some(kind) = DeltaKind::from_title(title) else {
            continue;
        };
        delta.sections.push(DeltaSectionHeader { kind, title, line: lines[idx], line_number: idx + 1 });
        let end = headers.get(n_header + 1).map_or(lines.len(), |&(next, _)| next);
        let body = SectionBody {
            lines: lines.get(idx + 1..end).unwrap_or_default(),
            mask: mask.get(idx + 1..end).unwrap_or_default(),
            first_idx: idx + 1,
        };
        match kind {
            DeltaKind::Added | DeltaKind::Modified => {
                // Skipped headers quote the title first used for this section kind.
                let first_title = delta.first_section(kind).map_or(title, |section| section.title);
                let (blocks, skipped) = section_blocks(&body, first_title);
                delta.skipped_headers.extend(skipped);
                if kind == DeltaKind::Added {
                    delta.added.extend(blocks);
                } else {
                    delta.modified.extend(blocks);
                }
            }
            DeltaKind::Removed => delta.removed.extend(removed_entries(&body)),
            DeltaKind::Renamed => {
                let (pairs, unpaired) = renamed_pairs(&body);
                delta.renamed.extend(pairs);
                delta.unpaired_renames.extend(unpaired);
            }
        }
    }
    // The CLI fills these lists section kind by section kind, then sorts them by line.
    delta.skipped_headers.sort_by_key(|skipped| skipped.line_number);
    delta.unpaired_renames.sort_by_key(|unpaired| unpaired.entry.line_number);
    delta.orphaned = orphaned_requirements(&lines, &mask);
    delta
}

/// `parseRequirementBlocksFromSection` with its skipped-header sink.
fn section_blocks<'a>(
    body: &SectionBody<'a, '_>,
    section_title: &'a str,
) -> (Vec<RequirementBlock<'a>>, Vec<SkippedHeader<'a>>) {
    let mut blocks = Vec::new();
    let mut skipped = Vec::new();
    let fenced = |idx: usize| body.fenced(idx);
    let mut record_if_skipped = |idx: usize| {
        if fenced(idx) {
            return;
        }
        let line = body.lines[idx];
        if is_requirement_header(line.text) {
            return;
        }
        if let Some(header) = header_captures(&LEVEL3_HEADER, line.text).and_then(|c| c.get(1)) {
            skipped.push(SkippedHeader {
                header: js_trim(header.as_str()),
                section_title,
                line,
                line_number: body.first_idx + idx + 1,
            });
        }
    };
    let n_lines = body.lines.len();
    let mut idx = 0;
    while idx < n_lines {
        if fenced(idx) || !is_requirement_header(body.lines[idx].text) {
            record_if_skipped(idx);
            idx += 1;
            continue;
        }
        let Some(block) = read_block(body.lines, idx, n_lines, &fenced) else {
            idx += 1;
            continue;
        };
        for inner in idx + 1..idx + block.lines.len() {
            record_if_skipped(inner);
        }
        idx += block.lines.len();
        blocks.push(block);
    }
    (blocks, skipped)
}

/// `parseRemovedNames`: header lines and `-`/`*`/`+` bullets carrying a header.
fn removed_entries<'a>(body: &SectionBody<'a, '_>) -> Vec<RemovedEntry<'a>> {
    let mut entries = Vec::new();
    for (idx, line) in body.lines.iter().enumerate() {
        if body.fenced(idx) {
            continue;
        }
        // Both patterns need `###` somewhere in the line.
        if !line.text.contains("###") {
            continue;
        }
        let capture = header_captures(&REQUIREMENT_HEADER, line.text)
            .or_else(|| REMOVED_BULLET.captures(line.text))
            .and_then(|captures| captures.get(1));
        if let Some(capture) = capture {
            let (name, name_range) = name_in(line, capture.as_str());
            entries.push(RemovedEntry { name, name_range, line: *line });
        }
    }
    entries
}

/// `parseRenamedPairs`: FROM/TO pairs and the lines that never formed one. Pairs never span
/// two copies of the section: a FROM pending at a section's end is unpaired.
fn renamed_pairs<'a>(body: &SectionBody<'a, '_>) -> (Vec<RenamedPair<'a>>, Vec<UnpairedRename<'a>>) {
    let mut pairs = Vec::new();
    let mut unpaired = Vec::new();
    let mut pending: Option<RenameSide<'a>> = None;
    for (idx, line) in body.lines.iter().enumerate() {
        if body.fenced(idx) {
            continue;
        }
        let side_at = |capture: regex::Match<'a>| {
            let (name, name_range) = name_in(line, capture.as_str());
            RenameSide { name, name_range, line: *line, line_number: body.first_idx + idx + 1 }
        };
        // Both patterns need `###` somewhere in the line.
        if !line.text.contains("###") {
            continue;
        }
        if let Some(capture) = RENAMED_FROM.captures(line.text).and_then(|c| c.get(1)) {
            if let Some(displaced) = pending.take() {
                unpaired.push(UnpairedRename { side: RenameSideKind::From, entry: displaced });
            }
            pending = Some(side_at(capture));
        } else if let Some(capture) = RENAMED_TO.captures(line.text).and_then(|c| c.get(1)) {
            let to = side_at(capture);
            match pending.take() {
                Some(from) => pairs.push(RenamedPair { from, to }),
                None => unpaired.push(UnpairedRename { side: RenameSideKind::To, entry: to }),
            }
        }
    }
    if let Some(from) = pending {
        unpaired.push(UnpairedRename { side: RenameSideKind::From, entry: from });
    }
    (pairs, unpaired)
}

/// `findOrphanedRequirements`: requirement headers outside the four delta sections, including
/// those above the first `## ` line.
fn orphaned_requirements<'a>(lines: &[Line<'a>], mask: &[bool]) -> Vec<OrphanedRequirement<'a>> {
    let mut orphans = Vec::new();
    let mut section: Option<&'a str> = None;
    for (idx, line) in lines.iter().enumerate() {
        if mask.get(idx).copied().unwrap_or(false) {
            continue;
        }
        if let Some(title) = header_captures(&SECTION_HEADER, line.text).and_then(|c| c.get(1)) {
            section = Some(js_trim(title.as_str()));
            continue;
        }
        if section.is_some_and(|title| DeltaKind::from_title(title).is_some()) {
            continue;
        }
        if let Some(capture) = header_captures(&REQUIREMENT_HEADER, line.text).and_then(|c| c.get(1)) {
            let (name, name_range) = name_in(line, capture.as_str());
            orphans.push(OrphanedRequirement { name, name_range, section, line: *line, line_number: idx + 1 });
        }
    }
    orphans
}

/// The scenario names of a requirement block as the scenario-loss guard reads them
/// (`parseScenarioBlocks`): every unfenced `#### ` header, empty or not, named by its text
/// without the closing `#` run and an optional `Scenario:` label.
pub fn scenario_names<'a>(block_lines: &[Line<'a>]) -> Vec<&'a str> {
    let mask = code_fence_mask(block_lines.iter().map(|line| line.text));
    block_lines
        .iter()
        .zip(mask)
        .filter(|(line, fenced)| !fenced && is_scenario_header(line.text))
        .map(|(line, _)| scenario_name(line.text))
        .collect()
}

/// The label of a `#### ` header: `#### Scenario: Foo ##` is `Foo`.
fn scenario_name(header: &str) -> &str {
    let title = js_trim_start(header.trim_start_matches('#'));
    let title = normalize_requirement_name(title);
    let label_len = "Scenario:".len();
    match title.get(..label_len) {
        Some(label) if label.eq_ignore_ascii_case("Scenario:") => js_trim(&title[label_len..]),
        _ => title,
    }
}

/// How the scenario names of a current block and its MODIFIED replacement differ, counting
/// repeats (`diffScenarioNames`): a name twice in the spec and once in the delta is missing once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScenarioDiff {
    /// Names the current block has and the incoming one drops: what archive refuses to lose.
    pub missing: Vec<String>,
    /// Names only the incoming block has.
    pub added: Vec<String>,
    pub current_count: usize,
    pub incoming_count: usize,
}

pub fn diff_scenario_names(current: &[&str], incoming: &[&str]) -> ScenarioDiff {
    fn unmatched(names: &[&str], against: &[&str]) -> Vec<String> {
        let mut remaining: Vec<(&str, usize)> = Vec::new();
        for name in against {
            match remaining.iter_mut().find(|(seen, _)| seen == name) {
                Some((_, count)) => *count += 1,
                None => remaining.push((name, 1)),
            }
        }
        let mut out = Vec::new();
        for name in names {
            match remaining.iter_mut().find(|(seen, count)| seen == name && *count > 0) {
                Some((_, count)) => *count -= 1,
                None => out.push((*name).to_owned()),
            }
        }
        out
    }
    ScenarioDiff {
        missing: unmatched(current, incoming),
        added: unmatched(incoming, current),
        current_count: current.len(),
        incoming_count: incoming.len(),
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;
    use expect_test::{Expect, expect};

    fn slice(text: &str, range: TextRange) -> &str {
        text.get(range.start..range.end).unwrap_or("<bad range>")
    }

    fn dump_block(text: &str, block: &RequirementBlock<'_>, out: &mut String) {
        let _ = writeln!(
            out,
            "  block {:?} name@{:?} header={:?} raw={:?}",
            block.name,
            slice(text, block.name_range),
            slice(text, block.header_range()),
            block.raw(),
        );
        assert_eq!(slice(text, block.name_range), block.name);
        assert_eq!(slice(text, block.range()).replace("\r\n", "\n").replace('\r', "\n"), block.raw());
    }

    fn check_delta(text: &str, expect: &Expect) {
        let delta = parse_delta_spec(text);
        let mut out = String::new();
        for section in &delta.sections {
            let _ = writeln!(
                out,
                "section {:?} {:?} line {} at {:?}",
                section.kind,
                section.title,
                section.line_number,
                slice(text, section.range())
            );
        }
        out.push_str("added:\n");
        for block in &delta.added {
            dump_block(text, block, &mut out);
        }
        out.push_str("modified:\n");
        for block in &delta.modified {
            dump_block(text, block, &mut out);
        }
        for entry in &delta.removed {
            assert_eq!(slice(text, entry.name_range), entry.name);
            let _ = writeln!(out, "removed {:?} entry={:?}", entry.name, slice(text, entry.range()));
        }
        for pair in &delta.renamed {
            let _ = writeln!(
                out,
                "renamed {:?} (line {}) -> {:?} (line {})",
                pair.from.name, pair.from.line_number, pair.to.name, pair.to.line_number
            );
        }
        for unpaired in &delta.unpaired_renames {
            let _ = writeln!(
                out,
                "unpaired {} {:?} line {} at {:?}",
                unpaired.side.keyword(),
                unpaired.entry.name,
                unpaired.entry.line_number,
                slice(text, unpaired.entry.range())
            );
        }
        for skipped in &delta.skipped_headers {
            let _ = writeln!(
                out,
                "skipped {:?} in {:?} line {}",
                skipped.header, skipped.section_title, skipped.line_number
            );
        }
        for orphan in &delta.orphaned {
            let _ = writeln!(out, "orphan {:?} under {:?} line {}", orphan.name, orphan.section, orphan.line_number);
        }
        let _ = writeln!(out, "entries={}", delta.entry_count());
        expect.assert_eq(&out);
    }

    #[test]
    fn delta_sections_merge_repeats_and_case_variants() {
        check_delta(
            "\u{FEFF}## ADDED Requirements\n### Requirement: One\nThe system SHALL one.\n\n#### Scenario: s\n- x\n\n## Notes\n### Requirement: Lost\n## added requirements\n###Requirement: Two ###\n### Documentation\n### Requirement:\n## ADDED  Requirements\n### Requirement: Unseen\n",
            &expect![[r####"
                section Added "ADDED Requirements" line 1 at "## ADDED Requirements"
                section Added "added requirements" line 10 at "## added requirements"
                added:
                  block "One" name@"One" header="### Requirement: One" raw="### Requirement: One\nThe system SHALL one.\n\n#### Scenario: s\n- x"
                  block "Two" name@"Two" header="###Requirement: Two ###" raw="###Requirement: Two ###\n### Documentation\n### Requirement:"
                modified:
                skipped "Documentation" in "ADDED Requirements" line 12
                skipped "Requirement:" in "ADDED Requirements" line 13
                orphan "Lost" under Some("Notes") line 9
                orphan "Unseen" under Some("ADDED  Requirements") line 15
                entries=2
            "####]],
        );
    }

    #[test]
    fn fenced_lines_are_never_structure_and_crlf_keeps_ranges() {
        check_delta(
            "## MODIFIED Requirements\r\n```\r\n### Requirement: Fenced\r\n## REMOVED Requirements\r\n```\r\n### Requirement: Real  \r\nBody MUST.\r\n   ```md\r\n#### Scenario: fenced\r\n   ```\r\n\r\n",
            &expect![[r####"
                section Modified "MODIFIED Requirements" line 1 at "## MODIFIED Requirements"
                added:
                modified:
                  block "Real" name@"Real" header="### Requirement: Real" raw="### Requirement: Real  \nBody MUST.\n   ```md\n#### Scenario: fenced\n   ```"
                entries=1
            "####]],
        );
    }

    #[test]
    fn removed_entries_accept_headers_and_every_bullet() {
        check_delta(
            "## REMOVED Requirements\n### requirement: Header Form\n- ### Requirement: Dash\n* `### Requirement: Star`\n  + ###Requirement: Plus ##\n- ### requirement: lower bullet\n- Bare name\n### Requirement:   \n",
            &expect![[r####"
                section Removed "REMOVED Requirements" line 1 at "## REMOVED Requirements"
                added:
                modified:
                removed "Header Form" entry="### requirement: Header Form"
                removed "Dash" entry="- ### Requirement: Dash"
                removed "Star" entry="* `### Requirement: Star`"
                removed "Plus" entry="+ ###Requirement: Plus ##"
                removed "" entry="### Requirement:"
                entries=5
            "####]],
        );
    }

    #[test]
    fn renamed_pairs_and_unpaired_lines() {
        check_delta(
            "## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n* FROM: ### Requirement: C\nFROM:### Requirement: D\n+ TO: `### Requirement: E`\n- TO: `### Requirement: Orphan To`\n- from: `### Requirement: lower`\n- FROM: `### Requirement: Pending`\n## RENAMED Requirements\n- TO: `### Requirement: Split`\n",
            &expect![[r###"
                section Renamed "RENAMED Requirements" line 1 at "## RENAMED Requirements"
                section Renamed "RENAMED Requirements" line 10 at "## RENAMED Requirements"
                added:
                modified:
                renamed "A" (line 2) -> "B" (line 3)
                renamed "D" (line 5) -> "E" (line 6)
                unpaired FROM "C" line 4 at "* FROM: ### Requirement: C"
                unpaired TO "Orphan To" line 7 at "- TO: `### Requirement: Orphan To`"
                unpaired FROM "Pending" line 9 at "- FROM: `### Requirement: Pending`"
                unpaired TO "Split" line 11 at "- TO: `### Requirement: Split`"
                entries=2
            "###]],
        );
    }

    #[test]
    fn orphans_above_first_section_and_empty_names() {
        check_delta(
            "# Title\n### Requirement: Above\n## ADDED Requirements\n### Requirement:  \nno body\n",
            &expect![[r####"
                section Added "ADDED Requirements" line 3 at "## ADDED Requirements"
                added:
                  block "" name@"" header="### Requirement:" raw="### Requirement:  \nno body"
                modified:
                orphan "Above" under None line 2
                entries=1
            "####]],
        );
        check_delta(
            "",
            &expect![[r#"
            added:
            modified:
            entries=0
        "#]],
        );
    }

    fn check_section(text: &str, expect: &Expect) {
        let section = extract_requirements_section(text);
        let mut out = format!(
            "header={:?} range={:?}\nbefore={:?}\npreamble={:?}\nafter={:?}\n",
            section.header.map(|line| line.text),
            slice(text, section.range),
            join_lines(&section.before),
            join_lines(&section.preamble),
            join_lines(&section.after),
        );
        for block in &section.blocks {
            dump_block(text, block, &mut out);
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn requirements_section_reader_b() {
        check_section(
            "\u{FEFF}# T\n## Purpose\nP\n```\n## Requirements\n```\n## requirements\nintro\n### Other\n### Requirement: A\nA SHALL.\n### Notes\n# H1 stays\n### requirement: B\n## Next\nx",
            &expect![[r####"
                header=Some("## requirements") range="## requirements\nintro\n### Other\n### Requirement: A\nA SHALL.\n### Notes\n# H1 stays\n### requirement: B\n"
                before="# T\n## Purpose\nP\n```\n## Requirements\n```"
                preamble="intro\n### Other"
                after="## Next\nx"
                  block "A" name@"A" header="### Requirement: A" raw="### Requirement: A\nA SHALL.\n### Notes\n# H1 stays"
                  block "B" name@"B" header="### requirement: B" raw="### requirement: B"
            "####]],
        );
        check_section(
            "## Purpose\nonly\n",
            &expect![[r###"
                header=None range=""
                before="## Purpose\nonly\n"
                preamble=""
                after=""
            "###]],
        );
    }

    #[test]
    fn fold_collapses_case_and_space() {
        assert_eq!(fold_requirement_name("  User\u{A0} LOGIN  ## "), "user login");
        assert_eq!(DeltaKind::from_title("removed REQUIREMENTS"), Some(DeltaKind::Removed));
        assert_eq!(DeltaKind::from_title("ADDED  Requirements"), None);
    }

    #[test]
    fn scenario_names_follow_the_loss_guard() {
        let text = "### Requirement: R\n#### Scenario: A ##\n#### scenario:B\n```\n#### Scenario: fenced\n```\n#### Edge case\n##### Deeper\n#### Scenario:\n####NoSpace\n";
        let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
        assert_eq!(scenario_names(&lines), vec!["A", "B", "Edge case", ""]);
        let diff = diff_scenario_names(&["a", "a", "b", "c"], &["a", "c", "d"]);
        assert_eq!(diff.missing, vec!["a", "b"]);
        assert_eq!(diff.added, vec!["d"]);
        assert_eq!((diff.current_count, diff.incoming_count), (4, 3));
    }
}
