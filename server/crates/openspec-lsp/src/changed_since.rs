//! `check --changed-since <git-ref>`: what a branch touches since its merge base with a ref,
//! read through the `git` binary, and the check narrowed to it. The items touched are the
//! active changes with a file changed, the main specs those changes (and changes archived on
//! the branch) modify, and main specs edited directly; a main spec edited outside a change gets
//! a `spec/edited-outside-change` finding (severity by the repository policy). Git is only
//! asked for names (`diff --name-only`, `ls-files`, one `diff -U0` per directly edited spec);
//! nothing is written.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use openspec_ide::index::{FileRole, WorkspaceIndex};
use openspec_ide::{CheckConfig, Diagnostic, ItemId, RootReport, RootSnapshot, Severity};
use openspec_syntax::{LineIndex, TextRange};

/// The finding on a main spec edited since the ref without a change archived on the branch.
pub const EDITED_OUTSIDE_CHANGE_CODE: &str = "spec/edited-outside-change";

/// Why the changed files could not be listed. Each says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedSinceError {
    /// `git` could not be started.
    NoGit(String),
    NotARepository(PathBuf),
    /// A ref that starts with `-` would be read as an option.
    BadRef(String),
    UnknownRef(String),
    /// The ref and `HEAD` share no commit (unrelated histories, or a shallow clone).
    NoMergeBase(String),
    /// Git ran and failed for another reason: the command and its stderr.
    GitFailed {
        command: String,
        stderr: String,
    },
}

impl fmt::Display for ChangedSinceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangedSinceError::NoGit(reason) => {
                write!(f, "--changed-since needs the `git` program, which could not be run ({reason})")
            }
            ChangedSinceError::NotARepository(dir) => {
                write!(f, "--changed-since: {} is not inside a git work tree", dir.display())
            }
            ChangedSinceError::BadRef(git_ref) => {
                write!(f, "--changed-since: `{git_ref}` is not a git ref (refs cannot start with `-`)")
            }
            ChangedSinceError::UnknownRef(git_ref) => write!(
                f,
                "--changed-since: unknown git ref `{git_ref}` (fetch it first; in GitHub Actions check out with `fetch-depth: 0`)"
            ),
            ChangedSinceError::NoMergeBase(git_ref) => write!(
                f,
                "--changed-since: `{git_ref}` and HEAD have no common commit (a shallow clone? fetch with `fetch-depth: 0`)"
            ),
            ChangedSinceError::GitFailed { command, stderr } => {
                write!(f, "--changed-since: `{command}` failed: {}", stderr.trim())
            }
        }
    }
}

impl std::error::Error for ChangedSinceError {}

/// The files changed since the merge base, relative to the root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangedPaths {
    /// The merge base of the ref and `HEAD`.
    pub merge_base: String,
    /// Root-relative, `/`-separated: tracked files that differ from the merge base in the work
    /// tree (committed or not, deleted ones included) and untracked files not ignored.
    pub paths: BTreeSet<String>,
}

/// What a branch touches in one root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TouchedItems {
    /// Active changes with a changed file.
    pub changes: BTreeSet<String>,
    /// Archive folders with a changed file (a change archived on the branch).
    pub archived_changes: BTreeSet<String>,
    /// Main specs (capabilities) to check: edited, or modified by a touched change.
    pub specs: BTreeSet<String>,
    /// Main specs edited with no change archived on the branch that modifies them.
    pub edited_outside_change: BTreeSet<String>,
    pub changed_paths: BTreeSet<String>,
}

impl TouchedItems {
    pub fn contains(&self, item: &ItemId) -> bool {
        match item.kind {
            openspec_ide::ItemKind::Spec => self.specs.contains(&item.id),
            openspec_ide::ItemKind::Change => self.changes.contains(&item.id),
        }
    }
}

fn git(root_dir: &Path, args: &[&str]) -> Result<std::process::Output, ChangedSinceError> {
    Command::new("git")
        // No fsmonitor hook or external diff program runs for a check.
        .args(["-c", "core.fsmonitor=false", "-c", "core.quotepath=off"])
        .args(args)
        .current_dir(root_dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|error| ChangedSinceError::NoGit(error.to_string()))
}

