/**
 * `sosfiltfilt` of two equally long signals at once: the two muscles of a recording share one
 * band-pass, so each 128-bit WebAssembly SIMD instruction filters a sample of both (lane 0 = a,
 * lane 1 = b). The sample recursion of a cascade is bound by the latency of its dependent
 * multiply-adds, not by the number of instructions, so two lanes cost about as much as one
 * (docs/decisions/065-pipeline-speed.md).
 *
 * Every lane performs exactly the operations of `sosfiltInPlace` in the same order (WebAssembly
 * f64x2 arithmetic is IEEE binary64 without fused multiply-add), so the results are bit for bit those
 * of two `sosfiltfilt` calls. Where WebAssembly is unavailable, or the cascade is not made of groups
 * of four sections, it falls back to exactly those two calls.
 */
import type { Sos } from "../butter";
import { sosfiltZi, sosfiltfilt, sosfiltfiltPadlen } from "../sosfilt";
import { ARENA, type PairArena, filterCoefficientsAt, filterStateAt, pairArena, signalPair } from "./arena";
import { compileOrNull, emitter, op, simdModule } from "./assembler";

// --- A four-section f64x2 cascade in WebAssembly. ------------------------------------------------

/**
 * `cascade(ptr, n, step, coef, state, other)`: runs four sections in place over n samples of two
 * signals, lane 0 the float64 at byte `ptr` and lane 1 the one at `ptr + other`, moving `step` bytes
 * (8 forward, −8 backward) per sample. `coef` points at the 20 float64 b0 b1 b2 a1 a2 of the four
 * sections; `state` at their 8 (z0, z1) states as f64x2 pairs, read first and written back at the end.
 */
function cascadeModuleBytes(): Uint8Array<ArrayBuffer> {
  // Locals: 0 ptr, 1 n, 2 step, 3 coef, 4 state, 5 other (i32 parameters); then v128: 6 + 2s + j
  // the state z_j of section s, 14 the input, 15 … 18 the section outputs. Coefficients are
  // splatted from memory where used: kept in locals they would not fit the 16 vector registers.
  const coefficientOffset = (s: number, j: number) => 8 * (5 * s + j);
  const z = (s: number, j: number) => 6 + 2 * s + j;
  const input = 14;
  const output = (s: number) => 15 + s;
  const body: number[] = [];
  const emit = emitter(body);
  for (let s = 0; s < 4; s++) {
    for (let j = 0; j < 2; j++) emit(op.localGet(4), op.v128Load(16 * (2 * s + j)), op.localSet(z(s, j)));
  }
  emit(op.block, op.localGet(1), op.i32Eqz, op.brIf(0), op.loop);
  // Lane 0 from a's sample at ptr, lane 1 from b's at ptr + other.
  emit(op.localGet(0), op.localGet(5), op.i32Add, op.localGet(0), op.v128Load64Zero(0), op.v128Load64Lane(0, 1), op.localSet(input));
  for (let s = 0; s < 4; s++) {
    const x = s === 0 ? input : output(s - 1);
    const [b0, b1, b2, a1, a2] = [0, 1, 2, 3, 4].map((j) => [op.localGet(3), op.v128Load64Splat(coefficientOffset(s, j))].flat());
    // y = b0·x + z0
    emit(b0, op.localGet(x), op.f64x2Mul, op.localGet(z(s, 0)), op.f64x2Add, op.localSet(output(s)));
    // z0 = b1·x − a1·y + z1
    emit(b1, op.localGet(x), op.f64x2Mul, a1, op.localGet(output(s)), op.f64x2Mul, op.f64x2Sub);
    emit(op.localGet(z(s, 1)), op.f64x2Add, op.localSet(z(s, 0)));
    // z1 = b2·x − a2·y
    emit(b2, op.localGet(x), op.f64x2Mul, a2, op.localGet(output(s)), op.f64x2Mul, op.f64x2Sub);
    emit(op.localSet(z(s, 1)));
  }
  emit(op.localGet(0), op.localGet(output(3)), op.v128Store64Lane(0, 0));
  emit(op.localGet(0), op.localGet(5), op.i32Add, op.localGet(output(3)), op.v128Store64Lane(0, 1));
  emit(op.localGet(0), op.localGet(2), op.i32Add, op.localSet(0));
  emit(op.localGet(1), op.i32Const1, op.i32Sub, op.localTee(1), op.brIf(0), op.end, op.end);
  for (let s = 0; s < 4; s++) {
    for (let j = 0; j < 2; j++) emit(op.localGet(4), op.localGet(z(s, j)), op.v128Store(16 * (2 * s + j)));
  }
  return simdModule("cascade", 6, 0, 13, body);
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled cascade, or null where WebAssembly (or its SIMD) is unavailable. */
function cascadeModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = compileOrNull(cascadeModuleBytes);
  }
  return compiled;
}

