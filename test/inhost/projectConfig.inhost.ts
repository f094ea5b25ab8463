// A project's .gohazard.json in a real VS Code: written, edited and deleted on disk while files are
// open, it changes their diagnostics without a restart (the server's file watcher); and VS Code itself
// checks and completes it with the schema the extension contributes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HazardRow, cleanFiles, hazardFiles, hazards } from '../e2e/hazards';
import { Restorer, gohazardDiagnostics, openAllAndSettle, waitFor, waitForExactly } from './helpers';

const encode = (text: string) => new TextEncoder().encode(text);

describe('.gohazard.json', () => {
  const restorer = new Restorer();
  let docs: Map<string, vscode.TextDocument>;

  before(async () => {
    docs = await openAllAndSettle(cleanFiles);
  });
  afterEach(async () => {
    await restorer.restore();
    for (const [file, rows] of hazardFiles()) await waitForExactly(docs.get(file)!, rows, '.gohazard.json deleted');
  });

  /** Every hazard file shows the rows it shows with the rules `off` says off, each rewritten by `rewrite`. */
  async function expectRows(off: (rule: string) => boolean, what: string, rewrite: (row: HazardRow) => HazardRow = (r) => r): Promise<void> {
    const shown = hazardFiles(off);
    for (const file of hazardFiles().keys()) await waitForExactly(docs.get(file)!, (shown.get(file) ?? []).map(rewrite), what);
  }

  it('turns a rule off in the open files, and an edit of it changes them again, without a restart', async () => {
    const rule = hazards[0].rule;
    const config = restorer.create('.gohazard.json');
    await vscode.workspace.fs.writeFile(config, encode(`// the team's settings\n{ "rules": { "${rule}": "off" } }\n`));
    await expectRows((r) => r === rule, `${rule} off in .gohazard.json`);
    await vscode.workspace.fs.writeFile(config, encode(`{ "rules": { "${rule}": "error" } }\n`));
    await expectRows(() => false, `${rule} error in .gohazard.json`, (r) => (r.rule === rule ? { ...r, severity: 'error' } : r));
  });

  it('is JSON with comments that VS Code checks and completes with the shipped schema, and gohazard reports its mistakes', async () => {
    const config = restorer.create('.gohazard.json');
    await vscode.workspace.fs.writeFile(config, encode('// comments are fine\n{\n  "colour": true,\n  "escapeScope": "sometimes"\n}\n'));
    // In an editor: the JSON language service checks the documents of open tabs.
    const doc = await vscode.workspace.openTextDocument(config);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    assert.equal(doc.languageId, 'jsonc');
    const fromSchema = await waitFor(
      'the JSON language service to report the unknown key and the bad value',
      () => {
        const found = vscode.languages.getDiagnostics(config).filter((d) => d.source !== 'gohazard');
        return found.length >= 2 && found;
      },
      () => JSON.stringify(vscode.languages.getDiagnostics(config)),
    );
    assert.deepEqual(fromSchema.map((d) => d.range.start.line).sort(), [2, 3]);
    const ours = await waitFor('gohazard to report the unknown key and the bad value', () => {
      const found = gohazardDiagnostics(config);
      return found.length === 2 && found;
    });
    assert.deepEqual(
      ours.map((d) => [d.range.start.line, d.message]),
      [
        [2, 'unknown key "colour"; .gohazard.json knows rules, exclude, escapeScope, profile, failOn, baseline'],
        [3, 'escapeScope must be one of "hot", "loops", "all", not "sometimes"'],
      ],
    );
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', config, new vscode.Position(2, 2));
    const labels = completions.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label).replace(/"/g, ''));
    // The keys the file does not have yet (escapeScope is there).
    for (const key of ['rules', 'exclude', 'profile', 'failOn']) assert.ok(labels.includes(key), `${key} is not offered: ${labels.join(', ')}`);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
