// A CPU profile indexed by source function: how much of the profile's CPU time each function of a
// file accounts for, itself (flat) and with what it calls (cumulative), and which lines it spans as
// far as the samples show.
//
// A source function is a file and the line of its `func` keyword (pprof's start_line). Several profile
// functions can share one: a closure inlined into different callers (`F.func1`, `G.F.func1`), the
// instantiations of a generic function. Their samples are counted once per sample, like pprof counts a
// recursive function once in a stack.
//
// Profile file names are paths on the machine that ran the program (/home/ci/src/x/pkg/enc.go,
// /usr/local/go/src/runtime/malloc.go, or with -trimpath example.com/x/pkg/enc.go). A profile function
// belongs to a workspace file when
// - the workspace file's import path is known (its go.mod names the module) and is the function's
//   package (or its external test package), and the file names are the same: the compiler itself
//   matches a profile to code by symbol name, so another module's `internal/util.go` is not this
//   module's, and this module's is, wherever either was checked out;
// - or else (no import path, or a `main` package, whose symbols are main.F whatever its import path)
//   the paths end with the same two or more components, the file name and its directory at least, and
//   only the profile files with the longest such suffix count. Standard-library files match this way
//   only files that are themselves in a GOROOT.
import { splitSymbolName } from './names';
import { Pprof, ProfileFormatError } from './pprof';

export interface ProfileSummary {
  /** The sample type the shares are computed from, e.g. "cpu/nanoseconds" or "samples/count". */
  sampleType: string;
  /** The sum of that value over every sample: nanoseconds of CPU time for cpu/nanoseconds. */
  total: number;
  /** How many times the profiler sampled (the samples/count total, else the number of sample records). */
  samples: number;
  /** CPU time the samples stand for, when the profile says (cpu/nanoseconds). */
  cpuNanos?: number;
  /** How long the profile ran (0 when it does not say). */
  durationNanos: number;
  /** Source functions that have samples. */
  functions: number;
}

export interface FunctionHotness {
  /** For messages: `(*Encoder).Encode`, `CountDigits.func1` (without the package path). */
  functionName: string;
  /** As the profile names it: `example.com/x/pkg.(*Encoder).Encode`. */
  fullName: string;
  /** Share of the profile's samples whose stack contains the function, 0–1. */
  cumShare: number;
  /** Share of the profile's samples spent in the function itself, 0–1. */
  flatShare: number;
  /** The line of the function's `func` keyword (1-based from CpuProfile, zero-based from a ProfileView). */
  startLine: number;
  /** The last line the profile attributes samples to (the function may go on after it); same base. */
  lastLine: number;
}

/** What is known about the package of the workspace file being looked up. */
export interface FileScope {
  /** The file's package import path (module path + directory), when its go.mod names the module. */
  importPath?: string;
  /** The file is part of a Go distribution (its module is std or cmd): standard-library functions may match it. */
  inGoroot?: boolean;
}

interface SourceFunction {
  fullName: string;
  shortName: string;
  packagePath: string;
  filename: string;
  /** pprof's start_line; before Go 1.21 profiles have none (0) and the first line with samples stands in. */
  startLine: number;
  lastLine: number;
  cum: number;
  flat: number;
}

export class CpuProfile {
  readonly summary: ProfileSummary;
  private readonly functions: SourceFunction[] = [];
  /** Profile file names by their last path component. */
  private readonly filesByBase = new Map<string, string[]>();
  private readonly functionsByFile = new Map<string, SourceFunction[]>();
  private readonly isStandardLibrary: (filename: string) => boolean;
  /** The functions of each workspace file looked up, hottest first. */
  private readonly lookups = new Map<string, FunctionHotness[]>();

