//! "Rename through change...": renames a main-spec requirement the OpenSpec way, by a
//! `## RENAMED Requirements` entry in an active change (one whose delta already touches the
//! capability, or a new change folder with a proposal and the delta), and points the other
//! active deltas naming the requirement at the new name, since they archive after the rename.
//! The main spec itself is not edited (archive does that). Pure: returns the edits, never writes.
//! The plain rename (`rename.rs`) stays the way to edit the main spec directly.

use std::collections::BTreeMap;

use openspec_syntax::requirement_blocks::DeltaKind;

use crate::change_meta::is_kebab_id;
use crate::features::rename::{RenameTarget, check_new_name};
use crate::index::{DeltaOp, Located, WorkspaceIndex};
use crate::layout;
use crate::types::{FilePosition, FileRange, SourceChange, TextEdit};
use crate::vfs::RootSnapshot;

/// The main-spec requirement under a cursor and where its rename could go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameThroughChangeTarget {
    pub capability: String,
    pub requirement: String,
    /// The requirement's name in the main spec.
    pub name_range: FileRange,
    /// Active changes with a delta spec for the capability that may carry the rename (not those
    /// removing or already renaming the requirement), sorted.
    pub changes: Vec<String>,
}

/// Which change carries the `RENAMED` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameVia {
    /// An active change with a delta spec for the capability.
    Existing(String),
    /// A new change folder with this id: a proposal skeleton and the delta spec.
    New(String),
}

/// The requirement at `position` (a main-spec requirement header) and the changes that may
/// rename it, or why the cursor is not on one.
pub fn rename_through_change_target(
    index: &WorkspaceIndex,
    position: &FilePosition,
) -> Result<RenameThroughChangeTarget, String> {
    let Some(Located::Requirement { spec, requirement }) = index.locate(&position.path, position.offset) else {
        return Err("Rename through a change works on a requirement header of a main spec".to_owned());
    };
    if requirement.name.is_empty() {
        return Err("This requirement header has no name to rename".to_owned());
    }
    let changes = index
        .active_changes()
        .filter_map(|change| {
            let delta = change.delta(&spec.capability)?;
            let blocked = delta.entries.iter().any(|entry| {
                entry.name == requirement.name && matches!(entry.op, DeltaOp::Removed | DeltaOp::RenamedFrom)
            });
            (!blocked).then(|| change.id.clone())
        })
        .collect();
    Ok(RenameThroughChangeTarget {
        capability: spec.capability.clone(),
        requirement: requirement.name.clone(),
        name_range: FileRange { path: spec.path.clone(), range: requirement.name_range },
        changes,
    })
}

