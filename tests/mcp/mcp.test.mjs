// `openspec-lsp mcp` driven by the official MCP TypeScript SDK client over stdio, as an agent
// host drives it: initialize, list the tools, call each on examples/demo and on
// tests/mcp/fixture (a workspace with every kind of finding), check the answers against
// `openspec-lsp check --format json`, apply the returned diffs with `git apply` to a copy,
// call with bad arguments, and check that no served file changed. Run by scripts/mcp-test.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const bin =
    process.env.OPENSPEC_LSP_BIN ??
    path.join(path.resolve(repo, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug', 'openspec-lsp');
const demo = path.join(repo, 'examples', 'demo');
const fixture = path.join(here, 'fixture');

const TOOLS = ['archive_readiness', 'check', 'fixes', 'preview_archive', 'requirement', 'search'];

/** Every file under `dir` (links not followed) with its content, hashed. */
function hashTree(dir) {
    const hash = createHash('sha256');
    const walk = (folder) => {
        for (const name of fs.readdirSync(folder).sort()) {
            const full = path.join(folder, name);
            const stat = fs.lstatSync(full);
            hash.update(`${path.relative(dir, full)}\0${stat.mode}\0`);
            if (stat.isDirectory()) walk(full);
            else if (stat.isSymbolicLink()) hash.update(fs.readlinkSync(full));
            else hash.update(fs.readFileSync(full));
        }
    };
    walk(dir);
    return hash.digest('hex');
}

/** A client connected to `openspec-lsp mcp` serving `dir` (the host's working folder). */
async function connect(dir) {
    const transport = new StdioClientTransport({ command: bin, args: ['mcp'], cwd: dir, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk) => (stderr += chunk));
    const client = new Client({ name: 'openspec-lsp-mcp-test', version: '1.0.0' });
    await client.connect(transport);
    client.stderrText = () => stderr;
    return client;
}

/** Calls `name`; the answer's text must be the structured content as JSON. */
async function call(client, name, args = {}) {
    const result = await client.callTool({ name, arguments: args });
    assert.notEqual(result.isError, true, `${name} failed: ${JSON.stringify(result.content)}`);
    assert.equal(result.content.length, 1);
    assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
    return result.structuredContent;
}

/** The call must be answered with a tool error (`isError`, what the model reads to correct
 * its call) whose message matches `pattern`. */
async function rejectsWith(client, name, args, pattern) {
    const result = await client.callTool({ name, arguments: args });
    assert.equal(result.isError, true, `${name} ${JSON.stringify(args)} did not fail`);
    assert.equal(result.content.length, 1);
    assert.match(result.content[0].text, pattern);
}

/** `openspec-lsp check --format json` of `dir`, for comparison. */
function cliCheck(dir, ...flags) {
    const run = spawnSync(bin, ['check', '--format', 'json', ...flags, dir], { encoding: 'utf8' });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    return JSON.parse(run.stdout);
}

/** A copy of `dir` in a temporary folder. */
function copyOf(dir) {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-mcp-'));
    fs.cpSync(dir, copy, { recursive: true });
    return copy;
}

/** Applies a unified diff in `dir` with `git apply` (fails the test when it does not apply). */
function gitApply(dir, diff) {
    const run = spawnSync('git', ['apply', '--verbose', '-'], { cwd: dir, input: diff, encoding: 'utf8' });
    assert.equal(run.status, 0, `git apply failed:\n${run.stderr}\n${diff}`);
}

const hashes = new Map();
const clients = [];
let demoClient;
let fixtureClient;

before(async () => {
    assert.ok(fs.existsSync(bin), `no server binary at ${bin}; run cargo build -p openspec-lsp`);
    for (const dir of [demo, fixture]) hashes.set(dir, hashTree(dir));
    demoClient = await connect(demo);
    fixtureClient = await connect(fixture);
    clients.push(demoClient, fixtureClient);
});

after(async () => {
    for (const client of clients) await client.close();
    for (const client of clients) assert.doesNotMatch(client.stderrText(), /panick/);
    // Read-only: nothing the server served was written, created or deleted.
    for (const [dir, hash] of hashes) assert.equal(hashTree(dir), hash, `${dir} changed`);
});

describe('initialize and tools/list', () => {
    test('the server introduces itself with instructions', () => {
        const info = demoClient.getServerVersion();
        assert.equal(info.name, 'openspec-lsp');
        assert.match(demoClient.getInstructions(), /run `check`/);
        assert.ok(demoClient.getServerCapabilities().tools);
        assert.ok(demoClient.getServerCapabilities().resources);
    });

    test('six read-only tools with strict schemas', async () => {
        const { tools } = await demoClient.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOLS);
        const required = Object.fromEntries(tools.map((tool) => [tool.name, (tool.inputSchema.required ?? []).sort()]));
        assert.deepEqual(required, {
            archive_readiness: ['change'],
            check: [],
            fixes: ['path'],
            preview_archive: ['change'],
            requirement: ['capability', 'name'],
            search: ['query'],
        });
        for (const tool of tools) {
            assert.equal(tool.inputSchema.type, 'object');
            assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
            assert.equal(tool.annotations.readOnlyHint, true, tool.name);
            assert.ok(tool.description.length > 40, tool.name);
        }
    });
});

describe("the README's host configurations", () => {
    /** The README's "Agents (MCP)" section. */
    const section = () => {
        const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
        const start = readme.indexOf('## Agents (MCP)');
        assert.ok(start >= 0, 'README has an "Agents (MCP)" section');
        const end = readme.indexOf('\n## ', start + 1);
        return readme.slice(start, end < 0 ? undefined : end);
    };
    const blocks = (lang) => [...section().matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

    /** Every configuration as [host, command, args] with `${workspaceFolder}` left in. */
    const configurations = () => {
        const found = [];
        for (const line of blocks('sh')) {
            const claude = line.match(/^claude mcp add .* openspec -- (\S+) (.*)$/m);
            assert.ok(claude, line);
            found.push(['claude', claude[1], claude[2].split(' ')]);
        }
        for (const json of blocks('json')) {
            const config = JSON.parse(json);
            const [host, servers] = config.mcpServers ? ['cursor', config.mcpServers] : ['vscode', config.servers];
            found.push([host, servers.openspec.command, servers.openspec.args]);
        }
        for (const toml of blocks('toml')) {
            assert.match(toml, /^\[mcp_servers\.openspec\]$/m);
            const command = JSON.parse(toml.match(/^command = (".*")$/m)[1]);
            const args = JSON.parse(toml.match(/^args = (\[.*\])$/m)[1]);
            found.push(['codex', command, args]);
        }
        return found;
    };

    test('each host starts a server that answers', async () => {
        const found = configurations();
        assert.deepEqual(found.map(([host]) => host).sort(), ['claude', 'codex', 'cursor', 'vscode']);
        for (const [host, command, args] of found) {
            assert.equal(command, 'openspec-lsp', host);
            const resolved = args.map((arg) => arg.replaceAll('${workspaceFolder}', demo));
            // Hosts start the server in the project folder; the binary under test stands for the one on PATH.
            const transport = new StdioClientTransport({ command: bin, args: resolved, cwd: demo, stderr: 'pipe' });
            const client = new Client({ name: `readme-${host}`, version: '1.0.0' });
            await client.connect(transport);
            const answer = await call(client, 'check', { limit: 1 });
            assert.equal(answer.totals.items, 5, host);
            await client.close();
        }
    });
});

describe('check', () => {
    test('the demo: the same verdicts and positions as check --format json', async () => {
        const answer = await call(demoClient, 'check', { limit: 500 });
        const cli = cliCheck(demo);
        assert.equal(answer.truncated, false);
        assert.equal(answer.totals.items, cli.summary.items);
        assert.equal(answer.totals.failed, cli.summary.failed);
        assert.equal(answer.totals.errors, cli.summary.errors);
        assert.equal(answer.totals.warnings, cli.summary.warnings);
        const key = (d) => `${d.path}:${d.line}:${d.column}-${d.end_line}:${d.end_column} ${d.code} ${d.severity} ${d.source}`;
        assert.deepEqual(answer.findings.map(key).sort(), cli.diagnostics.map(key).sort());
        const failed = answer.items.filter((item) => !item.valid).map((item) => `${item.kind}/${item.id}`);
        assert.deepEqual(failed, ['change/rework-notifications']);
    });

    test('the fixture: every kind of finding, located and with its fixes', async () => {
        const answer = await call(fixtureClient, 'check', { limit: 500 });
        const cli = cliCheck(fixture);
        assert.equal(answer.findings.length, cli.diagnostics.length);
        assert.deepEqual(new Set(answer.findings.map((f) => f.severity)), new Set(['error', 'warning', 'info']));
        assert.deepEqual(new Set(answer.findings.map((f) => f.source)), new Set(['openspec', 'openspec-lsp']));
        // Errors first, then warnings, then infos.
        const ranks = answer.findings.map((f) => ['error', 'warning', 'info'].indexOf(f.severity));
        assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
        // A CRLF file with non-ASCII text: columns count characters (📏 is one).
        const grosse = answer.findings.find((f) => f.code === 'spec/requirement-no-scenario' && f.path.includes('größe'));
        assert.deepEqual([grosse.line, grosse.column, grosse.end_line, grosse.end_column], [7, 1, 7, 30]);
        const missing = answer.findings.find((f) => f.code === 'delta/missing-scenario');
        assert.equal(missing.path, 'openspec/changes/add-2fa/specs/auth/spec.md');
        assert.equal(missing.line, 2);
        assert.ok(missing.fixes.length > 0, 'delta/missing-scenario has a quick fix');
        // This tool's own finding on no item does not count without all_rules.
        const indented = answer.findings.find((f) => f.code === 'markdown/indented-heading');
        assert.deepEqual([indented.source, indented.counted, indented.line, indented.column], ['openspec-lsp', false, 17, 3]);
        const notListed = answer.findings.find((f) => f.code === 'proposal/delta-not-in-proposal');
        assert.equal(notListed.counted, false);
        const allRules = await call(fixtureClient, 'check', { all_rules: true, limit: 500 });
        assert.equal(allRules.findings.find((f) => f.code === 'proposal/delta-not-in-proposal').counted, true);
    });

    test('strict makes warnings fail an item', async () => {
        const plain = await call(demoClient, 'check', {});
        const strict = await call(demoClient, 'check', { strict: true });
        assert.equal(strict.totals.failed, cliCheck(demo, '--strict').summary.failed);
        assert.ok(strict.totals.failed >= plain.totals.failed);
    });

    test('limit cuts the lists and says so; totals stay whole', async () => {
        const answer = await call(fixtureClient, 'check', { limit: 2 });
        assert.equal(answer.truncated, true);
        assert.equal(answer.findings.length, 2);
        assert.equal(answer.items.length, 2);
        assert.equal(answer.totals.findings, cliCheck(fixture).diagnostics.length);
        assert.match(answer.note, /showing 2 of 3 items, showing 2 of \d+ findings; pass a larger `limit`/);
        assert.ok(answer.findings.every((f) => f.severity === 'error'));
    });

    test('path narrows findings and items', async () => {
        const answer = await call(fixtureClient, 'check', { path: 'openspec/specs/auth', limit: 500 });
        assert.ok(answer.findings.length > 0);
        assert.ok(answer.findings.every((f) => f.path.startsWith('openspec/specs/auth/')));
        assert.deepEqual(answer.items.map((item) => `${item.kind}/${item.id}`), ['spec/auth']);
        const oneFile = await call(fixtureClient, 'check', { path: path.join(fixture, 'openspec/specs/auth/spec.md') });
        assert.equal(oneFile.findings.length, answer.findings.length);
    });
});

describe('check changed_since', () => {
    test('only what the branch touches since a git ref', async () => {
        const copy = copyOf(fixture);
        const git = (...args) => {
            const run = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: copy, encoding: 'utf8' });
            assert.equal(run.status, 0, run.stderr);
        };
        git('init', '-q');
        git('add', '.');
        git('commit', '-qm', 'base');
        fs.appendFileSync(path.join(copy, 'openspec/specs/größe/spec.md'), 'More text.\r\n');
        const client = await connect(copy);
        clients.push(client);
        const answer = await call(client, 'check', { changed_since: 'HEAD', limit: 500 });
        assert.deepEqual(answer.items.map((item) => `${item.kind}/${item.id}`), ['spec/größe']);
        assert.ok(answer.findings.length > 0);
        assert.ok(answer.findings.every((f) => f.path === 'openspec/specs/größe/spec.md'), JSON.stringify(answer.findings));
        assert.ok(answer.findings.some((f) => f.code === 'spec/edited-outside-change'));
        await rejectsWith(client, 'check', { changed_since: 'no-such-ref' }, /unknown git ref `no-such-ref`/);
    });
});

