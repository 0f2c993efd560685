/**
 * Contraction detection on integer sample indexes (docs/pipeline.md §4): candidate runs from the
 * device's `activated` channel or from the RMS envelope, merged across short gaps, short ones dropped,
 * then described by the envelope windows they cover.
 */
import type { EnvelopeGeometry } from "./envelope";

/** An inclusive run of samples s … e. */
export interface SampleRun {
  start: number;
  end: number;
}

/**
 * Runs where the device's activation signal is on: sample i is active ⇔
 * activated[i] ≥ factor · max(activated), provided max(activated) > 0.
 *
 * @returns the runs and max(activated); no runs when max(activated) ≤ 0 (the device never activated)
 */
export function activatedRuns(activated: Float64Array, factor: number): { runs: SampleRun[]; max: number } {
  const { max, positives } = maxAndPositives(activated);
  const runs: SampleRun[] = [];
  if (!(max > 0)) return { runs, max };
  const threshold = factor * max;
  if (positives && threshold > 0) {
    // Only positive samples can reach a positive threshold: runs from their indexes alone.
    let start = -1;
    let last = -2;
    for (let j = 0; j < positives.count; j++) {
      const i = positives.indexes[j];
      if (!(activated[i] >= threshold)) continue;
      if (i !== last + 1) {
        if (start >= 0) runs.push({ start, end: last });
        start = i;
      }
      last = i;
    }
    if (start >= 0) runs.push({ start, end: last });
    return { runs, max };
  }
  const n = activated.length;
  let i = 0;
  while (i < n) {
    while (i < n && !(activated[i] >= threshold)) i++;
    if (i === n) break;
    const start = i;
    while (i < n && activated[i] >= threshold) i++;
    runs.push({ start, end: i - 1 });
  }
  return { runs, max };
}

/** Indexes of positive samples kept by maxAndPositives; a signal with more is scanned again instead. */
const POSITIVE_CAPACITY = 65536;
const positiveIndexes = new Int32Array(POSITIVE_CAPACITY);

/**
 * Largest value (−Infinity when empty; NaN samples are skipped, as `v > max` is false for them) and,
 * in the same pass, the indexes of the positive samples in order — null when there are more than
 * POSITIVE_CAPACITY (the device signal rests at 0 most of the time: 4k of 173k samples in a GHOSTLY
 * file). The indexes live in a shared buffer: valid until the next call. Four running maxima break
 * the single compare-and-select chain that would otherwise bound the loop.
 */
function maxAndPositives(x: Float64Array): { max: number; positives: { indexes: Int32Array; count: number } | null } {
  let m0 = -Infinity;
  let m1 = -Infinity;
  let m2 = -Infinity;
  let m3 = -Infinity;
  let count = 0;
  let overflow = false;
  const keep = (i: number) => {
    if (count < POSITIVE_CAPACITY) positiveIndexes[count++] = i;
    else overflow = true;
  };
  const n = x.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const v0 = x[i];
    const v1 = x[i + 1];
    const v2 = x[i + 2];
    const v3 = x[i + 3];
    m0 = v0 > m0 ? v0 : m0;
    m1 = v1 > m1 ? v1 : m1;
    m2 = v2 > m2 ? v2 : m2;
    m3 = v3 > m3 ? v3 : m3;
    if (v0 > 0 || v1 > 0 || v2 > 0 || v3 > 0) {
      if (v0 > 0) keep(i);
      if (v1 > 0) keep(i + 1);
      if (v2 > 0) keep(i + 2);
      if (v3 > 0) keep(i + 3);
    }
  }
  for (; i < n; i++) {
    const v = x[i];
    if (v > m0) m0 = v;
    if (v > 0) keep(i);
  }
  const a = m0 > m1 ? m0 : m1;
  const b = m2 > m3 ? m2 : m3;
  return { max: a > b ? a : b, positives: overflow ? null : { indexes: positiveIndexes, count } };
}

/**
 * Runs where the envelope reaches `threshold` (volts): window k stands for samples
 * kH + o … kH + o + H − 1 with o = floor((W − H)/2), so active windows a … b give s = aH + o,
 * e = bH + o + H − 1.
 */
export function envelopeRuns(envelope: Float64Array, geometry: EnvelopeGeometry, threshold: number): SampleRun[] {
  const { window: W, hop: H } = geometry;
  const offset = Math.floor((W - H) / 2);
  const runs: SampleRun[] = [];
  let first = -1;
  const close = (last: number) => runs.push({ start: first * H + offset, end: last * H + offset + H - 1 });
  for (let k = 0; k < envelope.length; k++) {
    const active = envelope[k] >= threshold;
    if (active && first < 0) first = k;
    else if (!active && first >= 0) {
      close(k - 1);
      first = -1;
    }
  }
  if (first >= 0) close(envelope.length - 1);
  return runs;
}

/**
 * Merges consecutive runs whose gap s_next − e_prev − 1 is below `mergeGapSamples`, then drops runs
 * shorter than `minDurationSamples` (in that order).
 */
export function mergeAndFilterRuns(runs: SampleRun[], mergeGapSamples: number, minDurationSamples: number): SampleRun[] {
  const merged: SampleRun[] = [];
  for (const run of runs) {
    const previous = merged[merged.length - 1];
    if (previous && run.start - previous.end - 1 < mergeGapSamples) previous.end = run.end;
    else merged.push({ ...run });
  }
  return merged.filter((run) => run.end - run.start + 1 >= minDurationSamples);
}

