//! The workspace index: every main spec, change (active and archived), delta entry, proposal
//! capability bullet and task count of one snapshot, as owned data with byte ranges. Built in
//! one pass over the snapshot through the syntax crate's readers; it never parses Markdown by
//! hand, never does IO and never judges (that is the rules' job).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use openspec_syntax::TextRange;
use openspec_syntax::js::{is_js_space, js_trim_end};
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::proposal::{CapabilityKind, Proposal};
use openspec_syntax::requirement_blocks::{
    DeltaKind, RenameSideKind, RequirementBlock, extract_requirements_section, parse_delta_spec,
    read_requirement_block, scenario_names,
};
use openspec_syntax::requirement_text::{read_requirement_body, scenario_blocks, trim_end_lines};
use openspec_syntax::spec::{Section, SpecDoc};
use openspec_syntax::tasks::parse_tasks;

use crate::layout;
use crate::rules::spec::blocks::{Span, block_spans, plain_edit, purpose_span, touched};
use crate::vfs::{Entry, FileContent, RootSnapshot};

mod archive;
mod names;

pub use names::{MatchTier, NameIndex, NameRef};

/// One `#### ` header inside a requirement block (with a body or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// The label without `Scenario:` and closing hashes; may be empty.
    pub name: String,
    pub name_range: TextRange,
    /// The header line, trimmed.
    pub header_range: TextRange,
    /// From the header to the end of the last non-blank line of its body.
    pub range: TextRange,
}

/// A `### Requirement:` block of a main spec's `## Requirements` section (the CLI's reader B).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementInfo {
    /// Normalised name, as the CLI matches delta entries against it.
    pub name: String,
    pub name_range: TextRange,
    /// The header line, trimmed.
    pub header_range: TextRange,
    /// From the header to the end of the block's last non-blank line.
    pub range: TextRange,
    /// The body text the CLI reads (empty when the requirement has none): a slice of the
    /// spec's shared text when the body is written as one run of lines, as it usually is.
    pub body: SharedText,
    pub scenarios: Vec<ScenarioInfo>,
}

/// A string that is a range of a file's shared text (no copy of its own), or, when it is
/// not a run of the file's bytes (lines joined after trimming), its own text. Reads as `&str`.
#[derive(Clone)]
pub struct SharedText {
    text: Arc<str>,
    start: u32,
    end: u32,
}

impl SharedText {
    /// `text[start..end]`, when that is a range of it.
    fn range(text: &Arc<str>, start: usize, end: usize) -> Option<SharedText> {
        text.get(start..end)?;
        Some(SharedText { text: text.clone(), start: u32::try_from(start).ok()?, end: u32::try_from(end).ok()? })
    }

    /// `lines` joined with `\n`: a range of `text` when they are consecutive lines ending in
    /// `\n` there (the usual body), else a copy.
    fn joined(text: &Arc<str>, lines: &[Line<'_>]) -> SharedText {
        let end_of = |line: &Line<'_>| line.start + line.text.len();
        let consecutive = lines
            .windows(2)
            .all(|pair| pair[1].start == end_of(&pair[0]) + 1 && text.as_bytes().get(end_of(&pair[0])) == Some(&b'\n'));
        let shared = match (lines.first(), lines.last()) {
            (Some(first), Some(last)) if consecutive => SharedText::range(text, first.start, end_of(last)),
            _ => None,
        };
        shared.unwrap_or_else(|| {
            let joined: Vec<&str> = lines.iter().map(|line| line.text).collect();
            SharedText::from(joined.join("\n").as_str())
        })
    }
}

impl From<&str> for SharedText {
    fn from(value: &str) -> SharedText {
        let end = u32::try_from(value.len()).unwrap_or(0);
        let value = if end as usize == value.len() { value } else { "" };
        SharedText { text: Arc::from(value), start: 0, end }
    }
}

impl Default for SharedText {
    fn default() -> SharedText {
        SharedText::from("")
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        self.text.get(self.start as usize..self.end as usize).unwrap_or_default()
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &SharedText) -> bool {
        **self == **other
    }
}

impl Eq for SharedText {}

impl std::fmt::Debug for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&**self, f)
    }
}

