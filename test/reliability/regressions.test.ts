// Regression tests for what fuzzing found: each names the failure it guards against.
import assert from 'node:assert/strict';
import { alternativeFixEdits, applyEdits, fixAllEdits } from '../../server/src/engine/fixes';
import { GoDocument } from '../../server/src/engine/document';
import { MAX_NESTING_DEPTH, nestsDeeperThan, utf8Length } from '../../server/src/engine/limits';
import { Project } from '../../server/src/engine/project';
import type { Rule } from '../../server/src/engine/rule';
import { SourceText } from '../../server/src/engine/sourceText';
import { Finding, TextEdit } from '../../server/src/engine/types';
import { loadGrammar } from '../../server/src/node/nodeHost';
import { DeclScopes, PackageScope } from '../../server/src/engine/scope';
import { TypeEnv } from '../../server/src/rules/escape/typeEnv';
import { findBuildConstraint } from '../../server/src/toolchain/buildConstraint';
import { parseGoMod } from '../../server/src/toolchain/goMod';
import { Node as TreeNode } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';
import { newProject } from '../helpers';
import { Choices, prng } from './fuzz/random';
import { generateProgram } from './fuzz/generate';
import { nestings } from './fuzz/inputs';

const facts121 = { path: '/virtual/r/a.go', goMinor: 21, versionSource: { kind: 'default' as const }, toolchainMinor: 26, toolchainStatus: 'absent' as const };

