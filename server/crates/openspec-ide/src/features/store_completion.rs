//! Completion of store ids from the machine's registry where a store is named: the project
//! config's `store:` value and `references:` items (block `- id`, `- {id: ...}`, `id:` lines and
//! the inline `[a, b]` list), and `initiative.store` in an active change's `.openspec.yaml`
//! (block or inline map). Each item carries the checkout and its health as detail and the hover
//! text as documentation. The context is read from the cursor's line and the top-level key
//! above it, so half-typed YAML that does not parse still completes. Pure.

use openspec_syntax::TextRange;

use super::store_hover;
use super::store_sites::{self, FileKind, SiteKind};
use crate::store::Registry;
use crate::types::FilePosition;
use crate::vfs::RootSnapshot;

/// One store id to offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreCompletion {
    pub id: String,
    /// The checkout and its health (`/home/dev/team-specs (3 specs)`).
    pub detail: String,
    /// Markdown: what hovering the id shows.
    pub documentation: String,
    /// The partial id around the cursor, replaced by `id`.
    pub replace_range: TextRange,
}

pub fn completions(root: &RootSnapshot, position: &FilePosition, registry: &Registry) -> Vec<StoreCompletion> {
    let Some((kind, replace_range)) = context(root, position) else { return Vec::new() };
    // A reference already listed is not offered again; the one being typed over is.
    let listed: Vec<String> = match kind {
        SiteKind::Reference => store_sites::sites(root, &position.path)
            .into_iter()
            .filter(|site| site.kind == SiteKind::Reference && site.range.end < replace_range.start)
            .map(|site| site.id)
            .collect(),
        SiteKind::Pointer | SiteKind::Initiative => Vec::new(),
    };
    registry
        .stores()
        .iter()
        .filter(|store| !listed.contains(&store.entry.id))
        .map(|store| StoreCompletion {
            id: store.entry.id.clone(),
            detail: store_hover::summary(store),
            documentation: store_hover::describe(&store.entry.id, registry),
            replace_range,
        })
        .collect()
}

/// A store id character (kebab-case ids only hold these).
fn is_id_byte(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-'
}

/// Which declaration the cursor is in, and the partial id around it.
fn context(root: &RootSnapshot, position: &FilePosition) -> Option<(SiteKind, TextRange)> {
    let file = store_sites::file_kind(root, &position.path)?;
    let text = root.text(&position.path)?;
    let offset = position.offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[offset..].find(['\n', '\r']).map_or(text.len(), |at| offset + at);
    let before = &text[line_start..offset];
    let typed = before.bytes().rev().take_while(|&byte| is_id_byte(byte)).count();
    let after = text[offset..line_end].bytes().take_while(|&byte| is_id_byte(byte)).count();
    let replace = TextRange::new(offset - typed, offset + after);
    let lead = &before[..before.len() - typed];
    let lead = lead.strip_suffix(['\'', '"']).unwrap_or(lead);
    let trimmed = lead.trim();
    let indented = lead.starts_with([' ', '\t', '-']);
    let kind = match file {
        FileKind::Config if !indented && trimmed == "store:" => SiteKind::Pointer,
        FileKind::Config if lead.starts_with("references:") && inline_item(trimmed) => SiteKind::Reference,
        FileKind::Config
            if indented && block_reference(trimmed) && top_level_key(text, line_start) == Some("references") =>
        {
            SiteKind::Reference
        }
        FileKind::ChangeMetadata
            if lead.starts_with("initiative:") && trimmed.contains('{') && trimmed.ends_with("store:") =>
        {
            SiteKind::Initiative
        }
        FileKind::ChangeMetadata
            if indented && trimmed == "store:" && top_level_key(text, line_start) == Some("initiative") =>
        {
            SiteKind::Initiative
        }
        _ => return None,
    };
    Some((kind, replace))
}

/// The line up to the partial id, inside an inline `references: [...]` list, is at an item.
fn inline_item(trimmed: &str) -> bool {
    trimmed.contains('[') && (trimmed.ends_with('[') || trimmed.ends_with(',') || trimmed.ends_with("id:"))
}

/// A block `references:` item line up to the partial id: `-`, `- id:`, `id:`, `- {id:`.
fn block_reference(trimmed: &str) -> bool {
    matches!(trimmed, "-" | "- id:" | "id:") || (trimmed.starts_with("- {") && trimmed.ends_with("id:"))
}

/// The key of the nearest top-level mapping line above `line_start` (a line that starts with
/// neither a space, a `-` nor a `#`).
fn top_level_key(text: &str, line_start: usize) -> Option<&str> {
    let line = text[..line_start]
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty() && !line.starts_with([' ', '\t', '-', '#']))?;
    Some(line.split_once(':')?.0.trim())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::rules::store::tests::registry;

    fn check(fixture: &str, expect: &Expect) {
        let (analysis, position, _) = crate::features::fixture::analysis(fixture);
        let stores = registry(&["platform", "team", "sick=unhealthy"]);
        let items = super::completions(&analysis.root, &position, &stores);
        let shown: Vec<String> = items
            .iter()
            .map(|item| {
                let replaced = crate::features::fixture::slice(&analysis, &position.path, item.replace_range);
                format!("{} [{}] replaces {replaced:?}", item.id, item.detail)
            })
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn pointer() {
        check(
            "//- /openspec/config.yaml\nschema: spec-driven\nstore: te$0\n",
            &expect![[r#"
                platform [/stores/platform (2 specs)] replaces "te"
                team [/stores/team (2 specs)] replaces "te"
                sick [/stores/sick (not usable: unhealthy root)] replaces "te""#]],
        );
        check("//- /openspec/config.yaml\nschema: $0\n", &expect![""]);
        check("//- /openspec/specs/a/spec.md\nstore: $0\n", &expect![""]);
    }

    #[test]
    fn references_block_inline_and_maps_skip_listed_ids() {
        let block = "//- /openspec/config.yaml\nreferences:\n  - team\n  - $0\n";
        check(
            block,
            &expect![[r#"
                platform [/stores/platform (2 specs)] replaces ""
                sick [/stores/sick (not usable: unhealthy root)] replaces """#]],
        );
        check(
            "//- /openspec/config.yaml\nreferences: [platform, '$0']\n",
            &expect![[r#"
                team [/stores/team (2 specs)] replaces ""
                sick [/stores/sick (not usable: unhealthy root)] replaces """#]],
        );
        check(
            "//- /openspec/config.yaml\nreferences:\n- id: pla$0tf\n  remote: x\n",
            &expect![[r#"
                platform [/stores/platform (2 specs)] replaces "platf"
                team [/stores/team (2 specs)] replaces "platf"
                sick [/stores/sick (not usable: unhealthy root)] replaces "platf""#]],
        );
        check("//- /openspec/config.yaml\nrules:\n  - $0\n", &expect![""]);
    }

    #[test]
    fn initiative_store() {
        let expected = expect![[r#"
            platform [/stores/platform (2 specs)] replaces "t"
            team [/stores/team (2 specs)] replaces "t"
            sick [/stores/sick (not usable: unhealthy root)] replaces "t""#]];
        check("//- /openspec/changes/a/.openspec.yaml\nschema: x\ninitiative:\n  id: q3\n  store: t$0\n", &expected);
        check("//- /openspec/changes/a/.openspec.yaml\ninitiative: {id: q3, store: t$0}\n", &expected);
        check("//- /openspec/changes/a/.openspec.yaml\nstore: t$0\n", &expect![""]);
    }
}
