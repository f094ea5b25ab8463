#!/usr/bin/env node
// Measures gohazard's escape/ rules against the gc compiler.
//
//   npm run eval:escape [-- <dir>] [--fresh-cache] [--json-out FILE] [--list N]
//
// 1. Compiler: `go build -buildvcs=false -o /dev/null -gcflags=-m ./...` in <dir> (a module root;
//    default: the standard library, $(go env GOROOT)/src, module std). Flags and why: see
//    scripts/escape-m.mjs (-m = one line per decision; no all=, so only the corpus' own packages
//    are reported; no -l and no -N, so inlining and the go1.25/1.26 stack buffers stay as users
//    build). Its `moved to heap` / `... escapes to heap` lines are the ground truth; constants
//    converted to interfaces ("1000 escapes to heap") are not allocations and are left out.
// 2. gohazard: the compiled engine in out/ (run `npm run build` first) with only the escape/
//    rules enabled and gohazard.escape.scope = all, over exactly the files the compiler built
//    (`go list` GoFiles + CgoFiles: no other GOOS/GOARCH, no tests, no testdata).
// 3. Matching: a claim is confirmed by an unused compiler record in the same file and line of the
//    same kind (moved to heap: <same name> / func literal / append / make / new / &T{} / any other
//    value boxed). Precision = confirmed / claims, per rule and overall.
// 4. In-loop recall: of the compiler's heap records that sit in a loop body of their function (or
//    are per-iteration loop variables), the share some claim confirms.
//
// Prints the table and writes bench/results/eval-escape.json. Needs only the repo's npm deps and go.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { compilerEscapes } from './escape-m.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const RULES = ['escape/address-escapes', 'escape/interface-arg', 'escape/closure', 'escape/make-nonconst', 'escape/large-local', 'escape/slice-of-local-array', 'escape/append', 'escape/string-copy'];

function parseArgs(argv) {
  const opts = { dir: undefined, freshCache: false, jsonOut: path.join(ROOT, 'bench', 'results', 'eval-escape.json'), list: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fresh-cache') opts.freshCache = true;
    else if (a === '--json-out') opts.jsonOut = argv[++i];
    else if (a === '--list') opts.list = Number(argv[++i]);
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/eval-escape.mjs [dir] [--fresh-cache] [--json-out FILE] [--list N]');
      process.exit(0);
    } else opts.dir = a;
  }
  return opts;
}

const goEnv = { ...process.env, GOWORK: 'off', GOTOOLCHAIN: 'local', LC_ALL: 'C' };

function go(args, cwd) {
  return execFileSync('go', args, { cwd, env: goEnv, encoding: 'utf8', maxBuffer: 512 << 20 });
}

/** Kind of allocation a compiler record describes, comparable with a claim's. */
export function recordKind(r) {
  if (r.kind === 'moved') return `moved:${r.expr}`;
  const e = r.expr;
  if (e === 'func literal') return 'closure';
  if (e === 'append') return 'append';
  if (e.startsWith('make(')) return 'make';
  if (e.startsWith('new(')) return 'new';
  if (e.startsWith('&')) return 'addr';
  return 'box';
}

