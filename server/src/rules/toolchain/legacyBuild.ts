// Files guarded by the pre-Go 1.17 build constraint syntax, `// +build go1.13`, are built only by Go
// 1.13 and later, so they may use the go1.13 standard library even in a go 1.12 module: a common way
// older modules adopted new APIs. The compiler's language version ignores these lines (only
// `//go:build` sets a file's version), so this matters to toolchain/std-api alone. The header is not
// part of any declaration, whose findings the engine caches; an indexer summarises it instead, and
// that summary is part of the cache key.
import type { Indexer } from '../../engine/packageIndex';
import type { RuleContext } from '../../engine/rule';
import { goVersionOfExpression } from '../../toolchain/buildConstraint';

export interface LegacyBuildSummary {
  /** Minor N of the go1.N the file's `// +build` lines require, when they require one. */
  minor?: number;
  /** Zero-based line of the first `// +build` line. */
  line?: number;
}

/** The go1.N that the `// +build` lines of a file's header require; nothing when it has a `//go:build` line. */
export function legacyBuildConstraint(text: string): LegacyBuildSummary {
  const terms: string[] = [];
  let first: number | undefined;
  // Line by line up to the package clause: the header is short, the file may not be.
  for (let i = 0, start = 0; start <= text.length; i++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line.startsWith('//go:build')) return {};
    if (line.startsWith('package ') || (line !== '' && !line.startsWith('//') && !line.startsWith('/*') && !line.startsWith('*'))) break;
    const m = /^\/\/\s*\+build\s+(.*)$/.exec(line);
    if (!m) continue;
    first ??= i;
    // Options separated by spaces are ORed, terms joined by commas ANDed, and lines ANDed.
    const options = m[1].trim().split(/\s+/).map((option) => `(${option.split(',').join(' && ')})`);
    terms.push(`(${options.join(' || ')})`);
  }
  if (terms.length === 0) return {};
  const minor = goVersionOfExpression(terms.join(' && '));
  return minor >= 0 ? { minor, line: first } : {};
}

export const legacyBuildIndexer: Indexer = {
  id: 'toolchain/legacy-build',
  summarize: (_root, source) => legacyBuildConstraint(source.text),
  // The summary is cheaper than the checks around making one (parsing, the nesting limit).
  inputKey: (_root, source) => JSON.stringify(legacyBuildConstraint(source.text)),
};

/** The analysed file's own `// +build` requirement, through its package summary. */
export function legacyBuildOf(ctx: RuleContext): LegacyBuildSummary {
  return (ctx.file.package?.own(legacyBuildIndexer.id) as LegacyBuildSummary | undefined) ?? {};
}
