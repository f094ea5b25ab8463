// `npm run bench -- [corpusDir] [--quick] [options]`: gohazard's benchmarks (issue 7). Prints a table of
// figures with their targets and the baselines measured in this same run, and writes
// bench/results/bench.json. Figures, not pass/fail: the exit code is 0 whenever the benchmarks ran.
//
//   corpusDir          a directory of Go code (default: $(go env GOROOT)/src, or a generated module)
//   --quick            small corpus (GOROOT/src/net/http/...), 100 keystrokes, 3 cold starts, no anchors
//   --only a,b         run only these of: keystroke, storm, throughput, anchors, coldstart, bigpackage, memory, cache, profile, scaling
//   --skip a,b         run all but these
//   --anchors          run the go anchors even with --quick
//   --threads N        scan threads (default: one per core)
//   --repeat N         baseline/full scan pairs (default 1); medians are reported
//   --edits N          keystrokes (default 500)
//   --out FILE         where to write the JSON (default bench/results/bench.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { anchorsBench } from './anchors.mjs';
import { bigPackageBench } from './bigpackage.mjs';
import { cacheBench } from './cache.mjs';
import { coldStartBench } from './coldstart.mjs';
import { scalingBench } from './scaling.mjs';
import { keystrokeBench } from './keystroke.mjs';
import { stormBench } from './storm.mjs';
import { assertBuilt, repoRoot } from './lib/engine.mjs';
import { goCommand, resolveCorpus } from './lib/corpus.mjs';
import { haveGnuTime } from './lib/proc.mjs';
import { count, mb, ms, ratio } from './lib/stats.mjs';
import { memoryBench } from './memory.mjs';
import { profileBench } from './profile.mjs';
import { throughputBench } from './throughput.mjs';

const ALL = ['keystroke', 'storm', 'throughput', 'memory', 'cache', 'anchors', 'coldstart', 'bigpackage', 'scaling', 'profile'];