/// A main spec, `openspec/specs/<capability>/spec.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecInfo {
    pub capability: String,
    pub path: String,
    /// The first H1's title, the usual place a spec names its capability.
    pub title_range: Option<TextRange>,
    /// The first line, trimmed: where a spec without an H1 is "named".
    pub first_line_range: TextRange,
    /// The Purpose section's content as the CLI reads it (empty without one).
    pub purpose: String,
    pub requirements: Vec<RequirementInfo>,
    pub text_len: usize,
    /// Where the Purpose and each requirement block lie in the text this was read from, so an
    /// edit inside one block re-reads only that block (`reread_main_spec`).
    outline: Arc<SpecSpans>,
}

/// The text a main spec's entry was read from, its Purpose section's span and each
/// requirement block's (header to the next block's header or the section's end).
#[derive(Clone, Debug, PartialEq, Eq)]
struct SpecSpans {
    text: Arc<str>,
    purpose: Option<Span>,
    blocks: Vec<Span>,
}

impl SpecInfo {
    /// Requirements named exactly `name` (more than one only in a spec with duplicates).
    pub fn requirements_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s RequirementInfo> + 's {
        self.requirements.iter().filter(move |requirement| requirement.name == name)
    }

    pub fn requirement(&self, name: &str) -> Option<&RequirementInfo> {
        self.requirements.iter().find(|requirement| requirement.name == name)
    }

    /// Where the spec's name is: its H1 title, or else the first line.
    pub fn name_range(&self) -> TextRange {
        self.title_range.unwrap_or(self.first_line_range)
    }
}

/// What one delta entry does to the requirement it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeltaOp {
    Added,
    Modified,
    Removed,
    /// The `FROM:` side of a RENAMED entry: the requirement's current name.
    RenamedFrom,
    /// The `TO:` side: the name it will have after archive.
    RenamedTo,
}

impl DeltaOp {
    /// How a person names the operation: `ADDED`, `RENAMED FROM`, ...
    pub const fn label(self) -> &'static str {
        match self {
            DeltaOp::Added => "ADDED",
            DeltaOp::Modified => "MODIFIED",
            DeltaOp::Removed => "REMOVED",
            DeltaOp::RenamedFrom => "RENAMED FROM",
            DeltaOp::RenamedTo => "RENAMED TO",
        }
    }

    /// Whether the entry names a requirement that must already exist in the main spec.
    pub const fn targets_base(self) -> bool {
        matches!(self, DeltaOp::Modified | DeltaOp::Removed | DeltaOp::RenamedFrom)
    }
}

/// One requirement name a delta spec carries: an ADDED/MODIFIED block header, a REMOVED entry,
/// or one side of a RENAMED entry (paired or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeltaEntry {
    pub op: DeltaOp,
    pub name: String,
    pub name_range: TextRange,
    /// The header or entry line, trimmed: where the cursor counts as "on" the entry.
    pub line_range: TextRange,
    /// The whole block for ADDED/MODIFIED, the line for the others.
    pub block_range: TextRange,
    /// ADDED/MODIFIED only.
    pub scenarios: Vec<ScenarioInfo>,
    /// For a paired RENAMED side, the other side's name.
    pub partner: Option<String>,
}

/// One `## ADDED Requirements`-style header of a delta spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeltaSectionInfo {
    pub kind: DeltaKind,
    /// The header line, trimmed.
    pub header_range: TextRange,
    /// The operation word (`ADDED`) as written.
    pub keyword_range: TextRange,
}

/// `<change>/specs/<capability>/spec.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeltaFileInfo {
    pub capability: String,
    pub path: String,
    pub sections: Vec<DeltaSectionInfo>,
    /// In document order.
    pub entries: Vec<DeltaEntry>,
    /// The first non-blank line, trimmed (empty at 0 for a blank file): where a reference to
    /// the whole file points.
    pub first_line_range: TextRange,
}

