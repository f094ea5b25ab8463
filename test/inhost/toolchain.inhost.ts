// Per-file toolchain hints (code lens, hover, the directive they open) and the go1.22 upgrade impact
// (the command and the go.mod quick fix), as the server reports them through VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cleanFiles, hazardFiles, hazards, loopHovers, reportedAt, toolchainSummary, upgradeImpact, workspaceGoVersion } from '../e2e/hazards';
import { Restorer, codeActions, expectedRange, fileUri, openAllAndSettle, openDocument, rowsOf, waitFor, waitForExactly } from './helpers';

interface UpgradeImpactResult {
  goMod: string;
  target: string;
  upToDate: boolean;
  loops: number;
  summary: string;
  changes: { uri: string; range: { start: { line: number } }; message: string }[];
}

async function lenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
}

function lineOf(doc: vscode.TextDocument, text: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`no line of ${doc.uri.path} contains "${text}"`);
}

describe('toolchain hints and the go1.22 upgrade impact', () => {
  const restorer = new Restorer();
  let docs: Map<string, vscode.TextDocument>;

  before(async () => {
    docs = await openAllAndSettle(cleanFiles);
  });
  afterEach(async () => {
    await restorer.restore();
    for (const [file, rows] of hazardFiles()) await waitForExactly(docs.get(file)!, rows, 'restored');
  });

  for (const file of [...hazardFiles().keys(), ...cleanFiles]) {
    it(`${file}: a code lens on the package clause says "${toolchainSummary[workspaceGoVersion]}" and opens go.mod's go line`, async () => {
      const doc = docs.get(file)!;
      const lens = await waitFor(`the toolchain code lens of ${file}`, async () =>
        (await lenses(doc)).find((l) => l.command?.title === toolchainSummary[workspaceGoVersion]),
      );
      assert.equal(lens.range.start.line, lineOf(doc, 'package '));
      assert.equal(lens.command!.command, 'gohazard.openVersionSource');
      await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
      const editor = await waitFor('go.mod in the active editor', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/go.mod') && vscode.window.activeTextEditor);
      assert.equal(editor.selection.active.line, lineOf(editor.document, `go ${workspaceGoVersion}`));
    });
  }

  it('the code lens follows an unsaved edit of go.mod', async () => {
    const [next] = Object.keys(toolchainSummary).filter((v) => v !== workspaceGoVersion);
    await restorer.remember('go.mod');
    const goMod = await openDocument('go.mod');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(goMod.uri, goMod.lineAt(lineOf(goMod, `go ${workspaceGoVersion}`)).range, `go ${next}`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const doc = docs.get([...hazardFiles().keys()][0])!;
    await waitFor(`the code lens "${toolchainSummary[next]}"`, async () => (await lenses(doc)).some((l) => l.command?.title === toolchainSummary[next]));
  });

  it('"gohazard.codeLens.toolchain": false removes the code lens', async () => {
    await restorer.setting('gohazard', 'codeLens.toolchain', false);
    const doc = docs.get([...hazardFiles().keys()][0])!;
    await waitFor('no toolchain code lens', async () => !(await lenses(doc)).some((l) => l.command?.command === 'gohazard.openVersionSource'));
  });

  for (const hover of loopHovers) {
    it(`${hover.file}: hovering "${hover.keyword}" in "${hover.line}" explains its loop variables`, async () => {
      const doc = docs.get(hover.file) ?? (await openDocument(hover.file));
      const line = lineOf(doc, hover.line);
      const position = new vscode.Position(line, doc.lineAt(line).text.indexOf(hover.keyword, doc.lineAt(line).text.indexOf(hover.line)) + 1);
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position)) ?? [];
      const texts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
      assert.ok(texts.some((t) => hover.text.test(t)), `no hover matches ${hover.text}; got: ${JSON.stringify(texts)}`);
    });
  }

  it('gohazard.upgradeImpact lists the loops that change meaning, also in the Problems panel', async () => {
    const expected = upgradeImpact.changes;
    const first = docs.get([...hazardFiles().keys()][0])!;
    const result = await vscode.commands.executeCommand<UpgradeImpactResult>('gohazard.upgradeImpact', first.uri);
    assert.ok(result, 'the command returned nothing');
    assert.equal(result.upToDate, false);
    assert.equal(result.target, upgradeImpact.target);
    assert.equal(result.goMod, fileUri('go.mod').toString());
    assert.equal(result.loops, expected.length);
    assert.match(result.summary, upgradeImpact.summary);
    const changes = result.changes.map((c) => `${vscode.Uri.parse(c.uri).path.split('/').pop()}:${c.range.start.line}`).sort();
    const rows = expected.map((r) => `${r.file}:${expectedRange(docs.get(r.file)!.getText(), r).start.line}`).sort();
    assert.deepEqual(changes, rows);
    for (const row of expected) {
      const listed = vscode.languages.getDiagnostics(fileUri(row.file)).filter((d) => d.source === 'gohazard upgrade impact');
      assert.ok(listed.some((d) => d.range.start.line === expectedRange(docs.get(row.file)!.getText(), row).start.line), `${row.file} has no upgrade-impact entry`);
    }
  });

  for (const row of hazards.filter((r) => r.offersUpgrade)) {
    it(`${row.rule}: the quick fix "${upgradeImpact.quickFix}" edits go.mod, and the hazards that go away at ${upgradeImpact.target} do`, async () => {
      await restorer.remember('go.mod');
      const doc = docs.get(row.file)!;
      const rows = rowsOf(row.file);
      const diagnostic = (await waitForExactly(doc, rows))[rows.indexOf(row)];
      const actions = await codeActions(doc, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title === upgradeImpact.quickFix);
      assert.ok(fix?.edit, `no quick fix "${upgradeImpact.quickFix}" among: ${actions.map((a) => `"${a.title}"`).join(', ') || 'none'}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const goMod = await vscode.workspace.openTextDocument(fileUri('go.mod'));
      const version = upgradeImpact.target.replace(/^go/, '');
      assert.equal(goMod.lineAt(lineOf(goMod, 'go 1.')).text, `go ${version}`);
      for (const [file, fileRows] of hazardFiles()) {
        await waitForExactly(docs.get(file)!, fileRows.filter((r) => reportedAt(r, version)), `go.mod at ${upgradeImpact.target}`);
      }
    });
  }
});
