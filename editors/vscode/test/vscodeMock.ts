//! A stand-in for the `vscode` module, enough for the extension and vscode-languageclient to
//! run in plain Node against the real server. It is not VS Code: no rendering, no extension
//! host, no real settings UI. It records what the extension does (messages, opened documents,
//! tasks, registered providers, diagnostics) so the tests can assert on it, and it throws on
//! any API it does not provide, so a gap shows up as a clear error rather than a silent no-op.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Basic types

export class Disposable {
    private callOnDispose: (() => unknown) | undefined;
    constructor(callOnDispose?: () => unknown) {
        this.callOnDispose = callOnDispose;
    }
    static from(...disposables: { dispose(): unknown }[]): Disposable {
        return new Disposable(() => disposables.forEach((disposable) => disposable?.dispose()));
    }
    dispose(): void {
        const callOnDispose = this.callOnDispose;
        this.callOnDispose = undefined;
        callOnDispose?.();
    }
}

type Listener<T> = (event: T) => unknown;

export class EventEmitter<T> {
    private listeners = new Set<Listener<T>>();
    readonly event = (listener: Listener<T>, thisArgs?: unknown, disposables?: Disposable[]): Disposable => {
        const bound: Listener<T> = (event) => listener.call(thisArgs, event);
        this.listeners.add(bound);
        const disposable = new Disposable(() => this.listeners.delete(bound));
        disposables?.push(disposable);
        return disposable;
    };
    fire(event: T): void {
        for (const listener of [...this.listeners]) {
            try {
                listener(event);
            } catch (error) {
                console.error('vscode mock: listener failed', error);
            }
        }
    }
    dispose(): void {
        this.listeners.clear();
    }
}

export class CancellationError extends Error {
    constructor() {
        super('Canceled');
        this.name = 'Canceled';
    }
}

export class CancellationTokenSource {
    private readonly emitter = new EventEmitter<void>();
    readonly token = {
        isCancellationRequested: false,
        onCancellationRequested: this.emitter.event,
    };
    cancel(): void {
        if (!this.token.isCancellationRequested) {
            this.token.isCancellationRequested = true;
            this.emitter.fire();
        }
    }
    dispose(): void {
        this.emitter.dispose();
    }
}

export class Uri {
    private constructor(
        readonly scheme: string,
        readonly authority: string,
        readonly path: string,
        readonly query: string,
        readonly fragment: string,
    ) {}

    static file(fsPath: string): Uri {
        return new Uri('file', '', pathToFileURL(fsPath).pathname.split('/').map(decodeURIComponent).join('/'), '', '');
    }

    static parse(value: string): Uri {
        const match = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
        if (match === null) {
            throw new Error(`vscode mock: cannot parse URI ${value}`);
        }
        const [, scheme, authority = '', rawPath, query = '', fragment = ''] = match;
        if (scheme === 'file') {
            return Uri.file(fileURLToPath(`file://${rawPath}`));
        }
        return new Uri(scheme, authority, decodeURIComponent(rawPath), query, fragment);
    }

    static from(components: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
        return new Uri(components.scheme, components.authority ?? '', components.path ?? '', components.query ?? '', components.fragment ?? '');
    }

    static joinPath(base: Uri, ...segments: string[]): Uri {
        return base.with({ path: path.posix.join(base.path, ...segments) });
    }

    get fsPath(): string {
        return this.scheme === 'file' ? path.normalize(this.path) : this.path;
    }

    with(change: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
        return new Uri(
            change.scheme ?? this.scheme,
            change.authority ?? this.authority,
            change.path ?? this.path,
            change.query ?? this.query,
            change.fragment ?? this.fragment,
        );
    }

    toString(): string {
        if (this.scheme === 'file') {
            return pathToFileURL(this.path).href;
        }
        const encodedPath = this.path.split('/').map(encodeURIComponent).join('/');
        const authority = this.authority ? `//${this.authority}` : '';
        const query = this.query ? `?${this.query}` : '';
        const fragment = this.fragment ? `#${this.fragment}` : '';
        return `${this.scheme}:${authority}${encodedPath}${query}${fragment}`;
    }

    toJSON(): unknown {
        return { $mid: 1, scheme: this.scheme, path: this.path, fsPath: this.fsPath, external: this.toString() };
    }
}

export class Position {
    constructor(
        readonly line: number,
        readonly character: number,
    ) {
        if (line < 0 || character < 0) {
            throw new Error('Illegal argument: line and character must be non-negative');
        }
    }
    isBefore(other: Position): boolean {
        return this.line < other.line || (this.line === other.line && this.character < other.character);
    }
    isBeforeOrEqual(other: Position): boolean {
        return this.isBefore(other) || this.isEqual(other);
    }
    isAfter(other: Position): boolean {
        return !this.isBeforeOrEqual(other);
    }
    isAfterOrEqual(other: Position): boolean {
        return !this.isBefore(other);
    }
    isEqual(other: Position): boolean {
        return this.line === other.line && this.character === other.character;
    }
    compareTo(other: Position): number {
        return this.isBefore(other) ? -1 : this.isEqual(other) ? 0 : 1;
    }
    translate(lineDelta = 0, characterDelta = 0): Position {
        return new Position(this.line + lineDelta, this.character + characterDelta);
    }
    with(line = this.line, character = this.character): Position {
        return new Position(line, character);
    }
}

