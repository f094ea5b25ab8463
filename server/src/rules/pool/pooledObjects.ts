// Objects taken from a pool in one function: the variable a Get result is stored in, the locals that
// alias it (`b := *bp`, `data := buf.Bytes()`, `y := x`), and what every use of them does — put it
// back, read it (perhaps resetting it), or let it leave the function (returned, stored, passed on,
// captured).
import type { Node } from 'web-tree-sitter';
import type { Binding } from '../../engine/scope';
import type { DeclContext } from './declContext';
import { unparen, unparenParent } from './functions';
import { PoolCall, poolCall } from './poolRefs';
import { shapeOf } from './goTypes';
import { enclosingFunction, rootIdentifier, within } from '../../engine/syntax';

export interface PooledObject {
  get: PoolCall;
  /** The innermost function that holds the Get. */
  fn: Node;
  binding: Binding;
  /** `.(T)` applied to the Get result. */
  assertion?: Node;
  commaOk: boolean;
  /** The asserted type, else what New makes. */
  type?: string;
  /** The statement that stores the Get result. */
  statement: Node;
  /** The binding and the locals that alias it. */
  tracked: Binding[];
  /** Tracked locals that hold a copy sharing none of the object's memory (or not known to): `v := *p` of a *int, of a *T with T a type parameter. */
  copies: Set<Binding>;
  /** Every use of a tracked binding inside fn, in source order. */
  uses: ObjectUse[];
}

export type UseKind = 'put' | 'alias' | 'escape' | 'return' | 'read' | 'write';

export interface ObjectUse {
  ref: Node;
  binding: Binding;
  kind: UseKind;
  /** The largest expression that still carries the object (or memory it owns) at this use. */
  top: Node;
  /** Whether top shares the object's memory: x, *x, x[i:j], x.Bytes(), an alias of those. */
  strong: boolean;
  put?: PoolCall;
  /** Runs when the function returns: in a deferred call or a deferred func literal. */
  deferred: boolean;
  /** Resets the object (`x.Reset()`, `x[:0]`, `clear(x)`, …), whatever else it does. */
  resets: boolean;
  /** For escapes: how it leaves ("returned", "passed to f", …). */
  why?: string;
}

/** Functions that read their argument and keep nothing of it. */
const NON_RETAINING_FUNCS = new Set([
  'fmt.Fprint', 'fmt.Fprintf', 'fmt.Fprintln', 'io.Copy', 'io.CopyN', 'io.CopyBuffer', 'io.WriteString', 'io.ReadFull', 'io.ReadAtLeast',
  'encoding/binary.Write', 'encoding/binary.Read', 'bytes.Equal', 'bytes.Compare', 'bytes.HasPrefix', 'bytes.HasSuffix', 'bytes.Contains', 'bytes.Index', 'bytes.IndexByte',
  'strconv.AppendInt', 'strconv.AppendQuote', 'os.WriteFile', 'unicode/utf8.Valid', 'unicode/utf8.DecodeRune', 'unicode/utf8.AppendRune', 'hash/crc32.ChecksumIEEE',
]);
const NON_RETAINING_BUILTINS = new Set(['len', 'cap', 'copy', 'clear', 'delete', 'print', 'println', 'min', 'max', 'string']);
/** Methods whose contract (io.Writer, io.Reader, …) forbids keeping the argument. */
const NON_RETAINING_METHODS = new Set(['Write', 'WriteString', 'WriteByte', 'WriteRune', 'Read', 'ReadFrom', 'WriteTo', 'Sum', 'Encode', 'Decode', 'Unmarshal']);
/** Methods whose result shares the receiver's memory. */
const ALIASING_METHODS = new Set(['Bytes', 'AvailableBuffer']);
const RESET_METHODS = new Set(['Reset', 'reset', 'Clear', 'clear']);

/** The objects that the given Get calls store in local variables. */
export function pooledObjects(gets: PoolCall[], dc: DeclContext): PooledObject[] {
  const out: PooledObject[] = [];
  for (const get of gets) {
    const obj = objectOf(get, dc);
    if (obj) out.push(obj);
  }
  return out;
}

