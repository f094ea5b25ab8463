import assert from 'node:assert/strict';
import { findBuildConstraint, goVersionOfExpression } from '../../server/src/toolchain/buildConstraint';
import { fileLanguageVersion } from '../../server/src/toolchain/fileVersion';
import { parseGoMod } from '../../server/src/toolchain/goMod';
import { parseGoRelease } from '../../server/src/toolchain/goVersion';
import { parseGoWork } from '../../server/src/toolchain/goWork';
import { compareReleases } from '../../server/src/toolchain/report';

describe('Go versions', () => {
  it('parses the release forms the go command writes', () => {
    assert.deepEqual(parseGoRelease('1.21'), { minor: 21 });
    assert.deepEqual(parseGoRelease('1.21.3'), { minor: 21, patch: 3 });
    assert.deepEqual(parseGoRelease('1.22rc1'), { minor: 22, prerelease: 'rc1' });
    assert.deepEqual(parseGoRelease('go1.23'), { minor: 23 });
    assert.equal(parseGoRelease('2.0'), undefined);
    assert.equal(parseGoRelease('1.x'), undefined);
  });

  it('reads go and toolchain directives from go.mod, defaulting to go 1.16', () => {
    const facts = parseGoMod('module m // comment\n\ngo 1.21.3\ntoolchain go1.22.1\n');
    assert.equal(facts.goMinor, 21);
    assert.equal(facts.go?.line, 2);
    assert.equal(facts.toolchain?.value, 'go1.22.1');
    assert.equal(parseGoMod('module m\n').goMinor, 16);
    const broken = parseGoMod('module m\ngo one.twenty\n');
    assert.equal(broken.goMinor, 16);
    assert.match(broken.problems[0], /invalid go version 'one.twenty'/);
  });

  it('computes the Go version a //go:build expression implies, as go/build/constraint does', () => {
    assert.equal(goVersionOfExpression('linux && go1.22'), 22);
    assert.equal(goVersionOfExpression('(linux && go1.22) || (windows && go1.20)'), 20);
    assert.equal(goVersionOfExpression('linux || go1.22'), -1);
    assert.equal(goVersionOfExpression('!go1.22'), -1);
    assert.equal(goVersionOfExpression('go1.21 && !go1.23'), 21);
    assert.equal(goVersionOfExpression('go1'), 0);
    assert.equal(goVersionOfExpression('linux &&'), -1);
  });

  it('finds the //go:build line only in the file header', () => {
    assert.equal(findBuildConstraint('// Copyright\n\n//go:build go1.22\n\npackage p\n')?.line, 2);
    assert.equal(findBuildConstraint('package p\n//go:build go1.22\n'), undefined);
  });

  it('applies //go:build versions as the toolchain in use does', () => {
    const go122 = { goModPath: '/m/go.mod', facts: parseGoMod('module m\ngo 1.22\n') };
    const go120 = { goModPath: '/m/go.mod', facts: parseGoMod('module m\ngo 1.20\n') };
    const c = (n: number) => ({ line: 0, expression: `go1.${n}`, minGoMinor: n });
    assert.equal(fileLanguageVersion('/m/a.go', go122, undefined).minor, 22);
    // Go 1.23 and later: max(constraint, go1.21), upgrading or downgrading.
    assert.equal(fileLanguageVersion('/m/a.go', go122, c(20), 26).minor, 21);
    assert.equal(fileLanguageVersion('/m/a.go', go122, c(21), 23).minor, 21);
    assert.equal(fileLanguageVersion('/m/a.go', go120, c(23), 26).source.kind, 'go:build');
    // Go 1.21 and 1.22: only upgrades.
    assert.equal(fileLanguageVersion('/m/a.go', go122, c(21), 22).minor, 22);
    assert.equal(fileLanguageVersion('/m/a.go', go120, c(22), 21).minor, 22);
    // Older toolchains ignore it.
    assert.equal(fileLanguageVersion('/m/a.go', go120, c(22), 20).minor, 20);
    // Outside a module: the toolchain's own version.
    assert.deepEqual(fileLanguageVersion('/x/a.go', undefined, undefined, 24), { minor: 24, source: { kind: 'default' } });
  });

  it('reads go.work: go, toolchain and use directives', () => {
    assert.deepEqual(parseGoWork('go 1.22.1\ntoolchain go1.23.0\n\nuse ./a\nuse (\n\t./b // comment\n\t"../c"\n)\n'), { goMinor: 22, toolchain: 'go1.23.0', uses: ['./a', './b', '../c'] });
  });

  it('compares releases: rc before the release, patches after', () => {
    const r = (s: string) => parseGoRelease(s)!;
    assert.ok(compareReleases(r('1.21rc1'), r('1.21')) < 0);
    assert.ok(compareReleases(r('1.21'), r('1.21.0')) === 0);
    assert.ok(compareReleases(r('1.21.3'), r('1.21.10')) < 0);
    assert.ok(compareReleases(r('1.22'), r('1.21.10')) > 0);
  });
});
