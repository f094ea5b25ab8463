import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { GoDocument } from '../../server/src/engine/document';
import { GoGrammar } from '../../server/src/engine/grammar';
import { ParseClock, wallClock } from '../../server/src/engine/limits';
import { loadGrammar } from '../../server/src/node/nodeHost';
import { threadCpuClock } from '../../server/src/node/threadCpu';

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread without running it, as a thread that the machine's load deschedules. */
function wait(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

/** Runs until `clock` has advanced by `ms`, and fails (rather than hangs) if it never does. */
function burn(clock: ParseClock, ms: number): void {
  const start = clock.now();
  const giveUp = Date.now() + 60_000;
  while (clock.now() - start < ms) if (Date.now() > giveUp) assert.fail(`the clock did not advance by ${ms} ms in a minute of work`);
}

describe('thread CPU clock', function () {
  this.timeout(120_000);

  it('is wall time where no stat file of the thread can be read (macOS, Windows)', () => {
    assert.equal(threadCpuClock('/nonexistent/stat'), wallClock);
  });

  // /proc/thread-self is Linux's: elsewhere threadCpuClock() is the wall clock tested above.
  (process.platform === 'linux' ? describe : describe.skip)('on Linux (/proc/thread-self)', () => {
    let grammar: GoGrammar;
    before(async () => {
      grammar = await loadGrammar();
    });

    it('advances with CPU work done in this thread, never faster than the process\'s CPU time', () => {
      const clock = threadCpuClock();
      assert.equal(clock.measures, 'CPU time');
      const before = process.cpuUsage();
      const start = clock.now();
      burn(clock, 200);
      const thread = clock.now() - start;
      const used = process.cpuUsage(before);
      // One tick (10 ms) for the rounding of each reading.
      assert.ok(thread <= (used.user + used.system) / 1000 + 20, `thread ${thread} ms, process ${(used.user + used.system) / 1000} ms`);
    });

    it('hardly advances while this thread sleeps or awaits', async () => {
      const clock = threadCpuClock();
      const start = clock.now();
      const wallStart = Date.now();
      wait(300);
      await sleep(300);
      assert.ok(Date.now() - wallStart >= 600);
      assert.ok(clock.now() - start <= 50, `${clock.now() - start} ms of CPU time in 600 ms of sleep`);
    });

    it('does not count the work of another thread of the process', async () => {
      const clock = threadCpuClock();
      const start = clock.now();
      const before = process.cpuUsage();
      // The worker burns 500 ms of its own CPU time, by its own clock, while this thread awaits it.
      const worker = new Worker(
        `const { threadCpuClock } = require(${JSON.stringify(require.resolve('../../server/src/node/threadCpu'))});
        const clock = threadCpuClock();
        const start = clock.now();
        while (clock.now() - start < 500);`,
        { eval: true },
      );
      await new Promise((resolve, reject) => worker.on('exit', resolve).on('error', reject));
      const used = process.cpuUsage(before);
      assert.ok((used.user + used.system) / 1000 >= 500, 'the process\'s CPU time counts the worker\'s');
      // What this thread did meanwhile: starting the worker, and waiting.
      assert.ok(clock.now() - start < 250, `${clock.now() - start} ms`);
    });

    it('gives a parse whose thread waits between steps its whole budget, where wall time runs out', () => {
      const text = `package p\n\n${Array.from({ length: 500 }, (_, i) => `func f${i}(xs []int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\tn += x\n\t}\n\treturn n\n}\n`).join('\n')}`;
      // A clock read from tree-sitter's progress callback, the parse's thread descheduled 2 ms at each step.
      const descheduled = (clock: ParseClock): ParseClock & { steps: number } => ({
        measures: clock.measures,
        steps: 0,
        now() {
          this.steps++;
          wait(2);
          return clock.now();
        },
      });
      const onCpu = descheduled(threadCpuClock());
      const onWall = descheduled(wallClock);
      // A parse resumed after every wait starts with cold caches: its 586 steps took 125-150 ms of CPU
      // time where the parse alone takes 30 ms, and more on a loaded machine. The budget leaves room for
      // that; the waits alone (1.2 s) still exceed it.
      const budgetMs = 600;
      const parsed = new GoDocument(grammar, text, { parseBudgetMs: budgetMs, clock: onCpu });
      const gaveUp = new GoDocument(grammar, text, { parseBudgetMs: budgetMs, clock: onWall });
      try {
        assert.ok(onCpu.steps * 2 > budgetMs, `${onCpu.steps} steps of 2 ms: more than the budget in waiting alone`);
        assert.equal(parsed.unparsedReason, undefined);
        assert.match(gaveUp.unparsedReason ?? '', /^file not analysed: parsing it took longer than 0\.6 s \(/);
      } finally {
        parsed.dispose();
        gaveUp.dispose();
      }
    });
  });
});
