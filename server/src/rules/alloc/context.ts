// Shared set-up of the alloc/ rules: the escape family's type environment for a declaration.
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../engine/rule';
import { packageFactsOf } from '../escape/packageFacts';
import { TypeEnv } from '../escape/typeEnv';

const envs = new WeakMap<RuleContext['file'], Map<number, TypeEnv>>();

/** Types of the declaration's expressions, shared by the rules checking it. */
export function typeEnvFor(ctx: RuleContext): TypeEnv {
  let byDecl = envs.get(ctx.file);
  if (!byDecl) envs.set(ctx.file, (byDecl = new Map()));
  let env = byDecl.get(ctx.decl.startIndex);
  if (!env || env.decl.id !== ctx.decl.id) {
    const localTypes = ctx.decl.descendantsOfType('type_spec').filter((n): n is Node => n !== null);
    env = new TypeEnv(ctx.decl, ctx.scopes(), ctx.pkg, localTypes, packageFactsOf(ctx.file.package));
    byDecl.set(ctx.decl.startIndex, env);
  }
  return env;
}

export function capture(m: { captures: { name: string; node: Node }[] }, name: string): Node | undefined {
  return m.captures.find((c) => c.name === name)?.node;
}
