//! What a check reports: a finding on a byte range of one file, the rule that found it, and
//! which `openspec validate` item (if any) it counts toward.

use openspec_syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// Who defines the rule: the reference CLI (`openspec validate` reports it too) or this tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    Openspec,
    OpenspecLsp,
}

impl Origin {
    pub const fn as_str(self) -> &'static str {
        match self {
            Origin::Openspec => "openspec",
            Origin::OpenspecLsp => "openspec-lsp",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    Spec,
    Change,
}

impl ItemKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ItemKind::Spec => "spec",
            ItemKind::Change => "change",
        }
    }
}

/// An `openspec validate` item: a main spec (id = capability path) or an active change (id =
/// folder name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemId {
    pub kind: ItemKind,
    pub id: String,
}

impl ItemId {
    pub fn spec(id: impl Into<String>) -> Self {
        Self { kind: ItemKind::Spec, id: id.into() }
    }

    pub fn change(id: impl Into<String>) -> Self {
        Self { kind: ItemKind::Change, id: id.into() }
    }
}

/// A second place that explains a diagnostic (the first declaration of a duplicate, the base
/// requirement of a delta).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub path: String,
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Root-relative, `/`-separated path of the file (or, for a change with no file at all,
    /// its folder) the finding is attached to.
    pub path: String,
    /// Byte range in that file's original text; empty at 0 for file-level findings.
    pub range: TextRange,
    pub severity: Severity,
    /// Stable rule id, e.g. `spec/missing-purpose`; never changes once shipped.
    pub code: &'static str,
    pub origin: Origin,
    pub message: String,
    /// The validate item this finding counts toward. `openspec` findings always have one
    /// (that is how verdicts are computed); `openspec-lsp` findings may.
    pub item: Option<ItemId>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A finding of a rule `openspec validate` applies, counted toward `item`.
    pub fn openspec(
        item: &ItemId,
        code: &'static str,
        severity: Severity,
        path: impl Into<String>,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            range,
            severity,
            code,
            origin: Origin::Openspec,
            message: message.into(),
            item: Some(item.clone()),
            related: Vec::new(),
        }
    }

    /// A finding of one of this tool's own checks.
    pub fn lsp(
        item: Option<&ItemId>,
        code: &'static str,
        severity: Severity,
        path: impl Into<String>,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            range,
            severity,
            code,
            origin: Origin::OpenspecLsp,
            message: message.into(),
            item: item.cloned(),
            related: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_related(mut self, path: impl Into<String>, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related { path: path.into(), range, message: message.into() });
        self
    }
}
