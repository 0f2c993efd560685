/**
 * The WebAssembly SIMD kernels that process the two muscles of a recording at once, bit for bit as
 * the scalar functions they pair (docs/decisions/065-pipeline-speed.md). The one entry point: the
 * paired path of processMuscles, and the paired functions with their "does SIMD run here" checks.
 * The assembler, the arena layout and the in-arena kernels stay inside this folder.
 */
export { type FiniteScan } from "./sums-pair";
export { type PairedSignals, type PlacedPair, pairedSignals, placePair } from "./muscle-pair";
export { sosfiltfiltPair, sosfiltfiltPairUsesSimd } from "./sosfilt-pair";
export { rmsEnvelopePair } from "./envelope-pair";
export { welchPair, welchPairUsesSimd } from "./welch-pair";
