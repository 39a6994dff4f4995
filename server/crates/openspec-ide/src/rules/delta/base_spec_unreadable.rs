//! A main spec that exists but cannot be read, for a delta spec with MODIFIED blocks.

// Diagnostic: delta/base-spec-unreadable
//
// Validate compares MODIFIED blocks with the main spec to catch scenario loss. A main spec
// that exists but cannot be read (permissions, a folder where the file should be) is not a
// new capability: archive reads the same file and aborts on it, so validate fails now rather
// than calling the change fine. Transient errors stay silent, as in the CLI.

use super::{BaseSpec, ChangeDeltas, DeltaFile, base_spec};
use crate::diagnostic::{Diagnostic, Severity};
use crate::layout;

const CODE: &str = "delta/base-spec-unreadable";

/// The codes that mean the file itself is unusable (and will be when archive reads it).
const UNUSABLE: [&str; 5] = ["EACCES", "EPERM", "EISDIR", "ELOOP", "ENAMETOOLONG"];

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(first_modified) = file.delta.modified.first() else {
        return;
    };
    let BaseSpec::Unreadable { code, message } = base_spec(change.root, file.capability) else {
        return;
    };
    if !UNUSABLE.contains(&code) {
        return;
    }
    // The CLI names the absolute path; Node's own message carries it (`..., open '/abs/x'`),
    // otherwise the root-relative path stands in.
    let relative = layout::main_spec_path(file.capability);
    let shown = message.and_then(quoted_path).filter(|path| path.ends_with(&relative)).unwrap_or(&relative);
    let text = format!(
        "Could not read {shown} to check the MODIFIED requirements against it ({code}). Archive reads the same file, so fix the file before archiving."
    );
    acc.push(change.finding(CODE, Severity::Error, file.path, first_modified.header_range(), text));
}

/// The last `'...'` quoted span of a Node error message.
fn quoted_path(message: &str) -> Option<&str> {
    let end = message.rfind('\'')?;
    let start = message.get(..end)?.rfind('\'')?;
    message.get(start + 1..end)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::vfs::{Entry, FileContent, IoProblem};

    fn check(fixture: &str, unreadable: &[&str]) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut root = crate::test_support::snapshot(&fixture);
        for path in unreadable {
            let problem = IoProblem {
                code: "EACCES".into(),
                message: format!("EACCES: permission denied, open '/abs/root/{path}'"),
            };
            root.entries
                .insert((*path).to_owned(), Entry::File { content: FileContent::Unreadable(problem), symlink: false });
        }
        let report = crate::check_root(&root, &crate::CheckConfig::default());
        let kept: Vec<_> = report.diagnostics.into_iter().filter(|d| d.code == super::CODE).collect();
        crate::test_support::render(&fixture, &kept)
    }

    const DELTA: &str = "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL.\n#### Scenario: s\n- x\n## MODIFIED Requirements\n### Requirement: B\nThe system SHALL.\n#### Scenario: s\n- x\n";

    #[test]
    fn flags_an_unreadable_main_spec_and_a_folder_in_its_place() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: A
            The system SHALL.
            #### Scenario: s
            - x
            ## MODIFIED Requirements
            ### Requirement: B
            ^^^^^^^^^^^^^^^^^^ error[delta/base-spec-unreadable]: Could not read /abs/root/openspec/specs/auth/spec.md to check the MODIFIED requirements against it (EACCES). Archive reads the same file, so fix the file before archiving.
            The system SHALL.
            #### Scenario: s
            - x
        "#]].assert_eq(&check(DELTA, &["openspec/specs/auth/spec.md"]));
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: A
            The system SHALL.
            #### Scenario: s
            - x
            ## MODIFIED Requirements
            ### Requirement: B
            ^^^^^^^^^^^^^^^^^^ error[delta/base-spec-unreadable]: Could not read openspec/specs/auth/spec.md to check the MODIFIED requirements against it (EISDIR). Archive reads the same file, so fix the file before archiving.
            The system SHALL.
            #### Scenario: s
            - x
        "#]].assert_eq(&check(&format!("{DELTA}//- /openspec/specs/auth/spec.md/notes.md\nx\n"), &[]));
    }

    #[test]
    fn missing_main_spec_or_no_modified_is_quiet() {
        expect![[""]].assert_eq(&check(DELTA, &[]));
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL.\n#### Scenario: s\n- x\n",
            &["openspec/specs/auth/spec.md"],
        ));
    }
}
