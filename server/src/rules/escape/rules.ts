// The escape/ rules: each reports the predicted heap allocations of one kind, as `go build
// -gcflags=-m` words them, followed by the reason chain. One escape model per declaration serves
// all of them. Which claims become diagnostics is the policy's decision (engine/policy): by default
// those in hot code; with gohazard.escape.scope `loops` every claim inside a loop, with `all` every one.
import type { Node, QueryMatch } from 'web-tree-sitter';
import { DECLARATIONS_QUERY, FileFacts, Report, Rule, RuleContext } from '../../engine/rule';
import type { SourceText } from '../../engine/sourceText';
import { escapeScopeOf } from '../../engine/config';
import { toolchainNote } from '../../toolchain/facts';
import type { RuleExample } from '../../engine/types';
import { escapeIndexer } from './indexer';
import { Claim, EscapeModel, EscapeRuleName } from './model';
import { packageFactsOf } from './packageFacts';

// One analysis of a document hands every rule the same FileFacts and SourceText objects, so models
// are shared per (facts, text, declaration) and dropped with them. The analyzer runs every rule on one
// declaration before the next, so only the current declaration's model is kept: keeping them all held
// every model of a file until its analysis ended (80 MB on ssa/rewriteAMD64.go, a scan's peak).
const models = new WeakMap<FileFacts, WeakMap<SourceText, Map<string, EscapeModel>>>();

/** The escape model of the declaration being checked, shared by every escape/ rule. */
export function modelFor(ctx: RuleContext): EscapeModel {
  let byText = models.get(ctx.file);
  if (!byText) {
    byText = new WeakMap();
    models.set(ctx.file, byText);
  }
  let byDecl = byText.get(ctx.source);
  if (!byDecl) {
    byDecl = new Map();
    byText.set(ctx.source, byDecl);
  }
  const key = `${ctx.decl.startIndex}:${ctx.decl.endIndex}`;
  let model = byDecl.get(key);
  if (!model) {
    byDecl.clear();
    const facts = packageFactsOf(ctx.file.package);
    model = new EscapeModel(ctx.decl, ctx.scopes(), ctx.pkg, { goMinor: ctx.file.goMinor, toolchainMinor: ctx.file.toolchainMinor, facts, lineOf: ctx.lineOf });
    byDecl.set(key, model);
  }
  return model;
}

/**
 * The claim as a report: gc's words and the chain in the message, the places the chain names and,
 * for claims that depend on the compiler's version, the toolchain they were predicted for as
 * related information (not at the end of every message).
 */
export function claimReport(claim: Claim, file: FileFacts): Report {
  const related = [...claim.related];
  if (claim.toolchainDependent) related.push({ node: claim.node, message: `predicted for ${toolchainNote(file.toolchainStatus, file.toolchainMinor)}` });
  return {
    node: claim.node,
    message: `${claim.text} — ${claim.reason}`,
    related,
    cold: claim.goroutine ? 'goroutine' : undefined,
    subject: claim.rule === 'interface-arg' ? boxingCall(claim.node) : undefined,
    // A literal, a make, a conversion can be made once before a loop; boxing an argument, a variable moved to the heap or a growing append cannot.
    hoistable: claim.rule !== 'interface-arg' && claim.kind !== 'moved' && claim.kind !== 'append',
  };
}

/** Values boxed for one call are one problem: the call's arguments are the claims' subject. */
function boxingCall(node: Node): Node[] | undefined {
  const args = node.parent;
  return args?.type === 'argument_list' && args.parent?.type === 'call_expression' ? [args.parent] : undefined;
}

const LOOP = /\bfor\b/;

function escapeRule(name: EscapeRuleName, summary: string, help: string, example: RuleExample, kind: 'cost' | 'fact' = 'cost'): Rule {
  return {
    id: `escape/${name}`,
    summary,
    help,
    defaultSeverity: 'info',
    kind,
    example,
    // The model of a declaration yields every rule's claims: one match per declaration, shared by the
    // family (a match per call, literal or conversion cost more to marshal than the rules took).
    query: DECLARATIONS_QUERY,
    check(ctx: RuleContext, matches: QueryMatch[]) {
      if (matches.length === 0) return;
      const loopsOnly = escapeScopeOf(ctx.config) === 'loops';
      // Claims in loops are about allocations inside a for body: without one, modelling the
      // declaration (the largest cost of a scan) cannot yield a claim worth reporting.
      if (loopsOnly && !LOOP.test(ctx.source.text.slice(ctx.decl.startIndex, ctx.decl.endIndex))) return;
      for (const claim of modelFor(ctx).claims) {
        if (claim.rule !== name || (loopsOnly && !claim.inLoop)) continue;
        ctx.report(claimReport(claim, ctx.file));
      }
    },
  };
}

