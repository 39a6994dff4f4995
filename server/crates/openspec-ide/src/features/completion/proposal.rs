//! Completion in a proposal: its sections and capability paths in the capability lists.

use std::sync::LazyLock;

use openspec_syntax::TextRange;
use openspec_syntax::js::js_trim;
use openspec_syntax::lines::{Bom, LineBreaks, split_lines};
use regex::Regex;

use super::markdown::{LineTemplate, MarkdownCursor, line_templates};
use super::{CompletionItem, CompletionKind, snippet_escape};
use crate::index::{ChangeInfo, WorkspaceIndex};
use crate::layout;

/// ``- `<path>` `` bullets: a capability path is being typed in the backticks (or in their place).
pub(super) static CAPABILITY_BULLET_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t]*[-*+][ \t]+(`?)([^`]*)$").expect("capability bullet pattern compiles"));

pub(super) fn proposal_completions(
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    change: &ChangeInfo,
) -> Vec<CompletionItem> {
    let nl = cursor.newline;
    if cursor.in_section("Capabilities")
        && let Some(captures) = CAPABILITY_BULLET_PREFIX.captures(cursor.prefix)
    {
        return capability_completions(index, cursor, change, &captures);
    }
    let mut templates = Vec::new();
    if cursor.in_section("Capabilities") {
        let subsections = [
            (
                "### New Capabilities",
                "Capabilities this change introduces: each gets a new `specs/<capability>/spec.md`.",
            ),
            (
                "### Modified Capabilities",
                "Existing capabilities whose requirements change: use the exact path under `openspec/specs/`.",
            ),
        ];
        let existing = split_lines(cursor.text, Bom::Strip, LineBreaks::Any);
        for (title, documentation) in subsections {
            let present = existing
                .iter()
                .any(|line| line.start != cursor.line.start && js_trim(line.text).eq_ignore_ascii_case(title));
            if !present {
                let mut template =
                    LineTemplate::header(title, CompletionKind::Section, "capability list", documentation, nl);
                template.snippet = format!("{title}{nl}- `$1`: ${{2:description}}$0");
                "1".clone_into(&mut template.sort);
                templates.push(template);
            }
        }
    }
    let sections = [
        ("Why", "The problem or opportunity, in a sentence or two: why this change, and why now."),
        ("What Changes", "A bullet list of the changes; mark breaking ones with **BREAKING**."),
        ("Capabilities", "The capabilities this change creates or modifies; each needs a delta spec in `specs/`."),
        ("Impact", "Affected code, APIs, dependencies and systems."),
    ];
    for (title, documentation) in sections {
        if !cursor.has_h2(title) {
            let mut template = LineTemplate::header(
                &format!("## {title}"),
                CompletionKind::Section,
                "proposal section",
                documentation,
                nl,
            );
            if title == "Capabilities" {
                template.snippet = format!(
                    "## Capabilities{nl}{nl}### New Capabilities{nl}- `$1`: ${{2:description}}{nl}{nl}### Modified Capabilities{nl}$0"
                );
            }
            templates.push(template);
        }
    }
    line_templates(cursor, templates)
}

