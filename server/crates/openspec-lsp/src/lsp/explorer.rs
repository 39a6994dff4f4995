//! The protocol side of the explorer and of "Rename through change...": the `openspec/outline`
//! answer for one root as JSON, the `openspec/outlineChanged` notification, the code action
//! that starts a rename through a change, and the arguments of the command that carries it out.
//! Conversion only: the outline and the edits are computed in `openspec-ide`.

use openspec_ide::features::outline::{Outline, Verdict};
use openspec_ide::features::rename_through_change::RenameVia;
use serde_json::{Value, json};
use tower_lsp_server::ls_types;

use super::convert::Converter;

/// Request: the outline of every root (`{}` or `{"root": uri}` for the root holding a file).
pub const OUTLINE_REQUEST: &str = "openspec/outline";

/// Notification without parameters: an outline the client asked for has changed, ask again.
/// Sent only to clients that declared `experimental.openspec.outlineChanged`, and only after
/// they asked for an outline once.
pub enum OutlineChanged {}

impl ls_types::notification::Notification for OutlineChanged {
    type Params = Option<Value>;
    const METHOD: &'static str = "openspec/outlineChanged";
}

/// The client-side command a "Rename through change..." code action carries: the editor asks
/// for the new name and the change, then calls [`APPLY_RENAME_COMMAND`]. Offered only to
/// clients that declared `experimental.openspec.renameThroughChange`.
pub const RENAME_THROUGH_CHANGE_COMMAND: &str = "openspec.renameThroughChange";

/// Server command: `[{"uri", "position", "newName", "change" | "newChange"}]`; the server
/// sends the edit with `workspace/applyEdit` and answers `{"applied", "change", "uri"}`.
pub const APPLY_RENAME_COMMAND: &str = "openspec.applyRenameThroughChange";

/// What the client declared under `experimental.openspec`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExplorerSupport {
    pub outline_changed: bool,
    pub rename_through_change: bool,
}

impl ExplorerSupport {
    pub fn from_capabilities(capabilities: &ls_types::ClientCapabilities) -> Self {
        let declared = capabilities.experimental.as_ref().and_then(|experimental| experimental.get("openspec"));
        let flag = |key: &str| declared.and_then(|value| value.get(key)).and_then(Value::as_bool).unwrap_or(false);
        ExplorerSupport { outline_changed: flag("outlineChanged"), rename_through_change: flag("renameThroughChange") }
    }
}

fn verdict(verdict: Verdict) -> Value {
    json!({ "valid": verdict.valid, "errors": verdict.errors, "warnings": verdict.warnings })
}

/// One root's outline as the `openspec/outline` answer lists it.
pub fn outline_json(conv: &Converter<'_>, outline: &Outline) -> Value {
    let uri = |path: &str| conv.uri(path).map_or(Value::Null, |uri| json!(uri));
    let specs: Vec<Value> = outline
        .specs
        .iter()
        .map(|spec| {
            json!({
                "capability": spec.capability,
                "uri": uri(&spec.path),
                "requirements": spec.requirements,
                "verdict": verdict(spec.verdict),
            })
        })
        .collect();
    let changes: Vec<Value> = outline
        .changes
        .iter()
        .map(|change| {
            let capabilities: Vec<Value> = change
                .capabilities
                .iter()
                .map(|touched| {
                    json!({ "capability": touched.capability, "uri": uri(&touched.path), "existing": touched.existing })
                })
                .collect();
            json!({
                "id": change.id,
                "uri": uri(&change.path),
                "verdict": verdict(change.verdict),
                "tasks": change.tasks.map(|tasks| json!({ "done": tasks.done, "total": tasks.total })),
                "ready": change.ready,
                "readiness": change.readiness,
                "capabilities": capabilities,
            })
        })
        .collect();
    let name = conv.root_dir.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    json!({
        "uri": ls_types::Uri::from_file_path(conv.root_dir),
        "name": name,
        "specs": specs,
        "changes": changes,
    })
}

/// The "Rename through change..." action for a cursor on a main-spec requirement header.
pub fn rename_action(
    conv: &mut Converter<'_>,
    path: &str,
    range: ls_types::Range,
    create_files: bool,
) -> Option<ls_types::CodeActionOrCommand> {
    let position = openspec_ide::FilePosition { path: path.to_owned(), offset: conv.offset(path, range.start) };
    let target = conv.analysis.rename_through_change_target(&position).ok()?;
    let uri = conv.uri(path)?;
    let argument = json!({
        "uri": uri,
        "position": range.start,
        "capability": target.capability,
        "requirement": target.requirement,
        "changes": target.changes,
        "canCreate": create_files,
    });
    Some(ls_types::CodeActionOrCommand::CodeAction(ls_types::CodeAction {
        title: format!("Rename `{}` through a change...", target.requirement),
        kind: Some(ls_types::CodeActionKind::REFACTOR_REWRITE),
        command: Some(ls_types::Command {
            title: "Rename through change...".to_owned(),
            command: RENAME_THROUGH_CHANGE_COMMAND.to_owned(),
            arguments: Some(vec![argument]),
        }),
        ..ls_types::CodeAction::default()
    }))
}

/// The parsed arguments of [`APPLY_RENAME_COMMAND`].
pub struct RenameRequest {
    pub uri: ls_types::Uri,
    pub position: ls_types::Position,
    pub new_name: String,
    pub via: RenameVia,
}

pub fn rename_request(arguments: &[Value]) -> Result<RenameRequest, String> {
    let usage = || {
        format!(
            "{APPLY_RENAME_COMMAND} needs [{{\"uri\", \"position\", \"newName\", and \"change\" or \"newChange\"}}]"
        )
    };
    let argument = arguments.first().ok_or_else(usage)?;
    let uri = argument.get("uri").and_then(Value::as_str).and_then(|uri| uri.parse().ok()).ok_or_else(usage)?;
    let position: ls_types::Position =
        argument.get("position").and_then(|value| serde_json::from_value(value.clone()).ok()).ok_or_else(usage)?;
    let new_name = argument.get("newName").and_then(Value::as_str).ok_or_else(usage)?.to_owned();
    let text = |key: &str| argument.get(key).and_then(Value::as_str).map(str::to_owned);
    let via = match (text("change"), text("newChange")) {
        (Some(id), None) => RenameVia::Existing(id),
        (None, Some(id)) => RenameVia::New(id),
        _ => return Err(usage()),
    };
    Ok(RenameRequest { uri, position, new_name, via })
}

#[cfg(test)]
mod tests {
    use super::{ExplorerSupport, rename_request};

    #[test]
    fn support_is_read_from_experimental() {
        let parsed = serde_json::from_value(serde_json::json!({
            "experimental": {"openspec": {"outlineChanged": true, "renameThroughChange": "yes"}}
        }))
        .unwrap_or_default();
        let support = ExplorerSupport::from_capabilities(&parsed);
        assert_eq!(support, ExplorerSupport { outline_changed: true, rename_through_change: false });
    }

    #[test]
    fn rename_arguments_need_exactly_one_change() {
        let base = serde_json::json!({"uri": "file:///w/openspec/specs/a/spec.md", "position": {"line": 1, "character": 2}, "newName": "B"});
        let mut both = base.clone();
        both["change"] = "x".into();
        both["newChange"] = "y".into();
        assert!(rename_request(&[both]).is_err());
        assert!(rename_request(std::slice::from_ref(&base)).is_err());
        let mut one = base;
        one["newChange"] = "y".into();
        assert!(rename_request(&[one]).is_ok_and(|request| request.new_name == "B"));
        assert!(rename_request(&[]).is_err());
    }
}
