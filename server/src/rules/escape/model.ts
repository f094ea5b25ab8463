// A syntax-level replica of gc's escape analysis (cmd/compile/internal/escape) for one top-level
// function: locations (variables, allocation sites, the heap, result parameters) connected by
// assignment edges that count dereferences, solved the way solve.go walks them. An allocation
// escapes when its address reaches the heap, a result, or a variable that outlives it (declared
// outside its loop).
//
// Everything the text cannot settle is left out of the graph: calls to functions whose code we do
// not see, stores through expressions of unknown type, conversions of unknown types. Leaving an edge
// out can only hide an escape, never invent one, so what the model reports is what gc reports,
// within the limits of the facts it is given (types from declarations, std escape tags).
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes, PackageScope } from '../../engine/scope';
import { rangeDeclares, specsOf } from '../../engine/scope';
import {
  GoType,
  boxingAllocates,
  elemOf,
  hasPointers,
  isDirectIface,
  isInterface,
  isKnown,
  sizeOf,
  under,
} from './goTypes';
import { inlineCost, returnsConcrete } from './inlining';
import type { FuncTags, InlineSummary } from './packageFacts';
import { EMPTY_INTERFACE, Leak, StdFunc } from './stdFacts';
import { TypeEnv, argsOf, stripParens } from './typeEnv';
import { Constness, ValueFacts, definingValue, isLocalVariable } from './values';
import { collectClaims } from './claims';
import type { AddrHow, Alloc, AllocKind, Claim, Edge, Fn, Hole, Loc, ModelOptions, Via } from './graph';
import { hasElements } from './graph';

export type { Claim, ClaimKind, EscapeRuleName, ModelOptions } from './graph';


const DISCARD: Hole = { dst: undefined, derefs: 0 };

/** gc's stack limits, cmd/compile/internal/ir/cfg.go. */
export const MAX_IMPLICIT_STACK_VAR_SIZE = 64 * 1024;
export function maxStackVarSize(toolchainMinor: number): number {
  // go1.22 lowered MaxStackVarSize from 10 MiB to 128 KiB.
  return toolchainMinor >= 22 ? 128 * 1024 : 10 * 1024 * 1024;
}
/** Callees of this inlining cost or less are still inlined into very large functions (inl.go inlineBigFunctionMaxCost). */
const BIG_FUNCTION_MAX_COST = 20;
/** Functions with more syntax nodes than this are assumed "big" (inl.go inlineBigFunctionNodes = 5000 IR nodes). */
const BIG_FUNCTION_NODES = 12000;

