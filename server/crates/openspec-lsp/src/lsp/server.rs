//! The tower-lsp-server glue: thin handlers that update state synchronously (before any
//! `.await`, so a later request can never overtake an edit), then compute on a blocking thread
//! from a snapshot and publish only results that are still current.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types;
use tower_lsp_server::{Client, LanguageServer};

use openspec_ide::Analysis;

use super::capabilities::{FeatureSupport, SHOW_DOCUMENT_COMMAND};
use super::convert::Converter;
use super::document::{Document, PositionEncoding};
use super::explorer::{self, ExplorerSupport};
use super::handlers;
use super::settings::Settings;
use super::state::{self, FileDiagnostics, RootState, ServerState};
use super::store_handlers;
use crate::store_registry::StoreEnv;
use crate::{discover, vfs_load};

mod early;
mod explorer_handlers;
mod history;
mod large_files;
use explorer_handlers::{ExplorerState, notify_outline_changed};
pub use history::HISTORY_COMMAND;

/// Waits until `flag` is `true`. An error means the sender is gone, i.e. the server is shutting
/// down: answer anyway.
async fn wait_until_set(flag: &tokio::sync::watch::Sender<bool>) {
    let _ = flag.subscribe().wait_for(|done| *done).await;
}

/// A handle: every field is shared, so a clone acts on the same server (a task spawned for later).
#[derive(Clone)]
pub struct Backend {
    client: Client,
    state: Arc<Mutex<ServerState>>,
    /// Set by `shutdown`; decides the process exit code.
    shutdown_requested: Arc<AtomicBool>,
    /// Becomes `true` once the workspace folders have been read for the first time; requests
    /// wait for it so an early request never answers from an empty workspace.
    indexed: tokio::sync::watch::Sender<bool>,
    /// Becomes `true` once the archives deferred by the first read are in (`load_deferred`);
    /// what is made of the archive (requirement history) waits for it.
    archives_in: tokio::sync::watch::Sender<bool>,
    /// Held by a publication from deciding what to send until it is sent, so two publications
    /// never interleave: the later generation always lands last.
    publishing: Arc<tokio::sync::Mutex<()>>,
    /// The explorer: what the client declared, and the outlines last announced to it.
    explorer: Arc<ExplorerState>,
}

impl Backend {
    pub fn new(client: Client, shutdown_requested: Arc<AtomicBool>) -> Self {
        let (indexed, _) = tokio::sync::watch::channel(false);
        let (archives_in, _) = tokio::sync::watch::channel(false);
        Self {
            client,
            state: Arc::new(Mutex::new(ServerState::new())),
            shutdown_requested,
            indexed,
            archives_in,
            publishing: Arc::default(),
            explorer: Arc::default(),
        }
    }

    /// Waits until the first indexing has finished (immediately afterwards).
    async fn wait_indexed(&self) {
        wait_until_set(&self.indexed).await;
    }

    /// Waits until the archives the first read deferred are indexed too (`load_deferred`).
    async fn wait_archives_in(&self) {
        wait_until_set(&self.archives_in).await;
    }

