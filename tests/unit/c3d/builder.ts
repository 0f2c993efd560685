/**
 * Test-only minimal C3D writer: header, parameter section and data, in any processor format. Values
 * are given in storage units (what the file holds), so tests control every byte that matters.
 */
import type { ParameterType, ProcessorType } from "~/lib/c3d";

export interface BuildParameter {
  group: string;
  name: string;
  type: ParameterType;
  dimensions?: number[];
  /** Char: the strings (padded to dimensions[0]); numeric: flat values. */
  values: (string | number)[];
  description?: string;
}

export interface BuildOptions {
  processor?: ProcessorType;
  /** Header scale; negative ⇒ float storage. */
  scale?: number;
  pointCount?: number;
  analogWordsPerFrame?: number;
  analogSamplesPerFrame?: number;
  firstFrame?: number;
  lastFrame?: number;
  frameRate?: number;
  /** Omitted: derived from the parameter section size. */
  dataStartBlock?: number;
  /** Header word 9 when it should differ from where the data is written (an unfinalized header's 0). */
  headerDataStartBlock?: number;
  /** Emit a parameter section that declares 0 blocks (no groups at all). */
  noParameters?: boolean;
  parameters?: BuildParameter[];
  /** Raw data words, frame-major, already interleaved. */
  data?: number[];
}

const PROCESSOR_BYTE: Record<ProcessorType, number> = { INTEL: 84, DEC: 85, MIPS: 86 };

export class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(
    size: number,
    private readonly processor: ProcessorType,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  int16(offset: number, v: number): void {
    this.view.setInt16(offset, v, this.processor !== "MIPS");
  }
  uint16(offset: number, v: number): void {
    this.view.setUint16(offset, v, this.processor !== "MIPS");
  }
  float32(offset: number, v: number): void {
    if (this.processor === "DEC") {
      const bits = encodeDecFloatBits(v);
      // word0 (sign, exponent, high fraction) first, each word little-endian
      this.view.setUint16(offset, bits >>> 16, true);
      this.view.setUint16(offset + 2, bits & 0xffff, true);
    } else {
      this.view.setFloat32(offset, v, this.processor !== "MIPS");
    }
  }
}

/** DEC F bits (IEEE field order) of v: the IEEE binary32 pattern of 4·v. Test-only, normal range. */
export function encodeDecFloatBits(v: number): number {
  if (v === 0) return 0;
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v * 4);
  return view.getUint32(0);
}

