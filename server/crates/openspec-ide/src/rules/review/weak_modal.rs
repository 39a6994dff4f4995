//! Weak modal verbs (should, may, might, could: the `[review] weak-modals` list) in a
//! requirement's normative sentence.

// Diagnostic: review/weak-modal
//
// OpenSpec asks every requirement to say what the system SHALL or MUST do; the CLI checks only
// that one of those words appears somewhere in the body. "The system SHALL log in and should
// send a receipt" passes, yet the receipt is optional to whoever implements it. The normative
// sentence is the first sentence of the requirement body (as the CLI captures it: the lines
// before the first header, metadata lines left out) that holds SHALL or MUST, or the body's
// first sentence when none does. Sentences end at `.`, `!` or `?` before a space or the end of
// a line (not inside `e.g.`), or where a list item starts. Words are matched whole, in any
// case, outside inline code. The quick fix replaces the word with SHALL.

use openspec_syntax::TextRange;
use openspec_syntax::requirement_blocks::RequirementBlock;
use openspec_syntax::requirement_text::{find_shall_or_must, read_requirement_body};

use super::{Site, find_term};
use crate::diagnostic::Diagnostic;
use openspec_syntax::lines::Line;

pub(crate) const CODE: &str = "review/weak-modal";

pub fn check(site: &Site<'_>, block: &RequirementBlock<'_>, acc: &mut Vec<Diagnostic>) {
    let body = read_requirement_body(block.body_lines());
    if body.metadata_only {
        return;
    }
    let sentences = sentences(&body.lines);
    let holds_keyword =
        |sentence: &&Vec<Line<'_>>| sentence.iter().any(|piece| find_shall_or_must(piece.text).is_some());
    let Some(normative) = sentences.iter().find(holds_keyword).or_else(|| sentences.first()) else { return };
    let mut found: Vec<(TextRange, &str)> = Vec::new();
    for piece in normative {
        for modal in &site.config.settings.weak_modals {
            for at in find_term(piece.text, modal) {
                found.push((TextRange::new(piece.start + at, piece.start + at + modal.len()), modal));
            }
        }
    }
    found.sort_by_key(|(range, _)| (range.start, range.end));
    found.dedup_by_key(|(range, _)| range.start);
    for (range, modal) in found {
        let message = format!(
            "Weak modal \"{modal}\" in the normative sentence of requirement \"{}\": a reviewer cannot tell whether it is required. Use SHALL or MUST, or move the optional behaviour into a requirement of its own.",
            block.name
        );
        acc.push(site.finding(CODE, range, message));
    }
}

/// The body's sentences, each as the pieces of lines it spans.
fn sentences<'a>(lines: &[Line<'a>]) -> Vec<Vec<Line<'a>>> {
    let mut out = Vec::new();
    let mut current: Vec<Line<'a>> = Vec::new();
    for line in lines {
        if is_list_item(line.text) && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        let bytes = line.text.as_bytes();
        let mut from = 0;
        for (idx, &byte) in bytes.iter().enumerate() {
            let ends_sentence = matches!(byte, b'.' | b'!' | b'?')
                && bytes.get(idx + 1).is_none_or(u8::is_ascii_whitespace)
                // `e.g.` and `i.e.` end no sentence.
                && !(byte == b'.' && idx >= 2 && bytes.get(idx - 2) == Some(&b'.'));
            if ends_sentence {
                current.push(Line { text: &line.text[from..=idx], start: line.start + from });
                out.push(std::mem::take(&mut current));
                from = idx + 1;
            }
        }
        let rest = &line.text[from..];
        if !rest.trim().is_empty() {
            current.push(Line { text: rest, start: line.start + from });
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `- x`, `* x`, `+ x`, `1. x`, `1) x`.
fn is_list_item(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let rest = if digits > 0 {
        match text.get(digits..) {
            Some(rest) if rest.starts_with(['.', ')']) => &rest[1..],
            _ => return false,
        }
    } else if text.starts_with(['-', '*', '+']) {
        &text[1..]
    } else {
        return false;
    };
    rest.is_empty() || rest.starts_with([' ', '\t'])
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::review::test_helpers::{check_codes, enabling};

    fn check(fixture: &str) -> String {
        check_codes(&format!("{fixture}{}", enabling(super::CODE)), &[super::CODE])
    }

    #[test]
    fn flags_weak_modals_in_the_normative_sentence_only() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## ADDED Requirements
            ### Requirement: Receipt
            Receipts matter to auditors. The system SHALL log the sale and Should email a receipt,
                                                                           ^^^^^^ warning[review/weak-modal] (openspec-lsp): Weak modal "should" in the normative sentence of requirement "Receipt": a reviewer cannot tell whether it is required. Use SHALL or MUST, or move the optional behaviour into a requirement of its own.
            which `may` be printed and might be signed. Admins may resend it.
                                       ^^^^^ warning[review/weak-modal] (openspec-lsp): Weak modal "might" in the normative sentence of requirement "Receipt": a reviewer cannot tell whether it is required. Use SHALL or MUST, or move the optional behaviour into a requirement of its own.

            #### Scenario: Sale
            - **WHEN** a sale completes
            - **THEN** the user may get a receipt
            ### Requirement: Without keyword
            The system should cache results, e.g. pages.
                       ^^^^^^ warning[review/weak-modal] (openspec-lsp): Weak modal "should" in the normative sentence of requirement "Without keyword": a reviewer cannot tell whether it is required. Use SHALL or MUST, or move the optional behaviour into a requirement of its own.
            It may drop them.

            #### Scenario: Cache
            - **WHEN** x
            - **THEN** y
        "#]]
        .assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Receipt\nReceipts matter to auditors. The system SHALL log the sale and Should email a receipt,\nwhich `may` be printed and might be signed. Admins may resend it.\n\n#### Scenario: Sale\n- **WHEN** a sale completes\n- **THEN** the user may get a receipt\n### Requirement: Without keyword\nThe system should cache results, e.g. pages.\nIt may drop them.\n\n#### Scenario: Cache\n- **WHEN** x\n- **THEN** y\n//- /openspec/specs/auth/spec.md\n## Purpose\nAuth.\n\n## Requirements\n### Requirement: Login\n- The system SHALL log in.\n- Users could choose a theme.\n  The system MAY remember them.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n",
        ));
    }

    #[test]
    fn quiet_without_weak_modals_and_when_not_enabled() {
        let fixture = "//- /openspec/specs/auth/spec.md\n## Purpose\nAuth.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in. Users may log out.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n";
        expect![[""]].assert_eq(&check(fixture));
        let should = fixture.replace("SHALL log in", "should log in");
        expect![[""]].assert_eq(&crate::rules::review::test_helpers::check_codes(&should, &[super::CODE]));
    }
}
