//! Code actions: quick fixes and rewrites for the requirement, scenario, delta entry, proposal
//! bullet or change folder under a range, each a `SourceChange` that keeps the file's line
//! breaks. Pure: it proposes edits and new files and never writes; it does not decide what is
//! an error (the rules do), it only says which diagnostic code an action resolves.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::{is_js_space, js_trim, js_trim_end};
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::{
    DeltaKind, DeltaSpec, RequirementBlock, diff_scenario_names, extract_requirements_section, fold_requirement_name,
    parse_delta_spec, scenario_names,
};
use openspec_syntax::requirement_text::{atx_hashes_then_space, scenario_blocks};
use regex::Regex;

use crate::analysis::{Analysis, FileRange, SourceChange, TextEdit};
use crate::index::{ChangeInfo, FileRole, WorkspaceIndex};
use crate::layout;
use crate::schema::{self, ResolvedSchema, SchemaOrigin, WorkflowSchema};
use crate::vfs::RootSnapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeActionKind {
    QuickFix,
    Refactor,
    RefactorRewrite,
    /// Whole-file or whole-folder actions (scaffolding a change's artifacts).
    Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: CodeActionKind,
    /// The code of a diagnostic given with the request that this action resolves.
    pub fixes: Option<String>,
    /// The one obvious fix for that diagnostic (editors may apply it without asking).
    pub is_preferred: bool,
    pub edit: SourceChange,
}

/// What the client said it can apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeActionConfig {
    /// The client creates files from a workspace edit (`resourceOperations` lists `create`).
    /// Without it, actions that create a file are left out: the client would show a blank
    /// prompt or leave an unsaved buffer instead.
    pub create_files: bool,
}

/// The line break a file uses: that of its first line, `\n` for a one-line file.
pub(crate) fn line_break(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(at) if text.get(at..).is_some_and(|rest| rest.starts_with("\r\n")) => "\r\n",
        Some(at) if text.get(at..).is_some_and(|rest| rest.starts_with('\r')) => "\r",
        _ => "\n",
    }
}

/// `text` with every line break (`\r\n`, `\r`, `\n`) written as `newline`.
pub(crate) fn convert_line_breaks(text: &str, newline: &str) -> String {
    let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    let texts: Vec<&str> = lines.iter().map(|line| line.text).collect();
    texts.join(newline)
}

/// Where the line holding `offset` ends, line break included (`text.len()` on the last line).
fn next_line_start(text: &str, line: &Line<'_>) -> usize {
    let end = line.start + line.text.len();
    let rest = text.get(end..).unwrap_or("");
    if rest.starts_with("\r\n") {
        end + 2
    } else if rest.starts_with(['\n', '\r']) {
        end + 1
    } else {
        end
    }
}

/// Both ranges share at least one position (an empty cursor range at a block's edge counts).
fn overlaps(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The first of `candidates` among the codes given with the request.
fn fixing(codes: &[&str], candidates: &[&str]) -> Option<String> {
    candidates.iter().find(|code| codes.contains(code)).map(|code| (*code).to_owned())
}

fn file_change(path: &str, mut edits: Vec<TextEdit>) -> SourceChange {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut by_file = BTreeMap::new();
    by_file.insert(path.to_owned(), edits);
    SourceChange { edits: by_file, new_files: Vec::new() }
}

fn insert(at: usize, new_text: String) -> TextEdit {
    TextEdit { range: TextRange::empty(at), new_text }
}

/// The code actions for `range` of `range.path`. `diagnostic_codes` are the codes of the
/// diagnostics the client sent with the request; an action resolving one of them names it.
pub fn code_actions(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    range: &FileRange,
    diagnostic_codes: &[&str],
    config: CodeActionConfig,
) -> Vec<CodeAction> {
    let Some(text) = root.text(&range.path) else {
        return Vec::new();
    };
    let context = Context { root, index, path: &range.path, text, range: range.range, codes: diagnostic_codes };
    let mut actions = Vec::new();
    match index.role(&range.path) {
        Some(FileRole::MainSpec { .. }) => {
            let section = extract_requirements_section(text);
            for block in section.blocks.iter().filter(|block| overlaps(block_span(block), range.range)) {
                context.requirement_actions(block, RequirementHome::MainSpec, &mut actions);
            }
        }
        Some(FileRole::Delta { change, delta }) => {
            if let Some(change) = index.changes.get(change).filter(|change| !change.archived)
                && let Some(delta) = change.deltas.get(delta)
            {
                context.delta_actions(&delta.capability, &mut actions);
            }
        }
        Some(FileRole::Proposal { change }) => {
            if let Some(change) = index.changes.get(change).filter(|change| !change.archived) {
                context.missing_delta_actions(change, &mut actions);
            }
        }
        Some(FileRole::Tasks { .. }) | None => {}
    }
    context.scaffold_actions(&mut actions);
    crate::features::migration_actions::migration_actions(root, range, diagnostic_codes, &mut actions);
    crate::features::review_actions::review_actions(root, range, diagnostic_codes, &mut actions);
    if !config.create_files {
        actions.retain(|action| action.edit.new_files.is_empty());
    }
    actions
}

impl Analysis {
    pub fn code_actions(
        &self,
        range: &FileRange,
        diagnostic_codes: &[&str],
        config: CodeActionConfig,
    ) -> Vec<CodeAction> {
        code_actions(&self.root, &self.index, range, diagnostic_codes, config)
    }
}

/// From the header to the end of the block's last line (trailing blank lines included).
fn block_span(block: &RequirementBlock<'_>) -> TextRange {
    let header = block.header();
    let last = block.lines.last().unwrap_or(&header);
    TextRange::new(header.start, last.start + last.text.len())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RequirementHome {
    MainSpec,
    Delta,
}

impl RequirementHome {
    /// The codes a requirement without a counted scenario gets here.
    const fn no_scenario_codes(self) -> &'static [&'static str] {
        match self {
            RequirementHome::MainSpec => &["spec/requirement-no-scenario", "spec/requirement-no-scenario-hint"],
            RequirementHome::Delta => &["delta/missing-scenario"],
        }
    }
}

const WHEN_PLACEHOLDER: &str = "- **WHEN** TODO: the trigger";
const THEN_PLACEHOLDER: &str = "- **THEN** TODO: the outcome";

/// A scenario-ish header at the wrong level or without the space: `### Scenario: x`,
/// `##### Scenario x`, `####Scenario: x`. Captures the name.
static SCENARIO_LIKE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^#{1,6}[ \t]*(?i:scenario)(?:[ \t]*:|[ \t]+|$)[ \t]*(.*?)[ \t]*$")
        .expect("scenario header pattern compiles")
});

/// `- WHEN x`, `* **Then** y`, `- GIVEN: z`: a step written as a plain bullet.
static STEP_BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([ \t]*)[-*+][ \t]+(?:\*\*)?(?i:(given|when|then|and))(?:\*\*)?(?:[ \t]*:)?(?:[ \t]+(.*?))?[ \t]*$")
        .expect("step bullet pattern compiles")
});

/// `^requirement:?$`: a level-3 header that is a requirement header lacking only its name.
static NAMELESS_REQUIREMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:requirement):?$").expect("nameless header pattern compiles"));

