// loopvar/capture: a func literal started with `go` inside a loop refers to a loop variable. Before
// go1.22 one variable is shared by all iterations, so the goroutine may run after the loop has moved
// on and see a later value. Uses are resolved through the scope resolver: a parameter, a shadowing
// copy or a redeclared name is not the loop variable.
import type { Node, QueryMatch } from 'web-tree-sitter';
import { Rule, RuleContext } from '../../engine/rule';
import { PER_ITERATION_LOOPVARS, languageVersion } from '../../toolchain/goVersion';
import { loopVarsUsedIn, versionNote } from './loops';
import { insertCopiesFix } from './shadowCopy';

export const capture: Rule = {
  id: 'loopvar/capture',
  summary: 'A loop variable is captured by a goroutine that may outlive the iteration (before go1.22).',
  help:
    'Before Go 1.22 a loop declares one variable that every iteration reuses. A func literal started with `go` that refers to it can run after the loop has advanced, and then sees a later value (often the last one). Copy the variable inside the body (`v := v`), pass it as an argument, or move the module to go 1.22 or later, where each iteration has its own variable.',
  defaultSeverity: 'warning',
  query: '(go_statement (call_expression function: (func_literal) @lit)) @stmt',
  appliesTo: (file) => file.goMinor < PER_ITERATION_LOOPVARS,
  check(ctx: RuleContext, matches: QueryMatch[]) {
    for (const m of matches) {
      const lit = m.captures.find((c) => c.name === 'lit')?.node;
      const stmt = m.captures.find((c) => c.name === 'stmt')?.node;
      if (lit && stmt) reportCaptures(ctx, lit, stmt);
    }
  },
};

function reportCaptures(ctx: RuleContext, lit: Node, stmt: Node): void {
  const captured = loopVarsUsedIn(lit, ctx.scopes());
  if (captured.length === 0) return;
  const fix = insertCopiesFix(stmt, captured.map((c) => c.binding.name), ctx.source);
  for (const { binding, refs } of captured) {
    for (const ref of refs) {
      ctx.report({
        node: ref,
        message: `loop variable ${binding.name} captured by func literal started with go: before go1.22 all iterations share one ${binding.name}, so the goroutine may see a later iteration's value (this file is ${versionNote(ctx.file)})`,
        fixes: [fix],
        goVersion: languageVersion(ctx.file.goMinor),
      });
    }
  }
}
