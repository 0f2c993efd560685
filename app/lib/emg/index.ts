/**
 * The EMG pipeline (docs/pipeline.md): band-pass design and zero-phase filtering, RMS envelope,
 * contraction detection, spectrum and analytics, MVC, the processing parameters, and the whole
 * pipeline per muscle (`processMuscle`, `processMuscles`). The SIMD kernels behind processMuscles
 * have their own entry point, ./simd.
 */
export * from "./analytics";
export * from "./butter";
export * from "./contractions";
export * from "./envelope";
export * from "./muscle";
export * from "./mvc";
export * from "./parameters";
export * from "./sosfilt";
export * from "./spectrum";
