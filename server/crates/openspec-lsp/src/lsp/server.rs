//! The tower-lsp-server glue: thin handlers that update state synchronously (before any
//! `.await`, so a later request can never overtake an edit), then compute on a blocking thread
//! from a snapshot and publish only results that are still current.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types;
use tower_lsp_server::{Client, LanguageServer};

use super::document::{Document, PositionEncoding};
use super::settings::Settings;
use super::state::{self, FileDiagnostics, RootState, ServerState};
use crate::{discover, vfs_load};

pub struct Backend {
    client: Client,
    state: Arc<Mutex<ServerState>>,
    /// Set by `shutdown`; decides the process exit code.
    shutdown_requested: Arc<AtomicBool>,
    /// Becomes `true` once the workspace folders have been read for the first time; requests
    /// wait for it so an early request never answers from an empty workspace.
    indexed: tokio::sync::watch::Sender<bool>,
}

impl Backend {
    pub fn new(client: Client, shutdown_requested: Arc<AtomicBool>) -> Self {
        let (indexed, _) = tokio::sync::watch::channel(false);
        Self { client, state: Arc::new(Mutex::new(ServerState::new())), shutdown_requested, indexed }
    }

    /// Waits until the first indexing has finished (immediately afterwards).
    async fn wait_indexed(&self) {
        let mut receiver = self.indexed.subscribe();
        // An error means the sender is gone, i.e. the server is shutting down: answer anyway.
        let _ = receiver.wait_for(|done| *done).await;
    }

