// What both toolchain/ rules say and offer when a file uses something newer than its Go version: the
// version needed, where the file's version comes from, and a quick fix that raises go.mod's `go` line.
import type { FileFacts, OffsetFix } from '../../engine/rule';
import { PER_ITERATION_LOOPVARS, languageVersion } from '../../toolchain/goVersion';
import { versionNote } from '../versionNote';

/** "range over an integer needs go1.22; this file is go1.21 from go.mod line 3" */
export function needsMessage(what: string, minor: number, file: FileFacts): string {
  return `${what} needs ${languageVersion(minor)}; this file is ${versionNote(file)}`;
}

/**
 * Replaces go.mod's `go` line with `go 1.N`. Offered only when the file's version comes from a go.mod
 * that has a `go` line: a //go:build constraint is the author's explicit choice, and a go.mod without a
 * go line needs more than one line changed. Never preferred, so fix-all does not edit go.mod.
 */
export function raiseGoModFixes(file: FileFacts, minor: number): OffsetFix[] {
  const s = file.versionSource;
  if (s.kind !== 'go.mod' || !s.path || s.line === undefined || minor <= file.goMinor) return [];
  // Crossing go1.22 changes what loop variables mean; say so where the fix is chosen.
  const loopvar = file.goMinor < PER_ITERATION_LOOPVARS && minor >= PER_ITERATION_LOOPVARS ? ' (loop variables become per-iteration)' : '';
  return [
    {
      title: `Raise go.mod to go 1.${minor}${loopvar}`,
      edits: [],
      otherFiles: [{ path: s.path, edits: [{ range: { start: { line: s.line, character: 0 }, end: { line: s.line + 1, character: 0 } }, newText: `go 1.${minor}\n` }] }],
    },
  ];
}
