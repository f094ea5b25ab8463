// The protocol buffers wire format, as far as reading pprof's profile.proto needs it: varints,
// fixed-width fields skipped, length-delimited fields (messages, strings, packed repeated scalars).
// https://protobuf.dev/programming-guides/encoding/
//
// Every read advances through the buffer and checks its bounds, so decoding costs at most one pass
// over the input whatever the bytes are; a bad input raises a WireError that says where.

export class WireError extends Error {}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

const TWO_32 = 2 ** 32;

export class WireReader {
  private pos: number;
  /** The low and high 32 bits of the last varint read. */
  private lo = 0;
  private hi = 0;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  get offset(): number {
    return this.pos;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const at = this.pos;
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0 || field > 0x1fffffff) throw new WireError(`invalid field number ${field} at byte ${at}`);
    return { field, wireType: key % 8 };
  }

  /**
   * An unsigned varint as a number: exact up to 2^53, which covers every id, index and line a profile
   * holds; larger values (sample values near 2^64) lose their low bits, as a double does.
   */
  varint(): number {
    this.readVarint();
    // Small values stay small integers for V8 (not heap doubles): ids are Map keys by the million.
    return this.hi === 0 ? this.lo : this.hi * TWO_32 + this.lo;
  }

  /** An int64 varint (two's complement, 10 bytes when negative). */
  int64(): number {
    this.readVarint();
    if (this.hi === 0) return this.lo;
    if (this.hi < 0x80000000) return this.hi * TWO_32 + this.lo;
    const lo = (~this.lo + 1) >>> 0;
    const hi = (~this.hi + (lo === 0 ? 1 : 0)) >>> 0;
    return -(hi * TWO_32 + lo);
  }

  private readVarint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError(`truncated varint at byte ${this.pos}`);
      const b = this.bytes[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new WireError(`varint longer than 10 bytes at byte ${this.pos - 10}`);
  }

  /** The bounds of a length-delimited field's payload, which the reader skips. */
  bytesField(): { start: number; end: number } {
    const at = this.pos;
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new WireError(`field of ${length} bytes at byte ${at} runs past the end of its message (${this.end - start} bytes left)`);
    this.pos = start + length;
    return { start, end: this.pos };
  }

  /** A reader over a length-delimited field's payload. */
  message(): WireReader {
    const { start, end } = this.bytesField();
    return new WireReader(this.bytes, start, end);
  }

  string(decoder: { decode(bytes: Uint8Array): string }): string {
    const { start, end } = this.bytesField();
    return decoder.decode(this.bytes.subarray(start, end));
  }

  /**
   * Appends a repeated integer field's values: one value when sent unpacked, all of them when packed
   * (proto3 packs by default; Go's runtime/pprof sends short lists unpacked).
   */
  repeatedInts(wireType: number, into: number[], signed: boolean): void {
    if (wireType === WireType.Varint) {
      into.push(signed ? this.int64() : this.varint());
      return;
    }
    if (wireType !== WireType.Bytes) throw new WireError(`repeated integer field with wire type ${wireType} at byte ${this.pos}`);
    const packed = this.message();
    while (!packed.done) into.push(signed ? packed.int64() : packed.varint());
  }

  /** An integer field; also accepts the last element of a packed list, as protobuf parsers do. */
  int(wireType: number, signed = true): number {
    if (wireType === WireType.Varint) return signed ? this.int64() : this.varint();
    const values: number[] = [];
    this.repeatedInts(wireType, values, signed);
    if (values.length === 0) throw new WireError(`empty packed integer at byte ${this.pos}`);
    return values[values.length - 1];
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.Bytes:
        this.bytesField();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        // Groups are deprecated and not part of profile.proto; a stray one means the bytes are not a profile.
        throw new WireError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new WireError(`truncated fixed-width field at byte ${this.pos}`);
    this.pos += n;
  }
}
