// What the scan cache's keys say about gohazard itself: its version and a digest of the code that
// analyses (the compiled engine and rules, or the bundle, and the grammars), so that a development
// build whose rules changed never reads what another build stored.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { packageRoot, packageVersion } from './nodeHost';

let identity: string | undefined;

/**
 * workerScript is the scan worker's file: in the compiled layout (out/server/src/workspace/) every
 * .js and .json file of the compiled server is digested; in a bundle (dist/), the bundle holds them all.
 */
export function engineIdentity(workerScript: string): string {
  if (identity) return identity;
  const hash = createHash('sha256');
  hash.update(`gohazard ${packageVersion()}\n`);
  const compiledRoot = dirname(dirname(workerScript));
  const files = existsSync(join(compiledRoot, 'engine', 'analyzer.js')) ? codeFiles(compiledRoot) : [workerScript];
  const grammars = join(packageRoot(), 'grammars');
  for (const name of readdirSync(grammars).sort()) if (name.endsWith('.wasm')) files.push(join(grammars, name));
  const root = packageRoot();
  for (const file of files) {
    hash.update(`${relative(root, file).split(sep).join('/')}\n`);
    hash.update(readFileSync(file));
  }
  identity = `${packageVersion()}+${hash.digest('hex').slice(0, 32)}`;
  return identity;
}

function codeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...codeFiles(path));
    else if (entry.name.endsWith('.js') || entry.name.endsWith('.json')) out.push(path);
  }
  return out;
}
