// loopvar/capture: a func literal that refers to a loop variable and may run after the iteration ends
// (goroutine, defer, errgroup/WaitGroup.Go, parallel subtest, stored past the iteration). Before go1.22
// one variable is shared by all iterations, so the closure may see a later value. Uses are resolved
// through the scope resolver: a parameter, a shadowing copy or a redeclared name is not the variable.
import type { QueryMatch } from 'web-tree-sitter';
import { Rule, RuleContext } from '../../engine/rule';
import { PER_ITERATION_LOOPVARS, languageVersion } from '../../toolchain/goVersion';
import { escapingCaptures } from './escaping';
import { anyInLoopBody, CANDIDATES_QUERY, modifiedInBody } from './loops';
import { versionNote } from '../versionNote';
import { passAsArgumentFix } from './argumentFix';
import { CopyRequest, planCopies, statementOf } from './shadowCopy';
import { inErrorReport, isTestCode, skippedBefore } from '../../engine/policy/heat';

export const capture: Rule = {
  id: 'loopvar/capture',
  summary: 'A loop variable is captured by a closure that may run after the iteration (before go1.22).',
  help:
    'Before Go 1.22 a loop declares one variable that every iteration reuses. A func literal that refers to it and runs after the iteration ended (started with go, deferred, passed to errgroup.Group.Go or sync.WaitGroup.Go, a parallel subtest, or stored where the next iteration can reach it) sees a later value, often the last one. Copy the variable inside the body (`v := v`), pass it as an argument, or move the module to go 1.22 or later, where each iteration has its own variable.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  sameAs: ['govet', 'loopclosure', 'scopelint'],
  query: CANDIDATES_QUERY,
  appliesTo: (file) => file.goMinor < PER_ITERATION_LOOPVARS,
  check(ctx: RuleContext, matches: QueryMatch[]) {
    if (!anyInLoopBody(ctx.decl, matches)) return;
    const captures = escapingCaptures(ctx.decl, ctx.scopes());
    const requests = new Map<(typeof captures)[number], CopyRequest>();
    // Once per variable, not per capture: each check walks every reference (cubic in a body of many closures).
    const modified = new Map<number, boolean>();
    for (const c of captures) {
      const statement = statementOf(c.literal);
      const id = c.variable.binding.id.id;
      if (!modified.has(id)) modified.set(id, modifiedInBody(c.variable));
      if (statement && !modified.get(id)) requests.set(c, { statement, name: c.variable.binding.name, firstUse: c.refs[0].startIndex });
    }
    const fixes = planCopies([...requests.values()], ctx.source);
    const testCode = isTestCode(ctx.file.path, ctx.source.text);
    // One fix per literal, from that literal's captures only (all captures for each made bodies of many closures quadratic).
    const byLiteral = new Map<number, typeof captures>();
    for (const c of captures) byLiteral.set(c.literal.id, [...(byLiteral.get(c.literal.id) ?? []), c]);
    const argumentFixes = new Map([...byLiteral].map(([id, cs]) => [id, passAsArgumentFix(cs[0].literal, cs, ctx.scopes(), ctx.pkg)]));
    for (const c of captures) {
      const name = c.variable.binding.name;
      const request = requests.get(c);
      const copy = request && fixes.get(request);
      const argument = argumentFixes.get(c.literal.id);
      const [first, ...more] = c.refs;
      const handshake = testCode ? c.lifetime.handshake?.() : undefined;
      ctx.report({
        node: first,
        message: `loop variable ${name} captured by func literal ${c.lifetime.how}: before go1.22 all iterations share one ${name}, so the closure may see a later iteration's value (this file is ${versionNote(ctx.file)})${handshake ? `; the test waits for it through ${handshake} later in the iteration, after the closure's last use of ${name}` : ''}`,
        fixes: [copy, argument].filter((f) => f !== undefined),
        goVersion: languageVersion(ctx.file.goMinor),
        related: more.map((ref) => ({ node: ref, message: `${name} is used here too, after the iteration may have ended` })),
        subject: [c.variable.binding.id, c.literal],
        // A test whose only use is in its failure messages reports a wrong index, and tests the right thing.
        weak: testCode && (c.refs.every((ref) => inErrorReport(ref, c.literal)) || handshake !== undefined || skippedBefore(c.literal)),
      });
    }
  },
  example: {
    goVersion: '1.21',
    hazard: `package example

import (
	"fmt"
	"sync"
)

func printAll(names []string) {
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(name)
		}()
	}
	wg.Wait()
}
`,
    fix: `package example

import (
	"fmt"
	"sync"
)

func printAll(names []string) {
	var wg sync.WaitGroup
	for _, name := range names {
		name := name
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(name)
		}()
	}
	wg.Wait()
}
`,
  },
};
