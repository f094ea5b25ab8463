// Does a value made in a loop iteration (a func literal, or the address of a loop variable) outlive
// that iteration? It does when it is started as a goroutine, deferred to the end of the function, handed
// to an API that runs it asynchronously, or stored where the next iteration can still reach it: in a
// variable declared outside the loop body (directly, appended, inside a composite literal, through a
// body-local variable that then leaves), or sent on a channel. Everything else is assumed to end with the
// iteration: immediately invoked literals, arguments of ordinary calls (sort.Slice, strings.Map, …), and
// `return`, which ends the loop itself.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes } from '../../engine/scope';
import { sameFunction } from './loops';
import { goroutineJoined, groupJoined, handshakeAfterUses, joinedAfterUses } from './joins';
import { replacedWithinIteration } from './replacement';
import { leavesLoop } from '../../engine/policy/heat';
import { rootIdentifier, within } from '../../engine/syntax';

export interface Lifetime {
  /** Why the value outlives the iteration, e.g. "started with go". */
  how: string;
  /** For parallel subtests: only what runs after this statement outlives the iteration. */
  after?: Node;
  /**
   * The object a goroutine and the rest of the iteration share, as a test that waits for the goroutine
   * does (joins.ts handshakeAfterUses). Asked only of test code: it searches the rest of the iteration.
   */
  handshake?: () => string | undefined;
}

const MAX_FOLLOW = 3;

export class LifetimeAnalysis {
  constructor(
    private readonly scopes: DeclScopes,
    /** The body of the loop whose iteration the value must not outlive. */
    private readonly body: Node,
    private readonly loop: Node,
  ) {}

