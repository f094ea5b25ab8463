// Which sync.Pool a `.Get()` or `.Put(x)` is called on. Without types, a receiver is a pool when it is
// a variable or field declared as sync.Pool / *sync.Pool (in any file of the package), a local
// initialised with a pool literal or new(sync.Pool), or a struct that embeds sync.Pool and does not
// declare its own Get/Put. Anything else is not a pool as far as the rules are concerned.
import type { Node } from 'web-tree-sitter';
import type { Binding } from '../../engine/scope';
import type { DeclContext } from './declContext';
import { unparen } from './functions';
import { poolKind } from './goTypes';
import type { NewInfo } from './packageFacts';
import { newField, newTypeOfValue, poolLiteral } from './summary';

export interface PoolRef {
  /** Identity of the pool: `var:name`, `field:T.f`, `local:offset` or `expr:text`. */
  key: string;
  /** The receiver expression as written. */
  label: string;
  /** Where it is declared, for messages ("bufPool (declared in pool.go)"). */
  declared: string;
  newInfo: NewInfo;
  /** The local variable that holds the pool, for pools declared in the function. */
  local?: Binding;
}

export interface PoolCall {
  call: Node;
  method: 'Get' | 'Put';
  pool: PoolRef;
  /** Put's argument. */
  arg?: Node;
}

/** The pool call a call expression is, or undefined. */
export function poolCall(call: Node, dc: DeclContext): PoolCall | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return undefined;
  const method = fn.childForFieldName('field')?.text;
  if (method !== 'Get' && method !== 'Put') return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null) ?? [];
  if (args.length !== (method === 'Put' ? 1 : 0)) return undefined;
  const operand = fn.childForFieldName('operand');
  const pool = operand ? resolvePool(operand, dc) : undefined;
  if (!pool) return undefined;
  return { call, method, pool, arg: args[0] };
}

export function resolvePool(expr: Node, dc: DeclContext): PoolRef | undefined {
  const e = unparen(expr);
  if (!e) return undefined;
  const label = expr.text;
  if (e.type === 'identifier') {
    const local = dc.localBinding(e);
    if (local) {
      const type = dc.typeOfBinding(local);
      if (poolKind(type)) return { key: `local:${local.id.startIndex}`, label, declared: `${local.name} (a local variable)`, newInfo: newOfLocal(local, dc), local };
      return embeddedPool(type, label, dc);
    }
    if (dc.scopes.bindingOf(e) === undefined || dc.scopes.bindingOf(e)?.kind === 'var') {
      const pool = dc.facts.poolVar(e.text);
      if (pool) {
        return { key: `var:${e.text}`, label, declared: pool.otherFile ? `${e.text} (declared in ${pool.otherFile})` : e.text, newInfo: dc.facts.newOfVar(pool) };
      }
      return embeddedPool(dc.facts.varType(e.text), label, dc);
    }
    return undefined;
  }
  if (e.type === 'selector_expression') {
    const owner = dc.typeOf(e.childForFieldName('operand'))?.replace(/^\*/, '').replace(/\[.*$/, '');
    const fieldName = e.childForFieldName('field')?.text ?? '';
    const field = owner ? dc.facts.field(owner, fieldName) : undefined;
    if (field) {
      const kind = poolKind(field.type);
      if (kind) return { key: `field:${owner}.${fieldName}`, label, declared: `field ${fieldName} of ${owner}`, newInfo: dc.facts.newOfField(fieldName, kind === 'value', owner) };
      return embeddedPool(field.type, label, dc);
    }
  }
  const type = dc.typeOf(e);
  if (poolKind(type)) return { key: `expr:${e.text}`, label, declared: label, newInfo: { has: 'unknown' } };
  return undefined;
}

/** A struct that embeds sync.Pool: its Get and Put are the pool's unless it declares its own. */
function embeddedPool(type: string | undefined, label: string, dc: DeclContext): PoolRef | undefined {
  const base = type?.replace(/^\*/, '');
  if (!base || base.includes('.') || dc.facts.hasMethod(base, 'Get') || dc.facts.hasMethod(base, 'Put')) return undefined;
  const embedded = dc.facts.field(base, 'Pool');
  if (!embedded?.embedded || !poolKind(embedded.type)) return undefined;
  return { key: `field:${base}.Pool`, label, declared: `the sync.Pool embedded in ${base}`, newInfo: { has: 'unknown' } };
}

/**
 * New of a pool declared in this function: its initialiser and `p.New = …` here. A pool whose address
 * is taken or that is passed or stored may get its New elsewhere.
 */
function newOfLocal(b: Binding, dc: DeclContext): NewInfo {
  if (b.kind !== 'var') return { has: 'unknown' };
  const d = b.declarator;
  let init: Node | undefined;
  if (d.type === 'var_spec') {
    const names = d.childrenForFieldName('name');
    const values = d.childForFieldName('value')?.namedChildren ?? [];
    init = names.length === values.length ? (values[names.findIndex((n) => n?.id === b.id.id)] ?? undefined) : undefined;
  } else if (d.type === 'short_var_declaration') {
    const left = d.childForFieldName('left')?.namedChildren ?? [];
    const right = d.childForFieldName('right')?.namedChildren ?? [];
    init = left.length === right.length ? (right[left.findIndex((n) => n?.id === b.id.id)] ?? undefined) : undefined;
  }
  // `p, ok := pools[name]`, `p, err := open()`: a value from elsewhere, whose New this declaration does not show.
  const hasValue = d.type === 'short_var_declaration' || (d.type === 'var_spec' && d.childForFieldName('value') !== null);
  if (hasValue && !init) return { has: 'unknown' };
  const made: string[] = [];
  if (init) {
    const literal = poolLiteral(init, dc.typing.imports);
    const isNew = unparen(init)?.type === 'call_expression' && unparen(init)?.childForFieldName('function')?.text === 'new';
    if (!literal && !isNew) return { has: 'unknown' };
    const value = literal && newField(literal);
    if (value) made.push(newTypeOfValue(value, dc.typing));
  }
  for (const ref of b.refs) {
    const parent = ref.parent;
    if (parent?.type === 'selector_expression' && parent.childForFieldName('operand')?.id === ref.id) {
      const field = parent.childForFieldName('field')?.text;
      if (field !== 'New') continue;
      const assign = parent.parent?.parent;
      if (assign?.type !== 'assignment_statement') return { has: 'unknown' };
      const left = assign.childForFieldName('left')?.namedChildren ?? [];
      const right = assign.childForFieldName('right')?.namedChildren ?? [];
      const value = left.length === right.length ? right[left.findIndex((n) => n?.id === parent.id)] : undefined;
      made.push(value ? newTypeOfValue(value, dc.typing) : '?');
      continue;
    }
    // `&p`, `f(p)`, `q := p`: New may be installed where it goes.
    return { has: 'unknown' };
  }
  if (made.length === 0) return { has: 'no', source: `${b.name} is declared here without New` };
  const types = new Set(made.map((m) => dc.facts.resolve(m)));
  const [only] = types;
  return { has: 'yes', ...(types.size === 1 && only ? { type: only } : {}), source: `New of ${b.name}` };
}
