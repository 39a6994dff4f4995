//! The archive preview: what `openspec archive <change> --yes` would do to each main spec of an
//! active change (`crate::archive_plan`): the file it writes, creates or deletes, or leaves
//! alone, and every refusal with its place. It never writes and never judges beyond archive.

use crate::archive_plan::{self, ChangePlan, SpecAction};
use crate::diagnostic::Diagnostic;
use crate::index::WorkspaceIndex;
use crate::layout;
use crate::vfs::RootSnapshot;

/// One capability's preview within a whole-change preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityPreview {
    pub capability: String,
    /// The main spec archive writes: `openspec/specs/<capability>/spec.md`.
    pub main_spec_path: String,
    /// The spec archive leaves (as it writes it), or archive's refusal reasons, one a line.
    pub result: Result<String, String>,
}

/// The plan for archiving `change_id` (every capability, or only `capability`), as the validating
/// archive (`validate`) or `--no-validate` would carry it out. `diagnostics` are `check_root`'s
/// for the same snapshot (the validating archive refuses on the change's validation errors).
pub fn preview_change(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change_id: &str,
    capability: Option<&str>,
    diagnostics: &[Diagnostic],
    validate: bool,
) -> Result<ChangePlan, String> {
    let mut plan = archive_plan::plan_change(root, index, change_id, diagnostics, validate)
        .ok_or_else(|| format!("No active change named `{change_id}`"))?;
    if let Some(capability) = capability {
        plan.specs.retain(|spec| spec.capability == capability);
        if plan.specs.is_empty() {
            return Err(format!("Change `{change_id}` has no delta spec for `{capability}`"));
        }
    }
    Ok(plan)
}

/// What archive would leave in `openspec/specs/<capability>/spec.md` when archiving the active
/// change `change_id` without validation (empty when it deletes the file), or every reason it
/// would refuse (archive's own messages, one a line).
pub fn preview_archive(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change_id: &str,
    capability: &str,
) -> Result<String, String> {
    let plan = preview_change(root, index, change_id, Some(capability), &[], false)?;
    plan.specs.into_iter().next().map_or_else(
        || Err(format!("Nothing to preview for `{capability}`")),
        |spec| {
            if spec.refusals.is_empty() {
                Ok(if spec.action == SpecAction::Delete { String::new() } else { spec.text.unwrap_or_default() })
            } else {
                Err(spec.refusals.iter().map(|refusal| refusal.message.as_str()).collect::<Vec<_>>().join("\n"))
            }
        },
    )
}

