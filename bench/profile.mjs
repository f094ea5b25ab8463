// The biggest cost: `gohazard scan` in one thread (--threads 0) under `node --cpu-prof`, and the
// profile summarised: top functions by self time, gohazard functions by inclusive time (each function
// counted once per sample however deep it recurses), and time by source area (parse, the rule
// families, the package index, the engine). Run alone: node bench/profile.mjs <dir/...> [--top N].
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeLater } from './lib/cleanup.mjs';
import { cliPath, repoRoot } from './lib/engine.mjs';
import { runMeasured } from './lib/proc.mjs';

export async function profileBench({ target, top = 15, keepDir } = {}) {
  const dir = keepDir ?? removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-prof-')));
  try {
    const run = await runMeasured(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '1000', cliPath, 'scan', target, '--threads', '0', '--format', 'json', '--fail-on', 'none'], {});
    if (run.code !== 0) throw new Error(`profiled scan exited ${run.code}: ${run.stderrTail}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('node wrote no .cpuprofile');
    return { wallMs: run.wallMs, userMs: run.userMs, systemMs: run.systemMs, ...summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), top), profile: keepDir ? join(dir, file) : undefined };
  } finally {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Self and inclusive time per function and per area, from a V8 .cpuprofile. */
export function summarizeProfile(profile, top = 15) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));

  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, us] of selfUs) {
    const leaf = nodes.get(id);
    add(self, frameName(leaf.callFrame), us);
    const seen = new Set();
    let area;
    for (let n = leaf; n; n = nodes.get(parent.get(n.id))) {
      const name = frameName(n.callFrame);
      if (isOurs(n.callFrame) && !seen.has(name)) {
        seen.add(name);
        add(inclusive, name, us);
      }
      // The outermost frame that names an area wins: a rule's own parsing or scope walks are the rule's.
      area = areaOf(n.callFrame) ?? area;
    }
    add(areas, area ?? areaOfLeaf(leaf.callFrame), us);
  }
  const rank = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: Math.round((1000 * us) / total) / 10 }));
  return { sampledMs: Math.round(total / 1000), topSelf: rank(self, top), topInclusive: rank(inclusive, top), areas: rank(areas, 20) };
}

function frameName({ functionName, url, lineNumber }) {
  const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

function shortUrl(url) {
  const root = pathToFileURL(repoRoot).toString();
  if (url.startsWith(root)) return url.slice(root.length + 1).replace(/^out\//, '');
  if (url.startsWith('wasm://')) return 'wasm';
  const nm = url.lastIndexOf('node_modules/');
  return nm >= 0 ? url.slice(nm + 'node_modules/'.length) : url.replace(/^node:/, '');
}

function isOurs({ url }) {
  return url.includes('/out/server/src/');
}

/** The area a frame belongs to, or undefined for frames that do not decide one. */
function areaOf({ url, functionName }) {
  const m = /\/out\/server\/src\/(.*)\.js$/.exec(url);
  if (!m) return undefined;
  const path = m[1];
  if (path.startsWith('rules/')) return path.split('/').slice(0, 2).join('/');
  if (path === 'engine/packageIndex') return 'engine/packageIndex (summaries of package files)';
  if (path === 'engine/document' && (functionName === 'GoDocument' || functionName === 'parse' || functionName === 'update')) return 'parse (GoDocument)';
  if (path.startsWith('engine/') || path.startsWith('toolchain/') || path.startsWith('workspace/') || path.startsWith('cli/') || path.startsWith('node/')) return undefined;
  return path;
}

function areaOfLeaf({ url, functionName }) {
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return `${functionName}`;
  const m = /\/out\/server\/src\/([^/]+)\//.exec(url);
  if (m) return `${m[1]} (other)`;
  if (url.startsWith('wasm://') || url.includes('web-tree-sitter')) return 'web-tree-sitter (outside an area)';
  return 'node / other';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).toString()) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 20;
  const keepAt = args.indexOf('--keep');
  const keepDir = keepAt >= 0 ? args.splice(keepAt, 2)[1] : undefined;
  const target = args[0] ?? join(repoRoot, 'examples');
  const r = await profileBench({ target, top, keepDir });
  console.log(`profiled scan of ${target}: ${(r.wallMs / 1000).toFixed(1)} s wall, ${(r.sampledMs / 1000).toFixed(1)} s sampled`);
  for (const [title, rows] of [['by area (outermost)', r.areas], ['top self time', r.topSelf], ['top inclusive (gohazard functions)', r.topInclusive]]) {
    console.log(`\n${title}`);
    for (const row of rows) console.log(`  ${String(row.ms).padStart(7)} ms ${String(row.percent).padStart(5)}%  ${row.name}`);
  }
  if (r.profile) console.log(`\nprofile: ${r.profile}`);
}
