// `gohazard merge`: the JSON or SARIF outputs of the N shards of a scan (`scan --shard K/N`) made into
// the output one unsharded scan gives, byte for byte. Refuses inputs that cannot add up to it: shards of
// different counts, a missing or repeated shard, other tool versions or rules.
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
  findings: { file: string; severity: Severity }[];
  baseline?: BaselineSummary;
}

interface SarifLog {
  version: '2.1.0';
  runs: {
    tool: { driver: { name: string; version?: string; rules?: unknown[] } };
    properties?: { gohazardShard?: ShardInfo; baseline?: BaselineSummary } & Record<string, unknown>;
    results: { level?: string; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] }[];
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

function mergeJson(inputs: { name: string; value: JsonReport }[]): Merged {
  checkShards(inputs.map(({ name, value }) => ({ name, shard: value.shard })));
  const { shard: _shard, ...first } = inputs[0].value;
  void _shard;
  const findings = byPath(
    inputs.flatMap(({ value }) => value.findings),
    (f) => f.file,
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
  const results = byPath(
    inputs.flatMap(({ value }) => value.runs[0].results),
    (r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '',
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
