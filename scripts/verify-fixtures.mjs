#!/usr/bin/env node
// Verifies gohazard's Go fixtures against the real Go toolchain.
//
// The fixtures (test/fixtures/<family>/<rule>/<module>/...) carry analysistest
// style expectations: a trailing `// want "re" ...` comment on every line that
// gohazard must report. Where an authoritative tool exists, this script runs it
// and compares its findings with the want lines. Where gohazard deliberately
// differs from the tool, the line directly above the line in question holds
// `// vet-disagrees: <reason>` (or `// loopvar2-disagrees: <reason>`); such
// differences are printed as "documented" and do not fail. Any other
// difference, and any disagreement comment that no longer matches a
// difference ("stale"), makes the script exit 1.
//
// Checkers (add more to CHECKERS; each gets the modules below its folder):
//   typecheck        every module type-checks: `go vet -loopclosure ./...`
//                    (vet type-checks test files too) prints nothing but
//                    diagnostics and `# pkg` headers.
//   vet-loopclosure  loopvar/capture: the (file, line, variable) multiset of
//                    `go vet -loopclosure` vs want regexps /loop variable X captured/.
//   loopvar2         loopvar/semantics-change: loops whose variables become
//                    per-iteration when the module moves to go 1.22, i.e.
//                      A = `-gcflags=-d=loopvar=2` on a copy with `go 1.22` in go.mod
//                      B = `-gcflags=-d=loopvar=3` on the module as it is
//                          (3 logs loops that are ALREADY per-iteration, i.e.
//                          files whose effective version is >= 1.22, and changes
//                          nothing else)
//                    changes = A - B, keyed (file, line, variable), vs want
//                    regexps /loop variable X changes meaning/.
//   probes-semantics loopvar/semantics-change: behaviour oracle. A probe is a
//                    function declared `func name() (out []int)` in the module's
//                    root package; all probes run (through a generated test)
//                    once as the module is and once with `go 1.22` in go.mod.
//                    A probe whose lines hold a "changes meaning" want must
//                    return something different, any other probe the same.
//   probes-capture   loopvar/capture and loopvar/address: the same oracle with
//   probes-address   "captured" / "address of loop variable" wants (what the
//                    rule reports must be observable, what it leaves alone not).
//   probes-redundant loopvar/redundant-copy: probes run as the module is and
//                    with every .golden applied (reported copies deleted): all
//                    results must be equal. Probes named needed* are run again
//                    with their own `x := x` / `a, b := a, b` lines deleted:
//                    the result must differ (the copy was needed).
//   goldens          every x.go.golden parses and is gofmt-clean, has an x.go
//                    beside it, and the module with goldens substituted for
//                    their .go files still builds (package and tests).
//   pool-typecheck   every pool/ module type-checks: `go vet ./...` (all default
//                    analyzers) reports nothing, except copylocks findings in
//                    pool/copied, which the next checker compares.
//   vet-copylocks    pool/copied: the (file, line) multiset of `go vet -copylocks`
//                    vs want regexps containing "copies" (`// vet-disagrees:`).
//   staticcheck-sa6002
//                    pool/put-non-pointer: the (file, line) multiset of
//                    `staticcheck -checks SA6002` vs want regexps containing
//                    "SA6002" (`// staticcheck-disagrees:`). Needs staticcheck:
//                    found on PATH or in $(go env GOPATH)/bin, else the checker
//                    is skipped with a message, unless --install-staticcheck is
//                    given: then the pinned STATICCHECK_VERSION is built from the
//                    Go module proxy into a cache directory (about 15 s, once).
//                    Nothing is downloaded without that flag: `npm test` runs this
//                    script, and a test run must not reach the network.
//   pool-goldens     as goldens, for the pool/ fixtures.
//
// Usage: node scripts/verify-fixtures.mjs [--only=name,name] [--verbose] [--install-staticcheck]
// Exit: 0 ok (or "skipped: go not found"), 1 undocumented disagreement or
// broken fixture, 2 usage error.
//
// Go environment forced for every child: GOTOOLCHAIN=local (never download a
// toolchain), GOWORK=off, GOFLAGS=-mod=mod, GOPROXY=off (the fixtures need no
// module downloads: x/sync is a local stub through `replace`). The go command
// replays cached compiler/vet output on a cache hit, so the normal GOCACHE is
// used; a temporary one is created only when go reports none.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

// ---------------------------------------------------------------------------
// Checkers

/**
 * @typedef {{ file: string, line: number, key: string, tool: number, want: number }} Diff
 * @typedef {{ name: string, folder: string, marker?: string, describe: string,
 *             skip?: () => string | null, run: (mod: Module, ctx: Ctx) => CheckResult }} Checker
 * @typedef {{ diffs?: Diff[], errors?: string[], notes?: string[] }} CheckResult
 */
