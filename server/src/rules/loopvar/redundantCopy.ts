// loopvar/redundant-copy: `v := v` copies of loop variables, which go1.22 makes redundant because every
// iteration already has its own variable. For 3-clause loops a copy is only redundant when nothing after
// it writes the copy or the loop variable: from go1.22 the next iteration's variable is initialised from
// this one's, so without the copy such a write would drive the loop.
import type { Node } from 'web-tree-sitter';
import { OffsetFix, Rule, RuleContext } from '../../engine/rule';
import type { Binding } from '../../engine/scope';
import { PER_ITERATION_LOOPVARS, languageVersion } from '../../toolchain/goVersion';
import { bodyOf, inLoopBodyOf, isModification, loopOf, sameFunction } from './loops';
import { within } from '../../engine/syntax';
import { versionNote } from '../versionNote';

export const redundantCopy: Rule = {
  id: 'loopvar/redundant-copy',
  summary: 'A `v := v` copy of a loop variable that go1.22 makes redundant.',
  help:
    'Since Go 1.22 each loop iteration has its own loop variables, so the `v := v` idiom that protected closures and pointers before is no longer needed. The quick fix deletes the copy. Copies of 3-clause loop variables are only reported when deleting them cannot change the loop: neither the copy nor the variable is written after it.',
  defaultSeverity: 'hint',
  kind: 'explanation',
  sameAs: ['copyloopvar'],
  query: '(short_var_declaration left: (expression_list . (identifier) @copy) right: (expression_list . (identifier) @original) (#eq? @copy @original)) @statement',
  appliesTo: (file) => file.goMinor >= PER_ITERATION_LOOPVARS,
  check(ctx, matches) {
    const inLoopBody = inLoopBodyOf(ctx.decl);
    for (const m of matches) {
      const stmt = m.captures.find((c) => c.name === 'statement')?.node;
      if (stmt && inLoopBody(stmt)) checkCopy(ctx, stmt);
    }
  },
  example: {
    goVersion: '1.22',
    hazard: `package example

import (
	"fmt"
	"sync"
)

func printAll(names []string) {
	var wg sync.WaitGroup
	for _, name := range names {
		name := name
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(name)
		}()
	}
	wg.Wait()
}
`,
    fix: `package example

import "fmt"

func printAll(names []string) {
	for _, name := range names {
		defer func() { fmt.Println(name) }()
	}
}
`,
  },
};

function checkCopy(ctx: RuleContext, stmt: Node): void {
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  if (left.length === 0 || left.length !== right.length) return;
  const scopes = ctx.scopes();
  const copies: { copy: Binding; original: Binding }[] = [];
  for (let i = 0; i < left.length; i++) {
    const l = left[i];
    const r = right[i];
    if (!l || !r || l.type !== 'identifier' || r.type !== 'identifier' || l.text !== r.text) return;
    const copy = scopes.bindingOf(l);
    const original = scopes.bindingOf(r);
    if (!copy || copy.id.id !== l.id || !original) return;
    const loop = loopOf(original);
    const body = loop && bodyOf(loop);
    if (!loop || !body || !within(body, stmt) || !sameFunction(stmt, loop)) return;
    if (original.kind === 'for' && writtenAfter([copy, original], stmt)) return;
    copies.push({ copy, original });
  }
  const fix = deleteStatementFix(ctx, stmt);
  for (const { copy } of copies) {
    ctx.report({
      node: copy.id,
      message: `redundant copy of loop variable ${copy.name}: since go1.22 each iteration has its own ${copy.name} (this file is ${versionNote(ctx.file)})`,
      fixes: [fix],
      goVersion: languageVersion(ctx.file.goMinor),
    });
  }
}

function writtenAfter(bindings: Binding[], stmt: Node): boolean {
  return bindings.some((b) => b.refs.some((r) => r.startIndex >= stmt.endIndex && isModification(r) && withinLoopOf(b, r)));
}

function withinLoopOf(b: Binding, ref: Node): boolean {
  const loop = loopOf(b);
  return !loop || within(loop, ref);
}

/** Deletes the copy; the whole line (with its comment) when the line holds nothing else. */
function deleteStatementFix(ctx: RuleContext, stmt: Node): OffsetFix {
  const source = ctx.source;
  const row = stmt.startPosition.row;
  const lineStart = source.lineStart(row);
  const nextLine = row + 1 < source.lineCount ? source.lineStart(row + 1) : source.text.length;
  const before = source.text.slice(lineStart, stmt.startIndex);
  const after = source.text.slice(stmt.endIndex, nextLine).replace(/\r?\n$/, '');
  const title = `Delete the redundant copy ${stmt.text}`;
  if (before.trim() === '' && (after.trim() === '' || after.trim().startsWith('//'))) {
    return { title, edits: [{ start: lineStart, end: nextLine, newText: '' }], preferred: true };
  }
  const semicolon = /^\s*;[ \t]*/.exec(after);
  return { title, edits: [{ start: stmt.startIndex, end: stmt.endIndex + (semicolon ? semicolon[0].length : 0), newText: '' }], preferred: true };
}
