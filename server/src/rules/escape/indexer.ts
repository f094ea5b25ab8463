// The package index summariser for escape/ rules: describes the package-level types, variables,
// constants and function signatures of the package's other files, and on request runs the escape
// model over one of their functions for its escape tags (see packageFacts.ts).
import type { Node } from 'web-tree-sitter';
import { DeclScopes, PackageScope } from '../../engine/scope';
import { CURRENT_GO_MINOR } from '../../toolchain/fileVersion';
import { EscapeModel } from './model';
import { ConstDesc, DescriberApi, FuncSignature, TypeDesc, makeEscapeIndexer, toDesc } from './packageFacts';
import { defaultType } from './typeEnv';
import { TypeEnv } from './typeEnv';

function describer(root: Node, pkg: PackageScope, decl: Node): DescriberApi {
  void root;
  const env = new TypeEnv(decl, new DeclScopes(decl, pkg), pkg, []);
  return {
    typeDesc: (typeNode) => toDesc(env.typeOfTypeNode(typeNode)),
    valueDesc: (expr) => toDesc(defaultType(env.typeOf(expr))),
    constOf(id): ConstDesc | undefined {
      const v = env.constValue(id);
      if (v === undefined) return undefined;
      const spec = id.parent;
      const typeNode = spec?.type === 'const_spec' ? spec.childForFieldName('type') : null;
      const t = typeNode ? toDesc(env.typeOfTypeNode(typeNode)) : undefined;
      if (typeof v === 'bigint') return { v: v.toString(), kind: 'int', t };
      if (typeof v === 'number') return { v: String(v), kind: 'float', t };
      if (typeof v === 'boolean') return { v, kind: 'bool', t };
      return { v, kind: 'string', t };
    },
  };
}

/** A function's signature as its file's summary records it; undefined for what the model does not summarise. */
function signature(decl: Node, scopes: DeclScopes, pkg: PackageScope): { recv?: { type: string; ptr: boolean }; sig: FuncSignature } | undefined {
  if (!decl.childForFieldName('body')) return undefined;
  // The types a body declares are not in scope in the signature.
  const env = new TypeEnv(decl, scopes, pkg, []);
  const ps: TypeDesc[] = [];
  let va = false;
  for (const p of decl.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration')) continue;
    if (p.type === 'variadic_parameter_declaration') va = true;
    const t = toDesc(env.typeOfTypeNode(p.childForFieldName('type')));
    const names = p.childrenForFieldName('name').filter((x) => x !== null && x.isNamed).length;
    for (let i = 0; i < Math.max(1, names); i++) ps.push(t);
  }
  const rs: TypeDesc[] = [];
  const result = decl.childForFieldName('result');
  if (result?.type === 'parameter_list') {
    for (const p of result.namedChildren) {
      if (!p) continue;
      const t = toDesc(env.typeOfTypeNode(p.childForFieldName('type')));
      const n = Math.max(1, p.childrenForFieldName('name').filter((x) => x?.isNamed).length);
      for (let i = 0; i < n; i++) rs.push(t);
    }
  } else if (result) rs.push(toDesc(env.typeOfTypeNode(result)));
  const sig: FuncSignature = { ps, rs, va };
  const rp = decl.childForFieldName('receiver')?.namedChildren.find((x) => x?.type === 'parameter_declaration');
  if (!rp) return { sig };
  let tn = rp.childForFieldName('type');
  let ptr = false;
  if (tn?.type === 'pointer_type') {
    ptr = true;
    tn = tn.namedChild(0);
  }
  return tn?.type === 'type_identifier' ? { recv: { type: tn.text, ptr }, sig } : undefined;
}

export const escapeIndexer = makeEscapeIndexer(
  signature,
  // Escape tags do not depend on the language version; the toolchain is the newest gohazard knows.
  (decl, scopes, pkg) => new EscapeModel(decl, scopes, pkg, { goMinor: 22, toolchainMinor: CURRENT_GO_MINOR, summaryOnly: true }).funcTags(),
  describer,
);
