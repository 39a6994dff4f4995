//! What `openspec archive` would do with one delta spec (`core/specs-apply.js`,
//! `buildUpdatedSpec`): its prechecks, then RENAMED -> REMOVED -> MODIFIED -> ADDED against the
//! main spec, giving the rebuilt spec text and every problem and warning on the delta entry it
//! is about. Pure: texts in, a report out; it never decides what a finding's severity is.

mod unaccounted;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::OnceLock;

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::{js_length, js_trim, js_trim_end};
use openspec_syntax::lines::{Bom, LineBreaks, normalize, split_lines};
use openspec_syntax::requirement_blocks::{
    DeltaKind, DeltaSectionHeader, DeltaSpec, RemovedEntry, RequirementBlock, RequirementsSection, ScenarioDiff,
    diff_scenario_names, extract_requirements_section, fold_requirement_name, parse_delta_spec,
    requirement_header_name, scenario_names,
};
use openspec_syntax::requirement_text::normalize_requirement_name;
use openspec_syntax::spec::{SpecDoc, StructureIssue, StructureIssueKind, structure_issues};

/// `MIN_PURPOSE_LENGTH`: below this a Purpose is "too brief" for `validate --strict`.
const MIN_PURPOSE_LENGTH: usize = 50;

/// One delta spec to merge into its main spec.
#[derive(Clone, Copy, Debug)]
pub struct ArchiveRequest<'a> {
    /// The capability id (`auth`, `platform/session`): archive's `specName` in messages.
    pub capability: &'a str,
    /// The change folder name, used in the placeholder Purpose of a new spec.
    pub change: &'a str,
    /// The delta spec's text.
    pub delta_text: &'a str,
    /// The main spec's text, or `None` when the capability has no main spec yet.
    pub base_text: Option<&'a str>,
    /// How messages name the main spec file (archive prints its path).
    pub base_path: &'a str,
}

/// Why archive would refuse the delta. The first problem of a simulation is the one archive
/// stops at; the later ones are what it would hit next once that one is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveProblemKind {
    /// A FROM: or TO: line with no partner.
    UnpairedRename,
    /// The same name twice in one section (or twice as a RENAMED FROM / TO).
    DuplicateEntry,
    /// One name in two sections that contradict each other.
    SectionConflict,
    /// No entry at all.
    NoOperations,
    /// MODIFIED or RENAMED against a capability with no main spec.
    NoMainSpec,
    /// The main spec has structure errors (misplaced or duplicate requirement headers).
    MainSpecStructure,
    RenamedSourceMissing,
    /// The FROM name is missing but a case/spacing variant of it exists.
    RenamedSourceNearMiss,
    RenamedTargetExists,
    /// The TO name differs from another requirement only in case or spacing.
    RenamedTargetNearMiss,
    /// The REMOVED name is missing but a case/spacing variant of it exists.
    RemovedNearMiss,
    ModifiedMissing,
    /// The MODIFIED block's header names a different requirement than its parsed name.
    ModifiedHeaderMismatch,
    /// The MODIFIED block drops scenarios the main spec has.
    ScenarioLoss,
    AddedExists,
    /// The ADDED name differs from an existing requirement only in case or spacing.
    AddedNearMiss,
}

impl ArchiveProblemKind {
    /// Problems `openspec validate` already reports as errors of its own (duplicates,
    /// conflicts, unpaired renames, empty deltas, scenario loss).
    pub const fn is_checked_by_validate(self) -> bool {
        matches!(
            self,
            ArchiveProblemKind::UnpairedRename
                | ArchiveProblemKind::DuplicateEntry
                | ArchiveProblemKind::SectionConflict
                | ArchiveProblemKind::NoOperations
                | ArchiveProblemKind::ScenarioLoss
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveProblem {
    pub kind: ArchiveProblemKind,
    /// Archive's own message, word for word.
    pub message: String,
    /// The delta entry (header, REMOVED bullet, FROM/TO line) the problem is about.
    pub range: TextRange,
    /// The section of the entry; `None` for problems about the whole file.
    pub section: Option<DeltaKind>,
    /// The name as the delta writes it.
    pub name: String,
    /// The place in the main spec involved (the existing requirement, the misplaced header).
    pub base_range: Option<TextRange>,
    /// The main spec's spelling when the delta's name differs only in case or spacing.
    pub near_miss: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveWarning {
    /// Archive's own message, word for word.
    pub message: String,
    /// Where in the delta the warning is about, when it is about a place there.
    pub range: Option<TextRange>,
    /// Where in the main spec, when it is about a place there.
    pub base_range: Option<TextRange>,
}

/// Operations that change the spec (archive's counts; already-synced ones are not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    pub added: usize,
    pub modified: usize,
    pub removed: usize,
    pub renamed: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchiveSimulation {
    /// In archive's order; empty when archive would merge the delta.
    pub problems: Vec<ArchiveProblem>,
    pub warnings: Vec<ArchiveWarning>,
    /// The main spec archive would write (LF line ends). With problems, a best effort that
    /// skips the refused operations; empty when a precheck failed (archive reads no spec then).
    pub rebuilt: String,
    /// The capability has no main spec and the merge starts from archive's skeleton.
    pub is_new_spec: bool,
    pub counts: ApplyCounts,
    /// The rebuilt spec keeps no requirement block (`noRequirementBlocks`); set with `rebuilt`.
    pub no_requirement_blocks: bool,
    /// `unaccountedContent`: lines of the existing main spec a retirement could not name, which
    /// stop archive from deleting the file; set with `rebuilt`.
    pub unaccounted_content: Vec<String>,
}

impl ArchiveSimulation {
    /// What archive stops at, if anything.
    pub fn refusal(&self) -> Option<&ArchiveProblem> {
        self.problems.first()
    }
}

/// `### Requirement: <name>` as archive quotes it.
fn header_of(name: &str) -> String {
    format!("\"### Requirement: {name}\"")
}

/// `describeScenarioBalance`: the sentence archive and validate append to a scenario loss.
pub fn describe_scenario_balance(diff: &ScenarioDiff) -> String {
    const MAX_LISTED_ADDED: usize = 3;
    let count = |n: usize| format!("{n} {}", if n == 1 { "scenario" } else { "scenarios" });
    let scale = format!(
        "The modified block has {}; the current spec has {}.",
        count(diff.incoming_count),
        count(diff.current_count)
    );
    if diff.added.is_empty() {
        return format!("{scale} It adds none.");
    }
    let listed: Vec<String> = diff.added.iter().take(MAX_LISTED_ADDED).map(|name| format!("\"{name}\"")).collect();
    let listed = listed.join(", ");
    let rest = diff.added.len().saturating_sub(MAX_LISTED_ADDED);
    let names = if rest > 0 { format!("{listed} and {rest} more") } else { listed };
    format!("{scale} It adds {} not in the current spec: {names}.", count(diff.added.len()))
}

/// The quoted, comma-separated list of dropped scenario names.
pub fn quoted_list(names: &[String]) -> String {
    names.iter().map(|name| format!("\"{name}\"")).collect::<Vec<_>>().join(", ")
}

/// A requirement block in the merge: from the main spec, renamed, or from the delta.
/// A main spec as archive reads it (structure problems and the `## Requirements` blocks),
/// parsed once and shared by every delta spec merged into it: a check runs one dry run per
/// delta, and a busy main spec can have dozens of deltas.
#[derive(Debug)]
pub struct BaseView<'a> {
    text: &'a str,
    issues: Vec<StructureIssue<'a>>,
    section: RequirementsSection<'a>,
    /// Archive's name -> block map as the main spec seeds it, once for every delta: one slot
    /// per name in first-seen order, holding the last block of that name (a JS `Map` keeps
    /// the first position and the last value), as (key, block index).
    slots: Vec<(&'a str, usize)>,
    positions: HashMap<&'a str, usize>,
    /// Slots by folded key (`fold_requirement_name`), in slot order: the near-miss lookups.
    /// Built on the first one, since most dry runs never need it.
    folded: OnceLock<HashMap<String, Vec<usize>>>,
}

impl<'a> BaseView<'a> {
    pub fn parse(text: &'a str) -> BaseView<'a> {
        let section = extract_requirements_section(text);
        let mut slots: Vec<(&'a str, usize)> = Vec::with_capacity(section.blocks.len());
        let mut positions: HashMap<&'a str, usize> = HashMap::with_capacity(section.blocks.len());
        for (block_idx, block) in section.blocks.iter().enumerate() {
            let key = normalize_requirement_name(block.name);
            if let Some(&slot) = positions.get(key) {
                slots[slot].1 = block_idx;
            } else {
                positions.insert(key, slots.len());
                slots.push((key, block_idx));
            }
        }
        BaseView { text, issues: structure_issues(text), section, slots, positions, folded: OnceLock::new() }
    }

    fn folded_slots(&self) -> &HashMap<String, Vec<usize>> {
        self.folded.get_or_init(|| {
            let mut folded: HashMap<String, Vec<usize>> = HashMap::with_capacity(self.slots.len());
            for (slot, (key, _)) in self.slots.iter().enumerate() {
                folded.entry(fold_requirement_name(key)).or_default().push(slot);
            }
            folded
        })
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The main spec's `## Requirements` section as reader B sees it.
    pub fn section(&self) -> &RequirementsSection<'a> {
        &self.section
    }
}

/// A block's text: still the main spec's block (read only when needed, which for most blocks
/// of a big spec is never), or text an operation produced.
#[derive(Clone, Debug)]
enum Raw<'b> {
    Block(&'b RequirementBlock<'b>),
    Text(Rc<str>),
}

impl Raw<'_> {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Raw::Block(block) => Cow::Owned(block.raw()),
            Raw::Text(text) => Cow::Borrowed(text),
        }
    }

    fn same_text(&self, other: &Raw<'_>) -> bool {
        match (self, other) {
            (Raw::Block(a), Raw::Block(b)) if std::ptr::eq(*a, *b) => true,
            _ => self.text() == other.text(),
        }
    }
}

#[derive(Clone, Debug)]
struct MergeBlock<'b> {
    name: Cow<'b, str>,
    raw: Raw<'b>,
    /// Where it came from in the main spec, when it did.
    base_range: Option<TextRange>,
}

/// Archive's name -> block map: a JS `Map`, so replacing a key keeps its place, and removing
/// then inserting moves it to the end. It starts as the main spec's map (`BaseView`, shared by
/// every delta) and records only what this delta changes, so a dry run costs what the delta
/// holds, not what the main spec holds. Removed slots stay as holes so positions never shift.
struct BlockMap<'b> {
    base: &'b BaseView<'b>,
    /// Whether base blocks point back into the main spec (not for a new spec's skeleton).
    base_ranges: bool,
    /// Base slot -> what this delta put there (`None`: removed).
    overrides: HashMap<usize, Option<MergeBlock<'b>>>,
    /// Names set after the base ones, in order.
    added: Vec<Option<(Cow<'b, str>, MergeBlock<'b>)>>,
    added_positions: HashMap<Cow<'b, str>, usize>,
    /// Indices into `added` by folded key, in order.
    added_folded: HashMap<String, Vec<usize>>,
}

