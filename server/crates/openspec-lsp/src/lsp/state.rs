//! The server's state behind one mutex: roots read from disk, open buffers that override them,
//! settings, and the diagnostics generation. Mutations are synchronous; analysis works on a
//! `RootInput` snapshot taken under the lock and computed without it, through the root's
//! `RootSession`, which keeps the findings and the index up to date a file at a time.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use openspec_ide::index::WorkspaceIndex;
use openspec_ide::{Analysis, Changed, Entry, FileContent, IncrementalCheck, RootSnapshot};
use openspec_syntax::LineIndex;
use tower_lsp_server::ls_types;

use super::capabilities::FeatureSupport;
use super::document::{Document, PositionEncoding};
use super::settings::Settings;
use super::to_proto::{self, FileText};
use crate::store_registry::StoreEnv;

/// One OpenSpec root as last read from disk.
#[derive(Debug)]
pub struct RootState {
    pub dir: PathBuf,
    pub disk: RootSnapshot,
    /// Root-relative paths a closed buffer overlaid since `disk` was read: with the open
    /// buffers, the only paths in which two snapshots of this disk read can differ.
    pub overlaid: BTreeSet<String>,
    /// The analysis of this disk read, shared with the computations running for it. A new
    /// read starts a new session (and so a full check).
    pub session: Arc<RootSession>,
    /// When the read started (`ServerState::next_disk_read`): of two reads of the same root
    /// that overlap, the one started later wins, whichever finishes first.
    pub read_at: u64,
    /// The archive's content is still being read (`vfs_load::load_root_first`): requests
    /// answer from `disk` as it is, checks wait until the archive is in.
    pub archive_pending: bool,
    /// The store id of a checkout indexed only because a root's `references:` names it: its
    /// files are navigation targets, read-only, and its findings are not published (they are
    /// not the workspace's own).
    pub referenced_store: Option<String>,
}

impl RootState {
    pub fn new(dir: PathBuf, disk: RootSnapshot, read_at: u64) -> RootState {
        RootState {
            dir,
            disk,
            overlaid: BTreeSet::new(),
            session: Arc::default(),
            read_at,
            archive_pending: false,
            referenced_store: None,
        }
    }
}

/// One root's incremental analysis: the index (for requests) and the findings (for
/// diagnostics) of the newest snapshot each has been brought to. Two locks, so a request never
/// waits for a check: the first full check of a big workspace takes seconds, the index much
/// less. Locked only by computations, never by handlers.
#[derive(Debug, Default)]
pub struct RootSession {
    analysis: Mutex<Option<(u64, Analysis)>>,
    check: Mutex<CheckState>,
}

#[derive(Debug, Default)]
struct CheckState {
    /// The generation of the snapshot `check` is at.
    generation: u64,
    /// The registry the store findings in `check` were computed against.
    stores: Option<Arc<StoreEnv>>,
    check: Option<IncrementalCheck>,
    /// All findings of that snapshot, made on first use (code lenses read them).
    findings: Option<Arc<Vec<openspec_ide::Diagnostic>>>,
    /// Versions of the open documents in that snapshot, by root-relative path.
    versions: HashMap<String, i32>,
    /// Paths whose findings changed since they were last published, with the generation of
    /// the newest such change.
    unpublished: BTreeMap<String, u64>,
    /// Every file must be published again (first check, settings changed), asked for at this
    /// generation: only a publication of that generation or a later one clears it.
    publish_all: Option<u64>,
    /// The findings of an open document changed through another file (or a disk read) at this
    /// generation: a client that pulls must be asked to pull again.
    refresh: Option<u64>,
}

impl RootSession {
    /// Publish every file again at the first publication of `generation` or later (the
    /// settings changed at `generation`).
    pub fn republish_all(&self, generation: u64) {
        let mut state = lock(&self.check);
        state.publish_all = Some(state.publish_all.map_or(generation, |at| at.max(generation)));
    }

    /// Publish `path` (root-relative) again at the first publication of `generation` or later,
    /// changed or not (a pulling client closed it, and so dropped what it pulled).
    pub fn republish(&self, path: &str, generation: u64) {
        let mut state = lock(&self.check);
        let at = state.unpublished.entry(path.to_owned()).or_insert(generation);
        *at = (*at).max(generation);
    }
}

