import assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { GoDocument } from '../../server/src/engine/document';
import { GoGrammar } from '../../server/src/engine/grammar';
import { DeclScopes, PackageScope } from '../../server/src/engine/scope';
import { loadGrammar } from '../../server/src/node/nodeHost';

/** For each identifier marked with a trailing comment `/*N*\/`, the kind and line of its binding. */
function resolveAll(grammar: GoGrammar, src: string): Map<string, string> {
  const doc = new GoDocument(grammar, src);
  const root = doc.tree.rootNode;
  const pkg = PackageScope.of(root);
  const out = new Map<string, string>();
  for (const decl of root.namedChildren) {
    if (!decl || (decl.type !== 'function_declaration' && decl.type !== 'method_declaration')) continue;
    const scopes = new DeclScopes(decl, pkg);
    const visit = (n: Node) => {
      if (n.type === 'identifier') {
        const marker = /^\/\*(\w+)\*\//.exec(src.slice(n.endIndex));
        if (marker) {
          const b = scopes.bindingOf(n) ?? pkg.lookup(n.text);
          out.set(marker[1], b ? `${b.kind}@${b.id.startPosition.row + 1}` : 'unresolved');
        }
      }
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(decl);
  }
  doc.dispose();
  return out;
}

describe('scope resolver', () => {
  let grammar: GoGrammar;
  before(async () => {
    grammar = await loadGrammar();
  });

  it('binds uses to the right declaration through shadowing', () => {
    const src = [
      'package p', //1
      'import "fmt"', //2
      'var g = 1', //3
      'func f(a int, xs []int) (r int) {', //4
      '\tfor i, v := range xs {', //5
      '\t\tv := v/*copyRhs*/ + a/*param*/', //6
      '\t\t_ = v/*copy*/', //7
      '\t\tfunc(i int) { _ = i/*litParam*/ }(i/*rangeKey*/)', //8
      '\t}', //9
      '\tfor j := 0; j < 3; j/*forVar*/++ {', //10
      '\t\tif j := 2; j/*ifInit*/ > 0 {}', //11
      '\t}', //12
      '\tswitch t := any(g/*pkgVar*/).(type) {', //13
      '\tcase int:', //14
      '\t\t_ = t/*alias*/', //15
      '\t}', //16
      '\tfmt/*import*/.Println(r/*result*/, undefinedName/*unknown*/)', //17
      '\treturn', //18
      '}', //19
    ].join('\n');
    const got = resolveAll(grammar, src);
    assert.deepEqual(Object.fromEntries(got), {
      copyRhs: 'range@5',
      param: 'param@4',
      copy: 'var@6',
      litParam: 'param@8',
      rangeKey: 'range@5',
      forVar: 'for@10',
      ifInit: 'var@11',
      pkgVar: 'var@3',
      alias: 'typeswitch@13',
      import: 'import@2',
      result: 'result@4',
      unknown: 'unresolved',
    });
  });

  it(':= redeclares only names new to the block, and struct keys are not uses', () => {
    const src = [
      'package p', //1
      'type S struct{ v int }', //2
      'func f() {', //3
      '\tv, err := 1, error(nil)', //4
      '\tw, err := 2, err/*errRhs*/', //5
      '\t_ = err/*err*/', //6
      '\t_ = w', //7
      '\ts := S{v: v/*value*/}', //8
      '\t_ = s', //9
      '\tm := map[int]int{v/*mapKey*/: 1}', //10
      '\t_ = m', //11
      '\tvar fn func(v int)', //12
      '\t_ = fn', //13
      '\tselect { case x := <-make(chan int): _ = x/*recv*/ }', //14
      '}', //15
    ].join('\n');
    const got = Object.fromEntries(resolveAll(grammar, src));
    assert.deepEqual(got, { errRhs: 'var@4', err: 'var@4', value: 'var@4', mapKey: 'var@4', recv: 'receive@14' });
  });

  it('survives deeply nested code without overflowing the stack', () => {
    const depth = 5000;
    const src = `package p\nfunc f(x int) int {\n\treturn ${'('.repeat(depth)}x${')'.repeat(depth)}\n}\n`;
    const doc = new GoDocument(grammar, src);
    const root = doc.tree.rootNode;
    const fn = root.namedChildren.find((n) => n?.type === 'function_declaration')!;
    const scopes = new DeclScopes(fn, PackageScope.of(root));
    assert.ok(scopes.bindings.some((b) => b.name === 'x' && b.refs.length === 1));
    doc.dispose();
  });
});
