//! The rebuilt spec: the skeleton of a new capability's spec, the Purpose and structure checks,
//! and the text archive writes (the preamble, the merged blocks, the tail, line endings).

use std::borrow::Cow;
use std::collections::HashSet;

use super::merge::{BlockMap, MergeBlock, normalized_raw};
use super::{
    ArchiveProblem, ArchiveProblemKind, ArchiveRequest, ArchiveSimulation, ArchiveWarning, MIN_PURPOSE_LENGTH,
};
use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::{js_length, js_trim, js_trim_end};
use openspec_syntax::lines::{Bom, LineBreaks, normalize, split_lines};
use openspec_syntax::requirement_blocks::{DeltaKind, DeltaSpec};
use openspec_syntax::spec::{SpecDoc, StructureIssueKind, structure_issues};

/// The main spec a new capability starts from, with its Purpose warnings; MODIFIED and RENAMED
/// entries are refused (there is nothing to modify or rename).
pub(super) fn new_spec_skeleton(
    request: &ArchiveRequest<'_>,
    delta: &DeltaSpec<'_>,
    delta_purpose: Option<&PurposeBody>,
    simulation: &mut ArchiveSimulation,
) -> String {
    let spec_name = request.capability;
    let message = format!(
        "{spec_name}: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec."
    );
    let mut refused: Vec<(TextRange, DeltaKind, &str)> =
        delta.modified.iter().map(|block| (block.header_range(), DeltaKind::Modified, block.name)).collect();
    refused.extend(delta.renamed.iter().map(|pair| (pair.from.range(), DeltaKind::Renamed, pair.from.name)));
    refused.sort_by_key(|(range, _, _)| range.start);
    for (range, section, name) in refused {
        simulation.problems.push(ArchiveProblem {
            kind: ArchiveProblemKind::NoMainSpec,
            message: message.clone(),
            range,
            section: Some(section),
            name: name.to_owned(),
            base_range: None,
            near_miss: None,
        });
    }
    if let Some(first_removed) = delta.removed.first() {
        simulation.warnings.push(ArchiveWarning {
            message: format!(
                "{spec_name} - {} REMOVED requirement(s) ignored for new spec (nothing to remove).",
                delta.removed.len()
            ),
            range: Some(first_removed.range()),
            base_range: None,
        });
    }
    let placeholder = skeleton(spec_name, request.change, None);
    let Some(purpose) = delta_purpose else {
        return placeholder;
    };
    let carried = skeleton(spec_name, request.change, Some(&purpose.body));
    match readable_overview(&carried) {
        None => {
            simulation.warnings.push(ArchiveWarning {
                message: format!(
                    "{spec_name} - delta Purpose ignored (it would leave the new spec unreadable); wrote the placeholder Purpose instead."
                ),
                range: Some(purpose.header_range),
                base_range: None,
            });
            placeholder
        }
        Some(overview) => {
            if js_length(&overview) < MIN_PURPOSE_LENGTH {
                simulation.warnings.push(ArchiveWarning {
                    message: format!(
                        "{spec_name} - carried Purpose is under {MIN_PURPOSE_LENGTH} characters; openspec validate --strict reports it as too brief."
                    ),
                    range: Some(purpose.header_range),
                    base_range: None,
                });
            }
            carried
        }
    }
}

/// `buildSpecSkeleton`.
pub(super) fn skeleton(spec_name: &str, change: &str, purpose: Option<&str>) -> String {
    let purpose = purpose.map(js_trim).filter(|body| !body.is_empty()).map_or_else(
        || format!("TBD - created by archiving change {change}. Update Purpose after archive."),
        str::to_owned,
    );
    format!("# {spec_name} Specification\n\n## Purpose\n{purpose}\n\n## Requirements\n")
}

/// `readableOverview`: the Purpose the new spec would be read with, or `None` when carrying the
/// delta's Purpose over would leave a spec the readers cannot handle.
pub(super) fn readable_overview(skeleton: &str) -> Option<String> {
    if skeleton.contains("<!--") || !structure_issues(skeleton).is_empty() {
        return None;
    }
    let spec_doc = SpecDoc::parse(skeleton);
    // parseSpec throws without a Purpose or a Requirements section; then the Purpose is unusable.
    spec_doc.purpose()?;
    spec_doc.requirements_section()?;
    let overview = spec_doc.overview();
    (!overview.is_empty()).then_some(overview)
}

