// The browser journey: what a user of the installed .vsix does in a real VS Code (code-server), driven
// through the workbench's UI with playwright-core and Debian's chromium. The expectations come from the
// table in test/e2e/hazards.ts (compiled to out/test/e2e/hazards.js by `npm run build`).
// Each step leaves a screenshot in the run's screenshots/ folder; they are kept on failure or on demand.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { copyWorkspace, installVsix, launchBrowser, runDirectories, sleep, startCodeServer } from './codeServer.mjs';
import { repoRoot } from './tools.mjs';

const EXTENSION_ID = 'gohazard.gohazard';
const STATUS_ITEM = `[id="${EXTENSION_ID}.gohazard.status"]`;
const UI_TIMEOUT = 30_000;
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

/**
 * Commands run from the command palette with the first hazard file active, each with what the user then
 * sees (`after(journey, that file's rows, the hazards.ts module)`). Add one per new command.
 */
const paletteCommands = [
  {
    title: 'gohazard: Restart Language Server',
    async after(j, rows, table) {
      // The server comes back and publishes again.
      await j.expectStatus(table.toolchainSummary[table.workspaceGoVersion]);
      for (const row of visibleRows(rows)) await j.expectProblem(row);
    },
  },
  {
    title: 'gohazard: Scan Workspace',
    async after(j, _rows, table) {
      const files = table.hazardFiles().size + table.cleanFiles.length;
      const toast = j.page.locator('.notification-toast', { hasText: new RegExp(`gohazard: Scanned ${files} of ${files} Go files( \\(\\d+ from the cache\\))? in`) }).first();
      await toast.waitFor({ timeout: UI_TIMEOUT });
      const text = (await toast.innerText()).replace(/\s+/g, ' ');
      for (const family of table.coveredFamilies()) {
        const count = table.hazards.filter((r) => table.familyOf(r.rule) === family).length;
        if (!text.includes(`${count} ${family}`)) throw new Error(`the scan summary does not count ${count} ${family}: ${text}`);
      }
    },
  },
  {
    title: 'gohazard: Upgrade Impact: Loops That Change at Go 1.22',
    async after(j, _rows, table) {
      const summary = new RegExp(`gohazard: ${table.upgradeImpact.summary.source.replace(/^\^|\$$/g, '')}`);
      const toast = j.page.locator('.notification-toast', { hasText: summary }).first();
      await toast.waitFor({ timeout: UI_TIMEOUT });
      // The progress notification ends with the command.
      await j.page.locator('.notification-toast', { hasText: 'gohazard: upgrade impact' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await j.shot('upgrade-impact-notification');
      // "Show in Problems" lists the loops there, under their own source.
      await toast.getByRole('button', { name: 'Show in Problems' }).click();
      await j.problems().locator('.monaco-list-row', { hasText: /gohazard upgrade impact/ }).first().waitFor({ timeout: UI_TIMEOUT });
    },
  },
  {
    title: 'gohazard: Show Output',
    async after(j) {
      await j.page.locator('.part.panel', { hasText: /gohazard\s\d+\.\d+\.\d+\S*:\sgrammar\sloaded/ }).first().waitFor({ timeout: UI_TIMEOUT });
    },
  },
];

export function loadTable() {
  const compiled = join(repoRoot, 'out', 'test', 'e2e', 'hazards.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build first`);
  return createRequire(import.meta.url)(compiled);
}

export function visibleRows(rows) {
  return rows.filter((r) => r.severity !== 'hint');
}

/**
 * @param {{ tools: any, vsix: string, runDir: string, log: (line: string) => void }} options
 * @returns {Promise<{ steps: { name: string, state: 'passed' | 'failed' | 'skipped', error?: string }[], shots: string }>}
 */
/**
 * What both workbenches must show for each file of the hazard table: the toolchain summary in the status
 * bar and a code lens, the Problems rows (and nothing else), the hover messages, each quick fix and its undo.
 */
export function addFileChecks(add, j, table, files, openPrefix = '') {
  const summary = table.toolchainSummary[table.workspaceGoVersion];
  for (const [file, rows] of files) {
    add(`${openPrefix}${file}: the status bar and a code lens say "${summary}"`, `${file}-status-bar`, async () => {
      await j.openFile(file);
      await j.expectStatus(summary);
      await j.editor().locator('.codelens-decoration', { hasText: summary }).first().waitFor({ timeout: UI_TIMEOUT });
    });
    add(`${file}: the Problems panel lists ${visibleRows(rows).map((r) => r.rule).join(', ') || 'nothing'}`, `${file}-problems`, async () => {
      for (const row of visibleRows(rows)) await j.expectProblem(row);
      // and nothing else (hints are not listed there)
      await j.expectProblemCount(visibleRows(rows).length, file);
    });
    for (const row of visibleRows(rows)) {
      add(`${file}: hovering the ${row.rule} squiggle shows its message`, `${file}-hover`, async () => {
        await j.hoverDiagnostic(row);
        await j.page.locator('.monaco-hover', { hasText: row.visibleText }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      });
    }
    for (const row of rows.filter((r) => r.quickFix)) {
      add(`${file}: Ctrl+. offers "${row.quickFix}" and applying it gives the fixed code`, `${file}-quick-fix`, async () => {
        await j.page.keyboard.press('Escape');
        await j.clickDiagnostic(row);
        // The click shows the squiggle's hover, which holds the keyboard until it is dismissed.
        await j.page.keyboard.press('Escape');
        await j.openQuickFixes(row.quickFix);
        await j.applyQuickFix(row.quickFix, `${file}-quick-fix-menu`);
        await j.expectEditorText(table.goldenText(file));
        await j.expectNoProblem(row);
      });
      add(`${file}: undo (Ctrl+Z) brings the hazard back`, `${file}-undo`, async () => {
        await j.page.keyboard.press(`${mod}+KeyZ`);
        await j.expectEditorText(await j.workspaceText(file));
        await j.expectProblem(row);
      });
    }
  }
}

export async function runJourney({ tools, vsix, runDir, log }) {
  const table = loadTable();
  const dirs = runDirectories(runDir);
  copyWorkspace(join(repoRoot, 'test', 'e2e', 'workspace'), dirs);
  installVsix(tools, dirs, vsix, EXTENSION_ID);
  const server = await startCodeServer({
    tools,
    dirs,
    settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'editor.minimap.enabled': false },
  });
  const { context, page } = await launchBrowser(tools, dirs);
  // The journey reads the editor's text through the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const j = new Journey(page, dirs, log, table);
  const steps = [];
  const plan = journeySteps(j, table, server.url, dirs.workspace);
  try {
    for (const [i, step] of plan.entries()) {
      if (steps.some((s) => s.state === 'failed')) {
        steps.push({ name: step.name, state: 'skipped' });
        continue;
      }
      try {
        await step.run();
        await j.shot(`${String(i + 1).padStart(2, '0')}-${step.shot}`);
        steps.push({ name: step.name, state: 'passed' });
        log(`  ✓ ${step.name}`);
      } catch (error) {
        await j.shot(`${String(i + 1).padStart(2, '0')}-${step.shot}-FAILED`).catch(() => {});
        // Playwright's messages carry terminal colours and a call log: keep the first lines, plain.
        const message = error.message.replace(/\x1b\[[0-9;]*m/g, '').split('\nCall log:')[0].trim();
        steps.push({ name: step.name, state: 'failed', error: message });
        log(`  ✗ ${step.name}\n      ${message.split('\n').join('\n      ')}`);
      }
    }
  } finally {
    await context.close().catch(() => {});
    await server.stop();
  }
  return { steps, shots: dirs.shots, codeServerLog: dirs.log };
}

/** The user's steps, in order; each depends on the ones before it. */
function journeySteps(j, table, url, workspace) {
  const steps = [];
  const add = (name, shot, run) => steps.push({ name, shot, run });
  const files = table.hazardFiles();

  add('the workbench opens the sample Go workspace', 'workbench', async () => {
    await j.page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await j.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await j.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'go.mod' }).first().waitFor({ timeout: 60_000 });
  });

  addFileChecks(add, j, table, files, 'open ');

  {
    const [file] = [...files.keys()];
    add('clicking the status bar item opens go.mod at its go line', 'status-bar-click', async () => {
      await j.openFile(file);
      await j.page.locator(STATUS_ITEM).click();
      await j.page.locator('.part.editor .tab.active', { hasText: 'go.mod' }).waitFor({ timeout: UI_TIMEOUT });
      await j.page.locator('.statusbar-item', { hasText: /^Ln 3, Col 1$/ }).waitFor({ timeout: UI_TIMEOUT });
    });
  }

  for (const cmd of paletteCommands) {
    const [file, rows] = [...files][0];
    add(`command palette: ${cmd.title}`, `command-${cmd.title.replace(/\W+/g, '-')}`, async () => {
      await j.openFile(file);
      await j.runCommand(cmd.title);
      await cmd.after(j, rows, table);
    });
  }

  addAllocationsView(add, j, table);

  const versions = [...new Set(table.hazards.map((r) => r.goneFrom).filter(Boolean))].sort(table.compareGo);
  for (const version of versions) {
    const gone = table.hazards.filter((r) => !table.reportedAt(r, version));
    const stay = table.hazards.filter((r) => table.reportedAt(r, version));
    add(`edit go.mod to go ${version}: ${gone.map((r) => r.rule).join(', ')} go away`, `go-mod-${version}`, async () => {
      // Keep every hazard file open, so that its diagnostics are the ones the Problems panel shows.
      for (const file of files.keys()) await j.openFile(file);
      await j.openFile('go.mod');
      await j.replaceLine(`go ${table.workspaceGoVersion}`, `go ${version}`);
      for (const row of visibleRows(gone)) await j.expectNoProblem(row);
      for (const row of visibleRows(stay)) await j.expectProblem(row);
      await j.expectProblemCount(visibleRows(stay).length);
    });
    if (table.toolchainSummary[version]) {
      add(`back in ${[...files.keys()][0]}, the status bar says "${table.toolchainSummary[version]}"`, `go-mod-${version}-status-bar`, async () => {
        await j.openFile([...files.keys()][0]);
        await j.expectStatus(table.toolchainSummary[version]);
        await j.editor().locator('.codelens-decoration', { hasText: table.toolchainSummary[version] }).first().waitFor({ timeout: UI_TIMEOUT });
      });
    }
    add(`edit go.mod back to go ${table.workspaceGoVersion}: they come back`, `go-mod-${table.workspaceGoVersion}`, async () => {
      await j.openFile('go.mod');
      await j.replaceLine(`go ${version}`, `go ${table.workspaceGoVersion}`);
      for (const row of visibleRows(gone)) await j.expectProblem(row);
      await j.expectProblemCount(visibleRows(table.hazards).length);
    });
  }
  return steps;
}

/**
 * The allocations view on a clean file: the command shows every predicted heap allocation in the
 * Problems panel, hovering one explains it, and the command again hides them.
 */
export function addAllocationsView(add, j, table) {
  const view = table.allocationsView;
  add(`command palette: ${view.title} on ${view.file} lists its predicted heap allocations`, 'allocations-view', async () => {
    await j.openFile(view.file);
    await j.runCommand(view.title);
    for (const row of view.findings) await j.expectProblem(row);
    await j.expectProblemCount(0, view.file);
  });
  add(`${view.file}: hovering "${view.hover.at}" in "${view.hover.line}" explains the allocation`, 'allocations-hover', async () => {
    const box = await j.textBox(view.hover.line, view.hover.at);
    await j.page.mouse.move(box.x + box.width / 2 - 3, box.y + box.height / 2 - 2);
    await j.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    await j.page.locator('.monaco-hover', { hasText: view.hover.visibleText }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  });
  add(`command palette: ${view.title} again hides them`, 'allocations-view-off', async () => {
    await j.page.keyboard.press('Escape');
    await j.runCommand(view.title);
    for (const row of view.findings) await j.expectNoProblem(row);
  });
}

/** UI gestures on the workbench, with the selectors that VS Code 1.139 uses. */
export class Journey {
  constructor(page, dirs, log, table) {
    this.page = page;
    this.table = table;
    this.dirs = dirs;
    this.log = log;
    page.on('pageerror', (e) => log(`    (page error: ${e.message})`));
  }

  async shot(name) {
    await this.page.screenshot({ path: join(this.dirs.shots, `${name}.png`) });
  }

  /**
   * Presses Ctrl+. until the menu offers `title`. The server answers code actions from its last
   * results, leaving out findings of a declaration edited since (an undo, a format on save): until the
   * next results, VS Code says "No quick fixes available", and asking again is what a user does.
   */
  async openQuickFixes(title) {
    const offered = this.page.locator('.action-widget .monaco-list-row', { hasText: title });
    const none = this.page.locator('.monaco-editor-overlaymessage', { hasText: /No (quick fixes|code actions) available/ });
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      await this.page.keyboard.press(`${mod}+Period`);
      // Each wait settles on its own (the loser times out later without an unhandled rejection).
      const seen = await Promise.race([
        offered.first().waitFor({ timeout: UI_TIMEOUT }).then(() => 'offered', () => 'timeout'),
        none.first().waitFor({ timeout: UI_TIMEOUT }).then(() => 'none', () => 'timeout'),
      ]);
      if (seen === 'offered') return;
      if (seen === 'timeout' || Date.now() > deadline) throw new Error(`Ctrl+. never offered "${title}"`);
      await this.page.keyboard.press('Escape');
      await none.first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    }
  }

  /** Chooses a quick fix in the open Ctrl+. menu, with a screenshot of the menu. */
  async applyQuickFix(title, shot) {
    const action = this.page.locator('.action-widget .monaco-list-row', { hasText: title });
    await action.first().waitFor({ timeout: UI_TIMEOUT });
    await this.shot(shot);
    await action.first().click();
  }

  quickInput() {
    return this.page.locator('.quick-input-widget input.input');
  }

  /** The editor of the active editor group (not the Output panel's or a hover's). */
  editor() {
    return this.page.locator('.part.editor .editor-group-container.active .editor-container .monaco-editor').first();
  }

  problems() {
    return this.page.locator('.markers-panel');
  }

  async openFile(name) {
    await this.page.keyboard.press(`${mod}+KeyP`);
    await this.quickInput().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await this.quickInput().fill(name);
    // The first row of Quick Open is the best match; the label must be the file name itself.
    const row = this.page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) });
    await row.first().waitFor({ timeout: UI_TIMEOUT });
    await row.first().click();
    // Park the pointer on the Explorer's empty space: no tooltip in the screenshots.
    await this.page.mouse.move(200, 600);
    await this.page.locator('.part.editor .tab.active', { hasText: name }).waitFor({ timeout: UI_TIMEOUT });
    await this.editor().locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
  }

  async showProblems() {
    if (!(await this.problems().isVisible())) await this.page.keyboard.press(`${mod}+Shift+KeyM`);
    await this.problems().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  }

  async expectProblem(row) {
    await this.showProblems();
    await this.problems()
      .getByText(row.visibleText)
      .first()
      .waitFor({ state: 'visible', timeout: UI_TIMEOUT })
      .catch(async () => {
        throw new Error(`the Problems panel does not list "${row.visibleText}" (${row.rule}); it shows: ${await this.problemsText()}`);
      });
  }

  /** With the Problems panel on screen, so that absence means something. */
  async expectNoProblem(row) {
    await this.showProblems();
    await this.problems()
      .getByText(row.visibleText)
      .first()
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT })
      .catch(async () => {
        throw new Error(`the Problems panel still lists "${row.visibleText}" (${row.rule}); it shows: ${await this.problemsText()}`);
      });
  }

  async problemsText() {
    return JSON.stringify((await this.problems().innerText().catch(() => '')).replace(/\s+/g, ' ').trim());
  }

  async workspaceText(file) {
    return readFileSync(join(this.dirs.workspace, file), 'utf8');
  }

  /**
   * The Problems panel lists `count` entries of gohazard's covered families (for one file, or in all);
   * families without rows in hazards.ts are not counted.
   */
  async expectProblemCount(count, file) {
    await this.showProblems();
    const families = [...this.table.coveredFamilies()].map((f) => f.replace(/\W/g, '\\$&')).join('|');
    // A file row reads "<file> <count>"; its entries follow, each "<message> gohazard <rule> [Ln l, Col c]"
    // (the parentheses around the rule are drawn by CSS).
    const entry = new RegExp(`gohazard\\s*\\(?(${families})/.*\\[Ln \\d+, Col \\d+\\]$`);
    let all = [];
    let found = 0;
    for (const deadline = Date.now() + UI_TIMEOUT; ; await sleep(200)) {
      all = (await this.problems().locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      let under = '';
      found = 0;
      for (const row of all) {
        if (!/\[Ln \d+, Col \d+\]$/.test(row)) under = row.split(' ')[0];
        else if (entry.test(row) && (!file || under === file.split('/').pop())) found++;
      }
      if (found === count) return;
      if (Date.now() > deadline) break;
    }
    throw new Error(`the Problems panel lists ${found} entries of ${[...this.table.coveredFamilies()].join(', ')}${file ? ` for ${file}` : ''} instead of ${count}: ${JSON.stringify(all)}`);
  }

  async expectStatus(text) {
    const item = this.page.locator(STATUS_ITEM);
    for (const deadline = Date.now() + UI_TIMEOUT; ; await sleep(200)) {
      const shown = (await item.count()) > 0 ? (await item.first().innerText()).replace(/\s+/g, ' ').trim() : '(hidden)';
      if (shown === text) return;
      if (Date.now() > deadline) throw new Error(`the gohazard status bar item shows "${shown}" instead of "${text}"`);
    }
  }

  /** The squiggle of a diagnostic in the active editor, found by the text it underlines. */
  async squiggle(row) {
    const squiggles = this.editor().locator(`.squiggly-${row.severity}`);
    await squiggles.first().waitFor({ timeout: UI_TIMEOUT });
    const line = await this.lineBox(row.line);
    for (const s of await squiggles.all()) {
      const box = await s.boundingBox();
      if (box && box.y + box.height / 2 > line.y && box.y + box.height / 2 < line.y + line.height) return box;
    }
    throw new Error(`no ${row.severity} squiggle on the line "${row.line}"`);
  }

  /** The box of the token `text` (a keyword, a name: one span of the editor's rendering) on the first line that shows `line`. */
  async textBox(line, text) {
    const token = this.editor().locator('.view-lines .view-line', { hasText: line }).first().locator('span > span', { hasText: new RegExp(`^${text}$`) }).first();
    await token.waitFor({ timeout: UI_TIMEOUT });
    return token.boundingBox();
  }

  async lineBox(text) {
    const line = this.editor().locator('.view-lines .view-line', { hasText: text }).first();
    await line.waitFor({ timeout: UI_TIMEOUT });
    return line.boundingBox();
  }

  async hoverDiagnostic(row) {
    const box = await this.squiggle(row);
    await this.page.mouse.move(box.x + box.width / 2 - 3, box.y + box.height / 2 - 2);
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
  }

  async clickDiagnostic(row) {
    const box = await this.squiggle(row);
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }

  /**
   * The active editor's whole text, as a user gets it: select all, copy, read the clipboard (the editor
   * renders only the lines on screen). The selection is put back to the cursor afterwards.
   */
  async editorText() {
    await this.page.keyboard.press(`${mod}+KeyA`);
    await this.page.keyboard.press(`${mod}+KeyC`);
    const text = await this.page.evaluate(() => navigator.clipboard.readText());
    await this.page.keyboard.press('ArrowLeft');
    return text;
  }

  async expectEditorText(expected) {
    let got = '';
    for (const deadline = Date.now() + UI_TIMEOUT; ; await sleep(200)) {
      got = await this.editorText();
      if (got === expected) return;
      if (Date.now() > deadline) break;
    }
    throw new Error(`the editor holds\n${got}\ninstead of\n${expected}`);
  }

  async replaceLine(oldText, newText) {
    const box = await this.lineBox(oldText);
    await this.page.mouse.click(box.x + 2, box.y + box.height / 2);
    await this.page.keyboard.press('Home');
    await this.page.keyboard.press('Shift+End');
    await this.page.keyboard.type(newText);
    await this.editor().locator('.view-lines .view-line', { hasText: newText }).first().waitFor({ timeout: UI_TIMEOUT });
  }

  async runCommand(title) {
    await this.page.keyboard.press(`${mod}+Shift+KeyP`);
    await this.quickInput().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await this.quickInput().fill(`>${title}`);
    // Enter on the focused row: a click on a list the filter is still re-rendering can wait forever
    // on a loaded machine (the row it aimed at is replaced).
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
    await row.first().waitFor({ timeout: UI_TIMEOUT });
    await this.page.keyboard.press('Enter');
  }
}
