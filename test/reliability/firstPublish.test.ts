// The first diagnostics of a session (issue 17, item 2): a fresh server must not analyse before the go
// version probe has answered and call the toolchain "not found" meanwhile. It waits for the probe
// (bounded), so that its first publish is the one a server running for a while gives for the same text;
// a probe that does not answer within the bound gets a wording that says so, and a re-publish when it
// does; an untrusted workspace runs no probe, waits for none, and says why the toolchain is unknown.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostic, InitializeRequest } from 'vscode-languageserver-protocol/node';
import { AnalysisCache } from '../../server/src/engine/analyzer';
import { GoDocument } from '../../server/src/engine/document';
import type { FileFacts } from '../../server/src/engine/rule';
import { WORKSPACE_TRUSTED_NOTIFICATION } from '../../server/src/lsp/server';
import { newProject } from '../helpers';
import { TestClient } from '../lsp/lspClient';

/** A loop whose append is reported with the toolchain it was predicted for: the escape model depends on the toolchain. */
const source = 'package p\n\nfunc f(lines []string) []string {\n\tvar res []string\n\tfor _, line := range lines {\n\t\tres = append(res, line)\n\t}\n\treturn res\n}\n';

/** A directory holding a fake `go` that answers `go env GOVERSION` with version after running `before` (shell). */
function fakeGoDir(version: string, before: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-fakego-'));
  writeFileSync(join(dir, 'go'), `#!/bin/sh\n${before}\necho ${version}\n`);
  chmodSync(join(dir, 'go'), 0o755);
  return dir;
}

function module(): { dir: string; uri: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-first-'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.22\n');
  writeFileSync(join(dir, 'a.go'), source);
  return { dir, uri: pathToFileURL(join(dir, 'a.go')).toString() };
}

class Session {
  readonly client: TestClient;
  readonly logs: string[] = [];

  constructor(goDir: string) {
    this.client = new TestClient(['lsp', '--stdio'], { env: { ...process.env, PATH: `${goDir}:${process.env.PATH}` } });
    // Every escape claim, hot code or not.
    this.client.settings = { escape: { scope: 'all' } };
    this.client.connection.onNotification('window/logMessage', (p: { message: string }) => this.logs.push(p.message));
  }

  async start(dir: string, trusted = true): Promise<void> {
    await this.client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).toString(),
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'w' }],
      initializationOptions: { trusted },
    });
    await this.client.connection.sendNotification('initialized', {});
  }

  async open(uri: string): Promise<Diagnostic[]> {
    await this.client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    return (await this.client.diagnostics(uri, (p) => p.version === 1)).diagnostics;
  }

  async logged(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.logs.some((l) => pattern.test(l))) {
      if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}:\n${this.logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    if (this.client.process.exitCode === null) await this.client.shutdown();
  }
}

/** What the findings say about the toolchain they were predicted for (related information over LSP, `related` in the engine). */
const notes = (findings: readonly { relatedInformation?: { message: string }[]; related?: { message: string }[] }[]) =>
  findings.flatMap((f) => (f.relatedInformation ?? f.related ?? []).map((r) => r.message).filter((m) => m.startsWith('predicted for ')));

describe('the first publish of a session and the go version probe', function () {
  this.timeout(60_000);
  const sessions: Session[] = [];
  const session = (goDir: string) => {
    const s = new Session(goDir);
    sessions.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.stop();
  });

  it("a fresh server's first publish equals that of a server running for a while (a go that takes 300 ms to answer)", async () => {
    const go = fakeGoDir('go1.26.8', 'sleep 0.3');
    const { dir, uri } = module();

    const fresh = session(go);
    await fresh.start(dir);
    const first = await fresh.open(uri);

    const settled = session(go);
    await settled.start(dir);
    await settled.logged(/installed Go toolchain: go1\.26\.8/);
    const steady = await settled.open(uri);

    assert.ok(notes(steady).length > 0, 'the finding names the toolchain');
    assert.deepEqual(notes(steady), ['predicted for the installed toolchain go1.26']);
    assert.deepEqual(first, steady);
  });

  it('a go that does not answer within the bound: the first publish says so, and the answer is published again', async () => {
    // It never answers: the probe's own timeout (3 s) ends it, after the analyses' wait (2 s).
    const go = fakeGoDir('go1.26.8', 'sleep 30');
    const { dir, uri } = module();
    const s = session(go);
    await s.start(dir);
    assert.deepEqual(notes(await s.open(uri)), ['predicted for toolchain go1.26, assumed: the go version probe has not answered yet']);
    const after = await s.client.diagnostics(uri, (p) => p.version === 1, 15_000);
    assert.deepEqual(notes(after.diagnostics), ['predicted for toolchain go1.26, assumed: no go toolchain found']);
    assert.ok(s.logs.some((l) => /installed Go toolchain unknown \(go did not answer within 3000 ms\)/.test(l)), s.logs.join('\n'));
  });

  it('an untrusted workspace waits for no probe and says why the toolchain is unknown; trusting it publishes again', async () => {
    const go = fakeGoDir('go1.26.8', '');
    const { dir, uri } = module();
    const s = session(go);
    await s.start(dir, false);
    assert.deepEqual(notes(await s.open(uri)), ['predicted for toolchain go1.26, assumed: workspace not trusted, go not run']);
    await s.client.connection.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION);
    const after = await s.client.diagnostics(uri, (p) => p.version === 1, 15_000);
    assert.deepEqual(notes(after.diagnostics), ['predicted for the installed toolchain go1.26']);
  });

  it('an analysis cache does not keep findings that named another state of the probe', async () => {
    const project = await newProject();
    const doc = new GoDocument(project.grammar, source);
    try {
      const cache = new AnalysisCache();
      const facts = (toolchainStatus: FileFacts['toolchainStatus']): FileFacts => ({ path: '/virtual/a.go', goMinor: 22, versionSource: { kind: 'default' }, toolchainMinor: 26, toolchainStatus });
      const pending = project.analyzer.analyze(doc, facts('pending'), { rules: {}, escapeScope: 'all' }, cache).findings;
      const known = project.analyzer.analyze(doc, facts('known'), { rules: {}, escapeScope: 'all' }, cache).findings;
      assert.deepEqual([notes(pending), notes(known)], [
        ['predicted for toolchain go1.26, assumed: the go version probe has not answered yet'],
        ['predicted for the installed toolchain go1.26'],
      ]);
    } finally {
      doc.dispose();
    }
  });
});
