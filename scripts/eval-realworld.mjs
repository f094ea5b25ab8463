#!/usr/bin/env node
// What a new user sees: gohazard's default findings on popular modules it was not written against.
//
//   npm run eval:realworld [-- --sample N --seed S] [--only MODULE] [--rule ID=SEV]... [--json-out FILE]
//
// 1. Downloads every module of test/realworld/manifest.json at its pinned version with
//    `go mod download -json` (into the module cache; their code is never copied into the repo).
// 2. Scans each module's root (`./...`) with the built CLI and default settings, as a user running
//    `gohazard scan` there would, recording the exit code of the default --fail-on warning. Hints,
//    which the CLI prints only with --min-severity hint, are counted apart.
// 3. Prints findings per module, per rule, per 1,000 lines, test files apart from the rest, and
//    writes every finding with its source line to out/realworld/findings.json.
// 4. --sample N: a reproducible random sample (seeded PRNG) of the default findings (hints aside) for
//    judging by ../shared/JUDGING.md: every loopvar/ and pool/ finding plus N others, with the code
//    around each, written to out/realworld/sample.md.
// Needs go on PATH (for the download only) and `npm run build` (the npm script builds first).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'gohazard.js');

function parseArgs(argv) {
  const opts = { sample: 0, seed: 1, only: undefined, rules: [], jsonOut: path.join(ROOT, 'out', 'realworld', 'findings.json'), manifest: path.join(ROOT, 'test', 'realworld', 'manifest.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--sample') opts.sample = Number(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--only') opts.only = next();
    else if (a === '--rule') opts.rules.push(next());
    else if (a === '--json-out') opts.jsonOut = path.resolve(next());
    else if (a === '--manifest') opts.manifest = path.resolve(next());
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/eval-realworld.mjs [--sample N] [--seed S] [--only MODULE] [--rule ID=SEV]... [--json-out FILE] [--manifest FILE]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

/** The module's directory in the module cache, downloading it when needed. */
function download(module, version) {
  let out;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' } });
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error('eval:realworld needs the go command on PATH to download the modules (gohazard itself does not)');
    const info = String(error.stdout ?? '').trim();
    throw new Error(`go mod download ${module}@${version} failed: ${info || error.message}`);
  }
  const info = JSON.parse(out);
  if (info.Error) throw new Error(`go mod download ${module}@${version}: ${info.Error}`);
  return info.Dir;
}

/** Go files as `gohazard scan ./...` sees them (the go command's skip rules), with their line counts. */
function goFiles(dir) {
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'testdata' && e.name !== 'vendor') walk(p);
      } else if (e.isFile() && e.name.endsWith('.go')) {
        const text = fs.readFileSync(p, 'utf8');
        files.push({ rel: path.relative(dir, p), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), test: e.name.endsWith('_test.go') });
      }
    }
  };
  walk(dir);
  return files;
}

function scanModule(dir, rules) {
  const args = [CLI, 'scan', '--quiet', '--format', 'json', '--min-severity', 'hint', ...rules.flatMap((r) => ['--rule', r]), './...'];
  const started = Date.now();
  const run = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`gohazard scan in ${dir} exited ${run.status}: ${run.stderr}`);
  return { exit: run.status, report: JSON.parse(run.stdout), seconds: (Date.now() - started) / 1000, stderr: run.stderr };
}

