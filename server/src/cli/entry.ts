// The `gohazard` command. `--version` is answered before anything of the engine loads (editors and CI
// call it to probe the tool, and it must stay instant); everything else is main.ts, loaded on demand.
import { versionText } from './version';

const argv = process.argv.slice(2);
if (argv[0] === '--version' || argv[0] === 'version') process.stdout.write(versionText());
else void import('./main').then((cli) => cli.runCli(argv));
