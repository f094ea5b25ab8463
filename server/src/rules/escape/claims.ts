// The last stage of the escape model: what escapes, worded as gc's -m output words it, with the
// chain that explains why. Places the chain names on other lines are said by their line and given
// as related locations, so an editor can jump to them.
import type { Node } from 'web-tree-sitter';
import type { Alloc, Claim, EscapeRuleName, ClaimKind, Loc, ModelOptions } from './graph';
import { hasElements, loopBodyOf } from './graph';

/** What the claims stage reads of a solved graph. */
export interface SolvedGraph {
  decl: Node;
  locs: readonly Loc[];
  heap: Loc;
  options: ModelOptions;
  /** Possibly dead code, or the body of a range-over-func loop: no claims there. */
  isUncertain(node: Node): boolean;
}

export function collectClaims(graph: SolvedGraph): Claim[] {
  const claims = new ClaimWriter(graph);
  for (const loc of graph.locs) {
    if (!loc.escaped) continue;
    if (loc.kind === 'var' && loc.binding) claims.variable(loc);
    else if (loc.alloc?.claimable) claims.alloc(loc, loc.alloc);
  }
  return claims.out;
}

/** The chain of one claim: its sentence and the related places it names. */
interface Chain {
  related: { node: Node; message: string }[];
}

class ClaimWriter {
  readonly out: Claim[] = [];
  private readonly lineOf: (node: Node) => string;

  constructor(private readonly g: SolvedGraph) {
    this.lineOf = g.options.lineOf ?? ((n) => String(n.startPosition.row + 1));
  }

  /** " at line 42" for a node on another line than `from`, nothing on the same line. */
  private at(target: Node, from: Node, chain: Chain, what: string): string {
    if (target.startPosition.row === from.startPosition.row) return '';
    chain.related.push({ node: target, message: what });
    return ` at line ${this.lineOf(target)}`;
  }

  /** Text the parser could not make sense of (code being typed) yields no claims. */
  private inBrokenCode(node: Node): boolean {
    for (let p: Node | null = node; p && p.id !== this.g.decl.id; p = p.parent) if (p.type === 'ERROR' || p.isMissing) return true;
    return false;
  }

  variable(loc: Loc): void {
    const b = loc.binding!;
    const first = loc.escaped!.steps[0];
    const how = first?.how ?? 'addr';
    const rule: EscapeRuleName = how === 'slice' ? 'slice-of-local-array' : how === 'capture' ? 'closure' : how === 'large' ? 'large-local' : 'address-escapes';
    if ((this.g.isUncertain(b.id) && how !== 'large') || this.inBrokenCode(b.id)) return;
    const header = b.kind === 'range' ? b.declarator.parent : b.kind === 'for' ? b.declarator.parent?.parent : undefined;
    const inLoop = header ? this.g.options.goMinor >= 22 || !!loopBodyOf(header) : !!loopBodyOf(b.id);
    const chain: Chain = { related: [] };
    let reason: string;
    const root = loc.escaped!.root;
    const at = b.id;
    if (how === 'large') reason = first.via?.text ?? 'too large for the stack';
    else if (how === 'slice') reason = `a slice of it is ${this.describe(loc, at, chain)}`;
    else if (how === 'capture' && root.alloc?.kind === 'closure' && root.escaped) {
      reason = `captured by reference (it is reassigned or its address is taken) by the func literal${this.at(root.alloc.node, at, chain, 'the func literal that captures it')}, which escapes: ${this.describe(root, at, chain, 1)}`;
    } else if (how === 'capture') reason = `captured by reference by a func literal that is ${this.describe(loc, at, chain)}`;
    else if (how === 'method') reason = `its address (a pointer-receiver method call) is ${this.describe(loc, at, chain)}`;
    else reason = `its address is ${this.describe(loc, at, chain)}`;
    this.push({ rule, node: b.id, text: `moved to heap: ${b.name}`, reason, inLoop, toolchainDependent: how === 'large', kind: 'moved', related: chain.related, goroutine: keptByGoroutine(root) });
  }

