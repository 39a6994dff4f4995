//! Tokenizes OpenSpec Markdown with the injection grammar (grammars/textmate/) on top of the
//! Markdown grammar VS Code ships (as packaged in tm-grammars), using vscode-textmate and
//! vscode-oniguruma: the same engine VS Code runs. Checks what gets an OpenSpec scope and,
//! as importantly, what does not (fenced code, indented headers OpenSpec ignores).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';

import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

import { repoRoot } from './host';

const INJECTION_SCOPE = 'openspec.markdown.injection';
const grammarFiles: Record<string, string> = {
    'text.html.markdown': require.resolve('tm-grammars/grammars/markdown.json'),
    [INJECTION_SCOPE]: path.join(repoRoot, 'grammars', 'textmate', 'openspec.injection.tmLanguage.json'),
};

const SAMPLE = [
    '## MODIFIED Requirements', // 0
    '### Requirement: Shipping email', // 1
    'The system SHALL notify the customer, and MUST NOT spam them.', // 2
    '', // 3
    '#### Scenario: Order shipped', // 4
    '- **WHEN** an order is marked as shipped', // 5
    '- **THEN** the customer receives an email', // 6
    '', // 7
    '## REMOVED Requirements', // 8
    '### Requirement: Unsubscribe link', // 9
    '**Reason**: Replaced by notification settings.', // 10
    '', // 11
    '## RENAMED Requirements', // 12
    '- FROM: `### Requirement: Login`', // 13
    '- TO: `### Requirement: Sign in`', // 14
    '', // 15
    '- [ ] 1.2 Send the shipping notice', // 16
    '', // 17
    '```md', // 18
    '### Requirement: In a fence', // 19
    'It SHALL not be highlighted.', // 20
    '```', // 21
    '', // 22
    '  ### Requirement: Indented', // 23
    '## ADDED Requirements', // 24
];

let lines: { text: string; tokens: textmate.IToken[] }[] = [];

before(async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
            createOnigString: (text: string) => new oniguruma.OnigString(text),
        }),
        loadGrammar: (scopeName: string) => {
            const file = grammarFiles[scopeName];
            // Languages embedded in fenced code are not needed here.
            return Promise.resolve(file === undefined ? null : textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file));
        },
        getInjections: (scopeName: string) => (scopeName === 'text.html.markdown' ? [INJECTION_SCOPE] : undefined),
    });
    const grammar = await registry.loadGrammar('text.html.markdown');
    assert.ok(grammar, 'the Markdown grammar did not load');
    let state = textmate.INITIAL;
    lines = SAMPLE.map((text) => {
        const result = grammar.tokenizeLine(text, state);
        state = result.ruleStack;
        return { text, tokens: result.tokens };
    });
});

/** The scopes of the token holding the first occurrence of `needle` on line `line`. */
function scopesAt(line: number, needle: string): string[] {
    const { text, tokens } = lines[line];
    const offset = text.indexOf(needle);
    assert.ok(offset >= 0, `"${needle}" is not on line ${line}: ${text}`);
    const token = tokens.find((candidate) => candidate.startIndex <= offset && offset < candidate.endIndex);
    assert.ok(token, `no token at ${line}:${offset}`);
    return token.scopes;
}

function assertScope(line: number, needle: string, scope: string): void {
    const scopes = scopesAt(line, needle);
    assert.ok(scopes.includes(scope), `"${needle}" on line ${line} lacks ${scope}: ${scopes.join(' ')}`);
}

function assertNoOpenSpecScope(line: number, needle: string): void {
    const scopes = scopesAt(line, needle);
    assert.ok(!scopes.some((scope) => scope.endsWith('.openspec')), `"${needle}" on line ${line} has an OpenSpec scope: ${scopes.join(' ')}`);
}

test('requirement and scenario headers keep heading scopes and mark the keyword and the name', () => {
    assertScope(1, 'Requirement:', 'keyword.other.requirement.openspec');
    assertScope(1, 'Requirement:', 'markup.heading.markdown');
    assertScope(1, 'Shipping email', 'entity.name.type.requirement.openspec');
    assertScope(1, '###', 'punctuation.definition.heading.markdown');
    assertScope(4, 'Scenario:', 'keyword.other.scenario.openspec');
    assertScope(4, 'Order shipped', 'entity.name.function.scenario.openspec');
});

test('delta section headers mark the operation as a diff', () => {
    assertScope(0, 'MODIFIED', 'markup.changed.delta.openspec');
    assertScope(8, 'REMOVED', 'markup.deleted.delta.openspec');
    assertScope(12, 'RENAMED', 'markup.changed.delta.openspec');
    assertScope(24, 'ADDED', 'markup.inserted.delta.openspec');
});

test('normative keywords, scenario steps, delta fields and task ids', () => {
    assertScope(2, 'SHALL', 'keyword.other.normative.openspec');
    assertScope(2, 'MUST NOT', 'keyword.other.normative.openspec');
    assertNoOpenSpecScope(2, 'notify');
    assertScope(5, 'WHEN', 'keyword.control.scenario-step.openspec');
    assertScope(6, 'THEN', 'keyword.control.scenario-step.openspec');
    assertNoOpenSpecScope(6, 'customer');
    assertScope(10, 'Reason', 'keyword.other.delta-field.openspec');
    assertScope(13, 'FROM', 'keyword.other.rename-field.openspec');
    assertScope(14, 'TO', 'keyword.other.rename-field.openspec');
    assertScope(16, '1.2', 'constant.numeric.task-id.openspec');
});

test('fenced code and indented headers (which OpenSpec does not read) stay plain', () => {
    assertNoOpenSpecScope(19, 'Requirement:');
    assertNoOpenSpecScope(20, 'SHALL');
    assertNoOpenSpecScope(23, 'Requirement:');
});
