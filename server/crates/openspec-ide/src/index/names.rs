//! The name index: every name workspace symbols (and completion) offer, lowercased once and
//! laid out for lookups that touch only candidates. Built once per index (on first use) and
//! shared by its clones; an edit that leaves every name as it was keeps it.
//!
//! A query's matches rank by tier (exact, prefix, substring, subsequence of the lowercased
//! name), then by the name's length in characters, the name, the container and the order the
//! workspace offers them in (specs by capability with their requirements, then active changes
//! with the capabilities only they introduce). The entries are stored in that order without
//! the tier (their *rank*), so each tier is a scan that can stop as soon as enough are found:
//!
//! * exact and prefix: a binary search over the entries sorted by lowercased name;
//! * substring: `memmem` over all lowercased names joined in rank order;
//! * subsequence: the entries in rank order, skipping (by a 64-bit byte mask) those that lack
//!   a byte of the query.

use memchr::memmem;

use super::WorkspaceIndex;

/// How well a name matches a query: lower is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchTier {
    Exact,
    Prefix,
    Substring,
    Subsequence,
}

/// What a name belongs to, by position in the index (`specs`, `requirements`, `changes`,
/// `deltas`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameRef {
    Spec {
        spec: usize,
    },
    Requirement {
        spec: usize,
        requirement: usize,
    },
    /// An active change.
    Change {
        change: usize,
    },
    /// A delta spec of an active change for a capability that has no main spec.
    NewCapability {
        change: usize,
        delta: usize,
    },
}

#[derive(Clone, Copy, Debug)]
struct NameEntry {
    /// Byte range of the lowercased name in `NameIndex::folded`.
    start: usize,
    end: usize,
    /// Bit `b % 64` is set for every byte `b` of the lowercased name.
    mask: u64,
    item: NameRef,
}

#[derive(Debug, Default)]
pub struct NameIndex {
    /// In rank order.
    entries: Vec<NameEntry>,
    /// The lowercased names in rank order, each followed by `\n`.
    folded: String,
    /// Entry positions sorted by lowercased name (then rank).
    by_folded: Vec<usize>,
}

fn byte_mask(text: &str) -> u64 {
    text.bytes().fold(0, |mask, byte| mask | (1u64 << (byte % 64)))
}

/// Every name the index offers with its container, in offering order.
fn offered(index: &WorkspaceIndex) -> Vec<(&str, Option<&str>, NameRef)> {
    let mut out = Vec::new();
    for (spec_idx, spec) in index.specs.iter().enumerate() {
        out.push((spec.capability.as_str(), None, NameRef::Spec { spec: spec_idx }));
        for (requirement_idx, requirement) in spec.requirements.iter().enumerate() {
            let item = NameRef::Requirement { spec: spec_idx, requirement: requirement_idx };
            out.push((requirement.name.as_str(), Some(spec.capability.as_str()), item));
        }
    }
    for (change_idx, change) in index.changes.iter().enumerate().filter(|(_, change)| !change.archived) {
        out.push((change.id.as_str(), None, NameRef::Change { change: change_idx }));
        for (delta_idx, delta) in change.deltas.iter().enumerate() {
            if index.spec(&delta.capability).is_none() {
                let item = NameRef::NewCapability { change: change_idx, delta: delta_idx };
                out.push((delta.capability.as_str(), Some(change.id.as_str()), item));
            }
        }
    }
    out
}

