// The fuzzer's inputs: Go files from the fixtures (the corpus), generated programs, and both mutated:
// byte flips, truncations, random insertions, deletions and splices, deep nesting, huge literals,
// random Unicode (including invalid UTF-8, lone surrogates, NUL bytes, BOMs), CRLF line endings.
// Each input also gets a go.mod (sometimes broken), a sibling file for the package index and a
// language version, so that the file facts, the indexers and every rule see it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filesBelow, repoRoot } from '../../helpers';
import { generateProgram } from './generate';
import { Choices, inputSeed, prng } from './random';

export interface CorpusFile {
  /** Path relative to the repository. */
  name: string;
  text: string;
}

export interface Corpus {
  files: CorpusFile[];
  /** Changes when the corpus changes: inputs are reproducible for one fingerprint. */
  fingerprint: string;
}

export interface FuzzInput {
  seed: number;
  index: number;
  /** How the input was made, for the failure report. */
  recipe: string[];
  /** The file as the CLI reads it. */
  bytes: Buffer;
  /** The text the engine (and an editor) sees; differs from the decoded bytes only by lone surrogates. */
  text: string;
  /** go.mod next to the file; undefined: no go.mod. */
  goMod: string | undefined;
  /** Another file of the directory, renamed to the input's package, for the package index. */
  sibling: string;
  /** Language version forced on the file (like scan --go-version), or undefined to keep the facts'. */
  goMinor?: number;
  escapeScope: 'loops' | 'all';
}

