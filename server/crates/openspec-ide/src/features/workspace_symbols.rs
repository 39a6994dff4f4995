//! Workspace symbols: every main-spec requirement, every capability and every active change,
//! fuzzy-matched against the query (a case-insensitive subsequence), exact and prefix matches
//! first, capped at `WORKSPACE_SYMBOL_LIMIT`. Pure index lookups.

use crate::features::document_symbols::SymbolKind;
use crate::features::{change_target, file_target, requirement_target, spec_file_target};
use crate::index::{ChangeInfo, DeltaFileInfo, RequirementInfo, SpecInfo, WorkspaceIndex};
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

/// How well a name matches: lower is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum MatchTier {
    Exact,
    Prefix,
    Substring,
    Subsequence,
}

fn match_tier(query: &str, name: &str) -> Option<MatchTier> {
    if query.is_empty() {
        return Some(MatchTier::Exact);
    }
    // Most names are ASCII: compare them in place rather than allocating a lowercase copy of
    // each of the workspace's hundred thousand names per query.
    if name.is_ascii() {
        return ascii_match_tier(query, name.as_bytes());
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

/// `match_tier` for an ASCII name (`query` is lowercase already): a query with other
/// characters cannot match it.
fn ascii_match_tier(query: &str, name: &[u8]) -> Option<MatchTier> {
    let query = query.as_bytes();
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
    query
        .iter()
        .all(|wanted| name_bytes.any(|byte| byte.to_ascii_lowercase() == *wanted))
        .then_some(MatchTier::Subsequence)
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
    // Every candidate in offering order; the order breaks ties between equal names.
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
        // A change or new capability whose file cannot be read is not offered at all.
        let unreadable = match candidate {
            Candidate::Change(change) => change_target(root, change).is_none(),
            Candidate::NewCapability(_, delta) => root.text(&delta.path).is_none(),
            Candidate::Spec(_) | Candidate::Requirement(..) => false,
        };
        if !unreadable {
            found.push((tier, candidate.name().chars().count(), offered, candidate));
        }
    }
    let order = |a: &(MatchTier, usize, usize, Candidate<'_>), b: &(MatchTier, usize, usize, Candidate<'_>)| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| a.3.name().cmp(b.3.name()))
            .then_with(|| a.3.container().cmp(&b.3.container()))
            .then_with(|| a.2.cmp(&b.2))
    };
    // Only the best few are shown: rank those, not every match of a one-letter query.
    if found.len() > WORKSPACE_SYMBOL_LIMIT {
        found.select_nth_unstable_by(WORKSPACE_SYMBOL_LIMIT - 1, order);
        found.truncate(WORKSPACE_SYMBOL_LIMIT);
    }
    found.sort_unstable_by(order);
    found.into_iter().filter_map(|(_, _, _, candidate)| candidate.build(root)).collect()
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