impl NameIndex {
    pub fn build(index: &WorkspaceIndex) -> NameIndex {
        let offered = offered(index);
        let mut ranked: Vec<(usize, usize)> =
            offered.iter().enumerate().map(|(position, (name, ..))| (name.chars().count(), position)).collect();
        ranked.sort_unstable_by(|(a_len, a), (b_len, b)| {
            let ((a_name, a_container, _), (b_name, b_container, _)) = (&offered[*a], &offered[*b]);
            a_len.cmp(b_len).then_with(|| a_name.cmp(b_name)).then_with(|| a_container.cmp(b_container)).then(a.cmp(b))
        });
        let mut folded = String::new();
        let mut entries = Vec::with_capacity(ranked.len());
        for (_, position) in ranked {
            let (name, _, item) = offered[position];
            let start = folded.len();
            if name.is_ascii() {
                folded.extend(name.chars().map(|ch| ch.to_ascii_lowercase()));
            } else {
                folded.push_str(&name.to_lowercase());
            }
            let end = folded.len();
            folded.push('\n');
            entries.push(NameEntry { start, end, mask: byte_mask(&folded[start..end]), item });
        }
        let mut by_folded: Vec<usize> = (0..entries.len()).collect();
        by_folded.sort_by(|a, b| {
            folded[entries[*a].start..entries[*a].end].cmp(&folded[entries[*b].start..entries[*b].end])
        });
        NameIndex { entries, folded, by_folded }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn folded(&self, entry: &NameEntry) -> &str {
        self.folded.get(entry.start..entry.end).unwrap_or_default()
    }

    /// The best `limit` names matching `query` (already trimmed and lowercased, as
    /// `str::to_lowercase` gives it), best first; `accept` leaves out names that cannot be
    /// offered (a change whose files are unreadable). An empty query matches every name as
    /// `Exact`.
    pub fn search(
        &self,
        query: &str,
        limit: usize,
        mut accept: impl FnMut(NameRef) -> bool,
    ) -> Vec<(MatchTier, NameRef)> {
        if limit == 0 {
            return Vec::new();
        }
        if query.is_empty() {
            let accepted = self.entries.iter().filter(|entry| accept(entry.item));
            return accepted.take(limit).map(|entry| (MatchTier::Exact, entry.item)).collect();
        }
        // Exact and prefix: one contiguous run of the names sorted by lowercased name.
        let first = self.by_folded.partition_point(|&position| self.folded(&self.entries[position]) < query);
        let mut found: Vec<(MatchTier, usize)> = self.by_folded[first..]
            .iter()
            .map(|&position| (position, self.folded(&self.entries[position])))
            .take_while(|(_, name)| name.starts_with(query))
            .filter(|(position, _)| accept(self.entries[*position].item))
            .map(|(position, name)| {
                (if name.len() == query.len() { MatchTier::Exact } else { MatchTier::Prefix }, position)
            })
            .collect();
        if found.len() >= limit {
            found.select_nth_unstable(limit - 1);
            found.truncate(limit);
        } else {
            let substrings = self.substring_matches(query, limit - found.len(), &mut accept);
            found.extend(substrings.into_iter().map(|position| (MatchTier::Substring, position)));
            if found.len() < limit {
                let subsequences = self.subsequence_matches(query, limit - found.len(), &mut accept);
                found.extend(subsequences.into_iter().map(|position| (MatchTier::Subsequence, position)));
            }
        }
        found.sort_unstable();
        found.into_iter().map(|(tier, position)| (tier, self.entries[position].item)).collect()
    }

    /// Up to `limit` entries (in rank order) that hold `query` somewhere other than at the start.
    fn substring_matches(&self, query: &str, limit: usize, accept: &mut impl FnMut(NameRef) -> bool) -> Vec<usize> {
        let finder = memmem::Finder::new(query.as_bytes());
        let haystack = self.folded.as_bytes();
        let mut out = Vec::new();
        // Always an entry's start: the first hit at or after it is the entry's leftmost
        // occurrence, or lies in a later entry, or spans the separator.
        let mut from = 0;
        let mut entry_idx = 0;
        while out.len() < limit {
            let Some(hit) = haystack.get(from..).and_then(|rest| finder.find(rest)).map(|at| at + from) else { break };
            // The entry holding the hit: entries are laid out in order, so search ahead.
            entry_idx += self.entries[entry_idx..].partition_point(|entry| entry.end < hit);
            let Some(entry) = self.entries.get(entry_idx) else { break };
            let inside = hit + query.len() <= entry.end;
            if inside && hit != entry.start && accept(entry.item) {
                out.push(entry_idx);
            }
            entry_idx += 1;
            match self.entries.get(entry_idx) {
                Some(next) => from = next.start,
                None => break,
            }
        }
        out
    }

    /// Up to `limit` entries (in rank order) whose name holds `query`'s characters in order but
    /// not `query` itself.
    fn subsequence_matches(&self, query: &str, limit: usize, accept: &mut impl FnMut(NameRef) -> bool) -> Vec<usize> {
        let wanted = byte_mask(query);
        let mut out = Vec::new();
        for (position, entry) in self.entries.iter().enumerate() {
            if out.len() >= limit {
                break;
            }
            if entry.mask & wanted != wanted {
                continue;
            }
            let name = self.folded(entry);
            if is_subsequence(query, name) && !name.contains(query) && accept(entry.item) {
                out.push(position);
            }
        }
        out
    }
}

/// Whether `query`'s characters appear in `name` in order. Byte-wise for an ASCII query (an
/// ASCII byte in UTF-8 is always a whole character).
fn is_subsequence(query: &str, name: &str) -> bool {
    if query.is_ascii() {
        let mut bytes = name.bytes();
        return query.bytes().all(|wanted| bytes.any(|byte| byte == wanted));
    }
    let mut chars = name.chars();
    query.chars().all(|wanted| chars.any(|ch| ch == wanted))
}