function objectOf(get: PoolCall, dc: DeclContext): PooledObject | undefined {
  const fn = enclosingFunction(get.call);
  if (!fn) return undefined;
  let value: Node = get.call;
  let assertion: Node | undefined;
  const up = unparenParent(value);
  if (up.parent?.type === 'type_assertion_expression' && up.parent.childForFieldName('operand')?.id === up.node.id) {
    assertion = up.parent;
    value = up.parent;
  }
  const { node: top, parent: list } = unparenParent(value);
  if (list?.type !== 'expression_list') return undefined;
  const statement = list.parent;
  if (!statement) return undefined;
  const right = list.namedChildren;
  const index = right.findIndex((n) => n?.id === top.id);
  let left: (Node | null)[];
  if (statement.type === 'var_spec' && statement.childForFieldName('value')?.id === list.id) left = statement.childrenForFieldName('name');
  else if ((statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') && statement.childForFieldName('right')?.id === list.id) {
    if (statement.type === 'assignment_statement' && statement.childForFieldName('operator')?.type !== '=') return undefined;
    left = statement.childForFieldName('left')?.namedChildren ?? [];
  } else return undefined;
  const commaOk = right.length === 1 && left.length === 2 && assertion !== undefined;
  const target = left.length === right.length ? left[index] : commaOk ? left[0] : undefined;
  const binding = dc.localBinding(target);
  if (!binding || binding.kind === 'result') return undefined;
  const type = assertion ? dc.typeKey(assertion.childForFieldName('type')) : get.pool.newInfo.type;
  const obj: PooledObject = { get, fn, binding, assertion, commaOk, type, statement: statementOf(statement), tracked: [binding], copies: new Set(), uses: [] };
  collectUses(obj, dc);
  return obj;
}

/** The statement a var_spec belongs to (its var_declaration); other nodes are statements already. */
function statementOf(node: Node): Node {
  if (node.type !== 'var_spec') return node;
  let n: Node = node;
  while (n.parent && n.type !== 'var_declaration') n = n.parent;
  return n;
}

/** Classifies every reference to the object's variable and, transitively, to its aliases. */
function collectUses(obj: PooledObject, dc: DeclContext): void {
  const seen = new Set<Binding>([obj.binding]);
  const strongAlias = new Map<Binding, boolean>([[obj.binding, true]]);
  for (let i = 0; i < obj.tracked.length; i++) {
    const b = obj.tracked[i];
    for (const ref of b.refs) {
      if (!within(obj.fn, ref)) continue;
      const use = classify(ref, b, obj.fn, dc, (x) => seen.has(x));
      use.strong &&= strongAlias.get(b) ?? false;
      obj.uses.push(use);
      if (use.kind === 'alias') {
        const alias = aliasTarget(use.top, dc);
        if (alias && !seen.has(alias)) {
          seen.add(alias);
          strongAlias.set(alias, use.strong);
          obj.tracked.push(alias);
          if (!use.strong) obj.copies.add(alias);
        }
      }
    }
  }
  obj.uses.sort((a, b) => a.ref.startIndex - b.ref.startIndex);
}

/** The local that `top` (the right side of an assignment) is stored in. */
function aliasTarget(top: Node, dc: DeclContext): Binding | undefined {
  const { node, parent: list } = unparenParent(top);
  const statement = list?.parent;
  if (!list || !statement) return undefined;
  const index = list.namedChildren.findIndex((n) => n?.id === node.id);
  const left = statement.type === 'var_spec' ? statement.childrenForFieldName('name') : (statement.childForFieldName('left')?.namedChildren ?? []);
  return dc.localBinding(left[index]);
}

type MakeUse = (kind: UseKind, top: Node, strong: boolean, extra?: Partial<ObjectUse>) => ObjectUse;

function classify(ref: Node, binding: Binding, fn: Node, dc: DeclContext, tracked: (b: Binding) => boolean): ObjectUse {
  const context = closureContext(ref, fn);
  const resets = isReset(ref) || resetByCallee(ref, dc);
  const use: MakeUse = (kind, top, strong, extra = {}) => ({ ref, binding, kind, top, strong, deferred: context.deferred, resets, ...extra });
  if (context.escapes) return use('escape', ref, true, { why: context.escapes });
  let expr: Node = ref;
  let strong = true;
  for (;;) {
    const { node, parent } = unparenParent(expr);
    expr = node;
    if (!parent) return use('read', expr, strong);
    switch (parent.type) {
      case 'selector_expression': {
        const call = parent.parent;
        if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === parent.id) {
          if (!ALIASING_METHODS.has(parent.childForFieldName('field')?.text ?? '')) return use('read', expr, strong);
          expr = call;
          continue;
        }
        // A field of the object: it may hold memory the object owns, or not.
        expr = parent;
        strong = false;
        continue;
      }
      case 'unary_expression': {
        const op = parent.childForFieldName('operator')?.type ?? '';
        if (op !== '*' && op !== '&') return use('read', expr, strong);
        // *p copies the pointee: it shares the object's memory only if the pointee holds references.
        if (op === '*' && !holdsReferences(dc.typeOf(expr)?.replace(/^\*/, ''), dc)) strong = false;
        expr = parent;
        continue;
      }
      case 'slice_expression':
        if (parent.childForFieldName('operand')?.id !== expr.id) return use('read', expr, strong);
        expr = parent;
        continue;
      case 'type_assertion_expression':
        expr = parent;
        continue;
      case 'index_expression': {
        // &x[i] is the object's own memory, whoever gets it (unsafe.Pointer(&buf[0]), a returned pointer).
        const { parent: outer } = unparenParent(parent);
        if (parent.childForFieldName('operand')?.id !== expr.id || outer?.type !== 'unary_expression' || outer.childForFieldName('operator')?.type !== '&') return use('read', expr, strong);
        expr = outer;
        continue;
      }
      case 'argument_list':
      case 'variadic_argument': {
        const next = argumentUse(expr, parent, strong, use, dc);
        if (next.kind === 'continue') {
          expr = next.node;
          continue;
        }
        return next.use;
      }
      case 'expression_list':
        return listUse(expr, ref, parent, strong, use, dc, tracked);
      case 'send_statement':
        return parent.childForFieldName('value')?.id === expr.id ? use('escape', expr, strong, { why: 'sent on a channel' }) : use('read', expr, strong);
      case 'literal_element':
      case 'keyed_element':
        return use('escape', expr, strong, { why: 'stored in a composite literal' });
      default:
        return use('read', expr, strong);
    }
  }
}

