// Bundles the extension (src/extension.ts -> dist/extension.js, with vscode-languageclient
// inlined so the .vsix needs no node_modules) and, with --tests, the integration tests
// (test/*.test.ts -> out/test/). `vscode` stays external: VS Code provides it at run time,
// and the tests provide a stand-in.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    logLevel: 'warning',
};

if (tests) {
    await esbuild.build({
        ...common,
        entryPoints: readdirSync('test').filter((name) => name.endsWith('.test.ts')).map((name) => `test/${name}`),
        outdir: 'out/test',
        sourcemap: 'inline',
        // The tests load the built extension from dist/ and the vscode stand-in at run time.
        external: ['vscode', 'vscode-textmate', 'vscode-oniguruma', 'tm-grammars'],
    });
} else {
    await esbuild.build({
        ...common,
        entryPoints: ['src/extension.ts'],
        outfile: 'dist/extension.js',
        minify: production,
        sourcemap: !production,
    });
}
