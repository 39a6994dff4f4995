//! Closing `#`s (ATX closed style) on a main spec header, where the readers of `openspec`
//! disagree with what a reader of the rendered Markdown sees.

// Diagnostic: spec/closing-hashes
//
// Markdown renders `## Purpose ##` as "Purpose", but OpenSpec's section reader keeps the
// closing run in the title, so it finds no Purpose (or Requirements) and fails the spec with
// an error that points nowhere near the cause. On a `### Requirement:` header, 1.13 strips
// the run from the name while earlier versions kept it, so a delta written against one
// spelling misses the other. Either way the run is noise worth removing.

use openspec_syntax::TextRange;
use openspec_syntax::requirement_blocks::is_requirement_header;
use openspec_syntax::requirement_text::{has_closing_hashes, normalize_requirement_name};
use openspec_syntax::spec::{Section, SpecDoc, walk_sections};

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &SpecFile<'_>, spec_doc: &SpecDoc<'_>, acc: &mut Vec<Diagnostic>) {
    let mut sections = Vec::new();
    walk_sections(&spec_doc.sections, &mut sections);
    for section in sections {
        if !has_closing_hashes(section.title) {
            continue;
        }
        let bare = normalize_requirement_name(section.title);
        let known_title = ["Purpose", "Requirements"].into_iter().find(|known| bare.eq_ignore_ascii_case(known));
        let message = if let Some(known) = known_title {
            format!(
                "OpenSpec reads this header's title as \"{}\", closing #s included, so it is not the {known} section. Remove the closing #s.",
                section.title
            )
        } else if is_requirement_header(section.header.text) {
            format!(
                "The closing #s are not part of the requirement name \"{}\": OpenSpec 1.13 strips them, but earlier versions kept them, so a delta written against one spelling misses the other. Remove them.",
                requirement_name(bare)
            )
        } else {
            continue;
        };
        acc.push(Diagnostic::lsp(
            Some(&file.item),
            "spec/closing-hashes",
            Severity::Warning,
            file.path,
            closing_run_range(section),
            message,
        ));
    }
}

/// The name after `Requirement:` in a normalised requirement title.
fn requirement_name(title: &str) -> &str {
    let after_colon = title.split_once(':').map_or(title, |(_, name)| name);
    openspec_syntax::js::js_trim(after_colon)
}

/// The run of `#`s ending the title.
fn closing_run_range(section: &Section<'_>) -> TextRange {
    let title_range = section.title_range();
    let kept = section.title.trim_end_matches('#').len();
    TextRange::new(title_range.start + kept, title_range.end)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn closed_purpose_and_requirement_headers_are_flagged() {
        expect![[r###"
            //- /openspec/specs/auth/spec.md
            ## Purpose ##
            ^^^^^^^^^^^^^ error[spec/missing-purpose]: Spec must have a Purpose section. Missing required sections. Expected headers: "## Purpose" and "## Requirements". Example:
            ## Purpose
            [brief purpose]

            ## Requirements
            ### Requirement: Clear requirement statement
            Users SHALL ...

            #### Scenario: Descriptive name
            - **WHEN** ...
            - **THEN** ...
                       ^^ warning[spec/closing-hashes] (openspec-lsp): OpenSpec reads this header's title as "Purpose ##", closing #s included, so it is not the Purpose section. Remove the closing #s.
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: Login ###
                                   ^^^ warning[spec/closing-hashes] (openspec-lsp): The closing #s are not part of the requirement name "Login": OpenSpec 1.13 strips them, but earlier versions kept them, so a delta written against one spelling misses the other. Remove them.
            It SHALL work.
            #### Scenario: s ##
            - ok
            ### Requirement: C#
            It SHALL work.
            #### Scenario: s
            - ok
        "###]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose ##\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: Login ###\nIt SHALL work.\n#### Scenario: s ##\n- ok\n### Requirement: C#\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