/// Locks a mutex, ignoring poisoning: every mutation of the guarded data is a single
/// assignment or insert, so a panic while holding it leaves it consistent.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
    /// What was last pushed for each file (non-empty lists only): a file is pushed again only
    /// when this changes, and cleared when it had findings.
    pub sent: HashMap<PathBuf, Vec<ls_types::Diagnostic>>,
    /// The client pulls diagnostics for open documents (`textDocument/diagnostic`); closed
    /// files are pushed. Chosen only for clients that can also be asked to pull again
    /// (`workspace/diagnostic/refresh`); the others get every finding pushed.
    pub pull_diagnostics: bool,
    /// Counter of disk reads started, for `RootState::read_at`.
    pub disk_reads: u64,
    pub client: ClientSupport,
    /// What the client can take in completion, code action and definition answers.
    pub features: FeatureSupport,
    pub shutting_down: bool,
    /// The store registry as last read (with every root's roots, and when its file changes).
    pub stores: Arc<StoreEnv>,
    /// The checkouts of registered stores the client was asked to watch.
    pub watched_stores: Vec<PathBuf>,
}

/// What the client said it supports at `initialize`, where the server must ask first.
#[allow(clippy::struct_excessive_bools)] // One flag per capability, read one at a time.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    pub watched_files_registration: bool,
    /// Watchers may be relative patterns with a base folder (for folders outside the workspace).
    pub relative_patterns: bool,
    pub configuration: bool,
    pub work_done_progress: bool,
    /// `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// `workspace/codeLens/refresh`.
    pub code_lens_refresh: bool,
    /// `relatedInformation` in published diagnostics.
    pub related_information: bool,
}

/// How findings are shaped for this client.
#[derive(Clone, Copy, Debug)]
pub struct DiagnosticFormat {
    pub encoding: PositionEncoding,
    /// The client shows `relatedInformation`; otherwise related places are folded into the
    /// message.
    pub related_information: bool,
}

/// What analysing one root needs, detached from the state.
#[derive(Clone, Debug)]
pub struct RootInput {
    pub dir: PathBuf,
    pub snapshot: RootSnapshot,
    /// Versions of the open documents in this root, by root-relative path.
    pub versions: HashMap<String, i32>,
    /// The paths in which this snapshot can differ from another of the same session.
    pub overlaid: BTreeSet<String>,
    /// The state's generation when the snapshot was taken.
    pub generation: u64,
    pub session: Arc<RootSession>,
    /// The registry the store findings are computed against.
    pub stores: Arc<StoreEnv>,
    /// A referenced store's checkout (see `RootState::referenced_store`): nothing is published.
    pub read_only: bool,
}

/// Diagnostics of one file, ready to send.
#[derive(Clone, Debug)]
pub struct FileDiagnostics {
    pub path: PathBuf,
    pub version: Option<i32>,
    pub diagnostics: Vec<ls_types::Diagnostic>,
}