fn git_ok(root_dir: &Path, args: &[&str]) -> Result<Vec<u8>, ChangedSinceError> {
    let output = git(root_dir, args)?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    Err(ChangedSinceError::GitFailed {
        command: format!("git {}", args.join(" ")),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

fn nul_separated(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|&byte| byte == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
}

/// The files under `root_dir` changed since the merge base of `git_ref` and `HEAD`.
pub fn changed_paths(root_dir: &Path, git_ref: &str) -> Result<ChangedPaths, ChangedSinceError> {
    if git_ref.starts_with('-') || git_ref.is_empty() {
        return Err(ChangedSinceError::BadRef(git_ref.to_owned()));
    }
    let inside = git(root_dir, &["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() || inside.stdout.trim_ascii() != b"true" {
        return Err(ChangedSinceError::NotARepository(root_dir.to_path_buf()));
    }
    let commit = format!("{git_ref}^{{commit}}");
    if !git(root_dir, &["rev-parse", "--verify", "--quiet", &commit])?.status.success() {
        return Err(ChangedSinceError::UnknownRef(git_ref.to_owned()));
    }
    let merge_base = git(root_dir, &["merge-base", &commit, "HEAD"])?;
    if !merge_base.status.success() {
        return Err(ChangedSinceError::NoMergeBase(git_ref.to_owned()));
    }
    let merge_base = String::from_utf8_lossy(&merge_base.stdout).trim().to_owned();
    let mut paths: BTreeSet<String> = BTreeSet::new();
    let diff = git_ok(
        root_dir,
        &["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--relative", &merge_base, "--"],
    )?;
    paths.extend(nul_separated(&diff));
    let untracked = git_ok(root_dir, &["ls-files", "--others", "--exclude-standard", "-z", "--", "."])?;
    paths.extend(nul_separated(&untracked));
    Ok(ChangedPaths { merge_base, paths })
}

/// The items `changed` touches in the root `snapshot`/`index` describe. Pure.
pub fn touched_items(index: &WorkspaceIndex, changed: &BTreeSet<String>) -> TouchedItems {
    let mut touched = TouchedItems { changed_paths: changed.clone(), ..TouchedItems::default() };
    let mut edited_specs = BTreeSet::new();
    for path in changed {
        if let Some(FileRole::MainSpec { spec }) = index.role(path) {
            if let Some(spec) = index.specs.get(spec) {
                edited_specs.insert(spec.capability.clone());
            }
            continue;
        }
        let Some(rest) = path.strip_prefix("openspec/changes/") else { continue };
        if let Some(archived) = rest.strip_prefix("archive/") {
            if let Some((folder, _)) = archived.split_once('/') {
                touched.archived_changes.insert(folder.to_owned());
            }
        } else if let Some((id, _)) = rest.split_once('/')
            && index.active_change(id).is_some()
        {
            touched.changes.insert(id.to_owned());
        }
    }
    let mut archived_capabilities = BTreeSet::new();
    for change in &index.changes {
        let in_set = if change.archived { &touched.archived_changes } else { &touched.changes };
        if !in_set.contains(&change.id) {
            continue;
        }
        for delta in &change.deltas {
            if index.spec(&delta.capability).is_some() {
                touched.specs.insert(delta.capability.clone());
            }
            if change.archived {
                archived_capabilities.insert(delta.capability.clone());
            }
        }
    }
    touched.edited_outside_change = edited_specs.difference(&archived_capabilities).cloned().collect();
    touched.specs.extend(edited_specs);
    touched
}

/// The first line `git diff -U0` reports as changed in `path` (1-based), if any.
fn first_changed_line(root_dir: &Path, merge_base: &str, path: &str) -> Option<usize> {
    let diff = git_ok(root_dir, &["diff", "-U0", "--no-ext-diff", "--relative", merge_base, "--", path]).ok()?;
    let text = String::from_utf8_lossy(&diff);
    let hunk = text.lines().find(|line| line.starts_with("@@ "))?;
    let added = hunk.split(' ').find(|word| word.starts_with('+'))?;
    let start = added.trim_start_matches('+').split(',').next()?;
    start.parse::<usize>().ok()
}

/// One `spec/edited-outside-change` finding per main spec edited outside a change, on its first
/// changed line, with the repository policy applied.
pub fn findings(
    root_dir: &Path,
    snapshot: &RootSnapshot,
    index: &WorkspaceIndex,
    touched: &TouchedItems,
    changed: &ChangedPaths,
    git_ref: &str,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for capability in &touched.edited_outside_change {
        let Some(spec) = index.spec(capability) else { continue };
        let text = snapshot.text(&spec.path).unwrap_or_default();
        let range = first_changed_line(root_dir, &changed.merge_base, &spec.path)
            .filter(|line| (1..=LineIndex::new(text).line_count()).contains(line))
            .map_or(TextRange::empty(0), |line| LineIndex::new(text).line_range(text, line - 1));
        found.push(Diagnostic::lsp(
            Some(&ItemId::spec(capability.clone())),
            EDITED_OUTSIDE_CHANGE_CODE,
            Severity::Warning,
            spec.path.clone(),
            range,
            format!(
                "This main spec was edited since `{git_ref}` outside a change: main specs change when a change that modifies them is archived (`openspec archive`), so propose the edit in a change under openspec/changes/."
            ),
        ));
    }
    let (policy, _) = openspec_ide::policy::Policy::read(snapshot);
    policy.apply(&mut found);
    found
}

/// Narrows `report` to what the branch touches: the touched items' verdicts (recomputed with
/// `extra` findings added), their findings, and findings on no item that sit in a changed
/// file. With `only_touched_files`, findings outside the changed files are dropped too (SARIF
/// and GitHub annotate only what the branch changed).
pub fn restrict(
    snapshot: &RootSnapshot,
    report: &mut RootReport,
    touched: &TouchedItems,
    extra: Vec<Diagnostic>,
    config: CheckConfig,
    only_touched_files: bool,
) {
    report.diagnostics.extend(extra);
    report.items = openspec_ide::check::verdicts(snapshot, &report.diagnostics, &config);
    report.items.retain(|verdict| touched.contains(&verdict.item));
    report.diagnostics.retain(|diagnostic| {
        let in_changed_file = touched.changed_paths.contains(&diagnostic.path);
        let kept = match &diagnostic.item {
            Some(item) => touched.contains(item),
            None => in_changed_file || diagnostic.code == crate::output::POLICY_INVALID_CODE,
        };
        kept && (!only_touched_files || in_changed_file || diagnostic.code == crate::output::POLICY_INVALID_CODE)
    });
}

/// `check --changed-since`: narrows every root of `run` (checked from `path`) to what the
/// branch touches since its merge base with `git_ref`.
pub fn narrow_run(
    run: &mut crate::output::CheckRun,
    path: &Path,
    git_ref: &str,
    only_touched_files: bool,
) -> anyhow::Result<()> {
    let discovery = crate::discover::discover(path)?;
    let config = run.config;
    for root in &mut run.roots {
        let root_dir = discovery.base.join(&root.relative_dir);
        let changed = changed_paths(&root_dir, git_ref)?;
        let index = WorkspaceIndex::build(&root.snapshot);
        let touched = touched_items(&index, &changed.paths);
        let extra = findings(&root_dir, &root.snapshot, &index, &touched, &changed, git_ref);
        restrict(&root.snapshot, &mut root.report, &touched, extra, config, only_touched_files);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fmt::Write;

    use expect_test::expect;
    use openspec_ide::RootSnapshot;
    use openspec_ide::index::WorkspaceIndex;

    use super::touched_items;

    #[test]
    fn touched_items_from_changed_paths() {
        let root = RootSnapshot::from_texts([
            ("openspec/specs/auth/spec.md", "## Requirements\n### Requirement: A\n"),
            ("openspec/specs/billing/spec.md", "## Requirements\n### Requirement: B\n"),
            ("openspec/specs/search/spec.md", "## Requirements\n### Requirement: C\n"),
            ("openspec/specs/untouched/spec.md", "## Requirements\n### Requirement: D\n"),
            ("openspec/changes/add-2fa/tasks.md", "- [ ] 1.1 x\n"),
            ("openspec/changes/add-2fa/specs/auth/spec.md", "## ADDED Requirements\n### Requirement: E\n"),
            ("openspec/changes/add-2fa/specs/new-cap/spec.md", "## ADDED Requirements\n### Requirement: F\n"),
            ("openspec/changes/idle/specs/untouched/spec.md", "## ADDED Requirements\n### Requirement: G\n"),
            (
                "openspec/changes/archive/2025-01-01-tune-billing/specs/billing/spec.md",
                "## MODIFIED Requirements\n### Requirement: B\n",
            ),
        ]);
        let index = WorkspaceIndex::build(&root);
        let changed: BTreeSet<String> = [
            "openspec/changes/add-2fa/tasks.md",
            "openspec/changes/gone/proposal.md",
            "openspec/changes/archive/2025-01-01-tune-billing/specs/billing/spec.md",
            "openspec/specs/billing/spec.md",
            "openspec/specs/search/spec.md",
            "openspec/specs/search/notes.md",
            "README.md",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let touched = touched_items(&index, &changed);
        let mut out = String::new();
        let _ = writeln!(out, "changes {:?}", touched.changes);
        let _ = writeln!(out, "archived {:?}", touched.archived_changes);
        let _ = writeln!(out, "specs {:?}", touched.specs);
        let _ = writeln!(out, "outside {:?}", touched.edited_outside_change);
        expect![[r#"
            changes {"add-2fa"}
            archived {"2025-01-01-tune-billing"}
            specs {"auth", "billing", "search"}
            outside {"search"}
        "#]]
        .assert_eq(&out);
    }
}
