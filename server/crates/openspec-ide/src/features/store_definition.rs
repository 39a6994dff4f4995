//! Go to definition on a store id: the registered checkout's `.openspec-store/store.yaml`
//! (where the store names itself), or its `openspec/config.yaml` when that file is missing. The
//! target lies outside the root, so the answer is the checkout and a path in it; the lsp crate
//! turns it into a location. Pure: the registry is handed in.

use openspec_syntax::TextRange;

use super::store_sites;
use crate::store::{Registry, STORE_METADATA_FILE, StoreHealth};
use crate::types::FilePosition;
use crate::vfs::RootSnapshot;

/// Where a store id leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreDefinition {
    /// The id under the cursor.
    pub origin: TextRange,
    /// The registered checkout (`backend.local_path`).
    pub checkout: String,
    /// The file to open, relative to the checkout, `/`-separated.
    pub file: &'static str,
}

pub fn definition(root: &RootSnapshot, position: &FilePosition, registry: &Registry) -> Option<StoreDefinition> {
    let site = store_sites::site_at(root, &position.path, position.offset)?;
    let registered = registry.find(&site.id)?;
    let file = match registered.health {
        StoreHealth::MetadataMissing { .. } => "openspec/config.yaml",
        _ => STORE_METADATA_FILE,
    };
    Some(StoreDefinition { origin: site.range, checkout: registered.entry.local_path.clone(), file })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::store::tests::registry;

    #[test]
    fn registered_stores_lead_to_their_identity() {
        let stores = registry(&["team", "bare=missing"]);
        let shown: Vec<String> = [
            "//- /openspec/config.yaml\nstore: team$0\n",
            "//- /openspec/config.yaml\nreferences: [team, ba$0re]\n",
            "//- /openspec/config.yaml\nreferences: [te$0amx]\n",
        ]
        .iter()
        .map(|fixture| {
            let (analysis, position, _) = crate::features::fixture::analysis(fixture);
            format!("{:?}", super::definition(&analysis.root, &position, &stores))
        })
        .collect();
        expect![[r#"
            Some(StoreDefinition { origin: TextRange { start: 7, end: 11 }, checkout: "/stores/team", file: ".openspec-store/store.yaml" })
            Some(StoreDefinition { origin: TextRange { start: 19, end: 23 }, checkout: "/stores/bare", file: "openspec/config.yaml" })
            None"#]]
        .assert_eq(&shown.join("\n"));
    }
}
