//! Deterministic synthetic OpenSpec workspaces for benchmarks: main specs, active and archived
//! changes with every kind of delta, mixed ASCII and CJK text. The same size and seed always
//! give the same bytes. Writes only below the folder it is given.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// How big a workspace is: `scale` 1.0 is the "1x" (1,000 capabilities, 10,000
/// requirements, 100 active changes, 1,000 archived changes); 4.0 and 10.0 are 4x and 10x.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkspaceSize {
    pub capabilities: usize,
    pub requirements: usize,
    pub active_changes: usize,
    pub archived_changes: usize,
}

impl WorkspaceSize {
    pub fn scaled(scale: f64) -> WorkspaceSize {
        let times = |base: f64| {
            // Scales are small positive factors; the product always fits.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let count = (base * scale).round().max(1.0) as usize;
            count
        };
        WorkspaceSize {
            capabilities: times(1_000.0).max(2),
            requirements: times(10_000.0).max(2 * HOT_SPEC_REQUIREMENTS),
            active_changes: times(100.0).max(2),
            archived_changes: times(1_000.0),
        }
    }
}

/// The two large specs every workspace carries for the keystroke benchmarks: one nobody
/// depends on, one that `HOT_DEPENDENTS` active changes have deltas against.
pub const LONE_SPEC: &str = "big-lone";
pub const HOT_SPEC: &str = "big-shared";
/// Requirements in each big spec: with the generated text, about 10,000 lines.
pub const HOT_SPEC_REQUIREMENTS: usize = 900;
/// Active changes with a delta against `HOT_SPEC` (fewer in workspaces with fewer changes).
pub const HOT_DEPENDENTS: usize = 50;

/// What was written, for reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GeneratedStats {
    pub files: usize,
    pub bytes: usize,
    pub main_specs: usize,
    pub requirements: usize,
    pub active_changes: usize,
    pub archived_changes: usize,
    pub delta_specs: usize,
    /// Lines of `HOT_SPEC`.
    pub big_spec_lines: usize,
}

/// `SplitMix64`: tiny, fast and fully determined by its seed (no dependency, no platform drift).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // Modulo bias is irrelevant for synthetic text.
        #[allow(clippy::cast_possible_truncation)]
        let value = (self.next_u64() % n.max(1) as u64) as usize;
        value
    }

    /// `true` with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "account",
    "session",
    "token",
    "request",
    "response",
    "user",
    "admin",
    "report",
    "export",
    "import",
    "cache",
    "queue",
    "retry",
    "limit",
    "quota",
    "audit",
    "event",
    "record",
    "profile",
    "policy",
    "role",
    "team",
    "project",
    "invoice",
    "payment",
    "refund",
    "order",
    "cart",
    "search",
    "index",
    "filter",
    "page",
    "view",
    "dashboard",
    "metric",
    "alert",
    "notice",
    "message",
    "channel",
    "webhook",
    "schedule",
    "backup",
    "restore",
    "archive",
    "version",
    "draft",
    "review",
    "approval",
    "comment",
    "upload",
    "download",
    "file",
    "folder",
    "share",
    "link",
    "access",
    "password",
    "secret",
    "key",
    "signature",
    "device",
    "browser",
    "mobile",
    "tablet",
    "locale",
    "timezone",
    "currency",
    "tax",
    "discount",
    "coupon",
    "subscription",
    "plan",
    "trial",
    "renewal",
    "usage",
];

const VERBS: &[&str] = &[
    "validate", "store", "display", "reject", "accept", "record", "notify", "refresh", "expire", "encrypt", "retain",
    "list", "sort", "group", "merge", "split", "lock", "unlock", "sync", "publish", "revoke", "rotate",
];

const QUALIFIERS: &[&str] = &[
    "within two seconds",
    "for every tenant",
    "before saving",
    "after a successful login",
    "once per day",
    "when the network is offline",
    "in the user's locale",
    "without losing data",
    "in stable order",
    "for at most thirty days",
    "unless an administrator overrides it",
    "with an audit trail",
];