/// A `## Purpose` section's body (`extractPurposeSection`).
pub(super) struct PurposeBody {
    pub(super) body: String,
    pub(super) header_range: TextRange,
}

/// `extractPurposeSection`: the first `## Purpose` outside fences and HTML comments, and its
/// body up to the next `## ` line, trimmed; `None` when the body is blank once fences and
/// comments are blanked.
pub(super) fn purpose_body(text: &str) -> Option<PurposeBody> {
    // Most delta specs have no Purpose; skip the masking and fence passes for them.
    if !text.as_bytes().windows(b"purpose".len()).any(|window| window.eq_ignore_ascii_case(b"purpose")) {
        return None;
    }
    let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    let masked_text = mask_html_comments(&normalize(text, Bom::Keep));
    let masked: Vec<&str> = masked_text.split('\n').collect();
    let fenced = code_fence_mask(masked.iter().copied());
    let structural = |idx: usize| !fenced.get(idx).copied().unwrap_or(true);
    let start = (0..masked.len()).find(|&idx| structural(idx) && is_purpose_header(masked[idx]))?;
    let end =
        (start + 1..masked.len()).find(|&idx| structural(idx) && is_level2_header(masked[idx])).unwrap_or(masked.len());
    let prose: Vec<&str> = (start + 1..end).filter(|&idx| structural(idx)).map(|idx| masked[idx]).collect();
    if js_trim(&prose.join("\n")).is_empty() {
        return None;
    }
    let body_lines: Vec<&str> = lines.get(start + 1..end).unwrap_or_default().iter().map(|line| line.text).collect();
    let body = js_trim(&body_lines.join("\n")).to_owned();
    let header_range = lines.get(start)?.trimmed_range();
    (!body.is_empty()).then_some(PurposeBody { body, header_range })
}

/// `^##\s+Purpose\s*$` (case-insensitive).
pub(super) fn is_purpose_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("##") else {
        return false;
    };
    let title = openspec_syntax::js::js_trim_start(rest);
    title.len() < rest.len() && js_trim_end(title).eq_ignore_ascii_case("purpose")
}

/// `^##\s+`.
pub(super) fn is_level2_header(line: &str) -> bool {
    line.strip_prefix("##").and_then(|rest| rest.chars().next()).is_some_and(openspec_syntax::js::is_js_space)
}

/// `maskHtmlComments`: every character of `<!-- ... -->` (or `--!>`, or to the end when never
/// closed) but newlines becomes a space, so line indices stay aligned.
pub(super) fn mask_html_comments(text: &str) -> String {
    let blank = |part: &str| part.chars().map(|ch| if ch == '\n' { '\n' } else { ' ' }).collect::<String>();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        let comment = &rest[open..];
        let close = comment
            .get(4..)
            .and_then(|after| {
                let arrow = after.find("-->").map(|at| at + 3);
                let bang = after.find("--!>").map(|at| at + 4);
                match (arrow, bang) {
                    (Some(a), Some(b)) => Some(if a - 3 <= b - 4 { a } else { b }),
                    (one, other) => one.or(other),
                }
            })
            .map(|len| len + 4);
        let Some(close) = close else {
            out.push_str(&blank(comment));
            return out;
        };
        out.push_str(&blank(&comment[..close]));
        rest = &comment[close..];
    }
    out.push_str(rest);
    out
}

/// The CLI's message for one structure problem of a main spec (`findMainSpecStructureIssues`).
pub(super) fn structure_message(issue: &openspec_syntax::spec::StructureIssue<'_>) -> String {
    let header = issue.header;
    match &issue.kind {
        StructureIssueKind::DeltaHeader => format!(
            "Main spec contains delta header \"{header}\". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section."
        ),
        StructureIssueKind::RequirementOutsideRequirements => format!(
            "Requirement header \"{header}\" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive."
        ),
        StructureIssueKind::DuplicateRequirement { first_line_number, .. } => format!(
            "Requirement header \"{header}\" duplicates the requirement declared on line {first_line_number}. Requirement names must be unique so spec updates cannot discard one block while updating another."
        ),
    }
}