struct Context<'a> {
    root: &'a RootSnapshot,
    index: &'a WorkspaceIndex,
    path: &'a str,
    text: &'a str,
    range: TextRange,
    codes: &'a [&'a str],
}

impl Context<'_> {
    fn newline(&self) -> &'static str {
        line_break(self.text)
    }

    fn action(&self, title: String, kind: CodeActionKind, fixes: Option<String>, edits: Vec<TextEdit>) -> CodeAction {
        let is_preferred = fixes.is_some() && kind == CodeActionKind::QuickFix;
        CodeAction { title, kind, fixes, is_preferred, edit: file_change(self.path, edits) }
    }

    /// Fixes for one requirement block: scenario header levels, WHEN/THEN bullets, a missing
    /// scenario, an empty one.
    fn requirement_actions(&self, block: &RequirementBlock<'_>, home: RequirementHome, out: &mut Vec<CodeAction>) {
        let nl = self.newline();
        let body = block.body_lines();
        let fenced = code_fence_mask(body.iter().map(|line| line.text));
        let unfenced = || body.iter().zip(fenced.iter()).filter(|(_, is_fenced)| !**is_fenced).map(|(line, _)| line);

        for line in unfenced().filter(|line| overlaps(line.range(), self.range)) {
            let Some(captures) = SCENARIO_LIKE_HEADER.captures(line.text) else {
                continue;
            };
            if atx_hashes_then_space(line.text) == Some(4) {
                continue;
            }
            let name = captures.get(1).map_or("", |name| name.as_str());
            let mut codes = vec!["delta/non-requirement-header"];
            codes.extend(home.no_scenario_codes());
            out.push(self.action(
                format!("Change to a scenario header: `#### Scenario: {name}`"),
                CodeActionKind::QuickFix,
                fixing(self.codes, &codes),
                vec![TextEdit { range: line.trimmed_range(), new_text: format!("#### Scenario: {name}") }],
            ));
        }

        let scenarios = scenario_blocks(body);
        if scenarios.is_empty() {
            let steps: Vec<Step<'_>> = unfenced().filter_map(Step::read).collect();
            if let Some(edits) = self.steps_to_scenarios(block, &steps) {
                out.push(self.action(
                    "Turn the WHEN/THEN bullets into a scenario".to_owned(),
                    CodeActionKind::QuickFix,
                    fixing(self.codes, home.no_scenario_codes()),
                    edits,
                ));
            }
            let template = format!("{nl}{nl}#### Scenario: {}{nl}{WHEN_PLACEHOLDER}{nl}{THEN_PLACEHOLDER}", block.name);
            out.push(self.action(
                format!("Add a scenario to \"{}\"", block.name),
                CodeActionKind::QuickFix,
                fixing(self.codes, home.no_scenario_codes()),
                vec![insert(block.range().end, template)],
            ));
        } else if scenarios.iter().all(|scenario| !scenario.has_body())
            && let Some(empty) = scenarios.first()
        {
            let name = scenario_names(std::slice::from_ref(&empty.header)).first().copied().unwrap_or("");
            let mut codes = home.no_scenario_codes().to_vec();
            codes.push("spec/empty-scenario");
            out.push(self.action(
                format!("Add WHEN/THEN steps to scenario \"{name}\""),
                CodeActionKind::QuickFix,
                fixing(self.codes, &codes),
                vec![insert(empty.header.trimmed_range().end, format!("{nl}{WHEN_PLACEHOLDER}{nl}{THEN_PLACEHOLDER}"))],
            ));
        }
    }

    /// Groups the step bullets into scenarios (a new one at each GIVEN/WHEN after a THEN), puts
    /// a `#### Scenario:` header before each group and writes each step as `- **WHEN** ...`.
    fn steps_to_scenarios(&self, block: &RequirementBlock<'_>, steps: &[Step<'_>]) -> Option<Vec<TextEdit>> {
        let nl = self.newline();
        let has = |keyword: &str| steps.iter().any(|step| step.keyword == keyword);
        if !(has("WHEN") || has("GIVEN")) || !has("THEN") {
            return None;
        }
        let mut edits = Vec::new();
        let mut group_has_then = false;
        for (step_idx, step) in steps.iter().enumerate() {
            let starts_group = step_idx == 0 || (group_has_then && matches!(step.keyword, "GIVEN" | "WHEN"));
            if starts_group {
                group_has_then = false;
            }
            group_has_then |= step.keyword == "THEN";
            let bullet = format!("{}- **{}** {}", step.indent, step.keyword, step.rest);
            let new_text = if starts_group {
                let trigger =
                    steps.get(step_idx..).unwrap_or_default().iter().find(|s| matches!(s.keyword, "WHEN" | "GIVEN"));
                let name = trigger.map_or(block.name, |step| step.rest.trim_end_matches('.'));
                let name = if name.is_empty() { block.name } else { name };
                // A header needs a blank line above it unless one is there already.
                let gap = if previous_line_is_blank(self.text, step.line.start) { "" } else { nl };
                format!("{gap}#### Scenario: {name}{nl}{bullet}")
            } else {
                bullet
            };
            edits.push(TextEdit { range: step.line.range(), new_text });
        }
        Some(edits)
    }

    fn delta_actions(&self, capability: &str, out: &mut Vec<CodeAction>) {
        let delta = parse_delta_spec(self.text);
        let base_text = self.index.spec(capability).and_then(|spec| self.root.text(&spec.path));
        let base_path = layout::main_spec_path(capability);
        let base_blocks = base_text.map(|text| extract_requirements_section(text).blocks).unwrap_or_default();
        let base_block = |name: &str| base_blocks.iter().rev().find(|block| block.name == name);

        for (kind, blocks) in [(DeltaKind::Added, &delta.added), (DeltaKind::Modified, &delta.modified)] {
            for block in blocks.iter().filter(|block| overlaps(block_span(block), self.range)) {
                self.requirement_actions(block, RequirementHome::Delta, out);
                match kind {
                    DeltaKind::Modified => {
                        // Content changes of a renamed requirement go under its new name.
                        let renamed_from = delta.renamed.iter().rev().find(|pair| pair.to.name == block.name);
                        let current =
                            base_block(block.name).or_else(|| renamed_from.and_then(|pair| base_block(pair.from.name)));
                        // A name the main spec spells in another case or spacing is a typo.
                        let near = base_blocks
                            .iter()
                            .find(|base| fold_requirement_name(base.name) == fold_requirement_name(block.name));
                        match (current, base_text, near) {
                            (Some(current), Some(base_text), _) => {
                                self.modified_copy_actions(block, current, base_text, &base_path, out);
                            }
                            (None, _, Some(near)) => out.push(self.action(
                                format!("Use the main spec's spelling \"{}\"", near.name),
                                CodeActionKind::QuickFix,
                                fixing(self.codes, &["archive/target-missing"]),
                                vec![TextEdit { range: block.name_range, new_text: near.name.to_owned() }],
                            )),
                            _ if renamed_from.is_none() => {
                                let fixes = fixing(self.codes, &["archive/target-missing", "archive/no-main-spec"]);
                                let why = if base_text.is_some() {
                                    "the main spec has no such requirement"
                                } else {
                                    "there is no main spec yet"
                                };
                                self.move_block(&delta, block, DeltaKind::Modified, why, fixes, out);
                            }
                            _ => {}
                        }
                    }
                    _ => {
                        if base_block(block.name).is_some() {
                            let fixes = fixing(self.codes, &["archive/target-exists"]);
                            let why = "the main spec already has it";
                            self.move_block(&delta, block, DeltaKind::Added, why, fixes, out);
                        }
                    }
                }
            }
        }

        for skipped in delta.skipped_headers.iter().filter(|skipped| overlaps(skipped.line.range(), self.range)) {
            if NAMELESS_REQUIREMENT.is_match(skipped.header) || SCENARIO_LIKE_HEADER.is_match(skipped.line.text) {
                continue;
            }
            out.push(self.action(
                format!("Make \"{}\" a requirement header", skipped.header),
                CodeActionKind::QuickFix,
                fixing(self.codes, &["delta/non-requirement-header"]),
                vec![TextEdit {
                    range: skipped.line.trimmed_range(),
                    new_text: format!("### Requirement: {}", skipped.header),
                }],
            ));
        }

        self.removed_note_actions(&delta, out);
    }

    /// For a MODIFIED block whose requirement the main spec has: copy the scenarios it drops,
    /// or replace its body with the current one.
    fn modified_copy_actions(
        &self,
        block: &RequirementBlock<'_>,
        current: &RequirementBlock<'_>,
        base_text: &str,
        base_path: &str,
        out: &mut Vec<CodeAction>,
    ) {
        let nl = self.newline();
        let diff = diff_scenario_names(&scenario_names(&current.lines), &scenario_names(&block.lines));
        if !diff.missing.is_empty() {
            let current_scenarios = scenario_blocks(current.body_lines());
            let mut used = vec![false; current_scenarios.len()];
            let mut copied = String::new();
            for missing in &diff.missing {
                let found = current_scenarios.iter().enumerate().find(|(idx, scenario)| {
                    !used.get(*idx).copied().unwrap_or(true)
                        && scenario_names(std::slice::from_ref(&scenario.header)).first() == Some(&missing.as_str())
                });
                let Some((idx, scenario)) = found else {
                    continue;
                };
                if let Some(slot) = used.get_mut(idx) {
                    *slot = true;
                }
                let end = scenario
                    .body
                    .iter()
                    .rev()
                    .find(|line| !js_trim(line.text).is_empty())
                    .map_or(scenario.header.range().end, |line| line.start + js_trim_end(line.text).len());
                let scenario_text = base_text.get(scenario.header.start..end).unwrap_or("");
                copied.push_str(nl);
                copied.push_str(nl);
                copied.push_str(&convert_line_breaks(scenario_text, nl));
            }
            if !copied.is_empty() {
                let names: Vec<String> = diff.missing.iter().map(|name| format!("\"{name}\"")).collect();
                out.push(self.action(
                    format!("Copy the missing scenario(s) {} from {base_path}", names.join(", ")),
                    CodeActionKind::QuickFix,
                    fixing(self.codes, &["delta/scenario-loss"]),
                    vec![insert(block.range().end, copied)],
                ));
            }
        }
        // The body: everything after the header line, up to the last non-blank line.
        let header = block.header();
        let body_range = TextRange::new(header.range().end, block.range().end.max(header.range().end));
        let current_header = current.header();
        let current_body = base_text.get(current_header.range().end..current.range().end).unwrap_or("");
        let new_body = convert_line_breaks(current_body, nl);
        if self.text.get(body_range.start..body_range.end) != Some(new_body.as_str()) {
            out.push(self.action(
                format!("Replace the body with the current requirement from {base_path}"),
                CodeActionKind::RefactorRewrite,
                fixing(self.codes, &["delta/scenario-loss"]).filter(|_| diff.missing.is_empty()),
                vec![TextEdit { range: body_range, new_text: new_body }],
            ));
        }
    }

    /// Moves an ADDED or MODIFIED block to the other section: to the end of that section when
    /// the file has it, else by renaming its own section when it is the only entry there, else
    /// to a new section at the end of the file.
    fn move_block(
        &self,
        delta: &DeltaSpec<'_>,
        block: &RequirementBlock<'_>,
        from: DeltaKind,
        why: &str,
        fixes: Option<String>,
        out: &mut Vec<CodeAction>,
    ) {
        let to = if from == DeltaKind::Added { DeltaKind::Modified } else { DeltaKind::Added };
        let nl = self.newline();
        let text = self.text;
        let h2_starts = h2_line_starts(text);
        let section_end =
            |header_start: usize| h2_starts.iter().copied().find(|&start| start > header_start).unwrap_or(text.len());
        let header = block.header();
        let Some(last_line) = block.lines.last() else {
            return;
        };
        let removal = TextRange::new(header.start, next_line_start(text, last_line));
        let block_text = text.get(header.start..block.range().end).unwrap_or("");
        let title = format!("Move \"{}\" to {} ({why})", block.name, to.title());
        let edits = if let Some(target) = delta.first_section(to) {
            let at = section_end(target.line.start);
            let before = text.get(..at).unwrap_or("");
            let after = if at == text.len() { nl.to_owned() } else { format!("{nl}{nl}") };
            vec![
                TextEdit { range: removal, new_text: String::new() },
                insert(at, format!("{}{block_text}{after}", separation(before, nl))),
            ]
        } else {
            let source =
                delta.sections.iter().rev().find(|section| section.kind == from && section.line.start < header.start);
            let Some(source) = source else { return };
            let end = section_end(source.line.start);
            let blocks = if from == DeltaKind::Added { &delta.added } else { &delta.modified };
            let alone =
                blocks.iter().filter(|other| (source.line.start..end).contains(&other.header().start)).count() == 1;
            if alone
                && !delta.sections.iter().any(|section| section.kind == from && section.line.start != source.line.start)
            {
                vec![TextEdit { range: source.range(), new_text: format!("## {}", to.title()) }]
            } else if removal.end == text.len() {
                let before = text.get(..removal.start).unwrap_or("");
                let new_text = format!("{}## {}{nl}{nl}{block_text}{nl}", separation(before, nl), to.title());
                vec![TextEdit { range: removal, new_text }]
            } else {
                let new_text = format!("{}## {}{nl}{nl}{block_text}{nl}", separation(text, nl), to.title());
                vec![TextEdit { range: removal, new_text: String::new() }, insert(text.len(), new_text)]
            }
        };
        out.push(self.action(title, CodeActionKind::QuickFix, fixes, edits));
    }

    /// `**Reason**:` and `**Migration**:` lines for REMOVED entries that lack them.
    fn removed_note_actions(&self, delta: &DeltaSpec<'_>, out: &mut Vec<CodeAction>) {
        let nl = self.newline();
        let lines = split_lines(self.text, Bom::Strip, LineBreaks::Any);
        let entry_starts: Vec<usize> = delta.removed.iter().map(|entry| entry.line.start).collect();
        let h2_starts = h2_line_starts(self.text);
        for entry in delta.removed.iter().filter(|entry| overlaps(entry.line.range(), self.range)) {
            // The entry's notes run to the next entry or section.
            let notes: Vec<&Line<'_>> = lines
                .iter()
                .filter(|line| line.start > entry.line.start)
                .take_while(|line| !entry_starts.contains(&line.start) && !h2_starts.contains(&line.start))
                .collect();
            let note_label = |line: &Line<'_>| {
                let trimmed = js_trim(line.text);
                // A note may sit in a bullet of its own: `- **Reason**: ...`.
                let unbulleted = trimmed
                    .strip_prefix(['-', '*', '+'])
                    .filter(|rest| rest.starts_with(is_js_space))
                    .map_or(trimmed, js_trim);
                let lower = unbulleted.to_lowercase();
                ["reason", "migration"].into_iter().find(|label| lower.starts_with(&format!("**{label}**")))
            };
            let has_note = |label: &str| notes.iter().any(|line| note_label(line) == Some(label));
            let (has_reason, has_migration) = (has_note("reason"), has_note("migration"));
            if has_reason && has_migration {
                continue;
            }
            let is_bullet = !js_trim(entry.line.text).starts_with('#');
            let indent = if is_bullet { "  " } else { "" };
            let last_note = notes.iter().rev().find(|line| note_label(line).is_some());
            let at = last_note.map_or(entry.line.range().end, |line| line.range().end);
            let mut new_text = String::new();
            // Notes under a header entry are a paragraph of their own.
            let new_paragraph = last_note.is_none() && !is_bullet;
            if new_paragraph {
                new_text.push_str(nl);
            }
            if !has_reason {
                let _ = write!(new_text, "{nl}{indent}**Reason**: TODO: why it is removed");
            }
            if !has_migration {
                let _ = write!(new_text, "{nl}{indent}**Migration**: TODO: what to use instead");
            }
            let next_line = lines.iter().find(|line| line.start > at);
            if new_paragraph && next_line.is_some_and(|line| !js_trim(line.text).is_empty()) {
                new_text.push_str(nl);
            }
            out.push(self.action(
                format!("Add **Reason** and **Migration** to the removal of \"{}\"", entry.name),
                CodeActionKind::RefactorRewrite,
                None,
                vec![insert(at, new_text)],
            ));
        }
    }

    /// Creates the delta spec of each capability bullet under the range that has none.
    fn missing_delta_actions(&self, change: &ChangeInfo, out: &mut Vec<CodeAction>) {
        let Some(proposal) = &change.proposal else {
            return;
        };
        for mention in proposal.capabilities.iter().filter(|mention| overlaps(mention.line_range, self.range)) {
            let capability = &mention.capability;
            // The name comes straight from the proposal's text: `../x` or `/etc` would make the
            // client create a file outside the workspace, so only plain relative names qualify.
            let plain = capability.split('/').all(|segment| {
                !segment.is_empty() && segment != "." && segment != ".." && !segment.contains(['\\', ':'])
            });
            if !plain {
                continue;
            }
            let path = format!("{}/specs/{capability}/spec.md", change.dir);
            if change.delta(capability).is_some() || self.root.get(&path).is_some() {
                continue;
            }
            let main_spec = self.index.spec(capability);
            let content = match main_spec {
                Some(spec) => format!(
                    "## MODIFIED Requirements\n\n<!-- Copy each requirement that changes from {}, whole (scenarios included), then edit it. -->\n",
                    spec.path
                ),
                None => format!(
                    "## ADDED Requirements\n\n### Requirement: TODO: name\nThe system SHALL TODO.\n\n#### Scenario: TODO: name\n{WHEN_PLACEHOLDER}\n{THEN_PLACEHOLDER}\n"
                ),
            };
            out.push(CodeAction {
                title: format!("Create {path}"),
                kind: CodeActionKind::QuickFix,
                fixes: fixing(self.codes, &["proposal/capability-without-delta"]),
                is_preferred: self.codes.contains(&"proposal/capability-without-delta"),
                edit: SourceChange { edits: BTreeMap::new(), new_files: vec![(path, content)] },
            });
        }
    }

    /// One action per artifact of the change's workflow schema whose file is missing, and one
    /// for all of them when several are.
    fn scaffold_actions(&self, out: &mut Vec<CodeAction>) {
        let Some(change_id) = self.path.strip_prefix("openspec/changes/").and_then(|rest| rest.split('/').next())
        else {
            return;
        };
        if !layout::active_changes(self.root).iter().any(|id| id == change_id) {
            return;
        }
        let change_dir = layout::change_dir(change_id);
        let Some(schema_name) = schema::schema_name_for_change(self.root, &change_dir) else {
            return;
        };
        let Ok(ResolvedSchema { loaded: Ok(workflow), origin, .. }) = schema::resolve_schema(self.root, &schema_name)
        else {
            return;
        };
        let change = self.index.active_change(change_id);
        let mut files = Vec::new();
        for artifact in &workflow.artifacts {
            let generates = artifact.generates.text.as_str();
            if generates.is_empty() || generates.contains(['*', '?', '[', '{']) || generates.contains("..") {
                continue;
            }
            let path = format!("{change_dir}/{generates}");
            if self.root.get(&path).is_some() {
                continue;
            }
            let content = match &origin {
                SchemaOrigin::BuiltIn => builtin_template(&artifact.id.text, change_id, change, self.index),
                SchemaOrigin::Project { dir } => {
                    self.root.text(&format!("{dir}/templates/{}", artifact.template.text)).map(str::to_owned)
                }
            };
            let Some(content) = content else { continue };
            files.push((artifact.id.text.clone(), path, content));
        }
        let source = |workflow: &WorkflowSchema| match &origin {
            SchemaOrigin::BuiltIn => format!("the {} schema", workflow.name),
            SchemaOrigin::Project { dir } => format!("{dir}/templates"),
        };
        if files.len() > 1 {
            let names: Vec<&str> = files.iter().map(|(id, _, _)| id.as_str()).collect();
            out.push(CodeAction {
                title: format!(
                    "Create the missing artifacts of `{change_id}` ({}) from {}",
                    names.join(", "),
                    source(&workflow)
                ),
                kind: CodeActionKind::Source,
                fixes: None,
                is_preferred: false,
                edit: SourceChange {
                    edits: BTreeMap::new(),
                    new_files: files.iter().map(|(_, path, content)| (path.clone(), content.clone())).collect(),
                },
            });
        }
        for (_, path, content) in files {
            out.push(CodeAction {
                title: format!("Create {path} from {}", source(&workflow)),
                kind: CodeActionKind::Source,
                fixes: None,
                is_preferred: false,
                edit: SourceChange { edits: BTreeMap::new(), new_files: vec![(path, content)] },
            });
        }
    }
}

