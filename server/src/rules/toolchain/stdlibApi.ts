// Which Go version introduced each standard-library package and symbol, from the table generated out
// of Go's api/go1.N.txt files (server/src/toolchain/data/stdlib-api.json, see its README). The JSON is
// imported as a module, not read from disk, because the engine also runs in a browser worker.
import api from '../../toolchain/data/stdlib-api.json';

interface PackageEntry {
  since: number;
  symbols: Record<string, number>;
}

export interface StdPackage {
  path: string;
  /** First minor version with any exported API. */
  since: number;
  /** The newest minor version of anything in the package. */
  newest: number;
  /** Version of a package-level name or `Type.Member`; members the table does not know fall back to their type. */
  versionOf(key: string): number;
  /** The newest minor version among a type's members (its own version when it has none listed). */
  newestMemberOf(typeName: string): number;
  /**
   * Names worth looking for after `pkg.` in a file at go1.minor: package-level names newer than it,
   * and types with a member newer than it; undefined when every name qualifies (the package is newer).
   */
  namesNewerThan(minor: number): readonly string[] | undefined;
  /** Members of a type newer than go1.minor; undefined when every member qualifies (the type is newer). */
  membersNewerThan(typeName: string, minor: number): readonly string[] | undefined;
}

const packages = new Map<string, StdPackage>();
for (const [path, entry] of Object.entries((api as unknown as { packages: Record<string, PackageEntry> }).packages)) {
  const symbols = new Map(Object.entries(entry.symbols));
  const newestMember = new Map<string, number>();
  let newest = entry.since;
  for (const [key, minor] of symbols) {
    newest = Math.max(newest, minor);
    const dot = key.indexOf('.');
    if (dot > 0) {
      const type = key.slice(0, dot);
      newestMember.set(type, Math.max(newestMember.get(type) ?? 0, minor));
    }
  }
  const versionOf = (key: string): number => {
    const known = symbols.get(key);
    if (known !== undefined) return known;
    const dot = key.indexOf('.');
    return (dot > 0 ? symbols.get(key.slice(0, dot)) : undefined) ?? entry.since;
  };
  const newestMemberOf = (typeName: string) => Math.max(versionOf(typeName), newestMember.get(typeName) ?? 0);
  const names = new Map<number, readonly string[] | undefined>();
  packages.set(path, {
    path,
    since: entry.since,
    newest,
    versionOf,
    newestMemberOf,
    namesNewerThan(minor) {
      if (!names.has(minor)) {
        const newer = new Set<string>();
        for (const [key, v] of symbols) {
          const dot = key.indexOf('.');
          if (dot < 0 && v > minor) newer.add(key);
          else if (dot > 0 && v > minor) newer.add(key.slice(0, dot));
        }
        names.set(minor, entry.since > minor ? undefined : [...newer].sort());
      }
      return names.get(minor);
    },
    membersNewerThan(typeName, minor) {
      if (versionOf(typeName) > minor) return undefined;
      const prefix = `${typeName}.`;
      return [...symbols].filter(([key, v]) => v > minor && key.startsWith(prefix)).map(([key]) => key.slice(prefix.length));
    },
  });
}

/** The standard-library package with this import path, or undefined when it is not one. */
export function stdPackage(importPath: string): StdPackage | undefined {
  return packages.get(importPath);
}

/** The newest minor version the table knows: files at that version cannot use anything newer. */
export const newestStdVersion = Math.max(...[...packages.values()].map((p) => p.newest));
