// Every quick fix, applied as VS Code applies it, gives the golden text, and the fixed code is no longer
// reported; source.fixAll.gohazard does the same for a whole file, also as a code action on save.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { goldenText, hazardFiles, hazards } from '../e2e/hazards';
import { Restorer, applyAction, codeActions, fullRange, openDocument, rowsOf, waitFor, waitForExactly } from './helpers';

const FIX_ALL = 'source.fixAll.gohazard';

describe('quick fixes and source.fixAll.gohazard', () => {
  const restorer = new Restorer();
  afterEach(() => restorer.restore());

  for (const row of hazards.filter((r) => r.quickFix)) {
    it(`${row.rule}: "${row.quickFix}" turns ${row.file} into expected/${row.file}.golden`, async () => {
      const golden = goldenText(row.file);
      assert.ok(golden !== undefined, `test/e2e/expected/${row.file}.golden is missing`);
      await restorer.remember(row.file);
      const doc = await openDocument(row.file);
      const rows = rowsOf(row.file);
      const diagnostic = (await waitForExactly(doc, rows))[rows.indexOf(row)];
      const actions = await codeActions(doc, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title === row.quickFix);
      assert.ok(fix, `no quick fix "${row.quickFix}" among: ${actions.map((a) => `"${a.title}"`).join(', ') || 'none'}`);
      assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
      assert.equal(fix.isPreferred, true, 'the fix is not preferred, so Ctrl+. and source.fixAll do not pick it');
      // (vscode.executeCodeActionProvider drops CodeAction.diagnostics; the LSP suite checks them.)
      await applyAction(fix);
      assert.equal(doc.getText(), golden);
      await waitForExactly(doc, [], 'after the fix');
    });
  }

  for (const file of [...hazardFiles().keys()].filter((f) => goldenText(f) !== undefined)) {
    it(`${FIX_ALL} turns ${file} into its golden text`, async () => {
      await restorer.remember(file);
      const doc = await openDocument(file);
      await waitForExactly(doc, rowsOf(file));
      const actions = (await codeActions(doc, fullRange(doc), FIX_ALL)).filter((a) => a.kind?.value === FIX_ALL);
      assert.equal(actions.length, 1, `expected one ${FIX_ALL} action, got ${actions.map((a) => `"${a.title}"`).join(', ') || 'none'}`);
      await applyAction(actions[0]);
      assert.equal(doc.getText(), goldenText(file));
      await waitForExactly(doc, [], `after ${FIX_ALL}`);
    });

    it(`saving ${file} with "editor.codeActionsOnSave": {"${FIX_ALL}": "explicit"} fixes it`, async () => {
      await restorer.remember(file);
      await restorer.setting('editor', 'codeActionsOnSave', { [FIX_ALL]: 'explicit' }, 'go');
      const doc = await openDocument(file);
      await waitForExactly(doc, rowsOf(file));
      // A change for the save to write, away from every fix.
      const marker = '\n// edited by the in-host suite\n';
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, doc.positionAt(doc.getText().length), marker);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.save');
      const expected = goldenText(file) + marker;
      await waitFor('the save to apply the fixes', () => !doc.isDirty && doc.getText() === expected, () => JSON.stringify(doc.getText()));
      const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri));
      assert.equal(onDisk, expected);
    });
  }
});