/// Whether the line before the one starting at `line_start` is blank (or there is none).
fn previous_line_is_blank(text: &str, line_start: usize) -> bool {
    let before = text.get(..line_start).unwrap_or("");
    let before = before.strip_suffix("\r\n").or_else(|| before.strip_suffix(['\n', '\r'])).unwrap_or(before);
    let last_line = before.rsplit(['\n', '\r']).next().unwrap_or("");
    js_trim(last_line).is_empty()
}

/// The line breaks to put before a block inserted after `before` so a blank line separates them.
fn separation(before: &str, nl: &str) -> String {
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.is_empty() {
        return String::new();
    }
    let n_breaks = {
        let tail = trimmed.len() - trimmed.trim_end_matches(['\n', '\r']).len();
        let tail_text = trimmed.get(trimmed.len() - tail..).unwrap_or("");
        split_lines(tail_text, Bom::Keep, LineBreaks::Any).len() - 1
    };
    nl.repeat(2usize.saturating_sub(n_breaks))
}

/// Starts of the unfenced `## ` header lines.
fn h2_line_starts(text: &str) -> Vec<usize> {
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let fenced = code_fence_mask(lines.iter().map(|line| line.text));
    lines
        .iter()
        .zip(fenced)
        .filter(|(line, is_fenced)| {
            !is_fenced && line.text.strip_prefix("##").is_some_and(|rest| rest.starts_with(is_js_space))
        })
        .map(|(line, _)| line.start)
        .collect()
}

