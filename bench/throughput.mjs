// Benchmark 2, scan throughput: the corpus scanned by the workspace scanner (worker threads, as
// `gohazard scan` and gohazard/scanWorkspace run it) with every rule at its default severity, against
// a parse-only baseline measured in the same run: the same files, the same number of threads, each
// file read, parsed and its tree freed without any rule. Runs alternate baseline/full so that load from
// other processes hits both alike; the medians are reported, with CPU time (all threads) beside wall.
import { availableParallelism } from 'node:os';
import { engine } from './lib/engine.mjs';
import { cpuNow } from './lib/proc.mjs';
import { median } from './lib/stats.mjs';

export async function throughputBench({ files, threads = availableParallelism(), repeat = 2, log = () => {} }) {
  const { ScanHandle } = engine('workspace/scanner.js');
  const config = { rules: {} };
  const runs = { baseline: [], full: [] };
  let findings = 0;
  let lines = 0;
  let filesScanned = 0;
  let problems = 0;
  let notAnalysed = [];
  for (let r = 0; r < repeat; r++) {
    for (const kind of ['baseline', 'full']) {
      const cpu0 = cpuNow();
      const t0 = performance.now();
      const outcome = await new ScanHandle({ files, config, threads, parseOnly: kind === 'baseline' }).done;
      const wallMs = performance.now() - t0;
      const cpuMs = cpuNow() - cpu0;
      const runLines = outcome.results.reduce((n, x) => n + x.lines, 0);
      runs[kind].push({ wallMs, cpuMs, threads: outcome.threads });
      log(`  ${kind} run ${r + 1}/${repeat}: ${(wallMs / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU`);
      if (kind === 'full') {
        findings = outcome.results.reduce((n, x) => n + x.findings.length, 0);
        problems = outcome.results.reduce((n, x) => n + x.problems.length, 0);
        // Files the scanner skipped (too large, binary): the same in both runs, and not in `lines`.
        notAnalysed = outcome.results.filter((x) => x.lines === 0).map((x) => ({ file: x.file, why: x.problems[0] ?? '' }));
      }
      lines = runLines;
      filesScanned = outcome.results.filter((x) => x.lines > 0).length;
    }
  }
  const pick = (kind) => ({ wallMs: median(runs[kind].map((x) => x.wallMs)), cpuMs: median(runs[kind].map((x) => x.cpuMs)), runs: runs[kind] });
  const baseline = pick('baseline');
  const full = pick('full');
  return {
    files: filesScanned,
    lines,
    threads: runs.full[0]?.threads ?? threads,
    repeat,
    findings,
    problems,
    notAnalysed,
    baseline: { ...baseline, linesPerSecond: lines / (baseline.wallMs / 1000) },
    full: { ...full, linesPerSecond: lines / (full.wallMs / 1000) },
    ratioWall: full.wallMs / baseline.wallMs,
    ratioCpu: full.cpuMs / baseline.cpuMs,
  };
}
