// Bundles the extension into dist/ so the .vsix carries only what runs, without node_modules. One set
// of bundles per extension host:
//   Node (desktop VS Code, code-server): dist/client.js (extension host side, `vscode` provided by the
//   host), dist/server.js (the language server the client starts over node IPC) and dist/scanWorker.js
//   (the server's workspace-scan worker thread). The grammars stay files: server/src/node/nodeHost.ts
//   finds grammars/ by walking up from dist/.
//   Browser (vscode.dev, github.dev): dist/web/client.js (the web extension host's `browser` entry) and
//   dist/web/server.js (the language server as a web worker); the client reads grammars/*.wasm through
//   the VS Code file system API and hands the bytes to the worker.
//   The npm package: dist/cli.js, the `gohazard` command (CLI and `gohazard lsp --stdio`), with
//   dist/scanWorker.js beside it for its scan threads. The package has no npm dependencies: the
//   bundles carry them (package.json "files" lists what it ships).
// A checkout's bin/gohazard.js keeps running tsc's out/.
// usage: node scripts/bundle.mjs [--minify=false] [--cli]
//   --cli: only what the npm package ships (npm pack's prepack), leaving the extension's bundles alone.
import { build } from 'esbuild';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const minify = !process.argv.includes('--minify=false');
const cliOnly = process.argv.includes('--cli');
const outdir = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (!cliOnly) rmSync(outdir, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  external: ['vscode'],
  minify,
  // Stack traces in the output channel should still name our functions.
  keepNames: true,
  sourcemap: false,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.82 (engines.vscode) runs extensions on Node 18.
  target: 'node18',
  // esbuild resolves `import` statements with the "import" condition, which picks web-tree-sitter's
  // ES module build (it needs import.meta.url, empty in a CommonJS bundle); take its CommonJS build.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

// web-tree-sitter's ES build loads Node modules only when it runs in Node (dynamic imports behind an
// environment check); in a worker they are never reached, so they resolve to an empty module.
const nodeBuiltinsNeverLoaded = {
  name: 'node-builtins-never-loaded',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|fs\/promises|module|path|url)$/ }, (args) => ({ path: args.path, namespace: 'never-loaded' }));
    b.onLoad({ filter: /.*/, namespace: 'never-loaded' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

const browser = {
  ...common,
  platform: 'browser',
  // The browsers VS Code for the web supports.
  target: 'es2022',
};

// The workspace scan's worker threads load scanWorker.js from next to the server or the CLI (scanner.ts).
const scanWorker = { ...node, entryPoints: ['server/src/workspace/scanWorker.ts'], outfile: 'dist/scanWorker.js' };
// The `gohazard` command, in two files: dist/cli.js is the command (npm makes it executable when it
// installs the package) and answers --version itself; the rest of the CLI, dist/cliMain.js, is loaded
// only when needed, so that --version does not pay for parsing ~700 KB of JavaScript.
const cliMainExternal = {
  name: 'cli-main-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/main$/ }, (args) => (args.importer.endsWith(join('cli', 'entry.ts')) ? { path: './cliMain.js', external: true } : undefined));
  },
};
const cliMain = { ...node, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cliMain.js', target: 'node20' };
const cli = { ...node, entryPoints: ['server/src/cli/entry.ts'], outfile: 'dist/cli.js', target: 'node20', banner: { js: '#!/usr/bin/env node' }, plugins: [cliMainExternal] };

const allBundles = [
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { ...node, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  scanWorker,
  // The web extension host loads the browser entry as CommonJS (module.exports.activate).
  { ...browser, entryPoints: ['client/src/browserExtension.ts'], outfile: 'dist/web/client.js', format: 'cjs' },
  {
    ...browser,
    entryPoints: ['server/src/browser/main.ts'],
    outfile: 'dist/web/server.js',
    // A classic worker script: new Worker(url) without { type: 'module' }.
    format: 'iife',
    plugins: [nodeBuiltinsNeverLoaded],
    define: {
      // web-tree-sitter resolves tree-sitter.wasm against import.meta.url even when it is handed the
      // bytes (wasmBinary), which it then uses; any absolute URL will do.
      'import.meta.url': '"file:///gohazard/dist/web/server.js"',
      GOHAZARD_VERSION: JSON.stringify(version),
    },
  },
  cli,
  cliMain,
];
const bundles = cliOnly ? [cli, cliMain, scanWorker] : allBundles;
for (const options of bundles) {
  // esbuild has already printed the errors; its stack trace adds nothing.
  await build(options).catch(() => process.exit(1));
  const kib = Math.round(statSync(join(root, options.outfile)).size / 1024);
  console.log(`${options.outfile} <- ${options.entryPoints[0]} (${kib} KiB)`);
}
console.log(`bundled into ${relative(process.cwd(), outdir) || '.'}`);
