//! Rename a requirement: its main-spec header and every entry of an ACTIVE change naming it
//! (ADDED/MODIFIED headers, REMOVED entries, RENAMED FROM/TO). Archived changes are history and
//! are never edited. Pure: returns the edits and never writes.

use std::collections::BTreeMap;

use openspec_syntax::js::js_trim;
use openspec_syntax::requirement_text::normalize_requirement_name;

use crate::index::{DeltaOp, Located, WorkspaceIndex};
use crate::layout;
use crate::types::{FilePosition, FileRange, SourceChange, TextEdit};

/// The requirement a rename starts from.
struct RenameTarget {
    capability: String,
    name: String,
    at: FileRange,
}

fn target_at(index: &WorkspaceIndex, position: &FilePosition) -> Result<RenameTarget, String> {
    let not_here = || "Rename works on a requirement name: a main-spec header or a delta entry".to_owned();
    let target = match index.locate(&position.path, position.offset).ok_or_else(not_here)? {
        Located::Requirement { spec, requirement } => RenameTarget {
            capability: spec.capability.clone(),
            name: requirement.name.clone(),
            at: FileRange { path: spec.path.clone(), range: requirement.name_range },
        },
        Located::DeltaEntry { change, delta, entry } => {
            if change.archived {
                return Err(format!("`{}` is archived; archived changes are not renamed", change.id));
            }
            RenameTarget {
                capability: delta.capability.clone(),
                name: entry.name.clone(),
                at: FileRange { path: delta.path.clone(), range: entry.name_range },
            }
        }
        _ => return Err(not_here()),
    };
    if target.name.is_empty() {
        return Err("This requirement header has no name to rename".to_owned());
    }
    Ok(target)
}

pub fn prepare_rename(index: &WorkspaceIndex, position: &FilePosition) -> Result<FileRange, String> {
    target_at(index, position).map(|target| target.at)
}

pub fn rename(index: &WorkspaceIndex, position: &FilePosition, new_name: &str) -> Result<SourceChange, String> {
    let target = target_at(index, position)?;
    let new_name = check_new_name(index, &target, new_name)?;
    let mut edits: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
    if new_name == target.name {
        return Ok(SourceChange::default());
    }
    let mut edit = |path: &str, range| {
        edits.entry(path.to_owned()).or_default().push(TextEdit { range, new_text: new_name.to_owned() });
    };
    if let Some(spec) = index.spec(&target.capability) {
        for requirement in spec.requirements_named(&target.name) {
            edit(&spec.path, requirement.name_range);
        }
    }
    for (change, delta, entry) in index.entries_naming(&target.capability, &target.name) {
        if !change.archived {
            edit(&delta.path, entry.name_range);
        }
    }
    for file_edits in edits.values_mut() {
        file_edits.sort_by_key(|edit| edit.range);
        file_edits.dedup_by_key(|edit| edit.range);
    }
    Ok(SourceChange { edits, new_files: Vec::new() })
}

/// The trimmed new name, or why it cannot be used.
fn check_new_name<'n>(index: &WorkspaceIndex, target: &RenameTarget, new_name: &'n str) -> Result<&'n str, String> {
    if new_name.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return Err("A requirement name must fit on one line".to_owned());
    }
    let trimmed = js_trim(new_name);
    if trimmed.is_empty() {
        return Err("A requirement name cannot be empty".to_owned());
    }
    let read_back = normalize_requirement_name(trimmed);
    if read_back != trimmed {
        return Err(format!("OpenSpec would read `{trimmed}` as `{read_back}` (a closing `#` run is dropped)"));
    }
    if trimmed == target.name {
        return Ok(trimmed);
    }
    let spec_path = layout::main_spec_path(&target.capability);
    if index.spec(&target.capability).is_some_and(|spec| spec.requirement(trimmed).is_some()) {
        return Err(format!("Requirement `{trimmed}` already exists in {spec_path}"));
    }
    // An active change adding the name would collide with it once both are archived.
    let added = index
        .entries_naming(&target.capability, trimmed)
        .find(|(change, _, entry)| !change.archived && entry.op == DeltaOp::Added);
    if let Some((change, delta, _)) = added {
        let (capability, change_id, path) = (&target.capability, &change.id, &delta.path);
        return Err(format!("Requirement `{trimmed}` is already added to `{capability}` by {change_id} ({path})"));
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, new_name: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let out = match analysis.prepare_rename(&position) {
            Err(message) => format!("prepare error: {message}\n"),
            Ok(range) => {
                let prepared = format!("prepare: {}\n", fixture::location(&analysis, &range.path, range.range));
                match analysis.rename(&position, new_name) {
                    Ok(change) => prepared + &fixture::apply(&analysis, &change),
                    Err(message) => prepared + &format!("rename error: {message}\n"),
                }
            }
        };
        expect.assert_eq(&out);
    }

    const WORKSPACE: &str = "//- /openspec/specs/auth/spec.md
