//! A Purpose shorter than 50 UTF-16 units.

// Diagnostic: spec/purpose-too-brief
//
// A one-line Purpose rarely tells a reader what the capability is for. The CLI measures the
// trimmed Purpose content with JS `string.length`, deeper subsections and HTML comments
// included, and skips this check when the Purpose is a placeholder (reported instead).

use openspec_syntax::js::js_length;

use super::CheckedSpec;
use crate::diagnostic::{Diagnostic, Severity};

const MIN_PURPOSE_LENGTH: usize = 50;

pub(super) fn check(spec: &CheckedSpec<'_, '_>, acc: &mut Vec<Diagnostic>) {
    if js_length(&spec.purpose.content_text()) >= MIN_PURPOSE_LENGTH {
        return;
    }
    acc.push(Diagnostic::openspec(
        &spec.file.item,
        "spec/purpose-too-brief",
        Severity::Warning,
        spec.file.path,
        spec.purpose.header_range(),
        "Purpose section is too brief (less than 50 characters)",
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn brevity_counts_utf16_units() {
        // 25 emoji are 50 UTF-16 units: long enough. 49 ASCII characters are not.
        let emoji = "😀".repeat(25);
        let fixture = format!(
            "//- /openspec/specs/emoji/spec.md\n## Purpose\n{emoji}\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n//- /openspec/specs/short/spec.md\n## Purpose\n{}\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n",
            "p".repeat(49)
        );
        expect![[r"
            //- /openspec/specs/short/spec.md
            ## Purpose
            ^^^^^^^^^^ warning[spec/purpose-too-brief]: Purpose section is too brief (less than 50 characters)
            ppppppppppppppppppppppppppppppppppppppppppppppppp
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
        "]]
        .assert_eq(&check(&fixture));
    }
}
