/**
 * The whole pipeline per muscle: validation, band-pass, envelope, MVC, contractions, analytics
 * (docs/pipeline.md §0–5). Produces the export's `channels.<id>` entry and the contraction list.
 * `processMuscles` runs a recording's two muscles together (SIMD lanes, decision 065).
 */
import type { ChannelResult, ChannelWarning } from "~/lib/domain";
import { type ChannelAnalytics, type SignalSums, channelAnalytics, signalSums } from "./analytics";
import { type Sos, butter } from "./butter";
import {
  type DetectedContraction,
  activatedRuns,
  describeContractions,
  envelopeRuns,
  mergeAndFilterRuns,
  summarizeContractions,
} from "./contractions";
import { type RmsEnvelope, msToSamples, rmsEnvelope } from "./envelope";
import { type MvcReference, mvcThreshold, resolveMvc } from "./mvc";
import type { ResolvedProcessingParameters } from "./parameters";
import { channelQuality } from "./quality/channel";
import type { QualityFinding } from "./quality/findings";
import { type FiniteScan, pairedSignals, placePair } from "./simd";
import { sosfiltfilt, sosfiltfiltPadlen } from "./sosfilt";
import { type Psd, welch } from "./spectrum";

/** Recordings shorter than this are processed but flagged `short_recording`. */
export const SHORT_RECORDING_S = 10;
/** A raw channel whose population standard deviation is below this is `flat_signal`. */
export const FLAT_SIGNAL_STD = 1e-12;

export interface MuscleInput {
  /** Channel id (`CH1`): the raw label without ` Raw`. */
  id: string;
  label: string;
  side: "left" | "right" | null;
  raw: Float64Array;
  /** The device's gated activation signal, when the file has one for this muscle. */
  activated: Float64Array | null;
  /** MVC given with this upload (volts). */
  mvcUpload?: number | null;
  /** The patient's stored MVC for this side (volts). */
  mvcPatient?: number | null;
  targetDurationMs: number;
  /** Contractions expected of this muscle (the session's target), for the `few_contractions` check. */
  expectedContractions?: number | null;
}

export interface MuscleResult {
  channel: ChannelResult;
  contractions: DetectedContraction[];
  /** Null when the channel was rejected. */
  envelope: RmsEnvelope | null;
  /** Null when the channel was rejected or processMuscles was told not to keep it. */
  bandpassed: Float64Array | null;
  mvc: MvcReference | null;
  /**
   * The channel's quality findings (docs/quality.md), checked in `finishMuscle` while the band-passed
   * samples and the PSD are still at hand; empty for a rejected channel (the session reports it).
   */
  quality: QualityFinding[];
}

/** Band-pass design for the resolved parameters (`butter(order, [low, effective high], 'bandpass', fs)`). */
export function designBandpass(params: ResolvedProcessingParameters): Sos {
  return butter(params.filter_order, [params.filter_low_cutoff_hz, params.filter_high_cutoff_hz], "bandpass", params.sampling_rate_hz);
}

const warning = (code: string, message: string): ChannelWarning => ({ code, message });

/**
 * Index of the first NaN/±Inf sample (−1 when none), and the sum and sum of squares of all samples,
 * in one pass.
 */
function scanSamples(x: Float64Array): { firstNonFinite: number; sum: number; sumOfSquares: number } {
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    // v − v is NaN exactly for NaN and ±Inf.
    if (v - v !== 0) return { firstNonFinite: i, sum: Number.NaN, sumOfSquares: Number.NaN };
    sum += v;
    sumOfSquares += v * v;
  }
  return { firstNonFinite: -1, sum, sumOfSquares };
}

/** Population standard deviation, two-pass so a large DC offset cannot hide a tiny variation. */
function populationStd(x: Float64Array, sum: number): number {
  const mean = sum / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / x.length);
}

/**
 * Whether the population standard deviation is below FLAT_SIGNAL_STD. The one-pass variance
 * E[x²] − mean² from the scan's sums is off by at most about 3·n·ε·E[x²] (recursive summation), far
 * below 1e-6·E[x²] for any recording that fits in memory; when it exceeds 1e-6·E[x²] + FLAT_SIGNAL_STD²
 * the signal cannot be flat and the second pass is skipped. Otherwise the two-pass value decides, so
 * the answer is always the two-pass one.
 */
function isFlat(x: Float64Array, sum: number, sumOfSquares: number): boolean {
  const meanOfSquares = sumOfSquares / x.length;
  const mean = sum / x.length;
  if (meanOfSquares - mean * mean > 1e-6 * meanOfSquares + FLAT_SIGNAL_STD * FLAT_SIGNAL_STD) return false;
  return populationStd(x, sum) < FLAT_SIGNAL_STD;
}

