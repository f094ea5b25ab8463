// Limits that keep one pathological file from stalling an editor or a CI run. tree-sitter finds a
// node's parent by descending from the root, so every `node.parent` costs the node's depth: rules that
// walk up from deep nodes cost depth², and recursive helpers would overflow the stack. Declarations
// nested deeper than MAX_NESTING_DEPTH are therefore not analysed (and say so); the deepest declaration
// in the Go distribution, a generated 900-term string concatenation, is 946 levels deep.
import type { Node } from 'web-tree-sitter';
import type { RuleDoc } from './types';

export const MAX_NESTING_DEPTH = 1000;

/**
 * Time a parse may take: half a second plus half a second per 100,000 characters, 50 to 100 times what
 * a parse normally costs (PERF-NOTES: 8.6 MB/s). tree-sitter's error recovery is quadratic on some
 * syntax errors before a block of thousands of statements (17 s for such a 300 kB file), and an editor
 * must not wait for it; a cancelled parse leaves the file unanalysed, and says so. Measured on the
 * document's ParseClock.
 */
export function parseBudgetMs(length: number): number {
  return 500 + length / 200;
}

/**
 * What a parse budget is measured on, chosen by the host. An editor measures wall time: the budget
 * is there so that a person does not wait. A batch scan measures the CPU time of the thread that
 * parses, so that whether a file near its budget is analysed does not depend on how busy the machine
 * is (other processes, the scan's own worker threads), and a cached or sharded scan finds what a
 * cold one does.
 */
export interface ParseClock {
  /** Milliseconds since any fixed origin. */
  now(): number;
  /** What it measures, for the message of a parse over its budget. */
  readonly measures: 'wall time' | 'CPU time';
}

export const wallClock: ParseClock = { now: () => Date.now(), measures: 'wall time' };

/** A budget as messages state it: "0.9 s", or "0.9 s of CPU time". */
export function describeBudget(ms: number, clock: ParseClock): string {
  const seconds = `${(ms / 1000).toFixed(1)} s`;
  return clock.measures === 'wall time' ? seconds : `${seconds} of ${clock.measures}`;
}

/**
 * Files above this many bytes are not analysed unless the user raises the limit: analysis costs about
 * 4 s and 130 MB of memory per MB of Go (most of it the syntax tree), and Go files that large are
 * generated (the largest file of the Go distribution, cmd/compile/internal/ssa/opGen.go, is 3 MB).
 */
export const DEFAULT_MAX_FILE_BYTES = 2 * 2 ** 20;

/** Megabytes (2^20 bytes) as users write them in settings and flags, to bytes; 0 means no limit. */
export function megabytesToBytes(mb: number): number {
  return Math.round(mb * 2 ** 20);
}

export function describeSize(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '')} MB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

/** The length of a string in UTF-8, without encoding it (lone surrogates count as the 3-byte U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

export const skippedRule: RuleDoc = {
  id: 'gohazard/skipped',
  summary: 'A file or declaration that gohazard did not analyse because it exceeds a limit.',
  help: `gohazard does not analyse files larger than the maximum file size (\`--max-file-size\`, \`gohazard.maxFileSize\`), files whose parse takes far longer than parsing normally does (tree-sitter's error recovery on some syntax errors in large files), or declarations nested more than ${MAX_NESTING_DEPTH} levels deep (generated tables, usually), so that one pathological file cannot stall the editor or CI. Nothing in the skipped file or declaration is checked; raise the file size limit to analyse large files, fix the syntax error to have the file parsed again.`,
  defaultSeverity: 'info',
  kind: 'hazard',
  example: {
    hazard: `package example

// Generated: a value written as ${MAX_NESTING_DEPTH + 1} nested parentheses.
var deep = ${'('.repeat(MAX_NESTING_DEPTH + 1)}1${')'.repeat(MAX_NESTING_DEPTH + 1)}
`,
    fix: `package example

// Generated without the nesting.
var deep = 1
`,
  },
};

/**
 * Whether any node below `node` lies more than `limit` levels under it. Subtrees with too few
 * descendants to reach that deep are not entered, so a wide but shallow declaration costs about one
 * step per child of its large nodes, not one per node.
 */
export function nestsDeeperThan(node: Node, limit: number): boolean {
  // A subtree of c nodes reaches at most c - 1 levels below its root.
  const mayExceed = (n: Node, depth: number) => depth + n.descendantCount - 1 > limit;
  if (!mayExceed(node, 0)) return false;
  const cursor = node.walk();
  try {
    let depth = 0;
    for (;;) {
      // The cursor is on a node that may hold a path deeper than the limit.
      if (depth > limit) return true;
      if (cursor.gotoFirstChild()) {
        depth++;
        if (mayExceed(cursor.currentNode, depth)) continue;
      } else if (depth === 0) return false;
      // Next candidate: a later sibling here or of an ancestor.
      for (;;) {
        if (cursor.gotoNextSibling()) {
          if (mayExceed(cursor.currentNode, depth)) break;
          continue;
        }
        if (depth <= 1) return false;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