export function loadCorpus(roots = [join(repoRoot, 'test', 'fixtures'), join(repoRoot, 'examples')]): Corpus {
  const files: CorpusFile[] = [];
  for (const root of roots) {
    for (const path of filesBelow(root, (n) => n.endsWith('.go') || n.endsWith('.go.golden'))) {
      files.push({ name: relative(repoRoot, path), text: readFileSync(path, 'utf8') });
    }
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.name).update('\0').update(f.text).update('\0');
  return { files, fingerprint: hash.digest('hex').slice(0, 16) };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Sizes of the largest inputs: the full run goes to 1.5 MB and 12,000 levels, the smoke run stays small. */
export interface InputProfile {
  name: 'full' | 'smoke';
  maxHugeChars: number;
  maxDepth: number;
}

export const profiles: Record<InputProfile['name'], InputProfile> = {
  full: { name: 'full', maxHugeChars: 1_500_000, maxDepth: 12000 },
  smoke: { name: 'smoke', maxHugeChars: 40_000, maxDepth: 2500 },
};

/** Input number `index` of the run with `seed`: the first corpus-size indexes are the pristine corpus. */
export function makeInput(corpus: Corpus, seed: number, index: number, profile: InputProfile = profiles.full): FuzzInput {
  const c = new Choices(prng(inputSeed(seed, index)));
  const recipe: string[] = [];
  let bytes: Buffer;
  if (index < corpus.files.length) {
    bytes = Buffer.from(corpus.files[index].text);
    recipe.push(`corpus ${corpus.files[index].name}`);
  } else {
    const kind = c.weighted([
      [20, 'generated'],
      [50, 'mutated'],
      [12, 'deep'],
      [10, 'huge'],
      [8, 'unicode'],
    ] as const);
    bytes = base(c, corpus, recipe, kind !== 'mutated' && kind !== 'unicode' ? 0.7 : 0.4);
    switch (kind) {
      case 'generated':
        if (c.chance(0.3)) bytes = mutate(c, corpus, bytes, recipe, 1, validPreserving);
        break;
      case 'mutated':
        bytes = mutate(c, corpus, bytes, recipe, c.between(1, 4), mutations);
        break;
      case 'deep':
        bytes = deepNesting(c, bytes, recipe, profile.maxDepth);
        break;
      case 'huge':
        bytes = hugeLiteral(c, bytes, recipe, profile.maxHugeChars);
        break;
      case 'unicode':
        bytes = mutate(c, corpus, bytes, recipe, c.between(1, 3), [randomUnicode, invalidUtf8, illFormedLines(false), illFormedLines(true), crlf, randomUnicode]);
        break;
    }
  }
  let text = utf8.decode(bytes);
  if (c.chance(0.03)) {
    text = insertLoneSurrogates(c, text);
    recipe.push('lone surrogates (engine only)');
  }
  const goMod = goModFor(c, corpus, recipe);
  const sibling = siblingFor(c, corpus, text);
  const goMinor = c.chance(0.5) ? c.pick([16, 21, 21, 22, 22, 26]) : undefined;
  if (goMinor !== undefined) recipe.push(`go1.${goMinor}`);
  const escapeScope = c.chance(0.3) ? 'all' : 'loops';
  return { seed, index, recipe, bytes, text, goMod, sibling, goMinor, escapeScope };
}

function base(c: Choices, corpus: Corpus, recipe: string[], generatedShare: number): Buffer {
  if (c.chance(generatedShare)) {
    const program = generateProgram(c);
    recipe.push(program.recipe);
    return Buffer.from(program.text);
  }
  const file = c.pick(corpus.files);
  recipe.push(`corpus ${file.name}`);
  return Buffer.from(file.text);
}

type Mutation = (c: Choices, corpus: Corpus, bytes: Buffer, recipe: string[]) => Buffer;

function mutate(c: Choices, corpus: Corpus, bytes: Buffer, recipe: string[], times: number, from: readonly Mutation[]): Buffer {
  for (let i = 0; i < times; i++) bytes = c.pick(from)(c, corpus, bytes, recipe);
  return bytes;
}

const at = (c: Choices, bytes: Buffer) => c.int(bytes.length + 1);
const splice = (bytes: Buffer, start: number, end: number, insert: Buffer | string = '') =>
  Buffer.concat([bytes.subarray(0, start), typeof insert === 'string' ? Buffer.from(insert) : insert, bytes.subarray(end)]);

const byteFlips: Mutation = (c, _corpus, bytes, recipe) => {
  if (bytes.length === 0) return bytes;
  const out = Buffer.from(bytes);
  const n = c.logBetween(1, 32);
  for (let i = 0; i < n; i++) {
    const p = c.int(out.length);
    out[p] = c.chance(0.5) ? out[p] ^ (1 << c.int(8)) : c.int(256);
  }
  recipe.push(`flip ${n} bytes`);
  return out;
};

const truncate: Mutation = (c, _corpus, bytes, recipe) => {
  const end = at(c, bytes);
  if (c.chance(0.3)) {
    const start = c.int(end + 1);
    recipe.push(`keep bytes ${start}..${end}`);
    return bytes.subarray(start, end);
  }
  recipe.push(`truncate at ${end}`);
  return bytes.subarray(0, end);
};

const tokens = [
  '{', '}', '(', ')', '[', ']', ';', ',', '.', ':', ':=', '=', '&', '*', '<-', '...', '"', '`', "'", '/*', '*/', '//', '\n', '\r\n', '\r', '\t', ' ',
  'func', 'func() {', 'go', 'defer', 'for', 'range', 'for _, v := range xs {', 'for i := 0; i < n; i++ {', 'if', 'else', 'switch', 'case', 'select',
  'return', 'break', 'goto L', 'L:', 'package', 'package p\n', 'import "sync"\n', 'type', 'struct {', 'interface {', 'map[string]int', 'chan',
  'var', 'const', 'sync.Pool{}', '.Get()', '.Put(x)', '.Go(func() {', 't.Parallel()', 'v := v', '&v', 'go func() { _ = v }()',
  '//gohazard:ignore', '//gohazard:ignore loopvar/capture', '//gohazard:ignore loopvar/* because', '//nolint', '//nolint:gohazard', '//go:build go1.22\n',
  '//go:build', '//line x.go:1', '0x', '1e', "'\\", '"\\', '\\u', '\u00e9', '世界', '😀', '\ufeff', '\u2028', '\u202e',
];

const insertion: Mutation = (c, corpus, bytes, recipe) => {
  const p = at(c, bytes);
  const what = c.int(4);
  let insert: Buffer;
  if (what === 0) {
    const t = Array.from({ length: c.logBetween(1, 8) }, () => c.pick(tokens)).join(c.chance(0.5) ? ' ' : '');
    insert = Buffer.from(t);
    recipe.push(`insert tokens ${JSON.stringify(t)} at ${p}`);
  } else if (what === 1) {
    insert = Buffer.from(Array.from({ length: c.logBetween(1, 64) }, () => c.int(256)));
    recipe.push(`insert ${insert.length} random bytes at ${p}`);
  } else if (what === 2) {
    const other = Buffer.from(c.pick(corpus.files).text);
    const start = c.int(other.length + 1);
    insert = other.subarray(start, start + c.logBetween(1, 2000));
    recipe.push(`splice ${insert.length} bytes of another file at ${p}`);
  } else {
    const program = generateProgram(c).text;
    const body = program.slice(program.indexOf('func'));
    const start = c.int(body.length + 1);
    insert = Buffer.from(body.slice(start, start + c.logBetween(1, 400)));
    recipe.push(`splice ${insert.length} generated bytes at ${p}`);
  }
  return splice(bytes, p, p, insert);
};

const deletion: Mutation = (c, _corpus, bytes, recipe) => {
  const start = at(c, bytes);
  const end = Math.min(bytes.length, start + c.logBetween(1, Math.max(1, bytes.length >> 1)));
  recipe.push(`delete ${start}..${end}`);
  return splice(bytes, start, end);
};

const duplicate: Mutation = (c, _corpus, bytes, recipe) => {
  const start = at(c, bytes);
  const end = Math.min(bytes.length, start + c.logBetween(1, 500));
  const p = at(c, bytes);
  recipe.push(`copy ${start}..${end} to ${p}`);
  return splice(bytes, p, p, Buffer.from(bytes.subarray(start, end)));
};

const lines: Mutation = (c, _corpus, bytes, recipe) => {
  const all = bytes.toString('latin1').split('\n');
  const op = c.int(3);
  const i = c.int(all.length);
  const j = c.int(all.length);
  if (op === 0) [all[i], all[j]] = [all[j], all[i]];
  else if (op === 1) all.splice(i, 1);
  else all.splice(i, 0, all[j]);
  recipe.push(`${['swap', 'delete', 'duplicate'][op]} line ${i}${op === 1 ? '' : ` and ${j}`}`);
  return Buffer.from(all.join('\n'), 'latin1');
};

const crlf: Mutation = (c, _corpus, bytes, recipe) => {
  const text = bytes.toString('latin1');
  const how = c.int(4);
  recipe.push(['CRLF line endings', 'CRLF on some lines', 'CR line endings', 'strip CRs'][how]);
  if (how === 0) return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
  if (how === 1) return Buffer.from(text.replace(/\n/g, () => (c.chance(0.5) ? '\r\n' : '\n')), 'latin1');
  if (how === 2) return Buffer.from(text.replace(/\r?\n/g, '\r'), 'latin1');
  return Buffer.from(text.replace(/\r/g, ''), 'latin1');
};

function randomCodePoint(c: Choices): number {
  return c.weighted([
    [3, () => c.between(0x20, 0x7e)],
    [1, () => c.pick([0x09, 0x0b, 0x0c, 0x0d, 0x0a, 0x00, 0x1b, 0x7f, 0x85])],
    [2, () => c.between(0xa0, 0x24f)],
    [2, () => c.between(0x4e00, 0x9fff)],
    [2, () => c.between(0x1f300, 0x1faff)],
    [1, () => c.between(0x300, 0x36f)],
    [1, () => c.pick([0xfeff, 0x2028, 0x2029, 0x200b, 0x200d, 0x202e, 0xfffd, 0xfffe, 0xffff, 0x10ffff, 0xe000])],
    [1, () => c.between(0x10000, 0x10ffff)],
  ] as const)();
}

const randomUnicode: Mutation = (c, _corpus, bytes, recipe) => {
  const p = utf8Boundary(bytes, at(c, bytes));
  const n = c.logBetween(1, 40);
  const s = String.fromCodePoint(...Array.from({ length: n }, () => randomCodePoint(c)));
  recipe.push(`insert ${n} code points at ${p}`);
  return splice(bytes, p, p, s);
};

/**
 * Ill-formed UTF-8 of every kind (lone continuation bytes, bytes that never start a sequence,
 * overlongs, surrogates, code points above U+10FFFF, truncated sequences, also before an ASCII byte),
 * and a real U+FFFD, which decodes to the same character from 3 bytes.
 */
const illFormed = [
  [0x80], [0xbf], [0xff], [0xfe, 0xfe], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0xaf], [0xf0, 0x80, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xe2, 0x82, 0x41], [0xef, 0xbf, 0xbd],
];
const hex = (seq: readonly number[]) => seq.map((b) => b.toString(16)).join(' ');

