#!/usr/bin/env node
// npm run fuzz [-- [count] [--seed N] [--start I] [--only I,J] [--workers N] [--budget-ms MS] [--cli-every N] [--smoke] [--no-save] [--json]]
//
// Feeds generated and mutated Go sources through the engine (in a watched worker thread) and batches
// of them through `gohazard scan` in every output format; see test/reliability/fuzz/. Runs the compiled out/ (npm run fuzz builds first). Failing
// inputs are saved to bench/results/fuzz-failures/ with the seed and index that replay them.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runnerPath = join(root, 'out', 'test', 'reliability', 'fuzz', 'runner.js');
if (!existsSync(runnerPath)) {
  process.stderr.write('fuzz: out/ is missing; run npm run build first\n');
  process.exit(2);
}
const { runFuzz, defaultFailuresDir } = createRequire(import.meta.url)(runnerPath);

const options = { seed: 1, count: 100000, failuresDir: defaultFailuresDir, cliEvery: 2000, cliBatch: 40 };
let json = false;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].includes('=') ? args[i].split(/=(.*)/s) : [args[i], undefined];
  const value = () => inline ?? args[++i];
  switch (flag) {
    case '--seed':
      options.seed = Number(value());
      break;
    case '--count':
      options.count = Number(value());
      break;
    case '--start':
      options.start = Number(value());
      break;
    case '--only':
      options.only = value().split(',').map(Number);
      break;
    case '--budget-ms':
      options.budgetMs = Number(value());
      break;
    case '--workers':
      options.workers = Number(value());
      break;
    case '--cli-every':
      options.cliEvery = Number(value());
      break;
    case '--no-save':
      options.failuresDir = undefined;
      break;
    case '--json':
      json = true;
      break;
    case '--smoke':
      options.profile = 'smoke';
      break;
    default:
      if (/^\d+$/.test(flag)) options.count = Number(flag);
      else {
        process.stderr.write(`fuzz: unknown argument ${flag}\n`);
        process.exit(2);
      }
  }
}
for (const [k, v] of Object.entries(options)) {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    process.stderr.write(`fuzz: --${k} needs a number\n`);
    process.exit(2);
  }
}

const total = options.only ? options.only.length : options.count;
process.stderr.write(`fuzz: seed ${options.seed}, ${total} inputs${options.start ? ` from index ${options.start}` : ''}\n`);
const summary = await runFuzz({
  ...options,
  progressEvery: Math.max(100, Math.min(5000, Math.floor(total / 20))),
  onProgress: (p) => process.stderr.write(`fuzz: ${p.done}/${p.count} inputs, ${p.failures} failures, ${(p.elapsedMs / 1000).toFixed(0)} s, rss ${p.rssMb} MB\n`),
});

if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
else {
  const lines = [
    `seed ${summary.seed} (corpus ${summary.fingerprint}): ${summary.checked} inputs through the engine, ${summary.cliFiles} through the CLI in ${summary.cliRuns} batches (each in json, sarif and text)`,
    `columns of every output format checked against the raw bytes on ${summary.columnsChecked} inputs with findings, ${summary.columnsCheckedIllFormed} of them ill-formed UTF-8 or with a BOM`,
    `time ${(summary.elapsedMs / 1000).toFixed(1)} s, peak RSS ${summary.peakRssMb} MB, worker restarts ${summary.restarts}`,
    `slowest analyses (CPU time): ${summary.slowest.slice(0, 5).map((s) => `#${s.index} ${s.ms} ms, ${s.size} chars (${s.recipe.join('; ')})`).join('\n                              ')}`,
  ];
  if (summary.slowOnce.length > 0) lines.push(`over budget once, fine on retry: ${summary.slowOnce.map((s) => `#${s.index}`).join(', ')}`);
  lines.push(`${summary.failures.length} failures`);
  for (const f of summary.failures.slice(0, 50)) {
    lines.push(`  #${f.index} ${f.kind}: ${f.message.split('\n').slice(0, 4).join('\n      ')}`, `      recipe: ${f.recipe.join('; ')}`);
    if (f.savedAs) lines.push(`      saved: ${f.savedAs}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.exitCode = summary.failures.length > 0 ? 1 : 0;
