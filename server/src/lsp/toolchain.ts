// Per-file toolchain hints over LSP: the `gohazard/toolchain` request (the status bar asks it), a code
// lens above the package clause, the hover on `for`/`range` that says which loop-variable semantics apply
// (lsp/hover.ts asks it), and the one-time probe of the installed go command.
import { CodeLens, Connection, Hover, MarkupKind, TextDocumentPositionParams } from 'vscode-languageserver';
import type { Node } from 'web-tree-sitter';
import type { EngineConfig } from '../engine/config';
import { ContentChange, GoDocument } from '../engine/document';
import { mapRange, unmapPosition } from '../engine/edits';
import { SourceText } from '../engine/sourceText';
import { Range } from '../engine/types';
import { Project } from '../engine/project';
import { DeclScopes, PackageScope, topLevelOf } from '../engine/scope';
import { toolchainStatus } from '../toolchain/facts';
import { CURRENT_GO_MINOR } from '../toolchain/fileVersion';
import { ToolchainReport } from '../toolchain/report';
import { ServerHost, unrefTimer } from './host';

export const TOOLCHAIN_REQUEST = 'gohazard/toolchain';
/**
 * Sent when versions may have changed (installed toolchain found, go.mod or go.work edited), and when
 * a load of package facts starts and ends (the status item says so).
 */
export const TOOLCHAIN_CHANGED_NOTIFICATION = 'gohazard/toolchainChanged';
export const OPEN_VERSION_SOURCE_COMMAND = 'gohazard.openVersionSource';

export interface OpenGoText {
  path: string;
  doc: GoDocument;
}

/** A report with paths as URIs, as clients want them. */
export type ToolchainReportResult = ToolchainReport & { uri: string; sourceUri?: string };

/**
 * How long analyses wait for a pending go version probe before they publish without it. The probe
 * answers in 4–80 ms (20 runs of `go env GOVERSION` at load average 16: p50 6 ms, max 78 ms); the
 * wait only bounds a go command that hangs (its own timeout is PROBE_TIMEOUT_MS, 3 s).
 */
export const PROBE_WAIT_MS = 2000;

export class ToolchainHints {
  private probeSettled: Promise<void> = Promise.resolve();
  private answerProbe: (() => void) | undefined;
  /** The progress of a load of the facts of the file's package, while one runs: the status item says so. */
  packageFactsLoading?: (path: string) => { done: number; total: number } | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly project: () => Project | undefined,
    private readonly openFile: (uri: string) => OpenGoText | undefined,
    private readonly readFile: (path: string) => Promise<string | undefined>,
    private readonly platform: Pick<ServerHost, 'uriToPath' | 'pathToUri'>,
    /** The configuration of a file (its profile setting). */
    private readonly configFor: (uri: string) => Promise<Pick<EngineConfig, 'profilePath'>>,
  ) {}

  register(codeLensEnabled: (uri: string) => Promise<boolean>): void {
    this.connection.onRequest(TOOLCHAIN_REQUEST, async (params: { uri: string }) => this.statusReport(params.uri));
    this.connection.onCodeLens(async ({ textDocument }): Promise<CodeLens[]> => {
      const open = this.openFile(textDocument.uri);
      if (!open || !(await codeLensEnabled(textDocument.uri))) return [];
      const report = await this.report(textDocument.uri);
      const doc = open.doc;
      // The last parsed tree, where edits since left the package clause alone (a reparse may be pending).
      let clause = findClause(doc.parsedTree.rootNode, doc.parsedSource, doc.editsSinceParse);
      clause ??= findClause(doc.tree.rootNode, doc.sourceText, []);
      if (!report || !clause) return [];
      const line = clause.start.line;
      const range = { start: { line, character: 0 }, end: { line, character: 0 } };
      const title = `${report.summary}${report.needsNewerToolchain ? ` · needs ${report.requiredToolchain}` : ''}`;
      return [{ range, command: report.sourceUri ? { title, command: OPEN_VERSION_SOURCE_COMMAND, arguments: [report.sourceUri, report.source.line ?? 0] } : { title, command: '' } }];
    });
  }

  /** On a loop's `for` or `range` keyword: which loop-variable semantics apply (the server's hover calls it). */
  async hover({ textDocument, position }: TextDocumentPositionParams): Promise<Hover | null> {
    const open = this.openFile(textDocument.uri);
    const project = this.project();
    if (!open || !project) return null;
    // Answered from the last parsed tree, through the edits since (a reparse may be pending): a
    // hover where an edit since reached says nothing until the tree catches up.
    const doc = open.doc;
    const edits = doc.editsSinceParse;
    const at = unmapPosition(position, edits);
    if (!at) return null;
    const source = doc.parsedSource;
    const root = doc.parsedTree.rootNode;
    const token = root.descendantForIndex(source.offsetAt(at));
    const loop = token && loopOfKeyword(token);
    if (!loop) return null;
    const range = mapRange({ start: source.positionAt(token!.startIndex), end: source.positionAt(token!.endIndex) }, edits);
    const value = describeLoop(loop, root);
    const report = await this.report(textDocument.uri);
    if (!report || !range) return null;
    return { contents: { kind: MarkupKind.Markdown, value: `${hoverHeader(report)}\n\n${value(report)}` }, range };
  }

  /** The report the status item shows: with a word on the package's facts while they load. */
  private async statusReport(uri: string): Promise<ToolchainReportResult | null> {
    const report = await this.report(uri);
    const path = this.platform.uriToPath(uri);
    const loading = report && path ? this.packageFactsLoading?.(path) : undefined;
    if (!report || !loading) return report;
    const files = loading.total > 0 ? ` (${loading.done}/${loading.total} files)` : '';
    return {
      ...report,
      summary: `${report.summary} · loading package facts${files}`,
      details: `${report.details}\nFacts of the package's other files are loading${files}: findings that need them (pools declared in another file, its types and functions) follow when they are in.`,
    };
  }

  async report(uri: string): Promise<ToolchainReportResult | null> {
    const project = this.project();
    const path = this.platform.uriToPath(uri);
    if (!project || !path) return null;
    const text = this.openFile(uri)?.doc.text ?? (await this.readFile(path));
    if (text === undefined) return null;
    const report = await project.toolchainReport(path, text, await this.configFor(uri));
    return { ...report, uri, sourceUri: report.source.path ? this.platform.pathToUri(report.source.path) : undefined };
  }

  /**
   * The probe is about to run: until it answers the installed toolchain is pending, and whenProbed()
   * holds analyses back, for PROBE_WAIT_MS at most from now.
   */
  expectProbe(): void {
    const project = this.project();
    if (!project || project.toolchain.installedMinor !== undefined) return;
    project.toolchain.unknownBecause = 'pending';
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    this.answerProbe = answer;
    this.probeSettled = Promise.race([answered, new Promise<void>((resolve) => unrefTimer(setTimeout(resolve, PROBE_WAIT_MS)))]);
  }

  /** Resolves at once unless the probe is pending; then when it answers, or at the end of its wait. */
  whenProbed(): Promise<void> {
    const toolchain = this.project()?.toolchain;
    return toolchain && toolchainStatus(toolchain) === 'pending' ? this.probeSettled : Promise.resolve();
  }

  /** Asks the go command for its version once (through the host's probe), in the background; never when the workspace is untrusted. */
  async probe(probeGoToolchain: () => ReturnType<NonNullable<ServerHost['probeToolchain']>>, log: (message: string) => void): Promise<void> {
    const project = this.project();
    if (!project) return;
    try {
      const result = await probeGoToolchain().catch((error: unknown) => ({ error: String((error as Error)?.message ?? error) }));
      if ('error' in result) {
        project.toolchain.unknownBecause = 'absent';
        log(`installed Go toolchain unknown (${result.error}); assuming go1.${CURRENT_GO_MINOR} for toolchain-dependent rules`);
        return;
      }
      project.toolchain.installedMinor = result.found.minor;
      project.toolchain.installedVersion = result.found.version;
      log(`installed Go toolchain: ${result.found.version}${result.found.goToolchainEnv ? ` (GOTOOLCHAIN=${result.found.goToolchainEnv})` : ''}`);
    } finally {
      this.answerProbe?.();
      this.answerProbe = undefined;
      this.connection.sendNotification(TOOLCHAIN_CHANGED_NOTIFICATION);
    }
  }
}