const invalidUtf8: Mutation = (c, _corpus, bytes, recipe) => {
  const p = at(c, bytes);
  const seq = c.pick(illFormed);
  recipe.push(`invalid UTF-8 ${hex(seq)} at ${p}`);
  return splice(bytes, p, p, Buffer.from(seq));
};

/**
 * Ill-formed UTF-8 on many lines, so that some share a line with a finding: raw anywhere in the line, or
 * in a comment after the indentation (the program stays as it was, with its findings further right).
 */
function illFormedLines(inComments: boolean): Mutation {
  return (c, _corpus, bytes, recipe) => {
    const starts = [0];
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) starts.push(i + 1);
    const n = c.logBetween(1, Math.min(40, starts.length));
    const inserts: [number, Buffer][] = [];
    for (let k = 0; k < n; k++) {
      const line = c.int(starts.length);
      const start = starts[line];
      const end = line + 1 < starts.length ? starts[line + 1] - 1 : bytes.length;
      const seq = Buffer.from(c.pick(illFormed));
      if (inComments) {
        let p = start;
        while (p < end && (bytes[p] === 0x09 || bytes[p] === 0x20)) p++;
        inserts.push([p, Buffer.concat([Buffer.from('/*'), seq, Buffer.from('*/ ')])]);
      } else inserts.push([utf8Boundary(bytes, start + c.int(end - start + 1)), seq]);
    }
    inserts.sort((a, b) => b[0] - a[0]);
    for (const [p, insert] of inserts) bytes = splice(bytes, p, p, insert);
    recipe.push(`ill-formed UTF-8 on ${n} lines${inComments ? ', in comments' : ''}`);
    return bytes;
  };
}