export const addressEscapes: Rule = escapeRule(
  'address-escapes',
  'The address of a local variable or literal outlives its function or loop iteration, so gc allocates it on the heap.',
  'gc moves a variable to the heap ("moved to heap: x") when its address is returned, stored in a package-level variable, in a field or element of something on the heap, sent on a channel, appended to a slice, passed to a goroutine or to a function known to keep it (fmt, errors.As, json.Unmarshal, …), or kept in a variable declared outside the loop it is created in. `&T{…}` and `new(T)` escape the same way. Small inlined constructors (errors.New, and fmt.Errorf since go1.26) allocate at the call site. Passing `&x` to a function that does not keep it is fine and is not reported.',
  {
    hazard: `package example

type point struct{ x, y int }

func diagonal(n int) []*point {
	out := make([]*point, 0, n)
	for i := 0; i < n; i++ {
		p := point{i, i}
		out = append(out, &p)
	}
	return out
}
`,
    fix: `package example

type point struct{ x, y int }

func diagonal(n int) []point {
	out := make([]point, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, point{i, i})
	}
	return out
}
`,
  },
);

export const interfaceArg = escapeRule(
  'interface-arg',
  'A non-constant, non-pointer value is converted to an interface that escapes (fmt, log, sort.Slice, sync.Pool.Put, …), so it is boxed on the heap.',
  'Converting a value to an interface stores it in a heap cell (runtime.convT*) unless it is pointer-shaped (pointers, maps, channels, funcs), a constant, a never-reassigned local holding a constant, a bool or 1-byte integer, or zero-sized. gc reports "x escapes to heap" when the interface itself escapes: arguments of fmt and log printing functions, sort.Slice, sync.Pool.Put, atomic.Value.Store, json.Marshal, panic, or an interface-typed result or variable. Only values whose type is certain from the source are reported.',
  {
    hazard: `package example

import "fmt"

func printAll(xs []int) {
	for _, x := range xs {
		fmt.Println(x)
	}
}
`,
    fix: `package example

import (
	"os"
	"strconv"
)

func printAll(xs []int) {
	buf := make([]byte, 0, 32)
	for _, x := range xs {
		buf = strconv.AppendInt(buf[:0], int64(x), 10)
		buf = append(buf, '\\n')
		os.Stdout.Write(buf)
	}
}
`,
  },
);

export const closure = escapeRule(
  'closure',
  'A func literal that captures variables escapes (started with go, returned, stored), so its closure and the variables it captures by reference are heap-allocated.',
  'A func literal started with `go`, returned, stored in a field, map, slice or package-level variable, or passed to a function that keeps it (time.AfterFunc) is allocated on the heap ("func literal escapes to heap"). Each variable it captures by reference (one that is reassigned or has its address taken, or is larger than 128 bytes) moves to the heap too. A literal that captures nothing is a static value and is not reported; literals called directly or passed to a function that does not keep them (sort.Slice) stay on the stack.',
  {
    hazard: `package example

func doubleAll(xs []int, results chan<- int) {
	for _, x := range xs {
		go func() { results <- 2 * x }()
	}
}
`,
    fix: `package example

func doubleAll(xs []int, results chan<- int) {
	for _, x := range xs {
		go double(x, results)
	}
}

func double(x int, results chan<- int) {
	results <- 2 * x
}
`,
  },
);

export const makeNonconst = escapeRule(
  'make-nonconst',
  'A make with a non-constant size whose result escapes is heap-allocated.',
  'A slice made with a size that is not a compile-time constant is heap-allocated when it escapes (returned, stored, sent, passed to an interface method or a function that keeps it). Since go1.25 a variable-size make that does not escape gets a 32-byte stack buffer (larger sizes still call runtime.makeslice); before go1.25 every variable-size make was a heap allocation. A size held in a never-reassigned local constant counts as constant.',
  {
    hazard: `package example

import "io"

func readChunks(r io.Reader, sizes []int) error {
	for _, n := range sizes {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
	}
	return nil
}
`,
    fix: `package example

import (
	"io"
	"slices"
)

func readChunks(r io.Reader, sizes []int) error {
	buf := make([]byte, slices.Max(sizes))
	for _, n := range sizes {
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return err
		}
	}
	return nil
}
`,
  },
);

