// What reading CPU profiles (default.pgo) costs:
//   node bench/pgo.mjs [profile.pprof ...] [--rounds N] [--synthetic SAMPLES]   (after `npm run build`)
// - read + index of each profile (default: the fixture test/fixtures/profile/default.pgo; --synthetic
//   adds a generated one: SAMPLES samples 5-45 frames deep over 5,000 functions, a fifth of the frames
//   inlined, every frame its own location), CPU and wall time, against its decompression alone (the
//   same asynchronous zlib call) in the same run;
// - what a file's facts cost per keystroke (Project.facts: go.mod, package view, profile), in a copy of
//   the fixture module with its default.pgo, against the same module without it, in the same run.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { assertBuilt, engine, repoRoot } from './lib/engine.mjs';
import { median, round } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 20;
const syntheticAt = args.indexOf('--synthetic');
const synthetic = syntheticAt >= 0 ? Number(args.splice(syntheticAt, 2)[1]) : 0;
const fixtureDir = join(repoRoot, 'test', 'fixtures', 'profile');
const profiles = args.length > 0 ? args : [join(fixtureDir, 'default.pgo')];
const root = mkdtempSync(join(tmpdir(), 'gohazard-bench-pgo-'));
if (synthetic > 0) profiles.push(syntheticProfile(synthetic));

assertBuilt();
const { readPprof } = engine('engine/profile/pprof.js');
const { CpuProfile } = engine('engine/profile/cpuProfile.js');
const { gunzipNode, toEnginePath } = engine('node/nodeHost.js');
const { Project } = engine('engine/project.js');
const { loadGrammar, nodeFileHost } = engine('node/nodeHost.js');
const { allRules } = engine('rules/index.js');

async function timeMs(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** CPU time of the whole process (zlib runs on libuv's threads) and wall time, in ms. */
async function cpuAndWall(fn) {
  const cpu = process.cpuUsage();
  const wall = await timeMs(fn);
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall };
}

function syntheticProfile(samples) {
  const { encodeProfile } = require(join(repoRoot, 'out', 'test', 'unit', 'pprofWriter.js'));
  let seed = 1;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = () => 1 + Math.floor(random() * 5000);
  const functions = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, name: `example.com/big/p${i % 50}.F${i + 1}`, file: `/ci/big/p${i % 50}/f${i % 20}.go`, startLine: 11 + i }));
  const stacks = Array.from({ length: samples }, () =>
    Array.from({ length: 5 + Math.floor(random() * 40) }, () => {
      const fn = pick();
      return random() < 0.2 ? [{ fn, line: 12 + fn }, { fn: pick(), line: 20 }] : { fn, line: 11 + fn };
    }),
  );
  const bytes = encodeProfile({ sampleTypes: [['samples', 'count'], ['cpu', 'nanoseconds']], functions, samples: stacks.map((stack) => ({ stack, values: [1, 10_000_000] })) });
  const file = join(root, `synthetic-${samples}.pprof`);
  writeFileSync(file, gzipSync(bytes));
  return file;
}

process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${rounds} rounds\n\n`);
process.stdout.write('| profile | bytes (gzip) | bytes | functions | read + index CPU (wall) | decompression alone CPU (wall) | CPU ratio |\n|---|---|---|---|---|---|---|\n');
for (const file of profiles) {
  const bytes = new Uint8Array(readFileSync(file));
  const full = [];
  const alone = [];
  let functions = 0;
  let raw = 0;
  for (let i = 0; i < rounds; i++) {
    alone.push(await cpuAndWall(async () => (raw = (await gunzipNode(bytes, 256 << 20)).length)));
    full.push(await cpuAndWall(async () => (functions = new CpuProfile(await readPprof(bytes, gunzipNode)).summary.functions)));
  }
  const m = (list, key) => median(list.map((x) => x[key]));
  process.stdout.write(`| ${file} | ${bytes.length} | ${raw} | ${functions} | ${round(m(full, 'cpu'))} ms (${round(m(full, 'wall'))} ms) | ${round(m(alone, 'cpu'))} ms (${round(m(alone, 'wall'))} ms) | ${round(m(full, 'cpu') / m(alone, 'cpu'), 1)}× |\n`);
}

// Facts per keystroke: the same module with and without its default.pgo.
try {
  const withProfile = join(root, 'with', 'profile');
  const without = join(root, 'without', 'profile');
  cpSync(fixtureDir, withProfile, { recursive: true });
  cpSync(fixtureDir, without, { recursive: true });
  rmSync(join(without, 'default.pgo'));
  const project = new Project(await loadGrammar(), allRules, nodeFileHost);
  const text = readFileSync(join(fixtureDir, 'enc.go'), 'utf8');
  const calls = 2000;
  const measure = async (dir) => {
    const path = toEnginePath(join(dir, 'enc.go'));
    const facts = await project.facts(path, text);
    if ((facts.profile !== undefined) !== (dir === withProfile)) throw new Error(`unexpected profile for ${dir}`);
    return timeMs(async () => {
      for (let i = 0; i < calls; i++) (await project.facts(path, text)).profile?.hotness(21);
    });
  };
  const a = [];
  const b = [];
  for (let i = 0; i < Math.max(3, Math.ceil(rounds / 4)); i++) {
    b.push(await measure(without));
    a.push(await measure(withProfile));
  }
  const [withMs, withoutMs] = [median(a) / calls, median(b) / calls];
  process.stdout.write(`\n| facts per keystroke (enc.go) | with default.pgo | without | ratio |\n|---|---|---|---|\n`);
  process.stdout.write(`| Project.facts + hotness(21) | ${round(withMs * 1000, 1)} µs | ${round(withoutMs * 1000, 1)} µs | ${round(withMs / withoutMs, 2)}× |\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
