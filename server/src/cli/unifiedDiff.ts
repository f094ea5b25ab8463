// Which lines of which files a unified diff adds, for `--new-from-rev` and `--new-from-patch`: the
// output of `git diff` (with or without a/ b/ prefixes, renames, copies, quoted names, binary files)
// and of `diff -u` / patch files (tab-separated timestamps, context lines, CRLF line ends).

export interface ChangedFile {
  /** Path of the new side, without a/ b/ prefix, `/`-separated as the diff writes it. */
  path: string;
  /** Path of the old side when it differs (a rename or a copy). */
  oldPath?: string;
  /** The file did not exist on the old side: every line is new. */
  created: boolean;
  /** 1-based lines of the new file that the diff adds or changes, ascending. */
  lines: number[];
  /** For each run of deleted lines, the new-file line after which they were (0: at the top), ascending. */
  deletedAfter: number[];
}

const DEV_NULL = '/dev/null';

/**
 * The files a diff leaves on the new side (deleted files are left out), in the order the diff names them.
 * A file named twice has its changes merged.
 */
export function parseUnifiedDiff(text: string): ChangedFile[] {
  const files = new Map<string, ChangedFile>();
  let block: Block | undefined;
  let hunk: Hunk | undefined;

  const close = () => {
    if (block) {
      const file = fileOf(block);
      if (file) merge(files, file);
    }
    block = undefined;
  };

  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (hunk) {
      const kind = line === '' ? ' ' : line[0];
      if (kind === '\\') continue; // "\ No newline at end of file"
      if (kind === ' ' || kind === '-' || kind === '+') {
        if (kind !== '+') hunk.oldLeft--;
        if (kind !== '-') hunk.newLeft--;
        if (kind === '+') {
          // Deleted lines followed by added ones were replaced: the added lines stand for them.
          hunk.deletedAfter = undefined;
          hunk.file.lines.push(hunk.newLine);
        } else if (kind === '-') hunk.deletedAfter = hunk.newLine - 1;
        else endDeletion(hunk);
        if (kind !== '-') hunk.newLine++;
        if (hunk.oldLeft <= 0 && hunk.newLeft <= 0) {
          endDeletion(hunk);
          hunk = undefined;
        }
        continue;
      }
      // A truncated hunk: the line is read as a header.
      endDeletion(hunk);
      hunk = undefined;
    }
    if (line.startsWith('diff --git ')) {
      close();
      block = { git: true, header: gitHeaderNames(line.slice('diff --git '.length)), created: false, deleted: false, hunks: [] };
    } else if (line.startsWith('--- ')) {
      // Unless it is the old name of the current git block, a `---` line starts a file of a plain diff.
      if (!(block?.git && block.minus === undefined && block.hunks.length === 0)) {
        close();
        block = { git: false, created: false, deleted: false, hunks: [] };
      }
      block.minus = patchName(line.slice(4));
    } else if (line.startsWith('+++ ') && block && block.plus === undefined && block.minus !== undefined) {
      block.plus = patchName(line.slice(4));
    } else if (block && line.startsWith('@@ ')) {
      const m = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const oldCount = m[1] === undefined ? 1 : Number(m[1]);
      const newStart = Number(m[2]);
      const newCount = m[3] === undefined ? 1 : Number(m[3]);
      const changes: ChangedFile = { path: '', created: false, lines: [], deletedAfter: [] };
      block.hunks.push(changes);
      // `+c,0` (nothing on the new side) names the line after which the old lines were.
      const first = newCount === 0 ? newStart + 1 : newStart;
      if (oldCount > 0 || newCount > 0) hunk = { oldLeft: oldCount, newLeft: newCount, newLine: first, file: changes };
    } else if (block?.git) {
      if (line.startsWith('rename from ') || line.startsWith('copy from ')) block.from = unquote(line.slice(line.indexOf(' from ') + 6));
      else if (line.startsWith('rename to ') || line.startsWith('copy to ')) block.to = unquote(line.slice(line.indexOf(' to ') + 4));
      else if (line.startsWith('new file mode ')) block.created = true;
      else if (line.startsWith('deleted file mode ')) block.deleted = true;
    }
  }
  if (hunk) endDeletion(hunk);
  close();
  return [...files.values()];
}

interface Hunk {
  oldLeft: number;
  newLeft: number;
  /** The new-file line the next context or added line is. */
  newLine: number;
  /** Where the run of deleted lines being read was, until it turns out to be a replacement or not. */
  deletedAfter?: number;
  file: ChangedFile;
}

function endDeletion(hunk: Hunk): void {
  if (hunk.deletedAfter !== undefined) hunk.file.deletedAfter.push(hunk.deletedAfter);
  hunk.deletedAfter = undefined;
}

