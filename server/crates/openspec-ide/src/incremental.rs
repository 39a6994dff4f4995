//! Incremental checking: `check_root`'s findings for a root that changes a file at a time,
//! re-running only the rule units whose inputs changed. For the server, where one keystroke
//! must not re-check a workspace of thousands of files. Pure like the rest of the crate: it is
//! handed snapshots and never reads anything itself.
//!
//! A full check is the concatenation of every unit's findings in plan order (`rules::plan`);
//! this keeps each unit's findings and, when a file's text changes, re-runs the units that read
//! it: its Markdown and main-spec units, the units of the change it belongs to, the delta and
//! archive units of changes with a delta against a main spec it is, and the archive units of
//! changes sharing a capability with a delta spec it is. Anything else (a file created or
//! deleted, the config, schemas, files outside `specs/` and `changes/`) re-checks everything.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::check::{self, CheckConfig, RootReport};
use crate::diagnostic::Diagnostic;
use crate::layout::{CHANGES_DIR, SPECS_DIR};
use crate::policy::Policy;
use crate::rules::spec::SpecOutline;
use crate::rules::{self, Layout, Unit};
use crate::vfs::{Entry, FileContent, RootSnapshot};

/// Which files of the new snapshot may differ from the previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    /// Anything may have changed (a reload from disk): re-check everything.
    Everything,
    /// Only these paths can differ; each is compared with the previous snapshot, and one that
    /// did not change costs nothing.
    Paths(BTreeSet<String>),
}

/// What an `update` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckUpdate {
    /// Paths whose findings changed (added, removed, moved or reworded).
    pub changed_paths: BTreeSet<String>,
    /// The files whose text changed, when nothing else did (so an index can be updated a file
    /// at a time too); `None` when everything was re-checked.
    pub edited: Option<Vec<String>>,
}

/// Where a finding sits: `(unit, index)` into `IncrementalCheck::findings`, or `(TAIL, index)`
/// into `IncrementalCheck::tail`. Ordered as the report is.
type Slot = (usize, usize);

/// How many edited main specs one update re-checks from their outlines (see `check_units`).
const MAX_OUTLINED_SPECS: usize = 4;

/// The unit number of the findings that follow every unit's (see `IncrementalCheck::tail`).
const TAIL: usize = usize::MAX;

/// One root's findings, kept up to date across snapshots. An update costs what the re-run
/// units cost plus their findings, never the whole root's findings: each unit's findings are
/// kept apart, and the by-file index is patched for the re-run units only.
#[derive(Debug)]
pub struct IncrementalCheck {
    root: RootSnapshot,
    layout: Layout,
    plan: Vec<Unit>,
    unit_index: HashMap<Unit, usize>,
    /// Each plan unit's findings, before the severity policy.
    raw: Vec<Vec<Diagnostic>>,
    /// Findings of rules that read beyond the snapshot (`set_external`), before the policy.
    external: Vec<Diagnostic>,
    /// The severity policy of the root (`openspec-lsp.toml`, outside `specs/` and `changes/`,
    /// so constant between full checks), and its own findings.
    policy: Policy,
    policy_findings: Vec<Diagnostic>,
    /// What the report lists after every unit's findings: the external findings, then the
    /// policy file's own. With a non-empty policy, which can drop, reword and add findings
    /// across units, the whole report, policy applied (and `by_path` points only here).
    tail: Vec<Diagnostic>,
    /// Every finding of the report, by file, as slots in report order.
    by_path: BTreeMap<String, BTreeSet<Slot>>,
    /// How many units the last `update` ran (for tests and benchmarks).
    last_units_run: usize,
    /// How many of those were main-spec units re-checked from an outline, only the requirement
    /// an edit touched (`rules::spec::recheck_edit`), rather than over the whole file.
    last_block_rechecks: usize,
    /// The outline of each main spec edited since it was last checked whole, by path: made from
    /// the text the spec's unit findings (`raw`) were made from.
    spec_outlines: HashMap<String, SpecOutline>,
}

impl IncrementalCheck {
    /// Checks `root` in full.
    pub fn new(root: RootSnapshot) -> IncrementalCheck {
        let mut check = IncrementalCheck {
            root,
            layout: Layout::default(),
            plan: Vec::new(),
            unit_index: HashMap::new(),
            raw: Vec::new(),
            external: Vec::new(),
            policy: Policy::default(),
            policy_findings: Vec::new(),
            tail: Vec::new(),
            by_path: BTreeMap::new(),
            last_units_run: 0,
            last_block_rechecks: 0,
            spec_outlines: HashMap::new(),
        };
        check.check_everything();
        check
    }

    pub fn snapshot(&self) -> &RootSnapshot {
        &self.root
    }

    /// Whether the report is the units' findings as they are (no policy rewrites them).
    fn unit_findings_reported(&self) -> bool {
        self.policy.is_empty()
    }

