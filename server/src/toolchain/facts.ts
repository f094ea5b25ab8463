// Everything the engine needs to know about a file before analysing it, resolved through the host's
// file reader: the nearest go.mod, the file's own //go:build line, the toolchain assumed to compile it
// and, for rules that look across files, the rest of its package and the CPU profile that applies.
import type { Node } from 'web-tree-sitter';
import type { PackageIndex } from '../engine/packageIndex';
import { dirname } from '../engine/paths';
import type { FileScope } from '../engine/profile/cpuProfile';
import { profileView, ProfileStatus, ProfileStore } from '../engine/profile/store';
import type { FileFacts } from '../engine/rule';
import { findBuildConstraint } from './buildConstraint';
import { CURRENT_GO_MINOR, fileLanguageVersion, ModuleFacts } from './fileVersion';
import { ModuleResolver } from './moduleResolver';

export interface ToolchainKnowledge {
  /** Minor version of the installed go toolchain, when it was found. */
  installedMinor?: number;
  /** Its full version, e.g. "go1.26.8". */
  installedVersion?: string;
}

export interface FactsSources {
  modules: ModuleResolver;
  /** Absent when the caller needs no package view (e.g. a toolchain report). */
  packages?: PackageIndex;
  profiles: ProfileStore;
  toolchain: ToolchainKnowledge;
}

export async function resolveFileFacts(path: string, text: string, sources: FactsSources, ownTree?: () => Node | undefined, configuredProfile?: string): Promise<FileFacts> {
  const moduleOf = sources.modules.moduleFor(path);
  const [module, pkg, profile] = await Promise.all([moduleOf, sources.packages?.viewFor(path, text, ownTree), moduleOf.then((m) => resolveProfile(path, m, sources.profiles, configuredProfile))]);
  const toolchainMinor = sources.toolchain.installedMinor ?? CURRENT_GO_MINOR;
  const version = fileLanguageVersion(path, module, findBuildConstraint(text), toolchainMinor);
  return {
    path,
    goMinor: version.minor,
    versionSource: version.source,
    toolchainMinor,
    toolchainKnown: sources.toolchain.installedMinor !== undefined,
    package: pkg,
    profile: profile.kind === 'loaded' ? profileView(profile.profile, path, fileScope(path, module)) : undefined,
  };
}

/** The CPU profile that applies to a file (see engine/profile/store.ts), or why none does. */
export function resolveProfile(path: string, module: ModuleFacts | undefined, profiles: ProfileStore, configured?: string): Promise<ProfileStatus> {
  return profiles.resolve(path, module && dirname(module.goModPath), configured);
}

/** The file's package import path, from its module's path and its directory below the module root. */
function fileScope(path: string, module: ModuleFacts | undefined): FileScope {
  const modulePath = module?.facts.module;
  if (!module || !modulePath) return {};
  const root = dirname(module.goModPath);
  const dir = dirname(path);
  const below = dir === root ? '' : dir.startsWith(`${root}/`) ? dir.slice(root.length + 1) : undefined;
  if (below === undefined) return {};
  // The Go distribution's own modules: std packages are imported without a prefix, cmd ones with cmd/.
  if (modulePath === 'std') return { importPath: below, inGoroot: true };
  return { importPath: below === '' ? modulePath : `${modulePath}/${below}`, inGoroot: modulePath === 'cmd' };
}
