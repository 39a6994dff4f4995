//! Proposals without an Impact section (or with an empty one).

// Diagnostic: review/impact-missing
//
// OpenSpec's proposal template ends with `## Impact`: the specs, code, APIs and systems the
// change affects. The CLI never reads it, so a proposal without it passes every check, and
// the reviewer is left to guess the blast radius. The section is found as the CLI finds the
// Why and What Changes sections: the first header titled "Impact", at any level, in any case.
// A header with nothing under it counts as missing. The quick fix appends an `## Impact`
// skeleton listing the change's delta specs.

use openspec_syntax::proposal::Proposal;
use openspec_syntax::spec::find_section;

use super::{ReviewConfig, Site};
use crate::diagnostic::Diagnostic;
use crate::rules::delta::{ChangeDeltas, first_text_range};

pub(crate) const CODE: &str = "review/impact-missing";

pub fn check(change: &ChangeDeltas<'_>, config: &ReviewConfig, acc: &mut Vec<Diagnostic>) {
    let path = format!("{}/proposal.md", change.dir);
    let Some(text) = change.root.text(&path) else { return };
    let proposal = Proposal::parse(text);
    let site = Site { item: &change.item, path: &path, config };
    match find_section(&proposal.sections, "Impact") {
        None => {
            let message = "The proposal has no `## Impact` section: list the specs, code, APIs and systems this change affects, so reviewers see its reach.";
            acc.push(site.finding(CODE, first_text_range(text), message));
        }
        Some(section) if !section.has_content() => {
            let message = "The Impact section is empty: list the specs, code, APIs and systems this change affects, so reviewers see its reach.";
            acc.push(site.finding(CODE, section.header_range(), message));
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::review::test_helpers::{check_codes, enabling};

    fn check(fixture: &str) -> String {
        check_codes(&format!("{fixture}{}", enabling(super::CODE)), &[super::CODE])
    }

    #[test]
    fn flags_missing_or_empty_impact() {
        expect![[r#"
            //- /openspec/changes/a/proposal.md
            # Change: A
            ^^^^^^^^^^^ warning[review/impact-missing] (openspec-lsp): The proposal has no `## Impact` section: list the specs, code, APIs and systems this change affects, so reviewers see its reach.
            ## Why
            x
            ## What Changes
            - y
            //- /openspec/changes/b/proposal.md
            # Change: B
            ## Why
            x
            ## Impact
            ^^^^^^^^^ warning[review/impact-missing] (openspec-lsp): The Impact section is empty: list the specs, code, APIs and systems this change affects, so reviewers see its reach.

            ## What Changes
            - y
        "#]].assert_eq(&check(
            "//- /openspec/changes/a/proposal.md\n# Change: A\n## Why\nx\n## What Changes\n- y\n//- /openspec/changes/b/proposal.md\n# Change: B\n## Why\nx\n## Impact\n\n## What Changes\n- y\n",
        ));
    }

    #[test]
    fn quiet_with_an_impact_section_at_any_level() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/a/proposal.md\n# Change: A\n## Why\nx\n### IMPACT\n- Affected specs: auth\n",
        ));
    }
}