impl<'b> BlockMap<'b> {
    fn new(base: &'b BaseView<'b>, base_ranges: bool) -> Self {
        BlockMap {
            base,
            base_ranges,
            overrides: HashMap::new(),
            added: Vec::new(),
            added_positions: HashMap::new(),
            added_folded: HashMap::new(),
        }
    }

    fn base_block(&self, block_idx: usize) -> Option<MergeBlock<'b>> {
        let block = self.base.section.blocks.get(block_idx)?;
        Some(MergeBlock {
            name: Cow::Borrowed(block.name),
            raw: Raw::Block(block),
            base_range: self.base_ranges.then(|| block.header_range()),
        })
    }

    /// The base slot's current block (`None` once removed).
    fn base_slot(&self, slot: usize) -> Option<MergeBlock<'b>> {
        match self.overrides.get(&slot) {
            Some(current) => current.clone(),
            None => self.base_block(self.base.slots.get(slot)?.1),
        }
    }

    fn get(&self, key: &str) -> Option<MergeBlock<'b>> {
        if let Some(&idx) = self.added_positions.get(key) {
            return self.added.get(idx)?.as_ref().map(|(_, block)| block.clone());
        }
        self.base_slot(*self.base.positions.get(key)?)
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn set(&mut self, key: Cow<'b, str>, block: MergeBlock<'b>) {
        if let Some(&idx) = self.added_positions.get(key.as_ref()) {
            self.added[idx] = Some((key, block));
            return;
        }
        if let Some(&slot) = self.base.positions.get(key.as_ref())
            && self.base_slot(slot).is_some()
        {
            self.overrides.insert(slot, Some(block));
            return;
        }
        self.added_positions.insert(key.clone(), self.added.len());
        self.added_folded.entry(fold_requirement_name(&key)).or_default().push(self.added.len());
        self.added.push(Some((key, block)));
    }

    fn delete(&mut self, key: &str) {
        if let Some(idx) = self.added_positions.remove(key) {
            self.added[idx] = None;
        } else if let Some(&slot) = self.base.positions.get(key) {
            self.overrides.insert(slot, None);
        }
    }

    /// Entries in map order.
    fn iter(&self) -> impl Iterator<Item = (Cow<'b, str>, MergeBlock<'b>)> + '_ {
        let base = self
            .base
            .slots
            .iter()
            .enumerate()
            .filter_map(|(slot, (key, _))| Some((Cow::Borrowed(*key), self.base_slot(slot)?)));
        base.chain(self.added.iter().flatten().map(|(key, block)| (key.clone(), block.clone())))
    }

    /// The first key (in map order) that folds like `name`, other than `except`. Looked up by
    /// folded key, so a delta with thousands of entries stays linear.
    fn fold_match(&self, name: &str, except: Option<&str>) -> Option<MergeBlock<'b>> {
        let folded = fold_requirement_name(name);
        let base = self.base.folded_slots().get(&folded).into_iter().flatten().find_map(|&slot| {
            let (key, _) = self.base.slots.get(slot)?;
            if Some(*key) == except { None } else { self.base_slot(slot) }
        });
        base.or_else(|| {
            self.added_folded.get(&folded)?.iter().find_map(|&idx| {
                let (key, block) = self.added.get(idx)?.as_ref()?;
                (Some(key.as_ref()) != except).then(|| block.clone())
            })
        })
    }
}

/// `normalizeBlockRaw`: CRLF to LF, trimmed: two blocks equal under this are already in sync.
fn normalized_raw(raw: &str) -> String {
    js_trim(&normalize(raw, Bom::Keep)).to_owned()
}

/// Runs archive's merge of one delta spec, without writing anything.
pub fn simulate(request: &ArchiveRequest<'_>) -> ArchiveSimulation {
    let base = request.base_text.map(BaseView::parse);
    run(request, base.as_ref(), &parse_delta_spec(request.delta_text), true)
}

