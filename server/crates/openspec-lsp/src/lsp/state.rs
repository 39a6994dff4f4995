//! The server's state behind one mutex: roots read from disk, open buffers that override them,
//! settings, and the diagnostics generation. Mutations are synchronous; analysis works on a
//! `RootInput` snapshot taken under the lock and computed without it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use openspec_ide::{Entry, FileContent, RootSnapshot};
use openspec_syntax::LineIndex;
use tower_lsp_server::ls_types;

use super::document::{Document, PositionEncoding};
use super::settings::Settings;
use super::to_proto::{self, FileText};

/// One OpenSpec root as last read from disk.
#[derive(Debug)]
pub struct RootState {
    pub dir: PathBuf,
    pub disk: RootSnapshot,
}

#[derive(Debug)]
pub struct ServerState {
    pub encoding: PositionEncoding,
    pub folders: Vec<PathBuf>,
    pub roots: Vec<RootState>,
    pub documents: HashMap<PathBuf, Document>,
    pub settings: Settings,
    /// Bumped on every change; results computed for an older generation are dropped.
    pub generation: u64,
    /// Files we have pushed non-empty diagnostics for, so they can be cleared later.
    pub pushed: HashSet<PathBuf>,
    /// The client pulls diagnostics for open documents (`textDocument/diagnostic`).
    pub pull_diagnostics: bool,
    pub client: ClientSupport,
    pub shutting_down: bool,
    /// Per root folder: the analysis (snapshot + index) of the current generation, if built.
    pub analyses: HashMap<PathBuf, CachedAnalysis>,
    /// Per root folder: the latest check findings and the generation they were computed for.
    pub findings: HashMap<PathBuf, (u64, Arc<Vec<openspec_ide::Diagnostic>>)>,
}

#[derive(Clone, Debug)]
pub struct CachedAnalysis {
    pub generation: u64,
    pub analysis: openspec_ide::Analysis,
}

/// What the client said it supports at `initialize`, where the server must ask first.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    pub watched_files_registration: bool,
    pub configuration: bool,
    pub work_done_progress: bool,
}

/// What analysing one root needs, detached from the state.
#[derive(Clone, Debug)]
pub struct RootInput {
    pub dir: PathBuf,
    pub snapshot: RootSnapshot,
    /// Versions of the open documents in this root, by root-relative path.
    pub versions: HashMap<String, i32>,
}

/// Diagnostics of one file, ready to send.
#[derive(Clone, Debug)]
pub struct FileDiagnostics {
    pub path: PathBuf,
    pub version: Option<i32>,
    pub diagnostics: Vec<ls_types::Diagnostic>,
}

impl ServerState {
    pub fn new() -> Self {
        Self {
            encoding: PositionEncoding::Utf16,
            folders: Vec::new(),
            roots: Vec::new(),
            documents: HashMap::new(),
            settings: Settings::default(),
            generation: 0,
            pushed: HashSet::new(),
            pull_diagnostics: false,
            client: ClientSupport::default(),
            shutting_down: false,
            analyses: HashMap::new(),
            findings: HashMap::new(),
        }
    }

    /// The root owning `path`: the nearest root folder above it whose snapshot holds such a
    /// path (`openspec/**`, or a legacy agent file, CODEOWNERS, the policy file; see
    /// `openspec_ide::root_files`). Nested roots stand alone.
    pub fn root_of(&self, path: &Path) -> Option<usize> {
        self.roots
            .iter()
            .enumerate()
            .filter(|(_, root)| {
                let Ok(rel) = path.strip_prefix(&root.dir) else { return false };
                let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
                parts.is_some_and(|parts| openspec_ide::root_files::is_snapshot_path(&parts.join("/")))
            })
            .max_by_key(|(_, root)| root.dir.components().count())
            .map(|(idx, _)| idx)
    }

    /// Root-relative `/`-separated path of `path` in root `root_idx`.
    pub fn relative(&self, root_idx: usize, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.roots.get(root_idx)?.dir).ok()?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        Some(parts?.join("/"))
    }

    /// The root's disk snapshot with every open buffer laid over it.
    pub fn root_input(&self, root_idx: usize) -> Option<RootInput> {
        let root = self.roots.get(root_idx)?;
        let mut snapshot = root.disk.clone();
        let mut versions = HashMap::new();
        for (path, document) in &self.documents {
            if self.root_of(path) != Some(root_idx) {
                continue;
            }
            let Some(rel) = self.relative(root_idx, path) else { continue };
            snapshot.insert_file(&rel, &document.text());
            if let Some(tree) = &document.tree {
                snapshot.markdown_trees.insert(rel.clone(), tree.clone());
            }
            versions.insert(rel, document.version);
        }
        Some(RootInput { dir: root.dir.clone(), snapshot, versions })
    }

    pub fn all_root_inputs(&self) -> Vec<RootInput> {
        (0..self.roots.len()).filter_map(|idx| self.root_input(idx)).collect()
    }
}

/// Runs every check over one root and converts the findings, grouped by file. Files of the root
/// that have no findings are not listed; the caller clears what it pushed before. Also returns
/// the raw findings, which code lenses read.
pub fn analyze(
    input: &RootInput,
    settings: &Settings,
    encoding: PositionEncoding,
) -> (Vec<FileDiagnostics>, Arc<Vec<openspec_ide::Diagnostic>>) {
    let report = openspec_ide::check_root(&input.snapshot, &settings.check);
    // Each referenced file's text and line index, computed once.
    let mut indexes: HashMap<&str, (Arc<str>, LineIndex)> = HashMap::new();
    let referenced = report
        .diagnostics
        .iter()
        .flat_map(|d| std::iter::once(d.path.as_str()).chain(d.related.iter().map(|r| r.path.as_str())));
    for path in referenced {
        if indexes.contains_key(path) {
            continue;
        }
        if let Some(Entry::File { content: FileContent::Text { text, .. }, .. }) = input.snapshot.get(path) {
            indexes.insert(path, (text.clone(), LineIndex::new(text)));
        }
    }
    let lookup = |path: &str| indexes.get(path).map(|(text, index)| FileText { text, index });
    let mut by_file: BTreeMap<&str, Vec<ls_types::Diagnostic>> = BTreeMap::new();
    for diagnostic in &report.diagnostics {
        let Some(shown) = settings.effective_severity(diagnostic.code, diagnostic.severity) else { continue };
        let file = lookup(&diagnostic.path);
        let converted = to_proto::diagnostic(diagnostic, shown, file.as_ref(), &input.dir, &lookup, encoding);
        by_file.entry(diagnostic.path.as_str()).or_default().push(converted);
    }
    let files = by_file
        .into_iter()
        .map(|(path, diagnostics)| FileDiagnostics {
            path: input.dir.join(path),
            version: input.versions.get(path).copied(),
            diagnostics,
        })
        .collect();
    (files, Arc::new(report.diagnostics))
}

