// loopvar/address: `&v` (or `&v.f`) of a loop variable that is kept past the iteration. Before go1.22
// every iteration's &v is the address of the same variable, so all the stored pointers end up seeing
// the last value. Implicit addresses count too when the method is known to take a pointer receiver
// (declared in the package): a method value `v.m` kept past the iteration, `go v.m()`, `defer v.m()`.
import { Rule } from '../../engine/rule';
import { PER_ITERATION_LOOPVARS, languageVersion } from '../../toolchain/goVersion';
import { escapingAddresses, escapingMethodValues } from './escaping';
import { pointerMethodsIndexer } from './types';
import { anyInLoopBody, CANDIDATES_QUERY } from './loops';
import { versionNote } from '../versionNote';

export const address: Rule = {
  id: 'loopvar/address',
  summary: 'The address of a loop variable is kept past the iteration (before go1.22).',
  help:
    'Before Go 1.22 a loop declares one variable that every iteration reuses, so `&v` is the same pointer in every iteration. Storing it (appending to a slice, putting it in a map, a field or an outer variable, sending it on a channel) leaves every stored pointer aliasing one variable that ends up holding the last value. A pointer-receiver method takes `&v` implicitly: a method value `v.m` kept past the iteration, `go v.m()` and `defer v.m()` keep that address too (reported when the method is declared in the package with a pointer receiver). Copy the value first (`v := v; p := &v`), point into the collection (`&xs[i]`), or move the module to go 1.22 or later.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  sameAs: ['exportloopref', 'scopelint', 'gosec', 'G601'],
  indexer: pointerMethodsIndexer,
  query: CANDIDATES_QUERY,
  appliesTo: (file) => file.goMinor < PER_ITERATION_LOOPVARS,
  check(ctx, matches) {
    if (!anyInLoopBody(ctx.decl, matches)) return;
    const addresses = [...escapingAddresses(ctx.decl, ctx.scopes(), ctx.pkg), ...escapingMethodValues(ctx.decl, ctx.scopes(), ctx.pkg, ctx.file.package)];
    for (const a of addresses) {
      const name = a.variable.binding.name;
      const what = a.address.type === 'unary_expression' ? `address of loop variable ${name} ${a.lifetime.how}` : `address of loop variable ${name}, held by ${a.lifetime.how}`;
      ctx.report({
        node: a.address,
        message: `${what}: before go1.22 every iteration's &${name} points to the same variable, so whoever keeps it sees its last value (this file is ${versionNote(ctx.file)})`,
        goVersion: languageVersion(ctx.file.goMinor),
        subject: [a.variable.binding.id, a.address],
      });
    }
  },
  example: {
    goVersion: '1.21',
    hazard: `package example

func pointers(xs []int) []*int {
	var out []*int
	for _, x := range xs {
		out = append(out, &x)
	}
	return out
}
`,
    fix: `package example

func pointers(xs []int) []*int {
	var out []*int
	for i := range xs {
		out = append(out, &xs[i])
	}
	return out
}
`,
  },
};