export class Range {
    readonly start: Position;
    readonly end: Position;
    constructor(startOrLine: Position | number, endOrCharacter: Position | number, endLine?: number, endCharacter?: number) {
        const start = startOrLine instanceof Position ? startOrLine : new Position(startOrLine, endOrCharacter as number);
        const end = startOrLine instanceof Position ? (endOrCharacter as Position) : new Position(endLine ?? 0, endCharacter ?? 0);
        [this.start, this.end] = start.isBefore(end) || start.isEqual(end) ? [start, end] : [end, start];
    }
    get isEmpty(): boolean {
        return this.start.isEqual(this.end);
    }
    get isSingleLine(): boolean {
        return this.start.line === this.end.line;
    }
    contains(value: Position | Range): boolean {
        if (value instanceof Range) {
            return this.contains(value.start) && this.contains(value.end);
        }
        return value.isAfterOrEqual(this.start) && value.isBeforeOrEqual(this.end);
    }
    isEqual(other: Range): boolean {
        return this.start.isEqual(other.start) && this.end.isEqual(other.end);
    }
    with(start = this.start, end = this.end): Range {
        return new Range(start, end);
    }
}

export class Selection extends Range {
    constructor(
        readonly anchor: Position,
        readonly active: Position,
    ) {
        super(anchor, active);
    }
}

export class Location {
    readonly range: Range;
    constructor(
        readonly uri: Uri,
        rangeOrPosition: Range | Position,
    ) {
        this.range = rangeOrPosition instanceof Position ? new Range(rangeOrPosition, rangeOrPosition) : rangeOrPosition;
    }
}

export enum DiagnosticSeverity {
    Error = 0,
    Warning = 1,
    Information = 2,
    Hint = 3,
}

export enum DiagnosticTag {
    Unnecessary = 1,
    Deprecated = 2,
}

export class DiagnosticRelatedInformation {
    constructor(
        readonly location: Location,
        readonly message: string,
    ) {}
}

export class Diagnostic {
    code: string | number | { value: string | number; target: Uri } | undefined;
    source: string | undefined;
    relatedInformation: DiagnosticRelatedInformation[] | undefined;
    tags: DiagnosticTag[] | undefined;
    constructor(
        public range: Range,
        public message: string,
        public severity: DiagnosticSeverity = DiagnosticSeverity.Error,
    ) {}
}

export class TextEdit {
    constructor(
        public range: Range,
        public newText: string,
    ) {}
    static replace(range: Range, newText: string): TextEdit {
        return new TextEdit(range, newText);
    }
    static insert(position: Position, newText: string): TextEdit {
        return new TextEdit(new Range(position, position), newText);
    }
    static delete(range: Range): TextEdit {
        return new TextEdit(range, '');
    }
}

export class SnippetTextEdit {
    constructor(
        public range: Range,
        public snippet: SnippetString,
    ) {}
}

export class WorkspaceEdit {
    private readonly edits = new Map<string, { uri: Uri; edits: TextEdit[] }>();
    readonly fileOperations: { kind: string; from?: Uri; to?: Uri; options?: unknown }[] = [];
    get size(): number {
        return this.edits.size;
    }
    set(uri: Uri, edits: readonly (TextEdit | [TextEdit, unknown])[] | undefined): void {
        const plain = (edits ?? []).map((edit) => (Array.isArray(edit) ? edit[0] : edit));
        this.edits.set(uri.toString(), { uri, edits: plain });
    }
    replace(uri: Uri, range: Range, newText: string): void {
        this.entry(uri).push(new TextEdit(range, newText));
    }
    insert(uri: Uri, position: Position, newText: string): void {
        this.entry(uri).push(TextEdit.insert(position, newText));
    }
    delete(uri: Uri, range: Range): void {
        this.entry(uri).push(TextEdit.delete(range));
    }
    get(uri: Uri): TextEdit[] {
        return this.edits.get(uri.toString())?.edits ?? [];
    }
    has(uri: Uri): boolean {
        return this.edits.has(uri.toString());
    }
    entries(): [Uri, TextEdit[]][] {
        return [...this.edits.values()].map((entry) => [entry.uri, entry.edits]);
    }
    createFile(uri: Uri, options?: unknown): void {
        this.fileOperations.push({ kind: 'create', to: uri, options });
    }
    renameFile(from: Uri, to: Uri, options?: unknown): void {
        this.fileOperations.push({ kind: 'rename', from, to, options });
    }
    deleteFile(uri: Uri, options?: unknown): void {
        this.fileOperations.push({ kind: 'delete', from: uri, options });
    }
    private entry(uri: Uri): TextEdit[] {
        const key = uri.toString();
        const existing = this.edits.get(key);
        if (existing !== undefined) {
            return existing.edits;
        }
        const created = { uri, edits: [] as TextEdit[] };
        this.edits.set(key, created);
        return created.edits;
    }
}

export class SnippetString {
    constructor(public value = '') {}
    appendText(text: string): SnippetString {
        this.value += text.replace(/[$}\\]/g, '\\$&');
        return this;
    }
    appendTabstop(index = 0): SnippetString {
        this.value += `$${index}`;
        return this;
    }
    appendPlaceholder(text: string, index = 0): SnippetString {
        this.value += `\${${index}:${text}}`;
        return this;
    }
}

export class MarkdownString {
    isTrusted: boolean | { enabledCommands: string[] } | undefined;
    supportHtml: boolean | undefined;
    supportThemeIcons: boolean | undefined;
    baseUri: Uri | undefined;
    constructor(
        public value = '',
        supportThemeIcons = false,
    ) {
        this.supportThemeIcons = supportThemeIcons;
    }
    appendText(value: string): MarkdownString {
        this.value += value.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
        return this;
    }
    appendMarkdown(value: string): MarkdownString {
        this.value += value;
        return this;
    }
    appendCodeblock(code: string, language = ''): MarkdownString {
        this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
        return this;
    }
}

export class Hover {
    readonly contents: (MarkdownString | string | { language: string; value: string })[];
    constructor(
        contents: MarkdownString | string | (MarkdownString | string)[],
        public range?: Range,
    ) {
        this.contents = Array.isArray(contents) ? contents : [contents];
    }
}

export enum CompletionItemKind {
    Text = 0, Method = 1, Function = 2, Constructor = 3, Field = 4, Variable = 5, Class = 6, Interface = 7,
    Module = 8, Property = 9, Unit = 10, Value = 11, Enum = 12, Keyword = 13, Snippet = 14, Color = 15,
    File = 16, Reference = 17, Folder = 18, EnumMember = 19, Constant = 20, Struct = 21, Event = 22,
    Operator = 23, TypeParameter = 24, User = 25, Issue = 26,
}