function parseArgs(argv) {
  const o = { quick: false, dir: undefined, only: undefined, skip: [], anchors: undefined, threads: undefined, repeat: undefined, edits: undefined, out: join(repoRoot, 'bench', 'results', 'bench.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--anchors') o.anchors = true;
    else if (a === '--only') o.only = value().split(',');
    else if (a === '--skip') o.skip = value().split(',');
    else if (a === '--threads') o.threads = Number(value());
    else if (a === '--repeat') o.repeat = Number(value());
    else if (a === '--edits') o.edits = Number(value());
    else if (a === '--out') o.out = value();
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${readUsage()}\n`);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.dir = a;
  }
  for (const name of [...(o.only ?? []), ...o.skip]) if (!ALL.includes(name)) throw new Error(`unknown benchmark ${name} (one of ${ALL.join(', ')})`);
  return o;
}

function readUsage() {
  return 'usage: npm run bench -- [corpusDir] [--quick] [--only a,b] [--skip a,b] [--anchors] [--threads N] [--repeat N] [--edits N] [--out FILE]';
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main() {
  const o = parseArgs(process.argv.slice(2));
  // Every gohazard the benchmarks start analyses from scratch (they inherit this), except where the
  // cache benchmark gives a cache directory: a user's cache would make the figures meaningless.
  process.env.GOHAZARD_CACHE = 'off';
  assertBuilt();
  const wanted = (name) => (o.only ? o.only.includes(name) : true) && !o.skip.includes(name);
  const go = goCommand();
  const threads = o.threads ?? availableParallelism();
  const log = (s) => process.stderr.write(`${s}\n`);
  const started = new Date();
  const env = {
    date: started.toISOString(),
    node: process.version,
    cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    go: go ? `${go.version} (${go.goroot})` : 'not found',
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    gnuTime: haveGnuTime,
    loadBefore: load(),
  };
  log(`gohazard bench: node ${env.node}, ${env.cpus}, ${env.memory}, go ${env.go}, commit ${env.commit}${env.dirty ? ' (uncommitted changes)' : ''}`);
  log(`load average before: ${env.loadBefore} (1, 5, 15 min)`);

  const corpus = await resolveCorpus({ dir: o.dir, quick: o.quick, go });
  log(`corpus: ${corpus.label}: ${corpus.files.length} Go files${corpus.note ? ` (${corpus.note})` : ''}`);
  const results = { env, corpus: { label: corpus.label, root: corpus.root, files: corpus.files.length, goPackages: corpus.goPackages }, loadDuring: {} };
  const step = async (name, fn) => {
    if (!wanted(name)) return undefined;
    log(`\n[${name}] load ${load()}`);
    const t0 = performance.now();
    try {
      results[name] = await fn();
    } catch (error) {
      results[name] = { error: String(error?.stack ?? error) };
      log(`  failed: ${error?.message ?? error}`);
    }
    results.loadDuring[name] = load();
    log(`  done in ${ms(performance.now() - t0)}, load ${results.loadDuring[name]}`);
    return results[name];
  };

  await step('keystroke', () => keystrokeBench({ edits: o.edits ?? (o.quick ? 100 : 500) }));
  await step('storm', () => stormBench({ log }));
  await step('throughput', () => throughputBench({ files: corpus.files, threads, repeat: o.repeat ?? 1, log }));
  await step('memory', () => memoryBench({ root: corpus.root, threads: o.threads }));
  await step('cache', () => cacheBench({ root: corpus.root, threads: o.threads, log }));
  const anchorsWanted = o.anchors ?? !o.quick;
  if (wanted('anchors') && !go) results.anchors = { skipped: 'go is not installed: the go vet / go build anchors are skipped' };
  else if (wanted('anchors') && !anchorsWanted) results.anchors = { skipped: 'skipped with --quick (run with --anchors to include them)' };
  else if (wanted('anchors') && !corpus.goPackages) results.anchors = { skipped: corpus.note ?? 'the go command cannot build this corpus' };
  else await step('anchors', () => anchorsBench({ goPackages: corpus.goPackages, log }));
  if (results.anchors?.skipped) log(`\n[anchors] ${results.anchors.skipped}`);
  await step('coldstart', () => coldStartBench({ runs: o.quick ? 3 : 5 }));
  await step('bigpackage', () => bigPackageBench({ runs: o.quick ? 1 : 3, goModCache: go?.modCache }));
  await step('scaling', () => scalingBench({ runs: o.quick ? 1 : 3 }));
  if (!o.quick || o.only?.includes('profile')) await step('profile', () => profileBench({ target: `${corpus.root}/...`, top: 12 }));
  results.env.loadAfter = load();
  results.env.minutes = (Date.now() - started.getTime()) / 60000;

  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${report(results)}\n`);
  log(`\nwrote ${relative(process.cwd(), o.out)}`);
}

