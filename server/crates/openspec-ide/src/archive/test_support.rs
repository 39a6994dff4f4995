//! The renderer the archive tests share.

use expect_test::Expect;

use std::fmt::Write;

use super::*;

/// Renders a simulation: each problem and warning with the delta text it points at, then
/// the rebuilt spec.
pub(super) fn check(base: Option<&str>, delta: &str, expect: &Expect) {
    let request = ArchiveRequest {
        capability: "auth",
        change: "add-x",
        delta_text: delta,
        base_text: base,
        base_path: "openspec/specs/auth/spec.md",
    };
    let simulation = simulate(&request);
    let at = |range: TextRange| delta.get(range.start..range.end).unwrap_or("<bad range>").to_owned();
    let mut out = String::new();
    for problem in &simulation.problems {
        let _ = write!(out, "problem {:?} at {:?}", problem.kind, at(problem.range));
        if let Some(near) = &problem.near_miss {
            let _ = write!(out, " near={near:?}");
        }
        if let (Some(base), Some(range)) = (base, problem.base_range) {
            let _ = write!(out, " base={:?}", &base[range.start..range.end]);
        }
        let _ = writeln!(out, "\n  {}", problem.message);
    }
    for warning in &simulation.warnings {
        let _ = writeln!(out, "warning at {:?}\n  {}", warning.range.map(at), warning.message);
    }
    let _ = write!(out, "counts {:?} new={}\n---\n{}", simulation.counts, simulation.is_new_spec, simulation.rebuilt);
    expect.assert_eq(&out);
}

/// A main spec the tests merge into.
pub(super) const BASE: &str = "# auth Specification\n\n## Purpose\nAuthentication for the whole product, kept short here.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n\n#### Scenario: bad\n- **WHEN** z\n- **THEN** w\n\n### Requirement: Logout\nThe system SHALL log out.\n\n#### Scenario: out\n- **WHEN** a\n- **THEN** b\n";