  /** Indexes a decoded profile; throws ProfileFormatError when it is not a usable CPU profile. */
  constructor(pprof: Pprof) {
    const valueIndex = cpuValueIndex(pprof);
    const countIndex = pprof.sampleTypes.findIndex((t) => t.type === 'samples' && t.unit === 'count');
    const types = pprof.sampleTypes.length;

    // Profile functions → source functions, merged by file and start line.
    const sourceOf = new Map<number, number>();
    const byKey = new Map<string, number>();
    const startKnown: boolean[] = [];
    for (const f of pprof.functions.values()) {
      const key = f.startLine > 0 ? `${f.filename}\u0000${f.startLine}` : `${f.filename}\u0000${f.name}`;
      const { packagePath, shortName } = splitSymbolName(f.name || f.systemName);
      let index = byKey.get(key);
      if (index === undefined) {
        index = this.functions.length;
        byKey.set(key, index);
        startKnown.push(f.startLine > 0);
        this.functions.push({ fullName: f.name, shortName, packagePath, filename: f.filename, startLine: f.startLine, lastLine: f.startLine, cum: 0, flat: 0 });
      } else {
        const known = this.functions[index];
        // The plainest of the merged names (`CountDigits.func1` rather than `Benchmark.CountDigits.func1`).
        if (shortName.length < known.shortName.length || (shortName.length === known.shortName.length && shortName < known.shortName)) {
          Object.assign(known, { fullName: f.name, shortName, packagePath });
        }
      }
      sourceOf.set(f.id, index);
    }

    // Each location line's source function (locationFunctions, parallel to pprof.locations.lineFunctions),
    // and the lines each function reaches.
    const locations = pprof.locations;
    const positionOf = idTable(locations.ids);
    const locationFunctions = new Int32Array(locations.lineFunctions.length);
    for (let i = 0; i < locations.ids.length; i++) {
      for (let j = locations.lineStart[i]; j < locations.lineStart[i + 1]; j++) {
        const index = sourceOf.get(locations.lineFunctions[j]);
        if (index === undefined) throw new ProfileFormatError(`location ${locations.ids[i]} refers to function ${locations.lineFunctions[j]}, which the profile does not hold (is the file truncated?)`);
        const fn = this.functions[index];
        const line = locations.lineNumbers[j];
        if (line > fn.lastLine) fn.lastLine = line;
        if (!startKnown[index] && line > 0 && (fn.startLine === 0 || line < fn.startLine)) fn.startLine = line;
        locationFunctions[j] = index;
      }
    }

    // Cumulative and flat values; a function counts once per sample however often its stack holds it.
    const cum = new Float64Array(this.functions.length);
    const flat = new Float64Array(this.functions.length);
    const seenIn = new Int32Array(this.functions.length).fill(-1);
    const sampleCount = pprof.sampleStackStart.length - 1;
    let total = 0;
    let counted = 0;
    for (let s = 0; s < sampleCount; s++) {
      const valueStart = pprof.sampleValueStart[s];
      if (pprof.sampleValueStart[s + 1] - valueStart !== types) throw new ProfileFormatError(`sample ${s} has ${pprof.sampleValueStart[s + 1] - valueStart} values for ${types} sample types`);
      const value = pprof.sampleValues[valueStart + valueIndex];
      total += value;
      counted += countIndex >= 0 ? pprof.sampleValues[valueStart + countIndex] : 1;
      const stackStart = pprof.sampleStackStart[s];
      const stackEnd = pprof.sampleStackStart[s + 1];
      for (let k = stackStart; k < stackEnd; k++) {
        const at = positionOf(pprof.sampleLocations[k]);
        if (at < 0) throw new ProfileFormatError(`sample ${s} refers to location ${pprof.sampleLocations[k]}, which the profile does not hold (is the file truncated?)`);
        const first = locations.lineStart[at];
        const last = locations.lineStart[at + 1];
        if (k === stackStart && first < last) flat[locationFunctions[first]] += value;
        for (let j = first; j < last; j++) {
          const index = locationFunctions[j];
          if (seenIn[index] === s) continue;
          seenIn[index] = s;
          cum[index] += value;
        }
      }
    }
    this.functions.forEach((fn, i) => {
      fn.cum = cum[i];
      fn.flat = flat[i];
    });
    if (sampleCount === 0 || total <= 0) throw new ProfileFormatError('the profile holds no CPU samples');

    let sampled = 0;
    for (const fn of this.functions) {
      if (fn.cum <= 0) continue;
      sampled++;
      const files = this.functionsByFile.get(fn.filename);
      if (files) files.push(fn);
      else {
        this.functionsByFile.set(fn.filename, [fn]);
        const base = lastComponent(fn.filename);
        const sameBase = this.filesByBase.get(base);
        if (sameBase) sameBase.push(fn.filename);
        else this.filesByBase.set(base, [fn.filename]);
      }
    }
    for (const functions of this.functionsByFile.values()) plainClosureNames(functions);
    const sampleType = pprof.sampleTypes[valueIndex];
    this.summary = {
      sampleType: `${sampleType.type}/${sampleType.unit}`,
      total,
      samples: counted,
      cpuNanos: sampleType.type === 'cpu' && sampleType.unit === 'nanoseconds' ? total : undefined,
      durationNanos: pprof.durationNanos,
      functions: sampled,
    };
    this.isStandardLibrary = standardLibraryFiles(this.functions);
  }

