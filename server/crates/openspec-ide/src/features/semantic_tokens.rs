//! Semantic tokens of main and delta specs: requirement and scenario names, the normative
//! keywords (SHALL/MUST/SHOULD/MAY), scenario bullet keywords (WHEN/THEN/AND/GIVEN) and the
//! delta operation words. In document order, non-overlapping, each on one line. Pure.

use openspec_syntax::TextRange;
use openspec_syntax::fence::code_fence_mask;
use openspec_syntax::js::is_js_space;
use openspec_syntax::lines::{Bom, Line, LineBreaks, split_lines};

use crate::index::{DeltaOp, FileRole, ScenarioInfo, WorkspaceIndex};
use crate::vfs::RootSnapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    RequirementName,
    ScenarioName,
    /// SHALL, MUST, SHOULD, MAY as whole uppercase words.
    NormativeKeyword,
    /// WHEN/THEN/AND/GIVEN opening a bullet (`- **WHEN** ...`).
    ScenarioKeyword,
    /// ADDED/MODIFIED/REMOVED/RENAMED in a delta section header, FROM/TO in a RENAMED entry.
    DeltaKeyword,
}

/// A set of token modifiers, as bits the server maps onto its legend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TokenModifiers(u32);

impl TokenModifiers {
    pub const NONE: TokenModifiers = TokenModifiers(0);
    /// Where a requirement is introduced: a main-spec header, an ADDED header, a RENAMED TO.
    pub const DECLARATION: TokenModifiers = TokenModifiers(1);
    /// A name on its way out: REMOVED entries and RENAMED FROM.
    pub const DEPRECATED: TokenModifiers = TokenModifiers(1 << 1);

    pub const fn bits(self) -> u32 {
        self.0
    }

    pub const fn contains(self, other: TokenModifiers) -> bool {
        self.0 & other.0 == other.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub token_type: TokenType,
    pub modifiers: TokenModifiers,
}

const NORMATIVE_KEYWORDS: [&str; 4] = ["SHALL", "MUST", "SHOULD", "MAY"];
const SCENARIO_KEYWORDS: [&str; 4] = ["WHEN", "THEN", "AND", "GIVEN"];

pub fn semantic_tokens(root: &RootSnapshot, index: &WorkspaceIndex, path: &str) -> Vec<SemanticToken> {
    let Some(text) = root.text(path) else {
        return Vec::new();
    };
    let mut tokens = Vec::new();
    let mut push = |range: TextRange, token_type, modifiers| {
        tokens.push(SemanticToken { range, token_type, modifiers });
    };
    let scenario_tokens = |scenarios: &[ScenarioInfo], push: &mut dyn FnMut(TextRange, TokenType, TokenModifiers)| {
        for scenario in scenarios {
            push(scenario.name_range, TokenType::ScenarioName, TokenModifiers::DECLARATION);
        }
    };
    match index.role(path) {
        Some(FileRole::MainSpec { spec }) => {
            for requirement in index.specs.get(spec).map(|spec| spec.requirements.as_slice()).unwrap_or_default() {
                push(requirement.name_range, TokenType::RequirementName, TokenModifiers::DECLARATION);
                scenario_tokens(&requirement.scenarios, &mut push);
            }
        }
        Some(FileRole::Delta { change, delta }) => {
            let Some(delta) = index.changes.get(change).and_then(|change| change.deltas.get(delta)) else {
                return Vec::new();
            };
            for section in &delta.sections {
                push(section.keyword_range, TokenType::DeltaKeyword, TokenModifiers::NONE);
            }
            for entry in &delta.entries {
                let modifiers = match entry.op {
                    DeltaOp::Added | DeltaOp::RenamedTo => TokenModifiers::DECLARATION,
                    DeltaOp::Modified => TokenModifiers::NONE,
                    DeltaOp::Removed | DeltaOp::RenamedFrom => TokenModifiers::DEPRECATED,
                };
                push(entry.name_range, TokenType::RequirementName, modifiers);
                scenario_tokens(&entry.scenarios, &mut push);
                if let Some(keyword) = rename_keyword(text, entry.op, entry.line_range) {
                    push(keyword, TokenType::DeltaKeyword, TokenModifiers::NONE);
                }
            }
        }
        _ => return Vec::new(),
    }
    let lines = split_lines(text, Bom::Strip, LineBreaks::Any);
    let fenced = code_fence_mask(lines.iter().map(|line| line.text));
    for (line, is_fenced) in lines.iter().zip(fenced) {
        if is_fenced {
            continue;
        }
        if let Some(keyword) = bullet_keyword(line.text) {
            push(line.range_of(keyword), TokenType::ScenarioKeyword, TokenModifiers::NONE);
        }
        for word in normative_keywords(line) {
            push(word, TokenType::NormativeKeyword, TokenModifiers::NONE);
        }
    }
    tokens.retain(|token| !token.range.is_empty());
    tokens.sort_by_key(|token| (token.range.start, token.range.end));
    // The first token at a place wins: a keyword inside a requirement name stays part of it.
    let mut kept: Vec<SemanticToken> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if kept.last().is_none_or(|last| last.range.end <= token.range.start) {
            kept.push(token);
        }
    }
    kept
}

