// Package-level names the toolchain/ rules must know across the files of a package: a `min` declared in
// util.go is not the go1.21 built-in when main.go calls it, and `F[int](x)` instantiates a generic
// function only when some file of the package declares F with type parameters.
import type { Node } from 'web-tree-sitter';
import type { Indexer, PackageView } from '../../engine/packageIndex';
import type { RuleContext } from '../../engine/rule';
import { skeletonHash, specsOf } from '../../engine/scope';

/** Predeclared identifiers whose meaning the rules rely on; a package may declare its own. */
export const PREDECLARED_INTEGER_TYPES: ReadonlyMap<string, { signed: boolean }> = new Map<string, { signed: boolean }>([
  ...['int', 'int8', 'int16', 'int32', 'int64', 'rune'].map((n): [string, { signed: boolean }] => [n, { signed: true }]),
  ...['uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte'].map((n): [string, { signed: boolean }] => [n, { signed: false }]),
]);
const PREDECLARED_OTHER_TYPES = ['bool', 'string', 'error', 'float32', 'float64', 'complex64', 'complex128'];
const WATCHED = new Set([...PREDECLARED_INTEGER_TYPES.keys(), ...PREDECLARED_OTHER_TYPES, 'any', 'comparable', 'min', 'max', 'clear', 'new', 'len', 'cap', 'make', 'true', 'false']);

export interface PackageNamesSummary {
  /** Package-level declarations of watched predeclared names. */
  shadowing: string[];
  /** Package-level functions and types declared with type parameters. */
  generic: string[];
}

export function packageNamesOf(root: Node): PackageNamesSummary {
  const shadowing: string[] = [];
  const generic: string[] = [];
  const note = (name: Node | null, typeParams: Node | null) => {
    if (!name) return;
    if (WATCHED.has(name.text)) shadowing.push(name.text);
    if (typeParams) generic.push(name.text);
  };
  for (const decl of root.namedChildren) {
    if (!decl) continue;
    switch (decl.type) {
      case 'function_declaration':
        note(decl.childForFieldName('name'), decl.childForFieldName('type_parameters'));
        break;
      case 'type_declaration':
        for (const spec of decl.namedChildren) {
          if (spec?.type === 'type_spec' || spec?.type === 'type_alias') note(spec.childForFieldName('name'), spec.childForFieldName('type_parameters'));
        }
        break;
      case 'var_declaration':
      case 'const_declaration':
        for (const spec of specsOf(decl)) for (const id of spec.childrenForFieldName('name')) note(id, null);
        break;
    }
  }
  return { shadowing: [...new Set(shadowing)].sort(), generic: [...new Set(generic)].sort() };
}

export const packageNamesIndexer: Indexer = {
  id: 'toolchain/package-names',
  summarize: (root) => packageNamesOf(root),
  // Names and type parameters are in the declarations' headers.
  inputKey: (root) => skeletonHash(root),
};

/** What the whole package declares at top level, from the indexer's summaries (this file's included). */
export class PackageNames {
  private ownNames?: Names;
  private allNames?: Names;

  constructor(private readonly ctx: RuleContext) {}

  /** Whether some file of the package declares this predeclared name at package level. */
  declares(name: string): boolean {
    return this.namesFor(name).shadowing.has(name);
  }

  /** Whether some file of the package declares a generic function or type of this name. */
  isGeneric(name: string): boolean {
    return this.namesFor(name).generic.has(name);
  }

  /**
   * The names of the files that may declare name: this file alone when no other file of the package
   * says the word, so that the others are not summarised for a `for range n` in every file.
   */
  private namesFor(name: string): Names {
    const view: PackageView | undefined = this.ctx.file.package;
    if (view && !view.othersMention(name)) return (this.ownNames ??= namesOf([view.own(packageNamesIndexer.id)]));
    if (!this.allNames) {
      this.allNames = namesOf([view?.own(packageNamesIndexer.id), ...(view?.summaries(packageNamesIndexer.id) ?? []).map((s) => s.summary)]);
      // Without a package view (a lone file), this file's own declarations still count.
      if (!view) for (const n of WATCHED) if (this.ctx.pkg.lookup(n)) this.allNames.shadowing.add(n);
    }
    return this.allNames;
  }
}

interface Names {
  shadowing: Set<string>;
  generic: Set<string>;
}

function namesOf(summaries: unknown[]): Names {
  const names: Names = { shadowing: new Set(), generic: new Set() };
  for (const s of summaries as (PackageNamesSummary | undefined)[]) {
    s?.shadowing.forEach((n) => names.shadowing.add(n));
    s?.generic.forEach((n) => names.generic.add(n));
  }
  return names;
}
