// How rules say which Go language version a file is analysed at and where that version comes from, so
// that every version-dependent message points at the line to change.
import type { FileFacts } from '../engine/rule';
import { basename } from '../engine/paths';
import { languageVersion } from '../toolchain/goVersion';

/** "go1.21 from go.mod line 3": the file's language version and where it comes from. */
export function versionNote(file: FileFacts): string {
  const v = languageVersion(file.goMinor);
  const s = file.versionSource;
  if (s.kind === 'go.mod' && s.path) return s.line !== undefined ? `${v} from ${basename(s.path)} line ${s.line + 1}` : `${v}: ${basename(s.path)} has no go line`;
  if (s.kind === 'go:build' && s.line !== undefined) return `${v} from its //go:build line ${s.line + 1}`;
  if (s.kind === 'override') return `${v}, as set by --go-version`;
  return `${v} (assumed: no go.mod found)`;
}
