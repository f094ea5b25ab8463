// Reads the version of the installed go command, the only program gohazard ever runs. It runs
// `go env GOVERSION` outside any workspace (in the temp directory) with GOTOOLCHAIN=local, so that no
// go.mod or go.work of the workspace can make the go command switch or download toolchains, with a
// timeout. The language server's first analyses wait for the answer, for a bounded time
// (lsp/toolchain.ts, PROBE_WAIT_MS), and assume a default when it does not come.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { parseGoRelease } from '../toolchain/goVersion';

export interface InstalledToolchain {
  /** e.g. "go1.26.8" */
  version: string;
  minor: number;
  /** The GOTOOLCHAIN of the environment gohazard runs in, when set. */
  goToolchainEnv?: string;
}

export type ProbeResult = { found: InstalledToolchain } | { error: string };

export const PROBE_TIMEOUT_MS = 3000;

export function probeGoToolchain(goPath = 'go', timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(
      goPath,
      ['env', 'GOVERSION'],
      { cwd: tmpdir(), timeout: timeoutMs, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' }, windowsHide: true },
      (error, stdout) => {
        if (error) {
          const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${goPath} not found` : error.killed ? `${goPath} did not answer within ${timeoutMs} ms` : error.message;
          resolve({ error: reason });
          return;
        }
        const version = stdout.trim();
        const release = parseGoRelease(version);
        if (!release) resolve({ error: `unexpected answer from ${goPath} env GOVERSION: ${JSON.stringify(version)}` });
        else resolve({ found: { version, minor: release.minor, goToolchainEnv: process.env.GOTOOLCHAIN || undefined } });
      },
    );
  });
}