/// The `FROM`/`TO` word of a RENAMED entry line (`- FROM: ...`).
fn rename_keyword(text: &str, op: DeltaOp, line_range: TextRange) -> Option<TextRange> {
    let keyword = match op {
        DeltaOp::RenamedFrom => "FROM",
        DeltaOp::RenamedTo => "TO",
        _ => return None,
    };
    let line = text.get(line_range.start..line_range.end)?;
    let after_marker = line.strip_prefix(['-', '*', '+']).unwrap_or(line);
    let rest = after_marker.trim_start_matches(is_js_space);
    rest.starts_with(keyword).then(|| {
        let start = line_range.start + (line.len() - rest.len());
        TextRange::new(start, start + keyword.len())
    })
}

/// The keyword opening a bullet: `- **WHEN** x` (any case inside bold) or `- WHEN x`.
fn bullet_keyword(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(is_js_space);
    let after_marker = rest.strip_prefix(['-', '*', '+'])?;
    let content = after_marker.trim_start_matches(is_js_space);
    if content.len() == after_marker.len() {
        return None;
    }
    let (bold, word_start) = match content.strip_prefix("**") {
        Some(inner) => (true, inner),
        None => (false, content),
    };
    let word_len = word_start.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (word, after_word) = word_start.split_at(word_len);
    let upper = word.to_ascii_uppercase();
    if !SCENARIO_KEYWORDS.contains(&upper.as_str()) {
        return None;
    }
    let closes = if bold {
        after_word.starts_with("**")
    } else {
        word == upper && after_word.chars().next().is_none_or(|ch| is_js_space(ch) || ch == ':' || ch == ',')
    };
    closes.then_some(word)
}

