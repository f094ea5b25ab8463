import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CACHE_FORMAT, configKey, FACTS_FIELDS_IN_KEY, ScanCache } from '../../server/src/engine/scanCache';
import { defaultCacheDir, DiskCache, resolveCacheDir, trimCache } from '../../server/src/node/diskCache';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { allRules } from '../../server/src/rules';
import { ScanHandle, ScanOutcome } from '../../server/src/workspace/scanner';
import { goFilesOf } from '../../server/src/workspace/walk';
import { cliPath, fixturesRoot, newProject } from '../helpers';

const config = { rules: {} };

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `gohazard-${prefix}-`));
}

async function filesOf(root: string): Promise<string[]> {
  return goFilesOf([`${root}/...`], []);
}

function scanFiles(files: string[], cacheDir: string | undefined, options: { threads?: number; escapeScope?: 'all' } = {}): Promise<ScanOutcome> {
  return new ScanHandle({ files, config: { rules: {}, escapeScope: options.escapeScope }, threads: options.threads ?? 0, cache: cacheDir ? { dir: cacheDir } : undefined }).done;
}

/** What a scan found, per file, as its outputs (JSON) see it. */
function findingsOf(outcome: ScanOutcome): unknown {
  return JSON.parse(JSON.stringify(outcome.results.map((r) => [r.file, r.findings, r.problems])));
}

/** The cache's entry files. */
function entries(cacheDir: string): string[] {
  return readdirSync(cacheDir)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(cacheDir, d)).map((name) => join(cacheDir, d, name)));
}