  /** How a func literal inside the loop body may run after the iteration ends. */
  ofFuncLiteral(lit: Node): Lifetime | undefined {
    // Made in the loop's last iteration (break, return follow): the variable never changes again.
    if (leavesLoop(lit, this.loop)) return undefined;
    const parent = lit.parent;
    if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === lit.id) return this.ofCall(parent, lit);
    if (parent?.type === 'argument_list') {
      const call = parent.parent;
      const callee = call?.childForFieldName('function');
      if (call && callee?.type === 'selector_expression') {
        const method = callee.childForFieldName('field')?.text;
        const receiver = callee.childForFieldName('operand')?.text ?? '';
        // time.AfterFunc(d, f), context.AfterFunc(ctx, f): f runs later, in a goroutine of its own.
        if (method === 'AfterFunc' && (receiver === 'time' || receiver === 'context') && parent.namedChildren[1]?.id === lit.id) {
          return { how: `passed to ${receiver}.AfterFunc, which runs it later in its own goroutine` };
        }
        if (method === 'Go' || method === 'TryGo') return groupJoined(call, receiver, this.body) ? undefined : { how: `passed to ${receiver}.${method}, which runs it in a new goroutine` };
        if (method === 'Run' && parent.namedChildren[1]?.id === lit.id) {
          const parallel = parallelCall(lit);
          // A subtest of a subtest: the outer t.Run, called in the iteration, returns only when its
          // parallel subtests have ended.
          return parallel && !this.insideSubtest(call) ? { how: `run as a parallel subtest by ${receiver}.Run`, after: parallel } : undefined;
        }
      }
    }
    return this.ofValue(lit, 0);
  }

  private isLoopVariable(b: Binding): boolean {
    const header = this.loop.namedChildren.find((c) => c?.type === 'range_clause' || c?.type === 'for_clause');
    return !!header && within(header, b.id);
  }

  /** References to the loop's own variables inside a literal. */
  private loopVariableUses(literal: Node): Node[] {
    return literal.descendantsOfType('identifier').filter((id): id is Node => {
      const b = id ? this.scopes.bindingOf(id) : undefined;
      return !!b && b.id.id !== id!.id && this.isLoopVariable(b);
    });
  }

  /** The call lies in the literal of a `.Run(name, func…)` made in the loop body (a subtest that is not parallel at this level). */
  private insideSubtest(call: Node): boolean {
    for (let p = call.parent; p && p.id !== this.body.id; p = p.parent) {
      if (p.type !== 'func_literal' || p.parent?.type !== 'argument_list') continue;
      const outer = p.parent.parent;
      const fn = outer?.childForFieldName('function');
      if (fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Run' && p.parent.namedChildren[1]?.id === p.id && !parallelCall(p)) return true;
    }
    return false;
  }

  /** How the address `&v` (or `&v.f`) may be used after the iteration ends. */
  ofAddress(addr: Node): Lifetime | undefined {
    if (leavesLoop(addr, this.loop)) return undefined;
    return this.ofValue(addr, 0);
  }

  /**
   * A call of something made in the iteration: `go f()` and a `defer f()` of the loop's own function
   * outlive it, unless the iteration waits for the goroutine before it ends.
   */
  private ofCall(call: Node, literal?: Node): Lifetime | undefined {
    const stmt = call.parent;
    if (stmt?.type === 'go_statement') {
      if (!literal) return { how: 'started with go' };
      const uses = this.loopVariableUses(literal);
      if (goroutineJoined(stmt, literal, this.body) || joinedAfterUses(stmt, literal, this.body, uses)) return undefined;
      return { how: 'started with go', handshake: () => handshakeAfterUses(stmt, literal, this.body, uses, this.scopes) };
    }
    if (stmt?.type === 'defer_statement' && sameFunction(stmt, this.loop)) return { how: 'deferred until the function returns' };
    return undefined;
  }

  /** Follows where a value flows until it is stored beyond the iteration or dropped. */
  private ofValue(start: Node, depth: number): Lifetime | undefined {
    if (depth > MAX_FOLLOW) return undefined;
    let node = start;
    for (;;) {
      const p = node.parent;
      if (!p || p.id === this.body.id) return undefined;
      switch (p.type) {
        case 'parenthesized_expression':
        case 'literal_element':
        case 'keyed_element':
        case 'literal_value':
        case 'composite_literal':
        case 'expression_list':
          node = p;
          continue;
        case 'unary_expression':
          if (p.childForFieldName('operator')?.text !== '&') return undefined;
          node = p;
          continue;
        case 'argument_list': {
          const call = p.parent;
          const callee = call?.childForFieldName('function');
          if (!call) return undefined;
          if (callee?.type === 'identifier' && callee.text === 'append' && !this.scopes.bindingOf(callee)) {
            node = call;
            continue;
          }
          const stmt = call.parent;
          if (stmt?.type === 'go_statement') return { how: 'passed to a function started with go' };
          if (stmt?.type === 'defer_statement' && sameFunction(stmt, this.loop)) return { how: 'passed to a call deferred until the function returns' };
          return undefined;
        }
        case 'assignment_statement':
          return p.childForFieldName('right') && within(p.childForFieldName('right')!, node) ? this.ofTargets(p.childForFieldName('left'), depth, undefined, p) : undefined;
        case 'short_var_declaration':
          return within(p.childForFieldName('right') ?? p, node) && p.childForFieldName('right') ? this.ofTargets(p.childForFieldName('left'), depth) : undefined;
        case 'var_spec':
          return this.ofTargets(p, depth, p.childrenForFieldName('name'));
        case 'send_statement':
          return p.childForFieldName('value')?.id === node.id ? { how: 'sent on a channel' } : undefined;
        case 'return_statement':
          return this.ofReturn(p, depth);
        default:
          return undefined;
      }
    }
  }

  /** A value assigned to targets outlives the iteration if one of them lives outside the loop body. */
  private ofTargets(left: Node | null, depth: number, ids?: (Node | null)[], store?: Node): Lifetime | undefined {
    const targets = ids ?? left?.namedChildren ?? [];
    for (const target of targets) {
      if (!target) continue;
      const root = rootIdentifier(target);
      if (!root || root.text === '_') continue;
      const binding = this.scopes.bindingOf(root);
      // Stored in the loop variable itself (`tc.opts.Hook = func…`): the next iteration overwrites it.
      if (binding && this.isLoopVariable(binding)) continue;
      if (!binding || !within(this.body, binding.scopeNode)) {
        if (store && replacedWithinIteration(store, target, this.body)) continue;
        return { how: `stored in ${target.text}, which outlives the iteration` };
      }
      const viaLocal = this.ofLocal(binding, depth + 1);
      if (viaLocal) return { how: `${viaLocal.how} (through ${binding.name})` };
    }
    return undefined;
  }

  /** A body-local variable holding the value: does any of its uses let the value out? */
  private ofLocal(local: Binding, depth: number): Lifetime | undefined {
    for (const ref of local.refs) {
      const parent = ref.parent;
      if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === ref.id) {
        const call = this.ofCall(parent);
        if (call) return call;
        continue;
      }
      if (isAssignedTo(ref)) continue;
      const flow = this.ofValue(ref, depth);
      if (flow) return flow;
    }
    return undefined;
  }

  /**
   * `return` ends the loop when it returns from the loop's own function. A return from a func literal
   * inside the loop hands the value to whoever calls that literal.
   */
  private ofReturn(ret: Node, depth: number): Lifetime | undefined {
    if (sameFunction(ret, this.loop)) return undefined;
    let fn: Node | null = ret.parent;
    while (fn && fn.type !== 'func_literal') fn = fn.parent;
    if (!fn || !within(this.body, fn)) return undefined;
    const parent = fn.parent;
    if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === fn.id) return this.ofValue(parent, depth + 1);
    if (parent?.type === 'expression_list' && parent.parent?.type === 'short_var_declaration') {
      const index = parent.namedChildren.findIndex((c) => c?.id === fn!.id);
      const id = parent.parent.childForFieldName('left')?.namedChildren[index];
      const local = id && this.scopes.bindingOf(id);
      if (!local) return undefined;
      for (const ref of local.refs) {
        const call = ref.parent;
        if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === ref.id) {
          const flow = this.ofValue(call, depth + 1);
          if (flow) return flow;
        }
      }
    }
    return undefined;
  }
}

function isAssignedTo(ref: Node): boolean {
  const list = ref.parent;
  return list?.type === 'expression_list' && (list.parent?.type === 'assignment_statement' || list.parent?.type === 'short_var_declaration') && list.parent.childForFieldName('left')?.id === list.id;
}

/** The `t.Parallel()` statement at the top level of a subtest literal whose first parameter is t. */
function parallelCall(lit: Node): Node | undefined {
  const params = lit.childForFieldName('parameters');
  const t = params?.namedChildren[0]?.childForFieldName('name')?.text;
  const body = lit.childForFieldName('body');
  if (!t || !body) return undefined;
  const statements = body.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren ?? [];
  return statements.find((s) => s?.type === 'expression_statement' && /^\s*(\w+)\.Parallel\(\s*\)$/.exec(s.text)?.[1] === t) ?? undefined;
}
