// How often does the code at a node run? Decided from the syntax alone, once, for every rule whose
// findings are about cost: a finding is worth a squiggle where the code is hot (a benchmark loop,
// or a function a CPU profile says is hot — see present.ts), never where it is cold.
//
// Cold, as ../shared/JUDGING.md has it:
// - exit-path: in a loop, on a path that leaves it (the block ends in return, panic, os.Exit,
//   log.Fatal, t.Fatal, runtime.Goexit, goto, or a break out of every loop around): at most once
//   per loop, not once per iteration;
// - error-path: the body of `if err != nil { … }`;
// - error-report: an argument of an error constructor, a logger, panic or a test report
//   (fmt.Errorf, errors.New, log.Printf, logger.Warn, t.Errorf, b.Fatal);
// - init: `func init` and package-level variable initialisers;
// - once: the function given to sync.Once.Do, sync.OnceFunc/OnceValue/OnceValues, and a block that
//   closes its own guard (`if !locked { …; locked = true }`);
// - test: test code (a _test.go file, or support code only tests use: isTestCode) outside benchmark loops;
// - goroutine: the closure of `go func(){…}()`, which must exist;
// - untimed: in a benchmark's loop while its timer is stopped (benchmarks.ts).
// Hot: the body of a benchmark's measured loop (`for b.Loop()`, `for i := 0; i < b.N; i++`, `for range
// b.N`, `for pb.Next()`, not a set-up loop before b.ResetTimer()), unless a cold reason applies inside it.
import type { Node, Tree } from 'web-tree-sitter';
import { enclosedByAny, FUNCTION_TYPES } from '../syntax';
import { profileNameOf } from '../profile/names';
import { benchmarkOfLoop, timerStopped } from './benchmarks';
import { findBuildConstraint } from '../../toolchain/buildConstraint';

export type ColdReason = 'exit-path' | 'error-path' | 'error-report' | 'init' | 'once' | 'test' | 'goroutine' | 'untimed';

/** Serialisable: it is cached with the findings of a declaration. */
export interface Heat {
  cold?: ColdReason;
  /** The benchmark function whose measured loop holds the node. */
  benchmark?: string;
  /** The node runs once per iteration of a loop of its own function. */
  inLoop: boolean;
  /** The declared function around the node, as a CPU profile names it (profile/names.ts). */
  func?: string;
  /**
   * In a benchmark's measured loop: the allocation is the same in every iteration and could be made
   * once before the loop (benchmarks.ts invariantAcross; set for reports the rule calls hoistable).
   */
  invariant?: boolean;
}

export function isTestFile(path: string): boolean {
  return path.endsWith('_test.go');
}

/**
 * Test files, and the support code tests import: files named test.go, testing.go, testutil(s).go,
 * testhelper(s).go, packages named testing or test (prometheus' promql/test.go, raft's testing.go),
 * whatever lies under a testutil(s) or testhelper(s) directory (grpc's internal/testutils,
 * buildkit's util/testutil/integration), and go-fuzz harnesses: files only a `gofuzz` build tag
 * compiles (OSS-Fuzz's `//go:build gofuzz`, containerd's contrib/fuzz), which no build of the
 * program contains.
 */
export function isTestCode(path: string, text: string): boolean {
  return (
    isTestFile(path) ||
    /(^|\/)(test|testing|testutils?|testhelpers?)\.go$/.test(path) ||
    /\/(testing|test)\/[^/]+$/.test(path) ||
    /(^|\/)(testutils?|testhelpers?)\//.test(path) ||
    requiresGofuzz(findBuildConstraint(text)?.expression)
  );
}

/** Whether a build expression holds only with the gofuzz tag: gofuzz, alone or in a conjunction. */
function requiresGofuzz(expression: string | undefined): boolean {
  return !!expression && !expression.includes('||') && expression.split('&&').some((term) => term.replace(/[()\s]/g, '') === 'gofuzz');
}

