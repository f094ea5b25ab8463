// `gohazard --version`: the package, the grammar it parses Go with, and the Go release whose standard
// library API table it carries (toolchain/std-api judges code against that table).
import stdlibApi from '../toolchain/data/stdlib-api.json';
import { grammarVersions, packageVersion } from '../node/packageInfo';

export function versionText(): string {
  const grammar = grammarVersions();
  return [
    `gohazard ${packageVersion()}`,
    `grammar: tree-sitter-go ${grammar.treeSitterGo} (web-tree-sitter ${grammar.webTreeSitter})`,
    `standard library API table: ${stdlibApi.generated}`,
  ]
    .map((line) => `${line}\n`)
    .join('');
}
