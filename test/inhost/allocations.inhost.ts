// The allocations view, toggled as a user toggles it (the command), and the hover that explains an
// allocation: on a clean file, whose default diagnostics are none.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { allocationsView } from '../e2e/hazards';
import { codeOf, gohazardDiagnostics, openDocument, waitFor, waitForExactly } from './helpers';

describe('allocations view', () => {
  const escapes = (uri: vscode.Uri) => gohazardDiagnostics(uri).filter((d) => codeOf(d).startsWith('escape/'));

  it(`${allocationsView.title}: every predicted heap allocation of ${allocationsView.file}, then none again`, async () => {
    const doc = await openDocument(allocationsView.file);
    await waitForExactly(doc, [], 'the default view');
    assert.deepEqual(escapes(doc.uri), []);
    await vscode.commands.executeCommand(allocationsView.command, doc.uri);
    await waitForExactly(doc, allocationsView.findings, 'the allocations view', (d) => codeOf(d).startsWith('escape/'));
    await vscode.commands.executeCommand(allocationsView.command, doc.uri);
    await waitFor('the allocations view to close', () => escapes(doc.uri).length === 0);
  });

  it(`hovering "${allocationsView.hover.at}" in "${allocationsView.hover.line}" explains the allocation`, async () => {
    const doc = await openDocument(allocationsView.file);
    const line = doc.getText().split('\n').findIndex((l) => l.includes(allocationsView.hover.line));
    const position = new vscode.Position(line, doc.lineAt(line).text.indexOf(allocationsView.hover.at) + 1);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position)) ?? [];
    const texts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
    assert.ok(texts.some((t) => allocationsView.hover.text.test(t)), `no hover matches ${allocationsView.hover.text}; got: ${JSON.stringify(texts)}`);
  });
});
