//! Change rules: everything `validateChangeDeltaSpecs` reports per active change in 1.13.2
//! (delta spec readers, scenario loss, archive dry run, misplaced and nested layouts), except
//! the `skip_specs` marker rules, `change/no-deltas`, `change/skip-specs-accepted` and task
//! numbering. Reads each delta spec once; writes nothing but diagnostics.

pub(crate) mod archive_refusal;
mod base_spec_unreadable;
mod duplicate_removed;
mod duplicate_renamed;
mod duplicate_requirement;
mod empty_delta_sections;
mod misplaced_delta_file;
mod missing_requirement_text;
mod missing_scenario;
mod missing_shall_must;
pub(crate) mod nested_change;
mod no_delta_sections;
mod orphaned_requirement;
mod rename_conflict;
mod root_level_delta_spec;
mod scenario_loss;
mod section_conflict;
mod skipped_header;
mod unpaired_rename;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use openspec_syntax::TextRange;
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::{DeltaSpec, parse_delta_spec};

use crate::archive::BaseView;
use crate::diagnostic::{Diagnostic, ItemId, Severity};
use crate::layout;
use crate::rules::Pass;
use crate::vfs::{Entry, FileContent, RootSnapshot};

/// One readable delta spec of a change, parsed.
pub(crate) struct DeltaFile<'a> {
    /// The capability id (`auth`, `platform/session`).
    pub capability: &'a str,
    /// Root-relative path of the delta spec.
    pub path: &'a str,
    pub text: &'a str,
    pub delta: Arc<DeltaSpec<'a>>,
}

/// An active change and its readable delta specs.
pub(crate) struct ChangeDeltas<'a> {
    pub root: &'a RootSnapshot,
    pub change_id: &'a str,
    pub item: ItemId,
    /// Root-relative change folder.
    pub dir: String,
    /// In the CLI's order (sorted by capability id). Unreadable files are left out: the CLI
    /// skips them without a word.
    pub files: Vec<DeltaFile<'a>>,
}

impl<'a> ChangeDeltas<'a> {
    /// The delta specs of active change `change_id` (an id from `pass.layout`), parsed once
    /// per pass.
    pub fn load(pass: &Pass<'a>, change_id: &'a str) -> Self {
        let root = pass.root;
        let files = pass
            .layout
            .delta_specs_of(change_id)
            .iter()
            .filter_map(|spec| {
                let text = root.text(&spec.path)?;
                Some(DeltaFile {
                    capability: &spec.id,
                    path: &spec.path,
                    text,
                    delta: pass.delta_spec(&spec.path, text),
                })
            })
            .collect();
        ChangeDeltas { root, change_id, item: ItemId::change(change_id), dir: layout::change_dir(change_id), files }
    }

    /// A finding of a CLI rule, counted toward this change.
    pub fn finding(
        &self,
        code: &'static str,
        severity: Severity,
        path: &str,
        range: TextRange,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::openspec(&self.item, code, severity, path, range, message)
    }
}

/// The first non-blank line's trimmed text (empty at 0 for a blank file): where a finding
/// about a whole file goes when the CLI names no line.
pub(crate) fn first_text_range(text: &str) -> TextRange {
    split_lines(text, Bom::Strip, LineBreaks::Any)
        .iter()
        .map(Line::trimmed_range)
        .find(|range| !range.is_empty())
        .unwrap_or(TextRange::empty(0))
}

/// The main spec a delta spec merges into, as reading it would go.
pub(crate) enum BaseSpec<'a> {
    /// No file there (or a dangling link): the capability is new.
    Missing,
    Text(&'a str),
    /// The path exists but reading it fails, with Node's error code (`EACCES`, `EISDIR`) and,
    /// when known, Node's message.
    Unreadable {
        code: &'a str,
        message: Option<&'a str>,
    },
}

/// Main specs parsed the way archive reads them, by capability, and delta specs, by path, each
/// at most once per check pass (shared by the pass's threads and by its delta and archive
/// units): a main spec with dozens of deltas against it is read once, not once per delta, and
/// a delta spec once, not once by its change's delta unit and again by its archive unit.
pub(crate) struct BaseViews<'a> {
    root: &'a RootSnapshot,
    parsed: Mutex<HashMap<String, Arc<ParsedBase<'a>>>>,
    deltas: Mutex<HashMap<&'a str, Arc<ParsedDelta<'a>>>>,
}

/// Parsed by the first thread that asks; a second one waits for it rather than parsing too.
type ParsedBase<'a> = OnceLock<Option<Arc<BaseView<'a>>>>;
type ParsedDelta<'a> = OnceLock<Arc<DeltaSpec<'a>>>;