    /// Locks the state. A handler that panicked while holding the lock leaves the data as it was
    /// at that point, which is still consistent (every mutation is a single assignment or
    /// insert), so poisoning is ignored rather than taking the server down.
    fn lock(&self) -> MutexGuard<'_, ServerState> {
        lock(&self.state)
    }

    /// Brings every root's findings to the current buffers (re-checking only what the edits
    /// touched) and publishes the files whose findings changed, if still current.
    fn schedule_diagnostics(&self) {
        let (inputs, settings, format) = {
            let mut state = self.lock();
            state.generation += 1;
            // A root whose archive is still being read is checked once it is in.
            (state.complete_root_inputs(), state.settings.clone(), state.diagnostic_format())
        };
        let client = self.client.clone();
        let shared = self.state.clone();
        let publishing = self.publishing.clone();
        let explorer_state = self.explorer.clone();
        let current = self.state.clone();
        tokio::spawn(async move {
            let computed = tokio::task::spawn_blocking(move || {
                inputs
                    .iter()
                    // A computation overtaken while it waited for a thread is skipped: the newer
                    // one does its work, so fast typing in a big file never queues up checks.
                    .filter(|input| lock(&current).generation == input.generation)
                    // A referenced store's findings are not the workspace's own.
                    .filter(|input| !input.read_only)
                    .filter_map(|input| state::publication(input, &settings, format))
                    .collect::<Vec<_>>()
            })
            .await;
            super::memory::after_heavy_work();
            let Ok(publications) = computed else {
                client.log_message(ls_types::MessageType::ERROR, "openspec-lsp: diagnostics computation failed").await;
                return;
            };
            let _turn = publishing.lock().await;
            let (mut refresh_diagnostics, mut refresh_lenses) = (false, false);
            for publication in publications {
                let Some(to_send) = plan_publication(&shared, &publication) else { continue };
                let mut complete = true;
                for file in to_send {
                    // Each file is checked against the newest generation just before it goes
                    // out: a pass overtaken mid-way stops, and leaves the rest to the newer one.
                    if !record_sent(&shared, publication.generation, &file) {
                        complete = false;
                        break;
                    }
                    let Some(uri) = super::to_proto::uri(&file.path) else { continue };
                    client.publish_diagnostics(uri, file.diagnostics, file.version).await;
                }
                if complete {
                    publication.published();
                    refresh_diagnostics |= publication.refresh;
                    refresh_lenses |= publication.findings_changed;
                }
            }
            let (pull, support) = {
                let state = lock(&shared);
                (state.pull_diagnostics, state.client)
            };
            // Requests to the client wait for its answer: sent from their own task so that a
            // slow client never holds up the next publication.
            if refresh_diagnostics && pull && support.diagnostic_refresh {
                let client = client.clone();
                tokio::spawn(async move { with_deadline(client.workspace_diagnostic_refresh()).await });
            }
            if refresh_lenses && support.code_lens_refresh {
                let client = client.clone();
                tokio::spawn(async move { with_deadline(client.code_lens_refresh()).await });
            }
            // Its own task: an outline takes longer than a publication, which must not wait.
            tokio::spawn(notify_outline_changed(client, shared, explorer_state));
        });
    }

    /// Reads every workspace folder's roots from disk (blocking IO, off the async runtime),
    /// reporting `$/progress` when the client supports it. Answer first, finish later: the
    /// specs and active changes are read and indexed first, and requests answer from then on;
    /// the archive (most of an old workspace's files) is read and indexed after that, off to
    /// the side, and swapped in when ready, so no request waits for it. The first check runs
    /// once the archive is in (some findings depend on it).
    async fn index_workspace(&self) {
        let progress_supported = self.lock().client.work_done_progress;
        let token = ls_types::ProgressToken::String("openspec-lsp/index".to_owned());
        let created = progress_supported
            && matches!(with_deadline(self.client.create_work_done_progress(token.clone())).await, Some(Ok(())));
        let progress =
            if created { Some(self.client.progress(token, "Indexing OpenSpec workspace").begin().await) } else { None };
        let deferred = self.read_roots(true).await;
        // Index every root before answering requests, so the first one is as quick as the rest.
        let inputs = self.lock().all_root_inputs();
        let _ = tokio::task::spawn_blocking(move || inputs.iter().for_each(|input| drop(state::refresh(input)))).await;
        self.indexed.send_replace(true);
        if let Some(progress) = &progress
            && deferred.iter().any(|(_, _, deferred)| !deferred.is_empty())
        {
            progress.report("specs and active changes indexed; reading the archive").await;
        }
        self.load_deferred(deferred).await;
        self.archives_in.send_replace(true);
        if let Some(progress) = progress {
            let n_roots = self.lock().roots.len();
            progress.finish_with_message(format!("{n_roots} OpenSpec root(s) indexed")).await;
        }
    }

    /// Reads the folders `read_roots` deferred (the archives), then, per root, lays them over
    /// its disk read and indexes the result in a new session before swapping it in: requests
    /// answer from the first index until then. A root read again meanwhile is left alone (that
    /// read holds its archive).
    async fn load_deferred(&self, deferred: Vec<(PathBuf, u64, vfs_load::Deferred)>) {
        for (dir, ticket, deferred) in deferred {
            let disk = {
                let state = self.lock();
                state.roots.iter().find(|root| root.dir == dir && root.read_at == ticket).map(|root| root.disk.clone())
            };
            let Some(mut disk) = disk else { continue };
            let merged = tokio::task::spawn_blocking(move || {
                deferred.load_into(&mut disk);
                disk
            })
            .await;
            let Ok(merged) = merged else { continue };
            let session = Arc::new(state::RootSession::default());
            let inputs = {
                let state = self.lock();
                let found = state.roots.iter().position(|root| root.dir == dir && root.read_at == ticket);
                found.and_then(|idx| {
                    Some((state.root_input(idx)?, state.root_input_over(idx, &merged, session.clone())?))
                })
            };
            let Some((first, input)) = inputs else { continue };
            // The first index, extended with the archived changes (not a second index of the
            // whole root beside it); the name index too (workspace symbols), while no request
            // waits for it.
            let _ = tokio::task::spawn_blocking(move || {
                let analysis = state::extend_with_archive(&first, &input);
                analysis.index.names();
            })
            .await;
            let mut state = self.lock();
            if let Some(root) = state.roots.iter_mut().find(|root| root.dir == dir && root.read_at == ticket) {
                root.disk = merged;
                root.session = session;
                root.archive_pending = false;
            }
        }
    }

    /// Loads the root enclosing `path` when no known root holds it.
    async fn adopt_root_of(&self, path: &Path) {
        let Some(folder) = path.parent().map(Path::to_path_buf) else { return };
        let (ticket, known) = {
            let mut state = self.lock();
            (state.next_disk_read(), state.roots.iter().map(|root| root.dir.clone()).collect::<Vec<_>>())
        };
        let loaded = tokio::task::spawn_blocking(move || {
            // A root read already (a file opened before the first read ended) is not read again.
            let dir = discover::enclosing_root(&folder).filter(|dir| !known.contains(dir))?;
            Some(RootState::new(dir.clone(), vfs_load::load_root(&dir), ticket))
        })
        .await
        .ok()
        .flatten();
        if let Some(root) = loaded {
            let mut state = self.lock();
            if state.roots.iter().all(|known| known.dir != root.dir) {
                state.roots.push(root);
            }
        }
    }

    /// Reads the roots of every workspace folder (and `extraRoots`) again. Roots adopted for a
    /// file opened from elsewhere stay while a file of theirs is open.
    async fn load_roots(&self) {
        drop(self.read_roots(false).await);
    }

    /// `load_roots`; with `defer_archive`, each root's archive is left out (the root is marked
    /// `archive_pending`) and returned for `load_deferred`, with the root's folder and ticket.
    async fn read_roots(&self, defer_archive: bool) -> Vec<(PathBuf, u64, vfs_load::Deferred)> {
        let (folders, extra, ticket) = {
            let mut state = self.lock();
            (state.folders.clone(), state.settings.extra_roots.clone(), state.next_disk_read())
        };
        let loaded = tokio::task::spawn_blocking(move || {
            let mut dirs: Vec<PathBuf> = Vec::new();
            for folder in folders.iter().chain(extra.iter()) {
                dirs.extend(discover::workspace_roots(folder));
            }
            let store_roots = crate::store_registry::pointed_store_roots(&dirs);
            dirs.extend(store_roots);
            dirs.sort();
            dirs.dedup();
            let stores = StoreEnv::read();
            let mut loaded: Vec<(RootState, Option<_>)> = dirs
                .into_iter()
                .map(|dir| {
                    if !defer_archive {
                        return (RootState::new(dir.clone(), vfs_load::load_root(&dir), ticket), None);
                    }
                    let (first, deferred) = vfs_load::load_root_first(&dir);
                    let mut root = RootState::new(dir.clone(), first, ticket);
                    root.archive_pending = !deferred.is_empty();
                    (root, Some((dir, ticket, deferred)))
                })
                .collect();
            // The stores the roots reference, read-only (one level: their own references are not
            // followed, as the CLI reads only the root's).
            let referenced: Vec<(String, PathBuf)> =
                loaded.iter().flat_map(|(root, _)| stores.referenced_roots(&root.disk)).collect();
            for (id, dir) in referenced {
                if loaded.iter().all(|(root, _)| root.dir != dir) {
                    let mut root = RootState::new(dir.clone(), vfs_load::load_root(&dir), ticket);
                    root.referenced_store = Some(id);
                    loaded.push((root, None));
                }
            }
            (loaded, stores)
        })
        .await
        .unwrap_or_default();
        let (loaded, stores) = loaded;
        let (roots, deferred): (Vec<RootState>, Vec<_>) = loaded.into_iter().unzip();
        {
            let mut state = self.lock();
            state.stores = Arc::new(stores);
            state.take_roots(roots, |state, root| root.read_at > ticket || state.has_open_document(root));
        }
        self.watch_stores().await;
        deferred.into_iter().flatten().collect()
    }

    /// Asks the client to watch the registered stores' checkouts (identity file and `openspec/`),
    /// which lie outside the workspace: a store that breaks or heals re-resolves the pointers and
    /// references naming it. Registered again whenever the set of checkouts changes.
    async fn watch_stores(&self) {
        const ID: &str = "openspec-lsp/watch-stores";
        let (checkouts, previous, support) = {
            let mut state = self.lock();
            let checkouts: Vec<PathBuf> =
                state.stores.registry.stores().iter().map(|store| PathBuf::from(&store.entry.local_path)).collect();
            if checkouts == state.watched_stores || !state.client.watched_files_registration {
                return;
            }
            let previous = std::mem::replace(&mut state.watched_stores, checkouts.clone());
            (checkouts, previous, state.client)
        };
        if !previous.is_empty() {
            let unregistration =
                ls_types::Unregistration { id: ID.to_owned(), method: "workspace/didChangeWatchedFiles".to_owned() };
            let _ = with_deadline(self.client.unregister_capability(vec![unregistration])).await;
        }
        if checkouts.is_empty() {
            return;
        }
        let watchers = checkouts
            .iter()
            .flat_map(|checkout| {
                [".openspec-store/store.yaml", "openspec/**"].into_iter().map(move |pattern| (checkout, pattern))
            })
            .filter_map(|(checkout, pattern)| {
                let glob_pattern = if support.relative_patterns {
                    ls_types::GlobPattern::Relative(ls_types::RelativePattern {
                        base_uri: ls_types::OneOf::Right(ls_types::Uri::from_file_path(checkout)?),
                        pattern: pattern.to_owned(),
                    })
                } else {
                    ls_types::GlobPattern::String(format!("{}/{pattern}", checkout.display()))
                };
                Some(ls_types::FileSystemWatcher { glob_pattern, kind: None })
            })
            .collect();
        let registration = ls_types::Registration {
            id: ID.to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(ls_types::DidChangeWatchedFilesRegistrationOptions { watchers })
                .ok(),
        };
        let _ = with_deadline(self.client.register_capability(vec![registration])).await;
    }
}

