//! Hover on a store id (`store:`, a `references:` item, `initiative.store`): the registered
//! checkout, its remote and branch, how many specs it has and whether the CLI could use it.
//! Drift from upstream is not shown: knowing it takes a fetch. Pure: the registry is handed in
//! as the lsp crate read it.

use std::fmt::Write;

use super::hover::HoverResult;
use super::store_sites;
use crate::store::{self, Registry, StoreHealth};
use crate::types::FilePosition;
use crate::vfs::RootSnapshot;

pub fn hover(root: &RootSnapshot, position: &FilePosition, registry: &Registry) -> Option<HoverResult> {
    let site = store_sites::site_at(root, &position.path, position.offset)?;
    Some(HoverResult { range: site.range, markdown: describe(&site.id, registry) })
}

/// Markdown about the store `id` as the registry knows it.
pub(crate) fn describe(id: &str, registry: &Registry) -> String {
    let mut out = format!("**Store** {}\n\n", code_span(id));
    if let Some(problem) = store::store_id_problem(id) {
        let _ = writeln!(out, "Not a valid store id: {problem}.");
        return out;
    }
    let registered = match registry {
        Registry::Unreadable { message } => {
            let _ = writeln!(out, "The store registry cannot be read: {}", code_span(message));
            return out;
        }
        registry => registry.find(id),
    };
    let Some(registered) = registered else {
        let _ = writeln!(out, "Not registered on this machine (`openspec store register <path> --id {id}`).");
        return out;
    };
    let entry = &registered.entry;
    let _ = writeln!(out, "- Checkout: {}", code_span(&entry.local_path));
    let _ =
        writeln!(out, "- Remote: {}", entry.remote.as_deref().map_or_else(|| "none registered".to_owned(), code_span));
    if let Some(branch) = &entry.branch {
        let _ = writeln!(out, "- Branch: {}", code_span(branch));
    }
    let health = match &registered.health {
        StoreHealth::Ok { .. } => {
            let _ = writeln!(out, "- Specs: {}", registered.spec_count);
            "healthy".to_owned()
        }
        StoreHealth::MetadataMissing { metadata_path } => format!("not usable: no {}", code_span(metadata_path)),
        StoreHealth::MetadataIdMismatch { actual_id } => {
            format!("not usable: its metadata names it {}", code_span(actual_id))
        }
        StoreHealth::MetadataError { message } => format!("not usable: {}", code_span(message)),
        StoreHealth::UnhealthyRoot { problems } => format!("not usable: {}", code_span(problems)),
    };
    let _ = writeln!(out, "- Health: {health}");
    out
}

/// `text` as a Markdown code span that nothing in it can close, on one line.
pub(crate) fn code_span(text: &str) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A short line for a completion detail: the checkout and its health.
pub(crate) fn summary(registered: &store::RegisteredStore) -> String {
    let health = match &registered.health {
        StoreHealth::Ok { .. } => format!("{} specs", registered.spec_count),
        health => format!("not usable: {}", health.kind_words()),
    };
    format!("{} ({health})", registered.entry.local_path)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::rules::store::tests::registry;
    use crate::store::Registry;

    fn check(fixture: &str, registry: &Registry, expect: &Expect) {
        let (analysis, position, _) = crate::features::fixture::analysis(fixture);
        let out = match super::hover(&analysis.root, &position, registry) {
            Some(hover) => format!(
                "range {}\n{}",
                crate::features::fixture::location(&analysis, &position.path, hover.range),
                hover.markdown
            ),
            None => "no hover\n".to_owned(),
        };
        expect.assert_eq(&out);
    }

    #[test]
    fn a_healthy_store() {
        check(
            "//- /openspec/config.yaml\nstore: te$0am\n",
            &registry(&["team"]),
            &expect![[r#"
                range openspec/config.yaml:1:8 "team"
                **Store** `team`

                - Checkout: `/stores/team`
                - Remote: `git@github.com:org/team.git`
                - Specs: 2
                - Health: healthy
            "#]],
        );
    }

    #[test]
    fn broken_and_unknown_stores() {
        let stores = registry(&["sick=unhealthy", "twin=mismatch"]);
        check(
            "//- /openspec/config.yaml\nreferences:\n  - {id: sick$0}\n",
            &stores,
            &expect![[r#"
                range openspec/config.yaml:2:10 "sick"
                **Store** `sick`

                - Checkout: `/stores/sick`
                - Remote: none registered
                - Health: not usable: `Missing openspec/ directory.`
            "#]],
        );
        check(
            "//- /openspec/changes/a/.openspec.yaml\ninitiative: {store: $0nowhere, id: q3}\n",
            &stores,
            &expect![[r#"
                range openspec/changes/a/.openspec.yaml:1:21 "nowhere"
                **Store** `nowhere`

                Not registered on this machine (`openspec store register <path> --id nowhere`).
            "#]],
        );
        check("//- /openspec/config.yaml\nschema: spec$0-driven\n", &stores, &expect!["no hover\n"]);
    }

    #[test]
    fn code_spans_cannot_be_closed() {
        assert_eq!(super::code_span("a`b"), "``a`b``");
        assert_eq!(super::code_span("`x\ny"), "`` `x y ``");
    }
}