/// Short CJK phrases (Chinese and Japanese) mixed into names and sentences.
const CJK: &[&str] = &[
    "用户登录",
    "会话管理",
    "数据导出",
    "权限控制",
    "支付流程",
    "订单状态",
    "搜索结果",
    "通知设置",
    "审计日志",
    "文件上传",
    "ユーザー設定",
    "ログイン履歴",
    "請求書",
    "検索条件",
    "通知",
    "パスワード変更",
    "決済",
    "在庫管理",
    "多语言支持",
    "时区转换",
    "退款申请",
    "账户安全",
    "報告書の作成",
    "データ同期",
];

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A sentence of `n_words` words, a quarter of them CJK phrases.
fn words(rng: &mut Rng, n_words: usize) -> String {
    let mut out = String::new();
    for idx in 0..n_words {
        if idx > 0 {
            out.push(' ');
        }
        if rng.chance(25) {
            out.push_str(rng.pick(CJK));
        } else {
            out.push_str(rng.pick(WORDS));
        }
    }
    out
}

/// A sentence of `min` to `min + spread - 1` words.
fn words_n(rng: &mut Rng, min: usize, spread: usize) -> String {
    let n_words = min + rng.below(spread);
    words(rng, n_words)
}

/// A requirement statement with SHALL (or MUST), as validate wants it.
fn statement(rng: &mut Rng) -> String {
    let keyword = if rng.chance(80) { "SHALL" } else { "MUST" };
    let subject = words_n(rng, 1, 2);
    let verb = rng.pick(VERBS);
    let object = words_n(rng, 2, 4);
    let qualifier = rng.pick(QUALIFIERS);
    format!("The system {keyword} {verb} the {subject} {object} {qualifier}.")
}

/// A requirement name: a few capitalised words or a CJK phrase, made unique within `taken`.
fn requirement_name(rng: &mut Rng, taken: &mut BTreeSet<String>) -> String {
    let base = if rng.chance(20) {
        format!("{} {}", rng.pick(CJK), capitalized(rng.pick(WORDS)))
    } else {
        let n_words = 2 + rng.below(3);
        (0..n_words).map(|_| capitalized(rng.pick(WORDS))).collect::<Vec<_>>().join(" ")
    };
    unique(&base, taken)
}

/// A requirement block: header, statement, scenarios (the given names, or one to three new
/// ones). Returns the scenario names.
fn requirement_block(rng: &mut Rng, name: &str, scenarios: Option<&[String]>, out: &mut String) -> Vec<String> {
    let _ = writeln!(out, "### Requirement: {name}");
    let _ = writeln!(out, "{}", statement(rng));
    if rng.chance(30) {
        let _ = writeln!(out, "{}", capitalized(&words_n(rng, 6, 10)));
    }
    let names: Vec<String> = if let Some(names) = scenarios {
        names.to_vec()
    } else {
        let mut taken = BTreeSet::new();
        (0..=rng.below(3)).map(|_| unique(&capitalized(&words_n(rng, 2, 3)), &mut taken)).collect()
    };
    for scenario in &names {
        let _ = writeln!(out, "\n#### Scenario: {scenario}");
        let _ = writeln!(out, "- **WHEN** {}", words_n(rng, 4, 6));
        let _ = writeln!(out, "- **THEN** the system {} the {}", rng.pick(VERBS), words_n(rng, 3, 5));
        if rng.chance(40) {
            let _ = writeln!(out, "- **AND** {}", words_n(rng, 3, 6));
        }
    }
    out.push('\n');
    names
}

/// `base`, or `base 2`, `base 3`... whichever `taken` does not hold yet (then it does).
fn unique(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.to_owned();
    let mut suffix = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base} {suffix}");
        suffix += 1;
    }
    name
}

/// One main spec in memory: its requirement names and their scenario names, for deltas to
/// refer to.
struct MainSpec {
    id: String,
    names: Vec<String>,
    scenarios: Vec<Vec<String>>,
}

