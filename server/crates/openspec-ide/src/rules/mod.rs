//! Every rule, one file each, grouped by the artifact it reads. `plan` is the one list: every
//! group's work split into units (one group over one spec, change or file, or over the whole
//! root), in report order. `run_all` runs them all; `crate::incremental` re-runs only the units
//! whose inputs changed, and gets the same findings in the same order.

mod archive;
mod change;
mod config;
mod delta;
mod file;
pub mod legacy;
mod markdown;
mod metadata;
mod proposal;
pub(crate) mod review;
mod schema;
pub(crate) mod spec;
pub mod store;
mod tasks;

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use openspec_syntax::requirement_blocks::DeltaSpec;

use crate::diagnostic::Diagnostic;
use crate::layout::{self, SpecFile};
use crate::vfs::RootSnapshot;

pub(crate) use delta::BaseViews;

/// One rule group's work over one subject. The findings of a full run are the findings of
/// every unit of `plan`, concatenated in plan order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Unit {
    /// The CommonMark-vs-OpenSpec checks of one Markdown file (by path).
    Markdown(String),
    /// The raw-bytes checks of one file (by path).
    File(String),
    /// The main-spec rules of one spec (by capability id).
    Spec(String),
    /// The proposal rules of one active change (by id); so are the next ones.
    Proposal(String),
    Change(String),
    Tasks(String),
    /// `openspec/config.yaml`.
    Config,
    Metadata(String),
    /// Workflow schemas.
    Schema,
    Delta(String),
    /// The archive dry-run findings of one change; reads the `Delta` unit's findings.
    Archive(String),
    /// Requirements this change edits that other active changes edit too.
    Concurrent(String),
    /// Files of older OpenSpec releases.
    Legacy,
    /// The opt-in review rules of one main spec (by capability id) and of one active change;
    /// planned only when the policy enables a review rule.
    ReviewSpec(String),
    Review(String),
}

/// Where things are in one root, discovered once per pass (every group needs some of it).
/// Depends only on which entries exist and their kinds, never on file contents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    pub main_specs: Vec<SpecFile>,
    pub main_spec_ids: BTreeSet<String>,
    pub active_changes: Vec<String>,
    /// The delta specs of every active change.
    pub delta_specs: BTreeMap<String, Vec<SpecFile>>,
    /// Active changes that are namespace folders wrapping nested changes.
    pub nested: BTreeSet<String>,
    /// Capability -> the active changes (not namespace folders) with a delta spec for it, in
    /// change order: the changes whose archive findings can depend on each other.
    pub changes_by_capability: HashMap<String, Vec<String>>,
    /// Markdown files the `markdown` group checks, in path order.
    pub markdown_files: Vec<String>,
}

impl Layout {
    pub fn read(root: &RootSnapshot) -> Layout {
        let main_specs = layout::main_specs(root);
        let main_spec_ids = main_specs.iter().map(|spec| spec.id.clone()).collect();
        let active_changes = layout::active_changes(root);
        let mut delta_specs = BTreeMap::new();
        let mut nested = BTreeSet::new();
        let mut changes_by_capability: HashMap<String, Vec<String>> = HashMap::new();
        for change_id in &active_changes {
            let specs = layout::delta_specs(root, &layout::change_dir(change_id));
            if delta::nested_change::nested_changes_in(root, change_id).is_some() {
                nested.insert(change_id.clone());
            } else {
                for spec in &specs {
                    changes_by_capability.entry(spec.id.clone()).or_default().push(change_id.clone());
                }
            }
            delta_specs.insert(change_id.clone(), specs);
        }
        let markdown_files = root.entries.keys().filter(|path| markdown::is_checked_markdown(path)).cloned().collect();
        Layout { main_specs, main_spec_ids, active_changes, delta_specs, nested, changes_by_capability, markdown_files }
    }

    /// The layout's own copy of active change id `id` (so it lives as long as the layout).
    pub fn change_id(&self, id: &str) -> Option<&str> {
        let idx = self.active_changes.binary_search_by(|known| known.as_str().cmp(id)).ok()?;
        self.active_changes.get(idx).map(String::as_str)
    }

    /// The main spec of capability `id`.
    pub fn main_spec(&self, id: &str) -> Option<&SpecFile> {
        let idx = self.main_specs.binary_search_by(|spec| spec.id.as_str().cmp(id)).ok()?;
        self.main_specs.get(idx)
    }

