//! Where a store id is written: the project config's `store:` pointer and `references:` items
//! (a string, or a map's `id`), and an active change's `.openspec.yaml` `initiative.store`.
//! Shared by the store features (hover, definition, code actions) that act on the id under the
//! cursor. Pure: parses the file's YAML from the snapshot.

use openspec_syntax::TextRange;
use openspec_syntax::yaml::{self, Node};

use crate::schema;
use crate::vfs::RootSnapshot;

/// Which declaration names the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteKind {
    /// `store: <id>` in the project config.
    Pointer,
    /// An item of `references:` in the project config.
    Reference,
    /// `initiative: {store: <id>}` in an active change's metadata.
    Initiative,
}

/// A store id as written, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreSite {
    pub kind: SiteKind,
    pub id: String,
    pub range: TextRange,
}

/// Which of the two files that can name a store `path` is, if either.
pub(crate) fn file_kind(root: &RootSnapshot, path: &str) -> Option<FileKind> {
    if schema::project_config_path(root) == Some(path) {
        return Some(FileKind::Config);
    }
    let rest = path.strip_prefix("openspec/changes/")?;
    let (change_id, file) = rest.split_once('/')?;
    (file == ".openspec.yaml" && change_id != "archive").then_some(FileKind::ChangeMetadata)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    Config,
    ChangeMetadata,
}

/// Every store id `path` names, in file order. Empty for other files and for YAML that does
/// not parse.
pub fn sites(root: &RootSnapshot, path: &str) -> Vec<StoreSite> {
    let Some(kind) = file_kind(root, path) else { return Vec::new() };
    let Some(node) = root.text(path).and_then(|text| yaml::parse(text).ok()) else { return Vec::new() };
    let mut found = Vec::new();
    let mut push = |kind, node: &Node| {
        if let Some(id) = node.as_str() {
            found.push(StoreSite { kind, id: id.to_owned(), range: node.range });
        }
    };
    match kind {
        FileKind::Config => {
            if let Some(entry) = node.get("store") {
                push(SiteKind::Pointer, &entry.value);
            }
            let items = node.get("references").and_then(|entry| entry.value.as_sequence()).unwrap_or_default();
            for item in items {
                match item.get("id") {
                    Some(id) => push(SiteKind::Reference, &id.value),
                    None => push(SiteKind::Reference, item),
                }
            }
        }
        FileKind::ChangeMetadata => {
            if let Some(store) = node.get("initiative").and_then(|entry| entry.value.get("store")) {
                push(SiteKind::Initiative, &store.value);
            }
        }
    }
    found
}

/// The store id under `offset` of `path` (its end included, so a cursor just after it counts).
pub fn site_at(root: &RootSnapshot, path: &str, offset: usize) -> Option<StoreSite> {
    sites(root, path).into_iter().find(|site| site.range.start <= offset && offset <= site.range.end)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::test_support::snapshot;

    #[test]
    fn sites_in_config_and_metadata() {
        let fixture = test_utils::Fixture::parse(
            "//- /openspec/config.yaml\nschema: spec-driven\nstore: team\nreferences:\n  - lib\n  - {id: 'platform', remote: x}\n  - 42\n//- /openspec/changes/a/.openspec.yaml\ninitiative:\n  store: team\n  id: q3\n//- /openspec/changes/archive/.openspec.yaml\ninitiative: {store: old, id: x}\n",
        );
        let root = snapshot(&fixture);
        let shown: Vec<String> =
            ["openspec/config.yaml", "openspec/changes/a/.openspec.yaml", "openspec/changes/archive/.openspec.yaml"]
                .iter()
                .flat_map(|path| super::sites(&root, path))
                .map(|site| format!("{:?} {} {:?}", site.kind, site.id, site.range))
                .collect();
        expect![[r#"
            Pointer team TextRange { start: 27, end: 31 }
            Reference lib TextRange { start: 48, end: 51 }
            Reference platform TextRange { start: 61, end: 71 }
            Initiative team TextRange { start: 21, end: 25 }"#]]
        .assert_eq(&shown.join("\n"));
    }
}