describe('scan cache', function () {
  this.timeout(180_000);
  const cleanup: string[] = [];
  after(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });
  const temp = (prefix: string) => {
    const dir = tempDir(prefix);
    cleanup.push(dir);
    return dir;
  };

  it('gives a warm scan the cold scan findings on the fixture corpus, analysing nothing again', async () => {
    const files = await filesOf(fixturesRoot);
    const cacheDir = temp('cache');
    const uncached = await scanFiles(files, undefined);
    const cold = await scanFiles(files, cacheDir);
    const warm = await scanFiles(files, cacheDir, { threads: 2 });
    assert.ok(uncached.results.reduce((n, r) => n + r.findings.length, 0) > 100, 'a corpus with findings of every family');
    assert.deepEqual(findingsOf(cold), findingsOf(uncached));
    assert.deepEqual(findingsOf(warm), findingsOf(uncached));
    assert.equal(cold.cache?.hits, 0);
    assert.equal(cold.cache?.misses, files.length);
    assert.equal(warm.cache?.hits, files.length);
    assert.equal(warm.cache?.misses, 0);
    assert.equal(warm.cache?.written, 0);
    assert.equal(warm.cache?.ignored, 0);
    assert.equal(warm.threads, 0, 'no worker started: every directory was found in the cache');
  });

  describe('after a sibling changes', () => {
    const poolFile = (withNew: boolean) =>
      `package p\n\nimport (\n\t"bytes"\n\t"sync"\n)\n\nvar bufPool = sync.Pool{${withNew ? 'New: func() any { return new(bytes.Buffer) }' : ''}}\n`;
    const useFile = 'package p\n\nimport "bytes"\n\nfunc render(s string) string {\n\tb := bufPool.Get().(*bytes.Buffer)\n\tb.WriteString(s)\n\tout := b.String()\n\tb.Reset()\n\tbufPool.Put(b)\n\treturn out\n}\n';
    const keepFile = (body: string) => `package p\n\nvar sink *int\n\nfunc keep(p *int) {\n\t${body}\n}\n`;
    const callerFile = 'package p\n\nfunc caller(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tx := i\n\t\tkeep(&x)\n\t}\n}\n';
    const otherFile = 'package p\n\nfunc answer() int {\n\treturn 42\n}\n';
    const elsewhereFile = 'package q\n\nfunc Q(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n';

    function module(): { root: string; write(name: string, text: string): void } {
      const root = temp('module');
      writeFileSync(join(root, 'go.mod'), 'module m\n\ngo 1.21\n');
      mkdirSync(join(root, 'p'));
      mkdirSync(join(root, 'q'));
      const write = (name: string, text: string) => writeFileSync(join(root, name), text);
      write('p/pool.go', poolFile(false));
      write('p/use.go', useFile);
      write('p/keep.go', keepFile('sink = p'));
      write('p/caller.go', callerFile);
      write('p/other.go', otherFile);
      write('q/q.go', elsewhereFile);
      return { root, write };
    }

    /** Scans with the cache and checks the findings against a scan without it; returns the files analysed again. */
    async function rescan(root: string, cacheDir: string): Promise<{ analysed: string[]; outcome: ScanOutcome }> {
      const files = await filesOf(root);
      const outcome = await scanFiles(files, cacheDir, { escapeScope: 'all' });
      assert.deepEqual(findingsOf(outcome), findingsOf(await scanFiles(files, undefined, { escapeScope: 'all' })), 'the same findings as without a cache');
      const analysed = outcome.results.filter((r) => !r.cached).map((r) => basename(r.file));
      return { analysed: analysed.sort(), outcome };
    }

    it('re-analyses the package whose pool got a New, and not another package', async () => {
      const { root, write } = module();
      const cacheDir = temp('cache');
      const first = await rescan(root, cacheDir);
      const rule = (o: ScanOutcome, name: string) => o.results.find((r) => r.file.endsWith(name))!.findings.map((f) => f.rule);
      assert.ok(rule(first.outcome, 'use.go').includes('pool/get-without-new'), 'Get without New is reported');
      write('p/pool.go', poolFile(true));
      const second = await rescan(root, cacheDir);
      assert.ok(!rule(second.outcome, 'use.go').includes('pool/get-without-new'), 'no longer once the pool has a New');
      // The pool rules read the package's pool summaries whole (the copy check lists every type that
      // holds a pool): every file of p reads them, q's file does not.
      assert.deepEqual(second.analysed, ['caller.go', 'keep.go', 'other.go', 'pool.go', 'use.go']);
    });

    it('in a package without a pool, re-analyses only the edited file, and every file once a sibling declares one', async () => {
      const root = temp('module');
      writeFileSync(join(root, 'go.mod'), 'module m\n\ngo 1.21\n');
      mkdirSync(join(root, 'r'));
      const write = (name: string, text: string) => writeFileSync(join(root, 'r', name), text);
      // No file says Pool: bufs is a slice, and get.go calls methods it does not have. Its range over
      // make(…) asks whether the package declares its own make: no other file says the word.
      write('decl.go', 'package r\n\nvar bufs []byte\n');
      write('get.go', 'package r\n\nimport "bytes"\n\nfunc render(s string) string {\n\tfor i := range make([]int, 2) {\n\t\t_ = i\n\t}\n\tb := bufs.Get().(*bytes.Buffer)\n\tb.WriteString(s)\n\tout := b.String()\n\tb.Reset()\n\tbufs.Put(b)\n\treturn out\n}\n');
      write('other.go', otherFile.replace('package p', 'package r'));
      const cacheDir = temp('cache');
      const rules = (o: ScanOutcome) => o.results.find((r) => r.file.endsWith('get.go'))!.findings.map((f) => f.rule);
      const first = await rescan(root, cacheDir);
      assert.ok(!rules(first.outcome).some((r) => r.startsWith('pool/')));
      // What the package-names summary of other.go says changes; get.go never read it.
      write('other.go', `${otherFile.replace('package p', 'package r')}\nfunc id[T any](x T) T { return x }\n`);
      assert.deepEqual((await rescan(root, cacheDir)).analysed, ['other.go'], 'no file read what another says');
      write('decl.go', 'package r\n\nimport "sync"\n\nvar bufs sync.Pool\n');
      const third = await rescan(root, cacheDir);
      assert.ok(rules(third.outcome).includes('pool/get-without-new'), 'bufs is now a pool without New');
      assert.deepEqual(third.analysed, ['decl.go', 'get.go', 'other.go']);
    });

    it('re-analyses the callers of a function whose escape tags changed, and not after an edit that keeps them', async () => {
      const { root, write } = module();
      const cacheDir = temp('cache');
      const first = await rescan(root, cacheDir);
      const messages = (o: ScanOutcome) => o.results.find((r) => r.file.endsWith('caller.go'))!.findings.map((f) => f.message);
      assert.ok(messages(first.outcome).some((m) => m.startsWith('moved to heap: x')), 'x escapes through keep');
      write('p/keep.go', keepFile('_ = *p // reads, keeps nothing'));
      const second = await rescan(root, cacheDir);
      assert.ok(!messages(second.outcome).some((m) => m.startsWith('moved to heap: x')), 'not once keep no longer leaks p');
      // Only caller.go looked up keep's escape tags.
      assert.deepEqual(second.analysed, ['caller.go', 'keep.go']);
      // An edit inside the body that leaves keep's summary as it was: only keep.go itself.
      write('p/keep.go', keepFile('_ = *p // reads p, and keeps nothing of it'));
      const third = await rescan(root, cacheDir);
      assert.deepEqual(third.analysed, ['keep.go']);
    });
    it('keys findings on the escape tags they read of a sibling\'s method, which are stored with its text', async () => {
      const { root, write } = module();
      const cacheDir = temp('cache');
      const methodFile = (body: string) => `package p\n\ntype T struct{}\n\nvar sinkT *int\n\nfunc (T) keep(p *int) {\n\t${body}\n}\n`;
      const callerOf = (init: string) => `package p\n\nfunc mcaller(n int, t T) {\n\tfor i := 0; i < n; i++ {\n\t\tx := ${init}\n\t\tt.keep(&x)\n\t}\n}\n`;
      write('p/method.go', methodFile('sinkT = p'));
      write('p/mcaller.go', callerOf('i'));
      const escapes = (o: ScanOutcome) => o.results.find((r) => r.file.endsWith('mcaller.go'))!.findings.some((f) => f.message.startsWith('moved to heap: x'));
      assert.ok(escapes((await rescan(root, cacheDir)).outcome), 'x escapes through T.keep');
      // The method's summary (its signature) is the same; its tags are not.
      write('p/method.go', methodFile('_ = *p'));
      const second = await rescan(root, cacheDir);
      assert.ok(!escapes(second.outcome), 'not once T.keep no longer leaks p');
      assert.deepEqual(second.analysed, ['mcaller.go', 'method.go']);
      // Back to the first text: every file's findings are those of the first scan, from the cache.
      write('p/method.go', methodFile('sinkT = p'));
      const third = await rescan(root, cacheDir);
      assert.ok(escapes(third.outcome));
      assert.deepEqual(third.analysed, []);
      // The caller edited, the method not: its tags come from the cache and say what they said.
      write('p/mcaller.go', callerOf('i + 1'));
      const fourth = await rescan(root, cacheDir);
      assert.ok(escapes(fourth.outcome));
      assert.deepEqual(fourth.analysed, ['mcaller.go']);
    });
  });

  it('serves two scans at once into one directory, then a third from what they stored', async () => {
    const root = temp('corpus');
    cpSync(fixturesRoot, root, { recursive: true });
    const cacheDir = temp('cache');
    // No go command: the CLIs and this process assume the same toolchain.
    const env = { ...process.env, GOHAZARD_GO: join(root, 'no-go-here') };
    const scanCli = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [cliPath, 'scan', '--cache-dir', cacheDir, '--threads', '2', '--format', 'json', '--fail-on', 'none', `${root}/...`], { stdio: ['ignore', 'pipe', 'pipe'], env });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
      });
    const [a, b] = await Promise.all([scanCli(), scanCli()]);
    const expected = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, 'scan', '--no-cache', '--format', 'json', '--fail-on', 'none', `${root}/...`], { stdio: ['ignore', 'pipe', 'inherit'], env });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
    });
    assert.equal(a, expected);
    assert.equal(b, expected);
    assert.deepEqual(
      entries(cacheDir).filter((e) => basename(e).startsWith('.tmp-')),
      [],
      'no temporary file left behind',
    );
    const files = await filesOf(root);
    const third = await scanFiles(files, cacheDir, { threads: 2 });
    assert.deepEqual(third.cache && [third.cache.hits, third.cache.misses, third.cache.ignored], [files.length, 0, 0]);
  });

  it('ignores and counts corrupted, truncated and foreign entries, and replaces them', async () => {
    const files = await filesOf(join(fixturesRoot, 'pool'));
    const cacheDir = temp('cache');
    const cold = await scanFiles(files, cacheDir);
    const all = entries(cacheDir);
    const byKind = (kind: string) => all.filter((e) => readFileSync(e, 'utf8').split(' ')[2] === kind);
    const [summary1, summary2] = byKind('summary');
    const [reads1] = byKind('reads');
    // A summary of garbage bytes, a summary holding another entry, a list of reads of another format,
    // and every directory's and file's findings truncated or with a byte changed.
    writeFileSync(summary1, Buffer.from([0xff, 0xfe, 0, 1, 2, 3]));
    writeFileSync(summary2, readFileSync(byKind('findings')[0]));
    writeFileSync(reads1, readFileSync(reads1, 'utf8').replace(`gohazard-cache ${CACHE_FORMAT} `, `gohazard-cache ${CACHE_FORMAT + 1} `));
    [...byKind('directory'), ...byKind('findings')].forEach((entry, i) => {
      const text = readFileSync(entry, 'utf8');
      writeFileSync(entry, i % 2 === 0 ? text.slice(0, -2) : text.replace(/.$/s, (c) => (c === ']' ? '}' : ']')));
    });
    const warm = await scanFiles(files, cacheDir);
    assert.deepEqual(findingsOf(warm), findingsOf(cold));
    assert.equal(warm.cache?.misses, files.length);
    assert.ok((warm.cache?.ignored ?? 0) >= files.length + 2, `ignored ${warm.cache?.ignored} of at least ${files.length + 2}`);
    const repaired = await scanFiles(files, cacheDir);
    assert.deepEqual(repaired.cache && [repaired.cache.hits, repaired.cache.ignored], [files.length, 0]);
    assert.deepEqual(findingsOf(repaired), findingsOf(cold));
  });

  it('keeps findings of one configuration, toolchain or language version apart from another', async () => {
    const files = await filesOf(join(fixturesRoot, 'loopvar'));
    const cacheDir = temp('cache');
    await scanFiles(files, cacheDir);
    const other = await new ScanHandle({ files, config: { rules: { 'loopvar/*': 'error' } }, threads: 0, cache: { dir: cacheDir } }).done;
    assert.equal(other.cache?.hits, 0);
    assert.ok(other.results.some((r) => r.findings.some((f) => f.severity === 'error')));
    const go122 = await new ScanHandle({ files, config, goMinor: 22, threads: 0, cache: { dir: cacheDir } }).done;
    assert.equal(go122.cache?.hits, 0);
    const toolchain = await new ScanHandle({ files, config, toolchain: { installedMinor: 24, installedVersion: 'go1.24.0' }, threads: 0, cache: { dir: cacheDir } }).done;
    assert.equal(toolchain.cache?.hits, 0);
    const again = await scanFiles(files, cacheDir);
    assert.equal(again.cache?.hits, files.length);
  });

  it('decides on every field of FileFacts: each is in the key or covered by the package lookup', async () => {
    const project = await newProject();
    const [file] = await filesOf(join(fixturesRoot, 'pool', 'get-without-new'));
    const facts = await project.facts(toEnginePath(file), readFileSync(file, 'utf8'));
    for (const field of Object.keys(facts)) assert.ok((FACTS_FIELDS_IN_KEY as string[]).includes(field), `FileFacts.${field} is not in the scan cache key (engine/scanCache.ts factsKey)`);
  });

  it('keys the configuration by effective severities: a family setting equals the same setting per rule', () => {
    const docs = allRules;
    const family = configKey({ rules: { 'pool/*': 'off' } }, docs);
    const each = configKey({ rules: Object.fromEntries(allRules.filter((r) => r.id.startsWith('pool/')).map((r) => [r.id, 'off' as const])) }, docs);
    assert.equal(family, each);
    assert.notEqual(configKey({ rules: {} }, docs), family);
    assert.notEqual(configKey({ rules: {}, escapeScope: 'all' }, docs), configKey({ rules: {} }, docs));
  });

  it('trims the least recently used entries once the cache may exceed its bound', () => {
    const dir = temp('trim');
    const cache = new DiskCache(dir);
    const keys = Array.from({ length: 10 }, (_, i) => cache.digest([String(i)]));
    const now = Date.now();
    keys.forEach((key, i) => {
      assert.ok(cache.write(key, 'x'.repeat(1000)));
      // Entry i was last used i hours ago.
      const t = (now - i * 3_600_000) / 1000;
      utimesSync(join(dir, key.slice(0, 2), key), t, t);
    });
    mkdirSync(join(dir, 'ab'), { recursive: true });
    writeFileSync(join(dir, 'ab', '.tmp-1-0-0'), 'left by a killed writer');
    utimesSync(join(dir, 'ab', '.tmp-1-0-0'), (now - 7_200_000) / 1000, (now - 7_200_000) / 1000);
    // Never measured: it is now, and the cache is within its bound.
    assert.deepEqual(trimCache(dir, 100_000, 10_000, now), { measured: true, bytesBefore: 10_000, bytesAfter: 10_000, removed: 0 });
    // Below the bound by the running estimate: nothing is listed.
    assert.deepEqual(trimCache(dir, 100_000, 1_000, now), { measured: false, bytesBefore: 11_000, bytesAfter: 11_000, removed: 0 });
    const trim = trimCache(dir, 5_000, 0, now);
    assert.deepEqual(trim, { measured: true, bytesBefore: 10_000, bytesAfter: 4_000, removed: 6 });
    const left = new Set(keys.filter((key) => cache.read(key) !== undefined));
    assert.deepEqual([...left], keys.slice(0, 4), 'the four most recently used are kept');
    assert.deepEqual(readdirSync(join(dir, 'ab')), [], 'the stale temporary file is gone');
    // The estimate now starts from the measured size.
    assert.equal(trimCache(dir, 5_000, 500, now).measured, false);
    assert.equal(trimCache(dir, 5_000, 600, now).measured, true);
  });

  it('reads an entry written under its key only, whatever else is in the directory', () => {
    const dir = temp('entries');
    const disk = new DiskCache(dir);
    const cache = new ScanCache(disk, 'test-engine');
    const digest = cache.textDigest('package p\n');
    assert.equal(cache.loadSummary(digest), undefined);
    cache.storeSummary(digest, 'p', new Map([['pool', { a: 1 }]]), JSON.stringify([['pool', { a: 1 }]]));
    cache.endDirectory();
    const loaded = cache.loadSummary(digest);
    assert.equal(loaded?.packageName, 'p');
    assert.deepEqual([...loaded!.summaries()], [['pool', { a: 1 }]]);
    // Another engine (another build of gohazard) does not see it.
    assert.equal(new ScanCache(disk, 'another-engine').loadSummary(digest), undefined);
    assert.equal(disk.read('not a key'), undefined);
    assert.equal(disk.write('../escape', 'x'), false);
  });

  describe('location', () => {
    it('is the user cache directory unless GOHAZARD_CACHE or --cache-dir says otherwise', () => {
      assert.equal(defaultCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/gohazard');
      assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), '/xdg/gohazard');
      assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.cache/gohazard');
      assert.equal(defaultCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/gohazard');
      assert.equal(defaultCacheDir({ LocalAppData: 'C:\\Users\\u\\AppData\\Local' }, 'win32', ''), join('C:\\Users\\u\\AppData\\Local', 'gohazard'));
      assert.equal(defaultCacheDir({}, 'linux', ''), undefined);
      assert.equal(resolveCacheDir({ workspaces: [], env: { GOHAZARD_CACHE: '/c' } }).dir, '/c');
      assert.equal(resolveCacheDir({ workspaces: [], env: { GOHAZARD_CACHE: 'off' } }).dir, undefined);
      assert.equal(resolveCacheDir({ workspaces: [], explicit: '/d', env: { GOHAZARD_CACHE: 'off' } }).dir, '/d');
      assert.equal(resolveCacheDir({ workspaces: [], disabled: true, explicit: '/d', env: {} }).dir, undefined);
      assert.equal(resolveCacheDir({ workspaces: [], env: { GOHAZARD_CACHE: '/c', GOHAZARD_CACHE_MAX_MB: '2' } }).maxBytes, 2 * 2 ** 20);
    });

    it('is never inside a directory being analysed', () => {
      const inside = resolveCacheDir({ workspaces: ['/work/repo'], explicit: '/work/repo/.cache' });
      assert.equal(inside.dir, undefined);
      assert.match(inside.problem ?? '', /inside \/work\/repo/);
      assert.equal(resolveCacheDir({ workspaces: ['/work/repo'], explicit: '/work/repo' }).dir, undefined);
      assert.equal(resolveCacheDir({ workspaces: ['/work/repo'], explicit: '/work/repo2/cache' }).dir, '/work/repo2/cache');
      // The CLI allows a directory the scan does not enter (GitLab caches paths inside the project only).
      assert.equal(resolveCacheDir({ workspaces: ['/work/repo'], explicit: '/work/repo/.cache/gohazard', hiddenInside: true }).dir, '/work/repo/.cache/gohazard');
      assert.equal(resolveCacheDir({ workspaces: ['/work/repo'], explicit: '/work/repo/.cache/gohazard' }).dir, undefined);
      assert.equal(resolveCacheDir({ workspaces: ['/work/repo'], explicit: '/work/repo/cache', hiddenInside: true }).dir, undefined);
    });
  });
});
