#!/usr/bin/env node
// gen-stdlib-api.mjs — build server/src/toolchain/data/stdlib-api.json, the
// "which Go version introduced each standard-library API" table.
//
// Input: the API checker data shipped with every Go distribution,
// $(go env GOROOT)/api/go1.txt (= go1.0) and go1.N.txt (= go1.N).
//   * api/next/*.txt  — proposals for the *unreleased* next version: ignored.
//   * api/except.txt  — features that were later changed/removed in an allowed
//     way (constant values, deprecated fields, ...). It never introduces
//     anything, so it is ignored; every feature it lists also appears in the
//     go1*.txt file that introduced it.
//   * lines ending in "//deprecated" record a *deprecation*, not an
//     introduction, and are skipped.
//
// Output (compact, deterministic, one package per line):
//   { "source": "...", "generated": "go1.X.Y",
//     "packages": { "<importPath>": { "since": <minor>, "symbols": { "<key>": <minor> } } } }
// Keys: "Name" (func/var/const/type), "Type.Method" (pointer and value
// receivers alike, interface methods too), "Type.Field" (struct fields;
// embedded fields are keyed by the embedded type's name). Only symbols whose
// version is greater than the package's "since" are listed; every other
// exported symbol of the package is implied to be available since "since".
//
// Usage: node scripts/gen-stdlib-api.mjs [--goroot DIR] [--out FILE] [--check] [--self-check]
//   --check       exit 1 if FILE differs from what would be generated (CI use).
//   --self-check  also parse sample lines and print/assert a few known lookups.
// Plain Node >= 20, no dependencies.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { goroot: undefined, out: undefined, check: false, selfCheck: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--goroot') opts.goroot = argv[++i];
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--check') opts.check = true;
    else if (a === '--self-check') opts.selfCheck = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/gen-stdlib-api.mjs [--goroot DIR] [--out FILE] [--check] [--self-check]');
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  return opts;
}

function goEnv(name) {
  return execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
}

/** Go version string of a GOROOT, e.g. "go1.26.8". */
function gorootVersion(goroot) {
  const vf = path.join(goroot, 'VERSION');
  if (existsSync(vf)) {
    const first = readFileSync(vf, 'utf8').split('\n')[0].trim();
    if (/^go\d/.test(first)) return first;
  }
  return goEnv('GOVERSION');
}

// ---------------------------------------------------------------------------
// Line parsing

const IDENT = String.raw`[\p{L}_][\p{L}\p{N}_]*`;
const LINE_RE = /^pkg (\S+?)(?: \(([^)]+)\))?, (.*)$/u;
const SIMPLE_RE = new RegExp(String.raw`^(const|var|func) (${IDENT})`, 'u');
const METHOD_RE = new RegExp(String.raw`^method \((\*?)(${IDENT})(?:\[[^\]]*\])?\) (${IDENT})`, 'u');
const TYPE_RE = new RegExp(String.raw`^type (${IDENT})`, 'u');
const MEMBER_IDENT_RE = new RegExp(String.raw`^(${IDENT})`, 'u');

/** Index just past the bracket group starting at s[i] === '['. */
function skipBrackets(s, i) {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return s.length;
}

/** Name an embedded field is accessed by: "*pkg.T[$0]" -> "T". */
function embeddedName(t) {
  let s = t.trim().replace(/^\*/, '');
  const br = s.indexOf('[');
  if (br >= 0) s = s.slice(0, br);
  const dot = s.lastIndexOf('.');
  if (dot >= 0) s = s.slice(dot + 1);
  return s;
}

/**
 * Parse one api line. Returns { pkg, platform, key } or null for lines that do
 * not introduce a symbol (comments, blanks, deprecations, "unexported methods").
 * Throws on lines it does not understand so format drift is noticed.
 */
