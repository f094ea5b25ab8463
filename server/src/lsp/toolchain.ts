// Per-file toolchain hints over LSP: the `gohazard/toolchain` request (the status bar asks it), a code
// lens above the package clause, the hover on `for`/`range` that says which loop-variable semantics apply
// (lsp/hover.ts asks it), and the one-time probe of the installed go command.
import { CodeLens, Connection, Hover, MarkupKind, TextDocumentPositionParams } from 'vscode-languageserver';
import type { Node } from 'web-tree-sitter';
import type { EngineConfig } from '../engine/config';
import { GoDocument } from '../engine/document';
import { Project } from '../engine/project';
import { DeclScopes, PackageScope } from '../engine/scope';
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
      const clause = open.doc.tree.rootNode.namedChildren.find((n) => n?.type === 'package_clause');
      if (!report || !clause) return [];
      const line = clause.startPosition.row;
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
    const offset = open.doc.sourceText.offsetAt(position);
    const token = open.doc.tree.rootNode.descendantForIndex(offset);
    const loop = token && loopOfKeyword(token);
    if (!loop) return null;
    const report = await this.report(textDocument.uri);
    if (!report) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: describeLoop(loop, open.doc, report) },
      range: { start: { line: token!.startPosition.row, character: token!.startPosition.column }, end: { line: token!.endPosition.row, character: token!.endPosition.column } },
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

function describeLoop(loop: Node, doc: GoDocument, report: ToolchainReport): string {
  const root = doc.tree.rootNode;
  let decl: Node = loop;
  while (decl.parent && decl.parent.id !== root.id) decl = decl.parent;
  const scopes = new DeclScopes(decl, new PackageScope(root));
  const vars = scopes.bindings.filter((b) => (b.kind === 'range' && b.declarator.parent?.id === loop.id) || (b.kind === 'for' && b.declarator.parent?.parent?.id === loop.id));
  const names = vars.map((v) => `\`${v.name}\``).join(', ');
  const header = `**gohazard** · ${report.goVersion} (${report.source.kind === 'go:build' ? '//go:build' : report.source.kind === 'go.mod' ? 'go.mod' : 'toolchain default'})`;
  if (vars.length === 0) return `${header}\n\nThis loop declares no loop variables.`;
  const semantics =
    report.loopSemantics === 'shared'
      ? `${names} ${vars.length === 1 ? 'is one variable' : 'are variables'} shared by **all iterations**: a closure or pointer kept past an iteration sees later values. From go1.22 each iteration gets its own.`
      : `${names} ${vars.length === 1 ? 'is' : 'are'} **per-iteration**: each iteration has its own ${vars.length === 1 ? 'copy' : 'copies'}, so \`v := v\` copies are not needed.`;
  return `${header}\n\n${semantics}`;
}
