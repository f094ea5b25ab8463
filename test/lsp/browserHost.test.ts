// The browser build's language server (server.ts with the browser host of server/src/browser/) over an
// in-memory connection, with a fake client that serves the gohazard/fs/* requests from a map of
// `vscode-test-web://mount/…` files the way client/src/browserExtension.ts serves them from the VS Code
// file system API. The real thing runs in VS Code for the web (test/e2e/web.mjs); this checks the host's
// URI mapping, file listing, upgrade impact and batched scan in a second.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import {
  CodeAction,
  ConfigurationRequest,
  createProtocolConnection,
  InitializeRequest,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { browserServerHost } from '../../server/src/browser/browserHost';
import { FIND_FILES_REQUEST, READ_DIRECTORY_REQUEST, READ_FILE_REQUEST } from '../../server/src/browser/fsProtocol';
import { UriPaths } from '../../server/src/browser/uriPaths';
import { startServer } from '../../server/src/lsp/server';
import { isListedGoFile } from '../../server/src/workspace/goFileNames';
import { repoRoot } from '../helpers';

const ORIGIN = 'vscode-test-web://mount';
const hazard = (pkg: string) => `package ${pkg}\n\nfunc F(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n`;
const files: Record<string, string> = {
  '/go.mod': 'module w\n\ngo 1.21\n',
  '/a.go': hazard('w'),
  '/p/b.go': hazard('p'),
  '/p/testdata/skipped.go': hazard('skipped'),
  '/.hidden/h.go': hazard('h'),
  '/nested/go.mod': 'module nested\n\ngo 1.21\n',
  '/nested/n.go': hazard('nested'),
};
const loopvarOnly = { rules: { 'escape/*': 'off', 'alloc/*': 'off', 'pool/*': 'off', 'toolchain/*': 'off', 'loopvar/semantics-change': 'off' } };

describe('browser language server host', function () {
  this.timeout(30000);
  let client: ProtocolConnection;
  const published: PublishDiagnosticsParams[] = [];
  const requests: string[] = [];

  before(async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server, browserServerHost(server, { addEventListener: () => {} }));
    client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const path = (uri: string) => decodeURIComponent(uri.slice(ORIGIN.length));
    client.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => loopvarOnly));
    client.onRequest('window/workDoneProgress/create', () => null);
    client.onRequest(READ_FILE_REQUEST, ({ uri }: { uri: string }) => {
      requests.push(uri);
      return files[path(uri)] ?? null;
    });
    client.onRequest(READ_DIRECTORY_REQUEST, ({ uri }: { uri: string }) => {
      const dir = path(uri).replace(/\/?$/, '/');
      const names = Object.keys(files).filter((f) => f.startsWith(dir)).map((f) => f.slice(dir.length).split('/')[0]);
      return names.length > 0 ? [...new Set(names)] : null;
    });
    client.onRequest(FIND_FILES_REQUEST, ({ include }: { include: string }) => {
      const suffix = include.replace('**/*', '').replace('**/', '/');
      return Object.keys(files).filter((f) => f.endsWith(suffix)).map((f) => ORIGIN + f);
    });
    client.onNotification(PublishDiagnosticsNotification.type, (p) => published.push(p));
    client.listen();
    const grammar = (name: string) => readFileSync(join(repoRoot, 'grammars', name)).toString('base64');
    await client.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
      workspaceFolders: [{ uri: `${ORIGIN}/`, name: 'mount' }],
      initializationOptions: { grammar: { language: grammar('tree-sitter-go.wasm'), runtime: grammar('tree-sitter.wasm') } },
    });
    await client.sendNotification('initialized', {});
  });

  after(() => client.dispose());

  async function diagnosticsOf(uri: string): Promise<PublishDiagnosticsParams> {
    for (let i = 0; i < 200; i++) {
      const found = published.filter((p) => p.uri === uri).pop();
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no diagnostics for ${uri}`);
  }

  it('analyses an open file with its go.mod read through the client, and maps paths back to its URIs', async () => {
    const uri = `${ORIGIN}/a.go`;
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: files['/a.go'] } });
    const { diagnostics } = await diagnosticsOf(uri);
    assert.deepEqual(diagnostics.map((d) => d.code), ['loopvar/capture']);
    assert.ok(requests.includes(`${ORIGIN}/go.mod`), 'go.mod was read through gohazard/fs/readFile');
    const report = (await client.sendRequest('gohazard/toolchain', { uri })) as { goVersion: string; sourceUri: string; installedToolchain?: string };
    assert.equal(report.goVersion, 'go1.21');
    assert.equal(report.sourceUri, `${ORIGIN}/go.mod`);
    assert.equal(report.installedToolchain, undefined);
    const actions = (await client.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0].range,
      context: { diagnostics },
    })) as CodeAction[];
    const upgrade = actions.find((a) => a.title.startsWith('Upgrade module to go1.22'));
    assert.ok(upgrade, `offers the go.mod upgrade: ${actions.map((a) => a.title).join(', ')}`);
    assert.deepEqual(Object.keys(upgrade.edit!.changes!), [`${ORIGIN}/go.mod`]);
  });

  it('lists the module for the upgrade impact without nested modules, testdata or hidden directories', async () => {
    const impact = (await client.sendRequest('gohazard/upgradeImpact', { uri: `${ORIGIN}/a.go` })) as { files: number; loops: number; changes: { uri: string }[] };
    assert.equal(impact.files, 2);
    assert.equal(impact.loops, 2);
    assert.deepEqual(impact.changes.map((c) => c.uri).sort(), [`${ORIGIN}/a.go`, `${ORIGIN}/p/b.go`]);
  });

  it('scans the workspace in batches and publishes the files that are not open', async () => {
    const summary = (await client.sendRequest('gohazard/scanWorkspace', {})) as { files: number; findings: Record<string, number>; summary: string };
    assert.equal(summary.files, 3, summary.summary);
    assert.deepEqual(summary.findings, { loopvar: 3 });
    for (const file of ['/p/b.go', '/nested/n.go']) assert.deepEqual((await diagnosticsOf(ORIGIN + file)).diagnostics.map((d) => d.code), ['loopvar/capture']);
    assert.ok(!published.some((p) => p.uri.includes('testdata') || p.uri.includes('.hidden')));
  });
});

describe('browser URI paths', () => {
  it('uses the URI path of the first folder origin and keeps other origins apart', () => {
    const paths = new UriPaths();
    paths.setWorkspaceFolders(['vscode-vfs://github/owner/repo']);
    assert.equal(paths.toPath('vscode-vfs://github/owner/repo/a%20b/x.go'), '/owner/repo/a b/x.go');
    assert.equal(paths.toUri('/owner/repo/a b/x.go'), 'vscode-vfs://github/owner/repo/a%20b/x.go');
    const other = paths.toPath('vscode-test-web://mount/x.go')!;
    assert.notEqual(other, '/x.go');
    assert.equal(paths.toUri(other), 'vscode-test-web://mount/x.go');
    assert.equal(paths.toPath('untitled:Untitled-1'), undefined);
  });

  it('lists Go files with the go command rules', () => {
    assert.ok(isListedGoFile('a.go'));
    assert.ok(isListedGoFile('p/q/a.go'));
    for (const skipped of ['_a.go', '.a.go', 'testdata/a.go', 'p/vendor/a.go', '.git/a.go', '_tmp/a.go', 'a.txt']) assert.ok(!isListedGoFile(skipped), skipped);
  });
});
