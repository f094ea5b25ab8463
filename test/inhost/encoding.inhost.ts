// A Go file that is not valid UTF-8, opened in VS Code (issue 17, item 1): the editor decodes it as
// gohazard's reader does (each maximal ill-formed sequence is one U+FFFD, one UTF-16 unit), so the
// server's ranges, SARIF's UTF-16 columns and the editor name the same characters.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { codeOf, gohazardDiagnostics, waitFor } from './helpers';

describe('a Go file with ill-formed UTF-8', () => {
  it('VS Code decodes it as the server reads it, and a capture is reported on the characters of its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-inhost-utf8-'));
    try {
      writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
      // \xFF, a truncated \xE2\x82, an overlong \xC0\x80 and an encoded surrogate \xED\xA0\x80: 1 + 1 + 2 + 3 replacements.
      const ill = Buffer.from([0xff, 0xe2, 0x82, 0xc0, 0x80, 0xed, 0xa0, 0x80]);
      const bytes = Buffer.concat([Buffer.from('package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { /*'), ill, Buffer.from('*/ println(x) }()\n\t}\n}\n')]);
      const path = join(dir, 'a.go');
      writeFileSync(path, bytes);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
      await vscode.window.showTextDocument(doc, { preview: false });
      assert.equal(doc.getText(), new TextDecoder().decode(bytes));
      assert.equal(doc.lineAt(4).text, '\t\tgo func() { /*\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd*/ println(x) }()');
      const capture = await waitFor('the loopvar/capture diagnostic', () => gohazardDiagnostics(doc.uri).find((d) => codeOf(d) === 'loopvar/capture'));
      // "\t\tgo func() { /*" is 16 units, the replacements 7, "*/ println(" 11: x is at 34 (the CLI's byte column is 36).
      assert.deepEqual([capture.range.start.line, capture.range.start.character, capture.range.end.line, capture.range.end.character], [4, 34, 4, 35]);
      assert.equal(doc.getText(capture.range), 'x');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
