// Guards the language server's stdin (`gohazard lsp --stdio`) against malformed framing. The JSON-RPC
// reader of vscode-jsonrpc stops reading for good after a header without a valid Content-Length, and a
// Content-Length larger than the body swallows the next message: either way the editor loses its
// server. This stream passes well-formed messages through unchanged and, on anything else, reports
// what it dropped and resynchronises on the next `Content-Length:` header.
import { Transform, TransformCallback } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n');
const HEADER_START = /Content-(Length|Type)\s*:/i;
/** Larger claims are taken for garbage; a didOpen of a 10 MB file is about 12 MB of JSON. */
export const MAX_MESSAGE_BYTES = 256 * 2 ** 20;
const MAX_HEADER_BYTES = 8 * 1024;
/** Bodies up to this size are always checked to be JSON objects before they are passed on. */
const VALIDATE_BYTES = 2 ** 20;

export class FrameGuard extends Transform {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before it is worth looking again (a body still arriving). */
  private need = 0;

  constructor(private readonly onDropped: (message: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    // While a body arrives, look again only when it is complete or a header may have shown up in it.
    if (this.buffered >= this.need || chunk.indexOf('Content-') >= 0) this.drain();
    done();
  }

  override _flush(done: TransformCallback): void {
    const rest = Buffer.concat(this.chunks).toString('utf8');
    if (rest.trim() !== '') this.onDropped(`ignored ${Buffer.byteLength(rest)} bytes at the end of the input: not a complete message`);
    done();
  }

  private drain(): void {
    let buffer: Buffer = Buffer.concat(this.chunks);
    this.need = 0;
    const keep = (rest: Buffer) => {
      buffer = rest;
    };
    for (;;) {
      if (buffer.length === 0) break;
      const headerEnd = buffer.indexOf(HEADER_END);
      if (headerEnd < 0) {
        if (buffer.length > MAX_HEADER_BYTES) keep(this.skip(buffer, 1, 'a header longer than 8 KB'));
        else break;
        continue;
      }
      const header = buffer.subarray(0, headerEnd).toString('latin1');
      const length = contentLength(header);
      if (length === undefined) {
        keep(this.skip(buffer, 1, `a header without a valid Content-Length: ${JSON.stringify(header.slice(0, 100))}`));
        continue;
      }
      const bodyStart = headerEnd + HEADER_END.length;
      const bodyEnd = bodyStart + length;
      if (buffer.length < bodyEnd) {
        // A header that announces more than follows swallows the next message: a complete header
        // inside the would-be body means it did.
        const later = nextHeader(buffer, bodyStart);
        if (later >= 0 && buffer.indexOf(HEADER_END, later) >= 0) {
          keep(this.skip(buffer, later, `a message shorter than its Content-Length (${length} bytes)`, true));
          continue;
        }
        this.need = bodyEnd;
        break;
      }
      const body = buffer.subarray(bodyStart, bodyEnd);
      const next = buffer.subarray(bodyEnd);
      // Small bodies are always checked; a large one only when the framing around it is suspect.
      const framed = next.length > 0 && HEADER_START.test(next.subarray(0, 20).toString('latin1'));
      if (length <= VALIDATE_BYTES || (!framed && next.length > 0)) {
        const problem = notAMessage(body);
        if (problem) {
          const later = nextHeader(buffer, bodyStart);
          keep(later >= 0 && later < bodyEnd ? this.skip(buffer, later, `a message shorter than its Content-Length (${length} bytes)`, true) : buffer.subarray(bodyEnd));
          if (!(later >= 0 && later < bodyEnd)) this.onDropped(`ignored a message that ${problem}`);
          continue;
        }
      }
      this.push(Buffer.concat([Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'ascii'), body]));
      keep(next);
    }
    this.chunks = buffer.length > 0 ? [buffer] : [];
    this.buffered = buffer.length;
  }

  /**
   * Drops bytes up to the next header at or after `from` (at least one byte), or all of them but a
   * trailing start of a header that the next chunk may complete.
   */
  private skip(buffer: Buffer, from: number, why: string, at = false): Buffer {
    const to = at ? from : nextHeader(buffer, Math.max(1, from));
    const cut = to >= 1 ? to : buffer.length - partialHeaderLength(buffer);
    this.onDropped(`ignored ${cut} bytes of input: ${why}`);
    return buffer.subarray(Math.max(1, cut));
  }
}

function contentLength(header: string): number | undefined {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) return undefined;
    if (m[1].trim().toLowerCase() === 'content-length') {
      if (!/^\d+$/.test(m[2].trim())) return undefined;
      length = Number(m[2].trim());
    }
  }
  return length !== undefined && length <= MAX_MESSAGE_BYTES ? length : undefined;
}

/** The length of the longest end of buffer that begins a header name ("Content-Le…"). */
function partialHeaderLength(buffer: Buffer): number {
  const tail = buffer.subarray(Math.max(0, buffer.length - 15)).toString('latin1').toLowerCase();
  for (let k = tail.length; k > 0; k--) {
    const end = tail.slice(tail.length - k);
    if ('content-length:'.startsWith(end) || 'content-type:'.startsWith(end)) return k;
  }
  return 0;
}

function nextHeader(buffer: Buffer, from: number): number {
  const m = HEADER_START.exec(buffer.subarray(from).toString('latin1'));
  return m ? from + m.index : -1;
}

/** Why a body is not a JSON-RPC message, or undefined when it is one. */
function notAMessage(body: Buffer): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'is not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'is not a JSON object (batches are not part of LSP)';
  return undefined;
}
