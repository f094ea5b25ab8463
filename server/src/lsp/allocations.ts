// The allocations view: the escape model's predictions as diagnostics, on demand. By default cost
// findings are shown only in hot code (engine/policy); "gohazard: Show Allocations" turns on, for one
// file or for the whole workspace, every heap allocation gc will make (gohazard.escape.scope `all`
// for those files), like gopls' compiler optimization details but live and without a build. The
// hover on an expression explains the allocations it makes, view or not.
import type { Node } from 'web-tree-sitter';
import { Connection, Hover, MarkupKind, TextDocumentPositionParams } from 'vscode-languageserver';
import type { FileFacts } from '../engine/rule';
import type { GoDocument } from '../engine/document';
import { mapRange, unmapPosition } from '../engine/edits';
import { allocationsAt } from '../rules/escape/explain';

/** Client → server: toggle the view for a file (`uri`) or for the workspace (no `uri`); answers the new state. */
export const ALLOCATIONS_REQUEST = 'gohazard/allocations';

export interface AllocationsState {
  workspace: boolean;
  /** Files whose view is on (besides the workspace switch). */
  files: string[];
}

export interface OpenDocument {
  path: string;
  doc: GoDocument;
}

export class AllocationsView {
  private workspace = false;
  private readonly files = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly openFile: (uri: string) => OpenDocument | undefined,
    /** The facts of the document's text `text`, whose tree `tree` returns while it is alive. */
    private readonly factsOf: (open: OpenDocument, text: string, tree: () => Node | undefined) => Promise<FileFacts>,
    /** Re-analyses the open files whose view changed. */
    private readonly changed: (uris: string[] | 'all') => void,
  ) {}

  register(): void {
    this.connection.onRequest(ALLOCATIONS_REQUEST, (params: { uri?: string; show?: boolean }): AllocationsState => {
      if (params.uri === undefined) {
        this.workspace = params.show ?? !this.workspace;
        this.changed('all');
      } else {
        // The file switch and the workspace switch are independent: a file shows when either is on.
        const show = params.show ?? !this.files.has(params.uri);
        if (show) this.files.add(params.uri);
        else this.files.delete(params.uri);
        this.changed([params.uri]);
      }
      return this.state();
    });
  }

  shows(uri: string): boolean {
    return this.workspace || this.files.has(uri);
  }

  state(): AllocationsState {
    return { workspace: this.workspace, files: [...this.files] };
  }

  /** The allocations made by the expression under the cursor, with their reasons. */
  async hover({ textDocument, position }: TextDocumentPositionParams): Promise<Hover | null> {
    const open = this.openFile(textDocument.uri);
    if (!open) return null;
    // Answered from the last parsed tree, through the edits since (a reparse may be pending), like the
    // other requests: a hover where an edit since reached says nothing until the tree catches up.
    const doc = open.doc;
    const tree = doc.parsedTree;
    const source = doc.parsedSource;
    const at = unmapPosition(position, doc.editsSinceParse);
    if (!at) return null;
    const facts = await this.factsOf(open, source.text, () => (doc.parsedTree === tree ? tree.rootNode : undefined));
    // A reparse while the facts were computed deleted that tree.
    if (doc.parsedTree !== tree) return null;
    const notes = allocationsAt(tree.rootNode, source.offsetAt(at), facts);
    if (notes.length === 0) return null;
    const lines = ['**gohazard** · heap allocation' + (notes.length > 1 ? 's' : '')];
    for (const n of notes) {
      lines.push('', `\`${n.text}\` — ${n.reason}`, '', `*${n.heat}*${n.toolchain ? ` · predicted for ${n.toolchain}` : ''}`);
    }
    const first = notes[0];
    const range = mapRange({ start: source.positionAt(first.start), end: source.positionAt(first.end) }, doc.editsSinceParse);
    return range ? { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range } : null;
  }
}