const FUNC_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export class EscapeModel {
  readonly env: TypeEnv;
  readonly values: ValueFacts;
  claims: Claim[] = [];
  private readonly locs: Loc[] = [];
  private readonly heap: Loc;
  private readonly varLocs = new Map<Binding, Loc>();
  private readonly closures: { loc: Loc; captured: Binding[] }[] = [];
  private fn!: Fn;
  private depth = 1;
  private nextId = 0;
  private big = false;
  private loopingLabels = new Set<number>();
  /** Statements after which claims are not made: possibly dead code or range-over-func bodies. */
  private readonly uncertain: Node[] = [];

  constructor(
    readonly decl: Node,
    readonly scopes: DeclScopes,
    readonly pkg: PackageScope,
    readonly options: ModelOptions,
  ) {
    const localTypes = decl.descendantsOfType('type_spec').filter((n): n is Node => n !== null);
    this.env = new TypeEnv(decl, scopes, pkg, localTypes, options.facts);
    this.values = new ValueFacts(this.env);
    this.heap = this.newLoc('heap', undefined, 0);
    if (decl.type !== 'function_declaration' && decl.type !== 'method_declaration') return;
    if (!decl.childForFieldName('body')) return;
    this.big = decl.descendantCount > BIG_FUNCTION_NODES;
    this.findLoopingLabels();
    this.walkFunction(decl, undefined, true);
    this.flowClosures();
    this.heapAllocReasons();
    this.solve();
    // Generic code is analysed per instantiation shape, and not at all when never instantiated.
    if (!options.summaryOnly && !this.env.isGeneric) {
      this.claims = collectClaims({ decl, locs: this.locs, heap: this.heap, options, isUncertain: (node) => this.uncertain.some((u) => u.startIndex <= node.startIndex && node.endIndex <= u.endIndex) });
    }
  }

  // ---------------------------------------------------------------- escape tags (package summaries)

  /** gc-style escape tags for the function's parameters and receiver, and what it allocates once inlined. */
  funcTags(): FuncTags | undefined {
    const d = this.decl;
    if (!d.childForFieldName('body')) return undefined;
    const heapDist = this.minDerefs([this.heap, ...this.locs.filter((l) => l.escaped)]);
    const results = this.locs.filter((l) => l.paramOut);
    const resultDist = this.minDerefs(results);
    const tagOf = (b: Binding | undefined, variadic: boolean): Leak | 0 => {
      const loc = b && this.varLocs.get(b);
      if (!loc || hasPointers(this.env.typeOfBinding(b!)) === false) return 0;
      const h = heapDist.get(loc);
      if (h !== undefined && h <= 0) return 'heap';
      if (h === 1) return variadic ? 'heap' : 'content';
      const r = resultDist.get(loc);
      if (r !== undefined && r <= 0) return 'result';
      return 0;
    };
    const lk: (Leak | 0)[] = [];
    for (const p of d.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!p || (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration')) continue;
      const variadic = p.type === 'variadic_parameter_declaration';
      const ids = p.childrenForFieldName('name').filter((x): x is Node => x !== null && x.isNamed);
      if (ids.length === 0) lk.push(0);
      for (const id of ids) lk.push(tagOf(this.scopes.bindingOf(id), variadic));
    }
    const tags: FuncTags = { lk };
    const inl = this.inlineSummary();
    if (inl) tags.inl = inl;
    if (returnsConcrete(d, this.env)) tags.dv = 1;
    const rp = d.childForFieldName('receiver')?.namedChildren.find((x) => x?.type === 'parameter_declaration');
    if (rp) {
      const rid = rp.childrenForFieldName('name').find((x) => x !== null && x.isNamed);
      tags.rl = rid ? tagOf(this.scopes.bindingOf(rid), false) : 0;
    }
    return tags;
  }

  /**
   * For a function gc inlines: the allocations it makes, with where each goes once inlined at a
   * call (the heap whatever the caller does, or a result).
   */
  private inlineSummary(): InlineSummary | undefined {
    if (this.env.isGeneric) return undefined;
    const cost = inlineCost(this.decl, this.env);
    if (cost === undefined) return undefined;
    const top = this.locs.find((l) => l.kind === 'var' || l.kind === 'result')?.fn;
    const heapDist = this.minDerefs([this.heap]);
    const results = this.locs.filter((l) => l.paramOut && l.fn === top);
    const allocs: InlineSummary['allocs'] = [];
    for (const loc of this.locs) {
      const a = loc.alloc;
      if (!a || !a.claimable || loc.fn !== top || a.kind === 'closure') continue;
      const h = heapDist.get(loc);
      if (h !== undefined && h < 0) {
        allocs.push({ t: a.text, k: a.kind, to: 'heap', c: a.constSize });
        continue;
      }
      for (let i = 0; i < results.length; i++) {
        const d = this.minDerefs([results[i]]).get(loc);
        if (d !== undefined && d < 0) {
          allocs.push({ t: a.text, k: a.kind, to: i, c: a.constSize });
          break;
        }
      }
    }
    return allocs.length > 0 ? { cost, allocs } : undefined;
  }

  /** Minimal dereferences from a set of roots to every location (addresses count as 0 past the first). */
  private minDerefs(roots: Loc[]): Map<Loc, number> {
    const dist = new Map<Loc, number>();
    const queue: Loc[] = [];
    for (const r of roots) {
      dist.set(r, 0);
      queue.push(r);
    }
    for (let head = 0; head < queue.length; head++) {
      const l = queue[head];
      const d = Math.max(0, dist.get(l)!);
      for (const e of l.edges) {
        const nd = d + e.derefs;
        const cur = dist.get(e.src);
        if (cur === undefined || cur > nd) {
          dist.set(e.src, nd);
          queue.push(e.src);
        }
      }
    }
    return dist;
  }

  // ---------------------------------------------------------------- locations and holes

  private newLoc(kind: Loc['kind'], fn: Fn | undefined, depth: number): Loc {
    const loc: Loc = { id: this.nextId++, kind, fn, depth, edges: [], walkgen: 0, derefs: 0, queued: 0 };
    this.locs.push(loc);
    return loc;
  }

  private varLoc(b: Binding): Loc {
    let loc = this.varLocs.get(b);
    if (!loc) {
      loc = this.newLoc('var', this.fn, this.depth);
      loc.binding = b;
      this.varLocs.set(b, loc);
    }
    return loc;
  }

  /** Declares a variable at the current (or given) loop depth, as gc's ODCL does. */
  private dcl(b: Binding, depth = this.depth): Loc {
    const loc = this.varLoc(b);
    loc.depth = depth;
    loc.fn = this.fn;
    return loc;
  }

  private heapHole(text: string, node: Node, note?: string): Hole {
    return { dst: this.heap, derefs: 0, via: { text, node, note } };
  }

  private hole(loc: Loc, via?: Via): Hole {
    return { dst: loc, derefs: 0, via };
  }

  private addr(h: Hole, how: AddrHow): Hole {
    return { ...h, derefs: Math.max(-1, h.derefs - 1), how };
  }

  private deref(h: Hole): Hole {
    return { ...h, derefs: h.derefs + 1 };
  }

  private flow(h: Hole, src: Loc): void {
    if (h.derefs < 0) src.addrtaken = true;
    const dst = h.dst;
    if (!dst) return;
    if (dst === src && h.derefs >= 0) return;
    dst.edges.push({ src, derefs: h.derefs, via: h.via, how: h.how });
  }

  /** A new allocation whose address flows to h; returns a hole that stores into it. */
  private spill(h: Hole, alloc: Alloc, depth = this.depth): Hole {
    const loc = this.newLoc('alloc', this.fn, depth);
    loc.alloc = alloc;
    this.flow(this.addr(h, 'addr'), loc);
    return this.hole(loc);
  }

  /** A temporary that flows into every hole (gc's teeHole). */
  private tee(holes: Hole[]): Hole {
    const live = holes.filter((h) => h.dst);
    if (live.length === 0) return DISCARD;
    if (live.length === 1) return live[0];
    const tmp = this.newLoc('temp', this.fn, this.depth);
    for (const h of live) this.flow(h, tmp);
    return this.hole(tmp);
  }

  // ---------------------------------------------------------------- functions

  private walkFunction(node: Node, parent: Fn | undefined, standalone: boolean, callHoles?: Hole[], args?: Node[]): Fn {
    const fn: Fn = { node, parent, standalone, results: [], resultTypes: [], callHoles };
    const savedFn = this.fn;
    const savedDepth = this.depth;
    this.fn = fn;
    this.depth = 1;
    const paramBindings: Binding[] = [];
    for (const field of ['receiver', 'parameters']) {
      for (const p of node.childForFieldName(field)?.namedChildren ?? []) {
        for (const id of (p?.childrenForFieldName('name') ?? []).filter((x) => x?.isNamed)) {
          const b = id && this.scopes.bindingOf(id);
          if (b) {
            this.dcl(b);
            if (field === 'parameters') paramBindings.push(b);
          }
        }
      }
    }
    const result = node.childForFieldName('result');
    if (result?.type === 'parameter_list') {
      for (const p of result.namedChildren) {
        if (!p) continue;
        const t = this.env.typeOfTypeNode(p.childForFieldName('type'));
        const ids = p.childrenForFieldName('name').filter((x): x is Node => x !== null && x.isNamed);
        if (ids.length === 0) {
          fn.results.push(this.resultLoc(fn));
          fn.resultTypes.push(t);
        }
        for (const id of ids) {
          const b = this.scopes.bindingOf(id);
          const loc = b ? this.dcl(b) : this.newLoc('temp', fn, 1);
          if (standalone) loc.paramOut = true;
          else this.linkResult(fn, loc);
          fn.results.push(loc);
          fn.resultTypes.push(t);
        }
      }
    } else if (result) {
      fn.results.push(this.resultLoc(fn));
      fn.resultTypes.push(this.env.typeOfTypeNode(result));
    }
    // A directly called literal: the arguments are assigned to its parameters.
    if (args) {
      const variadic = node.childForFieldName('parameters')?.namedChildren.some((p) => p?.type === 'variadic_parameter_declaration');
      if (!variadic && args.length === paramBindings.length && !args.some((a) => a.type === 'variadic_argument')) {
        this.fn = savedFn;
        this.depth = savedDepth;
        args.forEach((a, i) => this.expr(a, this.hole(this.varLoc(paramBindings[i]), { text: 'passed to a func literal', node: a })));
        this.fn = fn;
        this.depth = 1;
      } else {
        this.fn = savedFn;
        this.depth = savedDepth;
        for (const a of args) this.expr(a, DISCARD);
        this.fn = fn;
        this.depth = 1;
      }
    }
    const body = node.childForFieldName('body');
    if (body) this.stmt(body);
    this.fn = savedFn;
    this.depth = savedDepth;
    return fn;
  }

  private resultLoc(fn: Fn): Loc {
    const loc = this.newLoc('result', fn, 1);
    if (fn.standalone) loc.paramOut = true;
    else this.linkResult(fn, loc);
    return loc;
  }

  /** Results of a literal that is called directly flow to the call's destinations. */
  private linkResult(fn: Fn, loc: Loc): void {
    const h = fn.callHoles?.[fn.results.length];
    if (h) this.flow(h, loc);
  }

  private findLoopingLabels(): void {
    const labels = new Map<string, Node[]>();
    for (const l of this.decl.descendantsOfType('labeled_statement')) {
      const name = l?.childForFieldName('label')?.text;
      if (l && name) (labels.get(name) ?? labels.set(name, []).get(name)!).push(l);
    }
    if (labels.size === 0) return;
    for (const g of this.decl.descendantsOfType('goto_statement')) {
      const name = g?.namedChild(0)?.text;
      if (!g || !name) continue;
      for (const l of labels.get(name) ?? []) {
        if (l.startIndex < g.startIndex && enclosingFunc(l)?.id === enclosingFunc(g)?.id) this.loopingLabels.add(l.id);
      }
    }
  }

  // ---------------------------------------------------------------- statements

  private stmt(n: Node | null | undefined): void {
    if (!n) return;
    switch (n.type) {
      case 'block': {
        const saved = this.depth;
        for (const c of n.namedChildren) this.stmt(c);
        this.depth = saved;
        return;
      }
      case 'statement_list':
        for (const c of n.namedChildren) this.stmt(c);
        return;
      case 'expression_statement':
        this.expr(n.namedChild(0), DISCARD);
        return;
      case 'short_var_declaration':
        this.assign(exprsOf(n.childForFieldName('left')), exprsOf(n.childForFieldName('right')), n);
        return;
      case 'var_declaration':
        for (const spec of specsOf(n)) this.varSpec(spec);
        return;
      case 'assignment_statement': {
        const op = n.childForFieldName('operator')?.text;
        const left = exprsOf(n.childForFieldName('left'));
        const right = exprsOf(n.childForFieldName('right'));
        if (op === '=') this.assign(left, right, n);
        else {
          for (const l of left) this.markAssigned(this.lhsHole(l, n));
          for (const r of right) this.expr(r, DISCARD);
        }
        return;
      }
      case 'inc_statement':
      case 'dec_statement':
        this.markAssigned(this.lhsHole(n.namedChild(0)!, n));
        return;
      case 'return_statement':
        this.ret(n);
        return;
      case 'go_statement':
        this.goDefer(n, 'go');
        return;
      case 'defer_statement':
        if (this.depth > 1) this.goDefer(n, 'defer');
        else this.expr(n.namedChild(0), DISCARD);
        return;
      case 'if_statement': {
        this.stmt(n.childForFieldName('initializer'));
        const cond = n.childForFieldName('condition');
        this.expr(cond, DISCARD);
        // gc drops the dead branch of a constant condition before escape analysis. A condition
        // that may be a constant we cannot see leaves both branches out of the model.
        const value = this.env.constValue(cond);
        if (value === true) this.stmt(n.childForFieldName('consequence'));
        else if (value === false) this.stmt(n.childForFieldName('alternative'));
        else if (maybeConstantCondition(cond, this.values, this.scopes)) this.uncertain.push(n);
        else {
          this.stmt(n.childForFieldName('consequence'));
          this.stmt(n.childForFieldName('alternative'));
        }
        return;
      }
      case 'for_statement':
        this.forStmt(n);
        return;
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        this.switchStmt(n);
        return;
      case 'labeled_statement': {
        if (this.loopingLabels.has(n.id)) this.depth++;
        for (const c of n.namedChildren) if (c && c.type !== 'label_name') this.stmt(c);
        return;
      }
      case 'send_statement': {
        this.expr(n.childForFieldName('channel'), DISCARD);
        const ch = under(this.env.typeOf(n.childForFieldName('channel')));
        this.expr(n.childForFieldName('value'), this.heapHole('sent on a channel', n), ch.kind === 'chan' ? ch.elem : undefined);
        return;
      }
      case 'receive_statement': {
        const left = exprsOf(n.childForFieldName('left'));
        this.expr(n.childForFieldName('right'), DISCARD);
        for (const l of left) this.markAssigned(this.lhsHole(l, n));
        return;
      }
      default:
        return;
    }
  }

  private varSpec(spec: Node): void {
    const names = spec.childrenForFieldName('name').filter((x): x is Node => x !== null && x.isNamed);
    const value = spec.childForFieldName('value');
    const typeNode = spec.childForFieldName('type');
    if (value) {
      const target = typeNode ? this.env.typeOfTypeNode(typeNode) : undefined;
      this.assign(names, exprsOf(value), spec, target);
    } else {
      for (const id of names) {
        const b = this.scopes.bindingOf(id);
        if (b) this.dcl(b);
      }
    }
  }

  private assign(left: Node[], right: Node[], stmt: Node, declaredType?: GoType, declDepth?: number): void {
    const holes = left.map((l) => this.lhsHole(l, stmt, declDepth));
    for (const h of holes) this.markAssigned(h);
    if (right.length === left.length) {
      right.forEach((r, i) => this.expr(r, holes[i], declaredType ?? this.targetType(left[i], stmt)));
    } else if (right.length === 1) {
      const r = stripParens(right[0]);
      if (r.type === 'call_expression') this.call(r, holes);
      else this.expr(r, holes[0]);
    } else {
      for (const r of right) this.expr(r, DISCARD);
    }
  }

  /** The type an assignment converts to, when it converts (not for a variable declared by this statement). */
  private targetType(lhs: Node, stmt: Node): GoType | undefined {
    if (stmt.type === 'short_var_declaration') {
      const b = lhs.type === 'identifier' ? this.scopes.bindingOf(lhs) : undefined;
      if (b && b.id.id === lhs.id) return undefined;
    }
    if (lhs.type === 'identifier' && lhs.text === '_') return undefined;
    const t = this.env.typeOf(lhs);
    return isKnown(t) ? t : undefined;
  }

  private markAssigned(h: Hole): void {
    // gc's reassigned(): stores to a variable, its fields or array elements, other than its definition.
    if (h.dst?.kind === 'var' && !h.via?.text.startsWith('declared')) h.dst.reassigned = true;
  }

  /** Where a store to `lhs` goes (gc's addr()). */
  private lhsHole(lhs: Node, stmt: Node, declDepth?: number): Hole {
    const e = stripParens(lhs);
    if (e.type !== 'identifier') {
      // x.f = v, x[i] = v with x a package-level variable: the store is to global memory whatever x's type.
      const root = storeRoot(e);
      if (root && this.isPackageVariable(root)) {
        this.evalStoreOperands(e);
        return this.heapHole(`stored in package-level variable ${short(e)}`, stmt);
      }
    }
    switch (e.type) {
      case 'identifier': {
        if (e.text === '_') return DISCARD;
        const b = this.scopes.bindingOf(e);
        if (!b || (b.scopeNode.type === 'source_file' && b.kind === 'var')) {
          if (b && b.kind !== 'var') return DISCARD;
          return this.heapHole(`stored in package-level variable ${e.text}`, stmt);
        }
        if (!isLocalVariable(b)) return DISCARD;
        if (b.id.id === e.id) {
          const loc = this.dcl(b, declDepth ?? this.depth);
          return this.hole(loc, { text: `declared as ${e.text}`, node: stmt });
        }
        return this.hole(this.varLoc(b), { text: `assigned to ${e.text}`, node: stmt });
      }
      case 'selector_expression': {
        const operand = e.childForFieldName('operand');
        if (!operand) return DISCARD;
        if (operand.type === 'identifier' && this.env.importOfIdentifier(operand) !== undefined) {
          return this.heapHole(`stored in package-level variable ${e.text}`, stmt);
        }
        const t = under(this.env.typeOf(operand));
        if (t.kind === 'pointer') {
          this.expr(operand, DISCARD);
          return this.heapHole(`stored through the pointer ${short(operand)}`, stmt);
        }
        if (t.kind === 'struct') return this.lhsHole(operand, stmt);
        this.expr(operand, DISCARD);
        return DISCARD;
      }
      case 'index_expression': {
        const operand = e.childForFieldName('operand');
        this.expr(e.childForFieldName('index'), DISCARD);
        if (!operand) return DISCARD;
        const t = under(this.env.typeOf(operand));
        switch (t.kind) {
          case 'map':
            this.expr(operand, DISCARD);
            return this.heapHole(`stored in the map ${short(operand)}`, stmt);
          case 'slice':
            this.expr(operand, DISCARD);
            return this.heapHole(`stored in an element of the slice ${short(operand)}`, stmt);
          case 'array':
            return this.lhsHole(operand, stmt);
          case 'pointer':
            this.expr(operand, DISCARD);
            return under(t.elem).kind === 'array' ? this.heapHole(`stored through the pointer ${short(operand)}`, stmt) : DISCARD;
          default:
            this.expr(operand, DISCARD);
            return DISCARD;
        }
      }
      case 'unary_expression':
        if (e.childForFieldName('operator')?.text === '*') {
          this.expr(e.childForFieldName('operand'), DISCARD);
          return this.heapHole(`stored through the pointer ${short(e.childForFieldName('operand'))}`, stmt);
        }
        return DISCARD;
      default:
        this.expr(e, DISCARD);
        return DISCARD;
    }
  }

  /** An identifier that names a package-level variable (of this file, of another file of the package, or dot-imported). */
  private isPackageVariable(id: Node): boolean {
    const b = this.scopes.bindingOf(id);
    if (b) return b.scopeNode.type === 'source_file' && b.kind === 'var';
    return this.env.isPackageVar(id.text);
  }

  /** Evaluates the index expressions of a store target for their own effects. */
  private evalStoreOperands(e: Node): void {
    let cur: Node | null = e;
    for (let i = 0; cur && cur.type !== 'identifier' && i < 32; i++) {
      if (cur.type === 'index_expression') this.expr(cur.childForFieldName('index'), DISCARD);
      cur = cur.type === 'parenthesized_expression' ? cur.namedChild(0) : cur.childForFieldName('operand');
    }
  }

  private ret(n: Node): void {
    const exprs = exprsOf(n.namedChild(0));
    if (exprs.length === 0) return;
    const fn = this.fn;
    const via = { text: 'returned', node: n };
    const holes = fn.results.map((r) => (fn.standalone || fn.callHoles ? this.hole(r, via) : DISCARD));
    if (exprs.length === holes.length) {
      exprs.forEach((e, i) => this.expr(e, holes[i], fn.resultTypes[i]));
    } else if (exprs.length === 1 && stripParens(exprs[0]).type === 'call_expression') {
      this.call(stripParens(exprs[0]), holes);
    } else {
      for (const e of exprs) this.expr(e, DISCARD);
    }
  }

  /** go and loop defer statements: the call's function value and arguments are kept in a heap closure (goDeferStmt). */
  private goDefer(stmt: Node, how: 'go' | 'defer'): void {
    const k = this.heapHole(how === 'go' ? 'started with go' : 'deferred inside a loop', stmt);
    const argK = this.heapHole(how === 'go' ? 'passed to a goroutine (go statement)' : 'passed to a call deferred inside a loop', stmt);
    const call = stmt.namedChild(0);
    if (!call || call.type !== 'call_expression') {
      this.expr(call, DISCARD);
      return;
    }
    const fnExpr = call.childForFieldName('function');
    const args = argsOf(call);
    if (fnExpr && stripParens(fnExpr).type === 'func_literal') {
      this.funcLiteral(stripParens(fnExpr), k, true);
    } else if (fnExpr?.type === 'selector_expression') {
      const operand = fnExpr.childForFieldName('operand');
      if (operand && !(operand.type === 'identifier' && this.env.importOfIdentifier(operand) !== undefined)) {
        // The wrapper captures the receiver: its address for a pointer method on an addressable value.
        const method = fnExpr.childForFieldName('field')?.text ?? '';
        const named = namedType(this.env.typeOf(operand));
        if (named && named.kind === 'named' && named.pointerMethods?.has(method) && this.env.typeOf(operand).kind === 'named') this.expr(operand, this.addr(argK, 'method'));
        else this.expr(operand, argK);
      }
    } else this.expr(fnExpr, DISCARD);
    for (const a of args) this.expr(a.type === 'variadic_argument' ? a.namedChild(0) : a, argK);
  }

  private forStmt(n: Node): void {
    const saved = this.depth;
    const body = n.childForFieldName('body');
    const perIteration = this.options.goMinor >= 22;
    const range = n.namedChildren.find((c) => c?.type === 'range_clause') ?? undefined;
    const clause = n.namedChildren.find((c) => c?.type === 'for_clause') ?? undefined;
    if (range) {
      const right = range.childForFieldName('right');
      const tmp = this.newLoc('temp', this.fn, this.depth);
      this.expr(right, this.hole(tmp));
      const rt = under(this.env.typeOf(right));
      // Range-over-func needs no special case: gc turns the body into a func literal the iterator
      // calls, but its allocations are still reported at their lines, and returns and stores to
      // variables outside the loop still escape.
      this.depth++;
      const left = exprsOf(range.childForFieldName('left'));
      const declares = rangeDeclares(range);
      left.forEach((l, i) => {
        let h: Hole;
        if (declares) {
          const b = l.type === 'identifier' ? this.scopes.bindingOf(l) : undefined;
          if (!b) return;
          const v = this.dcl(b, perIteration ? this.depth : this.depth - 1);
          // gc: "Variables declared by range statements are assigned on every iteration."
          v.reassigned = true;
          h = this.hole(v);
        } else h = this.lhsHole(l, range);
        if (!declares) this.markAssigned(h);
        if (i === 1 || (i === 0 && (rt.kind === 'map' || rt.kind === 'chan'))) {
          this.flow(rt.kind === 'array' ? h : this.deref(h), tmp);
        }
      });
      this.stmt(body);
    } else if (clause) {
      const init = clause.childForFieldName('initializer');
      if (init?.type === 'short_var_declaration') {
        this.assign(exprsOf(init.childForFieldName('left')), exprsOf(init.childForFieldName('right')), init, undefined, perIteration ? this.depth + 1 : this.depth);
      } else this.stmt(init);
      this.depth++;
      this.expr(clause.childForFieldName('condition'), DISCARD);
      this.stmt(clause.childForFieldName('update'));
      this.stmt(body);
    } else {
      this.depth++;
      for (const c of n.namedChildren) if (c && c.id !== body?.id) this.expr(c, DISCARD);
      this.stmt(body);
    }
    this.depth = saved;
  }

  private switchStmt(n: Node): void {
    this.stmt(n.childForFieldName('initializer'));
    if (n.type === 'type_switch_statement') {
      const value = n.childForFieldName('value');
      const alias = exprsOf(n.childForFieldName('alias'))[0];
      const b = alias ? this.scopes.bindingOf(alias) : undefined;
      // Each case's variable holds the value (or, for non-pointer types, a copy of what the interface points to).
      this.expr(value, b ? this.deref(this.hole(this.dcl(b))) : DISCARD);
    } else if (n.type === 'expression_switch_statement') {
      const tag = n.childForFieldName('value');
      this.expr(tag, DISCARD);
      // A constant tag (switch runtime.GOOS) or a constant case condition (switch { case true: })
      // lets gc drop cases: the switch's cases are left out of the model.
      const conditions = tag ? [tag] : n.namedChildren.filter((c) => c?.type === 'expression_case').flatMap((c) => exprsOf(c!.childForFieldName('value')));
      if (conditions.some((c) => this.values.constness(c) !== 'nonconst')) {
        this.uncertain.push(n);
        return;
      }
    }
    for (const c of n.namedChildren) {
      if (!c) continue;
      switch (c.type) {
        case 'expression_case':
        case 'type_case':
        case 'default_case':
        case 'communication_case':
          for (const part of c.namedChildren) {
            if (!part) continue;
            if (part.type === 'statement_list') this.stmt(part);
            else if (c.type === 'expression_case' && part.type === 'expression_list') for (const e of exprsOf(part)) this.expr(e, DISCARD);
            else if (c.type === 'communication_case' && part.id === c.childForFieldName('communication')?.id) this.commClause(part);
          }
          break;
      }
    }
  }

  private commClause(n: Node): void {
    if (n.type === 'receive_statement') {
      const left = exprsOf(n.childForFieldName('left'));
      this.expr(n.childForFieldName('right'), DISCARD);
      const declares = n.children.some((t) => t?.type === ':=');
      for (const l of left) {
        if (declares) {
          const b = l.type === 'identifier' ? this.scopes.bindingOf(l) : undefined;
          if (b) this.dcl(b);
        } else this.markAssigned(this.lhsHole(l, n));
      }
    } else this.stmt(n);
  }

  // ---------------------------------------------------------------- expressions

  /** gc's expr(k, n): evaluates n and flows its value into the hole; `target` is the type it is assigned to. */
  private expr(node: Node | null | undefined, k: Hole, target?: GoType): void {
    if (!node) return;
    if (target && isInterface(target) && node.type !== 'nil') {
      this.convIface(node, k, target);
      return;
    }
    // A value without pointers cannot carry an address anywhere (exprSkipInit: k.dst = &e.blankLoc).
    if (k.dst && k.derefs >= 0 && node.type !== 'func_literal' && node.type !== 'composite_literal' && node.type !== 'call_expression') {
      const t = this.env.typeOf(node);
      if (!(t.kind === 'basic' && t.untyped) && hasPointers(t) === false) k = DISCARD;
    }
    const n = node;
    switch (n.type) {
      case 'identifier': {
        const b = this.scopes.bindingOf(n);
        if (isLocalVariable(b)) this.flow(k, this.varLoc(b));
        return;
      }
      case 'parenthesized_expression':
        this.expr(n.namedChild(0), k);
        return;
      case 'unary_expression':
        this.unary(n, k);
        return;
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text;
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        if (op === '+' && isStringType(this.env.typeOf(n)) && this.values.constness(n) !== 'const') {
          this.spill(k, { kind: 'concat', node: n, text: short(n), claimable: this.values.constness(n) === 'nonconst' });
        }
        this.expr(l, DISCARD);
        this.expr(r, DISCARD);
        return;
      }
      case 'selector_expression': {
        const operand = n.childForFieldName('operand');
        if (!operand) return;
        if (operand.type === 'identifier' && this.env.importOfIdentifier(operand) !== undefined) return;
        const t = under(this.env.typeOf(operand));
        this.expr(operand, t.kind === 'struct' ? k : this.deref(k));
        return;
      }
      case 'index_expression': {
        const operand = n.childForFieldName('operand');
        const t = under(this.env.typeOf(operand));
        if (t.kind === 'array') this.expr(operand, k);
        else if (t.kind === 'map' || (t.kind === 'basic' && t.name === 'string')) this.expr(operand, DISCARD);
        else this.expr(operand, this.deref(k));
        this.expr(n.childForFieldName('index'), DISCARD);
        return;
      }
      case 'slice_expression': {
        const operand = n.childForFieldName('operand');
        const t = under(this.env.typeOf(operand));
        if (t.kind === 'array') this.expr(operand, this.addr(k, 'slice'));
        else this.expr(operand, k);
        for (const f of ['start', 'end', 'capacity']) this.expr(n.childForFieldName(f), DISCARD);
        return;
      }
      case 'type_assertion_expression': {
        const t = this.env.typeOfTypeNode(n.childForFieldName('type'));
        const direct = isInterface(t) || isDirectIface(t) === true;
        this.expr(n.childForFieldName('operand'), direct ? k : this.deref(k));
        return;
      }
      case 'type_conversion_expression':
        this.conversion(n, this.env.typeOfTypeNode(n.childForFieldName('type')), n.childForFieldName('operand'), k);
        return;
      case 'call_expression':
        this.call(n, [k]);
        return;
      case 'composite_literal':
        this.compositeLiteral(n, k, false);
        return;
      case 'func_literal':
        this.funcLiteral(n, k, isStandaloneLiteral(n));
        return;
      default:
        for (const c of n.namedChildren) if (c && !isTypeLike(c)) this.expr(c, DISCARD);
        return;
    }
  }

  private unary(n: Node, k: Hole): void {
    const op = n.childForFieldName('operator')?.text;
    const operand = n.childForFieldName('operand');
    if (!operand) return;
    switch (op) {
      case '&': {
        const x = stripParens(operand);
        if (x.type === 'composite_literal') {
          this.compositeLiteral(x, k, true, n);
          return;
        }
        this.addressOf(x, k);
        return;
      }
      case '*':
        this.expr(operand, this.deref(k));
        return;
      default:
        this.expr(operand, DISCARD);
        return;
    }
  }

  /** `&x`, `&x.f`, `&x[i]`: the address of (part of) an operand. */
  private addressOf(x: Node, k: Hole): void {
    switch (x.type) {
      case 'identifier': {
        const b = this.scopes.bindingOf(x);
        if (isLocalVariable(b)) this.flow(this.addr(k, 'addr'), this.varLoc(b));
        return;
      }
      case 'selector_expression': {
        const operand = x.childForFieldName('operand');
        if (!operand || (operand.type === 'identifier' && this.env.importOfIdentifier(operand) !== undefined)) return;
        const t = under(this.env.typeOf(operand));
        if (t.kind === 'struct') this.addressOf(stripParens(operand), k);
        else if (t.kind === 'pointer') this.expr(operand, k);
        else this.expr(operand, DISCARD);
        return;
      }
      case 'index_expression': {
        const operand = x.childForFieldName('operand');
        this.expr(x.childForFieldName('index'), DISCARD);
        if (!operand) return;
        const t = under(this.env.typeOf(operand));
        if (t.kind === 'array') this.addressOf(stripParens(operand), k);
        else if (t.kind === 'slice') this.expr(operand, k);
        else this.expr(operand, DISCARD);
        return;
      }
      case 'unary_expression':
        if (x.childForFieldName('operator')?.text === '*') {
          this.expr(x.childForFieldName('operand'), k);
          return;
        }
        this.expr(x, DISCARD);
        return;
      default:
        this.expr(x, DISCARD);
    }
  }

  private compositeLiteral(n: Node, k: Hole, addressed: boolean, amp?: Node): void {
    const typeNode = n.childForFieldName('type');
    const t = this.env.typeOfTypeNode(typeNode);
    const u = under(t);
    const body = n.childForFieldName('body');
    let into = k;
    if (addressed) {
      into = this.spill(k, { kind: 'addrlit', node: amp ?? n, text: `&${typeNode?.text ?? ''}${hasElements(body) ? '{...}' : '{}'}`, claimable: true });
    } else if (u.kind === 'slice') {
      into = this.spill(k, { kind: 'slicelit', node: n, text: gcExprText(n), claimable: true });
    } else if (u.kind === 'map') {
      this.spill(k, { kind: 'maplit', node: n, text: gcExprText(n), claimable: true });
      this.literalElements(body, this.heapHole('stored in a map literal', n), u);
      return;
    }
    this.literalElements(body, into, u);
  }

  /** Elements of a literal flow into the hole (struct and array elements) or its storage (slice). */
  private literalElements(body: Node | null, k: Hole, t: GoType): void {
    if (!body) return;
    const u = under(t);
    for (const c of body.namedChildren) {
      if (!c) continue;
      let valueNode: Node | null = c;
      let fieldName: string | undefined;
      if (c.type === 'keyed_element') {
        const [key, value] = c.namedChildren;
        valueNode = value;
        const keyExpr = key?.namedChild(0);
        if (u.kind === 'struct' && keyExpr?.type === 'identifier') fieldName = keyExpr.text;
        else if (keyExpr) this.expr(keyExpr, u.kind === 'map' ? k : DISCARD);
      }
      const inner = valueNode?.type === 'literal_element' ? valueNode.namedChild(0) : valueNode;
      if (!inner) continue;
      let elemType: GoType | undefined;
      if (u.kind === 'struct') {
        const idx = body.namedChildren.filter((x) => x?.type !== 'comment').indexOf(c);
        elemType = fieldName !== undefined ? u.fields.find((f) => f.name === fieldName)?.type : u.fields[idx]?.type;
      } else if (u.kind === 'slice' || u.kind === 'array') elemType = u.elem;
      else if (u.kind === 'map') elemType = u.value;
      if (inner.type === 'literal_value') {
        // An elided type: T{...} or &T{...} for pointer element types.
        const et = elemType ? under(elemType) : undefined;
        if (et?.kind === 'pointer') {
          const into = this.spill(k, { kind: 'addrlit', node: inner, text: `&{...}`, claimable: false });
          this.literalElements(inner, into, et.elem);
        } else if (et?.kind === 'slice') {
          const into = this.spill(k, { kind: 'slicelit', node: inner, text: '{...}', claimable: false });
          this.literalElements(inner, into, et);
        } else this.literalElements(inner, k, elemType ?? { kind: 'unknown' });
        continue;
      }
      this.expr(inner, k, elemType && isKnown(elemType) ? elemType : undefined);
    }
  }

  private funcLiteral(lit: Node, k: Hole, standalone: boolean): void {
    const { loc, captured } = this.closureAlloc(lit, true);
    this.flow(this.addr(k, 'addr'), loc);
    // A literal bound to a local may be inlined at its calls: gc then reports what it allocates
    // at the call sites, not here.
    if (!standalone && lit.childForFieldName('body')) this.uncertain.push(lit.childForFieldName('body')!);
    const fn = this.walkFunction(lit, this.fn, standalone);
    fn.closureLoc = loc;
    if (captured.length === 0) loc.alloc!.claimable = false;
  }

  /** The allocation of a func literal's closure, with the variables it captures marked as captured. */
  private closureAlloc(lit: Node, claimable: boolean): { loc: Loc; captured: Binding[] } {
    const loc = this.newLoc('alloc', this.fn, this.depth);
    loc.alloc = { kind: 'closure', node: lit, text: 'func literal', claimable };
    const captured = this.capturedBy(lit);
    for (const b of captured) {
      const v = this.varLoc(b);
      if (!v.captured) {
        v.captured = true;
        // Reassignments before the first capture at the same loop depth are forgiven (expr.go OCLOSURE).
        if (v.depth === this.depth) v.reassigned = false;
      }
    }
    this.closures.push({ loc, captured });
    return { loc, captured };
  }

  /** Local variables of enclosing functions that a func literal refers to. */
  private capturedBy(lit: Node): Binding[] {
    const out = new Set<Binding>();
    for (const id of lit.descendantsOfType('identifier')) {
      if (!id) continue;
      const b = this.scopes.bindingOf(id);
      if (!isLocalVariable(b) || out.has(b)) continue;
      if (lit.startIndex <= b.id.startIndex && b.id.endIndex <= lit.endIndex) continue;
      out.add(b);
    }
    return [...out];
  }

  /** gc's flowClosure: after every body is walked, decide by-value or by-reference capture. */
  private flowClosures(): void {
    for (const { loc, captured } of this.closures) {
      for (const b of captured) {
        const v = this.varLoc(b);
        const size = sizeOf(this.env.typeOfBinding(b));
        const byRef = v.reassigned || v.addrtaken || (size !== undefined && size > 128);
        const via = { text: 'captured by a func literal', node: loc.alloc!.node };
        this.flow(byRef ? this.addr(this.hole(loc, via), 'capture') : this.hole(loc, via), v);
      }
    }
  }

  private conversion(n: Node, t: GoType, operand: Node | null, k: Hole): void {
    if (!operand) return;
    const u = under(t);
    if (isInterface(t)) {
      this.convIface(operand, k, t);
      return;
    }
    const from = under(this.env.typeOf(operand));
    const toString = u.kind === 'basic' && u.name === 'string';
    if (toString && this.values.constness(operand) === 'const') return;
    const toBytes = u.kind === 'slice' && under(u.elem).kind === 'basic';
    if ((toString && (from.kind === 'slice' || (from.kind === 'basic' && from.name !== 'string'))) || (toBytes && from.kind === 'basic' && from.name === 'string')) {
      // gc prints slice conversions parenthesised: ([]byte)(s).
      const typeNode = n.type === 'type_conversion_expression' ? n.childForFieldName('type') : null;
      const text = typeNode ? `(${squeeze(typeNode.text)})(${short(operand)})` : short(n);
      this.spill(k, { kind: 'conv', node: n, text, claimable: true });
      this.expr(operand, DISCARD);
      return;
    }
    if (toString || toBytes) {
      // Unknown operand type: a conversion that may copy (and allocate) or not.
      this.expr(operand, DISCARD);
      return;
    }
    this.expr(operand, k);
  }

  /** An implicit or explicit conversion to an interface (OCONVIFACE): a box unless the value is pointer-shaped. */
  private convIface(n: Node, k: Hole, target: GoType): void {
    void target;
    const e = stripParens(n);
    const t = this.env.typeOf(e);
    if (!isKnown(t) || isInterface(t) || isDirectIface(t) !== false) {
      this.expr(e, k);
      return;
    }
    const constness: Constness = this.values.constness(e);
    if (constness === 'const') return;
    const allocates = boxingAllocates(t);
    const box = this.spill(k, { kind: 'box', node: e, text: gcExprText(e), claimable: allocates === true && constness === 'nonconst' });
    this.expr(e, box);
  }

  private call(n: Node, holes: Hole[]): void {
    const callee = this.env.calleeOf(n);
    const args = argsOf(n);
    const k0 = holes[0] ?? DISCARD;
    switch (callee.kind) {
      case 'builtin':
        this.builtin(callee.name, n, args, k0);
        return;
      case 'conversion':
        if (args.length === 1) this.conversion(n, callee.type, args[0], k0);
        return;
      case 'std':
        this.stdCall(n, callee.fn, callee.name, args, holes, callee.recv, callee.recvType);
        return;
      case 'interfaceMethod': {
        if (!this.devirtualizable(callee.recv)) {
          const via = `passed to ${short(n.childForFieldName('function'))}`;
          const note = 'an interface method call: the callee is unknown, so its arguments escape';
          this.expr(callee.recv, this.heapHole(via, n, note));
          for (const a of args) this.expr(a.type === 'variadic_argument' ? a.namedChild(0) : a, a.type === 'variadic_argument' ? this.deref(this.heapHole(via, n, note)) : this.heapHole(via, n, note));
        } else {
          this.expr(callee.recv, DISCARD);
          for (const a of args) this.expr(a, DISCARD);
        }
        return;
      }
      case 'funcValue': {
        const via = `passed to ${short(n.childForFieldName('function'))}`;
        const note = 'a call of a function value: the callee is unknown, so its arguments escape';
        const fnExpr = n.childForFieldName('function');
        if (fnExpr?.type === 'selector_expression') this.expr(fnExpr.childForFieldName('operand'), DISCARD);
        for (const a of args) this.expr(a.type === 'variadic_argument' ? a.namedChild(0) : a, a.type === 'variadic_argument' ? this.deref(this.heapHole(via, n, note)) : this.heapHole(via, n, note));
        return;
      }
      case 'funcLiteral': {
        // Called directly: not a value that escapes; arguments go to its parameters, results to the call's destinations.
        this.closureAlloc(callee.lit, false);
        if (callee.lit.childForFieldName('body')) this.uncertain.push(callee.lit.childForFieldName('body')!);
        this.walkFunction(callee.lit, this.fn, false, holes, args);
        return;
      }
      default: {
        const fnExpr = n.childForFieldName('function');
        if (fnExpr?.type === 'selector_expression' && this.isPointerMethodOnValue(fnExpr)) this.addressOf(stripParens(fnExpr.childForFieldName('operand')!), DISCARD);
        else if (fnExpr?.type === 'selector_expression') this.expr(fnExpr.childForFieldName('operand'), DISCARD);
        else if (fnExpr && fnExpr.type !== 'identifier') this.expr(fnExpr, DISCARD);
        for (const a of args) this.expr(a.type === 'variadic_argument' ? a.namedChild(0) : a, DISCARD);
      }
    }
  }

  /** `v.M()` where M has a pointer receiver and v is an addressable value: the call takes &v. */
  private isPointerMethodOnValue(sel: Node): boolean {
    const operand = sel.childForFieldName('operand');
    const method = sel.childForFieldName('field')?.text ?? '';
    if (!operand) return false;
    const t = this.env.typeOf(operand);
    return t.kind === 'named' && !!t.pointerMethods?.has(method);
  }

  /**
   * Whether gc might turn an interface method call into a direct call: the receiver is a local
   * whose only value is a conversion of a concrete value, or a call that is one once inlined
   * (then the callee is known to gc).
   */
  private devirtualizable(recv: Node): boolean {
    const r = stripParens(recv);
    if (r.type !== 'identifier') return false;
    const b = this.scopes.bindingOf(r);
    if (!b) return false;
    if (b.kind === 'param' || b.kind === 'receiver' || b.kind === 'result') return false;
    if (!isLocalVariable(b)) return false;
    if (this.values.isReassigned(b)) return false;
    const init = definingValue(b);
    if (!init) return true;
    const value = stripParens(init);
    if (value.type !== 'call_expression') return true;
    const callee = this.env.calleeOf(value);
    return callee.kind === 'conversion' || (callee.kind === 'std' && callee.fn.returnsConcrete === true);
  }

  private builtin(name: string, n: Node, args: Node[], k: Hole): void {
    switch (name) {
      case 'append': {
        if (args.length === 0) return;
        const spread = args[args.length - 1].type === 'variadic_argument';
        const sliceType = this.env.typeOf(args[0]);
        const elem = elemOf(sliceType);
        const elemPointers = hasPointers(elem);
        const appendee: Hole[] = [k];
        if (elemPointers === true) appendee.push(this.deref(this.heapHole('kept in the slice that append may copy to the heap', n)));
        this.expr(args[0], this.tee(appendee));
        for (let i = 1; i < args.length; i++) {
          const a = args[i];
          if (a.type === 'variadic_argument') {
            const inner = a.namedChild(0);
            const innerElem = hasPointers(elemOf(this.env.typeOf(inner)));
            this.expr(inner, innerElem === true ? this.deref(this.heapHole('appended to a slice', n)) : DISCARD);
          } else this.expr(a, this.heapHole('appended to a slice', n), isKnown(elem) ? elem : undefined);
        }
        void spread;
        // The backing store append may allocate; its address flows to the result. gc treats it as
        // outside any loop (call.go: backingStore.dst.loopDepth = 0).
        this.spill(k, { kind: 'append', node: n, text: 'append', claimable: true }, 0);
        return;
      }
      case 'make': {
        const t = this.env.typeOfTypeNode(args[0]);
        const u = under(t);
        const sizeArg = args.length >= 3 ? args[2] : args[1];
        for (const a of args.slice(1)) this.expr(a, DISCARD);
        if (u.kind === 'slice') {
          const c = sizeArg ? this.makeSizeConstness(sizeArg) : 'const';
          this.spill(k, { kind: 'make', node: n, text: `make(${args.map((a) => squeeze(a.text)).join(', ')})`, claimable: c !== 'unknown', constSize: c === 'const', sizeArg: sizeArg ?? undefined });
        } else if (u.kind === 'map') {
          this.spill(k, { kind: 'makemap', node: n, text: `make(${args.map((a) => squeeze(a.text)).join(', ')})`, claimable: true });
        }
        return;
      }
      case 'new': {
        this.spill(k, { kind: 'new', node: n, text: `new(${squeeze(args[0]?.text ?? '')})`, claimable: true });
        return;
      }
      case 'panic':
        if (args[0]) this.expr(args[0], this.heapHole('passed to panic', n), EMPTY_INTERFACE);
        return;
      case 'copy': {
        const elem = hasPointers(elemOf(this.env.typeOf(args[0])));
        this.expr(args[0], DISCARD);
        if (args[1]) this.expr(args[1], elem === true ? this.deref(this.heapHole('copied into a slice', n)) : DISCARD);
        return;
      }
      case 'min':
      case 'max':
        for (const a of args) this.expr(a, k);
        return;
      default:
        for (const a of args) if (!isTypeLike(a)) this.expr(a, DISCARD);
    }
  }

  /** Whether make's size is a constant to gc (literal, constant, or a never-reassigned local holding one, or len of a slice literal). */
  private makeSizeConstness(n: Node): Constness {
    const c = this.values.constness(n);
    if (c !== 'nonconst') return c;
    const e = stripParens(n);
    if (e.type === 'call_expression' && this.env.calleeOf(e).kind === 'builtin' && e.childForFieldName('function')?.text === 'len') {
      const arg = argsOf(e)[0];
      const a = arg && stripParens(arg);
      if (a?.type === 'composite_literal') return 'unknown';
      if (a?.type === 'identifier') {
        const b = this.scopes.bindingOf(a);
        if (b && isLocalVariable(b) && !this.values.isReassigned(b) && definingValue(b)?.type === 'composite_literal') return 'unknown';
      }
    }
    return c;
  }

  private stdCall(n: Node, fn: StdFunc, name: string, args: Node[], holes: Hole[], recv?: Node, recvType?: GoType): void {
    const k0 = holes[0] ?? DISCARD;
    const line = `passed to ${name}`;
    if (recv) {
      const method = n.childForFieldName('function')?.childForFieldName('field')?.text ?? '';
      const named = recvType && namedType(recvType);
      const pointerMethod = !!named && named.kind === 'named' && recvType?.kind === 'named' && !!named.pointerMethods?.has(method);
      let h: Hole = DISCARD;
      if (fn.recvLeak === 'heap') h = this.heapHole(`${line} as its receiver`, n);
      else if (fn.recvLeak === 'content') h = this.deref(this.heapHole(`${line} as its receiver`, n));
      this.expr(recv, pointerMethod ? this.addr(h, 'method') : h);
    }
    let allocHole: Hole | undefined;
    const inl = fn.inlineAlloc;
    if (inl && this.options.toolchainMinor >= (inl.sinceToolchain ?? 0) && !(this.big && inl.cost > BIG_FUNCTION_MAX_COST)) {
      if (inl.kind === 'append') {
        // The inlined method appends to the receiver's buffer through its pointer: a store to the heap.
        const via = `stored in the receiver's buffer through its pointer by ${name}, which is inlined here`;
        this.spill(this.heapHole(via, n), { kind: 'append', node: n, text: 'append', claimable: true, inlineNote: `${name} is inlined (go1.26 reports its append at the call)` }, 0);
      } else {
        const note = inl.sinceToolchain ? `${name} is inlined (since go1.${inl.sinceToolchain}) and allocates here` : `${name} is inlined and allocates here`;
        // gc reports the inlined allocation either way; claimed only where it runs.
        const runs = !inl.onlyWithoutFormatting || (args.length === 1 && /^("[^"%\\]*"|`[^`%]*`)$/.test(args[0].text));
        allocHole = this.spill(k0, { kind: 'inlined', node: n, text: inl.text, claimable: runs, inlineNote: note });
      }
    }
    if (fn.inlined && !(this.big && fn.inlined.cost > BIG_FUNCTION_MAX_COST)) {
      for (const ia of fn.inlined.allocs) {
        const h = ia.to === 'heap' ? this.heapHole(`stored on the heap by ${name}, which is inlined`, n) : (holes[ia.to] ?? DISCARD);
        const kind = ia.k as AllocKind;
        this.spill(h, { kind, node: n, text: ia.t, claimable: true, constSize: ia.c, inlineNote: `${name} is inlined here` }, kind === 'append' ? 0 : this.depth);
      }
    }
    args.forEach((a, i) => {
      const last = fn.params.length - 1;
      const pi = fn.variadic && i >= last ? last : i;
      if (pi >= fn.params.length) {
        this.expr(a, DISCARD);
        return;
      }
      const spread = a.type === 'variadic_argument';
      const arg = spread ? a.namedChild(0) : a;
      const pt = fn.params[pi];
      const leak = fn.leaks[pi];
      let h: Hole = DISCARD;
      if (allocHole && inl!.from.includes(pi)) h = allocHole;
      else if (leak === 'heap') h = this.heapHole(line, n, isInterface(pt) ? 'interface parameter' : `kept by ${name}`);
      else if (leak === 'content') h = this.deref(this.heapHole(line, n, `what it points to is kept by ${name}`));
      else if (leak === 'result') h = k0;
      else if (leak === 'resultContent') h = this.deref(k0);
      if (spread) {
        this.expr(arg, h.dst ? this.deref(h) : DISCARD);
        return;
      }
      this.expr(arg, h, fn.variadic && pi === last ? pt : pt);
    });
  }

  // ---------------------------------------------------------------- heap reasons and solving

  /** Allocations gc puts on the heap whatever they flow to (HeapAllocReason): too large for the stack. */
  private heapAllocReasons(): void {
    const explicit = maxStackVarSize(this.options.toolchainMinor);
    for (const loc of this.locs) {
      if (loc.kind === 'var' && loc.binding && loc.binding.kind !== 'param' && loc.binding.kind !== 'result' && loc.binding.kind !== 'receiver') {
        const size = sizeOf(this.env.typeOfBinding(loc.binding));
        if (size !== undefined && size > explicit) this.largeEdge(loc, size, explicit, 'MaxStackVarSize');
      } else if (loc.alloc && (loc.alloc.kind === 'new' || loc.alloc.kind === 'addrlit')) {
        const t = loc.alloc.kind === 'new' ? this.env.typeOfTypeNode(argsOf(loc.alloc.node)[0]) : this.env.typeOf(loc.alloc.node.type === 'unary_expression' ? loc.alloc.node.childForFieldName('operand') : loc.alloc.node);
        const size = sizeOf(t);
        if (size !== undefined && size > MAX_IMPLICIT_STACK_VAR_SIZE) this.largeEdge(loc, size, MAX_IMPLICIT_STACK_VAR_SIZE, 'MaxImplicitStackVarSize');
      } else if (loc.alloc?.kind === 'make' && !loc.alloc.constSize && this.options.toolchainMinor < 25) {
        // Before go1.25 HeapAllocReason returned "non-constant size" for every variable-size make.
        const text = `its size is not a constant, and toolchains before go1.25 heap-allocate every such make`;
        loc.alloc.large = text;
        this.heap.edges.push({ src: loc, derefs: -1, via: { text, node: loc.alloc.node }, how: 'large' });
      } else if (loc.alloc?.kind === 'make' && loc.alloc.constSize && loc.alloc.sizeArg) {
        const elem = elemOf(this.env.typeOfTypeNode(argsOf(loc.alloc.node)[0]));
        const es = sizeOf(elem);
        const count = this.env.constValue(loc.alloc.sizeArg);
        if (es && typeof count === 'bigint' && count * BigInt(es) > BigInt(MAX_IMPLICIT_STACK_VAR_SIZE)) {
          this.largeEdge(loc, Number(count) * es, MAX_IMPLICIT_STACK_VAR_SIZE, 'MaxImplicitStackVarSize');
        }
      }
    }
  }

  private largeEdge(loc: Loc, size: number, limit: number, name: string): void {
    const text = `${size} bytes is larger than ${name} (${limit} bytes, cmd/compile/internal/ir/cfg.go)`;
    if (loc.alloc) loc.alloc.large = text;
    this.heap.edges.push({ src: loc, derefs: -1, via: { text, node: loc.alloc?.node ?? loc.binding!.id }, how: 'large' });
    loc.addrtaken = true;
  }

  /** solve.go walkAll/walkOne: minimal dereferences from every root; addresses that reach a root outliving them escape. */
  private solve(): void {
    // Roots to walk: escaped locations first (they are the heap now), then everything else once.
    const urgent: Loc[] = [];
    const rest: Loc[] = [this.heap, ...this.locs.filter((l) => l !== this.heap)];
    let restAt = 0;
    const queued = new Set<Loc>(rest);
    const mayOutliveAnAddress = this.addressOutliving();
    let walkgen = 0;
    while (urgent.length > 0 || restAt < rest.length) {
      const root = urgent.length > 0 ? urgent.pop()! : rest[restAt++];
      if (!queued.has(root)) continue;
      queued.delete(root);
      if (!mayOutliveAnAddress(root)) continue;
      walkgen++;
      root.walkgen = walkgen;
      root.derefs = 0;
      root.dst = undefined;
      root.dstEdge = undefined;
      const queue: Loc[] = [root];
      let head = 0;
      root.queued = walkgen;
      while (head < queue.length) {
        const l = queue[head++];
        l.queued = 0;
        let derefs = l.derefs;
        if (derefs < 0) {
          derefs = 0;
          if (!l.escaped && l !== root && this.outlives(root, l)) {
            l.escaped = { root, steps: pathTo(l, root) };
            if (!queued.has(l)) {
              urgent.push(l);
              queued.add(l);
            }
            continue;
          }
        }
        for (const e of l.edges) {
          if (e.src.escaped) continue;
          const d = derefs + e.derefs;
          if (e.src.walkgen !== walkgen || e.src.derefs > d) {
            e.src.walkgen = walkgen;
            e.src.derefs = d;
            e.src.dst = l;
            e.src.dstEdge = e;
            if (e.src.queued !== walkgen) {
              e.src.queued = walkgen;
              queue.push(e.src);
            }
          }
        }
      }
    }
  }

  /**
   * Whether a walk from root can move anything to the heap: only where root outlives a location whose
   * address flows to it (outlives). A local outlives only such locations deeper in loops of its own
   * function, or in closures within it: the walks from every other one (the temporaries of a long loop
   * body, each reaching the whole body) made solving quadratic in the statements of a loop.
   */
  private addressOutliving(): (root: Loc) => boolean {
    const deepest = new Map<Fn, number>();
    const enclosingClosures = new Set<Fn>();
    for (const l of this.locs) {
      for (const e of l.edges) {
        const fn = e.derefs < 0 ? e.src.fn : undefined;
        if (!fn) continue;
        deepest.set(fn, Math.max(deepest.get(fn) ?? -1, e.src.depth));
        for (let f = fn.parent; f; f = f.parent) enclosingClosures.add(f);
      }
    }
    return (root) => root === this.heap || !!root.escaped || !!root.paramOut || (!!root.fn && ((deepest.get(root.fn) ?? -1) > root.depth || enclosingClosures.has(root.fn)));
  }

  private outlives(root: Loc, l: Loc): boolean {
    if (root === this.heap || root.escaped) return true;
    if (root.paramOut) {
      // A closure's results may hold its parent's variables without forcing them to the heap.
      if (root.fn && l.fn && root.fn !== l.fn && isAncestor(l.fn, root.fn)) return false;
      return true;
    }
    if (root.fn && root.fn === l.fn && root.depth < l.depth) return true;
    // A variable of an enclosing function outlives what a closure allocates, unless the closure is
    // inlined; only closures that certainly are not (they escape) are counted.
    if (root.fn && l.fn && root.fn !== l.fn && isAncestor(root.fn, l.fn) && l.fn.closureLoc?.escaped) return true;
    return false;
  }
}

// ---------------------------------------------------------------- helpers

/** The variable at the root of a field/index chain `x.f[i].g` (not through calls or dereferences). */
function storeRoot(e: Node): Node | undefined {
  let cur: Node | null = e;
  for (let i = 0; cur && i < 32; i++) {
    if (cur.type === 'identifier') return cur;
    if (cur.type === 'selector_expression' || cur.type === 'index_expression') cur = cur.childForFieldName('operand');
    else if (cur.type === 'parenthesized_expression') cur = cur.namedChild(0);
    else return undefined;
  }
  return undefined;
}

function pathTo(l: Loc, root: Loc): Edge[] {
  const steps: Edge[] = [];
  for (let cur: Loc | undefined = l; cur && cur !== root && steps.length < 64; cur = cur.dst) {
    if (cur.dstEdge) steps.push(cur.dstEdge);
  }
  return steps;
}

function isAncestor(a: Fn, b: Fn): boolean {
  for (let f = b.parent; f; f = f.parent) if (f === a) return true;
  return false;
}

function exprsOf(list: Node | null | undefined): Node[] {
  if (!list) return [];
  if (list.type !== 'expression_list') return [list];
  return list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function isTypeLike(n: Node): boolean {
  return n.type.endsWith('_type') || n.type === 'type_identifier' || n.type === 'qualified_type';
}

function isStringType(t: GoType): boolean {
  const u = under(t);
  return u.kind === 'basic' && u.name === 'string';
}

function namedType(t: GoType): GoType | undefined {
  if (t.kind === 'named') return t;
  if (t.kind === 'pointer' && t.elem.kind === 'named') return t.elem;
  return undefined;
}

/** A func literal that is a value of its own (passed, stored, returned), not called or bound to a local. */
function isStandaloneLiteral(lit: Node): boolean {
  let n = lit;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return true;
  if (p.type === 'call_expression' && p.childForFieldName('function')?.id === n.id) return false;
  if (p.type === 'expression_list' && (p.parent?.type === 'short_var_declaration' || p.parent?.type === 'var_spec') && p.parent.childForFieldName(p.parent.type === 'var_spec' ? 'value' : 'right')?.id === p.id) return false;
  return true;
}

function enclosingFunc(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (FUNC_TYPES.has(p.type)) return p;
  return undefined;
}

/** Compact expression text in gc's style: composite literal bodies as {...}, whitespace collapsed. */
export function gcExprText(n: Node): string {
  if (n.type === 'composite_literal') {
    const type = n.childForFieldName('type')?.text ?? '';
    return `${squeeze(type)}${hasElements(n.childForFieldName('body')) ? '{...}' : '{}'}`;
  }
  return short(n);
}

function short(n: Node | null | undefined): string {
  if (!n) return '';
  const t = squeeze(n.text);
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

function squeeze(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}


/**
 * A condition that may be a compile-time constant we cannot evaluate (a constant of another
 * package, or one declared differently under build tags): gc then drops one branch. A condition
 * with any certainly non-constant operand is not constant.
 */
function maybeConstantCondition(cond: Node | null, values: ValueFacts, scopes: DeclScopes): boolean {
  if (!cond) return false;
  // Fast path: a parameter, receiver, result or loop variable makes the condition non-constant.
  // Only direct operands count: unsafe.Sizeof(p) is a constant whatever p is.
  const direct = new Set(['binary_expression', 'unary_expression', 'parenthesized_expression']);
  for (const id of cond.descendantsOfType('identifier')) {
    if (!id || (id.id !== cond.id && !direct.has(id.parent?.type ?? ''))) continue;
    const b = scopes.bindingOf(id);
    if (b && b.scopeNode.type !== 'source_file' && b.kind !== 'var' && b.kind !== 'const') return false;
  }
  return values.constness(cond) !== 'nonconst';
}
