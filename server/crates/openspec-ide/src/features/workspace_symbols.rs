//! Workspace symbols: every main-spec requirement, every capability and every active change,
//! fuzzy-matched against the query (a case-insensitive subsequence), exact and prefix matches
//! first, capped at `WORKSPACE_SYMBOL_LIMIT`. Pure lookups in the index's name index
//! (`index/names.rs`), which touches only candidates.

use crate::features::document_symbols::SymbolKind;
use crate::features::{change_target, file_target, requirement_target, spec_file_target};
use crate::index::{ChangeInfo, DeltaFileInfo, NameRef, RequirementInfo, SpecInfo, WorkspaceIndex};
use crate::types::NavigationTarget;
use crate::vfs::RootSnapshot;

/// Enough to find anything by typing a little more, few enough to send on every keystroke.
pub const WORKSPACE_SYMBOL_LIMIT: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The capability of a requirement; the change of a capability only a change introduces.
    pub container: Option<String>,
    pub target: NavigationTarget,
}

/// A symbol before it is built: matching and ranking look only at names, and only the
/// symbols that make the cut are built.
#[derive(Clone, Copy)]
enum Candidate<'i> {
    Spec(&'i SpecInfo),
    Requirement(&'i SpecInfo, &'i RequirementInfo),
    Change(&'i ChangeInfo),
    NewCapability(&'i ChangeInfo, &'i DeltaFileInfo),
}

impl<'i> Candidate<'i> {
    fn name(self) -> &'i str {
        match self {
            Candidate::Spec(spec) => &spec.capability,
            Candidate::Requirement(_, requirement) => &requirement.name,
            Candidate::Change(change) => &change.id,
            Candidate::NewCapability(_, delta) => &delta.capability,
        }
    }

    fn container(self) -> Option<&'i str> {
        match self {
            Candidate::Spec(_) | Candidate::Change(_) => None,
            Candidate::Requirement(spec, _) => Some(&spec.capability),
            Candidate::NewCapability(change, _) => Some(&change.id),
        }
    }

    /// The symbol, or `None` when its file cannot be read (such a candidate is never offered).
    fn build(self, root: &RootSnapshot) -> Option<WorkspaceSymbol> {
        let (kind, target) = match self {
            Candidate::Spec(spec) => (SymbolKind::Package, spec_file_target(spec)),
            Candidate::Requirement(spec, requirement) => (SymbolKind::Class, requirement_target(spec, requirement)),
            Candidate::Change(change) => (SymbolKind::Namespace, change_target(root, change)?),
            Candidate::NewCapability(_, delta) => {
                (SymbolKind::Package, file_target(root, &delta.path, delta.first_line_range, &delta.capability)?)
            }
        };
        Some(WorkspaceSymbol {
            name: self.name().to_owned(),
            kind,
            container: self.container().map(str::to_owned),
            target,
        })
    }
}

pub fn workspace_symbols(root: &RootSnapshot, index: &WorkspaceIndex, query: &str) -> Vec<WorkspaceSymbol> {
    let query = query.trim().to_lowercase();
    let candidate = |item: NameRef| -> Option<Candidate<'_>> {
        Some(match item {
            NameRef::Spec { spec } => Candidate::Spec(index.specs.get(spec)?),
            NameRef::Requirement { spec, requirement } => {
                let spec = index.specs.get(spec)?;
                Candidate::Requirement(spec, spec.requirements.get(requirement)?)
            }
            NameRef::Change { change } => Candidate::Change(index.changes.get(change)?),
            NameRef::NewCapability { change, delta } => {
                let change = index.changes.get(change)?;
                Candidate::NewCapability(change, change.deltas.get(delta)?)
            }
        })
    };
    // A change or new capability whose file cannot be read is not offered at all.
    let offerable = |item: NameRef| match candidate(item) {
        Some(Candidate::Change(change)) => change_target(root, change).is_some(),
        Some(Candidate::NewCapability(_, delta)) => root.text(&delta.path).is_some(),
        Some(Candidate::Spec(_) | Candidate::Requirement(..)) => true,
        None => false,
    };
    let found = index.names().search(&query, WORKSPACE_SYMBOL_LIMIT, offerable);
    found.into_iter().filter_map(|(_, item)| candidate(item)?.build(root)).collect()
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use crate::features::fixture;

    const WORKSPACE: &str = "//- /openspec/specs/auth/spec.md