/// What a request works on: one root's analysis and where the file sits in it.
struct FileContext {
    analysis: Analysis,
    path: String,
    root_dir: PathBuf,
    encoding: PositionEncoding,
}

impl Backend {
    /// The analysis of the root holding `path`. `None` for files outside every OpenSpec root.
    async fn file_context(&self, path: &Path) -> RpcResult<Option<FileContext>> {
        self.wait_indexed().await;
        let located = {
            let state = self.lock();
            state.root_of(path).and_then(|root_idx| {
                let rel = state.relative(root_idx, path)?;
                Some((state.roots.get(root_idx)?.dir.clone(), rel))
            })
        };
        let Some((root_dir, rel)) = located else { return Ok(None) };
        self.root_context(&root_dir, rel).await
    }

    /// Whether `uri` is a file of a referenced store's checkout, which the server only reads:
    /// no rename or code action edits it.
    fn in_referenced_store(&self, uri: &ls_types::Uri) -> bool {
        let Some(path) = uri.to_file_path() else { return false };
        let state = self.lock();
        state.root_of(&path).and_then(|idx| state.roots.get(idx)).is_some_and(|root| root.referenced_store.is_some())
    }

    /// The root in `root_dir` as a computation needs it: the current buffers over its disk read.
    fn root_input(&self, root_dir: &Path) -> Option<state::RootInput> {
        let state = self.lock();
        let root_idx = state.roots.iter().position(|root| root.dir == root_dir)?;
        state.root_input(root_idx)
    }

    /// The analysis of the root in `root_dir` at the current buffers: its session's, brought up
    /// to date off the runtime (re-reading only edited files) when an edit is not in yet;
    /// `path` is carried along for the caller.
    async fn root_context(&self, root_dir: &Path, path: String) -> RpcResult<Option<FileContext>> {
        let encoding = self.lock().encoding;
        let Some(input) = self.root_input(root_dir) else { return Ok(None) };
        let analysis = tokio::task::spawn_blocking(move || state::refresh(&input))
            .await
            .map_err(|_| internal_error("indexing the workspace failed"))?;
        Ok(Some(FileContext { analysis, path, root_dir: root_dir.to_path_buf(), encoding }))
    }

    /// Runs `compute` for the file behind `uri` on a blocking thread. A panic inside a feature
    /// becomes an error response (and a log line); the server keeps serving.
    async fn on_file<T, F>(&self, uri: &ls_types::Uri, compute: F) -> RpcResult<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Converter<'_>, &str) -> Option<T> + Send + 'static,
    {
        let Some(path) = uri.to_file_path().map(std::borrow::Cow::into_owned) else { return Ok(None) };
        let Some(context) = self.file_context(&path).await? else { return Ok(None) };
        self.compute_on(context, compute).await
    }

    /// Runs `compute` for the file of `context` on a blocking thread (see `on_file`).
    async fn compute_on<T, F>(&self, context: FileContext, compute: F) -> RpcResult<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Converter<'_>, &str) -> Option<T> + Send + 'static,
    {
        let outcome = tokio::task::spawn_blocking(move || {
            let mut converter = Converter::new(&context.analysis, &context.root_dir, context.encoding);
            compute(&mut converter, &context.path)
        })
        .await;
        match outcome {
            Ok(result) => Ok(result),
            Err(error) => {
                self.client
                    .log_message(ls_types::MessageType::ERROR, format!("openspec-lsp: request failed: {error}"))
                    .await;
                Err(internal_error("the request failed inside openspec-lsp; see the server log"))
            }
        }
    }

    /// Every finding of the root of `context` at the current buffers.
    async fn findings(&self, context: &FileContext) -> RpcResult<Arc<Vec<openspec_ide::Diagnostic>>> {
        let Some(input) = self.root_input(&context.root_dir) else { return Ok(Arc::default()) };
        tokio::task::spawn_blocking(move || state::findings(&input))
            .await
            .map_err(|_| internal_error("checking the workspace failed"))
    }

    /// Tells the user, once per crossing of the limit, that an open buffer is too large to be
    /// parsed as they type, and what they lose while it is open.
    async fn notice_if_large(&self, path: &Path) {
        let notice = {
            let mut state = self.lock();
            let limit = state.settings.large_file_limit();
            state.documents.get_mut(path).filter(|document| document.is_large() && !document.large_noticed).map(|document| {
                document.large_noticed = true;
                format!(
                    "openspec-lsp: {} is {} bytes, over openspec.largeFileBytes ({limit}): while it is open, semantic \
                     highlighting and the CommonMark (markdown/*) checks are off for it, and it is checked once you pause \
                     typing for {pause} ms rather than at every keystroke; everything else works, and \
                     `openspec-lsp check` still runs every check",
                    path.display(),
                    document.shared.len(),
                    pause = large_files::PAUSE.as_millis(),
                )
            })
        };
        if let Some(notice) = notice {
            self.client.show_message(ls_types::MessageType::WARNING, notice).await;
        }
    }

