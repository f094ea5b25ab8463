// Entry point of the in-editor suite, in the shape VS Code's extension-test runner and
// @vscode/test-electron expect: `run()` resolves when every test passed. It runs inside the extension
// host, so the test files (*.inhost.js next to this file) use the real `vscode` API.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export interface InhostTestResult {
  name: string;
  state: 'passed' | 'failed' | 'skipped';
  error?: string;
}

/**
 * Starts the lines the suite prints when the code-server runner collects them: that runner receives
 * every console line of the extension host and the workbench, and shows only these.
 */
export const REPORT_MARK = '\u2063gohazard-inhost\u2063';

export function run(): Promise<void> {
  if (process.env.GOHAZARD_INHOST_RESULTS) {
    const log = console.log;
    const report = (...args: unknown[]) => log(REPORT_MARK + format(...args));
    Mocha.reporters.Base.consoleLog = report;
  }
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // Files run in name order; each leaves the workspace and the settings as it found them.
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.inhost.js')).sort()) mocha.addFile(join(__dirname, file));
  const tests: InhostTestResult[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // The code-server runner reads the results from a file: it sees the exit code only.
      const out = process.env.GOHAZARD_INHOST_RESULTS;
      if (out) writeFileSync(out, JSON.stringify({ tests }, null, 2));
      const count = (state: string) => tests.filter((t) => t.state === state).length;
      Mocha.reporters.Base.consoleLog(`inhost: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
      if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => tests.push({ name: t.fullTitle(), state: 'passed' }));
    runner.on('pending', (t) => tests.push({ name: t.fullTitle(), state: 'skipped' }));
    runner.on('fail', (t, error: Error) => tests.push({ name: t.fullTitle(), state: 'failed', error: String(error?.message ?? error) }));
  });
}
