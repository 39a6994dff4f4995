//! Re-checking a main spec after an edit inside one requirement, in time proportional to that
//! requirement (not the file): the common keystroke in a long spec. A full check records an
//! outline (where each requirement of reader A, each block of reader B and the Purpose section
//! lie); an edit whose changed lines hold nothing any reader treats as structure (a header, a
//! fence) and lie in no Purpose section cannot change how the readers split the file, so only
//! the requirement and the block holding those lines can read differently. Their findings are
//! made again from the two slices alone; every other finding is kept, moved by the length the
//! edit added. Anything else (an edit touching a structural line, the first line, the Purpose,
//! or a finding whose message quotes a line number the edit moves) returns `None`, and the
//! caller checks the whole file. The result is always what `check_spec` gives for the new
//! text; `incremental.rs`'s randomized tests hold it to that.

use std::sync::Arc;

use openspec_syntax::TextRange;
use openspec_syntax::js::is_js_space;
use openspec_syntax::lines::{Bom, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::{RequirementsSection, read_requirement_block};
use openspec_syntax::spec::{SpecDoc, parse_sections, read_requirement};

use super::{RULE_ORDER, SpecFile, check_block, check_requirement, check_text};
use crate::diagnostic::{Diagnostic, ItemId};
use crate::layout;
use crate::vfs::{Entry, FileContent, RootSnapshot};

/// Findings made by `check_requirement` (from one requirement of reader A, inside its span).
const REQUIREMENT_CODES: [&str; 6] = [
    "spec/requirement-empty-text",
    "spec/requirement-no-scenario",
    "spec/requirement-too-long",
    "spec/requirement-no-scenario-hint",
    "spec/empty-scenario",
    "spec/non-canonical-requirement-header",
];

/// Findings made by `check_block` (from one block of reader B, inside its span).
const BLOCK_CODES: [&str; 2] = ["spec/requirement-missing-body", "spec/requirement-missing-shall-must"];

/// A byte span `[start, end)` of the spec's text.
pub(crate) type Span = (usize, usize);

/// Where the parts an edit may touch lie in one text of a spec.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Spans {
    /// Whether the per-requirement rules ran (the thrown checks passed).
    pub requirements_checked: bool,
    /// Reader A's Purpose section: its header to the line that closes it.
    purpose: Option<Span>,
    /// Reader A's requirements (the Requirements section's children), each from its header to
    /// the line that closes it, in order.
    requirements: Vec<Span>,
    /// Reader B's blocks, each from its header to the next block's (or the section's end).
    blocks: Vec<Span>,
}

impl Spans {
    pub fn read(spec_doc: &SpecDoc<'_>, section: &RequirementsSection<'_>) -> Spans {
        let requirements = spec_doc.requirements_section().map_or_else(Vec::new, |requirements| {
            requirements.children.iter().map(|child| (child.header.start, child.end)).collect()
        });
        Spans {
            requirements_checked: false,
            purpose: purpose_span(spec_doc),
            requirements,
            blocks: block_spans(section),
        }
    }
}

/// Reader A's Purpose section, from its header to the line that closes it.
pub(crate) fn purpose_span(spec_doc: &SpecDoc<'_>) -> Option<Span> {
    spec_doc.purpose().map(|purpose| (purpose.header.start, purpose.end))
}

/// Reader B's blocks, each from its header to the next block's (or the section's end).
pub(crate) fn block_spans(section: &RequirementsSection<'_>) -> Vec<Span> {
    let starts: Vec<usize> = section.blocks.iter().map(|block| block.header().start).collect();
    let ends = starts.iter().skip(1).copied().chain(std::iter::once(section.range.end));
    starts.iter().copied().zip(ends).collect()
}

/// A main spec's text as last checked, and where its parts lie: what `recheck_edit` starts from.
#[derive(Clone, Debug)]
pub(crate) struct SpecOutline {
    text: Arc<str>,
    spans: Spans,
}

impl SpecOutline {
    /// Whether this outline was made from `text`.
    pub fn is_of(&self, text: &Arc<str>) -> bool {
        Arc::ptr_eq(&self.text, text) || *self.text == **text
    }
}