    /// Asks the client for the `openspec` settings section, when it supports that; settings
    /// from `initializationOptions` stay in force otherwise.
    async fn pull_configuration(&self) {
        if !self.lock().client.configuration {
            return;
        }
        let item = ls_types::ConfigurationItem { scope_uri: None, section: Some("openspec".to_owned()) };
        if let Some(Ok(values)) = with_deadline(self.client.configuration(vec![item])).await
            && let Some(value) = values.first().filter(|value| !value.is_null())
        {
            self.lock().settings = Settings::from_json(value);
        }
    }
}

impl Backend {
    /// Definitions (and declarations) at `at`, as `LocationLink`s when `links`.
    async fn definition(
        &self,
        at: &ls_types::TextDocumentPositionParams,
        links: bool,
    ) -> RpcResult<Option<ls_types::GotoDefinitionResponse>> {
        let position = at.position;
        let stores = self.lock().stores.clone();
        self.on_file(&at.text_document.uri, move |conv, path| {
            store_handlers::definition(conv, path, position, links, &stores)
                .or_else(|| handlers::definition(conv, path, position, links))
        })
        .await
    }

    /// `openspec.showDocument` with `[uri]`: asks the client to open a file of a known root
    /// (one a code action just created). Anything else is refused; the answer is `null`.
    async fn show_document(&self, arguments: &[serde_json::Value]) -> RpcResult<Option<serde_json::Value>> {
        let uri =
            arguments.first().and_then(serde_json::Value::as_str).and_then(|uri| uri.parse::<ls_types::Uri>().ok());
        let Some(uri) = uri else {
            return Err(invalid_params(format!("{SHOW_DOCUMENT_COMMAND} needs [\"<file uri>\"]")));
        };
        let in_root = uri.to_file_path().is_some_and(|path| self.lock().root_of(&path).is_some());
        if !in_root {
            return Err(invalid_params(format!("{SHOW_DOCUMENT_COMMAND}: not a file of an OpenSpec root")));
        }
        if self.lock().features.show_document {
            let params =
                ls_types::ShowDocumentParams { uri, external: Some(false), take_focus: Some(true), selection: None };
            let _ = with_deadline(self.client.show_document(params)).await;
        }
        Ok(None)
    }
}

/// A symbol of a referenced store's checkout, labelled with the store id (read-only context,
/// not the workspace's own specs).
fn label_referenced(mut symbol: ls_types::SymbolInformation, store: Option<&str>) -> ls_types::SymbolInformation {
    if let Some(store) = store {
        let container = symbol.container_name.take().map_or_else(String::new, |container| format!(" {container}"));
        symbol.container_name = Some(format!("[store {store}, read-only]{container}"));
    }
    symbol
}

/// How long the server waits for the client to answer one of its own requests. A client that
/// never answers (one stopping right after it started, say) must not keep a handler, and with
/// it the whole server, from finishing and exiting.
const CLIENT_REPLY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

async fn with_deadline<T>(request: impl std::future::Future<Output = T>) -> Option<T> {
    tokio::time::timeout(CLIENT_REPLY_DEADLINE, request).await.ok()
}

fn lock(state: &Mutex<ServerState>) -> MutexGuard<'_, ServerState> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Decides what to send for a finished computation: nothing when a newer generation exists;
/// otherwise the listed files whose diagnostics differ from what the client was last sent, and
/// for a complete publication an empty list for each file of its root that had findings before
/// and is not listed. A client that pulls gets no push for its open documents, and an empty one
/// for a document that was pushed before it was opened (so no finding shows twice).
fn plan_publication(shared: &Mutex<ServerState>, publication: &state::Publication) -> Option<Vec<FileDiagnostics>> {
    let state = lock(shared);
    if state.generation != publication.generation || state.shutting_down {
        return None;
    }
    let pulled = |path: &PathBuf| state.pull_diagnostics && state.documents.contains_key(path);
    let differs = |file: &FileDiagnostics| {
        state.sent.get(&file.path).map_or(!file.diagnostics.is_empty(), |sent| *sent != file.diagnostics)
    };
    let listed: std::collections::HashSet<&PathBuf> = publication.files.iter().map(|file| &file.path).collect();
    let mut to_send: Vec<FileDiagnostics> = publication
        .files
        .iter()
        .map(|file| {
            if pulled(&file.path) {
                FileDiagnostics { path: file.path.clone(), version: file.version, diagnostics: Vec::new() }
            } else {
                file.clone()
            }
        })
        .filter(|file| differs(file))
        .collect();
    let in_this_root = |path: &PathBuf| {
        state.root_of(path).is_none_or(|idx| state.roots.get(idx).is_some_and(|root| root.dir == publication.dir))
    };
    let stale = state.sent.keys().filter(|path| publication.complete && !listed.contains(path) && in_this_root(path));
    for path in stale {
        let version = state.documents.get(path).map(|document| document.version);
        to_send.push(FileDiagnostics { path: path.clone(), version, diagnostics: Vec::new() });
    }
    Some(to_send)
}

/// Records that `file` is about to be sent, unless a generation newer than `generation` exists
/// (then `false`, and the newer publication sends it).
fn record_sent(shared: &Mutex<ServerState>, generation: u64, file: &FileDiagnostics) -> bool {
    let mut state = lock(shared);
    if state.generation != generation || state.shutting_down {
        return false;
    }
    if file.diagnostics.is_empty() {
        state.sent.remove(&file.path);
    } else {
        state.sent.insert(file.path.clone(), file.diagnostics.clone());
    }
    true
}

/// `workspace/executeCommand` name of the merged-spec preview.
pub const PREVIEW_COMMAND: &str = "openspec.previewArchive";

fn full_report(items: Vec<ls_types::Diagnostic>) -> ls_types::DocumentDiagnosticReportResult {
    ls_types::DocumentDiagnosticReportResult::Report(ls_types::DocumentDiagnosticReport::Full(
        ls_types::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: ls_types::FullDocumentDiagnosticReport { result_id: None, items },
        },
    ))
}

fn invalid_params(message: String) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InvalidParams,
        message: message.into(),
        data: None,
    }
}

