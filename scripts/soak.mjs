// `npm run soak [-- edits]`: the full soak of issue 17 (10,000 edits across 20 open files with saves and
// go.mod changes; test/reliability/soak.ts), printing each checkpoint. npm test runs a short one.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { soak } = require('../out/test/reliability/soak.js');
const edits = Number(process.argv[2] ?? 10000);
const { checkpoints, mismatches } = await soak({ edits, log: (line) => console.log(line) });
const [early, end] = checkpoints;
const verdicts = [
  [`RSS ${early.rssKiB} → ${end.rssKiB} KiB (${(end.rssKiB / early.rssKiB).toFixed(2)}×, at most 1.2×)`, end.rssKiB <= early.rssKiB * 1.2],
  [`file descriptors ${early.fileDescriptors} → ${end.fileDescriptors}`, end.fileDescriptors <= early.fileDescriptors],
  [`threads ${early.threads} → ${end.threads}`, end.threads <= early.threads],
  [`syntax trees alive at the end: ${end.liveTrees} (20 open documents)`, end.liveTrees === 20],
  [`files whose diagnostics differ from a fresh analysis: ${mismatches.length ? mismatches.join(', ') : 'none'}`, mismatches.length === 0],
];
for (const [line, ok] of verdicts) console.log(`${ok ? 'ok  ' : 'FAIL'} ${line}`);
process.exitCode = verdicts.every(([, ok]) => ok) ? 0 : 1;