/// A ``- `auth/login`: ...`` bullet of a proposal's Capabilities section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityMention {
    pub capability: String,
    pub kind: CapabilityKind,
    /// The path between the backticks.
    pub range: TextRange,
    /// The bullet line, trimmed.
    pub line_range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalInfo {
    pub path: String,
    pub title_range: Option<TextRange>,
    pub first_line_range: TextRange,
    pub capabilities: Vec<CapabilityMention>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskProgress {
    pub done: usize,
    pub total: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeInfo {
    /// The folder name (`add-2fa`, or `2025-01-01-add-2fa` in the archive).
    pub id: String,
    pub dir: String,
    pub archived: bool,
    /// Readable delta specs, sorted by capability.
    pub deltas: Vec<DeltaFileInfo>,
    pub proposal: Option<ProposalInfo>,
    /// Root-relative path of `tasks.md` and its progress, when it is readable.
    pub tasks: Option<(String, TaskProgress)>,
}

impl ChangeInfo {
    pub fn delta(&self, capability: &str) -> Option<&DeltaFileInfo> {
        self.deltas.iter().find(|delta| delta.capability == capability)
    }
}

/// What a path is to the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    MainSpec { spec: usize },
    Delta { change: usize, delta: usize },
    Proposal { change: usize },
    Tasks { change: usize },
}

/// Where one delta entry lives: indices into `changes`, its `deltas`, their `entries`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryRef {
    pub change: usize,
    pub delta: usize,
    pub entry: usize,
}

/// What sits under a cursor, as the navigation features care about it.
#[derive(Clone, Copy, Debug)]
pub enum Located<'i> {
    /// On a main spec's requirement header line.
    Requirement { spec: &'i SpecInfo, requirement: &'i RequirementInfo },
    /// On a main spec's first line or H1 title.
    SpecTitle { spec: &'i SpecInfo },
    /// Anywhere else in a main spec.
    SpecFile { spec: &'i SpecInfo },
    /// On a delta entry's line.
    DeltaEntry { change: &'i ChangeInfo, delta: &'i DeltaFileInfo, entry: &'i DeltaEntry },
    /// Anywhere else in a delta spec.
    DeltaFile { change: &'i ChangeInfo, delta: &'i DeltaFileInfo },
    /// On a proposal's capability bullet.
    Capability { change: &'i ChangeInfo, mention: &'i CapabilityMention },
}

/// Requirement name -> every delta entry naming it, for one capability.
type EntriesByName = HashMap<String, Vec<EntryRef>>;

/// Cheap to clone and to update a file at a time: the lists are persistent vectors and the
/// maps are shared, so the server keeps an index per edit without copying the workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkspaceIndex {
    /// Sorted by capability.
    pub specs: imbl::Vector<SpecInfo>,
    /// Active changes (sorted), then archived ones (sorted).
    pub changes: imbl::Vector<ChangeInfo>,
    spec_by_capability: Arc<HashMap<String, usize>>,
    roles: Arc<HashMap<String, FileRole>>,
    /// capability -> requirement name -> every delta entry naming it.
    entries_by_name: imbl::HashMap<String, Arc<EntriesByName>>,
    /// Built on first use, shared by clones; dropped by an update that changes a name.
    names: NameCell,
}

/// The name index of one `WorkspaceIndex`: derived data, so two cells always compare equal.
#[derive(Clone, Default)]
struct NameCell(Arc<OnceLock<NameIndex>>);

impl PartialEq for NameCell {
    fn eq(&self, _: &NameCell) -> bool {
        true
    }
}

impl Eq for NameCell {}

impl std::fmt::Debug for NameCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "NameCell(built)" } else { "NameCell(unbuilt)" })
    }
}