describe('fuzzing regressions', function () {
  this.timeout(60_000);
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  it('seed 20261207 #16283, #9973: a variable of a std type named by a 100,000-character identifier (the std-api name scan was one regular expression too large for V8)', async () => {
    const name = 'w'.repeat(100_000);
    const text = `//go:build go1.21\n\npackage p\n\nimport "sync"\n\nvar ${name} sync.WaitGroup\n\nfunc f() {\n\t${name}.Go(func() {})\n\tvar wg sync.WaitGroup\n\twg.Go(func() {})\n}\n`;
    const { findings } = await project.analyzeText('/virtual/hugeident/a.go', text, { rules: { 'toolchain/*': 'warning' } });
    assert.ok(findings.some((f) => f.rule === 'toolchain/std-api' && f.range.start.line === 11), 'the rule ran: the ordinary variable is checked');
  });

  it('a //go:build line nested 10,000 levels deep does not overflow the stack (it implies no version, like go/build/constraint)', () => {
    for (const expr of [`${'('.repeat(10_000)}go1.21${')'.repeat(10_000)}`, `${'!'.repeat(10_000)}go1.21`, `go1.21${' && go1.22'.repeat(5000)}`]) {
      assert.equal(findBuildConstraint(`//go:build ${expr}\n\npackage p\n`)?.minGoMinor, undefined);
    }
    assert.equal(findBuildConstraint(`//go:build go1.21${' && go1.22'.repeat(400)}\n\npackage p\n`)?.minGoMinor, 22);
  });

  it('nestsDeeperThan agrees with the depth of every subtree, at every limit', () => {
    const c = new Choices(prng(5));
    const samples = [generateProgram(c).text, generateProgram(c).text, `package p\nvar x = ${'('.repeat(40)}1${')'.repeat(40)}\n`, 'package p\n', ''];
    for (const text of samples) {
      const doc = new GoDocument(project.grammar, text);
      try {
        const visit = (node: Node) => {
          const depth = depthBelow(node);
          for (const limit of [0, 1, 2, 3, 5, 8, 13, 40, 100]) assert.equal(nestsDeeperThan(node, limit), depth > limit, `${node.type} at ${node.startIndex}, limit ${limit}`);
          for (const child of node.children) if (child) visit(child);
        };
        visit(doc.tree.rootNode);
      } finally {
        doc.dispose();
      }
    }
  });

  it('an indexer that throws is reported and leaves its summary out; the file is still analysed', async () => {
    const errors: string[] = [];
    const throwing: Rule = {
      id: 'test/throwing-indexer',
      summary: '',
      help: '',
      defaultSeverity: 'warning',
      kind: 'hazard',
      query: '(go_statement) @g',
      indexer: { id: 'test/throwing', summarize: () => { throw new RangeError('Maximum call stack size exceeded'); } },
      check: (ctx, matches) => {
        // Other files are summarised when a rule reads what they say.
        assert.deepEqual(ctx.file.package?.summaries('test/throwing'), [{ path: '/virtual/i/b.go', summary: undefined }]);
        ctx.report({ node: matches[0].captures[0].node, message: 'go statement' });
      },
    };
    const host = { readFile: async (path: string) => (path.endsWith('/b.go') ? 'package p\n' : undefined), listDirectory: async () => ['a.go', 'b.go'] };
    const p = new Project(await loadGrammar(), [throwing], host, (rule) => errors.push(rule));
    const { findings } = await p.analyzeText('/virtual/i/a.go', 'package p\nfunc f() { go g() }\n', { rules: {} });
    assert.deepEqual(findings.map((f) => f.rule), ['test/throwing-indexer']);
    assert.deepEqual(errors, ['test/throwing']);
  });

  it('positions never point between the \\r and \\n of a line ending, nor past a final \\r', () => {
    const source = new SourceText('a\r\nbc\r\nd\r');
    assert.deepEqual(source.positionAt(2), { line: 0, character: 1 });
    assert.deepEqual(source.positionAt(6), { line: 1, character: 2 });
    assert.deepEqual(source.positionAt(9), { line: 2, character: 1 });
    assert.deepEqual(source.positionAt(8), { line: 2, character: 1 });
    // A //gohazard:ignore comment ends before the \r (the comment node includes it).
    for (const eol of ['\r\n', '\r']) {
      const text = ['package p', 'func f(xs []int) {', '\tfor _, x := range xs {', '\t\t//gohazard:ignore', '\t\tgo func() { _ = x }()', '\t}', '}', ''].join(eol);
      const doc = new GoDocument(project.grammar, text);
      try {
        const findings = project.analyzer.analyze(doc, facts121, { rules: {} }).findings;
        for (const f of findings) {
          for (const p of [f.range.start, f.range.end]) assert.ok(p.character <= doc.sourceText.lineText(p.line).length, `${JSON.stringify(eol)}: ${f.rule} ends past its line`);
        }
      } finally {
        doc.dispose();
      }
    }
  });

  it('fix-all and alternatives combine edits as the quadratic algorithm did, and applyEdits applies them as before', () => {
    const c = new Choices(prng(17));
    const text = Array.from({ length: 30 }, (_, i) => `line ${i} ${'x'.repeat(i % 7)}`).join('\n');
    const source = new SourceText(text);
    const position = () => source.positionAt(c.int(text.length + 1));
    for (let round = 0; round < 300; round++) {
      const findings: Finding[] = Array.from({ length: c.between(0, 25) }, () => ({
        rule: 'r',
        severity: 'warning',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: 'm',
        fixes: Array.from({ length: c.between(1, 2) }, (_, k) => ({
          title: 't',
          preferred: k === 0,
          edits: Array.from({ length: c.between(1, 3) }, () => {
            const [a, b] = [position(), position()].sort((x, y) => x.line - y.line || x.character - y.character);
            return { range: { start: a, end: c.chance(0.4) ? a : b }, newText: c.pick(['', 'v := v\n', 'x', '; ']) };
          }),
        })),
      }));
      assert.deepEqual(fixAllEdits(findings), referenceCombine(findings, (f) => f.fixes.find((x) => x.preferred)), `round ${round}`);
      assert.deepEqual(alternativeFixEdits(findings), referenceCombine(findings, (f) => f.fixes.find((x) => !x.preferred)), `round ${round}`);
      // applyEdits is defined for edits that do not overlap (a fix whose own edits overlap is a broken fix).
      const edits = fixAllEdits(findings);
      const offsets = edits.map((e) => [source.offsetAt(e.range.start), source.offsetAt(e.range.end)]);
      const disjoint = offsets.every(([s1, e1], i) => offsets.every(([s2, e2], j) => i === j || e1 <= s2 || e2 <= s1));
      if (disjoint) assert.equal(applyEdits(text, edits), referenceApply(text, edits), `round ${round}`);
    }
  });

  it('fix-all applies two fixes that share an edit (both add one import), the shared edit once', () => {
    const at = (line: number, character: number) => ({ line, character });
    const edit = (line: number, from: number, to: number, newText: string): TextEdit => ({ range: { start: at(line, from), end: at(line, to) }, newText });
    const addImport = edit(2, 0, 0, 'import "strconv"\n');
    const finding = (line: number): Finding => ({
      rule: 'alloc/sprintf-simple',
      severity: 'info',
      range: { start: at(line, 1), end: at(line, 20) },
      message: 'm',
      fixes: [{ title: 'use strconv', preferred: true, edits: [addImport, edit(line, 5, 20, 'strconv.Itoa(n)')] }],
    });
    assert.deepEqual(fixAllEdits([finding(5), finding(6)]), [addImport, edit(5, 5, 20, 'strconv.Itoa(n)'), edit(6, 5, 20, 'strconv.Itoa(n)')]);
  });

  it('a loop body of 3,000 closures gets one capture finding each, with both fixes, in linear time', () => {
    const body = Array.from({ length: 3000 }, () => '\t\tgo func() { println(x) }()').join('\n');
    const doc = new GoDocument(project.grammar, `package p\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n${body}\n\t}\n}\n`);
    try {
      const findings = project.analyzer.analyze(doc, facts121, { rules: { 'loopvar/capture': 'warning' } }).findings.filter((f) => f.rule === 'loopvar/capture');
      assert.equal(findings.length, 3000);
      assert.ok(findings.every((f) => f.fixes.length === 2), 'copy and argument fixes');
    } finally {
      doc.dispose();
    }
  });

  it('names in 300 nested loops are resolved by toolchain/language-feature (it walked up from each name: cubic)', async () => {
    const depth = 300;
    const loops = Array.from({ length: depth }, (_, i) => `for range n${i % 2} {\n`).join('');
    const text = `//go:build go1.21\n\npackage p\n\nfunc f(n0, n1 int) {\n${loops}_ = 0\n${'}\n'.repeat(depth)}}\n`;
    const { findings } = await project.analyzeText('/virtual/loops/a.go', text, { rules: { 'toolchain/*': 'warning' } });
    const rangeOverInt = findings.filter((f) => f.rule === 'toolchain/language-feature' && /range over/i.test(f.message));
    // go1.21 predates range over int: every loop is reported.
    assert.equal(rangeOverInt.length, depth, findings.slice(0, 3).map((f) => `${f.rule}: ${f.message}`).join('\n'));
  });

  it('a declaration of 2,000 loops, each with a closure, gets one capture finding per loop (every variable was checked against every closure)', () => {
    const loops = Array.from({ length: 2000 }, (_, i) => `\tfor _, v${i} := range xs {\n\t\tgo func() { println(v${i}) }()\n\t}`).join('\n');
    const doc = new GoDocument(project.grammar, `package p\n\nfunc f(xs []int) {\n${loops}\n}\n`);
    try {
      const findings = project.analyzer.analyze(doc, facts121, { rules: { 'loopvar/capture': 'warning' } }).findings.filter((f) => f.rule === 'loopvar/capture');
      assert.equal(findings.length, 2000);
      assert.ok(findings.every((f, i) => f.message.startsWith(`loop variable v${i} captured`)));
    } finally {
      doc.dispose();
    }
  });

  it('seed 20261207 #72524: every nesting shape of the fuzz harness costs parent steps linear in its depth (walking up from each closure of 196 nested ones took 2 s)', () => {
    // tree-sitter finds a parent by descending from the root, so a step up costs the depth: steps that
    // grow with depth² make analysis cubic. Counted, not timed, so that the test is exact on any machine.
    const { get } = Object.getOwnPropertyDescriptor(TreeNode.prototype, 'parent')!;
    let steps = 0;
    Object.defineProperty(TreeNode.prototype, 'parent', { configurable: true, get: function (this: Node) { steps++; return get!.call(this); } });
    const program = (body: string) => `package p\n\nimport "sync"\n\nvar pool sync.Pool\nvar ptrs []*int\n\nfunc f(xs []int, a bool) {\n\tfor _, x := range xs {\n${body}\n\t}\n}\n`;
    const contexts = {
      expr: (text: string) => [`\t\tgo func() { _ = ${text} }()`, `\t\tptrs = append(ptrs, &${text})`, `\t\tv := ${text}\n\t\tpool.Put(v)`, `\t\t_ = ${text}`].map(program),
      stmt: (text: string) => [program(text)],
      type: (text: string) => [`package p\n\nimport "sync"\n\nvar pool = sync.Pool{New: func() any { return new(${text}) }}\n\ntype T ${text}\n\nfunc f(xs []${text}) {\n\tfor _, x := range xs {\n\t\tgo func() { _ = x }()\n\t\tpool.Put(x)\n\t}\n}\n`],
      header: (text: string) => [`${text}\n\npackage p\n`],
    };
    const stepsAt = (text: string, goMinor: number) => {
      const doc = new GoDocument(project.grammar, text);
      try {
        steps = 0;
        const { findings } = project.analyzer.analyze(doc, { ...facts121, goMinor }, { rules: {}, escapeScope: 'all' });
        assert.ok(!findings.some((f) => f.rule === 'gohazard/skipped'), 'the depths stay below the nesting limit');
        return steps;
      } finally {
        doc.dispose();
      }
    };
    const superlinear: string[] = [];
    try {
      for (const [shape, make] of Object.entries(nestings)) {
        const shallow = make(40);
        const deep = make(80);
        const [a, b] = [contexts[shallow.where](shallow.text), contexts[deep.where](deep.text)];
        for (const goMinor of [16, 22]) {
          a.forEach((text, i) => {
            const [s, d] = [stepsAt(text, goMinor), stepsAt(b[i], goMinor)];
            if (d > 2.5 * s + 50) superlinear.push(`${shape} #${i} go1.${goMinor}: ${s} steps at depth 40, ${d} at 80`);
          });
        }
      }
    } finally {
      Object.defineProperty(TreeNode.prototype, 'parent', { configurable: true, get });
    }
    assert.deepEqual(superlinear, []);
  });

  it('constant chains of 2,000 operands have a value at every link (each link re-evaluated the chain below it: quadratic)', () => {
    const n = 2000;
    const doc = new GoDocument(project.grammar, `package p\n\nfunc f() {\n\t_ = 1${' + 1'.repeat(n - 1)}\n\t_ = "a"${' + "b"'.repeat(n - 1)}\n}\n`);
    try {
      const decl = doc.tree.rootNode.namedChildren.find((d) => d?.type === 'function_declaration')!;
      const pkg = PackageScope.of(doc.tree.rootNode);
      const env = new TypeEnv(decl, new DeclScopes(decl, pkg), pkg, []);
      const [ints, strings] = decl.descendantsOfType('assignment_statement').map((a) => a!.childForFieldName('right')!.namedChild(0)!);
      // Outermost link first, as the escape model asks.
      const links: Node[] = [];
      for (let e: Node | null = ints; e?.type === 'binary_expression'; e = e.childForFieldName('left')) links.push(e);
      assert.equal(links.length, n - 1);
      links.forEach((link, i) => assert.equal(env.constValue(link), BigInt(n - i)));
      assert.equal(env.constValue(strings), `a${'b'.repeat(n - 1)}`);
    } finally {
      doc.dispose();
    }
  });

  it('messages that quote source text holding NUL bytes show U+FFFD instead', async () => {
    const text = 'package p\n\ntype point struct{ x, y int }\n\nfunc f(xs []int) []func() {\n\t_ = new(point{\u0000})\n\tvar fns [\u0000]func()\n\tfor _, v := range xs {\n\t\tfns = append(fns, func() { println(v) })\n\t}\n\treturn fns\n}\n';
    const { findings } = await project.analyzeText('/virtual/nul/a.go', text, { rules: {}, escapeScope: 'all' });
    const quoting = findings.filter((f) => f.message.includes('\uFFFD'));
    assert.ok(quoting.length >= 1, findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
    assert.deepEqual(findings.filter((f) => f.message.includes('\u0000')), []);
  });

  it('go.mod parsing never throws, whatever the text, and names each syntax error', () => {
    const c = new Choices(prng(3));
    const pieces = ['module', 'go', 'toolchain', 'require', '(', ')', '1.21', '1.x', '//', '\r', '\n', '\r\n', ' ', '\t', 'x', '\u0000', '\ufeff', '"'];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: c.between(0, 30) }, () => c.pick(pieces)).join('');
      const facts = parseGoMod(text);
      assert.ok(Number.isInteger(facts.goMinor) && facts.problems.every((p) => /^go\.mod:\d+: \S/.test(p)), JSON.stringify(text));
    }
    assert.deepEqual(parseGoMod('module m\ngo 1.21 1.22\n').problems, ['go.mod:2: malformed go directive: expected "go 1.N"; assuming go 1.16']);
    assert.deepEqual(parseGoMod('module m\ngo 1.21\nrequire (\n').problems, ['go.mod:3: require block is never closed with ")"']);
    assert.deepEqual(parseGoMod('(\nmodule m\n').problems, ['go.mod:1: unexpected "("']);
    assert.deepEqual(parseGoMod('module m\nfrobnicate x\n').problems, ['go.mod:2: unknown directive: frobnicate']);
  });

  it('utf8Length counts what TextEncoder encodes, lone surrogates as U+FFFD', () => {
    for (const s of ['', 'abc', 'é', '世界', '😀', '\ud800', 'a\udc00b', '\ud83d\ude00\ud83d', `x${'\u07ff\u0800\uffff'.repeat(5)}`]) {
      assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
    }
  });

  it(`MAX_NESTING_DEPTH (${MAX_NESTING_DEPTH}) stays above what real code reaches`, () => {
    // The deepest declaration of the Go distribution is 946 levels (a generated string concatenation).
    assert.ok(MAX_NESTING_DEPTH >= 946);
  });
});

