//! `contentTheMergeCannotName` (`core/specs-apply.js`): the non-blank lines of a main spec that
//! a capability retirement could not name (anything but the title, the Purpose section, the
//! `## Requirements` header and each requirement's own header, statement and scenario bullets).
//! Archive refuses to delete a spec holding any of them. Pure: a parsed section in, lines out.

use std::sync::LazyLock;

use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::{JS_SPACE_CLASS, js_trim, js_trim_end};
use openspec_syntax::lines::{Bom, normalize};
use openspec_syntax::requirement_blocks::RequirementsSection;
use regex::Regex;

use super::first_foreign_tail;

/// A pattern of this file with JS `\s` spelled out.
fn regex(pattern: &str) -> Regex {
    Regex::new(&pattern.replace("\\s", JS_SPACE_CLASS)).expect("retirement audit pattern compiles")
}

/// `^ {0,3}##\s+(.+?)\s*$`.
static SECTION: LazyLock<Regex> = LazyLock::new(|| regex(r"^ {0,3}##\s+([^\n\r\x{2028}\x{2029}]+?)\s*$"));
/// `^ {0,3}(=+|-+)\s*$`: a setext underline.
static SETEXT: LazyLock<Regex> = LazyLock::new(|| regex(r"^ {0,3}(?:=+|-+)\s*$"));
/// `^ {0,3}<h[1-6]\b` (case-insensitive).
static HTML_HEADING: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^ {0,3}<h[1-6]\b"));
/// `^ {0,3}#\s+.+$`: a title.
static TITLE: LazyLock<Regex> = LazyLock::new(|| regex(r"^ {0,3}#\s+[^\n\r\x{2028}\x{2029}]+$"));
/// `INTERRUPTS_PARAGRAPH`.
static INTERRUPTS_PARAGRAPH: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^ {0,3}(?:>|(?:[-*_][ \t]*){3,}$|(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)|[<|])"));
/// `LIST_ITEM`.
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| regex(r"^(\s*(?:[-*+]|[0-9]{1,9}[.)])\s+)"));
/// `isHeadingLine`, ATX half.
static ATX_HEADING: LazyLock<Regex> = LazyLock::new(|| regex(r"^ {0,3}#{1,6}(?:[ \t]|$)"));
/// `isHeadingLine`, HTML half.
static HTML_HEADING_ANY_INDENT: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^\s*<h[1-6]\b"));
/// `^ {0,3}####\s+Scenario:` (case-insensitive).
static SCENARIO: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^ {0,3}####\s+Scenario:"));
/// `^\s*[|<]`.
static TABLE_OR_HTML: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*[|<]"));

/// `/^purpose$/i` on a trimmed section title.
fn is_purpose_title(title: &str) -> bool {
    js_trim(title).eq_ignore_ascii_case("purpose")
}

/// `contentColumn`: tabs expand to a four-column stop.
fn content_column(prefix: &str) -> usize {
    prefix.chars().fold(0, |column, ch| if ch == '\t' { column + 4 - column % 4 } else { column + 1 })
}

/// `dropIndent`.
fn drop_indent(line: &str, columns: usize) -> &str {
    let mut column = 0;
    for (idx, ch) in line.char_indices() {
        if column >= columns {
            return &line[idx..];
        }
        match ch {
            ' ' => column += 1,
            '\t' => column += 4 - column % 4,
            _ => return &line[idx..],
        }
    }
    ""
}

fn is_heading_line(line: &str) -> bool {
    ATX_HEADING.is_match(line) || HTML_HEADING_ANY_INDENT.is_match(line)
}

