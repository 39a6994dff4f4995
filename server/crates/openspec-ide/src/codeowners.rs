//! CODEOWNERS as GitHub and GitLab read it: the first of `.github/CODEOWNERS`, `CODEOWNERS`,
//! `docs/CODEOWNERS`; gitignore-style patterns; the last matching line decides. Used to show
//! who owns a spec. Pure: parses the text from the snapshot, never fails (a line it cannot read
//! is skipped). Compiled once per text of the file, not once per hover (see `COMPILED`).

use std::sync::{Arc, Mutex, PoisonError};

use globset::{GlobBuilder, GlobMatcher};

use crate::root_files::CODEOWNERS_PATHS;
use crate::vfs::{Entry, FileContent, RootSnapshot};

/// The CODEOWNERS files compiled last, by path and text: a hover asks for the owners of one
/// spec, and compiling every pattern again each time cost 0.7 s and 345 MB for 10,000 patterns.
/// A memo of a pure function, so it never changes a result: a changed file is a different text
/// and is compiled afresh. Holds a few files (one per root a server serves at once); the least
/// recently used one drops out.
static COMPILED: Mutex<Vec<Compiled>> = Mutex::new(Vec::new());
/// One memo entry: the CODEOWNERS path, its text and what it compiled to.
type Compiled = (&'static str, Arc<str>, Arc<CodeOwners>);
const COMPILED_FILES: usize = 8;

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
    /// The root's CODEOWNERS, if it has one: compiled the first time its text is seen.
    pub fn read(root: &RootSnapshot) -> Option<Arc<CodeOwners>> {
        let (path, text) = CODEOWNERS_PATHS.iter().find_map(|path| match root.get(path) {
            Some(Entry::File { content: FileContent::Text { text, .. }, .. }) => Some((*path, text.clone())),
            _ => None,
        })?;
        let same = |(cached_path, cached_text, _): &Compiled| {
            *cached_path == path && (Arc::ptr_eq(cached_text, &text) || **cached_text == *text)
        };
        {
            let mut compiled = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(idx) = compiled.iter().position(same) {
                let hit = compiled.remove(idx);
                let owners = hit.2.clone();
                compiled.push(hit);
                return Some(owners);
            }
        }
        // Compiled without the lock, so a hover in another root does not wait for it.
        let owners = Arc::new(CodeOwners { path, rules: text.lines().filter_map(parse_line).collect() });
        let mut compiled = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
        compiled.retain(|entry| !same(entry));
        compiled.push((path, text, owners.clone()));
        let excess = compiled.len().saturating_sub(COMPILED_FILES);
        compiled.drain(..excess);
        Some(owners)
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

    #[test]
    fn compiled_once_per_text() {
        let root = RootSnapshot::from_texts([("CODEOWNERS", "* @first\n")]);
        let first = CodeOwners::read(&root).expect("codeowners");
        // The same text (even read again into a new snapshot) is not compiled again.
        let again = CodeOwners::read(&RootSnapshot::from_texts([("CODEOWNERS", "* @first\n")])).expect("codeowners");
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        // A changed file is compiled afresh, and answers for its new text.
        let changed = RootSnapshot::from_texts([("CODEOWNERS", "* @second\n")]);
        let second = CodeOwners::read(&changed).expect("codeowners");
        assert!(!std::sync::Arc::ptr_eq(&first, &second));
        assert_eq!(second.owners_of("a.md").map(<[String]>::to_vec), Some(vec!["@second".to_owned()]));
    }
}