function emptyChannel(input: MuscleInput, error: ChannelWarning | null, warnings: ChannelWarning[]): ChannelResult {
  return {
    label: input.label,
    side: input.side,
    timing_source: null,
    mvc_value: null,
    mvc_source: null,
    mvc_threshold: null,
    rms: null,
    mav: null,
    mpf: null,
    mdf: null,
    fatigue_index_fi_nsm5: null,
    target_duration_ms: input.targetDurationMs,
    contraction_count: null,
    good_contraction_count: null,
    intensity_compliant_count: null,
    duration_compliant_count: null,
    mean_duration_ms: null,
    shortest_duration_ms: null,
    longest_duration_ms: null,
    total_time_under_tension_ms: null,
    mean_peak_rms: null,
    max_peak_rms: null,
    duration_s: null,
    error,
    warnings,
  };
}

/** A muscle that passed the checks, with the warnings so far. */
interface AcceptedMuscle {
  input: MuscleInput;
  warnings: ChannelWarning[];
  flat: boolean;
}

/** The signals of a muscle that only depend on `raw`: computed alone or for two muscles at once. */
interface MuscleSignals {
  /** In the paired path a view into the pair arena, valid only until the next paired call. */
  bandpassed: Float64Array;
  inArena: boolean;
  envelope: RmsEnvelope;
  psd: Psd;
  sums: SignalSums;
}

/**
 * Runs the pipeline on one muscle. A channel that cannot be processed (non-finite samples, too short)
 * comes back with `channel.error` set and null analytics — never silently repaired.
 *
 * @param sos the band-pass of `params` (pass it to share one design between muscles)
 */
export function processMuscle(input: MuscleInput, params: ResolvedProcessingParameters, sos: Sos = designBandpass(params)): MuscleResult {
  return processMuscles([input], params, sos)[0];
}

/**
 * `processMuscle` for each input, in order. When two muscles are accepted and equally long (the two
 * channels of one recording), their band-pass, envelope and spectrum are computed together in SIMD
 * lanes (the raw-sample scan, band-pass, envelope, spectrum and sums, all in one arena; decision
 * 065): the same numbers, bit for bit.
 *
 * @param keepBandpassed false leaves `bandpassed` null in the results: a caller that never reads
 *   the band-passed samples saves copying them out (2 × 1.4 MB for a 3-minute GHOSTLY recording)
 */
export function processMuscles(
  inputs: MuscleInput[],
  params: ResolvedProcessingParameters,
  sos: Sos = designBandpass(params),
  { keepBandpassed = true }: { keepBandpassed?: boolean } = {},
): MuscleResult[] {
  const padlen = sosfiltfiltPadlen(sos);
  const pair = inputs.length === 2 ? placePair(inputs[0].raw, inputs[1].raw, params, sos, padlen) : null;
  const checked = inputs.map((input, i) => checkMuscle(input, params, padlen, pair?.scans[i] ?? null));
  const accepted = checked.filter((c): c is AcceptedMuscle => !("rejected" in c));
  const paired = pair && accepted.length === 2 ? pairedSignals(pair, params, sos, padlen) : null;
  return checked.map((c) => {
    if ("rejected" in c) return c.rejected;
    const signals = paired?.[accepted.indexOf(c)] ?? muscleSignals(c.input.raw, params, sos, padlen);
    return finishMuscle(c, signals, params, keepBandpassed);
  });
}

function muscleSignals(raw: Float64Array, params: ResolvedProcessingParameters, sos: Sos, padlen: number): MuscleSignals {
  const fs = params.sampling_rate_hz;
  const bandpassed = sosfiltfilt(sos, raw, padlen);
  return {
    bandpassed,
    inArena: false,
    envelope: rmsEnvelope(bandpassed, fs, params.rms_window_ms, params.rms_overlap_percent),
    psd: welch(bandpassed, fs),
    sums: signalSums(bandpassed),
  };
}

