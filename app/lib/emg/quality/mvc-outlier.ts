/**
 * `mvc_from_outlier` (docs/quality.md): the MVC estimated from the task ("peak in task", the envelope's
 * maximum) comes from a window touched by clipped samples or by a transient. The pipeline's MVC stays
 * as defined; the finding says so and gives the robust estimate: the envelope's maximum over the
 * windows that no clipped stretch or transient touches (each widened by one envelope window, as far
 * as the band-pass rings) — the same "peak in task" rule on the signal that is left.
 */
import type { MvcSource } from "../mvc";
import { type EnvelopeInput, excludedWindows } from "./artifact";
import { type OutlierSpan, type QualityFinding, finding, formatVolts } from "./findings";

/** Index of the envelope's first maximum (the window the task MVC comes from); −1 when empty. */
function peakWindow(values: Float64Array): number {
  let best = -1;
  for (let k = 0; k < values.length; k++) if (best < 0 || values[k] > values[best]) best = k;
  return best;
}

/** Maximum envelope (V) over the windows no outlier touches; null when they all are. */
export function robustMvc(envelope: EnvelopeInput, outliers: readonly OutlierSpan[]): number | null {
  const mask = excludedWindows(outliers, envelope);
  let peak: number | null = null;
  for (let k = 0; k < envelope.values.length; k++) {
    if (!mask[k] && (peak === null || envelope.values[k] > peak)) peak = envelope.values[k];
  }
  return peak;
}

/**
 * `mvc_from_outlier` warning when the MVC is the task peak and its window is touched by an outlier.
 * value: the MVC used (V); limit: the robust estimate (V), null when no window is left.
 */
export function checkMvcFromOutlier(
  channel: string,
  envelope: EnvelopeInput,
  mvc: { value: number; source: MvcSource },
  outliers: readonly OutlierSpan[],
  fs: number,
): QualityFinding | null {
  if (mvc.source !== "peak_in_task" || outliers.length === 0) return null;
  const k = peakWindow(envelope.values);
  if (k < 0) return null;
  const mask = excludedWindows(outliers, envelope);
  if (!mask[k]) return null;
  const { window: W, hop: H } = envelope;
  const lo = k * H - W;
  const hi = k * H + 2 * W - 1;
  const touching = outliers.filter((o) => o.end >= lo && o.start <= hi);
  const kinds = new Set(touching.map((o) => o.kind));
  const cause = kinds.size === 2 ? "clipped samples and a brief spike" : kinds.has("clipping") ? "clipped samples" : "a brief spike";
  const robust = robustMvc(envelope, outliers);
  const at = ((k * H + (W - 1) / 2) / fs).toFixed(1);
  return finding(
    "mvc_from_outlier",
    "warning",
    channel,
    `${channel}: the MVC taken from this recording (${formatVolts(mvc.value)}, the envelope peak at ${at} s) comes from ${cause}, ` +
      `not from a contraction, so every %MVC and the intensity threshold are off. ` +
      (robust === null
        ? "No part of the recording is free of them: enter the MVC."
        : `Without them the peak is ${formatVolts(robust)}; check the plot, or enter the MVC.`),
    mvc.value,
    robust,
  );
}
