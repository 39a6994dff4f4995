//! A proposal without a non-empty Why section.

// Diagnostic: proposal/missing-why
//
// `openspec archive` parses the proposal and stops at a missing or empty Why (the first header
// titled "Why", any level). `validate` never reads the proposal, so the problem only surfaces
// at archive time; reporting it while the proposal is written is cheaper.

use openspec_syntax::spec::Section;

use super::{GUIDE_MISSING_CHANGE_SECTIONS, ProposalFile};
use crate::diagnostic::{Diagnostic, Severity};

/// Reports a missing Why; returns whether the Why is present.
pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) -> bool {
    let why = file.proposal.why();
    if why.is_some_and(Section::has_content) {
        return true;
    }
    let range = why.map_or_else(|| file.first_line_range(), Section::header_range);
    acc.push(Diagnostic::lsp(
        Some(&file.item),
        "proposal/missing-why",
        Severity::Error,
        file.path.clone(),
        range,
        format!("Change must have a Why section. {GUIDE_MISSING_CHANGE_SECTIONS}"),
    ));
    false
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn missing_or_empty_why_is_flagged_alone() {
        expect![[r###"
            //- /openspec/changes/a/proposal.md
            # Change: A
            ^^^^^^^^^^^ error[proposal/missing-why] (openspec-lsp): Change must have a Why section. Missing required sections. Expected headers: "## Why" and "## What Changes". Ensure deltas are documented in specs/ using delta headers.
            ## What Changes
            - x
            //- /openspec/changes/b/proposal.md
            ## Why
            <!-- -->
            ## What Changes
            ^^^^^^^^^^^^^^^ error[proposal/missing-what-changes] (openspec-lsp): Change must have a What Changes section. Missing required sections. Expected headers: "## Why" and "## What Changes". Ensure deltas are documented in specs/ using delta headers.
        "###]].assert_eq(&check(
            "//- /openspec/changes/a/proposal.md\n# Change: A\n## What Changes\n- x\n//- /openspec/changes/b/proposal.md\n## Why\n<!-- -->\n## What Changes\n",
        ));
    }

    #[test]
    fn present_why_is_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/a/proposal.md\n#### why\nLogins fail silently for users whose session expired mid-request today.\n## What Changes\n- x\n",
        ));
    }
}
