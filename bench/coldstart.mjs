// Benchmark 4, cold start: from spawning `gohazard lsp --stdio` to the first publishDiagnostics of one
// opened file (initialize, initialized, didOpen sent as soon as possible, as an editor does), and from
// didOpen to those diagnostics, median of several runs; and `gohazard --version` as a whole process. Alongside, what it is made of, each measured in a fresh process: node itself
// starting (`node -e 0`), loading the server's modules (require of the compiled server), and loading
// the tree-sitter runtime and the Go grammar.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeLater } from './lib/cleanup.mjs';
import { repoRoot } from './lib/engine.mjs';
import { goFile } from './lib/generate.mjs';
import { BenchClient } from './lib/lspClient.mjs';
import { median } from './lib/stats.mjs';

export async function coldStartBench({ runs = 5 } = {}) {
  const dir = removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-cold-')));
  writeFileSync(join(dir, 'go.mod'), 'module bench.example/cold\n\ngo 1.21\n');
  const text = goFile('cold', 300, 'c');
  const path = join(dir, 'cold.go');
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  const bundle = join(repoRoot, 'dist', 'server.js');
  try {
    const samples = await firstDiagnostics(runs, dir, uri, text, {});
    // What VS Code starts: the esbuild bundle (npm run bundle), when there is one.
    const bundled = existsSync(bundle) ? await firstDiagnostics(runs, dir, uri, text, { serverArgs: [bundle, '--stdio'] }) : undefined;
    const parts = {
      nodeStartMs: median(times(runs, ['-e', '0'])),
      requireServerMs: median(inProcess(runs, `require(${JSON.stringify(join(repoRoot, 'out', 'server', 'src', 'lsp', 'server.js'))})`)),
      loadGrammarMs: median(inProcess(runs, `await require(${JSON.stringify(join(repoRoot, 'out', 'server', 'src', 'node', 'nodeHost.js'))}).loadGrammar()`)),
    };
    return {
      runs,
      fileLines: text.split('\n').length - 1,
      firstDiagnosticsMs: median(samples.map((s) => s.firstDiagnosticsMs)),
      afterDidOpenMs: median(samples.map((s) => s.afterDidOpenMs)),
      initializeMs: median(samples.map((s) => s.initializeMs)),
      samples,
      bundled: bundled && { builtAt: statSync(bundle).mtime.toISOString(), firstDiagnosticsMs: median(bundled.map((s) => s.firstDiagnosticsMs)), afterDidOpenMs: median(bundled.map((s) => s.afterDidOpenMs)), initializeMs: median(bundled.map((s) => s.initializeMs)) },
      versionMs: median(times(runs, [join(repoRoot, 'bin', 'gohazard.js'), '--version'])),
      ...parts,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function firstDiagnostics(runs, dir, uri, text, options) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const client = new BenchClient(options);
    try {
      const first = client.diagnostics((p) => p.uri === uri, 30000);
      await client.initialize(dir);
      const initializeMs = performance.now() - client.startedAt;
      const opened = performance.now();
      await client.open(uri, text, 1);
      const { at, params } = await first;
      samples.push({ firstDiagnosticsMs: at - client.startedAt, afterDidOpenMs: at - opened, initializeMs, diagnostics: params.diagnostics.length });
      await client.shutdown();
    } finally {
      if (client.process.exitCode === null) client.process.kill();
    }
  }
  return samples;
}

/** Wall times (ms) of whole `node args` processes. */
function times(n, args) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    out.push(performance.now() - t0);
  }
  return out;
}

/** Time (ms) of a statement inside a fresh node process, measured there (node's own start excluded). */
function inProcess(n, statement) {
  const out = [];
  const script = `(async () => { const t0 = performance.now(); ${statement}; process.stdout.write(String(performance.now() - t0)); })()`;
  for (let i = 0; i < n; i++) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold start part failed: ${r.stderr}`);
    out.push(Number(r.stdout));
  }
  return out;
}
