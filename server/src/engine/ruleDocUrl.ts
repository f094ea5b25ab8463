// Where a rule's documentation lives: docs/rules/<family>/<name>.md in the project's repository,
// generated from the registry (scripts/rule-docs.mjs), so that one link works from VS Code, Neovim, a
// browser and a SARIF viewer alike, and shows the docs of the released version's main branch.
const REPOSITORY = 'https://github.com/gohazard/gohazard';

/** The documentation file of a rule, relative to the repository root. */
export function ruleDocPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

export function ruleDocUrl(ruleId: string): string {
  return `${REPOSITORY}/blob/main/${ruleDocPath(ruleId)}`;
}