    /// Locks the state. A handler that panicked while holding the lock leaves the data as it was
    /// at that point, which is still consistent (every mutation is a single assignment or
    /// insert), so poisoning is ignored rather than taking the server down.
    fn lock(&self) -> MutexGuard<'_, ServerState> {
        lock(&self.state)
    }

    /// Recomputes diagnostics of every root and publishes those still current.
    fn schedule_diagnostics(&self) {
        let (generation, inputs, settings, encoding) = {
            let mut state = self.lock();
            state.generation += 1;
            (state.generation, state.all_root_inputs(), state.settings.clone(), state.encoding)
        };
        let client = self.client.clone();
        let shared = self.state.clone();
        tokio::spawn(async move {
            let computed = tokio::task::spawn_blocking(move || {
                inputs.iter().flat_map(|input| state::analyze(input, &settings, encoding)).collect::<Vec<_>>()
            })
            .await;
            let Ok(files) = computed else {
                client.log_message(ls_types::MessageType::ERROR, "openspec-lsp: diagnostics computation failed").await;
                return;
            };
            let Some(to_send) = plan_publication(&shared, generation, files) else { return };
            for file in to_send {
                let Some(uri) = super::to_proto::uri(&file.path) else { continue };
                client.publish_diagnostics(uri, file.diagnostics, file.version).await;
            }
        });
    }

    /// Reads every workspace folder's roots from disk (blocking IO, off the async runtime),
    /// reporting `$/progress` when the client supports it.
    async fn index_workspace(&self) {
        let progress_supported = self.lock().client.work_done_progress;
        let token = ls_types::ProgressToken::String("openspec-lsp/index".to_owned());
        let progress = if progress_supported && self.client.create_work_done_progress(token.clone()).await.is_ok() {
            Some(self.client.progress(token, "Indexing OpenSpec workspace").begin().await)
        } else {
            None
        };
        self.load_roots().await;
        self.indexed.send_replace(true);
        if let Some(progress) = progress {
            let n_roots = self.lock().roots.len();
            progress.finish_with_message(format!("{n_roots} OpenSpec root(s) indexed")).await;
        }
    }

    async fn load_roots(&self) {
        let (folders, extra) = {
            let state = self.lock();
            (state.folders.clone(), state.settings.extra_roots.clone())
        };
        let loaded = tokio::task::spawn_blocking(move || {
            let mut dirs: Vec<PathBuf> = Vec::new();
            for folder in folders.iter().chain(extra.iter()) {
                if let Ok(found) = discover::discover(folder) {
                    dirs.extend(found.roots);
                }
            }
            dirs.sort();
            dirs.dedup();
            dirs.into_iter().map(|dir| RootState { disk: vfs_load::load_root(&dir), dir }).collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        self.lock().roots = loaded;
    }
}

impl Backend {
    /// Asks the client for the `openspec` settings section, when it supports that; settings
    /// from `initializationOptions` stay in force otherwise.
    async fn pull_configuration(&self) {
        if !self.lock().client.configuration {
            return;
        }
        let item = ls_types::ConfigurationItem { scope_uri: None, section: Some("openspec".to_owned()) };
        if let Ok(values) = self.client.configuration(vec![item]).await {
            if let Some(value) = values.first().filter(|value| !value.is_null()) {
                self.lock().settings = Settings::from_json(value);
            }
        }
    }
}

fn lock(state: &Mutex<ServerState>) -> MutexGuard<'_, ServerState> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Decides what to send for a finished computation: nothing when a newer generation exists;
/// otherwise every file with findings, plus an empty list for each file that had findings
/// before and has none now. Open documents are left to pull diagnostics when the client pulls.
fn plan_publication(
    shared: &Mutex<ServerState>,
    generation: u64,
    files: Vec<FileDiagnostics>,
) -> Option<Vec<FileDiagnostics>> {
    let mut state = lock(shared);
    if state.generation != generation || state.shutting_down {
        return None;
    }
    let pull = state.pull_diagnostics;
    let mut to_send: Vec<FileDiagnostics> = files
        .into_iter()
        .filter(|file| !(pull && state.documents.contains_key(&file.path)))
        .collect();
    let now: std::collections::HashSet<PathBuf> = to_send.iter().map(|file| file.path.clone()).collect();
    let cleared: Vec<PathBuf> = state.pushed.difference(&now).cloned().collect();
    for path in cleared {
        let version = state.documents.get(&path).map(|document| document.version);
        to_send.push(FileDiagnostics { path, version, diagnostics: Vec::new() });
    }
    state.pushed = now;
    Some(to_send)
}

fn full_report(items: Vec<ls_types::Diagnostic>) -> ls_types::DocumentDiagnosticReportResult {
    ls_types::DocumentDiagnosticReportResult::Report(ls_types::DocumentDiagnosticReport::Full(
        ls_types::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: ls_types::FullDocumentDiagnosticReport { result_id: None, items },
        },
    ))
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
        .filter_map(|folder| folder.uri.to_file_path().map(|path| path.into_owned()))
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref().and_then(|uri| uri.to_file_path().map(|path| path.into_owned()));
    root_uri.into_iter().collect()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: ls_types::InitializeParams) -> RpcResult<ls_types::InitializeResult> {
        let encoding = negotiate_encoding(&params.capabilities);
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|text_document| text_document.diagnostic.as_ref())
            .is_some();
        {
            let mut state = self.lock();
            state.encoding = encoding;
            state.folders = workspace_folders(&params);
            state.pull_diagnostics = pull;
            let workspace = params.capabilities.workspace.as_ref();
            state.client = state::ClientSupport {
                watched_files_registration: workspace
                    .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                    .and_then(|watch| watch.dynamic_registration)
                    .unwrap_or(false),
                configuration: workspace.and_then(|workspace| workspace.configuration).unwrap_or(false),
                work_done_progress: params
                    .capabilities
                    .window
                    .as_ref()
                    .and_then(|window| window.work_done_progress)
                    .unwrap_or(false),
            };
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
            let watchers = ["**/openspec/**", "**/openspec"]
                .into_iter()
                .map(|glob| ls_types::FileSystemWatcher {
                    glob_pattern: ls_types::GlobPattern::String(glob.to_owned()),
                    kind: None,
                })
                .collect();
            let registration = ls_types::Registration {
                id: "openspec-lsp/watch".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(ls_types::DidChangeWatchedFilesRegistrationOptions { watchers }).ok(),
            };
            if let Err(error) = self.client.register_capability(vec![registration]).await {
                self.client
                    .log_message(ls_types::MessageType::WARNING, format!("openspec-lsp: could not watch files: {error}"))
                    .await;
            }
        }
        self.pull_configuration().await;
        self.index_workspace().await;
        self.schedule_diagnostics();
    }

    async fn did_change_configuration(&self, params: ls_types::DidChangeConfigurationParams) {
        if params.settings.is_null() || self.lock().client.configuration {
            self.pull_configuration().await;
        } else {
            self.lock().settings = Settings::from_json(&params.settings);
        }
        self.schedule_diagnostics();
    }

    async fn did_change_watched_files(&self, params: ls_types::DidChangeWatchedFilesParams) {
        // Files changed outside the editor (a checkout, an agent): re-read the roots they are in,
        // or everything when a change may have created or removed a root.
        let paths: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|change| change.uri.to_file_path().map(|path| path.into_owned()))
            .collect();
        let (stale, unknown): (Vec<_>, Vec<_>) = {
            let state = self.lock();
            paths.iter().map(|path| state.root_of(path)).partition(Option::is_some)
        };
        let structural = paths.iter().any(|path| {
            path.file_name().is_some_and(|name| name == "openspec" || name == "config.yaml" || name == "config.yml")
        });
        if !unknown.is_empty() || structural {
            self.load_roots().await;
        } else {
            let mut dirs: Vec<PathBuf> = {
                let state = self.lock();
                stale.into_iter().flatten().filter_map(|idx| state.roots.get(idx).map(|root| root.dir.clone())).collect()
            };
            dirs.sort();
            dirs.dedup();
            let reloaded = tokio::task::spawn_blocking(move || {
                dirs.into_iter().map(|dir| RootState { disk: vfs_load::load_root(&dir), dir }).collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            let mut state = self.lock();
            for fresh in reloaded {
                if let Some(root) = state.roots.iter_mut().find(|root| root.dir == fresh.dir) {
                    *root = fresh;
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
        let Some(path) = params.text_document.uri.to_file_path().map(|path| path.into_owned()) else {
            return Ok(full_report(Vec::new()));
        };
        self.wait_indexed().await;
        let (input, settings, encoding) = {
            let state = self.lock();
            let input = state.root_of(&path).and_then(|idx| state.root_input(idx));
            (input, state.settings.clone(), state.encoding)
        };
        let Some(input) = input else { return Ok(full_report(Vec::new())) };
        let files = tokio::task::spawn_blocking(move || state::analyze(&input, &settings, encoding))
            .await
            .map_err(|_| internal_error("diagnostics computation failed"))?;
        let diagnostics = files.into_iter().find(|file| file.path == path).map(|file| file.diagnostics).unwrap_or_default();
        Ok(full_report(diagnostics))
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.lock().shutting_down = true;
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: ls_types::DidOpenTextDocumentParams) {
        let Some(path) = params.text_document.uri.to_file_path().map(|path| path.into_owned()) else { return };
        self.lock()
            .documents
            .insert(path, Document::new(&params.text_document.text, params.text_document.version));
        self.schedule_diagnostics();
    }

    async fn did_change(&self, params: ls_types::DidChangeTextDocumentParams) {
        let Some(path) = params.text_document.uri.to_file_path().map(|path| path.into_owned()) else { return };
        {
            let mut state = self.lock();
            let encoding = state.encoding;
            let Some(document) = state.documents.get_mut(&path) else { return };
            for change in &params.content_changes {
                // A malformed range leaves the document as it was; the next full sync repairs it.
                let _ = document.apply_change(change.range, &change.text, encoding);
            }
            document.version = params.text_document.version;
            let text = document.text();
            document.reparse(&text);
        }
        self.schedule_diagnostics();
    }

    async fn did_close(&self, params: ls_types::DidCloseTextDocumentParams) {
        let Some(path) = params.text_document.uri.to_file_path().map(|path| path.into_owned()) else { return };
        self.lock().documents.remove(&path);
        self.schedule_diagnostics();
    }
}
