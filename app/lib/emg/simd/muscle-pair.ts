/**
 * The two muscles of a recording through the pair kernels in one arena (processMuscles' paired
 * path, decision 065): the raw samples are placed and scanned once, the band-pass filters them in
 * place, and the envelope, Welch and sums kernels read the filtered signals where it left them.
 */
import type { SignalSums } from "../analytics";
import type { Sos } from "../butter";
import type { RmsEnvelope } from "../envelope";
import type { ResolvedProcessingParameters } from "../parameters";
import type { Psd } from "../spectrum";
import { type PairArena, SUMS_BYTES, pairArena, signalPair } from "./arena";
import { canEnvelopePair, envelopePairOutputBytes, rmsEnvelopePairInArena } from "./envelope-pair";
import { canFilterPair, placePairInArena, sosfiltfiltPlacedPair } from "./sosfilt-pair";
import { type FiniteScan, canSumPair, scanPairInArena, signalSumsPairInArena } from "./sums-pair";
import { canWelchPair, welchPairInArena } from "./welch-pair";

/** One muscle's signals from the paired path. */
export interface PairedSignals {
  /** A view into the pair arena, valid only until the next paired call. */
  bandpassed: Float64Array;
  inArena: true;
  envelope: RmsEnvelope;
  psd: Psd;
  sums: SignalSums;
}

/** Two recordings' raw samples placed in the pair arena, with their scans. */
export interface PlacedPair {
  arena: PairArena;
  n: number;
  /** Byte of the first raw (later band-passed) sample of a; b's is `other` bytes further. */
  at: number;
  other: number;
  /** Byte offsets of the sums and the envelope output, after the signals. */
  sumsOut: number;
  envelopeOut: number;
  scans: [FiniteScan | null, FiniteScan | null];
}

/**
 * Copies both raw signals (odd-extended for the band-pass) into the pair arena and scans them there.
 * Null when a kernel does not apply (then each muscle is processed alone).
 */
export function placePair(
  a: Float64Array,
  b: Float64Array,
  params: ResolvedProcessingParameters,
  sos: Sos,
  padlen: number,
): PlacedPair | null {
  if (!canFilterPair(sos, a, b, padlen) || !canEnvelopePair(a, b) || !canWelchPair(a, b) || !canSumPair()) return null;
  const fs = params.sampling_rate_hz;
  const n = a.length;
  const length = n + 2 * padlen;
  const { at: extended, other, end: sumsOut } = signalPair(length);
  const envelopeOut = sumsOut + SUMS_BYTES;
  const arena = pairArena(envelopeOut + envelopePairOutputBytes(n, fs, params.rms_window_ms, params.rms_overlap_percent));
  placePairInArena(arena, a, b, padlen);
  const at = extended + 8 * padlen;
  return { arena, n, at, other, sumsOut, envelopeOut, scans: scanPairInArena(arena, at, other, n, sumsOut) };
}

/**
 * Both muscles' signals in the arena: the band-pass leaves the filtered signals where the envelope,
 * Welch and sums kernels read them.
 */
export function pairedSignals(
  { arena, n, at, other, sumsOut, envelopeOut }: PlacedPair,
  params: ResolvedProcessingParameters,
  sos: Sos,
  padlen: number,
): [PairedSignals, PairedSignals] {
  const fs = params.sampling_rate_hz;
  sosfiltfiltPlacedPair(arena, sos, n, padlen);
  const words = new Float64Array(arena.memory.buffer);
  const bandpassed = [words.subarray(at >> 3, (at >> 3) + n), words.subarray((at + other) >> 3, ((at + other) >> 3) + n)];
  const envelopes = rmsEnvelopePairInArena(arena, at, other, n, fs, params.rms_window_ms, params.rms_overlap_percent, envelopeOut);
  const spectra = welchPairInArena(arena, at, other, bandpassed[0], bandpassed[1], fs);
  const sums = signalSumsPairInArena(arena, at, other, n, sumsOut);
  return [0, 1].map((i) => ({ bandpassed: bandpassed[i], inArena: true, envelope: envelopes[i], psd: spectra[i], sums: sums[i] })) as [
    PairedSignals,
    PairedSignals,
  ];
}
