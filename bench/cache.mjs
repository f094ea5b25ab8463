// Benchmark 7, the scan cache: `gohazard scan` (the whole command) over a copy of the corpus with an
// empty cache directory (a first CI run), again with nothing changed, then after one edit to one file,
// whose findings are compared with a scan without the cache of the edited copy. The copy is needed
// because the edit must not touch the corpus, and cache keys hold the files' paths. Files analysed
// again are counted from the cache: each analysed file writes one entry listing what it read.
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { removeLater, removeNow } from './lib/cleanup.mjs';
import { cliPath } from './lib/engine.mjs';
import { runMeasured } from './lib/proc.mjs';

/** For GOROOT/src: a large file of a large package, edited inside a function body. */
const PREFERRED_EDIT = ['net/http/request.go', 'net/http/server.go'];

export async function cacheBench({ root, threads, log = () => {} }) {
  const work = removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-cache-')));
  try {
    const copy = join(work, 'src');
    const cacheDir = join(work, 'cache');
    const t0 = performance.now();
    cpSync(root, copy, { recursive: true });
    log(`  copied the corpus in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const args = (...cache) => [cliPath, 'scan', ...cache, '--format', 'json', '--fail-on', 'none', ...(threads ? ['--threads', String(threads)] : []), `${copy}/...`];
    const scan = async (label, cache) => {
      const started = Date.now();
      const r = await runMeasured(process.execPath, args(...cache), { keepStdout: true });
      if (r.code !== 0) throw new Error(`${label}: gohazard scan exited ${r.code}: ${r.stderrTail}`);
      const analysed = cache[0] === '--cache-dir' ? filesAnalysedSince(cacheDir, started) : undefined;
      log(`  ${label}: ${(r.wallMs / 1000).toFixed(2)} s wall, ${((r.userMs + r.systemMs) / 1000).toFixed(2)} s CPU, ${Math.round(r.maxRssKiB / 1024)} MB peak RSS${analysed !== undefined ? `, ${analysed} files analysed` : ''}`);
      return { wallMs: r.wallMs, cpuMs: r.userMs + r.systemMs, peakRssKiB: r.maxRssKiB, analysed, findings: findingsOf(r.stdout), stdout: r.stdout };
    };
    const cold = await scan('cold (empty cache)', ['--cache-dir', cacheDir]);
    const warm = await scan('nothing changed', ['--cache-dir', cacheDir]);
    const edit = editOneFile(copy);
    log(`  edited ${edit.file}: ${edit.what}`);
    const edited = await scan('one file changed', ['--cache-dir', cacheDir]);
    const check = await scan('one file changed, without the cache', ['--no-cache']);
    return {
      files: cold.findings.files,
      cold: strip(cold),
      warm: { ...strip(warm), sameFindings: warm.stdout === cold.stdout },
      edit: { file: relative(copy, edit.file), what: edit.what },
      edited: { ...strip(edited), sameFindingsAsWithoutCache: edited.stdout === check.stdout },
      withoutCache: strip(check),
      cacheBytes: sizeOf(cacheDir),
    };
  } finally {
    removeNow(work);
  }
}

function strip({ stdout, findings, ...rest }) {
  void stdout;
  return { ...rest, findings: findings.findings };
}

function findingsOf(stdout) {
  const report = JSON.parse(stdout);
  return { files: report.files, findings: report.findings.length };
}

/** Entries listing what a file's analysis read, written since `since`: one per file analysed. */
function filesAnalysedSince(cacheDir, since) {
  let n = 0;
  for (const sub of readdirSync(cacheDir)) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue;
    for (const name of readdirSync(join(cacheDir, sub))) {
      const file = join(cacheDir, sub, name);
      if (statSync(file).mtimeMs < since) continue;
      if (readFileSync(file, 'utf8').slice(0, 64).split(' ')[2] === 'reads') n++;
    }
  }
  return n;
}

/** Inserts a statement at the start of a function body: a change a developer makes, in a file others call. */
function editOneFile(copy) {
  const file = PREFERRED_EDIT.map((p) => join(copy, p)).find((f) => exists(f)) ?? largestFileOfLargestPackage(copy);
  const text = readFileSync(file, 'utf8');
  const func = text.search(/^func .*\{$/m);
  if (func < 0) throw new Error(`no function to edit in ${file}`);
  const bodyStart = text.indexOf('\n', func) + 1;
  writeFileSync(file, `${text.slice(0, bodyStart)}\t_ = len("gohazard bench edit")\n${text.slice(bodyStart)}`);
  const line = text.slice(0, bodyStart).split('\n').length;
  return { file, what: `a statement added at line ${line}, in ${text.slice(func, text.indexOf('(', func + 5) + 1).trim()}…` };
}

function exists(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function largestFileOfLargestPackage(copy) {
  let best = { files: [], count: 0 };
  const walk = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const goFiles = entries.filter((e) => e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go')).map((e) => join(dir, e.name));
    if (goFiles.length > best.count) best = { files: goFiles, count: goFiles.length };
    for (const e of entries) if (e.isDirectory() && !/^[._]|^testdata$|^vendor$/.test(e.name)) walk(join(dir, e.name));
  };
  walk(copy);
  const withFuncs = best.files.filter((f) => /^func .*\{$/m.test(readFileSync(f, 'utf8')));
  return withFuncs.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

function sizeOf(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return bytes;
}
