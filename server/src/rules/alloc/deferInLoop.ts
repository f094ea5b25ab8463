// alloc/defer-in-loop: a defer statement directly in a loop body runs when the function returns,
// not when the iteration ends, and cannot be open-coded: every iteration pushes a defer record
// (and a closure for its call) that lives until the function exits.
import type { QueryMatch } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import { capture } from './context';
import { innermostLoop } from './loops';

export const deferInLoop: Rule = {
  id: 'alloc/defer-in-loop',
  summary: 'A defer inside a loop runs when the function returns, not when the iteration ends: what it releases stays held until then.',
  help: 'Deferred calls run when the surrounding function returns. In a loop, each iteration adds one more pending call (files stay open, locks stay held until the function ends), and the compiler cannot open-code such defers: each one is a runtime defer record plus a heap closure for its call (1-2 allocations per iteration, measured on go1.26). Move the loop body into a function (or a func literal called per iteration) so that the defer runs at the end of each iteration, or release the resource explicitly.',
  defaultSeverity: 'info',
  kind: 'resource',
  sameAs: ['gocritic', 'revive'],
  query: '(defer_statement) @defer',
  check(ctx: RuleContext, matches: QueryMatch[]) {
    for (const m of matches) {
      const d = capture(m, 'defer');
      if (!d || !innermostLoop(d)) continue;
      ctx.report({
        node: d,
        message: 'defer in a loop runs when the function returns, not when the iteration ends: what it releases stays held until then, for every iteration (and each adds a heap defer record); move the body into a function called per iteration, or release the resource explicitly',
      });
    }
  },
  example: {
    hazard: `package example

import "os"

func sizes(paths []string) ([]int64, error) {
	var out []int64
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return nil, err
		}
		out = append(out, info.Size())
	}
	return out, nil
}
`,
    fix: `package example

import "os"

func sizes(paths []string) ([]int64, error) {
	var out []int64
	for _, p := range paths {
		size, err := fileSize(p)
		if err != nil {
			return nil, err
		}
		out = append(out, size)
	}
	return out, nil
}

func fileSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}
`,
  },
};