export enum CompletionItemTag {
    Deprecated = 1,
}

export enum CompletionTriggerKind {
    Invoke = 0,
    TriggerCharacter = 1,
    TriggerForIncompleteCompletions = 2,
}

export class CompletionItem {
    detail: string | undefined;
    documentation: string | MarkdownString | undefined;
    sortText: string | undefined;
    filterText: string | undefined;
    insertText: string | SnippetString | undefined;
    range: Range | { inserting: Range; replacing: Range } | undefined;
    textEdit: TextEdit | undefined;
    additionalTextEdits: TextEdit[] | undefined;
    command: unknown;
    tags: CompletionItemTag[] | undefined;
    preselect: boolean | undefined;
    commitCharacters: string[] | undefined;
    keepWhitespace: boolean | undefined;
    constructor(
        public label: string | { label: string; detail?: string; description?: string },
        public kind?: CompletionItemKind,
    ) {}
}

export class CompletionList {
    constructor(
        public items: CompletionItem[] = [],
        public isIncomplete = false,
    ) {}
}

export enum SymbolKind {
    File = 0, Module = 1, Namespace = 2, Package = 3, Class = 4, Method = 5, Property = 6, Field = 7,
    Constructor = 8, Enum = 9, Interface = 10, Function = 11, Variable = 12, Constant = 13, String = 14,
    Number = 15, Boolean = 16, Array = 17, Object = 18, Key = 19, Null = 20, EnumMember = 21, Struct = 22,
    Event = 23, Operator = 24, TypeParameter = 25,
}

export enum SymbolTag {
    Deprecated = 1,
}

export class SymbolInformation {
    tags: SymbolTag[] | undefined;
    constructor(
        public name: string,
        public kind: SymbolKind,
        public containerName: string | undefined,
        public location: Location,
    ) {}
}

export class DocumentSymbol {
    children: DocumentSymbol[] = [];
    tags: SymbolTag[] | undefined;
    constructor(
        public name: string,
        public detail: string,
        public kind: SymbolKind,
        public range: Range,
        public selectionRange: Range,
    ) {}
}

export class CodeActionKind {
    private constructor(readonly value: string) {}
    static readonly Empty = new CodeActionKind('');
    static readonly QuickFix = new CodeActionKind('quickfix');
    static readonly Refactor = new CodeActionKind('refactor');
    static readonly RefactorExtract = new CodeActionKind('refactor.extract');
    static readonly RefactorInline = new CodeActionKind('refactor.inline');
    static readonly RefactorMove = new CodeActionKind('refactor.move');
    static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
    static readonly Source = new CodeActionKind('source');
    static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
    static readonly SourceFixAll = new CodeActionKind('source.fixAll');
    static readonly Notebook = new CodeActionKind('notebook');
    append(part: string): CodeActionKind {
        return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
    }
    intersects(other: CodeActionKind): boolean {
        return this.contains(other) || other.contains(this);
    }
    contains(other: CodeActionKind): boolean {
        return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
    }
}

export enum CodeActionTriggerKind {
    Invoke = 1,
    Automatic = 2,
}

export class CodeAction {
    edit: WorkspaceEdit | undefined;
    diagnostics: Diagnostic[] | undefined;
    command: unknown;
    isPreferred: boolean | undefined;
    disabled: { reason: string } | undefined;
    constructor(
        public title: string,
        public kind?: CodeActionKind,
    ) {}
}

export class CodeLens {
    constructor(
        public range: Range,
        public command?: { title: string; command: string; arguments?: unknown[] },
    ) {}
    get isResolved(): boolean {
        return this.command !== undefined;
    }
}

export enum FoldingRangeKind {
    Comment = 1,
    Imports = 2,
    Region = 3,
}

export class FoldingRange {
    constructor(
        public start: number,
        public end: number,
        public kind?: FoldingRangeKind,
    ) {}
}

export class DocumentLink {
    tooltip: string | undefined;
    constructor(
        public range: Range,
        public target?: Uri,
    ) {}
}

export enum DocumentHighlightKind {
    Text = 0,
    Read = 1,
    Write = 2,
}

export class DocumentHighlight {
    constructor(
        public range: Range,
        public kind = DocumentHighlightKind.Text,
    ) {}
}

export class SemanticTokensLegend {
    constructor(
        readonly tokenTypes: string[],
        readonly tokenModifiers: string[] = [],
    ) {}
}

export class SemanticTokens {
    constructor(
        readonly data: Uint32Array,
        readonly resultId?: string,
    ) {}
}

export class SemanticTokensEdit {
    constructor(
        readonly start: number,
        readonly deleteCount: number,
        readonly data?: Uint32Array,
    ) {}
}

export class SemanticTokensEdits {
    constructor(
        readonly edits: SemanticTokensEdit[],
        readonly resultId?: string,
    ) {}
}

export class ThemeIcon {
    constructor(readonly id: string) {}
}

export class ThemeColor {
    constructor(readonly id: string) {}
}

export class RelativePattern {
    readonly baseUri: Uri;
    readonly base: string;
    constructor(
        base: Uri | string | { uri: Uri },
        readonly pattern: string,
    ) {
        this.baseUri = typeof base === 'string' ? Uri.file(base) : base instanceof Uri ? base : base.uri;
        this.base = this.baseUri.fsPath;
    }
}

export class TabInputText {
    constructor(readonly uri: Uri) {}
}
export class TabInputTextDiff {
    constructor(
        readonly original: Uri,
        readonly modified: Uri,
    ) {}
}
export class TabInputCustom {
    constructor(
        readonly uri: Uri,
        readonly viewType: string,
    ) {}
}
export class TabInputNotebook {
    constructor(
        readonly uri: Uri,
        readonly notebookType: string,
    ) {}
}

