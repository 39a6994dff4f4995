//! The spec file exists but could not be read. Reads only the snapshot's I/O problem.

// Diagnostic: spec/read-error
//
// `validateSpec` reports a failed read as the spec's only issue, with Node's error message
// (`EACCES: permission denied, open '...'`). The snapshot already carries that message, so
// the finding repeats it verbatim and marks the spec invalid, as the CLI does.

use openspec_syntax::TextRange;

use crate::diagnostic::{Diagnostic, ItemId, Severity};
use crate::vfs::IoProblem;

pub(super) fn check(item: &ItemId, path: &str, problem: &IoProblem, acc: &mut Vec<Diagnostic>) {
    acc.push(Diagnostic::openspec(
        item,
        "spec/read-error",
        Severity::Error,
        path,
        TextRange::empty(0),
        problem.message.clone(),
    ));
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{ItemId, Origin, Severity};
    use crate::vfs::{Entry, FileContent, IoProblem, RootSnapshot};

    #[test]
    fn unreadable_spec_is_its_only_issue() {
        let mut root = RootSnapshot::from_texts([("openspec/specs/auth/spec.md", "")]);
        let problem = IoProblem {
            code: "EACCES".to_owned(),
            message: "EACCES: permission denied, open '/w/openspec/specs/auth/spec.md'".to_owned(),
        };
        root.entries.insert(
            "openspec/specs/auth/spec.md".to_owned(),
            Entry::File { content: FileContent::Unreadable(problem), symlink: false },
        );
        let mut acc = Vec::new();
        super::super::check(&root, &mut acc);
        let found: Vec<_> =
            acc.iter().map(|d| (d.code, d.severity, d.origin, d.item.clone(), d.message.as_str())).collect();
        assert_eq!(
            found,
            vec![(
                "spec/read-error",
                Severity::Error,
                Origin::Openspec,
                Some(ItemId::spec("auth")),
                "EACCES: permission denied, open '/w/openspec/specs/auth/spec.md'"
            )]
        );
    }
}