type ArgumentOutcome = { kind: 'use'; use: ObjectUse } | { kind: 'continue'; node: Node };

function argumentUse(expr: Node, parent: Node, strong: boolean, use: MakeUse, dc: DeclContext): ArgumentOutcome {
  const done = (u: ObjectUse): ArgumentOutcome => ({ kind: 'use', use: u });
  const spread = parent.type === 'variadic_argument';
  const args = spread ? parent.parent : parent;
  const call = args?.parent;
  if (call?.type !== 'call_expression') return done(use('read', expr, strong));
  const fn = call.childForFieldName('function');
  const put = poolCall(call, dc);
  if (put?.method === 'Put') return done(use('put', expr, strong, { put }));
  if (fn?.type === 'identifier' && !dc.isLocal(fn)) {
    if (NON_RETAINING_BUILTINS.has(fn.text)) return done(use('read', expr, strong));
    if (fn.text === 'append') {
      // append(x, …) may return x's own array; append(dst, x...) copies x.
      if (spread) return done(use('read', expr, strong));
      if (args?.namedChildren[0]?.id === expr.id) return { kind: 'continue', node: call };
      return done(use('escape', expr, strong, { why: 'appended to a slice' }));
    }
  }
  if (fn?.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    const name = fn.childForFieldName('field')?.text ?? '';
    const path = operand?.type === 'identifier' && !dc.isLocal(operand) ? dc.typing.imports(operand.text) : undefined;
    if (path ? NON_RETAINING_FUNCS.has(`${path}.${name}`) : NON_RETAINING_METHODS.has(name)) return done(use('read', expr, strong));
  }
  if (call.parent?.type === 'go_statement') return done(use('escape', expr, strong, { why: `passed to a goroutine (${fn?.text ?? 'a call'})` }));
  return done(use('escape', expr, strong, { why: `passed to ${fn?.text ?? 'a call'}` }));
}

