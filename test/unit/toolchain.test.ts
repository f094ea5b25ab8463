import assert from 'node:assert/strict';
import { findBuildConstraint, goVersionOfExpression } from '../../server/src/toolchain/buildConstraint';
import { fileLanguageVersion } from '../../server/src/toolchain/fileVersion';
import { parseGoMod } from '../../server/src/toolchain/goMod';
import { parseGoRelease } from '../../server/src/toolchain/goVersion';

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

  it('lets a //go:build version override the module, never below go1.21', () => {
    const module = { goModPath: '/m/go.mod', facts: parseGoMod('module m\ngo 1.22\n') };
    assert.equal(fileLanguageVersion('/m/a.go', module, undefined).minor, 22);
    assert.equal(fileLanguageVersion('/m/a.go', module, { line: 0, expression: 'go1.20', minGoMinor: 20 }).minor, 21);
    assert.equal(fileLanguageVersion('/m/a.go', module, { line: 0, expression: 'go1.23', minGoMinor: 23 }).source.kind, 'go:build');
    assert.equal(fileLanguageVersion('/x/a.go', undefined, undefined).source.kind, 'default');
  });
});
