//! The merge: a main spec read once (`BaseView`), its requirement blocks keyed the way archive
//! keys them, and RENAMED -> REMOVED -> MODIFIED -> ADDED applied in archive's order.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use super::{
    ArchiveProblem, ArchiveProblemKind, ArchiveSimulation, ArchiveWarning, describe_scenario_balance, header_of,
    quoted_list,
};
use openspec_syntax::TextRange;
use openspec_syntax::js::js_trim;
use openspec_syntax::lines::{Bom, LineBreaks, normalize, split_lines};
use openspec_syntax::requirement_blocks::{
    DeltaKind, DeltaSpec, RequirementBlock, RequirementsSection, diff_scenario_names, extract_requirements_section,
    fold_requirement_name, requirement_header_name, scenario_names,
};
use openspec_syntax::requirement_text::normalize_requirement_name;
use openspec_syntax::spec::{StructureIssue, structure_issues};

/// A requirement block in the merge: from the main spec, renamed, or from the delta.
/// A main spec as archive reads it (structure problems and the `## Requirements` blocks),
/// parsed once and shared by every delta spec merged into it: a check runs one dry run per
/// delta, and a busy main spec can have dozens of deltas.
#[derive(Debug)]
pub struct BaseView<'a> {
    pub(super) text: &'a str,
    pub(super) issues: Vec<StructureIssue<'a>>,
    pub(super) section: RequirementsSection<'a>,
    /// Archive's name -> block map as the main spec seeds it, once for every delta: one slot
    /// per name in first-seen order, holding the last block of that name (a JS `Map` keeps
    /// the first position and the last value), as (key, block index).
    pub(super) slots: Vec<(&'a str, usize)>,
    pub(super) positions: HashMap<&'a str, usize>,
    /// Slots by folded key (`fold_requirement_name`), in slot order: the near-miss lookups.
    /// Built on the first one, since most dry runs never need it.
    pub(super) folded: OnceLock<HashMap<String, Vec<usize>>>,
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

    pub(super) fn folded_slots(&self) -> &HashMap<String, Vec<usize>> {
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
pub(super) enum Raw<'b> {
    Block(&'b RequirementBlock<'b>),
    Text(Rc<str>),
}

impl Raw<'_> {
    pub(super) fn text(&self) -> Cow<'_, str> {
        match self {
            Raw::Block(block) => Cow::Owned(block.raw()),
            Raw::Text(text) => Cow::Borrowed(text),
        }
    }

    pub(super) fn same_text(&self, other: &Raw<'_>) -> bool {
        match (self, other) {
            (Raw::Block(a), Raw::Block(b)) if std::ptr::eq(*a, *b) => true,
            _ => self.text() == other.text(),
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct MergeBlock<'b> {
    pub(super) name: Cow<'b, str>,
    pub(super) raw: Raw<'b>,
    /// Where it came from in the main spec, when it did.
    pub(super) base_range: Option<TextRange>,
}

/// Archive's name -> block map: a JS `Map`, so replacing a key keeps its place, and removing
/// then inserting moves it to the end. It starts as the main spec's map (`BaseView`, shared by
/// every delta) and records only what this delta changes, so a dry run costs what the delta
/// holds, not what the main spec holds. Removed slots stay as holes so positions never shift.
pub(super) struct BlockMap<'b> {
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
    pub(super) fn new(base: &'b BaseView<'b>, base_ranges: bool) -> Self {
        BlockMap {
            base,
            base_ranges,
            overrides: HashMap::new(),
            added: Vec::new(),
            added_positions: HashMap::new(),
            added_folded: HashMap::new(),
        }
    }

    pub(super) fn base_block(&self, block_idx: usize) -> Option<MergeBlock<'b>> {
        let block = self.base.section.blocks.get(block_idx)?;
        Some(MergeBlock {
            name: Cow::Borrowed(block.name),
            raw: Raw::Block(block),
            base_range: self.base_ranges.then(|| block.header_range()),
        })
    }

    /// The base slot's current block (`None` once removed).
    pub(super) fn base_slot(&self, slot: usize) -> Option<MergeBlock<'b>> {
        match self.overrides.get(&slot) {
            Some(current) => current.clone(),
            None => self.base_block(self.base.slots.get(slot)?.1),
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<MergeBlock<'b>> {
        if let Some(&idx) = self.added_positions.get(key) {
            return self.added.get(idx)?.as_ref().map(|(_, block)| block.clone());
        }
        self.base_slot(*self.base.positions.get(key)?)
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(super) fn set(&mut self, key: Cow<'b, str>, block: MergeBlock<'b>) {
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

    pub(super) fn delete(&mut self, key: &str) {
        if let Some(idx) = self.added_positions.remove(key) {
            self.added[idx] = None;
        } else if let Some(&slot) = self.base.positions.get(key) {
            self.overrides.insert(slot, None);
        }
    }

    /// Entries in map order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Cow<'b, str>, MergeBlock<'b>)> + '_ {
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
    pub(super) fn fold_match(&self, name: &str, except: Option<&str>) -> Option<MergeBlock<'b>> {
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
pub(super) fn normalized_raw(raw: &str) -> String {
    js_trim(&normalize(raw, Bom::Keep)).to_owned()
}

/// The apply phase: each operation checks the map as the earlier ones left it. A refused
/// operation is recorded and skipped, so later problems still surface.
pub(super) struct Apply<'s, 'b> {
    pub(super) spec_name: &'s str,
    pub(super) simulation: &'s mut ArchiveSimulation,
    pub(super) map: &'s mut BlockMap<'b>,
    pub(super) ordered_keys: &'s mut Vec<Cow<'b, str>>,
}

impl Apply<'_, '_> {
    pub(super) fn refuse(
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

    pub(super) fn renamed(&mut self, delta: &DeltaSpec<'_>) {
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

    pub(super) fn removed(&mut self, delta: &DeltaSpec<'_>) {
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

    pub(super) fn modified(&mut self, delta: &DeltaSpec<'_>) {
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

    pub(super) fn added(&mut self, delta: &DeltaSpec<'_>) {
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

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::{BASE, check};

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
}
