// gohazard.scanWorkspace: every Go file of the workspace, open or not, analysed on worker threads; the
// findings of files nobody opened reach the Problems panel too.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cleanFiles, coveredFamilies, familyOf, hazardFiles, hazards } from '../e2e/hazards';
import { FileText, Restorer, fileUri, rowsOf, waitForExactly } from './helpers';

interface ScanSummary {
  files: number;
  findings: Record<string, number>;
  cancelled: boolean;
  summary: string;
}

describe('gohazard.scanWorkspace', () => {
  const restorer = new Restorer();
  afterEach(() => restorer.restore());

  it('every Go file of the workspace is one of the table (hazard files and clean files)', async () => {
    const onDisk = (await vscode.workspace.findFiles('**/*.go')).map((u) => vscode.workspace.asRelativePath(u)).sort();
    assert.deepEqual(onDisk, [...hazardFiles().keys(), ...cleanFiles].sort());
  });

  it('reports files that are not open, with exactly their rows, and counts every family', async () => {
    // Copies of the hazard files in a package of their own, written to disk and never opened.
    const copies = new Map<string, FileText>();
    restorer.create('scanned');
    for (const file of hazardFiles().keys()) {
      const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri(file)));
      const text = original.replace(/^package \w+$/m, 'package scanned');
      const uri = fileUri(`scanned/${file}`);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      copies.set(file, { uri, getText: () => text });
    }
    const goFiles = hazardFiles().size * 2 + cleanFiles.length;
    const summary = await vscode.commands.executeCommand<ScanSummary>('gohazard.scanWorkspace');
    assert.ok(summary, 'the command returned nothing');
    assert.equal(summary.cancelled, false);
    assert.equal(summary.files, goFiles);
    assert.match(summary.summary, new RegExp(`^Scanned ${goFiles} of ${goFiles} Go files( \\(\\d+ from the cache\\))? in \\d+\\.\\d s: `));
    for (const family of coveredFamilies()) {
      assert.equal(summary.findings[family] ?? 0, 2 * hazards.filter((r) => familyOf(r.rule) === family).length, `${family} findings in ${summary.summary}`);
    }
    for (const [file, copy] of copies) {
      await waitForExactly(copy, rowsOf(file), 'scanned, never opened');
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === copy.uri.toString()), `${copy.uri.path} was opened`);
    }
  });
});
