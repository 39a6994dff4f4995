//! The workflow schema model: artifacts, the apply phase, and the built-in `spec-driven`
//! schema as data.

use openspec_syntax::TextRange;

pub const SPEC_DRIVEN: &str = "spec-driven";
pub const PROJECT_SCHEMAS_DIR: &str = "openspec/schemas";
pub const SCHEMA_FILE: &str = "schema.yaml";

/// A string read from YAML and where it was written (empty at 0 for built-in data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpannedStr {
    pub text: String,
    pub range: TextRange,
}

impl SpannedStr {
    fn builtin(text: &str) -> Self {
        Self { text: text.to_owned(), range: TextRange::empty(0) }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub id: SpannedStr,
    pub generates: SpannedStr,
    pub description: String,
    pub template: SpannedStr,
    pub requires: Vec<SpannedStr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyPhase {
    pub requires: Vec<SpannedStr>,
    /// The `generates` value whose artifact holds the tasks; `None` when absent or `null`.
    pub tracks: Option<SpannedStr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowSchema {
    pub name: String,
    pub artifacts: Vec<Artifact>,
    pub apply: Option<ApplyPhase>,
}

impl WorkflowSchema {
    pub fn artifact(&self, id: &str) -> Option<&Artifact> {
        self.artifacts.iter().find(|artifact| artifact.id.text == id)
    }

    /// `findTrackedTasksArtifact`: the artifact whose `generates` equals `apply.tracks`, or the
    /// one with id `tasks` when nothing is tracked explicitly.
    pub fn tracked_tasks_artifact(&self) -> Option<&Artifact> {
        match self.apply.as_ref().and_then(|apply| apply.tracks.as_ref()) {
            Some(tracks) => self.artifacts.iter().find(|artifact| artifact.generates.text == tracks.text),
            None => self.artifact("tasks"),
        }
    }
}

/// The package's `schemas/spec-driven/schema.yaml` (1.13.2), reduced to what checks read.
pub fn builtin_spec_driven() -> WorkflowSchema {
    let artifact = |id: &str, generates: &str, template: &str, description: &str, requires: &[&str]| Artifact {
        id: SpannedStr::builtin(id),
        generates: SpannedStr::builtin(generates),
        description: description.to_owned(),
        template: SpannedStr::builtin(template),
        requires: requires.iter().map(|id| SpannedStr::builtin(id)).collect(),
    };
    WorkflowSchema {
        name: SPEC_DRIVEN.to_owned(),
        artifacts: vec![
            artifact("proposal", "proposal.md", "proposal.md", "Initial proposal document outlining the change", &[]),
            artifact("specs", "specs/**/*.md", "spec.md", "Detailed specifications for the change", &["proposal"]),
            artifact(
                "design",
                "design.md",
                "design.md",
                "Technical design document with implementation details",
                &["proposal"],
            ),
            artifact(
                "tasks",
                "tasks.md",
                "tasks.md",
                "Implementation checklist with trackable tasks",
                &["specs", "design"],
            ),
        ],
        apply: Some(ApplyPhase {
            requires: vec![SpannedStr::builtin("tasks")],
            tracks: Some(SpannedStr::builtin("tasks.md")),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schema_tracks_tasks_md() {
        let schema = builtin_spec_driven();
        assert_eq!(schema.tracked_tasks_artifact().map(|artifact| artifact.id.text.as_str()), Some("tasks"));
    }
}