impl WorkspaceIndex {
    /// Reads every main spec and every change of `root` once.
    pub fn build(root: &RootSnapshot) -> WorkspaceIndex {
        let mut index = WorkspaceIndex::default();
        let mut roles = HashMap::new();
        let mut spec_by_capability = HashMap::new();
        let mut entries_by_name: HashMap<String, EntriesByName> = HashMap::new();
        // Reading the files is the cost; it runs on two threads, the bookkeeping on one.
        let spec_files: Vec<_> =
            layout::main_specs(root).into_iter().filter(|spec_file| root.text(&spec_file.path).is_some()).collect();
        let specs = crate::parallel::map_with(
            &spec_files,
            || (),
            |(), spec_file| {
                let text = shared_text(root, &spec_file.path).unwrap_or_else(|| Arc::from(""));
                read_main_spec(spec_file.id.clone(), spec_file.path.clone(), &text)
            },
        );
        for spec in specs {
            let spec_idx = index.specs.len();
            roles.insert(spec.path.clone(), FileRole::MainSpec { spec: spec_idx });
            spec_by_capability.insert(spec.capability.clone(), spec_idx);
            index.specs.push_back(spec);
        }
        let active = layout::active_changes(root).into_iter().map(|id| (layout::change_dir(&id), id, false));
        let archived =
            layout::archived_changes(root).into_iter().map(|id| (layout::archived_change_dir(&id), id, true));
        let change_dirs: Vec<(String, String, bool)> = active.chain(archived).collect();
        let changes = crate::parallel::map_with(
            &change_dirs,
            || (),
            |(), (dir, id, is_archived)| read_change(root, id.clone(), dir.clone(), *is_archived),
        );
        for change in changes {
            push_change(&mut index.changes, &mut roles, &mut entries_by_name, |_| EntriesByName::new(), change);
        }
        index.roles = Arc::new(roles);
        index.spec_by_capability = Arc::new(spec_by_capability);
        index.entries_by_name =
            entries_by_name.into_iter().map(|(capability, by_name)| (capability, Arc::new(by_name))).collect();
        index
    }

    /// The index of `root`, given that it differs from the snapshot this index was built from
    /// only in the text of the files in `edited` (as `IncrementalCheck::update` reports them):
    /// re-reads those files and shares everything else. With any other difference (a file
    /// created, deleted or changed in kind) build a new index instead.
    #[must_use]
    pub fn updated(&self, root: &RootSnapshot, edited: &[String]) -> WorkspaceIndex {
        let mut index = self.clone();
        let mut names_changed = false;
        let mut changes_to_read: BTreeSet<usize> = BTreeSet::new();
        for path in edited {
            match self.role(path) {
                Some(FileRole::MainSpec { spec }) => {
                    let (Some(old), Some(text)) = (self.specs.get(spec), shared_text(root, path)) else { continue };
                    let new = reread_main_spec(old, &text)
                        .unwrap_or_else(|| read_main_spec(old.capability.clone(), path.clone(), &text));
                    let names = |spec: &SpecInfo| spec.requirements.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
                    names_changed |= names(old) != names(&new);
                    index.specs.set(spec, new);
                }
                Some(FileRole::Delta { change, .. } | FileRole::Proposal { change } | FileRole::Tasks { change }) => {
                    changes_to_read.insert(change);
                }
                None => {}
            }
        }
        let mut capabilities: BTreeSet<String> = BTreeSet::new();
        for change_idx in changes_to_read {
            let Some(old) = self.changes.get(change_idx) else { continue };
            let change = read_change(root, old.id.clone(), old.dir.clone(), old.archived);
            let delta_names =
                |change: &ChangeInfo| change.deltas.iter().map(|d| d.capability.clone()).collect::<Vec<_>>();
            names_changed |= delta_names(old) != delta_names(&change);
            capabilities.extend(change.deltas.iter().map(|delta| delta.capability.clone()));
            capabilities.extend(old.deltas.iter().map(|delta| delta.capability.clone()));
            index.changes.set(change_idx, change);
        }
        // Entry lists keep change order then document order, so a capability's list is rebuilt
        // from every change with a delta for it.
        for capability in capabilities {
            let mut by_name = EntriesByName::new();
            for (change_idx, change) in index.changes.iter().enumerate() {
                for (delta_idx, delta) in change.deltas.iter().enumerate().filter(|(_, d)| d.capability == capability) {
                    add_entries(&mut by_name, change_idx, delta_idx, delta);
                }
            }
            index.entries_by_name.insert(capability, Arc::new(by_name));
        }
        if names_changed {
            index.names = NameCell::default();
        }
        index
    }

    /// Every name workspace symbols offer, indexed for lookups (built on first use).
    pub fn names(&self) -> &NameIndex {
        self.names.0.get_or_init(|| NameIndex::build(self))
    }

    pub fn spec(&self, capability: &str) -> Option<&SpecInfo> {
        self.spec_by_capability.get(capability).and_then(|&idx| self.specs.get(idx))
    }

    pub fn role(&self, path: &str) -> Option<FileRole> {
        self.roles.get(path).copied()
    }