  alloc(loc: Loc, a: Alloc): void {
    if ((this.g.isUncertain(a.node) && !a.large) || this.inBrokenCode(a.node)) return;
    const inLoop = !!loopBodyOf(a.node);
    let rule: EscapeRuleName;
    let kind: ClaimKind;
    let toolchainDependent = false;
    const at = reportNode(a.node);
    const chain: Chain = { related: [] };
    let reason = a.large && loc.escaped!.steps[0]?.how === 'large' ? a.large : this.describe(loc, at, chain);
    switch (a.kind) {
      case 'addrlit':
        rule = a.large ? 'large-local' : 'address-escapes';
        kind = 'addr';
        break;
      case 'new':
        rule = a.large ? 'large-local' : 'address-escapes';
        kind = 'new';
        break;
      case 'inlined':
        rule = 'address-escapes';
        kind = 'addr';
        reason = `${a.inlineNote}; the result is ${reason}`;
        toolchainDependent = true;
        break;
      case 'make':
        if (a.large && !a.constSize) {
          rule = 'make-nonconst';
          toolchainDependent = true;
        } else if (a.large) {
          rule = 'large-local';
        } else if (!a.constSize) {
          rule = 'make-nonconst';
          toolchainDependent = true;
          reason += `; a make that does not escape would get a 32-byte stack buffer (go1.25+)`;
        } else return;
        kind = 'make';
        break;
      case 'box':
        rule = 'interface-arg';
        kind = 'box';
        break;
      case 'closure':
        rule = 'closure';
        kind = 'closure';
        break;
      case 'append':
        if (this.g.options.toolchainMinor < 26) return;
        rule = 'append';
        kind = 'append';
        toolchainDependent = true;
        reason = a.inlineNote
          ? `${a.inlineNote}; ${reason}, so the buffer it grows is heap-allocated`
          : `its result is ${reason}, so the backing store it grows is heap-allocated (go1.26+ keeps non-escaping append buffers on the stack)`;
        break;
      case 'slicelit':
        // A literal without elements has a zero-size backing array: nothing is allocated.
        if (a.node.type === 'composite_literal' && !hasElements(a.node.childForFieldName('body'))) return;
        rule = 'address-escapes';
        kind = 'box';
        reason = `its backing array is ${reason}`;
        break;
      case 'maplit':
        rule = 'address-escapes';
        kind = 'box';
        reason = `its map is ${reason}`;
        break;
      case 'makemap':
        rule = 'address-escapes';
        kind = 'make';
        break;
      case 'conv':
      case 'concat':
        rule = 'string-copy';
        kind = 'box';
        reason = `the ${a.kind === 'concat' ? 'concatenated string' : 'copy'} is ${reason}, so its bytes are heap-allocated (a copy that does not escape uses a 32-byte stack buffer)`;
        break;
      default:
        return;
    }
    if (a.kind === 'closure' && this.g.isUncertain(a.node)) return;
    if (a.inlineNote && a.kind !== 'inlined' && a.kind !== 'append') reason = `${a.inlineNote}; ${reason}`;
    const goroutine = (a.kind === 'closure' && startedWithGo(a.node)) || keptByGoroutine(loc.escaped!.root);
    this.push({ rule, node: at, text: `${a.text} escapes to heap`, reason, inLoop, toolchainDependent, kind, related: chain.related, goroutine });
  }

  private push(claim: Claim): void {
    // The same place named twice by one chain (a variable stored and then returned) is related once.
    const seen = new Set<number>();
    claim.related = claim.related.filter((r) => !seen.has(r.node.id) && seen.add(r.node.id));
    this.out.push(claim);
  }

  /** The chain from an escaping location to what it escapes to; places on other lines than `from` go to chain.related. */
  private describe(loc: Loc, from: Node, chain: Chain, depth = 0): string {
    const esc = loc.escaped!;
    const names: string[] = [];
    for (const step of esc.steps.slice(1)) {
      const l = step.src;
      if (l.kind === 'var' && l.binding && !names.includes(l.binding.name)) names.push(l.binding.name);
    }
    const last = esc.steps[esc.steps.length - 1];
    const root = esc.root;
    const via = (fallback: string) => (last?.via ? `${last.via.text}${this.at(last.via.node, from, chain, last.via.text)}${last.via.note ? ` (${last.via.note})` : ''}` : fallback);
    let sink: string;
    if (root === this.g.heap) sink = via('stored on the heap');
    else if (root.paramOut) sink = via('returned');
    else if (root.escaped && root.alloc?.kind === 'closure') {
      sink = `captured by the func literal${this.at(root.alloc.node, from, chain, 'the func literal that captures it')}, which escapes${depth < 1 ? ` (${this.describe(root, from, chain, depth + 1)})` : ''}`;
    } else if (root.escaped && root.alloc) {
      sink = `stored in ${root.alloc.text}${this.at(root.alloc.node, from, chain, `${root.alloc.text}, which escapes`)}, which escapes${depth < 1 ? ` (${this.describe(root, from, chain, depth + 1)})` : ''}`;
    } else if (root.escaped && root.binding) {
      sink = `stored in ${root.binding.name}, which is moved to the heap`;
    } else if (root.binding) {
      sink = `${via(`assigned to ${root.binding.name}`)}, and ${root.binding.name} is declared outside the loop, so it outlives the iteration`;
    } else sink = 'kept beyond its stack frame';
    const through = names.filter((n) => !(root.binding && n === root.binding.name));
    return through.length > 0 ? `${sink} (via ${through.slice(0, 3).join(', ')})` : sink;
  }
}

function startedWithGo(lit: Node): boolean {
  return lit.parent?.type === 'call_expression' && lit.parent.parent?.type === 'go_statement';
}

/** What escapes into a closure started with go is kept by the goroutine, which must exist. */
function keptByGoroutine(root: Loc): boolean {
  return root.alloc?.kind === 'closure' && startedWithGo(root.alloc.node);
}

/**
 * Where gc reports an allocation: the last operator of a concatenation, the `{` of a composite
 * literal, the `(` of a call, the operand of a conversion. Reported as the whole expression
 * when that starts on the same line.
 */
function reportNode(n: Node): Node {
  let at: Node | null = n;
  switch (n.type) {
    case 'binary_expression':
      at = n.childForFieldName('operator');
      break;
    case 'composite_literal':
      at = n.childForFieldName('body');
      break;
    case 'call_expression': {
      const args = n.childForFieldName('arguments');
      const fn = n.childForFieldName('function');
      // string(b): the operand; other calls: the parenthesis.
      at = fn?.type === 'identifier' && fn.text === 'string' && args?.namedChild(0) ? args.namedChild(0) : args;
      break;
    }
    case 'type_conversion_expression':
      at = n.childForFieldName('operand');
      break;
    case 'selector_expression':
      at = n.childForFieldName('field');
      break;
  }
  if (!at || at.startPosition.row === n.startPosition.row) return n;
  return at;
}
