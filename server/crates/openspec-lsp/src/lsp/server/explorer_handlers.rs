//! Thin handlers of the explorer (`openspec/outline`, the `openspec/outlineChanged` notice after
//! a publication) and of `openspec.applyRenameThroughChange`. Snapshot, compute off the
//! runtime, convert; the features are `openspec_ide`'s `outline` and `rename_through_change`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use openspec_ide::features::outline::Outline;
use openspec_ide::features::rename_through_change::RenameVia;
use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::Result as RpcResult;

use super::super::convert::Converter;
use super::super::explorer::{self, ExplorerSupport, OutlineChanged};
use super::super::state::{self, ServerState};
use super::{Backend, internal_error, invalid_params, lock, with_deadline};

/// What the explorer needs beside the server state.
#[derive(Default)]
pub struct ExplorerState {
    support: Mutex<ExplorerSupport>,
    /// Set by the first `openspec/outline`: until a client looks, no outline is computed.
    requested: AtomicBool,
    /// Every root's outline as last answered or announced.
    announced: Mutex<Option<Vec<(PathBuf, Outline)>>>,
    /// Held while an outline is computed for `openspec/outlineChanged`.
    computing: tokio::sync::Mutex<()>,
    /// A publication happened since the running computation took its snapshot.
    stale: AtomicBool,
}

impl ExplorerState {
    pub fn support(&self) -> ExplorerSupport {
        *self.support.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn set_support(&self, support: ExplorerSupport) {
        *self.support.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = support;
    }

    /// Records `outlines` as what the client knows; `true` when that differs from before.
    fn announce(&self, outlines: Vec<(PathBuf, Outline)>) -> bool {
        let mut announced = self.announced.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let changed = announced.as_ref() != Some(&outlines);
        *announced = Some(outlines);
        changed
    }
}

/// Every root's outline at the current buffers (blocking: runs the checks that are due).
fn outlines(shared: &Mutex<ServerState>) -> Vec<(PathBuf, Outline)> {
    let (inputs, config) = {
        let state = lock(shared);
        (state.all_root_inputs(), state.settings.check)
    };
    inputs
        .iter()
        .map(|input| {
            let analysis = state::refresh(input);
            let findings = state::findings(input);
            (input.dir.clone(), analysis.outline(&findings, &config))
        })
        .collect()
}

/// After a publication: tells a client that declared `outlineChanged` and has asked for an
/// outline that it changed. One computation at a time: a publication arriving meanwhile only
/// marks the outline stale, and the running one goes round again, so fast typing coalesces
/// into a few outlines. An outline of a generation overtaken while it was computed is dropped
/// (the next round computes the newer one).
pub async fn notify_outline_changed(client: Client, shared: Arc<Mutex<ServerState>>, explorer: Arc<ExplorerState>) {
    if !explorer.support().outline_changed || !explorer.requested.load(Ordering::SeqCst) {
        return;
    }
    explorer.stale.store(true, Ordering::SeqCst);
    loop {
        let Ok(running) = explorer.computing.try_lock() else { return };
        while explorer.stale.swap(false, Ordering::SeqCst) {
            let generation = lock(&shared).generation;
            let from = shared.clone();
            let Ok(current) = tokio::task::spawn_blocking(move || outlines(&from)).await else { return };
            if lock(&shared).generation != generation {
                explorer.stale.store(true, Ordering::SeqCst);
                continue;
            }
            if explorer.announce(current) {
                client.send_notification::<OutlineChanged>(None).await;
            }
        }
        drop(running);
        // A publication that found the computation running just before it ended goes next.
        if !explorer.stale.load(Ordering::SeqCst) {
            return;
        }
    }
}

impl Backend {
    /// `openspec/outline` with `{}` (every root) or `{"root": uri}` (the roots holding it):
    /// `{"roots": [{uri, name, specs: [..], changes: [..]}]}` (see `explorer::outline_json`).
    pub async fn outline(&self, params: Value) -> RpcResult<Value> {
        self.wait_indexed().await;
        let wanted: Option<PathBuf> = params
            .get("root")
            .and_then(Value::as_str)
            .and_then(|uri| uri.parse::<tower_lsp_server::ls_types::Uri>().ok())
            .and_then(|uri| uri.to_file_path().map(std::borrow::Cow::into_owned));
        let shared = self.state.clone();
        let (all, answered) = tokio::task::spawn_blocking(move || {
            let all = outlines(&shared);
            let encoding = lock(&shared).encoding;
            let answered: Vec<Value> = all
                .iter()
                .filter(|(dir, _)| wanted.as_ref().is_none_or(|wanted| wanted.starts_with(dir)))
                .filter_map(|(dir, outline)| {
                    let input = {
                        let state = lock(&shared);
                        let idx = state.roots.iter().position(|root| &root.dir == dir)?;
                        state.root_input(idx)?
                    };
                    let analysis = state::refresh(&input);
                    Some(explorer::outline_json(&Converter::new(&analysis, dir, encoding), outline))
                })
                .collect();
            (all, answered)
        })
        .await
        .map_err(|_| internal_error("the outline failed"))?;
        self.explorer.announce(all);
        // Only now: a publication racing this first answer has nothing to compare with yet.
        self.explorer.requested.store(true, Ordering::SeqCst);
        Ok(json!({ "roots": answered }))
    }

    /// `openspec.applyRenameThroughChange`: computes the edit, has the client apply it
    /// (`workspace/applyEdit`) and answers `{"applied", "change", "uri"}` (the delta spec).
    pub(super) async fn apply_rename_through_change(&self, arguments: &[Value]) -> RpcResult<Option<Value>> {
        let request = explorer::rename_request(arguments).map_err(invalid_params)?;
        let create_files = self.lock().features.code_actions.create_files;
        if matches!(request.via, RenameVia::New(_)) && !create_files {
            return Err(invalid_params(
                "this editor cannot create files through a workspace edit; pick an existing change".to_owned(),
            ));
        }
        let explorer::RenameRequest { uri, position, new_name, via } = request;
        let change_id = match &via {
            RenameVia::Existing(id) | RenameVia::New(id) => id.clone(),
        };
        let computed = self
            .on_file(&uri, move |conv, path| {
                let at = openspec_ide::FilePosition { path: path.to_owned(), offset: conv.offset(path, position) };
                let analysis = conv.analysis;
                Some(analysis.rename_through_change(&at, &new_name, &via).and_then(|change| {
                    let capability = analysis.rename_through_change_target(&at)?.capability;
                    let (RenameVia::Existing(id) | RenameVia::New(id)) = &via;
                    let delta = analysis.index.active_change(id).and_then(|change| change.delta(&capability));
                    let delta_path = delta.map_or_else(
                        || format!("{}/specs/{capability}/spec.md", openspec_ide::layout::change_dir(id)),
                        |delta| delta.path.clone(),
                    );
                    Ok((conv.workspace_edit(&change), conv.uri(&delta_path)))
                }))
            })
            .await?;
        let Some(computed) = computed else {
            return Err(invalid_params(format!("{}: not a file of an OpenSpec root", uri.as_str())));
        };
        let (edit, delta_uri) = computed.map_err(invalid_params)?;
        let response = with_deadline(self.client.apply_edit(edit)).await;
        let applied = matches!(response, Some(Ok(ref answer)) if answer.applied);
        Ok(Some(json!({ "applied": applied, "change": change_id, "uri": delta_uri })))
    }
}