    pub fn delta_specs_of(&self, change_id: &str) -> &[SpecFile] {
        self.delta_specs.get(change_id).map_or(&[], Vec::as_slice)
    }

    /// The active changes (not namespace folders) that share a capability with `change_id`,
    /// itself included, in change order.
    pub fn changes_sharing_capabilities(&self, change_id: &str) -> Vec<&str> {
        let mut sharing: BTreeSet<&str> = BTreeSet::new();
        for spec in self.delta_specs_of(change_id) {
            for other in self.changes_by_capability.get(&spec.id).into_iter().flatten() {
                sharing.insert(other);
            }
        }
        // Change ids sort the same way `active_changes` lists them.
        sharing.into_iter().collect()
    }
}

/// One thread's share of a check pass over a root: the layout and what the pass has parsed so
/// far (main and delta specs, shared by its threads), so a file is parsed once per pass
/// however many rules and units read it.
pub(crate) struct Pass<'a> {
    pub root: &'a RootSnapshot,
    pub layout: &'a Layout,
    pub bases: &'a BaseViews<'a>,
    /// The review rules' configuration, read once per thread when a review unit runs.
    review: OnceCell<Option<review::ReviewConfig>>,
}

impl<'a> Pass<'a> {
    pub fn new(root: &'a RootSnapshot, layout: &'a Layout, bases: &'a BaseViews<'a>) -> Pass<'a> {
        Pass { root, layout, bases, review: OnceCell::new() }
    }

    /// The delta spec at `path` parsed (the caller has its text from the same snapshot).
    pub fn delta_spec(&self, path: &'a str, text: &'a str) -> Arc<DeltaSpec<'a>> {
        self.bases.delta_spec(path, text)
    }
}

/// Every unit of `layout`'s root, in report order: the groups in their order, and within a
/// group its subjects in the order the group reports them.
pub(crate) fn plan(layout: &Layout, root: &RootSnapshot) -> Vec<Unit> {
    let mut units = Vec::new();
    units.extend(layout.markdown_files.iter().cloned().map(Unit::Markdown));
    units.extend(file::subjects(root).map(Unit::File));
    units.extend(layout.main_specs.iter().map(|spec| Unit::Spec(spec.id.clone())));
    let per_change = |unit: fn(String) -> Unit| layout.active_changes.iter().cloned().map(unit);
    units.extend(per_change(Unit::Proposal));
    units.extend(per_change(Unit::Change));
    units.extend(per_change(Unit::Tasks));
    units.push(Unit::Config);
    units.extend(per_change(Unit::Metadata));
    units.push(Unit::Schema);
    units.extend(per_change(Unit::Delta));
    // Archive findings follow every change's delta findings, which they read.
    let archived = || layout.active_changes.iter().filter(|id| !layout.nested.contains(*id)).cloned();
    units.extend(archived().map(Unit::Archive));
    units.extend(archived().map(Unit::Concurrent));
    units.push(Unit::Legacy);
    // Opt-in: a policy change re-checks everything, so the plan may depend on it.
    if review::ReviewConfig::any_enabled(root) {
        units.extend(layout.main_specs.iter().map(|spec| Unit::ReviewSpec(spec.id.clone())));
        units.extend(per_change(Unit::Review));
    }
    units
}

