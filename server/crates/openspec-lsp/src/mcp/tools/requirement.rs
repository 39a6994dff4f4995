//! `requirement`: one requirement of a capability as the workspace index knows it (the hover's
//! data): its text and scenarios in the main spec, or, for a requirement only an active change
//! adds, in that change's delta; and every active change touching it, with how.

use openspec_ide::index::{ScenarioInfo, WorkspaceIndex};
use openspec_syntax::TextRange;
use openspec_syntax::requirement_text::normalize_requirement_name;
use rmcp::ErrorData;
use serde::Serialize;
use serde_json::{Value, json};

use crate::history_command::history_json;
use crate::mcp::answer::{Location, bounded_text};
use crate::mcp::params::RequirementParams;
use crate::mcp::workspace::{Loaded, bad_argument, list_or_none};
use crate::output::CheckedRoot;

#[derive(Debug, Serialize)]
pub struct RequirementAnswer {
    pub capability: String,
    pub name: String,
    /// False for a requirement only an active change adds (text and scenarios are then the
    /// change's).
    pub in_main_spec: bool,
    pub location: Location,
    /// The whole block, header included, as written.
    pub text: String,
    pub scenarios: Vec<Scenario>,
    /// Active changes with an entry naming it.
    pub changes: Vec<ChangeEntry>,
    /// Its timeline (`openspec-lsp history --format json`'s entry for it): `summary`, the
    /// `archived` changes that named it, oldest first and following renames, and the `active`
    /// ones.
    pub history: Value,
    pub truncated: bool,
}

#[derive(Debug, Serialize)]
pub struct Scenario {
    pub name: String,
    #[serde(flatten)]
    pub location: Location,
}

#[derive(Debug, Serialize)]
pub struct ChangeEntry {
    pub change: String,
    /// `ADDED`, `MODIFIED`, `REMOVED`, `RENAMED FROM` or `RENAMED TO`.
    pub operation: &'static str,
    /// The other name of a RENAMED pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed: Option<String>,
    #[serde(flatten)]
    pub location: Location,
}

pub fn requirement(loaded: &Loaded, params: &RequirementParams) -> Result<RequirementAnswer, ErrorData> {
    let capability = params.capability.trim().trim_matches('/');
    let name = normalize_requirement_name(params.name.trim());
    let mut capabilities: Vec<String> = Vec::new();
    for (root, analysis) in loaded.run.roots.iter().zip(&loaded.analyses) {
        let index = &analysis.index;
        capabilities.extend(index.specs.iter().map(|spec| spec.capability.clone()));
        let changes = changes_touching(root, index, capability, name);
        if let Some(spec) = index.spec(capability)
            && let Some(requirement) = spec.requirement(name)
        {
            let found = (spec.path.as_str(), requirement.range, requirement.scenarios.as_slice());
            return Ok(answer(root, capability, name, true, found, changes, history(root, index, capability, name)));
        }
        let added = index.active_changes().find_map(|change| {
            let delta = change.delta(capability)?;
            let entry = delta
                .entries
                .iter()
                .find(|entry| entry.name == name && entry.op == openspec_ide::index::DeltaOp::Added)?;
            Some((delta, entry))
        });
        if let Some((delta, entry)) = added {
            let found = (delta.path.as_str(), entry.block_range, entry.scenarios.as_slice());
            return Ok(answer(root, capability, name, false, found, changes, history(root, index, capability, name)));
        }
        if let Some(spec) = index.spec(capability) {
            let names: Vec<String> = spec.requirements.iter().map(|requirement| requirement.name.clone()).collect();
            return Err(bad_argument(format!(
                "no requirement named `{name}` in `{capability}` (nor added by an active change); its requirements: {}",
                list_or_none(&names)
            )));
        }
    }
    capabilities.sort();
    capabilities.dedup();
    Err(bad_argument(format!(
        "no capability `{capability}` (a main spec under openspec/specs/, or one an active change adds); capabilities: {}",
        list_or_none(&capabilities)
    )))
}

fn answer(
    root: &CheckedRoot,
    capability: &str,
    name: &str,
    in_main_spec: bool,
    (path, range, scenarios): (&str, TextRange, &[ScenarioInfo]),
    changes: Vec<ChangeEntry>,
    history: Value,
) -> RequirementAnswer {
    let block = root.text(path).and_then(|text| text.get(range.start..range.end)).unwrap_or_default();
    let (text, truncated) = bounded_text(block);
    RequirementAnswer {
        capability: capability.to_owned(),
        name: name.to_owned(),
        in_main_spec,
        location: Location::new(root, path, range),
        text,
        scenarios: scenarios
            .iter()
            .map(|scenario| Scenario {
                name: scenario.name.clone(),
                location: Location::new(root, path, scenario.header_range),
            })
            .collect(),
        changes,
        history,
        truncated,
    }
}

/// The requirement's entry of `history_command::history_json` (the same document as
/// `openspec-lsp history --format json`) without what the answer already says: `summary` and
/// the `archived` events, each with a location.
fn history(root: &CheckedRoot, index: &WorkspaceIndex, capability: &str, name: &str) -> Value {
    let Some(history) = openspec_ide::history::requirement_history(index, capability, name) else {
        return json!({ "summary": "no archived changes", "archived": [] });
    };
    let mut location =
        |path: &str, range: TextRange| serde_json::to_value(Location::new(root, path, range)).unwrap_or_default();
    let mut document = history_json(std::slice::from_ref(&history), &mut location);
    let mut entry = document.get_mut("requirements").and_then(|list| list.get_mut(0)).map(Value::take);
    let object = entry.as_mut().and_then(Value::as_object_mut);
    let (summary, archived) = object.map_or((Value::Null, Value::Null), |object| {
        (object.remove("summary").unwrap_or_default(), object.remove("archived").unwrap_or_default())
    });
    json!({ "summary": summary, "archived": archived })
}

fn changes_touching(root: &CheckedRoot, index: &WorkspaceIndex, capability: &str, name: &str) -> Vec<ChangeEntry> {
    index
        .entries_naming(capability, name)
        .filter(|(change, _, _)| !change.archived)
        .map(|(change, delta, entry)| ChangeEntry {
            change: change.id.clone(),
            operation: entry.op.label(),
            renamed: entry.partner.clone(),
            location: Location::new(root, &delta.path, entry.line_range),
        })
        .collect()
}