export enum EndOfLine {
    LF = 1,
    CRLF = 2,
}
export enum TextDocumentSaveReason {
    Manual = 1,
    AfterDelay = 2,
    FocusOut = 3,
}
export enum ViewColumn {
    Active = -1,
    Beside = -2,
    One = 1,
    Two = 2,
}
export enum ConfigurationTarget {
    Global = 1,
    Workspace = 2,
    WorkspaceFolder = 3,
}
export enum ProgressLocation {
    SourceControl = 1,
    Window = 10,
    Notification = 15,
}
export enum StatusBarAlignment {
    Left = 1,
    Right = 2,
}
export enum FileType {
    Unknown = 0,
    File = 1,
    Directory = 2,
    SymbolicLink = 64,
}
export enum UIKind {
    Desktop = 1,
    Web = 2,
}
export enum LanguageStatusSeverity {
    Information = 0,
    Warning = 1,
    Error = 2,
}
export enum TaskRevealKind {
    Always = 1,
    Silent = 2,
    Never = 3,
}
export enum TaskScope {
    Global = 1,
    Workspace = 2,
}
export enum NotebookCellKind {
    Markup = 1,
    Code = 2,
}

export class ProcessExecution {
    constructor(
        readonly process: string,
        readonly args: string[] = [],
        readonly options?: { cwd?: string; env?: Record<string, string> },
    ) {}
}

export class ShellExecution {
    constructor(
        readonly commandLine: string,
        readonly options?: unknown,
    ) {}
}

export class Task {
    presentationOptions: Record<string, unknown> = {};
    group: unknown;
    constructor(
        readonly definition: { type: string; [key: string]: unknown },
        readonly scope: unknown,
        readonly name: string,
        readonly source: string,
        readonly execution?: ProcessExecution | ShellExecution,
        readonly problemMatchers: string[] = [],
    ) {}
}

// ---------------------------------------------------------------------------------------------
// Documents

/** Globs as VS Code reads them in document filters and `findFiles`: `**`, `*`, `?`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
    let source = '';
    for (let index = 0; index < glob.length; index++) {
        const char = glob[index];
        if (char === '*' && glob[index + 1] === '*') {
            const slash = glob[index + 2] === '/';
            source += slash ? '(?:.*/)?' : '.*';
            index += slash ? 2 : 1;
        } else if (char === '*') {
            source += '[^/]*';
        } else if (char === '?') {
            source += '[^/]';
        } else if (char === '{') {
            source += '(?:';
        } else if (char === '}') {
            source += ')';
        } else if (char === ',') {
            source += '|';
        } else {
            source += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
        }
    }
    return new RegExp(`^${source}$`);
}

function languageOf(fsPath: string): string {
    if (fsPath.endsWith('.md')) {
        return 'markdown';
    }
    if (fsPath.endsWith('.yaml') || fsPath.endsWith('.yml')) {
        return 'yaml';
    }
    return 'plaintext';
}

export class TextDocument {
    version = 1;
    isClosed = false;
    isDirty = false;
    readonly isUntitled = false;
    readonly eol = EndOfLine.LF;
    constructor(
        readonly uri: Uri,
        public languageId: string,
        private text: string,
    ) {}
    get fileName(): string {
        return this.uri.fsPath;
    }
    get lineCount(): number {
        return this.lines().length;
    }
    getText(range?: Range): string {
        if (range === undefined) {
            return this.text;
        }
        return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
    }
    lineAt(lineOrPosition: number | Position): {
        lineNumber: number;
        text: string;
        range: Range;
        rangeIncludingLineBreak: Range;
        firstNonWhitespaceCharacterIndex: number;
        isEmptyOrWhitespace: boolean;
    } {
        const line = typeof lineOrPosition === 'number' ? lineOrPosition : lineOrPosition.line;
        const text = this.lines()[line] ?? '';
        return {
            lineNumber: line,
            text,
            range: new Range(line, 0, line, text.length),
            rangeIncludingLineBreak: new Range(line, 0, line + 1, 0),
            firstNonWhitespaceCharacterIndex: text.length - text.trimStart().length,
            isEmptyOrWhitespace: text.trim().length === 0,
        };
    }
    offsetAt(position: Position): number {
        const lines = this.lines();
        let offset = 0;
        for (let line = 0; line < Math.min(position.line, lines.length); line++) {
            offset += lines[line].length + 1;
        }
        const lineText = lines[position.line] ?? '';
        return Math.min(offset + Math.min(position.character, lineText.length), this.text.length);
    }
    positionAt(offset: number): Position {
        const clamped = Math.max(0, Math.min(offset, this.text.length));
        const before = this.text.slice(0, clamped).split('\n');
        return new Position(before.length - 1, before[before.length - 1].length);
    }
    validateRange(range: Range): Range {
        return new Range(this.validatePosition(range.start), this.validatePosition(range.end));
    }
    validatePosition(position: Position): Position {
        return this.positionAt(this.offsetAt(position));
    }
    getWordRangeAtPosition(position: Position, pattern = /[\w-]+/g): Range | undefined {
        const text = this.lineAt(position.line).text;
        const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
        for (let match = global.exec(text); match !== null; match = global.exec(text)) {
            if (match.index <= position.character && position.character <= match.index + match[0].length) {
                return new Range(position.line, match.index, position.line, match.index + match[0].length);
            }
            if (match[0].length === 0) {
                global.lastIndex++;
            }
        }
        return undefined;
    }
    save(): Promise<boolean> {
        fs.writeFileSync(this.uri.fsPath, this.text);
        this.isDirty = false;
        return Promise.resolve(true);
    }
    /** Applies edits (VS Code semantics: all ranges refer to the text before any edit). */
    applyEdits(edits: TextEdit[]): { range: Range; rangeOffset: number; rangeLength: number; text: string }[] {
        const sorted = [...edits].sort((a, b) => b.range.start.compareTo(a.range.start));
        const changes = sorted.map((edit) => {
            const rangeOffset = this.offsetAt(edit.range.start);
            const rangeLength = this.offsetAt(edit.range.end) - rangeOffset;
            return { range: edit.range, rangeOffset, rangeLength, text: edit.newText };
        });
        for (const change of changes) {
            this.text = this.text.slice(0, change.rangeOffset) + change.text + this.text.slice(change.rangeOffset + change.rangeLength);
        }
        this.version++;
        this.isDirty = true;
        return changes;
    }
    private lines(): string[] {
        return this.text.split('\n');
    }
}

