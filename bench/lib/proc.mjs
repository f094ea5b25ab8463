// Runs a child process and measures it: wall time, CPU time (user + system, including the processes it
// waited for, e.g. the compilers go starts) and peak RSS. /usr/bin/time gives exact rusage figures when
// it is installed; /proc/<pid>/status is sampled every 50 ms in any case (VmHWM is the kernel's own
// high-water mark of the process, so a sample late in the run sees the peak).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeLater, track } from './cleanup.mjs';

const TIME = '/usr/bin/time';
export const haveGnuTime = existsSync(TIME) && probeGnuTime();

function probeGnuTime() {
  // GNU time knows -f; busybox and BSD time differ. A failed probe just means sampling only.
  const r = spawnSync(TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+$/.test(r.stderr.trim().split('\n').pop() ?? '');
}

/** VmRSS and VmHWM (KiB) of a live process, or undefined once it is gone. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return { rss, hwm };
  } catch {
    return undefined;
  }
}

/** Samples a live process's memory every intervalMs until stop() is called. */
export function sampleMemory(pid, intervalMs = 50) {
  const peak = { rss: 0, hwm: 0, samples: 0 };
  const tick = () => {
    const m = memoryOf(pid);
    if (!m) return;
    peak.samples++;
    if (m.rss > peak.rss) peak.rss = m.rss;
    if (m.hwm > peak.hwm) peak.hwm = m.hwm;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    peak,
    stop() {
      tick();
      clearInterval(timer);
      return peak;
    },
  };
}

/**
 * Runs command with args; resolves with { code, wallMs, userMs, systemMs, maxRssKiB, sampledPeakRssKiB,
 * stdoutBytes, stderrLines, stderrTail }. onStdout/onStderr see the output as it comes.
 */
export function runMeasured(command, args, { cwd, env, onStdout, onStderr, keepStdout = false } = {}) {
  const dir = removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-time-')));
  const timeFile = join(dir, 'time.txt');
  const [cmd, argv] = haveGnuTime ? [TIME, ['-o', timeFile, '-f', '%e %U %S %M', command, ...args]] : [command, args];
  const started = performance.now();
  const child = track(spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  // Under /usr/bin/time the measured process is time's child; sample that one when it appears.
  const sampler = sampleTarget(child.pid, haveGnuTime);
  let stdoutBytes = 0;
  const stdoutChunks = [];
  let stderrLines = 0;
  let stderrTail = '';
  child.stdout.on('data', (d) => {
    stdoutBytes += d.length;
    if (keepStdout) stdoutChunks.push(d);
    onStdout?.(d);
  });
  child.stderr.on('data', (d) => {
    const s = String(d);
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) stderrLines++;
    stderrTail = (stderrTail + s).slice(-4000);
    onStderr?.(s);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const peak = sampler.stop();
      const result = { code, wallMs, userMs: NaN, systemMs: NaN, maxRssKiB: peak.hwm || peak.rss || NaN, sampledPeakRssKiB: peak.rss || NaN, stdoutBytes, stderrLines, stderrTail };
      if (keepStdout) result.stdout = Buffer.concat(stdoutChunks).toString('utf8');
      if (haveGnuTime) {
        try {
          // time writes "Command exited with non-zero status N" before the figures on failures.
          const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
          const [, user, system, rss] = last.split(/\s+/).map(Number);
          result.userMs = user * 1000;
          result.systemMs = system * 1000;
          result.maxRssKiB = rss;
        } catch {
          // keep the sampled figures
        }
      }
      rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
}

/** Samples pid, or the first child of pid when wrapped (the process /usr/bin/time runs). */
function sampleTarget(pid, wrapped) {
  if (!wrapped) return sampleMemory(pid);
  let inner;
  const peak = { rss: 0, hwm: 0, samples: 0 };
  const timer = setInterval(() => {
    inner ??= firstChild(pid);
    if (inner === undefined) return;
    const m = memoryOf(inner);
    if (!m) return;
    peak.samples++;
    peak.rss = Math.max(peak.rss, m.rss);
    peak.hwm = Math.max(peak.hwm, m.hwm);
  }, 50);
  return {
    peak,
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

function firstChild(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length > 0 ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, ms) of this process, all threads included (scan workers are threads). */
export function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