describe('fixes', () => {
    test('by code: each diff applies, and the finding is gone afterwards', async () => {
        const file = 'openspec/changes/add-2fa/specs/auth/spec.md';
        const answer = await call(fixtureClient, 'fixes', { path: file, code: 'delta/missing-scenario' });
        assert.equal(answer.findings.length, 1);
        assert.ok(answer.fixes.length > 0);
        for (const fix of answer.fixes) {
            assert.equal(fix.fixes, 'delta/missing-scenario');
            assert.deepEqual(fix.files, [file]);
            assert.match(fix.diff, new RegExp(`^--- a/${file}\\n\\+\\+\\+ b/${file}\\n@@ `));
            gitApply(copyOf(fixture), fix.diff);
        }
        const copy = copyOf(fixture);
        gitApply(copy, answer.fixes[0].diff);
        const after = cliCheck(copy);
        assert.ok(!after.diagnostics.some((d) => d.code === 'delta/missing-scenario'), 'fixed');
    });

    test('by line in a CRLF file with non-ASCII text', async () => {
        const file = 'openspec/specs/größe/spec.md';
        const answer = await call(fixtureClient, 'fixes', { path: file, line: 7 });
        const codes = answer.findings.map((f) => f.code).sort();
        assert.deepEqual(codes, ['spec/requirement-no-scenario', 'spec/requirement-no-scenario-hint']);
        const fix = answer.fixes.find((f) => f.fixes?.startsWith('spec/requirement-no-scenario'));
        assert.ok(fix, JSON.stringify(answer.fixes.map((f) => f.title)));
        assert.match(fix.diff, /\r\n/, 'the added lines keep the file\'s CRLF');
        const copy = copyOf(fixture);
        gitApply(copy, fix.diff);
        assert.ok(!cliCheck(copy).diagnostics.some((d) => d.code === 'spec/requirement-no-scenario' && d.path === file));
    });

    test('a line and column with nothing to fix gives no fixes', async () => {
        const answer = await call(demoClient, 'fixes', { path: 'openspec/specs/auth/spec.md', line: 1, column: 1 });
        assert.deepEqual(answer.findings, []);
        assert.equal(answer.total, answer.fixes.length);
    });
});

