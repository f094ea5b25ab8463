// Syntactically valid Go programs made of the shapes the rules look at (loops with closures, goroutines,
// defers, stored pointers, sync.Pool use, suppressions), so that quick fixes are exercised on inputs
// without syntax errors, where their result must parse without errors too.
import { Choices } from './random';

interface Scope {
  /** Variables usable in expressions here. */
  vars: string[];
  /** Nesting of loops/blocks, to bound the size of a program. */
  depth: number;
  inTest: boolean;
}

const plainNames = ['v', 'x', 'item', 'i', 'k', 'name', 'n', 'e'];
const unicodeNames = ['变量', 'π', 'ñame', 'Ωmega', 'δ'];
const comments = ['// plain comment', '/* 中文😀 */', '// 😀😀 emoji', '/* ∑ ← combining é */', '//nolint:gohazard', '//gohazard:ignore loopvar/capture joined right away', '//gohazard:ignore loopvar/*', '//gohazard:ignore nosuch/rule because', '//nolint:errcheck'];

export interface GeneratedProgram {
  text: string;
  recipe: string;
}

export function generateProgram(c: Choices): GeneratedProgram {
  const style = c.weighted([
    [6, 'tabs'],
    [1, 'spaces'],
    [1, 'dense'],
  ] as const);
  const inTest = c.chance(0.2);
  const pkg = c.pick(['p', 'main', 'fuzz']);
  const lines: string[] = [];
  if (c.chance(0.15)) lines.push(c.pick(['//go:build go1.21', '//go:build go1.22', '//go:build linux && go1.20', '//go:build !go1.22', '//go:build (go1.18 || go1.23) && !windows']), '');
  lines.push(`package ${pkg}`, '');
  lines.push('import (', '\t"bytes"', '\t"fmt"', '\t"sort"', '\t"sync"');
  if (inTest) lines.push('\t"testing"');
  lines.push('', '\t"golang.org/x/sync/errgroup"', ')', '');
  lines.push('var _ = fmt.Sprint', 'var _ = sort.Ints', 'var _ = errgroup.Group{}', 'var _ bytes.Buffer', '');
  const decls = c.between(1, 5);
  for (let d = 0; d < decls; d++) lines.push(...declaration(c, d, inTest, style === 'dense'), '');
  let text = lines.join('\n');
  if (style === 'spaces') text = text.replace(/^\t+/gm, (tabs) => '    '.repeat(tabs.length));
  return { text, recipe: `generated(${style}${inTest ? ',test' : ''})` };
}

/** Statements on one line, separated by semicolons as Go's automatic semicolon insertion would. */
function joinDense(lines: string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (out === '') out = line;
    else out += /[{:]$/.test(out) || line.startsWith('}') ? ` ${line}` : `; ${line}`;
  }
  return out;
}

function declaration(c: Choices, n: number, inTest: boolean, dense: boolean): string[] {
  switch (c.int(6)) {
    case 0:
      return [`var pool${n} = sync.Pool{New: func() any { return new(bytes.Buffer) }}`];
    case 1:
      return [`type T${n} struct {`, '\tf   int', '\tbuf []byte', '}', '', `func (t *T${n}) M() { t.f++ }`, '', `func (t T${n}) V() int { return t.f }`];
    case 2:
      return [`var pool${n} = &sync.Pool{}`, '', `var ptrs${n} []*int`];
    default: {
      const params = c.pick(['xs []int', 'xs []string, m map[string]int', 'items []T0, n int', 'xs [3]int', 'ch chan int, xs []*int']);
      const vars = ['xs', 'm', 'n', 'ch', 'items'].filter((v) => params.includes(v));
      const signature = inTest && c.chance(0.5) ? `func Test${n}(t *testing.T)` : `func f${n}(${params})`;
      const scope: Scope = { vars: signature.includes('testing') ? ['t'] : vars, depth: 1, inTest: signature.includes('testing') };
      const body = statements(c, scope, c.between(1, 5));
      if (dense) return [`${signature} { ${joinDense(body.filter((l) => !l.trimStart().startsWith('//')))} }`];
      return [`${signature} {`, ...body.map((l) => `\t${l}`), '}'];
    }
  }
}