// ---------------------------------------------------------------------------------------------
// What the tests script and inspect

export interface DiagnosticCollection {
    readonly name: string;
    set(uri: Uri, diagnostics: readonly Diagnostic[] | undefined): void;
    set(entries: readonly [Uri, readonly Diagnostic[] | undefined][]): void;
    delete(uri: Uri): void;
    clear(): void;
    get(uri: Uri): readonly Diagnostic[] | undefined;
    has(uri: Uri): boolean;
    forEach(callback: (uri: Uri, diagnostics: readonly Diagnostic[], collection: DiagnosticCollection) => unknown): void;
    dispose(): void;
}

export interface Registration {
    kind: string;
    selector: unknown;
    provider: Record<string, (...args: unknown[]) => unknown>;
    extra: unknown[];
}

/** Everything the stand-in records; tests read and reset it. */
export const host = {
    workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
    /** Settings as VS Code would return them, as one nested object (`{openspec: {...}}`). */
    settings: {} as Record<string, unknown>,
    documents: new Map<string, TextDocument>(),
    diagnosticCollections: [] as DiagnosticCollection[],
    registrations: [] as Registration[],
    commands: new Map<string, (...args: unknown[]) => unknown>(),
    executedTasks: [] as Task[],
    /** Commands executed that nobody registered (VS Code's own, like editor.action.showReferences). */
    builtinCommands: [] as { id: string; args: unknown[] }[],
    messages: [] as { level: 'error' | 'warning' | 'info'; message: string; items: string[] }[],
    /** Which button the user presses on the next messages, in order (undefined: dismiss). */
    messageAnswers: [] as (string | undefined)[],
    /** Answers for the next quick picks, in order (a label, or undefined to cancel). */
    quickPickAnswers: [] as (string | undefined)[],
    quickPicks: [] as { items: string[]; placeHolder?: string }[],
    shownDocuments: [] as TextDocument[],
    openedExternal: [] as string[],
    /** What `env.clipboard.writeText` was last given. */
    clipboard: '',
    output: [] as string[],
    contentProviders: new Map<string, { provideTextDocumentContent(uri: Uri, token: unknown): string | Promise<string> }>(),
    /** Fired whenever a diagnostic collection changes. */
    diagnosticsChanged: new EventEmitter<void>(),
};

/** Merged diagnostics for a URI over every collection (push and pull collections are separate). */
export function diagnosticsFor(uri: Uri): Diagnostic[] {
    return host.diagnosticCollections.flatMap((collection) => [...(collection.get(uri) ?? [])]);
}

// ---------------------------------------------------------------------------------------------
// Namespaces

const events = {
    openDocument: new EventEmitter<TextDocument>(),
    closeDocument: new EventEmitter<TextDocument>(),
    changeDocument: new EventEmitter<unknown>(),
    saveDocument: new EventEmitter<TextDocument>(),
    willSaveDocument: new EventEmitter<unknown>(),
    changeConfiguration: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
    changeWorkspaceFolders: new EventEmitter<unknown>(),
    changeActiveEditor: new EventEmitter<unknown>(),
    changeVisibleEditors: new EventEmitter<unknown>(),
    changeTabs: new EventEmitter<{ opened: unknown[]; closed: unknown[]; changed: unknown[] }>(),
    changeTabGroups: new EventEmitter<unknown>(),
    never: new EventEmitter<unknown>(),
};

const tabGroup = { isActive: true, viewColumn: ViewColumn.One, activeTab: undefined as unknown, tabs: [] as { input: unknown; label: string }[] };

function lookupSetting(key: string): unknown {
    let value: unknown = host.settings;
    for (const part of key.split('.').filter((part) => part.length > 0)) {
        if (typeof value !== 'object' || value === null) {
            return undefined;
        }
        value = (value as Record<string, unknown>)[part];
    }
    return value;
}

function matchScore(selector: unknown, document: TextDocument): number {
    const filters = Array.isArray(selector) ? selector : [selector];
    let best = 0;
    for (const filter of filters) {
        if (typeof filter === 'string') {
            best = Math.max(best, filter === document.languageId ? 10 : 0);
            continue;
        }
        const { language, scheme, pattern } = filter as { language?: string; scheme?: string; pattern?: string | RelativePattern };
        if (language !== undefined && language !== '*' && language !== document.languageId) {
            continue;
        }
        if (scheme !== undefined && scheme !== '*' && scheme !== document.uri.scheme) {
            continue;
        }
        if (pattern !== undefined) {
            const glob = typeof pattern === 'string' ? pattern : path.posix.join(pattern.baseUri.path, pattern.pattern);
            if (!globToRegExp(glob).test(document.uri.path)) {
                continue;
            }
        }
        best = Math.max(best, 5);
    }
    return best;
}

function walk(dir: string): string[] {
    const found: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            found.push(...walk(full));
        } else if (entry.isFile()) {
            found.push(full);
        }
    }
    return found;
}