impl Default for ServerState {
    fn default() -> Self {
        Self::new()
    }
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
            sent: HashMap::new(),
            pull_diagnostics: false,
            disk_reads: 0,
            client: ClientSupport::default(),
            features: FeatureSupport::default(),
            shutting_down: false,
            stores: Arc::default(),
            watched_stores: Vec::new(),
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
        self.root_input_over(root_idx, &root.disk, root.session.clone())
    }

    /// `root_input` for another disk read of the same root and the session that analyses it
    /// (the read with the archive, before it replaces the one without).
    pub fn root_input_over(
        &self,
        root_idx: usize,
        disk: &RootSnapshot,
        session: Arc<RootSession>,
    ) -> Option<RootInput> {
        let root = self.roots.get(root_idx)?;
        // Cheap: the snapshot's map shares its structure with the disk read.
        let mut snapshot = disk.clone();
        let mut versions = HashMap::new();
        let mut overlaid = root.overlaid.clone();
        for (path, document) in &self.documents {
            if self.root_of(path) != Some(root_idx) {
                continue;
            }
            let Some(rel) = self.relative(root_idx, path) else { continue };
            snapshot.insert_shared(&rel, document.shared.clone());
            if let Some(view) = &document.view {
                snapshot.markdown_trees.insert(rel.clone(), view.clone());
            } else if document.is_large() {
                snapshot.without_markdown_view.insert(rel.clone());
            }
            versions.insert(rel.clone(), document.version);
            overlaid.insert(rel);
        }
        Some(RootInput {
            dir: root.dir.clone(),
            snapshot,
            versions,
            overlaid,
            generation: self.generation,
            session,
            stores: self.stores.clone(),
            read_only: root.referenced_store.is_some(),
        })
    }

    /// Remembers that the buffer of `path` no longer overlays its root's disk read.
    pub fn note_closed(&mut self, path: &Path) {
        let Some(root_idx) = self.root_of(path) else { return };
        let Some(rel) = self.relative(root_idx, path) else { return };
        if let Some(root) = self.roots.get_mut(root_idx) {
            root.overlaid.insert(rel);
        }
    }

    pub fn diagnostic_format(&self) -> DiagnosticFormat {
        DiagnosticFormat { encoding: self.encoding, related_information: self.client.related_information }
    }

    /// A ticket for a disk read about to start (see `RootState::read_at`).
    pub fn next_disk_read(&mut self) -> u64 {
        self.disk_reads += 1;
        self.disk_reads
    }

    /// Takes freshly read roots in: a root is replaced only by a read that started after the
    /// one it holds, and a root that `fresh` does not list stays when `keep` says so.
    pub fn take_roots(&mut self, fresh: Vec<RootState>, keep: impl Fn(&ServerState, &RootState) -> bool) {
        let mut merged: Vec<RootState> = Vec::new();
        let mut old = std::mem::take(&mut self.roots);
        for root in fresh {
            match old.iter().position(|known| known.dir == root.dir) {
                Some(idx) if old[idx].read_at > root.read_at => merged.push(old.swap_remove(idx)),
                Some(idx) => {
                    old.swap_remove(idx);
                    merged.push(root);
                }
                None => merged.push(root),
            }
        }
        let kept: Vec<RootState> = old.into_iter().filter(|root| keep(self, root)).collect();
        merged.extend(kept);
        merged.sort_by(|a, b| a.dir.cmp(&b.dir));
        self.roots = merged;
    }

    /// Whether an open document lies under `root`'s folder.
    pub fn has_open_document(&self, root: &RootState) -> bool {
        self.documents.keys().any(|path| path.starts_with(&root.dir))
    }

    pub fn all_root_inputs(&self) -> Vec<RootInput> {
        (0..self.roots.len()).filter_map(|idx| self.root_input(idx)).collect()
    }

    /// The inputs of the roots read whole (not waiting for their archive): the ones to check.
    pub fn complete_root_inputs(&self) -> Vec<RootInput> {
        let complete = self.roots.iter().enumerate().filter(|(_, root)| !root.archive_pending);
        complete.filter_map(|(idx, _)| self.root_input(idx)).collect()
    }
}

/// The root's index at `input`'s snapshot (or a newer one): built the first time, then
/// updated a file at a time from the previous one (rebuilt when files came or went).
pub fn refresh(input: &RootInput) -> Analysis {
    let mut slot = lock(&input.session.analysis);
    if let Some((generation, analysis)) = slot.as_ref()
        && *generation >= input.generation
    {
        return analysis.clone();
    }
    let snapshot = Arc::new(input.snapshot.clone());
    let index = match slot.as_ref() {
        Some((_, previous)) => match openspec_ide::text_changes(&previous.root, &snapshot, &input.overlaid) {
            Some(edited) if edited.is_empty() => previous.index.clone(),
            Some(edited) => Arc::new(previous.index.updated(&snapshot, &edited)),
            None => Arc::new(WorkspaceIndex::build(&snapshot)),
        },
        None => Arc::new(WorkspaceIndex::build(&snapshot)),
    };
    let analysis = Analysis { root: snapshot, index };
    *slot = Some((input.generation, analysis.clone()));
    analysis
}

