// The short soak of npm test: 1,500 edits (the full 10,000 is `npm run soak`, scripts/soak.mjs).
import assert from 'node:assert/strict';
import { soak } from './soak';

describe('a long editing session (short soak: 1,500 edits across 20 files, saves, go.mod changes)', function () {
  this.timeout(600_000);

  it('ends on fresh diagnostics for every file, with memory, descriptors and threads where they were after 500 edits', async () => {
    const { checkpoints, mismatches } = await soak({ edits: 1500 });
    assert.deepEqual(mismatches, [], 'files whose last diagnostics differ from a fresh analysis');
    const [early, end] = checkpoints;
    assert.ok(end.rssKiB <= early.rssKiB * 1.2, `RSS grew from ${early.rssKiB} KiB to ${end.rssKiB} KiB`);
    assert.ok(end.fileDescriptors <= early.fileDescriptors, `file descriptors: ${early.fileDescriptors} → ${end.fileDescriptors}`);
    assert.ok(end.threads <= early.threads, `threads: ${early.threads} → ${end.threads}`);
    assert.equal(end.liveTrees, 20, 'one syntax tree per open document');
  });
});