function git(args) {
  const r = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** The table: one row per figure, with its target and how it compares. */
export function report(r) {
  const rows = [];
  const row = (bench, figure, measured, target = '', verdict = '') => rows.push([bench, figure, measured, target, verdict]);
  const meets = (ok) => (ok ? 'meets' : 'MISSES');
  const failed = (name) => r[name]?.error && row(name, 'error', r[name].error.split('\n')[0]);

  const k = r.keystroke;
  if (k && !k.error) {
    row('1 keystroke', `${k.edits} edits, ${k.file.lines}-line file: p50 / p95`, `${ms(k.latency.p50)} / ${ms(k.latency.p95)}`);
    row('', 'p99', ms(k.latency.p99), '< 5 ms', meets(k.latency.p99 < 5));
    row('', 'max', ms(k.latency.max));
    row('', `p99 of the ${k.latencyValidText.count} edits that keep the text valid`, ms(k.latencyValidText.p99));
    for (const [kind, s] of Object.entries(k.byKind)) row('', `  ${kind} (${s.count}): p50 / p99`, `${ms(s.p50)} / ${ms(s.p99)}`);
    if (k.latencyInBody) row('', `p99 of the ${k.latencyInBody.count} edits inside function bodies`, ms(k.latencyInBody.p99), '≤ 30 ms', meets(k.latencyInBody.p99 <= 30));
    if (k.latencyInBodyBalanced) row('', `  of which the ${k.latencyInBodyBalanced.count} that are not an unbalanced brace`, ms(k.latencyInBodyBalanced.p99));
    row('', 'didOpen to first diagnostics', ms(k.openMs));
    row('', 'debounce', k.debounce);
  } else failed('keystroke');

  const s = r.storm;
  if (s && !s.error) {
    const targets = { typing5k: { settle: 150, p99: 100, rss: 1.2 }, typing20k: { settle: 500 }, random5k: { settle: 1000, max: 1000 } };
    for (const [name, x] of Object.entries(s)) {
      const t = targets[name] ?? {};
      const label = name === 'random5k' ? `random edits, ${x.edits} × ${x.intervalMs} ms, ${count(x.file.lines)} lines` : `typing, ${x.edits} × ${x.intervalMs} ms, ${count(x.file.lines)} lines`;
      row(name === 'typing5k' ? '1b storm' : '', label, `didOpen to first diagnostics ${ms(x.openMs)}`);
      row('', '  settle after the last edit', ms(x.settleMs), t.settle ? `≤ ${t.settle} ms` : '', t.settle ? meets(x.settleMs <= t.settle) : '');
      row('', `  ${x.requests.count} requests during the storm: p50 / p99 / max`, `${ms(x.requests.p50)} / ${ms(x.requests.p99)} / ${ms(x.requests.max)}`, t.p99 ? `p99 ≤ ${t.p99} ms` : t.max ? `max ≤ ${t.max} ms` : '', t.p99 ? meets(x.requests.p99 <= t.p99) : t.max ? meets(x.requests.max <= t.max) : '');
      if (x.unanswered || x.failed) row('', '  requests unanswered after 30 s / failed', `${x.unanswered} / ${x.failed}`);
      row('', '  RSS before → 1 s after (ratio)', `${mb(x.rssBeforeKiB)} → ${mb(x.rssAfterKiB)} (${ratio(x.rssRatio)})`, t.rss ? `≤ ${t.rss}×` : '', t.rss ? meets(x.rssRatio <= t.rss) : '');
      if (x.rssAtRestKiB) row('', '  RSS 10 s after (ratio)', `${mb(x.rssAtRestKiB)} (${ratio(x.rssAtRestRatio)})`);
      row('', '  versions published; analyses started / abandoned', `${x.versionsPublished} of ${x.edits}; ${x.analyses ? `${x.analyses.started} / ${x.analyses.abandoned}` : 'not counted by this server'}`);
    }
  } else failed('storm');

  const t = r.throughput;
  if (t && !t.error) {
    row('2 throughput', 'corpus', `${count(t.files)} files, ${count(t.lines)} lines, ${t.threads} threads, median of ${t.repeat}`);
    row('', 'parse-only baseline: wall (CPU)', `${ms(t.baseline.wallMs)} (${ms(t.baseline.cpuMs)}), ${count(t.baseline.linesPerSecond)} lines/s`);
    row('', 'full scan, every rule: wall (CPU)', `${ms(t.full.wallMs)} (${ms(t.full.cpuMs)}), ${count(t.full.linesPerSecond)} lines/s`);
    row('', 'ratio full / baseline: wall (CPU)', `${ratio(t.ratioWall)} (${ratio(t.ratioCpu)})`, '≤ 1.5', meets(t.ratioWall <= 1.5));
    row('', 'ratio full / baseline: CPU', ratio(t.ratioCpu), '≤ 3 (issue 16)', meets(t.ratioCpu <= 3));
    row('', 'findings', count(t.findings));
    if (t.notAnalysed?.length) row('', `files not analysed (${t.notAnalysed.length}, in neither run)`, t.notAnalysed.slice(0, 3).map((x) => `${relative(r.corpus.root, x.file)}: ${x.why}`).join('; '));
  } else failed('throughput');

  const a = r.anchors;
  const m = r.memory;
  if (a?.skipped) row('3 anchors', 'skipped', a.skipped);
  else if (Array.isArray(a)) {
    const gohazard = m && !m.error ? { wallMs: m.cli.wallMs, cpuMs: m.cli.userMs + m.cli.systemMs } : t && !t.error ? t.full : undefined;
    row('3 anchors', 'gohazard scan (CLI, whole command): wall (CPU)', gohazard ? `${ms(gohazard.wallMs)} (${ms(gohazard.cpuMs)})` : 'n/a');
    for (const x of a) {
      const speedUp = gohazard ? x.wallMs / gohazard.wallMs : NaN;
      const isTarget = x.name === 'vet' && x.cache === 'fresh';
      row('', `${x.command} (${x.cache} GOCACHE): wall (CPU)`, `${ms(x.wallMs)} (${ms(x.cpuMs)})${x.note ? ` [${x.note}]` : ''}`, isTarget ? '≥ 10× speed-up' : '', `gohazard ${ratio(speedUp, 1)} faster (CPU ${ratio(gohazard ? x.cpuMs / gohazard.cpuMs : NaN, 1)})${isTarget ? `: ${meets(speedUp >= 10)}` : ''}`);
    }
  } else failed('anchors');

  const c = r.coldstart;
  if (c && !c.error) {
    row('4 cold start', `spawn to first diagnostics, ${c.fileLines}-line file (median of ${c.runs})`, ms(c.firstDiagnosticsMs), '< 300 ms', meets(c.firstDiagnosticsMs < 300));
    row('', 'of which: node start / require server / load grammar', `${ms(c.nodeStartMs)} / ${ms(c.requireServerMs)} / ${ms(c.loadGrammarMs)}`);
    if (c.afterDidOpenMs !== undefined) row('', 'didOpen to first diagnostics', ms(c.afterDidOpenMs), '≤ 300 ms', meets(c.afterDidOpenMs <= 300));
    row('', 'spawn to initialize answered', ms(c.initializeMs));
    if (c.versionMs !== undefined) row('', '`gohazard --version`, whole process (node start included)', ms(c.versionMs), '≤ 100 ms', meets(c.versionMs <= 100));
    if (c.bundled) row('', `same with the bundle VS Code starts (dist/server.js, built ${c.bundled.builtAt.slice(0, 16)}): spawn / didOpen to diagnostics`, `${ms(c.bundled.firstDiagnosticsMs)} / ${ms(c.bundled.afterDidOpenMs)}`);
  } else failed('coldstart');

  const bp = r.bigpackage;
  if (bp && !bp.error) {
    const scenarioRows = (label, x, targets) => {
      row(label, `${x.lines}-line file alone in its directory (baseline): didOpen to diagnostics`, ms(x.baselineAlone.firstMs));
      for (const [key, name, target] of [['noCache', 'fresh server, no cache', targets.cold], ['emptyCache', 'fresh server, empty cache (stores)', targets.cold], ['warmCache', 'fresh server, warm cache', targets.warm]]) {
        const s = x[key];
        row('', `${name}: didOpen to first / complete diagnostics (findings)`, `${ms(s.firstMs)} (${s.firstFindings}) / ${ms(s.completeMs)} (${s.findings})`, target ? `≤ 500 ms / ≤ ${target / 1000} s` : '', target ? `${meets(s.firstMs <= 500 && s.completeMs <= target)}; first = ${ratio(s.firstMs / x.baselineAlone.firstMs)} the file alone` : `first = ${ratio(s.firstMs / x.baselineAlone.firstMs)} the file alone`);
      }
    };
    scenarioRows(`8 big package (${bp.generated.files} files)`, bp.generated, { cold: 3000, warm: 1000 });
    if (bp.real?.skipped) row('', 'real package', bp.real.skipped);
    else if (bp.real) scenarioRows(`  ${bp.real.name}`, bp.real, {});
  } else failed('bigpackage');

  const sc = r.scaling;
  if (sc && !sc.error) {
    // Linear cost quadruples from n to 4n; 6× leaves room for noise and log factors.
    for (const [i, x] of sc.shapes.entries()) {
      const [a, b] = x.sizes;
      row(i === 0 ? '9 scaling' : '', `${x.name}: analysis CPU at n = ${count(a.n)} → 4n (findings at n)`, `${ms(a.analysisMs)} → ${ms(b.analysisMs)} (${count(a.findings)}): ${ratio(x.growth)}`, '≤ 6× (4× is linear)', `${meets(x.growth <= 6)}; parse ${ratio(x.parseGrowth)}`);
    }
  } else failed('scaling');

  if (m && !m.error) {
    row('5 memory', `CLI scan peak RSS (${count(m.cli.files)} files, no cache)`, mb(m.cli.peakRssKiB), '≤ 400 MB', meets(m.cli.peakRssKiB <= 400 * 1024));
    row('', `server scanWorkspace peak RSS (${count(m.server.files)} files, no cache)`, mb(m.server.peakRssKiB), '≤ 400 MB', meets(m.server.peakRssKiB <= 400 * 1024));
    row('', 'server scanWorkspace: wall (CPU); RSS after', `${ms(m.server.wallMs)} (${ms(m.server.cpuMs)}); ${mb(m.server.rssAfterKiB)}`);
  } else failed('memory');

  const cc = r.cache;
  if (cc && !cc.error) {
    const vsParse = t && !t.error ? ` = ${ratio(cc.cold.cpuMs / t.baseline.cpuMs)} parse-only CPU` : '';
    row('7 cache', `cold, empty cache (${count(cc.files)} files): wall (CPU); peak RSS`, `${ms(cc.cold.wallMs)} (${ms(cc.cold.cpuMs)}${vsParse}); ${mb(cc.cold.peakRssKiB)}`, '≤ 400 MB', meets(cc.cold.peakRssKiB <= 400 * 1024));
    row('', 'nothing changed: wall (CPU); peak RSS', `${ms(cc.warm.wallMs)} (${ms(cc.warm.cpuMs)}); ${mb(cc.warm.peakRssKiB)}`, '≤ 3 s', meets(cc.warm.wallMs <= 3000 && cc.warm.sameFindings));
    row('', `one file changed (${cc.edit.file}): wall (CPU); files analysed`, `${ms(cc.edited.wallMs)} (${ms(cc.edited.cpuMs)}); ${count(cc.edited.analysed)}`, '≤ 5 s', meets(cc.edited.wallMs <= 5000));
    row('', 'one file changed: the same findings as a scan without the cache', cc.edited.sameFindingsAsWithoutCache ? 'yes' : 'NO', 'yes', meets(cc.edited.sameFindingsAsWithoutCache));
    row('', 'cache size after the three scans', mb(cc.cacheBytes / 1024));
  } else failed('cache');

  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((x) => x[i].length), ['benchmark', 'figure', 'measured', 'target', 'vs target / baseline'][i].length));
  const line = (cells) => `| ${cells.map((s, i) => s.padEnd(widths[i])).join(' | ')} |`;
  const out = [
    `gohazard bench, ${r.env.date}, commit ${r.env.commit}${r.env.dirty ? ' + uncommitted changes' : ''}; ${r.env.cpus}; node ${r.env.node}; go ${r.env.go}`,
    `corpus: ${r.corpus.label} (${count(r.corpus.files)} files); load average (1/5/15 min) before ${r.env.loadBefore}, after ${r.env.loadAfter}${Object.keys(r.loadDuring).length ? `; after each: ${Object.entries(r.loadDuring).map(([n, l]) => `${n} ${l.split(' ')[0]}`).join(', ')}` : ''}`,
    '',
    line(['benchmark', 'figure', 'measured', 'target', 'vs target / baseline']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  const p = r.profile;
  if (p && !p.error) {
    out.push('', `profile: gohazard scan --threads 0 under node --cpu-prof, ${ms(p.wallMs)} wall, ${ms(p.sampledMs)} sampled`);
    out.push('  time by area (outermost frame that names one):');
    for (const x of p.areas.slice(0, 10)) out.push(`    ${String(x.percent).padStart(5)}%  ${x.name}`);
    out.push('  top self time:');
    for (const x of p.topSelf.slice(0, 10)) out.push(`    ${String(x.percent).padStart(5)}%  ${x.name}`);
    out.push('  top inclusive (gohazard functions):');
    for (const x of p.topInclusive.slice(0, 10)) out.push(`    ${String(x.percent).padStart(5)}%  ${x.name}`);
  } else if (p?.error) out.push('', `profile failed: ${p.error.split('\n')[0]}`);
  return out.join('\n');
}

main().catch((error) => {
  process.stderr.write(`bench: ${error?.stack ?? error}\n`);
  process.exitCode = 2;
});
