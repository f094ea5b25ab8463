// A plain LSP client over stdio for tests: spawns `gohazard lsp --stdio` and speaks JSON-RPC with
// vscode-languageserver-protocol, answering workspace/configuration with the settings it is given.
import { ChildProcess, spawn } from 'node:child_process';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  ConfigurationRequest,
  InitializeRequest,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { cliPath } from '../helpers';

export class TestClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  settings: Record<string, unknown> = {};
  private published: PublishDiagnosticsParams[] = [];
  /** The last notification for each uri, whether a waiter took it or not. */
  readonly latest = new Map<string, PublishDiagnosticsParams>();
  private waiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  stderr = '';
  readonly progress: { token: string | number; value: { kind: string; message?: string; percentage?: number } }[] = [];

  /**
   * env: the server's environment (default: the test's), e.g. a PATH with a fake go command; command and
   * cwd: another command than the checkout's CLI (e.g. npx where the package is installed), given all of args.
   */
  constructor(args: string[] = ['lsp', '--stdio'], launch: { command?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.process = launch.command
      ? spawn(launch.command, args, { cwd: launch.cwd, env: launch.env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: launch.env });
    this.process.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (p: { token: string | number; value: { kind: string; message?: string; percentage?: number } }) => this.progress.push(p));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.latest.set(p.uri, p);
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.connection.listen();
  }

  async initialize(rootUri: string | null = null): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } }, window: { workDoneProgress: true } },
      workspaceFolders: null,
    });
    await this.connection.sendNotification('initialized', {});
  }

  /** The next (or an already received) publishDiagnostics for uri that satisfies the predicate. */
  diagnostics(uri: string, match: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10000): Promise<PublishDiagnosticsParams> {
    const m = (p: PublishDiagnosticsParams) => p.uri === uri && match(p);
    const seen = this.published.find(m);
    if (seen) {
      this.published = this.published.filter((p) => p !== seen);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match: m, resolve: (p) => { clearTimeout(timer); this.published = this.published.filter((x) => x !== p); resolve(p); } });
    });
  }

  /** Forgets the notifications received so far (a long session would keep every one). */
  forgetPublished(): void {
    this.published = [];
  }

  /** Every diagnostics notification received so far, for uris that match. */
  allPublished(match: (uri: string) => boolean): PublishDiagnosticsParams[] {
    return this.published.filter((p) => match(p.uri));
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.on('exit', (code) => resolve(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