fn internal_error(message: &str) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: message.to_owned().into(),
        data: None,
    }
}

fn negotiate_encoding(capabilities: &ls_types::ClientCapabilities) -> PositionEncoding {
    let offered = capabilities.general.as_ref().and_then(|general| general.position_encodings.as_ref());
    if offered.is_some_and(|encodings| encodings.contains(&ls_types::PositionEncodingKind::UTF8)) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

fn workspace_folders(params: &ls_types::InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| folder.uri.to_file_path().map(std::borrow::Cow::into_owned))
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref().and_then(|uri| uri.to_file_path().map(std::borrow::Cow::into_owned));
    root_uri.into_iter().collect()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: ls_types::InitializeParams) -> RpcResult<ls_types::InitializeResult> {
        let encoding = negotiate_encoding(&params.capabilities);
        let text_document = params.capabilities.text_document.as_ref();
        let workspace = params.capabilities.workspace.as_ref();
        let diagnostic_refresh = workspace
            .and_then(|workspace| workspace.diagnostics.as_ref())
            .and_then(|diagnostics| diagnostics.refresh_support)
            .unwrap_or(false);
        // One model per client: pull for open documents only when the client can also be
        // asked to pull again after a change elsewhere; push everything otherwise.
        let pull =
            text_document.and_then(|text_document| text_document.diagnostic.as_ref()).is_some() && diagnostic_refresh;
        {
            let mut state = self.lock();
            state.encoding = encoding;
            state.folders = workspace_folders(&params);
            state.pull_diagnostics = pull;
            state.client = state::ClientSupport {
                diagnostic_refresh,
                code_lens_refresh: workspace
                    .and_then(|workspace| workspace.code_lens.as_ref())
                    .and_then(|code_lens| code_lens.refresh_support)
                    .unwrap_or(false),
                related_information: text_document
                    .and_then(|text_document| text_document.publish_diagnostics.as_ref())
                    .and_then(|publish| publish.related_information)
                    .unwrap_or(false),
                watched_files_registration: workspace
                    .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                    .and_then(|watch| watch.dynamic_registration)
                    .unwrap_or(false),
                relative_patterns: workspace
                    .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                    .and_then(|watch| watch.relative_pattern_support)
                    .unwrap_or(false),
                configuration: workspace.and_then(|workspace| workspace.configuration).unwrap_or(false),
                work_done_progress: params
                    .capabilities
                    .window
                    .as_ref()
                    .and_then(|window| window.work_done_progress)
                    .unwrap_or(false),
            };
            state.features = FeatureSupport::from_capabilities(&params.capabilities);
            self.explorer.set_support(ExplorerSupport::from_capabilities(&params.capabilities));
            if let Some(options) = &params.initialization_options {
                state.settings = Settings::from_json(options);
            }
        }
        let position_encoding = Some(match encoding {
            PositionEncoding::Utf8 => ls_types::PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => ls_types::PositionEncodingKind::UTF16,
        });
        let diagnostic_provider = pull.then(|| {
            ls_types::DiagnosticServerCapabilities::Options(ls_types::DiagnosticOptions {
                identifier: Some("openspec".to_owned()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: ls_types::WorkDoneProgressOptions::default(),
            })
        });
        Ok(ls_types::InitializeResult {
            capabilities: ls_types::ServerCapabilities {
                position_encoding,
                text_document_sync: Some(ls_types::TextDocumentSyncCapability::Options(
                    ls_types::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(ls_types::TextDocumentSyncKind::INCREMENTAL),
                        ..ls_types::TextDocumentSyncOptions::default()
                    },
                )),
                diagnostic_provider,
                completion_provider: Some(ls_types::CompletionOptions {
                    trigger_characters: Some(vec![":".to_owned(), " ".to_owned(), "#".to_owned(), "`".to_owned()]),
                    ..ls_types::CompletionOptions::default()
                }),
                definition_provider: Some(ls_types::OneOf::Left(true)),
                declaration_provider: Some(ls_types::DeclarationCapability::Simple(true)),
                references_provider: Some(ls_types::OneOf::Left(true)),
                hover_provider: Some(ls_types::HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(ls_types::OneOf::Left(true)),
                workspace_symbol_provider: Some(ls_types::OneOf::Left(true)),
                rename_provider: Some(ls_types::OneOf::Right(ls_types::RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: ls_types::WorkDoneProgressOptions::default(),
                })),
                code_lens_provider: Some(ls_types::CodeLensOptions { resolve_provider: Some(false) }),
                code_action_provider: Some(ls_types::CodeActionProviderCapability::Options(
                    ls_types::CodeActionOptions {
                        code_action_kinds: Some(vec![
                            ls_types::CodeActionKind::QUICKFIX,
                            ls_types::CodeActionKind::REFACTOR,
                            ls_types::CodeActionKind::REFACTOR_REWRITE,
                            ls_types::CodeActionKind::SOURCE,
                        ]),
                        ..ls_types::CodeActionOptions::default()
                    },
                )),
                folding_range_provider: Some(ls_types::FoldingRangeProviderCapability::Simple(true)),
                document_link_provider: Some(ls_types::DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: ls_types::WorkDoneProgressOptions::default(),
                }),
                semantic_tokens_provider: Some(ls_types::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    ls_types::SemanticTokensOptions {
                        legend: handlers::semantic_tokens_legend(),
                        full: Some(ls_types::SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        work_done_progress_options: ls_types::WorkDoneProgressOptions::default(),
                    },
                )),
                execute_command_provider: Some(ls_types::ExecuteCommandOptions {
                    commands: vec![
                        PREVIEW_COMMAND.to_owned(),
                        SHOW_DOCUMENT_COMMAND.to_owned(),
                        explorer::APPLY_RENAME_COMMAND.to_owned(),
                        HISTORY_COMMAND.to_owned(),
                    ],
                    work_done_progress_options: ls_types::WorkDoneProgressOptions::default(),
                }),
                workspace: Some(ls_types::WorkspaceServerCapabilities {
                    workspace_folders: Some(ls_types::WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(ls_types::OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ls_types::ServerCapabilities::default()
            },
            server_info: Some(ls_types::ServerInfo {
                name: "openspec-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: ls_types::InitializedParams) {
        let support = self.lock().client;
        if support.watched_files_registration {
            // `openspec/` itself, and the files beside it that the snapshot holds.
            let beside = openspec_ide::root_files::files()
                .map(|file| format!("**/{file}"))
                .chain(openspec_ide::root_files::folders().map(|folder| format!("**/{folder}/*")));
            // The store registry, outside the workspace: a store registered or moved re-resolves
            // the `store:` pointers.
            let registry = crate::store_registry::DataEnv::from_process().registry_path();
            let watchers = ["**/openspec/**".to_owned(), "**/openspec".to_owned()]
                .into_iter()
                .chain(beside)
                .chain(registry.map(|path| path.display().to_string()))
                .map(|glob| ls_types::FileSystemWatcher {
                    glob_pattern: ls_types::GlobPattern::String(glob),
                    kind: None,
                })
                .collect();
            let registration = ls_types::Registration {
                id: "openspec-lsp/watch".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(ls_types::DidChangeWatchedFilesRegistrationOptions { watchers })
                    .ok(),
            };
            if let Some(Err(error)) = with_deadline(self.client.register_capability(vec![registration])).await {
                self.client
                    .log_message(
                        ls_types::MessageType::WARNING,
                        format!("openspec-lsp: could not watch files: {error}"),
                    )
                    .await;
            }
        }
        self.pull_configuration().await;
        self.index_workspace().await;
        self.schedule_diagnostics();
    }

    async fn did_change_configuration(&self, params: ls_types::DidChangeConfigurationParams) {
        let extra_before = self.lock().settings.extra_roots.clone();
        if params.settings.is_null() || self.lock().client.configuration {
            self.pull_configuration().await;
        } else {
            self.lock().settings = Settings::from_json(&params.settings);
        }
        let roots_moved = {
            let state = self.lock();
            // Severity overrides may have changed: every file is published again, by the next
            // generation's publication or a later one (never by one computed with the old ones).
            let next = state.generation + 1;
            for root in &state.roots {
                root.session.republish_all(next);
            }
            state.settings.extra_roots != extra_before
        };
        if roots_moved {
            self.load_roots().await;
        }
        self.schedule_diagnostics();
    }

    async fn did_change_watched_files(&self, params: ls_types::DidChangeWatchedFilesParams) {
        // Files changed outside the editor (a checkout, an agent): re-read the roots they are in,
        // or everything when a change may have created or removed a root.
        let paths: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|change| change.uri.to_file_path().map(std::borrow::Cow::into_owned))
            .collect();
        let (stale, unknown): (Vec<_>, Vec<_>) = {
            let state = self.lock();
            // A file outside every root matters only if it may make a new root: an agent file
            // or CODEOWNERS elsewhere in the tree does not.
            paths
                .iter()
                .filter(|path| {
                    state.root_of(path).is_some() || path.components().any(|part| part.as_os_str() == "openspec")
                })
                .map(|path| state.root_of(path))
                .partition(Option::is_some)
        };
        // A store's identity file decides whether the pointers and references naming it resolve.
        let structural = paths.iter().any(|path| {
            path.file_name().is_some_and(|name| {
                name == "openspec" || name == "config.yaml" || name == "config.yml" || name == "store.yaml"
            })
        });
        if !unknown.is_empty() || structural {
            self.load_roots().await;
        } else {
            let mut dirs: Vec<PathBuf> = {
                let state = self.lock();
                stale
                    .into_iter()
                    .flatten()
                    .filter_map(|idx| state.roots.get(idx).map(|root| root.dir.clone()))
                    .collect()
            };
            dirs.sort();
            dirs.dedup();
            let ticket = self.lock().next_disk_read();
            let reloaded = tokio::task::spawn_blocking(move || {
                dirs.into_iter()
                    .map(|dir| RootState::new(dir.clone(), vfs_load::load_root(&dir), ticket))
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            let mut state = self.lock();
            for fresh in reloaded {
                // A root that a newer read replaced (or a full reload dropped) in the meantime
                // stays as it is.
                if let Some(root) =
                    state.roots.iter_mut().find(|root| root.dir == fresh.dir && root.read_at < fresh.read_at)
                {
                    let referenced_store = root.referenced_store.take();
                    *root = RootState { referenced_store, ..fresh };
                }
            }
        }
        self.schedule_diagnostics();
    }

    async fn did_change_workspace_folders(&self, params: ls_types::DidChangeWorkspaceFoldersParams) {
        {
            let mut state = self.lock();
            for removed in &params.event.removed {
                if let Some(path) = removed.uri.to_file_path() {
                    state.folders.retain(|folder| folder.as_path() != path.as_ref());
                }
            }
            for added in &params.event.added {
                if let Some(path) = added.uri.to_file_path() {
                    state.folders.push(path.into_owned());
                }
            }
        }
        self.load_roots().await;
        self.schedule_diagnostics();
    }

    async fn diagnostic(
        &self,
        params: ls_types::DocumentDiagnosticParams,
    ) -> RpcResult<ls_types::DocumentDiagnosticReportResult> {
        let Some(path) = params.text_document.uri.to_file_path().map(std::borrow::Cow::into_owned) else {
            return Ok(full_report(Vec::new()));
        };
        self.wait_indexed().await;
        self.wait_for_pause(&path).await;
        let (located, settings, format) = {
            let state = self.lock();
            let located =
                state.root_of(&path).and_then(|idx| Some((state.root_input(idx)?, state.relative(idx, &path)?)));
            (located, state.settings.clone(), state.diagnostic_format())
        };
        let Some((input, rel)) = located.filter(|(input, _)| !input.read_only) else {
            return Ok(full_report(Vec::new()));
        };
        let diagnostics = tokio::task::spawn_blocking(move || state::file_diagnostics(&input, &rel, &settings, format))
            .await
            .map_err(|_| internal_error("diagnostics computation failed"))?;
        super::memory::after_heavy_work();
        Ok(full_report(diagnostics))
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.lock().shutting_down = true;
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: ls_types::DidOpenTextDocumentParams) {
        let Some(path) = params.text_document.uri.to_file_path().map(std::borrow::Cow::into_owned) else { return };
        let outside_every_root = {
            let mut state = self.lock();
            let limit = state.settings.large_file_limit();
            let document = Document::with_limit(&params.text_document.text, params.text_document.version, limit);
            state.documents.insert(path.clone(), document);
            state.root_of(&path).is_none()
        };
        self.notice_if_large(&path).await;
        if outside_every_root {
            // A file opened outside the workspace folders (or before they were read): adopt the
            // OpenSpec root it belongs to, if any.
            self.wait_indexed().await;
            self.adopt_root_of(&path).await;
        }
        self.schedule_diagnostics();
    }

    async fn did_change(&self, params: ls_types::DidChangeTextDocumentParams) {
        let Some(path) = params.text_document.uri.to_file_path().map(std::borrow::Cow::into_owned) else { return };
        let report = {
            let mut state = self.lock();
            let encoding = state.encoding;
            state.documents.get_mut(&path).map(|document| {
                document.apply_content_changes(&params.content_changes, params.text_document.version, encoding)
            })
        };
        self.check_after_edit(&path);
        self.notice_if_large(&path).await;
        // Protocol faults change nothing more than they must, but the client's log says why.
        let uri = params.text_document.uri.as_str();
        let problem = match report {
            None => Some(format!("didChange for {uri}, which is not open; send didOpen first (change ignored)")),
            Some(report) if report.rejected > 0 => Some(format!(
                "didChange for {uri}: {} change(s) had a range whose start lies after its end and were skipped",
                report.rejected
            )),
            Some(report) if report.version_went_back => Some(format!(
                "didChange for {uri}: version {} does not increase; applied anyway",
                params.text_document.version
            )),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            self.client.log_message(ls_types::MessageType::WARNING, format!("openspec-lsp: {problem}")).await;
        }
    }

    async fn did_close(&self, params: ls_types::DidCloseTextDocumentParams) {
        let Some(path) = params.text_document.uri.to_file_path().map(std::borrow::Cow::into_owned) else { return };
        {
            let mut state = self.lock();
            state.note_closed(&path);
            state.documents.remove(&path);
            if state.pull_diagnostics {
                // The client drops what it pulled for a closed file: push its findings now.
                let next = state.generation + 1;
                let located = state.root_of(&path).and_then(|idx| Some((idx, state.relative(idx, &path)?)));
                if let Some((root, rel)) = located.and_then(|(idx, rel)| Some((state.roots.get(idx)?, rel))) {
                    root.session.republish(&rel, next);
                }
            }
        }
        self.schedule_diagnostics();
    }

    async fn completion(&self, params: ls_types::CompletionParams) -> RpcResult<Option<ls_types::CompletionResponse>> {
        let at = params.text_document_position.position;
        let (config, stores) = {
            let state = self.lock();
            (state.features.completion, state.stores.clone())
        };
        self.on_file(&params.text_document_position.text_document.uri, move |conv, path| {
            let store_ids = store_handlers::completion(conv, path, at, &stores);
            store_handlers::merge_completions(store_ids, handlers::completion(conv, path, at, config))
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: ls_types::GotoDefinitionParams,
    ) -> RpcResult<Option<ls_types::GotoDefinitionResponse>> {
        let links = self.lock().features.definition_links;
        self.definition(&params.text_document_position_params, links).await
    }

    /// The same answer as a definition: in VS Code, Go to Declaration is the jump that the
    /// Markdown extension's own definition provider (a header is its own definition) leaves
    /// alone, so it opens the requirement instead of a two-result peek.
    async fn goto_declaration(
        &self,
        params: ls_types::GotoDefinitionParams,
    ) -> RpcResult<Option<ls_types::GotoDefinitionResponse>> {
        let links = self.lock().features.declaration_links;
        self.definition(&params.text_document_position_params, links).await
    }

    async fn references(&self, params: ls_types::ReferenceParams) -> RpcResult<Option<Vec<ls_types::Location>>> {
        let at = params.text_document_position.position;
        let include_declaration = params.context.include_declaration;
        self.on_file(&params.text_document_position.text_document.uri, move |conv, path| {
            handlers::references(conv, path, at, include_declaration)
        })
        .await
    }

    async fn hover(&self, params: ls_types::HoverParams) -> RpcResult<Option<ls_types::Hover>> {
        let at = params.text_document_position_params.position;
        let stores = self.lock().stores.clone();
        self.on_file(&params.text_document_position_params.text_document.uri, move |conv, path| {
            store_handlers::hover(conv, path, at, &stores).or_else(|| handlers::hover(conv, path, at))
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: ls_types::DocumentSymbolParams,
    ) -> RpcResult<Option<ls_types::DocumentSymbolResponse>> {
        self.on_local_file(&params.text_document.uri, |conv, path| Some(handlers::document_symbols(conv, path))).await
    }

    async fn symbol(
        &self,
        params: ls_types::WorkspaceSymbolParams,
    ) -> RpcResult<Option<ls_types::WorkspaceSymbolResponse>> {
        self.wait_indexed().await;
        let roots: Vec<(PathBuf, Option<String>)> =
            self.lock().roots.iter().map(|root| (root.dir.clone(), root.referenced_store.clone())).collect();
        let mut found = Vec::new();
        for (root_dir, referenced_store) in roots {
            let Some(context) = self.root_context(&root_dir, String::new()).await? else { continue };
            let query = params.query.clone();
            let symbols = tokio::task::spawn_blocking(move || {
                let mut converter = Converter::new(&context.analysis, &context.root_dir, context.encoding);
                handlers::workspace_symbols(&mut converter, &query)
            })
            .await
            .map_err(|_| internal_error("workspace symbols failed"))?;
            found.extend(symbols.into_iter().map(|symbol| label_referenced(symbol, referenced_store.as_deref())));
        }
        Ok(Some(ls_types::WorkspaceSymbolResponse::Flat(found)))
    }

    async fn prepare_rename(
        &self,
        params: ls_types::TextDocumentPositionParams,
    ) -> RpcResult<Option<ls_types::PrepareRenameResponse>> {
        let at = params.position;
        if self.in_referenced_store(&params.text_document.uri) {
            return Err(invalid_params("a referenced store's files are read-only here".to_owned()));
        }
        let answer = self
            .on_file(&params.text_document.uri, move |conv, path| Some(handlers::prepare_rename(conv, path, at)))
            .await?;
        match answer {
            None => Ok(None),
            Some(Ok(response)) => Ok(Some(response)),
            Some(Err(reason)) => Err(invalid_params(reason)),
        }
    }

    async fn rename(&self, params: ls_types::RenameParams) -> RpcResult<Option<ls_types::WorkspaceEdit>> {
        let at = params.text_document_position.position;
        let new_name = params.new_name;
        if self.in_referenced_store(&params.text_document_position.text_document.uri) {
            return Err(invalid_params("a referenced store's files are read-only here".to_owned()));
        }
        let answer = self
            .on_file(&params.text_document_position.text_document.uri, move |conv, path| {
                Some(handlers::rename(conv, path, at, &new_name))
            })
            .await?;
        match answer {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(reason)) => Err(invalid_params(reason)),
        }
    }

    async fn code_lens(&self, params: ls_types::CodeLensParams) -> RpcResult<Option<Vec<ls_types::CodeLens>>> {
        let Some(path) = params.text_document.uri.to_file_path().map(std::borrow::Cow::into_owned) else {
            return Ok(None);
        };
        let Some(context) = self.file_context(&path).await? else { return Ok(None) };
        let findings = self.findings(&context).await?;
        let lenses = tokio::task::spawn_blocking(move || {
            let mut converter = Converter::new(&context.analysis, &context.root_dir, context.encoding);
            handlers::code_lenses(&mut converter, &context.path, &findings)
        })
        .await
        .map_err(|_| internal_error("code lenses failed"))?;
        Ok(Some(lenses))
    }

    async fn code_action(&self, params: ls_types::CodeActionParams) -> RpcResult<Option<ls_types::CodeActionResponse>> {
        if self.in_referenced_store(&params.text_document.uri) {
            return Ok(None);
        }
        let range = params.range;
        let context = params.context;
        let (support, stores) = {
            let state = self.lock();
            (state.features, state.stores.clone())
        };
        let rename_through_change = self.explorer.support().rename_through_change
            && context.only.as_ref().is_none_or(|only| only.iter().any(|kind| kind.as_str().starts_with("refactor")));
        self.on_file(&params.text_document.uri, move |conv, path| {
            let mut actions = store_handlers::copy_actions(conv, path, range, &context, &stores);
            actions.extend(handlers::code_actions(conv, path, range, &context, support));
            if rename_through_change {
                actions.extend(explorer::rename_action(conv, path, range, support.code_actions.create_files));
            }
            (!actions.is_empty()).then_some(actions)
        })
        .await
    }

    async fn folding_range(
        &self,
        params: ls_types::FoldingRangeParams,
    ) -> RpcResult<Option<Vec<ls_types::FoldingRange>>> {
        self.on_local_file(&params.text_document.uri, |conv, path| Some(handlers::folding_ranges(conv, path))).await
    }

    async fn semantic_tokens_full(
        &self,
        params: ls_types::SemanticTokensParams,
    ) -> RpcResult<Option<ls_types::SemanticTokensResult>> {
        let large = params
            .text_document
            .uri
            .to_file_path()
            .is_some_and(|path| self.lock().documents.get(path.as_ref()).is_some_and(Document::is_large));
        if large {
            // Megabytes of tokens for a buffer no one reads by highlighting (see `notice_if_large`).
            return Ok(None);
        }
        self.on_local_file(&params.text_document.uri, |conv, path| {
            Some(ls_types::SemanticTokensResult::Tokens(handlers::semantic_tokens(conv, path)))
        })
        .await
    }

    async fn document_link(
        &self,
        params: ls_types::DocumentLinkParams,
    ) -> RpcResult<Option<Vec<ls_types::DocumentLink>>> {
        self.on_file(&params.text_document.uri, |conv, path| Some(handlers::document_links(conv, path))).await
    }

    /// `openspec.previewArchive` with `[{"change": id, "capability": cap?, "root": uri?}]`:
    /// the main spec(s) archiving the change would write, as Markdown text; with
    /// `"format": "json"` (and `"validate": false` for `--no-validate`), the document
    /// `openspec-lsp preview --format json` prints.
    async fn execute_command(&self, params: ls_types::ExecuteCommandParams) -> RpcResult<Option<serde_json::Value>> {
        if params.command == SHOW_DOCUMENT_COMMAND {
            return self.show_document(&params.arguments).await;
        }
        if params.command == explorer::APPLY_RENAME_COMMAND {
            return self.apply_rename_through_change(&params.arguments).await;
        }
        if params.command == store_handlers::COPY_COMMAND {
            // The editor extensions run this command themselves (clipboard); another client
            // sent it here: show the text so it can be copied by hand.
            let text = params.arguments.first().and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
            self.client.show_message(ls_types::MessageType::INFO, text).await;
            return Ok(None);
        }
        if params.command == HISTORY_COMMAND {
            return self.history(&params.arguments).await;
        }
        if params.command != PREVIEW_COMMAND {
            return Err(invalid_params(format!("unknown command {}", params.command)));
        }
        let argument = params.arguments.first().cloned().unwrap_or_default();
        let Some(change) = argument.get("change").and_then(serde_json::Value::as_str).map(str::to_owned) else {
            return Err(invalid_params("openspec.previewArchive needs {\"change\": \"<change id>\"}".to_owned()));
        };
        let capability = argument.get("capability").and_then(serde_json::Value::as_str).map(str::to_owned);
        let wanted_root = argument
            .get("root")
            .and_then(serde_json::Value::as_str)
            .and_then(|uri| uri.parse::<ls_types::Uri>().ok())
            .and_then(|uri| uri.to_file_path().map(std::borrow::Cow::into_owned));
        self.wait_indexed().await;
        let candidates: Vec<PathBuf> = {
            let state = self.lock();
            state
                .roots
                .iter()
                .filter(|root| wanted_root.as_ref().is_none_or(|wanted| wanted.starts_with(&root.dir)))
                .filter(|root| root.disk.is_dir(&format!("openspec/changes/{change}")))
                .map(|root| root.dir.clone())
                .collect()
        };
        let Some(root_dir) = candidates.first() else {
            return Err(invalid_params(format!("no active change named {change}")));
        };
        let Some(context) = self.root_context(root_dir, String::new()).await? else {
            return Err(invalid_params(format!("no active change named {change}")));
        };
        if argument.get("format").and_then(serde_json::Value::as_str) == Some("json") {
            let validate = argument.get("validate").and_then(serde_json::Value::as_bool) != Some(false);
            let findings = self.findings(&context).await?;
            return tokio::task::spawn_blocking(move || {
                let analysis = &context.analysis;
                let plan = analysis.preview_change(&change, capability.as_deref(), &findings, validate)?;
                Ok(crate::preview_command::plan_json(&analysis.root, plan, validate))
            })
            .await
            .map_err(|_| internal_error("preview failed"))?
            .map(Some)
            .map_err(invalid_params);
        }
        let preview = tokio::task::spawn_blocking(move || match capability {
            Some(capability) => context.analysis.preview_archive(&change, &capability),
            None => context.analysis.preview_change_archive(&change).map(|previews| {
                previews
                    .iter()
                    .map(|preview| match &preview.result {
                        Ok(text) => format!("<!-- {} -->\n{text}", preview.main_spec_path),
                        Err(reasons) => {
                            format!("<!-- {}: archive would refuse -->\n{reasons}\n", preview.main_spec_path)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
        })
        .await
        .map_err(|_| internal_error("preview failed"))?;
        match preview {
            Ok(text) => Ok(Some(serde_json::Value::String(text))),
            Err(reason) => Err(invalid_params(reason)),
        }
    }
}