interface Block {
  git: boolean;
  /** The two names of `diff --git`, when they can be told apart, with the prefixes they carry. */
  header?: { old: string; new: string; prefixed: boolean };
  minus?: string;
  plus?: string;
  from?: string;
  to?: string;
  created: boolean;
  deleted: boolean;
  hunks: ChangedFile[];
}

function fileOf(block: Block): ChangedFile | undefined {
  if (block.deleted || block.plus === DEV_NULL) return undefined;
  const created = block.created || block.minus === DEV_NULL;
  // `rename to` / `copy to` never carry a prefix; the header and the ---/+++ names may.
  const prefixed = block.header ? block.header.prefixed : (block.minus === DEV_NULL || block.minus?.startsWith('a/') === true) && (block.plus === undefined || block.plus.startsWith('b/'));
  const strip = (name: string | undefined, prefix: string) => (name === undefined || name === DEV_NULL ? undefined : prefixed && name.startsWith(prefix) ? name.slice(2) : name);
  const path = block.to ?? strip(block.plus, 'b/') ?? strip(block.header?.new, 'b/');
  if (path === undefined) return undefined;
  const oldPath = block.from ?? strip(block.minus, 'a/') ?? strip(block.header?.old, 'a/');
  const file: ChangedFile = { path, created, lines: [], deletedAfter: [] };
  if (oldPath !== undefined && oldPath !== path && !created) file.oldPath = oldPath;
  for (const h of block.hunks) {
    file.lines.push(...h.lines);
    file.deletedAfter.push(...h.deletedAfter);
  }
  file.lines.sort((a, b) => a - b);
  file.deletedAfter.sort((a, b) => a - b);
  return file;
}

function merge(files: Map<string, ChangedFile>, file: ChangedFile): void {
  const known = files.get(file.path);
  if (!known) {
    files.set(file.path, file);
    return;
  }
  known.created ||= file.created;
  known.lines = [...new Set([...known.lines, ...file.lines])].sort((a, b) => a - b);
  known.deletedAfter = [...new Set([...known.deletedAfter, ...file.deletedAfter])].sort((a, b) => a - b);
}

/**
 * The names after `diff --git`. They are unambiguous when quoted, or when both sides name the same
 * path (no rename), which is how git itself reads the line; otherwise `rename to` and `+++` say more.
 */
function gitHeaderNames(rest: string): Block['header'] {
  if (rest.startsWith('"')) {
    const first = readQuoted(rest, 0);
    if (!first) return undefined;
    const tail = rest.slice(first.end).trimStart();
    const second = tail.startsWith('"') ? readQuoted(tail, 0)?.value : tail;
    return second === undefined ? undefined : withPrefixes(first.value, second);
  }
  if (rest.endsWith('"')) {
    const open = rest.lastIndexOf(' "');
    const second = open < 0 ? undefined : readQuoted(rest, open + 1);
    return second ? withPrefixes(rest.slice(0, open), second.value) : undefined;
  }
  // "P P" (no prefix) or "a/P b/P": the two halves name the same path.
  if (rest.length % 2 === 1) {
    const mid = (rest.length - 1) / 2;
    if (rest[mid] === ' ' && rest.slice(0, mid) === rest.slice(mid + 1)) return { old: rest.slice(0, mid), new: rest.slice(mid + 1), prefixed: false };
    if (rest[mid] === ' ' && rest.startsWith('a/') && rest.slice(mid + 1).startsWith('b/') && rest.slice(2, mid) === rest.slice(mid + 3)) {
      return { old: rest.slice(0, mid), new: rest.slice(mid + 1), prefixed: true };
    }
  }
  return undefined;
}

function withPrefixes(old: string, next: string): Block['header'] {
  return { old, new: next, prefixed: old.startsWith('a/') && next.startsWith('b/') };
}

/** A `---`/`+++` name: C-quoted by git when unusual, else up to a tab (timestamps of diff -u, git's marker for names with spaces). */
function patchName(text: string): string {
  if (text.startsWith('"')) {
    const quoted = readQuoted(text, 0);
    if (quoted) return quoted.value;
  }
  const tab = text.indexOf('\t');
  return tab < 0 ? text : text.slice(0, tab);
}

function unquote(text: string): string {
  return text.startsWith('"') ? (readQuoted(text, 0)?.value ?? text) : text;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** A C-style quoted name as git writes it: backslash escapes and octal bytes of UTF-8. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
    if (c !== '\\') {
      const code = text.codePointAt(i)!;
      if (code > 0xffff) i++;
      bytes.push(...encoder.encode(String.fromCodePoint(code)));
      continue;
    }
    const next = text[++i];
    if (next === undefined) return undefined;
    if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i))![0];
      bytes.push(parseInt(octal, 8) & 0xff);
      i += octal.length - 1;
    } else if (next in ESCAPES) bytes.push(ESCAPES[next]);
    else return undefined;
  }
  return undefined;
}