/// The rules of one main spec (what `check_spec` pushes), and the outline of its text for a
/// later `recheck_edit` (`None` when the file is not readable text).
pub(crate) fn check_spec_outlined(
    root: &RootSnapshot,
    spec: &layout::SpecFile,
    acc: &mut Vec<Diagnostic>,
) -> Option<SpecOutline> {
    let Some(Entry::File { content: FileContent::Text { text, .. }, .. }) = root.get(&spec.path) else {
        super::check_spec(root, spec, acc);
        return None;
    };
    let mut spans = Spans::default();
    let file = SpecFile { item: ItemId::spec(spec.id.clone()), path: &spec.path, text };
    check_text(&file, Some(&mut spans), acc);
    Some(SpecOutline { text: text.clone(), spans })
}

/// The lines an edit replaced, widened to whole lines: `old[start..old_end]` became
/// `new[start..new_end]`, and the text before and after (split into the same lines in both)
/// is equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    start: usize,
    old_end: usize,
    new_end: usize,
}

impl Region {
    fn between(old: &str, new: &str) -> Region {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let prefix = common_prefix(old, new);
        let suffix = common_suffix(&old[prefix..], &new[prefix..]);
        // Both texts must split into the same lines before `start` and after the ends: each
        // has to be a line start in both (a `\r` before it must not pair with a `\n` after).
        let mut start = prefix;
        while start > 0 && !(is_line_start(old, start) && is_line_start(new, start)) {
            start -= 1;
        }
        let (mut old_end, mut new_end) = (old.len() - suffix, new.len() - suffix);
        while old_end < old.len() && !(is_line_start(old, old_end) && is_line_start(new, new_end)) {
            old_end += 1;
            new_end += 1;
        }
        Region { start, old_end, new_end }
    }

    /// Whether lines in the region (before or after the edit) belong to `span` (a span ends at
    /// the line that closes it, so lines inserted right before that line join it).
    pub fn touches(&self, (start, end): Span) -> bool {
        self.start <= end && self.old_end > start
    }

    /// Where old offset `at` (outside the region) is in the new text.
    fn moved(&self, at: usize) -> usize {
        if at >= self.old_end { at - self.old_end + self.new_end } else { at }
    }

    pub fn moved_span(&self, (start, end): Span) -> Span {
        (self.moved(start), self.moved(end))
    }

