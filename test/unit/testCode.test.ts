// Which files count as test code: their loops are cold, and some explanations depend on it.
import assert from 'node:assert/strict';
import { isTestCode } from '../../server/src/engine/policy/heat';

describe('isTestCode', () => {
  it('knows test files and the support code that only tests import', () => {
    for (const path of [
      'pkg/a_test.go',
      'promql/test.go',
      'raft/testing.go',
      'internal/testutils/channel.go',
      'util/testutil/integration/run.go',
      'internal/testhelpers/deep/x.go',
      'pkg/test/helpers.go',
    ]) {
      assert.equal(isTestCode(path, 'package x\n'), true, path);
    }
  });

  it('leaves production code alone, whatever it is called', () => {
    for (const path of ['server/testdata.go', 'contest/run.go', 'pkg/attestation/sign.go', 'latest/test/deep/x.go', 'testutilities/x.go']) {
      assert.equal(isTestCode(path, 'package x\n'), false, path);
    }
  });

  it('counts go-fuzz harnesses, which only the gofuzz build tag compiles', () => {
    const harness = (constraint: string) => `// Copyright The Authors.\n\n//go:build ${constraint}\n\npackage fuzz\n`;
    for (const constraint of ['gofuzz', 'gofuzz && linux', '(linux && gofuzz)']) {
      assert.equal(isTestCode('contrib/fuzz/metadata_fuzzer.go', harness(constraint)), true, constraint);
    }
    for (const constraint of ['!gofuzz', 'gofuzz || linux', 'gofuzzy', 'linux']) {
      assert.equal(isTestCode('contrib/fuzz/metadata_fuzzer.go', harness(constraint)), false, constraint);
    }
    // Only the header counts.
    assert.equal(isTestCode('fuzz.go', 'package fuzz\n\n//go:build gofuzz\n'), false);
  });
});