async function openTextDocument(target: Uri | string | { content?: string; language?: string }): Promise<TextDocument> {
    if (typeof target === 'object' && !(target instanceof Uri)) {
        throw new Error('vscode mock: untitled documents are not supported');
    }
    const uri = target instanceof Uri ? target : Uri.file(target);
    const key = uri.toString();
    const known = host.documents.get(key);
    if (known !== undefined) {
        return known;
    }
    let text: string;
    if (uri.scheme === 'file') {
        text = fs.readFileSync(uri.fsPath, 'utf8');
    } else {
        const provider = host.contentProviders.get(uri.scheme);
        if (provider === undefined) {
            throw new Error(`vscode mock: no content provider for scheme ${uri.scheme}`);
        }
        text = await provider.provideTextDocumentContent(uri, new CancellationTokenSource().token);
    }
    const document = new TextDocument(uri, languageOf(uri.path), text);
    host.documents.set(key, document);
    events.openDocument.fire(document);
    return document;
}

function editorFor(document: TextDocument): unknown {
    return {
        document,
        selection: new Selection(new Position(0, 0), new Position(0, 0)),
        selections: [new Selection(new Position(0, 0), new Position(0, 0))],
        visibleRanges: [new Range(0, 0, document.lineCount, 0)],
        viewColumn: ViewColumn.One,
        options: {},
    };
}

export const window = {
    activeTextEditor: undefined as unknown,
    visibleTextEditors: [] as unknown[],
    tabGroups: {
        get all() {
            return [tabGroup];
        },
        get activeTabGroup() {
            return tabGroup;
        },
        onDidChangeTabs: events.changeTabs.event,
        onDidChangeTabGroups: events.changeTabGroups.event,
    },
    onDidChangeActiveTextEditor: events.changeActiveEditor.event,
    onDidChangeVisibleTextEditors: events.changeVisibleEditors.event,
    onDidChangeTextEditorSelection: events.never.event,
    onDidChangeTextEditorVisibleRanges: events.never.event,
    onDidChangeWindowState: events.never.event,
    state: { focused: true },
    createOutputChannel(name: string) {
        const channel = {
            name,
            append: (value: string) => host.output.push(value),
            appendLine: (value: string) => host.output.push(value),
            replace: (value: string) => host.output.push(value),
            clear: () => undefined,
            show: () => undefined,
            hide: () => undefined,
            dispose: () => undefined,
        };
        return channel;
    },
    showErrorMessage: (message: string, ...items: unknown[]) => recordMessage('error', message, items),
    showWarningMessage: (message: string, ...items: unknown[]) => recordMessage('warning', message, items),
    showInformationMessage: (message: string, ...items: unknown[]) => recordMessage('info', message, items),
    showQuickPick(items: readonly (string | { label: string })[] | Promise<readonly (string | { label: string })[]>, options?: { placeHolder?: string }) {
        return Promise.resolve(items).then((resolved) => {
            host.quickPicks.push({ items: resolved.map((item) => (typeof item === 'string' ? item : item.label)), placeHolder: options?.placeHolder });
            const answer = host.quickPickAnswers.shift();
            return resolved.find((item) => (typeof item === 'string' ? item : item.label) === answer);
        });
    },
    showWorkspaceFolderPick: () => Promise.resolve(host.workspaceFolders[0]),
    async showTextDocument(documentOrUri: TextDocument | Uri, _options?: unknown) {
        const document = documentOrUri instanceof TextDocument ? documentOrUri : await openTextDocument(documentOrUri);
        host.shownDocuments.push(document);
        // VS Code opens a tab first, then makes the editor active; vscode-languageclient pulls
        // diagnostics only for documents shown in a tab.
        if (!tabGroup.tabs.some((tab) => (tab.input as TabInputText).uri.toString() === document.uri.toString())) {
            const tab = { input: new TabInputText(document.uri), label: path.basename(document.uri.path), group: tabGroup, isActive: true };
            tabGroup.tabs.push(tab);
            tabGroup.activeTab = tab;
            events.changeTabs.fire({ opened: [tab], closed: [], changed: [] });
        }
        const editor = editorFor(document);
        window.activeTextEditor = editor;
        window.visibleTextEditors = [editor];
        events.changeVisibleEditors.fire(window.visibleTextEditors);
        events.changeActiveEditor.fire(editor);
        return editor;
    },
    withProgress<R>(_options: unknown, task: (progress: { report(value: unknown): void }, token: unknown) => Promise<R>): Promise<R> {
        return task({ report: () => undefined }, new CancellationTokenSource().token);
    },
    createStatusBarItem() {
        return { text: '', tooltip: '', show: () => undefined, hide: () => undefined, dispose: () => undefined };
    },
};

function recordMessage(level: 'error' | 'warning' | 'info', message: string, items: unknown[]): Promise<unknown> {
    const buttons = items.filter((item) => typeof item === 'string' || (typeof item === 'object' && item !== null && 'title' in item));
    const labels = buttons.map((item) => (typeof item === 'string' ? item : (item as { title: string }).title));
    host.messages.push({ level, message, items: labels });
    const answer = host.messageAnswers.shift();
    return Promise.resolve(buttons[labels.indexOf(answer ?? '')]);
}