/** The checks before any filtering: non-finite samples, length, flat signal; the first warnings. */
function checkMuscle(
  input: MuscleInput,
  params: ResolvedProcessingParameters,
  padlen: number,
  finiteScan: FiniteScan | null,
): AcceptedMuscle | { rejected: MuscleResult } {
  const fs = params.sampling_rate_hz;
  const n = input.raw.length;
  const warnings: ChannelWarning[] = [];
  const rejected = (code: string, message: string) => ({
    rejected: {
      channel: emptyChannel(input, warning(code, message), warnings),
      contractions: [],
      envelope: null,
      bandpassed: null,
      mvc: null,
      quality: [],
    },
  });

  // The paired scan only answers for all-finite signals; the scalar scan finds the first bad sample.
  const scan = finiteScan ? { firstNonFinite: -1, ...finiteScan } : scanSamples(input.raw);
  const bad = scan.firstNonFinite;
  if (bad >= 0) {
    return rejected("non_finite_samples", `${input.label}: sample ${bad} is ${input.raw[bad]}; the channel was not processed`);
  }
  const minSamples = Math.max(3 * padlen + 1, Math.ceil(fs));
  if (n < minSamples) {
    return rejected(
      "too_short",
      `${input.label}: ${n} samples (${(n / fs).toFixed(3)} s); at least ${minSamples} are needed ` +
        `(1 s at ${fs} Hz and 3·padlen + 1 = ${3 * padlen + 1} for the band-pass)`,
    );
  }
  if (n < SHORT_RECORDING_S * fs) {
    warnings.push(warning("short_recording", `${input.label}: ${(n / fs).toFixed(2)} s recorded, less than ${SHORT_RECORDING_S} s`));
  }
  if (params.filter_high_cutoff_hz !== params.filter_high_cutoff_requested_hz) {
    warnings.push(
      warning(
        "high_cutoff_clamped",
        `high cut-off ${params.filter_high_cutoff_requested_hz} Hz lowered to ${params.filter_high_cutoff_hz} Hz (0.95 × fs/2 at ${fs} Hz)`,
      ),
    );
  }
  const flat = isFlat(input.raw, scan.sum, scan.sumOfSquares);
  if (flat) {
    warnings.push(
      warning("flat_signal", `${input.label}: the signal is constant (standard deviation < ${FLAT_SIGNAL_STD}); no contractions detected`),
    );
  }
  return { input, warnings, flat };
}

/** MVC, contractions and analytics of an accepted muscle from its signals. */
function finishMuscle(
  { input, warnings, flat }: AcceptedMuscle,
  { bandpassed, inArena, envelope, psd, sums }: MuscleSignals,
  params: ResolvedProcessingParameters,
  keepBandpassed: boolean,
): MuscleResult {
  const fs = params.sampling_rate_hz;
  const n = input.raw.length;
  const mvc = resolveMvc(envelope.values, input.mvcUpload, input.mvcPatient);
  const intensityThreshold = mvcThreshold(mvc.value, params.mvc_threshold_percentage);

  let timing: "activated" | "envelope" = "envelope";
  if (params.timing_source !== "envelope") {
    if (input.activated) timing = "activated";
    else if (params.timing_source === "activated") {
      warnings.push(warning("activated_channel_missing", `${input.label}: no activated channel; contractions timed from the envelope`));
    }
  }
  let runs: { start: number; end: number }[] = [];
  if (!flat) {
    if (timing === "activated" && input.activated) {
      const found = activatedRuns(input.activated, params.activated_threshold_factor);
      if (!(found.max > 0)) {
        warnings.push(warning("no_device_activation", `${input.label}: the activated channel never exceeds 0; no contractions detected`));
      }
      runs = found.runs;
    } else {
      runs = envelopeRuns(envelope.values, envelope, params.threshold_factor * mvc.value);
    }
  }
  runs = mergeAndFilterRuns(runs, msToSamples(params.merge_gap_ms, fs), msToSamples(params.min_duration_ms, fs));
  const contractions = describeContractions(runs, envelope.values, envelope, {
    fs,
    mvc: mvc.value,
    intensityThreshold,
    targetSamples: msToSamples(input.targetDurationMs, fs),
  });
  const analytics: ChannelAnalytics = channelAnalytics(bandpassed, fs, psd, sums);
  // Here, not later: in the paired path `bandpassed` is a view into the SIMD arena.
  const quality = channelQuality({
    channel: input.id,
    fs,
    raw: input.raw,
    bandpassed,
    bandpassedRms: analytics.rms,
    psd,
    band: { low: params.filter_low_cutoff_hz, high: params.filter_high_cutoff_hz },
    envelope,
    contractions,
    mvc,
    expectedContractions: input.expectedContractions ?? null,
    targetDurationMs: input.targetDurationMs,
  });
  return {
    channel: {
      label: input.label,
      side: input.side,
      timing_source: timing,
      mvc_value: mvc.value,
      mvc_source: mvc.source,
      mvc_threshold: intensityThreshold,
      ...analytics,
      target_duration_ms: input.targetDurationMs,
      ...summarizeContractions(contractions),
      duration_s: n / fs,
      error: null,
      warnings,
    },
    contractions,
    envelope,
    bandpassed: keepBandpassed ? (inArena ? bandpassed.slice() : bandpassed) : null,
    mvc,
    quality,
  };
}
