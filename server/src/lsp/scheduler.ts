// When each open document is analysed. Only the newest text of a document matters: requests for a
// document coalesce, an analysis never starts for a text that a newer change already replaced, and a
// running one learns at its next checkpoint that it is stale and stops (what it checked stays in the
// engine's cache). One analysis runs at a time, in time slices, so that the server answers requests
// and reads changes between slices.
//
// The delay before an analysis starts (debounce) follows the expected cost c of the analysis, the
// median of the last COST_SAMPLES ones of the same document (one brace that restructured the file does
// not make the next keystrokes wait): c² / (c + 2·SLICE_MS), at most MAX_DEBOUNCE_MS. For an expensive
// analysis that is about c, the ski-rental rule (wait as long as the work one may waste: never more
// than twice the better of "start now" and "wait for the pause in typing"); for one that costs less
// than a couple of time slices, waiting saves next to nothing and the delay shrinks towards 0. So a
// keystroke in a function body (a few ms) is analysed almost at once, and a brace that restructures
// the file (hundreds of ms) waits for the next keystroke a little and is abandoned by it if it started.
//
// Nothing here knows LSP or the engine: the host gives time and a way to let the event loop run.

export interface SchedulerHost {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  /** Lets queued messages and timers run before the promise resolves. */
  yieldToEventLoop(): Promise<void>;
}

/**
 * `now`: no delay (a document just opened, settings changed); `edit`: the user changed the document;
 * `background`: something it depends on changed (another file of its package): after any edit.
 */
export type Urgency = 'now' | 'edit' | 'background';

export interface AnalysisJob {
  readonly key: string;
  /** A newer request for the document came (or it was closed): stop at the next checkpoint. */
  readonly stale: boolean;
  /** Whether the current time slice is used up: call pause() before the next step. */
  sliceUsed(): boolean;
  /** Lets the event loop run; afterwards check `stale`. */
  pause(): Promise<void>;
}

export type JobOutcome = 'completed' | 'abandoned';

export interface SchedulerStats {
  started: number;
  completed: number;
  abandoned: number;
}

export interface SchedulerState extends SchedulerStats {
  /** Documents waiting for an analysis, and whether one runs: 0 and false when the server has caught up. */
  pending: number;
  running: boolean;
}

/** Steps run this long before the event loop gets a turn. */
export const SLICE_MS = 8;
/** The debounce never exceeds this, whatever an analysis costs. */
export const MAX_DEBOUNCE_MS = 50;
/** Analyses of a document whose costs make its estimate. */
const COST_SAMPLES = 5;

interface DocumentState {
  generation: number;
  urgency: Urgency;
  /** When the pending request is due; undefined when nothing is pending. */
  dueAt?: number;
  /** Costs of its last analyses (ms of work, pauses excluded), newest last. */
  costs: number[];
}

const rank: Record<Urgency, number> = { now: 2, edit: 1, background: 0 };

export class AnalysisScheduler {
  readonly stats: SchedulerStats = { started: 0, completed: 0, abandoned: 0 };
  private readonly docs = new Map<string, DocumentState>();
  private running = false;
  private timer: unknown;
  private timerAt = Infinity;
  /** Scheduler-wide, so that a document closed and opened again never matches an old job. */
  private generations = 0;

  constructor(
    private readonly host: SchedulerHost,
    private readonly run: (key: string, job: AnalysisJob) => Promise<JobOutcome>,
  ) {}

  /** The document (or what it depends on) changed: analyse its newest text. */
  request(key: string, urgency: Urgency): void {
    let d = this.docs.get(key);
    if (!d) this.docs.set(key, (d = { generation: 0, urgency, costs: [] }));
    d.generation = ++this.generations;
    // A request of lower urgency joins one already pending; otherwise the delay starts again.
    if (d.dueAt === undefined || rank[urgency] >= rank[d.urgency]) {
      d.urgency = urgency;
      d.dueAt = this.host.now() + this.delayFor(d, urgency);
    }
    this.pump();
  }

  /** The counters, and what is pending now. */
  state(): SchedulerState {
    return { ...this.stats, pending: [...this.docs.values()].filter((d) => d.dueAt !== undefined).length, running: this.running };
  }

  /** The document was closed: nothing pending, and a running analysis of it is stale. */
  forget(key: string): void {
    const d = this.docs.get(key);
    if (!d) return;
    this.docs.delete(key);
  }

  private delayFor(d: DocumentState, urgency: Urgency): number {
    if (urgency === 'now') return 0;
    const cost = median(d.costs);
    const debounce = Math.min((cost * cost) / (cost + 2 * SLICE_MS), MAX_DEBOUNCE_MS);
    // Work for files nobody is typing in waits for a pause twice as long.
    return urgency === 'background' ? 2 * Math.max(debounce, SLICE_MS) : debounce;
  }

  private pump(): void {
    if (this.running) return;
    const now = this.host.now();
    let next: { key: string; d: DocumentState } | undefined;
    let earliest = Infinity;
    for (const [key, d] of this.docs) {
      if (d.dueAt === undefined) continue;
      if (d.dueAt > now) {
        earliest = Math.min(earliest, d.dueAt);
        continue;
      }
      if (!next || rank[d.urgency] > rank[next.d.urgency] || (rank[d.urgency] === rank[next.d.urgency] && d.dueAt < next.d.dueAt!)) next = { key, d };
    }
    if (next) {
      void this.start(next.key, next.d);
      return;
    }
    if (earliest < this.timerAt) {
      if (this.timer !== undefined) this.host.clearTimer(this.timer);
      this.timerAt = earliest;
      this.timer = this.host.setTimer(() => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      }, earliest - now);
    }
  }

  private async start(key: string, d: DocumentState): Promise<void> {
    d.dueAt = undefined;
    const generation = d.generation;
    this.running = true;
    this.stats.started++;
    let sliceStart = this.host.now();
    let worked = 0;
    const docs = this.docs;
    const host = this.host;
    const job: AnalysisJob = {
      key,
      get stale() {
        return docs.get(key)?.generation !== generation;
      },
      sliceUsed: () => host.now() - sliceStart >= SLICE_MS,
      pause: async () => {
        worked += host.now() - sliceStart;
        await host.yieldToEventLoop();
        sliceStart = host.now();
      },
    };
    let outcome: JobOutcome = 'abandoned';
    try {
      outcome = await this.run(key, job);
    } finally {
      worked += this.host.now() - sliceStart;
      this.stats[outcome]++;
      // An abandoned analysis would have cost at least what it did so far: a sample when that exceeds
      // the estimate (an analysis stopped at once says little).
      if (outcome === 'completed' || worked > median(d.costs)) {
        d.costs.push(worked);
        if (d.costs.length > COST_SAMPLES) d.costs.shift();
      }
      this.running = false;
      this.pump();
    }
  }
}

/** The median of a few numbers (0 for none). */
function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