fn main_spec_text(rng: &mut Rng, spec: &mut MainSpec) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} Specification\n", spec.id);
    let _ = writeln!(out, "## Purpose");
    let _ = writeln!(
        out,
        "This capability describes how the product handles {} for {} so that teams can rely on it.\n",
        words(rng, 3),
        words(rng, 2)
    );
    let _ = writeln!(out, "## Requirements");
    spec.scenarios = spec.names.iter().map(|name| requirement_block(rng, name, None, &mut out)).collect();
    out
}

/// What one delta spec does, by name lists (MODIFIED with the scenarios to write).
#[derive(Default)]
struct DeltaPlan {
    added: Vec<String>,
    modified: Vec<(String, Vec<String>)>,
    removed: Vec<String>,
    renamed: Vec<(String, String)>,
}

fn delta_text(rng: &mut Rng, plan: &DeltaPlan) -> String {
    let mut out = String::new();
    if !plan.added.is_empty() {
        out.push_str("## ADDED Requirements\n\n");
        for name in &plan.added {
            requirement_block(rng, name, None, &mut out);
        }
    }
    if !plan.modified.is_empty() {
        out.push_str("## MODIFIED Requirements\n\n");
        for (name, scenarios) in &plan.modified {
            requirement_block(rng, name, Some(scenarios), &mut out);
        }
    }
    if !plan.removed.is_empty() {
        out.push_str("## REMOVED Requirements\n\n");
        for name in &plan.removed {
            let _ = writeln!(out, "### Requirement: {name}");
            let _ = writeln!(out, "**Reason**: {}", capitalized(&words(rng, 5)));
            let _ = writeln!(out, "**Migration**: Use the {} flow instead.\n", words(rng, 2));
        }
    }
    if !plan.renamed.is_empty() {
        out.push_str("## RENAMED Requirements\n\n");
        for (from, to) in &plan.renamed {
            let _ = writeln!(out, "- FROM: `### Requirement: {from}`");
            let _ = writeln!(out, "- TO: `### Requirement: {to}`");
        }
        out.push('\n');
    }
    out
}

fn proposal_text(rng: &mut Rng, new_caps: &[String], modified_caps: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Change: {}\n", capitalized(&words(rng, 4)));
    let _ = writeln!(
        out,
        "## Why\nTeams keep asking for better {} because the current {} flow is slow and confusing for new users.\n",
        words(rng, 2),
        words(rng, 2)
    );
    out.push_str("## What Changes\n");
    for _ in 0..2 + rng.below(3) {
        let _ = writeln!(out, "- {}", capitalized(&words_n(rng, 5, 6)));
    }
    out.push_str("\n## Capabilities\n\n### New Capabilities\n");
    for cap in new_caps {
        let _ = writeln!(out, "- `{cap}`: {}", capitalized(&words(rng, 6)));
    }
    out.push_str("\n### Modified Capabilities\n");
    for cap in modified_caps {
        let _ = writeln!(out, "- `{cap}`: {}", capitalized(&words(rng, 6)));
    }
    let _ = writeln!(out, "\n## Impact\n- Affected code: `src/{}/`", rng.pick(WORDS));
    out
}

fn tasks_text(rng: &mut Rng, all_done: bool) -> String {
    let mut out = String::new();
    for group in 1..=1 + rng.below(4) {
        let _ = writeln!(out, "## {group}. {}", capitalized(&words(rng, 2)));
        for task in 1..=1 + rng.below(5) {
            let done = if all_done || rng.chance(30) { 'x' } else { ' ' };
            let _ = writeln!(out, "- [{done}] {group}.{task} {}", capitalized(&words_n(rng, 4, 5)));
        }
        out.push('\n');
    }
    out
}

/// Writes files and counts them.
struct Writer<'p> {
    root: &'p Path,
    stats: GeneratedStats,
}

impl Writer<'_> {
    fn write(&mut self, rel: &str, text: &str) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        self.stats.files += 1;
        self.stats.bytes += text.len();
        Ok(())
    }
}

