//! Requirement history: for a requirement of a capability, every archived change that named
//! it (ADDED, MODIFIED, RENAMED FROM/TO, REMOVED), oldest first and following RENAMED chains
//! back to earlier names, then the active changes that name it. Pure: reads the index only.
//!
//! Archives written by hand are messy, so nothing here guesses: a folder name without a valid
//! `YYYY-MM-DD-` prefix has no date (and such changes come after the dated ones, in folder-name
//! order); a requirement added twice shows two ADDED events; a REMOVED followed by a new ADDED
//! of the same name shows both.

use std::fmt;

use openspec_syntax::TextRange;

use crate::index::{ChangeInfo, DeltaEntry, DeltaOp, FileRole, WorkspaceIndex};
use crate::types::FileRange;

/// The date an archive folder name starts with (`2025-01-31-add-login`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArchiveDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl fmt::Display for ArchiveDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One delta entry of one change naming the requirement (or, through a rename, an earlier name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEvent {
    /// The change's folder name (`2025-01-31-add-login` in the archive, `add-login` when active).
    pub change: String,
    /// The folder name without its date prefix; the whole folder name when it has no valid date.
    pub change_name: String,
    pub archived: bool,
    /// `None` for an active change, or an archive folder without a valid `YYYY-MM-DD-` prefix.
    pub date: Option<ArchiveDate>,
    pub op: DeltaOp,
    /// The requirement name as the entry writes it.
    pub name: String,
    /// For a paired RENAMED side, the other side's name.
    pub partner: Option<String>,
    /// The delta spec and the entry's line in it.
    pub path: String,
    pub range: TextRange,
    pub name_range: TextRange,
}

/// A requirement's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementHistory {
    pub capability: String,
    /// The name asked about (the main spec's name when it has the requirement).
    pub requirement: String,
    /// The requirement's header in the main spec, when the main spec has it.
    pub main_spec: Option<FileRange>,
    /// Archived changes, oldest first (undated ones last, by folder name); document order
    /// within a change.
    pub archived: Vec<HistoryEvent>,
    /// Active changes naming the requirement now, in change order.
    pub active: Vec<HistoryEvent>,
}

impl RequirementHistory {
    /// Every event: the archived ones, then the active ones.
    pub fn events(&self) -> impl Iterator<Item = &HistoryEvent> {
        self.archived.iter().chain(&self.active)
    }

    /// The code lens's words: `added by add-login · modified 3x · last by tune-login` (the
    /// archive only: the active changes have their own lens).
    pub fn summary(&self) -> String {
        let count_of = |op: DeltaOp| self.archived.iter().filter(|event| event.op == op).count();
        let mut parts = Vec::new();
        let mut added = self.archived.iter().filter(|event| event.op == DeltaOp::Added);
        match (added.next(), count_of(DeltaOp::Added)) {
            (None, _) if self.archived.is_empty() => parts.push("no archived changes".to_owned()),
            (None, _) => parts.push("no ADDED in the archive".to_owned()),
            (Some(first), 1) => parts.push(format!("added by {}", first.change_name)),
            (Some(first), n) => parts.push(format!("added {n}x, first by {}", first.change_name)),
        }
        for (op, word) in
            [(DeltaOp::Modified, "modified"), (DeltaOp::RenamedTo, "renamed"), (DeltaOp::Removed, "removed")]
        {
            let n = count_of(op);
            if n > 0 {
                parts.push(format!("{word} {n}x"));
            }
        }
        let first_change = self.archived.first().map(|event| &event.change);
        if let Some(last) = self.archived.last().filter(|last| Some(&last.change) != first_change) {
            parts.push(format!("last by {}", last.change_name));
        }
        parts.join(" · ")
    }
}

/// `2025-01-31-add-login` -> its date and `add-login`; `None` unless the name starts with a
/// real calendar date, a dash and at least one more character.
pub fn parse_archive_name(folder: &str) -> Option<(ArchiveDate, &str)> {
    let bytes = folder.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        let part = folder.get(range)?;
        part.bytes().all(|byte| byte.is_ascii_digit()).then(|| part.parse::<u16>().ok()).flatten()
    };
    if bytes.len() < 12 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b'-' {
        return None;
    }
    let year = digits(0..4)?;
    let month = u8::try_from(digits(5..7)?).ok()?;
    let day = u8::try_from(digits(8..10)?).ok()?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days_in_month {
        return None;
    }
    Some((ArchiveDate { year, month, day }, folder.get(11..)?))
}