    /// The finding at `slot`.
    fn at(&self, (unit, idx): Slot) -> Option<&Diagnostic> {
        if unit == TAIL { self.tail.get(idx) } else { self.raw.get(unit)?.get(idx) }
    }

    /// The findings `check_root` gives for the current snapshot, in the same order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        if self.unit_findings_reported() {
            self.raw.iter().flatten().chain(&self.tail).cloned().collect()
        } else {
            self.tail.clone()
        }
    }

    /// The findings on `path` (their `path` field), in report order.
    pub fn diagnostics_on<'s>(&'s self, path: &str) -> impl Iterator<Item = &'s Diagnostic> + 's {
        self.by_path.get(path).into_iter().flatten().filter_map(|&slot| self.at(slot))
    }

    /// Paths that have at least one finding.
    pub fn paths_with_findings(&self) -> impl Iterator<Item = &str> {
        self.by_path.keys().map(String::as_str)
    }

    /// What `check_root(snapshot, config)` returns.
    pub fn report(&self, config: &CheckConfig) -> RootReport {
        let diagnostics = self.diagnostics();
        let items = check::verdicts(&self.root, &diagnostics, config);
        RootReport { items, diagnostics }
    }

    pub fn last_units_run(&self) -> usize {
        self.last_units_run
    }

    /// How many main-spec units the last `update` re-checked for the edited requirement only.
    pub fn last_block_rechecks(&self) -> usize {
        self.last_block_rechecks
    }

    /// Replaces the findings made outside the snapshot's rules (the store rules, which read
    /// the machine's registry: see `check::check_root_with`), and returns the paths whose
    /// findings changed with them.
    pub fn set_external(&mut self, external: Vec<Diagnostic>) -> BTreeSet<String> {
        if external == self.external {
            return BTreeSet::new();
        }
        self.external = external;
        self.assemble_tail()
    }

    /// Moves to `root`, re-checking what `changed` may have touched.
    pub fn update(&mut self, root: RootSnapshot, changed: &Changed) -> CheckUpdate {
        let edited = match changed {
            Changed::Everything => None,
            Changed::Paths(paths) => text_changes(&self.root, &root, paths),
        };
        self.root = root;
        let changed_paths = match &edited {
            None => {
                let before = self.by_path_lists();
                self.check_everything();
                let after = self.by_path_lists();
                before
                    .keys()
                    .chain(after.keys())
                    .filter(|path| before.get(*path) != after.get(*path))
                    .cloned()
                    .collect()
            }
            Some(edited) => {
                let dirty = self.dirty_units(edited);
                self.check_units(&dirty, true)
            }
        };
        CheckUpdate { changed_paths, edited }
    }

    /// Every file's findings, owned (to compare across a full re-check).
    fn by_path_lists(&self) -> BTreeMap<String, Vec<Diagnostic>> {
        self.by_path.keys().map(|path| (path.clone(), self.diagnostics_on(path).cloned().collect())).collect()
    }

    /// Every unit that reads one of `edited` (paths below `specs/` or `changes/` whose text
    /// changed), plus the root-wide units, in plan order.
    fn dirty_units(&self, edited: &[String]) -> Vec<usize> {
        let layout = &self.layout;
        let mut dirty: BTreeSet<usize> = BTreeSet::new();
        let mut mark = |unit: Unit| {
            if let Some(&idx) = self.unit_index.get(&unit) {
                dirty.insert(idx);
            }
        };
        for path in edited {
            mark(Unit::Markdown(path.clone()));
            mark(Unit::File(path.clone()));
            if let Some(spec) = layout.main_specs.iter().find(|spec| spec.path == *path) {
                mark(Unit::Spec(spec.id.clone()));
                mark(Unit::ReviewSpec(spec.id.clone()));
                for change_id in layout.changes_by_capability.get(&spec.id).into_iter().flatten() {
                    mark(Unit::Delta(change_id.clone()));
                    mark(Unit::Archive(change_id.clone()));
                    mark(Unit::Review(change_id.clone()));
                }
            }
            let change_id = path
                .strip_prefix(CHANGES_DIR)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| rest.split_once('/'))
                .map(|(change_id, _)| change_id)
                .and_then(|change_id| layout.change_id(change_id));
            let Some(change_id) = change_id else { continue };
            for unit in [Unit::Proposal, Unit::Change, Unit::Tasks, Unit::Metadata, Unit::Delta, Unit::Review] {
                mark(unit(change_id.to_owned()));
            }
            for sharing in layout.changes_sharing_capabilities(change_id) {
                mark(Unit::Archive(sharing.to_owned()));
                mark(Unit::Concurrent(sharing.to_owned()));
            }
        }
        // The root-wide units (config, schemas, legacy files) read nothing below `specs/` or
        // `changes/` (only the config, `schemas/`, `project.md`, `AGENTS.md` and files outside
        // `openspec/`), so text edits there leave them as they are. A rule that starts reading
        // those folders from a root-wide unit must be added to the marks above.
        dirty.into_iter().collect()
    }

    fn check_everything(&mut self) {
        self.layout = Layout::read(&self.root);
        self.plan = rules::plan(&self.layout, &self.root);
        self.unit_index = self.plan.iter().cloned().enumerate().map(|(idx, unit)| (unit, idx)).collect();
        let (policy, policy_findings) = Policy::read(&self.root);
        self.policy = policy;
        self.policy_findings = policy_findings;
        self.tail = Vec::new();
        self.raw = vec![Vec::new(); self.plan.len()];
        self.by_path.clear();
        let all: Vec<usize> = (0..self.plan.len()).collect();
        self.check_units(&all, false);
        // An outline stays valid while the spec's text is the one its findings were made from.
        let root = &self.root;
        self.spec_outlines.retain(|path, outline| {
            matches!(root.get(path), Some(Entry::File { content: FileContent::Text { text, .. }, .. }) if outline.is_of(text))
        });
        if self.unit_findings_reported() {
            self.assemble_tail();
        }
    }

    /// Re-runs the units at `indices` (plan order) and brings the report up to date; returns
    /// the paths whose findings may have changed (a superset of those that did). After an edit
    /// (`edit`), main-spec units are re-checked from their outlines where the edit allows.
    fn check_units(&mut self, indices: &[usize], edit: bool) -> BTreeSet<String> {
        self.last_block_rechecks = 0;
        let mut spec_results: HashMap<usize, Vec<Diagnostic>> = HashMap::new();
        let specs: Vec<(usize, String)> = indices
            .iter()
            .filter(|_| edit)
            .filter_map(|&idx| match self.plan.get(idx) {
                Some(Unit::Spec(id)) => Some((idx, id.clone())),
                _ => None,
            })
            .collect();
        // After an edit, the outlines serve a few edited specs (one at a time, on this thread);
        // more edited at once are checked whole on both cores, and their outlines dropped (a
        // full check keeps the outlines whose text it checked: `check_everything`).
        for (idx, id) in specs {
            if spec_results.len() < MAX_OUTLINED_SPECS {
                let found = self.recheck_spec(idx, &id);
                spec_results.insert(idx, found);
            } else if let Some(spec) = self.layout.main_spec(&id) {
                self.spec_outlines.remove(&spec.path);
            }
        }
        let rest: Vec<usize> = indices.iter().copied().filter(|idx| !spec_results.contains_key(idx)).collect();
        let units: Vec<Unit> = rest.iter().filter_map(|&idx| self.plan.get(idx).cloned()).collect();
        let unit_index = &self.unit_index;
        let raw = &self.raw;
        let known_delta_findings = |change_id: &str| {
            let idx = unit_index.get(&Unit::Delta(change_id.to_owned()))?;
            raw.get(*idx).cloned()
        };
        let mut ran =
            rest.iter().copied().zip(rules::run_units(&self.root, &self.layout, &units, &known_delta_findings));
        let results: Vec<Vec<Diagnostic>> = indices
            .iter()
            .map(|idx| match spec_results.remove(idx) {
                Some(found) => found,
                None => ran.next().map(|(_, found)| found).unwrap_or_default(),
            })
            .collect();
        self.last_units_run = indices.len();
        if !self.unit_findings_reported() {
            return self.reapply_policy(indices, results);
        }
        let mut changed = BTreeSet::new();
        for (&unit, found) in indices.iter().zip(results) {
            let Some(slot) = self.raw.get_mut(unit) else { continue };
            let old = std::mem::replace(slot, found);
            changed.extend(paths_differing(&old, &self.raw[unit]));
            self.index_slots(unit, Some(&old));
        }
        changed
    }

    /// The findings of main-spec unit `idx` (capability `id`) for the current snapshot, whose
    /// spec text changed: from its outline when the edit lies inside one requirement, else by
    /// checking the whole file (and keeping the outline of the new text for the next edit).
    fn recheck_spec(&mut self, idx: usize, id: &str) -> Vec<Diagnostic> {
        let Some(spec) = self.layout.main_spec(id) else { return Vec::new() };
        let text = match self.root.get(&spec.path) {
            Some(Entry::File { content: FileContent::Text { text, .. }, .. }) => Some(text.clone()),
            _ => None,
        };
        if let (Some(text), Some(outline), Some(old)) = (&text, self.spec_outlines.get(&spec.path), self.raw.get(idx))
            && let Some((found, next)) = rules::spec::recheck_edit(outline, old, spec, text)
        {
            self.spec_outlines.insert(spec.path.clone(), next);
            self.last_block_rechecks += 1;
            return found;
        }
        let mut found = Vec::new();
        match rules::spec::check_spec_outlined(&self.root, spec, &mut found) {
            Some(outline) => self.spec_outlines.insert(spec.path.clone(), outline),
            None => self.spec_outlines.remove(&spec.path),
        };
        found
    }

    /// Replaces `unit`'s entries in `by_path` (those of its `old` findings) with its current
    /// findings'.
    fn index_slots(&mut self, unit: usize, old: Option<&[Diagnostic]>) {
        for (idx, diagnostic) in old.into_iter().flatten().enumerate() {
            if let Some(slots) = self.by_path.get_mut(&diagnostic.path) {
                slots.remove(&(unit, idx));
                if slots.is_empty() {
                    self.by_path.remove(&diagnostic.path);
                }
            }
        }
        let current = if unit == TAIL { &self.tail } else { self.raw.get(unit).map_or(&[][..], Vec::as_slice) };
        for (idx, diagnostic) in current.iter().enumerate() {
            match self.by_path.get_mut(&diagnostic.path) {
                Some(slots) => {
                    slots.insert((unit, idx));
                }
                None => {
                    self.by_path.insert(diagnostic.path.clone(), BTreeSet::from([(unit, idx)]));
                }
            }
        }
    }

    /// With a policy that rewrites findings across units: stores the re-run units' findings
    /// and makes the whole report again, as `check_root` does.
    fn reapply_policy(&mut self, indices: &[usize], results: Vec<Vec<Diagnostic>>) -> BTreeSet<String> {
        for (&unit, found) in indices.iter().zip(results) {
            if let Some(slot) = self.raw.get_mut(unit) {
                *slot = found;
            }
        }
        self.assemble_tail()
    }

    /// The tail from the units' findings and the external ones, policy applied (with a
    /// non-empty policy), or the external findings and the policy's own; `by_path` brought up
    /// to date for it. Returns the paths whose findings may have changed.
    fn assemble_tail(&mut self) -> BTreeSet<String> {
        let old = std::mem::take(&mut self.tail);
        if self.unit_findings_reported() {
            self.tail = self.external.iter().chain(&self.policy_findings).cloned().collect();
            self.index_slots(TAIL, Some(&old));
            return paths_differing(&old, &self.tail);
        }
        let mut report: Vec<Diagnostic> = self.raw.iter().flatten().chain(&self.external).cloned().collect();
        check::apply_policy(&self.root, &mut report);
        self.tail = report;
        self.by_path.clear();
        self.index_slots(TAIL, None);
        paths_differing(&old, &self.tail)
    }
}

