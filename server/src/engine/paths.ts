// Slash-separated path arithmetic. The engine runs in browsers too, so it cannot use node:path;
// hosts hand it paths with forward slashes (Windows drive letters are kept as a first segment).

export function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  if (at < 0) return '.';
  if (at === 0) return '/';
  return path.slice(0, at);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Resolves `.` and `..` segments of a slash-separated path (`/..` is `/`). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '.' || (part === '' && out.length > 0)) continue;
    if (part === '..' && out.length > 1) out.pop();
    else if (part !== '..' || out[0] !== '') out.push(part);
  }
  return out.join('/') || '/';
}

/**
 * A path as written in a configuration file (slashes or backslashes, `.` and `..` segments), relative
 * to dir unless absolute (`/x`, `C:/x`), as a clean engine path.
 */
export function resolvePath(dir: string, written: string): string {
  const path = written.replace(/\\/g, '/');
  return normalizePath(path.startsWith('/') || /^[A-Za-z]:\//.test(path) ? path : joinPath(dir, path));
}