    /// The active change with folder name `id`.
    pub fn active_change(&self, id: &str) -> Option<&ChangeInfo> {
        self.changes.iter().find(|change| !change.archived && change.id == id)
    }

    pub fn active_changes(&self) -> impl Iterator<Item = &ChangeInfo> {
        self.changes.iter().filter(|change| !change.archived)
    }

    /// Every delta entry (active and archived changes) that names requirement `name` of
    /// `capability`, in change order then document order.
    pub fn entries_naming<'s>(
        &'s self,
        capability: &str,
        name: &str,
    ) -> impl Iterator<Item = (&'s ChangeInfo, &'s DeltaFileInfo, &'s DeltaEntry)> + 's {
        let refs = self.entries_by_name.get(capability).and_then(|by_name| by_name.get(name));
        refs.into_iter().flatten().filter_map(|entry_ref| self.resolve(*entry_ref))
    }

    pub fn resolve(&self, entry_ref: EntryRef) -> Option<(&ChangeInfo, &DeltaFileInfo, &DeltaEntry)> {
        let change = self.changes.get(entry_ref.change)?;
        let delta = change.deltas.get(entry_ref.delta)?;
        let entry = delta.entries.get(entry_ref.entry)?;
        Some((change, delta, entry))
    }

    /// What is at `offset` in `path`.
    pub fn locate(&self, path: &str, offset: usize) -> Option<Located<'_>> {
        match self.role(path)? {
            FileRole::MainSpec { spec } => {
                let spec = self.specs.get(spec)?;
                if let Some(requirement) = spec.requirements.iter().find(|r| r.header_range.touches(offset)) {
                    return Some(Located::Requirement { spec, requirement });
                }
                let on_title = spec.first_line_range.touches(offset)
                    || spec.title_range.is_some_and(|range| range.touches(offset));
                Some(if on_title { Located::SpecTitle { spec } } else { Located::SpecFile { spec } })
            }
            FileRole::Delta { change, delta } => {
                let change = self.changes.get(change)?;
                let delta = change.deltas.get(delta)?;
                match delta.entries.iter().find(|entry| entry.line_range.touches(offset)) {
                    Some(entry) => Some(Located::DeltaEntry { change, delta, entry }),
                    None => Some(Located::DeltaFile { change, delta }),
                }
            }
            FileRole::Proposal { change } => {
                let change = self.changes.get(change)?;
                let mention = change.proposal.as_ref()?.capabilities.iter().find(|m| m.line_range.touches(offset))?;
                Some(Located::Capability { change, mention })
            }
            FileRole::Tasks { .. } => None,
        }
    }
}

/// Appends `change` to `changes`, with the roles of its files and its delta entries (in the
/// map of their capability, which starts as `seed(capability)` when there is none yet).
fn push_change(
    changes: &mut imbl::Vector<ChangeInfo>,
    roles: &mut HashMap<String, FileRole>,
    entries_by_name: &mut HashMap<String, EntriesByName>,
    seed: impl Fn(&str) -> EntriesByName,
    change: ChangeInfo,
) {
    let change_idx = changes.len();
    for (delta_idx, delta) in change.deltas.iter().enumerate() {
        roles.insert(delta.path.clone(), FileRole::Delta { change: change_idx, delta: delta_idx });
        let by_name = entries_by_name.entry(delta.capability.clone()).or_insert_with(|| seed(&delta.capability));
        add_entries(by_name, change_idx, delta_idx, delta);
    }
    if let Some(proposal) = &change.proposal {
        roles.insert(proposal.path.clone(), FileRole::Proposal { change: change_idx });
    }
    if let Some((path, _)) = &change.tasks {
        roles.insert(path.clone(), FileRole::Tasks { change: change_idx });
    }
    changes.push_back(change);
}

fn add_entries(by_name: &mut EntriesByName, change_idx: usize, delta_idx: usize, delta: &DeltaFileInfo) {
    for (entry_idx, entry) in delta.entries.iter().enumerate() {
        let entry_ref = EntryRef { change: change_idx, delta: delta_idx, entry: entry_idx };
        by_name.entry(entry.name.clone()).or_default().push(entry_ref);
    }
}

