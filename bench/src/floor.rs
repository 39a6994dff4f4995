//! The floor every whole-workspace figure is held to: reading every file once
//! (`find DIR/openspec -type f -print0 | xargs -0 cat >/dev/null`), in wall time and in CPU time,
//! beside `openspec-lsp check` on the same folder, runs interleaved so both see the same load.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::stats::{Summary, round3};

/// CPU time (user + system) of every child process this one has waited for, in milliseconds,
/// from `/proc/self/stat` (`cutime` + `cstime`, clock ticks at the usual 100 Hz; the kernel
/// sums in nanoseconds, so the sum over many runs keeps its precision).
fn children_cpu_ms() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat")?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).context("malformed /proc/self/stat")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `cutime` and `cstime` are fields 16 and 17 of the whole line, 14 and 15 after `comm`.
    let ticks = |idx: usize| fields.get(idx).and_then(|field| field.parse::<f64>().ok());
    let (Some(user), Some(system)) = (ticks(13), ticks(14)) else { bail!("no cutime/cstime in /proc/self/stat") };
    Ok((user + system) * 10.0)
}

/// One run of `command`: its wall time and the CPU time of it and its children.
fn run(command: &mut Command) -> anyhow::Result<(Duration, f64)> {
    let cpu_before = children_cpu_ms()?;
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status()?;
    let wall = started.elapsed();
    // `check` exits 1 when an item is invalid; only a crash is a failure.
    if status.code().is_none_or(|code| code > 1) {
        bail!("{command:?} failed with {status}");
    }
    Ok((wall, children_cpu_ms()? - cpu_before))
}

/// `runs` runs each (after one unmeasured warm-up run of each, so both read from the page
/// cache) of reading every file under `root/openspec` once and of `ours check root --format json`.
pub fn floor(root: &Path, ours: &Path, runs: usize) -> anyhow::Result<Value> {
    let root = root.canonicalize()?;
    let openspec = root.join("openspec");
    let read_once = || {
        let mut command = Command::new("sh");
        command.arg("-c").arg("find \"$1\" -type f -print0 | xargs -0 cat >/dev/null").arg("sh").arg(&openspec);
        command
    };
    let check = || {
        let mut command = Command::new(ours);
        command.arg("check").arg(&root).args(["--format", "json"]);
        command
    };
    let (mut read_wall, mut read_cpu, mut check_wall, mut check_cpu) = (Vec::new(), 0.0, Vec::new(), 0.0);
    for round in 0..=runs {
        let (wall, cpu) = run(&mut read_once())?;
        let (wall_check, cpu_check) = run(&mut check())?;
        if round > 0 {
            read_wall.push(wall);
            read_cpu += cpu;
            check_wall.push(wall_check);
            check_cpu += cpu_check;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let n = runs.max(1) as f64;
    let (read_cpu, check_cpu) = (read_cpu / n, check_cpu / n);
    let read_wall = Summary::of(&read_wall);
    let check_wall = Summary::of(&check_wall);
    Ok(json!({
        "read_once": {"wall": read_wall.to_json(), "cpu_ms": round3(read_cpu)},
        "check": {"wall": check_wall.to_json(), "cpu_ms": round3(check_cpu)},
        "cpu_ratio": round3(check_cpu / read_cpu.max(1e-9)),
        "wall_ratio": round3(check_wall.p50_ms / read_wall.p50_ms.max(1e-9)),
    }))
}
