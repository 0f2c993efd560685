/**
 * Welch PSDs of two equally long signals at once (the two muscles of a recording), with the default
 * segments of `welch` (nperseg 256, noverlap 128): each 128-bit WebAssembly SIMD instruction works
 * on both signals (lane 0 = a, lane 1 = b), and the 256-point FFT is unrolled into straight-line code
 * with every address and twiddle fixed when the module is assembled.
 *
 * Each lane performs exactly the operations of `welch` in the same order: the two segment means
 * summed left to right, detrending and windowing in the first FFT stage, fft.js's radix-4
 * butterflies (`segmentPairFft`), the two-segment split and the power sums; the odd last segment
 * and the density scaling are `welch`'s own code (`welchCompletion`). The result is bit for bit
 * that of two `welch` calls, which is also what it falls back to (no WebAssembly SIMD, other
 * lengths). Decision 065.
 */
import { fftJsBitReversal, fftJsTwiddles } from "../segment-fft";
import { type Psd, hannPeriodic, welch, welchCompletion } from "../spectrum";
import { type PairArena, WELCH_AREA, WELCH_BINS, WELCH_SEGMENT, pairArena, signalPair } from "./arena";
import { compileOrNull, emitter, op, simdModule } from "./assembler";

const N = WELCH_SEGMENT;
const STEP = N / 2;
const BINS = WELCH_BINS;

// The constants, FFT scratch and power sums live in the arena's Welch area; the signals are
// wherever the caller put them.
const { window: WINDOW_AT, table: TABLE_AT, scratch: SCRATCH_AT, power: POWER_AT } = WELCH_AREA;

/**
 * `welch(x, pairs)`-shaped kernel with parameters (x, other, pairs): adds to the power sums the
 * segment pairs 0 … pairs − 1 of the signals at byte x (lane 0) and x + other (lane 1).
 */
