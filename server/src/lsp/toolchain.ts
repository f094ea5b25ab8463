// Per-file toolchain hints over LSP: the `gohazard/toolchain` request (the status bar asks it), a code
// lens above the package clause, a hover on `for`/`range` that says which loop-variable semantics apply,
// and the one-time probe of the installed go command.
import { CodeLens, Connection, Hover, MarkupKind } from 'vscode-languageserver';
import type { Node } from 'web-tree-sitter';
import type { EngineConfig } from '../engine/config';
import { ContentChange, GoDocument } from '../engine/document';
import { mapRange, unmapPosition } from '../engine/edits';
import { SourceText } from '../engine/sourceText';
import { Range } from '../engine/types';
import { Project } from '../engine/project';
import { DeclScopes, PackageScope, topLevelOf } from '../engine/scope';
import { ToolchainReport } from '../toolchain/report';
import type { ServerHost } from './host';

export const TOOLCHAIN_REQUEST = 'gohazard/toolchain';
/** Sent when versions may have changed (installed toolchain found, go.mod or go.work edited). */
export const TOOLCHAIN_CHANGED_NOTIFICATION = 'gohazard/toolchainChanged';
export const OPEN_VERSION_SOURCE_COMMAND = 'gohazard.openVersionSource';

export interface OpenGoText {
  path: string;
  doc: GoDocument;
}

/** A report with paths as URIs, as clients want them. */
export type ToolchainReportResult = ToolchainReport & { uri: string; sourceUri?: string };

export class ToolchainHints {
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
    this.connection.onRequest(TOOLCHAIN_REQUEST, async (params: { uri: string }) => this.report(params.uri));
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
    this.connection.onHover(async ({ textDocument, position }): Promise<Hover | null> => {
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
    });
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

  /** Asks the go command for its version once (through the host's probe), in the background; never when the workspace is untrusted. */
  async probe(probeGoToolchain: () => ReturnType<NonNullable<ServerHost['probeToolchain']>>, log: (message: string) => void): Promise<boolean> {
    const project = this.project();
    if (!project) return false;
    const result = await probeGoToolchain();
    if ('error' in result) {
      log(`installed Go toolchain unknown (${result.error}); assuming go1.${project.toolchain.installedMinor ?? 'current'} for toolchain-dependent rules`);
      return false;
    }
    project.toolchain.installedMinor = result.found.minor;
    project.toolchain.installedVersion = result.found.version;
    log(`installed Go toolchain: ${result.found.version}${result.found.goToolchainEnv ? ` (GOTOOLCHAIN=${result.found.goToolchainEnv})` : ''}`);
    this.connection.sendNotification(TOOLCHAIN_CHANGED_NOTIFICATION);
    return true;
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
  const scopes = new DeclScopes(decl, new PackageScope(root));
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
