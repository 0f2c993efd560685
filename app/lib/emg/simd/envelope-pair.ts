/**
 * RMS envelopes of two equally long signals at once (the two muscles of a recording), each 128-bit
 * WebAssembly SIMD instruction working on both (lane 0 = a, lane 1 = b). Each lane sums its window
 * left to right from 0 and takes sqrt(sum / W) exactly as `rmsEnvelope`, so the values are bit for
 * bit the same (IEEE division and square root are correctly rounded in both). Decision 065.
 */
import { type RmsEnvelope, envelopeGeometry, rmsEnvelope } from "../envelope";
import { type PairArena, pairArena, signalPair } from "./arena";
import { compileOrNull, emitter, op, simdModule } from "./assembler";

/**
 * `envelope(x, other, count, hopBytes, windowBytes, window, out)`: for k < count, the f64x2
 * sqrt(Σ v²/W) over the window of `window` samples starting at byte x + k·hopBytes (lane 1 at
 * + other), stored at out + 16k.
 */
function envelopeModuleBytes(): Uint8Array<ArrayBuffer> {
  // i32: 0 x, 1 other, 2 count, 3 hopBytes, 4 windowBytes, 5 window, 6 out (parameters); 7 i, 8 start.
  // v128: 9 sum, 10 divisor (W in both lanes), 11 sample.
  const [X, OTHER, COUNT, HOP, WINDOW_BYTES, WINDOW, OUT, I, START] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [SUM, DIVISOR, V] = [9, 10, 11];
  const body: number[] = [];
  const emit = emitter(body);
  const get = op.localGet;
  const set = op.localSet;
  emit(get(WINDOW), op.f64ConvertI32U, op.f64x2Splat, set(DIVISOR));
  emit(get(X), set(START));
  emit(op.block, get(COUNT), op.i32Eqz, op.brIf(0), op.loop);
  emit(op.f64x2Const(0), set(SUM), op.i32Const(0), set(I));
  emit(op.loop);
  // v = (a[start + i], b[start + i]); sum += v·v
  emit(get(START), get(OTHER), op.i32Add, get(I), op.i32Add, get(START), get(I), op.i32Add);
  emit(op.v128Load64Zero(0), op.v128Load64Lane(0, 1), op.localTee(V));
  emit(get(V), op.f64x2Mul, get(SUM), op.f64x2Add, set(SUM));
  emit(get(I), op.i32Const(8), op.i32Add, op.localTee(I), get(WINDOW_BYTES), op.i32LtU, op.brIf(0), op.end);
  emit(get(OUT), get(SUM), get(DIVISOR), op.f64x2Div, op.f64x2Sqrt, op.v128Store(0));
  emit(get(START), get(HOP), op.i32Add, set(START));
  emit(get(OUT), op.i32Const(16), op.i32Add, set(OUT));
  emit(get(COUNT), op.i32Const1, op.i32Sub, op.localTee(COUNT), op.brIf(0), op.end, op.end);
  return simdModule("envelope", 7, 2, 3, body);
}

let compiled: WebAssembly.Module | null | undefined;
const envelopeModule = () => (compiled === undefined ? (compiled = compileOrNull(envelopeModuleBytes)) : compiled);

type EnvelopeKernel = (x: number, other: number, count: number, hopBytes: number, windowBytes: number, window: number, out: number) => void;

/** Whether `rmsEnvelopePairInArena` applies (else run rmsEnvelope on each). */
export const canEnvelopePair = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && envelopeModule() !== null;

/** Bytes `rmsEnvelopePairInArena` writes at `out`: 16 per window. */
export const envelopePairOutputBytes = (n: number, fs: number, windowMs: number, overlapPercent: number): number =>
  16 * envelopeGeometry(n, fs, windowMs, overlapPercent).count;

/**
 * `[rmsEnvelope(a, …), rmsEnvelope(b, …)]` for signals whose copies are in the arena (a's samples
 * from byte `at`, b's from `at + other`), using the arena from byte `out` as output. The caller has
 * checked `canEnvelopePair` and sized the arena.
 */
export function rmsEnvelopePairInArena(
  arena: PairArena,
  at: number,
  other: number,
  n: number,
  fs: number,
  windowMs: number,
  overlapPercent: number,
  out: number,
): [RmsEnvelope, RmsEnvelope] {
  const module = envelopeModule();
  if (!module) throw new Error("rmsEnvelopePairInArena: WebAssembly SIMD is unavailable (check canEnvelopePair)");
  const geometry = envelopeGeometry(n, fs, windowMs, overlapPercent);
  const { window: W, hop: H, count: K } = geometry;
  arena.kernel<EnvelopeKernel>(module, "envelope")(at, other, K, 8 * H, 8 * W, W, out);
  const words = new Float64Array(arena.memory.buffer);
  const valuesA = new Float64Array(K);
  const valuesB = new Float64Array(K);
  for (let k = 0, w = out >> 3; k < K; k++, w += 2) {
    valuesA[k] = words[w];
    valuesB[k] = words[w + 1];
  }
  // The times as rmsEnvelope computes them, one array per envelope.
  const centre = (W - 1) / 2;
  const times = new Float64Array(K);
  for (let k = 0; k < K; k++) times[k] = (k * H + centre) / fs;
  return [
    { ...geometry, values: valuesA, times },
    { ...geometry, values: valuesB, times: times.slice() },
  ];
}

/** `[rmsEnvelope(a, …), rmsEnvelope(b, …)]`, bit for bit, computed together. */
export function rmsEnvelopePair(
  a: Float64Array,
  b: Float64Array,
  fs: number,
  windowMs: number,
  overlapPercent: number,
): [RmsEnvelope, RmsEnvelope] {
  if (!canEnvelopePair(a, b)) return [rmsEnvelope(a, fs, windowMs, overlapPercent), rmsEnvelope(b, fs, windowMs, overlapPercent)];
  const n = a.length;
  const { at, other, end: out } = signalPair(n);
  const arena = pairArena(out + envelopePairOutputBytes(n, fs, windowMs, overlapPercent));
  const words = new Float64Array(arena.memory.buffer);
  words.set(a, at >> 3);
  words.set(b, (at + other) >> 3);
  return rmsEnvelopePairInArena(arena, at, other, n, fs, windowMs, overlapPercent, out);
}
