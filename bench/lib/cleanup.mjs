// Temporary directories and child processes to remove when the run ends, also when it is interrupted
// (Ctrl+C, SIGTERM): a fresh GOCACHE holds gigabytes, and a go build left running skews whatever runs next.
import { rmSync } from 'node:fs';

const dirs = new Set();
const children = new Set();

export function removeLater(dir) {
  dirs.add(dir);
  return dir;
}

export function removeNow(dir) {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** A child process to kill if the run is interrupted while it runs. */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function cleanUp() {
  for (const child of children) child.kill('SIGTERM');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}
process.once('exit', cleanUp);
