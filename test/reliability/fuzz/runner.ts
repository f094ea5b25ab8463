// Runs the fuzz loop in a worker thread and watches it: an input that takes longer than its budget is
// a hang (the worker is terminated and restarted after it), a worker that dies is a crash. Every few
// thousand inputs a batch of them also goes through the real CLI (`gohazard scan`) as files on disk.
// Failures are saved with their seed and index, so `npm run fuzz -- --seed S --only I` replays them.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cliPath, repoRoot } from '../../helpers';
import type { Problem } from './check';
import { FormatOutputs, formatColumnsProblem } from './columns';
import { Corpus, FuzzInput, InputProfile, loadCorpus, makeInput, profiles } from './inputs';
import type { WorkerMessage, WorkerRequest } from './protocol';
import { threadCpuMs } from '../../../server/src/node/threadCpu';

export interface FuzzOptions {
  seed: number;
  count: number;
  /** First input index (default 0: the pristine corpus comes first). */
  start?: number;
  /** Check only these indexes (replay). */
  only?: number[];
  /** CPU time the analysis of an input may take; inputs above 100,000 characters get it per 100,000 characters. */
  budgetMs?: number;
  /** Where failing inputs are saved; undefined: not saved. */
  failuresDir?: string;
  /** Run the CLI on a batch of inputs after every this many inputs (0: never). */
  cliEvery?: number;
  cliBatch?: number;
  corpusRoots?: string[];
  /** Worker threads checking inputs in parallel (default 1). */
  workers?: number;
  /** Input sizes: 'full' (default) or 'smoke' (small huge literals and shallower nesting, for the test suite). */
  profile?: InputProfile['name'];
  onProgress?: (progress: FuzzProgress) => void;
  progressEvery?: number;
}

export interface FuzzFailure {
  seed: number;
  index: number;
  kind: Problem['kind'] | 'hang' | 'crash' | 'cli';
  message: string;
  recipe: string[];
  savedAs?: string;
}

export interface FuzzProgress {
  done: number;
  count: number;
  failures: number;
  elapsedMs: number;
  rssMb: number;
}

export interface FuzzSummary {
  seed: number;
  fingerprint: string;
  /** Inputs checked through the engine. */
  checked: number;
  /** Inputs with findings whose columns were checked in every output format, and those of them whose bytes are ill-formed UTF-8 or start with a BOM. */
  columnsChecked: number;
  columnsCheckedIllFormed: number;
  /** Inputs also scanned by the CLI, and in how many runs. */
  cliFiles: number;
  cliRuns: number;
  failures: FuzzFailure[];
  /** Inputs that exceeded the budget once but not on a retry (a loaded machine), reported, not failed. */
  slowOnce: { index: number; ms: number }[];
  slowest: { index: number; ms: number; size: number; recipe: string[] }[];
  elapsedMs: number;
  peakRssMb: number;
  restarts: number;
}

export const DEFAULT_BUDGET_MS = 2000;

/** The time an input of `size` characters may take: the budget, per started 100,000 characters. */
export function budgetFor(budgetMs: number, size: number): number {
  return budgetMs * Math.max(1, Math.ceil(size / 100_000));
}
const STARTUP_MS = 60000;
/**
 * A check analyses an input up to four times (as is, after fix-all, and twice for the incremental
 * comparison) and parses it once per fix: the watchdog allows that many budgets before it calls the
 * input a hang. The analysis proper is held to one budget, measured separately.
 */