## Requirements
### Requirement: Login ##
The system SHALL log in.
### Requirement: Logout
The system SHALL log out.
//- /openspec/changes/add-2fa/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
The system SHALL ask twice.
## RENAMED Requirements
- FROM: `### Requirement: Login`
- TO: `### Requirement: Sign in`
## REMOVED Requirements
* ### Requirement: Login
//- /openspec/changes/archive/2024-01-01-old/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
The system SHALL log in.
//- /openspec/changes/other/specs/billing/spec.md
## ADDED Requirements
### Requirement: Login
Another capability.
";

    #[test]
    fn renames_the_header_and_every_active_entry() {
        let expected = expect![[r####"
            prepare: openspec/specs/auth/spec.md:2:18 "Login"
            //- /openspec/changes/add-2fa/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Anmeldung über Größe
            The system SHALL ask twice.
            ## RENAMED Requirements
            - FROM: `### Requirement: Anmeldung über Größe`
            - TO: `### Requirement: Sign in`
            ## REMOVED Requirements
            * ### Requirement: Anmeldung über Größe
            //- /openspec/specs/auth/spec.md
            ## Requirements
            ### Requirement: Anmeldung über Größe ##
            The system SHALL log in.
            ### Requirement: Logout
            The system SHALL log out.
        "####]];
        check(&WORKSPACE.replacen("Login ##", "Lo$0gin ##", 1), "  Anmeldung über Größe ", &expected);
    }

    #[test]
    fn starts_from_a_delta_entry_but_not_an_archived_one() {
        check(
            &WORKSPACE.replace("- TO: `### Requirement: Sign in`", "- TO: `### Requirement: Sign in`$0"),
            "Sign-in",
            &expect![[r#"
                prepare: openspec/changes/add-2fa/specs/auth/spec.md:6:25 "Sign in"
                //- /openspec/changes/add-2fa/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Login
                The system SHALL ask twice.
                ## RENAMED Requirements
                - FROM: `### Requirement: Login`
                - TO: `### Requirement: Sign-in`
                ## REMOVED Requirements
                * ### Requirement: Login
            "#]],
        );
        check(
            &WORKSPACE.replace(
                "### Requirement: Login\nThe system SHALL log in.\n//- /openspec/changes/other",
                "### Requirement: Log$0in\nThe system SHALL log in.\n//- /openspec/changes/other",
            ),
            "X",
            &expect![[r####"
                prepare error: `2024-01-01-old` is archived; archived changes are not renamed
            "####]],
        );
        check(
            &WORKSPACE.replace("The system SHALL log out.", "The system $0SHALL log out."),
            "X",
            &expect![[r####"
            prepare error: Rename works on a requirement name: a main-spec header or a delta entry
        "####]],
        );
    }

    #[test]
    fn rejects_bad_names() {
        let at_login = WORKSPACE.replacen("Login ##", "Login$0 ##", 1);
        check(
            &at_login,
            "Logout",
            &expect![[r####"
            prepare: openspec/specs/auth/spec.md:2:18 "Login"
            rename error: Requirement `Logout` already exists in openspec/specs/auth/spec.md
        "####]],
        );
        check(
            &at_login,
            " \t",
            &expect![[r####"
            prepare: openspec/specs/auth/spec.md:2:18 "Login"
            rename error: A requirement name cannot be empty
        "####]],
        );
        check(
            &at_login,
            "two\nlines",
            &expect![[r####"
            prepare: openspec/specs/auth/spec.md:2:18 "Login"
            rename error: A requirement name must fit on one line
        "####]],
        );
        check(
            &at_login,
            "Closed ##",
            &expect![[r####"
            prepare: openspec/specs/auth/spec.md:2:18 "Login"
            rename error: OpenSpec would read `Closed ##` as `Closed` (a closing `#` run is dropped)
        "####]],
        );
        check(
            &format!(
                "{at_login}//- /openspec/changes/third/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Audit\nx\n"
            ),
            "Audit",
            &expect![[r####"
                prepare: openspec/specs/auth/spec.md:2:18 "Login"
                rename error: Requirement `Audit` is already added to `auth` by third (openspec/changes/third/specs/auth/spec.md)
            "####]],
        );
        check(
            &at_login,
            "Login",
            &expect![[r####"
            prepare: openspec/specs/auth/spec.md:2:18 "Login"
        "####]],
        );
    }

    #[test]
    fn crlf() {
        check(
            "//- /openspec/specs/ü/spec.md\r\n## Requirements\r\n### Requirement: Größe$0\r\nx\r\n//- /openspec/changes/c/specs/ü/spec.md\r\n## REMOVED Requirements\r\n- `### Requirement: Größe`\r\n",
            "Maß",
            &expect![[r####"
                prepare: openspec/specs/ü/spec.md:2:18 "Größe"
                //- /openspec/changes/c/specs/ü/spec.md
                ## REMOVED Requirements␍
                - `### Requirement: Maß`␍
                //- /openspec/specs/ü/spec.md
                ## Requirements␍
                ### Requirement: Maß␍
                x␍
            "####]],
        );
    }
}
