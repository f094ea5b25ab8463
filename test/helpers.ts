// Shared set-up for the suites: the engine as the CLI and the server build it.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Project } from '../server/src/engine/project';
import { loadGrammar, nodeFileHost } from '../server/src/node/nodeHost';
import { allRules } from '../server/src/rules';

export const repoRoot = resolve(__dirname, '..', '..');
export const fixturesRoot = join(repoRoot, 'test', 'fixtures');
export const cliPath = join(repoRoot, 'bin', 'gohazard.js');

export async function newProject(): Promise<Project> {
  return new Project(await loadGrammar(), allRules, nodeFileHost, (rule, error) => {
    throw new Error(`rule ${rule} threw: ${(error as Error)?.stack ?? error}`);
  });
}

/** Every file below dir (recursively) whose name passes the filter, sorted. */
export function filesBelow(dir: string, filter: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesBelow(path, filter));
    else if (filter(name)) out.push(path);
  }
  return out;
}

/** Polls until the value satisfies the condition, or gives the last one after 200 polls. */
export async function eventually<T>(poll: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await poll();
  for (let i = 0; i < 200 && !ok(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await poll();
  }
  return value;
}
