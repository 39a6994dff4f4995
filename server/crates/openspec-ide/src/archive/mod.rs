//! What `openspec archive` would do with one delta spec (`core/specs-apply.js`,
//! `buildUpdatedSpec`): its prechecks, then RENAMED -> REMOVED -> MODIFIED -> ADDED against the
//! main spec, giving the rebuilt spec text and every problem and warning on the delta entry it
//! is about. Pure: texts in, a report out; it never decides what a finding's severity is.

mod merge;
mod precheck;
mod rebuild;
#[cfg(test)]
mod test_support;
mod unaccounted;

pub use merge::BaseView;
use merge::{Apply, BlockMap, MergeBlock, Raw};
use precheck::precheck;
use rebuild::first_foreign_tail;
pub use rebuild::match_line_ending;
use rebuild::{new_spec_skeleton, purpose_body, rebuild, structure_message};

use std::borrow::Cow;

use openspec_syntax::TextRange;
use openspec_syntax::requirement_blocks::{DeltaKind, DeltaSectionHeader, DeltaSpec, ScenarioDiff, parse_delta_spec};
use openspec_syntax::requirement_text::normalize_requirement_name;

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
