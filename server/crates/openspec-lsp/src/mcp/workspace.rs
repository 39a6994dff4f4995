//! The folder the MCP server serves, loaded afresh for every call (an agent edits files between
//! calls, and a stale answer would send it after problems it already fixed), and the mapping
//! between the paths an agent passes and the checked roots' files. Reads only; never writes.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use openspec_ide::{Analysis, CheckConfig};
use openspec_syntax::{ColumnUnit, LineCol};
use rmcp::ErrorData;

use crate::check_command::check_path;
use crate::discover;
use crate::output::{CheckRun, CheckedRoot};

/// The served folder.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub dir: PathBuf,
}

/// One load of the served folder: every root checked, with an analysis per root.
pub struct Loaded {
    pub run: CheckRun,
    /// One per root of `run.roots`, same order.
    pub analyses: Vec<Analysis>,
    /// The folder every path in answers is relative to.
    pub base: PathBuf,
}

/// A file (or folder) of one root, named the way answers name it.
pub struct RootPath<'a> {
    pub root_idx: usize,
    pub root: &'a CheckedRoot,
    /// Root-relative, `/`-separated.
    pub path: String,
}

impl Workspace {
    /// Discovers, loads and checks every root of the served folder.
    pub fn load(&self, config: CheckConfig) -> Result<Loaded, ErrorData> {
        let to_error = |error: anyhow::Error| ErrorData::internal_error(format!("{error:#}"), None);
        let base = discover::discover(&self.dir).map_err(to_error)?.base;
        let run = check_path(&self.dir, config).map_err(to_error)?;
        let analyses = run.roots.iter().map(|root| Analysis::new(Arc::new(root.snapshot.clone()))).collect();
        Ok(Loaded { run, analyses, base })
    }
}

impl Loaded {
    /// `path` as answers spell it (relative to the base, `/`-separated). Accepts the same
    /// relative path, or an absolute one inside the base; refuses anything leaving the base.
    pub fn normalize(&self, path: &str) -> Result<String, ErrorData> {
        let given = Path::new(path.trim());
        let relative = if given.is_absolute() {
            let canonical = given.canonicalize().unwrap_or_else(|_| given.to_path_buf());
            let base = self.base.canonicalize().unwrap_or_else(|_| self.base.clone());
            canonical
                .strip_prefix(&base)
                .map(Path::to_path_buf)
                .map_err(|_| bad_argument(format!("`{path}` is outside the served folder {}", self.base.display())))?
        } else {
            given.to_path_buf()
        };
        let mut parts: Vec<String> = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(part) => parts.push(part.to_string_lossy().replace('\\', "/")),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                    return Err(bad_argument(format!(
                        "`{path}` must be a path inside the served folder, relative to it (no `..`)"
                    )));
                }
            }
        }
        Ok(parts.join("/"))
    }

    /// The root and root-relative path of `path` (as `normalize` accepts it); the root whose
    /// folder is the longest prefix wins.
    pub fn locate(&self, path: &str) -> Result<RootPath<'_>, ErrorData> {
        let normalized = self.normalize(path)?;
        let found = self
            .run
            .roots
            .iter()
            .enumerate()
            .filter_map(|(root_idx, root)| {
                let inner = if root.relative_dir.is_empty() {
                    Some(normalized.as_str())
                } else {
                    normalized.strip_prefix(&root.relative_dir).and_then(|rest| rest.strip_prefix('/'))
                }?;
                Some((root.relative_dir.len(), RootPath { root_idx, root, path: inner.to_owned() }))
            })
            .max_by_key(|(len, _)| *len);
        found.map(|(_, located)| located).ok_or_else(|| {
            bad_argument(format!("`{path}` is in no OpenSpec root of the served folder {}", self.base.display()))
        })
    }

    /// The root holding active change `change` and its analysis, or an error naming the
    /// active changes.
    pub fn change_root(&self, change: &str) -> Result<(&CheckedRoot, &Analysis), ErrorData> {
        let found = self
            .run
            .roots
            .iter()
            .zip(&self.analyses)
            .find(|(_, analysis)| analysis.index.active_change(change).is_some());
        if let Some(found) = found {
            return Ok(found);
        }
        let known: Vec<String> = self
            .analyses
            .iter()
            .flat_map(|analysis| analysis.index.active_changes().map(|change| change.id.clone()))
            .collect();
        Err(bad_argument(format!("no active change named `{change}`; active changes: {}", list_or_none(&known))))
    }
}

impl RootPath<'_> {
    /// The file's text, or an error saying it is no readable file.
    pub fn text(&self) -> Result<&str, ErrorData> {
        self.root.text(&self.path).ok_or_else(|| {
            bad_argument(format!("`{}` is not a readable file of the workspace", self.root.display_path(&self.path)))
        })
    }

    /// The byte offset of a 1-based line and column (in characters) of this file.
    pub fn offset(&self, line: u32, column: u32) -> Result<usize, ErrorData> {
        let text = self.text()?;
        let index = self.root.line_index(&self.path, text);
        let n_lines = index.line_count();
        if line == 0 || line as usize > n_lines {
            return Err(bad_argument(format!(
                "line {line} is outside `{}`, which has {n_lines} lines (lines start at 1)",
                self.root.display_path(&self.path)
            )));
        }
        if column == 0 {
            return Err(bad_argument("columns start at 1"));
        }
        Ok(index.offset(text, LineCol { line: line - 1, col: column - 1 }, ColumnUnit::Char))
    }
}

/// The MCP error for an argument the agent must change.
pub fn bad_argument(message: impl Into<String>) -> ErrorData {
    ErrorData::invalid_params(message.into(), None)
}

/// `a, b, c` (at most 20, then `…`), or `none`.
pub fn list_or_none(names: &[String]) -> String {
    const SHOWN: usize = 20;
    if names.is_empty() {
        return "none".to_owned();
    }
    let mut listed = names.iter().take(SHOWN).map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        let _ = write!(listed, ", … ({} in all)", names.len());
    }
    listed
}