# Auth
## Requirements
### Requirement: Login
x
### Requirement: Logout
x
### Requirement: Global sign-in
x
//- /openspec/specs/log/spec.md
## Requirements
### Requirement: Größe der Logdatei
x
//- /openspec/changes/login-audit/proposal.md
# Change: Login audit
//- /openspec/changes/login-audit/specs/audit-log/spec.md
## ADDED Requirements
### Requirement: Audit
x
//- /openspec/changes/archive/2024-01-01-login-old/proposal.md
# Old
";

    fn check(query: &str, expect: &Expect) {
        let (analysis, _, _) = fixture::analysis(WORKSPACE);
        let mut out = String::new();
        for symbol in analysis.workspace_symbols(query) {
            let _ = writeln!(
                out,
                "{:?} {:?} in {:?} -> {}",
                symbol.kind,
                symbol.name,
                symbol.container,
                fixture::target(&analysis, &symbol.target)
            );
        }
        expect.assert_eq(&out);
    }

    /// The matcher before the name index (a scan of every name per query), kept as the
    /// oracle: the index must give the same symbols in the same order.
    mod scan {
        use crate::features::change_target;
        use crate::index::{MatchTier, WorkspaceIndex};
        use crate::vfs::RootSnapshot;

        use super::super::{Candidate, WORKSPACE_SYMBOL_LIMIT, WorkspaceSymbol};

        fn match_tier(query: &str, name: &str) -> Option<MatchTier> {
            if query.is_empty() {
                return Some(MatchTier::Exact);
            }
            if name.is_ascii() {
                let (query, name) = (query.as_bytes(), name.as_bytes());
                if !query.is_ascii() {
                    return None;
                }
                if name.eq_ignore_ascii_case(query) {
                    return Some(MatchTier::Exact);
                }
                if name.get(..query.len()).is_some_and(|head| head.eq_ignore_ascii_case(query)) {
                    return Some(MatchTier::Prefix);
                }
                if name.windows(query.len()).any(|window| window.eq_ignore_ascii_case(query)) {
                    return Some(MatchTier::Substring);
                }
                let mut name_bytes = name.iter();
                return query
                    .iter()
                    .all(|wanted| name_bytes.any(|byte| byte.to_ascii_lowercase() == *wanted))
                    .then_some(MatchTier::Subsequence);
            }
            let name = name.to_lowercase();
            if name == query {
                return Some(MatchTier::Exact);
            }
            if name.starts_with(query) {
                return Some(MatchTier::Prefix);
            }
            if name.contains(query) {
                return Some(MatchTier::Substring);
            }
            let mut name_chars = name.chars();
            query.chars().all(|wanted| name_chars.any(|ch| ch == wanted)).then_some(MatchTier::Subsequence)
        }

        pub fn workspace_symbols(root: &RootSnapshot, index: &WorkspaceIndex, query: &str) -> Vec<WorkspaceSymbol> {
            let query = query.trim().to_lowercase();
            let specs = index.specs.iter().flat_map(|spec| {
                std::iter::once(Candidate::Spec(spec))
                    .chain(spec.requirements.iter().map(move |requirement| Candidate::Requirement(spec, requirement)))
            });
            let changes = index.active_changes().flat_map(|change| {
                let new_capabilities = change
                    .deltas
                    .iter()
                    .filter(|delta| index.spec(&delta.capability).is_none())
                    .map(move |delta| Candidate::NewCapability(change, delta));
                std::iter::once(Candidate::Change(change)).chain(new_capabilities)
            });
            let mut found: Vec<(MatchTier, usize, usize, Candidate<'_>)> = Vec::new();
            for (offered, candidate) in specs.chain(changes).enumerate() {
                let Some(tier) = match_tier(&query, candidate.name()) else { continue };
                let unreadable = match candidate {
                    Candidate::Change(change) => change_target(root, change).is_none(),
                    Candidate::NewCapability(_, delta) => root.text(&delta.path).is_none(),
                    Candidate::Spec(_) | Candidate::Requirement(..) => false,
                };
                if !unreadable {
                    found.push((tier, candidate.name().chars().count(), offered, candidate));
                }
            }
            found.sort_by(|a, b| {
                (a.0, a.1)
                    .cmp(&(b.0, b.1))
                    .then_with(|| a.3.name().cmp(b.3.name()))
                    .then_with(|| a.3.container().cmp(&b.3.container()))
                    .then_with(|| a.2.cmp(&b.2))
            });
            found.truncate(WORKSPACE_SYMBOL_LIMIT);
            found.into_iter().filter_map(|(_, _, _, candidate)| candidate.build(root)).collect()
        }
    }

    /// Hundreds of names sharing prefixes, substrings and letters, in several scripts and
    /// cases, with duplicates, changes with unreadable files and capabilities only a change
    /// introduces: every query gives what the scan gives (content and order), also after an
    /// edit that renames a requirement and one that changes no name.
    #[test]
    fn name_index_answers_exactly_what_a_scan_of_every_name_answers() {
        use crate::index::WorkspaceIndex;
        use crate::vfs::{Entry, FileContent, IoProblem, RootSnapshot};

        let words = [
            "Login",
            "log",
            "LOGOUT",
            "Größe",
            "İstanbul",
            "\u{212A}elvin",
            "用户登录",
            "ユーザー",
            "audit log",
            "a",
            "session token",
            "Ret",
            "x",
        ];
        let mut files: Vec<(String, String)> = Vec::new();
        let mut seed = 7u64;
        let mut next = |bound: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0) % bound
        };
        for spec in 0..70 {
            let mut text = format!("# Spec {spec}\n## Requirements\n");
            for requirement in 0..6 {
                let name = format!("{} {}{}", words[next(words.len())], words[next(words.len())], requirement % 3);
                let _ = writeln!(text, "### Requirement: {name}\nThe system SHALL x.");
            }
            let capability = format!("{}-{spec}", words[next(words.len())].to_lowercase().replace(' ', "-"));
            files.push((format!("openspec/specs/{capability}/spec.md"), text));
        }
        for change in 0..40 {
            let id = format!("{}-change-{change}", ["add", "fix-log", "x", "größe"][change % 4]);
            files.push((format!("openspec/changes/{id}/proposal.md"), "# Change\n".to_owned()));
            let delta = "## ADDED Requirements\n### Requirement: New\nThe system SHALL x.\n".to_owned();
            files.push((
                format!("openspec/changes/{id}/specs/new-{}-{change}/spec.md", words[change % words.len()].len()),
                delta,
            ));
        }
        let mut root = RootSnapshot::from_texts(files.iter().map(|(path, text)| (path.as_str(), text.as_str())));
        // A change whose only file cannot be read is never offered.
        let unreadable = Entry::File {
            content: FileContent::Unreadable(IoProblem { code: "EACCES".to_owned(), message: String::new() }),
            symlink: false,
        };
        root.entries.insert("openspec/changes/log-locked".to_owned(), Entry::Dir);
        root.entries.insert("openspec/changes/log-locked/proposal.md".to_owned(), unreadable);
        let queries = [
            "",
            "l",
            "lo",
            "log",
            "LOG",
            "login",
            "logout",
            "g",
            "x",
            "ret",
            "a",
            "ad",
            "add",
            "e",
            "größe",
            "grö",
            "gr",
            "i̇",
            "k",
            "kelvin",
            "用户",
            "登录",
            "ー",
            "session token",
            "audit log",
            " log ",
            "zz",
            "lg",
            "lgt",
            "0",
            "1",
            "2",
            "-",
            "n",
            "new",
            "a\nb",
            "change-1",
            "spec",
        ];
        let check_all = |root: &RootSnapshot, index: &WorkspaceIndex| {
            for query in queries {
                let by_index = super::workspace_symbols(root, index, query);
                let by_scan = scan::workspace_symbols(root, index, query);
                assert_eq!(by_index, by_scan, "query {query:?}");
            }
        };
        let index = WorkspaceIndex::build(&root);
        check_all(&root, &index);
        assert!(super::workspace_symbols(&root, &index, "").len() == super::WORKSPACE_SYMBOL_LIMIT);

        // A body edit keeps the name index; a renamed requirement rebuilds it.
        let (path, text) = &files[0];
        let body_edit = text.replace("The system SHALL x.", "The system SHALL y.");
        root.insert_file(path, &body_edit);
        let index = index.updated(&root, std::slice::from_ref(path));
        check_all(&root, &index);
        let renamed = body_edit.replacen("### Requirement: ", "### Requirement: Logbook ", 1);
        root.insert_file(path, &renamed);
        let index = index.updated(&root, std::slice::from_ref(path));
        assert!(
            super::workspace_symbols(&root, &index, "logbook").iter().any(|symbol| symbol.name.starts_with("Logbook"))
        );
        check_all(&root, &index);
    }

    #[test]
    fn exact_then_prefix_then_substring_then_subsequence() {
        check(
            "LOG",
            &expect![[r###"
                Package "log" in None -> openspec/specs/log/spec.md:1:1 "## Requirements" name="log" full=L1-L4
                Class "Login" in Some("auth") -> openspec/specs/auth/spec.md:3:18 "Login" name="Login" full=L3-L4
                Class "Logout" in Some("auth") -> openspec/specs/auth/spec.md:5:18 "Logout" name="Logout" full=L5-L6
                Namespace "login-audit" in None -> openspec/changes/login-audit/proposal.md:1:11 "Login audit" name="login-audit" full=L1-L2
                Package "audit-log" in Some("login-audit") -> openspec/changes/login-audit/specs/audit-log/spec.md:1:1 "## ADDED Requirements" name="audit-log" full=L1-L4
                Class "Größe der Logdatei" in Some("log") -> openspec/specs/log/spec.md:2:18 "Größe der Logdatei" name="Größe der Logdatei" full=L2-L3
                Class "Global sign-in" in Some("auth") -> openspec/specs/auth/spec.md:7:18 "Global sign-in" name="Global sign-in" full=L7-L8
            "###]],
        );
    }

    #[test]
    fn non_ascii_subsequence_and_empty_query() {
        check(
            "gröd",
            &expect![[r####"
                Class "Größe der Logdatei" in Some("log") -> openspec/specs/log/spec.md:2:18 "Größe der Logdatei" name="Größe der Logdatei" full=L2-L3
            "####]],
        );
        check(
            "",
            &expect![[r###"
                Package "log" in None -> openspec/specs/log/spec.md:1:1 "## Requirements" name="log" full=L1-L4
                Package "auth" in None -> openspec/specs/auth/spec.md:1:3 "Auth" name="auth" full=L1-L9
                Class "Login" in Some("auth") -> openspec/specs/auth/spec.md:3:18 "Login" name="Login" full=L3-L4
                Class "Logout" in Some("auth") -> openspec/specs/auth/spec.md:5:18 "Logout" name="Logout" full=L5-L6
                Package "audit-log" in Some("login-audit") -> openspec/changes/login-audit/specs/audit-log/spec.md:1:1 "## ADDED Requirements" name="audit-log" full=L1-L4
                Namespace "login-audit" in None -> openspec/changes/login-audit/proposal.md:1:11 "Login audit" name="login-audit" full=L1-L2
                Class "Global sign-in" in Some("auth") -> openspec/specs/auth/spec.md:7:18 "Global sign-in" name="Global sign-in" full=L7-L8
                Class "Größe der Logdatei" in Some("log") -> openspec/specs/log/spec.md:2:18 "Größe der Logdatei" name="Größe der Logdatei" full=L2-L3
            "###]],
        );
        check("zzz", &expect![""]);
    }
}