pub(super) fn capability_completions(
    index: &WorkspaceIndex,
    cursor: &MarkdownCursor<'_>,
    change: &ChangeInfo,
    captures: &regex::Captures<'_>,
) -> Vec<CompletionItem> {
    let Some(backtick) = captures.get(1) else {
        return Vec::new();
    };
    let opened = !backtick.as_str().is_empty();
    let start = cursor.line.start + backtick.start();
    // The path token ends at its closing backtick, or where the typed word ends.
    let end = if opened {
        cursor.suffix.find('`').map_or_else(|| cursor.word_end(), |at| cursor.offset + at + 1)
    } else {
        cursor.word_end()
    };
    let after_token = cursor.line.text.get(end - cursor.line.start..).unwrap_or("");
    let describe = js_trim(after_token).is_empty();
    let kind = cursor.subsection.map(str::to_lowercase);
    let (offer_specs, offer_deltas) = match kind.as_deref() {
        Some("new capabilities") => (false, true),
        Some("modified capabilities") => (true, false),
        _ => (true, true),
    };
    let listed: Vec<&str> = change
        .proposal
        .iter()
        .flat_map(|proposal| &proposal.capabilities)
        .filter(|mention| !cursor.line.range().touches(mention.line_range.start))
        .map(|mention| mention.capability.as_str())
        .collect();
    let mut candidates: Vec<(String, String, Option<String>)> = Vec::new();
    if offer_deltas {
        for delta in &change.deltas {
            if index.spec(&delta.capability).is_none() {
                candidates.push((delta.capability.clone(), "new: delta spec in this change".to_owned(), None));
            }
        }
    }
    if offer_specs {
        for spec in &index.specs {
            let purpose = (!spec.purpose.is_empty()).then(|| spec.purpose.clone());
            let detail = if change.delta(&spec.capability).is_some() {
                "main spec, delta spec in this change"
            } else {
                "main spec"
            };
            candidates.push((spec.capability.clone(), detail.to_owned(), purpose));
        }
    }
    let mut items = Vec::new();
    for (capability, detail, purpose) in candidates {
        if listed.contains(&capability.as_str()) || items.iter().any(|item: &CompletionItem| item.label == capability) {
            continue;
        }
        let (insert_text, is_snippet) = if describe {
            (format!("`{}`: ${{1:description}}", snippet_escape(&capability)), true)
        } else {
            (format!("`{capability}`"), false)
        };
        let filter_text = if opened { format!("`{capability}") } else { capability.clone() };
        let documentation = purpose.map_or_else(
            || format!("`{}`", layout::main_spec_path(&capability)),
            |purpose| format!("`{}`\n\n{purpose}", layout::main_spec_path(&capability)),
        );
        items.push(CompletionItem {
            label: capability,
            kind: CompletionKind::Capability,
            detail: Some(detail),
            documentation: Some(documentation),
            insert_text,
            is_snippet,
            replace_range: TextRange::new(start, end.max(cursor.offset)),
            filter_text: Some(filter_text),
            sort_text: Some(format!("{:05}", items.len())),
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn proposal_sections_and_capabilities() {
        let workspace = format!(
            "{BASE}//- /openspec/specs/billing/spec.md\n## Purpose\nBill.\n//- /openspec/changes/c/specs/two-factor/spec.md\n## ADDED Requirements\n//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n"
        );
        check(
            &format!("{workspace}//- /openspec/changes/c/proposal.md\n## Why\nBecause.\n\n## $0\n"),
            &expect![[r#"
                section ## What Changes (proposal section)
                section ## Capabilities (proposal section)
                section ## Impact (proposal section)
            "#]],
        );
        check(
            &format!("{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n### New Capabilities\n- $0\n"),
            &expect![[r#"
                capability two-factor (new: delta spec in this change)
            "#]],
        );
        check(
            &format!(
                "{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n### Modified Capabilities\n- `billing`: x\n- `$0\n"
            ),
            &expect![[r#"
                capability auth (main spec, delta spec in this change)
            "#]],
        );
        check_insert(
            &format!(
                "{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n### Modified Capabilities\n- `au$0`\n"
            ),
            "auth",
            0,
            &expect![[r#"
                auth (snippet)
                ## Capabilities
                ### Modified Capabilities
                - `auth`: ${1:description}
            "#]],
        );
        check_insert(
            &format!("{workspace}//- /openspec/changes/c/proposal.md\n## Capabilities\n- `au$0`: already described\n"),
            "auth",
            0,
            &expect![[r#"
                auth (snippet)
                ## Capabilities
                - `auth`: already described
            "#]],
        );
    }

    #[test]
    fn proposal_capability_lists() {
        check(
            "//- /openspec/changes/c/proposal.md\n## Why\nx\n## Capabilities\n### New Capabilities\n- `a`: b\n\n###$0\n",
            &expect![[r#"
                section ### Modified Capabilities (capability list)
            "#]],
        );
        check_insert(
            "//- /openspec/changes/c/proposal.md\r\n## Why\r\nx\r\n## Capabilities\r\n$0\r\n",
            "### New Capabilities",
            0,
            &expect![[r#"
                ### New Capabilities (snippet)
                ## Why␍
                x␍
                ## Capabilities␍
                ### New Capabilities␍
                - `$1`: ${2:description}$0␍
            "#]],
        );
    }
}
