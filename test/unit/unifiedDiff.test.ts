import assert from 'node:assert/strict';
import { ChangedFile, parseUnifiedDiff } from '../../server/src/cli/unifiedDiff';

/** Lines joined with \n, the way git prints them (every line ends with a newline). */
const diff = (...lines: string[]) => `${lines.join('\n')}\n`;

function byPath(files: ChangedFile[]): Record<string, Omit<ChangedFile, 'path'>> {
  return Object.fromEntries(files.map(({ path, ...rest }) => [path, rest]));
}

// The inputs are what git 2.39 and GNU diff 3.8 print (captured from real repositories).
describe('parseUnifiedDiff', () => {
  it('reads -U0 hunks: changed lines, added lines, and zero-length ranges on either side', () => {
    const files = parseUnifiedDiff(
      diff(
        'diff --git a/x.go b/x.go',
        'index 9405325..a1dc605 100644',
        '--- a/x.go',
        '+++ b/x.go',
        '@@ -2 +2 @@ func a() {',
        '-b',
        '+B',
        '@@ -4 +3,0 @@ c',
        '-d',
        '@@ -10,0 +10,2 @@',
        '+new1',
        '+new2',
        '@@ -0,0 +1 @@',
        '+top',
      ),
    );
    // A replaced line is a changed line, not a deletion; hunks out of order still give ascending lines.
    assert.deepEqual(byPath(files), { 'x.go': { created: false, lines: [1, 2, 10, 11], deletedAfter: [3] } });
  });

  it('reads context lines, "\\ No newline" markers and CRLF line ends of a diff -u patch', () => {
    const text = diff(
      '--- o.go\t2026-12-07 06:52:28.910341303 +0000',
      '+++ "n w.go"\t2026-12-07 06:52:28.914341303 +0000',
      '@@ -1,4 +1,4 @@',
      ' a',
      '-b',
      '+B',
      ' c',
      '-d',
      '\\ No newline at end of file',
      '+d',
      '@@ -8,3 +8,2 @@',
      ' h',
      '-i',
      ' j',
    ).replace(/\n/g, '\r\n');
    assert.deepEqual(byPath(parseUnifiedDiff(text)), { 'n w.go': { created: false, oldPath: 'o.go', lines: [2, 4], deletedAfter: [8] } });
  });

  it('follows renames and copies, with and without changes, and leaves deleted files out', () => {
    const files = parseUnifiedDiff(
      diff(
        'diff --git a/old.go b/new.go',
        'similarity index 87%',
        'rename from old.go',
        'rename to new.go',
        'index f00c965..3bb459b 100644',
        '--- a/old.go',
        '+++ b/new.go',
        '@@ -10,0 +11 @@',
        '+11',
        'diff --git a/same.go b/moved.go',
        'similarity index 100%',
        'rename from same.go',
        'rename to moved.go',
        'diff --git a/gone.go b/gone.go',
        'deleted file mode 100644',
        'index abaddc0..0000000',
        '--- a/gone.go',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-del',
        'diff --git a/src.go b/copy.go',
        'similarity index 90%',
        'copy from src.go',
        'copy to copy.go',
      ),
    );
    assert.deepEqual(byPath(files), {
      'new.go': { created: false, oldPath: 'old.go', lines: [11], deletedAfter: [] },
      'moved.go': { created: false, oldPath: 'same.go', lines: [], deletedAfter: [] },
      'copy.go': { created: false, oldPath: 'src.go', lines: [], deletedAfter: [] },
    });
  });

  it('marks new files, from /dev/null or a mode line alone (empty files have no hunk)', () => {
    const files = parseUnifiedDiff(
      diff(
        'diff --git a/added.go b/added.go',
        'new file mode 100644',
        'index 0000000..8ba3a16',
        '--- /dev/null',
        '+++ b/added.go',
        '@@ -0,0 +1,2 @@',
        '+package p',
        '+',
        'diff --git a/empty.go b/empty.go',
        'new file mode 100644',
        'index 0000000..e69de29',
      ),
    );
    assert.deepEqual(byPath(files), {
      'added.go': { created: true, lines: [1, 2], deletedAfter: [] },
      'empty.go': { created: true, lines: [], deletedAfter: [] },
    });
  });

  it('reads names with spaces (git ends them with a tab) and C-quoted names with octal UTF-8', () => {
    const files = parseUnifiedDiff(
      diff(
        'diff --git a/dir with space/x y.go b/dir with space/x y.go',
        'index 9405325..a1dc605 100644',
        '--- a/dir with space/x y.go\t',
        '+++ b/dir with space/x y.go\t',
        '@@ -2 +2 @@ a',
        '-b',
        '+B',
        'diff --git "a/t\\303\\251st\\\\tab.go" "b/t\\303\\251st\\\\tab.go"',
        'index bca70f3..8a08eba 100644',
        '--- "a/t\\303\\251st\\\\tab.go"',
        '+++ "b/t\\303\\251st\\\\tab.go"',
        '@@ -1,0 +2 @@ q',
        '+r',
        'diff --git "a/tab\\there.go" "b/tab\\there.go"',
        'new file mode 100644',
      ),
    );
    assert.deepEqual(Object.keys(byPath(files)), ['dir with space/x y.go', 'tést\\tab.go', 'tab\there.go']);
    assert.deepEqual(byPath(files)['tést\\tab.go'].lines, [2]);
  });

  it('keeps names of --no-prefix diffs whole, even under directories named a/ or b/', () => {
    const files = parseUnifiedDiff(
      diff(
        'diff --git b/x.go b/x.go',
        'index 9405325..a1dc605 100644',
        '--- b/x.go',
        '+++ b/x.go',
        '@@ -1 +1 @@',
        '-x',
        '+y',
        'diff --git added.go added.go',
        'new file mode 100644',
        '--- /dev/null',
        '+++ added.go',
        '@@ -0,0 +1 @@',
        '+n',
        'diff --git a/z.go a/z.go',
        'new file mode 100644',
      ),
    );
    assert.deepEqual(Object.keys(byPath(files)), ['b/x.go', 'added.go', 'a/z.go']);
  });

  it('consumes removed lines that look like headers by the hunk counts', () => {
    const files = parseUnifiedDiff(
      diff('--- a/x.go', '+++ b/x.go', '@@ -1,2 +1 @@', '--- not a header', '-+++ nor this', '+kept', '--- a/y.go', '+++ b/y.go', '@@ -3 +3 @@', '-o', '+n'),
    );
    assert.deepEqual(byPath(files), {
      'x.go': { created: false, lines: [1], deletedAfter: [] },
      'y.go': { created: false, lines: [3], deletedAfter: [] },
    });
  });

  it('reads around what is not a diff: mail headers and signature, binary files, an empty input', () => {
    assert.deepEqual(parseUnifiedDiff(''), []);
    const files = parseUnifiedDiff(
      diff(
        'From 1234 Mon Sep 17 00:00:00 2001',
        'Subject: [PATCH] change',
        '---',
        ' x.go | 2 +-',
        '',
        'diff --git a/img.png b/img.png',
        'index 1..2 100644',
        'Binary files a/img.png and b/img.png differ',
        'diff --git a/x.go b/x.go',
        '--- a/x.go',
        '+++ b/x.go',
        '@@ -1 +1 @@',
        '-a',
        '+b',
        '-- ',
        '2.39.5',
      ),
    );
    assert.deepEqual(byPath(files), {
      'img.png': { created: false, lines: [], deletedAfter: [] },
      'x.go': { created: false, lines: [1], deletedAfter: [] },
    });
  });
});
