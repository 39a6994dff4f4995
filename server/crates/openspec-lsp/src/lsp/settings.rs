//! Server settings, from `initializationOptions` and `workspace/configuration` (section
//! `openspec`). Unknown keys are ignored and a malformed value falls back to its default, so a
//! typo in an editor's settings never stops the server.

use std::collections::BTreeMap;
use std::path::PathBuf;

use openspec_ide::{CheckConfig, Severity};
use serde_json::Value;

/// What a per-rule override does to a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeverityOverride {
    Set(Severity),
    Off,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub check: CheckConfig,
    /// Rule code -> override, e.g. `{"markdown/indented-heading": "off"}`.
    pub severity: BTreeMap<String, SeverityOverride>,
    /// Folders to search for OpenSpec roots besides the workspace folders.
    pub extra_roots: Vec<PathBuf>,
    /// `largeFileBytes`: open buffers larger than this get no tree-sitter view (no semantic
    /// tokens, no `markdown/*` checks while open) and are checked once typing pauses, not per
    /// keystroke. `None`: `DEFAULT_LARGE_FILE_BYTES`.
    pub large_file_bytes: Option<usize>,
}

/// Open buffers above 1 MB are not parsed as you type, and are checked once typing pauses
/// (`lsp::server::large_files`): a spec that size is already far beyond anything written by
/// hand (the largest real ones are ~100 KB), and the CommonMark tree costs ~75-100 times the
/// text in memory (a 4 MB spec's ~400 MB, docs/performance.md "Huge open files").
pub const DEFAULT_LARGE_FILE_BYTES: usize = 1_000_000;

impl Settings {
    /// Reads the settings object (`{"strict": true, "allRules": false, "severity": {..},
    /// "extraRoots": [..]}`); also accepts it wrapped as `{"openspec": {...}}`.
    pub fn from_json(value: &Value) -> Settings {
        let value = value.get("openspec").unwrap_or(value);
        let flag = |key: &str| value.get(key).and_then(Value::as_bool).unwrap_or(false);
        let severity = value
            .get("severity")
            .and_then(Value::as_object)
            .map(|overrides| {
                overrides
                    .iter()
                    .filter_map(|(code, level)| {
                        let level = match level.as_str()? {
                            "error" => SeverityOverride::Set(Severity::Error),
                            "warning" => SeverityOverride::Set(Severity::Warning),
                            "info" | "information" => SeverityOverride::Set(Severity::Info),
                            "hint" => SeverityOverride::Set(Severity::Hint),
                            "off" | "none" => SeverityOverride::Off,
                            _ => return None,
                        };
                        Some((code.clone(), level))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let extra_roots = value
            .get("extraRoots")
            .and_then(Value::as_array)
            .map(|roots| roots.iter().filter_map(Value::as_str).map(PathBuf::from).collect())
            .unwrap_or_default();
        let large_file_bytes =
            value.get("largeFileBytes").and_then(Value::as_u64).and_then(|bytes| usize::try_from(bytes).ok());
        Settings {
            check: CheckConfig { strict: flag("strict"), all_rules: flag("allRules") },
            severity,
            extra_roots,
            large_file_bytes,
        }
    }

    /// The size above which an open buffer degrades (see `large_file_bytes`).
    pub fn large_file_limit(&self) -> usize {
        self.large_file_bytes.unwrap_or(DEFAULT_LARGE_FILE_BYTES)
    }

    /// The severity a finding is shown with, or `None` when its rule is switched off.
    pub fn effective_severity(&self, code: &str, severity: Severity) -> Option<Severity> {
        match self.severity.get(code) {
            Some(SeverityOverride::Off) => None,
            Some(SeverityOverride::Set(level)) => Some(*level),
            None => Some(severity),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_leniently() {
        let settings = Settings::from_json(&serde_json::json!({
            "openspec": {"strict": true, "allRules": "yes", "severity": {"a/b": "off", "c/d": "hint", "e/f": 3},
                         "extraRoots": ["/x", 1], "largeFileBytes": 1000}
        }));
        assert_eq!(settings.large_file_limit(), 1000);
        assert_eq!(
            Settings::from_json(&serde_json::json!({"largeFileBytes": "big"})).large_file_limit(),
            DEFAULT_LARGE_FILE_BYTES
        );
        assert!(settings.check.strict);
        assert!(!settings.check.all_rules);
        assert_eq!(settings.effective_severity("a/b", Severity::Error), None);
        assert_eq!(settings.effective_severity("c/d", Severity::Error), Some(Severity::Hint));
        assert_eq!(settings.effective_severity("e/f", Severity::Error), Some(Severity::Error));
        assert_eq!(settings.extra_roots, vec![PathBuf::from("/x")]);
    }
}
