//! Review criteria as policy: opt-in rules on the quality of what a change proposes (weak
//! modal verbs, vague terms, scenarios without WHEN/THEN, MODIFIED blocks that change nothing,
//! a wide change without a design, a proposal without Impact, tasks without a test task). They
//! run only for a root whose `openspec-lsp.toml` enables them (`"review/*"` or a rule's code)
//! and report at the level the policy gives; they never touch a CLI verdict by themselves
//! (like every `openspec-lsp` finding, they count only under `--all-rules`). Pure: reads the
//! snapshot, writes nothing but diagnostics.

mod design_missing;
mod impact_missing;
pub(crate) mod scenario_missing_step;
mod test_task_missing;
mod unchanged_modified;
mod vague_term;
mod weak_modal;

use std::collections::BTreeSet;

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::lines::Line;
use openspec_syntax::requirement_blocks::{RequirementBlock, extract_requirements_section};

use crate::diagnostic::{Diagnostic, ItemId, Severity};
use crate::policy::{Level, Policy};
use crate::rules::Pass;
use crate::rules::delta::ChangeDeltas;
use crate::vfs::RootSnapshot;

pub(crate) use crate::review_settings::{REVIEW_CODES as CODES, ReviewSettings};
pub(crate) use design_missing::CODE as DESIGN_MISSING;
pub(crate) use impact_missing::CODE as IMPACT_MISSING;
pub(crate) use scenario_missing_step::CODE as SCENARIO_MISSING_STEP;
pub(crate) use test_task_missing::CODE as TEST_TASK_MISSING;
pub(crate) use weak_modal::CODE as WEAK_MODAL;

/// The review rules a root's policy enables, and their settings.
#[derive(Clone, Debug)]
pub(crate) struct ReviewConfig {
    enabled: BTreeSet<&'static str>,
    pub settings: ReviewSettings,
    /// Every vague term at once (longest first), so a line is scanned once, not once a term.
    vague_terms: Option<regex::Regex>,
}

impl ReviewConfig {
    /// The root's review configuration; `None` when its policy enables no review rule (the
    /// default), so nothing of this module runs.
    pub fn read(root: &RootSnapshot) -> Option<ReviewConfig> {
        let (policy, _) = Policy::read(root);
        ReviewConfig::of(&policy)
    }

    /// Whether the root's policy enables any review rule (what `read` answers, without
    /// preparing the rules).
    pub fn any_enabled(root: &RootSnapshot) -> bool {
        let (policy, _) = Policy::read(root);
        !enabled_by(&policy).is_empty()
    }

    pub fn of(policy: &Policy) -> Option<ReviewConfig> {
        let enabled = enabled_by(policy);
        if enabled.is_empty() {
            return None;
        }
        let mut terms: Vec<&str> = policy.review.vague_terms.iter().map(String::as_str).collect();
        terms.sort_by_key(|term| std::cmp::Reverse(term.len()));
        let pattern = terms.iter().map(|term| regex::escape(term)).collect::<Vec<_>>().join("|");
        // Escaped literals always compile; a list too large for the size limit leaves the rule
        // without terms rather than failing.
        let vague_terms = (enabled.contains(vague_term::CODE) && !terms.is_empty())
            .then(|| regex::RegexBuilder::new(&pattern).case_insensitive(true).build().ok())
            .flatten();
        Some(ReviewConfig { enabled, settings: policy.review.clone(), vague_terms })
    }

    pub fn enables(&self, code: &str) -> bool {
        self.enabled.contains(code)
    }
}

fn enabled_by(policy: &Policy) -> BTreeSet<&'static str> {
    CODES.iter().copied().filter(|code| matches!(policy.level(code), Some(Level::Set(_)))).collect()
}

/// Where a review finding goes and what it counts toward.
pub(crate) struct Site<'a> {
    pub item: &'a ItemId,
    pub path: &'a str,
    pub config: &'a ReviewConfig,
}

impl Site<'_> {
    /// A finding of review rule `code`; its level is the policy's (applied after every rule).
    fn finding(&self, code: &'static str, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic::lsp(Some(self.item), code, Severity::Warning, self.path, range, message)
    }
}

/// The requirement-level rules over one requirement block (of a main spec, or an ADDED or
/// MODIFIED block of a delta spec).
fn check_requirement(site: &Site<'_>, block: &RequirementBlock<'_>, acc: &mut Vec<Diagnostic>) {
    if site.config.enables(weak_modal::CODE) {
        weak_modal::check(site, block, acc);
    }
    if site.config.enables(scenario_missing_step::CODE) {
        scenario_missing_step::check(site, block, acc);
    }
    if site.config.enables(vague_term::CODE) {
        vague_term::check(site, block, acc);
    }
}

