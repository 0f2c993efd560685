/**
 * `signalSums` (Σy², Σ|y|) of two equally long signals already in a pair arena, in WebAssembly SIMD
 * lanes (lane 0 = a, lane 1 = b): each lane sums left to right from 0 as `signalSums` does, so the
 * sums are bit for bit the same. Decision 065.
 */
import type { SignalSums } from "./analytics";
import { type PairArena, compileOrNull, emitter, op, simdModule } from "./wasm-simd";

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

let compiled: WebAssembly.Module | null | undefined;
const sumsModule = () => (compiled === undefined ? (compiled = compileOrNull(sumsModuleBytes)) : compiled);

/** Whether `signalSumsPairInArena` is available (else `signalSums` on each). */
export const canSumPair = (): boolean => sumsModule() !== null;

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