/** testFile: the file is test code (isTestCode). */
export function heatOf(node: Node, testFile: boolean): Heat {
  let cold: ColdReason | undefined;
  let benchmark: string | undefined;
  // Exit paths are judged against the loops of the node's own function.
  let ownFunction = true;
  let detached = false;
  const loops: Node[] = [];
  const exited = new Set<number>();
  let exitsAll = false;
  let declaration: Node | undefined;
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    switch (p.type) {
      case 'statement_list':
        if (ownFunction && !isFunctionBody(p)) {
          const exit = loopExit(lastStatement(p));
          if (exit === 'all') exitsAll = true;
          else if (exit) exited.add(exit.id);
        }
        break;
      case 'block':
        if (p.parent?.type === 'if_statement' && p.parent.childForFieldName('consequence')?.id === p.id) {
          const condition = p.parent.childForFieldName('condition');
          if (isErrCheck(condition)) cold ??= 'error-path';
          else if (setsItsOwnGuard(condition, p)) cold ??= 'once';
        }
        break;
      case 'for_statement':
        if (p.childForFieldName('body')?.id === child.id) {
          if (ownFunction) loops.push(p);
          if (!benchmark && !detached) {
            benchmark = benchmarkOfLoop(p);
            if (benchmark && timerStopped(node, p)) cold ??= 'untimed';
          }
        }
        break;
      case 'argument_list':
        if (p.parent?.type === 'call_expression' && reportsAnError(p.parent)) cold ??= 'error-report';
        break;
      case 'func_literal':
        if (isOnceBody(p)) cold ??= 'once';
        // A literal stored for later (a constructor in a config struct, a handler) runs when it is
        // called, not in the iterations of a loop around it; one called at once or handed to a call
        // (b.Run, sort.Slice) runs there.
        if (p.parent?.type !== 'call_expression' && p.parent?.type !== 'argument_list') detached = true;
        break;
      case 'var_declaration':
        if (p.parent?.type === 'source_file') cold ??= 'init';
        break;
      case 'function_declaration':
        declaration = p;
        if (p.childForFieldName('name')?.text === 'init') cold ??= 'init';
        break;
      case 'method_declaration':
        declaration = p;
        break;
    }
    if (FUNCTION_TYPES.has(p.type) && ownFunction) {
      ownFunction = false;
      if (loops.length > 0 && loops.every((l) => exitsAll || exited.has(l.id))) cold ??= 'exit-path';
    }
  }
  if (node.type === 'func_literal' && node.parent?.type === 'call_expression' && node.parent.parent?.type === 'go_statement') cold ??= 'goroutine';
  if (testFile && !benchmark) cold ??= 'test';
  const inLoop = loops.some((l) => !exitsAll && !exited.has(l.id));
  const heat: Heat = { inLoop };
  const func = declaration ? profileNameOf(declaration) : undefined;
  if (func) heat.func = func;
  if (cold) heat.cold = cold;
  if (benchmark) heat.benchmark = benchmark;
  return heat;
}

/**
 * Whether the node lies on a path that leaves `loop` (a block between them ends in return, panic, a
 * goto, or a break out of the loop): it runs in the loop's last iteration only, so nothing it keeps
 * can see a later one.
 */
export function leavesLoop(node: Node, loop: Node): boolean {
  return exitPathsOf(loop)(node);
}

const exitPaths = new WeakMap<Tree, Map<number, (node: Node) => boolean>>();

/**
 * The blocks of a loop that end by leaving it, outside its func literals (a literal's own returns end the
 * literal, not the loop). Memoised per loop: every closure of a deep nest asks, and walking up from each
 * was cubic (syntax.ts enclosedByAny).
 */
function exitPathsOf(loop: Node): (node: Node) => boolean {
  let byLoop = exitPaths.get(loop.tree);
  if (!byLoop) exitPaths.set(loop.tree, (byLoop = new Map()));
  let paths = byLoop.get(loop.id);
  if (!paths) {
    const inLiteral = enclosedByAny(loop.descendantsOfType('func_literal').filter((n): n is Node => !!n));
    const exits = loop.descendantsOfType('statement_list').filter((list): list is Node => {
      if (!list || inLiteral(list)) return false;
      const exit = loopExit(lastStatement(list));
      return exit === 'all' || (!!exit && exit.id === loop.id);
    });
    byLoop.set(loop.id, (paths = enclosedByAny(exits)));
  }
  return paths;
}

/**
 * Code of a test that skips itself unconditionally before it (`t.Skip("flaky")` at the top level of
 * the test function's body, often left in for a test under repair): it never runs.
 */