/// Every SHALL/MUST/SHOULD/MAY standing as a whole word (ASCII word boundaries, as the CLI's
/// `\b`), in line order.
fn normative_keywords(line: &Line<'_>) -> Vec<TextRange> {
    let bytes = line.text.as_bytes();
    let mut found = Vec::new();
    let mut idx = 0;
    while idx < bytes.len() {
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        if !bytes.get(idx).copied().is_some_and(is_word) {
            idx += 1;
            continue;
        }
        let len = bytes.get(idx..).unwrap_or_default().iter().take_while(|&&b| is_word(b)).count();
        // A run of ASCII word bytes is always on character boundaries.
        if let Some(word) = line.text.get(idx..idx + len)
            && NORMATIVE_KEYWORDS.contains(&word)
        {
            found.push(TextRange::new(line.start + idx, line.start + idx + len));
        }
        idx += len;
    }
    found
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::TokenModifiers;
    use crate::features::fixture;

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let text = analysis.root.text(&position.path).unwrap_or("");
        let lines = openspec_syntax::LineIndex::new(text);
        let mut out = String::new();
        let mut last_end = 0;
        for token in analysis.semantic_tokens(&position.path) {
            assert!(token.range.start >= last_end, "overlap or out of order: {token:?}");
            assert_eq!(lines.line_of(token.range.start), lines.line_of(token.range.end), "spans lines: {token:?}");
            last_end = token.range.end;
            let mut modifiers = String::new();
            if token.modifiers.contains(TokenModifiers::DECLARATION) && token.modifiers != TokenModifiers::NONE {
                modifiers.push_str(" +declaration");
            }
            if token.modifiers.contains(TokenModifiers::DEPRECATED) && token.modifiers != TokenModifiers::NONE {
                modifiers.push_str(" +deprecated");
            }
            let _ = writeln!(
                out,
                "{} {:?}{modifiers}",
                fixture::location(&analysis, &position.path, token.range),
                token.token_type
            );
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn main_spec_tokens() {
        check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nUsers MAY log in; MAYBE not.\n## Requirements\n### Requirement: Users SHALL log in\nThe system SHALL log in and MUST NOT SHOULDER it.\n```\nMUST in a fence\n```\n#### Scenario: ok\n- **WHEN** valid\n- **then** in\n* AND more\n- And not bare mixed case\n- **GIVEN**: nothing\n",
            &expect![[r#"
                openspec/specs/auth/spec.md:2:7 "MAY" NormativeKeyword
                openspec/specs/auth/spec.md:4:18 "Users SHALL log in" RequirementName +declaration
                openspec/specs/auth/spec.md:5:12 "SHALL" NormativeKeyword
                openspec/specs/auth/spec.md:5:29 "MUST" NormativeKeyword
                openspec/specs/auth/spec.md:9:16 "ok" ScenarioName +declaration
                openspec/specs/auth/spec.md:10:5 "WHEN" ScenarioKeyword
                openspec/specs/auth/spec.md:11:5 "then" ScenarioKeyword
                openspec/specs/auth/spec.md:12:3 "AND" ScenarioKeyword
                openspec/specs/auth/spec.md:14:5 "GIVEN" ScenarioKeyword
            "#]],
        );
    }

    #[test]
    fn delta_tokens() {
        check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: New\nThe system SHALL.\n#### Scenario: s\n- **WHEN** x\n## modified requirements\n### Requirement: Old\nMUST.\n## REMOVED Requirements\n- `### Requirement: Gone`\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n",
            &expect![[r#"
                openspec/changes/c/specs/auth/spec.md:1:4 "ADDED" DeltaKeyword
                openspec/changes/c/specs/auth/spec.md:2:18 "New" RequirementName +declaration
                openspec/changes/c/specs/auth/spec.md:3:12 "SHALL" NormativeKeyword
                openspec/changes/c/specs/auth/spec.md:4:16 "s" ScenarioName +declaration
                openspec/changes/c/specs/auth/spec.md:5:5 "WHEN" ScenarioKeyword
                openspec/changes/c/specs/auth/spec.md:6:4 "modified" DeltaKeyword
                openspec/changes/c/specs/auth/spec.md:7:18 "Old" RequirementName
                openspec/changes/c/specs/auth/spec.md:8:1 "MUST" NormativeKeyword
                openspec/changes/c/specs/auth/spec.md:9:4 "REMOVED" DeltaKeyword
                openspec/changes/c/specs/auth/spec.md:10:21 "Gone" RequirementName +deprecated
                openspec/changes/c/specs/auth/spec.md:11:4 "RENAMED" DeltaKeyword
                openspec/changes/c/specs/auth/spec.md:12:3 "FROM" DeltaKeyword
                openspec/changes/c/specs/auth/spec.md:12:27 "A" RequirementName +deprecated
                openspec/changes/c/specs/auth/spec.md:13:3 "TO" DeltaKeyword
                openspec/changes/c/specs/auth/spec.md:13:25 "B" RequirementName +declaration
            "#]],
        );
    }

    #[test]
    fn crlf_bom_and_non_ascii() {
        check(
            "//- /openspec/specs/ü/spec.md\n\u{FEFF}## Requirements\r\n### Requirement: Größe\r\nÉSHALL und SHALL.\r\n#### Scenario: Übergröße\r\n- **WENN** nicht\r\n- **WHEN** ja\r\n",
            &expect![[r#"
                openspec/specs/ü/spec.md:2:18 "Größe" RequirementName +declaration
                openspec/specs/ü/spec.md:3:2 "SHALL" NormativeKeyword
                openspec/specs/ü/spec.md:3:12 "SHALL" NormativeKeyword
                openspec/specs/ü/spec.md:4:16 "Übergröße" ScenarioName +declaration
                openspec/specs/ü/spec.md:6:5 "WHEN" ScenarioKeyword
            "#]],
        );
    }
}