describe('preview_archive', () => {
    test('the demo change: merged spec and a diff that applies', async () => {
        const answer = await call(demoClient, 'preview_archive', { change: 'add-two-factor-auth' });
        assert.equal(answer.wouldRefuse, false);
        assert.equal(answer.validate, true);
        const [auth] = answer.capabilities;
        assert.equal(auth.capability, 'auth');
        assert.equal(auth.action, 'modify');
        assert.match(auth.text, /### Requirement: One-time code/);
        assert.equal(auth.current, undefined, 'the diff stands for the current text');
        assert.match(auth.diff, /^--- a\/openspec\/specs\/auth\/spec.md\n\+\+\+ b\/openspec\/specs\/auth\/spec.md\n/);
        const copy = copyOf(demo);
        gitApply(copy, auth.diff);
        assert.equal(fs.readFileSync(path.join(copy, 'openspec/specs/auth/spec.md'), 'utf8'), auth.text);
    });

    test('refusals come with locations', async () => {
        const answer = await call(fixtureClient, 'preview_archive', { change: 'add-2fa', validate: false });
        assert.equal(answer.wouldRefuse, true);
        const ghost = answer.capabilities.find((c) => c.capability === 'ghost');
        assert.ok(ghost.refusals.length > 0);
        assert.equal(ghost.refusals[0].path, 'openspec/changes/add-2fa/specs/ghost/spec.md');
        assert.ok(ghost.refusals[0].line >= 1 && ghost.refusals[0].column >= 1);
        const only = await call(fixtureClient, 'preview_archive', { change: 'add-2fa', capability: 'auth' });
        assert.deepEqual(only.capabilities.map((c) => c.capability), ['auth']);
    });
});

describe('requirement, search, archive_readiness', () => {
    test('requirement: text, scenarios and the changes touching it', async () => {
        const answer = await call(fixtureClient, 'requirement', { capability: 'auth', name: 'Login' });
        assert.equal(answer.in_main_spec, true);
        assert.deepEqual([answer.location.path, answer.location.line], ['openspec/specs/auth/spec.md', 7]);
        assert.match(answer.text, /^### Requirement: Login\n/);
        assert.deepEqual(answer.scenarios.map((s) => [s.name, s.line]), [['Valid credentials', 10]]);
        assert.deepEqual(answer.changes.map((c) => [c.change, c.operation, c.line]), [['add-2fa', 'MODIFIED', 2]]);
        assert.deepEqual(answer.history, { summary: 'no archived changes', archived: [] });
        // History: the archived changes that shaped it, with places.
        const invoice = await call(demoClient, 'requirement', { capability: 'billing/invoices', name: 'Invoice per order' });
        assert.match(invoice.history.summary, /added by add-invoices/);
        const [added_event] = invoice.history.archived;
        assert.deepEqual(
            [added_event.change, added_event.date, added_event.kind, added_event.location.path, added_event.location.line],
            ['2025-01-20-add-invoices', '2025-01-20', 'ADDED', 'openspec/changes/archive/2025-01-20-add-invoices/specs/billing/invoices/spec.md', 2],
        );
        const added = await call(demoClient, 'requirement', { capability: 'auth', name: 'One-time code' });
        assert.equal(added.in_main_spec, false);
        assert.equal(added.location.path, 'openspec/changes/add-two-factor-auth/specs/auth/spec.md');
        assert.equal(added.scenarios.length, 2);
    });

    test('search: by name, best first, bounded', async () => {
        const answer = await call(demoClient, 'search', { query: 'password sign-in' });
        assert.equal(answer.results[0].name, 'Password sign-in');
        assert.equal(answer.results[0].kind, 'requirement');
        assert.equal(answer.results[0].container, 'auth');
        assert.deepEqual([answer.results[0].path, answer.results[0].line], ['openspec/specs/auth/spec.md', 8]);
        const all = await call(demoClient, 'search', { query: '', limit: 3 });
        assert.equal(all.results.length, 3);
        assert.equal(all.truncated, true);
        assert.ok(all.total > 3);
        assert.match(all.note, /showing 3 of/);
        const kinds = new Set((await call(demoClient, 'search', { query: '', limit: 500 })).results.map((r) => r.kind));
        assert.deepEqual(kinds, new Set(['spec', 'requirement', 'change']));
    });

    test('archive_readiness: blockers with their places', async () => {
        const demoAnswer = await call(demoClient, 'archive_readiness', { change: 'add-two-factor-auth' });
        assert.equal(demoAnswer.ready, false);
        assert.equal(demoAnswer.open_tasks, 2);
        assert.equal(demoAnswer.tasks.path, 'openspec/changes/add-two-factor-auth/tasks.md');
        assert.match(demoAnswer.title, /not ready to archive: 2 open tasks/);
        const fixtureAnswer = await call(fixtureClient, 'archive_readiness', { change: 'add-2fa' });
        assert.ok(fixtureAnswer.validation_errors.some((f) => f.code === 'delta/missing-scenario'));
        assert.ok(fixtureAnswer.archive_problems.length > 0);
        assert.ok(fixtureAnswer.archive_problems.every((f) => f.path && f.line >= 1));
    });
});

describe('resources', () => {
    test('specs and active changes, with summaries, readable', async () => {
        const { resources } = await demoClient.listResources();
        assert.deepEqual(resources.map((r) => r.uri), [
            'openspec://specs/auth',
            'openspec://specs/billing/invoices',
            'openspec://specs/notifications',
            'openspec://changes/add-two-factor-auth',
            'openspec://changes/rework-notifications',
        ]);
        assert.match(resources[0].description, /2 requirements\. Purpose: /);
        assert.match(resources[3].description, /deltas for auth; tasks 1\/3 done/);
        const spec = await demoClient.readResource({ uri: 'openspec://specs/billing/invoices' });
        assert.equal(spec.contents[0].text, fs.readFileSync(path.join(demo, 'openspec/specs/billing/invoices/spec.md'), 'utf8'));
        const change = await demoClient.readResource({ uri: 'openspec://changes/add-two-factor-auth' });
        assert.ok(change.contents.some((c) => c.uri === 'openspec://changes/add-two-factor-auth/proposal.md'));
        assert.ok(change.contents.some((c) => c.uri === 'openspec://changes/add-two-factor-auth/specs/auth/spec.md'));
        await assert.rejects(demoClient.readResource({ uri: 'openspec://specs/nope' }), /no resource/);
    });
});

describe('bad calls are errors with clear messages', () => {
    test('unknown names and impossible places', async () => {
        await rejectsWith(demoClient, 'preview_archive', { change: 'nope' }, /no active change named `nope`; active changes: `add-two-factor-auth`/);
        await rejectsWith(demoClient, 'archive_readiness', { change: 'nope' }, /no active change named `nope`/);
        await rejectsWith(demoClient, 'preview_archive', { change: 'add-two-factor-auth', capability: 'x' }, /no delta spec for `x`/);
        await rejectsWith(demoClient, 'requirement', { capability: 'auth', name: 'Nope' }, /no requirement named `Nope` in `auth`.*`Password sign-in`/);
        await rejectsWith(demoClient, 'requirement', { capability: 'nope', name: 'x' }, /no capability `nope`/);
        await rejectsWith(demoClient, 'fixes', { path: 'openspec/specs/auth/spec.md' }, /give a `line`/);
        await rejectsWith(demoClient, 'fixes', { path: 'openspec/specs/auth/spec.md', line: 999 }, /line 999 is outside/);
        await rejectsWith(demoClient, 'fixes', { path: 'openspec/specs/auth/spec.md', code: 'spec/nope' }, /no `spec\/nope` finding/);
        await rejectsWith(demoClient, 'fixes', { path: '../outside.md', line: 1 }, /no `\.\.`/);
        await rejectsWith(demoClient, 'fixes', { path: 'missing.md', line: 1 }, /not a readable file/);
    });

    test('malformed arguments', async () => {
        await rejectsWith(demoClient, 'check', { limit: 0 }, /`limit` must be at least 1/);
        await rejectsWith(demoClient, 'check', { limit: 501 }, /at most 500/);
        await rejectsWith(demoClient, 'check', { stict: true }, /unknown field `stict`/);
        await rejectsWith(demoClient, 'requirement', { capability: 'auth' }, /missing field `name`/);
        await rejectsWith(demoClient, 'search', { query: 3 }, /invalid type/);
        // An unknown tool is a protocol error.
        await assert.rejects(demoClient.callTool({ name: 'archive', arguments: {} }), (error) => {
            assert.ok(error instanceof McpError, `not an McpError: ${error}`);
            assert.equal(error.code, ErrorCode.InvalidParams);
            assert.match(error.message, /tool not found/);
            return true;
        });
    });
});