export function parseApiLine(raw) {
  let line = raw.trim();
  if (line === '' || line.startsWith('#')) return null;
  if (/\/\/deprecated\b/.test(line)) return null;
  line = line.replace(/\s+#\d+$/, ''); // proposal issue suffix (go1.19+)
  const m = LINE_RE.exec(line);
  if (!m) throw new Error(`unrecognised api line: ${raw}`);
  const [, pkg, platform, rest] = m;
  let key;
  let sm;
  if ((sm = SIMPLE_RE.exec(rest))) {
    key = sm[2];
  } else if ((sm = METHOD_RE.exec(rest))) {
    key = `${sm[2]}.${sm[3]}`;
  } else if ((sm = TYPE_RE.exec(rest))) {
    const name = sm[1];
    let i = sm[0].length;
    if (rest[i] === '[') i = skipBrackets(rest, i); // type parameters
    const tail = rest.slice(i);
    const mm = /^ (struct|interface), (.*)$/.exec(tail);
    if (!mm) {
      key = name; // the type itself: "type T struct", "type T interface { ... }", "type T int", "type T = U"
    } else {
      const member = mm[2];
      if (member === 'unexported methods') return null;
      if (member.startsWith('embedded ')) key = `${name}.${embeddedName(member.slice('embedded '.length))}`;
      else {
        const im = MEMBER_IDENT_RE.exec(member);
        if (!im) throw new Error(`unrecognised member in api line: ${raw}`);
        key = `${name}.${im[1]}`;
      }
    }
  } else {
    throw new Error(`unrecognised api line: ${raw}`);
  }
  return { pkg, platform: platform ?? null, key };
}

// ---------------------------------------------------------------------------
// Supplement: std packages/APIs the api/ files do not describe.
// Each entry cites its source; keep this list tiny.
const SUPPLEMENT = {
  // unsafe is not covered by cmd/api. Versions are the ones go/types enforces
  // ($GOROOT/src/go/types/builtins.go: verifyVersionf(..., go1_17, "unsafe.Add") etc.)
  // and the spec's "Language versions" appendix (Go 1.17, Go 1.20).
  unsafe: {
    since: 0,
    symbols: {
      Alignof: 0, Offsetof: 0, Pointer: 0, Sizeof: 0,
      Add: 17, Slice: 17,
      SliceData: 20, String: 20, StringData: 20,
    },
  },
  // No exported API, so absent from api/ (Go 1.15 release notes, "New embedded tzdata package").
  'time/tzdata': { since: 15, symbols: {} },
  // js/wasm only, not covered by cmd/api (Go 1.11 release notes; experimental, API changed in 1.12).
  'syscall/js': { since: 11, symbols: {} },
};

// Packages that existed before their first exported API was recorded.
const SINCE_OVERRIDE = {
  // runtime/cgo has existed since go1 (import _ "runtime/cgo"); its first
  // exported API, cgo.Handle, arrived in go1.17 (only on -cgo platforms).
  'runtime/cgo': 0,
};

// ---------------------------------------------------------------------------

function apiFiles(apiDir) {
  const files = [];
  for (const f of readdirSync(apiDir)) {
    if (f === 'go1.txt') files.push({ file: f, minor: 0 });
    else {
      const m = /^go1\.(\d+)\.txt$/.exec(f);
      if (m) files.push({ file: f, minor: Number(m[1]) });
    }
    // except.txt, next/, README: deliberately ignored (see header comment).
  }
  files.sort((a, b) => a.minor - b.minor);
  if (!files.length) throw new Error(`no go1*.txt files in ${apiDir}`);
  return files;
}

export function buildTable(goroot) {
  const apiDir = path.join(goroot, 'api');
  const files = apiFiles(apiDir);
  /** @type {Map<string, Map<string, number>>} */
  const pkgs = new Map();
  const note = (pkg, key, minor) => {
    let syms = pkgs.get(pkg);
    if (!syms) pkgs.set(pkg, (syms = new Map()));
    const prev = syms.get(key);
    if (prev === undefined || minor < prev) syms.set(key, minor); // min across platforms/files
  };
  for (const { file, minor } of files) {
    const text = readFileSync(path.join(apiDir, file), 'utf8');
    for (const raw of text.split('\n')) {
      const r = parseApiLine(raw);
      if (r) note(r.pkg, r.key, minor);
    }
  }

  const out = {};
  for (const [pkg, syms] of pkgs) {
    let since = Infinity;
    for (const v of syms.values()) since = Math.min(since, v);
    if (pkg in SINCE_OVERRIDE) since = SINCE_OVERRIDE[pkg];
    const symbols = {};
    for (const [k, v] of syms) if (v > since) symbols[k] = v;
    out[pkg] = { since, symbols };
  }
  for (const [pkg, entry] of Object.entries(SUPPLEMENT)) {
    if (pkg in out) continue; // real api data wins if cmd/api ever covers it
    const symbols = {};
    for (const [k, v] of Object.entries(entry.symbols)) if (v > entry.since) symbols[k] = v;
    out[pkg] = { since: entry.since, symbols };
  }
  return { table: out, lastMinor: files[files.length - 1].minor };
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function sortedObject(o) {
  const r = {};
  for (const k of Object.keys(o).sort(cmp)) r[k] = o[k];
  return r;
}

export function render({ source, generated, table }) {
  const lines = ['{', `"source":${JSON.stringify(source)},`, `"generated":${JSON.stringify(generated)},`, '"packages":{'];
  const names = Object.keys(table).sort(cmp);
  names.forEach((pkg, i) => {
    const { since, symbols } = table[pkg];
    const body = JSON.stringify({ since, symbols: sortedObject(symbols) });
    lines.push(`${JSON.stringify(pkg)}:${body}${i < names.length - 1 ? ',' : ''}`);
  });
  lines.push('}', '}');
  return lines.join('\n') + '\n';
}

/** Version (minor) needed for pkg or pkg+key according to a table, or undefined if unknown. */
export function lookup(table, pkg, key) {
  const e = table[pkg];
  if (!e) return undefined;
  return key === undefined ? e.since : (e.symbols[key] ?? e.since);
}

function selfCheck(table) {
  const lines = [
    ['pkg slices, func Contains[$0 interface{ ~[]$1 }, $1 comparable]($0, $1) bool #57433', 'slices', 'Contains'],
    ['pkg sync, method (*WaitGroup) Go(func()) #63796', 'sync', 'WaitGroup.Go'],
    ['pkg iter, type Seq[$0 interface{}] func(func($0) bool) #61897', 'iter', 'Seq'],
    ['pkg iter, type Seq2[$0 interface{}, $1 interface{}] func(func($0, $1) bool) #61897', 'iter', 'Seq2'],
    ['pkg testing, method (*B) Loop() bool #61515', 'testing', 'B.Loop'],
    ['pkg os (linux-386), const O_SYNC = 1052672', 'os', 'O_SYNC'],
    ['pkg net/http, type Server struct, Protocols *Protocols #67814', 'net/http', 'Server.Protocols'],
    ['pkg database/sql, type Null[$0 interface{}] struct, V $0 #60370', 'database/sql', 'Null.V'],
    ['pkg sync/atomic, method (*Pointer[$0]) Load() *$0 #50860', 'sync/atomic', 'Pointer.Load'],
    ['pkg runtime, type BlockProfileRecord struct, embedded StackRecord', 'runtime', 'BlockProfileRecord.StackRecord'],
    ['pkg io, type ReadSeekCloser interface, Close() error', 'io', 'ReadSeekCloser.Close'],
    ['pkg os, type DirEntry = fs.DirEntry', 'os', 'DirEntry'],
    ['pkg math, const MaxInt = 9223372036854775807', 'math', 'MaxInt'],
    ['pkg math, const MaxInt ideal-int', 'math', 'MaxInt'],
    ['pkg os, var ErrProcessDone error', 'os', 'ErrProcessDone'],
  ];
  let failed = 0;
  for (const [line, pkg, key] of lines) {
    const r = parseApiLine(line);
    if (!r || r.pkg !== pkg || r.key !== key) {
      failed++;
      console.error(`parse FAIL: ${line} -> ${JSON.stringify(r)}`);
    }
  }
  for (const skip of ['pkg net, type Error interface, Temporary //deprecated', 'pkg io, type Foo interface, unexported methods', '# comment', '']) {
    if (parseApiLine(skip) !== null) {
      failed++;
      console.error(`parse FAIL (should skip): ${skip}`);
    }
  }
  const expect = [
    ['slices', undefined, 21], ['iter', 'Seq', 23], ['testing', 'B.Loop', 24], ['sync', 'WaitGroup.Go', 25],
    ['strings', 'Cut', 18], ['errors', 'Join', 20], ['net/http', 'Server.Protocols', 24], ['fmt', 'Println', 0],
    ['context', undefined, 7], ['sync/atomic', 'Pointer.Load', 19], ['unsafe', 'String', 20], ['runtime/cgo', undefined, 0],
  ];
  for (const [pkg, key, want] of expect) {
    const got = lookup(table, pkg, key);
    const ok = got === want;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${pkg}${key ? '.' + key : ''} -> go1.${got} (want go1.${want})`);
  }
  if (failed) {
    console.error(`self-check: ${failed} failure(s)`);
    process.exit(1);
  }
  console.log('self-check: all ok');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const goroot = opts.goroot ?? goEnv('GOROOT');
  const version = gorootVersion(goroot);
  const { table, lastMinor } = buildTable(goroot);
  const source = `$GOROOT/api/go1.txt … go1.${lastMinor}.txt of ${version} (next/ and except.txt ignored)`;
  const text = render({ source, generated: version, table });
  const out = opts.out ?? path.join(repoRoot, 'server/src/toolchain/data/stdlib-api.json');
  if (opts.selfCheck) selfCheck(table);
  if (opts.check) {
    const cur = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (cur !== text) {
      console.error(`${path.relative(repoRoot, out)} is stale; run: node scripts/gen-stdlib-api.mjs`);
      process.exit(1);
    }
    console.log(`${path.relative(repoRoot, out)} is up to date (${version})`);
    return;
  }
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, text);
  const nsyms = Object.values(table).reduce((n, p) => n + Object.keys(p.symbols).length, 0);
  console.log(
    `wrote ${path.relative(repoRoot, out)}: ${Object.keys(table).length} packages, ${nsyms} versioned symbols, ` +
      `${Buffer.byteLength(text)} bytes (from ${version})`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
