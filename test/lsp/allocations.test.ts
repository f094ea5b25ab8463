import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { TestClient } from './lspClient';

// Record is allocated in a loop that nothing says is hot: not a finding by default, a fact of the view.
const source = [
  'package m', //0
  '', //1
  'type Record struct{ ID int }', //2
  '', //3
  'var kept []*Record', //4
  '', //5
  'func Register(ids []int) {', //6
  '\tfor _, id := range ids {', //7
  '\t\tr := &Record{ID: id}', //8
  '\t\tkept = append(kept, r)', //9
  '\t}', //10
  '}', //11
  '',
].join('\n');

describe('allocations view and hover over stdio', function () {
  this.timeout(30000);
  let client: TestClient;

  afterEach(async () => {
    if (client.process.exitCode === null) client.process.kill();
  });

  it('shows every predicted allocation of a file on demand, and hides it again', async () => {
    client = new TestClient();
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-alloc-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.22\n');
    writeFileSync(join(dir, 'a.go'), source);
    const uri = pathToFileURL(join(dir, 'a.go')).toString();
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.version === 1)).diagnostics, []);

    const shown = await client.connection.sendRequest('gohazard/allocations', { uri });
    assert.deepEqual(shown, { workspace: false, files: [uri] });
    const view = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    assert.deepEqual(
      view.diagnostics.map((d) => [d.code, d.range.start.line, d.message.replace(/ — .*/, '')]),
      [
        ['escape/address-escapes', 8, '&Record{...} escapes to heap'],
        ['escape/append', 9, 'append escapes to heap'],
      ],
    );
    // The view is the compiler's facts as they are: one per value, with the chain's places related.
    assert.deepEqual(view.diagnostics[0].relatedInformation?.map((r) => [r.location.range.start.line, r.message]), [[9, 'appended to a slice']]);

    assert.deepEqual(await client.connection.sendRequest('gohazard/allocations', { uri }), { workspace: false, files: [] });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 0);

    // The workspace switch shows every file.
    assert.deepEqual(await client.connection.sendRequest('gohazard/allocations', {}), { workspace: true, files: [] });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 2);
    assert.equal(await client.shutdown(), 0);
  });

  it('explains the allocation under the cursor, with its reason and why it is not a finding', async () => {
    client = new TestClient();
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-alloc-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.22\n');
    writeFileSync(join(dir, 'a.go'), source);
    const uri = pathToFileURL(join(dir, 'a.go')).toString();
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    await client.diagnostics(uri, (p) => p.version === 1);

    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 10 } })) as Hover;
    const text = (hover.contents as MarkupContent).value;
    assert.match(text, /heap allocation/);
    assert.match(text, /`&Record\{\.\.\.\} escapes to heap` — appended to a slice at line 10 \(via r\)/);
    assert.match(text, /not reported: nothing says this code is hot/);
    assert.deepEqual(hover.range, { start: { line: 8, character: 7 }, end: { line: 8, character: 22 } });

    // Nothing is allocated at the loop's range clause: no allocation hover (and `range` has the loop hover).
    const none = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 11, character: 0 } });
    assert.equal(none, null);
    assert.equal(await client.shutdown(), 0);
  });
});
