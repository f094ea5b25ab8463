// The compiled engine (out/, made by `npm run build`) as the benchmarks load it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(repoRoot, 'bin', 'gohazard.js');
const outDir = join(repoRoot, 'out', 'server', 'src');

const require = createRequire(import.meta.url);

export function assertBuilt() {
  for (const f of ['workspace/scanner.js', 'workspace/scanWorker.js', 'workspace/walk.js', 'lsp/server.js', 'cli/main.js']) {
    if (!existsSync(join(outDir, f))) throw new Error(`out/server/src/${f} is missing: run npm run build first`);
  }
  if (!existsSync(join(repoRoot, 'grammars', 'tree-sitter-go.wasm'))) throw new Error('grammars/tree-sitter-go.wasm is missing: run npm run build first');
}

export function engine(module) {
  return require(join(outDir, module));
}
