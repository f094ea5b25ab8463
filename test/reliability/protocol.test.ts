// Protocol faults: malformed frames and JSON, unknown methods, bad parameters, requests about documents
// that are not open, stale and unknown didChange notifications, cancellations. The server answers
// requests with errors where it cannot serve them, logs what it dropped, and keeps serving: every
// fault is followed by a request that must still be answered.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough } from 'node:stream';
import { FrameGuard } from '../../server/src/node/frameGuard';
import { TestClient } from '../lsp/lspClient';
import { frame, RawServer } from './rawServer';

const hazard = 'package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n';

function module(): { dir: string; uri: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-proto-'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
  writeFileSync(join(dir, 'a.go'), hazard);
  return { dir, uri: pathToFileURL(join(dir, 'a.go')).toString() };
}

/** What a FrameGuard passes on and reports for some input, chunk by chunk. */
async function guarded(chunks: string[]): Promise<{ out: string; dropped: string[] }> {
  const dropped: string[] = [];
  const guard = new FrameGuard((m) => dropped.push(m));
  const input = new PassThrough();
  input.pipe(guard);
  let out = '';
  guard.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const ended = new Promise((resolve) => guard.on('end', resolve));
  for (const c of chunks) input.write(c);
  input.end();
  await ended;
  return { out, dropped };
}

