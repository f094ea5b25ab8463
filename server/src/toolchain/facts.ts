// Everything the engine needs to know about a file before analysing it, resolved through the host's
// file reader: the nearest go.mod, the file's own //go:build line, the toolchain assumed to compile it
// and, for rules that look across files, the rest of its package.
import type { Node } from 'web-tree-sitter';
import type { PackageIndex } from '../engine/packageIndex';
import type { FileFacts } from '../engine/rule';
import { findBuildConstraint } from './buildConstraint';
import { CURRENT_GO_MINOR, fileLanguageVersion } from './fileVersion';
import { ModuleResolver } from './moduleResolver';

export interface ToolchainKnowledge {
  /** Minor version of the installed go toolchain, when it was found. */
  installedMinor?: number;
  /** Its full version, e.g. "go1.26.8". */
  installedVersion?: string;
}

export async function resolveFileFacts(path: string, text: string, modules: ModuleResolver, index: PackageIndex, toolchain: ToolchainKnowledge, ownTree?: () => Node | undefined): Promise<FileFacts> {
  const [module, pkg] = await Promise.all([modules.moduleFor(path), index.viewFor(path, text, ownTree)]);
  const toolchainMinor = toolchain.installedMinor ?? CURRENT_GO_MINOR;
  const version = fileLanguageVersion(path, module, findBuildConstraint(text), toolchainMinor);
  return {
    path,
    goMinor: version.minor,
    versionSource: version.source,
    toolchainMinor,
    toolchainKnown: toolchain.installedMinor !== undefined,
    package: pkg,
  };
}
