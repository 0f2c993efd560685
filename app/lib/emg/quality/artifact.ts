/**
 * `artifact` (docs/quality.md): brief transients far above the envelope — a knocked electrode, a
 * cable tugged by a movement. A transient's strength is the RMS of the band-passed signal over
 * ARTIFACT_RMS_MS, in units of the channel's sustained peak envelope (the strongest level the 100 ms
 * envelope holds for three windows running, which no transient of a few ms can raise). Contraction
 * onsets in real GHOSTLY recordings reach 6.3 sustained peaks, so inside activity a transient must
 * reach ARTIFACT_MAX_STRENGTH; where the envelope around it is quiet it needs only
 * ARTIFACT_MIN_STRENGTH, provided it also stands ARTIFACT_ISOLATION times above that envelope.
 */
import { type RmsEnvelope, msToSamples } from "../envelope";
import { type OutlierSpan, type QualityFinding, finding, formatTimes } from "./findings";
import {
  ARTIFACT_CONTEXT_GAP_MS,
  ARTIFACT_CONTEXT_MS,
  ARTIFACT_ISOLATION,
  ARTIFACT_MAX_STRENGTH,
  ARTIFACT_MERGE_MS,
  ARTIFACT_MIN_STRENGTH,
  ARTIFACT_RMS_MS,
} from "./limits";

export type EnvelopeInput = Pick<RmsEnvelope, "values" | "window" | "hop">;

export interface Transient {
  /** First and last sample (inclusive) of the event; peak is its strongest sample. */
  start: number;
  end: number;
  peak: number;
  /** Short RMS at the peak over the sustained peak envelope. */
  strength: number;
  /** The strength it had to reach there (same unit). */
  limit: number;
}

/** Windows overlapping any span widened by one envelope window on each side (the band-pass rings that far). */
export function excludedWindows(spans: readonly { start: number; end: number }[], envelope: EnvelopeInput): Uint8Array {
  const { window: W, hop: H, values } = envelope;
  const mask = new Uint8Array(values.length);
  for (const { start, end } of spans) {
    const first = Math.max(0, Math.ceil((start - 2 * W + 1) / H));
    const last = Math.min(values.length - 1, Math.floor((end + W) / H));
    for (let k = first; k <= last; k++) mask[k] = 1;
  }
  return mask;
}

/** max over k of min(env[k−1], env[k], env[k+1]); 0 for fewer than three windows. */
export function sustainedPeak(values: Float64Array): number {
  let peak = 0;
  for (let k = 1; k + 1 < values.length; k++) {
    const m = Math.min(values[k - 1], values[k], values[k + 1]);
    if (m > peak) peak = m;
  }
  return peak;
}

/**
 * Transients of a band-passed channel, outside `exclude` (clipped stretches, widened by one window).
 * The sustained peak and the surroundings use every window, clipped ones included: leaving them out
 * would measure a channel whose every strong burst clips against its weak ones only, and a clipped
 * window can only raise the bar.
 *
 * @param limitScale multiplies every limit (1 = the documented ones; bench/quality.ts uses less to
 *   show how close clean recordings come)
 * @returns the events in time order and the sustained peak envelope they were measured against (V)
 */
export function findTransients(
  bandpassed: Float64Array,
  envelope: EnvelopeInput,
  fs: number,
  exclude: readonly OutlierSpan[] = [],
  limitScale = 1,
): { transients: Transient[]; sustainedPeak: number } {
  const { values, window: W, hop: H } = envelope;
  const mask = excludedWindows(exclude, envelope);
  const reference = sustainedPeak(values);
  const transients: Transient[] = [];
  if (!(reference > 0)) return { transients, sustainedPeak: 0 };

  const m = Math.max(1, msToSamples(ARTIFACT_RMS_MS, fs));
  const gap = msToSamples(ARTIFACT_CONTEXT_GAP_MS, fs);
  const reach = msToSamples(ARTIFACT_CONTEXT_MS, fs);
  const merge = msToSamples(ARTIFACT_MERGE_MS, fs);
  const centre = (W - 1) / 2;
  const K = values.length;
  const lowest = limitScale * ARTIFACT_MIN_STRENGTH;
  const highest = limitScale * ARTIFACT_MAX_STRENGTH;
  // Below the lowest limit nothing counts: compare sums of squares, no square root.
  const floor = m * (lowest * reference) ** 2;

  /** Largest envelope among windows centred gap … reach samples from sample i, on either side. */
  const surroundings = (i: number): number => {
    let b = 0;
    let any = false;
    const scan = (from: number, to: number) => {
      for (let k = Math.max(0, from); k <= Math.min(K - 1, to); k++) {
        any = true;
        if (values[k] > b) b = values[k];
      }
    };
    scan(Math.ceil((i - reach - centre) / H), Math.floor((i - gap - centre) / H));
    scan(Math.ceil((i + gap - centre) / H), Math.floor((i + reach - centre) / H));
    return any ? b : Infinity;
  };

  let current: Transient | null = null;
  for (let i = m - 1; i < bandpassed.length; i++) {
    let sum = 0;
    for (let t = i - m + 1; t <= i; t++) sum += bandpassed[t] * bandpassed[t];
    if (!(sum >= floor) || mask[Math.min(K - 1, Math.max(0, Math.floor((i - centre) / H)))]) continue;
    const strength = Math.sqrt(sum / m) / reference;
    const limit = Math.min(highest, Math.max(lowest, (limitScale * ARTIFACT_ISOLATION * surroundings(i)) / reference));
    if (strength < limit) continue;
    if (current && i - current.end <= merge) {
      current.end = i;
      if (strength > current.strength) Object.assign(current, { peak: i, strength, limit });
    } else {
      current = { start: i - m + 1, end: i, peak: i, strength, limit };
      transients.push(current);
    }
  }
  return { transients, sustainedPeak: reference };
}

export const transientSpans = (transients: readonly Transient[]): OutlierSpan[] =>
  transients.map((t) => ({ start: t.start, end: t.end, kind: "artifact" as const }));

/** `artifact` warning naming when the transients happen; value: the strongest, limit: its limit (× sustained peak). */
export function artifactFinding(channel: string, transients: readonly Transient[], fs: number): QualityFinding | null {
  if (transients.length === 0) return null;
  const strongest = transients.reduce((a, b) => (b.strength > a.strength ? b : a));
  const count = transients.length;
  return finding(
    "artifact",
    "warning",
    channel,
    `${channel}: ${count} brief spike${count === 1 ? "" : "s"} far above the signal around ${count === 1 ? "it" : "them"}, ` +
      `at ${formatTimes(transients.map((t) => t.peak / fs))} — a knocked electrode or a tugged cable, not muscle activity. ` +
      `The strongest is ${strongest.strength.toFixed(1)}× the strongest sustained contraction; check the plot there.`,
    strongest.strength,
    strongest.limit,
  );
}

/** `findTransients` and its finding in one call. */
export function checkArtifacts(
  channel: string,
  bandpassed: Float64Array,
  envelope: EnvelopeInput,
  fs: number,
  exclude: readonly OutlierSpan[] = [],
): { finding: QualityFinding | null; spans: OutlierSpan[] } {
  const { transients } = findTransients(bandpassed, envelope, fs, exclude);
  return { finding: artifactFinding(channel, transients, fs), spans: transientSpans(transients) };
}
