import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisCache } from '../../server/src/engine/analyzer';
import { GoDocument } from '../../server/src/engine/document';
import { dirname } from '../../server/src/engine/paths';
import { ProfileHost, ProfileStatus, ProfileStore } from '../../server/src/engine/profile/store';
import { gunzipNode, toEnginePath } from '../../server/src/node/nodeHost';
import { fixturesRoot, newProject } from '../helpers';
import { encodeProfile } from './pprofWriter';

const fixtureProfile = new Uint8Array(readFileSync(join(fixturesRoot, 'profile', 'default.pgo')));

/** Files in memory, counting what the store asks for. */
class MemoryHost implements ProfileHost {
  readonly files = new Map<string, Uint8Array>();
  reads: string[] = [];
  listings: string[] = [];
  gunzip = gunzipNode;

  async readBinaryFile(path: string): Promise<Uint8Array | undefined> {
    this.reads.push(path);
    return this.files.get(path);
  }

  async listDirectory(dir: string): Promise<string[] | undefined> {
    this.listings.push(dir);
    const names = [...this.files.keys()].filter((p) => dirname(p) === dir).map((p) => p.slice(dir.length + 1));
    return names.length > 0 ? names : undefined;
  }
}

function describeStatus(s: ProfileStatus): string {
  return s.kind === 'loaded' ? `loaded ${s.path} (${s.origin})` : s.kind === 'failed' ? `failed ${s.path} (${s.origin}): ${s.message}` : `none: ${s.reason}`;
}

