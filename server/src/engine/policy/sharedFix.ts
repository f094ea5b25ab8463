// One problem, one finding, across files: findings whose only fix is the same edit of another file
// (raising go.mod's go line, for every use of newer API or syntax in the module) are one problem with
// one fix. A scan reports the first of them by path and position and lists the others as its related
// locations (cli/sharedFixes.ts; `gohazard merge` regroups the shards' outputs the same way). The
// editor shows the file being edited, and keeps each file's own finding with the fix at hand.
import type { Finding } from '../types';

/**
 * The fix the finding shares with others, as `path: title` with the path as the host shows it: its
 * only fix, when that edits another file and not the finding's own.
 */
export function sharedFixOf(f: Finding, showPath: (enginePath: string) => string): string | undefined {
  if (f.fixes.length !== 1) return undefined;
  const [fix] = f.fixes;
  if (fix.edits.length > 0 || fix.otherFiles?.length !== 1) return undefined;
  return `${showPath(fix.otherFiles[0].path)}: ${fix.title}`;
}
