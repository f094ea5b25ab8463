import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeScopes, failOnValues, severitySettings } from '../../server/src/engine/config';
import { parseJsonc } from '../../server/src/engine/jsonc';
import type { IndexHost } from '../../server/src/engine/packageIndex';
import { resolvePath } from '../../server/src/engine/paths';
import { configureScan, isExcludedBy, parseProjectConfig, projectConfigKeys, ProjectConfigs, withProjectSettings } from '../../server/src/engine/projectConfig';
import { familyOf } from '../../server/src/engine/rule';
import { newProject, repoRoot } from '../helpers';

const knownRules = new Set(['loopvar/capture', 'loopvar/address', 'escape/closure', 'gohazard/suppression']);

/** A file system of engine paths to texts; directories are implied by the files below them ('.git' entries are markers). */
function memoryHost(files: Record<string, string>): IndexHost & { listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    readFile: async (path) => files[path],
    listDirectory: async (dir) => {
      listed.push(dir);
      const prefix = dir === '/' ? '/' : `${dir}/`;
      const names = new Set<string>();
      for (const path of Object.keys(files)) if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split('/')[0]);
      return [...names];
    },
  };
}

describe('JSON with comments', () => {
  it('reads comments, trailing commas and escapes, with the offsets of keys and values', () => {
    const text = '// team settings\n{\n  /* block */ "a": [1, -2.5e1, true, null, "x\\u0041\\n",],\n  "b": {},\n}\n';
    const parsed = parseJsonc(text);
    assert.ok('value' in parsed && parsed.value.kind === 'object');
    const [a, b] = parsed.value.members;
    assert.equal(a.key, 'a');
    assert.equal(text.slice(a.keyStart, a.keyEnd), '"a"');
    assert.ok(a.value.kind === 'array');
    assert.deepEqual(a.value.items.map((i) => ('value' in i ? i.value : i.kind)), [1, -25, true, 'null', 'xA\n']);
    assert.equal(b.value.kind, 'object');
  });

  it('reports where the syntax breaks, and bounds nesting', () => {
    for (const [text, message, at] of [
      ['{"a": 1 "b": 2}', /expected , or \}/, 8],
      ['{"a": }', /expected a value/, 6],
      ['{"a": "x', /unterminated string/, 6],
      ['{"a": 1', /end of file: \} is missing/, 7],
      ['/* open', /unterminated \/\* comment/, 0],
      ['{} x', /unexpected text/, 3],
      ['{"a": tru}', /expected a value/, 6],
      ['[' .repeat(100000), /nested more than/, 129],
    ] as const) {
      const parsed = parseJsonc(text);
      assert.ok('error' in parsed, text.slice(0, 20));
      assert.match(parsed.error.message, message);
      assert.equal(parsed.error.start, at, text.slice(0, 20));
    }
  });
});

