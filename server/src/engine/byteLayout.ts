// Go files are bytes; the engine, the editor and SARIF see decoded text. A file that is not valid UTF-8
// decodes lossily (each ill-formed sequence becomes one U+FFFD, whatever its length), so the bytes a
// character stood for cannot be recovered from the text: the decoder records them here, and byte
// columns are computed from that record rather than from the text alone.

/**
 * Where the characters of a decoded text sit in the file's bytes, for the cases the text cannot say:
 * a byte order mark (left out of the text) and U+FFFD characters that replaced ill-formed bytes.
 * Every other character stands for its own UTF-8 encoding. A plain object: it crosses worker threads.
 */
export interface ByteLayout {
  /** The file starts with a UTF-8 BOM (3 bytes): not a character of the text, as editors show it. */
  bom: boolean;
  /** UTF-16 offsets, ascending, of the U+FFFD characters that replaced ill-formed bytes. */
  replacementOffsets: number[];
  /** How many bytes (1–3) each of those replaced, in step with replacementOffsets. */
  replacementBytes: number[];
}

export interface DecodedSource {
  text: string;
  /** Absent when the text's own UTF-8 encoding is the file: no BOM, no ill-formed bytes. */
  layout?: ByteLayout;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Decodes as TextDecoder, Node's Buffer and VS Code do (the WHATWG decoder: a BOM is dropped, each
 * maximal ill-formed subsequence becomes one U+FFFD), and records what the text cannot say.
 */
export function decodeUtf8(bytes: Uint8Array): DecodedSource {
  const text = decoder.decode(bytes);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  // Ill-formed bytes always leave a U+FFFD behind: text without one needs no walk.
  if (!text.includes('\ufffd')) return bom ? { text, layout: { bom, replacementOffsets: [], replacementBytes: [] } } : { text };
  const layout: ByteLayout = { bom, replacementOffsets: [], replacementBytes: [] };
  let offset = 0;
  for (let i = bom ? 3 : 0; i < bytes.length; ) {
    const length = sequenceLength(bytes[i]);
    const valid = length === 0 ? 0 : validPrefix(bytes, i, length);
    if (length > 0 && valid === length) {
      i += length;
      offset += length === 4 ? 2 : 1;
      continue;
    }
    // The maximal subpart: the valid start of a sequence, or the one byte that cannot start one.
    const replaced = Math.max(1, valid);
    layout.replacementOffsets.push(offset);
    layout.replacementBytes.push(replaced);
    i += replaced;
    offset += 1;
  }
  return { text, layout };
}

/**
 * The byte range the second byte of a sequence must fall in, by lead byte (the Unicode Standard's table
 * of well-formed UTF-8, which rules out overlongs, surrogates and code points above U+10FFFF); later
 * continuation bytes are always 0x80–0xBF.
 */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/** The length of the sequence a lead byte starts, or 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** How many bytes from i, up to length, can start a well-formed sequence of that length. */
function validPrefix(bytes: Uint8Array, i: number, length: number): number {
  if (length === 1) return 1;
  const [lo, hi] = secondByteRange(bytes[i]);
  let n = 1;
  while (n < length && i + n < bytes.length) {
    const b = bytes[i + n];
    if (n === 1 ? b < lo || b > hi : b < 0x80 || b > 0xbf) break;
    n++;
  }
  return n;
}
