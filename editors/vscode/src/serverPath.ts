//! Finds the `openspec-lsp` binary: the `openspec.server.path` setting first, then the server
//! bundled in a platform-specific `.vsix` (`server/openspec-lsp[.exe]` in the extension), then
//! `PATH`. Only looks at the file system; never downloads or installs anything.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type ServerLookup =
    | { kind: 'found'; path: string; source: 'setting' | 'bundled' | 'PATH' }
    /** The setting names a file that does not exist or cannot be executed. */
    | { kind: 'badSetting'; configured: string; resolved: string }
    | { kind: 'notOnPath' };

export const BINARY_NAME = 'openspec-lsp';

/** Where a platform-specific `.vsix` carries the server, relative to the extension's folder. */
export function bundledServerPath(extensionDir: string, platform: NodeJS.Platform = process.platform): string {
    return path.join(extensionDir, 'server', platform === 'win32' ? `${BINARY_NAME}.exe` : BINARY_NAME);
}

/**
 * `configured` is the raw setting value; a leading `~` means the home folder and a relative
 * path is taken relative to `baseDir` (the first workspace folder), so a repository can point
 * at its own build (`target/release/openspec-lsp`). `bundled` is the path of the server inside
 * the extension (see `bundledServerPath`); the universal `.vsix` has none there.
 */
export function findServer(
    configured: string | null | undefined,
    baseDir: string | undefined,
    env: NodeJS.ProcessEnv = process.env,
    bundled?: string,
): ServerLookup {
    const setting = configured?.trim();
    if (setting) {
        let resolved = setting;
        if (resolved === '~' || resolved.startsWith('~/') || resolved.startsWith('~\\')) {
            resolved = path.join(os.homedir(), resolved.slice(1));
        }
        if (!path.isAbsolute(resolved) && baseDir !== undefined) {
            resolved = path.resolve(baseDir, resolved);
        }
        return isExecutable(resolved)
            ? { kind: 'found', path: resolved, source: 'setting' }
            : { kind: 'badSetting', configured: setting, resolved };
    }
    if (bundled !== undefined && isExecutable(bundled)) {
        return { kind: 'found', path: bundled, source: 'bundled' };
    }
    const onPath = searchPath(BINARY_NAME, env);
    return onPath === undefined ? { kind: 'notOnPath' } : { kind: 'found', path: onPath, source: 'PATH' };
}

function searchPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
    const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((dir) => dir.length > 0);
    const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
    for (const dir of dirs) {
        for (const extension of extensions) {
            const candidate = path.join(dir, name + extension.toLowerCase());
            if (isExecutable(candidate)) {
                return candidate;
            }
        }
    }
    return undefined;
}

function isExecutable(file: string): boolean {
    try {
        if (!fs.statSync(file).isFile()) {
            return false;
        }
        fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