export function skippedBefore(node: Node): boolean {
  let fn: Node | null = node.parent;
  while (fn && fn.type !== 'function_declaration') fn = fn.parent;
  const list = fn?.childForFieldName('body')?.namedChildren.find((c) => c?.type === 'statement_list');
  const handles = new Set(testingHandles(fn));
  for (const s of list?.namedChildren ?? []) {
    if (!s || s.startIndex >= node.startIndex) return false;
    const call = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    const receiver = callee?.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
    if (receiver?.type === 'identifier' && handles.has(receiver.text) && /^Skip(f|Now)?$/.test(callee!.childForFieldName('field')?.text ?? '')) return true;
  }
  return false;
}

/** The names of a function's *testing.T, *testing.B, *testing.F and testing.TB parameters. */
function testingHandles(fn: Node | null): string[] {
  const params = fn?.childForFieldName('parameters')?.namedChildren ?? [];
  return params.flatMap((p) =>
    p?.type === 'parameter_declaration' && /^\*?testing\.(T|B|F|TB)$/.test(p.childForFieldName('type')?.text ?? '')
      ? p.childrenForFieldName('name').flatMap((n) => (n ? [n.text] : []))
      : [],
  );
}

/** The benchmark's measured loop around the node, if any. */
export function measuredLoopOf(node: Node): Node | undefined {
  for (let p = node.parent, child: Node = node; p; child = p, p = p.parent) {
    if (p.type === 'for_statement' && p.childForFieldName('body')?.id === child.id && benchmarkOfLoop(p)) return p;
  }
  return undefined;
}

