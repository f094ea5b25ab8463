// Node-side services the engine is handed: grammar bytes from grammars/, and file reading.
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { GoGrammar } from '../engine/grammar';
import type { IndexHost } from '../engine/packageIndex';

/** The package root (it holds grammars/); compiled and bundled layouts put this file at different depths. */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'grammars', 'tree-sitter-go.wasm'))) return dir;
    if (dirname(dir) === dir) throw new Error(`gohazard: grammars/tree-sitter-go.wasm not found above ${__dirname}; run npm run build`);
  }
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let grammar: Promise<GoGrammar> | undefined;

export function loadGrammar(): Promise<GoGrammar> {
  grammar ??= (async () => {
    const dir = join(packageRoot(), 'grammars');
    return GoGrammar.load({ language: readFileSync(join(dir, 'tree-sitter-go.wasm')), runtime: readFileSync(join(dir, 'tree-sitter.wasm')) });
  })();
  return grammar;
}

/** Engine paths use forward slashes on every platform. */
export function toEnginePath(path: string): string {
  return sep === '\\' ? path.replace(/\\/g, '/') : path;
}

export function fromEnginePath(path: string): string {
  return sep === '\\' ? path.replace(/\//g, '\\') : path;
}

export const nodeFileHost: IndexHost = {
  async readFile(path: string) {
    try {
      return await fs.readFile(fromEnginePath(path), 'utf8');
    } catch {
      return undefined;
    }
  },
  async listDirectory(dir: string) {
    try {
      return await fs.readdir(fromEnginePath(dir));
    } catch {
      return undefined;
    }
  },
};