const CHECKERS = [
  {
    name: 'typecheck',
    folder: 'loopvar',
    describe: 'module type-checks (go vet)',
    run: checkTypecheck,
  },
  {
    name: 'vet-loopclosure',
    folder: 'loopvar/capture',
    marker: 'vet-disagrees:',
    describe: 'want lines vs go vet -loopclosure',
    run: checkVetLoopclosure,
  },
  {
    name: 'loopvar2',
    folder: 'loopvar/semantics-change',
    marker: 'loopvar2-disagrees:',
    describe: 'want lines vs -gcflags=-d=loopvar=2 (go 1.22) minus -d=loopvar=3 (as is)',
    run: checkLoopvar2,
  },
  {
    name: 'probes-semantics',
    folder: 'loopvar/semantics-change',
    describe: 'probes change result between go 1.21 and go 1.22 iff they hold a want',
    run: (mod) => checkProbesAtGo122(mod, /changes meaning/),
  },
  {
    name: 'probes-capture',
    folder: 'loopvar/capture',
    describe: 'probes change result between go 1.21 and go 1.22 iff they hold a want',
    run: (mod) => checkProbesAtGo122(mod, /loop variable \w+ captured/),
  },
  {
    name: 'probes-address',
    folder: 'loopvar/address',
    describe: 'probes change result between go 1.21 and go 1.22 iff they hold a want',
    run: (mod) => checkProbesAtGo122(mod, /address of loop variable/),
  },
  {
    name: 'probes-redundant',
    folder: 'loopvar/redundant-copy',
    describe: 'deleting reported copies keeps every probe result; deleting copies in needed* probes changes it',
    run: checkProbesRedundant,
  },
  {
    name: 'goldens',
    folder: 'loopvar',
    describe: 'goldens parse, are gofmt-clean and build',
    run: checkGoldens,
  },
  {
    name: 'pool-typecheck',
    folder: 'pool',
    describe: 'module type-checks and go vet is silent (copylocks aside in pool/copied)',
    run: checkPoolTypecheck,
  },
  {
    name: 'vet-copylocks',
    folder: 'pool/copied',
    marker: 'vet-disagrees:',
    describe: 'want lines vs go vet -copylocks',
    run: checkVetCopylocks,
  },
  {
    name: 'staticcheck-sa6002',
    folder: 'pool/put-non-pointer',
    marker: 'staticcheck-disagrees:',
    describe: 'want lines vs staticcheck -checks SA6002',
    skip: () => (staticcheckPath() ? null : `staticcheck not found (install it with \`go install honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}\`, or pass --install-staticcheck)`),
    run: checkStaticcheckSA6002,
  },
  {
    name: 'pool-goldens',
    folder: 'pool',
    describe: 'goldens parse, are gofmt-clean and build',
    run: checkGoldens,
  },
];

// ---------------------------------------------------------------------------
// Go invocation

let goEnv = null;

function baseEnv() {
  if (goEnv) return goEnv;
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '-mod=mod', GOPROXY: 'off', LANG: 'C' };
  const r = spawnSync('go', ['env', 'GOCACHE'], { env, encoding: 'utf8' });
  const cache = (r.stdout || '').trim();
  if (r.status !== 0 || cache === '' || cache === 'off') {
    env.GOCACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'gohazard-gocache-'));
  }
  goEnv = env;
  return env;
}

function go(args, cwd) {
  const r = spawnSync('go', args, { cwd, env: baseEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, out: (r.stdout || '') + (r.stderr || ''), stdout: r.stdout || '', stderr: r.stderr || '' };
}

function goFound() {
  const r = spawnSync('go', ['version'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  return r.status === 0 ? r.stdout.trim() : null;
}

const DIAG = /^(.+?\.go):(\d+):(\d+): (.*)$/;

/** Parses `file:line:col: msg` lines; other lines go to `rest` (minus `# pkg` headers and go test chatter). */
function parseDiagnostics(text, cwd) {
  const diags = [];
  const rest = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('# ')) continue;
    const m = DIAG.exec(line);
    if (m) {
      diags.push({ file: path.resolve(cwd, m[1]), line: +m[2], col: +m[3], msg: m[4] });
    } else {
      rest.push(line);
    }
  }
  return { diags, rest };
}

// go test chatter that is not a problem.
const TEST_CHATTER = /^(ok\s|\?\s|PASS$|testing: warning: no tests to run|FAIL\s*$)/;

// ---------------------------------------------------------------------------
// Fixture parsing

/** Go string literals ("..." with escapes, or `...`) in `s`, in order. */
function goStrings(s) {
  const out = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw new Error(`unterminated raw string in: ${s}`);
      out.push(s.slice(i + 1, j));
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let lit = '"';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\') {
          lit += s[j] + s[j + 1];
          j += 2;
        } else {
          lit += s[j++];
        }
      }
      if (j >= s.length) throw new Error(`unterminated string in: ${s}`);
      out.push(JSON.parse(lit + '"'));
      i = j + 1;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      break; // a further comment or text after the patterns
    }
  }
  return out;
}

const WANT = /\/\/\s*want\s+(.*)$/;

/** @returns {{ wants: Map<number, RegExp[]>, markers: Map<string, Map<number, string>> }} (1-based lines) */
function parseFixture(text, markerNames) {
  const wants = new Map();
  const markers = new Map(markerNames.map((m) => [m, new Map()]));
  text.split('\n').forEach((line, idx) => {
    const n = idx + 1;
    const m = WANT.exec(line);
    // `related "…"` after the wants is about related locations, which no tool reports.
    if (m) wants.set(n, goStrings(m[1].replace(/\s+related\s+.*$/, '')).map((p) => new RegExp(p)));
    const t = line.trim();
    for (const name of markerNames) {
      if (t.startsWith('// ' + name)) markers.get(name).set(n, t.slice(3 + name.length).trim());
    }
  });
  return { wants, markers };
}