const CHECK_PASSES = 4;
/** Wall-clock time an input may take, in budgets, however busy the machine. */
const WALL_FACTOR = 15;
const MAX_SAVED_PER_SIGNATURE = 5;

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const corpus = loadCorpus(options.corpusRoots);
  const profile = options.profile ?? 'full';
  const inputFor = (index: number) => makeInput(corpus, options.seed, index, profiles[profile]);
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const start = options.start ?? 0;
  const all = options.only ?? Array.from({ length: options.count }, (_, i) => start + i);
  const summary: FuzzSummary = { seed: options.seed, fingerprint: corpus.fingerprint, checked: 0, columnsChecked: 0, columnsCheckedIllFormed: 0, cliFiles: 0, cliRuns: 0, failures: [], slowOnce: [], slowest: [], elapsedMs: 0, peakRssMb: 0, restarts: 0 };
  const saved = new Map<string, number>();
  const fail = (index: number, kind: FuzzFailure['kind'], message: string) => {
    const input = inputFor(index);
    const failure: FuzzFailure = { seed: options.seed, index, kind, message, recipe: input.recipe };
    const signature = `${kind}:${message.split('\n')[0].replace(/\d+/g, 'N')}`;
    const count = saved.get(signature) ?? 0;
    if (options.failuresDir && count < MAX_SAVED_PER_SIGNATURE) failure.savedAs = saveFailure(options.failuresDir, input, failure, corpus, profile);
    saved.set(signature, count + 1);
    summary.failures.push(failure);
  };
  const noteSlow = (index: number, ms: number, size: number) => {
    summary.slowest.push({ index, ms: Math.round(ms), size, recipe: [] });
    summary.slowest.sort((a, b) => b.ms - a.ms);
    summary.slowest.length = Math.min(summary.slowest.length, 10);
  };

  const cli = new CliBatches(inputFor, options, summary, fail);
  let lastProgress = 0;
  /** Inputs whose analysis went over its budget, with the CPU time it took: checked again in a fresh worker. */
  const overBudget = new Map<number, number>();
  /** What every checked input is held to, besides its own problems: the analysis budget. */
  const checked = (m: Extract<WorkerMessage, { type: 'end' }>) => {
    summary.peakRssMb = Math.max(summary.peakRssMb, Math.round(m.rss / 2 ** 20));
    noteSlow(m.index, m.analysisMs, m.size);
    if (m.columns !== 'unchecked') summary.columnsChecked++;
    if (m.columns === 'ill-formed') summary.columnsCheckedIllFormed++;
    for (const p of m.problems) fail(m.index, p.kind, p.message);
    if (m.analysisMs > budgetFor(budgetMs, m.size)) overBudget.set(m.index, m.analysisMs);
  };
  /**
   * A worker that has checked thousands of inputs collects garbage on its own thread, which its CPU
   * clock counts: an input over its analysis budget there is analysed again in a fresh worker, and
   * it must go over the budget again to count as a hang (as a stalled check must time out twice).
   */
  const recheckOverBudget = async () => {
    for (const [index, first] of overBudget) {
      let again: number | undefined;
      const retry = await runWorker({ seed: options.seed, indexes: [index], corpusRoots: options.corpusRoots, profile }, budgetMs, (m) => {
        again = m.analysisMs;
      });
      const budget = budgetFor(budgetMs, inputFor(index).text.length);
      if (retry.kind === 'crash') fail(index, 'crash', retry.message);
      else if (again === undefined || again > budget) {
        fail(index, 'hang', `analysis took ${Math.round(first)} ms of CPU time, and ${again === undefined ? 'did not end' : `${Math.round(again)} ms`} in a fresh worker, over its budget of ${budget} ms (input of ${inputFor(index).text.length} characters)`);
      } else summary.slowOnce.push({ index, ms: Math.round(first) });
    }
  };
  const runShard = async (indexes: number[]) => {
    let pending = indexes;
    while (pending.length > 0) {
      const outcome = await runWorker({ seed: options.seed, indexes: pending, corpusRoots: options.corpusRoots, profile }, budgetMs, (m) => {
        summary.checked++;
        checked(m);
        cli.completed(m.index);
        if (options.onProgress && summary.checked - lastProgress >= (options.progressEvery ?? 1000)) {
          lastProgress = summary.checked;
          options.onProgress({ done: summary.checked, count: all.length, failures: summary.failures.length, elapsedMs: Date.now() - started, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
        }
      });
      if (outcome.kind === 'done') break;
      summary.restarts++;
      const at = outcome.index;
      if (at === undefined) throw new Error(`fuzz worker failed before its first input: ${outcome.kind === 'crash' ? outcome.message : 'no answer'}`);
      if (outcome.kind === 'hang') {
        // A loaded machine can stall one input: it must exceed its budget twice to count as a hang.
        const retry = await runWorker({ seed: options.seed, indexes: [at], corpusRoots: options.corpusRoots, profile }, budgetMs, (m) => {
          summary.slowOnce.push({ index: at, ms: Math.round(m.ms) });
          checked(m);
        });
        if (retry.kind === 'hang') fail(at, 'hang', `check not done within ${retry.budget} ms of CPU time (input of ${retry.size} characters)`);
        else if (retry.kind === 'crash') fail(at, 'crash', retry.message);
        summary.checked++;
      } else {
        fail(at, 'crash', outcome.message);
        summary.checked++;
      }
      cli.completed(at);
      pending = pending.slice(pending.indexOf(at) + 1);
    }
  };
  // Input i goes to worker i mod N: each worker thread has its own grammar and its own watchdog.
  const workers = Math.max(1, Math.min(options.workers ?? 1, all.length));
  await Promise.all(Array.from({ length: workers }, (_, w) => runShard(all.filter((_, i) => i % workers === w))));
  await recheckOverBudget();
  await cli.flush();
  for (const s of summary.slowest) s.recipe = inputFor(s.index).recipe;
  summary.elapsedMs = Date.now() - started;
  summary.peakRssMb = Math.max(summary.peakRssMb, Math.round(process.memoryUsage().rss / 2 ** 20));
  return summary;
}

type WorkerOutcome =
  | { kind: 'done' }
  | { kind: 'hang'; index: number; budget: number; size: number }
  | { kind: 'crash'; index: number | undefined; message: string };

/** Runs one worker over the indexes until it finishes, hangs on one of them or dies. */
function runWorker(request: WorkerRequest, budgetMs: number, onEnd: (m: Extract<WorkerMessage, { type: 'end' }>) => void): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    // A leak shows up as a crash at the input where the heap ran out, not as a machine out of memory.
    const worker = new Worker(join(__dirname, 'worker.js'), { workerData: request, resourceLimits: { maxOldGenerationSizeMb: 1536 } });
    let current: { index: number; since: number; cpuSince: number | undefined; budget: number; size: number } | undefined;
    let statPath: string | undefined;
    let startupDeadline = Date.now() + STARTUP_MS;
    let settled = false;
    let lastIndex: number | undefined;
    const finish = (outcome: WorkerOutcome) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      void worker.terminate().then(() => resolve(outcome));
    };
    const watchdog = setInterval(() => {
      const now = Date.now();
      // The budget is the worker thread's CPU time; wall-clock time only stops a thread that waits.
      const cpu = current && current.cpuSince !== undefined ? (threadCpuMs(statPath) ?? current.cpuSince) - current.cpuSince : undefined;
      if (current && ((cpu ?? now - current.since) > current.budget || now - current.since > current.budget * WALL_FACTOR)) {
        finish({ kind: 'hang', index: current.index, budget: current.budget, size: current.size });
      }
      else if (!current && now > startupDeadline) finish({ kind: 'crash', index: lastIndex === undefined ? request.indexes[0] : request.indexes[request.indexes.indexOf(lastIndex) + 1], message: 'the worker stopped between inputs' });
    }, 50);
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'ready':
          statPath = m.statPath;
          startupDeadline = Date.now() + STARTUP_MS;
          break;
        case 'begin':
          current = { index: m.index, since: Date.now(), cpuSince: threadCpuMs(statPath), budget: budgetFor(budgetMs, m.size) * CHECK_PASSES, size: m.size };
          break;
        case 'end':
          current = undefined;
          lastIndex = m.index;
          startupDeadline = Date.now() + STARTUP_MS;
          onEnd(m);
          break;
        case 'done':
          finish({ kind: 'done' });
          break;
        case 'fatal':
          finish({ kind: 'crash', index: current?.index, message: m.message });
          break;
      }
    });
    worker.on('error', (error) => finish({ kind: 'crash', index: current?.index, message: String(error?.stack ?? error) }));
    worker.on('exit', (code) => finish({ kind: 'crash', index: current?.index, message: `the worker exited with code ${code}` }));
  });
}

