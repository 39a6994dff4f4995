//! CODEOWNERS as GitHub and GitLab read it: the first of `.github/CODEOWNERS`, `CODEOWNERS`,
//! `docs/CODEOWNERS`; gitignore-style patterns; the last matching line decides. Used to show
//! who owns a spec. Pure: parses the text from the snapshot, never fails (a line it cannot read
//! is skipped).

use globset::{GlobBuilder, GlobMatcher};

use crate::root_files::CODEOWNERS_PATHS;
use crate::vfs::RootSnapshot;

#[derive(Clone, Debug)]
struct Rule {
    matchers: Vec<GlobMatcher>,
    owners: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct CodeOwners {
    /// The CODEOWNERS file these rules come from.
    pub path: &'static str,
    rules: Vec<Rule>,
}

impl CodeOwners {
    /// The root's CODEOWNERS, if it has one.
    pub fn read(root: &RootSnapshot) -> Option<CodeOwners> {
        let (path, text) = CODEOWNERS_PATHS.iter().find_map(|path| Some((*path, root.text(path)?)))?;
        Some(CodeOwners { path, rules: text.lines().filter_map(parse_line).collect() })
    }

    /// The owners of root-relative `path`: those of the last line matching it. `None` when no
    /// line matches; an empty list when the matching line names no owner (explicitly unowned).
    pub fn owners_of(&self, path: &str) -> Option<&[String]> {
        self.rules
            .iter()
            .rev()
            .find(|rule| rule.matchers.iter().any(|matcher| matcher.is_match(path)))
            .map(|rule| rule.owners.as_slice())
    }
}

fn parse_line(line: &str) -> Option<Rule> {
    let line = line.trim();
    // Comments, and GitLab's `[Section]` headers (their owners are defaults we do not model).
    if line.is_empty() || line.starts_with('#') || line.starts_with('[') || line.starts_with("^[") {
        return None;
    }
    let mut tokens = line.split_whitespace();
    let pattern = tokens.next()?;
    let pattern = pattern.strip_prefix('\\').unwrap_or(pattern);
    let owners = tokens.take_while(|token| !token.starts_with('#')).map(str::to_owned).collect();
    // gitignore rules: a slash at the start or in the middle anchors the pattern at the root;
    // otherwise it matches at any depth. A trailing slash matches folders only, and a pattern
    // naming a folder covers everything below it.
    let anchored = pattern.starts_with('/') || pattern.trim_end_matches('/').contains('/');
    let folder_only = pattern.ends_with('/');
    let bare = pattern.trim_start_matches('/').trim_end_matches('/');
    if bare.is_empty() {
        return None;
    }
    let base = if anchored { bare.to_owned() } else { format!("**/{bare}") };
    let mut globs = vec![format!("{base}/**")];
    if !folder_only {
        globs.push(base);
    }
    let matchers: Vec<GlobMatcher> = globs
        .iter()
        .filter_map(|glob| GlobBuilder::new(glob).literal_separator(true).build().ok())
        .map(|glob| glob.compile_matcher())
        .collect();
    (!matchers.is_empty()).then_some(Rule { matchers, owners })
}

#[cfg(test)]
mod tests {
    use super::CodeOwners;
    use crate::vfs::RootSnapshot;

    fn owners(codeowners: &str, path: &str) -> Option<String> {
        let root = RootSnapshot::from_texts([(".github/CODEOWNERS", codeowners)]);
        CodeOwners::read(&root)?.owners_of(path).map(|owners| owners.join(" "))
    }

    #[test]
    fn last_match_wins_with_gitignore_patterns() {
        let file = "# Specs\n* @everyone\n/openspec/specs/ @spec-team\nopenspec/specs/auth/ @security @alice # auth\n*.toml @build\n/openspec/specs/public/spec.md\n";
        assert_eq!(owners(file, "openspec/specs/auth/spec.md").as_deref(), Some("@security @alice"));
        assert_eq!(owners(file, "openspec/specs/billing/spec.md").as_deref(), Some("@spec-team"));
        assert_eq!(owners(file, "openspec/specs/public/spec.md").as_deref(), Some(""));
        assert_eq!(owners(file, "deep/dir/x.toml").as_deref(), Some("@build"));
        assert_eq!(owners(file, "README.md").as_deref(), Some("@everyone"));
        assert_eq!(owners("docs/ @docs\n", "openspec/specs/a/spec.md"), None);
        assert_eq!(owners("spec.md @any-depth\n", "openspec/specs/a/spec.md").as_deref(), Some("@any-depth"));
        assert_eq!(owners("openspec/specs/*/spec.md @one-level\n", "openspec/specs/a/b/spec.md"), None);
    }
}
