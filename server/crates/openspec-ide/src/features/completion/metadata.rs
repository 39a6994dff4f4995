//! Completion in a change's `.openspec.yaml`: schema names and its other keys.

use openspec_syntax::TextRange;
use openspec_syntax::js::js_trim;

use super::config::schema_name_completions;
use super::yaml::YamlCursor;
use super::{CompletionItem, CompletionKind};
use crate::layout;
use crate::vfs::RootSnapshot;

/// A change's `.openspec.yaml`: schema names after `schema:`, and `skip_specs: true`.
pub(super) fn metadata_completions(
    root: &RootSnapshot,
    cursor: &YamlCursor<'_>,
    change_id: &str,
) -> Vec<CompletionItem> {
    let schemas = schema_name_completions(root, cursor);
    if !schemas.is_empty() {
        return schemas;
    }
    let typed = cursor.prefix;
    let blank_after = js_trim(cursor.suffix).is_empty();
    let is_key_start = typed.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_');
    if !blank_after || !is_key_start || !"skip_specs".starts_with(typed) || cursor.has_top_level_key("skip_specs") {
        return Vec::new();
    }
    let has_deltas = !layout::delta_specs(root, &layout::change_dir(change_id)).is_empty();
    let documentation = format!(
        "This change modifies no spec on purpose (a refactor, tooling, docs): `openspec validate` then accepts zero delta specs, and any file under `specs/` is an error.{}",
        if has_deltas { "\n\n**This change has delta specs**: remove them, or do not set this." } else { "" }
    );
    vec![CompletionItem {
        label: "skip_specs: true".to_owned(),
        kind: CompletionKind::Setting,
        detail: Some("change without spec deltas".to_owned()),
        documentation: Some(documentation),
        insert_text: "skip_specs: true".to_owned(),
        is_snippet: false,
        replace_range: TextRange::new(cursor.line.start, cursor.offset),
        filter_text: None,
        sort_text: None,
    }]
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::test_support::*;

    #[test]
    fn change_metadata_schema_and_skip_specs() {
        check(
            "//- /openspec/changes/c/.openspec.yaml\nschema: spec-driven\nsk$0\n",
            &expect![[r#"
            setting skip_specs: true (change without spec deltas)
        "#]],
        );
        check(
            "//- /openspec/changes/c/.openspec.yaml\nschema: $0\n",
            &expect![[r#"
            schema spec-driven (built-in schema)
        "#]],
        );
        check("//- /openspec/changes/c/.openspec.yaml\nskip_specs: true\n$0\n", &expect![[""]]);
    }
}
