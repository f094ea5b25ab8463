// What a rule is: an id, its documentation, a tree-sitter query that finds candidate nodes, and a
// check that decides. Checks see one top-level declaration at a time, so that after an edit only the
// declarations whose text changed are checked again.
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { EngineConfig } from './config';
import type { DeclScopes, PackageScope } from './scope';
import type { SourceText } from './sourceText';
import type { FileEdit, RuleDoc } from './types';
import type { ToolchainStatus } from '../toolchain/facts';
import type { VersionSource } from '../toolchain/fileVersion';
import type { Indexer, PackageView } from './packageIndex';
import type { ColdReason } from './policy/heat';
import type { ProfileView } from './profile/store';

export interface FileFacts {
  path: string;
  /** Minor N of the file's effective language version go1.N. */
  goMinor: number;
  versionSource: VersionSource;
  /**
   * Minor N of the Go toolchain assumed to compile the file (go1.N): the installed one when known,
   * else the newest gohazard knows. Escape analysis depends on it, not on the language version.
   */
  toolchainMinor: number;
  /** Whether toolchainMinor is the installed toolchain's, and if not, why not. */
  toolchainStatus: ToolchainStatus;
  /** The other files of the package, for rules that registered an indexer. */
  package?: PackageView;
  /** The CPU profile that applies to the file (engine/profile/store.ts), when one does and could be read. */
  profile?: ProfileView;
}

/** An edit by UTF-16 offsets into the analysed file. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export interface OffsetFix {
  title: string;
  edits: OffsetEdit[];
  otherFiles?: FileEdit[];
  preferred?: boolean;
}

export interface Report {
  /** The reported node (drawn on one line: see policy/ranges.ts), or an explicit offset range. */
  node?: Node;
  start?: number;
  end?: number;
  message: string;
  fixes?: OffsetFix[];
  goVersion?: string;
  /** Other places that explain the finding (where a value is kept, another use of a variable). */
  related?: { node: Node; message: string }[];
  /**
   * The nodes that identify the problem (a loop variable's declaration, a call): findings of one
   * declaration with the same subject are one problem, and the policy shows one of them.
   */
  subject?: Node[];
  /** What the rule knows that makes the code cold (policy/heat.ts), e.g. a closure started with go. */
  cold?: ColdReason;
  /** The rule sees the shape of the hazard but no evidence that it happens: shown as a hint. */
  weak?: boolean;
  /**
   * Making the value once before a loop is a fix for this cost (a conversion, a literal, a make), as
   * it is not for boxing an argument or growing a slice: in a benchmark's measured loop, such a cost is
   * shown when the value is the same every iteration (policy/benchmarks.ts).
   */
  hoistable?: boolean;
}

export interface RuleContext {
  readonly file: FileFacts;
  readonly config: EngineConfig;
  readonly source: SourceText;
  /** The top-level declaration being checked. */
  readonly decl: Node;
  readonly pkg: PackageScope;
  /** Scope resolution of `decl`, built on first use. */
  scopes(): DeclScopes;
  /**
   * The 1-based line of a node, for messages ("returned at line 42"). Use this rather than the number
   * itself: findings are cached per declaration and re-used when the declaration moves.
   */
  lineOf(node: Node): string;
  report(report: Report): void;
}

/**
 * One match per function, method and var declaration (a var declaration may hold a func literal), for
 * rules that analyse a declaration as a whole. Rules whose queries are the same text share one run of
 * it and its matches (Analyzer.combinedQuery).
 */
export const DECLARATIONS_QUERY = '[(function_declaration) (method_declaration) (var_declaration)] @decl';

export interface Rule extends RuleDoc {
  query: string;
  /** Summarises each file of a package for cross-file checks; see PackageIndex. */
  indexer?: Indexer;
  /**
   * Other tools' names for this check — golangci-lint linters, staticcheck checks — whose
   * suppression comments (`//nolint:staticcheck`, `//lint:ignore SA6002 …`) silence it too.
   */
  sameAs?: readonly string[];
  /** Whether the rule has anything to say about this file at all (e.g. only below go1.22). */
  appliesTo?(file: FileFacts): boolean;
  check(ctx: RuleContext, matches: QueryMatch[]): void;
}

export function familyOf(ruleId: string): string {
  const at = ruleId.indexOf('/');
  return at < 0 ? ruleId : ruleId.slice(0, at);
}
