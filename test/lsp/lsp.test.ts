import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeAction, CodeActionRequest, DidChangeConfigurationNotification, TextEdit } from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../server/src/engine/fixes';
import { TestClient } from './lspClient';

const source = [
  'package m', //0
  '', //1
  'import "fmt"', //2
  '', //3
  'func f(xs []string) {', //4
  '\tfor _, x := range xs {', //5
  '\t\tgo func() { /* 中文😀 */ fmt.Println(x) }()', //6
  '\t}', //7
  '}', //8
  '',
].join('\n');

/** These tests are about the loop-variable rules; other families are switched off so they stay exact. */
const otherFamiliesOff = { 'escape/*': 'off', 'alloc/*': 'off', 'pool/*': 'off', 'toolchain/*': 'off' };
const loopvarOnly = { rules: otherFamiliesOff };

function module(goVersion: string): { dir: string; uri: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-lsp-'));
  writeFileSync(join(dir, 'go.mod'), `module m\n\ngo ${goVersion}\n`);
  writeFileSync(join(dir, 'a.go'), source);
  return { dir, uri: pathToFileURL(join(dir, 'a.go')).toString() };
}

describe('language server over stdio', function () {
  this.timeout(30000);
  let client: TestClient;

  afterEach(async () => {
    if (client.process.exitCode === null) client.process.kill();
  });

  it('publishes, fixes, updates incrementally, honours settings, clears on close and exits cleanly', async () => {
    client = new TestClient();
    client.settings = loopvarOnly;
    const { dir, uri } = module('1.21');
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });

    const first = await client.diagnostics(uri, (p) => p.version === 1);
    assert.deepEqual(first.diagnostics.map((x) => [x.code, x.severity]), [['loopvar/capture', 2]]);
    const d = first.diagnostics[0];
    assert.equal(d.code, 'loopvar/capture');
    assert.equal(d.source, 'gohazard');
    // The rule's page, generated in docs/rules/ (test/unit/ruleDocs.test.ts checks it exists).
    assert.equal(d.codeDescription?.href, 'https://github.com/gohazard/gohazard/blob/main/docs/rules/loopvar/capture.md');
    // UTF-16 columns: the Chinese characters count one unit each, the emoji two.
    assert.deepEqual(d.range, { start: { line: 6, character: 37 }, end: { line: 6, character: 38 } });
    assert.match(d.message, /loop variable x captured .* go1\.21 from go\.mod line 3/);
    // What changes at go1.22 for x is part of the same problem: related information on the loop header.
    assert.deepEqual(
      d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message.replace(/:.*/, '')]),
      [[uri, 5, 'loop variable x changes meaning at go1.22']],
    );

    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred]), [
      ['Copy x for this iteration (x := x)', 'quickfix', true],
      ['Pass x to the func literal as an argument', 'quickfix', undefined],
      ['Upgrade module to go1.22 (1 loop in the module changes meaning)', 'quickfix', undefined],
    ]);
    const byArgument = applyEdits(source, actions[1].edit!.changes![uri] as TextEdit[]);
    assert.match(byArgument, /go func\(x string\) \{ \/\* 中文😀 \*\/ fmt\.Println\(x\) \}\(x\)/);
    const edits = actions[0].edit!.changes![uri] as TextEdit[];
    const fixed = applyEdits(source, edits);
    assert.match(fixed, /\t\tx := x\n\t\tgo func\(\)/);

    // The client applies the fix as an incremental change.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.version === 2)).diagnostics, []);

    // Delete the copy again: the hazard returns, one line lower.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 6, character: 0 }, end: { line: 7, character: 0 } }, text: '' }],
    });
    const third = await client.diagnostics(uri, (p) => p.version === 3);
    assert.deepEqual(third.diagnostics.map((x) => [x.code, x.range.start.line, x.relatedInformation?.[0].location.range.start.line]), [['loopvar/capture', 6, 5]]);

    const fixAll = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.deepEqual(fixAll.map((a) => a.kind), ['source.fixAll.gohazard']);

    // Turning rules off through settings removes their diagnostics.
    client.settings = { rules: { ...otherFamiliesOff, 'loopvar/capture': 'off' } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.diagnostics.length === 1)).diagnostics.map((x) => x.code), ['loopvar/semantics-change']);
    client.settings = { rules: { ...otherFamiliesOff, 'loopvar/*': 'off' } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 0);
    client.settings = loopvarOnly;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 1 && p.diagnostics[0].code === 'loopvar/capture');

    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.version === undefined)).diagnostics, []);
    assert.equal(await client.shutdown(), 0);
  });

  it('answers gohazard/upgradeImpact and offers the go.mod upgrade as a quick fix', async () => {
    client = new TestClient();
    client.settings = loopvarOnly;
    const { dir, uri } = module('1.21');
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    const published = await client.diagnostics(uri, (p) => p.version === 1);

    const impact = (await client.connection.sendRequest('gohazard/upgradeImpact', { uri })) as { loops: number; changes: { uri: string; range: unknown }[]; summary: string };
    assert.equal(impact.loops, 1);
    assert.deepEqual(impact.changes.map((c) => [c.uri, c.range]), [[uri, { start: { line: 5, character: 8 }, end: { line: 5, character: 9 } }]]);
    assert.match(impact.summary, /1 loop \(1 loop variable\) in 1 of 1 files changes meaning/);

    const capture = published.diagnostics.find((d) => d.code === 'loopvar/capture')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: capture.range,
      context: { diagnostics: [capture], only: ['quickfix'] },
    })) as CodeAction[];
    const upgrade = actions.find((a) => a.title.startsWith('Upgrade module'))!;
    assert.equal(upgrade.title, 'Upgrade module to go1.22 (1 loop in the module changes meaning)');
    const goModUri = pathToFileURL(join(dir, 'go.mod')).toString();
    assert.equal(applyEdits('module m\n\ngo 1.21\n', upgrade.edit!.changes![goModUri] as TextEdit[]), 'module m\n\ngo 1.22\n');
    assert.equal(await client.shutdown(), 0);
  });

  it('reports nothing for a go 1.22 module', async () => {
    client = new TestClient();
    client.settings = loopvarOnly;
    const { dir, uri } = module('1.22');
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.version === 1)).diagnostics, []);
    assert.equal(await client.shutdown(), 0);
  });

  it('serves the toolchain request, a code lens on the package clause and a hover on for/range', async () => {
    client = new TestClient();
    client.settings = loopvarOnly;
    const { dir, uri } = module('1.21');
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    await client.diagnostics(uri, (p) => p.version === 1);

    const report = (await client.connection.sendRequest('gohazard/toolchain', { uri })) as { summary: string; sourceUri: string; source: { line: number }; loopSemantics: string };
    assert.equal(report.summary, 'Go 1.21 · shared loop vars');
    assert.equal(report.sourceUri, pathToFileURL(join(dir, 'go.mod')).toString());
    assert.equal(report.source.line, 2);

    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[];
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command.title, l.command.command, l.command.arguments]), [
      [0, 'Go 1.21 · shared loop vars', 'gohazard.openVersionSource', [report.sourceUri, 2]],
    ]);

    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 2 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, /`x` is one variable shared by \*\*all iterations\*\*/);
    const onRange = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 14 } })) as { contents: { value: string } };
    assert.match(onRange.contents.value, /shared by/);
    assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 1 } }), null);

    client.settings = { ...loopvarOnly, codeLens: { toolchain: false } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    assert.deepEqual(await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), []);
    assert.equal(await client.shutdown(), 0);
  });

  it('shows loop-variable diagnostics when go.mod is lowered from go 1.22 to go 1.21 in the editor', async () => {
    client = new TestClient();
    client.settings = loopvarOnly;
    const { dir, uri } = module('1.22');
    const modUri = pathToFileURL(join(dir, 'go.mod')).toString();
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.version === 1)).diagnostics, []);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: modUri, languageId: 'go.mod', version: 1, text: 'module m\n\ngo 1.22\n' } });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: modUri, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 5 }, end: { line: 2, character: 7 } }, text: '21' }],
    });
    const after = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    assert.deepEqual(after.diagnostics.map((d) => d.code), ['loopvar/capture']);
    assert.equal(await client.shutdown(), 0);
  });

  it('re-analyses open files when their go.mod is edited in the editor', async () => {
    client = new TestClient();
    client.settings = loopvarOnly;
    const { dir, uri } = module('1.21');
    const modUri = pathToFileURL(join(dir, 'go.mod')).toString();
    await client.initialize(pathToFileURL(dir).toString());
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: source } });
    assert.equal((await client.diagnostics(uri, (p) => p.version === 1)).diagnostics.length, 1);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: modUri, languageId: 'go.mod', version: 1, text: 'module m\n\ngo 1.21\n' } });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: modUri, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 5 }, end: { line: 2, character: 7 } }, text: '22' }],
    });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.diagnostics.length === 0)).diagnostics, []);
    assert.equal(await client.shutdown(), 0);
  });
});
