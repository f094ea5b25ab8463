// What one file tells the pool rules about its package: named types and struct fields (shapes,
// pools held by value), package variables and which of them are sync.Pools (with what their New
// makes), function results, the methods that matter (Get, Put, Reset, …), and every place a New is
// installed after the declaration (`p.New = f`, `Server{pool: sync.Pool{New: f}}`).
//
// Type references that only the whole package can resolve are kept symbolic: `call:f` is the result
// of package function f, `func:f` the dynamic type that f (a `func() any`) returns, `?` unknown.
import type { Node } from 'web-tree-sitter';
import type { Indexer } from '../../engine/packageIndex';
import { hasNoParameters, ownDescendants, singleResultType, unparen } from './functions';
import { enclosingFunction } from '../../engine/syntax';
import { importsOf, poolKind, typeKey } from './goTypes';
import { queryFor } from '../../engine/queryCache';
import { textHash } from '../../engine/dependencies';
import { DeclarationMemo } from '../../engine/memo';
import { skeletonHash, topLevelOf } from '../../engine/scope';
import { TypingEnv, typeOfExpr } from './typing';

export interface FieldFact {
  name: string;
  type: string;
  embedded?: boolean;
}

export interface PoolVarFact {
  pointer: boolean;
  /** `var p sync.Pool` / `new(sync.Pool)` (no New), a literal, or an initialiser gohazard cannot read. */
  init: 'zero' | 'literal' | 'other';
  /** What the literal's New makes; absent when the literal has no New. */
  newType?: string;
}

export interface NewSetFact {
  /** A package variable's name, `.field` for a pool held in a struct field, `?` when unknown. */
  target: string;
  /** For a field: the struct type whose literal installs the New (`&T{pool: sync.Pool{New: …}}`), when known. */
  owner?: string;
  newType: string;
}

export interface PoolFileSummary {
  /** Whether function bodies were read: without them, New installed in functions is unknown. */
  complete: boolean;
  /** Named types: their underlying type key, `struct` for struct types. */
  types: Record<string, string>;
  fields: Record<string, FieldFact[]>;
  vars: Record<string, string>;
  pools: Record<string, PoolVarFact>;
  /** Static result of functions with one result. */
  funcs: Record<string, string>;
  /** What parameterless functions returning an interface actually return (named New funcs). */
  returns: Record<string, string>;
  /** Methods that change what the rules conclude, by receiver base type. */
  methods: Record<string, string[]>;
  newSets: NewSetFact[];
  /**
   * Functions (`f`) and methods (`T.m`) whose first reference to a parameter (index) or their
   * receiver (-1) resets it: `func (c *Compressor) Compress(…) { c.reset(); … }`. Absent in
   * summaries written before it was recorded.
   */
  resets?: Record<string, number[]>;
}

const INTERESTING_METHODS = new Set(['Get', 'Put', 'Reset', 'reset', 'Clear', 'clear']);

export const POOL_INDEX = 'pool';

export const poolIndexer: Indexer = {
  id: POOL_INDEX,
  summarize: (root, source) => summarizeFile(root, true, source.text),
  // What summarizeFile reads: the package-level declarations and function headers, the bodies of
  // functions without parameters that return an interface (a named New) and of declarations that
  // install a New, and of the others what they reset on entry (not their text: typing in a function
  // that resets something must not summarise the file again).
  inputKey(root) {
    const { nodes, hashes } = topLevelOf(root);
    const read = [skeletonHash(root)];
    nodes.forEach((decl, i) => {
      if (bodyIsRead(decl, hashes[i])) read.push(hashes[i]);
      else if (decl.type === 'function_declaration' || decl.type === 'method_declaration') {
        const resets = resetsOfCached(decl, hashes[i]);
        if (resets.length > 0) read.push(`${i}:${resets.join(' ')}`);
      }
    });
    return textHash(read.join(','));
  },
};

/** Whether summarizeFile reads this declaration's whole body, by the hash of its text (bounded memo). */
function bodyIsRead(decl: Node, hash: string): boolean {
  return bodyReadByText.get(hash) ?? bodyReadByText.set(hash, INSTALLS_NEW.test(decl.text) || (decl.type === 'function_declaration' && hasNoParameters(decl) && mayReturnInterface(decl)));
}

const bodyReadByText = new DeclarationMemo<boolean>(20_000);