/// The dry run the rules need: every problem (and the merge's own warnings) for a delta spec
/// and a main spec the caller parsed once (`delta` is `request.delta_text` parsed, `base` is
/// `request.base_text` parsed), without recomposing the spec text: `rebuilt` stays empty and
/// the rebuild's warnings are not computed.
pub fn simulate_problems(
    request: &ArchiveRequest<'_>,
    base: Option<&BaseView<'_>>,
    delta: &DeltaSpec<'_>,
) -> ArchiveSimulation {
    debug_assert_eq!(base.map(BaseView::text), request.base_text, "base view of another text");
    run(request, base, delta, false)
}

fn run(
    request: &ArchiveRequest<'_>,
    base: Option<&BaseView<'_>>,
    delta: &DeltaSpec<'_>,
    rebuild_text: bool,
) -> ArchiveSimulation {
    let mut simulation = ArchiveSimulation::default();
    let spec_name = request.capability;

    if let Some(problem) = precheck(delta, spec_name) {
        simulation.problems.push(problem);
        return simulation;
    }
    for orphan in &delta.orphaned {
        let place = orphan
            .section
            .map_or_else(|| "above the first \"## \" section".to_owned(), |section| format!("under \"## {section}\""));
        simulation.warnings.push(ArchiveWarning {
            message: format!(
                "{spec_name} - requirement \"{}\" (line {}) is {place}, which is not a delta section, so it was not applied. Move it under ADDED/MODIFIED/REMOVED/RENAMED Requirements.",
                orphan.name, orphan.line_number
            ),
            range: Some(orphan.line.trimmed_range()),
            base_range: None,
        });
    }

    let delta_purpose = purpose_body(request.delta_text);
    let skeleton_text;
    let skeleton_view;
    let base_view = if let Some(base_view) = base {
        if let Some(delta_purpose) = &delta_purpose
            && let Some(existing) = purpose_body(base_view.text)
            && existing.body != delta_purpose.body
        {
            simulation.warnings.push(ArchiveWarning {
                message: format!(
                    "{spec_name} - delta Purpose ignored; {spec_name} already has one. Edit {} directly to change it.",
                    request.base_path
                ),
                range: Some(delta_purpose.header_range),
                base_range: Some(existing.header_range),
            });
        }
        base_view
    } else {
        simulation.is_new_spec = true;
        skeleton_text = new_spec_skeleton(request, delta, delta_purpose.as_ref(), &mut simulation);
        skeleton_view = BaseView::parse(&skeleton_text);
        &skeleton_view
    };

    let issues = &base_view.issues;
    if let Some(first) = issues.first() {
        let details: Vec<String> =
            issues.iter().map(|issue| format!("line {}: {}", issue.line_number, structure_message(issue))).collect();
        simulation.problems.push(ArchiveProblem {
            kind: ArchiveProblemKind::MainSpecStructure,
            message: format!(
                "{spec_name}: target spec is structurally invalid and cannot be updated until fixed:\n{}",
                details.join("\n")
            ),
            range: delta.sections.first().map_or(TextRange::empty(0), DeltaSectionHeader::range),
            section: None,
            name: String::new(),
            // The skeleton of a new spec is not a file, so only an existing spec has a place.
            base_range: base.map(|_| first.range()),
            near_miss: None,
        });
    }

    let section = &base_view.section;
    let base_offset_valid = base.is_some();
    let mut map = BlockMap::new(base_view, base_offset_valid);
    // Only the rebuild reads the original blocks in order, with their keys as renames leave them.
    let original: Vec<MergeBlock<'_>> = if rebuild_text {
        section
            .blocks
            .iter()
            .map(|block| MergeBlock {
                name: Cow::Borrowed(block.name),
                raw: Raw::Block(block),
                base_range: base_offset_valid.then(|| block.header_range()),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut ordered_keys: Vec<Cow<'_, str>> = if rebuild_text {
        section.blocks.iter().map(|block| Cow::Borrowed(normalize_requirement_name(block.name))).collect()
    } else {
        Vec::new()
    };

    let mut apply = Apply { spec_name, simulation: &mut simulation, map: &mut map, ordered_keys: &mut ordered_keys };
    apply.renamed(delta);
    apply.removed(delta);
    apply.modified(delta);
    apply.added(delta);

    if rebuild_text {
        let (rebuilt, kept) =
            rebuild(request, base_view.text, section, &original, &map, &ordered_keys, &mut simulation);
        simulation.rebuilt = rebuilt;
        simulation.no_requirement_blocks = kept == 0;
        if base.is_some() {
            simulation.unaccounted_content = unaccounted::content_the_merge_cannot_name(section, base_view.text);
        }
    }
    simulation
}

/// Names in first-seen order with constant-time membership (archive's `Set`s of one section).
#[derive(Default)]
struct KeySet<'a> {
    order: Vec<&'a str>,
    members: HashSet<&'a str>,
}

impl<'a> KeySet<'a> {
    fn contains(&self, key: &&str) -> bool {
        self.members.contains(*key)
    }

    fn push(&mut self, key: &'a str) {
        if self.members.insert(key) {
            self.order.push(key);
        }
    }

    fn iter(&self) -> std::slice::Iter<'_, &'a str> {
        self.order.iter()
    }
}

impl<'s, 'a> IntoIterator for &'s KeySet<'a> {
    type Item = &'s &'a str;
    type IntoIter = std::slice::Iter<'s, &'a str>;

    fn into_iter(self) -> Self::IntoIter {
        self.order.iter()
    }
}

