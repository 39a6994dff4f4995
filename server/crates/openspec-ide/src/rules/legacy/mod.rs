//! The legacy layout (reference §1.5): files older OpenSpec releases wrote that today's CLI
//! ignores, deletes or rewrites on `openspec update`. Each finding is this tool's own
//! (`openspec-lsp`), sits on the legacy file itself, counts toward no item (so it never changes
//! a verdict) and says what migrating does with the file; `crate::migration` builds the edits.

mod marker_block;
mod missing_config;
mod obsolete_agents_file;
mod project_context;
mod slash_command;

use openspec_syntax::TextRange;
use openspec_syntax::js::js_trim;
use openspec_syntax::lines::{Bom, LineBreaks, split_lines};

use crate::diagnostic::Diagnostic;
use crate::vfs::RootSnapshot;

pub(crate) fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    project_context::check(root, acc);
    missing_config::check(root, acc);
    obsolete_agents_file::check(root, acc);
    marker_block::check(root, acc);
    slash_command::check(root, acc);
}

/// Every legacy finding of the root, whatever the repository policy says: what a migration
/// touches, and what `check --migration` lists.
pub fn findings(root: &RootSnapshot) -> Vec<Diagnostic> {
    let mut acc = Vec::new();
    check(root, &mut acc);
    acc
}

/// The first non-blank line's text, trimmed: where a finding about a whole file is shown.
pub(crate) fn file_headline(text: &str) -> TextRange {
    split_lines(text, Bom::Strip, LineBreaks::Any)
        .iter()
        .find(|line| !js_trim(line.text).is_empty())
        .map_or(TextRange::empty(0), |line| line.range_of(js_trim(line.text)))
}

#[cfg(test)]
mod tests {
    use crate::test_support::{render, snapshot};

    /// Runs only the legacy rules over a fixture and renders their findings.
    pub(super) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }
}