/**
 * Envelope windows describing a run: every k with s ≤ kH + floor((W − 1)/2) ≤ e; when there is none,
 * the single window whose centre kH + (W − 1)/2 is nearest to (s + e)/2 (the earlier on a tie).
 *
 * @returns first and last window index (inclusive); null when the envelope is empty
 */
export function runWindows(run: SampleRun, geometry: EnvelopeGeometry): { first: number; last: number } | null {
  const { window: W, hop: H, count: K } = geometry;
  if (K === 0) return null;
  const centreFloor = Math.floor((W - 1) / 2);
  const first = Math.max(0, Math.ceil((run.start - centreFloor) / H));
  const last = Math.min(K - 1, Math.floor((run.end - centreFloor) / H));
  if (first <= last) return { first, last };
  // Compare doubled distances |2kH + W − 1 − (s + e)| to stay on integers.
  const target = run.start + run.end;
  let best = 0;
  let bestDistance = Infinity;
  const approx = Math.min(K - 1, Math.max(0, Math.floor((target - (W - 1)) / (2 * H))));
  for (let k = Math.max(0, approx - 1); k <= Math.min(K - 1, approx + 2); k++) {
    const distance = Math.abs(2 * k * H + W - 1 - target);
    if (distance < bestDistance) {
      best = k;
      bestDistance = distance;
    }
  }
  return { first: best, last: best };
}

export interface DetectedContraction {
  /** 1-based, in time order per muscle. */
  index: number;
  /** First and last sample (inclusive). */
  start_sample: number;
  end_sample: number;
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  /** First and last envelope window used for the RMS figures. */
  first_window: number;
  last_window: number;
  peak_rms: number;
  mean_rms: number;
  percent_mvc: number | null;
  meets_intensity: boolean;
  meets_duration: boolean;
  is_good: boolean;
}

export interface ContractionCriteria {
  fs: number;
  /** MVC reference (volts); percent_mvc is null when it is not > 0. */
  mvc: number;
  /** Intensity threshold (volts) = MVC · percentage/100. */
  intensityThreshold: number;
  /** N_target = round(target_duration_ms · fs/1000). */
  targetSamples: number;
}

/** Times, RMS figures and compliance flags of each run, in order. */
export function describeContractions(
  runs: SampleRun[],
  envelope: Float64Array,
  geometry: EnvelopeGeometry,
  { fs, mvc, intensityThreshold, targetSamples }: ContractionCriteria,
): DetectedContraction[] {
  const described: DetectedContraction[] = [];
  for (const run of runs) {
    const windows = runWindows(run, geometry);
    if (!windows) continue;
    let peak = -Infinity;
    let sum = 0;
    for (let k = windows.first; k <= windows.last; k++) {
      const v = envelope[k];
      if (v > peak) peak = v;
      sum += v;
    }
    const length = run.end - run.start + 1;
    const meetsIntensity = peak >= intensityThreshold;
    const meetsDuration = length >= targetSamples;
    described.push({
      index: described.length + 1,
      start_sample: run.start,
      end_sample: run.end,
      start_ms: (1000 * run.start) / fs,
      end_ms: (1000 * (run.end + 1)) / fs,
      duration_ms: (1000 * length) / fs,
      first_window: windows.first,
      last_window: windows.last,
      peak_rms: peak,
      mean_rms: sum / (windows.last - windows.first + 1),
      percent_mvc: mvc > 0 ? (100 * peak) / mvc : null,
      meets_intensity: meetsIntensity,
      meets_duration: meetsDuration,
      is_good: meetsIntensity && meetsDuration,
    });
  }
  return described;
}

export interface ContractionSummary {
  contraction_count: number;
  good_contraction_count: number;
  intensity_compliant_count: number;
  duration_compliant_count: number;
  mean_duration_ms: number | null;
  shortest_duration_ms: number | null;
  longest_duration_ms: number | null;
  total_time_under_tension_ms: number;
  mean_peak_rms: number | null;
  max_peak_rms: number | null;
}

/** Per-muscle summary of its contractions (nulls for means and extremes when there are none). */
export function summarizeContractions(contractions: DetectedContraction[]): ContractionSummary {
  const n = contractions.length;
  let total = 0;
  let peakSum = 0;
  let shortest = Infinity;
  let longest = -Infinity;
  let maxPeak = -Infinity;
  for (const c of contractions) {
    total += c.duration_ms;
    peakSum += c.peak_rms;
    shortest = Math.min(shortest, c.duration_ms);
    longest = Math.max(longest, c.duration_ms);
    maxPeak = Math.max(maxPeak, c.peak_rms);
  }
  return {
    contraction_count: n,
    good_contraction_count: contractions.filter((c) => c.is_good).length,
    intensity_compliant_count: contractions.filter((c) => c.meets_intensity).length,
    duration_compliant_count: contractions.filter((c) => c.meets_duration).length,
    mean_duration_ms: n > 0 ? total / n : null,
    shortest_duration_ms: n > 0 ? shortest : null,
    longest_duration_ms: n > 0 ? longest : null,
    total_time_under_tension_ms: total,
    mean_peak_rms: n > 0 ? peakSum / n : null,
    max_peak_rms: n > 0 ? maxPeak : null,
  };
}
