//! When an open buffer over `largeFileBytes` is checked: not per keystroke (a check of a
//! multi-megabyte spec takes seconds of CPU, and typing would keep one running back to back),
//! but once the user has paused typing in it for `PAUSE`. Its pulled diagnostics
//! (`textDocument/diagnostic`) answer after that pause too, from the buffer as it is then.
//! Buffers under the limit are checked at every edit, as before.

use std::path::Path;
use std::time::Duration;

use super::Backend;

/// How long a large buffer must go unedited before it is checked. Long enough to span the gap
/// between keystrokes of someone typing, short enough to feel like "when I stop".
pub const PAUSE: Duration = Duration::from_millis(750);

impl Backend {
    /// What `didChange` does once the edit is applied: schedules the check at once, or, for a
    /// large buffer, after the pause (unless another edit came meanwhile, whose own pause then
    /// counts). The generation moves on now either way, so no result computed for the old text
    /// is published and a request reads the new one.
    pub(super) fn check_after_edit(&self, path: &Path) {
        let pending_edit = {
            let mut state = self.lock();
            match state.documents.get(path).filter(|document| document.is_large()) {
                Some(document) => {
                    let edit = document.edits;
                    state.generation += 1;
                    Some(edit)
                }
                None => None,
            }
        };
        let Some(edit) = pending_edit else {
            self.schedule_diagnostics();
            return;
        };
        let backend = self.clone();
        let path = path.to_owned();
        tokio::spawn(async move {
            tokio::time::sleep(PAUSE).await;
            let still_latest = backend.lock().documents.get(&path).is_some_and(|document| document.edits == edit);
            if still_latest {
                backend.schedule_diagnostics();
            }
        });
    }

    /// Waits until `path`, if it is an open large buffer, has gone unedited for the pause: what
    /// a pull for it waits for before checking.
    pub(super) async fn wait_for_pause(&self, path: &Path) {
        loop {
            let remaining = {
                let state = self.lock();
                let Some(document) = state.documents.get(path).filter(|document| document.is_large()) else { return };
                if document.edits == 0 {
                    return;
                }
                PAUSE.saturating_sub(document.edited_at.elapsed())
            };
            if remaining.is_zero() {
                return;
            }
            tokio::time::sleep(remaining).await;
        }
    }
}