/// The review rules of one main spec (by capability id).
pub(crate) fn check_spec(root: &RootSnapshot, spec_id: &str, config: &ReviewConfig, acc: &mut Vec<Diagnostic>) {
    let path = crate::layout::main_spec_path(spec_id);
    let Some(text) = root.text(&path) else { return };
    let item = ItemId::spec(spec_id);
    let site = Site { item: &item, path: &path, config };
    for block in &extract_requirements_section(text).blocks {
        check_requirement(&site, block, acc);
    }
}

/// The review rules of one active change: its ADDED and MODIFIED requirements, MODIFIED
/// blocks against the main spec, and its proposal, design and tasks.
pub(crate) fn check_change(pass: &Pass<'_>, change_id: &str, config: &ReviewConfig, acc: &mut Vec<Diagnostic>) {
    let Some(change_id) = pass.layout.change_id(change_id) else { return };
    if pass.layout.nested.contains(change_id) {
        return;
    }
    let change = ChangeDeltas::load(pass, change_id);
    let item = ItemId::change(change_id);
    for file in &change.files {
        let site = Site { item: &item, path: file.path, config };
        for block in file.delta.added.iter().chain(&file.delta.modified) {
            check_requirement(&site, block, acc);
        }
        if config.enables(unchanged_modified::CODE) {
            unchanged_modified::check(&site, file, pass.bases, acc);
        }
    }
    if config.enables(design_missing::CODE) {
        design_missing::check(&change, config, acc);
    }
    if config.enables(impact_missing::CODE) {
        impact_missing::check(&change, config, acc);
    }
    if config.enables(test_task_missing::CODE) {
        test_task_missing::check(&change, config, acc);
    }
}

/// The review findings on `path` alone, for the quick fixes: the findings of the unit that
/// owns `path` (a main spec's or a change's), filtered to that file. Empty when the root's
/// policy enables no review rule.
pub(crate) fn findings_on(root: &RootSnapshot, path: &str) -> Vec<Diagnostic> {
    let Some(config) = ReviewConfig::read(root) else { return Vec::new() };
    let layout = crate::rules::Layout::read(root);
    let bases = crate::rules::BaseViews::new(root);
    let pass = Pass::new(root, &layout, &bases);
    let mut found = Vec::new();
    if let Some(spec) = layout.main_specs.iter().find(|spec| spec.path == path) {
        check_spec(root, &spec.id, &config, &mut found);
    } else if let Some(change_id) = path
        .strip_prefix(crate::layout::CHANGES_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.split_once('/'))
        .map(|(change_id, _)| change_id)
    {
        check_change(&pass, change_id, &config, &mut found);
    }
    found.retain(|diagnostic| diagnostic.path == path);
    found
}

/// Each body line of a block outside code fences, with whether it is a header.
fn unfenced_lines<'a, 'l>(lines: &'l [Line<'a>]) -> impl Iterator<Item = &'l Line<'a>> + 'l {
    let mask = code_fence_mask(lines.iter().map(|line| line.text));
    lines.iter().zip(mask).filter(|(_, fenced)| !fenced).map(|(line, _)| line)
}

/// Whether `bytes[at]` continues a word (ASCII letter, digit, `_` or `-`), so a term that
/// starts or ends with a letter must not touch it there.
fn is_word_byte(bytes: &[u8], at: Option<usize>) -> bool {
    at.and_then(|idx| bytes.get(idx)).is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'_' || *byte == b'-')
}

/// One line prepared for term searches: lowercased once (ASCII only, so offsets stay those of
/// the line) with its inline code spans, so many terms are looked up cheaply.
struct Haystack<'a> {
    text: &'a str,
    lower: String,
    /// Byte ranges from an opening backtick to its closing one (or the end of the line).
    code: Vec<(usize, usize)>,
}

