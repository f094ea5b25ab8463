// A rule's documentation as `gohazard explain` prints it and as docs/rules/<family>/<name>.md holds it
// (the page diagnostics link to): the same words, from the rule object, in two layouts.
import { familyOf } from '../engine/rule';
import { ruleDocPath, ruleDocUrl } from '../engine/ruleDocUrl';
import type { RuleDoc } from '../engine/types';

const WIDTH = 100;
/** Example lines longer than this (generated code) are shown shortened; the test runs them whole. */
const EXAMPLE_LINE_CHARS = 120;

export function explainText(doc: RuleDoc): string {
  const out = [`${doc.id} (default severity ${doc.defaultSeverity}, family ${familyOf(doc.id)})`, '', ...wrap(doc.summary, WIDTH), '', ...wrap(doc.help, WIDTH)];
  const shown = whenShown(doc);
  if (shown) out.push('', ...wrap(shown, WIDTH));
  if (doc.example) {
    const where = doc.example.goVersion ? ` (in a module at go ${doc.example.goVersion})` : '';
    out.push('', `Example${where}, reported:`, '', ...indent(exampleLines(doc.example.hazard)), '', 'Fixed, not reported:', '', ...indent(exampleLines(doc.example.fix)));
  }
  out.push('', `Documentation: ${ruleDocUrl(doc.id)}`);
  return out.map((l) => `${l}\n`).join('');
}

/** docs/rules/<family>/<name>.md of every rule, and docs/rules/README.md listing them, by path. */
export function ruleDocFiles(docs: readonly RuleDoc[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const doc of docs) files.set(ruleDocPath(doc.id), ruleMarkdown(doc));
  const rows = docs.map((d) => `| [\`${d.id}\`](${d.id}.md) | ${d.defaultSeverity} | ${escapeCell(d.summary)} |`);
  files.set('docs/rules/README.md', `${GENERATED}\n# gohazard rules\n\nEvery rule, with its default severity. \`gohazard rules\` lists them, \`gohazard explain <rule>\` prints one of these pages.\n\n| rule | default severity | summary |\n|---|---|---|\n${rows.join('\n')}\n`);
  return files;
}

const GENERATED = '<!-- Generated from the rule registry by `npm run docs:rules`: edit the rule in server/src, not this file. -->';

function ruleMarkdown(doc: RuleDoc): string {
  const out = [GENERATED, `# ${doc.id}`, '', `Default severity: **${doc.defaultSeverity}** · family \`${familyOf(doc.id)}\` · [all rules](${'../'.repeat(doc.id.split('/').length - 1)}README.md)`, '', doc.summary, '', doc.help];
  const shown = whenShown(doc);
  if (shown) out.push('', shown);
  if (doc.example) {
    const where = doc.example.goVersion ? `In a module at \`go ${doc.example.goVersion}\`, gohazard reports this:` : 'gohazard reports this:';
    out.push('', '## Example', '', where, '', '```go', ...exampleLines(doc.example.hazard), '```', '', 'Fixed, it does not:', '', '```go', ...exampleLines(doc.example.fix), '```');
  }
  const ignore = familyOf(doc.id) === 'gohazard' ? '' : `, or \`//gohazard:ignore ${doc.id} <reason>\` on the line`;
  out.push('', '## Turning it off', '', `\`--rule ${doc.id}=off\` on the command line, \`"gohazard.rules": { "${doc.id}": "off" }\` in the editor${ignore}.`);
  return `${out.join('\n')}\n`;
}

/** When the policy shows the rule's findings, for the kinds it does not always show. */
function whenShown(doc: RuleDoc): string | undefined {
  switch (doc.kind) {
    case 'cost':
      return 'By default these findings are shown only in hot code: the measured loop of a benchmark, or a function a CPU profile says is hot. `--escape-scope loops` (the `gohazard.escape.scope` setting) shows every one made inside a loop, as in the example below, and `all` every one.';
    case 'fact':
      return 'Shown only in the allocations view: `--escape-scope loops` (the `gohazard.escape.scope` setting) shows every one made inside a loop, as in the example below, and `all` every one; the default view (`hot`) leaves it out.';
    case 'resource':
      return 'Not shown where the code is cold (an error path, a path that leaves the loop, `init`, tests outside benchmark loops) unless `--escape-scope` is `loops` or `all`.';
    case 'explanation':
      return 'When a finding of another rule is about the same variable, this one is folded into it rather than shown apart.';
    default:
      return undefined;
  }
}

function exampleLines(code: string): string[] {
  return code
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l.length > EXAMPLE_LINE_CHARS ? `${l.slice(0, EXAMPLE_LINE_CHARS - 20)} … ${l.slice(-10)} (${l.length} characters)` : l));
}

function indent(lines: string[]): string[] {
  return lines.map((l) => (l === '' ? '' : `    ${l.replace(/\t/g, '    ')}`));
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