/// The edits that rename the requirement at `position` to `new_name` through `via`.
pub fn rename_through_change(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    position: &FilePosition,
    new_name: &str,
    via: &RenameVia,
) -> Result<SourceChange, String> {
    let target = rename_through_change_target(index, position)?;
    let (capability, old_name) = (&target.capability, &target.requirement);
    let rename_target =
        RenameTarget { capability: capability.clone(), name: old_name.clone(), at: target.name_range.clone() };
    let new_name = check_new_name(index, &rename_target, new_name)?;
    if new_name == old_name.as_str() {
        return Err(format!("`{new_name}` is the requirement's name already"));
    }
    // The CLI reads a RENAMED side up to an optional closing backtick, so a name ending in one
    // would come back shorter.
    if old_name.ends_with('`') || new_name.ends_with('`') {
        return Err("A RENAMED entry cannot carry a name that ends in a backtick".to_owned());
    }
    let via_id = match via {
        RenameVia::Existing(id) | RenameVia::New(id) => id.as_str(),
    };
    let mut change = SourceChange::default();
    let mut edits: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
    match via {
        RenameVia::Existing(id) => {
            if !target.changes.contains(id) {
                return Err(match index.active_change(id).and_then(|change| change.delta(capability)) {
                    Some(_) => format!("Change `{id}` removes or already renames `{old_name}`"),
                    None => format!("No active change `{id}` has a delta spec for `{capability}`"),
                });
            }
            let Some(delta) = index.active_change(id).and_then(|change| change.delta(capability)) else {
                return Err(format!("No active change `{id}` has a delta spec for `{capability}`"));
            };
            let text = root.text(&delta.path).unwrap_or("");
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let pair = format!("- FROM: `### Requirement: {old_name}`{eol}- TO: `### Requirement: {new_name}`");
            let renamed_header = delta.sections.iter().find(|section| section.kind == DeltaKind::Renamed);
            let insertion = if let Some(section) = renamed_header {
                TextEdit { range: empty_at(section.header_range.end), new_text: format!("{eol}{pair}") }
            } else if text.is_empty() {
                TextEdit { range: empty_at(0), new_text: format!("## RENAMED Requirements{eol}{pair}{eol}") }
            } else {
                // Before the file's last line break, so the file keeps ending the way it did (an
                // insertion after it makes some editors add a blank last line).
                let end =
                    text.strip_suffix("\r\n").or_else(|| text.strip_suffix(['\n', '\r'])).map_or(text.len(), str::len);
                TextEdit { range: empty_at(end), new_text: format!("{eol}{eol}## RENAMED Requirements{eol}{pair}") }
            };
            edits.entry(delta.path.clone()).or_default().push(insertion);
            // The CLI applies RENAMED first, so this change's MODIFIED block must use the new name.
            for entry in delta.entries.iter().filter(|entry| entry.name == *old_name && entry.op == DeltaOp::Modified) {
                edits
                    .entry(delta.path.clone())
                    .or_default()
                    .push(TextEdit { range: entry.name_range, new_text: new_name.to_owned() });
            }
        }
        RenameVia::New(id) => {
            if !is_kebab_id(id) {
                return Err(format!(
                    "Change id `{id}` must be kebab-case with lowercase letters, numbers, and single hyphen separators"
                ));
            }
            let dir = layout::change_dir(id);
            if root.get(&dir).is_some() {
                return Err(format!("{dir} exists already"));
            }
            change.new_files.push((format!("{dir}/proposal.md"), proposal(capability, old_name, new_name)));
            change.new_files.push((
                format!("{dir}/specs/{capability}/spec.md"),
                format!(
                    "## RENAMED Requirements\n- FROM: `### Requirement: {old_name}`\n- TO: `### Requirement: {new_name}`\n"
                ),
            ));
        }
    }
    // Every other active change naming the requirement archives after this rename.
    for (other, delta, entry) in index.entries_naming(capability, old_name) {
        if other.archived || other.id == via_id || !entry.op.targets_base() {
            continue;
        }
        edits
            .entry(delta.path.clone())
            .or_default()
            .push(TextEdit { range: entry.name_range, new_text: new_name.to_owned() });
    }
    for file_edits in edits.values_mut() {
        file_edits.sort_by_key(|edit| edit.range);
        file_edits.dedup_by_key(|edit| edit.range);
    }
    change.edits = edits;
    Ok(change)
}

fn empty_at(offset: usize) -> openspec_syntax::TextRange {
    openspec_syntax::TextRange::empty(offset)
}

