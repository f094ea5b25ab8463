// Benchmark 3, anchors: what the go toolchain takes for the same packages, measured in the same run:
// `go vet -loopclosure` (the check gohazard's loopvar family replaces) and `go build -gcflags=-m` (the
// escape analysis gohazard's escape family predicts). Each runs first with a fresh, empty GOCACHE (a
// warm cache mostly measures cache hits), then again warm on that cache. GOFLAGS is empty and
// GOTOOLCHAIN=local. The warm build drops -a, which would otherwise rebuild everything again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goEnv } from './lib/corpus.mjs';
import { removeLater, removeNow } from './lib/cleanup.mjs';
import { runMeasured } from './lib/proc.mjs';

export async function anchorsBench({ goPackages, log = () => {} }) {
  const { cwd, patterns } = goPackages;
  const caches = [];
  const freshCache = () => {
    caches.push(removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-gocache-'))));
    return caches.at(-1);
  };
  const results = [];
  let cache;
  const run = async (name, args, cacheState) => {
    log(`  go ${args.join(' ')} (${cacheState} GOCACHE) …`);
    let escapeLines = 0;
    let movedToHeap = 0;
    const r = await runMeasured('go', args, {
      cwd,
      env: goEnv({ GOCACHE: cache }),
      onStderr: (s) => {
        for (const line of s.split('\n')) {
          if (line.includes('escapes to heap') || line.includes('moved to heap') || line.includes('does not escape')) escapeLines++;
          if (line.includes('moved to heap')) movedToHeap++;
        }
      },
    });
    const row = { name, cache: cacheState, command: `go ${args.join(' ')}`, cwd, code: r.code, wallMs: r.wallMs, cpuMs: r.userMs + r.systemMs, outputLines: r.stderrLines };
    if (args.some((a) => a.startsWith('-gcflags'))) Object.assign(row, { escapeLines, movedToHeap });
    if (r.code !== 0) row.note = `exit ${r.code}: ${r.stderrTail.trim().split('\n').slice(-1)[0] ?? ''}`;
    log(`    ${(r.wallMs / 1000).toFixed(1)} s wall, ${((r.userMs + r.systemMs) / 1000).toFixed(1)} s CPU${r.code !== 0 ? `, exit ${r.code}` : ''}`);
    results.push(row);
  };
  try {
    cache = freshCache();
    await run('vet', ['vet', '-loopclosure', ...patterns], 'fresh');
    await run('vet', ['vet', '-loopclosure', ...patterns], 'warm');
    removeNow(cache);
    cache = freshCache();
    await run('build', ['build', '-a', '-gcflags=-m', ...patterns], 'fresh');
    await run('build', ['build', '-gcflags=-m', ...patterns], 'warm');
  } finally {
    for (const c of caches) removeNow(c);
  }
  return results;
}