fn date(rng: &mut Rng, year: usize) -> String {
    format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

/// Writes a workspace of `size` into `root` (which should be empty): `root/openspec/...`.
pub fn generate(root: &Path, size: WorkspaceSize, seed: u64) -> io::Result<GeneratedStats> {
    let mut rng = Rng::new(seed);
    let mut writer = Writer { root, stats: GeneratedStats::default() };

    writer.write(
        "openspec/config.yaml",
        "schema: spec-driven\n\ncontext: |\n  Synthetic workspace for openspec-lsp benchmarks.\n  产品语言：中文与 English 混合。\n",
    )?;

    // Main specs: the two big ones first, then the rest sharing what is left.
    let n_small = size.capabilities.saturating_sub(2).max(1);
    let left = size.requirements.saturating_sub(2 * HOT_SPEC_REQUIREMENTS);
    let mut counts = vec![left / n_small; n_small];
    for count in counts.iter_mut().take(left % n_small) {
        *count += 1;
    }
    // Uneven sizes, same total: move requirements between random pairs.
    for _ in 0..n_small {
        let (from, to) = (rng.below(n_small), rng.below(n_small));
        let moved = rng.below(6).min(counts[from].saturating_sub(1));
        counts[from] -= moved;
        counts[to] += moved;
    }
    let mut specs = Vec::new();
    for (id, n_requirements) in
        [(LONE_SPEC.to_owned(), HOT_SPEC_REQUIREMENTS), (HOT_SPEC.to_owned(), HOT_SPEC_REQUIREMENTS)].into_iter().chain(
            counts.iter().enumerate().map(|(idx, &count)| {
                let id = if idx % 10 == 9 {
                    format!("platform/{}-{idx:05}", WORDS[idx % WORDS.len()])
                } else {
                    format!("{}-{idx:05}", WORDS[idx % WORDS.len()])
                };
                (id, count)
            }),
        )
    {
        let mut taken = BTreeSet::new();
        let names = (0..n_requirements).map(|_| requirement_name(&mut rng, &mut taken)).collect();
        specs.push(MainSpec { id, names, scenarios: Vec::new() });
    }
    for spec in &mut specs {
        let text = main_spec_text(&mut rng, spec);
        if spec.id == HOT_SPEC {
            writer.stats.big_spec_lines = text.lines().count();
        }
        writer.write(&format!("openspec/specs/{}/spec.md", spec.id), &text)?;
        writer.stats.main_specs += 1;
        writer.stats.requirements += spec.names.len();
    }

    // Active changes. The first `HOT_DEPENDENTS` modify `HOT_SPEC`, each its own requirement.
    let n_hot = HOT_DEPENDENTS.min(size.active_changes);
    for change_idx in 0..size.active_changes {
        let id = format!("{}-{}-{change_idx:04}", rng.pick(VERBS), rng.pick(WORDS));
        write_change(&mut writer, &mut rng, &specs, &format!("openspec/changes/{id}"), change_idx, n_hot, false)?;
        writer.stats.active_changes += 1;
    }
    for change_idx in 0..size.archived_changes {
        let year = 2023 + change_idx % 3;
        let id = format!("{}-{}-{}-{change_idx:05}", date(&mut rng, year), rng.pick(VERBS), rng.pick(WORDS));
        write_change(&mut writer, &mut rng, &specs, &format!("openspec/changes/archive/{id}"), usize::MAX, 0, true)?;
        writer.stats.archived_changes += 1;
    }
    Ok(writer.stats)
}

/// One change folder: proposal, tasks, metadata, sometimes a design, and delta specs with
/// ADDED, MODIFIED, REMOVED and RENAMED entries against the main specs (plus new capabilities).
fn write_change(
    writer: &mut Writer<'_>,
    rng: &mut Rng,
    specs: &[MainSpec],
    dir: &str,
    change_idx: usize,
    n_hot: usize,
    archived: bool,
) -> io::Result<()> {
    let mut plans: Vec<(String, DeltaPlan)> = Vec::new();
    let mut new_caps = Vec::new();
    let mut modified_caps = Vec::new();
    if change_idx < n_hot {
        // One MODIFIED requirement of the shared big spec per dependent change.
        let hot = &specs[1];
        let at = change_idx * 7 % hot.names.len();
        let modified = vec![(hot.names[at].clone(), hot.scenarios[at].clone())];
        plans.push((hot.id.clone(), DeltaPlan { modified, ..DeltaPlan::default() }));
        modified_caps.push(hot.id.clone());
    }
    // Small specs only (the big ones stay stable for the keystroke benchmarks).
    let n_touched = 1 + rng.below(3);
    for _ in 0..n_touched {
        let spec = &specs[2 + rng.below(specs.len() - 2)];
        if plans.iter().any(|(cap, _)| *cap == spec.id) {
            continue;
        }
        let mut taken: BTreeSet<String> = spec.names.iter().cloned().collect();
        let mut unused: Vec<usize> = (0..spec.names.len()).collect();
        let mut take = |rng: &mut Rng| -> Option<usize> {
            (!unused.is_empty()).then(|| unused.swap_remove(rng.below(unused.len())))
        };
        let mut plan = DeltaPlan::default();
        for _ in 0..=rng.below(2) {
            plan.added.push(requirement_name(rng, &mut taken));
        }
        if rng.chance(70)
            && let Some(at) = take(rng)
        {
            let mut scenarios = spec.scenarios[at].clone();
            // Now and then a MODIFIED block copied from an old version drops a scenario: the
            // kind of mistake a real workspace has a few of.
            if !archived && scenarios.len() > 1 && rng.chance(3) {
                scenarios.pop();
            }
            plan.modified.push((spec.names[at].clone(), scenarios));
        }
        if rng.chance(25) {
            plan.removed.extend(take(rng).map(|at| spec.names[at].clone()));
        }
        if rng.chance(20)
            && let Some(at) = take(rng)
        {
            let to = requirement_name(rng, &mut taken);
            plan.renamed.push((spec.names[at].clone(), to));
        }
        modified_caps.push(spec.id.clone());
        plans.push((spec.id.clone(), plan));
    }
    if rng.chance(15) {
        let cap = format!("new-{}-{}", rng.pick(WORDS), rng.below(1_000_000));
        let mut taken = BTreeSet::new();
        let added = (0..=rng.below(3)).map(|_| requirement_name(rng, &mut taken)).collect();
        new_caps.push(cap.clone());
        plans.push((cap, DeltaPlan { added, ..DeltaPlan::default() }));
    }
    writer.write(&format!("{dir}/proposal.md"), &proposal_text(rng, &new_caps, &modified_caps))?;
    writer.write(&format!("{dir}/tasks.md"), &tasks_text(rng, archived))?;
    writer.write(&format!("{dir}/.openspec.yaml"), &format!("schema: spec-driven\ncreated: {}\n", date(rng, 2025)))?;
    if rng.chance(30) {
        let design = format!("## Context\n{}\n\n## Decisions\n- {}\n", words(rng, 12), words(rng, 8));
        writer.write(&format!("{dir}/design.md"), &design)?;
    }
    for (cap, plan) in &plans {
        writer.write(&format!("{dir}/specs/{cap}/spec.md"), &delta_text(rng, plan))?;
        writer.stats.delta_specs += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_exact_counts() {
        let size = WorkspaceSize {
            capabilities: 12,
            requirements: 2 * HOT_SPEC_REQUIREMENTS + 40,
            active_changes: 5,
            archived_changes: 4,
        };
        let first = tempfile::tempdir().expect("temp dir");
        let second = tempfile::tempdir().expect("temp dir");
        let stats = generate(first.path(), size, 7).expect("generate");
        let again = generate(second.path(), size, 7).expect("generate");
        assert_eq!(stats, again);
        assert_eq!(stats.main_specs, 12);
        assert_eq!(stats.requirements, size.requirements);
        assert_eq!(stats.active_changes, 5);
        assert_eq!(stats.archived_changes, 4);
        assert!(stats.big_spec_lines > 9_000, "big spec has {} lines", stats.big_spec_lines);
        let read = |root: &Path| std::fs::read_to_string(root.join("openspec/specs/big-shared/spec.md")).expect("read");
        assert_eq!(read(first.path()), read(second.path()));
    }
}
