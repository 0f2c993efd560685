/**
 * A minimal WebAssembly assembler for the SIMD kernels that process both muscles of a recording at
 * once (lane 0 = first muscle, lane 1 = second): opcodes as byte arrays and a one-function module
 * that imports its memory (the pair arena, ./arena.ts). f64x2 arithmetic is IEEE binary64 without fused multiply-add, so each lane
 * rounds exactly like the scalar JavaScript it replaces (docs/decisions/065-pipeline-speed.md).
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

export function leb128(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb128(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** memarg: log2 alignment, byte offset. */
const memarg = (align: number, offset: number) => [align, ...leb128(offset)];

export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, depth],
  localGet: (i: number) => [0x20, ...leb128(i)],
  localSet: (i: number) => [0x21, ...leb128(i)],
  localTee: (i: number) => [0x22, ...leb128(i)],
  i32Const1: [0x41, 0x01],
  /** i32.const of a value below 2^31 (signed LEB128). */
  i32Const: (value: number) => [0x41, ...sleb128(value)],
  /** v128.const with both f64 lanes = value. */
  f64x2Const: (value: number) => {
    const view = new DataView(new ArrayBuffer(16));
    view.setFloat64(0, value, true);
    view.setFloat64(8, value, true);
    return [0xfd, 0x0c, ...Array.from(new Uint8Array(view.buffer))];
  },
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  v128Load: (offset: number) => [0xfd, 0x00, ...memarg(4, offset)],
  v128Store: (offset: number) => [0xfd, 0x0b, ...memarg(4, offset)],
  v128Load64Splat: (offset: number) => [0xfd, 0x0a, ...memarg(3, offset)],
  v128Load64Zero: (offset: number) => [0xfd, 0x5d, ...memarg(3, offset)],
  v128Load64Lane: (offset: number, lane: number) => [0xfd, 0x57, ...memarg(3, offset), lane],
  v128Store64Lane: (offset: number, lane: number) => [0xfd, 0x5b, ...memarg(3, offset), lane],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Sub: [0xfd, 0xf1, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
  f64x2Div: [0xfd, 0xf3, 0x01],
  f64x2Sqrt: [0xfd, 0xef, 0x01],
  f64x2Abs: [0xfd, 0xec, 0x01],
  f64x2Splat: [0xfd, 0x14],
  f64ConvertI32U: [0xb8],
};

/** Appends opcodes (numbers or byte arrays) to `body`. */
export function emitter(body: number[]): (...codes: (number | number[])[]) => void {
  return (...codes) => {
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (typeof c === "number") body.push(c);
      else for (let j = 0; j < c.length; j++) body.push(c[j]);
    }
  };
}

/**
 * A module importing `env.memory` and exporting one function `name` with `params` i32 parameters,
 * no result, then `i32Locals` i32 and `v128Locals` vector locals (numbered in that order after the
 * parameters), and `body` (without the final `end`).
 */
export function simdModule(name: string, params: number, i32Locals: number, v128Locals: number, body: number[]): Uint8Array<ArrayBuffer> {
  const locals: number[] = [];
  if (i32Locals > 0) locals.push(...leb128(i32Locals), I32);
  if (v128Locals > 0) locals.push(...leb128(v128Locals), V128);
  const localGroups = (i32Locals > 0 ? 1 : 0) + (v128Locals > 0 ? 1 : 0);
  const text = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content];
  const head = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, params, ...new Array<number>(params).fill(I32), 0]),
    ...section(2, [1, ...text("env"), ...text("memory"), 0x02, 0x00, 0x01]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...text(name), 0x00, 0]),
  ];
  // The code section is large (the unrolled FFT): sized first, then copied in, without spreading.
  const codeLength = 1 + locals.length + body.length + 1;
  const entry = [1, ...leb128(codeLength)];
  const codeSection = [10, ...leb128(entry.length + codeLength), ...entry, localGroups, ...locals];
  const out = new Uint8Array(head.length + codeSection.length + body.length + 1);
  out.set(head, 0);
  out.set(codeSection, head.length);
  out.set(body, head.length + codeSection.length);
  out[out.length - 1] = op.end[0];
  return out;
}

/** The compiled module, or null where WebAssembly or its SIMD proposal is unavailable. */
export function compileOrNull(bytes: () => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(bytes());
  } catch {
    return null;
  }
}
