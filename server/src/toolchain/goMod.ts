// Reads the directives of go.mod that decide language semantics. A go.mod without a `go` line means
// go 1.16 (the go command's rule); a `go` line that does not parse is reported and treated the same.
import { GoRelease, parseGoRelease } from './goVersion';

export const GO_MOD_DEFAULT_MINOR = 16;

export interface Directive {
  /** Zero-based line in go.mod. */
  line: number;
  value: string;
}

export interface GoModFacts {
  go?: Directive & { release?: GoRelease };
  toolchain?: Directive;
  /** Language minor version the module declares. */
  goMinor: number;
  problems: string[];
}

export function parseGoMod(text: string): GoModFacts {
  const facts: GoModFacts = { goMinor: GO_MOD_DEFAULT_MINOR, problems: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]).trim();
    const m = /^(go|toolchain)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    if (m[1] === 'go') {
      const release = parseGoRelease(m[2]);
      facts.go = { line: i, value: m[2], release };
      if (release) facts.goMinor = release.minor;
      else facts.problems.push(`go.mod:${i + 1}: invalid go version '${m[2]}'; assuming go 1.${GO_MOD_DEFAULT_MINOR}`);
    } else {
      facts.toolchain = { line: i, value: m[2] };
    }
  }
  return facts;
}

function stripComment(line: string): string {
  const at = line.indexOf('//');
  return at < 0 ? line : line.slice(0, at);
}
