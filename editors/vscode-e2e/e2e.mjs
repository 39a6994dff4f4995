// Drives the VS Code workbench that code-server serves (run.sh starts it) with Debian's
// Chromium through playwright-core, as a user would: keyboard, quick open, command palette.
// Each check waits at most a few seconds and takes a screenshot when it fails.
//
//   node e2e.mjs --url URL --workspace DIR --screenshots DIR --modules NODE_MODULES --expected JSON

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
    options: {
        url: { type: 'string' },
        workspace: { type: 'string' },
        screenshots: { type: 'string' },
        modules: { type: 'string' },
        expected: { type: 'string' },
    },
});
const { chromium } = createRequire(join(options.modules, 'noop.js'))('playwright-core');
const expected = JSON.parse(options.expected).summary;

const DELTA = 'openspec/changes/rework-notifications/specs/notifications/spec.md';
const MAIN = 'openspec/specs/notifications/spec.md';
// A change that archives cleanly (rework-notifications has an error that archive refuses).
const READY_DELTA = 'openspec/changes/add-two-factor-auth/specs/auth/spec.md';
const results = [];

const profile = mkdtempSync(join(tmpdir(), 'openspec-e2e-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.OPENSPEC_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
    ],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(20_000);

/** Runs one named check; a failure is recorded with a screenshot, and the run goes on. */
async function check(name, body) {
    const started = Date.now();
    try {
        await body();
        results.push({ name, ok: true });
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
        const shot = join(options.screenshots, `${results.length + 1}-${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
        await page.screenshot({ path: shot }).catch(() => undefined);
        results.push({ name, ok: false });
        const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents().catch(() => []);
        console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}\n     screenshot: ${shot}`);
        for (const toast of toasts) {
            console.log(`     notification: ${toast}`);
        }
        await page.keyboard.press('Escape').catch(() => undefined);
    }
}

/** Polls `probe` until it returns a value other than undefined, for at most `ms`. */
async function until(what, probe, ms = 20_000) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
        last = await probe();
        if (last !== undefined && last !== false) {
            return last;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        }
        await page.waitForTimeout(250);
    }
}

/** The error and warning counts of the status bar's problems item. */
async function problemCounts() {
    // The item reads "<errors> <warnings>" next to its icons (its aria-label words vary with
    // the counts: "No Errors", "Errors: 1"...).
    const item = page.locator('[id="status.problems"]').first();
    const text = ((await item.textContent().catch(() => '')) ?? '').trim();
    const numbers = text.match(/\d+/g);
    if (numbers === null || numbers.length < 2) {
        return undefined;
    }
    const label = `${(await item.getAttribute('aria-label').catch(() => '')) ?? ''} (${text})`;
    return { errors: Number(numbers[0]), warnings: Number(numbers[1]), label };
}

/** Opens `file` at line:column through quick open, and waits for its editor tab. */
async function open(file, line, column) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`${file}:${line}:${column}`);
    // Wait for the file search to list it (slow on a busy machine), then take it.
    const folder = file.split('/').slice(0, -1).join('/');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: folder }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await until(`the tab of ${file}`, async () => ((await activeTabPath())?.endsWith(file) ? true : undefined));
    await page.waitForTimeout(300);
}

/** The workspace-relative path of the active editor: run.sh sets `window.title` to it. */
async function activeTabPath() {
    const title = (await page.title()).trim();
    return title.length > 0 ? title : undefined;
}

/** The text of the active editor's visible lines (short files fit). */
async function editorLines() {
    const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').evaluateAll((nodes) =>
        nodes
            .map((node) => ({ top: parseFloat(node.style.top || '0'), text: (node.textContent ?? '').replace(/\u00a0/g, ' ') }))
            .sort((a, b) => a.top - b.top)
            .map((line) => line.text),
    );
    return lines;
}

/** Runs a command from the command palette, once the palette has it selected. */
async function runCommand(title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await until(`"${title}" in the command palette`, async () =>
        ((await page.locator('.quick-input-widget .monaco-list-row.focused').first().textContent().catch(() => '')) ?? '').includes(title) ? true : undefined,
    10_000);
    await page.keyboard.press('Enter');
}

/** Waits for a quick pick whose title matches, and accepts its first item. */
async function acceptQuickPick(title) {
    await until(`a quick pick titled ${title}`, async () =>
        title.test((await page.locator('.quick-input-widget:visible .quick-input-title').first().textContent().catch(() => '')) ?? '') ? true : undefined,
    10_000);
    const row = page.locator('.quick-input-widget:visible .monaco-list-row').first();
    await row.waitFor({ state: 'visible' });
    console.log(`     quick pick: ${await row.textContent()}`);
    await page.keyboard.press('Enter');
}