/** Whether the WebAssembly SIMD cascade compiled here (else sosfiltfiltPair filters one by one). */
export const sosfiltfiltPairUsesSimd = (): boolean => cascadeModule() !== null;

// --- The zero-phase filter on two signals. --------------------------------------------------------

type Cascade = (ptr: number, n: number, step: number, coef: number, state: number, other: number) => void;

/** Whether `placePairInArena` + `sosfiltfiltPlacedPair` apply to these signals (else filter them one by one). */
export function canFilterPair(sos: Sos, a: Float64Array, b: Float64Array, padlen: number): boolean {
  return (
    a.length === b.length &&
    a.length > padlen &&
    sos.length % 4 === 0 &&
    sos.length / 4 <= ARENA.filterGroups &&
    sos.every((section) => section[3] === 1) &&
    cascadeModule() !== null
  );
}

/**
 * Writes the odd extensions of `a` and `b` (length n + 2·padlen each, as `sosfiltfilt` builds them)
 * at the arena's signal area, a's first and b's right after it: the raw samples of a then start at
 * float64 index ARENA.signals/8 + padlen, b's at that plus n + 2·padlen. The arena must hold
 * ARENA.signals + 16·(n + 2·padlen) bytes.
 */
export function placePairInArena(arena: PairArena, a: Float64Array, b: Float64Array, padlen: number): void {
  const n = a.length;
  const length = n + 2 * padlen;
  const words = new Float64Array(arena.memory.buffer);
  const put = (x: Float64Array, at: number) => {
    const first = x[0];
    const last = x[n - 1];
    for (let i = 0; i < padlen; i++) {
      words[at + i] = 2 * first - x[padlen - i];
      words[at + padlen + n + i] = 2 * last - x[n - 2 - i];
    }
    words.set(x, at + padlen);
  };
  put(a, ARENA.signals >> 3);
  put(b, (ARENA.signals >> 3) + length);
}

/**
 * Filters the two extended signals `placePairInArena` left in the arena forward and backward in
 * place, exactly as `sosfiltfilt`; the band-passed signals are then where the raw ones were. The
 * caller has checked `canFilterPair`.
 */
export function sosfiltfiltPlacedPair(arena: PairArena, sos: Sos, n: number, padlen: number): void {
  const module = cascadeModule();
  if (!module) throw new Error("sosfiltfiltPlacedPair: WebAssembly SIMD is unavailable (check canFilterPair)");
  const cascade = arena.kernel<Cascade>(module, "cascade");
  const groups = sos.length / 4;
  const length = n + 2 * padlen;
  const words = new Float64Array(arena.memory.buffer);
  const coefAt = filterCoefficientsAt;
  const stateAt = (g: number) => filterStateAt(groups, g);
  for (let g = 0; g < groups; g++) {
    for (let s = 0; s < 4; s++) {
      const [b0, b1, b2, , a1, a2] = sos[4 * g + s];
      words.set([b0, b1, b2, a1, a2], (coefAt(g) >> 3) + 5 * s);
    }
  }
  const other = 8 * length;
  const extA = ARENA.signals >> 3;
  const extB = extA + length;
  const zi = sosfiltZi(sos);
  /** Sets every section's state to zi scaled by each signal's extended sample `i`. */
  const startFrom = (i: number) => {
    const va = words[extA + i];
    const vb = words[extB + i];
    for (let k = 0; k < zi.length; k++) {
      const w = (stateAt(0) >> 3) + 2 * k;
      words[w] = zi[k] * va;
      words[w + 1] = zi[k] * vb;
    }
  };
  startFrom(0);
  for (let g = 0; g < groups; g++) cascade(ARENA.signals, length, 8, coefAt(g), stateAt(g), other);
  startFrom(length - 1);
  for (let g = 0; g < groups; g++) cascade(ARENA.signals + 8 * (length - 1), length, -8, coefAt(g), stateAt(g), other);
}

/**
 * `[sosfiltfilt(sos, a, padlen), sosfiltfilt(sos, b, padlen)]`, bit for bit, computed together.
 *
 * @throws RangeError as `sosfiltfilt` when the signals are not longer than `padlen`
 */
export function sosfiltfiltPair(sos: Sos, a: Float64Array, b: Float64Array, padlen = sosfiltfiltPadlen(sos)): [Float64Array, Float64Array] {
  if (!canFilterPair(sos, a, b, padlen)) return [sosfiltfilt(sos, a, padlen), sosfiltfilt(sos, b, padlen)];
  const n = a.length;
  const length = n + 2 * padlen;
  const arena = pairArena(signalPair(length).end);
  placePairInArena(arena, a, b, padlen);
  sosfiltfiltPlacedPair(arena, sos, n, padlen);
  const words = new Float64Array(arena.memory.buffer);
  const start = (ARENA.signals >> 3) + padlen;
  return [words.slice(start, start + n), words.slice(start + length, start + length + n)];
}
