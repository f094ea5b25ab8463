// Which CPU profile applies to a file, and the profiles themselves, each read and indexed once per host.
//
// A file's profile is, in order:
// 1. the one the configuration names (gohazard.profile, --profile, the `profile` key of .gohazard.json);
// 2. else the nearest `default.pgo` from the file's directory up to its module root: `go build -pgo=auto`
//    uses default.pgo in the main package's directory, and one at the module root (a main package
//    there) covers the whole module. Outside a module only the file's own directory counts.
//
// Profiles and default.pgo lookups are cached until the host says a profile file changed (invalidate).
import { basename, dirname, joinPath } from '../paths';
import type { ProfileView as PolicyProfileView } from '../policy/profile';
import { PROFILE_HOT_SHARE } from '../policy/present';
import { CpuProfile, FileScope, FunctionHotness, ProfileSummary } from './cpuProfile';
import { DEFAULT_PROFILE_LIMITS, Gunzip, ProfileFormatError, ProfileLimits, readPprof } from './pprof';

export const DEFAULT_PROFILE_NAME = 'default.pgo';

export interface ProfileHost {
  /** The file's bytes, undefined when it does not exist; rejects when it holds more than maxBytes. */
  readBinaryFile?(path: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Names of the entries of a directory, or undefined when it cannot be listed. */
  listDirectory(dir: string): Promise<string[] | undefined>;
  /** Decompression for gzip-compressed profiles (all profiles Go writes). */
  gunzip?: Gunzip;
}

/**
 * What rules and the policy layer see of the profile that applies to a file. Lines are the engine's,
 * zero-based (as in every Range); the CpuProfile below it speaks pprof's 1-based lines.
 */
export interface ProfileView extends PolicyProfileView {
  /** The profile file's path. */
  readonly source: string;
  /** Changes when the profile's content (or the file's package) changes: part of analysis cache keys. */
  readonly identity: string;
  readonly summary: ProfileSummary;
  /**
   * The innermost function of this file whose lines, as far as the profile knows them (its `func`
   * line to its last line with samples), include `line`; undefined for a function with no samples or a
   * line the profile does not cover. The `func` keyword's line always finds its function.
   */
  hotness(line: number): FunctionHotness | undefined;
  /**
   * The function of this file the profile names so (`Encode`, `(*Encoder).Encode`, `CountDigits.func1`;
   * names/profileNameOf gives it for a declaration), if it has samples. Unlike lines, names stay right
   * while the file is edited: prefer this for declared functions, and for a closure the `func` line
   * at the same distance from its enclosing function's start as in the source.
   */
  named(name: string): FunctionHotness | undefined;
  /** Every function of this file that the profile saw, hottest (cumulative share) first. */
  functions(): readonly FunctionHotness[];
}

export type ProfileOrigin = 'configured' | 'default.pgo';

export type ProfileStatus =
  | { kind: 'loaded'; path: string; origin: ProfileOrigin; profile: LoadedProfile }
  | { kind: 'failed'; path: string; origin: ProfileOrigin; message: string }
  | { kind: 'none'; reason: string };

export interface LoadedProfile {
  readonly path: string;
  /** The path and a hash of the bytes. */
  readonly identity: string;
  readonly cpu: CpuProfile;
}

export class ProfileStore {
  private readonly loads = new Map<string, Promise<LoadedProfile | { error: string }>>();
  private readonly defaultInDir = new Map<string, Promise<boolean>>();

  /** Called once per profile read (again after invalidate), with the error when it could not be used. */
  onLoad: ((path: string, result: LoadedProfile | { error: string }) => void) | undefined;

  constructor(
    private readonly host: ProfileHost,
    private readonly limits: ProfileLimits = DEFAULT_PROFILE_LIMITS,
  ) {}

