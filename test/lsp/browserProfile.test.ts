// CPU profiles in the browser build: the profile's bytes come from the client (gohazard/fs/readBinaryFile,
// base64, as client/src/browserExtension.ts serves them from the VS Code file system API) and are
// decompressed with DecompressionStream. Over an in-memory connection, as browserHost.test.ts does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import { ConfigurationRequest, createProtocolConnection, InitializeRequest, ProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { browserServerHost } from '../../server/src/browser/browserHost';
import { READ_BINARY_FILE_REQUEST, READ_DIRECTORY_REQUEST, READ_FILE_REQUEST, ReadBinaryFileParams, ReadBinaryFileResult } from '../../server/src/browser/fsProtocol';
import { startServer } from '../../server/src/lsp/server';
import { fixturesRoot, repoRoot } from '../helpers';

const ORIGIN = 'vscode-test-web://mount';
const fixture = (name: string) => readFileSync(join(fixturesRoot, 'profile', name));
const files: Record<string, Buffer> = {
  '/go.mod': fixture('go.mod'),
  '/enc.go': fixture('enc.go'),
  '/default.pgo': fixture('default.pgo'),
  '/big/go.mod': Buffer.from('module example.com/big\n\ngo 1.21\n'),
  '/big/b.go': Buffer.from('package big\n'),
  '/big/default.pgo': Buffer.alloc(100),
};

describe('browser language server host: CPU profiles', function () {
  this.timeout(30000);
  let client: ProtocolConnection;
  const binaryReads: ReadBinaryFileParams[] = [];

  before(async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server, browserServerHost(server, { addEventListener: () => {} }));
    client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const path = (uri: string) => decodeURIComponent(uri.slice(ORIGIN.length));
    client.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({})));
    client.onRequest(READ_FILE_REQUEST, ({ uri }: { uri: string }) => files[path(uri)]?.toString('utf8') ?? null);
    client.onRequest(READ_BINARY_FILE_REQUEST, (params: ReadBinaryFileParams): ReadBinaryFileResult => {
      binaryReads.push(params);
      const bytes = files[path(params.uri)];
      if (!bytes) return null;
      // The client refuses what is larger than the server asks for, as browserExtension.ts does.
      return path(params.uri) === '/big/default.pgo' ? { tooLarge: 90_000_000 } : { base64: bytes.toString('base64') };
    });
    client.onRequest(READ_DIRECTORY_REQUEST, ({ uri }: { uri: string }) => {
      const dir = path(uri).replace(/\/?$/, '/');
      const names = Object.keys(files).filter((f) => f.startsWith(dir)).map((f) => f.slice(dir.length).split('/')[0]);
      return names.length > 0 ? [...new Set(names)] : null;
    });
    client.listen();
    const grammar = (name: string) => readFileSync(join(repoRoot, 'grammars', name)).toString('base64');
    await client.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
      workspaceFolders: [{ uri: `${ORIGIN}/`, name: 'mount' }],
      initializationOptions: { grammar: { language: grammar('tree-sitter-go.wasm'), runtime: grammar('tree-sitter.wasm') } },
    });
    await client.sendNotification('initialized', {});
  });

  after(() => client.dispose());

  it('reads default.pgo through the client and decompresses it in the worker', async () => {
    const report = (await client.sendRequest('gohazard/toolchain', { uri: `${ORIGIN}/enc.go` })) as { profile: { status: string; path: string; samples: number; hottest: { functionName: string }[] } };
    assert.deepEqual([report.profile.status, report.profile.path, report.profile.samples], ['loaded', '/default.pgo', 762]);
    assert.equal(report.profile.hottest[0].functionName, 'CountDigits');
    assert.deepEqual(binaryReads[0], { uri: `${ORIGIN}/default.pgo`, maxBytes: 64 << 20 });
  });

  it('says why a profile the client refuses cannot be used', async () => {
    const report = (await client.sendRequest('gohazard/toolchain', { uri: `${ORIGIN}/big/b.go` })) as { profile: { status: string; reason: string } };
    assert.deepEqual(report.profile, { status: 'failed', path: '/big/default.pgo', origin: 'default.pgo', reason: `cannot read it (90000000 bytes, more than the ${64 << 20} gohazard reads)` });
  });
});