export const workspace = {
    get workspaceFolders() {
        return host.workspaceFolders.length > 0 ? host.workspaceFolders : undefined;
    },
    get name() {
        return host.workspaceFolders[0]?.name;
    },
    get rootPath() {
        return host.workspaceFolders[0]?.uri.fsPath;
    },
    get textDocuments() {
        return [...host.documents.values()].filter((document) => !document.isClosed);
    },
    notebookDocuments: [] as unknown[],
    isTrusted: true,
    getWorkspaceFolder(uri: Uri) {
        return host.workspaceFolders.find((folder) => uri.path === folder.uri.path || uri.path.startsWith(`${folder.uri.path}/`));
    },
    asRelativePath(pathOrUri: string | Uri) {
        const fsPath = typeof pathOrUri === 'string' ? pathOrUri : pathOrUri.fsPath;
        const folder = host.workspaceFolders[0];
        return folder ? path.relative(folder.uri.fsPath, fsPath) : fsPath;
    },
    getConfiguration(section?: string, _scope?: unknown) {
        const prefix = section ? `${section}.` : '';
        return {
            get<T>(key: string, defaultValue?: T): T | undefined {
                const value = lookupSetting(prefix + key);
                return value === undefined ? defaultValue : (value as T);
            },
            has: (key: string) => lookupSetting(prefix + key) !== undefined,
            inspect: (key: string) => ({ key: prefix + key, globalValue: lookupSetting(prefix + key) }),
            update: () => Promise.resolve(),
        };
    },
    onDidChangeConfiguration: events.changeConfiguration.event,
    onDidChangeWorkspaceFolders: events.changeWorkspaceFolders.event,
    onDidOpenTextDocument: events.openDocument.event,
    onDidCloseTextDocument: events.closeDocument.event,
    onDidChangeTextDocument: events.changeDocument.event,
    onDidSaveTextDocument: events.saveDocument.event,
    onWillSaveTextDocument: events.willSaveDocument.event,
    onDidOpenNotebookDocument: events.never.event,
    onDidCloseNotebookDocument: events.never.event,
    onDidChangeNotebookDocument: events.never.event,
    onDidSaveNotebookDocument: events.never.event,
    onDidCreateFiles: events.never.event,
    onDidRenameFiles: events.never.event,
    onDidDeleteFiles: events.never.event,
    onWillCreateFiles: events.never.event,
    onWillRenameFiles: events.never.event,
    onWillDeleteFiles: events.never.event,
    openTextDocument,
    registerTextDocumentContentProvider(scheme: string, provider: { provideTextDocumentContent(uri: Uri, token: unknown): string }) {
        host.contentProviders.set(scheme, provider);
        return new Disposable(() => host.contentProviders.delete(scheme));
    },
    createFileSystemWatcher(_glob: unknown) {
        return {
            onDidCreate: events.never.event,
            onDidChange: events.never.event,
            onDidDelete: events.never.event,
            ignoreCreateEvents: false,
            ignoreChangeEvents: false,
            ignoreDeleteEvents: false,
            dispose: () => undefined,
        };
    },
    findFiles(include: string | RelativePattern, exclude?: string | null, maxResults?: number): Promise<Uri[]> {
        const includeGlob = typeof include === 'string' ? include : include.pattern;
        const includeRe = globToRegExp(includeGlob);
        const excludeRe = typeof exclude === 'string' ? globToRegExp(exclude) : undefined;
        const found: Uri[] = [];
        for (const folder of host.workspaceFolders) {
            for (const file of walk(folder.uri.fsPath)) {
                const relative = path.relative(folder.uri.fsPath, file).split(path.sep).join('/');
                if (includeRe.test(relative) && !(excludeRe?.test(relative) ?? false)) {
                    found.push(Uri.file(file));
                }
            }
        }
        return Promise.resolve(maxResults === undefined ? found : found.slice(0, maxResults));
    },
    /** Applies text edits to open (or newly opened) documents, as VS Code does for a code action. */
    async applyEdit(edit: WorkspaceEdit): Promise<boolean> {
        for (const [uri, edits] of edit.entries()) {
            const document = await openTextDocument(uri);
            const contentChanges = document.applyEdits(edits);
            events.changeDocument.fire({ document, contentChanges, reason: undefined });
        }
        return true;
    },
};

/** Closes a document the way VS Code does (tab closes, then `onDidCloseTextDocument`). */
export function closeDocument(document: TextDocument): void {
    const index = tabGroup.tabs.findIndex((tab) => (tab.input as TabInputText).uri.toString() === document.uri.toString());
    if (index >= 0) {
        const [tab] = tabGroup.tabs.splice(index, 1);
        events.changeTabs.fire({ opened: [], closed: [tab], changed: [] });
    }
    document.isClosed = true;
    host.documents.delete(document.uri.toString());
    events.closeDocument.fire(document);
}

/** Changes settings and fires `onDidChangeConfiguration` for the given sections. */
export function updateSettings(settings: Record<string, unknown>, changed: string[]): void {
    host.settings = settings;
    events.changeConfiguration.fire({
        affectsConfiguration: (section: string) => changed.some((key) => key === section || key.startsWith(`${section}.`) || section.startsWith(`${key}.`)),
    });
}

function makeDiagnosticCollection(name: string): DiagnosticCollection {
    const entries = new Map<string, { uri: Uri; diagnostics: readonly Diagnostic[] }>();
    const collection: DiagnosticCollection = {
        name,
        set(uriOrEntries: Uri | readonly [Uri, readonly Diagnostic[] | undefined][], diagnostics?: readonly Diagnostic[]) {
            const list = uriOrEntries instanceof Uri ? [[uriOrEntries, diagnostics] as const] : uriOrEntries;
            for (const [uri, items] of list) {
                if (items === undefined) {
                    entries.delete(uri.toString());
                } else {
                    entries.set(uri.toString(), { uri, diagnostics: items });
                }
            }
            host.diagnosticsChanged.fire();
        },
        delete(uri: Uri) {
            entries.delete(uri.toString());
            host.diagnosticsChanged.fire();
        },
        clear() {
            entries.clear();
            host.diagnosticsChanged.fire();
        },
        get: (uri: Uri) => entries.get(uri.toString())?.diagnostics,
        has: (uri: Uri) => entries.has(uri.toString()),
        forEach(callback) {
            for (const entry of entries.values()) {
                callback(entry.uri, entry.diagnostics, collection);
            }
        },
        dispose() {
            entries.clear();
            host.diagnosticCollections = host.diagnosticCollections.filter((known) => known !== collection);
        },
    };
    host.diagnosticCollections.push(collection);
    return collection;
}

/** `languages.register<Kind>Provider(selector, provider, ...extra)`, recorded for the tests. */
function registerProvider(kind: string) {
    return (selector: unknown, provider: Registration['provider'], ...extra: unknown[]) => {
        const registration: Registration = { kind, selector, provider, extra };
        host.registrations.push(registration);
        return new Disposable(() => {
            host.registrations = host.registrations.filter((known) => known !== registration);
        });
    };
}

