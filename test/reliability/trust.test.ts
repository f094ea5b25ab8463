// Trust: analysis never executes anything from the workspace. The programs gohazard runs are the go
// command, to read its version (`go env GOVERSION`, outside the workspace, with a timeout), and never in
// an untrusted workspace (VS Code's restricted mode); and git, only for `gohazard scan --new-from-rev`
// (the command line, on code the user chose to scan), never from the language server. These tests fail
// when a new module gains a way to run programs, when the probe runs anything else, when git runs
// without being asked for, or when restricted mode stops being honoured.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InitializeRequest } from 'vscode-languageserver-protocol/node';
import { cliPath, repoRoot } from '../helpers';
import { TestClient } from '../lsp/lspClient';
import { WORKSPACE_TRUSTED_NOTIFICATION } from '../../server/src/lsp/server';

/** Modules allowed to start processes, and why. */
const MAY_RUN_PROGRAMS: Record<string, string> = {
  'server/src/node/goToolchain.ts': 'reads the installed go version with `go env GOVERSION`',
  'server/src/node/git.ts': 'reads what changed since a revision for `gohazard scan --new-from-rev` (command line only)',
};

/** Modules that may use the git module: the command line's --new-from-rev, nothing the language server loads. */
const MAY_RUN_GIT = ['server/src/cli/newFindings.ts'];

