//! Archive's prechecks on a delta spec (duplicates, conflicts between sections, empty
//! entries): run before the main spec is read, and the first one stops the archive.

use std::collections::HashSet;

use super::{ArchiveProblem, ArchiveProblemKind, header_of};
use openspec_syntax::TextRange;
use openspec_syntax::requirement_blocks::{
    DeltaKind, DeltaSectionHeader, DeltaSpec, RemovedEntry, RequirementBlock, fold_requirement_name,
};
use openspec_syntax::requirement_text::normalize_requirement_name;

/// Names in first-seen order with constant-time membership (archive's `Set`s of one section).
#[derive(Default)]
pub(super) struct KeySet<'a> {
    order: Vec<&'a str>,
    members: HashSet<&'a str>,
}

impl<'a> KeySet<'a> {
    pub(super) fn contains(&self, key: &&str) -> bool {
        self.members.contains(*key)
    }

    pub(super) fn push(&mut self, key: &'a str) {
        if self.members.insert(key) {
            self.order.push(key);
        }
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, &'a str> {
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
pub(super) fn precheck(delta: &DeltaSpec<'_>, spec_name: &str) -> Option<ArchiveProblem> {
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

pub(super) fn modified_header(delta: &DeltaSpec<'_>, key: &str) -> Option<TextRange> {
    delta
        .modified
        .iter()
        .find(|block| normalize_requirement_name(block.name) == key)
        .map(RequirementBlock::header_range)
}

pub(super) fn added_header(delta: &DeltaSpec<'_>, key: &str) -> Option<TextRange> {
    delta.added.iter().find(|block| normalize_requirement_name(block.name) == key).map(RequirementBlock::header_range)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::{BASE, check};

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
}