describe('.gohazard.json', () => {
  it('reads every key, resolving paths against the file', () => {
    const config = parseProjectConfig(
      '/repo/sub/.gohazard.json',
      '{ "$schema": "x", "rules": { "loopvar/capture": "off", "escape/*": "error" }, "exclude": ["./gen/**", "**/*_gen.go"],\n "escapeScope": "all", "profile": "../prof/cpu.pprof", "failOn": "error" }',
      knownRules,
    );
    assert.deepEqual(config.problems, []);
    assert.deepEqual(config.settings, {
      rules: { 'loopvar/capture': 'off', 'escape/*': 'error' },
      exclude: ['gen/**', '**/*_gen.go'],
      escapeScope: 'all',
      profile: '/repo/prof/cpu.pprof',
      failOn: 'error',
    });
    assert.equal(isExcludedBy(config, '/repo/sub/gen/x/a.go'), true);
    assert.equal(isExcludedBy(config, '/repo/sub/x/a_gen.go'), true);
    assert.equal(isExcludedBy(config, '/repo/sub/x/a.go'), false);
    assert.equal(isExcludedBy(config, '/repo/other/gen/a.go'), false);
  });

  it('names unknown keys and bad values at their line, and keeps the valid parts', () => {
    const text = [
      '{',
      '  "rules": { "loopvar/capture": "off", "loopvar/captur": "off", "escape/*": "loud", "nope/*": "off" },',
      '  "ruls": {},',
      '  "escapeScope": "everywhere",',
      '  "exclude": "gen/**",',
      '  "failOn": "warning",',
      '  "failOn": 3,',
      '}',
    ].join('\n');
    const config = parseProjectConfig('/repo/.gohazard.json', text, knownRules);
    assert.deepEqual(config.settings, { rules: { 'loopvar/capture': 'off' } });
    assert.deepEqual(
      config.problems.map((p) => [p.range.start.line, p.range.start.character, p.severity, p.message]),
      [
        [1, 39, 'warning', 'unknown rule id "loopvar/captur"'],
        [1, 76, 'error', 'rules["escape/*"] must be one of "error", "warning", "info", "hint", "off", not "loud"'],
        [1, 84, 'warning', 'unknown rule family "nope/*"'],
        [2, 2, 'warning', 'unknown key "ruls"; .gohazard.json knows rules, exclude, escapeScope, profile, failOn, baseline'],
        [3, 17, 'error', 'escapeScope must be one of "hot", "loops", "all", not "everywhere"'],
        [4, 13, 'error', "exclude must be an array of glob patterns (relative to this file's directory)"],
        [6, 2, 'warning', '"failOn" appears twice; the last one counts'],
        [6, 12, 'error', 'failOn must be one of "error", "warning", "info", "hint", "none", not number'],
      ],
    );
  });

  it('ignores a file that does not parse, saying where and why', () => {
    const config = parseProjectConfig('/repo/.gohazard.json', '{\n  "rules": { "loopvar/*": "off" }\n  "exclude": []\n}', knownRules);
    assert.deepEqual(config.settings, {});
    assert.equal(config.problems.length, 1);
    assert.equal(config.problems[0].range.start.line, 2);
    assert.match(config.problems[0].message, /expected , or \}; gohazard ignores this file until it is valid JSON/);
    assert.match(parseProjectConfig('/r/.gohazard.json', '[1]', knownRules).problems[0].message, /must hold an object/);
    assert.match(parseProjectConfig('/r/.gohazard.json', '', knownRules).problems[0].message, /end of file/);
  });

  it('gives the user the last word, key by key, and rule entry by rule entry', () => {
    const project = { rules: { 'loopvar/capture': 'off', 'escape/*': 'error' } as const, escapeScope: 'all' as const, profile: '/p/cpu.pprof' };
    assert.deepEqual(withProjectSettings({ rules: { 'escape/*': 'hint' } }, project), {
      rules: { 'loopvar/capture': 'off', 'escape/*': 'hint' },
      escapeScope: 'all',
      profilePath: '/p/cpu.pprof',
    });
    assert.deepEqual(withProjectSettings({ rules: {}, escapeScope: 'loops', profilePath: '/q' }, project), {
      rules: { 'loopvar/capture': 'off', 'escape/*': 'error' },
      escapeScope: 'loops',
      profilePath: '/q',
    });
    assert.deepEqual(withProjectSettings({ rules: { a: 'off' } }, undefined), { rules: { a: 'off' } });
  });

  it('is found walking up to the repository root, nearest first', async () => {
    const host = memoryHost({
      '/.gohazard.json': '{ "failOn": "none" }',
      '/repo/.git/HEAD': '',
      '/repo/.gohazard.json': '{ "failOn": "error" }',
      '/repo/a/b/x.go': '',
      '/repo/a/.gohazard.json': '{ "failOn": "hint" }',
      '/repo/c/y.go': '',
      '/loose/d/z.go': '',
      '/ws/.gohazard.json': '{ "failOn": "info" }',
      '/ws/e/w.go': '',
    });
    const configs = new ProjectConfigs(host, knownRules, () => ['/ws/e']);
    assert.equal((await configs.forDirectory('/repo/a/b'))?.path, '/repo/a/.gohazard.json');
    assert.equal((await configs.forDirectory('/repo/c'))?.path, '/repo/.gohazard.json');
    // No repository: the filesystem root is the limit, unless the directory lies in a workspace folder.
    assert.equal((await configs.forDirectory('/loose/d'))?.path, '/.gohazard.json');
    assert.equal(await configs.forDirectory('/ws/e'), undefined);
    const listings = host.listed.length;
    await configs.forDirectory('/repo/a/b');
    assert.equal(host.listed.length, listings, 'listings are cached until invalidate()');
  });

  it('reads each file once and reports its problems once, until invalidated', async () => {
    const files: Record<string, string> = { '/repo/.git/HEAD': '', '/repo/.gohazard.json': '{ "x": 1 }', '/repo/a.go': '', '/repo/gen/b.go': '' };
    const configs = new ProjectConfigs(memoryHost(files), knownRules);
    const loads: string[][] = [];
    configs.onLoad = (c) => loads.push(c.problems.map((p) => p.message));
    await configs.forDirectory('/repo');
    await configs.forDirectory('/repo/gen');
    assert.equal(loads.length, 1);
    files['/repo/.gohazard.json'] = '{ "exclude": ["gen/**"], "rules": { "loopvar/capture": "off" } }';
    configs.invalidate();
    const scan = await configureScan(configs, ['/repo/a.go', '/repo/gen/b.go'], { rules: { 'escape/*': 'off' } });
    assert.deepEqual(loads, [['unknown key "x"; .gohazard.json knows rules, exclude, escapeScope, profile, failOn, baseline'], []]);
    assert.deepEqual(scan.files, ['/repo/a.go']);
    assert.deepEqual(scan.configByDir.get('/repo')?.rules, { 'loopvar/capture': 'off', 'escape/*': 'off' });
  });

  it('has a JSON schema (shipped for VS Code) with the same keys and values as the parser', async () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'gohazard.schema.json'), 'utf8'));
    assert.deepEqual(Object.keys(schema.properties).filter((k) => k !== '$schema').sort(), [...projectConfigKeys].sort());
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.properties.escapeScope.enum, escapeScopes);
    assert.deepEqual(schema.properties.failOn.enum, failOnValues);
    assert.deepEqual(schema.definitions.severity.enum, severitySettings);
    // The rules it offers for completion exist (a rule renamed must be renamed there too), and so do the families.
    const ids = new Set((await newProject()).analyzer.docs.map((d) => d.id));
    const offered = Object.keys(schema.properties.rules.properties);
    assert.deepEqual(offered.filter((k) => !ids.has(k) && !(k.endsWith('/*') && [...ids].some((id) => familyOf(id) === k.slice(0, -2)))), []);
    assert.deepEqual([...new Set([...ids].map(familyOf))].filter((f) => !offered.includes(`${f}/*`)), []);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '.gohazard.json', url: './schemas/gohazard.schema.json' }]);
  });

  it('resolves written paths like a shell would', () => {
    assert.equal(resolvePath('/a/b', 'c/./d'), '/a/b/c/d');
    assert.equal(resolvePath('/a/b', '../../../c'), '/c');
    assert.equal(resolvePath('/a/b', '/abs//x/'), '/abs/x');
    assert.equal(resolvePath('C:/a', '..\\b\\c'), 'C:/b/c');
  });
});
