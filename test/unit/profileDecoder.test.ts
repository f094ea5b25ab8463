import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CpuProfile } from '../../server/src/engine/profile/cpuProfile';
import { decodePprof, Pprof, ProfileFormatError, readPprof } from '../../server/src/engine/profile/pprof';
import { WireError, WireReader } from '../../server/src/engine/profile/wire';
import { gunzipStream } from '../../server/src/browser/gunzipStream';
import { gunzipNode } from '../../server/src/node/nodeHost';
import { fixturesRoot } from '../helpers';
import { bytesField, encodeProfile, ProfileSpec, varint, varintField } from './pprofWriter';

const fixtureProfile = join(fixturesRoot, 'profile', 'default.pgo');
const fixtureFile = '/work/wt-profile/test/fixtures/profile/enc.go';

/** A small CPU profile as Go writes it: samples/count and cpu/nanoseconds. */
const small: ProfileSpec = {
  sampleTypes: [
    ['samples', 'count'],
    ['cpu', 'nanoseconds'],
  ],
  samples: [
    { stack: [{ fn: 1, line: 12 }, { fn: 2, line: 30 }], values: [3, 30_000_000] },
    { stack: [[{ fn: 3, line: 21 }, { fn: 1, line: 11 }], { fn: 2, line: 31 }], values: [1, 10_000_000] },
  ],
  functions: [
    { id: 1, name: 'example.com/m/pkg.(*Encoder).Encode', file: '/ci/src/m/pkg/enc.go', startLine: 10 },
    { id: 2, name: 'main.main', file: '/ci/src/m/main.go', startLine: 29 },
    { id: 3, name: 'example.com/m/pkg.helper', file: '/ci/src/m/pkg/enc.go', startLine: 20 },
  ],
  period: 10_000_000,
  periodType: ['cpu', 'nanoseconds'],
  durationNanos: 2_500_000_000,
};

/** The lines of location i, innermost first. */
function linesOf(p: Pprof, i: number): { functionId: number; line: number }[] {
  const lines = [];
  for (let j = p.locations.lineStart[i]; j < p.locations.lineStart[i + 1]; j++) lines.push({ functionId: p.locations.lineFunctions[j], line: p.locations.lineNumbers[j] });
  return lines;
}

