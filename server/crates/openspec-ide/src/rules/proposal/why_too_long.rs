//! A Why section longer than 1000 UTF-16 units.

// Diagnostic: proposal/why-too-long
//
// A proposal's motivation should be a paragraph, not a design document; the change schema
// archive applies caps it at 1000 characters (JS `string.length`, subsections included).

use openspec_syntax::js::js_length;

use super::ProposalFile;
use crate::diagnostic::{Diagnostic, Severity};

const MAX_WHY_SECTION_LENGTH: usize = 1000;

pub(super) fn check(file: &ProposalFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(why) = file.proposal.why() else { return };
    if js_length(&why.content_text()) <= MAX_WHY_SECTION_LENGTH {
        return;
    }
    acc.push(Diagnostic::lsp(
        Some(&file.item),
        "proposal/why-too-long",
        Severity::Warning,
        file.path.clone(),
        why.header_range(),
        "Why section should not exceed 1000 characters",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn long_why_is_flagged_and_1000_units_is_not() {
        let fixture = format!(
            "//- /openspec/changes/a/proposal.md\n## Why\n{}\n## What Changes\n- x\n//- /openspec/changes/b/proposal.md\n## Why\n{}\n## What Changes\n- x\n",
            "w".repeat(1001),
            "w".repeat(1000)
        );
        let rendered = check(&fixture).replace(&"w".repeat(1000), "w…");
        expect![[r"
            //- /openspec/changes/a/proposal.md
            ## Why
            ^^^^^^ warning[proposal/why-too-long] (openspec-lsp): Why section should not exceed 1000 characters
            w…w
            ## What Changes
            - x
        "]]
        .assert_eq(&rendered);
    }
}
