//! Giving the memory a check freed back to the system while the server sits idle.
//!
//! The binary's allocator (mimalloc, `main.rs`) returns freed pages to the system only after
//! a purge delay (1 s), and only when some thread frees a page after that delay has passed.
//! A check runs on a blocking thread that goes idle when it is done, so what it freed (for
//! a 10 MB spec, more than a hundred megabytes of working set) stayed resident until the next
//! check: some in pages the thread's heap keeps for its next allocations, the rest waiting for
//! a purge no idle thread triggers. So a blocking thread exits after `THREAD_KEEP_ALIVE` idle
//! (its heap's pages go back to the allocator), and `after_heavy_work` frees a huge block now
//! and then for a few seconds once the purge delay has passed, each of which lets the
//! allocator purge what has waited past its delay; no `unsafe`, no allocator API.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long an idle blocking thread lives (tokio's default is 10 s).
pub const THREAD_KEEP_ALIVE: Duration = Duration::from_secs(1);

/// mimalloc's `purge_delay` (v3's default: 1 s), plus a margin for the timers.
const PURGE_DELAY: Duration = Duration::from_millis(1200);

/// Between two purge triggers: mimalloc purges at most once per tenth of its delay, and only a
/// quarter of its arenas per purge, so a working set spread over many arenas (a 50 MB spec's
/// check: ~800 MB) takes several.
const TRIGGER_EVERY: Duration = Duration::from_millis(200);

/// Triggers after the purge delay: enough to cover the idle threads' exit and every arena.
const TRIGGERS: usize = 20;

/// Larger than mimalloc's largest size class (512 KiB), so it gets a page of its own that
/// goes back to the allocator's arena (and triggers its purge) as soon as it is freed. Never
/// written, so it costs no resident memory.
const HUGE_BLOCK: usize = 1 << 20;

/// Counts calls of `after_heavy_work`: only the newest one's triggers run (it covers what the
/// older ones freed).
static LATEST: AtomicU64 = AtomicU64::new(0);

/// Call after work that freed a lot (a check, a pull): once the purge delay has passed, frees
/// a huge block every `TRIGGER_EVERY` for a few seconds (past the idle threads' exit), so the
/// allocator returns the freed pages. A later call takes over.
pub fn after_heavy_work() {
    let me = LATEST.fetch_add(1, Ordering::Relaxed) + 1;
    tokio::spawn(async move {
        tokio::time::sleep(PURGE_DELAY).await;
        for _ in 0..TRIGGERS {
            if LATEST.load(Ordering::Relaxed) != me {
                return;
            }
            drop(std::hint::black_box(Vec::<u8>::with_capacity(HUGE_BLOCK)));
            tokio::time::sleep(TRIGGER_EVERY).await;
        }
    });
}