/// One step bullet of a requirement without scenarios.
struct Step<'a> {
    line: Line<'a>,
    indent: &'a str,
    /// Upper case: `GIVEN`, `WHEN`, `THEN`, `AND`.
    keyword: &'static str,
    rest: &'a str,
}

impl<'a> Step<'a> {
    fn read(line: &Line<'a>) -> Option<Step<'a>> {
        let captures = STEP_BULLET.captures(line.text)?;
        let keyword = match captures.get(2)?.as_str().to_ascii_uppercase().as_str() {
            "GIVEN" => "GIVEN",
            "WHEN" => "WHEN",
            "THEN" => "THEN",
            _ => "AND",
        };
        Some(Step {
            line: *line,
            indent: captures.get(1).map_or("", |indent| indent.as_str()),
            keyword,
            rest: captures.get(3).map_or("", |rest| rest.as_str()),
        })
    }
}

/// Our own concise templates for the built-in spec-driven artifacts (LF line breaks). The
/// proposal lists the change's delta specs as new or modified capabilities already.
fn builtin_template(
    artifact_id: &str,
    change_id: &str,
    change: Option<&ChangeInfo>,
    index: &WorkspaceIndex,
) -> Option<String> {
    match artifact_id {
        "proposal" => {
            let deltas = change.map(|change| change.deltas.as_slice()).unwrap_or_default();
            let list = |modified: bool| {
                let bullets: Vec<String> = deltas
                    .iter()
                    .filter(|delta| index.spec(&delta.capability).is_some() == modified)
                    .map(|delta| format!("- `{}`: TODO\n", delta.capability))
                    .collect();
                bullets.concat()
            };
            Some(format!(
                "# Change: {change_id}\n\n## Why\n\nTODO: the problem or opportunity, and why now.\n\n## What Changes\n\n- TODO\n\n## Capabilities\n\n### New Capabilities\n{}\n### Modified Capabilities\n{}\n## Impact\n\nTODO: affected code, APIs, dependencies and systems.\n",
                list(false),
                list(true)
            ))
        }
        "design" => Some(format!(
            "# Design: {change_id}\n\n## Context\n\nTODO: the current state and the constraints that shape the approach.\n\n## Goals / Non-Goals\n\n**Goals:**\n- TODO\n\n**Non-Goals:**\n- TODO\n\n## Decisions\n\nTODO: each decision, why, and the alternatives considered.\n\n## Risks / Trade-offs\n\n- TODO\n"
        )),
        "tasks" => Some(format!(
            "# Tasks: {change_id}\n\n## 1. TODO: first group\n\n- [ ] 1.1 TODO: a task, and how to check it is done\n- [ ] 1.2 TODO\n"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::CodeActionConfig;
    use crate::analysis::FileRange;
    use crate::features::fixture;

    const CREATE_FILES: CodeActionConfig = CodeActionConfig { create_files: true };

    /// The actions at the fixture's `$0` (or `$0...$0` range) for a client like `config`.
    fn actions_at(
        fixture_text: &str,
        codes: &[&str],
        config: CodeActionConfig,
    ) -> (crate::Analysis, Vec<super::CodeAction>) {
        let (analysis, position, fixture) = fixture::analysis(fixture_text);
        let range = fixture.cursor.as_ref().map_or(openspec_syntax::TextRange::empty(position.offset), |c| c.range);
        let file_range = FileRange { path: position.path.clone(), range };
        let actions = analysis.code_actions(&file_range, codes, config);
        (analysis, actions)
    }

    /// Every action at the fixture's `$0` (or `$0...$0` range): its kind, title and the code it
    /// fixes, then the files it edits and creates.
    fn check(fixture_text: &str, codes: &[&str], expect: &Expect) {
        let (analysis, actions) = actions_at(fixture_text, codes, CREATE_FILES);
        let mut out = String::new();
        for action in actions {
            let fixes = action.fixes.map(|code| format!(" fixes {code}")).unwrap_or_default();
            let preferred = if action.is_preferred { " (preferred)" } else { "" };
            let _ = writeln!(out, "== {:?}{fixes}{preferred}: {}", action.kind, action.title);
            out.push_str(&fixture::apply(&analysis, &action.edit));
        }
        expect.assert_eq(&out);
    }

    /// Only the actions whose title starts with `title`.
    fn check_only(fixture_text: &str, codes: &[&str], title: &str, expect: &Expect) {
        let (analysis, actions) = actions_at(fixture_text, codes, CREATE_FILES);
        let mut out = String::new();
        for action in actions.into_iter().filter(|action| action.title.starts_with(title)) {
            let fixes = action.fixes.map(|code| format!(" fixes {code}")).unwrap_or_default();
            let _ = writeln!(out, "== {:?}{fixes}: {}", action.kind, action.title);
            out.push_str(&fixture::apply(&analysis, &action.edit));
        }
        expect.assert_eq(&out);
    }

    /// A change folder with every spec-driven artifact, so scaffolding stays quiet.
    const ARTIFACTS: &str = "//- /openspec/changes/c/proposal.md\n## Why\n//- /openspec/changes/c/design.md\n# D\n//- /openspec/changes/c/tasks.md\n- [ ] 1.1 x\n";

    const BASE: &str = "//- /openspec/specs/auth/spec.md
## Purpose
Authenticate every user before they reach their data.

## Requirements
### Requirement: Login
The system SHALL log users in.

#### Scenario: ok
- **WHEN** valid credentials
- **THEN** logged in

#### Scenario: bad password
- **WHEN** a wrong password
- **THEN** refused

### Requirement: Logout
The system SHALL log users out.

#### Scenario: bye
- **WHEN** clicked
- **THEN** logged out
";

    #[test]
    fn adds_a_scenario_to_a_requirement_without_one() {
        check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nx\n\n## Requirements\n### Requirement: Lo$0gin\nThe system SHALL log in.\n\n### Requirement: Other\nThe system SHALL other.\n",
            &["spec/requirement-no-scenario"],
            &expect![[r#"
                == QuickFix fixes spec/requirement-no-scenario (preferred): Add a scenario to "Login"
                //- /openspec/specs/auth/spec.md
                ## Purpose
                x

                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                #### Scenario: Login
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome

                ### Requirement: Other
                The system SHALL other.
            "#]],
        );
        check(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/ü/spec.md\r\n## ADDED Requirements\r\n### Requirement: Größe$0\r\nDas System SHALL größer sein.\r\n"
            ),
            &["delta/missing-scenario"],
            &expect![[r#"
                == QuickFix fixes delta/missing-scenario (preferred): Add a scenario to "Größe"
                //- /openspec/changes/c/specs/ü/spec.md
                ## ADDED Requirements␍
                ### Requirement: Größe␍
                Das System SHALL größer sein.␍
                ␍
                #### Scenario: Größe␍
                - **WHEN** TODO: the trigger␍
                - **THEN** TODO: the outcome␍
            "#]],
        );
    }

    #[test]
    fn adds_steps_to_an_empty_scenario() {
        check(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: o$0k\n\n### Requirement: Other\n",
            &["spec/empty-scenario"],
            &expect![[r#"
                == QuickFix fixes spec/empty-scenario (preferred): Add WHEN/THEN steps to scenario "ok"
                //- /openspec/specs/auth/spec.md
                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                #### Scenario: ok
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome

                ### Requirement: Other
            "#]],
        );
    }

    #[test]
    fn fixes_scenario_header_levels() {
        check(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n\n$0### Scenario: three\n- x\n\n#####Scenario five\n- y\n\n####Scenario: glued$0\n- z\n"
            ),
            &["delta/non-requirement-header"],
            &expect![[r#"
                == QuickFix fixes delta/non-requirement-header (preferred): Change to a scenario header: `#### Scenario: three`
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                #### Scenario: three
                - x

                #####Scenario five
                - y

                ####Scenario: glued
                - z
                == QuickFix fixes delta/non-requirement-header (preferred): Change to a scenario header: `#### Scenario: five`
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                ### Scenario: three
                - x

                #### Scenario: five
                - y

                ####Scenario: glued
                - z
                == QuickFix fixes delta/non-requirement-header (preferred): Change to a scenario header: `#### Scenario: glued`
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                ### Scenario: three
                - x

                #####Scenario five
                - y

                #### Scenario: glued
                - z
                == QuickFix: Add a scenario to "A"
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                ### Scenario: three
                - x

                #####Scenario five
                - y

                ####Scenario: glued
                - z

                #### Scenario: A
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome
            "#]],
        );
    }

    #[test]
    fn turns_step_bullets_into_scenarios() {
        check_only(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login$0\nThe system SHALL log in.\n- WHEN valid credentials.\n- **Then** logged in\n- and: a session starts\n\n* Given a locked account\n* when logging in\n* THEN refused\n",
            &["spec/requirement-no-scenario"],
            "Turn",
            &expect![[r#"
                == QuickFix fixes spec/requirement-no-scenario: Turn the WHEN/THEN bullets into a scenario
                //- /openspec/specs/auth/spec.md
                ## Requirements
                ### Requirement: Login
                The system SHALL log in.

                #### Scenario: valid credentials
                - **WHEN** valid credentials.
                - **THEN** logged in
                - **AND** a session starts

                #### Scenario: a locked account
                - **GIVEN** a locked account
                - **WHEN** logging in
                - **THEN** refused
            "#]],
        );
        check_only(
            "//- /openspec/specs/auth/spec.md\r\n## Requirements\r\n### Requirement: Größe$0\r\nDas System SHALL größer sein.\r\n\r\n- **WHEN** größer\r\n- **THEN** größer\r\n",
            &[],
            "Turn",
            &expect![[r#"
                == QuickFix: Turn the WHEN/THEN bullets into a scenario
                //- /openspec/specs/auth/spec.md
                ## Requirements␍
                ### Requirement: Größe␍
                Das System SHALL größer sein.␍
                ␍
                #### Scenario: größer␍
                - **WHEN** größer␍
                - **THEN** größer␍
            "#]],
        );
        // Bullets that are not steps, or steps with no outcome, are left alone.
        check_only(
            "//- /openspec/specs/auth/spec.md\n## Requirements\n### Requirement: Login$0\nThe system SHALL log in.\n- WHEN valid credentials\n- when it rains\n",
            &[],
            "Turn",
            &expect![[""]],
        );
    }

    #[test]
    fn adds_reason_and_migration_to_removed_entries() {
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Login$0\n### Requirement: Logout\n\n**Reason**: obsolete\n"
            ),
            &[],
            "Add **Reason**",
            &expect![[r#"
                == RefactorRewrite: Add **Reason** and **Migration** to the removal of "Login"
                //- /openspec/changes/c/specs/auth/spec.md
                ## REMOVED Requirements
                ### Requirement: Login

                **Reason**: TODO: why it is removed
                **Migration**: TODO: what to use instead

                ### Requirement: Logout

                **Reason**: obsolete
            "#]],
        );
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Login\n$0### Requirement: Logout\n\n**Reason**: obsolete\n"
            ),
            &[],
            "Add **Reason**",
            &expect![[r#"
                == RefactorRewrite: Add **Reason** and **Migration** to the removal of "Logout"
                //- /openspec/changes/c/specs/auth/spec.md
                ## REMOVED Requirements
                ### Requirement: Login
                ### Requirement: Logout

                **Reason**: obsolete
                **Migration**: TODO: what to use instead
            "#]],
        );
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\r\n## REMOVED Requirements\r\n- `### Requirement: Login`$0\r\n"
            ),
            &[],
            "Add **Reason**",
            &expect![[r#"
                == RefactorRewrite: Add **Reason** and **Migration** to the removal of "Login"
                //- /openspec/changes/c/specs/auth/spec.md
                ## REMOVED Requirements␍
                - `### Requirement: Login`␍
                  **Reason**: TODO: why it is removed␍
                  **Migration**: TODO: what to use instead␍
            "#]],
        );
    }

    #[test]
    fn copies_the_current_requirement_into_modified() {
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login$0\nThe system SHALL log users in quickly.\n\n#### Scenario: ok\n- **WHEN** valid credentials\n- **THEN** logged in fast\n"
            ),
            &["delta/scenario-loss"],
            "",
            &expect![[r#"
                == QuickFix fixes delta/scenario-loss: Copy the missing scenario(s) "bad password" from openspec/specs/auth/spec.md
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Login
                The system SHALL log users in quickly.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in fast

                #### Scenario: bad password
                - **WHEN** a wrong password
                - **THEN** refused
                == RefactorRewrite: Replace the body with the current requirement from openspec/specs/auth/spec.md
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Login
                The system SHALL log users in.

                #### Scenario: ok
                - **WHEN** valid credentials
                - **THEN** logged in

                #### Scenario: bad password
                - **WHEN** a wrong password
                - **THEN** refused
            "#]],
        );
        // A renamed requirement is found under its old name.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Logout`\n- TO: `### Requirement: Sign out`\n\n## MODIFIED Requirements\n### Requirement: Sign out$0\nThe system SHALL sign users out.\n"
            ),
            &[],
            "Replace",
            &expect![[r#"
                == RefactorRewrite: Replace the body with the current requirement from openspec/specs/auth/spec.md
                //- /openspec/changes/c/specs/auth/spec.md
                ## RENAMED Requirements
                - FROM: `### Requirement: Logout`
                - TO: `### Requirement: Sign out`

                ## MODIFIED Requirements
                ### Requirement: Sign out
                The system SHALL log users out.

                #### Scenario: bye
                - **WHEN** clicked
                - **THEN** logged out
            "#]],
        );
    }

    #[test]
    fn moves_blocks_between_added_and_modified() {
        // MODIFIED of a requirement the main spec lacks, with an ADDED section to move to.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: New\nThe system SHALL new.\n\n#### Scenario: n\n- x\n\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n### Requirement: Typo$0\nThe system SHALL typo.\n\n#### Scenario: t\n- x\n\n## REMOVED Requirements\n- `### Requirement: Logout`\n"
            ),
            &["archive/target-missing"],
            "Move",
            &expect![[r#"
                == QuickFix fixes archive/target-missing: Move "Typo" to ADDED Requirements (the main spec has no such requirement)
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: New
                The system SHALL new.

                #### Scenario: n
                - x

                ### Requirement: Typo
                The system SHALL typo.

                #### Scenario: t
                - x

                ## MODIFIED Requirements
                ### Requirement: Login
                The system SHALL log in.

                ## REMOVED Requirements
                - `### Requirement: Logout`
            "#]],
        );
        // A MODIFIED name that differs from the main spec's only in case or spacing is a typo.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: log$0OUT\nThe system SHALL log out.\n"
            ),
            &["archive/target-missing"],
            "",
            &expect![[r#"
                == QuickFix: Add a scenario to "logOUT"
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: logOUT
                The system SHALL log out.

                #### Scenario: logOUT
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome
                == QuickFix fixes archive/target-missing: Use the main spec's spelling "Logout"
                //- /openspec/changes/c/specs/auth/spec.md
                ## MODIFIED Requirements
                ### Requirement: Logout
                The system SHALL log out.
            "#]],
        );
        // The only MODIFIED entry, no ADDED section: the section header changes.
        check_only(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/billing/spec.md\n## MODIFIED Requirements\n### Requirement: Pay$0\nThe system SHALL pay.\n"
            ),
            &["archive/no-main-spec"],
            "Move",
            &expect![[r#"
                == QuickFix fixes archive/no-main-spec: Move "Pay" to ADDED Requirements (there is no main spec yet)
                //- /openspec/changes/c/specs/billing/spec.md
                ## ADDED Requirements
                ### Requirement: Pay
                The system SHALL pay.
            "#]],
        );
        // ADDED of an existing requirement, last in the file, others stay: a new section.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\r\n## ADDED Requirements\r\n### Requirement: Fresh\r\nThe system SHALL be fresh.\r\n\r\n### Requirement: Login$0\r\nThe system SHALL log in.\r\n"
            ),
            &["archive/target-exists"],
            "Move",
            &expect![[r#"
                == QuickFix fixes archive/target-exists: Move "Login" to MODIFIED Requirements (the main spec already has it)
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements␍
                ### Requirement: Fresh␍
                The system SHALL be fresh.␍
                ␍
                ## MODIFIED Requirements␍
                ␍
                ### Requirement: Login␍
                The system SHALL log in.␍
            "#]],
        );
        // ADDED of an existing requirement in the middle, others stay: a new section at the end.
        check_only(
            &format!(
                "{BASE}{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Login$0\nThe system SHALL log in.\n\n### Requirement: Fresh\nThe system SHALL be fresh.\n"
            ),
            &[],
            "Move",
            &expect![[r#"
                == QuickFix: Move "Login" to MODIFIED Requirements (the main spec already has it)
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: Fresh
                The system SHALL be fresh.

                ## MODIFIED Requirements

                ### Requirement: Login
                The system SHALL log in.
            "#]],
        );
    }

    #[test]
    fn names_non_requirement_headers() {
        check_only(
            &format!(
                "{ARTIFACTS}//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n\n#### Scenario: s\n- x\n\n### Größe$0 anpassen\nThe system SHALL b.\n### Requirement:\n"
            ),
            &["delta/non-requirement-header"],
            "Make",
            &expect![[r#"
                == QuickFix fixes delta/non-requirement-header: Make "Größe anpassen" a requirement header
                //- /openspec/changes/c/specs/auth/spec.md
                ## ADDED Requirements
                ### Requirement: A
                The system SHALL a.

                #### Scenario: s
                - x

                ### Requirement: Größe anpassen
                The system SHALL b.
                ### Requirement:
            "#]],
        );
    }

    #[test]
    fn no_file_creation_for_a_client_that_cannot_create_files() {
        let fixture_text = format!(
            "{BASE}//- /openspec/changes/c/proposal.md\n## Capabilities\n### New Capabilities\n- $0`two-factor`: codes\n"
        );
        let titles = |config| {
            let (_, actions) = actions_at(&fixture_text, &["proposal/capability-without-delta"], config);
            actions.into_iter().map(|action| action.title).collect::<Vec<_>>()
        };
        expect![[r#"
            [
                "Create openspec/changes/c/specs/two-factor/spec.md",
                "Create the missing artifacts of `c` (design, tasks) from the spec-driven schema",
                "Create openspec/changes/c/design.md from the spec-driven schema",
                "Create openspec/changes/c/tasks.md from the spec-driven schema",
            ]
        "#]]
        .assert_debug_eq(&titles(CREATE_FILES));
        expect![[r#"
            []
        "#]]
        .assert_debug_eq(&titles(CodeActionConfig { create_files: false }));
    }

    #[test]
    fn creates_missing_delta_specs_from_the_proposal() {
        check(
            &format!(
                "{BASE}//- /openspec/specs/billing/spec.md\n## Purpose\nBill.\n//- /openspec/changes/c/design.md\n# D\n//- /openspec/changes/c/tasks.md\n- [ ] 1.1 x\n//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n//- /openspec/changes/c/proposal.md\n## Capabilities\n### New Capabilities\n- $0`two-factor`: codes\n### Modified Capabilities\n- `auth`: x\n- `billing`: y$0\n"
            ),
            &["proposal/capability-without-delta"],
            &expect![[r#"
                == QuickFix fixes proposal/capability-without-delta (preferred): Create openspec/changes/c/specs/two-factor/spec.md
                //- /openspec/changes/c/specs/two-factor/spec.md (new)
                ## ADDED Requirements

                ### Requirement: TODO: name
                The system SHALL TODO.

                #### Scenario: TODO: name
                - **WHEN** TODO: the trigger
                - **THEN** TODO: the outcome
                == QuickFix fixes proposal/capability-without-delta (preferred): Create openspec/changes/c/specs/billing/spec.md
                //- /openspec/changes/c/specs/billing/spec.md (new)
                ## MODIFIED Requirements

                <!-- Copy each requirement that changes from openspec/specs/billing/spec.md, whole (scenarios included), then edit it. -->
            "#]],
        );
    }

    #[test]
    fn scaffolds_missing_artifacts() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/add-2fa/specs/two-factor/spec.md\n## ADDED Requirements\n//- /openspec/changes/add-2fa/specs/auth/spec.md\n$0## MODIFIED Requirements\n"
            ),
            &[],
            &expect![[r#"
                == Source: Create the missing artifacts of `add-2fa` (proposal, design, tasks) from the spec-driven schema
                //- /openspec/changes/add-2fa/proposal.md (new)
                # Change: add-2fa

                ## Why

                TODO: the problem or opportunity, and why now.

                ## What Changes

                - TODO

                ## Capabilities

                ### New Capabilities
                - `two-factor`: TODO

                ### Modified Capabilities
                - `auth`: TODO

                ## Impact

                TODO: affected code, APIs, dependencies and systems.
                //- /openspec/changes/add-2fa/design.md (new)
                # Design: add-2fa

                ## Context

                TODO: the current state and the constraints that shape the approach.

                ## Goals / Non-Goals

                **Goals:**
                - TODO

                **Non-Goals:**
                - TODO

                ## Decisions

                TODO: each decision, why, and the alternatives considered.

                ## Risks / Trade-offs

                - TODO
                //- /openspec/changes/add-2fa/tasks.md (new)
                # Tasks: add-2fa

                ## 1. TODO: first group

                - [ ] 1.1 TODO: a task, and how to check it is done
                - [ ] 1.2 TODO
                == Source: Create openspec/changes/add-2fa/proposal.md from the spec-driven schema
                //- /openspec/changes/add-2fa/proposal.md (new)
                # Change: add-2fa

                ## Why

                TODO: the problem or opportunity, and why now.

                ## What Changes

                - TODO

                ## Capabilities

                ### New Capabilities
                - `two-factor`: TODO

                ### Modified Capabilities
                - `auth`: TODO

                ## Impact

                TODO: affected code, APIs, dependencies and systems.
                == Source: Create openspec/changes/add-2fa/design.md from the spec-driven schema
                //- /openspec/changes/add-2fa/design.md (new)
                # Design: add-2fa

                ## Context

                TODO: the current state and the constraints that shape the approach.

                ## Goals / Non-Goals

                **Goals:**
                - TODO

                **Non-Goals:**
                - TODO

                ## Decisions

                TODO: each decision, why, and the alternatives considered.

                ## Risks / Trade-offs

                - TODO
                == Source: Create openspec/changes/add-2fa/tasks.md from the spec-driven schema
                //- /openspec/changes/add-2fa/tasks.md (new)
                # Tasks: add-2fa

                ## 1. TODO: first group

                - [ ] 1.1 TODO: a task, and how to check it is done
                - [ ] 1.2 TODO
            "#]],
        );
        // A project schema's own templates; an artifact without one is skipped.
        check(
            "//- /openspec/schemas/lean/schema.yaml\nname: lean\nversion: 1\nartifacts:\n  - id: brief\n    generates: brief.md\n    description: A brief\n    template: brief.md\n  - id: notes\n    generates: notes.md\n    description: Notes\n    template: notes.md\n//- /openspec/schemas/lean/templates/brief.md\n# Brief\n\n## Goal\n//- /openspec/changes/c/.openspec.yaml\nschema: lean$0\n",
            &[],
            &expect![[r#"
                == Source: Create openspec/changes/c/brief.md from openspec/schemas/lean/templates
                //- /openspec/changes/c/brief.md (new)
                # Brief

                ## Goal
            "#]],
        );
        // Archived changes are never scaffolded.
        check(
            "//- /openspec/changes/archive/2025-01-01-c/specs/auth/spec.md\n## ADDED Requirements$0\n",
            &[],
            &expect![[""]],
        );
    }

    /// Every offset and every one-line range of awkward files (BOM, CRLF, lone CR, non-ASCII,
    /// fences, half-typed headers): completions and code actions never panic, and their ranges
    /// and edits stay on character boundaries, in order and without overlapping.
    #[test]
    fn never_panics_and_edits_stay_well_formed() {
        let files = [
            (
                "openspec/specs/ü/spec.md",
                "\u{FEFF}# ü\r\n## Purpose\r\nÄ\r\n## Requirements\r\n### Requirement: Größe\r\nDas System SHALL.\r\n- WHEN ä\r\n- THEN ö\r\n####Scenario: ß\r\n```\r\n### Requirement: fenced\r\n",
            ),
            (
                "openspec/specs/auth/spec.md",
                "## Requirements\r### Requirement: Lone CR\rThe system SHALL x.\r#### Scenario:\r",
            ),
            (
                "openspec/changes/c/specs/ü/spec.md",
                "## MODIFIED Requirements\n### Requirement: größe\n### Requirement: Größe\n#####Scenario ä\n## ADDED Requirements\n### Requirement: Größe\n### Ä\n## REMOVED Requirements\n- `### Requirement: Größe`\n## RENAMED Requirements\n- FROM: `### Requirement: Größe`\n- FROM: `",
            ),
            ("openspec/changes/c/specs/new/spec.md", "## ADDED Requirements\n### Requirement: Ä"),
            ("openspec/changes/c/proposal.md", "## Capabilities\n### Modified Capabilities\n- `ü`: ä\n- `nope`\n- `"),
            ("openspec/changes/c/.openspec.yaml", "schema: spëc\nsk"),
            ("openspec/config.yaml", "schema: ä\nrules:\n  ä:\n    - ö\n  p"),
        ];
        let mut fixture_text = String::new();
        for (path, text) in files {
            let _ = writeln!(fixture_text, "//- /{path}\n{text}");
        }
        let (analysis, _, _) = fixture::analysis(&fixture_text);
        for (path, _) in files {
            let text = analysis.root.text(path).unwrap_or("").to_owned();
            let boundary = |offset: usize| text.is_char_boundary(offset);
            for offset in 0..=text.len() {
                let position = crate::analysis::FilePosition { path: path.to_owned(), offset };
                for item in
                    analysis.completions(&position, crate::features::completion::CompletionConfig { snippets: true })
                {
                    let range = item.replace_range;
                    assert!(range.start <= range.end && range.end <= text.len(), "{path}@{offset}: {item:?}");
                    assert!(boundary(range.start) && boundary(range.end), "{path}@{offset}: {item:?}");
                }
                for end in [offset, text.len()] {
                    let range =
                        FileRange { path: path.to_owned(), range: openspec_syntax::TextRange::new(offset, end) };
                    for action in analysis.code_actions(&range, &[], CREATE_FILES) {
                        for (edited, edits) in &action.edit.edits {
                            let edited_text = analysis.root.text(edited).unwrap_or("");
                            let mut previous_end = 0;
                            for edit in edits {
                                let range = edit.range;
                                assert!(previous_end <= range.start && range.end <= edited_text.len(), "{action:?}");
                                assert!(
                                    edited_text.is_char_boundary(range.start)
                                        && edited_text.is_char_boundary(range.end),
                                    "{action:?}"
                                );
                                previous_end = range.end;
                            }
                        }
                    }
                }
            }
        }
    }
}