/// Archive's intra-file prechecks, in its order; the first failure stops everything.
fn precheck(delta: &DeltaSpec<'_>, spec_name: &str) -> Option<ArchiveProblem> {
    let problem = |kind, message: String, range: TextRange, section: Option<DeltaKind>, name: &str| ArchiveProblem {
        kind,
        message,
        range,
        section,
        name: name.to_owned(),
        base_range: None,
        near_miss: None,
    };
    if let Some(first) = delta.unpaired_renames.first() {
        return Some(problem(
            ArchiveProblemKind::UnpairedRename,
            format!(
                "{spec_name} validation failed - RENAMED entry on line {} has no matching {}: for header {}. Write each rename as a FROM: line followed immediately by its TO: line.",
                first.entry.line_number,
                first.side.other().keyword(),
                header_of(first.entry.name)
            ),
            first.entry.range(),
            Some(DeltaKind::Renamed),
            first.entry.name,
        ));
    }

    // Each section's keys in first-seen order, as archive's sets hold them.
    let mut added_keys = KeySet::default();
    for block in &delta.added {
        let key = normalize_requirement_name(block.name);
        if added_keys.contains(&key) {
            let message = format!(
                "{spec_name} validation failed - duplicate requirement in ADDED for header {}",
                header_of(block.name)
            );
            return Some(problem(
                ArchiveProblemKind::DuplicateEntry,
                message,
                block.header_range(),
                Some(DeltaKind::Added),
                block.name,
            ));
        }
        added_keys.push(key);
    }
    let mut modified_keys = KeySet::default();
    for block in &delta.modified {
        let key = normalize_requirement_name(block.name);
        if modified_keys.contains(&key) {
            let message = format!(
                "{spec_name} validation failed - duplicate requirement in MODIFIED for header {}",
                header_of(block.name)
            );
            return Some(problem(
                ArchiveProblemKind::DuplicateEntry,
                message,
                block.header_range(),
                Some(DeltaKind::Modified),
                block.name,
            ));
        }
        modified_keys.push(key);
    }
    let mut removed_keys = KeySet::default();
    for entry in &delta.removed {
        let key = normalize_requirement_name(entry.name);
        if removed_keys.contains(&key) {
            let message = format!(
                "{spec_name} validation failed - duplicate requirement in REMOVED for header {}",
                header_of(entry.name)
            );
            return Some(problem(
                ArchiveProblemKind::DuplicateEntry,
                message,
                entry.range(),
                Some(DeltaKind::Removed),
                entry.name,
            ));
        }
        removed_keys.push(key);
    }
    let mut from_keys = KeySet::default();
    let mut to_keys = KeySet::default();
    for pair in &delta.renamed {
        let from = normalize_requirement_name(pair.from.name);
        let to = normalize_requirement_name(pair.to.name);
        if from_keys.contains(&from) {
            let message = format!(
                "{spec_name} validation failed - duplicate FROM in RENAMED for header {}",
                header_of(pair.from.name)
            );
            return Some(problem(
                ArchiveProblemKind::DuplicateEntry,
                message,
                pair.from.range(),
                Some(DeltaKind::Renamed),
                pair.from.name,
            ));
        }
        if to_keys.contains(&to) {
            let message = format!(
                "{spec_name} validation failed - duplicate TO in RENAMED for header {}",
                header_of(pair.to.name)
            );
            return Some(problem(
                ArchiveProblemKind::DuplicateEntry,
                message,
                pair.to.range(),
                Some(DeltaKind::Renamed),
                pair.to.name,
            ));
        }
        from_keys.push(from);
        to_keys.push(to);
    }

    for pair in &delta.renamed {
        let from = normalize_requirement_name(pair.from.name);
        let to = normalize_requirement_name(pair.to.name);
        let folded_from = fold_requirement_name(from);
        if let Some(removed) = removed_keys.iter().find(|removed| fold_requirement_name(removed) == folded_from) {
            let spelled = if *removed == from { String::new() } else { format!(" (REMOVED spells it \"{removed}\")") };
            let range = delta
                .removed
                .iter()
                .find(|entry| normalize_requirement_name(entry.name) == *removed)
                .map_or(pair.from.range(), RemovedEntry::range);
            let message = format!(
                "{spec_name} validation failed - requirement present in multiple sections (RENAMED and REMOVED) for header {}{spelled}",
                header_of(pair.from.name)
            );
            return Some(problem(
                ArchiveProblemKind::SectionConflict,
                message,
                range,
                Some(DeltaKind::Removed),
                pair.from.name,
            ));
        }
        if modified_keys.contains(&from) {
            let range = modified_header(delta, from).unwrap_or(pair.from.range());
            let message = format!(
                "{spec_name} validation failed - when a rename exists, MODIFIED must reference the NEW header {}",
                header_of(pair.to.name)
            );
            return Some(problem(
                ArchiveProblemKind::SectionConflict,
                message,
                range,
                Some(DeltaKind::Modified),
                pair.from.name,
            ));
        }
        if added_keys.contains(&to) {
            let message = format!(
                "{spec_name} validation failed - RENAMED TO header collides with ADDED for {}",
                header_of(pair.to.name)
            );
            return Some(problem(
                ArchiveProblemKind::SectionConflict,
                message,
                pair.to.range(),
                Some(DeltaKind::Renamed),
                pair.to.name,
            ));
        }
    }

    let mut conflicts: Vec<(&str, &str, &str)> = Vec::new();
    for key in &modified_keys {
        if removed_keys.contains(key) {
            conflicts.push((key, "MODIFIED", "REMOVED"));
        }
        if added_keys.contains(key) {
            conflicts.push((key, "MODIFIED", "ADDED"));
        }
    }
    for key in &added_keys {
        if removed_keys.contains(key) {
            conflicts.push((key, "ADDED", "REMOVED"));
        }
    }
    if let Some(&(key, first, second)) = conflicts.first() {
        let (range, section) = if first == "MODIFIED" {
            (modified_header(delta, key), DeltaKind::Modified)
        } else {
            (added_header(delta, key), DeltaKind::Added)
        };
        let message = format!(
            "{spec_name} validation failed - requirement present in multiple sections ({first} and {second}) for header {}",
            header_of(key)
        );
        return Some(problem(
            ArchiveProblemKind::SectionConflict,
            message,
            range.unwrap_or_default(),
            Some(section),
            key,
        ));
    }

    if delta.entry_count() == 0 {
        let message = format!(
            "Delta parsing found no operations for {spec_name}. Provide ADDED/MODIFIED/REMOVED/RENAMED sections in change spec."
        );
        let range = delta.sections.first().map_or(TextRange::empty(0), DeltaSectionHeader::range);
        return Some(problem(ArchiveProblemKind::NoOperations, message, range, None, ""));
    }
    None
}

fn modified_header(delta: &DeltaSpec<'_>, key: &str) -> Option<TextRange> {
    delta
        .modified
        .iter()
        .find(|block| normalize_requirement_name(block.name) == key)
        .map(RequirementBlock::header_range)
}

fn added_header(delta: &DeltaSpec<'_>, key: &str) -> Option<TextRange> {
    delta.added.iter().find(|block| normalize_requirement_name(block.name) == key).map(RequirementBlock::header_range)
}

/// The main spec a new capability starts from, with its Purpose warnings; MODIFIED and RENAMED
/// entries are refused (there is nothing to modify or rename).
fn new_spec_skeleton(
    request: &ArchiveRequest<'_>,
    delta: &DeltaSpec<'_>,
    delta_purpose: Option<&PurposeBody>,
    simulation: &mut ArchiveSimulation,
) -> String {
    let spec_name = request.capability;
    let message = format!(
        "{spec_name}: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec."
    );
    let mut refused: Vec<(TextRange, DeltaKind, &str)> =
        delta.modified.iter().map(|block| (block.header_range(), DeltaKind::Modified, block.name)).collect();
    refused.extend(delta.renamed.iter().map(|pair| (pair.from.range(), DeltaKind::Renamed, pair.from.name)));
    refused.sort_by_key(|(range, _, _)| range.start);
    for (range, section, name) in refused {
        simulation.problems.push(ArchiveProblem {
            kind: ArchiveProblemKind::NoMainSpec,
            message: message.clone(),
            range,
            section: Some(section),
            name: name.to_owned(),
            base_range: None,
            near_miss: None,
        });
    }
    if let Some(first_removed) = delta.removed.first() {
        simulation.warnings.push(ArchiveWarning {
            message: format!(
                "{spec_name} - {} REMOVED requirement(s) ignored for new spec (nothing to remove).",
                delta.removed.len()
            ),
            range: Some(first_removed.range()),
            base_range: None,
        });
    }
    let placeholder = skeleton(spec_name, request.change, None);
    let Some(purpose) = delta_purpose else {
        return placeholder;
    };
    let carried = skeleton(spec_name, request.change, Some(&purpose.body));
    match readable_overview(&carried) {
        None => {
            simulation.warnings.push(ArchiveWarning {
                message: format!(
                    "{spec_name} - delta Purpose ignored (it would leave the new spec unreadable); wrote the placeholder Purpose instead."
                ),
                range: Some(purpose.header_range),
                base_range: None,
            });
            placeholder
        }
        Some(overview) => {
            if js_length(&overview) < MIN_PURPOSE_LENGTH {
                simulation.warnings.push(ArchiveWarning {
                    message: format!(
                        "{spec_name} - carried Purpose is under {MIN_PURPOSE_LENGTH} characters; openspec validate --strict reports it as too brief."
                    ),
                    range: Some(purpose.header_range),
                    base_range: None,
                });
            }
            carried
        }
    }
}

/// `buildSpecSkeleton`.
fn skeleton(spec_name: &str, change: &str, purpose: Option<&str>) -> String {
    let purpose = purpose.map(js_trim).filter(|body| !body.is_empty()).map_or_else(
        || format!("TBD - created by archiving change {change}. Update Purpose after archive."),
        str::to_owned,
    );
    format!("# {spec_name} Specification\n\n## Purpose\n{purpose}\n\n## Requirements\n")
}

