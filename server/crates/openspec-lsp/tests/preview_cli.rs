//! End-to-end tests of `openspec-lsp preview`: spawn the built binary on small workspaces in
//! temp folders and snapshot exit code, stdout and stderr for each format (text, diff, json)
//! and each action (create, modify, delete, unchanged), refusals and usage errors. A diff's
//! context line for a blank line (one space) is shown as `<space>`.

use expect_test::{Expect, expect};

/// `auth` (gets a requirement), `export` (loses its last one; the change may retire it),
/// `billing` (already in sync) and a new `notes` capability.
const WORKSPACE: &str = r"
//- /openspec/specs/auth/spec.md
# auth Specification

## Purpose
Authenticate users with a password so that only they can reach their own data.

## Requirements
### Requirement: Password login
The system SHALL let a user log in with their email and password.

#### Scenario: Correct password
- **WHEN** a user submits the right email and password
- **THEN** they are logged in
//- /openspec/specs/export/spec.md
# export Specification

## Purpose
Export every record to CSV so that people can take their data elsewhere.

## Requirements
### Requirement: CSV export
The system SHALL export every record as CSV.

#### Scenario: Export
- **WHEN** a user asks for an export
- **THEN** they get a CSV file
//- /openspec/specs/billing/spec.md
# billing Specification

## Purpose
Bill customers every month for what they used, and nothing they did not use.

## Requirements
### Requirement: Invoices
The system SHALL send an invoice every month.

#### Scenario: Month ends
- **WHEN** a month ends
- **THEN** an invoice is sent
//- /openspec/changes/c/proposal.md
## Why
Two-factor sign-in, the end of the CSV export, and notes for the support team.

## What Changes
- Add a one-time code; drop CSV export; add notes.
//- /openspec/changes/c/specs/auth/spec.md
## ADDED Requirements
### Requirement: One-time code
The system MUST ask for a one-time code after a correct password.

#### Scenario: Code required
- **WHEN** a user enters the right password
- **THEN** they are asked for a one-time code
//- /openspec/changes/c/specs/billing/spec.md
## ADDED Requirements
### Requirement: Invoices
The system SHALL send an invoice every month.

#### Scenario: Month ends
- **WHEN** a month ends
- **THEN** an invoice is sent
//- /openspec/changes/c/specs/export/spec.md
## REMOVED Requirements
### Requirement: CSV export
**Reason**: Nobody uses it.
**Migration**: Use the API.
//- /openspec/changes/c/specs/notes/spec.md
## ADDED Requirements
### Requirement: Support notes
The system SHALL let support staff add notes to an account.

#### Scenario: Note added
- **WHEN** a support agent writes a note
- **THEN** it is kept on the account
";

const RETIRE: &str = "//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\nretire_capabilities: true\n";

/// Runs the binary in a temp copy of `fixture` and renders exit code, stdout and stderr.
fn check(fixture: &str, args: &[&str], expected: &Expect) {
    let (_temp, dir) = test_utils::temp_workspace(fixture);
    expected.assert_eq(&test_utils::run_rendered(env!("CARGO_BIN_EXE_openspec-lsp"), &dir, args, true));
}

