// Decodes what gohazard needs of a pprof profile (github.com/google/pprof proto/profile.proto): the
// sample types, the samples' stacks and values, locations with their (inlined) lines, functions with
// their names, files and start lines, the string table, the period and the duration. Mappings,
// labels, addresses, comments and the default sample type are skipped (the CPU value is chosen by
// its type: cpu/nanoseconds, else samples/count).
//
// On disk a profile is gzip-compressed; the host hands in the decompression (Node's zlib, the
// browser's DecompressionStream), and an uncompressed profile is read as it is.
import { WireError, WireReader, WireType } from './wire';

export interface ValueType {
  type: string;
  unit: string;
}

export interface ProfileFunction {
  id: number;
  name: string;
  systemName: string;
  filename: string;
  /** The line of the `func` keyword (declaration or literal); 0 when unknown. */
  startLine: number;
}

/**
 * Locations, flattened (a profile may hold a million): location i has id ids[i] and the lines
 * lineFunctions/lineNumbers[lineStart[i] … lineStart[i+1]), innermost first: the first is the inlined
 * callee, the last the function the code was inlined into.
 */
export interface ProfileLocations {
  ids: number[];
  lineStart: number[];
  lineFunctions: number[];
  lineNumbers: number[];
}

export interface Pprof {
  sampleTypes: ValueType[];
  /**
   * Samples, flattened: sample i's stack is sampleLocations[sampleStackStart[i] … sampleStackStart[i+1])
   * (leaf first) and its values sampleValues[sampleValueStart[i] … sampleValueStart[i+1]).
   */
  sampleStackStart: number[];
  sampleLocations: number[];
  sampleValueStart: number[];
  sampleValues: number[];
  locations: ProfileLocations;
  functions: Map<number, ProfileFunction>;
  periodType?: ValueType;
  period: number;
  durationNanos: number;
  timeNanos: number;
}

export class ProfileFormatError extends Error {}

/** Decompresses gzip data; rejects when the output would exceed maxBytes. */
export type Gunzip = (data: Uint8Array, maxBytes: number) => Promise<Uint8Array>;

export interface ProfileLimits {
  /** Largest profile read, compressed or not. */
  maxFileBytes: number;
  /** Largest decompressed profile. */
  maxDecodedBytes: number;
}

/**
 * Go's CPU profiles of a busy server over 30 s are a few MB compressed and a few times that raw; these
 * limits leave an order of magnitude and keep a stray multi-GB file from stalling the editor.
 */
export const DEFAULT_PROFILE_LIMITS: ProfileLimits = { maxFileBytes: 64 << 20, maxDecodedBytes: 256 << 20 };

const GZIP_MAGIC = [0x1f, 0x8b];
/** `go tool preprofile` output, which go build also accepts as a PGO profile. */
const PREPROFILE_HEADER = 'GO PREPROFILE V1';

/** The decoded profile of a file's bytes (gzip-compressed or not); throws ProfileFormatError saying what is wrong. */
export async function readPprof(bytes: Uint8Array, gunzip: Gunzip | undefined, limits: ProfileLimits = DEFAULT_PROFILE_LIMITS): Promise<Pprof> {
  if (bytes.length === 0) throw new ProfileFormatError('the file is empty');
  if (bytes.length > limits.maxFileBytes) throw new ProfileFormatError(`the file has ${bytes.length} bytes, more than the ${limits.maxFileBytes} gohazard reads`);
  let raw = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    if (!gunzip) throw new ProfileFormatError('the profile is gzip-compressed and this host cannot decompress it');
    try {
      raw = await gunzip(bytes, limits.maxDecodedBytes);
    } catch (error) {
      throw new ProfileFormatError(`cannot decompress: ${(error as Error)?.message ?? error}`);
    }
    if (raw.length === 0) throw new ProfileFormatError('the decompressed profile is empty');
  } else if (startsWithText(bytes, PREPROFILE_HEADER)) {
    throw new ProfileFormatError('a preprocessed profile (go tool preprofile) holds call edges only; gohazard needs the pprof CPU profile it was made from');
  }
  return decodePprof(raw);
}

/** Decodes an uncompressed profile.proto message. */
export function decodePprof(bytes: Uint8Array): Pprof {
  try {
    return decodeProfileMessage(bytes);
  } catch (error) {
    if (error instanceof WireError) throw new ProfileFormatError(`not a pprof profile: ${error.message}`);
    throw error;
  }
}

