// Files that are not what a Go file should be: huge, binary, invalid UTF-8, NUL bytes, nested 10,000
// levels deep, deleted or unreadable in the middle of a scan, a broken go.mod, symlink loops, and a
// syntax error that sends tree-sitter's error recovery quadratic. Each is analysed within a budget or
// skipped with a message; none makes the CLI or the server fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scan } from '../../server/src/cli/scan';
import { GoDocument } from '../../server/src/engine/document';
import { MAX_NESTING_DEPTH, ParseClock } from '../../server/src/engine/limits';
import { Project } from '../../server/src/engine/project';
import { cliPath, newProject } from '../helpers';
import { TestClient } from '../lsp/lspClient';
import { prng } from './fuzz/random';

const hazard = 'package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n';
const captureOnly = ['--rule', 'loopvar/*=off', '--rule', 'loopvar/capture=warning', '--rule', 'escape/*=off', '--rule', 'alloc/*=off', '--rule', 'pool/*=off', '--rule', 'toolchain/*=off'];

function module(files: Record<string, string | Buffer>, goMod = 'module m\n\ngo 1.21\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-bad-'));
  writeFileSync(join(dir, 'go.mod'), goMod);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function gohazard(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A syntactically valid Go file of about `bytes` bytes, one function after another. */
function bigGoFile(bytes: number): string {
  const fn = (i: number) => `func g${i}(xs []int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tn += x * ${i}\n\t}\n\treturn n\n}\n\n`;
  const parts = ['package m\n\n'];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    parts.push(fn(i));
    size += parts[parts.length - 1].length;
  }
  return parts.join('');
}

const deep = (n: number) => `package m\n\nfunc deep(x int) int {\n\treturn ${'('.repeat(n)}x${')'.repeat(n)}\n}\n\n${hazard.slice('package m\n\n'.length)}`;