function listUse(expr: Node, ref: Node, list: Node, strong: boolean, use: MakeUse, dc: DeclContext, tracked: (b: Binding) => boolean): ObjectUse {
  const statement = list.parent;
  if (!statement) return use('read', expr, strong);
  if (statement.type === 'return_statement') return use('return', expr, strong, { why: 'returned' });
  if (statement.childForFieldName('left')?.id === list.id) {
    // `x = …` / `x := …` rebinds the variable; `x.f = …`, `*x = …` write into the object: a use.
    const op = statement.childForFieldName('operator')?.type;
    const rebinds = expr.id === ref.id && (statement.type === 'short_var_declaration' || op === '=');
    return use(rebinds ? 'write' : 'read', expr, strong);
  }
  const isRight = statement.childForFieldName('right')?.id === list.id || statement.childForFieldName('value')?.id === list.id;
  if (!isRight) return use('read', expr, strong);
  const index = list.namedChildren.findIndex((n) => n?.id === expr.id);
  const left = statement.type === 'var_spec' ? statement.childrenForFieldName('name') : (statement.childForFieldName('left')?.namedChildren ?? []);
  // `z, ok := x.(*T)`: z holds the object.
  const commaOk = list.namedChildCount === 1 && left.length === 2 && unparen(list.namedChild(0))?.type === 'type_assertion_expression';
  const target = left.length === list.namedChildCount ? left[index] : commaOk ? left[0] : undefined;
  if (!target || target.text === '_') return use('read', expr, strong);
  const local = dc.localBinding(target);
  if (target.type === 'identifier' && local) {
    if (local.kind === 'result') return use('return', expr, strong, { why: `stored in the result ${local.name}` });
    // `b = b[:n]` keeps the same variable: a use, not a new alias.
    return use(local === dc.localBinding(ref) ? 'read' : 'alias', expr, strong);
  }
  // `e.scratch = …`, `*bp = b`: stored into the object itself, which does not leave.
  const root = dc.localBinding(rootIdentifier(target));
  if (root && tracked(root)) return use('read', expr, strong);
  return use('escape', expr, strong, { why: `stored in ${target.text}` });
}

/**
 * Whether a reference sits in a func literal nested in fn, and what that means: a literal called in
 * place runs now, a deferred one at return, any other (stored, passed, started with go) may run later.
 */
function closureContext(ref: Node, fn: Node): { deferred: boolean; escapes?: string } {
  let deferred = false;
  for (let lit = enclosingFunction(ref); lit && lit.id !== fn.id; lit = enclosingFunction(lit)) {
    const call = lit.parent;
    const calledInPlace = call?.type === 'call_expression' && call.childForFieldName('function')?.id === lit.id;
    if (!calledInPlace) return { deferred, escapes: 'captured by a func literal' };
    if (call.parent?.type === 'go_statement') return { deferred, escapes: 'captured by a goroutine' };
    if (call.parent?.type === 'defer_statement') deferred = true;
  }
  const defer = ancestorStatement(ref, fn);
  if (defer?.type === 'defer_statement') deferred = true;
  return { deferred };
}

/** The statement directly holding the reference, stopping at fn. */
function ancestorStatement(ref: Node, fn: Node): Node | undefined {
  for (let n = ref.parent; n && n.id !== fn.id; n = n.parent) {
    if (n.type === 'defer_statement' || n.type === 'go_statement') return n;
    if (n.parent?.type === 'statement_list') return n;
  }
  return undefined;
}

/**
 * Whether this reference resets the object: `x.Reset()`, `clear(x)`, `x[:0]` (also through `*`),
 * `*x = T{}`, a field set to its zero value, or a call to a function whose name says it resets.
 */
function isReset(ref: Node): boolean {
  let expr: Node = ref;
  for (;;) {
    const { node, parent } = unparenParent(expr);
    expr = node;
    if (!parent) return false;
    if (parent.type === 'unary_expression' && parent.childForFieldName('operator')?.type === '*') {
      expr = parent;
      continue;
    }
    if (parent.type === 'slice_expression' && parent.childForFieldName('operand')?.id === expr.id) {
      const start = parent.childForFieldName('start');
      return parent.childForFieldName('end')?.text === '0' && (!start || start.text === '0') && keepsEmptied(parent);
    }
    if (parent.type === 'selector_expression' && parent.childForFieldName('operand')?.id === expr.id) {
      const call = parent.parent;
      const name = parent.childForFieldName('field')?.text ?? '';
      if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === parent.id) {
        return RESET_METHODS.has(name) || (name === 'Truncate' && call.childForFieldName('arguments')?.namedChild(0)?.text === '0');
      }
      return assignedZero(parent);
    }
    if (parent.type === 'argument_list') {
      const fn = parent.parent?.childForFieldName('function');
      const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
      return name === 'clear' || /reset|clear|zero/i.test(name ?? '');
    }
    if (parent.type === 'expression_list' && expr.type === 'unary_expression') return assignedZero(expr);
    return false;
  }
}