/// Starts `input`'s session (a read of the root with its archive, see `RootState::archive_pending`)
/// from the analysis of `first`, the read without it, taken at the same generation (so with
/// the same buffers): the index is the first one extended with the archived changes
/// (`WorkspaceIndex::with_archived_changes`), so the main specs and active changes are shared,
/// never indexed and held twice. Should the first session have moved on to newer buffers
/// meanwhile, the whole root is indexed instead.
pub fn extend_with_archive(first: &RootInput, input: &RootInput) -> Analysis {
    drop(refresh(first));
    let previous = lock(&first.session.analysis)
        .as_ref()
        .filter(|(generation, _)| *generation == first.generation)
        .map(|(_, analysis)| analysis.clone());
    let mut slot = lock(&input.session.analysis);
    if let Some((generation, analysis)) = slot.as_ref()
        && *generation >= input.generation
    {
        return analysis.clone();
    }
    let snapshot = Arc::new(input.snapshot.clone());
    let index = match previous {
        Some(previous) => previous.index.with_archived_changes(&snapshot),
        None => WorkspaceIndex::build(&snapshot),
    };
    let analysis = Analysis { root: snapshot, index: Arc::new(index) };
    *slot = Some((input.generation, analysis.clone()));
    analysis
}

/// Brings the root's findings to `input`'s snapshot, unless they are there already or
/// further on: the first time a full check, then only what the overlaid paths changed.
fn refresh_check(state: &mut CheckState, input: &RootInput) {
    if state.check.is_some() && state.generation >= input.generation {
        return;
    }
    if let Some(check) = &mut state.check {
        let update = check.update(input.snapshot.clone(), &Changed::Paths(input.overlaid.clone()));
        let mut changed_paths = update.changed_paths;
        // The store findings read the config, the metadata files and the registry: a full
        // re-check (any config edit is one) or a metadata edit re-runs them, as a new registry does.
        let metadata_edited =
            update.edited.as_ref().is_none_or(|edited| edited.iter().any(|path| path.ends_with("/.openspec.yaml")));
        let registry_changed = state.stores.as_ref().is_none_or(|stores| !Arc::ptr_eq(stores, &input.stores));
        if metadata_edited || registry_changed {
            changed_paths.extend(check.set_external(store_findings(input)));
            state.stores = Some(input.stores.clone());
        }
        for path in changed_paths {
            // An open document whose version stayed put changed through another file.
            let version = input.versions.get(&path);
            if version.is_some() && version == state.versions.get(&path) {
                state.refresh = Some(input.generation);
            }
            state.unpublished.insert(path, input.generation);
        }
    } else {
        let mut check = IncrementalCheck::new(input.snapshot.clone());
        check.set_external(store_findings(input));
        state.check = Some(check);
        state.stores = Some(input.stores.clone());
        state.publish_all = Some(state.publish_all.map_or(input.generation, |at| at.max(input.generation)));
        if !input.versions.is_empty() {
            // A new disk read: what was pulled for open documents may be out of date.
            state.refresh = Some(input.generation);
        }
    }
    state.findings = None;
    state.generation = input.generation;
    state.versions.clone_from(&input.versions);
}

/// The store findings of `input`'s root (`openspec_ide::rules::store`) against its registry.
fn store_findings(input: &RootInput) -> Vec<openspec_ide::Diagnostic> {
    input.stores.findings(&input.snapshot, &input.dir)
}

/// Every finding of the root at `input`'s snapshot (or newer), as `check_root` gives them.
pub fn findings(input: &RootInput) -> Arc<Vec<openspec_ide::Diagnostic>> {
    let mut state = lock(&input.session.check);
    refresh_check(&mut state, input);
    if let Some(findings) = &state.findings {
        return findings.clone();
    }
    let all = Arc::new(state.check.as_ref().map(IncrementalCheck::diagnostics).unwrap_or_default());
    state.findings = Some(all.clone());
    all
}

/// The diagnostics of `path` (root-relative) at `input`'s snapshot (or newer), converted.
pub fn file_diagnostics(
    input: &RootInput,
    path: &str,
    settings: &Settings,
    format: DiagnosticFormat,
) -> Vec<ls_types::Diagnostic> {
    let mut state = lock(&input.session.check);
    refresh_check(&mut state, input);
    let Some(check) = &state.check else { return Vec::new() };
    let mut converted = convert(check, &input.dir, std::iter::once(path), settings, format);
    converted.pop().map(|(_, diagnostics)| diagnostics).unwrap_or_default()
}