/// The leading run of spaces and tabs (`/^[ \t]*/`).
fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The lines a retirement would delete without naming them, trimmed, first occurrence only.
/// `text` is the main spec the section was read from.
pub(crate) fn content_the_merge_cannot_name(section: &RequirementsSection<'_>, text: &str) -> Vec<String> {
    let mut leftovers: Vec<String> = Vec::new();
    let mut push = |line: &str| {
        let line = js_trim(line).to_owned();
        if !leftovers.contains(&line) {
            leftovers.push(line);
        }
    };
    let join =
        |lines: &[openspec_syntax::lines::Line<'_>]| lines.iter().map(|line| line.text).collect::<Vec<_>>().join("\n");
    let before = if section.header.is_some() {
        join(&section.before)
    } else {
        let trimmed = js_trim_end(text);
        if trimmed.is_empty() { String::new() } else { format!("{trimmed}\n\n") }
    };
    let before = normalize(&before, Bom::Strip);
    let before_lines: Vec<&str> = before.split('\n').collect();
    let before_mask = code_fence_mask(before_lines.iter().copied());
    let mut in_purpose = false;
    let mut title_seen = false;
    let mut previous_line = "";
    for (idx, &line) in before_lines.iter().enumerate() {
        if js_trim(line).is_empty() {
            previous_line = "";
            continue;
        }
        if !before_mask[idx] {
            if let Some(captures) = SECTION.captures(line) {
                in_purpose = captures.get(1).is_some_and(|title| is_purpose_title(title.as_str()));
                if !in_purpose {
                    push(line);
                }
                previous_line = line;
                continue;
            }
            let setext = in_purpose && !js_trim(previous_line).is_empty() && SETEXT.is_match(line);
            if setext || HTML_HEADING.is_match(line) {
                push(if setext { previous_line } else { line });
                in_purpose = false;
                previous_line = line;
                continue;
            }
            if TITLE.is_match(line) {
                if !title_seen && !in_purpose {
                    title_seen = true;
                } else {
                    push(line);
                    in_purpose = false;
                }
                previous_line = line;
                continue;
            }
        }
        previous_line = line;
        if !in_purpose {
            push(line);
        }
    }

    if section.header.is_some() {
        let preamble = join(&section.preamble);
        for line in js_trim_end(&preamble).split('\n').chain(join(&section.after).split('\n')) {
            if !js_trim(line).is_empty() {
                push(line);
            }
        }
    }

    for block in &section.blocks {
        let raw = block.raw();
        if let Some((heading, _)) = first_foreign_tail(&raw) {
            push(&heading);
        }
        block_leftovers(&raw, &mut push);
    }
    leftovers
}

/// The lines of one requirement block that are not its own header, statement or scenarios.
fn block_leftovers(raw: &str, push: &mut impl FnMut(&str)) {
    let normalized = normalize(raw, Bom::Keep);
    let lines: Vec<&str> = normalized.split('\n').collect();
    let mask = code_fence_mask(lines.iter().copied());
    let mut seen_scenario = false;
    let mut in_scenario_bullets = false;
    let mut bullets_seen = false;
    let mut list_content_indent: Option<usize> = None;
    let mut paragraph_open = false;
    for (idx, &line) in lines.iter().enumerate() {
        if js_trim(line).is_empty() {
            if bullets_seen {
                in_scenario_bullets = false;
            }
            list_content_indent = None;
            paragraph_open = false;
            continue;
        }
        if idx == 0 {
            continue;
        }
        let indent = content_column(indent_of(line));
        let inside_item = list_content_indent.is_some_and(|column| indent >= column);
        let within_item = match list_content_indent {
            Some(column) if inside_item => drop_indent(line, column),
            _ => line,
        };
        let lazily_continues_bullet =
            paragraph_open && in_scenario_bullets && !INTERRUPTS_PARAGRAPH.is_match(within_item);
        let continues_list_item = (inside_item || lazily_continues_bullet) && !is_heading_line(within_item);
        if mask[idx] {
            if !inside_item {
                list_content_indent = None;
            }
            paragraph_open = false;
            continue;
        }
        if idx > 1 && SETEXT.is_match(within_item) && !js_trim(lines[idx - 1]).is_empty() {
            push(lines[idx - 1]);
            list_content_indent = None;
            paragraph_open = false;
            continue;
        }
        if continues_list_item {
            paragraph_open = !INTERRUPTS_PARAGRAPH.is_match(within_item);
            continue;
        }
        let bullet = LIST_ITEM.captures(line).and_then(|captures| captures.get(1));
        list_content_indent = bullet.map(|marker| content_column(marker.as_str()));
        paragraph_open = bullet.is_some();
        if SCENARIO.is_match(line) {
            seen_scenario = true;
            in_scenario_bullets = true;
            bullets_seen = false;
            continue;
        }
        if bullet.is_some() {
            if in_scenario_bullets {
                bullets_seen = true;
                continue;
            }
            if !seen_scenario {
                continue;
            }
            push(line);
            continue;
        }
        if !seen_scenario && !TABLE_OR_HTML.is_match(line) {
            continue;
        }
        push(line);
    }
}

#[cfg(test)]
mod tests {
    use openspec_syntax::requirement_blocks::extract_requirements_section;

    use super::content_the_merge_cannot_name;

    fn leftovers(text: &str) -> Vec<String> {
        content_the_merge_cannot_name(&extract_requirements_section(text), text)
    }

    #[test]
    fn a_plain_spec_has_nothing_unaccounted() {
        let text = "# auth Specification\n\n## Purpose\nWhy it exists,\nover two lines.\n\n## Requirements\n### Requirement: A\nThe system SHALL a.\n\n#### Scenario: s\n- **WHEN** x\n  wrapped\n- **THEN** y\n";
        assert_eq!(leftovers(text), Vec::<String>::new());
    }

    #[test]
    fn notes_sections_tables_and_bullets_after_scenarios_are_named() {
        let text = "\u{feff}# auth\n\n## Purpose\nP\n\n## Notes\nkeep\n\n## Requirements\nIntro.\n### Requirement: A\nThe system SHALL a.\n| t |\n#### Scenario: s\n- x\n\n- a note\n```\n### Requirement: in a fence\n```\n### Heading\n";
        assert_eq!(leftovers(text), ["## Notes", "keep", "Intro.", "### Heading", "| t |", "- a note"]);
    }
}