// ---------------------------------------------------------------------------
// Modules

/** @typedef {{ dir: string, rel: string, modulePath: string, goFiles: string[] }} Module */

function listFiles(dir, pred, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, pred, acc);
    else if (pred(p)) acc.push(p);
  }
  return acc;
}

/** Fixture modules below `folder` (module path fixture/...); stub modules used through `replace` are skipped. */
function findModules(folder) {
  const abs = path.join(FIXTURES, folder);
  if (!fs.existsSync(abs)) return [];
  const mods = [];
  for (const gomod of listFiles(abs, (p) => path.basename(p) === 'go.mod')) {
    const dir = path.dirname(gomod);
    const m = /^module\s+(\S+)/m.exec(fs.readFileSync(gomod, 'utf8'));
    if (!m || !m[1].startsWith('fixture/')) continue;
    const goFiles = listFiles(dir, (p) => p.endsWith('.go')).filter((p) => ownerModule(p) === dir);
    mods.push({ dir, rel: path.relative(ROOT, dir), modulePath: m[1], goFiles });
  }
  return mods.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** The directory of the nearest go.mod above file. */
function ownerModule(file) {
  let d = path.dirname(file);
  while (!fs.existsSync(path.join(d, 'go.mod'))) d = path.dirname(d);
  return d;
}

function copyModule(mod, suffix) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `gohazard-${suffix}-`));
  fs.cpSync(mod.dir, tmp, { recursive: true });
  return tmp;
}

// ---------------------------------------------------------------------------
// Comparison of tool findings with want lines

/**
 * tool: array of { file, line, name }; wantRe extracts the variable name from a
 * want pattern's source. Compares multisets keyed file:line:name.
 */
function compare(mod, tool, wantRe, markerName) {
  const count = (m, k) => m.set(k, (m.get(k) || 0) + 1);
  const toolCount = new Map();
  for (const t of tool) count(toolCount, `${t.file}\0${t.line}\0${t.name}`);
  const wantCount = new Map();
  const errors = [];
  const markersByFile = new Map();
  for (const file of mod.goFiles) {
    const { wants, markers } = parseFixture(fs.readFileSync(file, 'utf8'), [markerName]);
    markersByFile.set(file, markers.get(markerName));
    for (const [line, res] of wants) {
      for (const re of res) {
        const m = wantRe.exec(re.source);
        if (!m) {
          errors.push(`${rel(file)}:${line}: want pattern /${re.source}/ does not match ${wantRe}`);
          continue;
        }
        count(wantCount, `${file}\0${line}\0${m[1]}`);
      }
    }
  }
  const diffs = [];
  for (const key of new Set([...toolCount.keys(), ...wantCount.keys()])) {
    const tc = toolCount.get(key) || 0;
    const wc = wantCount.get(key) || 0;
    if (tc === wc) continue;
    const [file, line, name] = key.split('\0');
    const reason = markersByFile.get(file)?.get(+line - 1);
    diffs.push({ file, line: +line, key: name, tool: tc, want: wc, documented: reason ?? null });
  }
  // Stale disagreement comments: no difference on the line below.
  for (const [file, marks] of markersByFile) {
    for (const [mline] of marks) {
      if (!diffs.some((d) => d.file === file && d.line === mline + 1)) {
        errors.push(`${rel(file)}:${mline}: stale "// ${markerName}" comment: tool and want agree on line ${mline + 1}`);
      }
    }
  }
  return { diffs, errors };
}

function rel(p) {
  return path.relative(ROOT, p);
}

// ---------------------------------------------------------------------------
// Checker implementations

function runVet(dir) {
  const r = go(['vet', '-loopclosure', './...'], dir);
  const { diags, rest } = parseDiagnostics(r.out, dir);
  const errors = [];
  if (rest.length > 0 || (r.status !== 0 && diags.length === 0)) {
    errors.push(`go vet failed in ${rel(dir)} (exit ${r.status}):\n${r.out}`);
  }
  return { diags, errors };
}

function checkTypecheck(mod) {
  const { diags, errors } = runVet(mod.dir);
  const other = diags.filter((d) => !/^loop variable \w+ captured by func literal$/.test(d.msg));
  for (const d of other) errors.push(`${rel(d.file)}:${d.line}:${d.col}: ${d.msg}`);
  return { errors, notes: [`${mod.goFiles.length} files`] };
}

function checkVetLoopclosure(mod) {
  const { diags, errors } = runVet(mod.dir);
  const seen = new Set();
  const tool = [];
  for (const d of diags) {
    const m = /^loop variable (\w+) captured by func literal$/.exec(d.msg);
    const id = `${d.file}:${d.line}:${d.col}:${d.msg}`;
    if (!m || seen.has(id)) continue; // vet may see a file in two package variants
    seen.add(id);
    tool.push({ file: d.file, line: d.line, name: m[1] });
  }
  const res = compare(mod, tool, /loop variable (\w+) captured/, 'vet-disagrees:');
  return { diffs: res.diffs, errors: [...errors, ...res.errors], notes: [`vet findings: ${tool.length}`] };
}

