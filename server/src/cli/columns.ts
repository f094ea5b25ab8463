// Go tools count columns in bytes of UTF-8; the engine counts UTF-16 code units.
import { SourceText } from '../engine/sourceText';
import { Position } from '../engine/types';

export function byteColumn(source: SourceText, pos: Position): number {
  const prefix = source.lineText(pos.line).slice(0, pos.character);
  let bytes = 0;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < prefix.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
