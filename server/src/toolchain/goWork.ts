// go.work: the workspace file that groups modules. It does not change a file's language version (each
// module's go.mod decides that), but its `go` and `toolchain` lines raise the toolchain the go command
// needs, and a module outside its `use` list is not part of the workspace.
import { parseGoRelease } from './goVersion';

export interface GoWorkFacts {
  goMinor?: number;
  toolchain?: string;
  /** The `use` directories, as written (relative to go.work's directory). */
  uses: string[];
}

export function parseGoWork(text: string): GoWorkFacts {
  const facts: GoWorkFacts = { uses: [] };
  let inUseBlock = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    if (inUseBlock) {
      if (line === ')') inUseBlock = false;
      else facts.uses.push(unquote(line));
      continue;
    }
    const m = /^(go|toolchain|use)\s+(.+)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'go') facts.goMinor = parseGoRelease(m[2])?.minor;
    else if (m[1] === 'toolchain') facts.toolchain = m[2].trim();
    else if (m[2].trim() === '(') inUseBlock = true;
    else facts.uses.push(unquote(m[2].trim()));
  }
  return facts;
}

function unquote(s: string): string {
  return s.startsWith('"') || s.startsWith('`') ? s.slice(1, -1) : s;
}
