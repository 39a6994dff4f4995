//! Answer before the index: requests that read only the file they are about (document symbols,
//! folding ranges, semantic tokens) are answered while the workspace is still being read, from
//! the open buffer alone, indexed as the only file of its root. The answer is the one the whole
//! root's index gives: these features read the file's text and the index's entry for that file,
//! and an entry is read from the file alone (`WorkspaceIndex::build` reads each main spec and
//! delta spec on its own; the file's role comes from its path).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use openspec_ide::{Analysis, RootSnapshot};
use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types;

use super::{Backend, Converter, FileContext};
use crate::discover;

impl Backend {
    /// `on_file` for a request that reads only the file behind `uri`: before the first
    /// indexing is done, answered from the open buffer (`early_context`) instead of waiting.
    pub(super) async fn on_local_file<T, F>(&self, uri: &ls_types::Uri, compute: F) -> RpcResult<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Converter<'_>, &str) -> Option<T> + Send + 'static,
    {
        let Some(path) = uri.to_file_path().map(std::borrow::Cow::into_owned) else { return Ok(None) };
        let context = match self.early_context(&path).await {
            Some(context) => context,
            None => match self.file_context(&path).await? {
                Some(context) => context,
                None => return Ok(None),
            },
        };
        self.compute_on(context, compute).await
    }

    /// The open buffer of `path` as the only file of the root enclosing it, while the first
    /// indexing is not done. `None` once it is (or for a file that is not open, not under an
    /// OpenSpec root, or reached through a link: the root's read may see such a file otherwise).
    async fn early_context(&self, path: &Path) -> Option<FileContext> {
        if *self.indexed.borrow() {
            return None;
        }
        let (text, encoding) = {
            let state = self.lock();
            (state.documents.get(path)?.shared.clone(), state.encoding)
        };
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let (root_dir, rel) = plain_root_path(&path)?;
            let mut snapshot = RootSnapshot::default();
            snapshot.insert_shared(&rel, text);
            let analysis = Analysis::new(Arc::new(snapshot));
            Some(FileContext { analysis, path: rel, root_dir, encoding })
        })
        .await
        .ok()
        .flatten()
    }
}

/// The OpenSpec root enclosing `path` and the root-relative path of `path` in it, when it is a
/// path of the root's snapshot reached without any link (its real path is the root's real path
/// joined with the relative one).
fn plain_root_path(path: &Path) -> Option<(PathBuf, String)> {
    let root_dir = discover::enclosing_root(path.parent()?)?;
    let parts: Option<Vec<&str>> =
        path.strip_prefix(&root_dir).ok()?.components().map(|part| part.as_os_str().to_str()).collect();
    let rel = parts?.join("/");
    if !openspec_ide::root_files::is_snapshot_path(&rel) {
        return None;
    }
    let real = std::fs::canonicalize(path).ok()?;
    (real == std::fs::canonicalize(&root_dir).ok()?.join(&rel)).then_some((root_dir, rel))
}
