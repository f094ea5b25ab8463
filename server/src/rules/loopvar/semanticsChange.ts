// loopvar/semantics-change: loops whose behaviour changes when the file moves to go1.22, because a
// closure or a pointer made in one iteration is used after it (shared variable before, one variable per
// iteration after, each of them heap-allocated). A report for upgrade planning (`gohazard
// upgrade-impact`) more than a squiggle: its default severity is hint.
import type { Node } from 'web-tree-sitter';
import { Rule } from '../../engine/rule';
import { PER_ITERATION_LOOPVARS } from '../../toolchain/goVersion';
import { escapingAddresses, escapingCaptures, escapingMethodValues } from './escaping';
import { anyInLoopBody, CANDIDATES_QUERY, LoopVariable } from './loops';
import { pointerMethodsIndexer } from './types';

export const semanticsChange: Rule = {
  id: 'loopvar/semantics-change',
  summary: 'This loop behaves differently once the file is go1.22 or later.',
  help:
    'Go 1.22 gives each iteration its own loop variable. A loop whose variable is captured by a closure or whose address is kept past the iteration observes a different variable after the upgrade: closures and pointers see the value of their own iteration instead of the last one, 3-clause loops stop sharing the variable that the post statement updates, and the variable is allocated once per iteration. Review these loops before raising the `go` line in go.mod (`gohazard upgrade-impact` lists them for a whole module).',
  defaultSeverity: 'hint',
  kind: 'explanation',
  indexer: pointerMethodsIndexer,
  query: CANDIDATES_QUERY,
  appliesTo: (file) => file.goMinor < PER_ITERATION_LOOPVARS,
  check(ctx, matches) {
    if (!anyInLoopBody(ctx.decl, matches)) return;
    const scopes = ctx.scopes();
    const reasons = new Map<number, { variable: LoopVariable; where: Node; how: string }>();
    const note = (variable: LoopVariable, where: Node, how: string) => {
      const id = variable.binding.id.id;
      const known = reasons.get(id);
      if (!known || where.startIndex < known.where.startIndex) reasons.set(id, { variable, where, how });
    };
    for (const c of escapingCaptures(ctx.decl, scopes)) note(c.variable, c.refs[0], `captured by a func literal ${c.lifetime.how}`);
    for (const a of [...escapingAddresses(ctx.decl, scopes, ctx.pkg), ...escapingMethodValues(ctx.decl, scopes, ctx.pkg, ctx.file.package)]) {
      note(a.variable, a.address, a.address.type === 'unary_expression' ? `its address ${a.lifetime.how}` : a.lifetime.how);
    }
    for (const { variable, where, how } of [...reasons.values()].sort((a, b) => a.variable.binding.id.startIndex - b.variable.binding.id.startIndex)) {
      const name = variable.binding.name;
      const kind = variable.binding.kind === 'for' ? '3-clause loop variable' : 'range variable';
      ctx.report({
        node: variable.binding.id,
        message: `loop variable ${name} changes meaning at go1.22: the ${kind} is ${how} (line ${ctx.lineOf(where)}); today every iteration shares one ${name}, from go1.22 each iteration gets its own, allocated per iteration`,
        goVersion: 'go1.22',
        subject: [variable.binding.id],
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