impl<'a> Haystack<'a> {
    fn new(text: &'a str) -> Haystack<'a> {
        let mut code = Vec::new();
        let mut open = None;
        for (at, byte) in text.bytes().enumerate() {
            if byte == b'`' {
                match open.take() {
                    Some(start) => code.push((start, at + 1)),
                    None => open = Some(at),
                }
            }
        }
        if let Some(start) = open {
            code.push((start, text.len()));
        }
        Haystack { text, lower: text.to_ascii_lowercase(), code }
    }

    /// Every occurrence of `term` (ASCII case-insensitive) that stands as whole words: where the
    /// term starts or ends with a letter or digit, the neighbouring byte is no word byte.
    /// Occurrences inside inline code are skipped. Byte offsets.
    fn find(&self, term: &str) -> Vec<usize> {
        let needle = term.to_ascii_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        self.lower
            .match_indices(needle.as_str())
            .map(|(at, _)| at)
            .filter(|&at| self.stands_alone(at, at + needle.len()))
            .collect()
    }

    /// Whether `at..end` stands as whole words outside inline code: where it starts or ends
    /// with a letter or digit, the neighbouring byte is no word byte.
    fn stands_alone(&self, at: usize, end: usize) -> bool {
        let bytes = self.text.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.get(at), end.checked_sub(1).and_then(|idx| bytes.get(idx))) else {
            return false;
        };
        let starts_clean = !first.is_ascii_alphanumeric() || !is_word_byte(bytes, at.checked_sub(1));
        let ends_clean = !last.is_ascii_alphanumeric() || !is_word_byte(bytes, Some(end));
        let in_code = self.code.iter().any(|&(start, stop)| start <= at && at < stop);
        starts_clean && ends_clean && !in_code && at < end
    }
}

/// `Haystack::find` over one piece of text.
fn find_term(text: &str, term: &str) -> Vec<usize> {
    Haystack::new(text).find(term)
}

#[cfg(test)]
pub(crate) mod test_helpers {
    //! Fixture helper shared by the review rules' tests.

    use crate::test_support::{render, snapshot};

