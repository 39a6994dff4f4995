//! A Purpose that is still a placeholder: the sentence `openspec archive` writes for a new
//! capability, or a leading `TBD`/`TODO` marker (`core/validation/purpose-placeholder.js`).

// Diagnostic: spec/purpose-placeholder
//
// Archive creates a main spec with `TBD - created by archiving change <id>. Update Purpose
// after archive.` when the delta carried no Purpose, and authors leave `TODO` in its place.
// Both pass the length check, so 1.13.2 warns about them instead (and then skips the brevity
// warning). The finding sits on the placeholder line when it can be found the way the CLI
// finds it, else on the Purpose header.

use std::sync::LazyLock;

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::js_trim;
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};
use regex::Regex;

use super::CheckedSpec;
use crate::diagnostic::{Diagnostic, Severity};

const PLACEHOLDER_PREFIX: &str = "TBD - created by archiving change ";
const PLACEHOLDER_SUFFIX: &str = ". Update Purpose after archive.";

const MESSAGE: &str = "Purpose section is still a placeholder rather than a Purpose anyone wrote (the sentence `openspec archive` writes for a new capability, or a `TBD`/`TODO` marker left in its place). Replace it with what this capability is for, editing the main spec directly: a `## Purpose` in a delta is read only when the capability is created, so it cannot replace this one.";

/// `[\p{L}\p{N}\p{M}_]`: a character that would make the marker part of a longer word.
static WORD_CHAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{N}\p{M}_]").expect("word pattern compiles"));

/// `^ {0,3}##(?!#)[ \t]+Purpose[ \t]*$` (case-insensitive): the header the locator looks for.
static PURPOSE_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}##[ \t]+(?i-u:purpose)[ \t]*$").expect("purpose pattern compiles"));

/// `^ {0,3}#{1,2}(?!#)[ \t]+`: where the locator stops.
static TOP_LEVEL_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}#{1,2}[ \t]").expect("top-level pattern compiles"));

/// Reports a placeholder Purpose; returns whether it did (the brevity check then stays quiet).
pub(super) fn check(spec: &CheckedSpec<'_, '_>, acc: &mut Vec<Diagnostic>) -> bool {
    let content = &spec.purpose.content;
    let mask = code_fence_mask(content.iter().map(|line| line.text));
    let unfenced: Vec<&str> =
        content.iter().zip(mask).filter(|(_, fenced)| !fenced).map(|(line, _)| line.text).collect();
    let joined = unfenced.join("\n");
    let prose = js_trim(&joined);
    let leading = starts_with_marker(prose);
    if !leading && generated_prefix_at(prose).is_none() {
        return false;
    }
    let range = placeholder_line(spec.file.text, leading).unwrap_or_else(|| spec.purpose.header_range());
    acc.push(Diagnostic::openspec(
        &spec.file.item,
        "spec/purpose-placeholder",
        Severity::Warning,
        spec.file.path,
        range,
        MESSAGE,
    ));
    true
}

/// `TBD`/`TODO` opening the text: in capitals whatever follows (not a longer word), in any
/// other case only when punctuation or the line end follows.
fn starts_with_marker(prose: &str) -> bool {
    for marker in ["TBD", "TODO"] {
        let Some(head) = prose.get(..marker.len()) else { continue };
        if !head.eq_ignore_ascii_case(marker) {
            continue;
        }
        let rest = &prose[marker.len()..];
        if WORD_CHAR.is_match(rest) {
            continue;
        }
        if head == marker {
            return true;
        }
        let after_blanks = rest.trim_start_matches([' ', '\t']);
        let punctuated = after_blanks.is_empty()
            || after_blanks
                .starts_with(['\n', ':', '-', '\u{2013}', '\u{2014}', '.', ',', ';', '(', ')', '[', ']', '{', '}']);
        if punctuated {
            return true;
        }
    }
    false
}

