// Writes small pprof profiles (profile.proto) for the tests: sample types, samples, locations with
// inlined lines, functions and the string table, with the choices a real writer may make (packed or
// unpacked repeated fields, fields in any order) so that the reader is tested against all of them.

export interface ProfileSpec {
  sampleTypes: [string, string][];
  /** Stacks of function ids (leaf first); one location per entry, or an inline stack (innermost first). */
  samples: { stack: (FrameSpec | FrameSpec[])[]; values: number[] }[];
  functions: { id: number; name: string; file: string; startLine?: number }[];
  period?: number;
  periodType?: [string, string];
  durationNanos?: number;
  /** Repeated integers unpacked (one field per value) instead of packed. */
  unpacked?: boolean;
  /** Strings, functions and locations written before the samples and sample types. */
  tablesFirst?: boolean;
}

export interface FrameSpec {
  fn: number;
  line: number;
}

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

export function field(number: number, wireType: number): number[] {
  return varint(number * 8 + wireType);
}

export function varintField(number: number, value: number | bigint): number[] {
  return [...field(number, 0), ...varint(value)];
}

export function bytesField(number: number, payload: number[] | Uint8Array): number[] {
  return [...field(number, 2), ...varint(payload.length), ...payload];
}

function repeated(number: number, values: number[], unpacked: boolean): number[] {
  if (values.length === 0) return [];
  if (unpacked) return values.flatMap((v) => varintField(number, v));
  return bytesField(number, values.flatMap((v) => varint(v)));
}

export function encodeProfile(spec: ProfileSpec): Uint8Array {
  const strings = [''];
  const str = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const valueType = ([type, unit]: [string, string]) => [...varintField(1, str(type)), ...varintField(2, str(unit))];
  const unpacked = spec.unpacked ?? false;

  const locations: number[][] = [];
  const locationIds = new Map<string, number>();
  const locationOf = (frame: FrameSpec | FrameSpec[]) => {
    const lines = Array.isArray(frame) ? frame : [frame];
    const key = JSON.stringify(lines);
    let id = locationIds.get(key);
    if (id === undefined) {
      id = locationIds.size + 1;
      locationIds.set(key, id);
      locations.push(bytesField(4, [...varintField(1, id), ...lines.flatMap((l) => bytesField(4, [...varintField(1, l.fn), ...varintField(2, l.line)]))]));
    }
    return id;
  };

  const head = spec.sampleTypes.flatMap((t) => bytesField(1, valueType(t)));
  const samples = spec.samples.flatMap((s) => bytesField(2, [...repeated(1, s.stack.map(locationOf), unpacked), ...repeated(2, s.values, unpacked)]));
  const functions = spec.functions.flatMap((f) =>
    bytesField(5, [...varintField(1, f.id), ...varintField(2, str(f.name)), ...varintField(3, str(f.name)), ...varintField(4, str(f.file)), ...(f.startLine ? varintField(5, f.startLine) : [])]),
  );
  const tail = [
    ...(spec.durationNanos !== undefined ? varintField(10, spec.durationNanos) : []),
    ...(spec.periodType ? bytesField(11, valueType(spec.periodType)) : []),
    ...(spec.period !== undefined ? varintField(12, spec.period) : []),
  ];
  const stringTable = strings.flatMap((s) => bytesField(6, [...Buffer.from(s, 'utf8')]));
  const tables = [...locations.flat(), ...functions, ...stringTable];
  return Uint8Array.from(spec.tablesFirst ? [...tables, ...tail, ...head, ...samples] : [...head, ...samples, ...tables, ...tail]);
}