describe('protocol faults', function () {
  this.timeout(60_000);

  describe('the stdin frame guard', () => {
    const ok = frame({ jsonrpc: '2.0', id: 1, method: 'x' });

    it('passes well-formed messages through unchanged, however they are split into chunks', async () => {
      const two = ok + frame({ jsonrpc: '2.0', method: 'n', params: { text: 'Content-Length: 5\r\n世界' } });
      for (const size of [1, 3, 7, two.length]) {
        const chunks = [];
        for (let i = 0; i < two.length; i += size) chunks.push(two.slice(i, i + size));
        assert.deepEqual(await guarded(chunks), { out: two, dropped: [] }, `chunks of ${size}`);
      }
    });

    it('drops what is not a message and resynchronises on the next header', async () => {
      const cases: [string, RegExp][] = [
        ['Content-Length: abc\r\n\r\n{}', /without a valid Content-Length/],
        ['Foo: bar\r\n\r\n{}', /without a valid Content-Length/],
        ['hello world\r\n\r\n', /without a valid Content-Length/],
        ['Content-Length: 999999999999\r\n\r\n{}', /without a valid Content-Length/],
        ['Content-Length: 40\r\n\r\n{"jsonrpc":"2.0"}', /shorter than its Content-Length/],
        [frame('{"jsonrpc": "2.0", "id": 5, "method": '), /not JSON/],
        [frame('[1,2,3]'), /not a JSON object/],
        [`${'x'.repeat(10_000)}`, /header longer than 8 KB/],
      ];
      for (const [bad, why] of cases) {
        const { out, dropped } = await guarded([bad, ok]);
        assert.equal(out, ok, JSON.stringify(bad.slice(0, 60)));
        assert.ok(dropped.some((d) => why.test(d)), `${JSON.stringify(bad.slice(0, 60))}: ${JSON.stringify(dropped)}`);
      }
    });
  });

  describe('the language server over stdio', () => {
    let server: RawServer | undefined;
    afterEach(() => server?.kill());

    it('keeps serving after malformed frames and JSON, and says what it dropped', async () => {
      server = new RawServer();
      await server.initialize();
      const faults = [
        'Content-Length: abc\r\n\r\n{}',
        'Foo: bar\r\n\r\n{}',
        'hello world\r\n\r\n',
        'Content-Length: 999999999999\r\n\r\n{}',
        'Content-Length: 40\r\n\r\n{"jsonrpc":"2.0"}',
        frame('{"jsonrpc": "2.0", "id": 5, "method": '),
        frame('[1,2,3]'),
        frame('"just a string"'),
        frame({ jsonrpc: '2.0', id: 7 }),
      ];
      for (const fault of faults) {
        server.write(fault);
        await server.ping();
      }
      assert.ok(server.logs().filter((l) => /^ignored /.test(l)).length >= 7, server.logs().join('\n'));
    });

    it('answers unknown methods and bad parameters with errors, ignores unknown notifications', async () => {
      server = new RawServer();
      await server.initialize();
      const unknown = await server.request('gohazard/noSuchMethod', {});
      assert.equal(unknown.error?.code, -32601);
      server.notify('gohazard/noSuchNotification', { x: 1 });
      server.notify('$/noSuchProtocolNotification', {});
      for (const [method, params] of [
        ['textDocument/codeAction', 42],
        ['textDocument/hover', null],
        ['textDocument/codeLens', { textDocument: null }],
        ['gohazard/toolchain', 'nonsense'],
      ] as const) {
        const r = await server.request(method, params);
        assert.ok(r.error || r.result === null || Array.isArray(r.result), `${method}: ${JSON.stringify(r)}`);
      }
      server.notify('textDocument/didOpen', { textDocument: null });
      server.notify('textDocument/didChange', { textDocument: { uri: 42 }, contentChanges: 'x' });
      await server.ping();
    });

    it('answers requests about documents that are not open, and ignores changes to them', async () => {
      server = new RawServer();
      await server.initialize();
      const uri = 'file:///nowhere/not-open.go';
      const range = { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } };
      assert.deepEqual((await server.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } })).result, []);
      assert.equal((await server.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } })).result, null);
      assert.deepEqual((await server.request('textDocument/codeLens', { textDocument: { uri } })).result, []);
      server.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'package x' }] });
      server.notify('textDocument/didClose', { textDocument: { uri } });
      await server.ping();
    });

    it('answers a cancelled request, with a result or RequestCancelled, and goes on', async () => {
      const { dir } = module();
      for (let i = 0; i < 40; i++) {
        mkdirSync(join(dir, `p${i}`));
        writeFileSync(join(dir, `p${i}`, 'a.go'), hazard);
      }
      server = new RawServer();
      await server.initialize(pathToFileURL(dir).toString());
      // Cancelled before it runs, and cancelled while it runs.
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      server.write(frame({ jsonrpc: '2.0', id: 1, method: 'textDocument/codeAction', params: { textDocument: { uri: 'file:///x.go' }, range, context: { diagnostics: [] } } }) + frame({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } }));
      server.write(frame({ jsonrpc: '2.0', id: 2, method: 'gohazard/scanWorkspace', params: {} }));
      setTimeout(() => server?.notify('$/cancelRequest', { id: 2 }), 50);
      server.notify('$/cancelRequest', { id: 12345 });
      for (const id of [1, 2]) {
        const r = await server.waitFor((m) => m.id === id && m.method === undefined, 60_000, `the response to request ${id}`);
        assert.ok(r.result !== undefined || r.error?.code === -32800, JSON.stringify(r));
      }
      await server.ping();
    });
  });

  describe('stale changes', () => {
    let client: TestClient | undefined;
    afterEach(() => {
      if (client && client.process.exitCode === null) client.process.kill();
    });

    it('ignores a didChange older than the document, logs it, and applies the next one', async () => {
      const { dir, uri } = module();
      client = new TestClient();
      const logs: string[] = [];
      client.connection.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
      await client.initialize(pathToFileURL(dir).toString());
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 5, text: hazard } });
      const open = await client.diagnostics(uri, (p) => p.version === 5);
      assert.ok(open.diagnostics.some((d) => d.code === 'loopvar/capture'));
      // Version 3 would remove the hazard: it is older than 5 and must not apply.
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: 'package m\n' }] });
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 6 },
        contentChanges: [{ range: { start: { line: 0, character: 9 }, end: { line: 0, character: 9 } }, text: ' // edited' }],
      });
      const next = await client.diagnostics(uri, (p) => p.version === 6);
      assert.deepEqual(next.diagnostics.map((d) => d.code), open.diagnostics.map((d) => d.code));
      assert.ok(logs.some((l) => /ignoring stale change .*version 3 < 5/.test(l)), logs.join('\n'));
      await client.shutdown();
    });
  });
});
