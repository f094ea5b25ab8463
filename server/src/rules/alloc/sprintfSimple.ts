// alloc/sprintf-simple: fmt.Sprintf whose whole format is one verb applied to one argument whose
// type is certain from the source and has a direct strconv equivalent. fmt boxes the argument in an
// interface (a heap cell for most values) and formats through reflection-driven printer state;
// strconv formats the value directly and allocates only the result.
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { OffsetFix, Rule, RuleContext } from '../../engine/rule';
import { escapeScopeOf } from '../../engine/config';
import { BasicName } from '../escape/goTypes';
import { capture, typeEnvFor } from './context';
import { inLoopScope } from './loops';

interface Rewrite {
  /** The strconv call (or the value itself for %s of a string). */
  text: string;
  needsStrconv: boolean;
  why: 'boxes' | 'copies';
}

export const sprintfSimple: Rule = {
  id: 'alloc/sprintf-simple',
  summary: 'fmt.Sprintf with a single %d/%v/%s/%t verb on a value of a basic type: strconv does it without boxing.',
  help: 'fmt.Sprintf("%d", i) converts i to an interface (a heap allocation for values ≥ 256) and runs fmt\'s general printer; strconv.Itoa(i) formats directly (measured on go1.26: 2 allocations vs 1, and none for 0..99). Reported only when the format is exactly one verb and the argument\'s type is a predeclared basic type known from the source (a named type may have a String method that %v would call). Reported where the code is hot (gohazard.escape.scope `hot`, the default: a benchmark loop or a function the CPU profile says is hot), inside loops with `loops`, everywhere with `all`. The quick fix rewrites the call and imports strconv when needed.',
  defaultSeverity: 'info',
  kind: 'cost',
  sameAs: ['perfsprint'],
  query: '(call_expression function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn) arguments: (argument_list . (interpreted_string_literal) @format . (_) @arg .) (#eq? @fn "Sprintf")) @call',
  check(ctx: RuleContext, matches: QueryMatch[]) {
    const env = typeEnvFor(ctx);
    const loopsOnly = escapeScopeOf(ctx.config) === 'loops';
    for (const m of matches) {
      const call = capture(m, 'call');
      const pkg = capture(m, 'pkg');
      const format = capture(m, 'format');
      const arg = capture(m, 'arg');
      if (!call || !pkg || !format || !arg || arg.type === 'variadic_argument') continue;
      if (env.importOfIdentifier(pkg) !== 'fmt') continue;
      if (loopsOnly && !inLoopScope(call)) continue;
      const verb = /^"%([dvst])"$/.exec(format.text)?.[1];
      if (!verb) continue;
      const t = env.typeOf(arg);
      if (t.kind !== 'basic' || t.untyped) continue;
      const strconvName = strconvImportName(ctx);
      const rewrite = rewriteFor(verb, t.name, arg.text, strconvName ?? 'strconv');
      if (!rewrite) continue;
      const shown = `fmt.Sprintf(${format.text}, ${arg.text})`;
      const message = rewrite.why === 'boxes' ? `${shown} boxes ${arg.text}; use ${rewrite.text}` : `${shown} copies ${arg.text}; use ${rewrite.text}`;
      const fix = buildFix(ctx, call, rewrite, strconvName);
      ctx.report({ node: call, message, fixes: fix ? [fix] : undefined });
    }
  },
  example: {
    hazard: `package example

import "fmt"

func labels(ids []int) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, fmt.Sprintf("%d", id))
	}
	return out
}
`,
    fix: `package example

import "strconv"

func labels(ids []int) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, strconv.Itoa(id))
	}
	return out
}
`,
  },
};

function rewriteFor(verb: string, type: BasicName, x: string, strconv: string): Rewrite | undefined {
  const wrap = (conv: string) => `${conv}(${x})`;
  if (verb === 'd' || verb === 'v') {
    switch (type) {
      case 'int':
        return { text: `${strconv}.Itoa(${x})`, needsStrconv: true, why: 'boxes' };
      case 'int64':
        return { text: `${strconv}.FormatInt(${x}, 10)`, needsStrconv: true, why: 'boxes' };
      case 'int8':
      case 'int16':
      case 'int32':
        return { text: `${strconv}.FormatInt(${wrap('int64')}, 10)`, needsStrconv: true, why: 'boxes' };
      case 'uint64':
        return { text: `${strconv}.FormatUint(${x}, 10)`, needsStrconv: true, why: 'boxes' };
      case 'uint':
      case 'uint8':
      case 'uint16':
      case 'uint32':
        return { text: `${strconv}.FormatUint(${wrap('uint64')}, 10)`, needsStrconv: true, why: 'boxes' };
    }
  }
  if ((verb === 's' || verb === 'v') && type === 'string') return { text: x, needsStrconv: false, why: 'copies' };
  if ((verb === 't' || verb === 'v') && type === 'bool') return { text: `${strconv}.FormatBool(${x})`, needsStrconv: true, why: 'boxes' };
  return undefined;
}

/** The name strconv is imported under in this file, if it is. */
function strconvImportName(ctx: RuleContext): string | undefined {
  const b = ctx.pkg.lookup('strconv');
  if (b?.kind === 'import' && b.importPath === 'strconv') return 'strconv';
  return ctx.pkg.imports().find((i) => i.importPath === 'strconv')?.name;
}

function buildFix(ctx: RuleContext, call: Node, rewrite: Rewrite, strconvName: string | undefined): OffsetFix | undefined {
  const edits = [{ start: call.startIndex, end: call.endIndex, newText: rewrite.text }];
  if (rewrite.needsStrconv) {
    // The name must mean the package where the call is.
    if (ctx.scopes().bindings.some((b) => b.name === (strconvName ?? 'strconv'))) return undefined;
    if (!strconvName) {
      const insert = importInsertion(ctx);
      if (!insert) return undefined;
      edits.push(insert);
    }
  }
  return { title: `Use ${rewrite.text}`, edits, preferred: true };
}

/** An edit adding `"strconv"` to the file's imports, where gofmt keeps it. */
function importInsertion(ctx: RuleContext): { start: number; end: number; newText: string } | undefined {
  const imports = ctx.pkg.importDeclarations();
  if (imports.length === 0) {
    const clause = ctx.pkg.packageClause();
    return clause ? { start: clause.endIndex, end: clause.endIndex, newText: '\n\nimport "strconv"' } : undefined;
  }
  // Into the first parenthesised block, in sorted position among its paths.
  for (const d of imports) {
    const list = d.namedChildren.find((c) => c?.type === 'import_spec_list');
    if (!list) continue;
    const specs = list.namedChildren.filter((c): c is Node => c?.type === 'import_spec');
    const after = specs.filter((s) => (s.childForFieldName('path')?.text ?? '') < '"strconv"').pop();
    const line = ctx.source.text.slice(ctx.source.lineStart(specs[0]?.startPosition.row ?? 0), specs[0]?.startIndex ?? 0);
    const indent = /^\s*$/.test(line) ? line : '\t';
    if (after) return { start: after.endIndex, end: after.endIndex, newText: `\n${indent}"strconv"` };
    const first = specs[0];
    if (!first) continue;
    return { start: first.startIndex, end: first.startIndex, newText: `"strconv"\n${indent}` };
  }
  const last = imports[imports.length - 1];
  return { start: last.endIndex, end: last.endIndex, newText: '\nimport "strconv"' };
}
