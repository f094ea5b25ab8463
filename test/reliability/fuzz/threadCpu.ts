// CPU time of one thread, read from /proc (Linux), so that the fuzz budget measures the work an input
// costs and not how busy the machine is (other builds and tests share it). Elsewhere: undefined, and
// the runner falls back to wall-clock time.
import { readFileSync, readlinkSync } from 'node:fs';

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