/// The preview of every delta spec of the active change `change_id`, sorted by capability.
pub fn preview_change_archive(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change_id: &str,
) -> Result<Vec<CapabilityPreview>, String> {
    let change = index.active_change(change_id).ok_or_else(|| format!("No active change named `{change_id}`"))?;
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

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use crate::features::fixture;

    /// Renders the plan of `change_id` as the validating archive (or `--no-validate`) would
    /// carry it out: per spec its action, refusals (`path line:col`) and text, `\r` shown as `␍`.
    fn check_plan(fixture_text: &str, change_id: &str, validate: bool, expect: &Expect) {
        let (analysis, _, _) = fixture::analysis(fixture_text);
        let report = crate::check_root(&analysis.root, &crate::CheckConfig::default());
        let mut out = String::new();
        match analysis.preview_change(change_id, None, &report.diagnostics, validate) {
            Err(message) => {
                let _ = writeln!(out, "error: {message}");
            }
            Ok(plan) => {
                for refusal in &plan.refusals {
                    let at = fixture::line_col(&analysis, &refusal.path, refusal.range.start);
                    let _ = writeln!(out, "refused by the change: {} {at}: {}", refusal.path, refusal.message);
                }
                for spec in &plan.specs {
                    let _ = writeln!(out, "=== {} {}", spec.path, spec.action.as_str());
                    for refusal in &spec.refusals {
                        let at = fixture::line_col(&analysis, &refusal.path, refusal.range.start);
                        let _ =
                            writeln!(out, "refused ({:?}) at {} {at}: {}", refusal.step, refusal.path, refusal.message);
                    }
                    if let Some(text) = &spec.text {
                        out.push_str(&text.replace('\r', "␍"));
                    }
                }
            }
        }
        expect.assert_eq(&out);
    }

    const AUTH: &str = "//- /openspec/specs/auth/spec.md
# auth Specification

## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in
";

    #[test]
    fn merges_each_capability_or_explains_the_refusal() {
        check_plan(
            &format!(
                "{AUTH}//- /openspec/changes/c/specs/auth/spec.md
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
"
            ),
            "c",
            false,
            &expect![[r#"
                === openspec/specs/auth/spec.md modify
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
                === openspec/specs/billing/spec.md unchanged
                refused (Merge) at openspec/changes/c/specs/billing/spec.md 2:1: billing: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.
                === openspec/specs/notes/spec.md create
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
    fn nothing_to_change_leaves_the_file_as_it_is() {
        check_plan(
            &format!(
                "{AUTH}//- /openspec/changes/c/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in
"
            ),
            "c",
            true,
            &expect![[r#"
                === openspec/specs/auth/spec.md unchanged
                # auth Specification

                ## Purpose
                Authenticate every user before they reach their data.

                ## Requirements
                ### Requirement: Login
                The system SHALL log users in.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in
            "#]],
        );
    }

    #[test]
    fn keeps_the_line_endings_of_the_main_spec() {
        check_plan(
            "//- /openspec/specs/auth/spec.md\r\n## Purpose\r\nAuthenticate every user before they reach their data.\r\n\r\n## Requirements\r\n### Requirement: Login\r\nThe system SHALL log in.\r\n\r\n#### Scenario: ok\r\n- x\r\n### Requirement: Logout\r\nThe system SHALL log out.\r\n\r\n#### Scenario: ok\r\n- x\r\n//- /openspec/changes/c/specs/auth/spec.md\r\n## REMOVED Requirements\r\n- `### Requirement: Login`\r\n",
            "c",
            false,
            &expect![[r#"
                === openspec/specs/auth/spec.md modify
                ## Purpose␍
                Authenticate every user before they reach their data.␍
                ␍
                ## Requirements␍
                ␍
                ### Requirement: Logout␍
                The system SHALL log out.␍
                ␍
                #### Scenario: ok␍
                - x␍
            "#]],
        );
    }

    const LAST: &str = "//- /openspec/specs/export/spec.md
# export Specification

## Purpose
Export every record to CSV so that people can take their data elsewhere.

## Requirements
### Requirement: CSV
The system SHALL export CSV.

#### Scenario: ok
- **WHEN** asked
- **THEN** exported
//- /openspec/changes/c/specs/export/spec.md
## REMOVED Requirements
### Requirement: CSV
**Reason**: unused
";

    #[test]
    fn removing_the_last_requirement_retires_or_refuses() {
        check_plan(
            &format!("{LAST}//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\nretire_capabilities: true\n"),
            "c",
            true,
            &expect![[r#"
                === openspec/specs/export/spec.md delete
            "#]],
        );
        check_plan(
            LAST,
            "c",
            true,
            &expect![[r#"
                === openspec/specs/export/spec.md modify
                refused (RebuiltSpec) at openspec/specs/export/spec.md 6:1: Spec must have at least one requirement
                → This change removes the last requirement 'export' has. To retire the capability and delete its spec, add `retire_capabilities: true` to the change's .openspec.yaml (alongside its `schema:`, which that file requires), then rerun.
                # export Specification

                ## Purpose
                Export every record to CSV so that people can take their data elsewhere.

                ## Requirements
            "#]],
        );
        // Without validation nothing is retired: archive writes the empty spec.
        check_plan(
            &format!("{LAST}//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\nretire_capabilities: true\n"),
            "c",
            false,
            &expect![[r#"
                === openspec/specs/export/spec.md modify
                # export Specification

                ## Purpose
                Export every record to CSV so that people can take their data elsewhere.

                ## Requirements
            "#]],
        );
    }

    #[test]
    fn an_invalid_main_spec_refuses_even_a_valid_change() {
        check_plan(
            "//- /openspec/specs/auth/spec.md
## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.
//- /openspec/changes/c/specs/auth/spec.md
## ADDED Requirements
### Requirement: Logout
The system SHALL log users out.

#### Scenario: bye
- **WHEN** clicked
- **THEN** logged out
",
            "c",
            true,
            &expect![[r#"
                === openspec/specs/auth/spec.md modify
                refused (RebuiltSpec) at openspec/specs/auth/spec.md 5:1: Requirement must have at least one scenario
                ## Purpose
                Authenticate every user before they reach their data.

                ## Requirements

                ### Requirement: Login
                The system SHALL log users in.

                ### Requirement: Logout
                The system SHALL log users out.

                #### Scenario: bye
                - **WHEN** clicked
                - **THEN** logged out
            "#]],
        );
    }

    #[test]
    fn unknown_change_and_capability() {
        check_plan(
            AUTH,
            "nope",
            true,
            &expect![[r#"
            error: No active change named `nope`
        "#]],
        );
    }
}
