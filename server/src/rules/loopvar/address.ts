// loopvar/address: `&v` (or `&v.f`) of a loop variable that is kept past the iteration. Before go1.22
// every iteration's &v is the address of the same variable, so all the stored pointers end up seeing
// the last value. Implicit addresses through pointer-receiver method calls need types and are left to
// loopvar/semantics-change, which knows the receivers declared in the file.
import { Rule } from '../../engine/rule';
import { PER_ITERATION_LOOPVARS, languageVersion } from '../../toolchain/goVersion';
import { escapingAddresses } from './escaping';
import { anyInLoopBody } from './loops';
import { versionNote } from '../versionNote';

export const address: Rule = {
  id: 'loopvar/address',
  summary: 'The address of a loop variable is kept past the iteration (before go1.22).',
  help:
    'Before Go 1.22 a loop declares one variable that every iteration reuses, so `&v` is the same pointer in every iteration. Storing it (appending to a slice, putting it in a map, a field or an outer variable, sending it on a channel) leaves every stored pointer aliasing one variable that ends up holding the last value. Copy the value first (`v := v; p := &v`), point into the collection (`&xs[i]`), or move the module to go 1.22 or later.',
  defaultSeverity: 'warning',
  query: '(unary_expression operator: "&" operand: [(identifier) (selector_expression)]) @address',
  appliesTo: (file) => file.goMinor < PER_ITERATION_LOOPVARS,
  check(ctx, matches) {
    if (!anyInLoopBody(matches)) return;
    for (const a of escapingAddresses(ctx.decl, ctx.scopes(), ctx.pkg)) {
      const name = a.variable.binding.name;
      ctx.report({
        node: a.address,
        message: `address of loop variable ${name} ${a.lifetime.how}: before go1.22 every iteration's &${name} points to the same variable, so the stored pointers all see its last value (this file is ${versionNote(ctx.file)})`,
        goVersion: languageVersion(ctx.file.goMinor),
      });
    }
  },
};
