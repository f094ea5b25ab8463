// The go command's rules for which names of a directory tree hold Go sources of `./...`, shared by the
// disk walk (walk.ts) and hosts that list files another way (the browser's findFiles).

/** Directories `./...` does not enter: testdata, vendor, and names starting with `.` or `_`. */
export function isSkippedDirectory(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name === 'testdata' || name === 'vendor';
}

/** A file name the go command reads as Go source: `*.go`, not starting with `.` or `_`. */
export function isGoSourceName(name: string): boolean {
  return name.endsWith('.go') && !name.startsWith('.') && !name.startsWith('_');
}

/** Whether a file, given by its slash-separated path relative to the walk's root, is one `./...` lists. */
export function isListedGoFile(relativePath: string): boolean {
  const segments = relativePath.split('/').filter((s) => s !== '');
  const name = segments.pop();
  return name !== undefined && isGoSourceName(name) && !segments.some(isSkippedDirectory);
}
