import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType, InitializeRequest, RegistrationParams } from 'vscode-languageserver-protocol/node';
import { fixturesRoot } from '../helpers';
import { TestClient } from './lspClient';

interface ProfileReport {
  status: string;
  path?: string;
  origin?: string;
  samples?: number;
  reason?: string;
  hottest?: { functionName: string }[];
}

describe('language server: CPU profiles', function () {
  this.timeout(30000);
  let client: TestClient;

  afterEach(async () => {
    if (client.process.exitCode === null) client.process.kill();
  });

  it('says which profile a file uses, watches *.pgo and the configured profile, and follows their changes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gohazard-lsp-profile-'));
    const dir = join(root, 'profile');
    cpSync(join(fixturesRoot, 'profile'), dir, { recursive: true });
    const outside = mkdtempSync(join(tmpdir(), 'gohazard-lsp-outside-'));
    cpSync(join(dir, 'default.pgo'), join(outside, 'cpu.pprof'));
    const uri = pathToFileURL(join(dir, 'enc.go')).toString();
    const pgoUri = pathToFileURL(join(dir, 'default.pgo')).toString();

    client = new TestClient();
    const registrations: RegistrationParams[] = [];
    client.connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
      registrations.push(params);
      return null;
    });
    let changed = 0;
    client.connection.onNotification('gohazard/toolchainChanged', () => changed++);
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(root).toString(),
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } },
      workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'root' }],
    });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: readFileSync(join(dir, 'enc.go'), 'utf8') } });
    await client.diagnostics(uri);

    const report = async () => (await client.connection.sendRequest('gohazard/toolchain', { uri })) as { profile: ProfileReport; details: string };
    const first = await report();
    assert.equal(first.profile.status, 'loaded');
    assert.equal(first.profile.path, join(dir, 'default.pgo'));
    assert.deepEqual(first.profile.hottest?.map((h) => h.functionName), ['CountDigits', '(*Encoder).Encode', 'CountDigits.func1']);
    assert.match(first.details, /\nCPU profile: default\.pgo, 7\.62 s of CPU in 762 samples over 9\.13 s \(cpu\/nanoseconds\), 74 functions\. Hottest here: CountDigits 43\.3%/);
    const watchers = registrations.flatMap((r) => r.registrations).filter((r) => r.method === DidChangeWatchedFilesNotification.method);
    assert.deepEqual(watchers.flatMap((w) => (w.registerOptions as { watchers: { globPattern: unknown }[] }).watchers.map((x) => x.globPattern)), ['**/go.mod', '**/go.work', '**/*.pgo', '**/.gohazard.json']);

    // default.pgo is overwritten with something else, then deleted.
    const waitChanged = async (before: number) => {
      for (let i = 0; i < 100 && changed === before; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(changed > before, 'gohazard/toolchainChanged');
    };
    writeFileSync(join(dir, 'default.pgo'), 'not a profile');
    let before = changed;
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pgoUri, type: FileChangeType.Changed }] });
    await waitChanged(before);
    const broken = await report();
    assert.equal(broken.profile.status, 'failed');
    assert.match(broken.details, /CPU profile: default\.pgo cannot be used: not a pprof profile: /);
    rmSync(join(dir, 'default.pgo'));
    before = changed;
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pgoUri, type: FileChangeType.Deleted }] });
    await waitChanged(before);
    assert.deepEqual((await report()).profile, { status: 'none', reason: "no profile is configured, and there is no default.pgo between the file's directory and its module root" });

    // gohazard.profile outside the workspace: used, and watched with a relative pattern.
    client.settings = { profile: join(outside, 'cpu.pprof') };
    before = changed;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await waitChanged(before);
    const configured = await report();
    assert.deepEqual([configured.profile.status, configured.profile.origin, configured.profile.samples], ['loaded', 'configured', 762]);
    assert.match(configured.details, /CPU profile: .*cpu\.pprof \(from the configuration\)/);
    const outsideWatch = registrations.flatMap((r) => r.registrations).flatMap((r) => (r.registerOptions as { watchers?: { globPattern: unknown }[] }).watchers ?? []);
    assert.deepEqual(outsideWatch[outsideWatch.length - 1].globPattern, { baseUri: pathToFileURL(outside).toString(), pattern: 'cpu.pprof' });

    // A relative setting is resolved against the workspace folder.
    mkdirSync(join(root, 'profiles'));
    cpSync(join(outside, 'cpu.pprof'), join(root, 'profiles', 'ci.pprof'));
    client.settings = { profile: 'profiles/ci.pprof' };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    const relative = await report();
    assert.equal(relative.profile.path, join(root, 'profiles', 'ci.pprof'));
    assert.equal(await client.shutdown(), 0);
  });
});
