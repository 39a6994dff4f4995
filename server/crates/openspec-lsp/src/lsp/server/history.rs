//! `openspec.history`: a requirement's timeline (`openspec_ide::history`) as the JSON document
//! `openspec-lsp history --format json` prints, each location with its `uri` and LSP `range`
//! (and the root-relative `path`). Arguments: `[{"capability", "requirement"?, "root"?}]`
//! (without `requirement`, every requirement of the capability's main spec), or
//! `[{"uri", "position"}]` for the requirement under a cursor (a main-spec requirement block
//! or a delta entry). Thin: the timeline is computed by the ide crate.

use std::path::PathBuf;

use openspec_ide::history::{self, RequirementHistory};
use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types;

use super::{Backend, Converter, internal_error, invalid_params};

/// `workspace/executeCommand` name of the requirement history.
pub const HISTORY_COMMAND: &str = "openspec.history";

fn document(conv: &mut Converter<'_>, histories: &[RequirementHistory]) -> serde_json::Value {
    let mut location = |path: &str, range: openspec_syntax::TextRange| {
        let uri = conv.uri(path);
        let range = conv.range(path, range);
        serde_json::json!({ "path": path, "uri": uri, "range": range })
    };
    crate::history_command::history_json(histories, &mut location)
}

/// How long the command waits for the archives the server reads after answering its first
/// requests (`vfs_load::load_root_first`): the history is made of them.
const ARCHIVE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

impl Backend {
    /// Waits, at most `ARCHIVE_WAIT`, until the archives are in; then answers with whatever is in.
    async fn wait_archives(&self) {
        self.wait_indexed().await;
        let _ = tokio::time::timeout(ARCHIVE_WAIT, self.wait_archives_in()).await;
    }

    pub(super) async fn history(&self, arguments: &[serde_json::Value]) -> RpcResult<Option<serde_json::Value>> {
        let argument = arguments.first().cloned().unwrap_or_default();
        let text = |key: &str| argument.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        self.wait_archives().await;
        if let (Some(uri), Some(position)) = (text("uri"), argument.get("position")) {
            let Ok(position) = serde_json::from_value::<ls_types::Position>(position.clone()) else {
                return Err(invalid_params(format!("{HISTORY_COMMAND}: `position` is no LSP position")));
            };
            let Ok(uri) = uri.parse::<ls_types::Uri>() else {
                return Err(invalid_params(format!("{HISTORY_COMMAND}: `uri` is no URI")));
            };
            let answer = self
                .on_file(&uri, move |conv, path| {
                    let offset = conv.offset(path, position);
                    let (capability, requirement) = history::requirement_at(&conv.analysis.index, path, offset)?;
                    let found = conv.analysis.requirement_history(&capability, &requirement)?;
                    Some(document(conv, &[found]))
                })
                .await?;
            return match answer {
                Some(answer) => Ok(Some(answer)),
                None => Err(invalid_params("no requirement at the cursor".to_owned())),
            };
        }
        let Some(capability) = text("capability") else {
            return Err(invalid_params(format!(
                "{HISTORY_COMMAND} needs {{\"capability\": \"<capability>\", \"requirement\": \"<name>\"}} or {{\"uri\", \"position\"}}"
            )));
        };
        let requirement = text("requirement");
        let wanted_root = text("root")
            .and_then(|uri| uri.parse::<ls_types::Uri>().ok())
            .and_then(|uri| uri.to_file_path().map(std::borrow::Cow::into_owned));
        let root_dirs: Vec<PathBuf> = self
            .lock()
            .roots
            .iter()
            .filter(|root| wanted_root.as_ref().is_none_or(|wanted| wanted.starts_with(&root.dir)))
            .map(|root| root.dir.clone())
            .collect();
        for root_dir in root_dirs {
            let Some(context) = self.root_context(&root_dir, String::new()).await? else { continue };
            let (capability, requirement) = (capability.clone(), requirement.clone());
            let answer = tokio::task::spawn_blocking(move || {
                let analysis = &context.analysis;
                let histories: Vec<RequirementHistory> = match &requirement {
                    Some(requirement) => analysis.requirement_history(&capability, requirement).into_iter().collect(),
                    None => analysis.capability_history(&capability),
                };
                let mut converter = Converter::new(analysis, &context.root_dir, context.encoding);
                (!histories.is_empty()).then(|| document(&mut converter, &histories))
            })
            .await
            .map_err(|_| internal_error("history failed"))?;
            if answer.is_some() {
                return Ok(answer);
            }
        }
        Err(invalid_params(match requirement {
            Some(requirement) => format!("no requirement `{requirement}` in capability `{capability}`"),
            None => format!("no main spec `{capability}` with requirements"),
        }))
    }
}
