// pool/put-non-pointer: Put takes an `any`; a value that is not pointer-shaped (a slice header, a
// string, a struct or array, a number) is copied to the heap to make that interface — one allocation
// per Put, the very thing the pool is meant to save (staticcheck SA6002). Only values whose shape the
// source makes certain are reported.
import type { Node } from 'web-tree-sitter';
import type { DeclScopes } from '../../engine/scope';
import type { Rule, RuleContext } from '../../engine/rule';
import { poolCallsOf } from './candidates';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { Shape, allocatesInInterface, displayType, elementOf } from './goTypes';
import { poolIndexer } from './summary';
import { shapeOfValue } from './valueShape';

export const putNonPointer: Rule = {
  id: 'pool/put-non-pointer',
  summary: 'sync.Pool.Put of a value that is not a pointer allocates on every call (staticcheck SA6002).',
  help:
    'Put takes an `any`. A slice (`buf[:0]`), string, struct or array value, or number is not pointer-shaped, so converting it to an interface copies it to the heap: every Put allocates, which defeats the pool. Pool pointers instead: for byte slices store a `*[]byte` (`p.Put(&buf)` and `bp := p.Get().(*[]byte)`), for structs a `*T`. Reported only when the declaration, `make`, slicing, a composite literal without `&`, a literal or a conversion makes the shape certain; this is staticcheck\'s SA6002.',
  defaultSeverity: 'info',
  // An allocation per Put, as an escape is: worth a diagnostic where the code is hot (policy/present.ts).
  kind: 'cost',
  sameAs: ['staticcheck', 'SA6002'],
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    const dc = new DeclContext(ctx);
    for (const put of poolCallsOf(dc, 'Put')) {
      if (put.method !== 'Put' || !put.arg) continue;
      const { shape, type } = shapeOfValue(put.arg, dc);
      if (!allocatesInInterface(shape)) continue;
      ctx.report({
        node: put.arg,
        message: `${put.pool.label}.Put(${put.arg.text}): ${describe(shape, type)} is not pointer-shaped, so converting it to the interface Put takes allocates on every call (staticcheck SA6002); ${hint(shape, type, put.arg.text)}`,
        // A Put method handed the value (an httputil.BufferPool adapter): its signature decides the
        // type, and putting its address allocates just the same.
        weak: isPutParameter(put.arg, ctx.scopes()),
      });
    }
  },
  example: {
    hazard: `package example

import "sync"

var bufPool = sync.Pool{New: func() any { return make([]byte, 0, 4096) }}

func send(msg string, write func([]byte)) {
	buf := bufPool.Get().([]byte)
	buf = append(buf[:0], msg...)
	write(buf)
	bufPool.Put(buf[:0])
}
`,
    fix: `package example

import "sync"

var bufPool = sync.Pool{New: func() any {
	buf := make([]byte, 0, 4096)
	return &buf
}}

func send(msg string, write func([]byte)) {
	bp := bufPool.Get().(*[]byte)
	*bp = append((*bp)[:0], msg...)
	write(*bp)
	bufPool.Put(bp)
}
`,
  },
};

function describe(shape: Shape, type: string | undefined): string {
  const t = type ? ` (${displayType(type)})` : '';
  switch (shape) {
    case 'slice':
      return `a slice${t}`;
    case 'string':
      return 'a string';
    case 'struct':
      return `a struct value${t}`;
    case 'array':
      return `an array value${t}`;
    case 'bool':
      return 'a bool';
    default:
      return `a number${t}`;
  }
}

function hint(shape: Shape, type: string | undefined, text: string): string {
  if (shape === 'slice') {
    const elem = elementOf(type) ?? 'byte';
    return `pool a pointer to the slice instead: store a *[]${displayType(elem)} (Put(&buf) after buf = buf[:0], and Get().(*[]${displayType(elem)}))`;
  }
  if (shape === 'struct' || shape === 'array') {
    const t = type ? displayType(type) : 'T';
    return `pool pointers instead: make *${t} values (New returning &${t}{} or new(${t})) and Put the pointer, not ${text}`;
  }
  return 'pool a pointer to a struct that holds it instead';
}

function isPutParameter(arg: Node, scopes: DeclScopes): boolean {
  const b = arg.type === 'identifier' ? scopes.bindingOf(arg) : undefined;
  const fn = b?.declarator.type === 'parameter_declaration' ? b.declarator.parent?.parent : undefined;
  return fn?.type === 'method_declaration' && fn.childForFieldName('name')?.text === 'Put';
}
