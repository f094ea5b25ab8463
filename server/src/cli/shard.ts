// `gohazard scan --shard K/N`: a CI matrix of N jobs, each scanning the packages of one shard. A
// package belongs to a shard by a hash of its import path (module path and directory within the
// module; the path from the working directory outside a module), so shards are the same on every
// machine and checkout, and adding a package never moves another one.
import { dirname, join, relative, resolve } from 'node:path';
import type { ModuleResolver } from '../toolchain/moduleResolver';
import { fromEnginePath, toEnginePath } from '../node/nodeHost';

export interface Shard {
  /** 1-based, as the flag writes it. */
  index: number;
  count: number;
}

/** `K/N` with 1 ≤ K ≤ N, or undefined. */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return index >= 1 && index <= count ? { index, count } : undefined;
}

/** The files of the packages in the shard (files keep their order). */
export async function filesOfShard(files: readonly string[], shard: Shard, modules: ModuleResolver): Promise<string[]> {
  const inShard = new Map<string, boolean>();
  const out: string[] = [];
  for (const file of files) {
    const dir = dirname(resolve(file));
    let keep = inShard.get(dir);
    if (keep === undefined) {
      keep = shardOf(await packagePath(dir, modules), shard.count) === shard.index;
      inShard.set(dir, keep);
    }
    if (keep) out.push(file);
  }
  return out;
}

/** 1-based shard of a package path: FNV-1a (32 bits) of its UTF-16 code units, modulo count. */
export function shardOf(packagePath: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < packagePath.length; i++) {
    hash ^= packagePath.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

async function packagePath(dir: string, modules: ModuleResolver): Promise<string> {
  const module = await modules.moduleFor(toEnginePath(join(dir, 'x.go')));
  if (!module) return toEnginePath(relative(process.cwd(), dir)) || '.';
  const modulePath = module.facts.module ?? '';
  const within = toEnginePath(relative(dirname(fromEnginePath(module.goModPath)), dir));
  return within === '' ? modulePath : `${modulePath}/${within}`;
}
