//! The `[review]` table of `openspec-lsp.toml`: the word lists and the threshold the review
//! rules use. Every key is optional; a list given replaces the default list. Problems become
//! `policy/invalid` findings on the key and leave that setting at its default.

use openspec_syntax::TextRange;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Severity};
use crate::root_files::POLICY_FILE;

/// Every review rule's code, in report order: the policy's `review/` entries must name one of
/// them. Here, beside the settings, so the policy reads them without depending on the rules
/// (`rules::review` tests that each rule's `CODE` is listed).
pub const REVIEW_CODES: &[&str] = &[
    "review/weak-modal",
    "review/scenario-missing-step",
    "review/unchanged-modified",
    "review/vague-term",
    "review/design-missing",
    "review/impact-missing",
    "review/test-task-missing",
];

/// `review/weak-modal`: words that make a requirement sound optional.
pub(crate) const DEFAULT_WEAK_MODALS: &[&str] = &["should", "may", "might", "could"];

/// `review/vague-term`: words and phrases a reviewer cannot check. Chosen so each one almost
/// never has a precise meaning in a requirement; "fast" or "appropriate" always beg the
/// question "how fast?", "by whose judgement?".
pub(crate) const DEFAULT_VAGUE_TERMS: &[&str] = &[
    "appropriate",
    "appropriately",
    "as appropriate",
    "as needed",
    "as necessary",
    "if possible",
    "where possible",
    "fast",
    "quickly",
    "user-friendly",
    "easy to use",
    "intuitive",
    "seamless",
    "seamlessly",
    "reasonable",
    "etc.",
    "and/or",
];

/// `review/design-missing`: a change may touch this many capabilities without a design.
pub(crate) const DEFAULT_MAX_CAPABILITIES_WITHOUT_DESIGN: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewSettings {
    pub weak_modals: Vec<String>,
    pub vague_terms: Vec<String>,
    pub max_capabilities_without_design: usize,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        let owned = |words: &[&str]| words.iter().map(|word| (*word).to_owned()).collect();
        ReviewSettings {
            weak_modals: owned(DEFAULT_WEAK_MODALS),
            vague_terms: owned(DEFAULT_VAGUE_TERMS),
            max_capabilities_without_design: DEFAULT_MAX_CAPABILITIES_WITHOUT_DESIGN,
        }
    }
}

impl ReviewSettings {
    /// Reads the `[review]` table; `clamp` maps a parser span to a range of the policy file.
    pub(crate) fn read(
        table: &DeTable<'_>,
        clamp: &dyn Fn(std::ops::Range<usize>) -> TextRange,
        findings: &mut Vec<Diagnostic>,
    ) -> ReviewSettings {
        let mut settings = ReviewSettings::default();
        for (key, value) in table {
            let key_range = clamp(key.span());
            let invalid = |message: String| {
                Diagnostic::lsp(None, "policy/invalid", Severity::Error, POLICY_FILE, key_range, message)
            };
            match key.get_ref().as_ref() {
                name @ ("weak-modals" | "vague-terms") => {
                    let words = value.get_ref().as_array().and_then(|array| {
                        array
                            .iter()
                            .map(|word| word.get_ref().as_str().map(str::trim).filter(|word| !word.is_empty()))
                            .map(|word| word.map(str::to_owned))
                            .collect::<Option<Vec<String>>>()
                    });
                    let Some(words) = words else {
                        let example = if name == "weak-modals" { "\"should\", \"may\"" } else { "\"fast\", \"etc.\"" };
                        findings.push(invalid(format!(
                            "`{name}` must be a list of non-empty strings, e.g. `{name} = [{example}]`."
                        )));
                        continue;
                    };
                    if name == "weak-modals" {
                        settings.weak_modals = words;
                    } else {
                        settings.vague_terms = words;
                    }
                }
                "max-capabilities-without-design" => {
                    let number = match value.get_ref() {
                        DeValue::Integer(integer) => usize::from_str_radix(integer.as_str(), integer.radix()).ok(),
                        _ => None,
                    };
                    let Some(number) = number else {
                        findings.push(invalid(
                            "`max-capabilities-without-design` must be a whole number of at least 0, e.g. `3`."
                                .to_owned(),
                        ));
                        continue;
                    };
                    settings.max_capabilities_without_design = number;
                }
                other => findings.push(invalid(format!(
                    "Unknown review setting `{other}`; the `[review]` table has `weak-modals`, `vague-terms` and `max-capabilities-without-design`."
                ))),
            }
        }
        settings
    }
}