describe('bad files', function () {
  this.timeout(120_000);

  describe('gohazard scan', () => {
    it('skips a 10 MB file with a message and analyses the others; the limit is configurable', () => {
      const dir = module({ 'big.go': bigGoFile(10 * 2 ** 20), 'small.go': hazard });
      const r = gohazard(['scan', ...captureOnly, '.'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^gohazard: big\.go: skipped: 10 MB is above the maximum file size of 2 MB \(--max-file-size, gohazard\.maxFileSize\)$/m);
      assert.match(r.stdout, /^small\.go:5:\d+: .*\[loopvar\/capture\]$/m);
      assert.doesNotMatch(r.stdout, /big\.go/);
      const tiny = gohazard(['scan', ...captureOnly, '--max-file-size', '0.00001', 'small.go'], dir);
      assert.equal(tiny.code, 2, 'nothing analysed');
      assert.match(tiny.stderr, /small\.go: skipped: \d+ bytes is above the maximum file size of 10 bytes/);
      assert.equal(gohazard(['scan', '--max-file-size', 'big', '.'], dir).code, 2);
    });

    it('gives up a file whose parse runs out of its budget, measured in the CPU time of the thread that parses (Linux), in a worker and in its own thread', () => {
      // Alone in its directory: a sibling's analysis would parse it once more, for the package's summaries.
      const body = '\t\tgo func() { _ = x }()\n'.repeat(20_000);
      const dir = module({ 'slow.go': `package p\n\nfunc (t T) V() int { retufunc g(xs []int) {\n\tfor _, x := range xs {\n${body}\t}\n}\n` });
      try {
        const measured = process.platform === 'linux' ? ' of CPU time' : '';
        for (const threads of ['1', '0']) {
          const r = gohazard(['scan', '--threads', threads, '.'], dir);
          assert.notEqual(r.code, 2, r.stderr);
          assert.match(r.stdout, new RegExp(`^slow\\.go:1:1: file not analysed: parsing it took longer than 2\\.9 s${measured} \\(.*\\[gohazard/skipped\\]$`, 'm'), `--threads ${threads}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('skips binary files with NUL bytes, and analyses random bytes and invalid UTF-8 without failing', () => {
      const rand = prng(9);
      const binary = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256)));
      const noNul = Buffer.from(Array.from({ length: 4096 }, () => 1 + Math.floor(rand() * 255)));
      const invalid = Buffer.concat([Buffer.from('package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\t/* \xff\xfe\xc0 */ go func() { println(x) }()\n', 'latin1'), Buffer.from('\t}\n}\n')]);
      const dir = module({ 'binary.go': binary, 'noise.go': noNul, 'invalid.go': invalid, 'nul.go': Buffer.from('package m\n\x00\n') });
      const r = gohazard(['scan', ...captureOnly, '--format', 'json', '.'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error/);
      assert.match(r.stderr, /binary\.go: skipped: contains NUL bytes/);
      assert.match(r.stderr, /nul\.go: skipped: contains NUL bytes/);
      const findings = JSON.parse(r.stdout).findings as { file: string; line: number; column: number }[];
      assert.deepEqual(findings.filter((f) => f.file === 'invalid.go').map((f) => f.line), [5]);
    });

    it(`reports a declaration nested 10,000 levels deep as skipped and analyses the rest of the file`, () => {
      const dir = module({ 'deep.go': deep(10_000) });
      const r = gohazard(['scan', ...captureOnly, '--fail-on', 'none', '.'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^deep\\.go:3:1: declaration not analysed: it nests more than ${MAX_NESTING_DEPTH} levels deep \\[gohazard/skipped\\]$`, 'm'));
      assert.match(r.stdout, /^deep\.go:9:\d+: .*\[loopvar\/capture\]$/m);
    });

    it('says what is wrong with a broken go.mod and falls back to go 1.16', () => {
      const dir = module({ 'a.go': hazard }, 'module m\n\ngo 1.x\n\nrequire (\n\texample.com/x v1.0.0\n');
      const r = gohazard(['scan', ...captureOnly, '.'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^gohazard: go\.mod:3: invalid go version '1\.x'; assuming go 1\.16$/m);
      assert.match(r.stderr, /^gohazard: go\.mod:5: require block is never closed with "\)"$/m);
      assert.match(r.stdout, /this file is go1\.16 from go\.mod line 3/);
    });

    it('is not trapped by symlink loops and skips dangling links', () => {
      const dir = module({ 'a.go': hazard });
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'b.go'), hazard);
      symlinkSync(dir, join(dir, 'sub', 'loop'));
      symlinkSync('..', join(dir, 'sub', 'up'));
      symlinkSync('c.go', join(dir, 'd.go'));
      symlinkSync('d.go', join(dir, 'c.go'));
      symlinkSync('missing.go', join(dir, 'dangling.go'));
      const r = gohazard(['scan', ...captureOnly, './...'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error/);
      assert.deepEqual(
        r.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[0]),
        ['a.go', 'sub/b.go'],
      );
    });
  });

  describe('files that change during a scan', () => {
    let project: Project;
    before(async () => {
      project = await newProject();
    });

    it('reports a file deleted, and one replaced by a directory, after the walk listed them, and goes on', async () => {
      const dir = module({ 'a.go': hazard, 'b.go': hazard, 'c.go': hazard, 'd.go': hazard });
      // The scan looks up each listed directory's go.mod between the walk and reading the files.
      const moduleFor = project.modules.moduleFor.bind(project.modules);
      let first = true;
      project.modules.moduleFor = async (path) => {
        if (first) {
          first = false;
          unlinkSync(join(dir, 'c.go'));
          rmSync(join(dir, 'd.go'));
          mkdirSync(join(dir, 'd.go'));
        }
        return moduleFor(path);
      };
      try {
        const result = await scan(project, [dir], { rules: { 'loopvar/*': 'off', 'loopvar/capture': 'warning' } }, { threads: 0 });
        assert.equal(result.files, 2);
        assert.deepEqual(result.reports.map((r) => r.path.replace(/.*\//, '')), ['a.go', 'b.go']);
        assert.deepEqual(
          result.problems.map((p) => [p.path.replace(/.*\//, ''), p.message.replace(/:.*/s, '')]),
          [
            ['c.go', 'cannot read'],
            ['d.go', 'cannot read'],
          ],
        );
      } finally {
        project.modules.moduleFor = moduleFor;
      }
    });
  });

  describe('the engine', () => {
    let project: Project;
    before(async () => {
      project = await newProject();
    });

    it('gives up a parse that takes far longer than parsing normally does, and says so', () => {
      // A syntax error before thousands of statements makes tree-sitter's error recovery quadratic.
      const body = '\t\tgo func() { _ = x }()\n'.repeat(20_000);
      const text = `package p\n\nfunc (t T) V() int { retufunc g(xs []int) {\n\tfor _, x := range xs {\n${body}\t}\n}\n`;
      const doc = new GoDocument(project.grammar, text);
      try {
        assert.match(doc.unparsedReason ?? '', /^file not analysed: parsing it took longer than \d+\.\d s/);
        const { findings } = project.analyzer.analyze(doc, { path: '/x/a.go', goMinor: 21, versionSource: { kind: 'default' }, toolchainMinor: 26, toolchainStatus: 'absent' }, { rules: {} });
        assert.deepEqual(findings.map((f) => [f.rule, f.range.start.line]), [['gohazard/skipped', 0]]);
        // Fixing the syntax error makes the file analysable again.
        doc.update([{ range: { start: { line: 2, character: 21 }, end: { line: 2, character: 29 } }, text: 'return 0 }\nfunc' }]);
        assert.equal(doc.unparsedReason, undefined);
      } finally {
        doc.dispose();
      }
    });

    it('a document given more time parses what the default deadline gives up (the fuzz harness\'s patient fresh analysis)', () => {
      const body = '\t\tgo func() { _ = x }()\n'.repeat(4_000);
      const text = `package p\n\nfunc (t T) V() int { retufunc g(xs []int) {\n\tfor _, x := range xs {\n${body}\t}\n}\n`;
      const hurried = new GoDocument(project.grammar, text, { parseBudgetMs: 1 });
      const patient = new GoDocument(project.grammar, text, { parseBudgetMs: 60_000 });
      try {
        assert.match(hurried.unparsedReason ?? '', /^file not analysed: parsing it took longer than 0\.0 s \(/);
        assert.equal(patient.unparsedReason, undefined);
      } finally {
        hurried.dispose();
        patient.dispose();
      }
    });

    it('measures the parse budget on the clock its host gives, not on Date.now, and names that clock when the budget runs out', () => {
      // The text that runs out of a 1 ms budget on the wall clock above.
      const body = '\t\tgo func() { _ = x }()\n'.repeat(4_000);
      const text = `package p\n\nfunc (t T) V() int { retufunc g(xs []int) {\n\tfor _, x := range xs {\n${body}\t}\n}\n`;
      // A thread CPU clock while the thread waits or is descheduled: it stands still, whatever Date.now says.
      let now = 0;
      let tick = 0;
      const clock: ParseClock = { now: () => (now += tick), measures: 'CPU time' };
      const doc = new GoDocument(project.grammar, text, { parseBudgetMs: 1, clock });
      try {
        assert.equal(doc.unparsedReason, undefined, 'a whole parse (parseAll) spends only what its clock measures');
        // An edit is reparsed in slices (parseSlice), on the same clock.
        const edit = { range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: '\t\t_ = x\n' };
        doc.update([edit]);
        assert.equal(doc.unparsedReason, undefined, 'a reparse spends only what its clock measures');
        // Each reading is now 1 ms later.
        tick = 1;
        doc.update([edit]);
        assert.match(doc.unparsedReason ?? '', /^file not analysed: parsing it took longer than 0\.0 s of CPU time \(/);
        assert.ok(doc.parseTimedOut);
      } finally {
        doc.dispose();
      }
    });

    it('keeps no tree for a document above its size limit, and parses it once the limit allows', () => {
      const doc = new GoDocument(project.grammar, hazard, { maxBytes: 50 });
      try {
        assert.match(doc.unparsedReason ?? '', /^file not analysed: it is \d+ bytes, above the maximum file size of 50 bytes/);
        assert.equal(doc.tree.rootNode.childCount, 0);
        doc.setLimits({ maxBytes: 0 });
        assert.equal(doc.unparsedReason, undefined);
        assert.ok(doc.tree.rootNode.childCount > 0);
      } finally {
        doc.dispose();
      }
    });

    for (const shape of ['parens', 'unary', 'binary', 'selector', 'index', 'calls', 'composite', 'closures', 'blocks', 'loops', 'ifElse', 'types']) {
      it(`analyses a 10,000-deep ${shape} nesting without an error, and a 100-deep one normally`, async () => {
        for (const depth of [10_000, 100]) {
          const text = nested(shape, depth);
          const { findings } = await project.analyzeText('/virtual/deep/a.go', text, { rules: {} });
          const skipped = findings.some((f) => f.rule === 'gohazard/skipped');
          assert.equal(skipped, depth > MAX_NESTING_DEPTH, `${shape} at depth ${depth}: ${findings.map((f) => f.rule).join(', ')}`);
        }
      });
    }
  });

  describe('the language server', () => {
    let client: TestClient | undefined;
    afterEach(() => {
      if (client && client.process.exitCode === null) client.process.kill();
    });

    it('answers a 10 MB document with one informational diagnostic, analyses it once it shrinks, and keeps serving', async () => {
      const dir = module({});
      const uri = pathToFileURL(join(dir, 'big.go')).toString();
      client = new TestClient();
      client.settings = { rules: { 'escape/*': 'off', 'alloc/*': 'off', 'pool/*': 'off', 'toolchain/*': 'off' } };
      await client.initialize(pathToFileURL(dir).toString());
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: bigGoFile(10 * 2 ** 20) } });
      const big = await client.diagnostics(uri, (p) => p.version === 1, 60_000);
      assert.deepEqual(big.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['gohazard/skipped', 3, 0]]);
      assert.match(big.diagnostics[0].message, /file not analysed: it is 10 MB, above the maximum file size of 2 MB/);
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: hazard }] });
      const small = await client.diagnostics(uri, (p) => p.version === 2, 30_000);
      assert.ok(small.diagnostics.some((d) => d.code === 'loopvar/capture'), JSON.stringify(small.diagnostics));
      // gohazard.maxFileSize is read from the settings.
      client.settings = { ...client.settings, maxFileSize: 0.00001 };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      const limited = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'gohazard/skipped'), 30_000);
      assert.equal(limited.diagnostics.length, 1);
      await client.shutdown();
    });

    it('analyses documents with NUL bytes, invalid text and deep nesting without failing', async () => {
      const dir = module({});
      client = new TestClient();
      await client.initialize(pathToFileURL(dir).toString());
      const texts = ['package m\n\x00\x00\nfunc f() {}\n', `${hazard}\ud800 lone surrogate \udc00\n`, deep(10_000), '\ufeffpackage m\r\rfunc f() {}\r'];
      for (let i = 0; i < texts.length; i++) {
        const uri = pathToFileURL(join(dir, `t${i}.go`)).toString();
        await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: texts[i] } });
        await client.diagnostics(uri, (p) => p.version === 1, 30_000);
      }
      await client.shutdown();
    });

    it('logs a broken go.mod and shows its problems on go.mod, until it is fixed', async () => {
      const dir = module({ 'a.go': hazard }, 'module m\n\ngo 1.x\n');
      const goModUri = pathToFileURL(join(dir, 'go.mod')).toString();
      client = new TestClient();
      const logs: string[] = [];
      client.connection.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
      await client.initialize(pathToFileURL(dir).toString());
      const uri = pathToFileURL(join(dir, 'a.go')).toString();
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: hazard } });
      const onGoMod = await client.diagnostics(goModUri);
      assert.deepEqual(onGoMod.diagnostics.map((d) => [d.range.start.line, d.message]), [[2, "invalid go version '1.x'; assuming go 1.16"]]);
      assert.ok(logs.some((l) => l.endsWith("go.mod:3: invalid go version '1.x'; assuming go 1.16")), logs.join('\n'));
      // The user fixes go.mod in the editor: the problems go away.
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: goModUri, languageId: 'go.mod', version: 1, text: 'module m\n\ngo 1.x\n' } });
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: goModUri, version: 2 }, contentChanges: [{ text: 'module m\n\ngo 1.21\n' }] });
      const fixed = await client.diagnostics(goModUri, (p) => p.diagnostics.length === 0);
      assert.deepEqual(fixed.diagnostics, []);
      await client.shutdown();
    });
  });
});

