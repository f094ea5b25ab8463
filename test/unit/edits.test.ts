import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ContentChange } from '../../server/src/engine/document';
import { mapRange, unmapPosition } from '../../server/src/engine/edits';
import type { Range } from '../../server/src/engine/types';
import { prng } from '../reliability/fuzz/random';

const at = (line: number, character: number) => ({ line, character });
const range = (a: number, b: number, c: number, d: number): Range => ({ start: at(a, b), end: at(c, d) });

describe('positions through edits (code actions on the last results)', () => {
  it('moves a range by the edits before it and keeps it where the edits come after', () => {
    const r = range(5, 2, 5, 8);
    assert.deepEqual(mapRange(r, [{ range: range(1, 0, 1, 0), text: 'x\ny\n' }]), range(7, 2, 7, 8));
    assert.deepEqual(mapRange(r, [{ range: range(5, 0, 5, 1), text: '' }]), range(5, 1, 5, 7));
    assert.deepEqual(mapRange(r, [{ range: range(2, 3, 4, 0), text: '' }]), range(3, 2, 3, 8));
    assert.deepEqual(mapRange(r, [{ range: range(5, 9, 5, 9), text: 'zz' }]), r);
    assert.deepEqual(mapRange(r, [{ range: range(9, 0, 9, 0), text: 'zz' }]), r);
  });

  it('gives nothing when an edit touched the range, was made at its bounds, or replaced the whole text', () => {
    const r = range(5, 2, 5, 8);
    assert.equal(mapRange(r, [{ range: range(5, 4, 5, 4), text: 'x' }]), undefined);
    assert.equal(mapRange(r, [{ range: range(5, 2, 5, 2), text: 'x' }]), undefined);
    assert.equal(mapRange(r, [{ range: range(5, 8, 5, 8), text: 'x' }]), undefined);
    assert.equal(mapRange(r, [{ range: range(4, 0, 6, 0), text: '' }]), undefined);
    assert.equal(mapRange(r, [{ text: 'package p\n' }]), undefined);
    // An insertion point (an empty range) is touched by an edit made there.
    assert.equal(mapRange(range(3, 1, 3, 1), [{ range: range(3, 1, 3, 1), text: 'x' }]), undefined);
  });

  it('agrees with the text: a range mapped through random edits holds the same text, and a position maps back to where it was', () => {
    const rand = prng(15);
    const pieces = ['x', '\n', '\t', '{', '}', 'abc\ndef', ''];
    for (let trial = 0; trial < 300; trial++) {
      const lines = Array.from({ length: 8 }, (_, i) => `line ${i} ${'abcdefgh'.slice(0, i)}`);
      // TextDocument.update changes the document it is given: the original is a document of its own.
      const original = TextDocument.create('file:///a.go', 'go', 1, lines.join('\n'));
      let doc = TextDocument.create('file:///a.go', 'go', 1, lines.join('\n'));
      const o1 = Math.floor(rand() * doc.getText().length);
      const o2 = o1 + Math.floor(rand() * 6);
      const r = { start: original.positionAt(o1), end: original.positionAt(o2) };
      const edits: ContentChange[] = [];
      for (let k = 0; k < 4; k++) {
        const text = doc.getText();
        const a = Math.floor(rand() * (text.length + 1));
        const b = Math.min(text.length, a + Math.floor(rand() * 4));
        const edit = { range: { start: doc.positionAt(a), end: doc.positionAt(b) }, text: pieces[Math.floor(rand() * pieces.length)] };
        edits.push(edit);
        doc = TextDocument.update(doc, [edit], doc.version + 1);
      }
      const mapped = mapRange(r, edits);
      if (mapped) {
        assert.equal(doc.getText(mapped), original.getText(r), `trial ${trial}: ${JSON.stringify({ r, edits })}`);
        assert.deepEqual(unmapPosition(mapped.start, edits), r.start, `trial ${trial}`);
      }
      // Wherever a position of the new text maps back to, the character there is the same.
      const p = doc.positionAt(Math.floor(rand() * doc.getText().length));
      const back = unmapPosition(p, edits);
      if (back) assert.equal(original.getText({ start: back, end: original.positionAt(original.offsetAt(back) + 1) }), doc.getText({ start: p, end: doc.positionAt(doc.offsetAt(p) + 1) }), `trial ${trial}: ${JSON.stringify({ p, edits })}`);
    }
  });
});
