// Benchmark: opening a file of a large package on a fresh server (issue 20). From didOpen to the first
// publishDiagnostics (what the file decides alone) and to the complete ones (once the facts of the
// package's other files it needs are loaded), median of a few runs: without a cache, with an empty
// cache (the first open of the day, which also stores the summaries) and with that cache warm (a
// fresh server, the second open). The baseline, in the same run: the same file alone in a directory
// (nothing of a package to load). A generated package of 200 files of 1,000 lines, and a real one
// from the module cache when it is there.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeLater } from './lib/cleanup.mjs';
import { goFile } from './lib/generate.mjs';
import { BenchClient } from './lib/lspClient.mjs';
import { median } from './lib/stats.mjs';

/** A real large package of a module the go command may have downloaded (`go mod download -json MOD@VER`). */
const REAL = { module: 'github.com/hashicorp/vault@v1.15.4', dir: 'vault', file: 'core.go' };

export async function bigPackageBench({ runs = 3, files = 200, lines = 1000, goModCache } = {}) {
  const root = removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-bigpkg-')));
  try {
    const generated = generatedPackage(join(root, 'gen'), files, lines);
    const out = { runs, generated: { files, lines, ...(await scenarios(root, generated, runs)) } };
    const real = goModCache && join(goModCache, REAL.module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`), REAL.dir);
    if (real) {
      try {
        readFileSync(join(real, REAL.file));
        out.real = { name: `${REAL.module}/${REAL.dir} (${REAL.file})`, ...(await scenarios(root, { root: real, dir: real, file: join(real, REAL.file) }, runs)) };
      } catch (error) {
        out.real = { skipped: `${REAL.module} is not in the module cache (${error?.code ?? error})` };
      }
    }
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** 200 files of package big, one of which declares a pool that the opened file misuses (known only with that file's facts). */
function generatedPackage(dir, files, lines) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module bench.example/big\n\ngo 1.21\n');
  writeFileSync(join(dir, 'pools.go'), 'package big\n\nimport "sync"\n\nvar slabPool = sync.Pool{New: func() any { return make([]byte, 0, 1024) }}\n');
  for (let f = 1; f < files - 1; f++) writeFileSync(join(dir, `f${f}.go`), goFile('big', lines, `f${f}`));
  const file = join(dir, 'f0.go');
  writeFileSync(file, `${goFile('big', lines - 4, 'f0')}\nfunc release(b []byte) {\n\tslabPool.Put(b[:0])\n}\n`);
  return { root: dir, dir, file };
}

async function scenarios(root, pkg, runs) {
  const text = readFileSync(pkg.file, 'utf8');
  const alone = mkdtempSync(join(root, 'alone-'));
  writeFileSync(join(alone, 'go.mod'), 'module bench.example/alone\n\ngo 1.21\n');
  writeFileSync(join(alone, 'f.go'), text);
  const cacheDir = join(root, `cache-${Math.random().toString(36).slice(2)}`);
  const series = async (dir, file, env, fresh) => {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      if (fresh) rmSync(cacheDir, { recursive: true, force: true });
      samples.push(await openOnce(dir, file, text, env));
    }
    return { firstMs: median(samples.map((s) => s.firstMs)), completeMs: median(samples.map((s) => s.completeMs)), publishes: samples[0].publishes, firstFindings: samples[0].firstFindings, findings: samples[0].findings, summaries: samples[0].summaries, samples };
  };
  const off = { ...process.env, GOHAZARD_CACHE: 'off' };
  const cached = { ...process.env, GOHAZARD_CACHE: cacheDir };
  const result = {
    lines: text.split('\n').length,
    baselineAlone: await series(alone, join(alone, 'f.go'), off, false),
    noCache: await series(pkg.root, pkg.file, off, false),
    emptyCache: await series(pkg.root, pkg.file, cached, true),
  };
  result.warmCache = await series(pkg.root, pkg.file, cached, false);
  rmSync(cacheDir, { recursive: true, force: true });
  return result;
}

/** A fresh server opens the file: ms from didOpen to the first publish and to the last one before the server is idle. */
async function openOnce(root, file, text, env) {
  const client = new BenchClient({ env });
  client.keepUnmatched = true;
  try {
    await client.initialize(root);
    const uri = pathToFileURL(file).toString();
    const opened = performance.now();
    await client.open(uri, text, 1);
    let stats;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      stats = await client.connection.sendRequest('gohazard/stats');
      if (stats.analyses.completed >= 1 && stats.analyses.pending === 0 && !stats.analyses.running) break;
      if (performance.now() - opened > 120_000) throw new Error(`no complete diagnostics within 120 s; server stderr: ${client.stderr.slice(-2000)}`);
    }
    const mine = client.published.filter((p) => p.params.uri === uri);
    if (mine.length === 0) throw new Error('the server went idle without publishing');
    return {
      firstMs: mine[0].at - opened,
      completeMs: mine[mine.length - 1].at - opened,
      publishes: mine.length,
      firstFindings: mine[0].params.diagnostics.length,
      findings: mine[mine.length - 1].params.diagnostics.length,
      summaries: stats.packageSummaries,
    };
  } finally {
    await client.shutdown().catch(() => client.process.kill());
  }
}
