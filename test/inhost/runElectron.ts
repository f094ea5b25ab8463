// `npm run test:electron`: the in-editor suite in a desktop VS Code that @vscode/test-electron downloads
// (where the network allows it; the code-server run in test/e2e/run.mjs is the offline equivalent).
// The extension under test is this checkout, bundled (package.json main is dist/client.js).
// usage: node out/test/inhost/runElectron.js [--version <x.y.z>|stable|insiders] [--code <VS Code executable>]
//   --code runs an installed VS Code instead of downloading one.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  const scratch = mkdtempSync(join(tmpdir(), 'gohazard-electron-'));
  const workspace = join(scratch, 'workspace');
  cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  const option = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  try {
    await runTests({
      version: option('--version'),
      vscodeExecutablePath: option('--code'),
      extensionDevelopmentPath: root,
      extensionTestsPath: join(__dirname, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', join(scratch, 'extensions')],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`test:electron failed: ${error?.message ?? error}`);
  process.exit(1);
});