/** Builds a complete C3D file. */
export function buildC3d(options: BuildOptions = {}): Uint8Array {
  const processor = options.processor ?? "INTEL";
  const scale = options.scale ?? -1;
  const float = scale < 0;
  const parameters = options.parameters ?? [];

  // 1. parameter records (need the processor for numeric encoding)
  const groupNames = [...new Set(parameters.map((p) => p.group))];
  const chunks: { head: number[]; parameter?: BuildParameter; dims?: number[] }[] = [];
  const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
  groupNames.forEach((group, i) => chunks.push({ head: [group.length, -(i + 1) & 0xff, ...ascii(group)] }));
  for (const p of parameters) {
    const dims =
      p.dimensions ?? (p.type === -1 ? [Math.max(1, ...p.values.map((v) => String(v).length)), p.values.length] : [p.values.length]);
    chunks.push({ head: [p.name.length, groupNames.indexOf(p.group) + 1, ...ascii(p.name)], parameter: p, dims });
  }
  const size = (c: (typeof chunks)[number]): number => {
    if (!c.parameter) return c.head.length + 2 + 1; // offset, description length 0
    const elem = Math.abs(c.parameter.type);
    const count = c.dims!.reduce((a, b) => a * b, 1);
    return c.head.length + 2 + 2 + c.dims!.length + count * elem + 1 + (c.parameter.description?.length ?? 0);
  };
  const parameterBytes = 4 + chunks.reduce((a, c) => a + size(c), 0);
  const parameterBlocks = options.noParameters ? 1 : Math.max(1, Math.ceil(parameterBytes / 512));
  const dataStartBlock = options.dataStartBlock ?? 2 + parameterBlocks;
  const wordSize = float ? 4 : 2;
  const data = options.data ?? [];
  const total = Math.max((dataStartBlock - 1) * 512 + data.length * wordSize, (1 + parameterBlocks) * 512);
  const w = new Writer(total, processor);
  const b = w.bytes;

  // 2. header
  b[0] = 2;
  b[1] = 0x50;
  w.uint16(2, options.pointCount ?? 0);
  w.uint16(4, options.analogWordsPerFrame ?? 0);
  w.uint16(6, options.firstFrame ?? 1);
  w.uint16(8, options.lastFrame ?? 1);
  w.uint16(10, 10);
  w.float32(12, scale);
  w.uint16(16, options.headerDataStartBlock ?? dataStartBlock);
  w.uint16(18, options.analogSamplesPerFrame ?? 0);
  w.float32(20, options.frameRate ?? 100);

  // 3. parameter section
  const ps = 512;
  b[ps + 1] = 0x50;
  b[ps + 2] = options.noParameters ? 0 : parameterBlocks;
  b[ps + 3] = PROCESSOR_BYTE[processor];
  let pos = ps + 4;
  if (!options.noParameters) {
    chunks.forEach((c, index) => {
      for (const byte of c.head) b[pos++] = byte & 0xff;
      const offsetPos = pos;
      pos += 2;
      if (c.parameter) {
        const p = c.parameter;
        b[pos++] = p.type & 0xff;
        b[pos++] = c.dims!.length;
        for (const d of c.dims!) b[pos++] = d;
        if (p.type === -1) {
          const width = c.dims![0] ?? 1;
          const strings = c.dims!.length === 0 ? 1 : c.dims!.slice(1).reduce((a, d) => a * d, 1);
          for (let i = 0; i < strings; i++) {
            const text = String(p.values[i] ?? "").padEnd(width, " ");
            for (let k = 0; k < width; k++) b[pos++] = text.charCodeAt(k);
          }
        } else {
          const count = c.dims!.reduce((a, d) => a * d, 1);
          for (let i = 0; i < count; i++) {
            const v = Number(p.values[i] ?? 0);
            if (p.type === 1) b[pos++] = v & 0xff;
            else if (p.type === 2) {
              w.int16(pos, v);
              pos += 2;
            } else {
              w.float32(pos, v);
              pos += 4;
            }
          }
        }
        const description = p.description ?? "";
        b[pos++] = description.length;
        for (const ch of description) b[pos++] = ch.charCodeAt(0);
      } else {
        b[pos++] = 0; // group description length
      }
      const last = index === chunks.length - 1;
      w.int16(offsetPos, last ? 0 : pos - offsetPos);
    });
  }

  // 4. data
  let d = (dataStartBlock - 1) * 512;
  for (const value of data) {
    if (float) w.float32(d, value);
    else w.int16(d, value);
    d += wordSize;
  }
  return b;
}

/** Convenience: a file with one analog channel of `frames` frames (int storage), values 0..frames−1. */
export function analogOnlyFile(frames: number, extra: Partial<BuildOptions> = {}, parameters: BuildParameter[] = []): Uint8Array {
  return buildC3d({
    scale: 1,
    analogWordsPerFrame: 1,
    analogSamplesPerFrame: 1,
    firstFrame: 1,
    lastFrame: Math.min(frames, 65535),
    data: Array.from({ length: frames }, (_, i) => i % 30000),
    parameters: [
      { group: "ANALOG", name: "USED", type: 2, values: [1] },
      { group: "POINT", name: "USED", type: 2, values: [0] },
      ...parameters,
    ],
    ...extra,
  });
}

/**
 * Byte offset of the data of parameter GROUP:NAME in a little-endian file, found by following the
 * parameter records — for patching one value of a real file in a test.
 */
export function parameterDataOffset(bytes: Uint8Array, group: string, name: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length)).toUpperCase();
  const groupIds = new Map<number, string>();
  let pos = (bytes[0] - 1) * 512 + 4;
  for (;;) {
    const nameLength = Math.abs(view.getInt8(pos));
    const id = view.getInt8(pos + 1);
    if (nameLength === 0) break;
    const recordName = text(pos + 2, nameLength);
    const offsetPos = pos + 2 + nameLength;
    if (id < 0) groupIds.set(-id, recordName);
    else if (recordName === name.toUpperCase() && groupIds.get(id) === group.toUpperCase()) {
      const dimensions = bytes[offsetPos + 3];
      return offsetPos + 4 + dimensions;
    }
    const offset = view.getInt16(offsetPos, true);
    if (offset <= 0) break;
    pos = offsetPos + offset;
  }
  throw new Error(`${group}:${name} not found`);
}
