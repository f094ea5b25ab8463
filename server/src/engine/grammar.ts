// The tree-sitter Go grammar, loaded once per process (or worker) from bytes the host hands in, so the
// engine needs no file system: Node reads grammars/*.wasm, a browser fetches them from the extension.
import { Language, Parser, Query } from 'web-tree-sitter';

export interface GrammarBytes {
  /** tree-sitter-go.wasm */
  language: Uint8Array;
  /** web-tree-sitter's own runtime tree-sitter.wasm */
  runtime: Uint8Array;
}

let runtimeReady: Promise<void> | undefined;

export class GoGrammar {
  private readonly queries = new Map<string, Query>();

  private constructor(readonly language: Language) {}

  static async load(bytes: GrammarBytes): Promise<GoGrammar> {
    // The runtime is a process-wide singleton in web-tree-sitter; initialise it once.
    runtimeReady ??= Parser.init({ wasmBinary: bytes.runtime } as object);
    await runtimeReady;
    return new GoGrammar(await Language.load(bytes.language));
  }

  newParser(): Parser {
    const parser = new Parser();
    parser.setLanguage(this.language);
    return parser;
  }

  /** Queries are compiled once per grammar and shared; they are immutable once built. */
  query(source: string): Query {
    let q = this.queries.get(source);
    if (!q) {
      q = new Query(this.language, source);
      this.queries.set(source, q);
    }
    return q;
  }
}