function depthBelow(node: Node): number {
  let max = 0;
  for (const child of node.children) if (child) max = Math.max(max, 1 + depthBelow(child));
  return max;
}

/** The combination as it was before it was made linear: every chosen edit checked against every new one. */
function referenceCombine(findings: readonly Finding[], pick: (f: Finding) => Finding['fixes'][number] | undefined): TextEdit[] {
  type P = TextEdit['range']['start'];
  const cmp = (a: P, b: P) => a.line - b.line || a.character - b.character;
  const empty = (e: TextEdit) => cmp(e.range.start, e.range.end) === 0;
  const overlaps = (a: TextEdit, b: TextEdit) => (cmp(a.range.start, b.range.end) < 0 && cmp(b.range.start, a.range.end) < 0) || (empty(a) && empty(b) && cmp(a.range.start, b.range.start) === 0);
  const key = (e: TextEdit) => `${e.range.start.line}:${e.range.start.character}-${e.range.end.line}:${e.range.end.character}=${e.newText}`;
  const chosen: TextEdit[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const fix = pick(f);
    if (!fix || (fix.otherFiles?.length ?? 0) > 0) continue;
    const fresh = fix.edits.filter((e, i) => !seen.has(key(e)) && fix.edits.findIndex((o) => key(o) === key(e)) === i);
    if (fresh.length === 0 || fresh.some((e) => chosen.some((c) => overlaps(c, e)))) continue;
    for (const e of fresh) {
      seen.add(key(e));
      chosen.push(e);
    }
  }
  return chosen;
}

function referenceApply(text: string, edits: readonly TextEdit[]): string {
  const source = new SourceText(text);
  const byOffset = edits
    .map((e, i) => ({ start: source.offsetAt(e.range.start), end: source.offsetAt(e.range.end), newText: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
  let out = text;
  for (const e of byOffset) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
