// The escape graph's vocabulary, shared by its stages: building it from the syntax (model.ts), solving
// it, and turning what escapes into claims (claims.ts), as gc splits cmd/compile/internal/escape.
import type { Node } from 'web-tree-sitter';
import type { Binding } from '../../engine/scope';
import type { GoType } from './goTypes';
import type { PackageFacts } from './packageFacts';

export type EscapeRuleName = 'address-escapes' | 'interface-arg' | 'closure' | 'make-nonconst' | 'large-local' | 'slice-of-local-array' | 'append' | 'string-copy';

export interface ModelOptions {
  /** Language version of the file (go1.N): decides per-iteration loop variables. */
  goMinor: number;
  /** Toolchain assumed to compile the file (go1.N): decides stack buffers, inlining, limits. */
  toolchainMinor: number;
  /** Facts about the package's other files. */
  facts?: PackageFacts;
  /** Compute the function's escape tags (for package summaries) instead of claims. */
  summaryOnly?: boolean;
  /**
   * How messages name the line of another node: findings are cached per declaration and moved with
   * it, so the analyzer passes placeholders (RuleContext.lineOf); absolute 1-based lines otherwise.
   */
  lineOf?: (node: Node) => string;
}

/** One predicted `-gcflags=-m` heap report. */
export interface Claim {
  rule: EscapeRuleName;
  /** The node gc reports at. */
  node: Node;
  /** gc's own wording: "moved to heap: x", "&T{...} escapes to heap". */
  text: string;
  /** Why, as a chain: "its address is returned at line 42". */
  reason: string;
  /** The places the reason names that are not on the claim's line, for related information. */
  related: { node: Node; message: string }[];
  /** The allocation is the closure of a goroutine, or is kept by one: it must exist. */
  goroutine: boolean;
  /** The allocation happens once per iteration of a loop of its function. */
  inLoop: boolean;
  /** The claim depends on the toolchain version. */
  toolchainDependent: boolean;
  kind: ClaimKind;
}

/** What kind of -m record a claim predicts, for matching claims with compiler output. */
export type ClaimKind = 'moved' | 'closure' | 'append' | 'make' | 'new' | 'addr' | 'box';

export type AllocKind = 'addrlit' | 'new' | 'make' | 'makemap' | 'slicelit' | 'maplit' | 'closure' | 'box' | 'append' | 'inlined' | 'conv' | 'concat';
export type AddrHow = 'addr' | 'slice' | 'capture' | 'method' | 'large';

export interface Via {
  text: string;
  node: Node;
  /** Said after the position: "passed to w.Write on this line (an interface method: …)". */
  note?: string;
}

export interface Edge {
  src: Loc;
  derefs: number;
  via?: Via;
  how?: AddrHow;
}

export interface Alloc {
  kind: AllocKind;
  node: Node;
  text: string;
  /** Set when a claim about this allocation would be justified (e.g. boxing certainly allocates). */
  claimable: boolean;
  /** Why it is too large for the stack, when it is. */
  large?: string;
  constSize?: boolean;
  sizeArg?: Node;
  inlineNote?: string;
}

export interface Fn {
  node: Node;
  parent?: Fn;
  /** Compiled as a function of its own (not possibly inlined into its parent). */
  standalone: boolean;
  results: Loc[];
  resultTypes: GoType[];
  /** For a directly called literal: where its results flow. */
  callHoles?: Hole[];
  closureLoc?: Loc;
}

/** Where a value flows to while the graph is built: a location, with dereferences and the reason. */
export interface Hole {
  dst: Loc | undefined;
  derefs: number;
  via?: Via;
  how?: AddrHow;
}

export interface Loc {
  id: number;
  kind: 'heap' | 'var' | 'result' | 'alloc' | 'temp';
  fn: Fn | undefined;
  depth: number;
  edges: Edge[];
  binding?: Binding;
  alloc?: Alloc;
  paramOut?: boolean;
  reassigned?: boolean;
  addrtaken?: boolean;
  captured?: boolean;
  escaped?: { root: Loc; steps: Edge[] };
  walkgen: number;
  derefs: number;
  dst?: Loc;
  dstEdge?: Edge;
  queued: number;
}


const FUNC_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The body of the innermost loop of the same function that contains a node. */
export function loopBodyOf(node: Node): Node | undefined {
  let child = node;
  for (let p = node.parent; p; p = p.parent) {
    if (FUNC_TYPES.has(p.type)) return undefined;
    if (p.type === 'for_statement') {
      const body = p.childForFieldName('body');
      if (body && body.id === child.id) return body;
    }
    child = p;
  }
  return undefined;
}

/** Whether a composite literal's body has elements. */
export function hasElements(body: Node | null): boolean {
  return !!body && body.namedChildren.some((c) => c && c.type !== 'comment');
}
