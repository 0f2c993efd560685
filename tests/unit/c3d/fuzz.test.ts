/**
 * Mutated real fixtures: every input must end in a parsed file or a C3dError — no other exception, no
 * hang, no allocation beyond what the file could hold. Seeds are fixed so CI runs the same cases.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readC3d, C3dError, type C3dFile } from "~/lib/c3d";
import { fixtureBytes } from "./reference";

/** Small fixtures covering DEC/MIPS/Intel × int/float, no-parameter and odd-record files. */
const SMALL = ["TYPE-2.C3D", "Eb015si.c3d", "Eb015vr.c3d", "Eb015pi.c3d", "emgwl.c3d", "shd01.c3d", "mocap36.c3d"];
const originals = new Map(SMALL.map((name) => [name, fixtureBytes(name)]));

interface RecordSite {
  /** byte offset of the record (name length byte) */
  at: number;
  /** byte offset of its next-record offset word */
  offsetPos: number;
  /** byte offset of the type byte, parameters only */
  typePos?: number;
}

/** The parameter records of an unmutated file, found by following the offsets (little-endian only). */
function recordSites(bytes: Uint8Array): RecordSite[] {
  const sites: RecordSite[] = [];
  const start = (bytes[0] - 1) * 512;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = bytes[start + 3] !== 86;
  let pos = start + 4;
  while (pos + 4 < bytes.length && sites.length < 5000) {
    const nameLength = Math.abs((bytes[pos] << 24) >> 24);
    if (nameLength === 0) break;
    const offsetPos = pos + 2 + nameLength;
    const group = (bytes[pos + 1] << 24) >> 24 < 0;
    sites.push({ at: pos, offsetPos, typePos: group ? undefined : offsetPos + 2 });
    const offset = view.getInt16(offsetPos, littleEndian);
    if (offset <= 0) break;
    pos = offsetPos + offset;
  }
  return sites;
}
const sites = new Map(SMALL.map((name) => [name, recordSites(originals.get(name)!)]));

type Mutation =
  | { kind: "flip"; positions: number[]; bits: number[]; nearStart: boolean }
  | { kind: "truncate"; fraction: number }
  | { kind: "headerWord"; word: number; value: number }
  | { kind: "dimensions"; record: number; count: number; size: number }
  | { kind: "recordOffset"; record: number; value: number }
  | { kind: "recordType"; record: number; value: number };