  /**
   * The innermost function of this workspace file that the profile saw and whose known lines
   * (its `func` line to the last line with samples) include `line` (1-based). Functions without
   * samples are not in a profile: undefined.
   */
  hotness(filePath: string, line: number, scope: FileScope = {}): FunctionHotness | undefined {
    let best: FunctionHotness | undefined;
    for (const fn of this.functionsOf(filePath, scope)) {
      if (line >= fn.startLine && line <= fn.lastLine && (!best || fn.startLine > best.startLine)) best = fn;
    }
    return best;
  }

  /** The function of this workspace file that the profile names so (FunctionHotness.functionName), if it has samples. */
  named(filePath: string, name: string, scope: FileScope = {}): FunctionHotness | undefined {
    return this.functionsOf(filePath, scope).find((fn) => fn.functionName === name);
  }

  /** The functions of this workspace file that the profile saw, hottest (cumulative) first. */
  functionsOf(filePath: string, scope: FileScope = {}): readonly FunctionHotness[] {
    const key = `${filePath}\u0000${scope.importPath ?? ''}\u0000${scope.inGoroot ? 1 : 0}`;
    let found = this.lookups.get(key);
    if (!found) {
      found = this.merge(this.match(filePath, scope));
      this.lookups.set(key, found);
    }
    return found;
  }

  /**
   * One entry per start line. The same function under several profile file names (a profile merged
   * from several checkouts) adds up: those samples come from different binaries, so none is counted twice.
   */
  private merge(functions: SourceFunction[]): FunctionHotness[] {
    const byLine = new Map<number, FunctionHotness>();
    for (const fn of functions) {
      const known = byLine.get(fn.startLine);
      if (known) {
        known.cumShare += fn.cum / this.summary.total;
        known.flatShare += fn.flat / this.summary.total;
        known.lastLine = Math.max(known.lastLine, fn.lastLine);
      } else {
        byLine.set(fn.startLine, {
          functionName: fn.shortName,
          fullName: fn.fullName,
          cumShare: fn.cum / this.summary.total,
          flatShare: fn.flat / this.summary.total,
          startLine: fn.startLine,
          lastLine: fn.lastLine,
        });
      }
    }
    return [...byLine.values()].sort((a, b) => b.cumShare - a.cumShare || a.startLine - b.startLine);
  }

  private match(filePath: string, scope: FileScope): SourceFunction[] {
    const parts = components(filePath);
    const importPath = scope.importPath;
    const proven: SourceFunction[] = [];
    const unproven: { common: number; fn: SourceFunction }[] = [];
    for (const filename of this.filesByBase.get(parts[parts.length - 1]) ?? []) {
      const common = commonSuffix(parts, components(filename));
      const standard = !scope.inGoroot && this.isStandardLibrary(filename);
      for (const fn of this.functionsByFile.get(filename)!) {
        // The package path proves the match: a package has one file of each name, wherever the checkout is.
        if (importPath !== undefined && (fn.packagePath === importPath || fn.packagePath === `${importPath}_test`)) proven.push(fn);
        // Otherwise the file's directory must match too, and the standard library never matches
        // outside a Go distribution. Symbols of a main package are main.F whatever its import path.
        else if (common >= 2 && !standard && (importPath === undefined || fn.packagePath === 'main')) unproven.push({ common, fn });
      }
    }
    // Without the package path to confirm it, only the closest profile file is this file.
    const closest = Math.max(0, ...unproven.map((u) => u.common));
    return [...proven, ...unproven.filter((u) => u.common === closest).map((u) => u.fn)];
  }
}

