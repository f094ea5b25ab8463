// The go line of go.mod decides the language version: an unsaved edit in the editor counts at once,
// and so does a change on disk (what `go mod edit -go=…` does).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cleanFiles, compareGo, hazardFiles, hazards, reportedAt, workspaceGoVersion } from '../e2e/hazards';
import { Restorer, fileUri, openAllAndSettle, openDocument, waitForExactly } from './helpers';

describe('the Go version in go.mod', () => {
  const restorer = new Restorer();
  let docs: Map<string, vscode.TextDocument>;

  before(async () => {
    docs = await openAllAndSettle(cleanFiles);
  });
  afterEach(async () => {
    await restorer.restore();
    for (const [file, rows] of hazardFiles()) await waitForExactly(docs.get(file)!, rows, `go.mod back at go ${workspaceGoVersion}`);
  });

  async function expectAt(version: string): Promise<void> {
    for (const [file, rows] of hazardFiles()) await waitForExactly(docs.get(file)!, rows.filter((r) => reportedAt(r, version)), `go ${version}`);
  }

  const versions = [...new Set(hazards.map((r) => r.goneFrom).filter((v): v is string => v !== undefined))].sort(compareGo);
  for (const version of versions) {
    const gone = hazards.filter((r) => r.goneFrom && compareGo(version, r.goneFrom) >= 0).map((r) => r.rule);
    it(`an unsaved edit of go.mod to go ${version} removes ${[...new Set(gone)].join(', ')}; undoing it brings them back`, async () => {
      await restorer.remember('go.mod');
      const goMod = await openDocument('go.mod');
      const line = [...Array(goMod.lineCount).keys()].map((i) => goMod.lineAt(i)).find((l) => l.text === `go ${workspaceGoVersion}`);
      assert.ok(line, `go.mod has no line "go ${workspaceGoVersion}"`);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(goMod.uri, line.range, `go ${version}`);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(goMod.isDirty);
      await expectAt(version);
      await vscode.window.showTextDocument(goMod);
      await vscode.commands.executeCommand('undo');
      await expectAt(workspaceGoVersion);
    });

    it(`go.mod changed on disk to go ${version} (as go mod edit -go=${version} does)`, async () => {
      await restorer.remember('go.mod');
      const uri = fileUri('go.mod');
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text.replace(`go ${workspaceGoVersion}\n`, `go ${version}\n`)));
      await expectAt(version);
    });
  }
});