/// `readableOverview`: the Purpose the new spec would be read with, or `None` when carrying the
/// delta's Purpose over would leave a spec the readers cannot handle.
fn readable_overview(skeleton: &str) -> Option<String> {
    if skeleton.contains("<!--") || !structure_issues(skeleton).is_empty() {
        return None;
    }
    let spec_doc = SpecDoc::parse(skeleton);
    // parseSpec throws without a Purpose or a Requirements section; then the Purpose is unusable.
    spec_doc.purpose()?;
    spec_doc.requirements_section()?;
    let overview = spec_doc.overview();
    (!overview.is_empty()).then_some(overview)
}

/// A `## Purpose` section's body (`extractPurposeSection`).
struct PurposeBody {
    body: String,
    header_range: TextRange,
}

/// `extractPurposeSection`: the first `## Purpose` outside fences and HTML comments, and its
/// body up to the next `## ` line, trimmed; `None` when the body is blank once fences and
/// comments are blanked.
fn purpose_body(text: &str) -> Option<PurposeBody> {
    // Most delta specs have no Purpose; skip the masking and fence passes for them.
    if !text.as_bytes().windows(b"purpose".len()).any(|window| window.eq_ignore_ascii_case(b"purpose")) {
        return None;
    }
    let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    let masked_text = mask_html_comments(&normalize(text, Bom::Keep));
    let masked: Vec<&str> = masked_text.split('\n').collect();
    let fenced = code_fence_mask(masked.iter().copied());
    let structural = |idx: usize| !fenced.get(idx).copied().unwrap_or(true);
    let start = (0..masked.len()).find(|&idx| structural(idx) && is_purpose_header(masked[idx]))?;
    let end =
        (start + 1..masked.len()).find(|&idx| structural(idx) && is_level2_header(masked[idx])).unwrap_or(masked.len());
    let prose: Vec<&str> = (start + 1..end).filter(|&idx| structural(idx)).map(|idx| masked[idx]).collect();
    if js_trim(&prose.join("\n")).is_empty() {
        return None;
    }
    let body_lines: Vec<&str> = lines.get(start + 1..end).unwrap_or_default().iter().map(|line| line.text).collect();
    let body = js_trim(&body_lines.join("\n")).to_owned();
    let header_range = lines.get(start)?.trimmed_range();
    (!body.is_empty()).then_some(PurposeBody { body, header_range })
}

/// `^##\s+Purpose\s*$` (case-insensitive).
fn is_purpose_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("##") else {
        return false;
    };
    let title = openspec_syntax::js::js_trim_start(rest);
    title.len() < rest.len() && js_trim_end(title).eq_ignore_ascii_case("purpose")
}

/// `^##\s+`.
fn is_level2_header(line: &str) -> bool {
    line.strip_prefix("##").and_then(|rest| rest.chars().next()).is_some_and(openspec_syntax::js::is_js_space)
}

/// `maskHtmlComments`: every character of `<!-- ... -->` (or `--!>`, or to the end when never
/// closed) but newlines becomes a space, so line indices stay aligned.
fn mask_html_comments(text: &str) -> String {
    let blank = |part: &str| part.chars().map(|ch| if ch == '\n' { '\n' } else { ' ' }).collect::<String>();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        let comment = &rest[open..];
        let close = comment
            .get(4..)
            .and_then(|after| {
                let arrow = after.find("-->").map(|at| at + 3);
                let bang = after.find("--!>").map(|at| at + 4);
                match (arrow, bang) {
                    (Some(a), Some(b)) => Some(if a - 3 <= b - 4 { a } else { b }),
                    (one, other) => one.or(other),
                }
            })
            .map(|len| len + 4);
        let Some(close) = close else {
            out.push_str(&blank(comment));
            return out;
        };
        out.push_str(&blank(&comment[..close]));
        rest = &comment[close..];
    }
    out.push_str(rest);
    out
}

/// The CLI's message for one structure problem of a main spec (`findMainSpecStructureIssues`).
fn structure_message(issue: &openspec_syntax::spec::StructureIssue<'_>) -> String {
    let header = issue.header;
    match &issue.kind {
        StructureIssueKind::DeltaHeader => format!(
            "Main spec contains delta header \"{header}\". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section."
        ),
        StructureIssueKind::RequirementOutsideRequirements => format!(
            "Requirement header \"{header}\" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive."
        ),
        StructureIssueKind::DuplicateRequirement { first_line_number, .. } => format!(
            "Requirement header \"{header}\" duplicates the requirement declared on line {first_line_number}. Requirement names must be unique so spec updates cannot discard one block while updating another."
        ),
    }
}

/// The apply phase: each operation checks the map as the earlier ones left it. A refused
/// operation is recorded and skipped, so later problems still surface.
struct Apply<'s, 'b> {
    spec_name: &'s str,
    simulation: &'s mut ArchiveSimulation,
    map: &'s mut BlockMap<'b>,
    ordered_keys: &'s mut Vec<Cow<'b, str>>,
}

impl Apply<'_, '_> {
    fn refuse(
        &mut self,
        kind: ArchiveProblemKind,
        message: String,
        (range, section): (TextRange, DeltaKind),
        name: &str,
        existing: Option<&MergeBlock<'_>>,
    ) {
        self.simulation.problems.push(ArchiveProblem {
            kind,
            message,
            range,
            section: Some(section),
            name: name.to_owned(),
            base_range: existing.and_then(|block| block.base_range),
            near_miss: existing.map(|block| block.name.clone().into_owned()),
        });
    }

    fn renamed(&mut self, delta: &DeltaSpec<'_>) {
        let spec_name = self.spec_name;
        for pair in &delta.renamed {
            let from = normalize_requirement_name(pair.from.name).to_owned();
            let to = normalize_requirement_name(pair.to.name).to_owned();
            if !self.map.has(&from) {
                if self.map.has(&to) {
                    // Already synced, unless a case/spacing variant of the source is still there.
                    if let Some(near) = self.map.fold_match(&from, Some(&to)) {
                        let message = format!(
                            "{spec_name} RENAMED failed for header {} - source not found, but {} exists; fix the header to match it exactly",
                            header_of(pair.from.name),
                            header_of(&near.name)
                        );
                        self.refuse(
                            ArchiveProblemKind::RenamedSourceNearMiss,
                            message,
                            (pair.from.range(), DeltaKind::Renamed),
                            pair.from.name,
                            Some(&near),
                        );
                    }
                    continue;
                }
                let near = self.map.fold_match(&from, None);
                let message =
                    format!("{spec_name} RENAMED failed for header {} - source not found", header_of(pair.from.name));
                self.refuse(
                    ArchiveProblemKind::RenamedSourceMissing,
                    message,
                    (pair.from.range(), DeltaKind::Renamed),
                    pair.from.name,
                    near.as_ref(),
                );
                continue;
            }
            if let Some(existing) = self.map.get(&to) {
                let message = format!(
                    "{spec_name} RENAMED failed for header {} - target already exists",
                    header_of(pair.to.name)
                );
                self.refuse(
                    ArchiveProblemKind::RenamedTargetExists,
                    message,
                    (pair.to.range(), DeltaKind::Renamed),
                    pair.to.name,
                    Some(&existing),
                );
                continue;
            }
            if let Some(near) = self.map.fold_match(&to, Some(&from)) {
                let message = format!(
                    "{spec_name} RENAMED failed for header {} - {} already exists and differs only in case or spacing; choose a distinct name",
                    header_of(pair.to.name),
                    header_of(&near.name)
                );
                self.refuse(
                    ArchiveProblemKind::RenamedTargetNearMiss,
                    message,
                    (pair.to.range(), DeltaKind::Renamed),
                    pair.to.name,
                    Some(&near),
                );
                continue;
            }
            let Some(block) = self.map.get(&from) else {
                continue;
            };
            let new_header = format!("### Requirement: {to}");
            let raw = match block.raw.text().split_once('\n') {
                Some((_, rest)) => format!("{new_header}\n{rest}"),
                None => new_header,
            };
            self.map.delete(&from);
            let merged =
                MergeBlock { name: Cow::Owned(to.clone()), raw: Raw::Text(raw.into()), base_range: block.base_range };
            self.map.set(Cow::Owned(to.clone()), merged);
            if let Some(slot) = self.ordered_keys.iter_mut().find(|key| **key == from) {
                *slot = Cow::Owned(to);
            }
            self.simulation.counts.renamed += 1;
        }
    }

