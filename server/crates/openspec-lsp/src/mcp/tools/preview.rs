//! `preview_archive`: what `openspec archive <change> --yes` would do, the same plan and JSON as
//! `openspec-lsp preview --format json` (`preview_command`), with each main spec's unified diff
//! in place of its current text, and long texts cut.

use rmcp::ErrorData;
use serde_json::Value;

use crate::mcp::answer::bounded_text;
use crate::mcp::params::PreviewArchiveParams;
use crate::mcp::workspace::{Loaded, bad_argument};
use crate::preview_command::{Previewed, spec_diff, to_json};

pub fn preview_archive(loaded: &Loaded, params: &PreviewArchiveParams) -> Result<Value, ErrorData> {
    let (root, analysis) = loaded.change_root(&params.change)?;
    let validate = params.validate.unwrap_or(true);
    let plan = analysis
        .preview_change(&params.change, params.capability.as_deref(), &root.report.diagnostics, validate)
        .map_err(|message| {
            let capabilities: Vec<String> = analysis
                .index
                .active_change(&params.change)
                .map(|change| change.deltas.iter().map(|delta| delta.capability.clone()).collect())
                .unwrap_or_default();
            bad_argument(format!("{message}; its capabilities: {}", crate::mcp::workspace::list_or_none(&capabilities)))
        })?;
    let prefix = if root.relative_dir.is_empty() { String::new() } else { format!("{}/", root.relative_dir) };
    let previewed = Previewed::new(plan, &root.snapshot, prefix, validate);
    let mut json = to_json(&previewed);
    let mut truncated = false;
    if let Some(capabilities) = json.get_mut("capabilities").and_then(Value::as_array_mut) {
        for (capability, spec) in capabilities.iter_mut().zip(&previewed.plan.specs) {
            let Some(object) = capability.as_object_mut() else { continue };
            // The diff says what changes; the current text would only repeat the file.
            object.remove("current");
            if let Some(text) = object.get("text").and_then(Value::as_str) {
                let (text, cut) = bounded_text(text);
                truncated |= cut;
                object.insert("text".to_owned(), Value::String(text));
            }
            let (diff, cut) = bounded_text(&spec_diff(spec, &previewed.prefix));
            truncated |= cut;
            object.insert("diff".to_owned(), Value::String(diff));
        }
    }
    if let Some(object) = json.as_object_mut() {
        object.insert("truncated".to_owned(), Value::Bool(truncated));
        if truncated {
            object.insert(
                "note".to_owned(),
                Value::String(format!(
                    "texts and diffs longer than {} characters are cut; pass a `capability` to see one spec, or read the file",
                    crate::mcp::answer::MAX_TEXT_CHARS
                )),
            );
        }
    }
    Ok(json)
}
