// The effective Go language version of one file: the nearest go.mod's `go` line, overridden by the
// file's `//go:build` constraint as current toolchains do (Go 1.23+, CL 607955: the constraint's
// version applies, but never below go1.21, whether that upgrades or downgrades the module's).
import { BuildConstraint } from './buildConstraint';
import { languageVersion } from './goVersion';
import { GoModFacts } from './goMod';

/** Language version assumed for files outside any module: the toolchain's own, here the newest we know. */
export const CURRENT_GO_MINOR = 26;
const BUILD_CONSTRAINT_FLOOR = 21;

export interface VersionSource {
  kind: 'go.mod' | 'go:build' | 'default' | 'override';
  /** Path of go.mod (for kind go.mod) or of the file itself (go:build). */
  path?: string;
  /** Zero-based line of the directive. */
  line?: number;
}

export interface FileVersion {
  minor: number;
  source: VersionSource;
}

export interface ModuleFacts {
  goModPath: string;
  facts: GoModFacts;
}

export function fileLanguageVersion(path: string, module: ModuleFacts | undefined, constraint: BuildConstraint | undefined): FileVersion {
  if (constraint?.minGoMinor !== undefined) {
    return {
      minor: Math.max(constraint.minGoMinor, BUILD_CONSTRAINT_FLOOR),
      source: { kind: 'go:build', path, line: constraint.line },
    };
  }
  if (module) {
    return { minor: module.facts.goMinor, source: { kind: 'go.mod', path: module.goModPath, line: module.facts.go?.line } };
  }
  return { minor: CURRENT_GO_MINOR, source: { kind: 'default' } };
}

export function describeVersion(v: FileVersion): string {
  return languageVersion(v.minor);
}
