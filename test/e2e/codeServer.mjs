// A throw-away code-server (a real VS Code: server, Node extension host and web workbench) on 127.0.0.1,
// and a headless chromium to look at it. Everything either writes goes below one run directory:
// code-server and chromium write into $HOME (XDG directories) and leave sockets in $TMPDIR otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cleanEnv } from './tools.mjs';

/** User settings that keep the workbench quiet and offline. */
const baseSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

/** Directories for one run; `env` points HOME-ish writes and temp files into them. */
export function runDirectories(runDir) {
  const dirs = {
    root: runDir,
    data: join(runDir, 'data'),
    extensions: join(runDir, 'extensions'),
    tmp: join(runDir, 'tmp'),
    workspace: join(runDir, 'workspace'),
    shots: join(runDir, 'screenshots'),
    log: join(runDir, 'code-server.log'),
  };
  for (const d of [dirs.data, join(dirs.data, 'User'), dirs.extensions, dirs.tmp, dirs.shots]) mkdirSync(d, { recursive: true });
  const xdg = {};
  for (const kind of ['CONFIG', 'DATA', 'CACHE', 'STATE']) {
    xdg[`XDG_${kind}_HOME`] = join(runDir, 'xdg', kind.toLowerCase());
    mkdirSync(xdg[`XDG_${kind}_HOME`], { recursive: true });
  }
  dirs.env = { ...xdg, TMPDIR: dirs.tmp };
  return dirs;
}

/** A fresh copy of a sample workspace, so that the suites may edit and save its files. */
export function copyWorkspace(from, dirs) {
  cpSync(from, dirs.workspace, { recursive: true });
  return dirs.workspace;
}

/**
 * Installs `vsix` into the run's extensions directory with code-server's own CLI (what
 * `code --install-extension` does) and returns the installed extension's folder.
 */
export function installVsix(tools, dirs, vsix, extensionId) {
  const r = spawnSync(tools.node24, [tools.codeServer, ...commonArgs(dirs), '--install-extension', vsix], {
    env: cleanEnv(dirs.env),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  const folder = readdirSync(dirs.extensions).find((f) => f.toLowerCase().startsWith(`${extensionId.toLowerCase()}-`));
  if (!folder) throw new Error(`code-server installed ${vsix} but ${dirs.extensions} has no ${extensionId}-<version> folder:\n${r.stdout}`);
  return join(dirs.extensions, folder);
}

function commonArgs(dirs) {
  return ['--config', join(dirs.root, 'config.yaml'), '--user-data-dir', dirs.data, '--extensions-dir', dirs.extensions];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server in its own process group (it spawns the extension host, the pty host and a file
 * watcher) and waits until it answers /healthz.
 * @param {{ tools: any, dirs: any, settings?: object, env?: object, smokeTestDriver?: boolean }} options
 */
export async function startCodeServer({ tools, dirs, settings = {}, env = {}, smokeTestDriver = false }) {
  writeFileSync(join(dirs.data, 'User', 'settings.json'), JSON.stringify({ ...baseSettings, ...settings }, null, 2));
  const port = await freePort();
  const args = [
    tools.codeServer,
    ...commonArgs(dirs),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
  ];
  // Needed for the workbench to honour a test payload (extensionDevelopmentPath/extensionTestsPath) in its URL.
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(dirs.workspace);
  const log = openSync(dirs.log, 'a');
  const child = spawn(tools.node24, args, { detached: true, stdio: ['ignore', log, log], env: cleanEnv({ ...dirs.env, ...env }) });
  let exited = false;
  child.once('exit', () => (exited = true));
  const killGroup = (signal) => {
    // detached: the child called setsid, so its pid is the group id; make sure before signalling a group.
    const group = processGroupOf(child.pid) === child.pid ? -child.pid : child.pid;
    try {
      process.kill(group, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    killGroup('SIGTERM');
    for (let i = 0; i < 50 && groupAlive(child.pid); i++) await sleep(100);
    if (groupAlive(child.pid)) killGroup('SIGKILL');
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`code-server exited at start; see ${dirs.log}:\n${tail(dirs.log)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within a minute; see ${dirs.log}`);
    }
    await sleep(100);
  }
  return { url, port, stop, log: dirs.log };
}

function processGroupOf(pid) {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Debian's chromium, headless, driven by playwright-core; its profile lives in the run directory. */
export async function launchBrowser(tools, dirs) {
  const { chromium } = createRequire(import.meta.url)(tools.playwrightCore);
  const context = await chromium.launchPersistentContext(join(dirs.root, 'chromium-profile'), {
    executablePath: tools.chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    env: cleanEnv(dirs.env),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}