/// A proposal `openspec validate` accepts: a Why of at least 50 characters, What Changes, and
/// the capability under Modified Capabilities.
fn proposal(capability: &str, old_name: &str, new_name: &str) -> String {
    format!(
        "## Why\n\nThe requirement \"{old_name}\" of `{capability}` is renamed to \"{new_name}\" so that its name says \
         what it requires.\n\n## What Changes\n\n- Rename requirement \"{old_name}\" to \"{new_name}\" in \
         `{capability}` (no change to its text).\n\n## Capabilities\n\n### New Capabilities\n\n### Modified \
         Capabilities\n\n- `{capability}`: requirement \"{old_name}\" renamed to \"{new_name}\"\n\n## Impact\n\n- \
         `{}`\n",
        layout::main_spec_path(capability)
    )
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::sync::Arc;

    use expect_test::{Expect, expect};

    use super::RenameVia;
    use crate::analysis::Analysis;
    use crate::features::fixture;

    fn check(fixture_text: &str, new_name: &str, via: &RenameVia, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let out = match analysis.rename_through_change_target(&position) {
            Err(message) => format!("target error: {message}\n"),
            Ok(target) => {
                let head = format!("target: {} {:?} via {:?}\n", target.capability, target.requirement, target.changes);
                match analysis.rename_through_change(&position, new_name, via) {
                    Ok(change) => head + &fixture::apply(&analysis, &change),
                    Err(message) => head + &format!("error: {message}\n"),
                }
            }
        };
        expect.assert_eq(&out);
    }

    pub(super) const WORKSPACE: &str = "//- /openspec/specs/auth/spec.md
# auth
## Purpose
Authentication of the users of the system, so that only they can sign in.
## Requirements
### Requirement: Login
The system SHALL log users in.
#### Scenario: ok
- **WHEN** a user logs in
- **THEN** it works
### Requirement: Logout
The system SHALL log users out.
#### Scenario: ok
- **WHEN** a user logs out
- **THEN** it works
//- /openspec/changes/add-2fa/proposal.md
## Why
Accounts are taken over too easily with a password alone; a second factor stops that.
## What Changes
- Add a second factor to login.
//- /openspec/changes/add-2fa/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
The system SHALL log users in with a second factor.
#### Scenario: ok
- **WHEN** a user logs in
- **THEN** it works
//- /openspec/changes/tidy/proposal.md
## Why
Old sessions linger after logout; this change removes what is left of them quickly.
## What Changes
- Tidy logout.
//- /openspec/changes/tidy/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Logout
The system SHALL log users out everywhere.
#### Scenario: ok
- **WHEN** a user logs out
- **THEN** it works

## RENAMED Requirements
- FROM: `### Requirement: Logout`
- TO: `### Requirement: Sign out`
//- /openspec/changes/drop/specs/auth/spec.md
## REMOVED Requirements
- `### Requirement: Login`
//- /openspec/changes/archive/2024-01-01-old/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
The system SHALL log in.
";

    fn on_login() -> String {
        WORKSPACE.replacen(
            "### Requirement: Login\nThe system SHALL log users in.",
            "### Requirement: Lo$0gin\nThe system SHALL log users in.",
            1,
        )
    }

    #[test]
    fn adds_the_entry_to_a_change_touching_the_capability_and_updates_the_other_deltas() {
        check(
            &on_login(),
            "Sign in",
            &RenameVia::Existing("tidy".to_owned()),
            &expect![[r#"
                target: auth "Login" via ["add-2fa", "tidy"]
                //- /openspec/changes/add-2fa/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Sign in
                The system SHALL log users in with a second factor.
                #### Scenario: ok
                - **WHEN** a user logs in
                - **THEN** it works
                //- /openspec/changes/drop/specs/auth/spec.md
                ## REMOVED Requirements
                - `### Requirement: Sign in`
                //- /openspec/changes/tidy/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Logout
                The system SHALL log users out everywhere.
                #### Scenario: ok
                - **WHEN** a user logs out
                - **THEN** it works

                ## RENAMED Requirements
                - FROM: `### Requirement: Login`
                - TO: `### Requirement: Sign in`
                - FROM: `### Requirement: Logout`
                - TO: `### Requirement: Sign out`
            "#]],
        );
    }

    #[test]
    fn renames_in_the_change_that_modifies_it() {
        check(
            &on_login(),
            "Sign in",
            &RenameVia::Existing("add-2fa".to_owned()),
            &expect![[r#"
                target: auth "Login" via ["add-2fa", "tidy"]
                //- /openspec/changes/add-2fa/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Sign in
                The system SHALL log users in with a second factor.
                #### Scenario: ok
                - **WHEN** a user logs in
                - **THEN** it works

                ## RENAMED Requirements
                - FROM: `### Requirement: Login`
                - TO: `### Requirement: Sign in`
                //- /openspec/changes/drop/specs/auth/spec.md
                ## REMOVED Requirements
                - `### Requirement: Sign in`
            "#]],
        );
    }

    #[test]
    fn keeps_the_line_endings_and_the_end_of_the_file() {
        let crlf = on_login().replace(
            "## MODIFIED Requirements\n### Requirement: Logout\nThe system SHALL log users out everywhere.\n#### Scenario: ok\n- **WHEN** a user logs out\n- **THEN** it works\n\n## RENAMED Requirements\n- FROM: `### Requirement: Logout`\n- TO: `### Requirement: Sign out`\n",
            "## MODIFIED Requirements\r\n### Requirement: Logout\r\nThe system SHALL log users out everywhere.\r\n#### Scenario: ok\r\n- **WHEN** a user logs out\r\n- **THEN** it works\r\n",
        );
        check(
            &crlf,
            "Sign in",
            &RenameVia::Existing("tidy".to_owned()),
            &expect![[r#"
            target: auth "Login" via ["add-2fa", "tidy"]
            //- /openspec/changes/add-2fa/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Sign in
            The system SHALL log users in with a second factor.
            #### Scenario: ok
            - **WHEN** a user logs in
            - **THEN** it works
            //- /openspec/changes/drop/specs/auth/spec.md
            ## REMOVED Requirements
            - `### Requirement: Sign in`
            //- /openspec/changes/tidy/specs/auth/spec.md
            ## MODIFIED Requirements␍
            ### Requirement: Logout␍
            The system SHALL log users out everywhere.␍
            #### Scenario: ok␍
            - **WHEN** a user logs out␍
            - **THEN** it works␍
            ␍
            ## RENAMED Requirements␍
            - FROM: `### Requirement: Login`␍
            - TO: `### Requirement: Sign in`␍
        "#]],
        );
    }

    #[test]
    fn creates_a_change_folder() {
        check(
            &on_login(),
            "Sign in",
            &RenameVia::New("rename-login".to_owned()),
            &expect![[r#"
                target: auth "Login" via ["add-2fa", "tidy"]
                //- /openspec/changes/add-2fa/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Sign in
                The system SHALL log users in with a second factor.
                #### Scenario: ok
                - **WHEN** a user logs in
                - **THEN** it works
                //- /openspec/changes/drop/specs/auth/spec.md
                ## REMOVED Requirements
                - `### Requirement: Sign in`
                //- /openspec/changes/rename-login/proposal.md (new)
                ## Why

                The requirement "Login" of `auth` is renamed to "Sign in" so that its name says what it requires.

                ## What Changes

                - Rename requirement "Login" to "Sign in" in `auth` (no change to its text).

                ## Capabilities

                ### New Capabilities

                ### Modified Capabilities

                - `auth`: requirement "Login" renamed to "Sign in"

                ## Impact

                - `openspec/specs/auth/spec.md`
                //- /openspec/changes/rename-login/specs/auth/spec.md (new)
                ## RENAMED Requirements
                - FROM: `### Requirement: Login`
                - TO: `### Requirement: Sign in`
            "#]],
        );
    }

    #[test]
    fn refuses_what_archive_would_refuse() {
        let login = on_login();
        check(
            &login,
            "Logout",
            &RenameVia::Existing("tidy".to_owned()),
            &expect![[r#"
            target: auth "Login" via ["add-2fa", "tidy"]
            error: Requirement `Logout` already exists in openspec/specs/auth/spec.md
        "#]],
        );
        check(
            &login,
            "Sign in",
            &RenameVia::Existing("drop".to_owned()),
            &expect![[r#"
            target: auth "Login" via ["add-2fa", "tidy"]
            error: Change `drop` removes or already renames `Login`
        "#]],
        );
        check(
            &login,
            "Sign in",
            &RenameVia::Existing("nope".to_owned()),
            &expect![[r#"
            target: auth "Login" via ["add-2fa", "tidy"]
            error: No active change `nope` has a delta spec for `auth`
        "#]],
        );
        check(
            &login,
            "Sign in",
            &RenameVia::New("Bad Id".to_owned()),
            &expect![[r#"
            target: auth "Login" via ["add-2fa", "tidy"]
            error: Change id `Bad Id` must be kebab-case with lowercase letters, numbers, and single hyphen separators
        "#]],
        );
        check(
            &login,
            "Sign in",
            &RenameVia::New("tidy".to_owned()),
            &expect![[r#"
            target: auth "Login" via ["add-2fa", "tidy"]
            error: openspec/changes/tidy exists already
        "#]],
        );
        check(
            &login,
            "Sign in`",
            &RenameVia::New("x".to_owned()),
            &expect![[r#"
            target: auth "Login" via ["add-2fa", "tidy"]
            error: A RENAMED entry cannot carry a name that ends in a backtick
        "#]],
        );
        let on_logout = WORKSPACE.replacen(
            "### Requirement: Logout\nThe system SHALL log users out.",
            "### Requirement: Logout$0\nThe system SHALL log users out.",
            1,
        );
        check(
            &on_logout,
            "Exit",
            &RenameVia::Existing("tidy".to_owned()),
            &expect![[r#"
            target: auth "Logout" via ["add-2fa", "drop"]
            error: Change `tidy` removes or already renames `Logout`
        "#]],
        );
        let in_delta = WORKSPACE.replacen(
            "### Requirement: Login\nThe system SHALL log users in with",
            "### Requirement: Log$0in\nThe system SHALL log users in with",
            1,
        );
        check(
            &in_delta,
            "Exit",
            &RenameVia::Existing("tidy".to_owned()),
            &expect![[r#"
            target error: Rename through a change works on a requirement header of a main spec
        "#]],
        );
    }

    #[test]
    fn the_preview_of_the_change_shows_the_renamed_spec() {
        let (analysis, position, _) = fixture::analysis(&on_login());
        let mut previews = String::new();
        for via in [RenameVia::Existing("add-2fa".to_owned()), RenameVia::New("rename-login".to_owned())] {
            let Ok(change) = analysis.rename_through_change(&position, "Sign in", &via) else { panic!("no edit") };
            let mut root = (*analysis.root).clone();
            let applied = fixture::apply(&analysis, &change);
            for file in test_utils::Fixture::parse(&applied.replace(" (new)\n", "\n")).files {
                root.insert_file(&file.path, &file.text);
            }
            let renamed = Analysis::new(Arc::new(root));
            let (RenameVia::Existing(id) | RenameVia::New(id)) = &via;
            let _ = writeln!(previews, "== {id}");
            previews
                .push_str(&renamed.preview_archive(id, "auth").unwrap_or_else(|reason| format!("refused: {reason}\n")));
        }
        expect![[r#"
            == add-2fa
            # auth
            ## Purpose
            Authentication of the users of the system, so that only they can sign in.

            ## Requirements

            ### Requirement: Sign in
            The system SHALL log users in with a second factor.
            #### Scenario: ok
            - **WHEN** a user logs in
            - **THEN** it works

            ### Requirement: Logout
            The system SHALL log users out.
            #### Scenario: ok
            - **WHEN** a user logs out
            - **THEN** it works
            == rename-login
            # auth
            ## Purpose
            Authentication of the users of the system, so that only they can sign in.

            ## Requirements

            ### Requirement: Sign in
            The system SHALL log users in.
            #### Scenario: ok
            - **WHEN** a user logs in
            - **THEN** it works

            ### Requirement: Logout
            The system SHALL log users out.
            #### Scenario: ok
            - **WHEN** a user logs out
            - **THEN** it works
        "#]]
        .assert_eq(&previews);
    }
}
