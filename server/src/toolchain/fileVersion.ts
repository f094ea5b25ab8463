// The effective Go language version of one file, decided the way the go command does:
// - the nearest go.mod's `go` line (no line: go1.16);
// - overridden by the file's `//go:build` constraint: Go 1.23 and later (go/types and types2 since
//   CL 607955) use max(constraint version, go1.21), whether that upgrades or downgrades the module's;
//   Go 1.21 and 1.22 only let a constraint upgrade the file; older toolchains ignore it;
// - files outside any module are compiled at the toolchain's own language version.
import { BuildConstraint } from './buildConstraint';
import { languageVersion } from './goVersion';
import { GoModFacts } from './goMod';
import type { GoWorkFacts } from './goWork';

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

export interface WorkspaceFacts {
  goWorkPath: string;
  facts: GoWorkFacts;
  /** Whether go.work's `use` directives name the module. */
  includesModule: boolean;
}

export interface ModuleFacts {
  goModPath: string;
  facts: GoModFacts;
  workspace?: WorkspaceFacts;
}

/** Toolchains from Go 1.23 let //go:build lower a file's version too (CL 607955). */
const DOWNGRADING_TOOLCHAIN = 23;

export function fileLanguageVersion(path: string, module: ModuleFacts | undefined, constraint: BuildConstraint | undefined, toolchainMinor = CURRENT_GO_MINOR): FileVersion {
  const moduleVersion: FileVersion = module
    ? { minor: module.facts.goMinor, source: { kind: 'go.mod', path: module.goModPath, line: module.facts.go?.line } }
    : { minor: toolchainMinor, source: { kind: 'default' } };
  if (constraint?.minGoMinor === undefined || toolchainMinor < BUILD_CONSTRAINT_FLOOR) return moduleVersion;
  const fromConstraint: FileVersion = { minor: Math.max(constraint.minGoMinor, BUILD_CONSTRAINT_FLOOR), source: { kind: 'go:build', path, line: constraint.line } };
  if (toolchainMinor >= DOWNGRADING_TOOLCHAIN) return fromConstraint;
  return fromConstraint.minor > moduleVersion.minor ? fromConstraint : moduleVersion;
}

export function describeVersion(v: FileVersion): string {
  return languageVersion(v.minor);
}
