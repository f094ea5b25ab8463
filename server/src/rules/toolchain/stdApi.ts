// toolchain/std-api: standard-library packages and symbols newer than the file's Go version, as
// `go vet -stdversion` reports them, from the table generated out of Go's api/go1.N.txt files
// (stdlibApi.ts). Found by name, no type checker: `pkg.Name` through an import of the file, types
// written `pkg.T` (their fields in `pkg.T{F: …}` literals), and methods and fields through a variable
// whose type the file writes: a parameter `b *testing.B` makes `b.Loop()` go1.24, `var wg
// sync.WaitGroup` makes `wg.Go(…)` go1.25. Embedded fields, struct fields and values of unknown type
// are not followed. unsafe is left to toolchain/language-feature: the compiler itself rejects it.
import { isTestFile } from '../../engine/policy/heat';
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Binding, PackageScope } from '../../engine/scope';
import { specsOf } from '../../engine/scope';
import { languageVersion } from '../../toolchain/goVersion';
import { escapeRegExp, scanNames } from './identifierScan';
import { legacyBuildIndexer, legacyBuildOf } from './legacyBuild';
import { NameResolver, nameResolver } from './nameResolver';
import { needsMessage, raiseGoModFixes } from './raiseGoVersion';
import { StdPackage, newestStdVersion, stdPackage } from './stdlibApi';

export const stdApi: Rule = {
  id: 'toolchain/std-api',
  summary: 'A standard-library package or symbol newer than the Go version of the file.',
  help:
    "The `go` line of go.mod (or a file's `//go:build go1.N` line) promises that the code builds with that Go release, but a newer toolchain compiles calls to standard-library API that the promised release does not have (`slices` and `maps` are go1.21, `iter` go1.23, `testing.B.Loop` go1.24, `sync.WaitGroup.Go` go1.25): the build breaks for whoever uses the older release. Versions come from Go's own api/go1.N.txt files, as `go vet -stdversion` uses them. Methods are found through variables whose type is written in the file (`b *testing.B`, `var wg sync.WaitGroup`). Raise the `go` line (the quick fix does) or use an older API.",
  defaultSeverity: 'warning',
  kind: 'hazard',
  indexer: legacyBuildIndexer,
  query: '[(function_declaration) (method_declaration) (var_declaration) (const_declaration) (type_declaration) (import_declaration)] @decl',
  appliesTo: (file) => file.goMinor < newestStdVersion,
  check(ctx: RuleContext) {
    new StdApiCheck(ctx).run();
  },
  example: {
    goVersion: '1.20',
    hazard: `package example

import "slices"

func hasAdmin(roles []string) bool {
	return slices.Contains(roles, "admin")
}
`,
    fix: `package example

func hasAdmin(roles []string) bool {
	for _, r := range roles {
		if r == "admin" {
			return true
		}
	}
	return false
}
`,
  },
};

interface StdImport {
  binding: Binding;
  pkg: StdPackage;
}

/** A variable whose written type is a std type with members newer than the file. */
interface TypedVariable {
  /** The identifier that declares it. */
  id: Node;
  imp: StdImport;
  typeName: string;
}

/** What a file's package scope says, computed once per analysis rather than once per declaration. */
interface FileApiFacts {
  minor: number;
  /** Imports of std packages that have something newer than the file, by name. */
  imports: Map<string, StdImport>;
  /** `name.Symbol` for those imports, limited to symbols that are (or have members) newer than the file. */
  selectors?: RegExp;
  /** Package-level variables of the file declared with a std type whose members are newer than the file. */
  variables: TypedVariable[];
}

const factsByScope = new WeakMap<PackageScope, Map<number, FileApiFacts>>();

/**
 * Names are found with one regular expression of alternatives: a generated identifier of 100k
 * characters makes it too large for V8 ("Invalid regular expression"). No Go program names a std
 * import or a variable of a std type like that.
 */
const MAX_SCANNED_NAME = 1024;

function fileApiFacts(pkg: PackageScope, minor: number): FileApiFacts {
  let byMinor = factsByScope.get(pkg);
  if (!byMinor) factsByScope.set(pkg, (byMinor = new Map()));
  let facts = byMinor.get(minor);
  if (!facts) byMinor.set(minor, (facts = apiFactsOf(pkg, minor)));
  else {
    // A declaration served from the memo read what the one that built it read.
    pkg.imports();
    if (facts.imports.size > 0) pkg.bindingsOfKind('var');
  }
  return facts;
}

