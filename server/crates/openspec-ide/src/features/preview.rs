//! The merged-spec preview: the main spec `openspec archive` would write for one delta spec of
//! an active change (or for each of them), or the reasons archive would refuse it. Built on
//! `archive::simulate`; it never writes and never judges beyond what archive itself refuses.

use crate::analysis::Analysis;
use crate::archive::{self, ArchiveRequest};
use crate::index::WorkspaceIndex;
use crate::layout;
use crate::vfs::{Entry, RootSnapshot};

/// One capability's preview within a whole-change preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityPreview {
    pub capability: String,
    /// The main spec archive writes: `openspec/specs/<capability>/spec.md`.
    pub main_spec_path: String,
    /// The rebuilt spec (LF line ends, as archive writes it), or archive's refusal reasons.
    pub result: Result<String, String>,
}

/// What archive would write to `openspec/specs/<capability>/spec.md` when archiving the active
/// change `change_id`, or every reason it would refuse (archive's own messages, one a line).
pub fn preview_archive(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change_id: &str,
    capability: &str,
) -> Result<String, String> {
    let change = index
        .active_change(change_id)
        .ok_or_else(|| format!("No active change named `{change_id}`"))?;
    let delta = change
        .delta(capability)
        .ok_or_else(|| format!("Change `{change_id}` has no delta spec for `{capability}`"))?;
    let delta_text = root
        .text(&delta.path)
        .ok_or_else(|| format!("Cannot read {}", delta.path))?;
    let base_path = layout::main_spec_path(capability);
    let base_text = match root.get(&base_path) {
        None | Some(Entry::DanglingSymlink) => None,
        Some(_) => Some(
            root.text(&base_path)
                .ok_or_else(|| format!("Cannot read {base_path}"))?,
        ),
    };
    let simulation = archive::simulate(&ArchiveRequest {
        capability,
        change: change_id,
        delta_text,
        base_text,
        base_path: &base_path,
    });
    if simulation.problems.is_empty() {
        return Ok(simulation.rebuilt);
    }
    let reasons: Vec<&str> = simulation
        .problems
        .iter()
        .map(|problem| problem.message.as_str())
        .collect();
    Err(reasons.join("\n"))
}

/// The preview of every delta spec of the active change `change_id`, sorted by capability.
pub fn preview_change_archive(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change_id: &str,
) -> Result<Vec<CapabilityPreview>, String> {
    let change = index
        .active_change(change_id)
        .ok_or_else(|| format!("No active change named `{change_id}`"))?;
    Ok(change
        .deltas
        .iter()
        .map(|delta| CapabilityPreview {
            capability: delta.capability.clone(),
            main_spec_path: layout::main_spec_path(&delta.capability),
            result: preview_archive(root, index, change_id, &delta.capability),
        })
        .collect())
}

impl Analysis {
    /// The main spec archiving `change_id` would write for `capability`, or why it would not.
    pub fn preview_archive(&self, change_id: &str, capability: &str) -> Result<String, String> {
        preview_archive(&self.root, &self.index, change_id, capability)
    }

    /// [`Analysis::preview_archive`] for every capability the change touches.
    pub fn preview_change_archive(
        &self,
        change_id: &str,
    ) -> Result<Vec<CapabilityPreview>, String> {
        preview_change_archive(&self.root, &self.index, change_id)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, change_id: &str, expect: &Expect) {
        let (analysis, _, _) = fixture::analysis(fixture_text);
        let mut out = String::new();
        match analysis.preview_change_archive(change_id) {
            Err(message) => {
                let _ = writeln!(out, "error: {message}");
            }
            Ok(previews) => {
                for preview in previews {
                    let _ = writeln!(
                        out,
                        "=== {} -> {}",
                        preview.capability, preview.main_spec_path
                    );
                    match preview.result {
                        Ok(text) => out.push_str(&text),
                        Err(reasons) => {
                            let _ = writeln!(out, "refused:\n{reasons}");
                        }
                    }
                }
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn merges_each_capability_or_explains_the_refusal() {
        check(
            r"//- /openspec/specs/auth/spec.md
# auth Specification

## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in
//- /openspec/changes/c/specs/auth/spec.md
## ADDED Requirements
### Requirement: Logout
The system SHALL log users out.

#### Scenario: bye
- **WHEN** clicked
- **THEN** logged out
//- /openspec/changes/c/specs/billing/spec.md
## MODIFIED Requirements
### Requirement: Pay
The system SHALL take money.

#### Scenario: pay
- **WHEN** paying
- **THEN** paid
//- /openspec/changes/c/specs/notes/spec.md
## ADDED Requirements
### Requirement: Größe
Das System SHALL größer sein.

#### Scenario: ä
- **WHEN** x
- **THEN** y
",
            "c",
            &expect![[r#"
                === auth -> openspec/specs/auth/spec.md
                # auth Specification

                ## Purpose
                Authenticate every user before they reach their data.

                ## Requirements

                ### Requirement: Login
                The system SHALL log users in.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in

                ### Requirement: Logout
                The system SHALL log users out.

                #### Scenario: bye
                - **WHEN** clicked
                - **THEN** logged out
                === billing -> openspec/specs/billing/spec.md
                refused:
                billing: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.
                === notes -> openspec/specs/notes/spec.md
                # notes Specification

                ## Purpose
                TBD - created by archiving change c. Update Purpose after archive.

                ## Requirements

                ### Requirement: Größe
                Das System SHALL größer sein.

                #### Scenario: ä
                - **WHEN** x
                - **THEN** y
            "#]],
        );
    }

    #[test]
    fn crlf_delta_and_unknown_change() {
        check(
            "//- /openspec/specs/auth/spec.md\r\n## Purpose\r\nAuthenticate every user before they reach their data.\r\n\r\n## Requirements\r\n### Requirement: Login\r\nThe system SHALL log in.\r\n\r\n#### Scenario: ok\r\n- x\r\n//- /openspec/changes/c/specs/auth/spec.md\r\n## REMOVED Requirements\r\n- `### Requirement: Login`\r\n",
            "c",
            &expect![[r#"
                === auth -> openspec/specs/auth/spec.md
                ## Purpose
                Authenticate every user before they reach their data.

                ## Requirements
            "#]],
        );
        check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\n",
            "nope",
            &expect![[r#"
            error: No active change named `nope`
        "#]],
        );
    }
}