fn event(change: &ChangeInfo, path: &str, entry: &DeltaEntry) -> HistoryEvent {
    let parsed = if change.archived { parse_archive_name(&change.id) } else { None };
    HistoryEvent {
        change: change.id.clone(),
        change_name: parsed.map_or_else(|| change.id.clone(), |(_, name)| name.to_owned()),
        archived: change.archived,
        date: parsed.map(|(date, _)| date),
        op: entry.op,
        name: entry.name.clone(),
        partner: entry.partner.clone(),
        path: path.to_owned(),
        range: entry.line_range,
        name_range: entry.name_range,
    }
}

/// The timeline of requirement `requirement` of `capability`; `None` when neither the main spec
/// nor any change names it.
pub fn requirement_history(index: &WorkspaceIndex, capability: &str, requirement: &str) -> Option<RequirementHistory> {
    requirement_history_among(index, capability, requirement, &archived_changes(index, capability))
}

/// The archived changes with a delta for `capability`, oldest first (dated folders by name, then
/// undated ones): what every requirement history of the capability walks, found once per caller.
pub fn archived_changes<'a>(index: &'a WorkspaceIndex, capability: &str) -> Vec<&'a ChangeInfo> {
    let mut archived: Vec<&ChangeInfo> =
        index.changes.iter().filter(|change| change.archived && change.delta(capability).is_some()).collect();
    archived.sort_by_key(|change| (parse_archive_name(&change.id).is_none(), change.id.clone()));
    archived
}

/// [`requirement_history`] over `archived_changes(index, capability)` computed by the caller.
pub fn requirement_history_among(
    index: &WorkspaceIndex,
    capability: &str,
    requirement: &str,
    archived_changes: &[&ChangeInfo],
) -> Option<RequirementHistory> {
    let main_spec = index.spec(capability).and_then(|spec| {
        let found = spec.requirement(requirement)?;
        Some(FileRange { path: spec.path.clone(), range: found.header_range })
    });
    // The archived changes walked back in time, newest first: the name followed changes at each
    // RENAMED entry whose TO side is the name followed so far.
    let mut followed = requirement.to_owned();
    let mut archived_newest_first: Vec<Vec<HistoryEvent>> = Vec::new();
    for change in archived_changes.iter().rev() {
        let Some(delta) = change.delta(capability) else { continue };
        let earlier = delta
            .entries
            .iter()
            .find(|entry| entry.op == DeltaOp::RenamedTo && entry.name == followed)
            .and_then(|entry| entry.partner.clone());
        let named =
            |entry: &&DeltaEntry| entry.name == followed || earlier.as_ref().is_some_and(|old| &entry.name == old);
        let events: Vec<HistoryEvent> =
            delta.entries.iter().filter(named).map(|entry| event(change, &delta.path, entry)).collect();
        if !events.is_empty() {
            archived_newest_first.push(events);
        }
        if let Some(earlier) = earlier {
            followed = earlier;
        }
    }
    let archived: Vec<HistoryEvent> = archived_newest_first.into_iter().rev().flatten().collect();
    let active: Vec<HistoryEvent> = index
        .entries_naming(capability, requirement)
        .filter(|(change, _, _)| !change.archived)
        .map(|(change, delta, entry)| event(change, &delta.path, entry))
        .collect();
    if main_spec.is_none() && archived.is_empty() && active.is_empty() {
        return None;
    }
    Some(RequirementHistory {
        capability: capability.to_owned(),
        requirement: requirement.to_owned(),
        main_spec,
        archived,
        active,
    })
}

/// The timeline of every requirement of `capability`'s main spec, in spec order (a name the
/// spec declares twice is listed once); empty when the capability has no main spec.
pub fn capability_history(index: &WorkspaceIndex, capability: &str) -> Vec<RequirementHistory> {
    let Some(spec) = index.spec(capability) else { return Vec::new() };
    let archived = archived_changes(index, capability);
    let mut seen = std::collections::HashSet::new();
    spec.requirements
        .iter()
        .filter(|requirement| seen.insert(requirement.name.as_str()))
        .filter_map(|requirement| requirement_history_among(index, capability, &requirement.name, &archived))
        .collect()
}