function apiFactsOf(pkg: PackageScope, minor: number): FileApiFacts {
  const imports = new Map<string, StdImport>();
  for (const b of pkg.imports()) {
    const std = b.importPath && b.importPath !== 'unsafe' ? stdPackage(b.importPath) : undefined;
    if (std && std.newest > minor && b.name.length <= MAX_SCANNED_NAME) imports.set(b.name, { binding: b, pkg: std });
  }
  const variables: TypedVariable[] = [];
  for (const b of imports.size > 0 ? pkg.bindingsOfKind('var') : []) {
    const type = b.declarator.childForFieldName('type');
    const named = type && namedTypeOf(type);
    const imp = named && imports.get(named.childForFieldName('package')?.text ?? '');
    const typeName = named?.childForFieldName('name')?.text ?? '';
    if (imp && imp.pkg.newestMemberOf(typeName) > minor) variables.push({ id: b.id, imp, typeName });
  }
  const alternatives = [...imports].map(([name, imp]) => `${escapeRegExp(name)}\\s*\\.\\s*${namesPattern(imp.pkg.namesNewerThan(minor))}`);
  const selectors = alternatives.length > 0 ? new RegExp(`(?:${alternatives.join('|')})`, 'g') : undefined;
  return { minor, imports, selectors, variables };
}

class StdApiCheck {
  private readonly minor: number;
  private readonly imports: Map<string, StdImport>;
  private readonly selectors?: RegExp;
  private readonly packageVariables: TypedVariable[];
  private resolver?: NameResolver;
  /** A `// +build go1.N` line: the file is only built by go1.N and later. */
  private readonly builtFrom?: { minor: number; line: number };

  constructor(private readonly ctx: RuleContext) {
    const legacy = legacyBuildOf(ctx);
    if (legacy.minor !== undefined && legacy.line !== undefined && legacy.minor > ctx.file.goMinor) this.builtFrom = { minor: legacy.minor, line: legacy.line };
    this.minor = Math.max(ctx.file.goMinor, this.builtFrom?.minor ?? 0);
    const facts = fileApiFacts(ctx.pkg, this.minor);
    this.imports = facts.imports;
    this.selectors = facts.selectors;
    this.packageVariables = facts.variables;
  }

  private resolve(use: Node): Binding | undefined {
    return (this.resolver ??= nameResolver(this.ctx.decl, this.ctx.pkg, this.ctx.source.text))(use);
  }

  private report(node: Node, what: string, needed: number): void {
    if (needed <= this.minor) return;
    const built = this.builtFrom ? ` and built by go1.${this.builtFrom.minor} or later (// +build line ${this.builtFrom.line + 1})` : '';
    // Modules that depend on this one never build its tests: there only whoever runs them needs the newer toolchain.
    const testOnly = isTestFile(this.ctx.file.path);
    const message = needsMessage(what, needed, this.ctx.file) + built + (testOnly ? ' (a test file: only running the tests needs it)' : '');
    this.ctx.report({ node, message, fixes: raiseGoModFixes(this.ctx.file, needed), goVersion: languageVersion(needed), weak: testOnly });
  }

  run(): void {
    if (this.ctx.decl.type === 'import_declaration') return this.importedPackages();
    if (!this.selectors) return;
    const variables: TypedVariable[] = [...this.packageVariables];
    for (const { node } of scanNames(this.ctx, this.selectors, (m) => m[0].slice(0, m[0].search(/[\s.]/)))) {
      const imp = this.imports.get(node.text)!;
      if (node.type === 'package_identifier') this.qualifiedType(node, imp, variables);
      else if (node.type === 'identifier') this.selector(node, imp);
    }
    this.members(variables);
  }

  /** `import "iter"` in a go1.22 file: the package itself does not exist in the file's Go version. */
  private importedPackages(): void {
    for (const spec of specsOf(this.ctx.decl)) {
      const path = spec.childForFieldName('path')?.text.slice(1, -1) ?? '';
      const pkg = path === 'unsafe' ? undefined : stdPackage(path);
      if (pkg) this.report(spec, `package ${path}`, pkg.since);
    }
  }

  /** `slices.Collect`: a package-level name through the import (not a local variable named slices). */
  private selector(operand: Node, imp: StdImport): void {
    const selector = operand.parent;
    if (selector?.type !== 'selector_expression' || selector.childForFieldName('operand')?.id !== operand.id) return;
    const name = selector.childForFieldName('field')?.text ?? '';
    const needed = imp.pkg.versionOf(name);
    if (needed <= this.minor || this.resolve(operand) !== imp.binding) return;
    this.report(selector, `${operand.text}.${name}`, needed);
  }

  /** `iter.Seq`, `*testing.B`, `atomic.Pointer[T]`, `http.Server{Protocols: …}`. */
  private qualifiedType(pkgName: Node, imp: StdImport, variables: TypedVariable[]): void {
    const type = pkgName.parent;
    if (type?.type !== 'qualified_type') return;
    const typeName = type.childForFieldName('name')?.text ?? '';
    this.report(type, `${pkgName.text}.${typeName}`, imp.pkg.versionOf(typeName));
    if (imp.pkg.newestMemberOf(typeName) <= this.minor) return;
    const use = typeUse(type);
    if (use.parent?.type === 'composite_literal') this.literalFields(use.parent, pkgName.text, imp, typeName);
    for (const id of variablesOfType(use)) variables.push({ id, imp, typeName });
  }