  /**
   * The profile of a file. `moduleRoot` is the directory of its go.mod (undefined outside a module),
   * `configured` an absolute path from the configuration.
   */
  async resolve(filePath: string, moduleRoot: string | undefined, configured?: string): Promise<ProfileStatus> {
    let path = configured;
    const origin: ProfileOrigin = configured ? 'configured' : 'default.pgo';
    if (!path) {
      path = await this.nearestDefault(dirname(filePath), moduleRoot);
      if (!path) return { kind: 'none', reason: `no profile is configured, and there is no ${DEFAULT_PROFILE_NAME} ${moduleRoot ? "between the file's directory and its module root" : "in the file's directory (it is in no module)"}` };
    }
    const result = await this.load(path);
    return 'error' in result ? { kind: 'failed', path, origin, message: result.error } : { kind: 'loaded', path, origin, profile: result };
  }

  /** A profile file changed, appeared or disappeared (or one the configuration names): read it again. */
  invalidate(path?: string): void {
    if (path === undefined) this.loads.clear();
    else this.loads.delete(path);
    if (path === undefined || basename(path) === DEFAULT_PROFILE_NAME) this.defaultInDir.clear();
  }

  load(path: string): Promise<LoadedProfile | { error: string }> {
    let pending = this.loads.get(path);
    if (!pending) {
      pending = this.read(path).then((result) => {
        this.onLoad?.(path, result);
        return result;
      });
      this.loads.set(path, pending);
    }
    return pending;
  }

  private async read(path: string): Promise<LoadedProfile | { error: string }> {
    if (!this.host.readBinaryFile) return { error: 'this host cannot read binary files' };
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.host.readBinaryFile(path, this.limits.maxFileBytes);
    } catch (error) {
      return { error: `cannot read it (${(error as Error)?.message ?? error})` };
    }
    if (bytes === undefined) return { error: 'the file does not exist or cannot be read' };
    try {
      const cpu = new CpuProfile(await readPprof(bytes, this.host.gunzip, this.limits));
      return { path, identity: `${path}\u0000${bytes.length}\u0000${fnv1a(bytes)}`, cpu };
    } catch (error) {
      if (error instanceof ProfileFormatError) return { error: error.message };
      throw error;
    }
  }

  private async nearestDefault(dir: string, moduleRoot: string | undefined): Promise<string | undefined> {
    const stop = moduleRoot !== undefined && (dir === moduleRoot || dir.startsWith(moduleRoot.endsWith('/') ? moduleRoot : `${moduleRoot}/`)) ? moduleRoot : dir;
    for (let current = dir; ; current = dirname(current)) {
      if (await this.hasDefault(current)) return joinPath(current, DEFAULT_PROFILE_NAME);
      if (current === stop || dirname(current) === current) return undefined;
    }
  }

  private hasDefault(dir: string): Promise<boolean> {
    let pending = this.defaultInDir.get(dir);
    if (!pending) {
      pending = this.host.listDirectory(dir).then((names) => names?.includes(DEFAULT_PROFILE_NAME) ?? false);
      this.defaultInDir.set(dir, pending);
    }
    return pending;
  }
}

/** The view of a loaded profile for one workspace file. */
export function profileView(profile: LoadedProfile, filePath: string, scope: FileScope): ProfileView {
  const zeroBased = (fn: FunctionHotness | undefined): FunctionHotness | undefined => fn && { ...fn, startLine: fn.startLine - 1, lastLine: fn.lastLine - 1 };
  const functions = () => profile.cpu.functionsOf(filePath, scope);
  return {
    name: basename(profile.path),
    source: profile.path,
    identity: `${profile.identity}\u0000${scope.importPath ?? ''}\u0000${scope.inGoroot ? 1 : 0}`,
    summary: profile.cpu.summary,
    hotness: (line) => zeroBased(profile.cpu.hotness(filePath, line + 1, scope)),
    hotWithin: (from, to) => functions().some((fn) => fn.cumShare >= PROFILE_HOT_SHARE && fn.startLine <= to + 1 && fn.lastLine >= from + 1),
    named: (name) => zeroBased(profile.cpu.named(filePath, name, scope)),
    functions: () => functions().map((fn) => zeroBased(fn)!),
  };
}

/** FNV-1a (32 bits) of the bytes: with the length, enough to notice that a profile was made again. */
function fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
