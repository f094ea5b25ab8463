// A minimal LSP client over stdio for the benchmarks (the approach of test/lsp/lspClient.ts): spawns
// `gohazard lsp --stdio`, answers workspace/configuration with the given settings, and lets a caller
// wait for the publishDiagnostics of a given document version.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { track } from './cleanup.mjs';
import { cliPath } from './engine.mjs';

const require = createRequire(import.meta.url);
const { StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
const { createProtocolConnection } = require('vscode-languageserver-protocol/node');

export class BenchClient {
  /** serverArgs: what node runs, by default the CLI's `lsp --stdio`; env: the server's environment (default: this one's). */
  constructor({ settings = {}, execArgv = [], serverArgs = [cliPath, 'lsp', '--stdio'], env = process.env } = {}) {
    this.settings = settings;
    this.startedAt = performance.now();
    this.process = track(spawn(process.execPath, [...execArgv, ...serverArgs], { stdio: ['pipe', 'pipe', 'pipe'], env }));
    this.stderr = '';
    this.process.stderr.on('data', (d) => (this.stderr += String(d)));
    this.waiters = [];
    this.published = [];
    this.logs = [];
    const c = createProtocolConnection(new StreamMessageReader(this.process.stdout), new StreamMessageWriter(this.process.stdin));
    this.connection = c;
    c.onRequest('workspace/configuration', (params) => params.items.map(() => this.settings));
    c.onRequest('window/workDoneProgress/create', () => null);
    c.onRequest('client/registerCapability', () => null);
    c.onNotification('$/progress', () => {});
    c.onNotification('window/logMessage', (m) => this.logs.push(m.message));
    c.onNotification('textDocument/publishDiagnostics', (p) => {
      const at = performance.now();
      const i = this.waiters.findIndex((w) => w.match(p));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w.resolve({ params: p, at });
      } else if (this.keepUnmatched) {
        this.published.push({ params: p, at });
      }
    });
    c.listen();
  }

  get pid() {
    return this.process.pid;
  }

  async initialize(rootPath) {
    const rootUri = rootPath ? pathToFileURL(rootPath).toString() : null;
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } }, window: { workDoneProgress: true } },
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with { params, at } for the next publishDiagnostics that matches. */
  diagnostics(match, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching publishDiagnostics within ${timeoutMs} ms; server stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  open(uri, text, version = 1) {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
  }

  change(uri, version, contentChanges) {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  async shutdown() {
    const exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    const timer = setTimeout(() => this.process.kill(), 5000);
    const code = await exited;
    clearTimeout(timer);
    this.connection.dispose();
    return code;
  }
}
