// `gohazard merge`: the JSON or SARIF outputs of the N shards of a scan (`scan --shard K/N`) made into
// the output one unsharded scan gives, byte for byte. Refuses inputs that cannot add up to it: shards of
// different counts, a missing or repeated shard, other tool versions or rules. Findings of different
// shards that share a fix are folded into the first, as one scan folds them (sharedFixes.ts).
import type { Severity } from '../engine/types';
import { BaselineEntry, compareEntries } from './baseline';

export class MergeError extends Error {}

export interface ShardInfo {
  index: number;
  count: number;
}

export interface Merged {
  output: string;
  /** The severities (JSON) or SARIF levels of the merged findings, for --fail-on. */
  severities: Severity[];
}

const sarifSeverity: Record<string, Severity> = { error: 'error', warning: 'warning', note: 'info', none: 'hint' };

export function mergeOutputs(inputs: readonly { name: string; text: string }[]): Merged {
  if (inputs.length === 0) throw new MergeError('merge needs the output files of the shards');
  const parsed = inputs.map(({ name, text }) => {
    try {
      return { name, value: JSON.parse(text) as unknown };
    } catch (e) {
      throw new MergeError(`${name}: not JSON (${(e as Error).message})`);
    }
  });
  const kinds = new Set(parsed.map(({ name, value }) => kindOf(name, value)));
  if (kinds.size > 1) throw new MergeError('the inputs mix JSON and SARIF outputs');
  return kinds.has('sarif') ? mergeSarif(parsed as { name: string; value: SarifLog }[]) : mergeJson(parsed as { name: string; value: JsonReport }[]);
}

/** What --baseline hid and which of its entries are stale: each shard's, of its own files. */
interface BaselineSummary {
  file: string;
  hidden: number;
  stale: BaselineEntry[];
}

interface JsonReport {
  version: 1;
  shard?: ShardInfo;
  files: number;
  findings: JsonFinding[];
  baseline?: BaselineSummary;
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  message: string;
  sharedFix?: string;
  /** Locations of the findings that share the fix carry their file; the finding's own do not. */
  related?: { file?: string; line: number; column: number; endLine: number; endColumn: number; message: string }[];
}

interface SarifResult {
  level?: string;
  message: { text: string };
  locations?: { physicalLocation?: SarifPhysicalLocation }[];
  relatedLocations?: { id: number; message: { text: string }; physicalLocation: SarifPhysicalLocation; properties?: { sameFix?: boolean } }[];
  properties?: { sharedFix?: string };
}

interface SarifPhysicalLocation {
  artifactLocation?: { uri?: string };
  region?: { startLine?: number; startColumn?: number };
}

interface SarifLog {
  version: '2.1.0';
  runs: {
    tool: { driver: { name: string; version?: string; rules?: unknown[] } };
    properties?: { gohazardShard?: ShardInfo; baseline?: BaselineSummary } & Record<string, unknown>;
    results: SarifResult[];
  }[];
}

function kindOf(name: string, value: unknown): 'json' | 'sarif' {
  const v = (typeof value === 'object' && value !== null ? value : {}) as { version?: unknown; runs?: unknown; files?: unknown; findings?: unknown };
  if (v.version === '2.1.0' && Array.isArray(v.runs)) {
    const runs = v.runs as Partial<SarifLog['runs'][number]>[];
    if (runs.length !== 1 || runs[0]?.tool?.driver?.name !== 'gohazard' || !Array.isArray(runs[0].results)) throw new MergeError(`${name}: not the SARIF output of gohazard scan`);
    return 'sarif';
  }
  if (v.version === 1 && typeof v.files === 'number' && Array.isArray(v.findings)) return 'json';
  throw new MergeError(`${name}: neither the JSON nor the SARIF output of gohazard scan`);
}

/** Every shard of one count, once; or no shard information at all (outputs of separate scans). */
function checkShards(shards: { name: string; shard: ShardInfo | undefined }[]): void {
  const marked = shards.filter((s) => s.shard);
  if (marked.length === 0) return;
  if (marked.length !== shards.length) throw new MergeError(`${shards.find((s) => !s.shard)!.name} is not the output of a sharded scan, ${marked[0].name} is`);
  const count = marked[0].shard!.count;
  const seen = new Map<number, string>();
  for (const { name, shard } of marked) {
    if (shard!.count !== count) throw new MergeError(`${name} is shard ${shard!.index}/${shard!.count}, ${marked[0].name} is one of ${count}`);
    const other = seen.get(shard!.index);
    if (other) throw new MergeError(`${name} and ${other} are both shard ${shard!.index}/${count}`);
    seen.set(shard!.index, name);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
}

function byPath<T>(items: T[], path: (item: T) => string): T[] {
  // Stable: a file's findings are all in one shard, already in order.
  return items
    .map((item, i) => ({ item, i, p: path(item) }))
    .sort((a, b) => (a.p < b.p ? -1 : a.p > b.p ? 1 : a.i - b.i))
    .map((x) => x.item);
}

/**
 * Each finding with a shared-fix key after the first of its key is folded into that first one (fold
 * returns its replacement); the order is otherwise kept.
 */
function foldSharedFixes<T>(items: T[], keyOf: (item: T) => string | undefined, fold: (kept: T, item: T) => T): T[] {
  const firstAt = new Map<string, number>();
  const out: T[] = [];
  for (const item of items) {
    const key = keyOf(item);
    const at = key === undefined ? undefined : firstAt.get(key);
    if (at !== undefined) {
      out[at] = fold(out[at], item);
      continue;
    }
    if (key !== undefined) firstAt.set(key, out.length);
    out.push(item);
  }
  return out;
}

/** Path (as the scan orders paths), then line and column. */
function comparePlaces(a: [string, number, number], b: [string, number, number]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1] || a[2] - b[2];
}

