import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShard, shardOf } from '../../server/src/cli/shard';
import { cliPath, fixturesRoot } from '../helpers';

function gohazard(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gohazard scan --shard and gohazard merge', function () {
  this.timeout(180_000);
  let root: string;
  before(() => {
    // The fixtures (many packages, findings of every family) as one module's tree.
    root = mkdtempSync(join(tmpdir(), 'gohazard-shard-'));
    cpSync(fixturesRoot, join(root, 'fixtures'), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const format of ['json', 'sarif']) {
    it(`merges the ${format} outputs of 3 shards into the unsharded output, byte for byte`, () => {
      const whole = gohazard(['scan', '--format', format, '--fail-on', 'none', './...'], root);
      assert.equal(whole.code, 0, whole.stderr);
      const shards = [1, 2, 3].map((k) => {
        const r = gohazard(['scan', '--shard', `${k}/3`, '--format', format, '--fail-on', 'none', './...'], root);
        assert.equal(r.code, 0, r.stderr);
        const file = join(root, `shard${k}.${format}`);
        writeFileSync(file, r.stdout);
        return { file, output: r.stdout };
      });
      // Every shard has a part of the work.
      for (const s of shards) assert.ok(s.output.length < whole.stdout.length && /"(file|uri)":/.test(s.output), 'each shard has findings, not all of them');
      const merged = gohazard(['merge', '--fail-on', 'none', ...shards.map((s) => s.file).reverse()], root);
      assert.equal(merged.code, 0, merged.stderr);
      assert.equal(merged.stdout, whole.stdout);
      // merge fails as the unsharded scan would.
      assert.equal(gohazard(['merge', ...shards.map((s) => s.file)], root).code, gohazard(['scan', '--format', format, './...'], root).code);
      for (const s of shards) rmSync(s.file);
    });
  }

  it('refuses shards that do not add up to one scan, and says why', () => {
    const out = (k: number, n: number) => {
      const file = join(root, `s${k}of${n}.json`);
      writeFileSync(file, gohazard(['scan', '--shard', `${k}/${n}`, '--format', 'json', '--fail-on', 'none', './...'], root).stdout);
      return file;
    };
    const [a, b, c] = [out(1, 3), out(2, 3), out(3, 3)];
    const missing = gohazard(['merge', a, c], root);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /shard 2\/3 missing/);
    assert.match(gohazard(['merge', a, b, b, c], root).stderr, /both shard 2\/3/);
    assert.match(gohazard(['merge', a, b, c, out(1, 2)], root).stderr, /is shard 1\/2/);
    writeFileSync(join(root, 'junk.json'), '{"not":"gohazard"}');
    assert.match(gohazard(['merge', a, join(root, 'junk.json')], root).stderr, /neither the JSON nor the SARIF output/);
    assert.match(gohazard(['scan', '--shard', '4/3', './...'], root).stderr, /--shard takes K\/N/);
  });

  it('assigns a package by its import path, so adding a package moves no other', () => {
    const paths = Array.from({ length: 200 }, (_, i) => `example.com/m/pkg${i}`);
    const before = paths.map((p) => shardOf(p, 4));
    const after = [...paths, 'example.com/m/new'].map((p) => shardOf(p, 4));
    assert.deepEqual(after.slice(0, paths.length), before);
    // Spread over every shard.
    assert.deepEqual(new Set(before), new Set([1, 2, 3, 4]));
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) assert.equal(parseShard(bad), undefined);
  });

  it('keeps a package in its shard whatever directory the scan runs from', () => {
    const module = join(root, 'mod');
    mkdirSync(join(module, 'a', 'b'), { recursive: true });
    writeFileSync(join(module, 'go.mod'), 'module example.com/mod\n\ngo 1.21\n');
    const hazard = 'package b\n\nfunc F(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n';
    writeFileSync(join(module, 'a', 'b', 'b.go'), hazard);
    const shard = shardOf('example.com/mod/a/b', 5);
    const found = (cwd: string, arg: string) => gohazard(['scan', '--shard', `${shard}/5`, '--format', 'json', '--fail-on', 'none', arg], cwd).stdout.includes('b.go');
    assert.ok(found(module, './...'));
    assert.ok(found(join(module, 'a'), './...'));
    assert.ok(found(root, 'mod/...'));
    assert.ok(!gohazard(['scan', '--shard', `${(shard % 5) + 1}/5`, '--format', 'json', '--fail-on', 'none', './...'], module).stdout.includes('b.go'));
  });

  it('folds findings that share one fix into one, across shards as in one scan', () => {
    // Six packages of one module use go1.20 API under `go 1.18`: one problem, one go.mod edit.
    const module = join(root, 'shared');
    mkdirSync(module, { recursive: true });
    writeFileSync(join(module, 'go.mod'), 'module example.com/shared\n\ngo 1.18\n');
    const packages = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    for (const p of packages) {
      mkdirSync(join(module, p), { recursive: true });
      writeFileSync(join(module, p, `${p}.go`), `package ${p}\n\nimport "strings"\n\nfunc Trim(s string) (string, bool) {\n\treturn strings.CutPrefix(s, "x")\n}\n\nfunc Trim2(s string) (string, bool) {\n\treturn strings.CutSuffix(s, "x")\n}\n`);
    }
    const shards = new Set(packages.map((p) => shardOf(`example.com/shared/${p}`, 3)));
    assert.ok(shards.size > 1, 'the packages fall in more than one shard');
    const whole = JSON.parse(gohazard(['scan', '--format', 'json', '--fail-on', 'none', './...'], module).stdout);
    assert.equal(whole.findings.length, 1);
    const [f] = whole.findings;
    assert.equal(f.file, 'p0/p0.go');
    assert.equal(f.sharedFix, 'go.mod: Raise go.mod to go 1.20');
    assert.deepEqual(
      f.related.map((r: { file: string; line: number }) => `${r.file}:${r.line}`),
      packages.flatMap((p) => [`${p}/${p}.go:6`, `${p}/${p}.go:10`]).slice(1),
    );
    // One line, as problem matchers read it, naming the first places the fix also covers.
    assert.match(
      gohazard(['scan', '--fail-on', 'none', './...'], module).stdout,
      /^p0\/p0\.go:6:\d+: strings\.CutPrefix needs go1\.20; [^\n]* \(the same fix also covers p0\/p0\.go:10:\d+, p1\/p1\.go:6:\d+, p1\/p1\.go:10:\d+ and 8 more\) \[toolchain\/std-api\]\n$/,
    );
    for (const format of ['json', 'sarif']) {
      const unsharded = gohazard(['scan', '--format', format, '--fail-on', 'none', './...'], module).stdout;
      const files = [1, 2, 3].map((k) => {
        const file = join(root, `shared${k}.${format}`);
        writeFileSync(file, gohazard(['scan', '--shard', `${k}/3`, '--format', format, '--fail-on', 'none', './...'], module).stdout);
        return file;
      });
      const merged = gohazard(['merge', '--fail-on', 'none', ...files], module);
      assert.equal(merged.code, 0, merged.stderr);
      assert.equal(merged.stdout, unsharded, format);
      // A warning still fails the merge as it fails the scan.
      assert.equal(gohazard(['merge', ...files], module).code, 1);
    }
  });
});