/** Ways to run a program or code that is not part of gohazard. */
const EXECUTION = [
  /\bfrom\s+['"](node:)?child_process['"]/,
  /\brequire\(\s*['"](node:)?child_process['"]\s*\)/,
  /\bimport\(\s*['"](node:)?child_process['"]\s*\)/,
  /\bfrom\s+['"](node:)?vm['"]/,
  /\brequire\(\s*['"](node:)?vm['"]\s*\)/,
  /\bprocess\.(binding|dlopen|_linkedBinding)\s*\(/,
  /\bnew\s+Function\s*\(/,
  /(^|[^.\w])eval\s*\(/,
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** A fake go command that records how it was run, and answers like go1.22.1. */
function fakeGo(): { path: string; runs: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-fakego-'));
  const log = join(dir, 'runs.log');
  const path = join(dir, 'go');
  writeFileSync(path, `#!/bin/sh\necho "$PWD|$GOTOOLCHAIN|$*" >> '${log}'\necho go1.22.1\n`);
  chmodSync(path, 0o755);
  return { path, runs: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

/** A workspace full of things that must never run: scripts, a go binary, go:generate directives. */
function workspace(marker: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-trust-'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
  writeFileSync(join(dir, 'a.go'), `package m\n\n//go:generate sh -c "touch ${marker}"\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n`);
  for (const name of ['go', 'gofmt', 'gopls', 'make', 'Makefile', 'build.sh']) {
    writeFileSync(join(dir, name), `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('trust', function () {
  this.timeout(60_000);

  it('no module of the server or the client can run a program, except the go version probe and the CLI\'s git', () => {
    const offenders: string[] = [];
    for (const root of ['server/src', 'client/src']) {
      for (const file of sources(join(repoRoot, root))) {
        const rel = relative(repoRoot, file).replace(/\\/g, '/');
        const text = readFileSync(file, 'utf8');
        for (const pattern of EXECUTION) if (pattern.test(text) && !MAY_RUN_PROGRAMS[rel]) offenders.push(`${rel}: ${pattern}`);
      }
    }
    assert.deepEqual(offenders, []);
    // The guard can fail: it finds the probe itself.
    const probe = readFileSync(join(repoRoot, 'server/src/node/goToolchain.ts'), 'utf8');
    assert.ok(EXECUTION.some((p) => p.test(probe)));
  });

  it('only the command line\'s --new-from-rev uses git', () => {
    const importers = sources(join(repoRoot, 'server/src'))
      .filter((file) => /from\s+['"][./]*(node\/)?git['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(repoRoot, file).replace(/\\/g, '/'));
    assert.deepEqual(importers.sort(), MAY_RUN_GIT);
  });

  it('gohazard scan runs git only with --new-from-rev, and then only to read the diff', () => {
    const bin = mkdtempSync(join(tmpdir(), 'gohazard-fakegit-'));
    const log = join(bin, 'runs.log');
    const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const marker = join(mkdtempSync(join(tmpdir(), 'gohazard-marker-')), 'ran');
    const dir = workspace(marker);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'base']]) assert.equal(spawnSync(realGit, args, { cwd: dir, env }).status, 0);
    assert.equal(spawnSync(process.execPath, [cliPath, 'scan', '.'], { cwd: dir, env, encoding: 'utf8' }).status, 1);
    assert.equal(existsSync(log), false, 'git ran without --new-from-rev');
    const r = spawnSync(process.execPath, [cliPath, 'scan', '--new-from-rev', 'HEAD', '.'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const runs = readFileSync(log, 'utf8').trim().split('\n');
    assert.deepEqual(runs.map((line) => line.split(' ')[0]), ['rev-parse', 'rev-parse', 'diff', 'ls-files']);
    assert.match(runs[2], /--no-ext-diff --no-textconv/);
    assert.equal(existsSync(marker), false, 'something of the workspace ran');
  });

  it('the probe runs only `go env GOVERSION`, outside the workspace, with GOTOOLCHAIN=local; nothing of the workspace runs', () => {
    const go = fakeGo();
    const marker = join(mkdtempSync(join(tmpdir(), 'gohazard-marker-')), 'ran');
    const dir = workspace(marker);
    const r = spawnSync(process.execPath, [cliPath, 'scan', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOHAZARD_GO: go.path, PATH: `${dir}:${process.env.PATH}` } });
    assert.equal(r.status, 1, r.stderr);
    const runs = go.runs();
    assert.ok(runs.length >= 1, 'the fake go was asked for its version');
    for (const run of runs) {
      const [cwd, toolchain, args] = run.split('|');
      assert.equal(args, 'env GOVERSION');
      assert.equal(toolchain, 'local');
      assert.ok(!cwd.startsWith(dir), `run in the workspace: ${cwd}`);
    }
    assert.equal(existsSync(marker), false, 'something of the workspace ran');
  });

  for (const trusted of [true, false]) {
    it(`the language server ${trusted ? 'reads the go version in a trusted workspace' : 'runs no program in an untrusted workspace (restricted mode) until the user trusts it'}`, async () => {
      const go = fakeGo();
      const marker = join(mkdtempSync(join(tmpdir(), 'gohazard-marker-')), 'ran');
      const dir = workspace(marker);
      const client = new TestClient();
      const logs: string[] = [];
      client.connection.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
      try {
        client.settings = { goPath: go.path };
        await client.connection.sendRequest(InitializeRequest.type, {
          processId: process.pid,
          rootUri: pathToFileURL(dir).toString(),
          capabilities: { workspace: { configuration: true } },
          workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'w' }],
          initializationOptions: { trusted },
        });
        await client.connection.sendNotification('initialized', {});
        const uri = pathToFileURL(join(dir, 'a.go')).toString();
        await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: readFileSync(join(dir, 'a.go'), 'utf8') } });
        const published = await client.diagnostics(uri, (p) => p.version === 1);
        assert.ok(published.diagnostics.some((d) => d.code === 'loopvar/capture'), 'analysis runs either way');
        const deadline = Date.now() + 10_000;
        const expected = trusted ? /installed Go toolchain: go1\.22\.1/ : /workspace not trusted: gohazard analyses files but runs no program/;
        while (!logs.some((l) => expected.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.ok(logs.some((l) => expected.test(l)), logs.join('\n'));
        assert.deepEqual(go.runs().map((r) => r.split('|')[2]), trusted ? ['env GOVERSION'] : []);
        if (!trusted) {
          // The user trusts the workspace: the running server reads the version then, once.
          await client.connection.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION);
          await client.connection.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION);
          const until = Date.now() + 10_000;
          while (!logs.some((l) => /installed Go toolchain: go1\.22\.1/.test(l)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
          assert.deepEqual(go.runs().map((r) => r.split('|')[2]), ['env GOVERSION'], logs.join('\n'));
        }
        assert.equal(existsSync(marker), false, 'something of the workspace ran');
      } finally {
        if (client.process.exitCode === null) client.process.kill();
      }
    });
  }
});
