//! The server's resources: each main spec as `openspec://specs/<capability>` and each active
//! change as `openspec://changes/<id>` (every file of the change; one file as
//! `openspec://changes/<id>/<file>`), listed with a one-line summary and read from the loaded
//! snapshot (never from the disk directly). With several roots the URI carries
//! `?root=<folder>`. Lists are paged; texts are cut at `MAX_RESOURCE_CHARS`.

use std::fmt::Write as _;

use openspec_ide::index::WorkspaceIndex;
use rmcp::ErrorData;

use super::answer::cut_text;
use super::workspace::{Loaded, bad_argument};
use crate::output::CheckedRoot;

pub const SCHEME: &str = "openspec://";
/// Resources in one page of `resources/list`.
pub const PAGE_SIZE: usize = 100;
/// Characters of one file beyond which a read resource is cut (with a note at its end).
pub const MAX_RESOURCE_CHARS: usize = 100_000;

/// One listed resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub uri: String,
    pub name: String,
    pub title: String,
    pub description: String,
}

/// One read file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadFile {
    pub uri: String,
    pub text: String,
}

/// Every resource, specs then changes per root.
pub fn list(loaded: &Loaded) -> Vec<Listed> {
    let multi_root = loaded.run.is_multi_root();
    let mut listed = Vec::new();
    for (root, analysis) in loaded.run.roots.iter().zip(&loaded.analyses) {
        let suffix = root_query(root, multi_root);
        let index = &analysis.index;
        for spec in &index.specs {
            let purpose = first_sentence(&spec.purpose);
            let n_requirements = spec.requirements.len();
            listed.push(Listed {
                uri: format!("{SCHEME}specs/{}{suffix}", spec.capability),
                name: format!("spec/{}", spec.capability),
                title: format!("Spec {}", spec.capability),
                description: format!(
                    "Main spec `{}`: {n_requirements} requirement{}{}",
                    root.display_path(&spec.path),
                    if n_requirements == 1 { "" } else { "s" },
                    if purpose.is_empty() { String::new() } else { format!(". Purpose: {purpose}") }
                ),
            });
        }
        for change in index.active_changes() {
            let capabilities: Vec<&str> = change.deltas.iter().map(|delta| delta.capability.as_str()).collect();
            let tasks = change
                .tasks
                .as_ref()
                .map(|(_, progress)| format!("; tasks {}/{} done", progress.done, progress.total))
                .unwrap_or_default();
            listed.push(Listed {
                uri: format!("{SCHEME}changes/{}{suffix}", change.id),
                name: format!("change/{}", change.id),
                title: change_title(root, index, &change.id).unwrap_or_else(|| format!("Change {}", change.id)),
                description: format!(
                    "Active change `{}`: deltas for {}{tasks}",
                    root.display_path(&change.dir),
                    if capabilities.is_empty() { "no capability".to_owned() } else { capabilities.join(", ") }
                ),
            });
        }
    }
    listed
}

/// The page of `list` after `cursor` (an offset, as the previous page's `next` gave it), and
/// the next page's cursor.
pub fn page(loaded: &Loaded, cursor: Option<&str>) -> Result<(Vec<Listed>, Option<String>), ErrorData> {
    let start = match cursor {
        None => 0,
        Some(cursor) => cursor.parse::<usize>().map_err(|_| bad_argument(format!("bad cursor `{cursor}`")))?,
    };
    let all = list(loaded);
    let end = start.saturating_add(PAGE_SIZE).min(all.len());
    let next = (end < all.len()).then(|| end.to_string());
    Ok((all.into_iter().skip(start).take(end.saturating_sub(start)).collect(), next))
}

/// The files behind `uri`.
pub fn read(loaded: &Loaded, uri: &str) -> Result<Vec<ReadFile>, ErrorData> {
    let not_found = || {
        ErrorData::resource_not_found(
            format!("no resource `{uri}`: expected {SCHEME}specs/<capability> or {SCHEME}changes/<id>[/<file>]"),
            None,
        )
    };
    let rest = uri.strip_prefix(SCHEME).ok_or_else(not_found)?;
    let (path, root_dir) = match rest.split_once("?root=") {
        Some((path, root_dir)) => (path, Some(root_dir)),
        None => (rest, None),
    };
    let path = path.trim_end_matches('/');
    let roots = loaded
        .run
        .roots
        .iter()
        .zip(&loaded.analyses)
        .filter(|(root, _)| root_dir.is_none_or(|dir| root.relative_dir == dir));
    for (root, analysis) in roots {
        let suffix = root_query(root, loaded.run.is_multi_root());
        if let Some(capability) = path.strip_prefix("specs/") {
            let Some(spec) = analysis.index.spec(capability) else { continue };
            let text = root.text(&spec.path).unwrap_or_default();
            return Ok(vec![ReadFile { uri: format!("{SCHEME}specs/{capability}{suffix}"), text: bounded(text) }]);
        }
        if let Some(change_path) = path.strip_prefix("changes/") {
            let (id, file) = change_path.split_once('/').map_or((change_path, None), |(id, file)| (id, Some(file)));
            let Some(change) = analysis.index.active_change(id) else { continue };
            let prefix = format!("{}/", change.dir);
            let files: Vec<ReadFile> = root
                .snapshot
                .entries
                .keys()
                .filter_map(|entry| entry.strip_prefix(&prefix).map(|inner| (entry, inner)))
                .filter(|(_, inner)| file.is_none_or(|file| *inner == file))
                .filter_map(|(entry, inner)| {
                    let text = root.text(entry)?;
                    Some(ReadFile { uri: format!("{SCHEME}changes/{id}/{inner}{suffix}"), text: bounded(text) })
                })
                .collect();
            if files.is_empty() {
                continue;
            }
            return Ok(files);
        }
    }
    Err(not_found())
}

fn root_query(root: &CheckedRoot, multi_root: bool) -> String {
    if multi_root { format!("?root={}", root.relative_dir) } else { String::new() }
}

/// The proposal's H1 title (`Change: Add 2FA`), when it has one.
fn change_title(root: &CheckedRoot, index: &WorkspaceIndex, change_id: &str) -> Option<String> {
    let proposal = index.active_change(change_id)?.proposal.as_ref()?;
    let range = proposal.title_range?;
    let title = root.text(&proposal.path)?.get(range.start..range.end)?;
    Some(title.trim().to_owned())
}

/// The purpose's first sentence (its lines joined), at most 160 characters.
fn first_sentence(purpose: &str) -> String {
    let joined = purpose.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = joined.find(". ").map_or(joined.as_str(), |end| &joined[..=end]);
    let (cut, was_cut) = cut_text(sentence, 160);
    if was_cut { format!("{cut}…") } else { cut }
}

fn bounded(text: &str) -> String {
    let (mut cut, was_cut) = cut_text(text, MAX_RESOURCE_CHARS);
    if was_cut {
        let _ = write!(
            cut,
            "\n[openspec-lsp: cut at {MAX_RESOURCE_CHARS} characters; {} in all. Read the file for the rest.]\n",
            text.chars().count()
        );
    }
    cut
}