const languagesBase = {
    createDiagnosticCollection: (name?: string) => makeDiagnosticCollection(name ?? ''),
    match: (selector: unknown, document: TextDocument) => matchScore(selector, document),
    getLanguages: () => Promise.resolve(['markdown', 'yaml', 'plaintext']),
    setTextDocumentLanguage(document: TextDocument, languageId: string) {
        document.languageId = languageId;
        return Promise.resolve(document);
    },
    onDidChangeDiagnostics: events.never.event,
    getDiagnostics: (uri: Uri) => diagnosticsFor(uri),
};

export const languages = new Proxy(languagesBase, {
    get(target, property: string) {
        if (property in target) {
            return Reflect.get(target, property) as unknown;
        }
        const provider = /^register(\w+?)(?:Provider|Support)?$/.exec(property);
        if (provider !== null) {
            return registerProvider(provider[1]);
        }
        throw new Error(`vscode mock: vscode.languages.${property} is not implemented`);
    },
});

export const commands = {
    registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
        // VS Code rejects a second registration of the same id; so does the stand-in.
        if (host.commands.has(id)) {
            throw new Error(`command '${id}' already exists`);
        }
        host.commands.set(id, handler);
        return new Disposable(() => host.commands.delete(id));
    },
    registerTextEditorCommand(id: string, handler: (...args: unknown[]) => unknown) {
        return commands.registerCommand(id, handler);
    },
    async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
        const handler = host.commands.get(id);
        if (handler === undefined) {
            host.builtinCommands.push({ id, args });
            return undefined;
        }
        return await handler(...args);
    },
    getCommands: () => Promise.resolve([...host.commands.keys()]),
};

export const tasks = {
    registerTaskProvider(type: string, provider: unknown) {
        host.registrations.push({ kind: `Task:${type}`, selector: type, provider: provider as Registration['provider'], extra: [] });
        return new Disposable();
    },
    executeTask(task: Task) {
        host.executedTasks.push(task);
        return Promise.resolve({ task, terminate: () => undefined });
    },
    fetchTasks: () => Promise.resolve([]),
    onDidStartTask: events.never.event,
    onDidEndTask: events.never.event,
    onDidEndTaskProcess: events.never.event,
};

export const env = {
    appName: 'Visual Studio Code (test host)',
    appRoot: '',
    language: 'en',
    machineId: 'test-machine',
    sessionId: 'test-session',
    uriScheme: 'vscode',
    uiKind: UIKind.Desktop,
    remoteName: undefined,
    openExternal(uri: Uri) {
        host.openedExternal.push(uri.toString());
        return Promise.resolve(true);
    },
    clipboard: {
        readText: () => Promise.resolve(host.clipboard),
        writeText: (text: string) => {
            host.clipboard = text;
            return Promise.resolve();
        },
    },
};

export const extensions = {
    getExtension: () => undefined,
    all: [] as unknown[],
    onDidChange: events.never.event,
};

export const notebooks = {
    createNotebookController: () => {
        throw new Error('vscode mock: notebooks are not implemented');
    },
};

export const version = '1.82.0';

// ---------------------------------------------------------------------------------------------
// Types vscode-languageclient converts to and from, or subclasses, that the tests never inspect.

export class CallHierarchyItem {
    constructor(
        public kind: SymbolKind,
        public name: string,
        public detail: string,
        public uri: Uri,
        public range: Range,
        public selectionRange: Range,
    ) {}
}
export class TypeHierarchyItem extends CallHierarchyItem {}
export class CallHierarchyIncomingCall {
    constructor(
        public from: CallHierarchyItem,
        public fromRanges: Range[],
    ) {}
}
export class CallHierarchyOutgoingCall {
    constructor(
        public to: CallHierarchyItem,
        public fromRanges: Range[],
    ) {}
}
export class Color {
    constructor(
        readonly red: number,
        readonly green: number,
        readonly blue: number,
        readonly alpha: number,
    ) {}
}
export class ColorInformation {
    constructor(
        public range: Range,
        public color: Color,
    ) {}
}
export class ColorPresentation {
    constructor(public label: string) {}
}
export enum InlayHintKind {
    Type = 1,
    Parameter = 2,
}
export class InlayHintLabelPart {
    constructor(public value: string) {}
}
export class InlayHint {
    constructor(
        public position: Position,
        public label: string | InlayHintLabelPart[],
        public kind?: InlayHintKind,
    ) {}
}
export class InlineCompletionItem {
    constructor(
        public insertText: string | SnippetString,
        public range?: Range,
    ) {}
}
export class InlineCompletionList {
    constructor(public items: InlineCompletionItem[]) {}
}
export class InlineValueText {
    constructor(
        readonly range: Range,
        readonly text: string,
    ) {}
}
export class InlineValueVariableLookup {
    constructor(
        readonly range: Range,
        readonly variableName?: string,
        readonly caseSensitiveLookup = true,
    ) {}
}
export class InlineValueEvaluatableExpression {
    constructor(
        readonly range: Range,
        readonly expression?: string,
    ) {}
}
export class LinkedEditingRanges {
    constructor(
        readonly ranges: Range[],
        readonly wordPattern?: RegExp,
    ) {}
}
export class ParameterInformation {
    constructor(
        public label: string | [number, number],
        public documentation?: string | MarkdownString,
    ) {}
}
export class SignatureInformation {
    parameters: ParameterInformation[] = [];
    activeParameter: number | undefined;
    constructor(
        public label: string,
        public documentation?: string | MarkdownString,
    ) {}
}
export class SignatureHelp {
    signatures: SignatureInformation[] = [];
    activeSignature = 0;
    activeParameter = 0;
}
export enum SignatureHelpTriggerKind {
    Invoke = 1,
    TriggerCharacter = 2,
    ContentChange = 3,
}
export class SelectionRange {
    constructor(
        public range: Range,
        public parent?: SelectionRange,
    ) {}
}