    /// Runs every rule and the policy over `fixture` and renders the findings of `codes`.
    pub fn check_codes(fixture: &str, codes: &[&str]) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let report = crate::check_root(&snapshot(&fixture), &crate::CheckConfig::default());
        let kept: Vec<_> = report.diagnostics.into_iter().filter(|d| codes.contains(&d.code)).collect();
        render(&fixture, &kept)
    }

    /// A policy enabling `code` at warning level.
    pub fn enabling(code: &str) -> String {
        format!("//- /openspec-lsp.toml\n[severity]\n\"{code}\" = \"warning\"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::find_term;

    #[test]
    fn every_rule_code_is_listed_for_the_policy() {
        let rules = [
            super::weak_modal::CODE,
            super::scenario_missing_step::CODE,
            super::unchanged_modified::CODE,
            super::vague_term::CODE,
            super::design_missing::CODE,
            super::impact_missing::CODE,
            super::test_task_missing::CODE,
        ];
        assert_eq!(super::CODES, rules.as_slice());
    }

    #[test]
    fn terms_match_whole_words_outside_inline_code() {
        assert_eq!(find_term("Fast, faster, breakfast, FAST.", "fast"), vec![0, 25]);
        assert_eq!(find_term("a, b etc. and `etc.` or etc", "etc."), vec![5]);
        assert_eq!(find_term("read and/or write", "and/or"), vec![5]);
        assert_eq!(find_term("as-needed as needed", "as needed"), vec![10]);
        assert_eq!(find_term("ünicode fast", "fast"), vec![9]);
        assert_eq!(find_term("", ""), Vec::<usize>::new());
    }
}

#[cfg(test)]
mod policy_tests {
    use expect_test::expect;

    use crate::incremental::{Changed, IncrementalCheck};
    use crate::test_support::{render, snapshot};

    const CHANGE: &str = "//- /openspec/changes/c/proposal.md\n# Change: C\n## Why\nThe system needs receipts so that auditors can trace every sale.\n## What Changes\n- Receipts\n//- /openspec/changes/c/tasks.md\n## 1. Build\n- [ ] 1.1 Write code\n//- /openspec/changes/c/specs/sales/spec.md\n## ADDED Requirements\n### Requirement: Receipt\nThe system should email a receipt as needed.\n\n#### Scenario: Sale\n- **WHEN** a sale completes\n";

    fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let report = crate::check_root(&snapshot(&fixture), &crate::CheckConfig::default());
        let review: Vec<_> = report
            .diagnostics
            .into_iter()
            .filter(|d| d.code.starts_with("review/") || d.code.starts_with("policy/"))
            .collect();
        render(&fixture, &review)
    }

    #[test]
    fn off_by_default_on_when_enabled_at_the_policy_level() {
        expect![[""]].assert_eq(&check(CHANGE));
        expect![[r#"
            //- /openspec/changes/c/proposal.md
            # Change: C
            ^^^^^^^^^^^ info[review/impact-missing] (openspec-lsp): The proposal has no `## Impact` section: list the specs, code, APIs and systems this change affects, so reviewers see its reach.
            ## Why
            The system needs receipts so that auditors can trace every sale.
            ## What Changes
            - Receipts
            //- /openspec/changes/c/tasks.md
            ## 1. Build
            ^^^^^^^^^^^ info[review/test-task-missing] (openspec-lsp): None of this change's tasks (1) is about tests: add one that writes or runs the tests for this change's scenarios.
            - [ ] 1.1 Write code
            //- /openspec/changes/c/specs/sales/spec.md
            ## ADDED Requirements
            ### Requirement: Receipt
            The system should email a receipt as needed.
                       ^^^^^^ error[review/weak-modal] (openspec-lsp): Weak modal "should" in the normative sentence of requirement "Receipt": a reviewer cannot tell whether it is required. Use SHALL or MUST, or move the optional behaviour into a requirement of its own.

            #### Scenario: Sale
            ^^^^^^^^^^^^^^^^^^^ info[review/scenario-missing-step] (openspec-lsp): Scenario "Sale" of requirement "Receipt" has no THEN step: a scenario states a trigger (`- **WHEN** ...`) and the outcome to check (`- **THEN** ...`).
            - **WHEN** a sale completes
            //- /openspec-lsp.toml
            [severity]
            "review/*" = "info"
            "review/weak-modal" = "error"
            "review/vague-term" = "off"
            "review/typo" = "hint"
            ^^^^^^^^^^^^^ warning[policy/unknown-rule] (openspec-lsp): `review/typo` names no review rule; they are review/weak-modal, review/scenario-missing-step, review/unchanged-modified, review/vague-term, review/design-missing, review/impact-missing, review/test-task-missing.
        "#]].assert_eq(&check(&format!(
            "{CHANGE}//- /openspec-lsp.toml\n[severity]\n\"review/*\" = \"info\"\n\"review/weak-modal\" = \"error\"\n\"review/vague-term\" = \"off\"\n\"review/typo\" = \"hint\"\n"
        )));
    }

    #[test]
    fn review_settings_are_checked() {
        expect![[r#"
            //- /openspec-lsp.toml
            [severity]
            "review/*" = "hint"
            [review]
            weak-modals = "should"
            ^^^^^^^^^^^ error[policy/invalid] (openspec-lsp): `weak-modals` must be a list of non-empty strings, e.g. `weak-modals = ["should", "may"]`.
            vague-terms = ["fast", 3]
            ^^^^^^^^^^^ error[policy/invalid] (openspec-lsp): `vague-terms` must be a list of non-empty strings, e.g. `vague-terms = ["fast", "etc."]`.
            max-capabilities-without-design = -1
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[policy/invalid] (openspec-lsp): `max-capabilities-without-design` must be a whole number of at least 0, e.g. `3`.
            colour = "red"
            ^^^^^^ error[policy/invalid] (openspec-lsp): Unknown review setting `colour`; the `[review]` table has `weak-modals`, `vague-terms` and `max-capabilities-without-design`.
        "#]].assert_eq(&check(
            "//- /openspec-lsp.toml\n[severity]\n\"review/*\" = \"hint\"\n[review]\nweak-modals = \"should\"\nvague-terms = [\"fast\", 3]\nmax-capabilities-without-design = -1\ncolour = \"red\"\n",
        ));
    }

    #[test]
    fn incremental_updates_match_a_full_check() {
        let fixture = test_utils::Fixture::parse(&format!(
            "{CHANGE}//- /openspec/specs/sales/spec.md\n## Purpose\nSales.\n\n## Requirements\n### Requirement: Refund\nThe system SHALL refund.\n\n#### Scenario: r\n- **WHEN** x\n- **THEN** y\n//- /openspec-lsp.toml\n[severity]\n\"review/*\" = \"warning\"\n"
        ));
        let mut root = snapshot(&fixture);
        let mut incremental = IncrementalCheck::new(root.clone());
        for (path, text) in [
            ("openspec/changes/c/tasks.md", "## 1. Build\n- [ ] 1.1 Write tests\n"),
            (
                "openspec/specs/sales/spec.md",
                "## Purpose\nSales.\n\n## Requirements\n### Requirement: Refund\nThe system may refund.\n\n#### Scenario: r\n- **THEN** y\n",
            ),
            (
                "openspec/changes/c/specs/sales/spec.md",
                "## MODIFIED Requirements\n### Requirement: Refund\nThe system may refund.\n\n#### Scenario: r\n- **THEN** y\n",
            ),
        ] {
            root.insert_file(path, text);
            incremental.update(root.clone(), &Changed::Paths([path.to_owned()].into_iter().collect()));
            let full = crate::check_root(&root, &crate::CheckConfig::default()).diagnostics;
            assert_eq!(incremental.diagnostics(), full.as_slice(), "after editing {path}");
            assert!(full.iter().any(|d| d.code.starts_with("review/")), "review rules ran after editing {path}");
        }
    }
}
