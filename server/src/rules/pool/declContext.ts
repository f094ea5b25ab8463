// What a pool check knows while it looks at one top-level declaration: the scopes of the declaration,
// the file's imports, the package's pool facts, and the type of an expression derived from them.
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../engine/rule';
import type { Binding, DeclScopes } from '../../engine/scope';
import { elementOf, mapTypes, typeKey } from './goTypes';
import { PoolPackage } from './packageFacts';
import { TypingEnv, typeOfExpr } from './typing';

export class DeclContext {
  readonly typing: TypingEnv;
  private scopeCache: DeclScopes | undefined;
  private factsCache: PoolPackage | undefined;

  constructor(readonly ctx: RuleContext) {
    this.typing = {
      imports: (name) => {
        const b = ctx.pkg.lookup(name);
        return b?.kind === 'import' ? b.importPath : undefined;
      },
      identifier: (id, depth) => this.typeOfIdentifier(id, depth),
      isLocal: (id) => this.isLocal(id),
      funcResult: (name) => this.facts.funcResult(name),
      field: (typeName, field) => this.facts.field(typeName, field)?.type,
      isTypeName: (name) => this.facts.isType(name),
    };
  }

  /**
   * The package's pool facts, read when first needed: most declarations have no pool call, and a
   * declaration that reads them is checked again whenever they change.
   */
  get facts(): PoolPackage {
    return (this.factsCache ??= PoolPackage.of(this.ctx));
  }

  get scopes(): DeclScopes {
    return (this.scopeCache ??= this.ctx.scopes());
  }

  typeOf(expr: Node | null | undefined): string | undefined {
    return typeOfExpr(expr, this.typing);
  }

  typeKey(node: Node | null | undefined): string | undefined {
    return typeKey(node, this.typing.imports);
  }

  /** The binding of an identifier declared inside a function (parameters included). */
  localBinding(id: Node | null | undefined): Binding | undefined {
    if (id?.type !== 'identifier') return undefined;
    const b = this.scopes.bindingOf(id);
    return b && b.scopeNode.type !== 'source_file' ? b : undefined;
  }

  isLocal(id: Node): boolean {
    return this.localBinding(id) !== undefined;
  }

  private typeOfIdentifier(id: Node, depth: number): string | undefined {
    const b = this.scopes.bindingOf(id);
    if (!b) return this.facts.varType(id.text);
    if (b.scopeNode.type === 'source_file') {
      if (b.kind === 'var') return this.facts.varType(b.name);
      return b.kind === 'func' ? 'func' : undefined;
    }
    return this.typeOfBinding(b, depth);
  }

  /** The type of a local binding from its declaration, when certain. */
  typeOfBinding(b: Binding, depth = 0): string | undefined {
    const d = b.declarator;
    switch (d.type) {
      case 'parameter_declaration':
        return this.typeKey(d.childForFieldName('type'));
      case 'variadic_parameter_declaration': {
        const t = this.typeKey(d.childForFieldName('type'));
        return t && `[]${t}`;
      }
      case 'var_spec':
      case 'const_spec': {
        const declared = this.typeKey(d.childForFieldName('type'));
        if (declared) return declared;
        const names = d.childrenForFieldName('name');
        const values = d.childForFieldName('value')?.namedChildren ?? [];
        const i = names.findIndex((n) => n?.id === b.id.id);
        return names.length === values.length ? typeOfExpr(values[i], this.typing, depth + 1) : undefined;
      }
      case 'short_var_declaration': {
        const left = d.childForFieldName('left')?.namedChildren ?? [];
        const right = d.childForFieldName('right')?.namedChildren ?? [];
        const i = left.findIndex((n) => n?.id === b.id.id);
        if (left.length === right.length) return typeOfExpr(right[i], this.typing, depth + 1);
        // `v, ok := x.(T)`, `v, ok := m[k]`: the first is the value, the second a bool.
        const only = right.length === 1 ? right[0] : undefined;
        if (left.length === 2 && (only?.type === 'type_assertion_expression' || only?.type === 'index_expression')) {
          return i === 0 ? typeOfExpr(only, this.typing, depth + 1) : 'bool';
        }
        return undefined;
      }
      case 'range_clause': {
        const left = d.childForFieldName('left')?.namedChildren ?? [];
        const i = left.findIndex((n) => n?.id === b.id.id);
        return rangeVariableType(typeOfExpr(d.childForFieldName('right'), this.typing, depth + 1), i);
      }
      default:
        return undefined;
    }
  }
}

/** The type of range variable number `position` (0 key, 1 value) over a collection of the given type. */
export function rangeVariableType(collection: string | undefined, position: number): string | undefined {
  if (!collection) return undefined;
  if (collection === 'string') return position === 0 ? 'int' : 'rune';
  if (collection === 'int') return position === 0 ? 'int' : undefined;
  const map = mapTypes(collection);
  if (map) return position === 0 ? map.key : map.value;
  const elem = elementOf(collection);
  if (elem) return position === 0 ? 'int' : elem;
  if (collection.startsWith('chan ') || collection.startsWith('<-chan ')) return position === 0 ? collection.replace(/^(<-)?chan\s*/, '') : undefined;
  return undefined;
}