async function rejectsWith(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  await assert.rejects(
    async () => new CpuProfile(await readPprof(bytes, gunzipNode)),
    (error: unknown) => {
      assert.ok(error instanceof ProfileFormatError, `expected a ProfileFormatError, got ${(error as Error)?.stack ?? error}`);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('pprof decoder', () => {
  describe('wire format', () => {
    it('reads varints up to 2^53 exactly, and int64 two\'s complement negatives', () => {
      for (const value of [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 5, 2 ** 53 - 1]) {
        assert.equal(new WireReader(Uint8Array.from(varint(value))).varint(), value);
      }
      for (const value of [-1, -2, -300, -(2 ** 40)]) {
        const bytes = Uint8Array.from(varint(BigInt(value)));
        assert.equal(bytes.length, 10);
        assert.equal(new WireReader(bytes).int64(), value);
      }
    });

    it('rejects varints longer than 10 bytes, truncated ones, and fields that run past their message', () => {
      assert.throws(() => new WireReader(Uint8Array.from(new Array(11).fill(0x80))).varint(), WireError);
      assert.throws(() => new WireReader(Uint8Array.from([0x80, 0x80])).varint(), /truncated varint/);
      assert.throws(() => new WireReader(Uint8Array.from(bytesField(6, [1, 2, 3]).slice(0, 4))).message(), /runs past the end/);
    });

    it('reads repeated integers packed and unpacked', () => {
      const packed: number[] = [];
      const r = new WireReader(Uint8Array.from(bytesField(1, [...varint(5), ...varint(300)])));
      r.tag();
      r.repeatedInts(2, packed, false);
      assert.deepEqual(packed, [5, 300]);
      const unpacked: number[] = [];
      const u = new WireReader(Uint8Array.from([...varintField(1, 5), ...varintField(1, 300)]));
      while (!u.done) u.repeatedInts(u.tag().wireType, unpacked, false);
      assert.deepEqual(unpacked, [5, 300]);
    });
  });

  describe('the committed profile (test/fixtures/profile/default.pgo)', () => {
    // Figures from `go tool pprof -raw test/fixtures/profile/default.pgo`.
    it('decodes every field gohazard reads', async () => {
      const bytes = new Uint8Array(readFileSync(fixtureProfile));
      assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'Go writes profiles gzip-compressed');
      const p = await readPprof(bytes, gunzipNode);
      assert.deepEqual(p.sampleTypes, [
        { type: 'samples', unit: 'count' },
        { type: 'cpu', unit: 'nanoseconds' },
      ]);
      assert.deepEqual(p.periodType, { type: 'cpu', unit: 'nanoseconds' });
      assert.equal(p.period, 10_000_000);
      assert.equal(p.durationNanos, 9_134_868_917);
      assert.ok(p.timeNanos > 1.7e18);
      assert.equal(p.sampleStackStart.length - 1, 112, 'sample records');
      assert.equal(p.locations.ids.length, 175);
      let samples = 0;
      for (let s = 0; s < 112; s++) samples += p.sampleValues[p.sampleValueStart[s]];
      assert.equal(samples, 762);
      const encode = [...p.functions.values()].find((f) => f.name === 'example.com/profilefixture.(*Encoder).Encode');
      assert.deepEqual(encode && { ...encode, id: 0 }, { id: 0, name: 'example.com/profilefixture.(*Encoder).Encode', systemName: 'example.com/profilefixture.(*Encoder).Encode', filename: fixtureFile, startLine: 17 });
      // An inlined call: the location's first line is the callee (Checksum), the last the caller.
      const inlined = p.locations.ids.findIndex((_, i) => linesOf(p, i).length === 2 && p.functions.get(linesOf(p, i)[0].functionId)?.name.endsWith('.Checksum'));
      assert.equal(p.functions.get(linesOf(p, inlined)[1].functionId)?.name, 'example.com/profilefixture.BenchmarkWorkload');
    });

    it('reads the same profile uncompressed, and decompresses it with DecompressionStream as the browser does', async () => {
      const gz = new Uint8Array(readFileSync(fixtureProfile));
      const viaNode = new CpuProfile(await readPprof(gz, gunzipNode)).summary;
      assert.deepEqual(new CpuProfile(await readPprof(new Uint8Array(gunzipSync(gz)), undefined)).summary, viaNode);
      assert.deepEqual(new CpuProfile(await readPprof(gz, gunzipStream)).summary, viaNode);
    });

    it('says so when gzip data arrives on a host that cannot decompress it', async () => {
      await assert.rejects(readPprof(new Uint8Array(readFileSync(fixtureProfile)), undefined), /gzip-compressed and this host cannot decompress it/);
    });
  });

  describe('written profiles', () => {
    it('reads packed and unpacked repeated fields, and tables before or after the samples, alike', () => {
      const variants = [small, { ...small, unpacked: true }, { ...small, tablesFirst: true }, { ...small, unpacked: true, tablesFirst: true }];
      const decoded = variants.map((spec) => decodePprof(encodeProfile(spec)));
      for (const p of decoded) {
        assert.deepEqual(p.sampleLocations, decoded[0].sampleLocations);
        assert.deepEqual(p.sampleValues, [3, 30_000_000, 1, 10_000_000]);
        assert.deepEqual(p.sampleStackStart, [0, 2, 4]);
        assert.equal(p.functions.get(3)?.startLine, 20);
        assert.deepEqual(linesOf(p, p.locations.ids.indexOf(p.sampleLocations[2])), [
          { functionId: 3, line: 21 },
          { functionId: 1, line: 11 },
        ]);
        assert.equal(p.durationNanos, 2_500_000_000);
      }
    });

    it('skips fields it does not read (mappings, comments, default_sample_type, unknown numbers)', () => {
      const extra = [...varintField(14, 1), ...bytesField(3, [...varintField(1, 1), ...varintField(2, 0x400000)]), ...varintField(13, 0), ...bytesField(99, [1, 2, 3]), ...varintField(100, 7)];
      const plain = decodePprof(encodeProfile(small));
      const withExtra = decodePprof(Uint8Array.from([...encodeProfile(small), ...extra]));
      assert.deepEqual(withExtra, plain);
    });
  });

  describe('bad input gets a clear error, never a crash or a hang', () => {
    it('empty files, text, images and other binaries', async () => {
      await rejectsWith(new Uint8Array(), /the file is empty/);
      await rejectsWith(new TextEncoder().encode('hello, this is not a profile\n'), /not a pprof profile/);
      await rejectsWith(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /not a pprof profile/);
      await rejectsWith(new Uint8Array(gzipSync('{"json": true}')), /not a pprof profile/);
      await rejectsWith(new TextEncoder().encode('GO PREPROFILE V1\ncaller\ncallee\n1 2\n'), /preprocessed profile \(go tool preprofile\)/);
    });

    it('profiles of something other than CPU, and CPU profiles without samples', async () => {
      const heap: ProfileSpec = { ...small, sampleTypes: [['alloc_objects', 'count'], ['alloc_space', 'bytes']] };
      await rejectsWith(encodeProfile(heap), /not a CPU profile: its sample types are alloc_objects\/count, alloc_space\/bytes/);
      await rejectsWith(encodeProfile({ ...small, samples: [] }), /holds no CPU samples/);
      await rejectsWith(encodeProfile({ ...small, sampleTypes: [] }), /declares no sample types/);
    });

    it('references to locations or functions the profile does not hold, and samples of the wrong width', async () => {
      await rejectsWith(encodeProfile({ ...small, functions: small.functions.slice(1) }), /refers to function 1, which the profile does not hold/);
      await rejectsWith(encodeProfile({ ...small, samples: [{ stack: [{ fn: 1, line: 12 }], values: [1] }] }), /sample 0 has 1 values for 2 sample types/);
      const p = encodeProfile(small);
      const noLocations = decodePprof(p);
      noLocations.locations = { ids: [], lineStart: [0], lineFunctions: [], lineNumbers: [] };
      assert.throws(() => new CpuProfile(noLocations), /refers to location 1, which the profile does not hold/);
    });

    it('every truncation of the committed profile, compressed and raw', async () => {
      const gz = new Uint8Array(readFileSync(fixtureProfile));
      const raw = new Uint8Array(gunzipSync(gz));
      for (let n = 1; n < gz.length; n += 7) await rejectsWith(gz.subarray(0, n), /cannot decompress|not a pprof profile|empty/);
      let accepted = 0;
      for (let n = 1; n < raw.length; n += 3) {
        try {
          new CpuProfile(decodePprof(raw.subarray(0, n)));
          accepted++;
        } catch (error) {
          assert.ok(error instanceof ProfileFormatError, `truncated at ${n}: ${(error as Error)?.stack}`);
        }
      }
      // A cut between two messages can leave a valid profile only once the last table is complete.
      assert.ok(accepted < 5, `${accepted} truncations were accepted`);
    });

    it('random bytes and random byte flips of the committed profile', async () => {
      let seed = 20261207;
      const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const raw = new Uint8Array(gunzipSync(readFileSync(fixtureProfile)));
      for (let i = 0; i < 300; i++) {
        const bytes = i % 2 === 0 ? Uint8Array.from({ length: 1 + Math.floor(random() * 4000) }, () => Math.floor(random() * 256)) : raw.map((b) => (random() < 0.002 ? Math.floor(random() * 256) : b));
        try {
          new CpuProfile(await readPprof(bytes, gunzipNode));
        } catch (error) {
          assert.ok(error instanceof ProfileFormatError, `input ${i}: ${(error as Error)?.stack}`);
        }
      }
    });

    it('files and decompressed data beyond the limits', async () => {
      const bomb = new Uint8Array(gzipSync(Buffer.alloc(4 << 20)));
      assert.ok(bomb.length < 10_000);
      for (const gunzip of [gunzipNode, gunzipStream]) {
        await assert.rejects(readPprof(bomb, gunzip, { maxFileBytes: 1 << 20, maxDecodedBytes: 1 << 20 }), /cannot decompress: more than 1048576 bytes once decompressed/);
      }
      await assert.rejects(readPprof(new Uint8Array(2048).fill(8), gunzipNode, { maxFileBytes: 1024, maxDecodedBytes: 1024 }), /2048 bytes, more than the 1024 gohazard reads/);
    });
  });
});