/// Runs one unit. `delta_findings` are the findings of the `Delta` unit of the same change,
/// which an `Archive` unit reads (ignored by every other unit).
pub(crate) fn run_unit(pass: &Pass<'_>, unit: &Unit, delta_findings: &[Diagnostic], acc: &mut Vec<Diagnostic>) {
    let root = pass.root;
    match unit {
        Unit::Markdown(path) => markdown::check_file(root, path, acc),
        Unit::File(path) => file::check_file(root, pass.layout, path, acc),
        Unit::Spec(id) => {
            if let Some(spec) = pass.layout.main_spec(id) {
                spec::check_spec(root, spec, acc);
            }
        }
        Unit::Proposal(change_id) => proposal::check_change(root, pass.layout, change_id, acc),
        Unit::Change(change_id) => change::check_change(root, change_id, acc),
        Unit::Tasks(change_id) => tasks::check_change(root, change_id, acc),
        Unit::Config => config::check(root, acc),
        Unit::Metadata(change_id) => metadata::check_change(root, change_id, acc),
        Unit::Schema => schema::check(root, acc),
        Unit::Delta(change_id) => delta::check_change(pass, change_id, acc),
        Unit::Archive(change_id) => archive::check_change(pass, change_id, delta_findings, acc),
        Unit::Concurrent(change_id) => archive::check_concurrent(pass, change_id, acc),
        Unit::Legacy => legacy::check(root, acc),
        Unit::ReviewSpec(id) => {
            if let Some(config) = pass.review.get_or_init(|| review::ReviewConfig::read(root)) {
                review::check_spec(root, id, config, acc);
            }
        }
        Unit::Review(change_id) => {
            if let Some(config) = pass.review.get_or_init(|| review::ReviewConfig::read(root)) {
                review::check_change(pass, change_id, config, acc);
            }
        }
    }
}

/// Runs every rule over `root`, pushing findings into `acc`.
pub fn run_all(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    let layout = Layout::read(root);
    let units = plan(&layout, root);
    for mut found in run_units(root, &layout, &units, &|_| None) {
        acc.append(&mut found);
    }
}

/// Runs `units` and returns the findings of each, in the order of `units`. Every `Archive` unit
/// reads the findings of the `Delta` unit of the same change: from this batch when it holds
/// that unit, else from `known_delta_findings`. Large batches run on two threads, which changes
/// nothing but the time they take: the delta units (and the rest) first, then the archive units.
pub(crate) fn run_units(
    root: &RootSnapshot,
    layout: &Layout,
    units: &[Unit],
    known_delta_findings: &(dyn Fn(&str) -> Option<Vec<Diagnostic>> + Sync),
) -> Vec<Vec<Diagnostic>> {
    let reads_deltas = |unit: &Unit| matches!(unit, Unit::Archive(_) | Unit::Concurrent(_));
    let first: Vec<usize> = (0..units.len()).filter(|&idx| !reads_deltas(&units[idx])).collect();
    let second: Vec<usize> = (0..units.len()).filter(|&idx| reads_deltas(&units[idx])).collect();
    let bases = BaseViews::new(root);
    let mut by_index: Vec<Vec<Diagnostic>> = vec![Vec::new(); units.len()];
    for (idx, found) in run_parallel(root, layout, &bases, units, &first, &HashMap::new()) {
        by_index[idx] = found;
    }
    let delta_findings: HashMap<&str, &[Diagnostic]> = first
        .iter()
        .filter_map(|&idx| match &units[idx] {
            Unit::Delta(change_id) => Some((change_id.as_str(), by_index[idx].as_slice())),
            _ => None,
        })
        .collect();
    let mut known: HashMap<&str, Vec<Diagnostic>> = HashMap::new();
    for &idx in &second {
        if let Unit::Archive(change_id) = &units[idx]
            && !delta_findings.contains_key(change_id.as_str())
        {
            known.insert(change_id, known_delta_findings(change_id).unwrap_or_default());
        }
    }
    let mut all_delta_findings = delta_findings;
    all_delta_findings.extend(known.iter().map(|(change_id, findings)| (*change_id, findings.as_slice())));
    let archived = run_parallel(root, layout, &bases, units, &second, &all_delta_findings);
    for (idx, found) in archived {
        by_index[idx] = found;
    }
    by_index
}

/// Runs the units at `indices` (on two threads when there are many, each with its own parse
/// memo) and returns `(index, findings)` pairs.
fn run_parallel<'a>(
    root: &'a RootSnapshot,
    layout: &'a Layout,
    bases: &'a BaseViews<'a>,
    units: &[Unit],
    indices: &[usize],
    delta_findings: &HashMap<&str, &[Diagnostic]>,
) -> Vec<(usize, Vec<Diagnostic>)> {
    crate::parallel::map_with(
        indices,
        || Pass::new(root, layout, bases),
        |pass, &idx| {
            let unit = &units[idx];
            let of_change = match unit {
                Unit::Archive(change_id) => delta_findings.get(change_id.as_str()).copied().unwrap_or_default(),
                _ => &[],
            };
            let mut found = Vec::new();
            run_unit(pass, unit, of_change, &mut found);
            (idx, found)
        },
    )
}
