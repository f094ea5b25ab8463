// Benchmark 5, memory: peak RSS while scanning the corpus without the scan cache (run.mjs turns it
// off for every benchmark but the cache's), (a) of the CLI (`gohazard scan`, whose
// worker threads live in its process, so its RSS covers them) and (b) of the language server answering
// gohazard/scanWorkspace for a workspace folder holding the corpus. Peaks are the kernel's VmHWM (and
// GNU time's maximum RSS for the CLI); VmRSS is also sampled every 50 ms. The CLI's wall and CPU time
// are the gohazard figures the go anchors are compared with (both are whole commands).
import { readFileSync } from 'node:fs';
import { cliPath } from './lib/engine.mjs';
import { BenchClient } from './lib/lspClient.mjs';
import { memoryOf, runMeasured, sampleMemory } from './lib/proc.mjs';

export async function memoryBench({ root, threads }) {
  const cli = await runMeasured(process.execPath, [cliPath, 'scan', `${root}/...`, '--format', 'json', '--fail-on', 'none', ...(threads ? ['--threads', String(threads)] : [])], { keepStdout: true });
  if (cli.code !== 0) throw new Error(`gohazard scan exited ${cli.code}: ${cli.stderrTail}`);
  const report = JSON.parse(cli.stdout);
  const server = await serverScan(root);
  return {
    cli: { wallMs: cli.wallMs, userMs: cli.userMs, systemMs: cli.systemMs, peakRssKiB: cli.maxRssKiB, sampledPeakRssKiB: cli.sampledPeakRssKiB, files: report.files, findings: report.findings.length },
    server,
  };
}

async function serverScan(root) {
  const client = new BenchClient();
  try {
    await client.initialize(root);
    const sampler = sampleMemory(client.pid);
    const cpu0 = cpuTicks(client.pid);
    const t0 = performance.now();
    const summary = await client.connection.sendRequest('gohazard/scanWorkspace', { workDoneToken: 'bench-scan' });
    const wallMs = performance.now() - t0;
    const cpuMs = (cpuTicks(client.pid) - cpu0) * 10;
    const peak = sampler.stop();
    const end = memoryOf(client.pid);
    await client.shutdown();
    return { wallMs, cpuMs, peakRssKiB: end?.hwm ?? peak.hwm, sampledPeakRssKiB: peak.rss, rssAfterKiB: end?.rss, files: summary.files, findings: summary.findings, summary: summary.summary };
  } finally {
    if (client.process.exitCode === null) client.process.kill();
  }
}

/** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