    /// `range` of the old text in the new one; `None` when the edit replaced part of it.
    pub fn moved_range(&self, range: TextRange) -> Option<TextRange> {
        if range.start >= self.old_end {
            Some(TextRange::new(self.moved(range.start), self.moved(range.end)))
        } else if range.end <= self.start {
            Some(range)
        } else {
            None
        }
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + CHUNK <= len && a[at..at + CHUNK] == b[at..at + CHUNK] {
        at += CHUNK;
    }
    while at < len && a[at] == b[at] {
        at += 1;
    }
    at
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let len = a.len().min(b.len());
    let mut n = 0;
    while n + CHUNK <= len && a[a.len() - n - CHUNK..a.len() - n] == b[b.len() - n - CHUNK..b.len() - n] {
        n += CHUNK;
    }
    while n < len && a[a.len() - n - 1] == b[b.len() - n - 1] {
        n += 1;
    }
    n
}

/// Whether a line starts at byte `at` (every reader splits on `\r\n`, `\r` and `\n`).
fn is_line_start(text: &[u8], at: usize) -> bool {
    match at.checked_sub(1).and_then(|before| text.get(before)) {
        None | Some(b'\n') => true,
        Some(b'\r') => text.get(at) != Some(&b'\n'),
        Some(_) => false,
    }
}

/// Whether some reader of a main spec could treat `line` as more than text: a header of any
/// level (also indented or after a BOM, which the Purpose placeholder scan and the fence
/// reader allow) or a code fence.
fn is_structural(line: &str) -> bool {
    let rest = line.trim_start_matches(|ch: char| ch.is_whitespace() || is_js_space(ch));
    rest.starts_with('#') || rest.starts_with("```") || rest.starts_with("~~~")
}

/// The lines of `text` (a region, which ends at a line start or the end of the text) and
/// whether any of them is structural.
fn region_lines(text: &str) -> (usize, bool) {
    let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    (lines.len(), lines.iter().any(|line| is_structural(line.text)))
}

/// Where `old` and `new` (different texts of a main spec) differ, when that is lines no reader
/// treats as structure, off the first line (where whole-file findings go and a BOM lives), and
/// whether the edit changed the number of lines; `None` otherwise.
pub(crate) fn plain_edit(old: &str, new: &str) -> Option<(Region, bool)> {
    let region = Region::between(old, new);
    if region.start == 0 {
        return None;
    }
    let (old_lines, old_structural) = region_lines(old.get(region.start..region.old_end)?);
    let (new_lines, new_structural) = region_lines(new.get(region.start..region.new_end)?);
    (!old_structural && !new_structural).then_some((region, old_lines != new_lines))
}

/// The one span of `spans` (sorted, disjoint) the region touches: `Ok(None)` when none,
/// `Err(())` when more than one.
pub(crate) fn touched(region: &Region, spans: &[Span]) -> Result<Option<usize>, ()> {
    let after = spans.partition_point(|&(start, _)| start < region.old_end.max(region.start + 1));
    let mut found = None;
    for idx in after.saturating_sub(2)..after {
        if spans.get(idx).is_some_and(|&span| region.touches(span)) {
            if found.is_some() {
                return Err(());
            }
            found = Some(idx);
        }
    }
    Ok(found)
}

/// `diagnostic` moved from the old text to the new one; `None` when the edit replaced part of
/// one of its ranges on this file.
fn moved_diagnostic(region: &Region, diagnostic: &Diagnostic) -> Option<Diagnostic> {
    let mut moved = diagnostic.clone();
    moved.range = region.moved_range(diagnostic.range)?;
    for related in &mut moved.related {
        if related.path == diagnostic.path {
            related.range = region.moved_range(related.range)?;
        }
    }
    Some(moved)
}

/// Moves findings made over a slice starting at `offset` to the whole text.
fn offset_by(found: &mut [Diagnostic], offset: usize) {
    let shift = |range: TextRange| TextRange::new(range.start + offset, range.end + offset);
    for diagnostic in found {
        diagnostic.range = shift(diagnostic.range);
        for related in &mut diagnostic.related {
            if related.path == diagnostic.path {
                related.range = shift(related.range);
            }
        }
    }
}

fn rank(diagnostic: &Diagnostic) -> (usize, usize) {
    let rule = RULE_ORDER.iter().position(|code| *code == diagnostic.code).unwrap_or(RULE_ORDER.len());
    (rule, diagnostic.range.start)
}

/// The findings of `spec`'s rules for `new` (its text now), from the outline and findings of
/// its previous text, and the outline of `new`; `None` when the edit is not one this can
/// splice (the caller then checks the whole file).
pub(crate) fn recheck_edit(
    outline: &SpecOutline,
    old_findings: &[Diagnostic],
    spec: &layout::SpecFile,
    new: &Arc<str>,
) -> Option<(Vec<Diagnostic>, SpecOutline)> {
    let (old_text, new_text): (&str, &str) = (&outline.text, new);
    let spans = &outline.spans;
    if old_text == new_text {
        return Some((old_findings.to_vec(), SpecOutline { text: new.clone(), spans: spans.clone() }));
    }
    let (region, lines_moved) = plain_edit(old_text, new_text)?;
    if spans.purpose.is_some_and(|purpose| region.touches(purpose)) {
        return None;
    }
    let requirement = touched(&region, &spans.requirements).ok()?;
    let block = touched(&region, &spans.blocks).ok()?;
    let mut kept = Vec::with_capacity(old_findings.len());
    for diagnostic in old_findings {
        let inside = |idx: Option<usize>, all: &[Span]| {
            idx.and_then(|idx| all.get(idx))
                .is_some_and(|&(start, end)| diagnostic.range.start >= start && diagnostic.range.start < end)
        };
        if REQUIREMENT_CODES.contains(&diagnostic.code) && inside(requirement, &spans.requirements) {
            continue;
        }
        if BLOCK_CODES.contains(&diagnostic.code) && inside(block, &spans.blocks) {
            continue;
        }
        // Messages that quote line numbers, which this does not rewrite: the placeholder's
        // place is found by a scan of its own; the others quote a line after the edit.
        let quotes_a_moved_line = match diagnostic.code {
            "spec/purpose-placeholder" => true,
            "spec/requirements-subsection" => lines_moved,
            "spec/duplicate-requirement" => {
                lines_moved && diagnostic.related.iter().any(|related| related.range.start >= region.old_end)
            }
            _ => false,
        };
        if quotes_a_moved_line {
            return None;
        }
        kept.push(moved_diagnostic(&region, diagnostic)?);
    }
    if !kept.windows(2).all(|pair| rank(&pair[0]) <= rank(&pair[1])) {
        return None;
    }

    let next = Spans {
        requirements_checked: spans.requirements_checked,
        purpose: spans.purpose.map(|span| region.moved_span(span)),
        requirements: spans.requirements.iter().map(|&span| region.moved_span(span)).collect(),
        blocks: spans.blocks.iter().map(|&span| region.moved_span(span)).collect(),
    };
    let mut fresh = Vec::new();
    if spans.requirements_checked {
        let item = ItemId::spec(spec.id.clone());
        if let Some(&(start, end)) = requirement.and_then(|idx| next.requirements.get(idx)) {
            let slice = new_text.get(start..end)?;
            let sections = parse_sections(slice);
            let [section] = sections.as_slice() else { return None };
            let mut found = Vec::new();
            check_requirement(
                &SpecFile { item: item.clone(), path: &spec.path, text: slice },
                &read_requirement(section),
                &mut found,
            );
            offset_by(&mut found, start);
            fresh.extend(found);
        }
        if let Some(&(start, end)) = block.and_then(|idx| next.blocks.get(idx)) {
            let slice = new_text.get(start..end)?;
            let read = read_requirement_block(slice)?;
            let mut found = Vec::new();
            check_block(&SpecFile { item, path: &spec.path, text: slice }, &read, &mut found);
            offset_by(&mut found, start);
            fresh.extend(found);
        }
    }
    fresh.sort_by_key(rank);

    // Both lists are in report order; merge them.
    let mut merged = Vec::with_capacity(kept.len() + fresh.len());
    let mut fresh = fresh.into_iter().peekable();
    for diagnostic in kept {
        while let Some(next_fresh) = fresh.next_if(|candidate| rank(candidate) < rank(&diagnostic)) {
            merged.push(next_fresh);
        }
        if fresh.peek().is_some_and(|candidate| rank(candidate) == rank(&diagnostic)) {
            return None;
        }
        merged.push(diagnostic);
    }
    merged.extend(fresh);
    Some((merged, SpecOutline { text: new.clone(), spans: next }))
}

#[cfg(test)]
mod tests {
    use super::{Region, is_structural};

