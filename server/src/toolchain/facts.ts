// Everything the engine needs to know about a file before analysing it, resolved through the host's
// file reader: the nearest go.mod and the file's own //go:build line.
import type { FileFacts } from '../engine/rule';
import { findBuildConstraint } from './buildConstraint';
import { fileLanguageVersion } from './fileVersion';
import { ModuleResolver } from './moduleResolver';

export async function resolveFileFacts(path: string, text: string, modules: ModuleResolver): Promise<FileFacts> {
  const module = await modules.moduleFor(path);
  const version = fileLanguageVersion(path, module, findBuildConstraint(text));
  return { path, goMinor: version.minor, versionSource: version.source };
}
