//! Giving the memory a check freed back to the system while the server sits idle.
//!
//! The binary's allocator (mimalloc, `main.rs`) returns freed pages to the system only after
//! a purge delay (1 s), and only when some thread frees a page after that delay has passed.
//! A check runs on a blocking thread that goes idle when it is done, so what it freed (for
//! a 10 MB spec, more than a hundred megabytes of working set) stayed resident until the next
//! check: some in pages the thread's heap keeps for its next allocations, the rest waiting for
//! a purge no idle thread triggers. So a blocking thread exits after `THREAD_KEEP_ALIVE` idle
//! (its heap's pages go back to the allocator), and `after_heavy_work` frees one huge block
//! once the thread is gone and the purge delay has passed, which lets the allocator purge
//! everything whose delay has expired; no `unsafe`, no allocator API.

use std::time::Duration;

/// How long an idle blocking thread lives (tokio's default is 10 s).
pub const THREAD_KEEP_ALIVE: Duration = Duration::from_secs(1);

/// mimalloc's `purge_delay` (v3's default: 1 s), plus a margin for the timers.
const PURGE_DELAY: Duration = Duration::from_millis(1200);

/// Larger than mimalloc's largest size class (512 KiB), so it gets a page of its own that
/// goes back to the allocator's arena (and triggers its purge) as soon as it is freed. Never
/// written, so it costs no resident memory.
const HUGE_BLOCK: usize = 1 << 20;

/// Call after work that freed a lot (a check, a pull): once the purge delay has passed, and
/// again once the idle thread has exited and the delay has passed for what it gave back, frees
/// a huge block, so the allocator returns the freed pages.
pub fn after_heavy_work() {
    tokio::spawn(async {
        for wait in [PURGE_DELAY, THREAD_KEEP_ALIVE] {
            tokio::time::sleep(wait).await;
            drop(std::hint::black_box(Vec::<u8>::with_capacity(HUGE_BLOCK)));
        }
    });
}
