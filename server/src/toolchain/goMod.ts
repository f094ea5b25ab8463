// Reads the directives of go.mod that decide language semantics. A go.mod without a `go` line means
// go 1.16 (the go command's rule); a `go` line that does not parse is reported and treated the same,
// and so are the other syntax errors that would make the go command reject the file.
import { GoRelease, parseGoRelease } from './goVersion';

export const GO_MOD_DEFAULT_MINOR = 16;

export interface Directive {
  /** Zero-based line in go.mod. */
  line: number;
  value: string;
}

export interface GoModFacts {
  /** The module path of the `module` line. */
  module?: string;
  go?: Directive & { release?: GoRelease };
  toolchain?: Directive;
  /** Language minor version the module declares. */
  goMinor: number;
  problems: string[];
}

/** The directives the go command accepts in go.mod; anything else at the top level is a syntax error. */
const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);

/**
 * The directives that matter here, and the syntax errors that make the go command refuse the file,
 * each as "go.mod:LINE: message". Only the go line decides the version: a go.mod whose go line is
 * missing or unreadable means go 1.16; other errors are reported and the go line still counts.
 */
export function parseGoMod(text: string): GoModFacts {
  const facts: GoModFacts = { goMinor: GO_MOD_DEFAULT_MINOR, problems: [] };
  const problem = (line: number, message: string) => facts.problems.push(`go.mod:${line + 1}: ${message}`);
  const lines = text.split('\n');
  let block: { name: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]).trim();
    if (line === '') continue;
    if (block) {
      if (line === ')') block = undefined;
      continue;
    }
    const m = /^([^\s(]*)\s*(.*)$/s.exec(line)!;
    const [, name, rest] = m;
    if (!DIRECTIVES.has(name)) {
      problem(i, name === '' ? `unexpected ${JSON.stringify(line.slice(0, 20))}` : `unknown directive: ${name}`);
      continue;
    }
    if (rest === '(') {
      block = { name, line: i };
      continue;
    }
    if (name === 'module') {
      facts.module ??= rest.replace(/^"(.*)"$/, '$1') || undefined;
      continue;
    }
    if (name !== 'go' && name !== 'toolchain') continue;
    const args = rest === '' ? [] : rest.split(/\s+/);
    if (facts[name]) {
      problem(i, `repeated ${name} directive; the first one counts`);
      continue;
    }
    if (name === 'toolchain') {
      if (args.length === 1) facts.toolchain = { line: i, value: args[0] };
      else problem(i, `malformed toolchain directive: expected "toolchain go1.N.P"`);
      continue;
    }
    if (args.length !== 1) {
      problem(i, `malformed go directive: expected "go 1.N"; assuming go 1.${GO_MOD_DEFAULT_MINOR}`);
      continue;
    }
    const release = parseGoRelease(args[0]);
    facts.go = { line: i, value: args[0], release };
    if (release) facts.goMinor = release.minor;
    else problem(i, `invalid go version '${args[0]}'; assuming go 1.${GO_MOD_DEFAULT_MINOR}`);
  }
  if (block) problem(block.line, `${block.name} block is never closed with ")"`);
  return facts;
}

function stripComment(line: string): string {
  const at = line.indexOf('//');
  return at < 0 ? line : line.slice(0, at);
}
