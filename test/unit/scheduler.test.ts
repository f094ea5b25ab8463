import assert from 'node:assert/strict';
import { AnalysisJob, AnalysisScheduler, JobOutcome, MAX_DEBOUNCE_MS, SchedulerHost, SLICE_MS } from '../../server/src/lsp/scheduler';

/** A clock that moves only when told, timers that fire when it passes them, and a yield that lets promises settle. */
class FakeHost implements SchedulerHost {
  time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  now = () => this.time;
  setTimer = (fn: () => void, ms: number) => {
    const id = ++this.nextId;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimer = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  yieldToEventLoop = () => settle();

  /** Moves the clock, firing the timers due on the way. */
  async advance(ms: number): Promise<void> {
    // What is already due (a job finishing) happens before the clock moves.
    for (let i = 0; i < 50; i++) await settle();
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = next.at;
      this.timers = this.timers.filter((t) => t !== next);
      next.fn();
      for (let i = 0; i < 50; i++) await settle();
    }
    this.time = end;
    for (let i = 0; i < 50; i++) await settle();
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A job that works in steps of `stepMs` fake ms, checking in between as the server's analysis does. */
function steppedRun(host: FakeHost, steps: number, stepMs: number, log: { key: string; outcome: JobOutcome; at: number }[]) {
  return async (key: string, job: AnalysisJob): Promise<JobOutcome> => {
    for (let i = 0; i < steps; i++) {
      host.time += stepMs;
      if (job.sliceUsed()) {
        await job.pause();
        if (job.stale) {
          log.push({ key, outcome: 'abandoned', at: host.time });
          return 'abandoned';
        }
      }
    }
    log.push({ key, outcome: 'completed', at: host.time });
    return 'completed';
  };
}

describe('analysis scheduler', () => {
  it('coalesces a burst of changes into one analysis of the newest text', async () => {
    const host = new FakeHost();
    const log: { key: string; outcome: JobOutcome; at: number }[] = [];
    const scheduler = new AnalysisScheduler(host, steppedRun(host, 1, 4, log));
    scheduler.request('a', 'now');
    await host.advance(10);
    assert.deepEqual(log.map((l) => l.outcome), ['completed']);
    // The first analysis cost 4 ms: a change now waits 0.8 ms, and each change restarts the wait.
    for (let i = 0; i < 5; i++) {
      scheduler.request('a', 'edit');
      await host.advance(0.5);
    }
    await host.advance(20);
    assert.deepEqual(log.map((l) => l.outcome), ['completed', 'completed']);
    assert.deepEqual(scheduler.stats, { started: 2, completed: 2, abandoned: 0 });
  });

  it('a running analysis learns at its next checkpoint that a newer change came, and stops; the newest runs next', async () => {
    const host = new FakeHost();
    const log: { key: string; outcome: JobOutcome; at: number }[] = [];
    // 20 steps of 5 ms: it pauses every SLICE_MS.
    const scheduler = new AnalysisScheduler(host, async (key, job) => {
      const run = steppedRun(host, 20, 5, log);
      return run(key, job);
    });
    scheduler.request('a', 'now');
    await settle();
    // The job runs synchronously up to its first pause; a change arrives during the pause.
    scheduler.request('a', 'edit');
    await host.advance(1000);
    assert.deepEqual(log.map((l) => l.outcome), ['abandoned', 'completed']);
    assert.deepEqual(scheduler.stats, { started: 2, completed: 1, abandoned: 1 });
  });

  it('waits before an analysis about as long as analyses of the document cost when they are expensive, hardly when cheap, at most MAX_DEBOUNCE_MS', async () => {
    for (const cost of [3, 30, 500]) {
      const host = new FakeHost();
      const starts: number[] = [];
      const scheduler = new AnalysisScheduler(host, async () => {
        starts.push(host.time);
        host.time += cost;
        return 'completed';
      });
      scheduler.request('a', 'now');
      await host.advance(cost + 1);
      const changedAt = host.time;
      scheduler.request('a', 'edit');
      await host.advance(MAX_DEBOUNCE_MS + cost + 10);
      assert.equal(starts.length, 2, `cost ${cost}`);
      const expected = Math.min((cost * cost) / (cost + 2 * SLICE_MS), MAX_DEBOUNCE_MS);
      assert.ok(Math.abs(starts[1] - changedAt - expected) < 1e-9, `cost ${cost}: waited ${starts[1] - changedAt} ms, not ${expected}`);
    }
  });

  it('runs edited documents before documents that only depend on them, one analysis at a time', async () => {
    const host = new FakeHost();
    const order: string[] = [];
    let running = 0;
    const scheduler = new AnalysisScheduler(host, async (key, job) => {
      running++;
      assert.equal(running, 1, 'two analyses at once');
      order.push(key);
      host.time += SLICE_MS;
      await job.pause();
      running--;
      return 'completed';
    });
    scheduler.request('sibling', 'background');
    scheduler.request('edited', 'edit');
    await host.advance(1000);
    assert.deepEqual(order, ['edited', 'sibling']);
  });

  it('a closed document is not analysed, and its running analysis is stale', async () => {
    const host = new FakeHost();
    const log: { key: string; outcome: JobOutcome; at: number }[] = [];
    const scheduler = new AnalysisScheduler(host, steppedRun(host, 10, 5, log));
    scheduler.request('a', 'now');
    await settle();
    scheduler.forget('a');
    scheduler.request('b', 'edit');
    scheduler.forget('b');
    await host.advance(1000);
    assert.deepEqual(log, [{ key: 'a', outcome: 'abandoned', at: log[0]?.at }]);
    assert.equal(scheduler.stats.started, 1);
  });
});