function welchModuleBytes(): Uint8Array<ArrayBuffer> {
  // i32: 0 x, 1 other, 2 pairs (parameters); 3 a, 4 b (segment starts, lane 0), 5 aOther, 6 bOther
  // (lane 1), 7 i. v128: 8 sumA, 9 sumB, 10 meanA, 11 meanB, 12 … 35 temporaries (the butterfly uses
  // 14 … 22).
  const [X, OTHER, PAIRS, A, B, A1, B1, I] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [SUM_A, SUM_B, MEAN_A, MEAN_B] = [8, 9, 10, 11];
  const TEMPS = 12;
  const temp = (i: number) => TEMPS + i;
  const body: number[] = [];
  const emit = emitter(body);
  const get = op.localGet;
  const set = op.localSet;
  /** Pushes the f64x2 (lane 0 at byte `lane0` + offset, lane 1 at `lane1` + offset). */
  const sample = (lane0: number, lane1: number, offset: number) =>
    emit(get(lane1), get(lane0), op.v128Load64Zero(offset), op.v128Load64Lane(offset, 1));
  /** Pushes the v128 at absolute byte `at` (constants, scratch, power sums). */
  const load = (at: number) => emit(op.i32Const(0), op.v128Load(at));
  const re = (element: number) => SCRATCH_AT + 32 * element;
  const im = (element: number) => SCRATCH_AT + 32 * element + 16;
  /** Stores local `value` at byte `at` (an absolute address). */
  const store = (at: number, value: number) => emit(op.i32Const(0), get(value), op.v128Store(at));
  const binary = (left: number, right: number, code: number[], into: number) => emit(get(left), get(right), code, set(into));
  /**
   * One radix-4 butterfly as fft.js computes it (forward, so its `inv` factors of 1 are left out):
   * inputs A … D as [re, im] locals (B … D already multiplied by their twiddles), outputs stored to
   * the scratch elements `element`.
   */
  const butterfly = ([[Ar, Ai], [Br, Bi], [Cr, Ci], [Dr, Di]]: number[][], element: number[]) => {
    const [T0r, T0i, T1r, T1i, T2r, T2i, T3r, T3i, F] = [14, 15, 16, 17, 18, 19, 20, 21, 22].map(temp);
    binary(Ar, Cr, op.f64x2Add, T0r);
    binary(Ai, Ci, op.f64x2Add, T0i);
    binary(Ar, Cr, op.f64x2Sub, T1r);
    binary(Ai, Ci, op.f64x2Sub, T1i);
    binary(Br, Dr, op.f64x2Add, T2r);
    binary(Bi, Di, op.f64x2Add, T2i);
    binary(Br, Dr, op.f64x2Sub, T3r);
    binary(Bi, Di, op.f64x2Sub, T3i);
    const out = (left: number, right: number, code: number[], at: number) => {
      binary(left, right, code, F);
      store(at, F);
    };
    out(T0r, T2r, op.f64x2Add, re(element[0]));
    out(T0i, T2i, op.f64x2Add, im(element[0]));
    out(T1r, T3i, op.f64x2Add, re(element[1]));
    out(T1i, T3r, op.f64x2Sub, im(element[1]));
    out(T0r, T2r, op.f64x2Sub, re(element[2]));
    out(T0i, T2i, op.f64x2Sub, im(element[2]));
    out(T1r, T3i, op.f64x2Sub, re(element[3]));
    out(T1i, T3r, op.f64x2Add, im(element[3]));
  };

  emit(op.localGet(X), set(A));
  emit(op.block, get(PAIRS), op.i32Eqz, op.brIf(0), op.loop);
  emit(get(A), op.i32Const(8 * STEP), op.i32Add, set(B));
  emit(get(A), get(OTHER), op.i32Add, set(A1));
  emit(get(B), get(OTHER), op.i32Add, set(B1));

  // Means: two sums, each left to right from 0 as in welch.
  emit(op.f64x2Const(0), set(SUM_A), op.f64x2Const(0), set(SUM_B), op.i32Const(0), set(I));
  emit(op.loop);
  emit(
    get(SUM_A),
    get(A1),
    get(I),
    op.i32Add,
    get(A),
    get(I),
    op.i32Add,
    op.v128Load64Zero(0),
    op.v128Load64Lane(0, 1),
    op.f64x2Add,
    set(SUM_A),
  );
  emit(
    get(SUM_B),
    get(B1),
    get(I),
    op.i32Add,
    get(B),
    get(I),
    op.i32Add,
    op.v128Load64Zero(0),
    op.v128Load64Lane(0, 1),
    op.f64x2Add,
    set(SUM_B),
  );
  emit(get(I), op.i32Const(8), op.i32Add, op.localTee(I), op.i32Const(8 * N), op.i32LtU, op.brIf(0), op.end);
  emit(get(SUM_A), op.f64x2Const(N), op.f64x2Div, set(MEAN_A));
  emit(get(SUM_B), op.f64x2Const(N), op.f64x2Div, set(MEAN_B));

  // First stage (radix 4), inputs detrended and windowed: w[j]·(x[a + j] − meanA) and the b twin.
  const { bitrev } = fftJsBitReversal(N);
  const quarter = N / 4;
  for (let t = 0; t < N / 4; t++) {
    const j = [0, 1, 2, 3].map((q) => (bitrev[t] >> 1) + q * quarter);
    // temp(2q) = real part of input q (segment a), temp(2q + 1) = imaginary part (segment b).
    for (let q = 0; q < 4; q++) {
      load(WINDOW_AT + 16 * j[q]);
      sample(A, A1, 8 * j[q]);
      emit(get(MEAN_A), op.f64x2Sub, op.f64x2Mul, set(temp(2 * q)));
      load(WINDOW_AT + 16 * j[q]);
      sample(B, B1, 8 * j[q]);
      emit(get(MEAN_B), op.f64x2Sub, op.f64x2Mul, set(temp(2 * q + 1)));
    }
    butterfly(
      [0, 1, 2, 3].map((q) => [temp(2 * q), temp(2 * q + 1)]),
      [0, 1, 2, 3].map((q) => 4 * t + q),
    );
  }

  // Remaining radix-4 stages, in place, as fft.js loops them (its first step is 1 << (log2 N − 1)
  // floats = N/2, divided by 4 per stage).
  const table = (k: number) => TABLE_AT + 16 * k;
  const csize = 2 * N;
  for (let step = (N / 2) >> 2; step >= 2; step >>= 2) {
    const len = (csize / step) << 1;
    const quarterLen = len >>> 2;
    for (let outOff = 0; outOff < csize; outOff += len) {
      for (let i = outOff, k = 0; i < outOff + quarterLen; i += 2, k += step) {
        const element = [i, i + quarterLen, i + 2 * quarterLen, i + 3 * quarterLen].map((f) => f >> 1);
        // temp 0..7: A B C D (re, im); B, C, D multiplied by their twiddles into temp 8..13.
        for (let q = 0; q < 4; q++) {
          load(re(element[q]));
          emit(set(temp(2 * q)));
          load(im(element[q]));
          emit(set(temp(2 * q + 1)));
        }
        const twiddle = (q: number) => {
          const [r, m] = [temp(2 * q), temp(2 * q + 1)];
          const [tr, ti] = [table(q * k), table(q * k + 1)];
          // M = X·(tr + i·ti): re = Xr·tr − Xi·ti, im = Xr·ti + Xi·tr.
          emit(get(r));
          load(tr);
          emit(op.f64x2Mul, get(m));
          load(ti);
          emit(op.f64x2Mul, op.f64x2Sub, set(temp(8 + 2 * (q - 1))));
          emit(get(r));
          load(ti);
          emit(op.f64x2Mul, get(m));
          load(tr);
          emit(op.f64x2Mul, op.f64x2Add, set(temp(9 + 2 * (q - 1))));
        };
        twiddle(1);
        twiddle(2);
        twiddle(3);
        butterfly(
          [
            [temp(0), temp(1)],
            [temp(8), temp(9)],
            [temp(10), temp(11)],
            [temp(12), temp(13)],
          ],
          element,
        );
      }
    }
  }

  // Split of the two segments and power sums: power[k] += 0.25·(ar² + ai² + br² + bi²).
  for (let k = 0; k < BINS; k++) {
    const m = k === 0 ? 0 : N - k;
    const [zr, zi, mr, mi, ar, ai, br, bi] = [0, 1, 2, 3, 4, 5, 6, 7].map(temp);
    load(re(k));
    emit(set(zr));
    load(im(k));
    emit(set(zi));
    load(re(m));
    emit(set(mr));
    load(im(m));
    emit(set(mi));
    binary(zr, mr, op.f64x2Add, ar);
    binary(zi, mi, op.f64x2Sub, ai);
    binary(zi, mi, op.f64x2Add, br);
    binary(zr, mr, op.f64x2Sub, bi);
    emit(op.i32Const(0));
    load(POWER_AT + 16 * k);
    emit(op.f64x2Const(0.25));
    emit(get(ar), get(ar), op.f64x2Mul, get(ai), get(ai), op.f64x2Mul, op.f64x2Add);
    emit(get(br), get(br), op.f64x2Mul, op.f64x2Add, get(bi), get(bi), op.f64x2Mul, op.f64x2Add);
    emit(op.f64x2Mul, op.f64x2Add, op.v128Store(POWER_AT + 16 * k));
  }

  emit(get(A), op.i32Const(16 * STEP), op.i32Add, set(A));
  emit(get(PAIRS), op.i32Const1, op.i32Sub, op.localTee(PAIRS), op.brIf(0), op.end, op.end);
  return simdModule("welch", 3, 5, 4 + 24, body);
}

