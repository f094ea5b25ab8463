// The commands the extension contributes: registered, and doing what they say.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { goldenText, hazardFiles } from '../e2e/hazards';
import { EXTENSION_ID, Restorer, openDocument, setText, waitFor, waitForExactly } from './helpers';

describe('commands', () => {
  const restorer = new Restorer();
  afterEach(() => restorer.restore());

  before(async () => {
    // Commands are registered on activation, which opening a Go file triggers.
    await openDocument([...hazardFiles().keys()][0]);
    await waitFor('the extension to activate', () => vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  });

  it('every command in package.json is registered', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes?.commands ?? []) as { command: string }[];
    assert.ok(contributed.length > 0, 'package.json contributes no command');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.map((c) => c.command).filter((c) => !registered.has(c)), []);
  });

  it('gohazard.showOutput runs', async () => {
    await vscode.commands.executeCommand('gohazard.showOutput');
  });

  it('gohazard.restartServer: a new server analyses edits again; the output channel says so without an error', async () => {
    const [file, rows] = [...hazardFiles()].find(([f]) => goldenText(f) !== undefined) ?? [...hazardFiles()][0];
    await restorer.remember(file);
    const doc = await openDocument(file);
    await waitForExactly(doc, rows);
    // Shown, the output channel is a document the extension host can read.
    await vscode.commands.executeCommand('gohazard.showOutput');
    const channel = await waitFor('the gohazard output channel as a document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && /gohazard/i.test(d.uri.toString())));
    await vscode.commands.executeCommand('gohazard.restartServer');
    await waitForExactly(doc, rows, 'after the restart');
    const restartLog = () => channel.getText().slice(channel.getText().lastIndexOf('restarting the gohazard language server'));
    await waitFor('the exit of the old server in the output channel', () => /Server process exited/.test(restartLog()), restartLog);
    assert.match(restartLog(), /^\[Info[^\]]*\] Server process exited with code 0, as requested\.$/m);
    assert.doesNotMatch(restartLog(), /^\[Error/m);
    // Proof that the restarted server is the one answering: it reacts to a change.
    const golden = goldenText(file);
    if (golden !== undefined) {
      await setText(doc, golden);
      await waitForExactly(doc, [], 'fixed text after the restart');
    }
  });
});