/// The paths of `candidates` whose text differs between `old` and `new`, when nothing else
/// does; `None` when some candidate changed in a way only a full check handles (created,
/// deleted, changed kind, became unreadable or lossily decoded) or lies outside `specs/` and
/// `changes/`, where a text change can affect any rule. Paths outside `candidates` are assumed
/// equal.
pub fn text_changes(old: &RootSnapshot, new: &RootSnapshot, candidates: &BTreeSet<String>) -> Option<Vec<String>> {
    let mut edited = Vec::new();
    for path in candidates {
        match (old.get(path), new.get(path)) {
            (
                Some(Entry::File {
                    content: FileContent::Text { text: before, lossy: lossy_before },
                    symlink: link_before,
                }),
                Some(Entry::File {
                    content: FileContent::Text { text: after, lossy: lossy_after },
                    symlink: link_after,
                }),
            ) if lossy_before == lossy_after && link_before == link_after => {
                if std::sync::Arc::ptr_eq(before, after) || before == after {
                    continue;
                }
                let under = |dir: &str| path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'));
                if !under(SPECS_DIR) && !under(CHANGES_DIR) {
                    return None;
                }
                edited.push(path.clone());
            }
            (before, after) if before == after => {}
            _ => return None,
        }
    }
    Some(edited)
}

