import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuProfile, FunctionHotness } from '../../server/src/engine/profile/cpuProfile';
import { GoDocument } from '../../server/src/engine/document';
import { profileNameOf, splitSymbolName } from '../../server/src/engine/profile/names';
import { decodePprof, readPprof } from '../../server/src/engine/profile/pprof';
import { Project } from '../../server/src/engine/project';
import { gunzipNode, toEnginePath } from '../../server/src/node/nodeHost';
import { fixturesRoot, newProject } from '../helpers';
import { encodeProfile, ProfileSpec } from './pprofWriter';

const fixtureDir = join(fixturesRoot, 'profile');
const S = 1e9;
const TOTAL = 7.62 * S;

/**
 * From `go tool pprof -top -cum -nodefraction=0 test/fixtures/profile/default.pgo` (go1.26.8):
 *       flat  flat%   sum%        cum   cum%
 *          0     0%     0%      7.61s 99.87%  example.com/profilefixture.BenchmarkWorkload
 *      1.33s 17.45% 17.45%      3.30s 43.31%  example.com/profilefixture.CountDigits (inline)
 *      0.14s  1.84% 19.29%      2.34s 30.71%  example.com/profilefixture.(*Encoder).Encode
 *      1.83s 24.02% 47.11%      1.90s 24.93%  example.com/profilefixture.BenchmarkWorkload.CountDigits.func1 (inline)
 *      1.69s 22.18% 69.29%      1.75s 22.97%  example.com/profilefixture.Checksum (inline)
 *      1.33s 17.45% 86.75%      1.33s 17.45%  internal/strconv.formatBase10
 *      0.01s  0.13% 94.49%      0.22s  2.89%  example.com/profilefixture.Describe
 * and Total samples = 7.62s. Lines and start lines (s=) from `go tool pprof -raw`.
 */
const expected = {
  countDigits: { functionName: 'CountDigits', fullName: 'example.com/profilefixture.CountDigits', cumShare: (3.3 * S) / TOTAL, flatShare: (1.33 * S) / TOTAL, startLine: 39, lastLine: 49 },
  encode: { functionName: '(*Encoder).Encode', fullName: 'example.com/profilefixture.(*Encoder).Encode', cumShare: (2.34 * S) / TOTAL, flatShare: (0.14 * S) / TOTAL, startLine: 17, lastLine: 22 },
  closure: { functionName: 'CountDigits.func1', fullName: 'example.com/profilefixture.BenchmarkWorkload.CountDigits.func1', cumShare: (1.9 * S) / TOTAL, flatShare: (1.83 * S) / TOTAL, startLine: 41, lastLine: 43 },
  checksum: { functionName: 'Checksum', fullName: 'example.com/profilefixture.Checksum', cumShare: (1.75 * S) / TOTAL, flatShare: (1.69 * S) / TOTAL, startLine: 29, lastLine: 33 },
  describe: { functionName: 'Describe', fullName: 'example.com/profilefixture.Describe', cumShare: (0.22 * S) / TOTAL, flatShare: (0.01 * S) / TOTAL, startLine: 55, lastLine: 58 },
};

function assertHotness(actual: FunctionHotness | undefined, want: FunctionHotness, what: string): void {
  assert.ok(actual, `${what}: no function`);
  const { cumShare, flatShare, ...rest } = actual;
  const { cumShare: wantCum, flatShare: wantFlat, ...wantRest } = want;
  assert.deepEqual(rest, wantRest, what);
  // Shares are sums of whole 10 ms samples divided by the total: equal up to rounding.
  assert.ok(Math.abs(cumShare - wantCum) < 1e-12, `${what}: cum ${cumShare} != ${wantCum}`);
  assert.ok(Math.abs(flatShare - wantFlat) < 1e-12, `${what}: flat ${flatShare} != ${wantFlat}`);
}

/** A view's answer (zero-based lines, as the engine counts) with the 1-based lines pprof prints. */
function oneBased(fn: FunctionHotness | undefined): FunctionHotness | undefined {
  return fn && { ...fn, startLine: fn.startLine + 1, lastLine: fn.lastLine + 1 };
}

/** A copy of the fixture module (go.mod, sources, default.pgo) at another path, as another checkout has it. */
function copyFixture(...relative: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'gohazard-profile-'));
  const dir = join(root, ...relative);
  mkdirSync(dir, { recursive: true });
  cpSync(fixtureDir, dir, { recursive: true });
  return dir;
}