function decodeProfileMessage(bytes: Uint8Array): Pprof {
  const strings: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const sampleTypeIndices: { type: number; unit: number }[] = [];
  let periodTypeIndices: { type: number; unit: number } | undefined;
  const profile: Pprof = {
    sampleTypes: [],
    sampleStackStart: [0],
    sampleLocations: [],
    sampleValueStart: [0],
    sampleValues: [],
    locations: { ids: [], lineStart: [0], lineFunctions: [], lineNumbers: [] },
    functions: new Map(),
    period: 0,
    durationNanos: 0,
    timeNanos: 0,
  };
  // Functions refer to the string table by index, and fields may come in any order: resolve names last.
  const functionIndices: { id: number; name: number; systemName: number; filename: number; startLine: number }[] = [];
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    switch (field) {
      case 1:
        expectWireType(field, wireType, WireType.Bytes, reader);
        sampleTypeIndices.push(valueType(reader.message()));
        break;
      case 2:
        expectWireType(field, wireType, WireType.Bytes, reader);
        readSample(reader.message(), profile);
        break;
      case 4:
        expectWireType(field, wireType, WireType.Bytes, reader);
        readLocation(reader.message(), profile.locations);
        break;
      case 5:
        expectWireType(field, wireType, WireType.Bytes, reader);
        functionIndices.push(readFunction(reader.message()));
        break;
      case 6:
        expectWireType(field, wireType, WireType.Bytes, reader);
        strings.push(reader.string(decoder));
        break;
      case 9:
        profile.timeNanos = reader.int(wireType);
        break;
      case 10:
        profile.durationNanos = reader.int(wireType);
        break;
      case 11:
        expectWireType(field, wireType, WireType.Bytes, reader);
        periodTypeIndices = valueType(reader.message());
        break;
      case 12:
        profile.period = reader.int(wireType);
        break;
      default:
        reader.skip(wireType);
    }
  }
  // pprof requires string_table[0] to be "": bytes that merely happen to parse as protobuf rarely do that.
  if (strings.length === 0 || strings[0] !== '') throw new ProfileFormatError('not a pprof profile: its string table does not start with the empty string');
  const str = (index: number, what: string): string => {
    if (index === 0) return '';
    if (index < 0 || index >= strings.length || !Number.isInteger(index)) throw new ProfileFormatError(`not a pprof profile: ${what} refers to string ${index}, but the string table has ${strings.length}`);
    return strings[index];
  };
  profile.sampleTypes = sampleTypeIndices.map((t) => ({ type: str(t.type, 'a sample type'), unit: str(t.unit, 'a sample unit') }));
  if (periodTypeIndices) profile.periodType = { type: str(periodTypeIndices.type, 'the period type'), unit: str(periodTypeIndices.unit, 'the period unit') };
  for (const f of functionIndices) {
    profile.functions.set(f.id, { id: f.id, name: str(f.name, `function ${f.id}`), systemName: str(f.systemName, `function ${f.id}`), filename: str(f.filename, `function ${f.id}`), startLine: f.startLine });
  }
  return profile;
}

function expectWireType(field: number, actual: number, expected: WireType, reader: WireReader): void {
  if (actual !== expected) throw new WireError(`field ${field} has wire type ${actual}, expected ${expected} (before byte ${reader.offset})`);
}

function valueType(reader: WireReader): { type: number; unit: number } {
  const result = { type: 0, unit: 0 };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) result.type = reader.int(wireType);
    else if (field === 2) result.unit = reader.int(wireType);
    else reader.skip(wireType);
  }
  return result;
}

function readSample(reader: WireReader, profile: Pprof): void {
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) reader.repeatedInts(wireType, profile.sampleLocations, false);
    else if (field === 2) reader.repeatedInts(wireType, profile.sampleValues, true);
    else reader.skip(wireType);
  }
  profile.sampleStackStart.push(profile.sampleLocations.length);
  profile.sampleValueStart.push(profile.sampleValues.length);
}

function readLocation(reader: WireReader, into: ProfileLocations): void {
  let id = 0;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) id = reader.int(wireType, false);
    else if (field === 4) {
      expectWireType(field, wireType, WireType.Bytes, reader);
      let functionId = 0;
      let line = 0;
      const r = reader.message();
      while (!r.done) {
        const t = r.tag();
        if (t.field === 1) functionId = r.int(t.wireType, false);
        else if (t.field === 2) line = r.int(t.wireType);
        else r.skip(t.wireType);
      }
      into.lineFunctions.push(functionId);
      into.lineNumbers.push(line);
    } else reader.skip(wireType);
  }
  into.ids.push(id);
  into.lineStart.push(into.lineFunctions.length);
}

function readFunction(reader: WireReader): { id: number; name: number; systemName: number; filename: number; startLine: number } {
  const f = { id: 0, name: 0, systemName: 0, filename: 0, startLine: 0 };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    switch (field) {
      case 1:
        f.id = reader.int(wireType, false);
        break;
      case 2:
        f.name = reader.int(wireType);
        break;
      case 3:
        f.systemName = reader.int(wireType);
        break;
      case 4:
        f.filename = reader.int(wireType);
        break;
      case 5:
        f.startLine = reader.int(wireType);
        break;
      default:
        reader.skip(wireType);
    }
  }
  return f;
}

function startsWithText(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}