/**
 * What a New installation looks like in text (an assignment to `.New`, a `New:` key of a literal):
 * summarizeNewSets finds nothing in a declaration without it (`errors.New(…)` is no installation).
 */
const INSTALLS_NEW = /\.\s*New\s*=(?!=)|\bNew\s*:/;

/** A reset call in text: only declarations with one can reset a parameter on entry. */
const RESETS = /\.\s*(reset|Reset|clear|Clear)\s*\(/;

/** A single result written `any` or as an interface type: what makes summarizeFile read the returns. */
function mayReturnInterface(fn: Node): boolean {
  const result = singleResultType(fn);
  return result?.type === 'interface_type' || result?.text === 'any';
}

/**
 * The summary of a file; with bodies=false only what top-level declarations say (no function bodies).
 * The text, when given, lets files that never mention New skip the search for New installations.
 */
export function summarizeFile(root: Node, bodies: boolean, text?: string): PoolFileSummary {
  const summary: PoolFileSummary = { complete: bodies, types: {}, fields: {}, vars: {}, pools: {}, funcs: {}, returns: {}, methods: {}, newSets: [], resets: {} };
  const imports = importsOf(root);
  const resolve = (name: string) => imports.get(name);
  const lookups = summaryLookups(summary, resolve);

  for (const decl of root.namedChildren) {
    if (decl?.type === 'type_declaration') summarizeTypes(decl, summary, resolve);
  }
  const { nodes, hashes } = topLevelOf(root);
  // What a declaration adds depends on its text and on what its typing reads of the rest of the file
  // (imports, the file's types and fields), recorded: an edit summarises again only the declarations
  // whose text, or whose reads, it changed.
  nodes.forEach((decl, i) => {
    if (decl.type !== 'var_declaration' && decl.type !== 'function_declaration' && decl.type !== 'method_declaration') return;
    const part = memoByLookups(partsByDecl, `${bodies}.${hashes[i]}`, lookups, (env, resolve) => declarationPart(decl, hashes[i], bodies, env, resolve));
    Object.assign(summary.vars, part.vars);
    Object.assign(summary.pools, part.pools);
    Object.assign(summary.funcs, part.funcs);
    Object.assign(summary.returns, part.returns);
    Object.assign(summary.resets!, part.resets);
    for (const [receiver, methods] of Object.entries(part.methods)) (summary.methods[receiver] ??= []).push(...methods);
  });
  if (bodies && (text === undefined || /\bNew\b/.test(text))) summarizeNewSets(root, summary, lookups, text);
  for (const list of Object.values(summary.methods)) list.sort();
  return summary;
}

/** What one declaration adds to its file's summary. */
type DeclarationPart = Pick<PoolFileSummary, 'vars' | 'pools' | 'funcs' | 'returns' | 'methods'> & { resets: Record<string, number[]> };

/** A lookup a declaration's typing made, and its answer then. */
type LookupRead = ['imports', string, string | undefined] | ['field', string, string, string | undefined] | ['isTypeName', string, boolean];

function readAgain(lookups: SummaryLookups, read: LookupRead): boolean {
  switch (read[0]) {
    case 'imports':
      return lookups.imports(read[1]) === read[2];
    case 'field':
      return lookups.field(read[1], read[2]) === read[3];
    case 'isTypeName':
      return lookups.isTypeName(read[1]) === read[2];
  }
}

interface Recorded<T> {
  value: T;
  reads: LookupRead[];
}

/**
 * What compute makes of one declaration, memoised by key (the declaration's hash) while every lookup it
 * made of the rest of the file answers as it did.
 */
function memoByLookups<T>(memo: DeclarationMemo<Recorded<T>>, key: string, lookups: SummaryLookups, compute: (env: TypingEnv, resolve: (name: string) => string | undefined) => T): T {
  const entry = memo.get(key);
  if (entry && entry.reads.every((read) => readAgain(lookups, read))) return entry.value;
  const reads: LookupRead[] = [];
  const resolve = (name: string) => {
    const v = lookups.imports(name);
    reads.push(['imports', name, v]);
    return v;
  };
  const env = summaryTypingEnv({
    imports: resolve,
    field: (typeName, field) => {
      const v = lookups.field(typeName, field);
      reads.push(['field', typeName, field, v]);
      return v;
    },
    isTypeName: (name) => {
      const v = lookups.isTypeName(name);
      reads.push(['isTypeName', name, v]);
      return v;
    },
  });
  const value = compute(env, resolve);
  memo.set(key, { value, reads });
  return value;
}

const partsByDecl = new DeclarationMemo<Recorded<DeclarationPart>>(20_000);

function declarationPart(decl: Node, hash: string, bodies: boolean, env: TypingEnv, resolve: (name: string) => string | undefined): DeclarationPart {
  const part: DeclarationPart = { vars: {}, pools: {}, funcs: {}, returns: {}, methods: {}, resets: {} };
  switch (decl.type) {
    case 'var_declaration':
      summarizeVars(decl, part, env);
      break;
    case 'function_declaration': {
      const name = decl.childForFieldName('name')?.text;
      if (!name) break;
      const result = typeKey(singleResultType(decl), resolve);
      if (result) part.funcs[name] = result;
      if ((result === 'any' || result?.startsWith('interface{')) && hasNoParameters(decl) && bodies) part.returns[name] = returnedType(decl, env);
      if (bodies) recordResets(decl, hash, name, part);
      break;
    }
    case 'method_declaration': {
      const method = decl.childForFieldName('name')?.text ?? '';
      const receiver = receiverTypeName(decl);
      if (receiver && INTERESTING_METHODS.has(method)) (part.methods[receiver] ??= []).push(method);
      if (receiver && bodies) recordResets(decl, hash, `${receiver}.${method}`, part);
      break;
    }
  }
  return part;
}

/** The base type name of a method's receiver: `T` for `(t *T)` and `(t T[K])`. */
/**
 * The parameters (and receiver, -1) of a declaration whose first reference in its body is a reset of
 * it, by the hash of the declaration's text (topLevelOf): a file is summarised again after an edit of
 * any body that resets something, and walking every such body again cost most of a keystroke.
 */
function recordResets(decl: Node, hash: string, key: string, part: DeclarationPart): void {
  const found = resetsOfCached(decl, hash);
  if (found.length > 0) part.resets[key] = found;
}

function resetsOfCached(decl: Node, hash: string): number[] {
  return resetsByDecl.get(hash) ?? resetsByDecl.set(hash, resetsOf(decl));
}

const resetsByDecl = new DeclarationMemo<number[]>(20_000);

function resetsOf(decl: Node): number[] {
  const body = decl.childForFieldName('body');
  if (!body || !RESETS.test(body.text)) return [];
  const params = (list: Node | null) => (list?.namedChildren ?? []).flatMap((p) => (p?.type === 'parameter_declaration' ? p.childrenForFieldName('name').map((n) => n?.text) : [undefined]));
  const names = [...params(decl.childForFieldName('parameters'))];
  const receiver = decl.type === 'method_declaration' ? params(decl.childForFieldName('receiver'))[0] : undefined;
  const first = new Map<string, Node>();
  for (const id of body.descendantsOfType('identifier')) if (id && !first.has(id.text)) first.set(id.text, id);
  const resetsOnEntry = (name: string | undefined) => {
    const ref = name && name !== '_' ? first.get(name) : undefined;
    const selector = ref?.parent;
    const call = selector?.type === 'selector_expression' && selector.childForFieldName('operand')?.id === ref!.id ? selector.parent : undefined;
    return call?.type === 'call_expression' && call.childForFieldName('function')?.id === selector!.id && /^(reset|Reset|clear|Clear)$/.test(selector!.childForFieldName('field')?.text ?? '');
  };
  const out = names.flatMap((n, i) => (resetsOnEntry(n) ? [i] : []));
  if (resetsOnEntry(receiver)) out.push(-1);
  return out;
}

export function receiverTypeName(method: Node): string | undefined {
  let t = method.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration')?.childForFieldName('type') ?? undefined;
  if (t?.type === 'pointer_type') t = t.namedChild(0) ?? undefined;
  if (t?.type === 'generic_type') t = t.childForFieldName('type') ?? undefined;
  return t?.type === 'type_identifier' ? t.text : undefined;
}

function summarizeTypes(decl: Node, summary: PoolFileSummary, resolve: (name: string) => string | undefined): void {
  for (const spec of decl.namedChildren) {
    if (!spec || (spec.type !== 'type_spec' && spec.type !== 'type_alias')) continue;
    const name = spec.childForFieldName('name')?.text;
    const type = spec.childForFieldName('type');
    if (!name || !type) continue;
    if (type.type !== 'struct_type') {
      const key = typeKey(type, resolve);
      if (key) summary.types[name] = key;
      continue;
    }
    summary.types[name] = 'struct';
    const fields: FieldFact[] = [];
    for (const field of type.descendantsOfType('field_declaration')) {
      if (!field || field.parent?.parent?.id !== type.id) continue;
      const typed = typeKey(field.childForFieldName('type'), resolve);
      if (!typed) continue;
      const names = field.childrenForFieldName('name');
      // tree-sitter-go keeps the `*` of an embedded `*T` as a token beside the type, not in it.
      const key = names.length === 0 && field.children.some((c) => c?.type === '*') ? `*${typed}` : typed;
      if (names.length === 0) fields.push({ name: key.replace(/^\*/, '').replace(/\[.*$/, '').replace(/^.*\./, ''), type: key, embedded: true });
      for (const n of names) if (n) fields.push({ name: n.text, type: key });
    }
    summary.fields[name] = fields;
  }
}

function summarizeVars(decl: Node, summary: Pick<PoolFileSummary, 'vars' | 'pools'>, env: TypingEnv): void {
  for (const spec of decl.descendantsOfType('var_spec')) {
    if (!spec) continue;
    const declared = typeKey(spec.childForFieldName('type'), env.imports);
    const values = spec.childForFieldName('value')?.namedChildren ?? [];
    const names = spec.childrenForFieldName('name').filter((n): n is Node => n !== null);
    names.forEach((id, i) => {
      if (id.text === '_') return;
      const value = names.length === values.length ? (values[i] ?? undefined) : undefined;
      const type = declared ?? (value ? typeOfExpr(value, env) : undefined);
      if (type) summary.vars[id.text] = type;
      const kind = poolKind(type);
      if (!kind) return;
      const literal = value ? poolLiteral(value, env.imports) : undefined;
      if (literal) summary.pools[id.text] = { pointer: kind === 'pointer', init: 'literal', ...newOfLiteral(literal, env) };
      else if (!value || isNewPoolCall(value, env)) summary.pools[id.text] = { pointer: kind === 'pointer', init: 'zero' };
      else summary.pools[id.text] = { pointer: kind === 'pointer', init: 'other' };
    });
  }
}

/** The sync.Pool composite literal of `sync.Pool{…}` or `&sync.Pool{…}`. */
export function poolLiteral(expr: Node, imports: (name: string) => string | undefined): Node | undefined {
  let e = unparen(expr);
  if (e?.type === 'unary_expression' && e.childForFieldName('operator')?.type === '&') e = unparen(e.childForFieldName('operand'));
  if (e?.type !== 'composite_literal') return undefined;
  return typeKey(e.childForFieldName('type'), imports) === 'sync.Pool' ? e : undefined;
}

function isNewPoolCall(expr: Node, env: TypingEnv): boolean {
  const e = unparen(expr);
  return e?.type === 'call_expression' && e.childForFieldName('function')?.text === 'new' && typeOfExpr(e, env) === '*sync.Pool';
}

/** The value of a pool literal's New field. */
export function newField(literal: Node): Node | undefined {
  for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
    if (element?.type !== 'keyed_element') continue;
    const [key, value] = element.namedChildren;
    if (key?.namedChild(0)?.text === 'New' && value) return value.namedChild(0) ?? undefined;
  }
  return undefined;
}

function newOfLiteral(literal: Node, env: TypingEnv): { newType?: string } {
  const value = newField(literal);
  return value ? { newType: newTypeOfValue(value, env) } : {};
}

/** What a New value makes: the type its func literal returns, `func:f` for a named function, or `?`. */
export function newTypeOfValue(value: Node, env: TypingEnv): string {
  const v = unparen(value);
  if (v?.type === 'func_literal') return returnedType(v, env);
  if (v?.type === 'identifier' && !env.isLocal(v)) return `func:${v.text}`;
  return '?';
}

/** The one type that every return statement of fn returns, or `?`. */
export function returnedType(fn: Node, env: TypingEnv): string {
  const types = new Set<string>();
  for (const ret of ownDescendants(fn, ['return_statement'])) {
    const values = ret.namedChild(0)?.namedChildren ?? [];
    if (values.length !== 1 || !values[0]) return '?';
    types.add(typeOfExpr(values[0], env) ?? '?');
  }
  return types.size === 1 ? [...types][0] : '?';
}

const NEW_SETS_QUERY = `
(assignment_statement left: (expression_list (selector_expression field: (field_identifier) @field (#eq? @field "New")))) @assign
(composite_literal type: (qualified_type name: (type_identifier) @name (#eq? @name "Pool"))) @literal
`;

/**
 * New installations found in declarations (memoByLookups): reading each declaration again cost half of a
 * keystroke's time in a file of many pools (bench/keystroke.mjs).
 */
const newSetsByDecl = new DeclarationMemo<Recorded<NewSetFact[]>>(20_000);

function summarizeNewSets(root: Node, summary: PoolFileSummary, lookups: SummaryLookups, text: string | undefined): void {
  const { nodes, hashes } = topLevelOf(root);
  nodes.forEach((decl, i) => {
    const declText = text === undefined ? decl.text : text.slice(decl.startIndex, decl.endIndex);
    if (!/\bNew\b/.test(declText)) return;
    summary.newSets.push(...memoByLookups(newSetsByDecl, hashes[i], lookups, (env, resolve) => newSetsIn(decl, env, resolve)));
  });
}

function newSetsIn(decl: Node, env: TypingEnv, resolve: (name: string) => string | undefined): NewSetFact[] {
  const out: NewSetFact[] = [];
  for (const m of queryFor(decl, NEW_SETS_QUERY).matches(decl)) {
    const assign = m.captures.find((c) => c.name === 'assign')?.node;
    const literal = m.captures.find((c) => c.name === 'literal')?.node;
    if (assign) {
      const left = assign.childForFieldName('left')?.namedChildren ?? [];
      const right = assign.childForFieldName('right')?.namedChildren ?? [];
      left.forEach((l, i) => {
        if (l?.type !== 'selector_expression' || l.childForFieldName('field')?.text !== 'New') return;
        const value = left.length === right.length ? right[i] : undefined;
        const target = targetOf(l.childForFieldName('operand'), env);
        if (target !== undefined) out.push({ target, newType: value ? newTypeOfValue(value, env) : '?' });
      });
    } else if (literal && typeKey(literal.childForFieldName('type'), resolve) === 'sync.Pool') {
      const value = newField(literal);
      if (!value) continue;
      const target = literalDestination(literal, env);
      if (target === undefined) continue;
      const owner = target.startsWith('.') ? literalOwner(literal, resolve) : undefined;
      out.push(owner ? { target, owner, newType: newTypeOfValue(value, env) } : { target, newType: newTypeOfValue(value, env) });
    }
  }
  return out;
}

/**
 * Who receives a New assigned through `x.New =`: a package variable, a field, or unknown. A local
 * pool held by value is analysed in its function and concerns no other pool (undefined).
 */
function targetOf(operand: Node | null, env: TypingEnv): string | undefined {
  const o = unparen(operand);
  if (o?.type === 'identifier') {
    if (!env.isLocal(o)) return o.text;
    return env.identifier(o, 0) === 'sync.Pool' ? undefined : '?';
  }
  if (o?.type === 'selector_expression') return `.${o.childForFieldName('field')?.text ?? ''}`;
  return '?';
}

/**
 * Where a pool literal with a New ends up. Package variables are summarised with their declaration
 * and local pools are analysed in their function, so both give undefined (not a New set).
 */
function literalDestination(literal: Node, env: TypingEnv): string | undefined {
  let e = literal;
  if (e.parent?.type === 'unary_expression') e = e.parent;
  while (e.parent?.type === 'parenthesized_expression') e = e.parent;
  const parent = e.parent;
  if (!parent) return '?';
  if (parent.type === 'literal_element') {
    const keyed = parent.parent;
    if (keyed?.type === 'keyed_element' && keyed.namedChild(1)?.id === parent.id) {
      const key = keyed.namedChild(0)?.namedChild(0);
      return key ? `.${key.text}` : '?';
    }
    return '?';
  }
  if (parent.type === 'selector_expression') return undefined;
  if (parent.type !== 'expression_list') return '?';
  const holder = parent.parent;
  if (holder?.type === 'var_spec' || holder?.type === 'short_var_declaration') return undefined;
  if (holder?.type === 'assignment_statement' && holder.childForFieldName('right')?.id === parent.id) {
    const index = parent.namedChildren.findIndex((n) => n?.id === e.id);
    const left = holder.childForFieldName('left')?.namedChildren ?? [];
    const target = left.length === parent.namedChildCount ? left[index] : undefined;
    if (target?.type === 'identifier') return env.isLocal(target) ? undefined : target.text;
    if (target?.type === 'selector_expression') return `.${target.childForFieldName('field')?.text ?? ''}`;
  }
  return '?';
}

/** The struct type of the composite literal a keyed pool literal is an element of: T in `T{pool: sync.Pool{…}}`. */
function literalOwner(literal: Node, resolve: (name: string) => string | undefined): string | undefined {
  let e = literal;
  if (e.parent?.type === 'unary_expression') e = e.parent;
  const outer = e.parent?.parent?.parent?.parent;
  if (e.parent?.type !== 'literal_element' || outer?.type !== 'composite_literal') return undefined;
  // Pool[T]{…} installs the New of every Pool[…]: owners are compared without type arguments.
  return typeKey(outer.childForFieldName('type'), resolve)?.replace(/\[.*$/, '');
}

/** Typing inside one file: locals are found by name in the enclosing functions; the rest stays symbolic. */
/** What the typing of a summary reads of the file besides the declaration it types. */
interface SummaryLookups {
  imports: (name: string) => string | undefined;
  field: (typeName: string, field: string) => string | undefined;
  isTypeName: (name: string) => boolean;
}

function summaryLookups(summary: PoolFileSummary, imports: (name: string) => string | undefined): SummaryLookups {
  return {
    imports,
    field: (typeName, field) => summary.fields[typeName]?.find((f) => f.name === field)?.type,
    isTypeName: (name) => name in summary.types,
  };
}

function summaryTypingEnv(lookups: SummaryLookups): TypingEnv {
  const env: TypingEnv = {
    imports: lookups.imports,
    identifier: (id, depth) => {
      const decl = localDeclaration(id);
      return decl ? typeOfLocal(decl, id.text, env, depth) : undefined;
    },
    isLocal: (id) => localDeclaration(id) !== undefined,
    funcResult: (name) => `call:${name}`,
    field: lookups.field,
    isTypeName: lookups.isTypeName,
  };
  return env;
}

/** The nearest declaration of id's name before it in its enclosing functions (by name: scopes are approximated). */
function localDeclaration(id: Node): Node | undefined {
  for (let fn = enclosingFunction(id); fn; fn = enclosingFunction(fn)) {
    let best: Node | undefined;
    const candidates = [...(fn.childForFieldName('parameters')?.namedChildren ?? []), ...(fn.childForFieldName('receiver')?.namedChildren ?? [])];
    for (const p of candidates) if (p && declares(p, id.text)) best = p;
    for (const d of ownDescendants(fn, ['short_var_declaration', 'var_spec', 'range_clause'])) {
      if (d.startIndex < id.startIndex && declares(d, id.text)) best = d;
    }
    if (best) return best;
  }
  return undefined;
}

function declares(decl: Node, name: string): boolean {
  if (decl.type === 'parameter_declaration' || decl.type === 'variadic_parameter_declaration' || decl.type === 'var_spec') {
    return decl.childrenForFieldName('name').some((n) => n?.text === name);
  }
  const left = decl.childForFieldName('left');
  if (decl.type === 'range_clause' && !decl.children.some((c) => c?.type === ':=')) return false;
  return (left?.namedChildren ?? []).some((n) => n?.type === 'identifier' && n.text === name);
}

function typeOfLocal(decl: Node, name: string, env: TypingEnv, depth: number): string | undefined {
  switch (decl.type) {
    case 'parameter_declaration':
      return typeKey(decl.childForFieldName('type'), env.imports);
    case 'variadic_parameter_declaration': {
      const t = typeKey(decl.childForFieldName('type'), env.imports);
      return t && `[]${t}`;
    }
    case 'var_spec': {
      const declared = typeKey(decl.childForFieldName('type'), env.imports);
      if (declared) return declared;
      const names = decl.childrenForFieldName('name');
      const values = decl.childForFieldName('value')?.namedChildren ?? [];
      const i = names.findIndex((n) => n?.text === name);
      return names.length === values.length ? typeOfExpr(values[i], env, depth) : undefined;
    }
    case 'short_var_declaration': {
      const left = decl.childForFieldName('left')?.namedChildren ?? [];
      const right = decl.childForFieldName('right')?.namedChildren ?? [];
      const i = left.findIndex((n) => n?.text === name);
      return left.length === right.length ? typeOfExpr(right[i], env, depth) : undefined;
    }
    default:
      return undefined;
  }
}
