// Runs the in-host mocha suite (out/test/inhost/index.js) inside code-server's Node extension host with
// VS Code's own extension-test runner, against the extension installed from the .vsix: the same suite
// that @vscode/test-electron runs (runElectron.ts). The browser is only the "automation" side: the
// workbench reports every extension-host console line through window.codeAutomationLog and the
// outcome through window.codeAutomationExit(code).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { copyWorkspace, installVsix, launchBrowser, runDirectories, startCodeServer } from '../e2e/codeServer.mjs';
import { repoRoot } from '../e2e/tools.mjs';

const EXTENSION_ID = 'gohazard.gohazard';
// Must equal REPORT_MARK in index.ts: the suite's own lines among everything the extension host logs.
const REPORT_MARK = '\u2063gohazard-inhost\u2063';
const SUITE_TIMEOUT_MS = Number(process.env.GOHAZARD_INHOST_TIMEOUT_MS ?? 10 * 60_000);

/**
 * @param {{ tools: any, vsix: string, runDir: string, log: (line: string) => void }} options
 * @returns {Promise<{ tests: { name: string, state: string, error?: string }[], problem?: string, codeServerLog: string }>}
 */
export async function runInhost({ tools, vsix, runDir, log }) {
  const dirs = runDirectories(runDir);
  copyWorkspace(join(repoRoot, 'test', 'e2e', 'workspace'), dirs);
  const extension = installVsix(tools, dirs, vsix, EXTENSION_ID);
  const suite = join(repoRoot, 'out', 'test', 'inhost', 'index.js');
  const resultsFile = join(dirs.root, 'results.json');
  const hostLog = join(dirs.root, 'extension-host.log');
  // The extension host inherits code-server's environment.
  const server = await startCodeServer({
    tools,
    dirs,
    smokeTestDriver: true,
    env: { GOHAZARD_INHOST_RESULTS: resultsFile, GOHAZARD_INHOST_FROM_VSIX: '1' },
  });
  const { context, page } = await launchBrowser(tools, dirs);
  let outcome;
  try {
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...[].concat(args));
      appendFileSync(hostLog, `${line}\n`);
      if (line.startsWith(REPORT_MARK)) log(line.slice(REPORT_MARK.length).replace(/\n$/, '').replace(/^/gm, '  '));
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish({ code }));
    page.on('console', (m) => {
      // e.g. a file:// extensionTestsPath: the workbench says so and never calls codeAutomationExit
      if (/No extension host found that can launch the test runner/.test(m.text())) finish({ problem: m.text() });
    });
    // The runner's URIs must be vscode-remote:// with the authority the browser uses.
    const authority = new URL(server.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${extension}`],
      ['extensionTestsPath', `vscode-remote://${authority}${suite}`],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timer = setTimeout(() => finish({ problem: `the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s` }), SUITE_TIMEOUT_MS);
    outcome = await finished;
    clearTimeout(timer);
    if (outcome.problem) await page.screenshot({ path: join(dirs.shots, 'inhost-problem.png') }).catch(() => {});
  } finally {
    await context.close().catch(() => {});
    await server.stop();
  }
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
  const tests = results?.tests ?? [];
  let problem = outcome.problem;
  if (!problem && !results) problem = `the suite wrote no results (exit code ${outcome.code})`;
  if (!problem && outcome.code !== 0 && !tests.some((t) => t.state === 'failed')) problem = `the suite exited with ${outcome.code} and no failed test`;
  if (!problem && tests.length === 0) problem = 'the suite ran no test';
  return { tests, problem, codeServerLog: dirs.log, hostLog, shots: dirs.shots };
}
