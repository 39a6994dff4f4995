//! A Why section shorter than 50 UTF-16 units.

// Diagnostic: proposal/why-too-short
//
// The change schema that `openspec archive` applies wants at least 50 characters of
// motivation (JS `string.length` of the trimmed content, subsections included). Archive only
// prints it as a non-blocking proposal warning, so this is a warning too.

use openspec_syntax::js::js_length;

use super::ProposalFile;
use crate::diagnostic::{Diagnostic, Severity};

const MIN_WHY_SECTION_LENGTH: usize = 50;

pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(why) = file.proposal.why() else { return };
    if js_length(&why.content_text()) >= MIN_WHY_SECTION_LENGTH {
        return;
    }
    acc.push(Diagnostic::lsp(
        Some(&file.item),
        "proposal/why-too-short",
        Severity::Warning,
        file.path.clone(),
        why.header_range(),
        "Why section must be at least 50 characters",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn short_why_is_flagged_and_50_units_is_not() {
        let fixture = format!(
            "//- /openspec/changes/a/proposal.md\n## Why\n{}\n## What Changes\n- x\n//- /openspec/changes/b/proposal.md\n## Why\n{}\n## What Changes\n- x\n",
            "w".repeat(49),
            "😀".repeat(25)
        );
        expect![[r"
            //- /openspec/changes/a/proposal.md
            ## Why
            ^^^^^^ warning[proposal/why-too-short] (openspec-lsp): Why section must be at least 50 characters
            wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww
            ## What Changes
            - x
        "]]
        .assert_eq(&check(&fixture));
    }
}