const nulBytes: Mutation = (c, _corpus, bytes, recipe) => {
  const p = at(c, bytes);
  recipe.push(`NUL at ${p}`);
  return splice(bytes, p, p, Buffer.from([0]));
};

/** Mutations that usually keep a valid program valid, to test fixes on other line endings and text. */
const validPreserving: readonly Mutation[] = [
  (c, _corpus, bytes, recipe) => {
    recipe.push('CRLF line endings');
    void c;
    return Buffer.from(bytes.toString('utf8').replace(/\r?\n/g, '\r\n'));
  },
  (c, _corpus, bytes, recipe) => {
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    const i = c.int(lines.length);
    const comment = ` // ${String.fromCodePoint(...Array.from({ length: c.between(1, 12) }, () => randomCodePoint(c)).filter((cp) => cp > 0x1f && cp !== 0x2028 && cp !== 0x2029 && cp !== 0x85))}`;
    if (lines[i].includes('`') || lines[i].includes('//')) return bytes;
    lines[i] += comment;
    recipe.push(`comment on line ${i}`);
    return Buffer.from(lines.join('\n'));
  },
  (c, _corpus, bytes, recipe) => {
    recipe.push('BOM');
    void c;
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  },
  illFormedLines(true),
];

const mutations: readonly Mutation[] = [byteFlips, truncate, insertion, insertion, deletion, duplicate, lines, crlf, randomUnicode, invalidUtf8, illFormedLines(false), nulBytes];

function utf8Boundary(bytes: Buffer, p: number): number {
  while (p > 0 && p < bytes.length && (bytes[p] & 0xc0) === 0x80) p--;
  return p;
}

function insertLoneSurrogates(c: Choices, text: string): string {
  const n = c.between(1, 4);
  for (let i = 0; i < n; i++) {
    const p = c.int(text.length + 1);
    text = text.slice(0, p) + String.fromCharCode(c.chance(0.5) ? c.between(0xd800, 0xdbff) : c.between(0xdc00, 0xdfff)) + text.slice(p);
  }
  return text;
}

