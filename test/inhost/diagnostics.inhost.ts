// Opening the sample workspace's files: gohazard reports exactly the table's rows, and nothing in the
// clean files; the extension that does it is the one installed from the .vsix.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { cleanFiles, hazardFiles } from '../e2e/hazards';
import { EXTENSION_ID, openDocument, waitFor, waitForExactly } from './helpers';

describe('diagnostics of the sample workspace', () => {
  it('the extension activates on a Go file and runs its bundled server', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await openDocument([...hazardFiles().keys()][0]);
    await waitFor('the extension to activate', () => extension.isActive);
    assert.equal(extension.packageJSON.main, './dist/client.js');
    for (const file of ['dist/client.js', 'dist/server.js', 'dist/scanWorker.js', 'grammars/tree-sitter-go.wasm', 'grammars/tree-sitter.wasm']) {
      assert.ok(existsSync(join(extension.extensionPath, file)), `${file} is missing from ${extension.extensionPath}`);
    }
    if (process.env.GOHAZARD_INHOST_FROM_VSIX) {
      // Installed from the .vsix: only what runs.
      for (const dir of ['out', 'node_modules', 'test', 'client', 'server']) {
        assert.ok(!existsSync(join(extension.extensionPath, dir)), `the .vsix holds ${dir}/`);
      }
    }
  });

  // Clean files are opened first, so their analysis is queued before the hazard files' that the
  // tests wait for.
  const docs = new Map<string, vscode.TextDocument>();
  before(async () => {
    for (const file of [...cleanFiles, ...hazardFiles().keys()]) docs.set(file, await openDocument(file));
  });

  for (const [file, rows] of hazardFiles()) {
    it(`${file}: exactly ${rows.map((r) => r.rule).join(', ')}`, async () => {
      await waitForExactly(docs.get(file)!, rows);
    });
  }

  for (const file of cleanFiles) {
    it(`${file}: nothing`, async () => {
      await waitForExactly(docs.get(file)!, []);
    });
  }
});