function nested(shape: string, n: number): string {
  const program = (body: string) => `package p\n\nvar ptrs []*int\n\nfunc f(xs []int, a bool) {\n\tfor _, x := range xs {\n${body}\n\t}\n}\n`;
  switch (shape) {
    case 'parens':
      return program(`\t\tgo func() { _ = ${'('.repeat(n)}x${')'.repeat(n)} }()`);
    case 'unary':
      return program(`\t\t_ = ${'!'.repeat(n)}a`);
    case 'binary':
      return program(`\t\t_ = x${' + x'.repeat(n)}`);
    case 'selector':
      return program(`\t\t_ = x${'.f'.repeat(n)}`);
    case 'index':
      return program(`\t\t_ = xs${'[x]'.repeat(n)}`);
    case 'calls':
      return program(`\t\tgo ${'g('.repeat(n)}x${')'.repeat(n)}`);
    case 'composite':
      return program(`\t\t_ = T${'{'.repeat(n)}x${'}'.repeat(n)}`);
    case 'closures':
      return program(`\t\t_ = ${'func() int { return '.repeat(n)}x${' }()'.repeat(n)}`);
    case 'blocks':
      return program(`${'{'.repeat(n)}go func() { _ = x }()${'}'.repeat(n)}`);
    case 'loops':
      return program(`${'for _, x := range xs {\n'.repeat(n)}go func() { _ = x }()\n${'}\n'.repeat(n)}`);
    case 'ifElse':
      return program(`${'if a {\n} else '.repeat(n)}{\ngo func() { _ = x }()\n}`);
    default:
      return `package p\n\nvar v ${'[]'.repeat(n)}int\n\ntype T ${'*'.repeat(n)}int\n`;
  }
}
