//! A header titled "Requirements" that captures the section reader's lookup while the other
//! readers use the `## Requirements` line.

// Diagnostic: spec/requirements-subsection
//
// The section reader takes the first header titled "Requirements" at any level, so a
// `### Requirements` under Purpose (or a `# Requirements`) becomes the section whose children
// are checked for scenarios, while the block reader and the structure scan use the first
// `## Requirements` line. The real requirements then escape the scenario checks, or the spec
// fails with "at least one requirement" for no visible reason.

use openspec_syntax::LineIndex;
use openspec_syntax::requirement_blocks::RequirementsSection;
use openspec_syntax::spec::SpecDoc;

use super::SpecFile;
use crate::diagnostic::{Diagnostic, Severity};

/// `blocks` is reader B's view of the same file.
pub(super) fn check(
    file: &SpecFile<'_>,
    spec_doc: &SpecDoc<'_>,
    blocks: &RequirementsSection<'_>,
    acc: &mut Vec<Diagnostic>,
) {
    let Some(section) = spec_doc.requirements_section() else { return };
    let block_header = blocks.header;
    if block_header.is_some_and(|header| header.start == section.header.start) {
        return;
    }
    let message = match block_header {
        Some(header) => format!(
            "OpenSpec's section reader takes the first header titled \"Requirements\" at any level, so it reads the requirements under this header instead of the \"## Requirements\" on line {}, whose requirements are then not checked for scenarios. Rename or remove this header.",
            LineIndex::new(file.text).line_of(header.start) + 1
        ),
        None => "OpenSpec's section reader takes this header as the Requirements section, but the SHALL/MUST check, the structure check and archive only know a \"## Requirements\" line, and this file has none. Write it as \"## Requirements\".".to_owned(),
    };
    acc.push(Diagnostic::lsp(
        Some(&file.item),
        "spec/requirements-subsection",
        Severity::Warning,
        file.path,
        section.header_range(),
        message,
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn subsection_capturing_the_lookup_is_flagged() {
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ### Requirements
            ^^^^^^^^^^^^^^^^ warning[spec/requirements-subsection] (openspec-lsp): OpenSpec's section reader takes the first header titled "Requirements" at any level, so it reads the requirements under this header instead of the "## Requirements" on line 5, whose requirements are then not checked for scenarios. Rename or remove this header.
            ^^^^^^^^^^^^^^^^ error[spec/no-requirements]: Spec must have at least one requirement
            See below.
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
            //- /openspec/specs/h1/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            # Requirements
            ^^^^^^^^^^^^^^ warning[spec/requirements-subsection] (openspec-lsp): OpenSpec's section reader takes this header as the Requirements section, but the SHALL/MUST check, the structure check and archive only know a "## Requirements" line, and this file has none. Write it as "## Requirements".
            ### Requirement: A
            ^^^^^^^^^^^^^^^^^^ error[spec/requirement-outside-section]: Requirement header "### Requirement: A" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.
            It SHALL work.
            #### Scenario: s
            - ok
        "####]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n### Requirements\nSee below.\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n//- /openspec/specs/h1/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n# Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
