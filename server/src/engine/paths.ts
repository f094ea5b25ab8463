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