/** mulberry32: a small seeded PRNG, so a sample can be drawn again. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(s, n, right = false) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

function perK(n, lines) {
  return lines === 0 ? '-' : ((n * 1000) / lines).toFixed(2);
}

const opts = parseArgs(process.argv.slice(2));
const manifest = JSON.parse(fs.readFileSync(opts.manifest, 'utf8'));
const modules = manifest.modules.filter((m) => !opts.only || m.module === opts.only || m.module.includes(opts.only));
if (modules.length === 0) throw new Error(`no module of the manifest matches ${opts.only}`);

const all = [];
const rows = [];
for (const m of modules) {
  const dir = download(m.module, m.version);
  const files = goFiles(dir);
  const byFile = new Map(files.map((f) => [f.rel, f]));
  const { exit, report, seconds, stderr } = scanModule(dir, opts.rules);
  const lines = { test: 0, nonTest: 0 };
  for (const f of files) lines[f.test ? 'test' : 'nonTest'] += f.lines;
  const sources = new Map();
  const findings = report.findings.map((f) => {
    const rel = path.relative(dir, path.resolve(dir, f.file));
    if (!sources.has(rel)) sources.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8').split('\n'));
    const src = sources.get(rel);
    return { module: m.module, version: m.version, ...f, file: rel, test: rel.endsWith('_test.go'), source: src[f.line - 1] ?? '', context: src.slice(Math.max(0, f.line - 4), f.line + 3).join('\n') };
  });
  for (const f of findings) if (!byFile.has(f.file)) byFile.set(f.file, { rel: f.file, lines: 0, test: f.test });
  all.push(...findings);
  const nonHint = findings.filter((f) => f.severity !== 'hint');
  rows.push({ m, files: report.files, lines, findings, nonHint, exit, seconds, warnings: findings.filter((f) => f.severity === 'warning' || f.severity === 'error').length });
  if (stderr.trim()) process.stderr.write(stderr.split('\n').map((l) => `  ${m.module}: ${l}`).join('\n') + '\n');
}

const total = { lines: 0, test: 0, findings: 0, nonHint: 0, nonHintTest: 0, warnings: 0 };
console.log(`\n${pad('module', 44)} ${pad('lines', 7, true)} ${pad('test%', 6, true)} ${pad('all', 5, true)} ${pad('non-hint', 9, true)} ${pad('/1k', 6, true)} ${pad('warn+', 6, true)} ${pad('exit', 5, true)} ${pad('s', 6, true)}`);
for (const r of rows) {
  const lines = r.lines.test + r.lines.nonTest;
  total.lines += lines;
  total.test += r.lines.test;
  total.findings += r.findings.length;
  total.nonHint += r.nonHint.length;
  total.nonHintTest += r.nonHint.filter((f) => f.test).length;
  total.warnings += r.warnings;
  console.log(
    `${pad(`${r.m.module}@${r.m.version}`, 44)} ${pad(lines, 7, true)} ${pad(((100 * r.lines.test) / lines).toFixed(0), 6, true)} ${pad(r.findings.length, 5, true)} ${pad(r.nonHint.length, 9, true)} ${pad(perK(r.nonHint.length, lines), 6, true)} ${pad(r.warnings, 6, true)} ${pad(r.exit, 5, true)} ${pad(r.seconds.toFixed(1), 6, true)}`,
  );
}
console.log(`${pad('total', 44)} ${pad(total.lines, 7, true)} ${pad(((100 * total.test) / total.lines).toFixed(0), 6, true)} ${pad(total.findings, 5, true)} ${pad(total.nonHint, 9, true)} ${pad(perK(total.nonHint, total.lines), 6, true)} ${pad(total.warnings, 6, true)}`);
console.log(`\ndefault non-hint findings per 1,000 lines: ${perK(total.nonHint, total.lines)} overall, ${perK(total.nonHint - total.nonHintTest, total.lines - total.test)} in non-test files, ${perK(total.nonHintTest, total.test)} in test files`);
console.log(`modules whose default scan exits 1 (--fail-on warning): ${rows.filter((r) => r.exit === 1).map((r) => r.m.module).join(', ') || 'none'}`);

const byRule = new Map();
for (const f of all) {
  const e = byRule.get(f.rule) ?? { error: 0, warning: 0, info: 0, hint: 0, test: 0, total: 0 };
  e[f.severity]++;
  e.total++;
  if (f.test) e.test++;
  byRule.set(f.rule, e);
}
console.log(`\n${pad('rule', 30)} ${pad('total', 6, true)} ${pad('error', 6, true)} ${pad('warn', 6, true)} ${pad('info', 6, true)} ${pad('hint', 6, true)} ${pad('in tests', 9, true)} ${pad('/1k', 6, true)}`);
for (const [rule, e] of [...byRule].sort((a, b) => b[1].total - a[1].total)) {
  console.log(`${pad(rule, 30)} ${pad(e.total, 6, true)} ${pad(e.error, 6, true)} ${pad(e.warning, 6, true)} ${pad(e.info, 6, true)} ${pad(e.hint, 6, true)} ${pad(e.test, 9, true)} ${pad(perK(e.total, total.lines), 6, true)}`);
}

fs.mkdirSync(path.dirname(opts.jsonOut), { recursive: true });
fs.writeFileSync(opts.jsonOut, JSON.stringify({ manifest: modules, totals: total, findings: all.map(({ context, ...f }) => f) }, null, 1));
console.log(`\nwrote ${path.relative(process.cwd(), opts.jsonOut)}`);

if (opts.sample > 0) {
  const random = prng(opts.seed);
  const shown = all.filter((f) => f.severity !== 'hint');
  const always = shown.filter((f) => /^(loopvar|pool)\//.test(f.rule));
  const rest = shown.filter((f) => !/^(loopvar|pool)\//.test(f.rule));
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  const sample = [...always, ...rest.slice(0, Math.max(0, opts.sample))];
  const out = path.join(path.dirname(opts.jsonOut), 'sample.md');
  const text = [
    `# Sample of default findings (seed ${opts.seed}: every loopvar/ and pool/ finding, ${Math.min(opts.sample, rest.length)} of the ${rest.length} others)`,
    '',
    ...sample.map((f, i) =>
      [`## ${i + 1}. ${f.module}@${f.version} ${f.file}:${f.line}:${f.column} [${f.rule}] ${f.severity}`, '', f.message, '', '```go', f.context, '```', '', 'Verdict: ', ''].join('\n'),
    ),
  ].join('\n');
  fs.writeFileSync(out, text);
  console.log(`wrote ${path.relative(process.cwd(), out)} (${sample.length} findings)`);
}