impl<'a> BaseViews<'a> {
    pub fn new(root: &'a RootSnapshot) -> Self {
        BaseViews { root, parsed: Mutex::new(HashMap::new()), deltas: Mutex::new(HashMap::new()) }
    }

    /// The delta spec at `path` parsed from `text` (the pass's snapshot's text of `path`).
    pub fn delta_spec(&self, path: &'a str, text: &'a str) -> Arc<DeltaSpec<'a>> {
        let cell = {
            // A panic while holding the lock leaves the map as it was; carry on with it.
            let mut parsed = self.deltas.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            parsed.entry(path).or_default().clone()
        };
        cell.get_or_init(|| Arc::new(parse_delta_spec(text))).clone()
    }

    /// The parsed main spec of `capability`, when it has readable text.
    pub fn get(&self, capability: &str) -> Option<Arc<BaseView<'a>>> {
        let cell = {
            // A panic while holding the lock leaves the map as it was; carry on with it.
            let mut parsed = self.parsed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match parsed.get(capability) {
                Some(cell) => cell.clone(),
                None => parsed.entry(capability.to_owned()).or_default().clone(),
            }
        };
        cell.get_or_init(|| match base_spec(self.root, capability) {
            BaseSpec::Text(text) => Some(Arc::new(BaseView::parse(text))),
            _ => None,
        })
        .clone()
    }
}

/// Reads `openspec/specs/<capability>/spec.md` from the snapshot the way `fs.readFile` would.
pub(crate) fn base_spec<'a>(root: &'a RootSnapshot, capability: &str) -> BaseSpec<'a> {
    match root.get(&layout::main_spec_path(capability)) {
        None | Some(Entry::DanglingSymlink) => BaseSpec::Missing,
        Some(Entry::File { content: FileContent::Text { text, .. }, .. }) => BaseSpec::Text(text),
        Some(Entry::File { content: FileContent::Unreadable(problem), .. } | Entry::UnreadableDir(problem)) => {
            BaseSpec::Unreadable { code: &problem.code, message: Some(&problem.message) }
        }
        Some(Entry::Dir | Entry::SymlinkToDir) => BaseSpec::Unreadable { code: "EISDIR", message: None },
        // Never for a `spec.md`: Markdown is always read (`layout::is_read_by_openspec`).
        Some(Entry::File { content: FileContent::NotRead, .. }) => BaseSpec::Unreadable { code: "EIO", message: None },
    }
}

/// The delta rules of one active change (an id of `pass.layout`).
pub fn check_change(pass: &Pass<'_>, change_id: &str, acc: &mut Vec<Diagnostic>) {
    let root = pass.root;
    let Some(change_id) = pass.layout.change_id(change_id) else { return };
    let bases = pass.bases;
    // A namespace folder gets this one error and nothing else, as in the CLI.
    if let Some(diagnostic) = nested_change::check(root, change_id) {
        acc.push(diagnostic);
        return;
    }
    let change = ChangeDeltas::load(pass, change_id);
    // Collected apart from `acc` first: the archive dry run skips every file an earlier
    // rule of this change already rejected, whatever other groups reported.
    let mut found = Vec::new();
    root_level_delta_spec::check(&change, &mut found);
    for file in &change.files {
        skipped_header::check(&change, file, &mut found);
        unpaired_rename::check(&change, file, &mut found);
        orphaned_requirement::check(&change, file, &mut found);
        duplicate_requirement::check(&change, file, &mut found);
        missing_requirement_text::check(&change, file, &mut found);
        missing_shall_must::check(&change, file, &mut found);
        missing_scenario::check(&change, file, &mut found);
        base_spec_unreadable::check(&change, file, &mut found);
        scenario_loss::check(&change, file, bases, &mut found);
        duplicate_removed::check(&change, file, &mut found);
        duplicate_renamed::check(&change, file, &mut found);
        section_conflict::check(&change, file, &mut found);
        rename_conflict::check(&change, file, &mut found);
    }
    archive_refusal::check(&change, bases, &mut found);
    misplaced_delta_file::check(&change, &mut found);
    for file in &change.files {
        empty_delta_sections::check(&change, file, &mut found);
        no_delta_sections::check(&change, file, &mut found);
    }
    acc.append(&mut found);
}

#[cfg(test)]
pub(crate) mod test_helpers {
    /// Runs every rule and keeps the findings of the given codes, rendered.
    pub fn check_codes(fixture: &str, codes: &[&str]) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let root = crate::test_support::snapshot(&fixture);
        let report = crate::check_root(&root, &crate::CheckConfig::default());
        let kept: Vec<_> = report.diagnostics.into_iter().filter(|d| codes.contains(&d.code)).collect();
        crate::test_support::render(&fixture, &kept)
    }
}
