// `gohazard lsp --stdio` driven byte by byte, for protocol-fault tests: what is written to its stdin is
// exactly what the test says, including malformed frames, and every message it writes back is kept.
import { ChildProcess, spawn } from 'node:child_process';
import { cliPath } from '../helpers';

export interface RpcMessage {
  jsonrpc: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export function frame(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}

export class RawServer {
  readonly process: ChildProcess;
  readonly messages: RpcMessage[] = [];
  private pending = Buffer.alloc(0);
  private listeners: (() => void)[] = [];
  private nextId = 1000;

  constructor() {
    this.process = spawn(process.execPath, [cliPath, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stdout!.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      for (;;) {
        const end = this.pending.indexOf('\r\n\r\n');
        if (end < 0) break;
        const length = Number(/Content-Length: (\d+)/i.exec(this.pending.subarray(0, end).toString('latin1'))?.[1]);
        if (this.pending.length < end + 4 + length) break;
        this.messages.push(JSON.parse(this.pending.subarray(end + 4, end + 4 + length).toString('utf8')) as RpcMessage);
        this.pending = this.pending.subarray(end + 4 + length);
      }
      for (const l of this.listeners.splice(0)) l();
    });
  }

  write(bytes: string | Buffer): void {
    this.process.stdin!.write(bytes);
  }

  /** Sends a request and resolves with its response. */
  request(method: string, params: unknown, timeoutMs = 15000): Promise<RpcMessage> {
    const id = this.nextId++;
    this.write(frame({ jsonrpc: '2.0', id, method, params }));
    return this.waitFor((m) => m.id === id && m.method === undefined, timeoutMs, `a response to ${method} (id ${id})`);
  }

  notify(method: string, params: unknown): void {
    this.write(frame({ jsonrpc: '2.0', method, params }));
  }

  /** The first message (already received or still to come) that matches. */
  waitFor(match: (m: RpcMessage) => boolean, timeoutMs = 15000, what = 'a matching message'): Promise<RpcMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms; received: ${JSON.stringify(this.messages).slice(-2000)}`)), timeoutMs);
      const check = () => {
        const found = this.messages.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else this.listeners.push(check);
      };
      check();
    });
  }

  logs(): string[] {
    return this.messages.filter((m) => m.method === 'window/logMessage').map((m) => (m.params as { message: string }).message);
  }

  async initialize(rootUri: string | null = null): Promise<void> {
    const r = await this.request('initialize', { processId: process.pid, rootUri, capabilities: {}, workspaceFolders: null, initializationOptions: { trusted: false } });
    if (r.error) throw new Error(`initialize failed: ${r.error.message}`);
    this.notify('initialized', {});
  }

  /** The server still answers: a request that must succeed. */
  async ping(): Promise<void> {
    const r = await this.request('textDocument/codeAction', { textDocument: { uri: 'file:///ping/none.go' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    if (r.error || !Array.isArray(r.result)) throw new Error(`the server stopped serving: ${JSON.stringify(r)}`);
  }

  kill(): void {
    if (this.process.exitCode === null) this.process.kill();
  }
}
