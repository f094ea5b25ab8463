// `npm run package`: builds gohazard-<version>.vsix with @vscode/vsce (its vscode:prepublish script
// compiles and bundles), then checks that the archive holds exactly the files that run.
// usage: node test/e2e/package-vsix.mjs [--out file.vsix]
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { ToolsUnavailable, cleanEnv, ensureTools, repoRoot } from './tools.mjs';

/** What the .vsix must hold under extension/, besides vsce's own manifest files. */
export const expectedContents = [
  'LICENSE.txt', // vsce renames LICENSE
  'changelog.md', // the Marketplace's Changelog tab (vsce lower-cases CHANGELOG.md)
  'dist/client.js',
  'dist/scanWorker.js',
  'dist/server.js',
  'dist/web/client.js',
  'dist/web/server.js',
  'grammars/tree-sitter-go.wasm',
  'grammars/tree-sitter.wasm',
  'images/icon.png',
  'package.json',
  'readme.md', // vsce lower-cases README.md
  'schemas/gohazard.schema.json', // contributes.jsonValidation: completion and checks in .gohazard.json
];

export function defaultVsixPath() {
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return join(repoRoot, `${name}-${version}.vsix`);
}

/** Packages the extension; returns the .vsix path. Throws when vsce fails or the contents are wrong. */
export function packageVsix(out = defaultVsixPath(), tools = ensureTools('packager')) {
  // vsce rewrites the README's relative links against package.json's repository, so that the images
  // (not in the .vsix) show in the Marketplace listing and in VS Code's extension page.
  const r = spawnSync(tools.node24, [tools.vsce, 'package', '--no-dependencies', '--out', out], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: cleanEnv(),
  });
  if (r.status !== 0) throw new Error(`vsce package failed (exit ${r.status ?? r.signal})`);
  const zip = readFileSync(out);
  const entries = zipEntries(zip);
  const files = entries.map((e) => e.name).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length)).sort();
  const missing = expectedContents.filter((f) => !files.includes(f));
  const extra = files.filter((f) => !expectedContents.includes(f));
  if (missing.length || extra.length) {
    throw new Error(`the .vsix contents differ from the expected list: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`);
  }
  const readme = zipText(zip, entries.find((e) => e.name === 'extension/readme.md'));
  const relativeImages = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]).filter((url) => !url.startsWith('https://'));
  if (relativeImages.length > 0) throw new Error(`the packaged README has images the listing cannot show: ${relativeImages.join(', ')}`);
  console.log(`${relative(process.cwd(), out)}: ${(statSync(out).size / 1024).toFixed(0)} KiB, ${files.length} files as expected`);
  return out;
}

/** The text of one entry of a zip (stored or deflated). */
export function zipText(zip, entry) {
  if (!entry) throw new Error('no such entry in the zip');
  const start = entry.offset + 30 + zip.readUInt16LE(entry.offset + 26) + zip.readUInt16LE(entry.offset + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  return (entry.method === 8 ? inflateRawSync(data) : data).toString('utf8');
}

/** Names, sizes and where the data lies, from a zip's central directory. */
export function zipEntries(zip) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size, offset: zip.readUInt32LE(at + 42), method: zip.readUInt16LE(at + 10), compressedSize: zip.readUInt32LE(at + 20) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--out');
  try {
    packageVsix(i > 0 ? resolve(process.argv[i + 1]) : defaultVsixPath());
  } catch (error) {
    if (error instanceof ToolsUnavailable) console.error('gohazard: cannot package here: @vscode/vsce needs Node 24 for Linux x64 from npm');
    console.error(`gohazard: ${error.message}`);
    process.exit(1);
  }
}