const LOOPVAR_MSG = /^loop variable (\w+) now per-iteration, (heap|stack)-allocated( \(loop inlined into .*\))?$/;

/** Compiles package and test variants with the given -d=loopvar level; returns a set of file\0line\0col\0name. */
function loopvarReports(dir, level, origDir) {
  // -l: no inlining, so a loop is logged once, in its own function.
  const gcflags = `-gcflags=-d=loopvar=${level} -l`;
  const errors = [];
  const found = new Map();
  for (const args of [
    ['build', '-o', os.devNull, gcflags, './...'],
    ['test', '-count=1', '-run=^$', gcflags, './...'],
  ]) {
    const r = go(args, dir);
    const { diags, rest } = parseDiagnostics(r.out, dir);
    const junk = rest.filter((l) => !TEST_CHATTER.test(l));
    if (r.status !== 0 || junk.length > 0) {
      errors.push(`go ${args.join(' ')} failed in ${dir} (exit ${r.status}):\n${r.out}`);
      continue;
    }
    for (const d of diags) {
      const m = LOOPVAR_MSG.exec(d.msg);
      if (!m) {
        errors.push(`unexpected compiler output: ${d.file}:${d.line}:${d.col}: ${d.msg}`);
        continue;
      }
      const file = path.join(origDir, path.relative(dir, d.file));
      found.set(`${file}\0${d.line}\0${d.col}\0${m[1]}`, { file, line: d.line, name: m[1] });
    }
  }
  return { found, errors };
}