    fn removed(&mut self, delta: &DeltaSpec<'_>) {
        let spec_name = self.spec_name;
        for entry in &delta.removed {
            let key = normalize_requirement_name(entry.name);
            if !self.map.has(key) {
                // A new spec's REMOVED entries were already warned about as a group.
                if self.simulation.is_new_spec {
                    continue;
                }
                if let Some(near) = self.map.fold_match(key, None) {
                    let message = format!(
                        "{spec_name} REMOVED failed for header {} - not found, but {} exists; fix the header to match it exactly",
                        header_of(entry.name),
                        header_of(&near.name)
                    );
                    self.refuse(
                        ArchiveProblemKind::RemovedNearMiss,
                        message,
                        (entry.range(), DeltaKind::Removed),
                        entry.name,
                        Some(&near),
                    );
                    continue;
                }
                self.simulation.warnings.push(ArchiveWarning {
                    message: format!(
                        "{spec_name} - REMOVED requirement \"{}\" is not in the current spec; treating it as already removed.",
                        entry.name
                    ),
                    range: Some(entry.range()),
                    base_range: None,
                });
                continue;
            }
            self.map.delete(key);
            self.simulation.counts.removed += 1;
        }
    }

    fn modified(&mut self, delta: &DeltaSpec<'_>) {
        let spec_name = self.spec_name;
        // A new spec's MODIFIED entries were already refused as a group.
        if self.simulation.is_new_spec {
            return;
        }
        for block in &delta.modified {
            let key = normalize_requirement_name(block.name);
            let Some(current) = self.map.get(key) else {
                let near = self.map.fold_match(key, None);
                let message = format!("{spec_name} MODIFIED failed for header {} - not found", header_of(block.name));
                self.refuse(
                    ArchiveProblemKind::ModifiedMissing,
                    message,
                    (block.header_range(), DeltaKind::Modified),
                    block.name,
                    near.as_ref(),
                );
                continue;
            };
            // Archive re-reads the name from the block's first line; it differs from the parsed
            // name only when normalising twice changes it (`Foo # #`).
            if requirement_header_name(block.header().text) != Some(key) {
                let message = format!(
                    "{spec_name} MODIFIED failed for header {} - header mismatch in content",
                    header_of(block.name)
                );
                self.refuse(
                    ArchiveProblemKind::ModifiedHeaderMismatch,
                    message,
                    (block.header_range(), DeltaKind::Modified),
                    block.name,
                    Some(&current),
                );
                continue;
            }
            let raw = block.raw();
            let current_raw = current.raw.text();
            let current_lines = split_lines(&current_raw, Bom::Keep, LineBreaks::Any);
            let diff = diff_scenario_names(&scenario_names(&current_lines), &scenario_names(&block.lines));
            if !diff.missing.is_empty() {
                let message = format!(
                    "{spec_name} MODIFIED failed for header {} - current spec contains scenario(s) not present in the modified block: {}. {} Refresh the change spec before archiving to avoid dropping scenarios.",
                    header_of(block.name),
                    quoted_list(&diff.missing),
                    describe_scenario_balance(&diff)
                );
                self.refuse(
                    ArchiveProblemKind::ScenarioLoss,
                    message,
                    (block.header_range(), DeltaKind::Modified),
                    block.name,
                    Some(&current),
                );
                continue;
            }
            if normalized_raw(&current_raw) != normalized_raw(&raw) {
                self.simulation.counts.modified += 1;
            }
            let merged = MergeBlock {
                name: Cow::Owned(block.name.to_owned()),
                raw: Raw::Text(raw.into()),
                base_range: current.base_range,
            };
            self.map.set(Cow::Owned(key.to_owned()), merged);
        }
    }

    fn added(&mut self, delta: &DeltaSpec<'_>) {
        let spec_name = self.spec_name;
        for block in &delta.added {
            let key = normalize_requirement_name(block.name);
            let raw = block.raw();
            if let Some(existing) = self.map.get(key) {
                if normalized_raw(&existing.raw.text()) != normalized_raw(&raw) {
                    let message =
                        format!("{spec_name} ADDED failed for header {} - already exists", header_of(block.name));
                    self.refuse(
                        ArchiveProblemKind::AddedExists,
                        message,
                        (block.header_range(), DeltaKind::Added),
                        block.name,
                        Some(&existing),
                    );
                }
                continue;
            }
            if let Some(near) = self.map.fold_match(key, None) {
                let message = format!(
                    "{spec_name} ADDED failed for header {} - {} already exists and differs only in case or spacing; use MODIFIED with that exact header to change it, or choose a distinct name",
                    header_of(block.name),
                    header_of(&near.name)
                );
                self.refuse(
                    ArchiveProblemKind::AddedNearMiss,
                    message,
                    (block.header_range(), DeltaKind::Added),
                    block.name,
                    Some(&near),
                );
                continue;
            }
            let merged =
                MergeBlock { name: Cow::Owned(block.name.to_owned()), raw: Raw::Text(raw.into()), base_range: None };
            self.map.set(Cow::Owned(key.to_owned()), merged);
            self.simulation.counts.added += 1;
        }
    }
}

