//! A small parallel map for the whole-workspace passes (indexing, checking): two threads on
//! the two-core machines this runs on, each taking the next item as it finishes one, since
//! item costs vary a lot (a 10,000-line spec next to a one-line task file). The result is in
//! input order, so parallelism never changes an answer.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many items a second thread costs more than it saves.
const PARALLEL_FROM: usize = 64;

/// `items.iter().map(f).collect()`, on two threads for long inputs. `init` makes each
/// thread's scratch state (a memo, a parser), passed to `f` with the item.
pub(crate) fn map_with<T, S, R>(items: &[T], init: impl Fn() -> S + Sync, f: impl Fn(&mut S, &T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    if items.len() < PARALLEL_FROM {
        let mut scratch = init();
        return items.iter().map(|item| f(&mut scratch, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut scratch = init();
        let mut done = Vec::new();
        loop {
            let idx = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(idx) else { break };
            done.push((idx, f(&mut scratch, item)));
        }
        done
    };
    let mut done = std::thread::scope(|scope| {
        let other = scope.spawn(worker);
        let mut done = worker();
        // A panic in `f` is a bug; re-raise it here rather than lose the other half.
        done.extend(other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        done
    });
    done.sort_unstable_by_key(|(idx, _)| *idx);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<usize> = (0..1000).collect();
        let doubled = super::map_with(&items, || (), |(), n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