try {
    const workbench = `${options.url}/?folder=${encodeURIComponent(options.workspace)}`;
    // The first load compiles VS Code's scripts in a cold browser: slow on a busy machine.
    await page.goto(workbench, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
    console.log(`workbench open: ${workbench}`);

    await check('diagnostics appear once: the status bar counts equal check', async () => {
        // The server checks the whole workspace when it starts, with no file open.
        await until(`the status bar to show ${expected.errors} error(s), ${expected.warnings} warning(s)`, async () => {
            const counts = await problemCounts();
            return counts && counts.errors === expected.errors && counts.warnings === expected.warnings ? counts : undefined;
        }, 180_000);
        // Opening a file (pull diagnostics on top of the pushed ones) must not count twice.
        await open(DELTA, 2, 20);
        await page.locator('.editor-group-container.active .squiggly-error').first().waitFor({ state: 'attached', timeout: 30_000 });
        await page.waitForTimeout(5000);
        const counts = await problemCounts();
        assert.deepEqual([counts?.errors, counts?.warnings], [expected.errors, expected.warnings], `after opening the delta: ${counts?.label}`);
    });

    await check('hover on a delta requirement shows the requirement', async () => {
        await open(DELTA, 2, 20);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const hover = page.locator('.monaco-hover:visible .hover-contents, .monaco-hover:visible .rendered-markdown').first();
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        const text = await hover.textContent();
        assert.match(text ?? '', /Shipping email|SHALL|scenario/i, `hover text: ${text}`);
        await page.keyboard.press('Escape');
    });

    await check('go to definition jumps to the main spec (one target, no peek)', async () => {
        await open(DELTA, 2, 20);
        await page.keyboard.press('F12');
        await until('the main spec to become the active editor', async () => ((await activeTabPath())?.endsWith(MAIN) ? true : undefined), 10_000);
        assert.equal(await page.locator('.peekview-widget:visible').count(), 0, 'a peek view opened (more than one definition)');
        const lines = await editorLines();
        assert.ok(lines.some((line) => line.startsWith('### Requirement: Shipping email')), lines.join('\n'));
    });

    await check('a quick fix applies and its finding disappears', async () => {
        await open(DELTA, 2, 5);
        const before = await problemCounts();
        assert.deepEqual([before?.errors, before?.warnings], [expected.errors, expected.warnings], `before the fix: ${before?.label}`);
        await page.keyboard.press('Control+.');
        const menu = page.locator('.action-widget:visible .action-list-item, .context-view .action-widget .monaco-list-row');
        await menu.first().waitFor({ state: 'visible', timeout: 10_000 });
        const titles = await menu.allTextContents();
        console.log(`     quick fixes offered: ${titles.join(' | ')}`);
        await page.keyboard.press('Enter');
        // The scenario-loss error goes; nothing else changes (the buffer is not saved).
        await until(`the status bar to show ${expected.errors - 1} error(s), ${expected.warnings} warning(s)`, async () => {
            const counts = await problemCounts();
            return counts && counts.errors === expected.errors - 1 && counts.warnings === expected.warnings ? true : undefined;
        }, 45_000);
        const lines = await editorLines();
        assert.ok(lines.some((line) => line.includes('No email address')), `the omitted scenario was not copied:\n${lines.join('\n')}`);
    });

    await check('completion inserts the whole multi-word requirement name', async () => {
        // A new REMOVED requirement at the end of the delta: type part of a two-word name.
        await open(DELTA, 1, 1);
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Enter');
        await page.keyboard.type('### Requirement: Shipping e', { delay: 30 });
        // Tab accepts "Shipping email" the moment the list selects it (on a busy machine the list
        // re-filters and can close again as other answers arrive; the space before "e" is a
        // trigger character); if the list closed first, Tab only indents and the check fails.
        const wanted = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused', { hasText: 'Shipping email' });
        await until('"Shipping email" selected in the completion list', async () => {
            for (let poll = 0; poll < 20; poll++) {
                if ((await wanted.count()) > 0) {
                    await page.keyboard.press('Tab');
                    return true;
                }
                await page.waitForTimeout(100);
            }
            await page.keyboard.press('Escape');
            await page.keyboard.press('Control+Space');
            return undefined;
        }, 30_000);
        await page.waitForTimeout(500);
        const lines = await editorLines();
        const last = lines.filter((line) => line.startsWith('### Requirement:')).at(-1);
        assert.equal(last?.trimEnd(), '### Requirement: Shipping email', lines.join('\n'));
        // Leave the file as it was on disk for the next check.
        await runCommand('File: Revert File');
        await page.waitForTimeout(500);
    });

    await check('the archive preview opens', async () => {
        await open(READY_DELTA, 1, 1);
        await runCommand('OpenSpec: Preview Archive of a Change');
        // With a delta in the editor, the first pick offers that delta's change and capability.
        await acceptQuickPick(/OpenSpec: preview/);
        await until('the preview beside the delta', async () =>
            (await page.locator('.editor-group-container').count()) >= 2 && !(await activeTabPath())?.endsWith(READY_DELTA) ? true : undefined,
        15_000);
        console.log(`     preview: ${await activeTabPath()}`);
        const lines = await editorLines();
        // The main auth spec with the change's ADDED requirement merged in.
        for (const name of ['Password sign-in', 'Session expiry', 'One-time code']) {
            assert.ok(lines.some((line) => line.startsWith(`### Requirement: ${name}`)), `the merged spec lacks ${name}:\n${lines.join('\n')}`);
        }
    });

    await check("a referenced store's requirement opens from workspace symbols, outside the workspace, with hover", async () => {
        // run.sh registers the store team-specs (outside the workspace) and references it.
        await page.keyboard.press('Control+T');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill('#Token rotation');
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'team-specs' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        console.log(`     symbol: ${await page.locator('.quick-input-widget .monaco-list-row.focused').first().textContent()}`);
        await page.keyboard.press('Enter');
        await until('the store spec to become the active editor', async () =>
            (await activeTabPath())?.endsWith('team-specs/openspec/specs/tokens/spec.md') ? true : undefined,
        10_000);
        const lines = await editorLines();
        assert.ok(lines.some((line) => line.startsWith('### Requirement: Token rotation')), lines.join('\n'));
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const hover = page.locator('.monaco-hover:visible .hover-contents, .monaco-hover:visible .rendered-markdown').first();
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        const text = await hover.textContent();
        assert.match(text ?? '', /rotate access tokens every hour/, `hover text: ${text}`);
        await page.keyboard.press('Escape');
    });
} finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
