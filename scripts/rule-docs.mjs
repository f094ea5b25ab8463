// Writes docs/rules/<family>/<name>.md for every rule, and docs/rules/README.md listing them, from the
// rule registry (summary, help, example): the pages diagnostics link to. Run by `npm run docs:rules`
// after changing a rule's documentation; test/unit/ruleDocs.test.ts fails while they are out of date.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { ruleDocs } = require(join(root, 'out/server/src/cli/rulesCommand.js'));
const { ruleDocFiles } = require(join(root, 'out/server/src/cli/ruleText.js'));

const files = ruleDocFiles(await ruleDocs());
const docsDir = join(root, 'docs', 'rules');
// Pages of rules that no longer exist go away.
for (const file of listFiles(docsDir)) {
  const rel = relative(root, file).split('\\').join('/');
  if (!files.has(rel)) rmSync(file);
}
for (const [rel, text] of files) {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}
console.log(`docs/rules: ${files.size} pages`);

function listFiles(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => (statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name)) : [join(dir, name)]));
}
