import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, fixturesRoot } from '../helpers';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The profile fixture copied elsewhere: the profile's paths are those of the machine that made it. */
function fixtureCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gohazard-cli-profile-')), 'checkout', 'profile');
  cpSync(join(fixturesRoot, 'profile'), dir, { recursive: true });
  return dir;
}

const loaded =
  'CPU profile: default.pgo, 7.62 s of CPU in 762 samples over 9.13 s (cpu/nanoseconds), 74 functions. Hottest here: CountDigits 43.3%, (*Encoder).Encode 30.7%, CountDigits.func1 24.9% (of 5 functions with samples).';

describe('gohazard toolchain and scan with CPU profiles', () => {
  it('toolchain names the default.pgo in use and the hottest functions of each file', () => {
    const dir = fixtureCopy();
    const r = run(['toolchain', 'enc.go'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `enc.go: go1.21 (go.mod:3: go 1.21), shared loop variables\n  ${loaded}\ninstalled toolchain: ${/installed toolchain: (.*)/.exec(r.stdout)?.[1]}\n`);
  });

  it('toolchain --format json carries the profile fields', () => {
    const dir = fixtureCopy();
    const r = run(['toolchain', '--format', 'json', 'enc.go'], dir);
    assert.equal(r.code, 0, r.stderr);
    const [file] = JSON.parse(r.stdout).files;
    const { hottest, ...rest } = file.profile;
    assert.deepEqual(rest, {
      status: 'loaded',
      path: 'default.pgo',
      origin: 'default.pgo',
      sampleType: 'cpu/nanoseconds',
      samples: 762,
      cpuNanos: 7_620_000_000,
      durationNanos: 9_134_868_917,
      functions: 74,
      fileFunctions: 5,
    });
    // cum% and flat% as `go tool pprof -top -cum default.pgo` prints them.
    assert.deepEqual(
      hottest.map((h: { functionName: string; line: number; cumShare: number; flatShare: number }) => [h.functionName, h.line, (h.cumShare * 100).toFixed(2), (h.flatShare * 100).toFixed(2)]),
      [
        ['CountDigits', 39, '43.31', '17.45'],
        ['(*Encoder).Encode', 17, '30.71', '1.84'],
        ['CountDigits.func1', 41, '24.93', '24.02'],
      ],
    );
  });

  it('--profile names another profile; a file in no module without default.pgo says why it has none', () => {
    const dir = fixtureCopy();
    const loose = mkdtempSync(join(tmpdir(), 'gohazard-cli-loose-'));
    writeFileSync(join(loose, 'x.go'), 'package x\n');
    const none = run(['toolchain', join(loose, 'x.go')], dir);
    assert.match(none.stdout, /CPU profile: none \(no profile is configured, and there is no default\.pgo in the file's directory \(it is in no module\)\)\./);
    const configured = run(['toolchain', '--profile', join(dir, 'default.pgo'), join(loose, 'x.go')], dir);
    assert.match(configured.stdout, /CPU profile: default\.pgo \(from the configuration\), 7\.62 s of CPU .* No function of this file has samples in it\./);
  });

  it('--profile with a file that cannot be used exits 2 and says why', () => {
    const dir = fixtureCopy();
    const missing = run(['scan', '--profile', 'nothing.pprof', '.'], dir);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'gohazard: --profile nothing.pprof: the file does not exist or cannot be read\n');
    writeFileSync(join(dir, 'heap.pprof'), 'not a profile at all');
    const broken = run(['toolchain', '--profile=heap.pprof', '.'], dir);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^gohazard: --profile heap\.pprof: not a pprof profile: /);
  });

  it('scan warns once about a default.pgo it cannot use and analyses the files anyway', () => {
    const dir = fixtureCopy();
    writeFileSync(join(dir, 'default.pgo'), new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]));
    // --quiet: no summary, so that stderr is the warning alone.
    const r = run(['scan', '--quiet', '--fail-on', 'none', '--format', 'json', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'gohazard: default.pgo: CPU profile cannot be used: cannot decompress: unexpected end of file\n');
    assert.equal(JSON.parse(r.stdout).files, 2);
  });
});