/// What to publish for one root after bringing its findings to `input`'s snapshot: the files
/// whose findings changed since they were last published, plus the open documents (their
/// versions moved on).
pub struct Publication {
    pub generation: u64,
    /// The root's folder.
    pub dir: PathBuf,
    pub files: Vec<FileDiagnostics>,
    /// Every file of the root is listed (so a file pushed before and missing now is cleared).
    pub complete: bool,
    /// Findings of an open document changed through another file or a disk read: a pulling
    /// client must pull again.
    pub refresh: bool,
    /// Some file's findings changed (code lenses that summarise findings are out of date).
    pub findings_changed: bool,
    pub session: Arc<RootSession>,
}

/// `None` when a newer snapshot is already in, which publishes its own.
pub fn publication(input: &RootInput, settings: &Settings, format: DiagnosticFormat) -> Option<Publication> {
    let mut state = lock(&input.session.check);
    refresh_check(&mut state, input);
    if state.generation != input.generation {
        return None;
    }
    let check = state.check.as_ref()?;
    let complete = state.publish_all.is_some();
    let refresh = state.refresh.is_some();
    let findings_changed = complete || !state.unpublished.is_empty();
    let mut paths: BTreeSet<&str> = state.unpublished.keys().map(String::as_str).collect();
    paths.extend(state.versions.keys().map(String::as_str));
    if complete {
        paths.extend(check.paths_with_findings());
    }
    let converted = convert(check, &input.dir, paths.into_iter(), settings, format);
    let files = converted
        .into_iter()
        .map(|(path, diagnostics)| FileDiagnostics {
            version: state.versions.get(&path).copied(),
            path: input.dir.join(&path),
            diagnostics,
        })
        .collect();
    Some(Publication {
        generation: input.generation,
        dir: input.dir.clone(),
        files,
        complete,
        refresh,
        findings_changed,
        session: input.session.clone(),
    })
}

impl Publication {
    /// Marks what was published as done: what was asked for at a later generation stays
    /// pending, so a pass that lost a race (or used older settings) never clears it.
    pub fn published(&self) {
        let mut state = lock(&self.session.check);
        let generation = self.generation;
        state.unpublished.retain(|_, changed_at| *changed_at > generation);
        if state.publish_all.is_some_and(|at| at <= generation) && self.complete {
            state.publish_all = None;
        }
        if state.refresh.is_some_and(|at| at <= generation) {
            state.refresh = None;
        }
    }
}

/// The diagnostics of `paths` from `check`, converted (every listed path is in the answer,
/// with an empty list when it has no findings).
fn convert<'p>(
    check: &IncrementalCheck,
    root_dir: &Path,
    paths: impl Iterator<Item = &'p str>,
    settings: &Settings,
    format: DiagnosticFormat,
) -> Vec<(String, Vec<ls_types::Diagnostic>)> {
    let snapshot = check.snapshot();
    // Each referenced file's text and line index, computed once.
    let mut indexes: HashMap<String, (Arc<str>, LineIndex)> = HashMap::new();
    let index_of = |path: &str, indexes: &mut HashMap<String, (Arc<str>, LineIndex)>| {
        if indexes.contains_key(path) {
            return;
        }
        if let Some(Entry::File { content: FileContent::Text { text, .. }, .. }) = snapshot.get(path) {
            indexes.insert(path.to_owned(), (text.clone(), LineIndex::new(text)));
        }
    };
    let mut out = Vec::new();
    for path in paths {
        let findings: Vec<&openspec_ide::Diagnostic> = check.diagnostics_on(path).collect();
        for diagnostic in &findings {
            index_of(&diagnostic.path, &mut indexes);
            for related in &diagnostic.related {
                index_of(&related.path, &mut indexes);
            }
        }
        let lookup = |path: &str| indexes.get(path).map(|(text, index)| FileText { text, index });
        let converted = findings
            .into_iter()
            .filter_map(|diagnostic| {
                let shown = settings.effective_severity(diagnostic.code, diagnostic.severity)?;
                let file = lookup(&diagnostic.path);
                Some(to_proto::diagnostic(diagnostic, shown, file.as_ref(), root_dir, &lookup, format))
            })
            .collect();
        out.push((path.to_owned(), converted));
    }
    out
}
