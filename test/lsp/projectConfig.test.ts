import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TestClient } from './lspClient';

const source = 'package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n';

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.code}:${d.severity}`);
const hasCapture = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.code === 'loopvar/capture');

describe('language server with a .gohazard.json', function () {
  this.timeout(30000);
  let client: TestClient;

  afterEach(() => {
    if (client.process.exitCode === null) client.process.kill();
  });

  it('applies it, reloads it when it changes on disk, publishes its problems, and lets user settings win', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-lsp-config-'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
    writeFileSync(join(dir, 'a.go'), source);
    const configPath = join(dir, '.gohazard.json');
    const configUri = pathToFileURL(configPath).toString();
    writeFileSync(configPath, '// shared with CI\n{ "rules": { "loopvar/capture": "off" } }\n');
    const uri = pathToFileURL(join(dir, 'a.go')).toString();
    const changed = (type: FileChangeType = FileChangeType.Changed) => client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: configUri, type }] });

    client = new TestClient();
    // VS Code sends null for an escape scope the user did not set.
    client.settings = { escape: { scope: null } };
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    const first = await client.diagnostics(uri);
    assert.ok(first.diagnostics.length > 0, 'other rules still report');
    assert.equal(hasCapture(first), false, codes(first).join(', '));

    // The team turns it back on, as an error: no restart, the open file changes.
    writeFileSync(configPath, '{ "rules": { "loopvar/capture": "error" } }\n');
    await changed();
    const reloaded = await client.diagnostics(uri, hasCapture);
    assert.ok(codes(reloaded).includes('loopvar/capture:1'), codes(reloaded).join(', '));

    // Mistakes are diagnostics on the file, at their line; the valid parts still apply.
    writeFileSync(configPath, '{\n  "rules": { "loopvar/capture": "info" },\n  "escapeScope": "sometimes"\n}\n');
    await changed();
    const problems = await client.diagnostics(configUri, (p) => p.diagnostics.length > 0);
    assert.deepEqual(
      problems.diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.severity, d.source, d.message]),
      [[2, 17, 1, 'gohazard', 'escapeScope must be one of "hot", "loops", "all", not "sometimes"']],
    );
    await client.diagnostics(uri, (p) => codes(p).includes('loopvar/capture:3'));

    // One user's VS Code settings override the file, rule by rule.
    client.settings = { rules: { 'loopvar/capture': 'hint' }, escape: { scope: null } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    const overridden = await client.diagnostics(uri, hasCapture);
    assert.ok(codes(overridden).includes('loopvar/capture:4'), codes(overridden).join(', '));

    // Without those settings and without the file (deleted): its problems are cleared, the defaults are back.
    client.settings = { escape: { scope: null } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    rmSync(configPath);
    await changed(FileChangeType.Deleted);
    assert.deepEqual((await client.diagnostics(configUri, (p) => p.diagnostics.length === 0)).diagnostics, []);
    await client.diagnostics(uri, (p) => codes(p).includes('loopvar/capture:2'));
    assert.equal(await client.shutdown(), 0);
  });
});