/** Shapes that nest: each returns the snippet for depth d and where it belongs. */
export const nestings: Record<string, (d: number) => { where: 'expr' | 'stmt' | 'type' | 'header'; text: string }> = {
  parens: (d) => ({ where: 'expr', text: `${'('.repeat(d)}x${')'.repeat(d)}` }),
  unary: (d) => ({ where: 'expr', text: `${'!'.repeat(d)}x` }),
  negate: (d) => ({ where: 'expr', text: `${'- '.repeat(d)}x` }),
  deref: (d) => ({ where: 'expr', text: `${'*'.repeat(d)}x` }),
  address: (d) => ({ where: 'expr', text: `${'&'.repeat(d)}x` }),
  receive: (d) => ({ where: 'expr', text: `${'<-'.repeat(d)}x` }),
  binary: (d) => ({ where: 'expr', text: `x${' + x'.repeat(d)}` }),
  concat: (d) => ({ where: 'expr', text: `"a"${' + "b"'.repeat(d)}` }),
  selector: (d) => ({ where: 'expr', text: `x${'.f'.repeat(d)}` }),
  index: (d) => ({ where: 'expr', text: `x${'[x]'.repeat(d)}` }),
  calls: (d) => ({ where: 'expr', text: `${'f('.repeat(d)}x${')'.repeat(d)}` }),
  callChain: (d) => ({ where: 'expr', text: `f${'()'.repeat(d)}` }),
  methodChain: (d) => ({ where: 'expr', text: `x${'.m()'.repeat(d)}` }),
  composite: (d) => ({ where: 'expr', text: `T${'{'.repeat(d)}x${'}'.repeat(d)}` }),
  funcLits: (d) => ({ where: 'expr', text: `${'func() { go '.repeat(d)}g(x)${' }()'.repeat(d)}` }),
  closures: (d) => ({ where: 'expr', text: `${'func() { _ = '.repeat(d)}x${' }'.repeat(d)}` }),
  blocks: (d) => ({ where: 'stmt', text: `${'{'.repeat(d)}go func() { _ = x }()${'}'.repeat(d)}` }),
  loops: (d) => ({ where: 'stmt', text: `${'for _, x := range xs {\n'.repeat(d)}go func() { _ = x }()\n${'}\n'.repeat(d)}` }),
  ifElse: (d) => ({ where: 'stmt', text: `${'if a {\n} else '.repeat(d)}{\ngo func() { _ = x }()\n}` }),
  ifs: (d) => ({ where: 'stmt', text: `${'if a { '.repeat(d)}ptrs = append(ptrs, &x)${' }'.repeat(d)}` }),
  switches: (d) => ({ where: 'stmt', text: `${'switch { case a: '.repeat(d)}defer func() { _ = x }()${' }'.repeat(d)}` }),
  labels: (d) => ({ where: 'stmt', text: `${Array.from({ length: d }, (_, i) => `L${i}: `).join('')}go func() { _ = x }()` }),
  slices: (d) => ({ where: 'type', text: `${'[]'.repeat(d)}int` }),
  pointers: (d) => ({ where: 'type', text: `${'*'.repeat(d)}int` }),
  maps: (d) => ({ where: 'type', text: `${'map[int]'.repeat(d)}int` }),
  chans: (d) => ({ where: 'type', text: `${'chan '.repeat(d)}int` }),
  funcs: (d) => ({ where: 'type', text: `${'func() '.repeat(d)}int` }),
  structs: (d) => ({ where: 'type', text: `${'struct{ f '.repeat(d)}int${' }'.repeat(d)}` }),
  generics: (d) => ({ where: 'type', text: `${'G['.repeat(d)}int${']'.repeat(d)}` }),
  buildParens: (d) => ({ where: 'header', text: `//go:build ${'('.repeat(d)}go1.21${')'.repeat(d)}` }),
  buildNot: (d) => ({ where: 'header', text: `//go:build ${'!'.repeat(d)}go1.21` }),
  buildAnd: (d) => ({ where: 'header', text: `//go:build go1.21${' && go1.22'.repeat(d)}` }),
};

