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
      assert.equal(isTestCode(path), true, path);
    }
  });

  it('leaves production code alone, whatever it is called', () => {
    for (const path of ['server/testdata.go', 'contest/run.go', 'pkg/attestation/sign.go', 'latest/test/deep/x.go', 'testutilities/x.go']) {
      assert.equal(isTestCode(path), false, path);
    }
  });
});
