/**
 * Whole-signal sums of two equally long signals already in a pair arena, in WebAssembly SIMD lanes
 * (lane 0 = a, lane 1 = b): `signalSums` (Σy², Σ|y|) of the band-passed signals and the raw-sample
 * scan of processMuscle (Σx, Σx², finiteness). Each lane sums left to right from 0 as the scalar
 * loops do, so the sums are bit for bit the same. Decision 065.
 */
import type { SignalSums } from "../analytics";
import type { PairArena } from "./arena";
import { compileOrNull, emitter, op, simdModule } from "./assembler";

/** `sums(x, other, bytes, out)`: Σv² at out and Σ|v| at out + 16 over `bytes` of samples from x. */
function sumsModuleBytes(): Uint8Array<ArrayBuffer> {
  // i32: 0 x, 1 other, 2 bytes, 3 out (parameters); 4 i. v128: 5 Σv², 6 Σ|v|, 7 sample.
  const [X, OTHER, BYTES, OUT, I] = [0, 1, 2, 3, 4];
  const [SQUARES, ABS, V] = [5, 6, 7];
  const body: number[] = [];
  const emit = emitter(body);
  const get = op.localGet;
  const set = op.localSet;
  emit(op.f64x2Const(0), set(SQUARES), op.f64x2Const(0), set(ABS), op.i32Const(0), set(I));
  emit(op.block, get(BYTES), op.i32Eqz, op.brIf(0), op.loop);
  emit(get(X), get(OTHER), op.i32Add, get(I), op.i32Add, get(X), get(I), op.i32Add);
  emit(op.v128Load64Zero(0), op.v128Load64Lane(0, 1), op.localTee(V));
  emit(get(V), op.f64x2Mul, get(SQUARES), op.f64x2Add, set(SQUARES));
  emit(get(V), op.f64x2Abs, get(ABS), op.f64x2Add, set(ABS));
  emit(get(I), op.i32Const(8), op.i32Add, op.localTee(I), get(BYTES), op.i32LtU, op.brIf(0), op.end, op.end);
  emit(get(OUT), get(SQUARES), op.v128Store(0), get(OUT), get(ABS), op.v128Store(16));
  return simdModule("sums", 4, 1, 3, body);
}

/**
 * `scan(x, other, bytes, out)`: Σv at out, Σv² at out + 16 and Σ(v − v) at out + 32 — 0 exactly
 * when every sample is finite, NaN otherwise (v − v is NaN for NaN and ±Inf).
 */
function scanModuleBytes(): Uint8Array<ArrayBuffer> {
  // i32: 0 x, 1 other, 2 bytes, 3 out (parameters); 4 i. v128: 5 Σv, 6 Σv², 7 Σ(v − v), 8 sample.
  const [X, OTHER, BYTES, OUT, I] = [0, 1, 2, 3, 4];
  const [SUM, SQUARES, FINITE, V] = [5, 6, 7, 8];
  const body: number[] = [];
  const emit = emitter(body);
  const get = op.localGet;
  const set = op.localSet;
  emit(op.f64x2Const(0), set(SUM), op.f64x2Const(0), set(SQUARES), op.f64x2Const(0), set(FINITE), op.i32Const(0), set(I));
  emit(op.block, get(BYTES), op.i32Eqz, op.brIf(0), op.loop);
  emit(get(X), get(OTHER), op.i32Add, get(I), op.i32Add, get(X), get(I), op.i32Add);
  emit(op.v128Load64Zero(0), op.v128Load64Lane(0, 1), op.localTee(V));
  emit(get(SUM), op.f64x2Add, set(SUM));
  emit(get(V), get(V), op.f64x2Mul, get(SQUARES), op.f64x2Add, set(SQUARES));
  emit(get(V), get(V), op.f64x2Sub, get(FINITE), op.f64x2Add, set(FINITE));
  emit(get(I), op.i32Const(8), op.i32Add, op.localTee(I), get(BYTES), op.i32LtU, op.brIf(0), op.end, op.end);
  emit(get(OUT), get(SUM), op.v128Store(0), get(OUT), get(SQUARES), op.v128Store(16), get(OUT), get(FINITE), op.v128Store(32));
  return simdModule("scan", 4, 1, 4, body);
}

let compiled: WebAssembly.Module | null | undefined;
const sumsModule = () => (compiled === undefined ? (compiled = compileOrNull(sumsModuleBytes)) : compiled);
let compiledScan: WebAssembly.Module | null | undefined;
const scanModule = () => (compiledScan === undefined ? (compiledScan = compileOrNull(scanModuleBytes)) : compiledScan);

/** Whether `signalSumsPairInArena` and `scanPairInArena` are available (else the scalar loops). */
export const canSumPair = (): boolean => sumsModule() !== null && scanModule() !== null;

/** Σx and Σx² of a signal whose samples are all finite (the scan's result when it accepts). */
export interface FiniteScan {
  sum: number;
  sumOfSquares: number;
}

/**
 * Per signal: Σx and Σx² when every sample is finite, else null (the caller then locates the first
 * non-finite sample itself). Writes 48 bytes at `out`.
 */
export function scanPairInArena(
  arena: PairArena,
  at: number,
  other: number,
  n: number,
  out: number,
): [FiniteScan | null, FiniteScan | null] {
  const module = scanModule();
  if (!module) throw new Error("scanPairInArena: WebAssembly SIMD is unavailable (check canSumPair)");
  arena.kernel<(x: number, other: number, bytes: number, out: number) => void>(module, "scan")(at, other, 8 * n, out);
  const words = new Float64Array(arena.memory.buffer, out, 6);
  const lane = (i: number): FiniteScan | null => (words[4 + i] === 0 ? { sum: words[i], sumOfSquares: words[2 + i] } : null);
  return [lane(0), lane(1)];
}

/**
 * `[signalSums(a), signalSums(b)]` for the n samples of each at bytes `at` and `at + other`; writes
 * 32 bytes at `out`.
 */
export function signalSumsPairInArena(arena: PairArena, at: number, other: number, n: number, out: number): [SignalSums, SignalSums] {
  const module = sumsModule();
  if (!module) throw new Error("signalSumsPairInArena: WebAssembly SIMD is unavailable (check canSumPair)");
  arena.kernel<(x: number, other: number, bytes: number, out: number) => void>(module, "sums")(at, other, 8 * n, out);
  const words = new Float64Array(arena.memory.buffer, out, 4);
  return [
    { sumOfSquares: words[0], sumOfAbs: words[2] },
    { sumOfSquares: words[1], sumOfAbs: words[3] },
  ];
}
