//! A proposal without a non-empty What Changes section.

// Diagnostic: proposal/missing-what-changes
//
// After the Why, `openspec archive` requires a What Changes section with content (the first
// header titled "What Changes", any level) and stops without one. Like the Why rule, this
// surfaces at authoring time what the CLI reports only when archiving.

use openspec_syntax::spec::Section;

use super::{GUIDE_MISSING_CHANGE_SECTIONS, ProposalFile};
use crate::diagnostic::{Diagnostic, Severity};

/// Reports a missing What Changes; returns whether it is present.
pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) -> bool {
    let what_changes = file.proposal.what_changes();
    if what_changes.is_some_and(Section::has_content) {
        return true;
    }
    let range = what_changes.map_or_else(|| file.first_line_range(), Section::header_range);
    acc.push(Diagnostic::lsp(
        Some(&file.item),
        "proposal/missing-what-changes",
        Severity::Error,
        file.path.clone(),
        range,
        format!("Change must have a What Changes section. {GUIDE_MISSING_CHANGE_SECTIONS}"),
    ));
    false
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn empty_what_changes_is_flagged() {
        expect![[r###"
            //- /openspec/changes/a/proposal.md
            ## Why
            Logins fail silently for users whose session expired mid-request today.
            ## What Changes
            ^^^^^^^^^^^^^^^ error[proposal/missing-what-changes] (openspec-lsp): Change must have a What Changes section. Missing required sections. Expected headers: "## Why" and "## What Changes". Ensure deltas are documented in specs/ using delta headers.

            ## Impact
            - x
        "###]].assert_eq(&check(
            "//- /openspec/changes/a/proposal.md\n## Why\nLogins fail silently for users whose session expired mid-request today.\n## What Changes\n\n## Impact\n- x\n",
        ));
    }
}
