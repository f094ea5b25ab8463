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

/**
 * What is known about the installed go toolchain, the one place messages, reports and hovers read it
 * from. known: the probe answered with a version; pending: the probe is running (or about to); absent:
 * it answered that there is no usable go command; untrusted: the workspace is not trusted, so no
 * program runs; unavailable: no program can run here at all (the browser).
 */
export type ToolchainStatus = 'known' | 'pending' | 'absent' | 'untrusted' | 'unavailable';

export interface ToolchainKnowledge {
  /** Minor version of the installed go toolchain, when it was found. */
  installedMinor?: number;
  /** Its full version, e.g. "go1.26.8". */
  installedVersion?: string;
  /** Why installedMinor is not set, while it is not (default: absent). */
  unknownBecause?: Exclude<ToolchainStatus, 'known'>;
}

export function toolchainStatus(toolchain: ToolchainKnowledge): ToolchainStatus {
  return toolchain.installedMinor !== undefined ? 'known' : (toolchain.unknownBecause ?? 'absent');
}

/** Why the installed toolchain is not known. */
const assumedBecause: Record<Exclude<ToolchainStatus, 'known'>, string> = {
  pending: 'the go version probe has not answered yet',
  absent: 'no go toolchain found',
  untrusted: 'workspace not trusted, go not run',
  unavailable: 'no go command can run here',
};

/** "the installed toolchain go1.26", or "toolchain go1.26, assumed: <why the installed one is not known>". */
export function toolchainNote(status: ToolchainStatus, minor: number): string {
  return status === 'known' ? `the installed toolchain go1.${minor}` : `toolchain go1.${minor}, assumed: ${assumedBecause[status]}`;
}

/** The installed toolchain in a sentence, for reports and tooltips. */
export function describeInstalledToolchain(status: ToolchainStatus, version: string | undefined): string {
  return status === 'known' && version ? `Installed toolchain: ${version}.` : `Installed toolchain: unknown (${assumedBecause[status === 'known' ? 'absent' : status]}).`;
}

export interface FactsSources {
  modules: ModuleResolver;
  /** Without one, the facts have no package view (a toolchain report; cached findings looked up before asking for it). */
  packages?: PackageIndex;
  profiles: ProfileStore;
  toolchain: ToolchainKnowledge;
}

/** lazyPackage: the package view reads only the summaries loaded so far (PackageIndex.viewFor). */
export async function resolveFileFacts(path: string, text: string, sources: FactsSources, ownTree?: () => Node | undefined, configuredProfile?: string, lazyPackage = false): Promise<FileFacts> {
  const moduleOf = sources.modules.moduleFor(path);
  const [module, pkg, profile] = await Promise.all([moduleOf, sources.packages?.viewFor(path, text, ownTree, { lazy: lazyPackage }), moduleOf.then((m) => resolveProfile(path, m, sources.profiles, configuredProfile))]);
  const toolchainMinor = sources.toolchain.installedMinor ?? CURRENT_GO_MINOR;
  const version = fileLanguageVersion(path, module, findBuildConstraint(text), toolchainMinor);
  return {
    path,
    goMinor: version.minor,
    versionSource: version.source,
    toolchainMinor,
    toolchainStatus: toolchainStatus(sources.toolchain),
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
