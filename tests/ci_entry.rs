//! `.ci/run`, the CI entry point, refuses the opt-out switches of `scripts/test`, so a CI run
//! cannot skip a test and still look green. The refusal comes before any work, so the test runs
//! the real script.

mod support;

use std::process::Command;

use support::repo_root;

#[test]
fn ci_run_refuses_every_opt_out() {
    let flags = ["OPENSPEC_PARITY", "OPENSPEC_FUZZ_CHECK", "OPENSPEC_EDITORS_TEST", "OPENSPEC_BENCH"];
    for flag in flags {
        let mut command = Command::new("bash");
        command.arg(repo_root().join(".ci/run"));
        for other in flags {
            command.env_remove(other);
        }
        let output = command.env(flag, "skip").output().expect("run bash .ci/run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag}=skip: {stderr}");
        assert!(stderr.contains(&format!("refusing to run with {flag}=skip")), "{flag}: {stderr}");
        assert!(output.stdout.is_empty(), "nothing ran: {}", String::from_utf8_lossy(&output.stdout));
    }
}