/// The capability and requirement name at a cursor: inside a main-spec requirement block, or
/// on a delta entry (its block for ADDED/MODIFIED).
pub fn requirement_at(index: &WorkspaceIndex, path: &str, offset: usize) -> Option<(String, String)> {
    match index.role(path)? {
        FileRole::MainSpec { spec } => {
            let spec = index.specs.get(spec)?;
            let requirement = spec.requirements.iter().find(|requirement| requirement.range.touches(offset))?;
            Some((spec.capability.clone(), requirement.name.clone()))
        }
        FileRole::Delta { change, delta } => {
            let delta = index.changes.get(change)?.deltas.get(delta)?;
            let entry = delta.entries.iter().find(|entry| entry.block_range.touches(offset))?;
            Some((delta.capability.clone(), entry.name.clone()))
        }
        FileRole::Proposal { .. } | FileRole::Tasks { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::{capability_history, parse_archive_name, requirement_history};
    use crate::features::fixture;

    fn check(fixture_text: &str, capability: &str, requirement: Option<&str>, expect: &Expect) {
        let (analysis, _, _) = fixture::analysis(fixture_text);
        let histories = match requirement {
            Some(requirement) => requirement_history(&analysis.index, capability, requirement).into_iter().collect(),
            None => capability_history(&analysis.index, capability),
        };
        let mut out = String::new();
        for history in &histories {
            let at = history.main_spec.as_ref().map_or_else(
                || "not in the main spec".to_owned(),
                |found| fixture::location(&analysis, &found.path, found.range),
            );
            let _ = writeln!(out, "{} / {} ({at})", history.capability, history.requirement);
            for event in history.events() {
                let date = event.date.map_or_else(|| "-".to_owned(), |date| date.to_string());
                let partner = event.partner.as_ref().map(|p| format!(" <-> {p:?}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {date} {} [{}] {} {:?}{partner} @ {}",
                    event.change_name,
                    if event.archived { "archived" } else { "active" },
                    event.op.label(),
                    event.name,
                    fixture::location(&analysis, &event.path, event.name_range)
                );
            }
            let _ = writeln!(out, "  summary: {}", history.summary());
        }
        expect.assert_eq(&out);
    }

    const MAIN: &str = "//- /openspec/specs/auth/spec.md
# Auth
## Purpose
Authentication.
## Requirements
### Requirement: Sign in
The system SHALL sign users in.
#### Scenario: ok
- **WHEN** x
- **THEN** y
### Requirement: Logout
The system SHALL log users out.
";

    #[test]
    fn dated_timeline_with_a_rename_chain_and_an_active_change() {
        let fixture_text = format!(
            "{MAIN}//- /openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
The system SHALL log in.
//- /openspec/changes/archive/2024-02-10-tune-login/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
The system SHALL log in fast.
//- /openspec/changes/archive/2024-03-01-rename-login/specs/auth/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Login`
- TO: `### Requirement: Logon`
//- /openspec/changes/archive/2024-04-01-rename-again/specs/auth/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Logon`
- TO: `### Requirement: Sign in`
## MODIFIED Requirements
### Requirement: Sign in
The system SHALL sign users in.
//- /openspec/changes/archive/2024-05-01-other/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Logout
The system SHALL log users out.
//- /openspec/changes/next/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Sign in
The system SHALL sign users in twice.
"
        );
        check(
            &fixture_text,
            "auth",
            Some("Sign in"),
            &expect![[r####"
                auth / Sign in (openspec/specs/auth/spec.md:5:1 "### Requirement: Sign in")
                  2024-01-05 add-login [archived] ADDED "Login" @ openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md:2:18 "Login"
                  2024-02-10 tune-login [archived] MODIFIED "Login" @ openspec/changes/archive/2024-02-10-tune-login/specs/auth/spec.md:2:18 "Login"
                  2024-03-01 rename-login [archived] RENAMED FROM "Login" <-> "Logon" @ openspec/changes/archive/2024-03-01-rename-login/specs/auth/spec.md:2:27 "Login"
                  2024-03-01 rename-login [archived] RENAMED TO "Logon" <-> "Login" @ openspec/changes/archive/2024-03-01-rename-login/specs/auth/spec.md:3:25 "Logon"
                  2024-04-01 rename-again [archived] RENAMED FROM "Logon" <-> "Sign in" @ openspec/changes/archive/2024-04-01-rename-again/specs/auth/spec.md:2:27 "Logon"
                  2024-04-01 rename-again [archived] RENAMED TO "Sign in" <-> "Logon" @ openspec/changes/archive/2024-04-01-rename-again/specs/auth/spec.md:3:25 "Sign in"
                  2024-04-01 rename-again [archived] MODIFIED "Sign in" @ openspec/changes/archive/2024-04-01-rename-again/specs/auth/spec.md:5:18 "Sign in"
                  - next [active] MODIFIED "Sign in" @ openspec/changes/next/specs/auth/spec.md:2:18 "Sign in"
                  summary: added by add-login · modified 2x · renamed 2x · last by rename-again
            "####]],
        );
    }

    #[test]
    fn messy_archive_missing_and_malformed_dates_added_twice_removed_then_readded() {
        // Undated folders come after the dated ones (by folder name); an impossible date is no
        // date; both ADDED events show, and so does the REMOVED between them.
        let fixture_text = format!(
            "{MAIN}//- /openspec/changes/archive/2024-01-01-add-logout/specs/auth/spec.md
## ADDED Requirements
### Requirement: Logout
The system SHALL log out.
//- /openspec/changes/archive/2024-02-30-drop-logout/specs/auth/spec.md
## REMOVED Requirements
- `### Requirement: Logout`
//- /openspec/changes/archive/2024-03-01-readd-logout/specs/auth/spec.md
## ADDED Requirements
### Requirement: Logout
The system SHALL log users out.
//- /openspec/changes/archive/hand-written/specs/auth/spec.md
## ADDED Requirements
### Requirement: Logout
The system SHALL log out again.
//- /openspec/changes/archive/2023-1-1-short/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Logout
x
"
        );
        check(
            &fixture_text,
            "auth",
            Some("Logout"),
            &expect![[r####"
                auth / Logout (openspec/specs/auth/spec.md:10:1 "### Requirement: Logout")
                  2024-01-01 add-logout [archived] ADDED "Logout" @ openspec/changes/archive/2024-01-01-add-logout/specs/auth/spec.md:2:18 "Logout"
                  2024-03-01 readd-logout [archived] ADDED "Logout" @ openspec/changes/archive/2024-03-01-readd-logout/specs/auth/spec.md:2:18 "Logout"
                  - 2023-1-1-short [archived] MODIFIED "Logout" @ openspec/changes/archive/2023-1-1-short/specs/auth/spec.md:2:18 "Logout"
                  - 2024-02-30-drop-logout [archived] REMOVED "Logout" @ openspec/changes/archive/2024-02-30-drop-logout/specs/auth/spec.md:2:21 "Logout"
                  - hand-written [archived] ADDED "Logout" @ openspec/changes/archive/hand-written/specs/auth/spec.md:2:18 "Logout"
                  summary: added 3x, first by add-logout · modified 1x · removed 1x · last by hand-written
            "####]],
        );
    }

    #[test]
    fn capability_listing_and_names_only_the_archive_knows() {
        let fixture_text = format!(
            "{MAIN}//- /openspec/changes/archive/2024-01-01-a/specs/auth/spec.md
## ADDED Requirements
### Requirement: Logout
x
### Requirement: Gone
y
//- /openspec/changes/archive/2024-01-02-b/specs/auth/spec.md
## REMOVED Requirements
- `### Requirement: Gone`
"
        );
        check(
            &fixture_text,
            "auth",
            None,
            &expect![[r####"
                auth / Sign in (openspec/specs/auth/spec.md:5:1 "### Requirement: Sign in")
                  summary: no archived changes
                auth / Logout (openspec/specs/auth/spec.md:10:1 "### Requirement: Logout")
                  2024-01-01 a [archived] ADDED "Logout" @ openspec/changes/archive/2024-01-01-a/specs/auth/spec.md:2:18 "Logout"
                  summary: added by a
            "####]],
        );
        check(
            &fixture_text,
            "auth",
            Some("Gone"),
            &expect![[r#"
                auth / Gone (not in the main spec)
                  2024-01-01 a [archived] ADDED "Gone" @ openspec/changes/archive/2024-01-01-a/specs/auth/spec.md:4:18 "Gone"
                  2024-01-02 b [archived] REMOVED "Gone" @ openspec/changes/archive/2024-01-02-b/specs/auth/spec.md:2:21 "Gone"
                  summary: added by a · removed 1x · last by b
            "#]],
        );
        check(&fixture_text, "auth", Some("Nothing"), &expect![""]);
        check(&fixture_text, "billing", None, &expect![""]);
    }

    #[test]
    fn a_name_renamed_away_then_reused_keeps_both_stories_apart() {
        // `Login` became `Sign in`; a new `Login` was added later. The new one's history shows
        // the rename away (the earlier requirement of that name) but not the other's MODIFIED.
        let fixture_text = "//- /openspec/specs/auth/spec.md
## Requirements
### Requirement: Login
x
### Requirement: Sign in
y
//- /openspec/changes/archive/2024-01-01-a/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
x
//- /openspec/changes/archive/2024-02-01-b/specs/auth/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Login`
- TO: `### Requirement: Sign in`
//- /openspec/changes/archive/2024-03-01-c/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Sign in
y
## ADDED Requirements
### Requirement: Login
z
";
        check(
            fixture_text,
            "auth",
            Some("Login"),
            &expect![[r####"
                auth / Login (openspec/specs/auth/spec.md:2:1 "### Requirement: Login")
                  2024-01-01 a [archived] ADDED "Login" @ openspec/changes/archive/2024-01-01-a/specs/auth/spec.md:2:18 "Login"
                  2024-02-01 b [archived] RENAMED FROM "Login" <-> "Sign in" @ openspec/changes/archive/2024-02-01-b/specs/auth/spec.md:2:27 "Login"
                  2024-03-01 c [archived] ADDED "Login" @ openspec/changes/archive/2024-03-01-c/specs/auth/spec.md:5:18 "Login"
                  summary: added 2x, first by a · last by c
            "####]],
        );
        check(
            fixture_text,
            "auth",
            Some("Sign in"),
            &expect![[r####"
                auth / Sign in (openspec/specs/auth/spec.md:4:1 "### Requirement: Sign in")
                  2024-01-01 a [archived] ADDED "Login" @ openspec/changes/archive/2024-01-01-a/specs/auth/spec.md:2:18 "Login"
                  2024-02-01 b [archived] RENAMED FROM "Login" <-> "Sign in" @ openspec/changes/archive/2024-02-01-b/specs/auth/spec.md:2:27 "Login"
                  2024-02-01 b [archived] RENAMED TO "Sign in" <-> "Login" @ openspec/changes/archive/2024-02-01-b/specs/auth/spec.md:3:25 "Sign in"
                  2024-03-01 c [archived] MODIFIED "Sign in" @ openspec/changes/archive/2024-03-01-c/specs/auth/spec.md:2:18 "Sign in"
                  summary: added by a · modified 1x · renamed 1x · last by c
            "####]],
        );
    }

    #[test]
    fn archive_names() {
        let parsed = |name: &str| parse_archive_name(name).map(|(date, rest)| format!("{date} {rest}"));
        assert_eq!(parsed("2024-02-29-leap").as_deref(), Some("2024-02-29 leap"));
        assert_eq!(parsed("2023-02-29-not-leap"), None);
        assert_eq!(parsed("1900-02-29-century"), None);
        assert_eq!(parsed("2000-02-29-four-hundred").as_deref(), Some("2000-02-29 four-hundred"));
        assert_eq!(parsed("2024-00-10-zero-month"), None);
        assert_eq!(parsed("2024-12-31-"), None);
        assert_eq!(parsed("2024-12-31"), None);
        assert_eq!(parsed("2024-12-31x-a"), None);
        assert_eq!(parsed("２０２４-01-01-wide"), None);
        assert_eq!(parsed("2024-+1-01-sign"), None);
        assert_eq!(parsed("add-login"), None);
        assert_eq!(parsed("2024-01-01-ü").as_deref(), Some("2024-01-01 ü"));
    }
}