function checkLoopvar2(mod) {
  const tmp = copyModule(mod, 'go122');
  try {
    const gomod = path.join(tmp, 'go.mod');
    const text = fs.readFileSync(gomod, 'utf8');
    if (!/^go\s+\S+\s*$/m.test(text)) return { errors: [`${rel(mod.dir)}/go.mod has no go line`] };
    fs.writeFileSync(gomod, text.replace(/^go\s+\S+\s*$/m, 'go 1.22'));
    const a = loopvarReports(tmp, 2, mod.dir);
    const b = loopvarReports(mod.dir, 3, mod.dir);
    const tool = [...a.found].filter(([k]) => !b.found.has(k)).map(([, v]) => v);
    const res = compare(mod, tool, /loop variable (\w+) changes meaning/, 'loopvar2-disagrees:');
    return {
      diffs: res.diffs,
      errors: [...a.errors, ...b.errors, ...res.errors],
      notes: [`per-iteration at go1.22: ${a.found.size}, already per-iteration: ${b.found.size}, changing: ${tool.length}`],
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Probes: behaviour oracles

const PROBE_DECL = /^func (\w+)\(\) \(out \[\]int\) \{$/;

/** Probes in the module's root package: { name, file, start, end } (1-based, inclusive). */
function findProbes(mod) {
  const probes = [];
  for (const file of mod.goFiles) {
    if (path.dirname(file) !== mod.dir || file.endsWith('_test.go')) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = PROBE_DECL.exec(l);
      if (!m) return;
      let end = i;
      while (end < lines.length && lines[end] !== '}') end++;
      probes.push({ name: m[1], file, start: i + 1, end: end + 1 });
    });
  }
  return probes;
}

/** Runs the probes in module directory `dir` (a scratch copy); returns Map name -> printed result. */
function runProbes(dir, probes) {
  const first = fs.readFileSync(path.join(dir, path.basename(probes[0].file)), 'utf8');
  const pkg = /^package (\w+)/m.exec(first)[1];
  const calls = probes.map((p) => `\tfmt.Printf("PROBE %s=%v\\n", ${JSON.stringify(p.name)}, ${p.name}())`).join('\n');
  fs.writeFileSync(
    path.join(dir, 'zz_probe_oracle_test.go'),
    `package ${pkg}\n\nimport (\n\t"fmt"\n\t"testing"\n)\n\nfunc TestZZProbeOracle(t *testing.T) {\n${calls}\n}\n`,
  );
  const r = go(['test', '-count=1', '-v', '-run=^TestZZProbeOracle$', '.'], dir);
  if (r.status !== 0) throw new Error(`probe run failed in ${dir}:\n${r.out}`);
  const res = new Map();
  for (const m of r.out.matchAll(/^PROBE (\w+)=(.*)$/gm)) res.set(m[1], m[2]);
  for (const p of probes) if (!res.has(p.name)) throw new Error(`probe ${p.name} printed nothing:\n${r.out}`);
  return res;
}

function setGoLine(dir, version) {
  const gomod = path.join(dir, 'go.mod');
  const text = fs.readFileSync(gomod, 'utf8');
  if (!/^go\s+\S+\s*$/m.test(text)) throw new Error(`${gomod} has no go line`);
  fs.writeFileSync(gomod, text.replace(/^go\s+\S+\s*$/m, `go ${version}`));
}

function withCopy(mod, suffix, fn) {
  const tmp = copyModule(mod, suffix);
  try {
    return fn(tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkProbesAtGo122(mod, wantRe) {
  const probes = findProbes(mod);
  if (probes.length === 0) return { notes: ['no probes'] };
  const before = withCopy(mod, 'probe-as-is', (tmp) => runProbes(tmp, probes));
  const after = withCopy(mod, 'probe-go122', (tmp) => {
    setGoLine(tmp, '1.22');
    return runProbes(tmp, probes);
  });
  const errors = [];
  const wantsByFile = new Map();
  let changed = 0;
  for (const p of probes) {
    if (!wantsByFile.has(p.file)) wantsByFile.set(p.file, parseFixture(fs.readFileSync(p.file, 'utf8'), []).wants);
    const wants = wantsByFile.get(p.file);
    let expect = false;
    for (const [line, res] of wants) {
      if (line >= p.start && line <= p.end && res.some((re) => wantRe.test(re.source))) expect = true;
    }
    const differs = before.get(p.name) !== after.get(p.name);
    if (differs) changed++;
    if (differs !== expect) {
      errors.push(
        `${rel(p.file)}:${p.start}: probe ${p.name} ${differs ? 'changes' : 'does not change'} at go 1.22 ` +
          `(go1.21: ${before.get(p.name)}, go1.22: ${after.get(p.name)}) but ${expect ? 'has' : 'has no'} ${wantRe} want`,
      );
    }
  }
  return { errors, notes: [`${probes.length} probes, ${changed} change`] };
}

const SELF_COPY = /^\s*(\w+(?:, \w+)*) := \1\s*(\/\/.*)?$/;

function checkProbesRedundant(mod) {
  const probes = findProbes(mod);
  if (probes.length === 0) return { notes: ['no probes'] };
  const goldens = listFiles(mod.dir, (p) => p.endsWith('.go.golden')).filter((p) => ownerModule(p) === mod.dir);
  const asIs = withCopy(mod, 'probe-as-is', (tmp) => runProbes(tmp, probes));
  const fixed = withCopy(mod, 'probe-golden', (tmp) => {
    for (const g of goldens) fs.copyFileSync(g, path.join(tmp, path.relative(mod.dir, g.slice(0, -'.golden'.length))));
    return runProbes(tmp, probes);
  });
  const needed = probes.filter((p) => p.name.startsWith('needed'));
  const stripped = needed.length === 0 ? new Map() : withCopy(mod, 'probe-stripped', (tmp) => {
    for (const p of needed) {
      const f = path.join(tmp, path.relative(mod.dir, p.file));
      const lines = fs.readFileSync(f, 'utf8').split('\n');
      for (let i = p.start; i < p.end - 1; i++) if (SELF_COPY.test(lines[i])) lines[i] = '';
      fs.writeFileSync(f, lines.join('\n'));
    }
    return runProbes(tmp, probes);
  });
  const errors = [];
  for (const p of probes) {
    if (asIs.get(p.name) !== fixed.get(p.name)) {
      errors.push(`${rel(p.file)}:${p.start}: probe ${p.name}: deleting the reported copies changes its result (${asIs.get(p.name)} -> ${fixed.get(p.name)})`);
    }
  }
  for (const p of needed) {
    const lines = fs.readFileSync(p.file, 'utf8').split('\n').slice(p.start, p.end - 1);
    if (!lines.some((l) => SELF_COPY.test(l))) errors.push(`${rel(p.file)}:${p.start}: probe ${p.name} has no copy to delete`);
    else if (asIs.get(p.name) === stripped.get(p.name)) {
      errors.push(`${rel(p.file)}:${p.start}: probe ${p.name}: deleting its copies does not change its result (${asIs.get(p.name)}): the copy is not needed`);
    }
  }
  return { errors, notes: [`${probes.length} probes, ${needed.length} needed*`] };
}

function checkGoldens(mod) {
  const goldens = listFiles(mod.dir, (p) => p.endsWith('.go.golden')).filter((p) => ownerModule(p) === mod.dir);
  if (goldens.length === 0) return { notes: ['no goldens'] };
  const errors = [];
  const fmtDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gohazard-gofmt-'));
  const tmp = copyModule(mod, 'golden');
  try {
    for (const g of goldens) {
      const src = g.slice(0, -'.golden'.length);
      if (!fs.existsSync(src)) errors.push(`${rel(g)}: no ${path.basename(src)} beside it`);
      const golden = fs.readFileSync(g, 'utf8');
      if (fs.existsSync(src) && fs.readFileSync(src, 'utf8') === golden) {
        errors.push(`${rel(g)}: identical to ${path.basename(src)} (a golden is only for files whose findings have fixes)`);
      }
      const probe = path.join(fmtDir, path.basename(src));
      fs.writeFileSync(probe, golden);
      const r = spawnSync('gofmt', ['-l', probe], { encoding: 'utf8' });
      if (r.error) {
        errors.push(`gofmt: ${r.error.message}`);
      } else if (r.status !== 0 || r.stderr.trim() !== '') {
        errors.push(`${rel(g)} does not parse:\n${r.stderr}`);
      } else if (r.stdout.trim() !== '') {
        errors.push(`${rel(g)} is not gofmt-formatted`);
      }
      fs.writeFileSync(path.join(tmp, path.relative(mod.dir, src)), golden);
    }
    for (const args of [
      ['build', '-o', os.devNull, './...'],
      ['test', '-count=1', '-run=^$', './...'],
    ]) {
      const r = go(args, tmp);
      if (r.status !== 0) errors.push(`with goldens applied, go ${args.join(' ')} fails:\n${r.out}`);
    }
  } finally {
    fs.rmSync(fmtDir, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { errors, notes: [`${goldens.length} goldens`] };
}

// ---------------------------------------------------------------------------
// pool/ checkers: go vet (copylocks) and staticcheck (SA6002)

const COPYLOCKS_MSG = /passes lock by value|copies lock/;

function checkPoolTypecheck(mod) {
  const r = go(['vet', './...'], mod.dir);
  const { diags, rest } = parseDiagnostics(r.out, mod.dir);
  const errors = [];
  if (rest.length > 0 || (r.status !== 0 && diags.length === 0)) errors.push(`go vet failed in ${rel(mod.dir)} (exit ${r.status}):\n${r.out}`);
  const copiesExpected = mod.rel.split(path.sep).join('/').includes('pool/copied/');
  for (const d of diags) {
    if (copiesExpected && COPYLOCKS_MSG.test(d.msg)) continue;
    errors.push(`${rel(d.file)}:${d.line}:${d.col}: ${d.msg}`);
  }
  return { errors, notes: [`${mod.goFiles.length} files`] };
}

function checkVetCopylocks(mod) {
  const r = go(['vet', '-copylocks', './...'], mod.dir);
  const { diags, rest } = parseDiagnostics(r.out, mod.dir);
  const errors = rest.length > 0 ? [`go vet -copylocks failed in ${rel(mod.dir)} (exit ${r.status}):\n${r.out}`] : [];
  const seen = new Set();
  const tool = [];
  for (const d of diags) {
    const id = `${d.file}:${d.line}:${d.col}:${d.msg}`;
    if (!COPYLOCKS_MSG.test(d.msg) || seen.has(id)) continue;
    seen.add(id);
    tool.push({ file: d.file, line: d.line, name: 'copies' });
  }
  const res = compare(mod, tool, /(copies)/, 'vet-disagrees:');
  return { diffs: res.diffs, errors: [...errors, ...res.errors], notes: [`copylocks findings: ${tool.length}`] };
}

// The staticcheck release the fixtures were checked with (staticcheck 2026.2.2). A newer one should
// agree on SA6002, whose logic has not changed since 2017; it must be built with a Go toolchain at
// least as new as the fixtures' go lines.
const STATICCHECK_VERSION = 'v0.8.2';
let installStaticcheck = false;
let staticcheckFound;

function staticcheckPath() {
  if (staticcheckFound !== undefined) return staticcheckFound;
  const candidates = ['staticcheck'];
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8', env: baseEnv() }).stdout?.trim();
  if (gopath) candidates.push(...gopath.split(path.delimiter).map((p) => path.join(p, 'bin', 'staticcheck')));
  const cache = path.join(os.tmpdir(), `gohazard-tools-${STATICCHECK_VERSION}`);
  candidates.push(path.join(cache, 'staticcheck'));
  staticcheckFound = candidates.find((c) => spawnSync(c, ['-version'], { encoding: 'utf8' }).status === 0) ?? null;
  if (!staticcheckFound && installStaticcheck) {
    console.log(`verify-fixtures: installing staticcheck ${STATICCHECK_VERSION} into ${cache} from the Go module proxy`);
    // The fixtures run with GOPROXY=off; this one download uses the user's proxy settings.
    const env = { ...process.env, GOBIN: cache, GOTOOLCHAIN: 'local', GOFLAGS: '' };
    const r = spawnSync('go', ['install', `honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}`], { env, encoding: 'utf8' });
    if (r.status === 0) staticcheckFound = path.join(cache, 'staticcheck');
    else console.log(`verify-fixtures: go install staticcheck failed:\n${r.stdout}${r.stderr}`);
  }
  return staticcheckFound;
}

function checkStaticcheckSA6002(mod) {
  const r = spawnSync(staticcheckPath(), ['-checks', 'SA6002', './...'], { cwd: mod.dir, env: baseEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = (r.stdout || '') + (r.stderr || '');
  const { diags, rest } = parseDiagnostics(out, mod.dir);
  const errors = rest.length > 0 || (r.status !== 0 && diags.length === 0) ? [`staticcheck failed in ${rel(mod.dir)} (exit ${r.status}):\n${out}`] : [];
  const tool = diags.filter((d) => /\(SA6002\)$/.test(d.msg)).map((d) => ({ file: d.file, line: d.line, name: 'SA6002' }));
  const res = compare(mod, tool, /(SA6002)/, 'staticcheck-disagrees:');
  return { diffs: res.diffs, errors: [...errors, ...res.errors], notes: [`SA6002 findings: ${tool.length}`] };
}

// ---------------------------------------------------------------------------
// toolchain/ checkers: the compiler's "requires go1.N or later" and go vet -stdversion
//
//   build-lang      toolchain/language-feature: `go build -gcflags=-e ./...` may
//                   fail only with "… requires go1.N or later" errors; the set of
//                   (file, line, N) they name vs the set from want regexps
//                   "needs go1.N" (`// build-disagrees:`). Sets, not multisets:
//                   the compiler prints one of several equal errors per line, and
//                   gohazard reports a type parameter list once where the compiler
//                   also names each `any` in it. A module below a go.work is built
//                   a second time through that workspace (GOWORK=its go.work): the
//                   language version stays the module's own, so the errors must not
//                   change.
//   vet-stdversion  toolchain/std-api: the (file, line, N) multiset of
//                   `go vet -stdversion ./...` ("X requires go1.N or later (module
//                   is go1.M)") vs want regexps "needs go1.N" (`// vet-disagrees:`);
//                   any other vet output fails.
// Both run with GOFLAGS=-mod=readonly: with -mod=mod the go command writes a go
// line into a go.mod that has none, and the fixtures hold such a go.mod on purpose.

CHECKERS.push(
  {
    name: 'build-lang',
    folder: 'toolchain/language-feature',
    marker: 'build-disagrees:',
    describe: 'want lines vs "requires go1.N or later" from go build -gcflags=-e',
    run: checkBuildLang,
  },
  {
    name: 'vet-stdversion',
    folder: 'toolchain/std-api',
    marker: 'vet-disagrees:',
    describe: 'want lines vs go vet -stdversion',
    run: checkVetStdversion,
  },
);

const REQUIRES_GO = /requires go1\.(\d+) or later/;
const WANT_NEEDS_GO = /needs go1\\?\.(\d+)/;

function goReadonly(args, cwd, extraEnv = {}) {
  const env = { ...baseEnv(), GOFLAGS: '-mod=readonly', ...extraEnv };
  const r = spawnSync('go', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, out: (r.stdout || '') + (r.stderr || '') };
}

/** The "requires go1.N" errors of `go build -gcflags=-e`, as a set of file\0line\0N; anything else is an error. */
function versionErrors(dir, extraEnv) {
  const r = goReadonly(['build', '-gcflags=-e', '-o', os.devNull, './...'], dir, extraEnv);
  const { diags, rest } = parseDiagnostics(r.out, dir);
  const errors = rest.length > 0 || (r.status !== 0 && diags.length === 0) ? [`go build failed in ${rel(dir)} (exit ${r.status}):\n${r.out}`] : [];
  const found = new Set();
  for (const d of diags) {
    const m = REQUIRES_GO.exec(d.msg);
    if (m) found.add(`${d.file}\0${d.line}\0${m[1]}`);
    else errors.push(`${rel(d.file)}:${d.line}:${d.col}: not a language-version error: ${d.msg}`);
  }
  return { found, errors };
}

/** The go.work at or above a module's directory, inside the fixtures. */
function goWorkAbove(dir) {
  for (let d = dir; d.startsWith(FIXTURES); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'go.work'))) return path.join(d, 'go.work');
  }
  return null;
}

function checkBuildLang(mod) {
  const { found, errors } = versionErrors(mod.dir, {});
  const notes = [`compiler version errors on ${found.size} lines`];
  const work = goWorkAbove(mod.dir);
  if (work) {
    const inWorkspace = versionErrors(mod.dir, { GOWORK: work });
    errors.push(...inWorkspace.errors);
    const same = inWorkspace.found.size === found.size && [...found].every((k) => inWorkspace.found.has(k));
    if (!same) errors.push(`built through ${rel(work)}, the version errors differ from the module's own build`);
    notes.push(`same through ${rel(work)}`);
  }
  const wanted = new Set();
  const markersByFile = new Map();
  for (const file of mod.goFiles) {
    const { wants, markers } = parseFixture(fs.readFileSync(file, 'utf8'), ['build-disagrees:']);
    markersByFile.set(file, markers.get('build-disagrees:'));
    for (const [line, res] of wants) {
      for (const re of res) {
        const m = WANT_NEEDS_GO.exec(re.source);
        if (m) wanted.add(`${file}\0${line}\0${m[1]}`);
        else errors.push(`${rel(file)}:${line}: want pattern /${re.source}/ does not match ${WANT_NEEDS_GO}`);
      }
    }
  }
  const diffs = [];
  for (const key of new Set([...found, ...wanted])) {
    if (found.has(key) && wanted.has(key)) continue;
    const [file, line, minor] = key.split('\0');
    const reason = markersByFile.get(file)?.get(+line - 1);
    diffs.push({ file, line: +line, key: `go1.${minor}`, tool: found.has(key) ? 1 : 0, want: wanted.has(key) ? 1 : 0, documented: reason ?? null });
  }
  for (const [file, marks] of markersByFile) {
    for (const [mline] of marks) {
      if (!diffs.some((d) => d.file === file && d.line === mline + 1)) errors.push(`${rel(file)}:${mline}: stale "// build-disagrees:" comment: compiler and want agree on line ${mline + 1}`);
    }
  }
  return { diffs, errors, notes };
}

function checkVetStdversion(mod) {
  const r = goReadonly(['vet', '-stdversion', './...'], mod.dir);
  const { diags, rest } = parseDiagnostics(r.out, mod.dir);
  const errors = rest.length > 0 || (r.status !== 0 && diags.length === 0) ? [`go vet -stdversion failed in ${rel(mod.dir)} (exit ${r.status}):\n${r.out}`] : [];
  const seen = new Set();
  const tool = [];
  for (const d of diags) {
    const m = /^\S+ requires go1\.(\d+) or later \((?:module|file) is go1\.\d+\)$/.exec(d.msg);
    if (!m) {
      errors.push(`${rel(d.file)}:${d.line}:${d.col}: ${d.msg}`);
      continue;
    }
    const id = `${d.file}:${d.line}:${d.col}:${d.msg}`;
    if (seen.has(id)) continue; // vet may see a file in two package variants
    seen.add(id);
    tool.push({ file: d.file, line: d.line, name: m[1] });
  }
  const res = compare(mod, tool, WANT_NEEDS_GO, 'vet-disagrees:');
  return { diffs: res.diffs, errors: [...errors, ...res.errors], notes: [`vet findings: ${tool.length}`] };
}

// ---------------------------------------------------------------------------
// Main

// ---------------------------------------------------------------------------
// escape/ and alloc/ fixtures
//
//   escape-m        escape/: every `// want "re"` must match a heap report of
//                   `go build -o /dev/null -gcflags=-m ./...` on its line ("moved to
//                   heap: x", "X escapes to heap", constants excluded); run through
//                   scripts/escape-m.mjs --check (flags and why documented there and
//                   in test/fixtures/escape/README.md). Heap reports without a want
//                   are allowed (recall, or another rule's) and counted in the notes.
//   escape-typecheck / alloc-typecheck
//                   every module builds and go vet is silent (loopclosure findings
//                   aside: escape/closure/loopvar-go121 has them on purpose).
//   alloc-goldens   alloc/ goldens parse, are gofmt-clean and build.

const ESCAPE_M = path.join(ROOT, 'scripts', 'escape-m.mjs');

function checkEscapeM(mod) {
  const r = spawnSync(process.execPath, [ESCAPE_M, '--check', mod.dir], { env: baseEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  const out = (r.stdout || '') + (r.stderr || '');
  const errors = [];
  const notes = [];
  for (const line of out.split('\n')) {
    const head = /^(ok  |FAIL) \S+: (\d+)\/(\d+) wants confirmed, (\d+) unclaimed heap reports$/.exec(line);
    if (head) {
      notes.push(`${head[2]}/${head[3]} wants confirmed by gc -m`, `${head[4]} heap reports without a want`);
      continue;
    }
    if (/^  \S.*: want /.test(line)) errors.push(line.trim());
  }
  if (r.status !== 0 && errors.length === 0) errors.push(`escape-m.mjs --check failed (exit ${r.status}):\n${out}`);
  return { errors, notes };
}

CHECKERS.push(
  {
    name: 'escape-typecheck',
    folder: 'escape',
    describe: 'module type-checks (go vet; loopclosure findings aside)',
    run: checkTypecheck,
  },
  {
    name: 'escape-m',
    folder: 'escape',
    describe: 'want lines are heap reports of go build -gcflags=-m',
    run: checkEscapeM,
  },
  {
    name: 'alloc-typecheck',
    folder: 'alloc',
    describe: 'module type-checks (go vet)',
    run: checkTypecheck,
  },
  {
    name: 'alloc-goldens',
    folder: 'alloc',
    describe: 'goldens parse, are gofmt-clean and build',
    run: checkGoldens,
  },
);

function main() {
  const args = process.argv.slice(2);
  let only = null;
  let verbose = false;
  for (const a of args) {
    if (a.startsWith('--only=')) only = new Set(a.slice(7).split(','));
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--install-staticcheck') installStaticcheck = true;
    else if (a === '--help' || a === '-h') {
      console.log(`usage: node scripts/verify-fixtures.mjs [--only=${CHECKERS.map((c) => c.name).join(',')}] [--verbose] [--install-staticcheck]`);
      return 0;
    } else {
      console.error(`unknown argument: ${a}`);
      return 2;
    }
  }
  const version = goFound();
  if (!version) {
    console.log('verify-fixtures: skipped: go not found');
    return 0;
  }
  console.log(`verify-fixtures: ${version}`);

  let failed = 0;
  let documented = 0;
  for (const checker of CHECKERS) {
    if (only && !only.has(checker.name)) continue;
    const mods = findModules(checker.folder);
    const skipped = checker.skip?.();
    if (skipped) {
      console.log(`\n== ${checker.name}: skipped: ${skipped}`);
      continue;
    }
    console.log(`\n== ${checker.name}: ${checker.describe} (${mods.length} modules under ${checker.folder})`);
    for (const mod of mods) {
      let res;
      try {
        res = checker.run(mod);
      } catch (e) {
        res = { errors: [String(e && e.stack ? e.stack : e)] };
      }
      const diffs = (res.diffs || []).sort((x, y) => x.file.localeCompare(y.file) || x.line - y.line);
      const errors = res.errors || [];
      const undocumented = diffs.filter((d) => d.documented === null);
      const ok = errors.length === 0 && undocumented.length === 0;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${mod.rel}${res.notes ? ' (' + res.notes.join('; ') + ')' : ''}`);
      for (const d of diffs) {
        const what = `${d.key}: tool ${d.tool}, want ${d.want}`;
        if (d.documented !== null) {
          documented++;
          console.log(`  documented   ${rel(d.file)}:${d.line}: ${what} -- ${d.documented}`);
        } else {
          console.log(`  UNDOCUMENTED ${rel(d.file)}:${d.line}: ${what}`);
        }
      }
      for (const e of errors) console.log('  ERROR ' + e.replace(/\n/g, '\n        '));
      if (!ok) failed++;
    }
  }
  console.log(`\nverify-fixtures: ${failed === 0 ? 'OK' : `${failed} module check(s) FAILED`}; ${documented} documented disagreement(s)`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