/// The text of `path` as the snapshot shares it.
fn shared_text(root: &RootSnapshot, path: &str) -> Option<Arc<str>> {
    match root.get(path)? {
        Entry::File { content: FileContent::Text { text, .. }, .. } => Some(text.clone()),
        _ => None,
    }
}

fn read_main_spec(capability: String, path: String, shared: &Arc<str>) -> SpecInfo {
    let text: &str = shared;
    let spec_doc = SpecDoc::parse(text);
    let title_range = spec_doc.sections.iter().find(|section| section.level == 1).map(Section::title_range);
    let section = extract_requirements_section(text);
    let requirements = section.blocks.iter().map(|block| read_requirement(shared, block)).collect();
    let outline = SpecSpans { text: shared.clone(), purpose: purpose_span(&spec_doc), blocks: block_spans(&section) };
    SpecInfo {
        capability,
        path,
        title_range,
        first_line_range: first_line_range(text, false),
        purpose: spec_doc.overview(),
        requirements,
        text_len: text.len(),
        outline: Arc::new(outline),
    }
}

/// `old` (a main spec's entry) for `text`, its new text, when the edit lies inside one
/// requirement block and changes no line any reader treats as structure (see
/// `rules::spec::blocks`): that block is read again from its slice, the other entries move by
/// the length the edit added. `None` when the whole spec must be read again.
fn reread_main_spec(old: &SpecInfo, text: &Arc<str>) -> Option<SpecInfo> {
    let spans = &old.outline;
    let (region, _) = plain_edit(&spans.text, text)?;
    if spans.purpose.is_some_and(|purpose| region.touches(purpose)) {
        return None;
    }
    let edited = touched(&region, &spans.blocks).ok()?;
    let title_range = match old.title_range {
        Some(range) => Some(region.moved_range(range)?),
        None => None,
    };
    let moved = |range: TextRange| region.moved_range(range);
    let mut requirements = Vec::with_capacity(old.requirements.len());
    for (idx, requirement) in old.requirements.iter().enumerate() {
        if Some(idx) == edited {
            let (start, end) = region.moved_span(*spans.blocks.get(idx)?);
            let block = read_requirement_block(text.get(start..end)?)?;
            let at = |range: TextRange| TextRange::new(range.start + start, range.end + start);
            let lines = block.lines.iter().map(|line| Line { text: line.text, start: line.start + start }).collect();
            let block = RequirementBlock { name: block.name, name_range: at(block.name_range), lines };
            requirements.push(read_requirement(text, &block));
            continue;
        }
        let body = if Arc::ptr_eq(&requirement.body.text, &spans.text) {
            let range = moved(TextRange::new(requirement.body.start as usize, requirement.body.end as usize))?;
            SharedText::range(text, range.start, range.end)?
        } else {
            requirement.body.clone()
        };
        let scenarios = requirement
            .scenarios
            .iter()
            .map(|scenario| {
                Some(ScenarioInfo {
                    name: scenario.name.clone(),
                    name_range: moved(scenario.name_range)?,
                    header_range: moved(scenario.header_range)?,
                    range: moved(scenario.range)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        requirements.push(RequirementInfo {
            name: requirement.name.clone(),
            name_range: moved(requirement.name_range)?,
            header_range: moved(requirement.header_range)?,
            range: moved(requirement.range)?,
            body,
            scenarios,
        });
    }
    let outline = SpecSpans {
        text: text.clone(),
        purpose: spans.purpose.map(|span| region.moved_span(span)),
        blocks: spans.blocks.iter().map(|&span| region.moved_span(span)).collect(),
    };
    Some(SpecInfo {
        capability: old.capability.clone(),
        path: old.path.clone(),
        title_range,
        first_line_range: old.first_line_range,
        purpose: old.purpose.clone(),
        requirements,
        text_len: text.len(),
        outline: Arc::new(outline),
    })
}

fn read_requirement(text: &Arc<str>, block: &RequirementBlock<'_>) -> RequirementInfo {
    let body = read_requirement_body(&trim_end_lines(block.body_lines()));
    RequirementInfo {
        name: block.name.to_owned(),
        name_range: block.name_range,
        header_range: block.header_range(),
        range: block.range(),
        body: SharedText::joined(text, &body.lines),
        scenarios: read_scenarios(block.body_lines()),
    }
}

fn read_scenarios(body_lines: &[Line<'_>]) -> Vec<ScenarioInfo> {
    scenario_blocks(body_lines)
        .iter()
        .map(|scenario| {
            let header = scenario.header;
            let name = scenario_names(std::slice::from_ref(&header)).first().copied().unwrap_or("");
            let header_range = header.trimmed_range();
            let end = scenario
                .body
                .iter()
                .rev()
                .find(|line| !js_trim_end(line.text).is_empty())
                .map_or(header_range.end, |line| line.start + js_trim_end(line.text).len());
            ScenarioInfo {
                name: name.to_owned(),
                name_range: header.range_of(name),
                header_range,
                range: TextRange::new(header_range.start, end.max(header_range.end)),
            }
        })
        .collect()
}

/// The first line (or, with `skip_blank`, the first non-blank line), trimmed.
fn first_line_range(text: &str, skip_blank: bool) -> TextRange {
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let mut candidates = lines.iter().filter(|line| !skip_blank || !line.trimmed_range().is_empty());
    candidates.next().map_or(TextRange::empty(0), Line::trimmed_range)
}

fn read_change(root: &RootSnapshot, id: String, dir: String, archived: bool) -> ChangeInfo {
    let deltas = layout::delta_specs(root, &dir)
        .into_iter()
        .filter_map(|spec_file| {
            let text = root.text(&spec_file.path)?;
            Some(read_delta(spec_file.id, spec_file.path, text))
        })
        .collect();
    let proposal_path = format!("{dir}/proposal.md");
    let proposal = root.text(&proposal_path).map(|text| {
        let proposal = Proposal::parse(text);
        let capabilities = proposal
            .capabilities()
            .into_iter()
            .map(|entry| CapabilityMention {
                capability: entry.path.to_owned(),
                kind: entry.kind,
                range: entry.path_range,
                line_range: entry.line.trimmed_range(),
            })
            .collect();
        ProposalInfo {
            path: proposal_path.clone(),
            title_range: proposal.title.map(|(_, range)| range),
            first_line_range: first_line_range(text, false),
            capabilities,
        }
    });
    let tasks_path = format!("{dir}/tasks.md");
    let tasks = root.text(&tasks_path).map(|text| {
        let tasks_doc = parse_tasks(text);
        (tasks_path.clone(), TaskProgress { done: tasks_doc.completed(), total: tasks_doc.tasks.len() })
    });
    ChangeInfo { id, dir, archived, deltas, proposal, tasks }
}

fn read_delta(capability: String, path: String, text: &str) -> DeltaFileInfo {
    let delta = parse_delta_spec(text);
    let sections = delta
        .sections
        .iter()
        .map(|section| {
            let keyword = section.title.split(is_js_space).next().unwrap_or(section.title);
            DeltaSectionInfo {
                kind: section.kind,
                header_range: section.range(),
                keyword_range: section.line.range_of(keyword),
            }
        })
        .collect();
    let mut entries = Vec::new();
    for (op, blocks) in [(DeltaOp::Added, &delta.added), (DeltaOp::Modified, &delta.modified)] {
        for block in blocks {
            entries.push(DeltaEntry {
                op,
                name: block.name.to_owned(),
                name_range: block.name_range,
                line_range: block.header_range(),
                block_range: block.range(),
                scenarios: read_scenarios(block.body_lines()),
                partner: None,
            });
        }
    }
    for removed in &delta.removed {
        entries.push(DeltaEntry {
            op: DeltaOp::Removed,
            name: removed.name.to_owned(),
            name_range: removed.name_range,
            line_range: removed.range(),
            block_range: removed.range(),
            scenarios: Vec::new(),
            partner: None,
        });
    }
    let paired = delta.renamed.iter().flat_map(|pair| {
        [(DeltaOp::RenamedFrom, &pair.from, Some(pair.to.name)), (DeltaOp::RenamedTo, &pair.to, Some(pair.from.name))]
    });
    let unpaired = delta.unpaired_renames.iter().map(|unpaired| {
        let op = match unpaired.side {
            RenameSideKind::From => DeltaOp::RenamedFrom,
            RenameSideKind::To => DeltaOp::RenamedTo,
        };
        (op, &unpaired.entry, None)
    });
    for (op, side, partner) in paired.chain(unpaired) {
        entries.push(DeltaEntry {
            op,
            name: side.name.to_owned(),
            name_range: side.name_range,
            line_range: side.range(),
            block_range: side.range(),
            scenarios: Vec::new(),
            partner: partner.map(str::to_owned),
        });
    }
    entries.sort_by_key(|entry| entry.name_range.start);
    DeltaFileInfo { capability, path, sections, entries, first_line_range: first_line_range(text, true) }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::expect;

    use super::WorkspaceIndex;
    use crate::vfs::RootSnapshot;

    #[test]
    fn indexes_specs_changes_entries_proposals_and_tasks() {
        let root = RootSnapshot::from_texts([
            (
                "openspec/specs/auth/spec.md",
                "# Auth\r\n## Purpose\r\nWhy.\r\n## Requirements\r\n### Requirement: Größe ##\r\nBody SHALL.\r\n#### Scenario: ö\r\n- x\r\n#### Scenario:\r\n",
            ),
            ("openspec/changes/c/proposal.md", "## Capabilities\n- `auth`: x\n"),
            ("openspec/changes/c/tasks.md", "- [x] 1.1 a\n- [ ] 1.2 b\n"),
            (
                "openspec/changes/c/specs/auth/spec.md",
                "## RENAMED Requirements\n- FROM: `### Requirement: Größe`\n- TO: `### Requirement: Maß`\n## MODIFIED Requirements\n### Requirement: Größe\nx\n#### Scenario: ö\ny\n",
            ),
            (
                "openspec/changes/archive/2024-01-01-a/specs/auth/spec.md",
                "## ADDED Requirements\n### Requirement: Größe\n",
            ),
        ]);
        let index = WorkspaceIndex::build(&root);
        let mut out = String::new();
        for spec in &index.specs {
            let _ = writeln!(out, "spec {} purpose={:?} title={:?}", spec.capability, spec.purpose, spec.title_range);
            for requirement in &spec.requirements {
                let scenarios: Vec<_> = requirement.scenarios.iter().map(|s| (s.name.as_str(), s.range)).collect();
                let _ = writeln!(
                    out,
                    "  requirement {:?} {:?} block={:?} body={:?} scenarios={scenarios:?}",
                    requirement.name, requirement.name_range, requirement.range, requirement.body
                );
            }
        }
        for change in &index.changes {
            let _ = writeln!(out, "change {} archived={} tasks={:?}", change.id, change.archived, change.tasks);
            for mention in change.proposal.iter().flat_map(|proposal| &proposal.capabilities) {
                let _ = writeln!(out, "  capability {} {:?}", mention.capability, mention.range);
            }
            for delta in &change.deltas {
                for entry in &delta.entries {
                    let _ = writeln!(
                        out,
                        "  {} {} {:?} partner={:?} scenarios={}",
                        delta.capability,
                        entry.op.label(),
                        entry.name,
                        entry.partner,
                        entry.scenarios.len()
                    );
                }
            }
        }
        let touching: Vec<_> =
            index.entries_naming("auth", "Größe").map(|(change, _, entry)| (change.id.as_str(), entry.op)).collect();
        let _ = writeln!(out, "naming Größe: {touching:?}");
        expect![[r#"
            spec auth purpose="Why." title=Some(TextRange { start: 2, end: 6 })
              requirement "Größe" TextRange { start: 60, end: 67 } block=TextRange { start: 43, end: 123 } body="Body SHALL." scenarios=[("ö", TextRange { start: 85, end: 107 }), ("", TextRange { start: 109, end: 123 })]
            change c archived=false tasks=Some(("openspec/changes/c/tasks.md", TaskProgress { done: 1, total: 2 }))
              capability auth TextRange { start: 19, end: 23 }
              auth RENAMED FROM "Größe" partner=Some("Maß") scenarios=0
              auth RENAMED TO "Maß" partner=Some("Größe") scenarios=0
              auth MODIFIED "Größe" partner=None scenarios=1
            change 2024-01-01-a archived=true tasks=None
              auth ADDED "Größe" partner=None scenarios=0
            naming Größe: [("c", RenamedFrom), ("c", Modified), ("2024-01-01-a", Added)]
        "#]].assert_eq(&out);
    }
}
