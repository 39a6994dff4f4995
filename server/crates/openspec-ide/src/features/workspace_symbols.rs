//! Workspace symbols: every main-spec requirement, every capability and every active change,
//! fuzzy-matched against the query (a case-insensitive subsequence), exact and prefix matches
//! first, capped at `WORKSPACE_SYMBOL_LIMIT`. Pure index lookups.

use crate::analysis::NavigationTarget;
use crate::features::document_symbols::SymbolKind;
use crate::features::{change_target, file_target, requirement_target, spec_file_target};
use crate::index::WorkspaceIndex;
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
    let mut found: Vec<(MatchTier, WorkspaceSymbol)> = Vec::new();
    let mut offer = |symbol: WorkspaceSymbol| {
        if let Some(tier) = match_tier(&query, &symbol.name) {
            found.push((tier, symbol));
        }
    };
    for spec in &index.specs {
        offer(WorkspaceSymbol {
            name: spec.capability.clone(),
            kind: SymbolKind::Package,
            container: None,
            target: spec_file_target(spec),
        });
        for requirement in &spec.requirements {
            offer(WorkspaceSymbol {
                name: requirement.name.clone(),
                kind: SymbolKind::Class,
                container: Some(spec.capability.clone()),
                target: requirement_target(spec, requirement),
            });
        }
    }
    for change in index.active_changes() {
        if let Some(target) = change_target(root, change) {
            offer(WorkspaceSymbol { name: change.id.clone(), kind: SymbolKind::Namespace, container: None, target });
        }
        // Capabilities a change introduces exist only as its delta spec until it is archived.
        for delta in change.deltas.iter().filter(|delta| index.spec(&delta.capability).is_none()) {
            if let Some(target) = file_target(root, &delta.path, delta.first_line_range, &delta.capability) {
                offer(WorkspaceSymbol {
                    name: delta.capability.clone(),
                    kind: SymbolKind::Package,
                    container: Some(change.id.clone()),
                    target,
                });
            }
        }
    }
    found.sort_by(|(tier_a, a), (tier_b, b)| {
        let key = |tier: &MatchTier, symbol: &WorkspaceSymbol| (*tier, symbol.name.chars().count());
        key(tier_a, a)
            .cmp(&key(tier_b, b))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.container.cmp(&b.container))
    });
    found.into_iter().take(WORKSPACE_SYMBOL_LIMIT).map(|(_, symbol)| symbol).collect()
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
