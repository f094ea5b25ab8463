// Go symbol names as a CPU profile records them (the runtime's function names):
//   example.com/x/y/pkg.(*Encoder).Encode    a method
//   example.com/x/y/pkg.F.func1               a closure in F (F.func1.2: nested; G.F.func1: F inlined into G)
//   example.com/x/y/pkg.Map[...]              a generic function (instantiations share the source)
//   gopkg.in/yaml%2ev3.(*parser).parse        dots of the last path element are escaped as %2e
// The package path ends at the first dot after the last slash, once type arguments are removed.
import type { Node } from 'web-tree-sitter';

/** The name without its type arguments: `Map[go.shape.int]` → `Map`, `(*List[...]).Push` → `(*List).Push`. */
function withoutTypeArguments(name: string): string {
  if (!name.includes('[')) return name;
  let out = '';
  let depth = 0;
  for (const ch of name) {
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

export interface SymbolName {
  /** The import path of the function's package, e.g. example.com/x/y/pkg, runtime, main. */
  packagePath: string;
  /** The name inside the package, for messages: (*Encoder).Encode, F.func1, Map. */
  shortName: string;
}

export function splitSymbolName(full: string): SymbolName {
  const name = withoutTypeArguments(full);
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  if (dot < 0) return { packagePath: '', shortName: name };
  return { packagePath: name.slice(0, dot).replace(/%2e/gi, '.'), shortName: name.slice(dot + 1) };
}

/**
 * The name a CPU profile gives a function or method declared in the source, as SymbolName.shortName
 * writes it: `Encode`, `(*Encoder).Encode` (pointer receiver), `Encoder.Len` (value receiver),
 * `(*List).Push` (generic receiver). Undefined for other nodes. Names survive edits that move code;
 * lines do not.
 */
export function profileNameOf(decl: Node): string | undefined {
  const name = decl.childForFieldName('name')?.text;
  if (!name) return undefined;
  if (decl.type === 'function_declaration') return name;
  if (decl.type !== 'method_declaration') return undefined;
  let type = decl.childForFieldName('receiver')?.namedChildren.find((n) => n?.type === 'parameter_declaration')?.childForFieldName('type') ?? null;
  let pointer = false;
  for (;;) {
    if (type?.type === 'parenthesized_type') type = type.namedChild(0);
    else if (type?.type === 'pointer_type' && !pointer) {
      pointer = true;
      type = type.namedChild(0);
    } else break;
  }
  if (type?.type === 'generic_type') type = type.childForFieldName('type');
  if (type?.type !== 'type_identifier') return undefined;
  return pointer ? `(*${type.text}).${name}` : `${type.text}.${name}`;
}