/** Kind of a gohazard escape/ finding, from the gc wording its message starts with. */
export function claimKind(message) {
  const head = message.split(' — ')[0];
  let m;
  if ((m = /^moved to heap: (\S+)$/.exec(head))) return `moved:${m[1]}`;
  if (head === 'func literal escapes to heap') return 'closure';
  if (head === 'append escapes to heap') return 'append';
  if (head.startsWith('make(')) return 'make';
  if (head.startsWith('new(')) return 'new';
  if (head.startsWith('&')) return 'addr';
  return 'box';
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const goroot = go(['env', 'GOROOT']).trim();
  const version = go(['env', 'GOVERSION']).trim();
  const minor = Number(/^go1\.(\d+)/.exec(version)?.[1] ?? NaN);
  const dir = path.resolve(opts.dir ?? path.join(goroot, 'src'));
  console.log(`eval:escape — ${version}, corpus ${dir}`);

  // ---- 1. compiler
  const t0 = Date.now();
  const gocache = opts.freshCache ? fs.mkdtempSync(path.join(os.tmpdir(), 'gohazard-eval-gocache-')) : undefined;
  const records = await compilerEscapes(dir, { gocache, patterns: ['./...'] });
  const tCompile = (Date.now() - t0) / 1000;

  // The files the compiler built, by path relative to dir.
  const listing = go(['list', '-e', '-f', '{{.Dir}}|{{join .GoFiles ","}}|{{join .CgoFiles ","}}', './...'], dir);
  const files = [];
  for (const line of listing.split('\n')) {
    if (!line) continue;
    const [pkgDir, goFiles, cgoFiles] = line.split('|');
    for (const f of [...goFiles.split(','), ...cgoFiles.split(',')].filter(Boolean)) files.push(path.join(pkgDir, f));
  }
  const fileSet = new Set(files.map((f) => path.relative(dir, f).split(path.sep).join('/')));

  // Heap records in corpus files, de-duplicated across packages (generic code is reported by each
  // package instantiating it) but not within one (two allocations at one position are two records).
  const perKey = new Map();
  for (const r of records) {
    if (!r.heap || r.constIface || r.external || !fileSet.has(r.file)) continue;
    const key = `${r.file}:${r.line}:${r.col}:${r.text}`;
    let byPkg = perKey.get(key);
    if (!byPkg) perKey.set(key, (byPkg = { rec: r, counts: new Map() }));
    byPkg.counts.set(r.pkg, (byPkg.counts.get(r.pkg) ?? 0) + 1);
  }
  const heap = [];
  for (const { rec, counts } of perKey.values()) {
    const n = Math.max(...counts.values());
    for (let i = 0; i < n; i++) heap.push({ ...rec, kindKey: recordKind(rec), inLoop: false, used: false });
  }
  const recordsByFile = new Map();
  for (const r of heap) (recordsByFile.get(r.file) ?? recordsByFile.set(r.file, []).get(r.file)).push(r);

  // ---- 2. gohazard
  const { Project } = require(path.join(ROOT, 'out/server/src/engine/project.js'));
  const { loadGrammar, nodeFileHost } = require(path.join(ROOT, 'out/server/src/node/nodeHost.js'));
  const { allRules } = require(path.join(ROOT, 'out/server/src/rules/index.js'));
  const { GoDocument } = require(path.join(ROOT, 'out/server/src/engine/document.js'));
  const grammar = await loadGrammar();
  const errors = [];
  const project = new Project(grammar, allRules, nodeFileHost, (rule, e) => errors.push(`${rule}: ${e?.stack ?? e}`));
  if (Number.isFinite(minor)) project.toolchain.installedMinor = minor;
  const rules = {};
  for (const r of allRules) rules[r.id] = RULES.includes(r.id) ? r.defaultSeverity : 'off';
  rules['gohazard/suppression'] = 'off';
  const config = { rules, escapeScope: 'all' };

  const t1 = Date.now();
  const claims = [];
  for (const abs of files) {
    const rel = path.relative(dir, abs).split(path.sep).join('/');
    let text;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch {
      continue;
    }
    if (text.includes('\u0000')) continue;
    const { findings } = await project.analyzeText(abs.split(path.sep).join('/'), text, config);
    for (const f of findings) {
      if (!RULES.includes(f.rule)) continue;
      claims.push({ file: rel, line: f.range.start.line + 1, rule: f.rule, message: f.message, kindKey: claimKind(f.message), confirmed: false });
    }
    // In-loop compiler records of this file.
    const recs = recordsByFile.get(rel);
    if (recs) {
      const facts = await project.facts(abs.split(path.sep).join('/'), text);
      const doc = new GoDocument(grammar, text);
      const lines = text.split('\n');
      for (const r of recs) r.inLoop = recordInLoop(doc.tree.rootNode, lines, r, facts.goMinor);
      doc.dispose();
    }
  }
  const tAnalyse = (Date.now() - t1) / 1000;

  // ---- 3. matching
  const byLine = new Map();
  for (const r of heap) {
    const k = `${r.file}:${r.line}`;
    (byLine.get(k) ?? byLine.set(k, []).get(k)).push(r);
  }
  for (const c of claims) {
    const cands = byLine.get(`${c.file}:${c.line}`) ?? [];
    const hit = cands.find((r) => !r.used && r.kindKey === c.kindKey);
    if (hit) {
      hit.used = true;
      c.confirmed = true;
    }
  }

  // ---- 4. table
  const rows = RULES.map((id) => {
    const cs = claims.filter((c) => c.rule === id);
    const ok = cs.filter((c) => c.confirmed).length;
    return { rule: id, claims: cs.length, confirmed: ok, precision: cs.length ? ok / cs.length : null };
  });
  const total = claims.length;
  const confirmed = claims.filter((c) => c.confirmed).length;
  const inLoop = heap.filter((r) => r.inLoop);
  const inLoopHit = inLoop.filter((r) => r.used).length;
  const byKind = {};
  for (const r of inLoop) {
    const k = r.kindKey.startsWith('moved:') ? 'moved' : r.kindKey;
    byKind[k] ??= { records: 0, matched: 0 };
    byKind[k].records++;
    if (r.used) byKind[k].matched++;
  }

  const pct = (x) => (x === null ? '   –  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
  console.log(`\ncompiler: ${heap.length} heap records (${inLoop.length} in loop bodies) in ${fileSet.size} files; go build ${tCompile.toFixed(1)} s${gocache ? ' (fresh GOCACHE)' : ''}`);
  console.log(`gohazard: ${files.length} files analysed in ${tAnalyse.toFixed(1)} s${errors.length ? `, ${errors.length} rule errors` : ''}\n`);
  console.log('rule                           claims  confirmed  precision');
  for (const r of rows) console.log(`${r.rule.padEnd(30)} ${String(r.claims).padStart(6)} ${String(r.confirmed).padStart(10)}    ${pct(r.precision)}`);
  console.log(`${'overall'.padEnd(30)} ${String(total).padStart(6)} ${String(confirmed).padStart(10)}    ${pct(total ? confirmed / total : null)}`);
  console.log(`\nin-loop recall: ${inLoopHit} / ${inLoop.length} = ${pct(inLoop.length ? inLoopHit / inLoop.length : null).trim()} of the compiler's heap allocations inside loop bodies`);
  console.log('  by kind: ' + Object.entries(byKind).sort((a, b) => b[1].records - a[1].records).map(([k, v]) => `${k} ${v.matched}/${v.records}`).join(', '));
  const targets = { perRule: 0.9, overall: 0.95, inLoopRecall: 0.5 };
  const meets = rows.every((r) => r.precision === null || r.precision >= targets.perRule) && total > 0 && confirmed / total >= targets.overall && inLoop.length > 0 && inLoopHit / inLoop.length >= targets.inLoopRecall;
  console.log(`\ntargets (precision ≥ 90% per rule, ≥ 95% overall; in-loop recall ≥ 50%): ${meets ? 'met' : 'NOT met'}`);
  if (errors.length) console.log(`\nrule errors (first 5):\n${errors.slice(0, 5).join('\n')}`);
  if (opts.list > 0) {
    console.log(`\nunconfirmed claims (first ${opts.list}):`);
    for (const c of claims.filter((x) => !x.confirmed).slice(0, opts.list)) {
      const onLine = (byLine.get(`${c.file}:${c.line}`) ?? []).map((r) => r.text).join(' | ');
      console.log(`  ${c.file}:${c.line}: [${c.rule}] ${c.message}\n      gc: ${onLine || 'nothing'}`);
    }
  }

  // ---- 5. the std escape table against this toolchain's own tags (standard-library corpus only)
  const tableCheck = dir === path.join(goroot, 'src') ? checkStdTable(records, dir, grammar) : undefined;
  if (tableCheck) {
    console.log(`\nstd escape table: ${tableCheck.checked} parameters of ${tableCheck.functions} functions checked against ${version}'s -m tags, ${tableCheck.mismatches.length} differ`);
    for (const m of tableCheck.mismatches.slice(0, 20)) console.log(`  ${m}`);
  }

  const result = {
    toolchain: version,
    corpus: dir,
    command: 'go build -buildvcs=false -o /dev/null -gcflags=-m ./...',
    files: fileSet.size,
    seconds: { compile: tCompile, analyse: tAnalyse },
    rules: rows,
    overall: { claims: total, confirmed, precision: total ? confirmed / total : null },
    inLoopRecall: { records: inLoop.length, matched: inLoopHit, recall: inLoop.length ? inLoopHit / inLoop.length : null, byKind },
    targets,
    met: meets,
    unconfirmed: claims.filter((c) => !c.confirmed).map((c) => ({ file: c.file, line: c.line, rule: c.rule, message: c.message, gc: (byLine.get(`${c.file}:${c.line}`) ?? []).map((r) => r.text) })),
    stdTable: tableCheck,
    // A sample of what the rules miss, to see where recall could come from next.
    missedInLoopSample: inLoop.filter((r) => !r.used).slice(0, 300).map((r) => ({ file: r.file, line: r.line, col: r.col, text: r.text })),
  };
  fs.mkdirSync(path.dirname(opts.jsonOut), { recursive: true });
  fs.writeFileSync(opts.jsonOut, JSON.stringify(result, null, 1) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), opts.jsonOut)}`);
  if (gocache) fs.rmSync(gocache, { recursive: true, force: true });
  return meets ? 0 : 1;
}

/**
 * Compares server/src/rules/escape/stdFacts.ts with gc's tags for the same std functions
 * ("leaking param: x", "leaking param content: x", "... to result ~r0 level=N", "x does not escape").
 */
function checkStdTable(records, srcDir, grammar) {
  const { stdFuncEntries } = require(path.join(ROOT, 'out/server/src/rules/escape/stdFacts.js'));
  const tags = new Map();
  for (const r of records) {
    if (r.external || (r.kind !== 'leak' && r.kind !== 'noescape')) continue;
    const key = `${r.file}:${r.line}:${r.col}`;
    (tags.get(key) ?? tags.set(key, []).get(key)).push(r.text);
  }
  const parser = grammar.newParser();
  const byPkg = new Map();
  for (const [key, fn] of stdFuncEntries()) {
    const slash = key.lastIndexOf('/');
    const dot = key.indexOf('.', slash + 1);
    const pkg = key.slice(0, dot);
    const rest = key.slice(dot + 1).split('.');
    (byPkg.get(pkg) ?? byPkg.set(pkg, []).get(pkg)).push({ key, fn, recv: rest.length === 2 ? rest[0] : undefined, name: rest[rest.length - 1] });
  }
  const expected = (leak, variadic) => {
    // Variadic tags are per element: gc tags the slice ("content" = its elements leak).
    if (variadic) return leak === 'heap' ? 'content' : leak === 'content' ? 'content+' : leak === 'result' ? 'resultContent' : leak ?? 'none';
    return leak ?? 'none';
  };
  const actual = (texts) => {
    for (const t of texts ?? []) {
      if (/^leaking param content: /.test(t)) return 'content';
      if (/ to result \S+ level=0$/.test(t)) return 'result';
      if (/ to result \S+ level=1$/.test(t)) return 'resultContent';
      if (/^leaking param: \S+$/.test(t)) return 'heap';
    }
    return 'none';
  };
  let checked = 0;
  let functions = 0;
  const mismatches = [];
  for (const [pkg, entries] of byPkg) {
    const pkgDir = path.join(srcDir, pkg);
    let names;
    try {
      names = fs.readdirSync(pkgDir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
    } catch {
      continue;
    }
    for (const f of names) {
      const rel = `${pkg}/${f}`;
      const text = fs.readFileSync(path.join(pkgDir, f), 'utf8');
      const lines = text.split('\n');
      const tree = parser.parse(text);
      for (const d of tree.rootNode.namedChildren) {
        if (d.type !== 'function_declaration' && d.type !== 'method_declaration') continue;
        const name = d.childForFieldName('name')?.text;
        const recvType = d.type === 'method_declaration' ? d.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')?.text.replace(/^\*/, '').replace(/\[.*$/, '') : undefined;
        const e = entries.find((x) => x.name === name && x.recv === recvType);
        if (!e) continue;
        const pos = (id) => `${rel}:${id.startPosition.row + 1}:${Buffer.byteLength(lines[id.startPosition.row].slice(0, id.startPosition.column)) + 1}`;
        const params = [];
        for (const p of d.childForFieldName('parameters')?.namedChildren ?? []) {
          const ids = p.childrenForFieldName('name').filter((x) => x?.isNamed);
          for (const id of ids.length ? ids : [null]) params.push({ id, variadic: p.type === 'variadic_parameter_declaration' });
        }
        if (params.length !== e.fn.params.length) continue;
        const recvId = d.type === 'method_declaration' ? d.childForFieldName('receiver')?.namedChildren[0]?.childrenForFieldName('name').find((x) => x?.isNamed) : undefined;
        let seen = false;
        params.forEach((p, i) => {
          if (!p.id || !tags.has(pos(p.id))) return;
          seen = true;
          checked++;
          const want = expected(e.fn.leaks[i], p.variadic);
          const got = actual(tags.get(pos(p.id)));
          if (want !== got && !(want === 'content+' && got === 'content')) mismatches.push(`${e.key} parameter ${p.id.text}: table ${e.fn.leaks[i] ?? 'none'}${p.variadic ? ' (per element)' : ''}, gc ${got} (${rel})`);
        });
        if (recvId && tags.has(pos(recvId))) {
          checked++;
          const got = actual(tags.get(pos(recvId)));
          const want = e.fn.recvLeak ?? 'none';
          if (want !== got && !(want === 'none' && got === 'resultContent')) mismatches.push(`${e.key} receiver: table ${want}, gc ${got} (${rel})`);
        }
        if (seen) functions++;
      }
      tree.delete();
    }
  }
  return { functions, checked, mismatches };
}

/** Whether a compiler record sits in a loop body of its function, or is a per-iteration loop variable. */
function recordInLoop(root, lines, r, goMinor) {
  if (r.col === null) return false;
  const lineText = lines[r.line - 1] ?? '';
  const column = Buffer.from(lineText, 'utf8').subarray(0, r.col - 1).toString('utf8').length;
  const node = root.descendantForPosition({ row: r.line - 1, column });
  if (!node) return false;
  const { loopBodyOf } = require(path.join(ROOT, 'out/server/src/rules/escape/graph.js'));
  if (loopBodyOf(node)) return true;
  if (r.kind === 'moved') {
    for (let p = node.parent; p; p = p.parent) {
      if (p.type === 'range_clause' || p.type === 'for_clause') return goMinor >= 22 || !!loopBodyOf(p.parent);
      if (p.type.endsWith('_statement') || p.type === 'block') break;
    }
  }
  return false;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => { process.exitCode = code; }, (err) => { console.error(err?.stack ?? err); process.exitCode = 2; });
}