function mergeJson(inputs: { name: string; value: JsonReport }[]): Merged {
  checkShards(inputs.map(({ name, value }) => ({ name, shard: value.shard })));
  const { shard: _shard, ...first } = inputs[0].value;
  void _shard;
  const findings = foldSharedFixes(
    byPath(
      inputs.flatMap(({ value }) => value.findings),
      (f) => f.file,
    ),
    (f) => (f.sharedFix === undefined ? undefined : `${f.severity}\u0000${f.sharedFix}`),
    (kept, f) => {
      const { related, ...rest } = kept;
      const others = [...(related ?? []).filter((r) => r.file !== undefined), { file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: f.message }, ...(f.related ?? []).filter((r) => r.file !== undefined)];
      others.sort((a, b) => comparePlaces([a.file!, a.line, a.column], [b.file!, b.line, b.column]));
      return { ...rest, related: [...(related ?? []).filter((r) => r.file === undefined), ...others] };
    },
  );
  const merged: JsonReport = { ...first, files: inputs.reduce((n, { value }) => n + value.files, 0), findings };
  if (first.baseline) merged.baseline = mergeBaselines(inputs.map(({ name, value }) => ({ name, baseline: value.baseline })));
  return { output: `${JSON.stringify(merged, null, 2)}\n`, severities: findings.map((f) => f.severity) };
}

function mergeSarif(inputs: { name: string; value: SarifLog }[]): Merged {
  checkShards(inputs.map(({ name, value }) => ({ name, shard: value.runs[0].properties?.gohazardShard })));
  const first = inputs[0];
  const driver = first.value.runs[0].tool.driver;
  for (const { name, value } of inputs.slice(1)) {
    const other = value.runs[0].tool.driver;
    if (other.version !== driver.version) throw new MergeError(`${name} was written by gohazard ${other.version}, ${first.name} by ${driver.version}`);
    if (JSON.stringify(other.rules) !== JSON.stringify(driver.rules)) throw new MergeError(`${name} describes other rules than ${first.name}`);
  }
  const results = foldSharedFixes(
    byPath(
      inputs.flatMap(({ value }) => value.runs[0].results),
      (r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '',
    ),
    (r) => (r.properties?.sharedFix === undefined ? undefined : `${r.level}\u0000${r.properties.sharedFix}`),
    (kept, r) => {
      const { relatedLocations, properties, ...rest } = kept;
      const place = (l: SarifPhysicalLocation): [string, number, number] => [l.artifactLocation?.uri ?? '', l.region?.startLine ?? 0, l.region?.startColumn ?? 0];
      const here = r.locations?.[0]?.physicalLocation ?? {};
      const others = [...(relatedLocations ?? []).filter((l) => l.properties?.sameFix), { id: 0, message: r.message, physicalLocation: here, properties: { sameFix: true } }, ...(r.relatedLocations ?? []).filter((l) => l.properties?.sameFix)];
      others.sort((a, b) => comparePlaces(place(a.physicalLocation), place(b.physicalLocation)));
      const all = [...(relatedLocations ?? []).filter((l) => !l.properties?.sameFix), ...others].map((l, id) => ({ ...l, id }));
      return { ...rest, relatedLocations: all, ...(properties ? { properties } : {}) };
    },
  );
  const run = { ...first.value.runs[0], results };
  if (run.properties) {
    const { gohazardShard: _shard, ...rest } = run.properties;
    void _shard;
    if (rest.baseline) rest.baseline = mergeBaselines(inputs.map(({ name, value }) => ({ name, baseline: value.runs[0].properties?.baseline })));
    if (Object.keys(rest).length > 0) run.properties = rest;
    else delete run.properties;
  }
  const merged = { ...first.value, runs: [run] };
  return { output: `${JSON.stringify(merged, null, 2)}\n`, severities: results.map((r) => sarifSeverity[r.level ?? 'warning'] ?? 'warning') };
}

/** One baseline's outcome over every shard: the shards scanned other files, so their counts add up. */
function mergeBaselines(shards: { name: string; baseline: BaselineSummary | undefined }[]): BaselineSummary {
  const first = shards[0].baseline!;
  for (const { name, baseline } of shards) {
    if (!baseline || baseline.file !== first.file) throw new MergeError(`${name} was not made against the baseline ${first.file} as ${shards[0].name} was`);
  }
  return { file: first.file, hidden: shards.reduce((n, s) => n + s.baseline!.hidden, 0), stale: shards.flatMap((s) => s.baseline!.stale).sort(compareEntries) };
}
