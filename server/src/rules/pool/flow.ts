// Every path through one function body, as sets of small states. Go's control flow is structured,
// so the walk follows the syntax: both branches of an if, every case of a switch (and none when there
// is no default), loop bodies until the states stop changing, break/continue to their (labelled)
// targets, return and the end of the body as exits. A path that ends in panic, os.Exit or log.Fatal
// is dropped, and so is one that jumps with goto (gohazard does not follow it).
//
// The client's step sees simple statements and the expressions a construct evaluates (conditions,
// range clauses, case values, communications) in execution order; states with equal keys are merged.
import type { Node } from 'web-tree-sitter';

export interface PathAnalysis<S> {
  step(state: S, node: Node): S;
  key(state: S): string;
  /** A path leaves the function at `at`: a return statement, or the body itself when it falls off the end. */
  exit(state: S, at: Node): void;
}

type States<S> = Map<string, S>;

interface Target<S> {
  kind: 'loop' | 'switch';
  label?: string;
  breaks: States<S>;
  continues?: States<S>;
}

const MAX_LOOP_PASSES = 8;
const CASE_TYPES = new Set(['expression_case', 'type_case', 'default_case', 'communication_case']);

export function walkPaths<S>(fn: Node, init: S, analysis: PathAnalysis<S>): void {
  const body = fn.childForFieldName('body');
  if (!body) return;
  const walker = new Walker(analysis);
  const end = walker.exec(body, walker.single(init));
  for (const s of end.values()) analysis.exit(s, body);
}

class Walker<S> {
  private readonly targets: Target<S>[] = [];

  constructor(private readonly a: PathAnalysis<S>) {}

  single(s: S): States<S> {
    return new Map([[this.a.key(s), s]]);
  }

  private step(states: States<S>, node: Node | null | undefined): States<S> {
    if (!node) return states;
    const out: States<S> = new Map();
    for (const s of states.values()) {
      const next = this.a.step(s, node);
      out.set(this.a.key(next), next);
    }
    return out;
  }

  private union(...all: States<S>[]): States<S> {
    const out: States<S> = new Map();
    for (const states of all) for (const [k, s] of states) out.set(k, s);
    return out;
  }

  exec(node: Node, states: States<S>, label?: string): States<S> {
    if (states.size === 0) return states;
    switch (node.type) {
      case 'block':
      case 'statement_list': {
        let s = states;
        for (const child of node.namedChildren) if (child) s = this.exec(child, s);
        return s;
      }
      case 'comment':
      case 'empty_statement':
      case 'fallthrough_statement':
        return states;
      case 'labeled_statement': {
        const stmt = node.namedChildren.find((c) => c && c.type !== 'label_name');
        return stmt ? this.exec(stmt, states, node.childForFieldName('label')?.text) : states;
      }
      case 'if_statement': {
        let s = this.step(states, node.childForFieldName('initializer'));
        s = this.step(s, node.childForFieldName('condition'));
        const consequence = node.childForFieldName('consequence');
        const alternative = node.childForFieldName('alternative');
        const then = consequence ? this.exec(consequence, s) : s;
        const otherwise = alternative ? this.exec(alternative, s) : s;
        return this.union(then, otherwise);
      }
      case 'for_statement':
        return this.loop(node, states, label);
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        return this.switchLike(node, states, label);
      case 'return_statement': {
        const s = this.step(states, node);
        for (const state of s.values()) this.a.exit(state, node);
        return new Map();
      }
      case 'break_statement': {
        const target = this.target(node, (t) => t.kind === 'loop' || t.kind === 'switch');
        if (target) for (const [k, s] of states) target.breaks.set(k, s);
        return new Map();
      }
      case 'continue_statement': {
        const target = this.target(node, (t) => t.kind === 'loop');
        if (target?.continues) for (const [k, s] of states) target.continues.set(k, s);
        return new Map();
      }
      case 'goto_statement':
        return new Map();
      case 'expression_statement': {
        const s = this.step(states, node);
        return endsProgram(node.namedChild(0)) ? new Map() : s;
      }
      default:
        return this.step(states, node);
    }
  }

  private target(stmt: Node, fits: (t: Target<S>) => boolean): Target<S> | undefined {
    const label = stmt.namedChildren.find((c) => c?.type === 'label_name')?.text;
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const t = this.targets[i];
      if (label ? t.label === label : fits(t)) return t;
    }
    return undefined;
  }

  private loop(node: Node, states: States<S>, label?: string): States<S> {
    const clause = node.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause') ?? undefined;
    const body = node.childForFieldName('body');
    let condition: Node | undefined;
    let update: Node | undefined;
    let head = states;
    if (clause?.type === 'for_clause') {
      head = this.step(head, clause.childForFieldName('initializer'));
      condition = clause.childForFieldName('condition') ?? undefined;
      update = clause.childForFieldName('update') ?? undefined;
    } else if (clause?.type === 'range_clause') {
      condition = clause;
    } else {
      // `for cond { … }`: the condition is the one named child besides the body.
      condition = node.namedChildren.find((c) => c && c.id !== body?.id && c.type !== 'comment') ?? undefined;
    }
    const target: Target<S> = { kind: 'loop', label, breaks: new Map(), continues: new Map() };
    this.targets.push(target);
    try {
      for (let pass = 0; pass < MAX_LOOP_PASSES; pass++) {
        const entered = this.step(head, condition);
        const end = body ? this.exec(body, entered) : entered;
        const next = this.union(head, this.step(this.union(end, target.continues!), update));
        if (next.size === head.size) {
          head = next;
          break;
        }
        head = next;
      }
    } finally {
      this.targets.pop();
    }
    // Without a condition (`for { … }`) the loop is left only by break (or return).
    const leaves = condition ? this.step(head, condition) : new Map<string, S>();
    return this.union(leaves, target.breaks);
  }

  private switchLike(node: Node, states: States<S>, label?: string): States<S> {
    let s = this.step(states, node.childForFieldName('initializer'));
    s = this.step(s, node.childForFieldName('value'));
    const target: Target<S> = { kind: 'switch', label, breaks: new Map() };
    this.targets.push(target);
    const outs: States<S>[] = [];
    let hasDefault = false;
    try {
      for (const clause of node.namedChildren) {
        if (!clause || !CASE_TYPES.has(clause.type)) continue;
        if (clause.type === 'default_case') hasDefault = true;
        let cs = s;
        cs = this.step(cs, clause.childForFieldName('value'));
        cs = this.step(cs, clause.childForFieldName('communication'));
        for (const child of clause.namedChildren) if (child?.type === 'statement_list') cs = this.exec(child, cs);
        outs.push(cs);
      }
    } finally {
      this.targets.pop();
    }
    // A switch without default may run no case; a select without default waits for one.
    if (!hasDefault && node.type !== 'select_statement') outs.push(s);
    return this.union(...outs, target.breaks);
  }
}

/** panic(…), os.Exit(…), log.Fatal…(…), t.Fatal…(…): the function does not return normally. */
function endsProgram(expr: Node | null): boolean {
  if (expr?.type !== 'call_expression') return false;
  const fn = expr.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text === 'panic';
  if (fn?.type !== 'selector_expression') return false;
  const method = fn.childForFieldName('field')?.text ?? '';
  const operand = fn.childForFieldName('operand')?.text;
  return (operand === 'os' && method === 'Exit') || (operand === 'log' && /^(Fatal|Panic)/.test(method)) || /^(Fatal|Fatalf|FailNow|SkipNow|Skip|Skipf)$/.test(method);
}
