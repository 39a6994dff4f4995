//! Checks on each active change's `proposal.md`: the proposal rules `openspec archive` applies
//! (which `validate` never runs) and the Capabilities list against the change's delta specs and
//! the main specs. All are this tool's own findings, counted toward the change only under
//! `--all-rules`.

mod capability_without_delta;
mod delta_not_in_proposal;
mod missing_what_changes;
mod missing_why;
mod modified_capability_missing;
mod new_capability_exists;
mod why_too_long;
mod why_too_short;

use std::collections::BTreeSet;

use openspec_syntax::TextRange;
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::proposal::{CapabilityEntry, Proposal};

use crate::diagnostic::{Diagnostic, ItemId};
use crate::layout::{self, SpecFile};
use crate::vfs::RootSnapshot;

/// `GUIDE_MISSING_CHANGE_SECTIONS`, appended to the two thrown section errors.
const GUIDE_MISSING_CHANGE_SECTIONS: &str = "Missing required sections. Expected headers: \"## Why\" and \"## What Changes\". Ensure deltas are documented in specs/ using delta headers.";

/// One active change's proposal with what the cross-file checks compare it against.
struct ProposalFile<'a> {
    item: ItemId,
    change_dir: String,
    path: String,
    text: &'a str,
    proposal: Proposal<'a>,
    /// The change's delta specs (`specs/<cap>/spec.md`), as the CLI discovers them.
    delta_specs: Vec<SpecFile>,
    /// Capability ids of the main specs.
    main_specs: &'a BTreeSet<String>,
}

impl ProposalFile<'_> {
    /// The first line's trimmed text: the place for findings the CLI ties to the whole file.
    fn first_line_range(&self) -> TextRange {
        split_lines(self.text, Bom::Strip, LineBreaks::Any).first().map_or(TextRange::empty(0), Line::trimmed_range)
    }

    fn capabilities(&self) -> Vec<CapabilityEntry<'_>> {
        self.proposal.capabilities()
    }
}

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    let layout = crate::rules::Layout::read(root);
    for change_id in &layout.active_changes {
        check_change(root, &layout, change_id, acc);
    }
}

/// The proposal rules of one active change.
pub fn check_change(root: &RootSnapshot, layout: &crate::rules::Layout, change_id: &str, acc: &mut Vec<Diagnostic>) {
    let main_specs: &BTreeSet<String> = &layout.main_spec_ids;
    let change_dir = layout::change_dir(change_id);
    let path = format!("{change_dir}/proposal.md");
    let Some(text) = root.text(&path) else { return };
    let file = ProposalFile {
        item: ItemId::change(change_id),
        delta_specs: layout.delta_specs_of(change_id).to_vec(),
        change_dir,
        path,
        text,
        proposal: Proposal::parse(text),
        main_specs,
    };
    // `ChangeParser` throws on a missing Why, then on a missing What Changes; the thrown
    // error is the only proposal-rule issue, so the length checks wait for both.
    if missing_why::check(&file, acc) && missing_what_changes::check(&file, acc) {
        why_too_short::check(&file, acc);
        why_too_long::check(&file, acc);
    }
    capability_without_delta::check(&file, acc);
    delta_not_in_proposal::check(&file, acc);
    new_capability_exists::check(&file, acc);
    modified_capability_missing::check(&file, acc);
}

#[cfg(test)]
mod tests {
    use crate::test_support::{render, snapshot};

    /// Runs only the proposal rules over a fixture and renders their findings.
    pub(super) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }
}
