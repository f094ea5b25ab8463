// Where the installed package lives and what it is, read from its own files. Kept apart from the engine
// so that `gohazard --version` can answer without loading the grammar or any rule.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package root (it holds grammars/); compiled and bundled layouts put this file at different depths. */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'grammars', 'tree-sitter-go.wasm'))) return dir;
    if (dirname(dir) === dir) throw new Error(`gohazard: grammars/tree-sitter-go.wasm not found above ${__dirname}; run npm run build`);
  }
}

interface PackageJson {
  version: string;
  devDependencies?: Record<string, string>;
}

function packageJson(): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

export function packageVersion(): string {
  return packageJson()?.version ?? 'unknown';
}

/**
 * The versions of the tree-sitter packages whose WASM sits in grammars/. They are pinned exactly in
 * package.json, and scripts/copy-grammars.mjs refuses to copy any other version, so the pin is the
 * version that ships.
 */
export function grammarVersions(): { treeSitterGo: string; webTreeSitter: string } {
  const pins = packageJson()?.devDependencies ?? {};
  return { treeSitterGo: pins['tree-sitter-go'] ?? 'unknown', webTreeSitter: pins['web-tree-sitter'] ?? 'unknown' };
}
