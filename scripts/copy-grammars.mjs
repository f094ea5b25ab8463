// Copies the pinned tree-sitter WASM files from node_modules into grammars/ so that the extension,
// the server and the CLI load them from one place. The versions are pinned exactly in package.json;
// tree-sitter-go 0.25.0 is grammar ABI 15, which web-tree-sitter 0.25.x loads (0.24 rejects it).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'grammars');
mkdirSync(out, { recursive: true });

// `gohazard --version` reports the pins of package.json as the versions that ship: hold them to that.
const { devDependencies: pins } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const sources = [
  ['tree-sitter-go', 'tree-sitter-go.wasm'],
  ['web-tree-sitter', 'tree-sitter.wasm'],
];
for (const [pkg, file] of sources) {
  // Not require.resolve: web-tree-sitter's "exports" map hides its package.json and WASM.
  const dir = join(root, 'node_modules', pkg);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pins[pkg] !== version) {
    console.error(`copy-grammars: node_modules has ${pkg}@${version}, package.json pins "${pins[pkg]}": pin the exact version and run npm ci`);
    process.exit(1);
  }
  copyFileSync(join(dir, file), join(out, file));
  console.log(`grammars/${file} <- ${pkg}@${version}`);
}
