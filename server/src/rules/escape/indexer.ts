// The package index summariser for escape/ rules: runs the escape model over the functions of the
// package's other files to record their escape tags, and describes their package-level types,
// variables and constants (see packageFacts.ts).
import type { Node } from 'web-tree-sitter';
import type { Indexer } from '../../engine/packageIndex';
import { DeclScopes, PackageScope } from '../../engine/scope';
import { CURRENT_GO_MINOR } from '../../toolchain/fileVersion';
import { EscapeModel } from './model';
import { ConstDesc, DescriberApi, makeEscapeIndexer, toDesc } from './packageFacts';
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

export const escapeIndexer: Indexer = {
  ...makeEscapeIndexer((decl, scopes, pkg) => {
    // Escape tags do not depend on the language version; the toolchain is the newest gohazard knows.
    const model = new EscapeModel(decl, scopes, pkg, { goMinor: 22, toolchainMinor: CURRENT_GO_MINOR, summaryOnly: true });
    return model.funcSummary();
  }, describer),
  // Modelling every function of every file was half of a scan's CPU time, for summaries that only the
  // cost rules in hot code (and the allocations view) read.
  onDemand: true,
};