/// Recomposes the spec the way archive does: the text above `## Requirements`, the header,
/// the preamble and the blocks (original order, then new ones), the text after the section,
/// one blank line between the parts, runs of blank lines collapsed outside fences.
pub(super) fn rebuild(
    request: &ArchiveRequest<'_>,
    base_text: &str,
    section: &openspec_syntax::requirement_blocks::RequirementsSection<'_>,
    original: &[MergeBlock<'_>],
    map: &BlockMap<'_>,
    ordered_keys: &[Cow<'_, str>],
    simulation: &mut ArchiveSimulation,
) -> (String, usize) {
    let spec_name = request.capability;
    let join =
        |lines: &[openspec_syntax::lines::Line<'_>]| lines.iter().map(|line| line.text).collect::<Vec<_>>().join("\n");
    let (before, header_line, preamble, after) = match section.header {
        Some(header) => (join(&section.before), header.text.to_owned(), join(&section.preamble), join(&section.after)),
        // No section: archive appends one after the whole (untouched) text.
        None => (base_text.to_owned(), "## Requirements".to_owned(), String::new(), String::new()),
    };

    let mut kept: Vec<MergeBlock<'_>> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (block, key) in original.iter().zip(ordered_keys) {
        let replacement = map.get(key);
        if let Some(replacement) = &replacement {
            kept.push(replacement.clone());
            seen.insert(key);
        }
        let same = replacement
            .as_ref()
            .is_some_and(|replacement| replacement.raw.same_text(&block.raw) && replacement.name == block.name);
        if same {
            continue;
        }
        let block_raw = block.raw.text();
        let Some((heading, foreign)) = first_foreign_tail(&block_raw) else {
            continue;
        };
        let foreign = normalized_raw(&foreign);
        let keeps_tail = replacement.as_ref().is_some_and(|replacement| {
            count_occurrences(&normalized_raw(&replacement.raw.text()), &foreign)
                >= count_occurrences(&normalized_raw(&block_raw), &foreign)
        });
        if !keeps_tail {
            simulation.warnings.push(ArchiveWarning {
                message: format!(
                    "{spec_name} - \"{heading}\" sits inside requirement \"{}\" and goes with it. Move it under its own requirement, or above `## Requirements`, to keep it.",
                    block.name
                ),
                range: None,
                base_range: block.base_range,
            });
        }
    }
    for (key, block) in map.iter() {
        if !seen.contains(key.as_ref()) {
            kept.push(block);
        }
    }

    let preamble = js_trim_end(&preamble);
    let mut body_parts: Vec<&str> = Vec::new();
    if !js_trim(preamble).is_empty() {
        body_parts.push(preamble);
    }
    let kept_raws: Vec<Cow<'_, str>> = kept.iter().map(|block| block.raw.text()).collect();
    body_parts.extend(kept_raws.iter().map(AsRef::as_ref));
    let body = body_parts.join("\n\n");
    let body = js_trim_end(&body);
    let parts: Vec<&str> = [js_trim_end(&before), header_line.as_str(), body, js_trim(&after)]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    let joined = collapse_blank_runs_outside_fences(&parts.join("\n\n"));
    (format!("{}\n", js_trim_end(&joined)), kept.len())
}

/// `matchLineEnding`: the LF text archive built, written with the line ending `original` uses
/// most (CRLF wins a tie); unchanged when `original` has no line break.
pub fn match_line_ending(content: &str, original: &str) -> String {
    let crlf = original.matches("\r\n").count();
    let lf = original.matches('\n').count() - crlf;
    let normalized = content.replace("\r\n", "\n");
    if (crlf == 0 && lf == 0) || lf > crlf { normalized } else { normalized.replace('\n', "\r\n") }
}

/// `firstForeignTail`: the first unfenced `#`-`###` heading after a block's own header, and the
/// block's text from there on. It rides along with the block wherever the block goes.
pub(super) fn first_foreign_tail(raw: &str) -> Option<(String, String)> {
    let normalized = normalize(raw, Bom::Keep);
    let lines: Vec<&str> = normalized.split('\n').collect();
    let fenced = code_fence_mask(lines.iter().copied());
    (1..lines.len()).find(|&idx| !fenced[idx] && is_low_heading(lines[idx])).map(|idx| {
        let tail = lines[idx..].join("\n");
        (js_trim(lines[idx]).to_owned(), js_trim_end(&tail).to_owned())
    })
}

/// `^ {0,3}#{1,3}(?:[ \t]|$)`.
pub(super) fn is_low_heading(line: &str) -> bool {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let n_hashes = rest.bytes().take_while(|&b| b == b'#').count();
    (1..=3).contains(&n_hashes) && matches!(rest.as_bytes().get(n_hashes), None | Some(b' ' | b'\t'))
}

pub(super) fn count_occurrences(haystack: &str, needle: &str) -> usize {
    if needle.is_empty() { 0 } else { haystack.matches(needle).count() }
}

/// `collapseBlankRunsOutsideFences`: at most one empty line in a row, except inside fences.
pub(super) fn collapse_blank_runs_outside_fences(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let fenced = code_fence_mask(lines.iter().copied());
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut blank_run = 0;
    for (line, in_fence) in lines.iter().zip(fenced) {
        if !in_fence && line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        kept.push(line);
    }
    kept.join("\n")
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::check;

    #[test]
    fn new_capability_refuses_modified_and_carries_purpose() {
        check(
            None,
            "## Purpose\nShort.\n\n## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- x\n## MODIFIED Requirements\n### Requirement: B\nIt SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n### Requirement: C\n",
            &expect![[r####"
                problem NoMainSpec at "### Requirement: B"
                  auth: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.
                warning at Some("### Requirement: C")
                  auth - 1 REMOVED requirement(s) ignored for new spec (nothing to remove).
                warning at Some("## Purpose")
                  auth - carried Purpose is under 50 characters; openspec validate --strict reports it as too brief.
                counts ApplyCounts { added: 1, modified: 0, removed: 0, renamed: 0 } new=true
                ---
                # auth Specification

                ## Purpose
                Short.

                ## Requirements

                ### Requirement: A
                It SHALL.
                #### Scenario: s
                - x
            "####]],
        );
        check(
            None,
            "## Purpose\n<!-- fill me -->\n## ADDED Requirements\n### Requirement: A\nIt SHALL.\n#### Scenario: s\n- x\n",
            &expect![[r#"
                counts ApplyCounts { added: 1, modified: 0, removed: 0, renamed: 0 } new=true
                ---
                # auth Specification

                ## Purpose
                TBD - created by archiving change add-x. Update Purpose after archive.

                ## Requirements

                ### Requirement: A
                It SHALL.
                #### Scenario: s
                - x
            "#]],
        );
    }

    #[test]
    fn structurally_invalid_main_spec_and_foreign_tails() {
        check(
            Some(
                "## Purpose\nP\n### Requirement: Stray\n## Requirements\n### Requirement: A\nA SHALL.\n#### Scenario: s\n- x\n## Notes\n",
            ),
            "## ADDED Requirements\n### Requirement: B\nIt SHALL.\n#### Scenario: s\n- x\n",
            &expect![[r####"
                problem MainSpecStructure at "## ADDED Requirements" base="### Requirement: Stray"
                  auth: target spec is structurally invalid and cannot be updated until fixed:
                line 3: Requirement header "### Requirement: Stray" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.
                counts ApplyCounts { added: 1, modified: 0, removed: 0, renamed: 0 } new=false
                ---
                ## Purpose
                P
                ### Requirement: Stray

                ## Requirements

                ### Requirement: A
                A SHALL.
                #### Scenario: s
                - x

                ### Requirement: B
                It SHALL.
                #### Scenario: s
                - x

                ## Notes
            "####]],
        );
        check(
            Some(
                "## Purpose\nP\n\n## Requirements\n### Requirement: A\nA SHALL.\n#### Scenario: s\n- x\n\n### Notes\nkeep me\n",
            ),
            "## MODIFIED Requirements\n### Requirement: A\nA SHALL change.\n#### Scenario: s\n- y\n",
            &expect![[r####"
                warning at None
                  auth - "### Notes" sits inside requirement "A" and goes with it. Move it under its own requirement, or above `## Requirements`, to keep it.
                counts ApplyCounts { added: 0, modified: 1, removed: 0, renamed: 0 } new=false
                ---
                ## Purpose
                P

                ## Requirements

                ### Requirement: A
                A SHALL change.
                #### Scenario: s
                - y
            "####]],
        );
    }
}