function deepNesting(c: Choices, bytes: Buffer, recipe: string[], maxDepth: number): Buffer {
  const name = c.pick(Object.keys(nestings));
  const depth = c.logBetween(8, maxDepth);
  const { where, text } = nestings[name](depth);
  recipe.push(`deep ${name} ${depth}`);
  if (c.chance(0.3)) {
    const p = at(c, bytes);
    recipe.push(`inserted at ${p}`);
    return splice(bytes, p, p, text);
  }
  const program = (body: string) => `package p\n\nimport "sync"\n\nvar pool sync.Pool\nvar ptrs []*int\n\nfunc f(xs []int, a bool) {\n\tfor _, x := range xs {\n${body}\n\t}\n}\n`;
  switch (where) {
    case 'expr':
      return Buffer.from(program(c.pick([`\t\tgo func() { _ = ${text} }()`, `\t\tptrs = append(ptrs, &${text})`, `\t\tv := ${text}\n\t\tpool.Put(v)`, `\t\t_ = ${text}`])));
    case 'stmt':
      return Buffer.from(program(text));
    case 'type':
      return Buffer.from(`package p\n\nimport "sync"\n\nvar pool = sync.Pool{New: func() any { return new(${text}) }}\n\ntype T ${text}\n\nvar v ${text}\n\nfunc f(xs []${text}) {\n\tfor _, x := range xs {\n\t\tgo func() { _ = x }()\n\t\tpool.Put(x)\n\t}\n}\n`);
    case 'header':
      return Buffer.concat([Buffer.from(`${text}\n\n`), bytes]);
  }
}

function hugeLiteral(c: Choices, bytes: Buffer, recipe: string[], maxChars: number): Buffer {
  const n = c.logBetween(1000, maxChars);
  const kind = c.int(10);
  const names = ['string', 'raw string', 'block comment', 'line comment', 'number', 'slice literal', 'statements', 'identifier', 'functions', 'lines'];
  recipe.push(`huge ${names[kind]} ${n}`);
  const chunk = (s: string) => s.repeat(Math.max(1, Math.floor(n / s.length)));
  let snippet: string;
  switch (kind) {
    case 0:
      snippet = `var s = "${chunk('a😀\\n')}"\n`;
      break;
    case 1:
      snippet = `var s = \`${chunk('line 中文\n')}\`\n`;
      break;
    case 2:
      snippet = `/*${chunk('comment\n')}*/\n`;
      break;
    case 3:
      snippet = `// ${chunk('x')}\n`;
      break;
    case 4:
      snippet = `var n = ${chunk('9')}\n`;
      break;
    case 5:
      snippet = `var xs = []int{${chunk('1, ')}}\n`;
      break;
    case 6:
      snippet = `func g(xs []int) {\n\tfor _, x := range xs {\n${chunk('\t\tgo func() { _ = x }()\n')}\t}\n}\n`;
      break;
    case 7:
      snippet = `var ${chunk('a')} = 1\n`;
      break;
    case 8:
      snippet = Array.from({ length: Math.ceil(n / 60) }, (_, i) => `func g${i}(xs []int) { for _, x := range xs { defer func() { _ = x }() } }\n`).join('');
      break;
    default:
      snippet = chunk('\n');
  }
  const p = c.chance(0.5) ? bytes.length : at(c, bytes);
  return splice(bytes, p, p, snippet);
}

const goMods = [
  'module fuzz\n\ngo 1.21\n',
  'module fuzz\n\ngo 1.22\n',
  'module fuzz\n\ngo 1.21.3\n\ntoolchain go1.22.1\n',
  'module fuzz\n',
  'module fuzz\r\n\r\ngo 1.20\r\n',
  'module fuzz\n\ngo 1.x\n',
  'module\ngo\n',
  'go 1.21 1.22\nrequire (\n',
  'module fuzz\n\ngo 1.22rc1\n',
  'module fuzz\n\ngo 1.999999999999999999999\n',
  '\u0000\u0001garbage\uffff',
  'module fuzz // comment\n\ngo 1.21 // comment\n',
];

function goModFor(c: Choices, corpus: Corpus, recipe: string[]): string | undefined {
  if (c.chance(0.05)) {
    recipe.push('no go.mod');
    return undefined;
  }
  let goMod = c.chance(0.8) ? goMods[0] : c.pick(goMods);
  if (c.chance(0.05)) {
    goMod = mutate(c, corpus, Buffer.from(goMod), [], c.between(1, 3), mutations).toString('utf8');
    recipe.push(`mutated go.mod ${JSON.stringify(goMod.slice(0, 80))}`);
  } else if (goMod !== goMods[0]) recipe.push(`go.mod ${JSON.stringify(goMod)}`);
  return goMod;
}

function siblingFor(c: Choices, corpus: Corpus, text: string): string {
  const pkg = /^package[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)/mu.exec(text)?.[1] ?? 'p';
  const other = c.pick(corpus.files).text;
  return other.replace(/^package[ \t]+\S+/m, `package ${pkg}`);
}