describe('CPU profile index', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  /** The view gohazard builds for a file, through discovery (default.pgo) and its go.mod. */
  async function viewOf(dir: string, name = 'enc.go') {
    const path = toEnginePath(join(dir, name));
    const facts = await project.facts(path, readFileSync(join(dir, name), 'utf8'));
    return facts.profile;
  }

  describe('the committed profile, against go tool pprof', () => {
    it('totals and the summary', async () => {
      const view = await viewOf(fixtureDir);
      assert.ok(view);
      assert.equal(view.source, toEnginePath(join(fixtureDir, 'default.pgo')));
      assert.deepEqual({ ...view.summary, functions: 0 }, { sampleType: 'cpu/nanoseconds', total: TOTAL, samples: 762, cpuNanos: TOTAL, durationNanos: 9_134_868_917, functions: 0 });
      // Every function with samples: `go tool pprof -top -nodefraction=0 default.pgo | wc -l`, less its 6 header lines.
      assert.equal(view.summary.functions, 74);
    });

    it('cumulative and flat shares of every function of enc.go, hottest first', async () => {
      const view = (await viewOf(fixtureDir))!;
      const functions = view.functions().map((f) => oneBased(f)!);
      assert.deepEqual(
        functions.map((f) => f.functionName),
        ['CountDigits', '(*Encoder).Encode', 'CountDigits.func1', 'Checksum', 'Describe'],
      );
      for (const [name, want] of Object.entries(expected)) assertHotness(functions.find((f) => f.startLine === want.startLine), want, name);
    });

    it('hotness(line): the innermost function the profile saw; closures own their lines', async () => {
      const view = (await viewOf(fixtureDir))!;
      assertHotness(oneBased(view.hotness(17 - 1)), expected.encode, 'the func line of Encode');
      assertHotness(oneBased(view.hotness(21 - 1)), expected.encode, 'a hot line of Encode');
      assertHotness(oneBased(view.hotness(22 - 1)), expected.encode, 'the last line with samples');
      assert.equal(oneBased(view.hotness(25 - 1)), undefined, 'after the last line with samples, the profile does not know where Encode ends');
      assertHotness(oneBased(view.hotness(39 - 1)), expected.countDigits, 'CountDigits');
      assertHotness(oneBased(view.hotness(41 - 1)), expected.closure, 'the closure\'s func line');
      assertHotness(oneBased(view.hotness(43 - 1)), expected.closure, 'inside the closure');
      assertHotness(oneBased(view.hotness(48 - 1)), expected.countDigits, 'CountDigits after the closure');
      assertHotness(oneBased(view.hotness(55 - 1)), expected.describe, 'the cold Describe');
      assert.equal(oneBased(view.hotness(64 - 1)), undefined, 'Unused never ran: not in the profile');
      assert.equal(oneBased(view.hotness(12 - 1)), undefined, 'a type declaration');
    });

    it('hotWithin(from, to): whether a function with samples in those lines reaches the policy\'s threshold (1%)', async () => {
      const view = (await viewOf(fixtureDir))!;
      assert.equal(view.name, 'default.pgo');
      // Zero-based, inclusive: Encode's declaration is lines 17-26 of the editor.
      assert.equal(view.hotWithin(16, 25), true);
      assert.equal(view.hotWithin(54, 60), true, 'Describe: 2.9%');
      assert.equal(view.hotWithin(62, 65), false, 'Unused never ran');
      assert.equal(view.hotWithin(10, 13), false, 'the Encoder type');
      assert.equal(view.hotWithin(25, 27), false, 'after Encode\'s last line with samples, before Checksum');
    });

    it('named(name): the profile\'s name for a declaration, which survives edits that move it', async () => {
      const view = (await viewOf(fixtureDir))!;
      const text = readFileSync(join(fixtureDir, 'enc.go'), 'utf8');
      const doc = new GoDocument(project.grammar, `// three lines inserted above\n//\n//\n${text}`);
      try {
        const decls = doc.tree.rootNode.namedChildren.filter((n) => n?.type === 'function_declaration' || n?.type === 'method_declaration');
        const found = decls.map((d) => [profileNameOf(d!), oneBased(view.named(profileNameOf(d!)!))?.startLine]);
        assert.deepEqual(found, [
          ['(*Encoder).Encode', 17],
          ['Checksum', 29],
          ['CountDigits', 39],
          ['Describe', 55],
          ['Unused', undefined],
        ]);
        assertHotness(oneBased(view.named('CountDigits.func1')), expected.closure, 'the closure by name');
      } finally {
        doc.dispose();
      }
    });

    it('the test file: the benchmark', async () => {
      const view = (await viewOf(fixtureDir, 'enc_test.go'))!;
      assertHotness(oneBased(view.hotness(13 - 1)), { functionName: 'BenchmarkWorkload', fullName: 'example.com/profilefixture.BenchmarkWorkload', cumShare: (7.61 * S) / TOTAL, flatShare: 0, startLine: 7, lastLine: 20 }, 'BenchmarkWorkload');
    });

    it('standard-library functions only for files of a Go distribution', async () => {
      const cpu = new CpuProfile(await readPprof(new Uint8Array(readFileSync(join(fixtureDir, 'default.pgo'))), gunzipNode));
      const itoa = '/home/me/sdk/go1.26/src/internal/strconv/itoa.go';
      assert.deepEqual(cpu.functionsOf(itoa), [], 'a file in no module');
      assert.deepEqual(cpu.functionsOf(itoa, { importPath: 'example.com/me/internal/strconv' }), [], 'another package of that name');
      const inGoroot = cpu.functionsOf(itoa, { importPath: 'internal/strconv', inGoroot: true });
      const formatBase10 = inGoroot.find((f) => f.functionName === 'formatBase10');
      assert.ok(formatBase10);
      assert.ok(Math.abs(formatBase10.cumShare - (1.33 * S) / TOTAL) < 1e-12);
    });
  });

  describe('another checkout', () => {
    it('maps the profile\'s absolute paths onto a copy of the fixture elsewhere', async () => {
      const view = (await viewOf(copyFixture('elsewhere', 'src', 'profile')))!;
      assertHotness(oneBased(view.hotness(17 - 1)), expected.encode, 'Encode');
      assertHotness(oneBased(view.hotness(42 - 1)), expected.closure, 'the closure');
    });

    it('in a directory of another name, the package path proves the match', async () => {
      const view = (await viewOf(copyFixture('renamed')))!;
      assertHotness(oneBased(view.hotness(17 - 1)), expected.encode, 'Encode');
    });

    it('without go.mod, the directory must match: profile/enc.go', async () => {
      const same = copyFixture('gopath', 'profile');
      rmSync(join(same, 'go.mod'));
      assertHotness(oneBased((await viewOf(same))!.hotness(17 - 1)), expected.encode, 'Encode');
      const other = copyFixture('gopath', 'renamed');
      rmSync(join(other, 'go.mod'));
      assert.equal(oneBased((await viewOf(other))!.hotness(17 - 1)), undefined);
    });

    it('a module of another path is other code, as it is to the compiler', async () => {
      const dir = copyFixture('fork', 'profile');
      writeFileSync(join(dir, 'go.mod'), 'module example.com/fork\n\ngo 1.21\n');
      const view = (await viewOf(dir))!;
      assert.ok(view, 'the profile is found');
      assert.equal(oneBased(view.hotness(17 - 1)), undefined);
    });
  });

  describe('written profiles', () => {
    const base: Omit<ProfileSpec, 'samples' | 'functions'> = {
      sampleTypes: [
        ['samples', 'count'],
        ['cpu', 'nanoseconds'],
      ],
    };
    const cpu = (spec: Pick<ProfileSpec, 'samples' | 'functions'>) => new CpuProfile(decodePprof(encodeProfile({ ...base, ...spec })));
    const one = (n: number) => [n, n * 10_000_000];

    it('counts a function once per sample however often the stack holds it (recursion)', () => {
      const p = cpu({
        functions: [{ id: 1, name: 'example.com/m.walk', file: '/ci/m/tree.go', startLine: 5 }],
        samples: [
          { stack: [{ fn: 1, line: 7 }, { fn: 1, line: 8 }, { fn: 1, line: 8 }], values: one(2) },
          { stack: [{ fn: 1, line: 9 }], values: one(2) },
        ],
      });
      assert.equal(p.hotness('/ws/m/tree.go', 5)?.cumShare, 1);
      assert.equal(p.hotness('/ws/m/tree.go', 5)?.flatShare, 1);
    });

    it('uses cpu/nanoseconds when present, else samples/count; and says what else it is', () => {
      const spec = { functions: [{ id: 1, name: 'main.f', file: '/ci/m/main.go', startLine: 3 }], samples: [{ stack: [{ fn: 1, line: 4 }], values: [7] }] };
      const counts = new CpuProfile(decodePprof(encodeProfile({ sampleTypes: [['samples', 'count']], ...spec })));
      assert.deepEqual([counts.summary.sampleType, counts.summary.total, counts.summary.samples, counts.summary.cpuNanos], ['samples/count', 7, 7, undefined]);
      const cpuOnly = new CpuProfile(decodePprof(encodeProfile({ sampleTypes: [['cpu', 'nanoseconds']], ...spec })));
      assert.deepEqual([cpuOnly.summary.sampleType, cpuOnly.summary.samples], ['cpu/nanoseconds', 1]);
    });

    it('-trimpath names: module files by import path, std files relative', () => {
      const p = cpu({
        functions: [
          { id: 1, name: 'example.com/m/pkg.Encode', file: 'example.com/m/pkg/enc.go', startLine: 10 },
          { id: 2, name: 'strings.(*Builder).WriteString', file: 'strings/builder.go', startLine: 100 },
          { id: 3, name: 'runtime.main', file: 'runtime/proc.go', startLine: 150 },
          { id: 4, name: 'mytool/pkg.Run', file: 'mytool/pkg/run.go', startLine: 3 },
        ],
        samples: [{ stack: [{ fn: 2, line: 101 }, { fn: 1, line: 11 }, { fn: 4, line: 4 }, { fn: 3, line: 160 }], values: one(1) }],
      });
      assert.equal(p.hotness('/Users/me/code/m/pkg/enc.go', 10, { importPath: 'example.com/m/pkg' })?.functionName, 'Encode');
      assert.equal(p.hotness('/Users/me/code/m/pkg/enc.go', 10)?.functionName, 'Encode', 'pkg/enc.go without the import path');
      assert.equal(p.hotness('/ws/vendorish/strings/builder.go', 100), undefined, 'std, and the workspace is not GOROOT');
      assert.equal(p.hotness('/ws/mytool/pkg/run.go', 3, { importPath: 'mytool/pkg' })?.functionName, 'Run', 'a module path without a dot, proven by its package');
    });

    it('standard library under the GOROOT the runtime reveals, including Windows paths', () => {
      const p = cpu({
        functions: [
          { id: 1, name: 'runtime.main', file: 'C:/Program Files/Go/src/runtime/proc.go', startLine: 150 },
          { id: 2, name: 'main.main', file: 'C:\\Users\\ci\\m\\cmd\\tool\\main.go', startLine: 8 },
          { id: 3, name: 'bytes.(*Buffer).Write', file: 'C:/Program Files/Go/src/bytes/buffer.go', startLine: 177 },
        ],
        samples: [{ stack: [{ fn: 3, line: 180 }, { fn: 2, line: 9 }, { fn: 1, line: 160 }], values: one(1) }],
      });
      assert.equal(p.hotness('/home/me/m/cmd/tool/main.go', 9, { importPath: 'example.com/m/cmd/tool' })?.functionName, 'main', 'main packages match by path');
      assert.equal(p.hotness('/home/me/m/bytes/buffer.go', 177), undefined);
      assert.equal(p.hotness('/home/me/goroot/src/bytes/buffer.go', 177, { importPath: 'bytes', inGoroot: true })?.functionName, '(*Buffer).Write');
    });

    it('without the import path, only the closest file matches; with it, every checkout of the file adds up', () => {
      const p = cpu({
        functions: [
          { id: 1, name: 'example.com/a/internal.Util', file: '/ci/a/internal/util.go', startLine: 3 },
          { id: 2, name: 'example.com/b/internal.Util', file: '/ci/deps/b/internal/util.go', startLine: 3 },
          { id: 3, name: 'example.com/a/internal.Util', file: '/other-ci/a/internal/util.go', startLine: 3 },
        ],
        samples: [
          { stack: [{ fn: 1, line: 4 }], values: one(1) },
          { stack: [{ fn: 2, line: 4 }], values: one(2) },
          { stack: [{ fn: 3, line: 4 }], values: one(5) },
        ],
      });
      assert.equal(p.hotness('/ws/a/internal/util.go', 3, { importPath: 'example.com/a/internal' })?.cumShare, 6 / 8);
      assert.equal(p.hotness('/ws/b/internal/util.go', 3, { importPath: 'example.com/b/internal' })?.cumShare, 2 / 8);
      // Without go.mod: a/internal/util.go (3 components) beats b's 2.
      assert.equal(p.hotness('/ws/a/internal/util.go', 3)?.cumShare, 6 / 8);
    });

    it('merges closures inlined into several callers and generic instantiations into one function', () => {
      const p = cpu({
        functions: [
          { id: 1, name: 'example.com/m.F', file: '/ci/m/f.go', startLine: 10 },
          { id: 2, name: 'example.com/m.F.func1', file: '/ci/m/f.go', startLine: 12 },
          { id: 3, name: 'example.com/m.G.F.func1', file: '/ci/m/f.go', startLine: 12 },
          { id: 4, name: 'example.com/m.Map[go.shape.int]', file: '/ci/m/f.go', startLine: 30 },
          { id: 5, name: 'example.com/m.Map[go.shape.string]', file: '/ci/m/f.go', startLine: 30 },
        ],
        samples: [
          { stack: [[{ fn: 3, line: 13 }, { fn: 1, line: 20 }], [{ fn: 2, line: 13 }, { fn: 1, line: 21 }]], values: one(1) },
          { stack: [{ fn: 4, line: 31 }], values: one(1) },
          { stack: [{ fn: 5, line: 32 }], values: one(2) },
        ],
      });
      const scope = { importPath: 'example.com/m' };
      assert.deepEqual(
        p.functionsOf('/ws/m/f.go', scope).map((f) => [f.functionName, f.startLine, f.cumShare]),
        [
          ['Map', 30, 3 / 4],
          ['F', 10, 1 / 4],
          ['F.func1', 12, 1 / 4],
        ],
      );
    });

    it('profiles before Go 1.21 have no start lines: the first line with samples stands in', () => {
      const p = cpu({ functions: [{ id: 1, name: 'example.com/m.F', file: '/ci/m/f.go' }], samples: [{ stack: [{ fn: 1, line: 14 }], values: one(1) }, { stack: [{ fn: 1, line: 12 }], values: one(1) }] });
      assert.deepEqual([p.hotness('/ws/m/f.go', 12)?.startLine, p.hotness('/ws/m/f.go', 14)?.lastLine, p.hotness('/ws/m/f.go', 11)], [12, 14, undefined]);
    });
  });

  it('profile names of declarations: receivers by value, by pointer, generic, parenthesized', async () => {
    const doc = new GoDocument(project.grammar, 'package p\nfunc (l *List[T]) Push(x T) {}\nfunc (e Enc) Len() int { return 0 }\nfunc (*Raw) M() {}\nfunc ((Par)) N() {}\nfunc Map[T any](x T) {}\nvar v = 1\n');
    try {
      assert.deepEqual(doc.tree.rootNode.namedChildren.slice(1).map((n) => profileNameOf(n!)), ['(*List).Push', 'Enc.Len', '(*Raw).M', 'Par.N', 'Map', undefined]);
    } finally {
      doc.dispose();
    }
  });

  it('short names for messages', () => {
    const cases: [string, string, string][] = [
      ['github.com/x/y/pkg.(*Encoder).Encode', 'github.com/x/y/pkg', '(*Encoder).Encode'],
      ['github.com/x/y/pkg.F.func1', 'github.com/x/y/pkg', 'F.func1'],
      ['gopkg.in/yaml%2ev3.(*parser).parse', 'gopkg.in/yaml.v3', '(*parser).parse'],
      ['example.com/m.(*List[go.shape.int]).Push', 'example.com/m', '(*List).Push'],
      ['runtime.mallocgc', 'runtime', 'mallocgc'],
      ['main.main', 'main', 'main'],
      ['encoding/json.Marshal', 'encoding/json', 'Marshal'],
    ];
    for (const [full, packagePath, shortName] of cases) assert.deepEqual(splitSymbolName(full), { packagePath, shortName }, full);
  });
});