describe('CPU profile discovery and loading', () => {
  it('the configured profile wins; else the nearest default.pgo up to the module root', async () => {
    const host = new MemoryHost();
    host.files.set('/ws/default.pgo', fixtureProfile);
    host.files.set('/ws/m/cmd/app/default.pgo', fixtureProfile);
    host.files.set('/ws/m/default.pgo', fixtureProfile);
    host.files.set('/profiles/cpu.pprof', fixtureProfile);
    const store = new ProfileStore(host);
    const resolve = async (file: string, root: string | undefined, configured?: string) => describeStatus(await store.resolve(file, root, configured));
    assert.equal(await resolve('/ws/m/cmd/app/main.go', '/ws/m'), 'loaded /ws/m/cmd/app/default.pgo (default.pgo)');
    assert.equal(await resolve('/ws/m/internal/enc/enc.go', '/ws/m'), 'loaded /ws/m/default.pgo (default.pgo)', 'the module root covers the module');
    assert.equal(await resolve('/ws/m/cmd/app/main.go', '/ws/m', '/profiles/cpu.pprof'), 'loaded /profiles/cpu.pprof (configured)');
    assert.equal(await resolve('/ws/lib/x/x.go', '/ws/lib'), "none: no profile is configured, and there is no default.pgo between the file's directory and its module root", 'never above the module root');
    assert.equal(await resolve('/ws/loose/x.go', undefined), "none: no profile is configured, and there is no default.pgo in the file's directory (it is in no module)");
    assert.equal(await resolve('/ws/x.go', undefined), 'loaded /ws/default.pgo (default.pgo)');
    assert.equal(await resolve('/ws/m/x.go', '/ws/m', '/profiles/missing.pprof'), 'failed /profiles/missing.pprof (configured): the file does not exist or cannot be read');
  });

  it('reads each profile once and each directory once, until told that a profile changed', async () => {
    const host = new MemoryHost();
    host.files.set('/ws/m/default.pgo', fixtureProfile);
    const store = new ProfileStore(host);
    const loads: string[] = [];
    store.onLoad = (path, result) => loads.push(`${path}: ${'error' in result ? result.error : 'ok'}`);
    const first = await store.resolve('/ws/m/a/a.go', '/ws/m');
    await Promise.all(['/ws/m/a/b.go', '/ws/m/c.go', '/ws/m/a/a.go'].map((f) => store.resolve(f, '/ws/m')));
    assert.deepEqual(host.reads, ['/ws/m/default.pgo']);
    assert.deepEqual(host.listings.sort(), ['/ws/m', '/ws/m/a']);
    assert.deepEqual(loads, ['/ws/m/default.pgo: ok']);

    // The profile is made again: another identity.
    host.files.set('/ws/m/default.pgo', encodeProfile({ sampleTypes: [['samples', 'count']], functions: [{ id: 1, name: 'main.f', file: '/x/main.go', startLine: 2 }], samples: [{ stack: [{ fn: 1, line: 3 }], values: [1] }] }));
    store.invalidate('/ws/m/default.pgo');
    const second = await store.resolve('/ws/m/a/a.go', '/ws/m');
    assert.ok(first.kind === 'loaded' && second.kind === 'loaded');
    assert.notEqual(first.profile.identity, second.profile.identity);
    assert.equal(host.reads.length, 2);

    // It is deleted, then comes back broken.
    host.files.delete('/ws/m/default.pgo');
    store.invalidate('/ws/m/default.pgo');
    assert.equal((await store.resolve('/ws/m/a/a.go', '/ws/m')).kind, 'none');
    host.files.set('/ws/m/default.pgo', new TextEncoder().encode('not a profile'));
    store.invalidate('/ws/m/default.pgo');
    assert.match(describeStatus(await store.resolve('/ws/m/a/a.go', '/ws/m')), /^failed \/ws\/m\/default\.pgo \(default\.pgo\): not a pprof profile/);
    assert.match(loads[loads.length - 1], /default\.pgo: not a pprof profile/);
  });

  it('a host without binary reads or without gzip says so', async () => {
    const store = new ProfileStore({ listDirectory: async () => ['default.pgo'] });
    assert.equal(describeStatus(await store.resolve('/m/x.go', '/m')), 'failed /m/default.pgo (default.pgo): this host cannot read binary files');
    const host = new MemoryHost();
    host.files.set('/m/default.pgo', fixtureProfile);
    const noGzip = new ProfileStore({ listDirectory: (d) => host.listDirectory(d), readBinaryFile: (p) => host.readBinaryFile(p) });
    assert.match(describeStatus(await noGzip.resolve('/m/x.go', '/m')), /gzip-compressed and this host cannot decompress it/);
  });

  it('a host that refuses a large file: the reason is kept', async () => {
    const store = new ProfileStore({
      listDirectory: async () => ['default.pgo'],
      readBinaryFile: async () => {
        throw new Error('90000000 bytes, more than the 67108864 gohazard reads');
      },
    });
    assert.equal(describeStatus(await store.resolve('/m/x.go', '/m')), 'failed /m/default.pgo (default.pgo): cannot read it (90000000 bytes, more than the 67108864 gohazard reads)');
  });

  describe('FileFacts', () => {
    function module(): string {
      const dir = mkdtempSync(join(tmpdir(), 'gohazard-profile-facts-'));
      mkdirSync(join(dir, 'profile'));
      cpSync(join(fixturesRoot, 'profile'), join(dir, 'profile'), { recursive: true });
      return join(dir, 'profile');
    }

    it('carry the profile view, and analysis is redone when the profile changes', async () => {
      const project = await newProject();
      const dir = module();
      const path = toEnginePath(join(dir, 'enc.go'));
      const text = readFileSync(join(dir, 'enc.go'), 'utf8');
      const facts = await project.facts(path, text);
      // Lines of a view are zero-based, as in every engine Range: line 17 of the editor is 16.
      assert.equal(facts.profile?.hotness(17 - 1)?.functionName, '(*Encoder).Encode');
      assert.equal(facts.profile?.name, 'default.pgo');

      const config = { rules: {} };
      const doc = new GoDocument(project.grammar, text);
      const cache = new AnalysisCache();
      try {
        const declarations = project.analyzer.analyze(doc, facts, config, cache).stats.declarations;
        // A rule's first read of the file's own package summary changes the context once (packageIndex.ts).
        project.analyzer.analyze(doc, await project.facts(path, text), config, cache);
        assert.equal(project.analyzer.analyze(doc, await project.facts(path, text), config, cache).stats.analysed, 0, 'same profile: every declaration from the cache');
        writeFileSync(join(dir, 'default.pgo'), encodeProfile({ sampleTypes: [['samples', 'count']], functions: [{ id: 1, name: 'example.com/profilefixture.Describe', file: '/x/profile/enc.go', startLine: 55 }], samples: [{ stack: [{ fn: 1, line: 56 }], values: [1] }] }));
        project.profiles.invalidate(toEnginePath(join(dir, 'default.pgo')));
        const changed = await project.facts(path, text);
        assert.equal(changed.profile?.hotness(17 - 1), undefined);
        assert.equal(changed.profile?.hotness(55 - 1)?.cumShare, 1);
        assert.equal(project.analyzer.analyze(doc, changed, config, cache).stats.analysed, declarations, 'another profile: every declaration again');
      } finally {
        doc.dispose();
      }
    });

    it('have no profile when none applies or it cannot be read', async () => {
      const project = await newProject();
      const dir = module();
      const path = toEnginePath(join(dir, 'enc.go'));
      writeFileSync(join(dir, 'default.pgo'), 'garbage');
      assert.equal((await project.facts(path, 'package enc\n')).profile, undefined);
      assert.equal((await project.facts(path, 'package enc\n', undefined, { profilePath: toEnginePath(join(dir, 'nothing.pprof')) })).profile, undefined);
    });

    it('use the configured profile over default.pgo', async () => {
      const project = await newProject();
      const dir = module();
      writeFileSync(join(dir, 'other.pprof'), encodeProfile({ sampleTypes: [['samples', 'count']], functions: [{ id: 1, name: 'example.com/profilefixture.Unused', file: '/ci/profile/enc.go', startLine: 64 }], samples: [{ stack: [{ fn: 1, line: 65 }], values: [1] }] }));
      const facts = await project.facts(toEnginePath(join(dir, 'enc.go')), 'package enc\n', undefined, { profilePath: toEnginePath(join(dir, 'other.pprof')) });
      assert.equal(facts.profile?.source, toEnginePath(join(dir, 'other.pprof')));
      assert.equal(facts.profile?.hotness(64 - 1)?.functionName, 'Unused');
    });
  });
});