let compiled: WebAssembly.Module | null | undefined;
const welchModule = () => (compiled === undefined ? (compiled = compileOrNull(welchModuleBytes)) : compiled);

/** Whether the WebAssembly SIMD Welch kernel compiled here (else welchPair runs welch twice). */
export const welchPairUsesSimd = (): boolean => welchModule() !== null;

type WelchKernel = (x: number, other: number, pairs: number) => void;

/** Whether `welchPairInArena` applies to signals of these lengths (else run welch on each). */
export const canWelchPair = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.length >= N && welchModule() !== null;

/**
 * `[welch(a, fs), welch(b, fs)]` for signals whose copies are in the arena: a's samples from byte
 * `at`, b's from `at + other`. The caller has checked `canWelchPair`.
 */
export function welchPairInArena(arena: PairArena, at: number, other: number, a: Float64Array, b: Float64Array, fs: number): [Psd, Psd] {
  const module = welchModule();
  if (!module) throw new Error("welchPairInArena: WebAssembly SIMD is unavailable (check canWelchPair)");
  const kernel = arena.kernel<WelchKernel>(module, "welch");
  const n = a.length;
  const words = new Float64Array(arena.memory.buffer);
  const window = hannPeriodic(N);
  const table = fftJsTwiddles(N);
  for (let j = 0; j < N; j++) words.fill(window[j], (WINDOW_AT >> 3) + 2 * j, (WINDOW_AT >> 3) + 2 * j + 2);
  for (let k = 0; k < 2 * N; k++) words.fill(table[k], (TABLE_AT >> 3) + 2 * k, (TABLE_AT >> 3) + 2 * k + 2);
  words.fill(0, POWER_AT >> 3, (POWER_AT >> 3) + 2 * BINS);
  const segments = Math.floor((n - (N - STEP)) / STEP);
  const pairs = Math.floor(segments / 2);
  kernel(at, other, pairs);
  const powerA = new Float64Array(BINS);
  const powerB = new Float64Array(BINS);
  for (let k = 0; k < BINS; k++) {
    powerA[k] = words[(POWER_AT >> 3) + 2 * k];
    powerB[k] = words[(POWER_AT >> 3) + 2 * k + 1];
  }
  return [welchCompletion(a, fs, N, N - STEP, powerA, 2 * pairs), welchCompletion(b, fs, N, N - STEP, powerB, 2 * pairs)];
}

/** `[welch(a, fs), welch(b, fs)]` with welch's default segments, bit for bit, computed together. */
export function welchPair(a: Float64Array, b: Float64Array, fs: number): [Psd, Psd] {
  if (!canWelchPair(a, b)) return [welch(a, fs), welch(b, fs)];
  const { at, other, end } = signalPair(a.length);
  const arena = pairArena(end);
  const words = new Float64Array(arena.memory.buffer);
  words.set(a, at >> 3);
  words.set(b, (at + other) >> 3);
  return welchPairInArena(arena, at, other, a, b, fs);
}
