// Node-side services the engine is handed: grammar bytes from grammars/, file reading, and gzip
// decompression for CPU profiles.
import { promises as fs, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { gunzip } from 'node:zlib';
// Types only: the grammar (web-tree-sitter) loads with the first loadGrammar(), not with this module,
// which `gohazard --version` also reads.
import type { GoGrammar } from '../engine/grammar';
import type { ProjectHost } from '../engine/project';
import { packageRoot } from './packageInfo';

export { packageRoot, packageVersion } from './packageInfo';

let grammar: Promise<GoGrammar> | undefined;

export function loadGrammar(): Promise<GoGrammar> {
  grammar ??= (async () => {
    const dir = join(packageRoot(), 'grammars');
    const { GoGrammar } = await import('../engine/grammar');
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

export const nodeFileHost: ProjectHost = {
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
  async readBinaryFile(path: string, maxBytes: number) {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(fromEnginePath(path), 'r');
    } catch {
      return undefined;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error('not a regular file');
      if (stat.size > maxBytes) throw new Error(`${stat.size} bytes, more than the ${maxBytes} gohazard reads`);
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  },
  gunzip: gunzipNode,
};

/** zlib's gunzip, stopping at maxBytes of output (a small file can decompress to gigabytes). */
export function gunzipNode(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    gunzip(data, { maxOutputLength: maxBytes }, (error, result) => {
      if (!error) resolve(new Uint8Array(result.buffer, result.byteOffset, result.byteLength));
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(new Error(`more than ${maxBytes} bytes once decompressed`));
      else reject(error);
    });
  });
}
