//! An OpenSpec marker block left in an agent-instructions file the user owns.

// Diagnostic: legacy/marker-block
//
// Older releases wrote their agent instructions between `<!-- OPENSPEC:START -->` and
// `<!-- OPENSPEC:END -->` in root files such as `CLAUDE.md` and `AGENTS.md`. The block now
// contradicts the skills agents get, and `openspec update` cuts it out while keeping the rest of
// the file. Detection is the CLI's (both markers anywhere in the file), so the finding appears
// exactly where `openspec update` would act. When neither marker stands on a line of its own,
// the CLI finds nothing to cut and leaves the file as it is; the message says so, since the
// markers must then be removed by hand.

use openspec_syntax::TextRange;
use openspec_syntax::legacy::{MARKER_END, MARKER_START, find_marker_block, has_markers};

use crate::diagnostic::{Diagnostic, Severity};
use crate::legacy::MARKER_HOSTS;
use crate::vfs::RootSnapshot;

pub(super) const CODE: &str = "legacy/marker-block";

pub(super) fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    for path in MARKER_HOSTS {
        let Some(text) = root.text(path) else { continue };
        if !has_markers(text) {
            continue;
        }
        let diagnostic = if let Some(block) = find_marker_block(text) {
            Diagnostic::lsp(
                None,
                CODE,
                Severity::Warning,
                *path,
                block.start_marker,
                "An OpenSpec marker block from an older release: its instructions contradict today's OpenSpec skills. Migration: remove the block from this marker to the end marker; your own text around it stays.",
            )
            .with_related(*path, block.end_marker, "the block ends here")
        } else {
            let start = text.find(MARKER_START).unwrap_or(0);
            Diagnostic::lsp(
                None,
                CODE,
                Severity::Warning,
                *path,
                TextRange::new(start, start + MARKER_START.len()),
                format!(
                    "OpenSpec markers from an older release, but not each alone on its own line, so `openspec update` cannot cut the block out. Migration: delete the old OpenSpec instructions and both markers by hand (`{MARKER_START}` ... `{MARKER_END}`)."
                ),
            )
        };
        acc.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn marker_blocks_in_root_agent_files() {
        expect![[r#"
            //- /CLAUDE.md
            # Mine

            <!-- OPENSPEC:START -->
            ^^^^^^^^^^^^^^^^^^^^^^^ warning[legacy/marker-block] (openspec-lsp): An OpenSpec marker block from an older release: its instructions contradict today's OpenSpec skills. Migration: remove the block from this marker to the end marker; your own text around it stays.
            Use openspec/AGENTS.md.
            <!-- OPENSPEC:END -->

            More of mine.
        "#]].assert_eq(&check(
            "//- /CLAUDE.md\n# Mine\n\n<!-- OPENSPEC:START -->\nUse openspec/AGENTS.md.\n<!-- OPENSPEC:END -->\n\nMore of mine.\n//- /docs/CLAUDE.md\n<!-- OPENSPEC:START -->\n<!-- OPENSPEC:END -->\n//- /QWEN.md\nNo markers here.\n",
        ));
        expect![[r#"
            //- /AGENTS.md
            See <!-- OPENSPEC:START --> and <!-- OPENSPEC:END -->.
                ^^^^^^^^^^^^^^^^^^^^^^^ warning[legacy/marker-block] (openspec-lsp): OpenSpec markers from an older release, but not each alone on its own line, so `openspec update` cannot cut the block out. Migration: delete the old OpenSpec instructions and both markers by hand (`<!-- OPENSPEC:START -->` ... `<!-- OPENSPEC:END -->`).
        "#]].assert_eq(&check("//- /AGENTS.md\nSee <!-- OPENSPEC:START --> and <!-- OPENSPEC:END -->.\n"));
        expect![[r#""#]].assert_eq(&check("//- /AGENTS.md\n<!-- OPENSPEC:START -->\nno end\n"));
    }
}