/// Byte offset of the generated sentence's prefix: the closest prefix at or before the first
/// suffix that has one.
fn generated_prefix_at(text: &str) -> Option<usize> {
    let mut search_from = 0;
    while let Some(found) = text.get(search_from..).and_then(|rest| rest.find(PLACEHOLDER_SUFFIX)) {
        let suffix_at = search_from + found;
        // `lastIndexOf(prefix, suffixAt)`: a prefix starting at or before the suffix.
        let mut window_end = (suffix_at + PLACEHOLDER_PREFIX.len()).min(text.len());
        while !text.is_char_boundary(window_end) {
            window_end -= 1;
        }
        if let Some(prefix_at) = text.get(..window_end).and_then(|window| window.rfind(PLACEHOLDER_PREFIX)) {
            return Some(prefix_at);
        }
        search_from = suffix_at + 1;
        while !text.is_char_boundary(search_from) {
            search_from += 1;
        }
    }
    None
}

/// `findPlaceholderLine`: the line under a `## Purpose` header carrying the placeholder. The
/// CLI reads the raw text here (BOM kept), so a BOM before `## Purpose` leaves it unlocated.
fn placeholder_line(text: &str, leading: bool) -> Option<TextRange> {
    let lines = split_lines(text, Bom::Keep, LineBreaks::Any);
    let mask = code_fence_mask(lines.iter().map(|line| line.text));
    let fenced = |idx: usize| mask.get(idx).copied().unwrap_or(false);
    let header_idx = (0..lines.len()).find(|&idx| !fenced(idx) && PURPOSE_HEADER.is_match(lines[idx].text))?;
    let mut purpose_lines: Vec<Line<'_>> = Vec::new();
    for (idx, line) in lines.iter().enumerate().skip(header_idx + 1) {
        if fenced(idx) {
            continue;
        }
        if TOP_LEVEL_HEADER.is_match(line.text) {
            break;
        }
        if leading && !js_trim(line.text).is_empty() {
            return Some(line.trimmed_range());
        }
        purpose_lines.push(*line);
    }
    if leading {
        return None;
    }
    let joined = purpose_lines.iter().map(|line| line.text).collect::<Vec<_>>().join("\n");
    let prefix_at = generated_prefix_at(&joined)?;
    let line_offset = joined.get(..prefix_at)?.matches('\n').count();
    purpose_lines.get(line_offset).map(Line::trimmed_range)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;
    use super::starts_with_marker;

    #[test]
    fn markers_follow_the_cli() {
        assert!(starts_with_marker("TBD"));
        assert!(starts_with_marker("TODO write this later"));
        assert!(starts_with_marker("todo - write this later"));
        assert!(starts_with_marker("tbd."));
        assert!(starts_with_marker("Tbd"));
        assert!(!starts_with_marker("Todo el sistema"));
        assert!(!starts_with_marker("TODOs remain"));
        assert!(!starts_with_marker("TBD\u{0661}"));
        assert!(!starts_with_marker("TBDé"));
        assert!(starts_with_marker("TBD\u{00A0}x"));
    }

    #[test]
    fn generated_and_marker_placeholders_are_flagged() {
        expect![[r"
            //- /openspec/specs/gen/spec.md
            # gen

            ## Purpose
            Some words somebody wrote about this capability first.
            TBD - created by archiving change add-gen. Update Purpose after archive.
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[spec/purpose-placeholder]: Purpose section is still a placeholder rather than a Purpose anyone wrote (the sentence `openspec archive` writes for a new capability, or a `TBD`/`TODO` marker left in its place). Replace it with what this capability is for, editing the main spec directly: a `## Purpose` in a delta is read only when the capability is created, so it cannot replace this one.

            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
            //- /openspec/specs/todo/spec.md
            ## Purpose

            todo: explain
            ^^^^^^^^^^^^^ warning[spec/purpose-placeholder]: Purpose section is still a placeholder rather than a Purpose anyone wrote (the sentence `openspec archive` writes for a new capability, or a `TBD`/`TODO` marker left in its place). Replace it with what this capability is for, editing the main spec directly: a `## Purpose` in a delta is read only when the capability is created, so it cannot replace this one.
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
        "]].assert_eq(&check(
            "//- /openspec/specs/gen/spec.md\n# gen\n\n## Purpose\nSome words somebody wrote about this capability first.\nTBD - created by archiving change add-gen. Update Purpose after archive.\n\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n//- /openspec/specs/todo/spec.md\n## Purpose\n\ntodo: explain\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }

    #[test]
    fn authored_purpose_is_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/specs/es/spec.md\n## Purpose\nTodo el sistema de autenticación vive aquí, con sus reglas y límites.\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