/**
 * The object handed to a function of the package that resets it before anything else (the summary's
 * resets): `c.CompressBlock(src, dst)` whose first statement is `c.reset()`, `encode(list, i, buf)`
 * that starts with `buf.Reset()`.
 */
function resetByCallee(ref: Node, dc: DeclContext): boolean {
  const { node, parent } = unparenParent(ref);
  if (parent?.type === 'selector_expression' && parent.childForFieldName('operand')?.id === node.id) {
    const call = parent.parent;
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== parent.id) return false;
    const type = dc.typeOf(node)?.replace(/^\*/, '');
    return !!type && dc.facts.resetsOnEntry(`${type}.${parent.childForFieldName('field')?.text}`, -1);
  }
  if (parent?.type !== 'argument_list') return false;
  const fn = parent.parent?.childForFieldName('function');
  if (fn?.type !== 'identifier' || dc.isLocal(fn)) return false;
  const index = parent.namedChildren.filter((c) => c?.type !== 'comment').findIndex((c) => c?.id === node.id);
  return index >= 0 && dc.facts.resetsOnEntry(fn.text, index);
}

/**
 * `x[:0]` empties the object only when that is what it becomes: assigned back (`b = b[:0]`,
 * `*bp = (*bp)[:0]`), rebuilt (`append(b[:0], …)`) or handed to Put. `w.Write(buf[:0])` leaves the
 * object as it was.
 */
function keepsEmptied(slice: Node): boolean {
  const { parent } = unparenParent(slice);
  if (parent?.type === 'expression_list') {
    const statement = parent.parent;
    return statement?.type === 'assignment_statement' && statement.childForFieldName('right')?.id === parent.id;
  }
  if (parent?.type === 'argument_list') {
    const fn = parent.parent?.childForFieldName('function');
    // append(b[:0], …) rebuilds the contents from nothing.
    if (fn?.type === 'identifier' && fn.text === 'append') return parent.namedChild(0)?.id === unparenParent(slice).node.id;
    return fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Put';
  }
  return false;
}

/** `target = <zero value>` where target is the left side of a plain assignment. */
function assignedZero(target: Node): boolean {
  const { node, parent: list } = unparenParent(target);
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || statement?.type !== 'assignment_statement' || statement.childForFieldName('left')?.id !== list.id) return false;
  if (statement.childForFieldName('operator')?.type !== '=') return false;
  const index = list.namedChildren.findIndex((n) => n?.id === node.id);
  const value = unparen(statement.childForFieldName('right')?.namedChildren[index]);
  if (!value) return false;
  if (['nil', 'false'].includes(value.type) || value.text === '0' || value.text === '""' || value.text === '``') return true;
  if (value.type === 'composite_literal') return (value.childForFieldName('body')?.namedChildCount ?? 1) === 0;
  if (value.type === 'slice_expression') return value.childForFieldName('end')?.text === '0' && !value.childForFieldName('start');
  return false;
}

/** Whether a value of this type can point into memory it was copied from: slices, maps, pointers, structs that may hold them. */
function holdsReferences(type: string | undefined, dc: DeclContext): boolean {
  const shape = shapeOf(type, dc.facts.namedType);
  return shape === 'slice' || shape === 'map' || shape === 'pointer' || shape === 'chan' || shape === 'interface' || shape === 'struct' || shape === 'func';
}

/** Uses of the object inside a node (a statement or an expression the flow walk steps over). */
export function usesWithin(obj: PooledObject, node: Node): ObjectUse[] {
  return obj.uses.filter((u) => u.ref.startIndex >= node.startIndex && u.ref.endIndex <= node.endIndex);
}

/** Whether the Get that makes the object is evaluated by this node. */
export function holdsGet(obj: PooledObject, node: Node): boolean {
  return within(node, obj.get.call);
}

/** Whether a node lies in a loop body of the object's function (the Get then runs more than once). */
export function insideLoop(node: Node, fn: Node): boolean {
  for (let n = node.parent; n && n.id !== fn.id; n = n.parent) if (n.type === 'for_statement') return true;
  return false;
}