/// Paths whose findings differ between two lists of findings (in list order per path).
fn paths_differing(old: &[Diagnostic], new: &[Diagnostic]) -> BTreeSet<String> {
    fn by_path(findings: &[Diagnostic]) -> BTreeMap<&str, Vec<&Diagnostic>> {
        let mut by_path: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for diagnostic in findings {
            by_path.entry(diagnostic.path.as_str()).or_default().push(diagnostic);
        }
        by_path
    }
    let (old, new) = (by_path(old), by_path(new));
    old.keys()
        .chain(new.keys())
        .filter(|path| old.get(*path) != new.get(*path))
        .map(|path| (*path).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{Changed, IncrementalCheck};
    use crate::check::{CheckConfig, check_root};
    use crate::index::WorkspaceIndex;
    use crate::vfs::RootSnapshot;

    /// A small deterministic generator, so a failing sequence can be replayed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
        }
    }

    const BASE: &str = "# Auth\n\n## Purpose\nSign-in keeps every account safe for the people who use the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n\n### Requirement: Logout\nThe system SHALL log out.\n\n#### Scenario: bye\n- **WHEN** x\n- **THEN** y\n";
    const DELTA: &str = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log in fast.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n\n## ADDED Requirements\n### Requirement: Mfa\nThe system MUST ask twice.\n\n#### Scenario: two\n- **WHEN** x\n- **THEN** y\n";
    const PROPOSAL: &str = "## Why\nPeople keep losing access to their accounts and support cannot keep up.\n\n## What Changes\n- Faster login\n\n## Capabilities\n### Modified Capabilities\n- `auth`: faster\n";
    const TASKS: &str = "## 1. Work\n- [ ] 1.1 Build it\n- [x] 1.2 Test it\n";

    /// Lines that switch rules on and off when inserted or removed.
    const LINES: &[&str] = &[
        "### Requirement: Login",
        "### Requirement: Logout",
        "### Requirement: Mfa",
        "## MODIFIED Requirements",
        "## ADDED Requirements",
        "## REMOVED Requirements",
        "## RENAMED Requirements",
        "- FROM: `### Requirement: Logout`",
        "- TO: `### Requirement: Sign out`",
        "#### Scenario: ok",
        "- **WHEN** a thing happens",
        "The system SHALL do it.",
        "Plain words without the keyword.",
        "## Purpose",
        "## Requirements",
        "## Why",
        "<!--",
        "-->",
        "   ### Requirement: Hidden",
        "    ```",
        "```",
        "- [ ] 1.1 Again",
        "- [ ] 3.1 Misplaced",
        "## 2. More",
        "",
    ];

    fn workspace() -> RootSnapshot {
        RootSnapshot::from_texts([
            ("openspec/specs/auth/spec.md", BASE),
            ("openspec/specs/billing/spec.md", &BASE.replace("# Auth", "# Billing")),
            ("openspec/changes/a/proposal.md", PROPOSAL),
            ("openspec/changes/a/tasks.md", TASKS),
            ("openspec/changes/a/specs/auth/spec.md", DELTA),
            ("openspec/changes/b/proposal.md", PROPOSAL),
            ("openspec/changes/b/tasks.md", TASKS),
            ("openspec/changes/b/specs/auth/spec.md", DELTA),
            ("openspec/changes/b/specs/billing/spec.md", DELTA),
            ("openspec/changes/c/proposal.md", PROPOSAL),
            ("openspec/changes/c/specs/billing/spec.md", DELTA),
            ("openspec/changes/c/.openspec.yaml", "schema: spec-driven\ncreated: 2025-01-01\n"),
            ("openspec/changes/archive/2024-01-01-old/specs/auth/spec.md", DELTA),
            ("openspec/config.yaml", "schema: spec-driven\n"),
        ])
    }

    /// Inserts, deletes or replaces a line of one file; now and then creates or deletes a file.
    fn random_edit(rng: &mut Rng, root: &mut RootSnapshot) -> String {
        let files: Vec<String> = root.entries.keys().filter(|path| root.text(path).is_some()).cloned().collect();
        if rng.below(20) == 0 {
            let path = format!("openspec/changes/{}/specs/auth/spec.md", ["a", "b", "c", "d"][rng.below(4)]);
            if root.text(&path).is_some() {
                root.entries.remove(&path);
            } else {
                root.insert_file(&path, DELTA);
            }
            return path;
        }
        let path = files[rng.below(files.len())].clone();
        let text = root.text(&path).unwrap_or_default().to_owned();
        let mut lines: Vec<&str> = text.split('\n').collect();
        let at = rng.below(lines.len() + 1);
        match rng.below(3) {
            0 => lines.insert(at.min(lines.len()), LINES[rng.below(LINES.len())]),
            1 if !lines.is_empty() => {
                lines.remove(at.min(lines.len() - 1));
            }
            _ => {
                let replaced = at.min(lines.len().saturating_sub(1));
                if let Some(line) = lines.get_mut(replaced) {
                    *line = LINES[rng.below(LINES.len())];
                }
            }
        }
        root.insert_file(&path, &lines.join("\n"));
        path
    }

    #[test]
    fn incremental_results_equal_a_full_check_after_random_edits() {
        random_edits_match_a_full_check(&workspace(), 1..=8);
    }

    /// A severity policy rewrites findings across units (drops some, changes severities, adds
    /// its own about entries it cannot honour): the report is made again from every unit.
    #[test]
    fn incremental_results_equal_a_full_check_under_a_severity_policy() {
        let mut root = workspace();
        root.insert_file(
            crate::root_files::POLICY_FILE,
            "[severity]\n\"markdown/*\" = \"off\"\n\"tasks/*\" = \"hint\"\n\"spec/requirement-missing-shall-must\" = \"error\"\n",
        );
        random_edits_match_a_full_check(&root, 9..=12);
    }

    /// Applies 80 random edits per seed to `start`; after each, the incremental findings equal
    /// a full check, the index equals a fresh build, and every file whose findings changed is
    /// reported as changed.
    fn random_edits_match_a_full_check(start: &RootSnapshot, seeds: std::ops::RangeInclusive<u64>) {
        for seed in seeds {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut root = start.clone();
            let mut check = IncrementalCheck::new(root.clone());
            let mut index = WorkspaceIndex::build(&root);
            let mut previous = check_root(&root, &CheckConfig::default()).diagnostics;
            assert_eq!(check.diagnostics(), previous);
            for step in 0..80 {
                let path = random_edit(&mut rng, &mut root);
                let update = check.update(root.clone(), &Changed::Paths(BTreeSet::from([path.clone()])));
                let changed = update.changed_paths;
                let full = check_root(&root, &CheckConfig::default()).diagnostics;
                assert_eq!(check.diagnostics(), full, "seed {seed}, step {step}, edit of {path}");
                let with_findings: BTreeSet<&str> = full.iter().map(|diagnostic| diagnostic.path.as_str()).collect();
                assert_eq!(
                    check.paths_with_findings().collect::<BTreeSet<_>>(),
                    with_findings,
                    "seed {seed}, step {step}"
                );
                for &path in &with_findings {
                    let expected: Vec<_> = full.iter().filter(|d| d.path == path).collect();
                    assert_eq!(check.diagnostics_on(path).collect::<Vec<_>>(), expected, "seed {seed}, step {step}");
                }
                index = match &update.edited {
                    Some(edited) => index.updated(&root, edited),
                    None => WorkspaceIndex::build(&root),
                };
                assert!(index == WorkspaceIndex::build(&root), "index, seed {seed}, step {step}, edit of {path}");
                let paths: BTreeSet<&str> =
                    previous.iter().chain(&full).map(|diagnostic| diagnostic.path.as_str()).collect();
                for path in paths {
                    let was: Vec<_> = previous.iter().filter(|d| d.path == path).collect();
                    let is: Vec<_> = full.iter().filter(|d| d.path == path).collect();
                    assert!(was == is || changed.contains(path), "seed {seed}, step {step}: {path} not reported");
                }
                previous = full;
            }
        }
    }

    /// A main spec with many requirements and a finding of nearly every main-spec rule: empty
    /// and missing scenarios, missing SHALL/MUST, non-canonical and unspaced headers, a
    /// duplicate, fences, metadata, closing hashes, a long body, CRLF lines, a delta header, a
    /// requirement outside the section, and a section after the requirements.
    fn long_spec() -> String {
        let mut text = String::from(
            "# Big\n\n## Purpose\nKeeps many requirements so edits land inside them.\n\n## Requirements\nIntro line before the first requirement.\n\n",
        );
        for idx in 0..36 {
            let body = match idx % 9 {
                0 => "The system SHALL work.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n".to_owned(),
                1 => "Plain words without the keyword.\n\n#### Scenario: ok\n- **WHEN** x\n".to_owned(),
                2 => "The system MUST hold.\n- WHEN bullets only\n".to_owned(),
                3 => "```md\n## Not a header\n```\nThe system SHALL fence.\n#### Scenario: empty\n\n#### Scenario: full\n- ok\n".to_owned(),
                4 => "**ID**: R-1\r\nThe system SHALL use CRLF.\r\n\r\n#### Scenario: crlf\r\n- ok\r\n".to_owned(),
                5 => format!("The system SHALL {}.\n\n#### Scenario: long\n- ok\n", "be long ".repeat(70)),
                6 => "\n#### Scenario: no body at all\n- ok\n".to_owned(),
                7 => "The system SHALL nest.\n##### Scenario: deeper\n- ok\n###### Deeper still\ntext\n".to_owned(),
                _ => "**Constraint**: only metadata\n#### Scenario: meta\n- ok\n".to_owned(),
            };
            let header = match idx {
                5 => "### Notes".to_owned(),
                11 => "###Requirement: Unspaced".to_owned(),
                17 => "### Requirement: R3".to_owned(),
                23 => "### Requirement: Closed ##".to_owned(),
                _ => format!("### Requirement: R{idx}"),
            };
            text.push_str(&header);
            text.push('\n');
            text.push_str(&body);
            text.push('\n');
        }
        text.push_str(
            "## ADDED Requirements\n### Requirement: Late\nThe system SHALL be late.\n\n## Notes\nTrailing notes.\n",
        );
        text
    }

    /// Inserts, deletes or replaces a character, a fragment or a line of `text`, mostly inside
    /// requirement bodies (the keystrokes the block path serves), sometimes on headers and fences.
    fn random_spec_edit(rng: &mut Rng, text: &str) -> String {
        const FRAGMENTS: &[&str] = &[
            "x",
            "SHALL",
            " ",
            "\n",
            "\r\n",
            "\r",
            "#",
            "#### Scenario: s\n",
            "- **WHEN** y",
            "```",
            "~~~\n",
            "**ID**: 2",
            "### Requirement: R3",
            "## ",
            "\u{FEFF}",
            "é",
            "MUST ",
            "\n\n",
            "TBD ",
        ];
        let mut text = text.to_owned();
        let boundaries: Vec<usize> = (0..=text.len()).filter(|&at| text.is_char_boundary(at)).collect();
        let at = boundaries[rng.below(boundaries.len())];
        match rng.below(10) {
            // Typing in a body line: a character after the first of a line that is no header.
            0..=4 => {
                let lines: Vec<(usize, &str)> = text
                    .split_inclusive('\n')
                    .scan(0, |start, line| {
                        let at = *start;
                        *start += line.len();
                        Some((at, line))
                    })
                    .filter(|(_, line)| line.len() > 2 && !line.starts_with('#') && line.is_ascii())
                    .collect();
                if let Some(&(start, line)) = lines.get(rng.below(lines.len())) {
                    let column = 1 + rng.below(line.trim_end().len().max(1));
                    if rng.below(3) == 0 && column < line.trim_end().len() {
                        text.remove(start + column);
                    } else {
                        text.insert_str(start + column, ["a", "S", " ", "SHALL ", "\n", "- z\n"][rng.below(6)]);
                    }
                }
            }
            // The Purpose (50 characters: one fewer is too brief) decides findings of its own.
            5 => {
                if let Some(purpose) = text.find("## Purpose\n").map(|at| at + "## Purpose\n".len()) {
                    match rng.below(3) {
                        0 => text.insert_str(purpose, "TBD "),
                        1 if text[purpose..].starts_with(char::is_alphanumeric) => {
                            text.remove(purpose);
                        }
                        _ => text.insert(purpose, 'K'),
                    }
                }
            }
            6 => text.insert_str(at, FRAGMENTS[rng.below(FRAGMENTS.len())]),
            7 => {
                let end = boundaries.iter().copied().find(|&end| end > at).unwrap_or(at);
                text.replace_range(at..end, "");
            }
            _ => {
                let mut lines: Vec<&str> = text.split('\n').collect();
                let line = rng.below(lines.len());
                if rng.below(2) == 0 {
                    lines.insert(line, LINES[rng.below(LINES.len())]);
                } else {
                    lines.remove(line);
                }
                text = lines.join("\n");
            }
        }
        text
    }

    /// Random keystrokes in a long main spec (with two changes depending on it): after each,
    /// the findings equal a full check and the index updated for the edit equals a fresh
    /// build, and many edits took the block path.
    #[test]
    fn block_rechecks_of_a_long_spec_equal_a_full_check_after_random_edits() {
        let path = "openspec/specs/big/spec.md";
        let delta = DELTA.replace("Login", "R0").replace("Mfa", "R3");
        let mut start = workspace();
        start.insert_file(path, &long_spec());
        start.insert_file("openspec/changes/a/specs/big/spec.md", &delta);
        start.insert_file("openspec/changes/c/specs/big/spec.md", &delta.replace("R0", "R9"));
        let (mut steps, mut fast) = (0, 0);
        for seed in 21..=24_u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut root = start.clone();
            let mut check = IncrementalCheck::new(root.clone());
            let mut index = WorkspaceIndex::build(&root);
            for step in 0..100 {
                let text = random_spec_edit(&mut rng, root.text(path).unwrap_or_default());
                root.insert_file(path, &text);
                check.update(root.clone(), &Changed::Paths(BTreeSet::from([path.to_owned()])));
                let full = check_root(&root, &CheckConfig::default()).diagnostics;
                assert_eq!(check.diagnostics(), full, "seed {seed}, step {step}, text:\n{text}");
                index = index.updated(&root, &[path.to_owned()]);
                assert!(index == WorkspaceIndex::build(&root), "index, seed {seed}, step {step}, text:\n{text}");
                steps += 1;
                fast += check.last_block_rechecks();
            }
        }
        assert!(fast * 3 > steps, "only {fast} of {steps} edits took the block path");
    }

    /// Typing in a requirement body re-checks that requirement from the outline (not the whole
    /// file), from the second keystroke on (the first one makes the outline).
    #[test]
    fn a_body_edit_takes_the_block_path() {
        let path = "openspec/specs/big/spec.md";
        let mut root = workspace();
        root.insert_file(path, &long_spec());
        let mut check = IncrementalCheck::new(root.clone());
        let mut text = long_spec();
        for (keystroke, typed) in ["The system SHALL sing.\n", "Plain text.\n", "- **WHEN** typed\n"].iter().enumerate()
        {
            let at = text.find("### Requirement: R20\n").map_or(0, |at| at + "### Requirement: R20\n".len());
            text.insert_str(at, typed);
            root.insert_file(path, &text);
            check.update(root.clone(), &Changed::Paths(BTreeSet::from([path.to_owned()])));
            assert_eq!(check.diagnostics(), check_root(&root, &CheckConfig::default()).diagnostics);
            assert_eq!(check.last_block_rechecks(), usize::from(keystroke > 0), "keystroke {keystroke}");
        }
        // A header edit falls back to the whole file.
        text = text.replace("### Requirement: R20\n", "### Requirement: R20 renamed\n");
        root.insert_file(path, &text);
        check.update(root.clone(), &Changed::Paths(BTreeSet::from([path.to_owned()])));
        assert_eq!(check.diagnostics(), check_root(&root, &CheckConfig::default()).diagnostics);
        assert_eq!(check.last_block_rechecks(), 0);
    }

    /// An update editing more specs than the outlines serve checks the rest whole and drops
    /// their outlines: a later edit of one of them must not splice from an outline of an older
    /// text.
    #[test]
    fn many_specs_edited_at_once_drop_their_outlines() {
        let paths: Vec<String> = (0..6).map(|idx| format!("openspec/specs/s{idx}/spec.md")).collect();
        let mut root = workspace();
        for path in &paths {
            root.insert_file(path, &long_spec());
        }
        let mut check = IncrementalCheck::new(root.clone());
        let last = paths[5].clone();
        let edit = |root: &mut RootSnapshot, check: &mut IncrementalCheck, edited: &[String], typed: &str| {
            for path in edited {
                let text =
                    root.text(path).unwrap_or_default().replacen("Plain words", &format!("Plain words{typed}"), 1);
                root.insert_file(path, &text);
            }
            check.update(root.clone(), &Changed::Paths(edited.iter().cloned().collect()));
            assert_eq!(check.diagnostics(), check_root(root, &CheckConfig::default()).diagnostics, "typed {typed:?}");
            check.last_block_rechecks()
        };
        // The last spec alone: its outline is made, then used.
        assert_eq!(edit(&mut root, &mut check, std::slice::from_ref(&last), "!"), 0);
        assert_eq!(edit(&mut root, &mut check, std::slice::from_ref(&last), "?"), 1);
        // All six: the first four (plan order) are outlined, the last is checked whole.
        assert_eq!(edit(&mut root, &mut check, &paths, " a"), 0);
        assert_eq!(edit(&mut root, &mut check, &paths, " b"), 4);
        // The last one again, alone: no stale outline, so a whole check, then the block path.
        assert_eq!(edit(&mut root, &mut check, std::slice::from_ref(&last), " c"), 0);
        assert_eq!(edit(&mut root, &mut check, std::slice::from_ref(&last), " d"), 1);
    }

    #[test]
    fn a_text_edit_reruns_only_the_units_that_read_the_file() {
        let mut root = workspace();
        let mut check = IncrementalCheck::new(root.clone());
        let all = check.last_units_run();
        root.insert_file("openspec/specs/billing/spec.md", &BASE.replace("log in", "sign in"));
        check.update(root.clone(), &Changed::Paths(BTreeSet::from(["openspec/specs/billing/spec.md".to_owned()])));
        // Markdown + spec + the delta and archive units of the two changes with billing deltas.
        assert_eq!(check.last_units_run(), 2 + 2 * 2, "of {all}");
        check.update(root.clone(), &Changed::Paths(BTreeSet::from(["openspec/specs/billing/spec.md".to_owned()])));
        assert_eq!(check.last_units_run(), 0, "an unchanged candidate costs nothing");
    }

    /// Findings made outside the snapshot (the store rules) join the report as `check_root_with`
    /// gives it, stay through text edits, take the policy, and report the paths they change.
    #[test]
    fn external_findings_join_the_report() {
        let mut root = workspace();
        root.insert_file("openspec-lsp.toml", "[severity]\n\"store/initiative-unregistered\" = \"hint\"\n");
        let external = vec![crate::Diagnostic::lsp(
            None,
            "store/initiative-unregistered",
            crate::Severity::Warning,
            "openspec/config.yaml",
            openspec_syntax::TextRange::empty(0),
            "x",
        )];
        let mut check = IncrementalCheck::new(root.clone());
        let changed = check.set_external(external.clone());
        assert_eq!(changed, BTreeSet::from(["openspec/config.yaml".to_owned()]));
        let expected = crate::check::check_root_with(&root, &CheckConfig::default(), external.clone());
        assert!(check.report(&CheckConfig::default()) == expected);
        let found = check.diagnostics_on("openspec/config.yaml").find(|d| d.code == "store/initiative-unregistered");
        assert_eq!(found.map(|d| d.severity), Some(crate::Severity::Hint));
        assert!(check.set_external(external.clone()).is_empty(), "the same findings change nothing");
        root.insert_file("openspec/specs/billing/spec.md", &BASE.replace("log in", "sign in"));
        check.update(root.clone(), &Changed::Paths(BTreeSet::from(["openspec/specs/billing/spec.md".to_owned()])));
        assert!(
            check.report(&CheckConfig::default())
                == crate::check::check_root_with(&root, &CheckConfig::default(), external)
        );
    }
}
