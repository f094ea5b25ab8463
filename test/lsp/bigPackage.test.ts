// Opening a file of a package of many files (issue 20): a fresh server publishes at once what the file
// alone decides, then, once the facts of the package's other files are loaded, the complete results.
// Nothing of the first publish is missing from the complete one (no finding shows and goes), and what
// needs another file (a sync.Pool declared there) comes with the complete one.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TestClient } from './lspClient';

const SIBLINGS = 60;

const opened = [
  'package big', // 0
  '',
  'func release(v any) {', // 2
  '\tslabPool.Put(v.(*int))', // 3: pool/type-mismatch, only known with pools.go's facts
  '}',
  '',
  'func spawn(xs []int) {', // 6
  '\tfor _, x := range xs {', // 7
  '\t\tgo func() { println(x) }()', // 8: loopvar/capture, decided by this file alone
  '\t}',
  '}',
  '',
].join('\n');

function bigPackage(): { dir: string; uri: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-bigpkg-'));
  writeFileSync(join(dir, 'go.mod'), 'module example.com/big\n\ngo 1.21\n');
  writeFileSync(join(dir, 'pools.go'), 'package big\n\nimport "sync"\n\nvar slabPool = sync.Pool{New: func() any { return make([]byte, 0, 1024) }}\n');
  for (let i = 0; i < SIBLINGS; i++) {
    const body = Array.from({ length: 20 }, (_, j) => `type t${i}_${j} struct{ n int }\n\nfunc (t *t${i}_${j}) inc(k int) int {\n\tfor i := 0; i < k; i++ {\n\t\tt.n += i\n\t}\n\treturn t.n\n}\n`).join('\n');
    writeFileSync(join(dir, `f${i}.go`), `package big\n\n${body}`);
  }
  const path = join(dir, 'open.go');
  writeFileSync(path, opened);
  return { dir, uri: pathToFileURL(path).toString() };
}

const keyOf = (d: PublishDiagnosticsParams['diagnostics'][number]) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`;
const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.range.start.line} ${d.code}`).sort();

/** Every publish for uri from didOpen until the one that holds the pool finding (the complete results). */
async function publishesUntilComplete(client: TestClient, uri: string): Promise<PublishDiagnosticsParams[]> {
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: opened } });
  const complete = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'pool/type-mismatch'), 20000);
  return [...client.allPublished((u) => u === uri), complete];
}

describe('opening a file of a package of many files', function () {
  this.timeout(60000);
  let client: TestClient | undefined;

  afterEach(async () => {
    if (client && client.process.exitCode === null) client.process.kill();
  });

  it('publishes what the file alone decides first, then the complete results with the pool of another file, never taking a finding back', async () => {
    const { dir, uri } = bigPackage();
    client = new TestClient();
    await client.initialize(pathToFileURL(dir).toString());
    const publishes = await publishesUntilComplete(client, uri);
    const first = publishes[0];
    const complete = publishes[publishes.length - 1];
    assert.ok(publishes.length >= 2, `a first publish before the complete one (${publishes.length})`);
    assert.deepEqual(codes(first), ['8 loopvar/capture'], 'the first publish: what open.go decides alone');
    assert.deepEqual(codes(complete), ['3 pool/type-mismatch', '8 loopvar/capture']);
    // No flicker: each publish holds every finding of the one before, as it was.
    for (let i = 1; i < publishes.length; i++) {
      const now = new Set(publishes[i].diagnostics.map(keyOf));
      for (const d of publishes[i - 1].diagnostics) assert.ok(now.has(keyOf(d)), `publish ${i} keeps ${keyOf(d)}`);
    }
    await client.shutdown();
  });

  it('stores the summaries of the other files in the cache, and a fresh server reads them from it to the same results', async () => {
    const { dir, uri } = bigPackage();
    const cache = mkdtempSync(join(tmpdir(), 'gohazard-bigpkg-cache-'));
    const env = { ...process.env, GOHAZARD_CACHE: cache };
    const results: string[][] = [];
    for (let run = 0; run < 2; run++) {
      client = new TestClient(undefined, { env });
      await client.initialize(pathToFileURL(dir).toString());
      const publishes = await publishesUntilComplete(client, uri);
      results.push(codes(publishes[publishes.length - 1]));
      const { packageSummaries } = (await client.connection.sendRequest('gohazard/stats')) as { packageSummaries: { summarised: number; fromStore: number } };
      // pools.go and the others: every one summarised the first time, read from the cache the second.
      assert.deepEqual(packageSummaries, run === 0 ? { summarised: SIBLINGS + 1, fromStore: 0 } : { summarised: 0, fromStore: SIBLINGS + 1 }, `run ${run}`);
      await client.shutdown();
      // Entries live in subdirectories named by the first two hex digits of their keys.
      if (run === 0) assert.ok(readdirSync(cache).filter((n) => /^[0-9a-f]{2}$/.test(n)).length > 0, 'summaries stored');
    }
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[0], ['3 pool/type-mismatch', '8 loopvar/capture']);
  });
});