#[test]
fn diff_of_every_action_when_archive_goes_through() {
    check(
        &format!("{WORKSPACE}{RETIRE}"),
        &["preview", "c", "--format", "diff"],
        &expect![[r#"
            exit: 0
            --- stdout
            --- a/openspec/specs/auth/spec.md
            +++ b/openspec/specs/auth/spec.md
            @@ -4,9 +4,17 @@
             Authenticate users with a password so that only they can reach their own data.
            <space>
             ## Requirements
            +
             ### Requirement: Password login
             The system SHALL let a user log in with their email and password.
            <space>
             #### Scenario: Correct password
             - **WHEN** a user submits the right email and password
             - **THEN** they are logged in
            +
            +### Requirement: One-time code
            +The system MUST ask for a one-time code after a correct password.
            +
            +#### Scenario: Code required
            +- **WHEN** a user enters the right password
            +- **THEN** they are asked for a one-time code
            --- a/openspec/specs/export/spec.md
            +++ /dev/null
            @@ -1,12 +0,0 @@
            -# export Specification
            -
            -## Purpose
            -Export every record to CSV so that people can take their data elsewhere.
            -
            -## Requirements
            -### Requirement: CSV export
            -The system SHALL export every record as CSV.
            -
            -#### Scenario: Export
            -- **WHEN** a user asks for an export
            -- **THEN** they get a CSV file
            --- /dev/null
            +++ b/openspec/specs/notes/spec.md
            @@ -0,0 +1,13 @@
            +# notes Specification
            +
            +## Purpose
            +TBD - created by archiving change c. Update Purpose after archive.
            +
            +## Requirements
            +
            +### Requirement: Support notes
            +The system SHALL let support staff add notes to an account.
            +
            +#### Scenario: Note added
            +- **WHEN** a support agent writes a note
            +- **THEN** it is kept on the account
        "#]],
    );
}

#[test]
fn text_of_one_capability_and_of_all() {
    check(
        &format!("{WORKSPACE}{RETIRE}"),
        &["preview", "c", "billing"],
        &expect![[r#"
            exit: 0
            --- stdout
            # billing Specification

            ## Purpose
            Bill customers every month for what they used, and nothing they did not use.

            ## Requirements
            ### Requirement: Invoices
            The system SHALL send an invoice every month.

            #### Scenario: Month ends
            - **WHEN** a month ends
            - **THEN** an invoice is sent
        "#]],
    );
    check(
        &format!("{WORKSPACE}{RETIRE}"),
        &["preview", "c", "--format", "text", "."],
        &expect![[r#"
            exit: 0
            --- stdout
            ==> openspec/specs/auth/spec.md (modify) <==
            # auth Specification

            ## Purpose
            Authenticate users with a password so that only they can reach their own data.

            ## Requirements

            ### Requirement: Password login
            The system SHALL let a user log in with their email and password.

            #### Scenario: Correct password
            - **WHEN** a user submits the right email and password
            - **THEN** they are logged in

            ### Requirement: One-time code
            The system MUST ask for a one-time code after a correct password.

            #### Scenario: Code required
            - **WHEN** a user enters the right password
            - **THEN** they are asked for a one-time code
            ==> openspec/specs/billing/spec.md (unchanged) <==
            # billing Specification

            ## Purpose
            Bill customers every month for what they used, and nothing they did not use.

            ## Requirements
            ### Requirement: Invoices
            The system SHALL send an invoice every month.

            #### Scenario: Month ends
            - **WHEN** a month ends
            - **THEN** an invoice is sent
            ==> openspec/specs/export/spec.md (delete) <==
            ==> openspec/specs/notes/spec.md (create) <==
            # notes Specification

            ## Purpose
            TBD - created by archiving change c. Update Purpose after archive.

            ## Requirements

            ### Requirement: Support notes
            The system SHALL let support staff add notes to an account.

            #### Scenario: Note added
            - **WHEN** a support agent writes a note
            - **THEN** it is kept on the account
        "#]],
    );
}

#[test]
fn json_with_a_refusal_exits_1() {
    // Without the retirement marker the validating archive refuses the empty export spec.
    check(
        WORKSPACE,
        &["preview", "c", "export", "--format", "json"],
        &expect![[r##"
        exit: 1
        --- stdout
        {
          "capabilities": [
            {
              "action": "modify",
              "capability": "export",
              "current": "# export Specification\n\n## Purpose\nExport every record to CSV so that people can take their data elsewhere.\n\n## Requirements\n### Requirement: CSV export\nThe system SHALL export every record as CSV.\n\n#### Scenario: Export\n- **WHEN** a user asks for an export\n- **THEN** they get a CSV file\n",
              "path": "openspec/specs/export/spec.md",
              "refusals": [
                {
                  "column": 1,
                  "line": 6,
                  "message": "Spec must have at least one requirement\n→ This change removes the last requirement 'export' has. To retire the capability and delete its spec, add `retire_capabilities: true` to the change's .openspec.yaml (alongside its `schema:`, which that file requires), then rerun.",
                  "path": "openspec/specs/export/spec.md",
                  "step": "rebuilt-spec"
                }
              ],
              "text": "# export Specification\n\n## Purpose\nExport every record to CSV so that people can take their data elsewhere.\n\n## Requirements\n",
              "warnings": []
            }
          ],
          "change": "c",
          "refusals": [],
          "validate": true,
          "wouldRefuse": true
        }
    "##]],
    );
}

#[test]
fn refusals_are_printed_with_locations_and_no_validate_goes_through() {
    check(
        WORKSPACE,
        &["preview", "c", "--format", "diff"],
        &expect![[r#"
        exit: 1
        --- stdout
        --- a/openspec/specs/auth/spec.md
        +++ b/openspec/specs/auth/spec.md
        @@ -4,9 +4,17 @@
         Authenticate users with a password so that only they can reach their own data.
        <space>
         ## Requirements
        +
         ### Requirement: Password login
         The system SHALL let a user log in with their email and password.
        <space>
         #### Scenario: Correct password
         - **WHEN** a user submits the right email and password
         - **THEN** they are logged in
        +
        +### Requirement: One-time code
        +The system MUST ask for a one-time code after a correct password.
        +
        +#### Scenario: Code required
        +- **WHEN** a user enters the right password
        +- **THEN** they are asked for a one-time code
        --- a/openspec/specs/export/spec.md
        +++ b/openspec/specs/export/spec.md
        @@ -4,9 +4,3 @@
         Export every record to CSV so that people can take their data elsewhere.
        <space>
         ## Requirements
        -### Requirement: CSV export
        -The system SHALL export every record as CSV.
        -
        -#### Scenario: Export
        -- **WHEN** a user asks for an export
        -- **THEN** they get a CSV file
        --- /dev/null
        +++ b/openspec/specs/notes/spec.md
        @@ -0,0 +1,13 @@
        +# notes Specification
        +
        +## Purpose
        +TBD - created by archiving change c. Update Purpose after archive.
        +
        +## Requirements
        +
        +### Requirement: Support notes
        +The system SHALL let support staff add notes to an account.
        +
        +#### Scenario: Note added
        +- **WHEN** a support agent writes a note
        +- **THEN** it is kept on the account
        --- stderr
        openspec/specs/export/spec.md:6:1: archive would refuse: Spec must have at least one requirement
        → This change removes the last requirement 'export' has. To retire the capability and delete its spec, add `retire_capabilities: true` to the change's .openspec.yaml (alongside its `schema:`, which that file requires), then rerun.
    "#]],
    );
    check(
        WORKSPACE,
        &["preview", "c", "export", "--no-validate", "--format", "diff"],
        &expect![[r#"
        exit: 0
        --- stdout
        --- a/openspec/specs/export/spec.md
        +++ b/openspec/specs/export/spec.md
        @@ -4,9 +4,3 @@
         Export every record to CSV so that people can take their data elsewhere.
        <space>
         ## Requirements
        -### Requirement: CSV export
        -The system SHALL export every record as CSV.
        -
        -#### Scenario: Export
        -- **WHEN** a user asks for an export
        -- **THEN** they get a CSV file
    "#]],
    );
}

#[test]
fn usage_errors_exit_2() {
    check(
        WORKSPACE,
        &["preview", "nope"],
        &expect![[r#"
        exit: 2
        --- stderr
        openspec-lsp: error: no active change named `nope`
    "#]],
    );
    check(
        WORKSPACE,
        &["preview", "c", "ghost"],
        &expect![[r#"
        exit: 2
        --- stderr
        openspec-lsp: error: Change `c` has no delta spec for `ghost`
    "#]],
    );
    check(
        WORKSPACE,
        &["preview", "c", "--format", "html"],
        &expect![[r#"
        exit: 2
        --- stderr
        error: invalid value 'html' for '--format <FORMAT>'
          [possible values: text, diff, json]

        For more information, try '--help'.
    "#]],
    );
}