/**
 * Position of each id in `ids`, -1 for an unknown one. Go numbers locations 1…N: a dense table then,
 * a Map for sparse ids (other writers may use addresses).
 */
function idTable(ids: readonly number[]): (id: number) => number {
  const max = ids.reduce((m, id) => Math.max(m, id), 0);
  if (max <= 4 * ids.length + 1024) {
    const table = new Int32Array(max + 1).fill(-1);
    ids.forEach((id, i) => (table[id] = i));
    return (id) => (id >= 0 && id <= max ? table[id] : -1);
  }
  const map = new Map(ids.map((id, i) => [id, i]));
  return (id) => map.get(id) ?? -1;
}

/**
 * A closure of F inlined into G is named G.F.func1; once F is known to enclose it (F's lines contain
 * the closure's `func` line), call it F.func1, as F's source does.
 */
function plainClosureNames(functions: SourceFunction[]): void {
  // In start order, the functions whose lines reach the current start form a stack (innermost on top);
  // one that does not reach a start reaches no later one either, so each is popped once.
  const open: SourceFunction[] = [];
  for (const fn of [...functions].sort((a, b) => a.startLine - b.startLine)) {
    while (open.length > 0 && open[open.length - 1].lastLine < fn.startLine) open.pop();
    const outer = open[open.length - 1];
    const m = /^(.+)\.(func\d+(?:\.\d+)*)$/.exec(fn.shortName);
    if (m && outer && m[1].endsWith(`.${outer.shortName}`)) fn.shortName = `${outer.shortName}.${m[2]}`;
    open.push(fn);
  }
}

/** The sample value that measures CPU: cpu (nanoseconds) if present, else samples (count). */
function cpuValueIndex(pprof: Pprof): number {
  const cpu = pprof.sampleTypes.findIndex((t) => t.type === 'cpu');
  if (cpu >= 0) return cpu;
  const samples = pprof.sampleTypes.findIndex((t) => t.type === 'samples' && t.unit === 'count');
  if (samples >= 0) return samples;
  if (pprof.sampleTypes.length === 0) throw new ProfileFormatError('not a pprof profile: it declares no sample types');
  throw new ProfileFormatError(`not a CPU profile: its sample types are ${pprof.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ')} (a CPU profile has cpu/nanoseconds or samples/count)`);
}

/**
 * Which profile files are the standard library's: those under the GOROOT the runtime's own files
 * reveal (…/src/runtime/proc.go), and with -trimpath the relative names whose first
 * element has no dot (runtime/proc.go, internal/strconv/itoa.go; module files are example.com/m/x.go).
 */
function standardLibraryFiles(functions: readonly SourceFunction[]): (filename: string) => boolean {
  const roots = new Set<string>();
  for (const fn of functions) {
    if (fn.packagePath !== 'runtime') continue;
    const path = fn.filename.replace(/\\/g, '/');
    const at = path.lastIndexOf('/src/runtime/');
    if (at >= 0) roots.add(path.slice(0, at + '/src/'.length));
  }
  return (filename) => {
    const path = filename.replace(/\\/g, '/');
    if (!path.startsWith('/') && !/^[A-Za-z]:\//.test(path)) return !path.split('/')[0].includes('.');
    for (const root of roots) if (path.startsWith(root)) return true;
    return false;
  };
}

function components(path: string): string[] {
  return path.split(/[\\/]+/).filter((p) => p !== '');
}

function lastComponent(path: string): string {
  const parts = components(path);
  return parts[parts.length - 1] ?? '';
}

function commonSuffix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}