/** The for_statement whose `for` keyword, or whose range clause's `range` keyword, is this token. */
function loopOfKeyword(token: Node): Node | undefined {
  if (token.type === 'for' && token.parent?.type === 'for_statement') return token.parent;
  if (token.type === 'range' && token.parent?.type === 'range_clause') return token.parent.parent ?? undefined;
  return undefined;
}

/** The package clause's range in the current text, from a tree of an earlier text and the edits since. */
function findClause(root: Node, source: SourceText, edits: readonly ContentChange[]): Range | undefined {
  const clause = topLevelOf(root).nodes.find((n) => n.type === 'package_clause');
  return clause && mapRange({ start: source.positionAt(clause.startIndex), end: source.positionAt(clause.endIndex) }, edits);
}

function hoverHeader(report: ToolchainReport): string {
  return `**gohazard** · ${report.goVersion} (${report.source.kind === 'go:build' ? '//go:build' : report.source.kind === 'go.mod' ? 'go.mod' : 'toolchain default'})`;
}

/** What the hover says of a loop's variables, given the report: made before awaiting it (the tree may go). */
function describeLoop(loop: Node, root: Node): (report: ToolchainReport) => string {
  let decl: Node = loop;
  while (decl.parent && decl.parent.id !== root.id) decl = decl.parent;
  const scopes = new DeclScopes(decl, PackageScope.of(root));
  const vars = scopes.bindings.filter((b) => (b.kind === 'range' && b.declarator.parent?.id === loop.id) || (b.kind === 'for' && b.declarator.parent?.parent?.id === loop.id));
  const names = vars.map((v) => `\`${v.name}\``).join(', ');
  const count = vars.length;
  return (report) => {
    if (count === 0) return 'This loop declares no loop variables.';
    return report.loopSemantics === 'shared'
      ? `${names} ${count === 1 ? 'is one variable' : 'are variables'} shared by **all iterations**: a closure or pointer kept past an iteration sees later values. From go1.22 each iteration gets its own.`
      : `${names} ${count === 1 ? 'is' : 'are'} **per-iteration**: each iteration has its own ${count === 1 ? 'copy' : 'copies'}, so \`v := v\` copies are not needed.`;
  };
}