  private literalFields(literal: Node, pkgName: string, imp: StdImport, typeName: string): void {
    for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
      if (element?.type !== 'keyed_element') continue;
      const key = element.namedChild(0)?.namedChild(0);
      if (key?.type !== 'identifier') continue;
      this.report(key, `${pkgName}.${typeName}.${key.text}`, imp.pkg.versionOf(`${typeName}.${key.text}`));
    }
  }

  /** `v.Member` for the typed variables: found by name in the text, kept when the name resolves to the variable. */
  private members(variables: TypedVariable[]): void {
    if (variables.length === 0) return;
    const byName = new Map<string, TypedVariable[]>();
    const alternatives = new Set<string>();
    for (const v of variables) {
      if (v.id.text.length > MAX_SCANNED_NAME) continue;
      const same = byName.get(v.id.text) ?? [];
      if (same.some((o) => o.id.id === v.id.id)) continue;
      byName.set(v.id.text, [...same, v]);
      alternatives.add(`${escapeRegExp(v.id.text)}\\s*\\.\\s*${namesPattern(v.imp.pkg.membersNewerThan(v.typeName, this.minor))}`);
    }
    if (alternatives.size === 0) return;
    const pattern = new RegExp(`(?:${[...alternatives].join('|')})`, 'g');
    for (const { node } of scanNames(this.ctx, pattern, (m) => m[0].slice(0, m[0].search(/[\s.]/)))) {
      const selector = node.parent;
      if (node.type !== 'identifier' || selector?.type !== 'selector_expression' || selector.childForFieldName('operand')?.id !== node.id) continue;
      const name = selector.childForFieldName('field')?.text ?? '';
      for (const v of byName.get(node.text) ?? []) {
        const needed = v.imp.pkg.versionOf(`${v.typeName}.${name}`);
        if (needed > this.minor && this.resolve(node)?.id.id === v.id.id) this.report(selector, `${v.imp.binding.name}.${v.typeName}.${name}`, needed);
      }
    }
  }
}

/** The names declared with this written type: `b *testing.B`, `var wg sync.WaitGroup`, `wg := &sync.WaitGroup{}`, `new(T)`. */
function variablesOfType(use: Node): Node[] {
  const parent = use.parent;
  if (!parent) return [];
  if ((parent.type === 'parameter_declaration' || parent.type === 'var_spec') && parent.childForFieldName('type')?.id === use.id) {
    return parent.childrenForFieldName('name').filter((id): id is Node => id?.type === 'identifier');
  }
  // A value made from the type, assigned to a name of its own.
  let value: Node | null = null;
  if (parent.type === 'composite_literal') value = parent.parent?.type === 'unary_expression' && parent.parent.childForFieldName('operator')?.text === '&' ? parent.parent : parent;
  else if (parent.type === 'argument_list' && parent.parent?.childForFieldName('function')?.text === 'new') value = parent.parent;
  const list = value?.parent;
  const declarator = list?.parent;
  if (!value || list?.type !== 'expression_list' || !declarator) return [];
  const isShort = declarator.type === 'short_var_declaration';
  if (!isShort && declarator.type !== 'var_spec') return [];
  if (declarator.childForFieldName(isShort ? 'right' : 'value')?.id !== list.id) return [];
  const names = isShort ? (declarator.childForFieldName('left')?.namedChildren ?? []) : declarator.childrenForFieldName('name');
  const values = list.namedChildren;
  const id = names.length === values.length ? names[values.findIndex((n) => n?.id === value.id)] : undefined;
  return id?.type === 'identifier' ? [id] : [];
}

/** The outermost node of a written type around a qualified type: `*T`, `T[int]`, `*T[int]`. */
function typeUse(type: Node): Node {
  let use = type;
  while (use.parent && (use.parent.type === 'pointer_type' || (use.parent.type === 'generic_type' && use.parent.childForFieldName('type')?.id === use.id))) use = use.parent;
  return use;
}

/** The qualified type a written type names, through pointers and type arguments. */
function namedTypeOf(type: Node): Node | undefined {
  let t: Node | null = type;
  while (t && (t.type === 'pointer_type' || t.type === 'generic_type')) t = t.type === 'pointer_type' ? t.namedChild(0) : t.childForFieldName('type');
  return t?.type === 'qualified_type' ? t : undefined;
}

/** `(?:A|B)\b` for the names, or any identifier when every name qualifies. */
function namesPattern(names: readonly string[] | undefined): string {
  return names === undefined ? '[A-Za-z_]\\w*' : `(?:${names.length > 0 ? names.join('|') : '(?!)'})\\b`;
}