/** Whether any node of the declaration could be hot without a profile: it holds a benchmark loop. */
export function holdsBenchmarkLoop(decl: Node, text: string): boolean {
  if (!/\.(N\b|Loop\s*\(|Next\s*\()/.test(text)) return false;
  return decl.descendantsOfType('for_statement').some((loop) => loop !== null && benchmarkOfLoop(loop) !== undefined);
}

function isFunctionBody(list: Node): boolean {
  const block = list.parent;
  return block?.type === 'block' && FUNCTION_TYPES.has(block.parent?.type ?? '');
}

function lastStatement(list: Node): Node | undefined {
  for (let i = list.namedChildCount - 1; i >= 0; i--) {
    const c = list.namedChild(i);
    if (c && c.type !== 'comment') return c;
  }
  return undefined;
}

/** What a block's last statement leaves: every loop of the function ('all'), one loop, or nothing. */
function loopExit(stmt: Node | undefined): 'all' | Node | undefined {
  if (!stmt) return undefined;
  switch (stmt.type) {
    case 'return_statement':
    case 'goto_statement':
      return 'all';
    case 'expression_statement': {
      const call = stmt.namedChild(0);
      return call?.type === 'call_expression' && neverReturns(call) ? 'all' : undefined;
    }
    case 'break_statement':
      return breakTarget(stmt);
    default:
      return undefined;
  }
}

/** panic, os.Exit, log.Fatal*, runtime.Goexit, and test reports that stop the test (t.Fatal, t.FailNow, t.Skip*). */
function neverReturns(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  if (fn.type === 'identifier') return fn.text === 'panic';
  if (fn.type !== 'selector_expression') return false;
  const pkg = fn.childForFieldName('operand')?.text;
  const name = fn.childForFieldName('field')?.text ?? '';
  if (pkg === 'os' && name === 'Exit') return true;
  if (pkg === 'runtime' && name === 'Goexit') return true;
  if (pkg === 'log' && /^(Fatal|Panic)/.test(name)) return true;
  return /^(Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln|FailNow|SkipNow|Skip|Skipf)$/.test(name);
}

function breakTarget(stmt: Node): Node | undefined {
  const label = stmt.namedChild(0)?.text;
  for (let p = stmt.parent; p; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return undefined;
    if (label) {
      if (p.type === 'labeled_statement' && p.childForFieldName('label')?.text === label) {
        const loop = p.namedChildren.find((c) => c?.type === 'for_statement');
        return loop ?? undefined;
      }
      continue;
    }
    if (p.type === 'for_statement') return p;
    if (p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement') return undefined;
  }
  return undefined;
}

/** `err != nil`, `e != nil`, `someErr != nil`, with anything else and-ed or or-ed to it. */
function isErrCheck(cond: Node | null): boolean {
  if (!cond) return false;
  if (cond.type === 'parenthesized_expression') return isErrCheck(cond.namedChild(0));
  if (cond.type !== 'binary_expression') return false;
  const op = cond.childForFieldName('operator')?.text;
  if (op === '&&' || op === '||') return isErrCheck(cond.childForFieldName('left')) || isErrCheck(cond.childForFieldName('right'));
  if (op !== '!=') return false;
  const left = cond.childForFieldName('left');
  const right = cond.childForFieldName('right');
  return right?.text === 'nil' && left?.type === 'identifier' && /^(err|e|.*Err|.*Error)$/.test(left.text);
}

/** `if !done { …; done = true }`, `if x == nil { …; x = … }`: the block runs once, then its own assignment closes it. */
function setsItsOwnGuard(cond: Node | null, block: Node): boolean {
  let guard: Node | null | undefined;
  if (cond?.type === 'unary_expression' && cond.childForFieldName('operator')?.text === '!') guard = cond.childForFieldName('operand');
  else if (cond?.type === 'binary_expression' && cond.childForFieldName('operator')?.text === '==' && /^(nil|false)$/.test(cond.childForFieldName('right')?.text ?? '')) guard = cond.childForFieldName('left');
  if (guard?.type !== 'identifier' && guard?.type !== 'selector_expression') return false;
  const list = block.namedChildren.find((c) => c?.type === 'statement_list');
  return (list?.namedChildren ?? []).some((st) => st?.type === 'assignment_statement' && st.childForFieldName('left')?.namedChildren.some((l) => l?.text === guard!.text));
}

const ERROR_CONSTRUCTORS: Record<string, RegExp> = {
  fmt: /^Errorf$/,
  errors: /^(New|Errorf|Wrap|Wrapf|WithMessage|WithMessagef|WithStack|Join)$/,
  xerrors: /^(New|Errorf)$/,
  log: /^(Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln|Output)$/,
  slog: /^(Debug|Info|Warn|Error|DebugContext|InfoContext|WarnContext|ErrorContext|Log|LogAttrs)$/,
  http: /^Error$/,
};

/** Methods that report an error or a warning whoever the receiver is. */
const ERROR_METHODS = /^(Error|Errorf|Errorln|Errorw|Fatal|Fatalf|Fatalln|Fatalw|Panic|Panicf|Panicln|Panicw|DPanic|DPanicf|DPanicw|Warn|Warnf|Warnln|Warnw|Warning|Warningf|Warningln|Critical|Criticalf|Skip|Skipf)$/;
/** Methods that log, when the receiver is a logger or a test. */
const LOG_METHODS = /^(Print|Printf|Println|Info|Infof|Infoln|Infow|Debug|Debugf|Debugln|Debugw|Trace|Tracef|Log|Logf|Notice|Noticef)$/;
const LOGGER_RECEIVER = /^(t|b|f|tb|l|lg|lgr|log|logger|slog|sugar|klog|glog)$|log/i;

/** A call whose arguments only describe an error or a log line: panic, error constructors, loggers, test reports. */
/** Whether the node is inside an argument of an error constructor, a logger, panic or a test report, below `top`. */
export function inErrorReport(node: Node, top: Node): boolean {
  for (let p = node.parent; p && p.id !== top.id; p = p.parent) {
    if (p.type === 'argument_list' && p.parent?.type === 'call_expression' && reportsAnError(p.parent)) return true;
  }
  return false;
}

function reportsAnError(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  if (fn.type === 'identifier') return fn.text === 'panic';
  if (fn.type !== 'selector_expression') return false;
  const operand = fn.childForFieldName('operand');
  const name = fn.childForFieldName('field')?.text ?? '';
  const pkg = operand?.type === 'identifier' ? operand.text : undefined;
  if (pkg && ERROR_CONSTRUCTORS[pkg]?.test(name)) return true;
  if (ERROR_METHODS.test(name)) return true;
  return LOG_METHODS.test(name) && LOGGER_RECEIVER.test(receiverName(operand));
}

function receiverName(operand: Node | null): string {
  if (!operand) return '';
  if (operand.type === 'selector_expression') return operand.childForFieldName('field')?.text ?? '';
  if (operand.type === 'call_expression') return receiverName(operand.childForFieldName('function'));
  return operand.text;
}

/** The func literal handed to sync.Once's Do, or to sync.OnceFunc / OnceValue / OnceValues. */
function isOnceBody(lit: Node): boolean {
  const args = lit.parent;
  if (args?.type !== 'argument_list' || args.namedChildCount !== 1) return false;
  const fn = args.parent?.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return false;
  const name = fn.childForFieldName('field')?.text;
  if (name === 'Do') return true;
  return fn.childForFieldName('operand')?.text === 'sync' && /^Once(Func|Value|Values)$/.test(name ?? '');
}