/// Recomposes the spec the way archive does: the text above `## Requirements`, the header,
/// the preamble and the blocks (original order, then new ones), the text after the section,
/// one blank line between the parts, runs of blank lines collapsed outside fences.
fn rebuild(
    request: &ArchiveRequest<'_>,
    base_text: &str,
    section: &openspec_syntax::requirement_blocks::RequirementsSection<'_>,
    original: &[MergeBlock<'_>],
    map: &BlockMap<'_>,
    ordered_keys: &[Cow<'_, str>],
    simulation: &mut ArchiveSimulation,
) -> (String, usize) {
    let spec_name = request.capability;
    let join =
        |lines: &[openspec_syntax::lines::Line<'_>]| lines.iter().map(|line| line.text).collect::<Vec<_>>().join("\n");
    let (before, header_line, preamble, after) = match section.header {
        Some(header) => (join(&section.before), header.text.to_owned(), join(&section.preamble), join(&section.after)),
        // No section: archive appends one after the whole (untouched) text.
        None => (base_text.to_owned(), "## Requirements".to_owned(), String::new(), String::new()),
    };

    let mut kept: Vec<MergeBlock<'_>> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (block, key) in original.iter().zip(ordered_keys) {
        let replacement = map.get(key);
        if let Some(replacement) = &replacement {
            kept.push(replacement.clone());
            seen.insert(key);
        }
        let same = replacement
            .as_ref()
            .is_some_and(|replacement| replacement.raw.same_text(&block.raw) && replacement.name == block.name);
        if same {
            continue;
        }
        let block_raw = block.raw.text();
        let Some((heading, foreign)) = first_foreign_tail(&block_raw) else {
            continue;
        };
        let foreign = normalized_raw(&foreign);
        let keeps_tail = replacement.as_ref().is_some_and(|replacement| {
            count_occurrences(&normalized_raw(&replacement.raw.text()), &foreign)
                >= count_occurrences(&normalized_raw(&block_raw), &foreign)
        });
        if !keeps_tail {
            simulation.warnings.push(ArchiveWarning {
                message: format!(
                    "{spec_name} - \"{heading}\" sits inside requirement \"{}\" and goes with it. Move it under its own requirement, or above `## Requirements`, to keep it.",
                    block.name
                ),
                range: None,
                base_range: block.base_range,
            });
        }
    }
    for (key, block) in map.iter() {
        if !seen.contains(key.as_ref()) {
            kept.push(block);
        }
    }

    let preamble = js_trim_end(&preamble);
    let mut body_parts: Vec<&str> = Vec::new();
    if !js_trim(preamble).is_empty() {
        body_parts.push(preamble);
    }
    let kept_raws: Vec<Cow<'_, str>> = kept.iter().map(|block| block.raw.text()).collect();
    body_parts.extend(kept_raws.iter().map(AsRef::as_ref));
    let body = body_parts.join("\n\n");
    let body = js_trim_end(&body);
    let parts: Vec<&str> = [js_trim_end(&before), header_line.as_str(), body, js_trim(&after)]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    let joined = collapse_blank_runs_outside_fences(&parts.join("\n\n"));
    (format!("{}\n", js_trim_end(&joined)), kept.len())
}

/// `matchLineEnding`: the LF text archive built, written with the line ending `original` uses
/// most (CRLF wins a tie); unchanged when `original` has no line break.
pub fn match_line_ending(content: &str, original: &str) -> String {
    let crlf = original.matches("\r\n").count();
    let lf = original.matches('\n').count() - crlf;
    let normalized = content.replace("\r\n", "\n");
    if (crlf == 0 && lf == 0) || lf > crlf { normalized } else { normalized.replace('\n', "\r\n") }
}

/// `firstForeignTail`: the first unfenced `#`-`###` heading after a block's own header, and the
/// block's text from there on. It rides along with the block wherever the block goes.
fn first_foreign_tail(raw: &str) -> Option<(String, String)> {
    let normalized = normalize(raw, Bom::Keep);
    let lines: Vec<&str> = normalized.split('\n').collect();
    let fenced = code_fence_mask(lines.iter().copied());
    (1..lines.len()).find(|&idx| !fenced[idx] && is_low_heading(lines[idx])).map(|idx| {
        let tail = lines[idx..].join("\n");
        (js_trim(lines[idx]).to_owned(), js_trim_end(&tail).to_owned())
    })
}

/// `^ {0,3}#{1,3}(?:[ \t]|$)`.
fn is_low_heading(line: &str) -> bool {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let n_hashes = rest.bytes().take_while(|&b| b == b'#').count();
    (1..=3).contains(&n_hashes) && matches!(rest.as_bytes().get(n_hashes), None | Some(b' ' | b'\t'))
}

fn count_occurrences(haystack: &str, needle: &str) -> usize {
    if needle.is_empty() { 0 } else { haystack.matches(needle).count() }
}

/// `collapseBlankRunsOutsideFences`: at most one empty line in a row, except inside fences.
fn collapse_blank_runs_outside_fences(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let fenced = code_fence_mask(lines.iter().copied());
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut blank_run = 0;
    for (line, in_fence) in lines.iter().zip(fenced) {
        if !in_fence && line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        kept.push(line);
    }
    kept.join("\n")
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use std::fmt::Write;

    use super::*;

    /// Renders a simulation: each problem and warning with the delta text it points at, then
    /// the rebuilt spec.
    fn check(base: Option<&str>, delta: &str, expect: &Expect) {
        let request = ArchiveRequest {
            capability: "auth",
            change: "add-x",
            delta_text: delta,
            base_text: base,
            base_path: "openspec/specs/auth/spec.md",
        };
        let simulation = simulate(&request);
        let at = |range: TextRange| delta.get(range.start..range.end).unwrap_or("<bad range>").to_owned();
        let mut out = String::new();
        for problem in &simulation.problems {
            let _ = write!(out, "problem {:?} at {:?}", problem.kind, at(problem.range));
            if let Some(near) = &problem.near_miss {
                let _ = write!(out, " near={near:?}");
            }
            if let (Some(base), Some(range)) = (base, problem.base_range) {
                let _ = write!(out, " base={:?}", &base[range.start..range.end]);
            }
            let _ = writeln!(out, "\n  {}", problem.message);
        }
        for warning in &simulation.warnings {
            let _ = writeln!(out, "warning at {:?}\n  {}", warning.range.map(at), warning.message);
        }
        let _ =
            write!(out, "counts {:?} new={}\n---\n{}", simulation.counts, simulation.is_new_spec, simulation.rebuilt);
        expect.assert_eq(&out);
    }

    /// A main spec of `n` requirements and a delta adding each again in upper case: every ADDED
    /// entry is a near-miss lookup (`fold_match`), the shape that made the dry run quadratic.
    fn near_miss_case(n: usize) -> (String, String) {
        let mut base =
            String::from("## Purpose\nNear misses, at scale, for the linear-time guard.\n\n## Requirements\n");
        let mut delta = String::from("## ADDED Requirements\n");
        for i in 0..n {
            let _ =
                write!(base, "### Requirement: Rule number {i}\nThe system SHALL {i}.\n\n#### Scenario: s\n- x\n\n");
            let _ =
                write!(delta, "### Requirement: RULE NUMBER {i}\nThe system SHALL {i}.\n\n#### Scenario: s\n- x\n\n");
        }
        (base, delta)
    }

    /// The fastest of three dry runs, in seconds.
    fn time_near_misses(n: usize) -> f64 {
        let (base, delta) = near_miss_case(n);
        let request = ArchiveRequest {
            capability: "auth",
            change: "c",
            delta_text: &delta,
            base_text: Some(&base),
            base_path: "openspec/specs/auth/spec.md",
        };
        (0..3)
            .map(|_| {
                let started = std::time::Instant::now();
                let simulation = simulate(&request);
                assert_eq!(simulation.problems.len(), n);
                assert!(simulation.problems.iter().all(|problem| problem.kind == ArchiveProblemKind::AddedNearMiss));
                started.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn near_miss_lookups_stay_linear() {
        // Quadratic lookups make 4x the entries cost 16x; linear ones 4x. 8x leaves room for noise.
        let small = time_near_misses(800);
        let large = time_near_misses(3200);
        eprintln!("near-miss dry runs: 800 entries {small:.3} s, 3200 entries {large:.3} s");
        assert!(
            large < small * 8.0 + 0.05,
            "4x the entries took {:.1}x the time ({small:.3} s -> {large:.3} s)",
            large / small
        );
    }

    const BASE: &str = "# auth Specification\n\n## Purpose\nAuthentication for the whole product, kept short here.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n\n#### Scenario: bad\n- **WHEN** z\n- **THEN** w\n\n### Requirement: Logout\nThe system SHALL log out.\n\n#### Scenario: out\n- **WHEN** a\n- **THEN** b\n";

    #[test]
    fn applies_in_archive_order_and_keeps_positions() {
        check(
            Some(BASE),
            "## ADDED Requirements\n### Requirement: Session\nThe system SHALL keep sessions.\n\n#### Scenario: s\n- **WHEN** a\n- **THEN** b\n\n## MODIFIED Requirements\n### Requirement: Sign in\nThe system SHALL sign in.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n\n#### Scenario: bad\n- **WHEN** z\n- **THEN** w\n\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n\n## REMOVED Requirements\n### Requirement: Logout\n**Reason**: gone\n",
            &expect![[r#"
                counts ApplyCounts { added: 1, modified: 1, removed: 1, renamed: 1 } new=false
                ---
                # auth Specification

                ## Purpose
                Authentication for the whole product, kept short here.

                ## Requirements

                ### Requirement: Sign in
                The system SHALL sign in.

                #### Scenario: ok
                - **WHEN** x
                - **THEN** y

                #### Scenario: bad
                - **WHEN** z
                - **THEN** w

                ### Requirement: Session
                The system SHALL keep sessions.

                #### Scenario: s
                - **WHEN** a
                - **THEN** b
            "#]],
        );
    }

    #[test]
    fn reports_every_refused_entry_with_near_misses() {
        check(
            Some(BASE),
            "## MODIFIED Requirements\n### Requirement: login\nThe system SHALL.\n#### Scenario: ok\n- x\n### Requirement: Logout\nThe system SHALL.\n#### Scenario: other\n- x\n## REMOVED Requirements\n- ### Requirement: LOGOUT\n- ### Requirement: Gone Already\n## ADDED Requirements\n### Requirement: Login\nDifferent.\n#### Scenario: s\n- x\n## RENAMED Requirements\n- FROM: `### Requirement: Nope`\n- TO: `### Requirement: Logout`\n",
            &expect![[r####"
                problem RemovedNearMiss at "- ### Requirement: LOGOUT" near="Logout" base="### Requirement: Logout"
                  auth REMOVED failed for header "### Requirement: LOGOUT" - not found, but "### Requirement: Logout" exists; fix the header to match it exactly
                problem ModifiedMissing at "### Requirement: login" near="Login" base="### Requirement: Login"
                  auth MODIFIED failed for header "### Requirement: login" - not found
                problem ScenarioLoss at "### Requirement: Logout" near="Logout" base="### Requirement: Logout"
                  auth MODIFIED failed for header "### Requirement: Logout" - current spec contains scenario(s) not present in the modified block: "out". The modified block has 1 scenario; the current spec has 1 scenario. It adds 1 scenario not in the current spec: "other". Refresh the change spec before archiving to avoid dropping scenarios.
                problem AddedExists at "### Requirement: Login" near="Login" base="### Requirement: Login"
                  auth ADDED failed for header "### Requirement: Login" - already exists
                warning at Some("- ### Requirement: Gone Already")
                  auth - REMOVED requirement "Gone Already" is not in the current spec; treating it as already removed.
                counts ApplyCounts { added: 0, modified: 0, removed: 0, renamed: 0 } new=false
                ---
                # auth Specification

                ## Purpose
                Authentication for the whole product, kept short here.

                ## Requirements

                ### Requirement: Login
                The system SHALL log in.

                #### Scenario: ok
                - **WHEN** x
                - **THEN** y

                #### Scenario: bad
                - **WHEN** z
                - **THEN** w

                ### Requirement: Logout
                The system SHALL log out.

                #### Scenario: out
                - **WHEN** a
                - **THEN** b
            "####]],
        );
    }

    #[test]
    fn new_capability_refuses_modified_and_carries_purpose() {
        check(
            None,
            "## Purpose\nShort.\n\n## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- x\n## MODIFIED Requirements\n### Requirement: B\nIt SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n### Requirement: C\n",
            &expect![[r####"
                problem NoMainSpec at "### Requirement: B"
                  auth: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.
                warning at Some("### Requirement: C")
                  auth - 1 REMOVED requirement(s) ignored for new spec (nothing to remove).
                warning at Some("## Purpose")
                  auth - carried Purpose is under 50 characters; openspec validate --strict reports it as too brief.
                counts ApplyCounts { added: 1, modified: 0, removed: 0, renamed: 0 } new=true
                ---
                # auth Specification

                ## Purpose
                Short.

                ## Requirements

                ### Requirement: A
                It SHALL.
                #### Scenario: s
                - x
            "####]],
        );
        check(
            None,
            "## Purpose\n<!-- fill me -->\n## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- x\n",
            &expect![[r#"
                counts ApplyCounts { added: 1, modified: 0, removed: 0, renamed: 0 } new=true
                ---
                # auth Specification

                ## Purpose
                TBD - created by archiving change add-x. Update Purpose after archive.

                ## Requirements

                ### Requirement: A
                It SHALL.
                #### Scenario: s
                - x
            "#]],
        );
    }

    #[test]
    fn prechecks_stop_before_reading_the_spec() {
        check(
            Some(BASE),
            "## RENAMED Requirements\n- FROM: `### Requirement: Login`\n## MODIFIED Requirements\n### Requirement: Login\nx\n",
            &expect![[r####"
                problem UnpairedRename at "- FROM: `### Requirement: Login`"
                  auth validation failed - RENAMED entry on line 2 has no matching TO: for header "### Requirement: Login". Write each rename as a FROM: line followed immediately by its TO: line.
                counts ApplyCounts { added: 0, modified: 0, removed: 0, renamed: 0 } new=false
                ---
            "####]],
        );
        check(
            Some(BASE),
            "## REMOVED Requirements\n- ### Requirement: login\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n",
            &expect![[r####"
                problem SectionConflict at "- ### Requirement: login"
                  auth validation failed - requirement present in multiple sections (RENAMED and REMOVED) for header "### Requirement: Login" (REMOVED spells it "login")
                counts ApplyCounts { added: 0, modified: 0, removed: 0, renamed: 0 } new=false
                ---
            "####]],
        );
        check(
            Some(BASE),
            "## ADDED Requirements\n",
            &expect![[r###"
            problem NoOperations at "## ADDED Requirements"
              Delta parsing found no operations for auth. Provide ADDED/MODIFIED/REMOVED/RENAMED sections in change spec.
            counts ApplyCounts { added: 0, modified: 0, removed: 0, renamed: 0 } new=false
            ---
        "###]],
        );
    }

    #[test]
    fn structurally_invalid_main_spec_and_foreign_tails() {
        check(
            Some(
                "## Purpose\nP\n### Requirement: Stray\n## Requirements\n### Requirement: A\nA SHALL.\n#### Scenario: s\n- x\n## Notes\n",
            ),
            "## ADDED Requirements\n### Requirement: B\nIt SHALL.\n#### Scenario: s\n- x\n",
            &expect![[r####"
                problem MainSpecStructure at "## ADDED Requirements" base="### Requirement: Stray"
                  auth: target spec is structurally invalid and cannot be updated until fixed:
                line 3: Requirement header "### Requirement: Stray" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.
                counts ApplyCounts { added: 1, modified: 0, removed: 0, renamed: 0 } new=false
                ---
                ## Purpose
                P
                ### Requirement: Stray

                ## Requirements

                ### Requirement: A
                A SHALL.
                #### Scenario: s
                - x

                ### Requirement: B
                It SHALL.
                #### Scenario: s
                - x

                ## Notes
            "####]],
        );
        check(
            Some(
                "## Purpose\nP\n\n## Requirements\n### Requirement: A\nA SHALL.\n#### Scenario: s\n- x\n\n### Notes\nkeep me\n",
            ),
            "## MODIFIED Requirements\n### Requirement: A\nA SHALL change.\n#### Scenario: s\n- y\n",
            &expect![[r####"
                warning at None
                  auth - "### Notes" sits inside requirement "A" and goes with it. Move it under its own requirement, or above `## Requirements`, to keep it.
                counts ApplyCounts { added: 0, modified: 1, removed: 0, renamed: 0 } new=false
                ---
                ## Purpose
                P

                ## Requirements

                ### Requirement: A
                A SHALL change.
                #### Scenario: s
                - y
            "####]],
        );
    }
}