const absurd = fc.oneof(fc.constantFrom(0, 1, 0x7fff, 0x8000, 0xffff), fc.integer({ min: 0, max: 0xffff }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    positions: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    bits: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 8, maxLength: 8 }),
    nearStart: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("truncate" as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  // header words: 1 parameter block/key, 2 points, 3 analog words, 4/5 frames, 9 data start, 10 samples
  fc.record({ kind: fc.constant("headerWord" as const), word: fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12), value: absurd }),
  fc.record({
    kind: fc.constant("dimensions" as const),
    record: fc.nat(),
    count: fc.integer({ min: 0, max: 255 }),
    size: fc.constantFrom(0, 1, 255, 128),
  }),
  fc.record({
    kind: fc.constant("recordOffset" as const),
    record: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, -1, -4, 0x7fff, -0x8000), fc.integer({ min: -0x8000, max: 0x7fff })),
  }),
  fc.record({ kind: fc.constant("recordType" as const), record: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(original: Uint8Array, list: RecordSite[], m: Mutation): Uint8Array {
  if (m.kind === "truncate") return original.slice(0, Math.floor(m.fraction * original.length));
  const bytes = original.slice();
  if (bytes.length < 512) return bytes; // already cut inside the header by an earlier truncation
  const view = new DataView(bytes.buffer);
  switch (m.kind) {
    case "flip": {
      const span = m.nearStart ? Math.min(bytes.length, 8192) : bytes.length;
      m.positions.forEach((p, i) => (bytes[p % span] ^= 1 << m.bits[i]));
      break;
    }
    case "headerWord":
      view.setUint16(2 * (m.word - 1), m.value, true);
      break;
    case "dimensions": {
      const parameters = list.filter((s) => s.typePos !== undefined);
      const site = parameters[m.record % parameters.length];
      if (site.typePos! + 1 >= bytes.length) break;
      bytes[site.typePos! + 1] = m.count;
      for (let i = 0; i < m.count && site.typePos! + 2 + i < bytes.length; i++) bytes[site.typePos! + 2 + i] = m.size;
      break;
    }
    case "recordOffset": {
      const site = list[m.record % list.length];
      if (site.offsetPos + 2 <= bytes.length) view.setInt16(site.offsetPos, m.value, true);
      break;
    }
    case "recordType": {
      const parameters = list.filter((s) => s.typePos !== undefined);
      const typePos = parameters[m.record % parameters.length].typePos!;
      if (typePos < bytes.length) bytes[typePos] = m.value;
      break;
    }
  }
  return bytes;
}

/** Parse must give a consistent file or a C3dError; returns which. */
function parseOrReject(bytes: Uint8Array): "parsed" | "rejected" {
  let file: C3dFile;
  try {
    file = readC3d(bytes);
  } catch (error) {
    if (!(error instanceof C3dError)) throw error;
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.message).toMatch(/^C3D [a-z0-9-]+ at byte \d+: /);
    return "rejected";
  }
  const { count } = file.frames;
  expect(Number.isInteger(count) && count >= 0).toBe(true);
  // plain loops, one expect each: a corrupt header can declare 65535 points
  let allocated = 0;
  let wrongLengths = 0;
  for (const channel of file.analog.channels) {
    if (channel.length !== count * file.analog.samplesPerFrame) wrongLengths++;
    allocated += channel.byteLength;
  }
  for (let p = 0; p < file.points.x.length; p++) {
    if (file.points.x[p].length !== count || file.points.residual[p].length !== count) wrongLengths++;
    allocated += 4 * file.points.x[p].byteLength + file.points.cameraMask[p].byteLength;
  }
  expect(wrongLengths).toBe(0);
  expect(file.points.labels).toHaveLength(file.points.x.length);
  expect(file.analog.labels).toHaveLength(file.analog.channels.length);
  // Per frame, 2 input bytes of int analog become 8 output bytes (float64) and a point's 4 words
  // (8 or 16 bytes) at most 17: never more than 4.25× the file.
  expect(allocated).toBeLessThanOrEqual(4.25 * bytes.length);
  return "parsed";
}

describe("fuzzing mutated fixtures", () => {
  it.each(SMALL)("%s: 750 mutations each end in a parse or a C3dError", (name) => {
    const original = originals.get(name)!;
    const list = sites.get(name)!;
    const outcomes = { parsed: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        let bytes = original;
        for (const m of mutations) bytes = mutate(bytes, list, m);
        outcomes[parseOrReject(bytes)]++;
      }),
      { seed: 20260321 + name.length, numRuns: 750 },
    );
    // the generator must exercise both outcomes, or it is not testing the error paths
    expect(outcomes.parsed).toBeGreaterThan(50);
    expect(outcomes.rejected).toBeGreaterThan(20);
  });

  it("a GHOSTLY recording survives 250 header/parameter mutations", () => {
    const original = fixtureBytes("Ghostly_Emg_20250310_11-46-23-0823.c3d");
    const list = recordSites(original);
    fc.assert(
      fc.property(mutation, (m) => {
        parseOrReject(mutate(original, list, m));
      }),
      { seed: 7, numRuns: 250 },
    );
  });

  it("random bytes behind a valid key are rejected or parsed, never crash", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), fc.integer({ min: 2, max: 8 }), (noise, block) => {
        const bytes = new Uint8Array(Math.max(noise.length, 2));
        bytes.set(noise);
        bytes[0] = block;
        bytes[1] = 0x50;
        parseOrReject(bytes);
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
