// The heavy test tools live outside the repository (test/e2e/install.sh puts them in
// ${GOHAZARD_E2E_HOME:-~/.cache/gohazard-e2e}); this module installs them when needed and says where they are.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const toolsHome = process.env.GOHAZARD_E2E_HOME || join(homedir(), '.cache', 'gohazard-e2e');

/** Thrown when this machine cannot run the tools at all (install.sh exit 77); callers skip loudly. */
export class ToolsUnavailable extends Error {}

/**
 * @typedef {{ node24: string, codeServer: string, codeServerVersion: string, vsce: string,
 *             playwrightCore: string, chromium: string, vscodeWeb: string, vscodeWebVersion: string,
 *             testWeb: string }} Tools
 * @param {'all' | 'packager'} what
 * @returns {Tools}
 */
export function ensureTools(what = 'all') {
  const started = Date.now();
  const r = spawnSync('bash', [join(repoRoot, 'test', 'e2e', 'install.sh'), what], { stdio: 'inherit' });
  if (r.status === 77) throw new ToolsUnavailable('install.sh reported that this machine cannot run the tools');
  if (r.status !== 0) throw new Error(`test/e2e/install.sh ${what} failed (exit ${r.status ?? r.signal})`);
  const file = join(toolsHome, 'tools.json');
  const tools = JSON.parse(readFileSync(file, 'utf8'));
  const needed = what === 'all' ? ['node24', 'codeServer', 'vsce', 'playwrightCore', 'chromium', 'vscodeWeb', 'testWeb'] : ['node24', 'vsce'];
  for (const key of needed) {
    if (!tools[key] || !existsSync(tools[key])) throw new Error(`${file}: ${key} is missing (${tools[key] || 'empty'})`);
  }
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 5) console.log(`gohazard e2e: tools installed in ${seconds.toFixed(0)} s`);
  return tools;
}

/** The environment for the tools' child processes: nothing of the outer `npm run` leaks into them. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}