function statements(c: Choices, scope: Scope, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(...statement(c, scope));
  return out;
}

function use(c: Choices, scope: Scope): string {
  return scope.vars.length > 0 ? c.pick(scope.vars) : 'x0';
}

function block(c: Choices, scope: Scope, vars: string[]): string[] {
  const inner: Scope = { ...scope, vars: [...scope.vars, ...vars], depth: scope.depth + 1 };
  const count = scope.depth > 3 ? 1 : c.between(1, 4);
  return statements(c, inner, count).map((l) => `\t${l}`);
}

function statement(c: Choices, scope: Scope): string[] {
  const u = () => use(c, scope);
  const comment = c.chance(0.1) ? [c.pick(comments)] : [];
  const kind = scope.depth > 4 ? c.int(16) + 4 : c.int(20);
  switch (kind) {
    case 0:
    case 1: {
      const v = c.chance(0.2) ? c.pick(unicodeNames) : c.pick(plainNames);
      const k = c.chance(0.5) ? '_' : `${v}K`;
      const collection = c.pick(['xs', '[]int{1, 2, 3}', 'm', 'ch', '"héllo😀"', 'items', 'n']);
      const assign = c.chance(0.9) ? ':=' : '=';
      const header = collection === 'ch' || collection === 'n' ? `for ${v} ${assign} range ${collection} {` : `for ${k}, ${v} ${assign} range ${collection} {`;
      return [...comment, header, ...block(c, scope, assign === ':=' ? [v, ...(k === '_' ? [] : [k])] : []), '}'];
    }
    case 2: {
      const i = c.pick(['i', 'j', 'idx']);
      const post = c.pick([`${i}++`, `${i} += 2`, `${i}--`, '']);
      return [...comment, `for ${i} := 0; ${i} < 10; ${post} {`, ...block(c, scope, [i]), '}'];
    }
    case 3:
      return [...comment, `if ${u()} != nil {`, ...block(c, scope, []), '} else {', ...block(c, scope, []), '}'];
    case 4:
      return [...comment, `go func() { fmt.Println(${u()}) }()`];
    case 5:
      return [...comment, 'go func() {', `\tfmt.Println(${u()}, ${u()}) /* 中文😀 */`, '}()'];
    case 6:
      return [...comment, `defer func() { _ = ${u()} }()`];
    case 7: {
      const v = u();
      return [`${v} := ${v}`];
    }
    case 8:
      return [...comment, `ptrs0 = append(ptrs0, &${u()})`];
    case 9:
      return [...comment, `fns = append(fns, func() { fmt.Println(${u()}) })`];
    case 10:
      return [...comment, 'var g errgroup.Group', `g.Go(func() error { _ = ${u()}; return nil })`];
    case 11:
      return scope.inTest ? [...comment, `t.Run("x", func(t *testing.T) {`, '\tt.Parallel()', `\t_ = ${u()}`, '})'] : [`_ = ${u()}`];
    case 12:
      return ['b := pool0.Get().(*bytes.Buffer)', ...(c.chance(0.5) ? ['b.Reset()'] : []), c.pick(['defer pool0.Put(b)', 'pool0.Put(b)', 'pool0.Put(*b)', '_ = b']), ...(c.chance(0.3) ? ['b.WriteString("x")'] : [])];
    case 13:
      return [`s := fmt.Sprintf("%d", ${u()})`, 'str += s', 'out = append(out, s)'];
    case 14:
      return ['var arr [1 << 16]byte', '_ = arr', `p := &${u()}`, 'ch <- p'];
    case 15:
      return ['sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })'];
    case 16:
      return [`func() { _ = ${u()} }()`];
    case 17:
      return ['select {', `case y := <-ch:`, `\t_ = y`, 'default:', '}'];
    case 18:
      return [`m[${u()}] = &${u()}`];
    default:
      return [`${u()}.f = 1; ${u()}++`];
  }
}