function saveFailure(dir: string, input: FuzzInput, failure: FuzzFailure, corpus: Corpus, profile: InputProfile['name']): string {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `seed${input.seed}-index${input.index}-${failure.kind}`);
  writeFileSync(`${base}.go`, input.bytes);
  const utf8 = new TextDecoder().decode(input.bytes);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify(
      {
        replay: `npm run fuzz -- --seed ${input.seed} --only ${input.index}${profile === 'smoke' ? ' --smoke' : ''}`,
        corpusFingerprint: corpus.fingerprint,
        ...failure,
        goMod: input.goMod,
        goMinor: input.goMinor,
        escapeScope: input.escapeScope,
        engineText: input.text === utf8 ? undefined : input.text,
      },
      null,
      2,
    )}\n`,
  );
  return `${base}.go`;
}

/**
 * Batches of inputs written to a temporary module and scanned by `gohazard scan` in every output
 * format, in the background; the formats' columns are checked against the files' raw bytes.
 */
class CliBatches {
  private readonly every: number;
  private readonly size: number;
  private readonly done: number[] = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly inputFor: (index: number) => FuzzInput,
    private readonly options: FuzzOptions,
    private readonly summary: FuzzSummary,
    private readonly fail: (index: number, kind: FuzzFailure['kind'], message: string) => void,
  ) {
    this.every = options.cliEvery ?? 1000;
    this.size = Math.min(options.cliBatch ?? 40, this.every);
  }

  completed(index: number): void {
    if (this.every <= 0) return;
    this.done.push(index);
    if (this.done.length >= this.every) this.schedule(this.done.splice(0).slice(-this.size));
  }

  flush(): Promise<void> {
    if (this.every > 0 && this.done.length > 0 && this.summary.cliRuns === 0) this.schedule(this.done.splice(0).slice(-this.size));
    return this.running;
  }

  private schedule(indexes: number[]): void {
    this.summary.cliRuns++;
    // Every other batch goes through the worker-thread scanner, the others in the CLI's own thread.
    const threads = this.summary.cliRuns % 2 === 0 ? '2' : '0';
    this.running = this.running.then(() => this.scan(indexes, threads));
  }

  private async scan(indexes: number[], threads: string): Promise<void> {
    const problem = await this.scanOnce(indexes, threads);
    this.summary.cliFiles += indexes.length;
    if (!problem) return;
    // Find the inputs that fail on their own; blame the batch when none does.
    const culprits: [number, string][] = [];
    if (indexes.length > 1) {
      for (const index of indexes) {
        const own = await this.scanOnce([index], '0');
        if (own) culprits.push([index, own]);
      }
    }
    // A batch is the inputs last completed, in no fixed order: its replay names every one of them.
    const replay = `npm run fuzz -- --seed ${this.options.seed} --only ${[...indexes].sort((a, b) => a - b).join(',')} --cli-every ${indexes.length}${this.options.profile === 'smoke' ? ' --smoke' : ''}`;
    if (culprits.length === 0) culprits.push([indexes[0], `inputs ${indexes[0]}..${indexes[indexes.length - 1]} together (replay: ${replay}): ${problem}`]);
    for (const [index, message] of culprits) this.fail(index, 'cli', `gohazard scan: ${message}`);
  }

  /** Writes the inputs to a temporary module, scans it in each format and says what is wrong with the outcome, if anything. */
  private async scanOnce(indexes: number[], threads: string): Promise<string | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-fuzz-'));
    try {
      const inputs = new Map<string, FuzzInput>();
      for (const index of indexes) {
        const input = this.inputFor(index);
        const name = `f${index}.go`;
        writeFileSync(join(dir, name), input.bytes);
        inputs.set(name, input);
      }
      writeFileSync(join(dir, 'go.mod'), [...inputs.values()][0]?.goMod ?? 'module fuzz\n');
      const budget = 20000 + [...inputs.values()].reduce((ms, i) => ms + budgetFor(this.options.budgetMs ?? DEFAULT_BUDGET_MS, i.text.length), 0);
      const allSkipped = [...inputs.values()].every((i) => i.bytes.includes(0));
      const outputs: Partial<FormatOutputs> = {};
      // Every escape finding, hot code or not: the more findings, the more columns to check.
      for (const format of ['json', 'sarif', 'text', 'github', 'codeclimate'] as const) {
        const r = await run(process.execPath, [cliPath, 'scan', '--format', format, '--fail-on', 'none', '--escape-scope', 'all', '--threads', threads, '.'], dir, budget);
        if (r.timedOut) return `--format ${format}: no exit within ${budget} ms`;
        if (/internal error/.test(r.stderr)) return `--format ${format}: internal error on stderr:\n${r.stderr.slice(0, 2000)}`;
        if (r.code !== 0 && !(r.code === 2 && allSkipped)) return `--format ${format}: exit code ${r.code}, stderr:\n${r.stderr.slice(0, 2000)}`;
        if (format === 'github' || format === 'codeclimate') {
          const bad = checkCiOutput(format, r.stdout, inputs);
          if (bad) return `--format ${format}: ${bad}`;
        } else outputs[format] = r.stdout;
      }
      return formatColumnsProblem(new Map([...inputs].map(([name, input]) => [name, input.bytes])), outputs as FormatOutputs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The CI formats (formatColumnsProblem checks the others' columns byte by byte): well-formed, inside the files they name. */
function checkCiOutput(format: 'github' | 'codeclimate', stdout: string, inputs: Map<string, FuzzInput>): string | undefined {
  const linesOf = new Map<string, string[]>();
  // Both give UTF-16 columns (GitHub's annotations, Code Climate's lines only).
  const inside = (file: string, line: number, column: number): string | undefined => {
    const input = inputs.get(file);
    if (!input) return `a finding names ${file}, which is not an input`;
    let lines = linesOf.get(file);
    if (!lines) {
      lines = new TextDecoder().decode(input.bytes).split('\n');
      linesOf.set(file, lines);
    }
    if (!(line >= 1 && line <= lines.length)) return `${file}:${line}: line outside the file (${lines.length} lines)`;
    const lineText = lines[line - 1].replace(/\r$/, '');
    if (!(column >= 1 && column <= lineText.length + 1)) return `${file}:${line}:${column}: column outside the line (${lineText.length} UTF-16 units)`;
    return undefined;
  };
  try {
    if (format === 'github') {
      // One command per line: a message's own line breaks must have been escaped.
      for (const line of stdout.split('\n').filter((l) => l !== '')) {
        const m = /^::(?:error|warning|notice) file=(f\d+\.go),line=(\d+),endLine=(\d+),col=(\d+),endColumn=(\d+),title=gohazard [\w/-]+::[^\r]+$/.exec(line);
        if (!m) return `unexpected output line ${JSON.stringify(line.slice(0, 200))}`;
        const bad = inside(m[1], Number(m[2]), Number(m[4])) ?? inside(m[1], Number(m[3]), Number(m[5]));
        if (bad) return bad;
      }
    } else if (format === 'codeclimate') {
      const issues = JSON.parse(stdout) as { fingerprint: string; location: { path: string; lines: { begin: number } } }[];
      if (new Set(issues.map((i) => i.fingerprint)).size !== issues.length) return 'two issues share a fingerprint';
      for (const issue of issues) {
        const bad = inside(issue.location.path, issue.location.lines.begin, 1);
        if (bad) return bad;
      }
    }
  } catch (error) {
    return `unreadable ${format} output: ${(error as Error).message}`;
  }
  return undefined;
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

export const defaultFailuresDir = join(repoRoot, 'bench', 'results', 'fuzz-failures');