export const largeLocal = escapeRule(
  'large-local',
  'A local is larger than the compiler\'s stack limits and is heap-allocated even though it does not escape.',
  'gc keeps explicit variables (`var x T`, `x := T{…}`) on the stack up to MaxStackVarSize (128 KiB since go1.22, 10 MiB before) and implicit allocations (`new(T)`, `&T{}`, `make([]T, n)` with constant n) up to MaxImplicitStackVarSize (64 KiB); anything strictly larger is heap-allocated (cmd/compile/internal/ir/cfg.go, escape/utils.go HeapAllocReason). Sizes are computed for 64-bit targets from types declared in the file.',
  {
    hazard: `package example

func checksum(blocks [][]byte) (sum uint64) {
	for _, block := range blocks {
		var scratch [200 << 10]byte
		n := copy(scratch[:], block)
		for _, b := range scratch[:n] {
			sum += uint64(b)
		}
	}
	return sum
}
`,
    fix: `package example

func checksum(blocks [][]byte) (sum uint64) {
	scratch := make([]byte, 200<<10)
	for _, block := range blocks {
		n := copy(scratch, block)
		for _, b := range scratch[:n] {
			sum += uint64(b)
		}
	}
	return sum
}
`,
  },
);

export const sliceOfLocalArray = escapeRule(
  'slice-of-local-array',
  'A slice of a local array escapes, so the whole array is moved to the heap.',
  'Slicing a local array (`arr[:]`, `buf[:0]`) takes its address. When the slice escapes (returned, stored, appended, sent, passed to an interface method such as io.Writer.Write or hash.Hash.Write, or returned from strconv.AppendInt), gc moves the whole array to the heap ("moved to heap: arr").',
  {
    hazard: `package example

import "io"

func writeAll(w io.Writer, parts []string) {
	for _, p := range parts {
		var buf [64]byte
		n := copy(buf[:], p)
		w.Write(buf[:n])
	}
}
`,
    fix: `package example

import "io"

func writeAll(w io.Writer, parts []string) {
	buf := make([]byte, 64)
	for _, p := range parts {
		n := copy(buf, p)
		w.Write(buf[:n])
	}
}
`,
  },
);

export const appendEscapes = escapeRule(
  'append',
  'An append whose result escapes grows its backing store on the heap (go1.26+ reports every append).',
  'Since go1.26 escape analysis gives each append a location: when its result escapes (returned, stored through a pointer or in a package-level variable, passed to a function that keeps it) gc reports "append escapes to heap" and the backing store is heap-allocated; otherwise it starts in a 32-byte stack buffer. Earlier toolchains always grow appends on the heap and report nothing, so the rule applies from go1.26.',
  {
    hazard: `package example

func squares(n int) []int {
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, i*i)
	}
	return out
}
`,
    fix: `package example

func squares(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i * i
	}
	return out
}
`,
  },
  // An escaping append allocates only when it grows: a fact of the allocations view, not a cost each time.
  'fact',
);

// The package summaries serve every escape/ rule; registering the indexer once is enough.
addressEscapes.indexer = escapeIndexer;

export const stringCopy = escapeRule(
  'string-copy',
  'A string conversion or concatenation whose result escapes copies its bytes into a new heap buffer.',
  'string(b), []byte(s), []rune(s), string(r) and s + t build a new string or slice. When the result does not escape, gc uses a 32-byte stack buffer for it; when it escapes (returned, stored in a field, map or package-level variable, passed to a function that keeps it, converted to an interface that escapes) the bytes are copied into a heap allocation ("string(b) escapes to heap"). Conversions the compiler avoids altogether (map lookups m[string(b)], comparisons, `for range []byte(s)`, read-only []byte(s)) never escape and are not reported. `s += x` is not reported here: see alloc/string-concat-loop.',
  {
    hazard: `package example

var greeting string

func greetLast(people []string) {
	for _, p := range people {
		greeting = "hello " + p
	}
}
`,
    fix: `package example

var greeting string

func greetLast(people []string) {
	if len(people) > 0 {
		greeting = "hello " + people[len(people)-1]
	}
}
`,
  },
);

export const escapeRules: readonly Rule[] = [addressEscapes, interfaceArg, closure, makeNonconst, largeLocal, sliceOfLocalArray, appendEscapes, stringCopy];