    #[test]
    fn regions_are_whole_lines_split_alike_in_both_texts() {
        fn region<'a>(old: &'a str, new: &'a str) -> (&'a str, &'a str) {
            let region = Region::between(old, new);
            (&old[region.start..region.old_end], &new[region.start..region.new_end])
        }
        assert_eq!(region("a\nbc\nd\n", "a\nbxc\nd\n"), ("bc\n", "bxc\n"));
        assert_eq!(region("a\nb\n", "a\nb\nc\n"), ("", "c\n"));
        assert_eq!(region("a\nbc", "a\nb\nc"), ("bc", "b\nc"));
        // A `\r` that pairs with a `\n` in one text and not in the other belongs to the edit.
        assert_eq!(region("a\r\nb", "a\rb"), ("a\r\n", "a\r"));
        assert_eq!(region("x\na\rb", "x\na\r\nb"), ("a\r", "a\r\n"));
    }

    #[test]
    fn headers_and_fences_are_structural_anywhere_on_the_line_start() {
        for line in ["## Purpose", "   # x", "\u{FEFF}### Requirement: a", "\t```md", "~~~", " #### Scenario: s"] {
            assert!(is_structural(line), "{line:?}");
        }
        for line in ["- **WHEN** x", "The system SHALL", "a ## b", "`` code", ""] {
            assert!(!is_structural(line), "{line:?}");
        }
    }
}
