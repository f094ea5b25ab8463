// `npm test`: every suite in order (build, mocha, fixture verification against the Go toolchain, the
// real-VS-Code suites), streaming their output, then one closing line that adds up the counts each
// suite printed ("N passed, N failed, N skipped"), so CI sees the whole run rather than the last suite.
import { spawn } from 'node:child_process';

const stages = [
  ['build', 'npm', ['run', 'build']],
  ['unit, CLI and LSP', 'npx', ['mocha']],
  ['fixtures vs go', 'npm', ['run', 'verify:fixtures']],
  ['VS Code', 'npm', ['run', 'test:e2e']],
];
const summary = /^(?:[\w-]+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(name, command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const m = summary.exec(line.trim());
        if (m) {
          totals.passed += Number(m[1]);
          totals.failed += Number(m[2]);
          totals.skipped += Number(m[3] ?? 0);
        }
      }
    });
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', (error) => {
      console.error(`test: cannot run ${name}: ${error.message}`);
      resolve(1);
    });
  });
}

let failedStage;
for (const [name, command, args] of stages) {
  const code = await run(name, command, args);
  if (code !== 0) {
    failedStage = name;
    break;
  }
}
if (failedStage) console.log(`\ntest: stopped at "${failedStage}"`);
console.log(`\nall: ${totals.passed} passed, ${totals.failed + (failedStage ? 1 : 0)} failed, ${totals.skipped} skipped`);
process.exitCode = failedStage ? 1 : 0;
