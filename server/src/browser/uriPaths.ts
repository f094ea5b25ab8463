// Engine paths for the URIs of a browser workspace. The engine walks slash-separated paths (a file's
// directory, its parents up to go.mod), so a URI's path is the engine path; its scheme and authority
// (vscode-vfs://github, vscode-test-web://mount, …) are kept to map paths back. URIs of the workspace's
// first folder's origin map to their plain path; other origins get a distinct prefix, so that two
// origins never share a path.

const OTHER_ORIGIN = '/.gohazard-origin/';

export class UriPaths {
  private primary: string | undefined;

  /** The first workspace folder's origin is the one whose paths are plain. */
  setWorkspaceFolders(uris: string[]): void {
    const first = uris.map(parse).find((u) => u !== undefined);
    if (first) this.primary = first.origin;
  }

  toPath(uri: string): string | undefined {
    const parsed = parse(uri);
    if (!parsed) return undefined;
    this.primary ??= parsed.origin;
    return parsed.origin === this.primary ? parsed.path : `${OTHER_ORIGIN}${encodeURIComponent(parsed.origin)}${parsed.path}`;
  }

  toUri(path: string): string {
    if (path.startsWith(OTHER_ORIGIN)) {
      const rest = path.slice(OTHER_ORIGIN.length);
      const slash = rest.indexOf('/');
      const origin = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
      return origin + encodePath(slash < 0 ? '/' : rest.slice(slash));
    }
    return (this.primary ?? 'file://') + encodePath(path);
  }
}

/** `scheme://authority/path` with the path percent-decoded; undefined for URIs without a hierarchical path. */
function parse(uri: string): { origin: string; path: string } | undefined {
  const m = /^([a-zA-Z][\w+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(uri);
  if (!m) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(m[3]);
  } catch {
    return undefined;
  }
  return { origin: `${m[1].toLowerCase()}://${m[2]}`, path: path === '' ? '/' : path };
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
