import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { TestClient } from './lspClient';

const hazard = (pkg: string) => `package ${pkg}\n\nfunc F(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n`;
const clean = (pkg: string) => `package ${pkg}\n\nfunc G(xs []int) (n int) {\n\tfor _, x := range xs {\n\t\tn += x\n\t}\n\treturn n\n}\n`;

/** A go 1.21 module with dirs directories of files files each; the first file of each directory has a hazard. */
function workspace(dirs: number, files: number): string {
  const root = mkdtempSync(join(tmpdir(), 'gohazard-scan-'));
  writeFileSync(join(root, 'go.mod'), 'module w\n\ngo 1.21\n');
  for (let d = 0; d < dirs; d++) {
    mkdirSync(join(root, `p${d}`));
    for (let f = 0; f < files; f++) writeFileSync(join(root, `p${d}`, `f${f}.go`), f === 0 ? hazard(`p${d}`) : clean(`p${d}`));
  }
  mkdirSync(join(root, 'testdata'));
  writeFileSync(join(root, 'testdata', 'skipped.go'), hazard('skipped'));
  return root;
}

describe('workspace scan over LSP', function () {
  this.timeout(60000);
  let client: TestClient;
  afterEach(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  it('scans every file with progress, publishes for files that are not open, and summarises', async () => {
    const root = workspace(12, 8);
    client = new TestClient();
    client.settings = { rules: { 'escape/*': 'off', 'alloc/*': 'off', 'pool/*': 'off', 'toolchain/*': 'off', 'loopvar/semantics-change': 'off' } };
    await client.initialize(pathToFileURL(root).toString());
    // An open file whose live text differs from the disk: its diagnostics must stay the live ones.
    const openUri = pathToFileURL(join(root, 'p0', 'f0.go')).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: openUri, languageId: 'go', version: 1, text: clean('p0') } });
    await client.diagnostics(openUri, (p) => p.version === 1);

    const summary = (await client.connection.sendRequest('gohazard/scanWorkspace', {})) as { files: number; findings: Record<string, number>; cancelled: boolean; summary: string };
    assert.equal(summary.files, 96);
    assert.equal(summary.cancelled, false);
    assert.deepEqual(summary.findings, { loopvar: 12 });
    assert.match(summary.summary, /^Scanned 96 of 96 Go files in [\d.]+ s: 12 loopvar\.$/);

    const reports = client.progress.filter((p) => p.value.kind === 'report');
    assert.ok(reports.length > 0, 'progress reports');
    assert.ok(reports.some((p) => /\d+\/96 · p\d+/.test(p.value.message ?? '')), 'progress names the current directory');
    const scanned = client.allPublished((uri) => uri.startsWith(pathToFileURL(root).toString()) && uri !== openUri);
    const withFindings = new Set(scanned.filter((p) => p.diagnostics.length > 0).map((p) => p.uri));
    assert.equal(withFindings.size, 11, 'the 11 hazards in files that are not open');
    assert.ok(!client.allPublished((u) => u === openUri).some((p) => p.diagnostics.length > 0), 'the open file keeps its live (clean) diagnostics');
    assert.ok(!client.allPublished((u) => u.includes('/testdata/')).length, 'testdata is skipped');
    assert.equal(await client.shutdown(), 0);
  });

  it('stops a running scan when the request is cancelled', async () => {
    const root = workspace(400, 6);
    client = new TestClient();
    await client.initialize(pathToFileURL(root).toString());
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('gohazard/scanWorkspace', {}, source.token);
    // Cancel once the scan has visibly started.
    while (!client.progress.some((p) => p.value.kind === 'report')) await new Promise((r) => setTimeout(r, 5));
    source.cancel();
    const result = (await pending.catch((e: unknown) => e)) as { cancelled?: boolean; files?: number; code?: number };
    // Either the server answers with its partial summary or the client reports the cancellation.
    if (typeof result.files === 'number') {
      assert.equal(result.cancelled, true);
      assert.ok(result.files < 2400, `scanned ${result.files} of 2400 files`);
    } else {
      assert.equal(result.code, -32800, 'RequestCancelled');
    }
    // The server keeps serving.
    const again = (await client.connection.sendRequest('gohazard/toolchain', { uri: pathToFileURL(join(root, 'p0', 'f0.go')).toString() })) as { goVersion: string };
    assert.equal(again.goVersion, 'go1.21');
    assert.equal(await client.shutdown(), 0);
  });

  it('takes the findings of files that did not change from the scan cache, kept outside the workspace', async () => {
    const root = workspace(6, 4);
    const cacheDir = mkdtempSync(join(tmpdir(), 'gohazard-scan-cache-'));
    const previous = process.env.GOHAZARD_CACHE;
    try {
      const scanOnce = async (cache: string) => {
        process.env.GOHAZARD_CACHE = cache;
        client = new TestClient();
        client.settings = { rules: { 'escape/*': 'off', 'alloc/*': 'off', 'pool/*': 'off', 'toolchain/*': 'off', 'loopvar/semantics-change': 'off' } };
        await client.initialize(pathToFileURL(root).toString());
        const summary = (await client.connection.sendRequest('gohazard/scanWorkspace', {})) as { files: number; summary: string };
        const withFindings = client.allPublished((uri) => uri.startsWith(pathToFileURL(root).toString()) && uri.endsWith('.go')).filter((p) => p.diagnostics.length > 0).map((p) => p.uri).sort();
        assert.equal(await client.shutdown(), 0);
        return { summary: summary.summary, withFindings };
      };
      const cold = await scanOnce(cacheDir);
      assert.match(cold.summary, /^Scanned 24 of 24 Go files \(0 from the cache\) in [\d.]+ s: 6 loopvar\.$/);
      writeFileSync(join(root, 'p1', 'f0.go'), clean('p1'));
      const warm = await scanOnce(cacheDir);
      assert.match(warm.summary, /^Scanned 24 of 24 Go files \(23 from the cache\) in [\d.]+ s: 5 loopvar\.$/);
      assert.deepEqual(warm.withFindings, cold.withFindings.filter((uri) => !uri.endsWith('/p1/f0.go')));
      // A cache directory inside the workspace folder is not used.
      const inside = await scanOnce(join(root, 'cache'));
      assert.match(inside.summary, /^Scanned 24 of 24 Go files in/);
      assert.ok(!existsSync(join(root, 'cache')), 'nothing written inside the workspace');
    } finally {
      process.env.GOHAZARD_CACHE = previous;
    }
  });
});
