// CPU time of one thread, read from /proc (Linux), so that a budget (a parse's in a scan, an input's in
// the fuzz run) measures the work itself and not how busy the machine is: other processes, other worker
// threads of the same scan. Node 20 has no process.threadCpuUsage, and process.cpuUsage counts every
// thread of the process. Elsewhere (macOS, Windows) there is no such file: callers fall back to wall time.
import { readFileSync, readlinkSync } from 'node:fs';
import { ParseClock, wallClock } from '../engine/limits';

/** Linux's USER_HZ: utime and stime count 1/100 s. */
const TICK_MS = 10;

/** The stat file of the calling thread, which any thread of the process can read. */
export function threadStatPath(): string | undefined {
  try {
    return `/proc/${readlinkSync('/proc/thread-self')}/stat`;
  } catch {
    return undefined;
  }
}

export function threadCpuMs(statPath: string | undefined): number | undefined {
  if (!statPath) return undefined;
  try {
    const stat = readFileSync(statPath, 'utf8');
    // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * TICK_MS : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The parse clock of a batch scan: the CPU time of the thread whose stat file it reads (by default the
 * calling thread, which must then be the one that parses), or wall time where that cannot be read.
 *
 * Reading the stat file costs about 13 µs, and tree-sitter calls a parse's progress callback every 19
 * to 32 µs of a normal parse (every 2 ms in its quadratic error recovery): read on every call, the clock
 * would cost half the parse, and read every 70th call (1%), it would let the error recovery run 150 ms
 * past its budget. The counts change in 10 ms ticks, so the file is read again once 10 ms of wall time
 * have passed since the last read instead: the thread cannot have run longer than that meanwhile, so the
 * clock is at most one tick behind. That is at most one read per 10 ms (0.13%) and a performance.now()
 * per call (50 ns, at most 0.26%).
 */
export function threadCpuClock(statPath = threadStatPath()): ParseClock {
  const first = threadCpuMs(statPath);
  if (first === undefined) return wallClock;
  let cpu = first;
  let readAt = performance.now();
  return {
    measures: 'CPU time',
    now() {
      const wall = performance.now();
      if (wall - readAt >= TICK_MS) {
        cpu = threadCpuMs(statPath) ?? cpu;
        readAt = wall;
      }
      return cpu;
    },
  };
}
