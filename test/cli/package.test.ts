// The npm package as a user gets it: `npm pack` in the checkout (its prepack bundles the CLI), the
// tarball installed into an empty directory outside the checkout without any registry, and the
// command run from there with npx, as a scanner and as a language server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { repoRoot } from '../helpers';
import { TestClient } from '../lsp/lspClient';

/** What the tarball must hold, under package/: the command, its lazily loaded rest and scan worker, the grammars. */
const expectedFiles = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/cli.js',
  'dist/cliMain.js',
  'dist/scanWorker.js',
  'grammars/tree-sitter-go.wasm',
  'grammars/tree-sitter.wasm',
  'package.json',
  'schemas/gohazard.schema.json',
];

const MAX_TARBALL_BYTES = 3 * 1024 * 1024;

/** The environment of a user's shell: nothing of the outer `npm test` (its npm_* config, e.g. the project's ignore-scripts). */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_PATH' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The regular files of a .tgz, by path, read from its ustar headers. */
function tarballFiles(tgz: string): Map<string, number> {
  const tar = gunzipSync(readFileSync(tgz));
  const files = new Map<string, number>();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => header.toString('latin1', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const type = field(156, 1);
    if (type === '0' || type === '') files.set(name, size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe('the npm package (pack, install into an empty directory, run)', function () {
  // A bundle of the CLI, npm pack and npm install: about 10 s on a quiet 2-core machine.
  this.timeout(240000);
  const work = mkdtempSync(join(tmpdir(), 'gohazard-pack-'));
  const installDir = join(work, 'user');
  const env = userEnv({ npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' });
  let tarball = '';
  let client: TestClient | undefined;

  before(() => {
    mkdirSync(installDir);
    // The project's .npmrc turns lifecycle scripts off (for its dependencies); packing must run prepack.
    npm(['pack', '--ignore-scripts=false', '--pack-destination', work], repoRoot, env);
    const packed = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    assert.equal(packed.length, 1, `npm pack made ${packed.join(', ') || 'no tarball'}`);
    tarball = join(work, packed[0]);
    // --offline: the package must need nothing from a registry (its bundles carry every dependency).
    npm(['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], installDir, env);
  });

  after(() => {
    if (client && client.process.exitCode === null) client.process.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it('holds the bundled command and the grammars, no tests or sources, within 3 MB', () => {
    const files = tarballFiles(tarball);
    const names = [...files.keys()].map((n) => n.replace(/^package\//, '')).sort();
    assert.deepEqual(names, expectedFiles);
    assert.ok(!names.some((n) => n.startsWith('test/')));
    const size = statSync(tarball).size;
    assert.ok(size <= MAX_TARBALL_BYTES, `the tarball is ${size} bytes`);
    const manifest = JSON.parse(readFileSync(join(installDir, 'node_modules', 'gohazard', 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined, 'an installed gohazard must not need packages from a registry');
  });

  it('npx gohazard --version names the package, the grammar and the std API table', () => {
    const r = spawnSync('npx', ['--no', '--', 'gohazard', '--version'], { cwd: installDir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { version, devDependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.match(r.stdout, new RegExp(`^gohazard ${version.replace(/\./g, '\\.')}\n`));
    assert.ok(r.stdout.includes(`tree-sitter-go ${devDependencies['tree-sitter-go']}`), r.stdout);
    assert.match(r.stdout, /standard library API table: go1\.\d+/);
  });

  it('npx gohazard scan reports the capture in a Go module', () => {
    const module = join(work, 'module');
    mkdirSync(module);
    writeFileSync(join(module, 'go.mod'), 'module m\n\ngo 1.21\n');
    writeFileSync(join(module, 'a.go'), 'package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n');
    const r = spawnSync('npx', ['--no', '--', 'gohazard', 'scan', '--format', 'json', `${module}/...`], { cwd: installDir, env, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const findings = JSON.parse(r.stdout).findings.map((f: { rule: string; line: number }) => `${f.rule}:${f.line}`);
    assert.ok(findings.includes('loopvar/capture:5'), findings.join(', '));
  });

  it('npx gohazard lsp --stdio answers initialize and publishes diagnostics', async () => {
    const module = join(work, 'lsp-module');
    mkdirSync(module);
    writeFileSync(join(module, 'go.mod'), 'module m\n\ngo 1.21\n');
    const text = 'package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n';
    const uri = pathToFileURL(join(module, 'a.go')).toString();
    writeFileSync(join(module, 'a.go'), text);
    client = new TestClient(['--no', '--', 'gohazard', 'lsp', '--stdio'], { command: 'npx', cwd: installDir, env });
    await client.initialize(pathToFileURL(module).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
    const published = await client.diagnostics(uri, (p) => p.diagnostics.length > 0, 30000);
    assert.ok(published.diagnostics.some((d) => d.code === 'loopvar/capture' && d.range.start.line === 4), JSON.stringify(published.diagnostics));
    assert.equal(await client.shutdown(), 0);
  });
});

describe('the pre-commit hook', () => {
  it('runs gohazard scan from npm at this release, on Go files', () => {
    const hooks = readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8');
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.match(hooks, /^- id: gohazard$/m);
    assert.match(hooks, new RegExp(`^  entry: npx --yes gohazard@${version.replace(/\./g, '\\.')} scan$`, 'm'));
    assert.match(hooks, /^  language: system$/m);
    assert.match(hooks, /^  types: \[go\]$/m);
  });
});
