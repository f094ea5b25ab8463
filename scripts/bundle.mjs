// Bundles the extension into dist/ so the .vsix carries only what runs, without node_modules:
// dist/client.js (extension host side, `vscode` provided by the host), dist/server.js (the language
// server the client starts over node IPC) and dist/scanWorker.js (the server's workspace-scan worker
// thread). The CLI keeps running from tsc's out/.
// The grammars stay files: server/src/node/nodeHost.ts finds grammars/ by walking up from dist/.
// usage: node scripts/bundle.mjs [--minify=false]
import { build } from 'esbuild';
import { rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const minify = !process.argv.includes('--minify=false');
const outdir = join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });

const entries = [
  ['client/src/extension.ts', 'dist/client.js'],
  ['server/src/lsp/main.ts', 'dist/server.js'],
  // The workspace scan's worker threads load scanWorker.js from next to the server (scanner.ts).
  ['server/src/workspace/scanWorker.ts', 'dist/scanWorker.js'],
];
for (const [entry, out] of entries) {
  // esbuild has already printed the errors; its stack trace adds nothing.
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // VS Code 1.82 (engines.vscode) runs extensions on Node 18.
    target: 'node18',
    external: ['vscode'],
    // esbuild resolves `import` statements with the "import" condition, which picks web-tree-sitter's
    // ES module build (it needs import.meta.url, empty in a CommonJS bundle); take its CommonJS build.
    alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
    minify,
    // Stack traces in the output channel should still name our functions.
    keepNames: true,
    sourcemap: false,
    logLevel: 'warning',
    legalComments: 'none',
  }).catch(() => process.exit(1));
  console.log(`${out} <- ${entry} (${Math.round(statSync(join(root, out)).size / 1024)} KiB)`);
}
console.log(`bundled into ${relative(process.cwd(), outdir) || '.'}`);
